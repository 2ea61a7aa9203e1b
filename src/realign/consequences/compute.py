"""Consequences of a catalogue battle: factual vs counterfactual ensembles vs the dated record.

For an event (default Stalingrad) the information set is what was known on the day the battle
ended: sides and CINC then, propensities and choice weights fitted on earlier data only. Two
ensembles are run with common random numbers (same seeds): the battle as it happened
("factual", historical effects) and as if it had gone the other way ("counterfactual",
reversed effects from the catalogue). Each mechanism named in the seed essay is measured in
both and set against the record (COW war spells, WWII events table, CINC).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from realign.data.names import state_name
from realign.data.store import load_shared
from realign.events.catalogue import load_event
from realign.models.choice import CORES, observed_sides
from realign.simulation.engine import SimulationSpec, prepare
from realign.simulation.ensemble import EnsembleResult, run_ensemble
from realign.system.history import history
from realign.system.snapshot import WWII, System

__all__ = ["consequences", "Consequences", "MINOR_AXIS", "NEUTRALS", "LATIN_AMERICA", "brier"]

#: Germany's minor European allies whose exits the seed essay attributes to Stalingrad.
MINOR_AXIS = (325, 360, 355, 375, 310)
#: European neutrals the essay says drifted toward the Allies.
NEUTRALS = (640, 380, 230, 235)
#: COW codes of the Latin American states (Caribbean, Central and South America).
LATIN_AMERICA = tuple(range(40, 166))
#: Last observed month of the war in Europe (Germany's surrender 1945-05-07/08).
WAR_END = dt.date(1945, 5, 8)


def brier(p: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> float:
    """Mean multi-class Brier score: sum over options of (p - y)^2, averaged over masked cells."""
    y = np.zeros_like(p)
    np.put_along_axis(y, truth[..., None], 1.0, axis=-1)
    score = ((p - y) ** 2).sum(axis=-1)
    return float(score[mask].mean()) if mask.any() else float("nan")


@dataclass
class Consequences:
    """Everything the report shows; ``to_dict()`` is the JSON contract."""

    event: object
    factual: EnsembleResult
    counterfactual: EnsembleResult
    historical: dict
    truth: np.ndarray
    truth_member: np.ndarray
    metrics: dict
    history_shares: list[dict]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        man = dict(self.factual.manifest)
        man["counterfactual_scenario"] = self.counterfactual.manifest["scenario"]
        man["information_cutoff"] = self.factual.spec.start.isoformat()
        man["notes"] = self.notes
        return {
            "event": self.event.slug,
            "historical": {"changes": self.historical["changes"]},
            "factual": {"p_side": self.factual.p_side_dict()},
            "counterfactual": {"p_side": self.counterfactual.p_side_dict()},
            "metrics": self.metrics,
            "manifest": man,
        }


def _months_until(start: dt.date, end: dt.date) -> int:
    """Number of monthly observation days (15th of each month after ``start``) on or before ``end``."""
    from realign.models.choice import month_days

    n = max(1, (end.year - start.year) * 12 + end.month - start.month)
    return max(1, sum(d <= end for d in month_days(start, n)))


def _history_shares(days: list[dt.date]) -> list[dict]:
    """CINC share of each WWII side on each day from the record (that year's COW CINC, actual sides)."""
    out = []
    for d in days:
        s = System.at(d).coalition_shares(WWII)
        out.append({"month": d.strftime("%Y-%m"), "allies": s.get(1, 0.0), "axis": s.get(2, 0.0)})
    return out


def _first_exit(changes: list[dict], ccode: int) -> str | None:
    """Date the state left the Axis in the record: its COW war exit, else its first armistice/side change."""
    for kinds in (("war_exit",), ("side_change", "armistice")):
        for c in changes:
            if c["ccode"] == ccode and c["kind"] in kinds:
                return c["date"]
    return None


def _metrics(ev, fac: EnsembleResult, cf: EnsembleResult, truth, member, hist, hshares) -> tuple[dict, list[str]]:
    notes: list[str] = []
    cc = fac.ccodes
    pos = {c: i for i, c in enumerate(cc)}
    months = [d.strftime("%Y-%m") for d in fac.days]
    pf, pc = fac.p_side, cf.p_side
    init = np.array([int(x) for x in prepare_init(fac)])
    core = np.isin(np.array(cc), CORES[WWII])

    # --- 1. Brier on monthly sides (non-core states, member that month)
    mask = member & ~core[None, :]
    persist = np.zeros_like(pf)
    persist[:, np.arange(len(cc)), init] = 1.0
    b = {"factual": brier(pf, truth, mask), "counterfactual": brier(pc, truth, mask),
         "persistence": brier(persist, truth, mask), "months": f"{months[0]}..{months[-1]}",
         "cells": int(mask.sum()),
         "definition": "mean over state-months of sum over {neutral, allies, axis} of (p - y)^2; "
                       "truth = COW war 139 side on the 15th of each month (0 = not fighting); "
                       "coalition cores (USA, UK, Germany, USSR, China, Japan) excluded"}
    b["skill_vs_persistence"] = 1 - b["factual"] / b["persistence"] if b["persistence"] else float("nan")
    if b["factual"] >= b["persistence"]:
        notes.append(f"The model's Brier score ({b['factual']:.4f}) does not beat persistence "
                     f"({b['persistence']:.4f}) on {b['months']}.")

    # --- 2. Axis cohesion: minor allies' exits
    t45 = months.index("1945-01") if "1945-01" in months else len(months) - 1
    exits = []
    for c in MINOR_AXIS:
        if c not in pos:
            continue
        i = pos[c]
        path_f = [round(float(1 - pf[t, i, 2]), 4) for t in range(len(months))]
        path_c = [round(float(1 - pc[t, i, 2]), 4) for t in range(len(months))]
        hist_exit = _first_exit(hist["changes"], c)
        em = fac.exit_month[:, i] if fac.exit_month is not None else np.array([-1])
        left = em[em >= 0]
        median_exit = months[int(np.median(left))] if len(left) > fac.runs / 2 else None
        row = {"ccode": c, "name": state_name(c),
               "p_left_axis_by_1945_01": {"factual": path_f[t45], "counterfactual": path_c[t45]},
               "p_left_axis_path": {"factual": dict(zip(months, path_f, strict=True)),
                                    "counterfactual": dict(zip(months, path_c, strict=True))},
               "rising_factual": bool(path_f[t45] > path_f[0]),
               "factual_above_counterfactual": bool(path_f[t45] > path_c[t45]),
               "model_median_exit_month": median_exit, "historical_exit": hist_exit}
        if hist_exit and path_f[t45] < 0.5:
            notes.append(f"{state_name(c)} left the Axis on {hist_exit} (record), but the factual model gives only "
                         f"P = {path_f[t45]:.2f} of having left by 1945-01: the model under-predicts the exit.")
        exits.append(row)
    hist_order = [r["ccode"] for r in sorted(exits, key=lambda r: r["historical_exit"] or "9999")]
    exp_exit = {}
    for r in exits:
        i = pos[r["ccode"]]
        em = fac.exit_month[:, i].astype(float)
        em[em < 0] = len(months)  # never within the horizon -> censored at the horizon
        exp_exit[r["ccode"]] = float(em.mean())
    model_order = sorted(exp_exit, key=exp_exit.get)
    from scipy.stats import spearmanr

    rho = float(spearmanr([hist_order.index(c) for c in model_order], range(len(model_order)))[0]) \
        if len(model_order) > 2 else float("nan")
    cohesion = {"minor_allies": exits, "historical_order": hist_order, "model_order": model_order,
                "order_spearman": rho,
                "expected_axis_members_1945_01": {
                    "factual": float(pf[t45, [pos[c] for c in MINOR_AXIS if c in pos], 2].sum()),
                    "counterfactual": float(pc[t45, [pos[c] for c in MINOR_AXIS if c in pos], 2].sum()),
                    "history": int(sum(truth[t45, pos[c]] == 2 for c in MINOR_AXIS if c in pos))}}

    # --- 3. Germany's isolation: capability share aligned with Germany
    iso = {"months": months,
           "factual_mean": [float(x) for x in fac.shares[:, :, 2].mean(axis=0)],
           "factual_p05": [float(x) for x in np.quantile(fac.shares[:, :, 2], 0.05, axis=0)],
           "factual_p95": [float(x) for x in np.quantile(fac.shares[:, :, 2], 0.95, axis=0)],
           "counterfactual_mean": [float(x) for x in cf.shares[:, :, 2].mean(axis=0)],
           "history": [h["axis"] for h in hshares],
           "note": "model shares use CINC known on the start day (held fixed, times battle capability effects); "
                   "history uses each year's COW CINC and the actual sides"}

    # --- 4. Neutrals' drift
    neutral_rows = []
    for c in (*NEUTRALS, *[x for x in LATIN_AMERICA if x in pos]):
        if c not in pos:
            continue
        i = pos[c]
        evs = [h for h in hist["changes"] if h["ccode"] == c]
        neutral_rows.append({"ccode": c, "name": state_name(c),
                             "p_allies_end": {"factual": float(pf[-1, i, 1]), "counterfactual": float(pc[-1, i, 1])},
                             "p_axis_end": {"factual": float(pf[-1, i, 2]), "counterfactual": float(pc[-1, i, 2])},
                             "history_side_end": int(truth[-1, i]),
                             "history_events": [{"date": h["date"], "kind": h["kind"], "counterpart": h["counterpart"]}
                                                for h in evs]})
    drift = {"states": neutral_rows,
             "note": "COW war 139 lists few of these states as participants (Brazil from 1944-07-06); their moves "
                     "toward the Allies (breaks of relations, declarations, bases) are in the WWII events table"}

    # --- 5. USSR standing: expected number of co-belligerents on the Allied side
    allies_n_f = [float(pf[t, :, 1].sum()) for t in range(len(months))]
    allies_n_c = [float(pc[t, :, 1].sum()) for t in range(len(months))]
    allies_n_h = [int((truth[t] == 1)[member[t]].sum()) for t in range(len(months))]
    ussr = {"months": months, "expected_allied_states": {"factual": allies_n_f, "counterfactual": allies_n_c,
                                                         "history": allies_n_h},
            "allied_capability_share": {"factual_mean": [float(x) for x in fac.shares[:, :, 1].mean(axis=0)],
                                        "counterfactual_mean": [float(x) for x in cf.shares[:, :, 1].mean(axis=0)],
                                        "history": [h["allies"] for h in hshares]}}

    # --- 6. US and British support for the USSR (record only)
    support = [h for h in hist["changes"] if h["ccode"] in (2, 200) and h["counterpart"]
               and ("Soviet" in h["counterpart"]) and h["kind"] in ("treaty_signed", "aid_extended", "pact_joined",
                                                                     "conference")]
    sup = {"history": support,
           "model": None,
           "note": "aid flows are not modelled: the record lists US/UK agreements with the USSR in the window; the "
                   "model has no variable for Lend-Lease volumes (no such data are bundled)"}
    notes.append("US and British support for the USSR is shown from the record only; the model does not simulate aid.")

    # --- 7. Post-war blocs (record + landscape on 1955 data)
    blocs = _blocs_1955()
    notes.append("Post-war bloc formation (1949-1955) is beyond the simulated horizon; it is shown from the record "
                 "and compared with a landscape prediction on 1955 data, which cannot be attributed to the battle.")

    summary = {
        "p_left_axis_by_1945_01": {r["name"]: r["p_left_axis_by_1945_01"] for r in exits},
        "all_rising_factual": all(r["rising_factual"] for r in exits),
        "all_factual_above_counterfactual": all(r["factual_above_counterfactual"] for r in exits),
        "brier_factual": b["factual"], "brier_persistence": b["persistence"],
        "beats_persistence": bool(b["factual"] < b["persistence"]),
    }
    return {"summary": summary, "brier": b, "axis_cohesion": cohesion, "germany_isolation": iso,
            "neutrals_drift": drift, "ussr_standing": ussr, "us_uk_support": sup, "postwar_blocs": blocs}, notes


def _hindsight(ev, start: dt.date, months: int, fac: EnsembleResult, truth, member, kw: dict) -> dict:
    """A third arm beyond the information cut-off: later catalogue battles as they happened.

    Not a forecast (it uses knowledge after the cut-off); it shows how much of the record the
    later war's battles explain in the model.
    """
    from realign.events.catalogue import list_events

    end = fac.days[-1]
    later = [s for s in list_events() if s != ev.slug and start < load_event(s).end <= end
             and load_event(s).war == ev.war]
    if not later:
        return {"events": [], "note": "no later catalogue battles inside the horizon"}
    spec = SimulationSpec(start=start, months=months, events=((ev.slug, "historical"),
                                                              *((s, "historical") for s in later)), war=ev.war)
    res = run_ensemble(spec, **kw)
    pos = {c: i for i, c in enumerate(res.ccodes)}
    mlist = [d.strftime("%Y-%m") for d in res.days]
    t45 = mlist.index("1945-01") if "1945-01" in mlist else len(mlist) - 1
    core = np.isin(np.array(res.ccodes), CORES[WWII])
    mask = member & ~core[None, :]
    return {"events": later,
            "p_left_axis_by_1945_01": {state_name(c): round(float(1 - res.p_side[t45, pos[c], 2]), 4)
                                       for c in MINOR_AXIS if c in pos},
            "brier": brier(res.p_side, truth, mask),
            "note": "uses battles after the information cut-off (hindsight), so it is not a forecast"}


def prepare_init(res: EnsembleResult) -> np.ndarray:
    s = System.at(res.spec.start).war_sides(res.spec.war)
    return np.array([s.get(c, 0) for c in res.ccodes])


def _blocs_1955() -> dict:
    ev = load_shared("ww2_events")
    pj = ev[ev["kind"] == "pact_joined"]
    nato = pj[pj["counterpart"].str.contains("NATO", na=False)]
    wp = pj[pj["counterpart"].str.contains("Warsaw", na=False)]
    rows = {"nato": [{"ccode": int(r.ccode), "name": r.state, "date": r.date.date().isoformat(),
                      "source": r.source_url, "verified": bool(r.verified)} for r in nato.itertuples()
                     if pd.notna(r.ccode)],
            "warsaw_pact": [{"ccode": int(r.ccode), "name": r.state, "date": r.date.date().isoformat(),
                             "source": r.source_url, "verified": bool(r.verified)} for r in wp.itertuples()
                            if pd.notna(r.ccode)]}
    members = {x["ccode"]: "nato" for x in rows["nato"]} | {x["ccode"]: "warsaw" for x in rows["warsaw_pact"]}
    try:
        from realign.models.landscape import Landscape
        from realign.models.propensity import landscape_inputs_for_date

        day = dt.date(1955, 6, 1)
        s = System.at(day)
        ids = [c for c in sorted(members) if c in s and not np.isnan(s.cinc(c))]
        sizes, p, ids = landscape_inputs_for_date(day, ids)
        m = Landscape(k=2, seed=0).fit(sizes, p, ids=ids)
        coal = m.minima_[0].coalitions
        truth = [members[c] for c in ids]
        lab = {c: k for k, grp in enumerate(coal) for c in grp}
        agree = sum((lab[c] == 0) == (members[c] == members[coal[0][0]]) for c in ids)
        rows["landscape_1955"] = {"states": ids, "coalitions": coal, "exact": bool(m.exact_),
                                  "agreement": agree / len(ids), "n": len(ids),
                                  "truth": dict(zip(ids, truth, strict=True)),
                                  "n_minima": len(m.minima_),
                                  "data_used": "CINC 1955 shares; propensities from wars before 1955-06-01"}
    except Exception as exc:  # the landscape is an extra; its absence must not sink the report
        rows["landscape_1955"] = {"error": str(exc)}
    return rows


def consequences(event: str = "stalingrad", *, runs: int = 1000, seed: int = 0, months: int | None = None,
                 workers: int = 0, scheduler: str | None = None, dask: bool = False, out: str | None = None,
                 progress=None) -> Consequences:
    """Run factual and counterfactual ensembles for a catalogue event and measure each mechanism.

    The run starts the day the battle ended (information cut-off) and, for WWII, runs to the end
    of the war in Europe unless ``months`` is given.
    """
    ev = load_event(event)
    start = ev.end
    months = months or _months_until(start, WAR_END)
    fac_spec = SimulationSpec(start=start, months=months, events=((ev.slug, "historical"),), war=ev.war)
    cf_spec = SimulationSpec(start=start, months=months, events=((ev.slug, "reversed"),), war=ev.war)
    fac_in, cf_in = prepare(fac_spec), prepare(cf_spec)
    kw = {"runs": runs, "seed": seed, "workers": workers, "scheduler": scheduler, "dask": dask}
    fac = run_ensemble(fac_spec, inputs=fac_in, out=f"{out}/factual" if out else None,
                       progress=(lambda d, t: progress("factual", d, t)) if progress else None, **kw)
    cf = run_ensemble(cf_spec, inputs=cf_in, out=f"{out}/counterfactual" if out else None,
                      progress=(lambda d, t: progress("counterfactual", d, t)) if progress else None, **kw)
    hist = history(start, months).to_dict()
    truth, member = observed_sides(list(fac.days), fac.ccodes, ev.war)
    hshares = _history_shares(list(fac.days))
    metrics, notes = _metrics(ev, fac, cf, truth, member, hist, hshares)
    metrics["hindsight"] = _hindsight(ev, start, months, fac, truth, member, kw)
    notes.insert(0, f"Information cut-off {start}: sides and CINC known then; choice weights fitted on WWI and on "
                    f"WWII months up to {start}; propensity weights on wars before 1939-09-01.")
    return Consequences(ev, fac, cf, hist, truth, member, metrics, hshares, notes)
