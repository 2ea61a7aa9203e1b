"""Rolling-origin, leave-the-war-out evaluation of the alignment forecast (``realign validate --case forecast``).

For every month of a war (WWI, war 106; WWII in Europe, war 139 up to Germany's surrender) the
forecast is made from that origin with the hazards fitted on every *other* multi-state war in full
and on the evaluated war's months before the origin only (its rows whose outcome was known), and
with the war's own inputs (fronts, battles, CINC) gated at the origin. The question scored is
"does the state change side (leave, switch or join) within the next ``horizon`` months?".

Scores, per war: AUC (probability that a state that changed got a higher forecast than one that
did not), the Brier score, and the Brier skill against **persistence** (forecast 0: nobody changes)
and against the **base rate** (the training rows' monthly change rate compounded over the horizon).
Cells whose window holds a change that is not a choice (conquest, the war's end, a forced entry,
a coalition core) are left out of the scores and counted. Every recorded change is listed with the
forecasts made 1, 2 and 3 months before it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from realign.data.names import state_name
from realign.models.choice import CORES
from realign.models.hazard import observation_days, observed_panel
from realign.simulation.forecast import ForecastSpec, run_forecast
from realign.system.history import add_months
from realign.validation.scoring import (
    auc,
    brier,
    brier_skill,
    cluster_bootstrap_ci,
    murphy_decomposition,
    reliability_table,
)
from realign.wars import WWI, WWII

__all__ = ["rolling_origin", "evaluate", "auc", "WARS", "EUROPE"]

#: Evaluated wars: (war, first origin, last observation day, states scored or None for all).
EUROPE = tuple(range(200, 400)) + (640,)
WARS = {
    WWI: ("WWI", dt.date(1914, 8, 15), dt.date(1918, 11, 11), None),
    WWII: ("WWII in Europe", dt.date(1939, 9, 15), dt.date(1945, 5, 8), EUROPE),
}


def _record(war: int) -> pd.DataFrame:
    """The war's full observed panel (for truth and the non-choice flags; cached, shared with the fit)."""
    return observed_panel(war)


def rolling_origin(
    war: int, *, horizon: int = 3, runs: int = 200, seed: int = 0, origins: list[dt.date] | None = None, progress=None
) -> pd.DataFrame:
    """One row per (origin, state): forecast P(change within ``horizon`` months), truth, and flags.

    Parameters
    ----------
    war : int
        COW war number, a key of :data:`WARS` (106 WWI, 139 WWII).
    horizon, runs, seed : int
        Window in months after each origin; simulated runs per forecast; seed of each forecast.
    origins : list of datetime.date or None
        Origins to forecast from (default: every monthly observation day with a month after it).
    progress : callable or None
        Called as ``progress(done, total)`` after each origin.

    Returns
    -------
    pandas.DataFrame
        Columns ``war, origin, ccode, name, side, p`` (probability of a change), ``y`` (0/1 truth),
        ``scored`` and ``excluded_reason`` (the non-choice change that excludes the cell).
    """
    name, first, last, region = WARS[war]
    days = observation_days(first, last)
    # every month of the war with at least one observation day after it (windows at the end are shorter)
    origins = origins or [d for d in days if add_months(d, 1) <= last]
    rec = _record(war)
    side_at = rec.pivot_table(index="date", columns="ccode", values="side", aggfunc="max")
    nonchoice = rec[(rec["y"] == 1) & ~rec["use"]][["ccode", "date", "reason"]]
    # changes by the date of the observation before them (covers the war's last, shorter interval too)
    recorded = rec[(rec["y"] == 1) & rec["kind"].isin(("exit", "join1", "join2"))][["ccode", "date"]]
    rows = []
    for k, o in enumerate(origins):
        until = add_months(o, horizon)
        res = run_forecast(ForecastSpec(war=war, at=o, until=until, runs=runs, seed=seed))
        changed = (res.sides != res.init_side[None, None, :]).any(axis=1).mean(axis=0)
        win = [d for d in observation_days(o + dt.timedelta(days=1), until)]
        for i, c in enumerate(res.ccodes):
            if region is not None and c not in region:
                continue
            if c in CORES.get(war, ()):
                continue
            s0 = res.init_side[i]
            later = [
                side_at.at[pd.Timestamp(d), c]
                if (pd.Timestamp(d) in side_at.index and c in side_at.columns)
                else np.nan
                for d in win
            ]
            known = [x for x in later if pd.notna(x)]
            y = int(
                any(int(x) != s0 for x in known)
                or (
                    (recorded["ccode"] == c)
                    & (recorded["date"] >= pd.Timestamp(o))
                    & (recorded["date"] < pd.Timestamp(until))
                ).any()
            )
            nc = nonchoice[
                (nonchoice["ccode"] == c)
                & (nonchoice["date"] >= pd.Timestamp(o) - pd.Timedelta(days=31))
                & (nonchoice["date"] < pd.Timestamp(until))
            ]
            rows.append(
                {
                    "war": war,
                    "origin": o,
                    "ccode": c,
                    "name": state_name(c),
                    "side": int(s0),
                    "p": float(changed[i]),
                    "y": y,
                    "scored": len(nc) == 0,
                    "excluded_reason": "; ".join(sorted(set(nc["reason"]))) if len(nc) else "",
                }
            )
        if progress:
            progress(k + 1, len(origins))
    return pd.DataFrame(rows)


def _changes_table(frame: pd.DataFrame, war: int, horizon: int) -> list[dict]:
    """Every recorded change with the forecasts made 1..horizon months before it."""
    rec = _record(war)
    ch = rec[(rec["y"] == 1) & rec["kind"].isin(("exit", "join1", "join2"))]
    name, first, last, region = WARS[war]
    out = []
    for r in ch.drop_duplicates(["ccode", "date"]).itertuples():
        if region is not None and r.ccode not in region:
            continue
        change_day = add_months(r.date.date(), 1)
        row = {
            "ccode": int(r.ccode),
            "name": state_name(int(r.ccode)),
            "month": change_day.strftime("%Y-%m"),
            "kind": r.kind,
            "choice": bool(r.use),
            "reason": r.reason,
        }
        for k in range(1, horizon + 1):
            o = add_months(change_day, -k)
            m = frame[(frame["ccode"] == r.ccode) & (frame["origin"] == o)]
            row[f"p_{k}m_before"] = round(float(m["p"].iloc[0]), 4) if len(m) else None
        out.append(row)
    return out


def _one_war(args: tuple) -> pd.DataFrame:
    w, horizon, runs, seed = args
    return rolling_origin(w, horizon=horizon, runs=runs, seed=seed)


#: Cluster-bootstrap resamples behind the intervals of :func:`evaluate`.
BOOTSTRAP_RESAMPLES = 1000


def _scores(s: pd.DataFrame, seed: int) -> dict:
    """AUC, Brier and skill of the scored cells ``s``, with state-cluster bootstrap intervals and calibration."""
    y, p = s["y"].to_numpy(float), s["p"].to_numpy(float)
    bel = s["side"].to_numpy() > 0
    b_rate = float(np.mean((np.mean(y) - y) ** 2)) if len(s) else float("nan")
    states = s["ccode"].to_numpy()

    def ci(stat):
        lo, hi = cluster_bootstrap_ci(p, y, states, stat, resamples=BOOTSTRAP_RESAMPLES, seed=seed)
        return [lo, hi]

    return {
        "cells": int(len(s)),
        "changes": int(y.sum()),
        "auc": auc(p, y),
        "brier": brier(p, y),
        "brier_persistence": float(np.mean(y)) if len(s) else float("nan"),
        "auc_belligerents": auc(p[bel], y[bel]),
        "changes_belligerents": int(y[bel].sum()),
        "auc_neutrals": auc(p[~bel], y[~bel]),
        "changes_neutrals": int(y[~bel].sum()),
        "brier_skill_vs_persistence": brier_skill(p, y),
        "brier_in_sample_base_rate": b_rate,
        "auc_ci95": ci(auc),
        "brier_skill_ci95": ci(brier_skill),
        "bootstrap": {"unit": "state", "resamples": BOOTSTRAP_RESAMPLES, "level": 0.95},
        "reliability": reliability_table(p, y),
        "brier_decomposition": murphy_decomposition(p, y),
    }


def evaluate(
    wars: tuple[int, ...] = (WWI, WWII), *, horizon: int = 3, runs: int = 200, seed: int = 0, processes: int = 2
) -> dict:
    """Scores per war (AUC, Brier, skill vs persistence, with intervals and calibration) and the table of changes.

    The wars are evaluated in ``processes`` worker processes (1: in this process); results do not
    depend on it (each origin's forecast has its own seed).

    Parameters
    ----------
    wars : tuple of int
        COW war numbers to evaluate (keys of :data:`WARS`).
    horizon : int
        Forecast window in months.
    runs : int
        Simulated runs per forecast.
    seed : int
        Seed of the forecasts and the bootstrap.
    processes : int
        Worker processes (1: in this process).

    Returns
    -------
    dict
        ``title``, ``horizon_months``, ``runs``, ``seed``, ``notes`` and ``wars`` (war number as text ->
        scores with intervals, ``excluded_cells`` and ``changes_table``).
    """
    out: dict = {
        "title": "Rolling-origin forecast of side changes, leave-the-war-out",
        "horizon_months": horizon,
        "runs": runs,
        "seed": seed,
        "wars": {},
    }
    jobs = [(w, horizon, runs, seed) for w in wars]
    if processes > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(min(processes, len(jobs))) as ex:
            frames = list(ex.map(_one_war, jobs))
    else:
        frames = [_one_war(j) for j in jobs]
    for w, f in zip(wars, frames, strict=True):
        out["wars"][str(w)] = {
            "name": WARS[w][0],
            "origins": int(f["origin"].nunique()),
            **_scores(f[f["scored"]], seed),
            "excluded_cells": int((~f["scored"]).sum()),
            "changes_table": _changes_table(f, w, horizon),
        }
    out["notes"] = [
        "Hazards fitted on every other multi-state COW inter-state war in full plus the evaluated war's months "
        "before each origin; fronts, battles and CINC of the evaluated war gated at the origin.",
        "Persistence forecasts no change (p = 0); its Brier score equals the share of cells with a change.",
        "The in-sample base rate (the evaluated cells' own change share) is shown for reference only: it uses the "
        "outcomes it is scored on.",
        f"Intervals: 95% percentile intervals from {BOOTSTRAP_RESAMPLES} cluster-bootstrap resamples of whole states "
        "(a state's monthly forecasts are not independent). Reliability table and Murphy (1973) decomposition of "
        "the Brier score: reliability is the calibration error, resolution how well the forecast sorts cells.",
    ]
    return out
