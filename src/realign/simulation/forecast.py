"""Forecast a war's alignments month by month from what was known on a date (``realign forecast``).

The chain the project models, each link fitted or stated:

1. **capability** (:mod:`realign.simulation.capability`): CINC trend from the NMC years known,
   times battle effects, times the share kept while enemy forces hold home territory;
2. **campaign** (:mod:`realign.simulation.campaign`): enemy contact spreads by the fitted contact hazard;
3. **credibility**: decayed battle effects of the catalogue events known (a scenario may reverse one);
4. **choice** (:mod:`realign.models.hazard`): each state outside the cores leaves its side or joins
   one by the exit / join hazards fitted across wars, with contagion from neighbours' changes.

Every run draws all hazard coefficients from their fitted normal uncertainty. Inputs come through an
:class:`~realign.system.information.InformationSet`, so without hindsight nothing dated after the
cut-off is read. States do not enter or leave the system during a run (model assumption).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from functools import cache, partial

import numpy as np
import pandas as pd

from realign.data.names import parse_date
from realign.errors import InvalidParameterError
from realign.models.cache import disk_cached
from realign.models.feature_rows import exit_rows, join_rows
from realign.models.features import (
    MonthState,
    Static,
    month_number,
    month_shared,
    shares,
    with_news,
)
from realign.models.hazard import (
    Hazards,
    _recorded_contacts,
    _start_state,
    advance,
    credibility_at,
    event_credibility,
    fit_hazards,
    observation_days,
    war_static,
)
from realign.simulation.campaign import contact_step
from realign.simulation.capability import calibrate_contact_loss, project_cinc
from realign.simulation.decisions import decide_step
from realign.system.information import InformationSet, known_nmc_year

__all__ = [
    "ForecastSpec",
    "ForecastResult",
    "run_forecast",
    "forecast",
    "side_labels",
    "CHANNELS",
    "fitted_hazards",
    "capability_table",
]

CHANNELS = ("fronts", "capability", "credibility", "contagion")
MAX_RUNS = 200_000
#: Held while a forecast reads or computes its cached fits, so forecasts run in threads fit each input once.
_FIT_LOCK = threading.RLock()


def side_labels(war: int) -> dict[int, str]:
    """{0: 'neutral', 1: label, 2: label} from the catalogue's war side labels (else side1/side2).

    Parameters
    ----------
    war : int
        COW war number (WWII 139 gives 'allies' and 'axis').

    Returns
    -------
    dict of int to str
        The label of each COW side, 0 being neutral.
    """
    try:
        from realign.events.catalogue import WAR_SIDES

        lab = WAR_SIDES.get(war, {})
    except ImportError:  # pragma: no cover - older catalogue
        lab = {}
    return {0: "neutral", 1: lab.get(1, "side1"), 2: lab.get(2, "side2")}


@dataclass(frozen=True)
class ForecastSpec:
    """What to forecast. ``events``: ((slug, "historical" | "reversed"), ...) outcome overrides.

    ``channels``: switch a mechanism off (``{"fronts": False}`` freezes contacts at the cut-off,
    ``capability`` holds CINC at the last known year, ``credibility`` zeroes battle credibility,
    ``contagion`` zeroes the neighbour/partner change features). ``cred_override``: a (T, 3)
    credibility path used instead of the computed one for the decisions (``"decide"``) or the
    campaign (``"front"``): the channel decomposition of a counterfactual uses it.
    """

    war: int
    at: dt.date
    until: dt.date
    runs: int = 1000
    seed: int = 0
    hindsight: bool = False
    events: tuple = ()
    channels: tuple = CHANNELS
    cred_override: dict = field(default_factory=dict, compare=False, hash=False)
    fit_until: dt.date | None = None

    def __post_init__(self) -> None:
        at, until = parse_date(self.at), parse_date(self.until)
        object.__setattr__(self, "at", at)
        object.__setattr__(self, "until", until)
        if not isinstance(self.runs, int) or not 1 <= self.runs <= MAX_RUNS:
            raise InvalidParameterError(f"The 'runs' parameter must be an int in [1, {MAX_RUNS}]. Got {self.runs!r}.")
        if until <= at:
            raise InvalidParameterError(f"'until' ({until}) must be after 'at' ({at}).")
        if self.fit_until is not None:
            object.__setattr__(self, "fit_until", parse_date(self.fit_until))
        if (until.year - at.year) * 12 + until.month - at.month > 240:
            raise InvalidParameterError("A forecast covers at most 240 months.")
        bad = set(self.channels) - set(CHANNELS)
        if bad:
            raise InvalidParameterError(f"Unknown channel(s) {sorted(bad)}; known: {', '.join(CHANNELS)}.")
        for e in self.events:
            if len(e) != 2 or e[1] not in ("historical", "reversed"):
                raise InvalidParameterError(f"Each event must be (slug, 'historical' | 'reversed'). Got {e!r}.")


@dataclass
class ForecastResult:
    """Simulated sides (R, T, n) int8, contacts (R, T, n) bool, side capability shares of the system (R, T, 3)."""

    spec: ForecastSpec
    ccodes: list[int]
    days: list[dt.date]
    sides: np.ndarray
    contact: np.ndarray
    shares: np.ndarray
    init_side: np.ndarray
    hazards: Hazards
    contact_loss: float
    notes: list[str]
    info_reads: list
    credibility: np.ndarray | None = None  # (T, 3) battle credibility path used for the decisions

    @property
    def runs(self) -> int:
        return self.spec.runs

    @property
    def months(self) -> list[str]:
        return [d.strftime("%Y-%m") for d in self.days]

    @property
    def p_side(self) -> np.ndarray:
        """(T, n, 3) probability of each side (neutral / side 1 / side 2)."""
        return np.stack([(self.sides == a).mean(axis=0) for a in (0, 1, 2)], axis=-1)

    def exit_month(self, side: int) -> np.ndarray:
        """(R, n) index of the first month a state is no longer on ``side`` (-1 never; only states starting on it)."""
        off = self.sides != side
        first = np.where(off.any(axis=1), off.argmax(axis=1), -1)
        return np.where(self.init_side[None, :] == side, first, -1)

    def to_dict(self, ndigits: int = 4) -> dict:
        """The ``realign forecast --format json`` contract."""
        lab = side_labels(self.spec.war)
        p = self.p_side
        p_side = {
            str(c): {
                m: {lab[a]: round(float(p[t, i, a]), ndigits) for a in (1, 2, 0)} for t, m in enumerate(self.months)
            }
            for i, c in enumerate(self.ccodes)
        }
        cap = {
            lab[a]: {m: round(float(self.shares[:, t, a].mean()), ndigits) for t, m in enumerate(self.months)}
            for a in (1, 2, 0)
        }
        h = self.hazards
        return {
            "war": self.spec.war,
            "at": self.spec.at.isoformat(),
            "until": self.spec.until.strftime("%Y-%m"),
            "p_side": p_side,
            "capability_share": cap,
            "fit": {"wars": h.wars, "until": h.until.isoformat(), "n_changes": h.n_changes},
            "manifest": self.manifest(),
        }

    def manifest(self) -> dict:
        s = self.spec
        h = self.hazards
        return {
            "runs": s.runs,
            "seed": s.seed,
            "hindsight": s.hindsight,
            "fit_until": (s.fit_until or s.at).isoformat(),
            "information": (
                "recorded fronts and catalogue battles after the cut-off are used (hindsight)"
                if s.hindsight
                else f"nothing dated after {s.at} is read"
            ),
            "events": [list(e) for e in s.events],
            "channels": list(s.channels),
            "contact_loss": round(self.contact_loss, 4),
            "hazards": {
                k: {
                    "n_obs": m.n_obs_,
                    "n_events": m.n_events_,
                    "penalised": m.penalised_,
                    "coef": {n: round(float(v), 4) for n, v in zip(m.names_, m.coef_, strict=True)},
                }
                for k, m in (("exit", h.exit), ("join", h.join), ("contact", h.contact))
            },
            "notes": self.notes,
        }


@cache
@disk_cached("hazards")  # fitted once per data/code/settings (models/cache.py)
def fitted_hazards(at: dt.date, war: int, leave_out: bool = True) -> Hazards:
    """Hazards fitted on the other wars and on ``war`` up to ``at`` (cached per process).

    ``leave_out=True`` (default): every other multi-state war in full (the cross-war structural
    fit the validation uses); ``False``: only wars and months dated before ``at``.

    Parameters
    ----------
    at : datetime.date
        Information date: the target war's months before it are fitted on.
    war : int
        COW war number of the target war.
    leave_out : bool
        See above.

    Returns
    -------
    Hazards
        The fitted exit, join and contact hazards (also cached on disk, :mod:`realign.models.cache`).
    """
    return fit_hazards(at, war, leave_out=leave_out)


@cache
@disk_cached("contact-loss")  # fitted once per data/code/settings (models/cache.py)
def _contact_loss(at: dt.date) -> tuple[float, tuple]:
    loss, rows = calibrate_contact_loss(InformationSet(at))
    return loss, tuple(tuple(sorted(r.items())) for r in rows)


def _multipliers(
    events: list, days: list[dt.date], ccodes: list[int], after_year: int, outcomes: dict[str, str]
) -> np.ndarray:
    """(T, n) capability multipliers of catalogue events that ended after the last known NMC year."""
    pos = {c: i for i, c in enumerate(ccodes)}
    m = np.ones((len(days), len(ccodes)))
    for ev in events:
        if ev.end.year <= after_year:
            continue  # already in the known annual CINC (model assumption)
        eff = ev.reversed_effects if outcomes.get(ev.slug) == "reversed" else ev.effects
        st_eff = ev.reversed_state_effects if outcomes.get(ev.slug) == "reversed" else ev.state_effects
        for side, members in ev.sides.items():
            for c in members:
                if c in pos and side in eff:
                    f = st_eff[c].capability if c in st_eff else eff[side].capability
                    for t, d in enumerate(days):
                        if d >= ev.end:
                            m[t, pos[c]] *= f
    return m


@cache
@disk_cached("prepared")  # fitted once per data/code/settings (models/cache.py)
def _prepared(war: int, at: dt.date, hindsight: bool) -> tuple:
    """Static inputs, the record's state on ``at`` and the reads made (cached: arms of a run share them)."""
    info = InformationSet(at, hindsight=hindsight)
    st, ccodes = war_static(war, info)
    ms0, member = _start_state(war, info, ccodes, st)
    return info, st, ccodes, ms0, member


@cache
@disk_cached("capability")  # fitted once per data/code/settings (models/cache.py)
def _capability(at: dt.date, days: tuple, ccodes: tuple, trend: bool) -> tuple[np.ndarray, float]:
    """(T, n) projected (or held) CINC and the CINC share of the states outside the panel."""
    info = InformationSet(at)
    if trend:
        base = project_cinc(info, list(days), list(ccodes))
    else:
        held = project_cinc(info, [dt.date(known_nmc_year(at), 7, 15)], list(ccodes))
        base = np.repeat(held, len(days), axis=0)
    rest = max(0.0, 1.0 - float(project_cinc(info, [days[0]], list(ccodes)).sum()))
    return base, rest


@cache
def _blas_controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with the scientific stack
        return None
    return ThreadpoolController()


def _one_blas_thread():
    """Context limiting BLAS to one thread (``REALIGN_BLAS_THREADS`` overrides; 0 = leave BLAS as it is).

    The simulation's matrix products are small ((runs, n) x (n, n), n ~ 60): on a shared 2-core
    machine two OpenBLAS threads made them about 5x slower than one (issue 14). The results do not
    depend on the thread count (each output element is summed by one thread in the same order).
    """
    raw = os.environ.get("REALIGN_BLAS_THREADS", "1").strip() or "1"
    if not raw.isdigit():
        raise InvalidParameterError(f"REALIGN_BLAS_THREADS must be an int >= 0 (0: leave BLAS as it is). Got {raw!r}.")
    n = int(raw)
    ctl = _blas_controller() if n > 0 else None
    return ctl.limit(limits=n, user_api="blas") if ctl is not None else contextlib.nullcontext()


def run_forecast(spec: ForecastSpec, progress=None) -> ForecastResult:
    """Simulate ``spec.runs`` futures of ``spec.war`` from ``spec.at`` to ``spec.until``.

    Parameters
    ----------
    spec : ForecastSpec
        War, cut-off, horizon, runs, seed, hindsight, battle outcomes and channels (validated on creation).
    progress : callable, optional
        Called as ``progress(done, total)`` after each simulated month.

    Returns
    -------
    ForecastResult
        Sides, contacts and capability shares per run and month, with the fitted hazards and the reads made.

    Raises
    ------
    InvalidParameterError
        If no monthly observation day lies between the cut-off and the horizon.
    """
    with _one_blas_thread():
        return _simulate(spec, progress)


@dataclass
class _Inputs:
    """What one forecast run reads before its monthly loop (see :func:`_inputs`)."""

    info: InformationSet
    st: Static
    ccodes: list[int]
    ms0: MonthState
    member: np.ndarray
    hz: Hazards
    days: list[dt.date]
    base: np.ndarray
    rest: np.ndarray
    loss: float
    mult: np.ndarray
    cred: np.ndarray
    cred_decide: np.ndarray
    cred_front: np.ndarray
    notes: list[str]


def _inputs(spec: ForecastSpec) -> _Inputs:
    """The fitted hazards, the start state, the capability paths and the battle credibility of a forecast."""
    with _FIT_LOCK:
        info, st, ccodes, ms0, member = _prepared(spec.war, spec.at, spec.hindsight)
        hz = fitted_hazards(spec.fit_until or spec.at, spec.war)
    notes: list[str] = []
    if spec.fit_until and spec.fit_until > spec.at:
        notes.append(
            f"in-sample: hazards fitted on the war's months up to {spec.fit_until}, after the cut-off "
            f"{spec.at} (an explanation of the record, not a forecast)"
        )
    days = [d for d in observation_days(spec.at + dt.timedelta(days=1), spec.until)]
    if not days:
        raise InvalidParameterError(f"No monthly observation day (the 15th) between {spec.at} and {spec.until}.")
    on = set(spec.channels)
    with _FIT_LOCK:
        base, rest = _capability(spec.at, tuple(days), tuple(ccodes), "capability" in on)
        loss, _ = _contact_loss(spec.at)
    outcomes = {s: o for s, o in spec.events}
    events = info.events(spec.war)
    if spec.hindsight:
        notes.append("hindsight: recorded fronts and catalogue battles after the cut-off are used")
    mult = _multipliers(events, days, ccodes, known_nmc_year(spec.at), outcomes)
    effects = event_credibility(events, outcomes)
    cred = np.array([credibility_at(effects, d) for d in days])
    if "credibility" not in on:
        cred[:] = 0.0
    return _Inputs(
        info,
        st,
        ccodes,
        ms0,
        member,
        hz,
        days,
        base,
        rest,
        loss,
        mult,
        cred,
        spec.cred_override.get("decide", cred),
        spec.cred_override.get("front", cred),
        notes,
    )


def _simulate(spec: ForecastSpec, progress=None) -> ForecastResult:
    x = _inputs(spec)
    info, st, ccodes, ms0, member, hz, days = x.info, x.st, x.ccodes, x.ms0, x.member, x.hz, x.days
    base, rest, loss, mult, cred_decide, cred_front = x.base, x.rest, x.loss, x.mult, x.cred_decide, x.cred_front
    n, T, R = len(ccodes), len(days), spec.runs
    on = set(spec.channels)

    rng = np.random.default_rng(np.random.SeedSequence(spec.seed))
    b_exit = hz.exit.sample(rng, R)
    b_join = hz.join.sample(rng, R)
    b_cont = hz.contact.sample(rng, R)

    ms = MonthState(
        *(
            np.repeat(getattr(ms0, k), R, axis=0)
            for k in (
                "side",
                "contact",
                "first_contact",
                "side_since",
                "left_from",
                "left_month",
                "joined_to",
                "join_month",
            )
        ),
        share_hist=[np.repeat(h, R, axis=0) for h in ms0.share_hist[-7:]],
        capital=np.repeat(ms0.capital, R, axis=0),
    )
    # contact observed in the record (hindsight) for each forecast day
    rec_contact, rec_capital = (
        _recorded_contacts(info, spec.war, ccodes, days) if spec.hindsight and st.fronts.any() else (None, None)
    )
    init_side = ms0.side[0].copy()
    core = st.core[None, :]
    relevant = (st.relevant & member)[None, :]
    out_side = np.zeros((R, T, n), dtype=np.int8)
    out_contact = np.zeros((R, T, n), dtype=bool)
    out_share = np.zeros((R, T, 3))
    prev_day = spec.at
    for k, d in enumerate(days):
        t = month_number(prev_day)
        w = base[k][None, :] * mult[k][None, :] * np.where(ms.contact, 1.0 - loss, 1.0)
        sh = shares(ms.side, w)
        ms.share_hist.append(sh)
        shared = month_shared(st, ms.side, w)  # affinities and side neighbours: the same for all three feature sets
        cd = np.repeat(cred_decide[k][None, :], R, axis=0)
        cf = np.repeat(cred_front[k][None, :], R, axis=0)
        # 1. the campaign: this month's contacts (drawn from the state at the month's start)
        if rec_contact is not None:
            contact = np.repeat(rec_contact[k][None, :], R, axis=0)
            ms.capital = np.repeat(rec_capital[k][None, :], R, axis=0)
        elif "fronts" in on:
            contact = contact_step(hz.contact, b_cont, st, ms, w, cf, t, rng, shared)
        else:
            contact = ms.contact.copy()
        # 2. decisions on the month's news (its contacts and battles), as the hazards were fitted
        msd = with_news(ms, contact, None, t)
        cg = "contagion" in on  # off: the neighbour/partner change features are 0
        exit_x = partial(exit_rows, st, msd, cd, t, shared, contagion=cg)
        join_x = partial(join_rows, st, msd, w, cd, t, shared, contagion=cg)
        new = decide_step(hz, b_exit, b_join, exit_x, join_x, ms.side, core, relevant, rng)
        advance(ms, ms.side, new, contact, month_number(d))
        w1 = base[k][None, :] * mult[k][None, :] * np.where(ms.contact, 1.0 - loss, 1.0)
        tot_sys = w1.sum(axis=1) + rest
        for a in (0, 1, 2):
            out_share[:, k, a] = ((ms.side == a) * w1).sum(axis=1) / tot_sys
        out_side[:, k] = ms.side
        out_contact[:, k] = ms.contact
        prev_day = d
        if progress:
            progress(k + 1, T)
    return ForecastResult(
        spec, ccodes, days, out_side, out_contact, out_share, init_side, hz, loss, x.notes, list(info.reads), x.cred
    )


def forecast(
    war: int,
    at: str | dt.date,
    until: str | dt.date,
    *,
    runs: int = 1000,
    seed: int = 0,
    hindsight: bool = False,
    events: tuple = (),
) -> ForecastResult:
    """Forecast ``war`` from what was known on ``at`` to ``until`` (the Python face of ``realign forecast``).

    Parameters
    ----------
    war, at, until : int, str or dt.date, str or dt.date
        COW war number (139 = WWII); cut-off day and last day (``YYYY-MM-DD``), at most 240 months apart.
    runs, seed : int, default 1000, 0
        Number of simulated futures (1 to ``MAX_RUNS``) and random seed.
    hindsight, events : bool, tuple, default False, ()
        Also use fronts and battles recorded after the cut-off; ``(slug, "historical" | "reversed")`` overrides.

    Returns
    -------
    ForecastResult
        Sides (R, T, n), contacts and side capability shares of every run and month.

    Raises
    ------
    InvalidParameterError, InvalidDateError
        A bad date, ``until`` not after ``at``, a horizon over 240 months, bad ``runs`` or ``events``.

    Examples
    --------
    >>> r = forecast(139, "1943-02-02", "1943-04-30", runs=50)
    >>> r.months[0], r.to_dict()["p_side"]["360"]["1943-02"]["axis"] > 0.5
    ('1943-02', True)
    """
    return run_forecast(
        ForecastSpec(
            war=war,
            at=parse_date(at),
            until=parse_date(until),
            runs=runs,
            seed=seed,
            hindsight=hindsight,
            events=tuple(events),
        )
    )


def capability_table(res: ForecastResult) -> pd.DataFrame:
    """Projected side capability shares (mean and 90% interval) per month.

    Parameters
    ----------
    res : ForecastResult
        A forecast.

    Returns
    -------
    pd.DataFrame
        Columns ``month`` (``YYYY-MM``), ``side`` (label), ``mean``, ``p05``, ``p95`` (shares, 0 to 1).
    """
    lab = side_labels(res.spec.war)
    rows = []
    for t, m in enumerate(res.months):
        for a in (1, 2):
            x = res.shares[:, t, a]
            rows.append(
                {
                    "month": m,
                    "side": lab[a],
                    "mean": float(x.mean()),
                    "p05": float(np.quantile(x, 0.05)),
                    "p95": float(np.quantile(x, 0.95)),
                }
            )
    return pd.DataFrame(rows)
