"""Capability paths: each state's CINC projected month by month from what was known at a cut-off.

Model (every step a stated assumption):

1. **Trend.** Each COW NMC component (milex, milper, irst, pec, tpop, upop; Singer, Bremer &
   Stuckey 1972) of every system member is projected log-linearly from its last ``years`` known
   years (yearly log-growth clipped to +/-``cap``; a component with fewer than two positive years
   is held at its last value). CINC is then recomputed the COW way: the mean over components of
   the state's share of the system total. ``years`` and ``cap`` are not set by hand:
   :func:`calibrate_trend` picks them from :data:`TREND_GRID` by their error on every earlier COW
   war, projecting each war year's coalition shares one and two years ahead from the years before
   it; only NMC years known at the cut-off enter (the evaluated war's own earlier years included).
2. **Battle losses.** Catalogue events multiply their belligerents' capability from the month the
   event ended (see :mod:`realign.events.catalogue`).
3. **Territory lost to the enemy.** While enemy ground forces are on a state's home territory
   (fronts table, or projected contact), its capability is multiplied by ``1 - contact_loss``;
   :func:`calibrate_contact_loss` estimates that share from contacts before the cut-off (record CINC
   the year after first contact against the trend projection), never from later data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from realign.system.information import InformationSet, known_nmc_year

__all__ = [
    "COMPONENTS",
    "TREND_GRID",
    "project_cinc",
    "calibrate_trend",
    "trend_errors",
    "calibrate_contact_loss",
    "DEFAULT_CONTACT_LOSS",
    "decimal_year",
]

COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")
#: Candidate trend rules: (years of the known record the trend is fitted on, largest yearly
#: log-growth extrapolated; None = no cap). :func:`calibrate_trend` chooses among them.
TREND_GRID = tuple((y, c) for y in (2, 3, 5) for c in (0.2, 0.4, 0.7, 1.0, None))
#: The rule used when no earlier war can be scored (fewer than :data:`MIN_TREND_CELLS` cells).
DEFAULT_TREND = (3, 0.4)
MIN_TREND_CELLS = 10
#: Share of capability lost while enemy forces hold home territory when it cannot be calibrated
#: (fewer than three pre-cut-off contacts with a record the following year). Model assumption.
DEFAULT_CONTACT_LOSS = 0.2


def decimal_year(d: dt.date) -> float:
    """Mid-month decimal year (COW annual values sit at mid-year, ``year + 0.5``).

    Parameters
    ----------
    d : dt.date
        Any day of the month (only year and month are used).

    Returns
    -------
    float
        ``year + (month - 0.5) / 12``, in years.
    """
    return d.year + (d.month - 0.5) / 12


def _component_arrays(nmc: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(ccodes, years, {component: (states, years) array with NaN where missing}) of an NMC frame."""
    cc = np.sort(nmc["ccode"].astype(int).unique())
    yrs = np.arange(int(nmc["year"].min()), int(nmc["year"].max()) + 1)
    ci = np.searchsorted(cc, nmc["ccode"].astype(int).to_numpy())
    yi = nmc["year"].astype(int).to_numpy() - yrs[0]
    out = {}
    for c in COMPONENTS:
        a = np.full((len(cc), len(yrs)), np.nan)
        a[ci, yi] = nmc[c].to_numpy(dtype=float)
        out[c] = a
    return cc, yrs, out


def _growth_arrays(arr: np.ndarray, k: int, years: int) -> tuple[np.ndarray, np.ndarray]:
    """Last known value (carried forward within the window) and uncapped yearly log-growth at column ``k``."""
    win = arr[:, max(0, k - years + 1) : k + 1]
    known = ~np.isnan(win)  # the last known value of each row (what a forward fill leaves in the last column)
    at = win.shape[1] - 1 - known[:, ::-1].argmax(axis=1)
    last = np.where(known.any(axis=1), win[np.arange(len(win)), at], np.nan)
    pos = np.where(win > 0, win, np.nan)
    ok = ~np.isnan(pos)
    n = ok.shape[1]
    lo = np.where(ok.any(axis=1), ok.argmax(axis=1), -1)
    hi = np.where(ok.any(axis=1), n - 1 - ok[:, ::-1].argmax(axis=1), -1)
    good = (lo >= 0) & (hi > lo)
    rows = np.arange(len(arr))
    g = np.zeros(len(arr))
    g[good] = np.log(pos[rows[good], hi[good]] / pos[rows[good], lo[good]]) / (hi[good] - lo[good])
    return last, g


def _project(
    arrays: tuple, last_year: int, t: np.ndarray, rule: tuple[int, float | None]
) -> tuple[np.ndarray, np.ndarray]:
    """(ccodes alive in ``last_year``, (len(t), n) CINC) ``t`` years after ``last_year``'s mid-year."""
    cc, yrs, comp = arrays
    k = last_year - int(yrs[0])
    alive = ~np.isnan(comp["tpop"][:, k]) | ~np.isnan(comp["milper"][:, k])
    years, cap = rule
    shares = []
    for c in COMPONENTS:
        base, g = _growth_arrays(comp[c][alive], k, years)
        if cap is not None:
            g = np.clip(g, -cap, cap)
        x = np.nan_to_num(np.clip(base, 0, None))[None, :] * np.exp(np.outer(t, g))
        tot = x.sum(axis=1, keepdims=True)
        shares.append(np.where(tot > 0, x / np.where(tot > 0, tot, 1), 0.0))
    return cc[alive], np.mean(shares, axis=0)


def trend_errors(info: InformationSet) -> pd.DataFrame:
    """Error of every rule in :data:`TREND_GRID` on the COW wars known on ``info.at``.

    One cell per (war, origin year ``y``, horizon ``h`` in 1-2, rule) for every year ``y`` in which
    the war was fought and ``y + h`` is still a war year with a known NMC record: the coalition share
    ``side 1 / (side 1 + side 2)`` projected from the years up to ``y`` against the record of ``y + h``
    (absolute error). Sides are the participants' COW sides (spells known on ``info.at``).

    Parameters
    ----------
    info : InformationSet
        Information gate; only COW wars and NMC years known on ``info.at`` are read.

    Returns
    -------
    pd.DataFrame
        Columns ``war``, ``year``, ``h`` (years ahead), ``years``, ``cap`` (the rule) and ``error``
        (absolute error of the side-1 CINC share, a proportion); empty if no cell qualifies.
    """
    nmc = info.nmc()
    known = known_nmc_year(info.at)
    arrays = _component_arrays(nmc)
    rec = nmc.set_index(["ccode", "year"])["cinc"]
    spells = info.war_spells()
    rows = []
    proj_cache: dict = {}
    for war, g in spells.groupby("war"):
        y0, y1 = int(g["start"].min().year), int(g["end"].max().year) if g["end"].notna().all() else known
        for y in range(y0, min(y1, known) + 1):
            for h in (1, 2):
                if y + h > min(y1, known) or y < int(arrays[1][0]) + 5:
                    continue
                sides = {
                    a: g[(g["side"] == a) & (g["start"].dt.year <= y + h)]["ccode"].astype(int).unique() for a in (1, 2)
                }
                if not len(sides[1]) or not len(sides[2]):
                    continue
                r = {a: sum(float(rec.get((c, y + h), np.nan)) for c in sides[a]) for a in (1, 2)}
                if not all(np.isfinite(v) for v in r.values()) or r[1] + r[2] <= 0:
                    continue
                truth = r[1] / (r[1] + r[2])
                for rule in TREND_GRID:
                    key = (y, rule)
                    if key not in proj_cache:
                        proj_cache[key] = _project(arrays, y, np.array([1.0, 2.0]), rule)
                    cc, cinc = proj_cache[key]
                    pos = {int(c): i for i, c in enumerate(cc)}
                    p = {a: sum(cinc[h - 1, pos[c]] for c in sides[a] if c in pos) for a in (1, 2)}
                    if p[1] + p[2] <= 0:
                        continue
                    rows.append(
                        {
                            "war": int(war),
                            "year": y,
                            "h": h,
                            "years": rule[0],
                            "cap": rule[1],
                            "error": abs(p[1] / (p[1] + p[2]) - truth),
                        }
                    )
    return pd.DataFrame(rows, columns=["war", "year", "h", "years", "cap", "error"])


_TREND_CACHE: dict = {}


def calibrate_trend(info: InformationSet) -> tuple[tuple[int, float | None], pd.DataFrame]:
    """The trend rule of :data:`TREND_GRID` with the smallest mean error on earlier wars (see :func:`trend_errors`).

    Returns ``((years, cap), table)``: the table gives each rule's mean error and number of cells.
    Cached per known NMC year (the answer depends on nothing else).

    Parameters
    ----------
    info : InformationSet
        Information gate; the known NMC year of ``info.at`` selects the cache entry.

    Returns
    -------
    tuple[tuple[int, float or None], pd.DataFrame]
        The rule ``(years, cap)`` (``cap``: largest yearly log-growth, ``None`` no cap;
        :data:`DEFAULT_TREND` with fewer than :data:`MIN_TREND_CELLS` cells) and the table with
        columns ``years``, ``cap``, ``mean_abs_error``, ``cells``.
    """
    known = known_nmc_year(info.at)
    if known not in _TREND_CACHE:
        err = trend_errors(info)
        tab = (
            err.assign(cap=err["cap"].astype(object).where(err["cap"].notna(), "none"))
            .groupby(["years", "cap"], sort=False)["error"]
            .agg(["mean", "size"])
            .reset_index()
            .rename(columns={"mean": "mean_abs_error", "size": "cells"})
        )
        if tab.empty or int(tab["cells"].min()) < MIN_TREND_CELLS:
            rule = DEFAULT_TREND
        else:
            best = tab.loc[tab["mean_abs_error"].idxmin()]
            rule = (int(best["years"]), None if best["cap"] == "none" else float(best["cap"]))
        _TREND_CACHE[known] = (rule, tab)
    else:
        info.nmc()  # log the read
    return _TREND_CACHE[known]


def project_cinc(
    info: InformationSet, days: list[dt.date], ccodes: list[int], rule: tuple[int, float | None] | None = None
) -> np.ndarray:
    """(len(days), len(ccodes)) CINC projected from the NMC years known on ``info.at``.

    ``rule``: (years, cap) of the trend; default the one :func:`calibrate_trend` picks. A state with
    no NMC record gets 0 (stated: it adds nothing to a coalition's capability).

    Parameters
    ----------
    info : InformationSet
        Information gate; NMC years known on ``info.at`` are read.
    days : list[dt.date]
        Days to project to (mid-month decimal years).
    ccodes : list[int]
        COW state codes, one column each.
    rule : tuple[int, float or None] or None, default None
        ``(years of record fitted, largest yearly log-growth or None)``; ``None`` calibrates it.

    Returns
    -------
    np.ndarray
        Shape (len(days), len(ccodes)), projected CINC share (0 to 1) per day and state.
    """
    rule = rule or calibrate_trend(info)[0]
    nmc = info.nmc()
    last = known_nmc_year(info.at)
    t = np.array([decimal_year(d) - (last + 0.5) for d in days])  # years after the last known mid-year
    cc, cinc = _project(_component_arrays(nmc), last, t, rule)
    pos = {int(c): k for k, c in enumerate(cc)}
    out = np.zeros((len(days), len(ccodes)))
    for j, c in enumerate(ccodes):
        if int(c) in pos:
            out[:, j] = cinc[:, pos[int(c)]]
    return out


def calibrate_contact_loss(info: InformationSet) -> tuple[float, list[dict]]:
    """Share of capability lost under enemy contact, from contacts known before ``info.at``.

    For each state whose first recorded contact (fronts: enemy ground forces or landing) began in
    year ``y`` with a known NMC record for ``y + 1``, compare that record with the trend projected
    from the years before ``y`` (the trend rule calibrated at the cut-off, :func:`calibrate_trend`). Returns the median
    shortfall (clipped to [0, 0.8]) and the rows used; :data:`DEFAULT_CONTACT_LOSS` when fewer than
    three contacts qualify.

    Parameters
    ----------
    info : InformationSet
        Information gate; fronts and NMC records known on ``info.at`` are read.

    Returns
    -------
    tuple[float, list[dict]]
        The share of capability lost (0 to 0.8) and one dict per contact used (``war``, ``ccode``,
        ``first_contact``, ``projected_cinc``, ``record_cinc``, ``ratio``).
    """
    f = info.fronts()
    f = f[f["kind"].isin(("enemy_ground_forces", "landing"))]
    first = f.groupby(["war", "ccode"])["start"].min().reset_index()
    nmc = info.nmc()
    known_last = known_nmc_year(info.at)
    rule = calibrate_trend(info)[0]
    rows = []
    for r in first.itertuples():
        y = r.start.year
        if y + 1 > known_last:
            continue
        sub = InformationSet(dt.date(y - 1, 12, 31))
        proj = project_cinc(sub, [dt.date(y + 1, 7, 15)], [int(r.ccode)], rule)[0, 0]
        rec = nmc[(nmc["ccode"] == r.ccode) & (nmc["year"] == y + 1)]["cinc"]
        if proj > 0 and len(rec) and pd.notna(rec.iloc[0]) and rec.iloc[0] > 0:
            rows.append(
                {
                    "war": int(r.war),
                    "ccode": int(r.ccode),
                    "first_contact": r.start.date().isoformat(),
                    "projected_cinc": float(proj),
                    "record_cinc": float(rec.iloc[0]),
                    "ratio": float(rec.iloc[0] / proj),
                }
            )
    if len(rows) < 3:
        return DEFAULT_CONTACT_LOSS, rows
    loss = float(np.clip(1 - np.median([x["ratio"] for x in rows]), 0.0, 0.8))
    return loss, rows
