"""Discrete-time alignment hazards fitted across wars: leaving a side, joining one, enemy contact.

Event-history logits on monthly state observations (Beck, Katz & Tucker 1998, "Taking Time
Seriously", *AJPS* 42(4)), fitted with statsmodels (standard errors from the observed information):

* **exit**: a belligerent outside the coalition cores leaves its side (armistice, exit or switch)
  the next month;
* **join**: a neutral at risk (a land/sea neighbour of a belligerent, or a major power) joins a side
  the next month (one row per side);
* **contact**: enemy ground forces reach a belligerent's home territory the next month (wars with
  fronts coverage only; drives the campaign projection in :mod:`realign.simulation.campaign`).

Observations come from every COW inter-state war (v4.0) with at least three participants. What is
*not* a choice is left out, by stated rules: the coalition cores (:data:`realign.models.choice.CORES`
for the world wars; elsewhere the largest-CINC participant of each side); states already at war in
the war's first :data:`ORIGIN_DAYS` days (the war's origin); entries within 30 days of an attack
(WWII events table) or of enemy forces reaching the state's territory (fronts); exits by conquest
(system exit, the capital taken within :data:`CONQUEST_DAYS` days before, or the state leaving the
system within :data:`ABSORBED_DAYS` days after); exits within 7 days of
the end of the war or of an enemy core's exit (the war ending, not a choice). Features are in
:mod:`realign.models.features`; each uses only what was dated by the observation day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from realign.clock import observation_days  # re-exported
from realign.data.store import load_shared
from realign.events.credibility import credibility_at, event_credibility
from realign.models.features import (
    CONTACT_FEATURES,
    EXIT_FEATURES,
    JOIN_FEATURES,
    MonthState,
    Static,
    contact_features,
    exit_features,
    join_features,
    month_number,
    shares,
    with_news,
)
from realign.models.hazard_model import HazardModel, Hazards
from realign.models.war_kinds import is_great_power_war, multistate_wars
from realign.models.war_record import _active_rows, _members, _spans, _system_exits, war_static
from realign.system.information import InformationSet, known_nmc_year

__all__ = [
    "HazardModel",
    "war_panel",
    "multistate_wars",
    "fit_hazards",
    "Hazards",
    "credibility_at",
    "event_credibility",
    "war_static",
    "observation_days",
    "ORIGIN_DAYS",
    "CONQUEST_DAYS",
    "initial_state",
    "advance",
    "training_rows",
    "observed_panel",
    "is_great_power_war",
]

ORIGIN_DAYS = 14
#: A contact counts in a month if it was in force at any time in the 30 days before the observation
#: day (so a short incursion between two monthly observations is not lost).
CONTACT_WINDOW_DAYS = 30
CONQUEST_DAYS = 45
#: An exit followed within this many days by the state's departure from the system (Bavaria, Baden and
#: Wuerttemberg left the Franco-Prussian war in November 1870 and the system on 1871-01-18, absorbed into
#: the German Empire) is absorption or conquest, not a choice to leave the side (model assumption).
ABSORBED_DAYS = 183
#: A recorded change is explained only by news dated at least this many days before it: the decision
#: precedes the recorded date (Bulgaria asked for an armistice on 1918-09-24 and signed on the 29th), and
#: the talks themselves are never a predictor (model assumption).
DECISION_LAG_DAYS = 7
#: Prior scale of the fitted hazards (None: maximum likelihood; see :class:`HazardModel`).
PRIOR_SCALE: float | None = None
#: Firth's bias-reduced logit instead of maximum likelihood (see :class:`HazardModel`).
FIRTH: bool = False
#: Fit the join hazard on the wars of the target war's kind only: great-power wars or the others (see
#: :func:`is_great_power_war`; design iteration 13 in docs/validation.md).
JOIN_STRATA: bool = True
#: The same for the exit hazard (design iteration 14: not kept, see docs/validation.md).
EXIT_STRATA: bool = False


# ----------------------------------------------------------------------------- observed panel


@dataclass
class _WarRecord:
    """What the non-choice rules of :func:`war_panel` look up about one war (see the module docstring)."""

    spells: pd.DataFrame
    contact_rows: pd.DataFrame
    capitals: pd.DataFrame
    attacked: pd.DataFrame
    start: dt.date
    real_end: dt.date | None
    core_exits: dict[int, dt.date]
    side_of_core: dict[int, int]
    system_exit: dict[int, dt.date]

    def exit_date(self, c: int, side: int, d1: dt.date) -> dt.date:
        ex = self.spells[(self.spells["ccode"] == c) & (self.spells["side"] == side)]["end"].dropna()
        exd = ex[ex <= pd.Timestamp(d1)].max() if len(ex) else pd.NaT
        return exd.date() if pd.notna(exd) else d1

    def exit_reason(self, c: int, side: int, exd: dt.date) -> str:
        """Why the exit on ``exd`` is not a choice ("" if it is)."""
        # the capital fell to the enemy in the CONQUEST_DAYS before the exit (not after it)
        cap = self.capitals[
            (self.capitals["ccode"] == c)
            & (self.capitals["start"] <= pd.Timestamp(exd))
            & (self.capitals["start"] >= pd.Timestamp(exd - dt.timedelta(days=CONQUEST_DAYS)))
        ]
        enemy_core_end = [e for cc, e in self.core_exits.items() if self.side_of_core[cc] != side]
        gone = self.system_exit.get(int(c))
        if len(cap):
            return "conquest (capital taken)"
        if gone is not None and 0 <= (gone - exd).days <= ABSORBED_DAYS:
            return "absorbed or conquered (left the system soon after)"
        if self.real_end and (self.real_end - exd).days <= 7:
            return "war end"
        if any(0 <= (exd - e).days <= 7 for e in enemy_core_end):
            return "war end (enemy core left)"
        return ""

    def entry(self, c: int, a: int, d: dt.date, d1: dt.date) -> tuple[dt.date, str]:
        """The day ``c`` joined side ``a`` between ``d`` and ``d1``, and why that is not a choice ("" if it is)."""
        ent = self.spells[(self.spells["ccode"] == c) & (self.spells["side"] == a)]["start"]
        ent = ent[(ent > pd.Timestamp(d)) & (ent <= pd.Timestamp(d1))]
        e0 = ent.min() if len(ent) else pd.Timestamp(d1)
        reason = ""
        if (e0 - pd.Timestamp(self.start)).days <= ORIGIN_DAYS:
            reason = "war origin"
        att = self.attacked[
            (self.attacked["counterpart_ccode"] == c)
            & (self.attacked["date"] <= e0 + pd.Timedelta(days=3))
            & (self.attacked["date"] >= e0 - pd.Timedelta(days=30))
        ]
        inv = self.contact_rows[
            (self.contact_rows["ccode"] == c)
            & (self.contact_rows["start"] <= e0 + pd.Timedelta(days=3))
            & (self.contact_rows["start"] >= e0 - pd.Timedelta(days=30))
        ]
        if len(att) or len(inv):
            reason = "forced entry (attacked or invaded)"
        return e0.date(), reason


def _war_days(spells: pd.DataFrame, at: dt.date) -> tuple[list[dt.date], dt.date | None]:
    """Observation days of a war known on ``at``, and its end if known."""
    start = spells["start"].min().date()
    ends = spells["end"].dropna()
    war_end = min(at, ends.max().date()) if len(ends) == len(spells) else at
    days = observation_days(start, war_end)
    real_end = ends.max().date() if len(ends) == len(spells) else None
    if real_end is not None and real_end < at and days and days[-1] < real_end:
        # a last, shorter interval up to the day after the war's end, so that a change between the last
        # 15th and the end (the Ottoman armistice of 1918-10-30) is observed rather than lost
        days.append(real_end + dt.timedelta(days=1))
    return days, real_end


def _war_record(
    war: int, info: InformationSet, spells: pd.DataFrame, cores: set[int], start: dt.date, real_end: dt.date | None
) -> _WarRecord:
    """What the non-choice rules look up about one war, read through the information gate where dated."""
    fronts = info.fronts(war)
    attacked = info.ww2_events()
    return _WarRecord(
        spells,
        fronts[fronts["kind"].isin(("enemy_ground_forces", "landing"))],
        fronts[fronts["kind"] == "capital_taken"],
        attacked[(attacked["kind"] == "attacked") & attacked["counterpart_ccode"].notna()],
        start,
        real_end,
        {int(r.ccode): r.end.date() for r in spells.itertuples() if int(r.ccode) in cores and pd.notna(r.end)},
        {int(r.ccode): int(r.side) for r in spells.itertuples() if int(r.ccode) in cores},
        _system_exits(info),
    )


def _month_rows(
    war: int,
    ccodes: list[int],
    st: Static,
    rec: _WarRecord,
    span: tuple[dt.date, dt.date],
    obs: tuple[tuple, tuple],
    Xe: np.ndarray,
    Xj: np.ndarray,
    Xc: np.ndarray,
    decide,
) -> list[dict]:
    """The panel rows of one observation interval ``span``: each state's exit, contact or join observations.

    A recorded change gets the features of a decision taken :data:`DECISION_LAG_DAYS` before it
    (``decide(day)``); every other row those at the interval's end (``Xe``, ``Xj``).
    """
    d, d1 = span
    (side, contact, mem, _, _), (side1, contact1, mem1, _, _) = obs
    lag = dt.timedelta(days=DECISION_LAG_DAYS)
    rows = []
    for i, c in enumerate(ccodes):
        if not (mem[i] and mem1[i]) and side[i] == 0:
            continue
        base = {"war": war, "ccode": c, "date": pd.Timestamp(d)}
        if side[i] in (1, 2):
            reason, xe = "", Xe[i]
            if st.core[i]:
                reason = "core"
            elif not mem1[i]:
                reason = "conquest (left the system)"
            elif side1[i] != side[i]:
                exd = rec.exit_date(c, side[i], d1)
                reason, xe = rec.exit_reason(c, side[i], exd), decide(exd - lag)[0][i]
            rows.append(
                {
                    **base,
                    "kind": "exit",
                    "side": int(side[i]),
                    "y": int(side1[i] != side[i]),
                    "use": not reason,
                    "reason": reason,
                    **dict(zip(EXIT_FEATURES, xe, strict=True)),
                }
            )
            if st.fronts[i] and not contact[i]:
                rows.append(
                    {
                        **base,
                        "kind": "contact",
                        "side": int(side[i]),
                        "y": int(contact1[i]),
                        "use": bool(mem1[i]),
                        "reason": "",
                        **dict(zip(CONTACT_FEATURES, Xc[i], strict=True)),
                    }
                )
        elif side[i] == 0 and mem[i] and mem1[i] and st.relevant[i] and not st.core[i]:
            for j, a in enumerate((1, 2)):
                y = int(side1[i] == a)
                reason, xj = "", Xj[i, j]
                if y:
                    e0, reason = rec.entry(c, a, d, d1)
                    xj = decide(e0 - lag)[1][i, j]
                rows.append(
                    {
                        **base,
                        "kind": f"join{a}",
                        "side": 0,
                        "y": y,
                        "use": not reason,
                        "reason": reason,
                        **dict(zip(JOIN_FEATURES, xj, strict=True)),
                    }
                )
    return rows


def war_panel(war: int, info: InformationSet) -> pd.DataFrame:
    """Observed monthly rows of one war, known on ``info.at``: features, outcome ``y`` and ``use``.

    One row per (state, month, kind) with ``kind`` in exit / join1 / join2 / contact. ``use`` is
    False for observations that are not choices (see the module docstring) and ``reason`` says why.

    Parameters
    ----------
    war, info : int, InformationSet
        COW war number; the information gate (nothing dated after ``info.at`` is read).

    Returns
    -------
    pd.DataFrame
        The rows (empty if the war is unknown on ``info.at`` or shorter than two observed months).
    """
    spells = info.war_spells(war)
    if spells.empty:
        return pd.DataFrame()
    st, ccodes = war_static(war, info, spells)
    start = spells["start"].min().date()
    days, real_end = _war_days(spells, info.at)
    if len(days) < 2:
        return pd.DataFrame()
    rec = _war_record(war, info, spells, set(np.array(ccodes)[st.core].tolist()), start, real_end)
    effects = event_credibility(info.events(war))
    observe = _observer(ccodes, spells, rec.contact_rows, info.nmc(), info.state_spells(), rec.capitals)
    obs = [observe(d) for d in days]
    ms = initial_state(obs[0], month_number(days[0]), month_number(start))
    rows = []
    for k in range(len(days) - 1):
        d, d1 = days[k], days[k + 1]
        t = month_number(d)
        side, contact, mem, w, capital = obs[k]
        side1, contact1, mem1, _, _ = obs[k + 1]
        ms.side, ms.contact, ms.capital = side[None, :].copy(), contact[None, :].copy(), capital[None, :].copy()
        ms.share_hist.append(shares(ms.side, w[None, :]))
        cred = credibility_at(effects, d)[None, :]
        Xc = contact_features(st, ms, w[None, :], cred, t)[0]  # the campaign: the state at the month's start

        def decide(
            day: dt.date, o: tuple | None = None, t: int = t, w: np.ndarray = w
        ) -> tuple[np.ndarray, np.ndarray]:
            """Exit and join features of decisions taken on ``day``: the month's news up to then."""
            o = o or observe(day)
            msd = with_news(ms, o[1][None, :], o[4][None, :], t)
            cr = credibility_at(effects, day)[None, :]
            return exit_features(st, msd, w[None, :], cr, t)[0], join_features(st, msd, w[None, :], cr, t)[0]

        Xe, Xj = decide(d1, obs[k + 1])
        rows += _month_rows(war, ccodes, st, rec, (d, d1), (obs[k], obs[k + 1]), Xe, Xj, Xc, decide)
        advance(ms, side[None, :], side1[None, :], contact1[None, :], month_number(d1))
    return pd.DataFrame(rows)


def _observer(
    ccodes: list[int],
    spells: pd.DataFrame,
    contact_rows: pd.DataFrame,
    nmc: pd.DataFrame,
    states: pd.DataFrame,
    capitals: pd.DataFrame | None = None,
):
    """A function day -> (sides, contact, system membership, known CINC, capital held by the enemy), for ``ccodes``.

    ``states``: COW system-membership spells as known (``InformationSet.state_spells``)."""
    pos = {c: i for i, c in enumerate(ccodes)}
    n = len(ccodes)
    # the frames' columns as arrays and lists once (observe runs for every month of every war: issue 14)
    sp, sp_cc, sp_side = _spans(spells), spells["ccode"].astype(int).tolist(), spells["side"].astype(int).tolist()
    ct, ct_cc = _spans(contact_rows), contact_rows["ccode"].astype(int).tolist()
    if capitals is not None:
        cp, cp_cc, cp_by = _spans(capitals), capitals["ccode"].astype(int).tolist(), capitals["by_ccodes"].tolist()
    weights: dict[int, np.ndarray] = {}

    def known_weights(year: int) -> np.ndarray:
        if year not in weights:
            cinc = nmc[nmc["year"] == year].set_index("ccode")["cinc"]
            weights[year] = np.array(
                [float(cinc.get(c, 0.0)) if pd.notna(cinc.get(c, np.nan)) else 0.0 for c in ccodes]
            )
        return weights[year].copy()

    def observe(d: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        side = np.zeros(n, dtype=np.int64)
        for j in _active_rows(sp, d):
            if sp_cc[j] in pos:
                side[pos[sp_cc[j]]] = sp_side[j]
        contact = np.zeros(n, dtype=bool)
        for j in _active_rows(ct, d, CONTACT_WINDOW_DAYS):
            if ct_cc[j] in pos:
                contact[pos[ct_cc[j]]] = True
        mem = np.isin(ccodes, sorted(_members(d, states)))
        w = known_weights(known_nmc_year(d))
        capital = np.zeros(n, dtype=bool)
        if capitals is not None:
            for j in _active_rows(cp, d):
                i = pos.get(cp_cc[j])
                takers = [pos[int(x)] for x in str(cp_by[j]).split(",") if x.strip() and int(x) in pos]
                if i is not None and side[i] > 0 and any(side[k] > 0 and side[k] != side[i] for k in takers):
                    capital[i] = True
        return side, contact, mem, w, capital

    return observe


def initial_state(obs0: tuple, t0: int, war_start: int) -> MonthState:
    """A one-run :class:`MonthState` from the first observation (sides began at the war's start).

    Parameters
    ----------
    obs0 : tuple
        The first observation (sides, contact, membership, CINC weights, capital held), as the panel's
        observer returns it.
    t0, war_start : int
        Month numbers (``year * 12 + month - 1``) of that observation and of the war's start.

    Returns
    -------
    MonthState
        One run (leading axis 1).
    """
    side, contact = obs0[0][None, :], obs0[1][None, :]
    n = side.shape[1]
    return MonthState(
        side=side.copy(),
        contact=contact.copy(),
        first_contact=np.where(contact, t0, -1),
        side_since=np.full((1, n), war_start),
        left_from=np.zeros((1, n), dtype=np.int64),
        left_month=np.full((1, n), -999),
        joined_to=np.zeros((1, n), dtype=np.int64),
        join_month=np.full((1, n), -999),
        share_hist=[],
        capital=obs0[4][None, :].copy(),
    )


def advance(ms: MonthState, side: np.ndarray, side1: np.ndarray, contact1: np.ndarray, t1: int) -> None:
    """Update ``ms`` in place for the transition ``side`` -> ``side1`` observed at month ``t1`` (all (R, n)).

    Parameters
    ----------
    ms : MonthState
        The state to update.
    side, side1 : numpy.ndarray
        (R, n) COW sides (0 neutral, 1 or 2) before and after the transition.
    contact1 : numpy.ndarray
        (R, n) bool: enemy forces on each state's soil after it.
    t1 : int
        Month number of the transition.
    """
    changed = side1 != side
    left = changed & (side > 0)
    joined = changed & (side1 > 0)
    ms.left_from[left] = side[left]
    ms.left_month[left] = t1
    ms.joined_to[joined] = side1[joined]
    ms.join_month[joined] = t1
    ms.side_since[changed] = t1
    newc = contact1 & (ms.first_contact < 0)
    ms.first_contact[newc] = t1
    ms.side = side1.copy()
    ms.contact = contact1.copy()


def _start_state(war: int, info: InformationSet, ccodes: list[int], st) -> tuple[MonthState, np.ndarray]:
    """The record's state on ``info.at`` (sides, contacts and the change history up to then)."""
    spells = info.war_spells(war)
    fronts = info.fronts(war)
    contact_rows = fronts[fronts["kind"].isin(("enemy_ground_forces", "landing"))]
    observe = _observer(
        ccodes, spells, contact_rows, info.nmc(), info.state_spells(), fronts[fronts["kind"] == "capital_taken"]
    )
    start = spells["start"].min().date()
    days = [d for d in observation_days(start, info.at)] + [info.at]
    obs = [observe(d) for d in days]
    ms = initial_state(obs[0], month_number(days[0]), month_number(start))
    for k in range(1, len(days)):
        advance(ms, obs[k - 1][0][None, :], obs[k][0][None, :], obs[k][1][None, :], month_number(days[k]))
    ms.capital = obs[-1][4][None, :].copy()
    return ms, obs[-1][2]


def _recorded_contacts(
    info: InformationSet, war: int, ccodes: list[int], days: list[dt.date]
) -> tuple[np.ndarray, np.ndarray]:
    """(T, n) recorded enemy contact and capital held by the enemy on each forecast day (the hindsight arm)."""
    fr = info.fronts(war)
    rows = fr[fr["kind"].isin(("enemy_ground_forces", "landing"))]
    obs = _observer(
        ccodes, info.war_spells(war), rows, info.nmc(), info.state_spells(), fr[fr["kind"] == "capital_taken"]
    )
    rec = [obs(d) for d in days]
    return np.array([x[1] for x in rec]), np.array([x[4] for x in rec])


@cache
def _panel_cached(war: int, at: dt.date) -> pd.DataFrame:
    return war_panel(war, InformationSet(at))


def observed_panel(war: int, at: dt.date | None = None) -> pd.DataFrame:
    """The war's observed panel as known on ``at`` (default: the whole record), cached per process.

    Parameters
    ----------
    war : int
        COW war number.
    at : datetime.date, optional
        Information date (default the last day of the data).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`war_panel` (a cached frame: copy before changing it).
    """
    from realign.system.snapshot import LAST_DAY

    return _panel_cached(war, at or LAST_DAY)


def training_rows(
    at: dt.date, target_war: int | None, *, leave_out: bool = False, wars: list[int] | None = None
) -> pd.DataFrame:
    """Rows to fit on: every multi-state war known on ``at`` (or all, ``leave_out=True``) plus ``target_war``
    observed up to ``at`` (its rows whose outcome month is on or before ``at``).

    ``leave_out=True`` is the leave-the-war-out design of the rolling-origin validation: the other
    wars in full, whatever their dates, and the evaluated war only before the origin.

    Parameters
    ----------
    at : datetime.date
        Information date (the forecast's cut-off).
    target_war : int or None
        COW war number of the war forecast (its months before ``at`` are added); None for none.
    leave_out : bool
        True: the other wars in full (leave-the-war-out); False: only wars and months dated before ``at``.
    wars : list of int, optional
        The wars to pool (default :func:`multistate_wars`).

    Returns
    -------
    pandas.DataFrame
        Panel rows (:func:`war_panel` columns) of every war pooled; empty if there are none.
    """
    from realign.system.snapshot import LAST_DAY

    wars = wars or multistate_wars()
    frames = []
    # which wars were over on ``at``: the full record's ends are compared with ``at`` only (a war still going on
    # then is built through the gate at ``at``, below); leave_out uses the other wars in full by design
    ended = load_shared("war_participants").groupby("war")["end"].max()
    for w in wars:
        if w == target_war:
            continue
        done = pd.notna(ended.get(w)) and ended[w].date() < at
        full = _panel_cached(w, LAST_DAY if (leave_out or done) else at)
        if len(full):
            if not leave_out:
                full = full[full["date"] < pd.Timestamp(at)]
            frames.append(full)
    if target_war is not None:
        # the evaluated war as known on ``at`` (built through the information gate), rows whose outcome (the
        # next monthly observation) was known by then
        tw = _panel_cached(target_war, at)
        if len(tw):
            frames.append(tw[tw["date"] <= pd.Timestamp(at - dt.timedelta(days=31))])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _same_kind_rows(rows: pd.DataFrame, at: dt.date, target_war: int | None) -> pd.DataFrame:
    """The rows of the wars of ``target_war``'s kind (great-power war or not, known on ``at``; all without one)."""
    if target_war is None or not len(rows):
        return rows
    kind = is_great_power_war(target_war, InformationSet(at).war_spells(target_war))  # gated at the cut-off
    same = [w for w in rows["war"].unique() if w == target_war or is_great_power_war(int(w)) == kind]
    return rows[rows["war"].isin(same)]


def fit_hazards(at: dt.date, target_war: int | None, *, leave_out: bool = False) -> Hazards:
    """Fit the exit, join and contact hazards on what is known on ``at`` (see :func:`training_rows`).

    Parameters
    ----------
    at, target_war, leave_out : dt.date, int or None, bool (default False)
        Cut-off day; COW war number of the evaluated war (None: none); the leave-the-war-out design.

    Returns
    -------
    Hazards
        Fitted exit, join and contact models, the wars used, ``at`` and the number of side changes.
    """
    rows = training_rows(at, target_war, leave_out=leave_out)
    same_kind = _same_kind_rows(rows, at, target_war)
    ex = HazardModel("exit", prior_scale=PRIOR_SCALE, firth=FIRTH).fit(same_kind if EXIT_STRATA else rows, target_war)
    jo = HazardModel("join", prior_scale=PRIOR_SCALE, firth=FIRTH).fit(same_kind if JOIN_STRATA else rows, target_war)
    co = HazardModel("contact", prior_scale=PRIOR_SCALE, firth=FIRTH).fit(rows, target_war)
    used = rows[rows["use"] & (rows["kind"] != "contact")]
    return Hazards(ex, jo, co, sorted(int(x) for x in rows["war"].unique()), at, int(used["y"].sum()))
