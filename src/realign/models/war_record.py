"""What the alignment-hazard panel reads about one war: its states and static inputs, system membership,
and array filters of dated spells.

:func:`war_static` lists a war's states (participants, their land/sea neighbours, the major powers) with
the inputs that do not change during the war (land contiguity, affinities, cores, fronts coverage, recent
wars, territory lost, major-power status). Every dated input comes through the information gate
(:class:`realign.system.information.InformationSet`). Used by :mod:`realign.models.hazard` and the
forecast engine.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from realign.models.choice import CORES
from realign.models.features import Static, affinity_index, month_number
from realign.system.information import InformationSet, known_nmc_year

__all__ = ["war_static"]


def _cores(war: int, spells: pd.DataFrame, start: dt.date, info: InformationSet) -> set[int]:
    if war in CORES:
        return set(CORES[war])
    nmc = info.nmc()
    cinc = nmc[nmc["year"] == known_nmc_year(start)].set_index("ccode")["cinc"]
    out = set()
    for _, g in spells.groupby("side"):
        cc = g["ccode"].astype(int).unique()
        out.add(int(max(cc, key=lambda c: float(cinc.get(c, 0.0) or 0.0))))
    return out


def _system_exits(info: InformationSet) -> dict[int, dt.date]:
    """{ccode: last day of its latest COW system-membership spell known on ``info.at``}, if that spell had ended."""
    s = info.state_spells().sort_values("start")
    last = s.groupby("ccode").tail(1).set_index("ccode")["end"]  # tail, not last(): an unknown end (NaT) counts
    return {int(c): e.date() for c, e in last.items() if pd.notna(e)}


#: (states frame, (start, end, ccode) arrays) of the last states table seen by :func:`_members`.
_MEMBER_ARRAYS: list = [None, None]


def _members(d: dt.date, states: pd.DataFrame) -> set[int]:
    """System members on ``d`` among COW state spells ``states`` (``InformationSet.state_spells``: an unknown end,
    NaT, means still a member); the frame's arrays are kept, as this runs once per panel day."""
    if _MEMBER_ARRAYS[0] is not states:
        _MEMBER_ARRAYS[:] = [states, (*_spans(states), states["ccode"].to_numpy().astype(int))]
    start, end, cc = _MEMBER_ARRAYS[1]
    ts = np.datetime64(d, "ms")
    return set(cc[(start <= ts) & ((end >= ts) | np.isnat(end))].tolist())


def war_static(war: int, info: InformationSet, spells: pd.DataFrame | None = None) -> tuple[Static, list[int]]:
    """States of a war's panel (participants, their land/sea neighbours, major powers) and static inputs.

    Parameters
    ----------
    war : int
        COW war number.
    info : InformationSet
        The information gate; the war's start must be on or before ``info.at``.
    spells : pandas.DataFrame, optional
        The war's participant spells as known (default ``info.war_spells(war)``).

    Returns
    -------
    tuple of (Static, list of int)
        The static inputs (contiguity, affinities, cores, fronts coverage, recent wars, territory
        lost, major powers) and the ccodes of the panel's states, in that order.
    """
    from realign.models.propensity import dyad_factors, land_contiguity

    spells = info.war_spells(war) if spells is None else spells
    start = spells["start"].min().date()
    part = set(spells["ccode"].astype(int))
    c = info.contiguity(on=start)
    live = c[c["conttype"] <= 3]
    near = set(live[live["ccode1"].isin(part)]["ccode2"].astype(int)) | set(
        live[live["ccode2"].isin(part)]["ccode1"].astype(int)
    )
    majors = set(info.majors(on=start)["ccode"].astype(int))
    ccodes = sorted(part | ((near | majors) & _members(start, info.state_spells())))
    L = land_contiguity(start, ccodes)
    A = affinity_index(dyad_factors(start, ccodes))
    cores = _cores(war, spells, start, info)
    cov = info.front_coverage()
    fronts = np.isin(ccodes, cov[cov["war"] == war]["ccode"].astype(int).tolist())
    st = Static(
        tuple(ccodes),
        L,
        A,
        np.isin(ccodes, sorted(cores)),
        np.ones(len(ccodes), dtype=bool),
        fronts,
        month_number(start),
        _recent_war(ccodes, start, info),
        _territory_lost(ccodes, start, info),
        np.isin(ccodes, sorted(majors)),
    )
    return st, ccodes


def _recent_war(ccodes: list[int], start: dt.date, info: InformationSet, half_life: float = 10.0) -> np.ndarray:
    """Per state: its inter-state wars that ended before ``start``, each weighted 0.5 ** (years ago / half_life)."""
    w = info.war_spells()
    w = w[w["end"].notna() & (w["end"] < pd.Timestamp(start))]
    last = w.groupby(["war", "ccode"])["end"].max().reset_index()
    years = (pd.Timestamp(start) - last["end"]).dt.days / 365.25
    last = last.assign(weight=0.5 ** (years / half_life))
    tot = last.groupby("ccode")["weight"].sum()
    return np.array([float(tot.get(c, 0.0)) for c in ccodes])


def _territory_lost(ccodes: list[int], start: dt.date, info: InformationSet, half_life: float = 25.0) -> np.ndarray:
    """(n, n): territory i lost to j (COW Territorial Change) before ``start``'s year, decayed by age."""
    tc = info.territorial_change()
    tc = tc[(tc["year"] < start.year) & tc["gainer"].isin(ccodes) & tc["loser"].isin(ccodes)]
    pos = {c: i for i, c in enumerate(ccodes)}
    out = np.zeros((len(ccodes), len(ccodes)))
    for r in tc.itertuples():
        if r.gainer != r.loser:
            out[pos[int(r.loser)], pos[int(r.gainer)]] += 0.5 ** ((start.year - r.year) / half_life)
    return out


def _active(frame: pd.DataFrame, d: dt.date, window_days: int = 0) -> pd.DataFrame:
    """Rows in force on ``d``, or at any time in the ``window_days`` before it."""
    ts = pd.Timestamp(d)
    return frame[(frame["start"] <= ts) & (frame["end"].isna() | (frame["end"] >= ts - pd.Timedelta(days=window_days)))]


def _spans(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """A frame's ``start`` and ``end`` columns as datetime64[ms] arrays (NaT where missing)."""
    return frame["start"].to_numpy("datetime64[ms]"), frame["end"].to_numpy("datetime64[ms]")


def _active_rows(spans: tuple[np.ndarray, np.ndarray], d: dt.date, window_days: int = 0) -> list[int]:
    """Positions of the rows :func:`_active` keeps (same rule, same order) from :func:`_spans` arrays."""
    start, end = spans
    ts = np.datetime64(d, "ms")
    keep = (start <= ts) & (np.isnat(end) | (end >= ts - np.timedelta64(window_days, "D")))
    return np.flatnonzero(keep).tolist()
