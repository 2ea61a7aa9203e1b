"""How a battle's outcome acts: the channel decomposition of the factual-counterfactual difference.

Each channel (the campaign, credibility in the states' own decisions, capability, contagion between
neighbours) is switched off in turn by giving the counterfactual arm the factual arm's input for it,
and its share is the full difference minus the difference with the channel off (see
:func:`_channels`). Used by :func:`realign.consequences.compute.consequences`.
"""

from __future__ import annotations

import numpy as np

from realign.simulation.forecast import ForecastResult, ForecastSpec, run_forecast


def _expected_exits(res: ForecastResult, states: tuple[int, ...], side: int, month: str) -> dict:
    """Expected number of ``states`` off ``side`` by ``month`` (mean and 90% interval over runs)."""
    pos = {c: i for i, c in enumerate(res.ccodes)}
    idx = [pos[c] for c in states if c in pos and res.init_side[pos[c]] == side]
    if month not in res.months or not idx:
        return {"mean": float("nan"), "p05": float("nan"), "p95": float("nan")}
    t = res.months.index(month)
    n = (res.sides[:, t, idx] != side).sum(axis=1)
    return {"mean": float(n.mean()), "p05": float(np.quantile(n, 0.05)), "p95": float(np.quantile(n, 0.95))}


def _run_many(specs: list[ForecastSpec], threads: int = 1) -> list[ForecastResult]:
    """The forecasts of ``specs``, in order; ``threads > 1`` runs them concurrently.

    numpy releases the GIL in its array loops, and every forecast draws from its own generator seeded
    by its spec, so the results are the same as one after the other (fits are computed once, under
    ``forecast._FIT_LOCK``; BLAS is held at one thread for the whole batch).
    """
    if threads <= 1 or len(specs) < 2:
        return [run_forecast(s) for s in specs]
    from concurrent.futures import ThreadPoolExecutor

    from realign.simulation.forecast import _one_blas_thread

    with _one_blas_thread(), ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run_forecast, specs))


def _channels(
    ev,
    fac: ForecastResult,
    cf: ForecastResult,
    states: tuple[int, ...],
    side: int,
    month: str,
    runs: int,
    seed: int,
    metric=None,
    threads: int = 1,
) -> dict:
    """Factual-counterfactual difference in expected exits, and how much of it each channel carries.

    ``metric(result) -> float`` replaces the default (expected exits of ``states`` from ``side`` by
    ``month``), e.g. the expected number of WWI states that change side within the window.

    A channel is "switched off" by giving the counterfactual arm the factual arm's input for it
    (campaign: the contact hazard sees the factual credibility; decisions: the exit/join hazards
    see it; capability: the factual multipliers), or, for contagion, by removing the neighbour and
    partner change features from both arms. The channel's share = full difference minus the
    difference with the channel off.
    """
    metric = metric or (lambda r: _expected_exits(r, states, side, month)["mean"])

    def diff(a: ForecastResult, b: ForecastResult) -> float:
        return metric(a) - metric(b)

    full = diff(fac, cf)
    base = dict(
        war=fac.spec.war, at=fac.spec.at, until=fac.spec.until, runs=runs, seed=seed, fit_until=fac.spec.fit_until
    )
    cf_ev = cf.spec.events
    out = {"month": month, "difference_expected_exits": full, "channels": {}}
    arms = {
        "campaign (fronts)": ForecastSpec(**base, events=cf_ev, cred_override={"front": fac.credibility}),
        "credibility in decisions": ForecastSpec(**base, events=cf_ev, cred_override={"decide": fac.credibility}),
    }
    # capability: the catalogue's reversed outcome keeps the attrition (same multipliers), so the channel
    # is measured by holding both arms' capability at the last known year
    pairs = [
        ForecastSpec(**base, events=r.spec.events, channels=tuple(c for c in r.spec.channels if c != off))
        for off in ("capability", "contagion")
        for r in (fac, cf)
    ]
    got = _run_many([*arms.values(), *pairs], threads)
    for name, res in zip(arms, got, strict=False):
        out["channels"][name] = full - diff(fac, res)
    f0, c0, f1, c1 = got[len(arms) :]
    out["channels"]["capability"] = full - diff(f0, c0)
    out["channels"]["contagion"] = full - diff(f1, c1)
    out["note"] = (
        "channel effect = full factual-counterfactual difference minus the difference with that channel "
        "switched off; effects interact, so they need not add up to the total"
    )
    return out
