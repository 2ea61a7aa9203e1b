"""Capability paths: each state's CINC projected month by month from what was known at a cut-off.

Model (every step a stated assumption):

1. **Trend.** Each COW NMC component (milex, milper, irst, pec, tpop, upop; Singer, Bremer &
   Stuckey 1972) of every system member is projected log-linearly from its last
   :data:`TREND_YEARS` known years (growth clipped to +/-:data:`MAX_GROWTH` a year; a component
   with fewer than two positive years is held at its last value). CINC is then recomputed the COW
   way: the mean over components of the state's share of the system total.
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

__all__ = ["COMPONENTS", "TREND_YEARS", "MAX_GROWTH", "project_cinc", "calibrate_contact_loss",
           "DEFAULT_CONTACT_LOSS", "decimal_year"]

COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")
#: Years of the known record each component's trend is fitted on (model assumption).
TREND_YEARS = 3
#: Largest yearly log-growth a trend may extrapolate (model assumption: +/-40% a year).
MAX_GROWTH = 0.4
#: Share of capability lost while enemy forces hold home territory when it cannot be calibrated
#: (fewer than three pre-cut-off contacts with a record the following year). Model assumption.
DEFAULT_CONTACT_LOSS = 0.2


def decimal_year(d: dt.date) -> float:
    """Mid-month decimal year (COW annual values sit at mid-year, ``year + 0.5``)."""
    return d.year + (d.month - 0.5) / 12


def _growth(frame: pd.DataFrame, last: int) -> pd.DataFrame:
    """Per ccode and component: last known value and yearly log-growth over the trend window."""
    alive = set(frame.loc[frame["year"] == last, "ccode"])  # members in the last known year only
    win = frame[(frame["year"] > last - TREND_YEARS) & (frame["year"] <= last) & frame["ccode"].isin(alive)]
    out = {}
    for c in COMPONENTS:
        v = win.pivot_table(index="ccode", columns="year", values=c, aggfunc="first")
        lastv = v.ffill(axis=1).iloc[:, -1] if v.shape[1] else pd.Series(dtype=float)
        pos = v.where(v > 0)
        lo = pos.apply(lambda r: r.first_valid_index(), axis=1)
        hi = pos.apply(lambda r: r.last_valid_index(), axis=1)
        g = pd.Series(0.0, index=v.index)
        ok = lo.notna() & hi.notna() & (hi != lo)
        for cc in v.index[ok]:
            g[cc] = np.log(pos.at[cc, hi[cc]] / pos.at[cc, lo[cc]]) / (hi[cc] - lo[cc])
        out[c] = pd.DataFrame({"last": lastv, "growth": g.clip(-MAX_GROWTH, MAX_GROWTH)})
    return pd.concat(out, axis=1)


def project_cinc(info: InformationSet, days: list[dt.date], ccodes: list[int]) -> np.ndarray:
    """(len(days), len(ccodes)) CINC projected from the NMC years known on ``info.at``.

    A state with no NMC record gets 0 (stated: it adds nothing to a coalition's capability).
    """
    nmc = info.nmc()
    last = known_nmc_year(info.at)
    g = _growth(nmc, last)
    t = np.array([decimal_year(d) - (last + 0.5) for d in days])  # years after the last known mid-year
    shares = []
    for c in COMPONENTS:
        base = g[(c, "last")].fillna(0).clip(lower=0).to_numpy()
        gr = g[(c, "growth")].fillna(0).to_numpy()
        x = base[None, :] * np.exp(np.outer(t, gr))  # (T, all states)
        tot = x.sum(axis=1, keepdims=True)
        shares.append(np.where(tot > 0, x / np.where(tot > 0, tot, 1), 0.0))
    cinc = np.mean(shares, axis=0)
    pos = {int(cc): k for k, cc in enumerate(g.index)}
    out = np.zeros((len(days), len(ccodes)))
    for j, cc in enumerate(ccodes):
        if int(cc) in pos:
            out[:, j] = cinc[:, pos[int(cc)]]
    return out


def calibrate_contact_loss(info: InformationSet) -> tuple[float, list[dict]]:
    """Share of capability lost under enemy contact, from contacts known before ``info.at``.

    For each state whose first recorded contact (fronts: enemy ground forces or landing) began in
    year ``y`` with a known NMC record for ``y + 1``, compare that record with the trend projected
    from the years before ``y`` (the same projection as :func:`project_cinc`). Returns the median
    shortfall (clipped to [0, 0.8]) and the rows used; :data:`DEFAULT_CONTACT_LOSS` when fewer than
    three contacts qualify.
    """
    f = info.fronts()
    f = f[f["kind"].isin(("enemy_ground_forces", "landing"))]
    first = f.groupby(["war", "ccode"])["start"].min().reset_index()
    nmc = info.nmc()
    known_last = known_nmc_year(info.at)
    rows = []
    for r in first.itertuples():
        y = r.start.year
        if y + 1 > known_last:
            continue
        sub = InformationSet(dt.date(y - 1, 12, 31))
        proj = project_cinc(sub, [dt.date(y + 1, 7, 15)], [int(r.ccode)])[0, 0]
        rec = nmc[(nmc["ccode"] == r.ccode) & (nmc["year"] == y + 1)]["cinc"]
        if proj > 0 and len(rec) and pd.notna(rec.iloc[0]) and rec.iloc[0] > 0:
            rows.append({"war": int(r.war), "ccode": int(r.ccode), "first_contact": r.start.date().isoformat(),
                         "projected_cinc": float(proj), "record_cinc": float(rec.iloc[0]),
                         "ratio": float(rec.iloc[0] / proj)})
    if len(rows) < 3:
        return DEFAULT_CONTACT_LOSS, rows
    loss = float(np.clip(1 - np.median([x["ratio"] for x in rows]), 0.0, 0.8))
    return loss, rows
