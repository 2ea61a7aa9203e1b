"""Dyadic factors of the propensity model, for a set of states on a date (read through the information gate).

The factors and their rules are listed in :mod:`realign.models.propensity` (ATOP pacts of the previous
year, regime similarity, earlier wars and MIDs on the same or opposite sides, land contiguity,
territorial transfers, religious similarity); every dated input comes through
:class:`~realign.system.information.InformationSet` at the date, so nothing later is read.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from realign.data.cow_alliance import load_cow_alliance
from realign.data.names import parse_date
from realign.errors import InvalidParameterError
from realign.system.information import InformationSet

__all__ = ["FACTORS", "RELIGION_COLS", "dyad_factors", "land_contiguity"]

FACTORS = (
    "defense",
    "other_pact",
    "regime",
    "war_same",
    "war_opposed",
    "mid_opposed",
    "contiguous",
    "territory",
    "religion",
)
RELIGION_COLS = ("chrstgenpct", "judgenpct", "islmgenpct", "budgenpct", "hindgenpct", "nonreligpct")


def _years(d: dt.date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / 365.25


def _pair_index(ccodes: list[int]) -> dict[int, int]:
    return {c: i for i, c in enumerate(ccodes)}


def _positions(codes: pd.Series, idx: dict[int, int]) -> np.ndarray:
    """Row/column index of each COW code in ``idx`` (vectorised ``codes.map(idx)``; every code must be in it)."""
    keys = np.fromiter(idx.keys(), dtype=np.int64, count=len(idx))
    vals = np.fromiter(idx.values(), dtype=np.int64, count=len(idx))
    pos = pd.Index(keys).get_indexer(codes.to_numpy().astype(np.int64))
    if (pos < 0).any():
        raise InvalidParameterError("internal: a COW code outside the panel reached a dyad matrix")
    return vals[pos]


def _decayed_pairs(
    rows: pd.DataFrame, key: str, side: str, idx: dict[int, int], d: dt.date, half_life: float
) -> tuple[np.ndarray, np.ndarray]:
    """Decayed counts of episodes (wars/MIDs) with i, j on the same / opposite sides, ended before d.

    Each episode weighs ``0.5 ** (years since its last participant's end / half_life)``; a dyad keeps
    the largest weight over its episodes. Vectorised: one self-join of the episodes' rows on ``key``.
    """
    n = len(idx)
    same = np.zeros((n, n))
    opp = np.zeros((n, n))
    past = rows[(rows["end"] < pd.Timestamp(d)) & rows["ccode"].isin(idx)]
    if past.empty:
        return same, opp
    end = past.groupby(key)["end"].transform("max")
    years = end.dt.year + (end.dt.day_of_year - 1) / 365.25
    df = pd.DataFrame(
        {
            "k": past[key].to_numpy(),
            "c": _positions(past["ccode"], idx),
            "s": past[side].to_numpy(),
            "w": 0.5 ** ((_years(d) - years.to_numpy()) / half_life),
        }
    )
    pr = df.merge(df[["k", "c", "s"]], on="k", suffixes=("", "_b"))
    pr = pr[pr["c"] != pr["c_b"]]
    is_same = (pr["s"] == pr["s_b"]).to_numpy()
    i, j, w = pr["c"].to_numpy(), pr["c_b"].to_numpy(), pr["w"].to_numpy()
    np.maximum.at(same, (i[is_same], j[is_same]), w[is_same])
    np.maximum.at(opp, (i[~is_same], j[~is_same]), w[~is_same])
    return same, opp


def land_contiguity(date: str | dt.date, ccodes: list[int]) -> np.ndarray:
    """Symmetric 0/1 matrix: direct land or river contiguity (COW 3.2 conttype 1) in force on ``date``.

    Parameters
    ----------
    date : str or dt.date
        Day (``YYYY-MM-DD``).
    ccodes : list[int]
        COW state codes (rows and columns, in this order).

    Returns
    -------
    np.ndarray
        Shape (n, n) float 0/1, symmetric, zero diagonal.

    Raises
    ------
    InvalidDateError
        If ``date`` is not a valid date.
    """
    d = parse_date(date)
    idx = _pair_index([int(c) for c in ccodes])
    cont = InformationSet(d).contiguity()  # rows in force on d
    c = cont[(cont["conttype"] == 1) & cont["ccode1"].isin(idx) & cont["ccode2"].isin(idx)]
    land = np.zeros((len(idx), len(idx)))
    land[_positions(c["ccode1"], idx), _positions(c["ccode2"], idx)] = 1
    return np.maximum(land, land.T)


def _alliance_factors(info: InformationSet, d: dt.date, idx: dict[int, int], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, n) defence and other-pact indicators: ATOP of the previous year, plus COW day-level when imported."""
    year = d.year
    defense = np.zeros((n, n))
    other = np.zeros((n, n))
    atop = info.atop(year - 1)
    a = atop[atop["ccode1"].isin(idx) & atop["ccode2"].isin(idx)]
    i1 = _positions(a["ccode1"], idx)
    i2 = _positions(a["ccode2"], idx)
    dflag = ((a["atop_defense"] + a["atop_offense"]) > 0).to_numpy()
    oflag = ((a["atop_neutral"] + a["atop_nonagg"] + a["atop_consul"]) > 0).to_numpy()
    defense[i1[dflag], i2[dflag]] = 1
    other[i1[oflag], i2[oflag]] = 1
    cow = load_cow_alliance()  # user-imported file, not bundled: filtered to alliances in force on d below
    if cow is not None:
        ts = pd.Timestamp(d)
        live = cow[(cow["start"] < ts) & (cow["end"] >= ts) & cow["ccode"].isin(idx)]
        for _, grp in live.groupby("alliance"):
            codes = _positions(grp["ccode"], idx)
            is_def = bool(grp["defense"].max())
            for x in codes:
                for y in codes:
                    if x != y:
                        (defense if is_def else other)[x, y] = 1
    return defense, other


def dyad_factors(date: str | dt.date, ccodes: list[int], *, half_life: float = 25.0) -> dict[str, np.ndarray]:
    """Symmetric (n, n) factor matrices for the states ``ccodes`` on ``date`` (see module docstring).

    Missing values (no V-Dem score, no WRP data) are NaN, never 0. Every dated input is read through
    an :class:`~realign.system.information.InformationSet` at ``date`` (nothing later comes back).

    Parameters
    ----------
    date : str or datetime.date
        The day the factors describe (ISO text accepted).
    ccodes : list of int
        COW state codes; the matrices' rows and columns follow this order.
    half_life : float
        Years after which an earlier war, MID or territorial transfer counts half.

    Returns
    -------
    dict of str to numpy.ndarray
        One symmetric (n, n) matrix per factor in :data:`FACTORS`, zero diagonal.

    Raises
    ------
    InvalidDateError
        For a malformed date.
    """
    d = parse_date(date)
    info = InformationSet(d)
    ccodes = [int(c) for c in ccodes]
    idx = _pair_index(ccodes)
    n = len(ccodes)
    year = d.year
    f: dict[str, np.ndarray] = {}

    defense, other = _alliance_factors(info, d, idx, n)
    f["defense"] = np.maximum(defense, defense.T)
    f["other_pact"] = np.maximum(other, other.T) * (1 - f["defense"])

    # regime similarity (V-Dem polyarchy, previous year)
    dem = info.democracy(year - 1).set_index("ccode")["v2x_polyarchy"].reindex(ccodes).to_numpy(float)
    f["regime"] = 1 - np.abs(dem[:, None] - dem[None, :])

    # past wars and MIDs
    f["war_same"], f["war_opposed"] = _decayed_pairs(info.war_spells(), "war", "side", idx, d, half_life)
    _, f["mid_opposed"] = _decayed_pairs(info.mid_spells(), "dispnum", "sidea", idx, d, half_life)

    f["contiguous"] = land_contiguity(d, ccodes)

    # territorial transfers between the two, before the date
    tc = info.territorial_change()
    tc = tc[(tc["year"] < year) & tc["gainer"].isin(idx) & tc["loser"].isin(idx)]
    terr = np.zeros((n, n))
    now = _years(d)
    for r in tc.itertuples():
        i, j = idx[int(r.gainer)], idx[int(r.loser)]
        if i != j:
            w = 0.5 ** ((now - r.year) / half_life)
            terr[i, j] = terr[j, i] = max(terr[i, j], w)
    f["territory"] = terr

    # religion (WRP, latest 5-year wave not after the previous year; missing before 1945)
    rel = info.religion()
    waves = rel[rel["year"] <= year - 1]["year"]
    if len(waves):
        wave = rel[rel["year"] == waves.max()].drop_duplicates("ccode").set_index("ccode")
        comp = wave.reindex(ccodes)[list(RELIGION_COLS)].to_numpy(float)
        comp = np.clip(np.nan_to_num(comp, nan=np.nan), 0, 1)
        f["religion"] = 1 - 0.5 * np.abs(comp[:, None, :] - comp[None, :, :]).sum(axis=2)
    else:
        f["religion"] = np.full((n, n), np.nan)
    for m in f.values():
        np.fill_diagonal(m, 0)
    return f
