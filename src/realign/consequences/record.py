"""The record beside a consequences report: capability paths, neutrals' drift, US/UK support, post-war blocs, misses.

Split from :mod:`realign.consequences.compute` (file length). These read the dated record after the
cut-off on purpose (it is what the forecast is held against, never a model input); date-bounded
reads go through :class:`realign.system.information.InformationSet`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from realign.data.names import state_name
from realign.data.store import load_shared
from realign.simulation.capability import calibrate_trend
from realign.simulation.forecast import ForecastResult, side_labels
from realign.system.information import InformationSet
from realign.system.snapshot import System
from realign.wars import WWI, WWII

__all__ = [
    "NEUTRALS",
    "LATIN_AMERICA",
    "CAPABILITY_STATES",
    "record_extras",
    "miss_notes",
    "capability_block",
    "capability_paths",
]

#: European neutrals the essay says drifted toward the Allies.
NEUTRALS = (640, 380, 230, 235)
#: COW codes of the Latin American states (Caribbean, Central and South America).
LATIN_AMERICA = tuple(range(40, 166))


def _blocs_1955() -> dict:
    day = dt.date(1955, 6, 1)
    ev = InformationSet(day).ww2_events()  # the blocs as recorded by the day the landscape is fitted on
    pj = ev[ev["kind"] == "pact_joined"]
    nato = pj[pj["counterpart"].str.contains("NATO", na=False)]
    wp = pj[pj["counterpart"].str.contains("Warsaw", na=False)]
    rows = {
        "nato": [
            {
                "ccode": int(r.ccode),
                "name": r.state,
                "date": r.date.date().isoformat(),
                "source": r.source_url,
                "verified": bool(r.verified),
            }
            for r in nato.itertuples()
            if pd.notna(r.ccode)
        ],
        "warsaw_pact": [
            {
                "ccode": int(r.ccode),
                "name": r.state,
                "date": r.date.date().isoformat(),
                "source": r.source_url,
                "verified": bool(r.verified),
            }
            for r in wp.itertuples()
            if pd.notna(r.ccode)
        ],
    }
    members = {x["ccode"]: "nato" for x in rows["nato"]} | {x["ccode"]: "warsaw" for x in rows["warsaw_pact"]}
    try:
        from realign.models.propensity import landscape_minimum_for_date

        s = System.at(day)
        ids = [c for c in sorted(members) if c in s and not np.isnan(s.cinc(c))]
        fit = landscape_minimum_for_date(day, tuple(ids), 2, 0)  # cached on disk: no refit on a second run
        ids, coal = fit["ids"], fit["coalitions"]
        truth = [members[c] for c in ids]
        lab = {c: k for k, grp in enumerate(coal) for c in grp}
        agree = sum((lab[c] == 0) == (members[c] == members[coal[0][0]]) for c in ids)
        rows["landscape_1955"] = {
            "states": ids,
            "coalitions": coal,
            "exact": fit["exact"],
            "agreement": agree / len(ids),
            "n": len(ids),
            "truth": dict(zip(ids, truth, strict=True)),
            "n_minima": fit["n_minima"],
            "data_used": "CINC 1955 shares; propensities from wars before 1955-06-01",
        }
    except Exception as exc:  # the landscape is an extra; its absence must not sink the report
        rows["landscape_1955"] = {"error": str(exc)}
    return rows


def record_extras(fac: ForecastResult, cf: ForecastResult, hist: dict, truth: np.ndarray) -> dict:
    """WWII only: neutrals' drift, US/UK support for the USSR and post-war blocs, from the record.

    Parameters
    ----------
    fac, cf : ForecastResult
        The factual and counterfactual forecasts.
    hist : dict
        The record in the window (``History.to_dict()``).
    truth : np.ndarray
        Recorded side per (month, state) of the forecast's grid.

    Returns
    -------
    dict
        ``neutrals_drift``, ``us_uk_support`` and ``postwar_blocs``.
    """
    pos = {c: i for i, c in enumerate(fac.ccodes)}
    pf, pc = fac.p_side, cf.p_side
    neutral_rows = []
    for c in (*NEUTRALS, *[x for x in LATIN_AMERICA if x in pos]):
        if c not in pos:
            continue
        i = pos[c]
        evs = [h for h in hist["changes"] if h["ccode"] == c]
        neutral_rows.append(
            {
                "ccode": c,
                "name": state_name(c),
                "p_allies_end": {"factual": float(pf[-1, i, 1]), "counterfactual": float(pc[-1, i, 1])},
                "p_axis_end": {"factual": float(pf[-1, i, 2]), "counterfactual": float(pc[-1, i, 2])},
                "history_side_end": int(truth[-1, i]),
                "history_events": [
                    {"date": h["date"], "kind": h["kind"], "counterpart": h["counterpart"]} for h in evs
                ],
            }
        )
    support = [
        h
        for h in hist["changes"]
        if h["ccode"] in (2, 200)
        and h["counterpart"]
        and ("Soviet" in h["counterpart"])
        and h["kind"] in ("treaty_signed", "aid_extended", "pact_joined", "conference")
    ]
    return {
        "neutrals_drift": {
            "states": neutral_rows,
            "note": "COW war 139 lists few of these states as participants (Brazil from 1944-07-06); "
            "their moves toward the Allies (breaks of relations, declarations, bases) are in "
            "the WWII events table",
        },
        "us_uk_support": {
            "history": support,
            "model": None,
            "note": "aid flows are not modelled: the record lists US/UK agreements with the USSR in the "
            "window; the model has no variable for Lend-Lease volumes",
        },
        "postwar_blocs": _blocs_1955(),
    }


def miss_notes(ev, at: dt.date, fac, rows: list, yearly: dict, ref: str) -> list[str]:
    """Where the ex-ante forecast misses the record, and why (from the fit, not fixed text).

    Parameters
    ----------
    ev : Event
        The battle.
    at : datetime.date
        The information cut-off (the day the outcome was known).
    fac : ForecastResult
        The factual forecast.
    rows : list
        Per-state cohesion rows (``ccode``, ``name``, ``historical_exit``, ``p_left_by``).
    yearly : dict
        Year -> model, record and difference of the Axis CINC share.
    ref : str
        Reference month ``YYYY-MM`` of ``p_left_by``.

    Returns
    -------
    list of str
        The notes, one sentence group each.
    """
    notes = []
    fronts = InformationSet(at, hindsight=True).fronts(ev.war)  # the record's first contact, after the cut-off
    t_ref = fac.months.index(ref) if ref in fac.months else len(fac.months) - 1
    for r in rows:
        if r["historical_exit"] and r["p_left_by"]["factual"] < 0.5:
            i = fac.ccodes.index(r["ccode"])
            p_contact = float(fac.contact[:, t_ref, i].mean())
            fr = fronts[
                (fronts["war"] == ev.war)
                & (fronts["ccode"] == r["ccode"])
                & fronts["kind"].isin(("enemy_ground_forces", "landing"))
            ]
            first = fr["start"].min().date().isoformat() if len(fr) else "none recorded"
            notes.append(
                f"{r['name']} left the Axis on {r['historical_exit']} (record), but the factual forecast "
                f"gives P = {r['p_left_by']['factual']:.2f} of having left by {ref} (with the recorded "
                f"fronts and later battles: {r['p_left_by']['hindsight']:.2f}). Enemy forces reach it "
                f"by {ref} in {p_contact:.0%} of the runs (record: first contact {first})."
            )
    exh = fac.hazards.exit
    tab = {t["term"]: t for t in exh.table().to_dict(orient="records")}
    cl = tab.get("contact_losing")
    if cl is not None:
        k = exh.events_with_.get("contact_losing", 0)
        prec = "no precedent" if k == 0 else f"{'one precedent' if k == 1 else f'{k} precedents'} only"
        notes.append(
            f"Why the exits are missed ex ante: of the {exh.n_events_} voluntary exits the exit "
            f"hazard was fitted on (every other war, and this one before {at}), "
            f"{k} happened with enemy forces on the state's soil "
            f"while its coalition was the weaker, and {exh.events_with_.get('contact', 0)} under enemy "
            f"contact at all; the weight of contact while losing is {cl['coef']:+.2f} ± {cl['se']:.2f}. "
            f"The record before the cut-off holds {prec} to learn the mechanism from; the in-sample "
            f"arm, whose weights also see 1943-45, shows it."
        )
    for y in ("1943", "1944"):
        if y in yearly and abs(yearly[y]["difference"]) > 0.04:
            yrs, cap = calibrate_trend(InformationSet(at))[0]
            notes.append(
                f"Axis capability share {y}: model {yearly[y]['model']:.3f}, record "
                f"{yearly[y]['record']:.3f} ({yearly[y]['difference']:+.3f}): the trend rule chosen on "
                f"earlier wars (last {yrs} known NMC years, growth capped at "
                f"{cap if cap is not None else 'no cap'} a year) extrapolates German components that were "
                f"still rising in the figures known at the cut-off, and the model's Axis allies rarely leave."
            )
    notes.append(
        "Italy's contact came by sea from colonial North Africa (Sicily, 1943-07-10); COW state "
        "contiguity has no colonies, so Italy has no enemy land neighbour in the campaign projection and "
        "contact there comes only from the contact hazard's baseline."
    )
    return notes


def capability_block(fac: ForecastResult, cf: ForecastResult, hshares: list[dict]) -> dict:
    """Coalition CINC shares per month (factual mean and 5-95% band, counterfactual mean, record) and per year.

    Parameters
    ----------
    fac, cf : ForecastResult
        The factual and counterfactual forecasts.
    hshares : list of dict
        The record's coalition CINC shares per forecast month, keyed by side label.

    Returns
    -------
    dict
        ``months``, ``germany_isolation`` and ``allied`` (CINC-share series), ``yearly_side2`` and ``note``.
    """
    lab = side_labels(fac.spec.war)
    out = {"months": fac.months}
    for a, key in ((2, "germany_isolation"), (1, "allied")):
        out[key] = {
            "factual_mean": [float(x) for x in fac.shares[:, :, a].mean(axis=0)],
            "factual_p05": [float(x) for x in np.quantile(fac.shares[:, :, a], 0.05, axis=0)],
            "factual_p95": [float(x) for x in np.quantile(fac.shares[:, :, a], 0.95, axis=0)],
            "counterfactual_mean": [float(x) for x in cf.shares[:, :, a].mean(axis=0)],
            "history": [h[lab[a]] for h in hshares],
        }
    years = {}
    for y in sorted({m[:4] for m in fac.months}):
        idx = [t for t, m in enumerate(fac.months) if m.startswith(y)]
        rec = [hshares[t][lab[2]] for t in idx]
        mod = [out["germany_isolation"]["factual_mean"][t] for t in idx]
        years[y] = {
            "model": float(np.mean(mod)),
            "record": float(np.mean(rec)),
            "difference": float(np.mean(mod) - np.mean(rec)),
        }
    out["yearly_side2"] = years
    out["note"] = (
        "model: CINC projected from the NMC years known at the cut-off (component trends), times battle "
        "effects and the share kept under enemy contact, with the simulated sides; record: each year's COW "
        "CINC with the actual sides"
    )
    return out


#: States whose projected CINC the report sets beside the record (WWII; WWI uses the war's great powers).
CAPABILITY_STATES = {WWII: (255, 740, 325, 365, 2, 200), WWI: (255, 300, 640, 365, 200, 220, 2)}


def capability_paths(res: ForecastResult) -> dict:
    """Per state and year: mean projected CINC (trend only, before battles and contact) and the record's CINC.

    Parameters
    ----------
    res : ForecastResult
        A forecast (its war picks the states of :data:`CAPABILITY_STATES`).

    Returns
    -------
    dict
        State name -> year -> ``model`` and ``record`` CINC (share of the system; record None where missing).
    """
    from realign.simulation.forecast import _capability

    nmc = load_shared("nmc")  # the record beside the forecast: later years by design (ground truth, never an input)
    base, _ = _capability(res.spec.at, tuple(res.days), tuple(res.ccodes), True)
    out = {}
    for c in CAPABILITY_STATES.get(res.spec.war, ()):
        if c not in res.ccodes:
            continue
        i = res.ccodes.index(c)
        years = {}
        for y in sorted({m[:4] for m in res.months}):
            idx = [t for t, m in enumerate(res.months) if m.startswith(y)]
            rec = nmc[(nmc["ccode"] == c) & (nmc["year"] == int(y))]["cinc"]
            years[y] = {
                "model": float(base[idx, i].mean()),
                "record": float(rec.iloc[0]) if len(rec) and pd.notna(rec.iloc[0]) else None,
            }
        out[state_name(c)] = years
    return out
