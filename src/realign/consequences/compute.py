"""Consequences of a catalogue battle: factual vs counterfactual forecasts vs the dated record.

For an event (default Stalingrad) the information set is what was known on the day its outcome was
known (``outcome_known``; for Stalingrad the surrender of the last pocket, 1943-02-02): the war's
sides, fronts and the catalogue battles known then, the NMC years a contemporary had, and hazards
fitted on the other wars and on the war's months before that day (:mod:`realign.simulation.forecast`).
Two forecasts are run with common random numbers: the battle as it happened ("factual") and with its
outcome reversed ("counterfactual", the catalogue's reversed effects). A third arm adds the record
after the cut-off (fronts and later battles: hindsight). The difference between the arms is split by
channel: the campaign (the battle's credibility moving the fronts), credibility in the states' own
decisions, capability, and contagion between neighbours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from realign.consequences.channels import _channels, _expected_exits, _run_many
from realign.consequences.record import (
    LATIN_AMERICA,
    NEUTRALS,
    capability_block,
    capability_paths,
    miss_notes,
    record_extras,
)
from realign.data.names import state_name
from realign.events.catalogue import load_event
from realign.models.choice import CORES, observed_sides
from realign.models.features import month_number
from realign.simulation.forecast import ForecastResult, ForecastSpec, side_labels
from realign.system.history import history
from realign.system.snapshot import System
from realign.wars import WWI, WWII

__all__ = ["consequences", "Consequences", "MINOR_AXIS", "NEUTRALS", "LATIN_AMERICA", "brier", "WAR_END"]

#: Germany's minor European allies whose exits the seed essay attributes to Stalingrad.
MINOR_AXIS = (325, 360, 355, 375, 310)
#: Last day of each war's horizon: WWII in Europe (Germany's surrender), WWI (the armistice).
WAR_END = {WWII: dt.date(1945, 5, 8), WWI: dt.date(1918, 11, 11)}
#: Months after a WWI cut-off within which a recorded change counts as the battle's consequence.
WWI_WINDOW_MONTHS = 4


def brier(p: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> float:
    """Mean multi-class Brier score: sum over options of (p - y)^2, averaged over masked cells.

    Parameters
    ----------
    p : np.ndarray
        Probabilities with the options on the last axis (e.g. months x states x sides).
    truth : np.ndarray
        Observed option index per cell (int, ``p.shape[:-1]``).
    mask : np.ndarray
        Boolean, ``p.shape[:-1]``: the cells scored.

    Returns
    -------
    float
        The score in [0, 2]; NaN when no cell is masked in.
    """
    y = np.zeros_like(p)
    np.put_along_axis(y, truth[..., None], 1.0, axis=-1)
    score = ((p - y) ** 2).sum(axis=-1)
    return float(score[mask].mean()) if mask.any() else float("nan")


@dataclass
class Consequences:
    """Everything the report shows; ``to_dict()`` is the JSON contract."""

    event: object
    factual: ForecastResult
    counterfactual: ForecastResult
    historical: dict
    truth: np.ndarray
    truth_member: np.ndarray
    metrics: dict
    history_shares: list[dict]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        man = dict(self.factual.manifest())
        man["counterfactual_scenario"] = {"events": [list(e) for e in self.counterfactual.spec.events]}
        man["information_cutoff"] = self.factual.spec.at.isoformat()
        man["notes"] = self.notes
        return {
            "event": self.event.slug,
            "historical": {"changes": self.historical["changes"]},
            "factual": {"p_side": self.factual.to_dict()["p_side"]},
            "counterfactual": {"p_side": self.counterfactual.to_dict()["p_side"]},
            "metrics": self.metrics,
            "manifest": man,
        }


def _history_shares(days: list[dt.date], war: int) -> list[dict]:
    """CINC share of each side on each day from the record (that year's COW CINC, actual sides)."""
    lab = side_labels(war)
    out = []
    for d in days:
        s = System.at(d).coalition_shares(war)
        out.append({"month": d.strftime("%Y-%m"), lab[1]: s.get(1, 0.0), lab[2]: s.get(2, 0.0)})
    return out


def _first_exit(changes: list[dict], ccode: int) -> str | None:
    """Date the state left its side in the record: its COW war exit, else its first armistice/side change."""
    for kinds in (("war_exit",), ("side_change", "armistice")):
        for c in changes:
            if c["ccode"] == ccode and c["kind"] in kinds:
                return c["date"]
    return None


def _quantile_month(months: list[str], em: np.ndarray, q: float) -> str | None:
    """The q-quantile month of exit over runs (None when fewer than q of the runs exit in the horizon)."""
    t = np.where(em >= 0, em, len(months))
    k = int(np.quantile(t, q, method="lower"))
    return months[k] if k < len(months) else None


def _months_between(a: str, b: str) -> int:
    """Calendar months from ``a`` to ``b`` (ISO dates or YYYY-MM)."""
    return month_number(dt.date.fromisoformat(b[:7] + "-01")) - month_number(dt.date.fromisoformat(a[:7] + "-01"))


def _state_rows(
    fac: ForecastResult, cf: ForecastResult, hind: ForecastResult, states: tuple[int, ...], hist: dict, ref_month: str
) -> list[dict]:
    """Per state: P(left its side by ``ref_month``), exit-month distribution, the record."""
    lab = side_labels(fac.spec.war)
    pos = {c: i for i, c in enumerate(fac.ccodes)}
    months = fac.months
    t_ref = months.index(ref_month) if ref_month in months else len(months) - 1
    rows = []
    for c in states:
        if c not in pos:
            continue
        i = pos[c]
        s0 = int(fac.init_side[i])
        if s0 == 0:
            continue
        em = {k: r.exit_month(s0)[:, i] for k, r in (("factual", fac), ("counterfactual", cf), ("hindsight", hind))}
        p_by = {k: float((e[(e >= 0)] <= t_ref).sum() / len(e)) for k, e in em.items()}
        path = {
            k: {m: round(float((e[e >= 0] <= t).sum() / len(e)), 4) for t, m in enumerate(months)}
            for k, e in em.items()
            if k != "hindsight"
        }
        rec = _first_exit(hist["changes"], c)
        med = _quantile_month(months, em["factual"], 0.5)
        rows.append(
            {
                "ccode": c,
                "name": state_name(c),
                "side_at_cutoff": lab[s0],
                "p_left_by": {"month": months[t_ref], **{k: round(v, 4) for k, v in p_by.items()}},
                "p_left_axis_by_1945_01": {k: round(v, 4) for k, v in p_by.items()},
                "p_left_axis_path": path,
                "exit_month": {
                    "median": med,
                    "p05": _quantile_month(months, em["factual"], 0.05),
                    "p95": _quantile_month(months, em["factual"], 0.95),
                    "counterfactual_median": _quantile_month(months, em["counterfactual"], 0.5),
                },
                "model_median_exit_month": med,
                "historical_exit": rec,
                "months_off": (_months_between(rec, med) if rec and med else None),
                "rising_factual": bool(path["factual"][months[t_ref]] > path["factual"][months[0]]),
                "factual_above_counterfactual": bool(p_by["factual"] > p_by["counterfactual"]),
            }
        )
    return rows


def _brier_block(
    fac: ForecastResult, cf: ForecastResult, hind: ForecastResult, truth: np.ndarray, member: np.ndarray
) -> dict:
    core = np.isin(np.array(fac.ccodes), CORES.get(fac.spec.war, ()))
    europe = (
        np.array([200 <= c < 400 or c == 640 for c in fac.ccodes])
        if fac.spec.war == WWII
        else np.ones(len(fac.ccodes), bool)
    )
    mask = member & ~core[None, :] & europe[None, :]
    persist = np.zeros_like(fac.p_side)
    persist[:, np.arange(len(fac.ccodes)), fac.init_side] = 1.0
    b = {
        "factual": brier(fac.p_side, truth, mask),
        "counterfactual": brier(cf.p_side, truth, mask),
        "hindsight": brier(hind.p_side, truth, mask),
        "persistence": brier(persist, truth, mask),
        "months": f"{fac.months[0]}..{fac.months[-1]}",
        "cells": int(mask.sum()),
        "definition": "mean over state-months of sum over {neutral, side 1, side 2} of (p - y)^2; truth = COW side "
        "on the 15th of each month (0 = not fighting); coalition cores excluded"
        + ("; European states and Turkey (COW codes 200-399, 640)" if fac.spec.war == WWII else ""),
    }
    b["skill_vs_persistence"] = 1 - b["factual"] / b["persistence"] if b["persistence"] else float("nan")
    return b


def _changes_within(res: ForecastResult, states: tuple[int, ...], end: dt.date) -> float:
    """Expected number of ``states`` whose side changes (from the cut-off) by the observation day <= ``end``."""
    idx = [res.ccodes.index(c) for c in states if c in res.ccodes]
    t = max((k for k, d in enumerate(res.days) if d <= end), default=0)
    moved = (res.sides[:, : t + 1, idx] != res.init_side[None, None, idx]).any(axis=1)
    return float(moved.sum(axis=1).mean())


def _threads(execution: dict) -> int:
    """Forecasts run at once: the CLI's local ``workers`` (default one per core), at most the cores; 1 otherwise."""
    import os

    w = execution.get("workers")
    if execution.get("dask") or not isinstance(w, int) or w < 2:
        return 1
    return max(1, min(w, os.cpu_count() or 1))


def _cohesion(fac, cf, hind, hist: dict, truth: np.ndarray, focus: tuple, side: int, ref: str) -> tuple[dict, list]:
    """The minor allies' exits: per-state rows, order of exits against the record, expected exits."""
    from realign.consequences.spearman import spearman_rho

    rows = _state_rows(fac, cf, hind, focus, hist, ref)
    hist_order = [r["ccode"] for r in sorted(rows, key=lambda r: r["historical_exit"] or "9999")]
    exp_exit = {}
    for r in rows:
        i = fac.ccodes.index(r["ccode"])
        em = fac.exit_month(side)[:, i].astype(float)
        em[em < 0] = len(fac.months)
        exp_exit[r["ccode"]] = float(em.mean())
    model_order = sorted(exp_exit, key=exp_exit.get)
    rho = (
        spearman_rho([hist_order.index(c) for c in model_order], range(len(model_order)))
        if len(model_order) > 2
        else float("nan")
    )
    expected = {
        m: {
            k: _expected_exits(r, focus, side, m)
            for k, r in (("factual", fac), ("counterfactual", cf), ("hindsight", hind))
        }
        for m in ("1944-06", "1945-01")
    }
    for m in expected:
        t = fac.months.index(m) if m in fac.months else None
        expected[m]["record"] = (
            None if t is None else int(sum(truth[t, fac.ccodes.index(c)] != 2 for c in focus if c in fac.ccodes))
        )
    return {
        "minor_allies": rows,
        "historical_order": hist_order,
        "model_order": model_order,
        "order_spearman": rho,
        "expected_exits": expected,
        "median_within_4_months": int(sum(r["months_off"] is not None and abs(r["months_off"]) <= 4 for r in rows)),
    }, rows


def _in_sample(
    ins_f,
    ins_c,
    hind,
    hist: dict,
    truth: np.ndarray,
    member: np.ndarray,
    focus: tuple,
    side: int,
    ref: str,
    war_end: dt.date,
) -> dict:
    """The in-sample arms: hazards also fitted on the war after the cut-off (an explanation, not a forecast)."""
    ins_rows = _state_rows(ins_f, ins_c, hind, focus, hist, ref)
    return {
        "fit_until": war_end.isoformat(),
        "p_left_by": {r["name"]: {k: r["p_left_by"][k] for k in ("factual", "counterfactual")} for r in ins_rows},
        "median_exit": {r["name"]: r["exit_month"]["median"] for r in ins_rows},
        "expected_exits": {
            m: {
                "factual": _expected_exits(ins_f, focus, side, m),
                "counterfactual": _expected_exits(ins_c, focus, side, m),
            }
            for m in ("1944-06", "1945-01")
        },
        "brier": _brier_block(ins_f, ins_c, hind, truth, member),
        "exit_hazard": ins_f.hazards.exit.table().round(4).to_dict(orient="records"),
        "note": "hazards fitted on every other war and on this war through its end (in-sample): how well the "
        "mechanism accounts for the record once the record can inform it; not a forecast",
    }


def _wwii_metrics(
    ev, at: dt.date, arms: tuple, hist: dict, truth: np.ndarray, member: np.ndarray, metrics: dict, notes: list[str]
) -> dict:
    """Axis cohesion, the in-sample arms, the record's extras and the misses of a WWII report (fills ``metrics``
    and ``notes``); returns the expected exits."""
    fac, cf, hind, ins_f, ins_c = arms
    focus, side, ref = MINOR_AXIS, 2, "1945-01"
    metrics["axis_cohesion"], rows = _cohesion(fac, cf, hind, hist, truth, focus, side, ref)
    metrics["in_sample"] = _in_sample(ins_f, ins_c, hind, hist, truth, member, focus, side, ref, WAR_END[ev.war])
    metrics.update(record_extras(fac, cf, hist, truth))
    notes += miss_notes(ev, at, fac, rows, metrics["germany_isolation"]["yearly"], ref)
    return metrics["axis_cohesion"]["expected_exits"]


def _wwi_changes(at: dt.date, arms: tuple, hist: dict, focus: tuple, win_end: dt.date) -> dict:
    """Recorded entries, exits and switches within the window after a WWI battle, with P(change) per arm."""
    fac = arms[0]
    rec_changes = [
        h
        for h in hist["changes"]
        if h["kind"] in ("war_entry", "war_exit", "side_change")
        and h["date"] <= win_end.isoformat()
        and h["ccode"] in focus
    ]
    t_w = max(k for k, d in enumerate(fac.days) if d <= win_end) if fac.days[0] <= win_end else 0
    changed = {}
    named = tuple(zip(("factual", "counterfactual", "hindsight"), arms, strict=True))
    for c in sorted({h["ccode"] for h in rec_changes}):
        i = fac.ccodes.index(c)
        p = {k: float((r.sides[:, : t_w + 1, i] != r.init_side[i]).any(axis=1).mean()) for k, r in named}
        changed[str(c)] = {
            "name": state_name(c),
            "record": [h for h in rec_changes if h["ccode"] == c],
            "p_change_within_window": p,
        }
    return {
        "window_months": WWI_WINDOW_MONTHS,
        "window_end": win_end.isoformat(),
        "states": changed,
        "expected_changes": {k: _changes_within(r, focus, win_end) for k, r in named},
    }


def _fit_block(fac) -> dict:
    """The fitted hazards' tables, the wars they were fitted on and the calibrated contact loss."""
    fit: dict = {
        k: {
            "n_obs": m.n_obs_,
            "n_events": m.n_events_,
            "penalised": m.penalised_,
            "table": m.table().round(4).to_dict(orient="records"),
        }
        for k, m in (("exit", fac.hazards.exit), ("join", fac.hazards.join), ("contact", fac.hazards.contact))
    }
    fit["wars"] = fac.hazards.wars
    fit["contact_loss"] = fac.contact_loss
    return fit


def _arms(ev, at: dt.date, until: dt.date, runs: int, seed: int, threads: int) -> list[ForecastResult]:
    """The five forecasts: factual, counterfactual, hindsight, and the two in-sample arms.

    In-sample arms: the same information set, hazards fitted on the war through its end (an explanation of
    the record by the mechanism, not a forecast: it shows whether the mechanism fits once it can be estimated).
    """
    base = dict(war=ev.war, at=at, until=until, runs=runs, seed=seed)
    war_end = WAR_END[ev.war]
    return _run_many(
        [
            ForecastSpec(**base, events=((ev.slug, "historical"),)),
            ForecastSpec(**base, events=((ev.slug, "reversed"),)),
            ForecastSpec(**base, events=((ev.slug, "historical"),), hindsight=True),
            ForecastSpec(**base, events=((ev.slug, "historical"),), fit_until=war_end),
            ForecastSpec(**base, events=((ev.slug, "reversed"),), fit_until=war_end),
        ],
        threads,
    )


def _capability_metrics(fac: ForecastResult, cf: ForecastResult, hshares: list[dict]) -> dict:
    """The report's capability metrics: Germany's isolation, the USSR's standing and per-state CINC paths."""
    cap = capability_block(fac, cf, hshares)
    return {
        "germany_isolation": {
            **cap["germany_isolation"],
            "months": cap["months"],
            "note": cap["note"],
            "yearly": cap["yearly_side2"],
        },
        "ussr_standing": {"allied_capability_share": cap["allied"], "months": cap["months"]},
        "capability_paths": {
            "states": capability_paths(fac),
            "note": "model: NMC components projected from the years known at the cut-off "
            "(before battle effects and contact losses); record: COW NMC v7.0 CINC "
            "of that year (known only afterwards)",
        },
    }


def _summary(lab: dict, expected: dict, metrics: dict) -> dict:
    """The report's headline figures: expected exits, P(left the Axis by 1945-01), Brier against persistence."""
    b = metrics["brier"]
    return {
        "labels": lab,
        "expected_exits": expected,
        "p_left_axis_by_1945_01": {
            r["name"]: r["p_left_axis_by_1945_01"] for r in metrics.get("axis_cohesion", {}).get("minor_allies", [])
        },
        "brier_factual": b["factual"],
        "brier_persistence": b["persistence"],
        "brier_skill_vs_persistence": b["skill_vs_persistence"],
        "beats_persistence": bool(b["factual"] < b["persistence"]),
    }


def _event_window(event: str, months: int | None) -> tuple:
    """The catalogue event, its information cut-off (outcome known) and the horizon; checks both."""
    from realign.errors import InvalidParameterError
    from realign.system.history import add_months

    ev = load_event(event)
    if ev.war not in WAR_END:
        raise InvalidParameterError(f"Consequences cover WWI (106) and WWII (139) events; {ev.slug} is war {ev.war}.")
    at = getattr(ev, "outcome_known", ev.end)
    until = WAR_END[ev.war] if months is None else add_months(at, int(months))
    if months is not None and not 1 <= int(months) <= 240:
        raise InvalidParameterError(f"The 'months' parameter must be in [1, 240]. Got {months!r}.")
    return ev, at, until


def _wwi_block(ev, at: dt.date, arms: tuple, hist: dict, runs: int, seed: int, decompose: bool, threads: int) -> dict:
    """A WWI report's recorded changes within the window, with the channel decomposition if asked."""
    from realign.system.history import add_months

    fac, cf, _ = arms
    focus = tuple(c for c in fac.ccodes if c not in CORES.get(ev.war, ()))
    win_end = add_months(at, WWI_WINDOW_MONTHS)
    out = {"wwi_changes": _wwi_changes(at, arms, hist, focus, win_end)}
    if decompose:
        out["channels"] = _channels(
            ev,
            fac,
            cf,
            focus,
            0,
            win_end.strftime("%Y-%m"),
            runs,
            seed,
            metric=lambda r: _changes_within(r, focus, win_end),
            threads=threads,
        )
    return out


def consequences(
    event: str = "stalingrad",
    *,
    runs: int = 1000,
    seed: int = 0,
    months: int | None = None,
    decompose: bool = True,
    progress=None,
    **_execution,
) -> Consequences:
    """Factual, counterfactual and hindsight forecasts from the event's outcome date, held against the record.

    The horizon runs to the end of the war (WWII: Germany's surrender; WWI: the armistice) unless
    ``months`` is given. ``decompose=False`` skips the channel decomposition (six more forecasts).
    Extra keyword arguments (``workers``, ``scheduler``...) are accepted for the CLI's execution
    options: the forecast engine is vectorised over runs in one process.

    Parameters
    ----------
    event : str
        Catalogue slug, name or alias of a WWI or WWII event.
    runs, seed : int
        Simulated futures per arm, and the seed (same seed, same result).
    months : int, optional
        Horizon in months after the cut-off, 1 to 240 (default: to the war's end).
    decompose : bool
        Whether to run the channel decomposition.
    progress : callable, optional
        Called as ``progress(label, done, total)`` after the three arms.

    Returns
    -------
    Consequences
        The arms, the record, the metrics and the notes.

    Raises
    ------
    InvalidParameterError
        For an unknown event, a war other than WWI/WWII, or ``months`` outside 1-240.
    """
    ev, at, until = _event_window(event, months)
    threads = _threads(_execution)
    fac, cf, hind, ins_f, ins_c = _arms(ev, at, until, runs, seed, threads)
    if progress:
        for k, label in enumerate(("factual", "counterfactual", "hindsight"), start=1):
            progress(label, k, 3)
    hist = history(at, max(1, _months_between(at.isoformat(), until.isoformat()) + 1)).to_dict()
    truth, member = observed_sides(list(fac.days), fac.ccodes, ev.war)
    hshares = _history_shares(list(fac.days), ev.war)
    lab = side_labels(ev.war)
    notes: list[str] = [
        f"Information cut-off {at} (the date the battle's outcome was known): the war's sides, fronts, battles and "
        f"NMC years known then; hazards fitted on {len(fac.hazards.wars)} wars ({fac.hazards.n_changes} voluntary "
        f"changes), the evaluated war only before the cut-off."
    ]
    metrics: dict = {"brier": _brier_block(fac, cf, hind, truth, member), **_capability_metrics(fac, cf, hshares)}
    if ev.war == WWII:
        expected = _wwii_metrics(ev, at, (fac, cf, hind, ins_f, ins_c), hist, truth, member, metrics, notes)
    else:
        metrics.update(_wwi_block(ev, at, (fac, cf, hind), hist, runs, seed, decompose, threads))
        expected = {}
    if decompose and ev.war == WWII:
        metrics["channels"] = _channels(ev, fac, cf, MINOR_AXIS, 2, "1945-01", runs, seed, threads=threads)
        metrics["in_sample"]["channels"] = _channels(
            ev, ins_f, ins_c, MINOR_AXIS, 2, "1945-01", runs, seed, threads=threads
        )
    metrics["fit"] = _fit_block(fac)
    b = metrics["brier"]
    if b["factual"] >= b["persistence"]:
        notes.append(
            f"The model's Brier score ({b['factual']:.4f}) does not beat persistence ({b['persistence']:.4f}) "
            f"on {b['months']}."
        )
    metrics["summary"] = _summary(lab, expected, metrics)
    return Consequences(ev, fac, cf, hist, truth, member, metrics, hshares, notes)
