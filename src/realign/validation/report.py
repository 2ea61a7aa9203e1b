"""Run validation cases by name: ``run(case)`` and ``run_all()`` return JSON-ready dicts.

Every case dict has ``case``, ``title``, ``accuracy`` (in [0, 1]), ``n`` (states or observations
scored), ``confusion`` (rows: actual class, counts per predicted class), ``per_state`` rows,
``data_used`` (what the prediction read, and its latest date) and ``notes``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from realign.errors import InvalidParameterError

__all__ = ["CASES", "SLOW_CASES", "run", "run_all", "summary_rows"]


def _wwii() -> dict[str, Any]:
    from realign.validation import wwii

    return wwii.run()


def _wwi() -> dict[str, Any]:
    from realign.validation import wwi

    return wwi.run()


def _balance() -> dict[str, Any]:
    from realign.validation import alliances1872

    return alliances1872.run()


def _blocs() -> dict[str, Any]:
    from realign.validation import blocs1955

    return blocs1955.run()


def _choice() -> dict[str, Any]:
    from realign.validation import choice

    return choice.run()


def _forecast() -> dict[str, Any]:
    from realign.validation import forecast

    r = forecast.evaluate()
    wars = r["wars"]
    r.update(
        {
            "case": "forecast",
            "accuracy": None,
            "n": sum(w["cells"] for w in wars.values()),
            "confusion": [
                {
                    "war": k,
                    "name": w["name"],
                    "origins": w["origins"],
                    "cells": w["cells"],
                    "changes": w["changes"],
                    "auc": w["auc"],
                    "auc_belligerents": w["auc_belligerents"],
                    "auc_neutrals": w["auc_neutrals"],
                    "brier": w["brier"],
                    "brier_persistence": w["brier_persistence"],
                    "skill_vs_persistence": w["brier_skill_vs_persistence"],
                    "auc_lo95": w["auc_ci95"][0],
                    "auc_hi95": w["auc_ci95"][1],
                    "skill_lo95": w["brier_skill_ci95"][0],
                    "skill_hi95": w["brier_skill_ci95"][1],
                    "reliability": w["brier_decomposition"]["reliability"],
                    "resolution": w["brier_decomposition"]["resolution"],
                }
                for k, w in wars.items()
            ],
            "per_state": [{"war": k, **row} for k, w in wars.items() for row in w["changes_table"]],
            "data_used": {
                "fit": "every other multi-state COW inter-state war in full + the evaluated war before each origin",
                "inputs": "fronts, battles and CINC of the evaluated war gated at each origin",
            },
        }
    )
    return r


#: Case name -> (description, runner). Order is the order of ``run_all``.
CASES: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "wwii": ("WWII sides from data up to 1939-09-01 (+1941, +1936 Axelrod & Bennett)", _wwii),
    "wwi": ("WWI sides from data before 1914-07-28", _wwi),
    "1872-1907": ("Great-power signed networks 1872-1907: balance and dynamics", _balance),
    "blocs1955": ("NATO vs Warsaw Pact from data before 1955-05-14", _blocs),
    "choice": ("Alignment-choice weights and one-step-ahead held-out check 1943-45", _choice),
    "forecast": ("Rolling-origin 3-month forecasts of side changes, WWI and WWII Europe, leave-the-war-out", _forecast),
}


#: Cases left out of ``run_all()`` and ``realign validate`` (``--case all``) unless asked for by name:
#: the rolling-origin forecast refits the hazards at every origin (about four minutes on two cores).
SLOW_CASES = frozenset({"forecast"})


def _clean(obj: Any) -> Any:
    """NaN/inf -> None, numpy scalars -> Python, so the dict is strict JSON."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def run(case: str) -> dict[str, Any]:
    """Run one validation case by name (see :data:`CASES`); a JSON-ready dict.

    Parameters
    ----------
    case : str
        A key of :data:`CASES` (e.g. ``"wwi"``, ``"wwii"``, ``"blocs1955"``).

    Returns
    -------
    dict
        The case's result, strict JSON (NaN/inf as None): ``accuracy``, ``n``, ``title``, ...

    Raises
    ------
    InvalidParameterError
        ``case`` is not a known case.

    Examples
    --------
    >>> r = run("wwi")
    >>> 0.0 <= r["accuracy"] <= 1.0 and r["n"] > 0
    True
    """
    if case not in CASES:
        raise InvalidParameterError(f"Unknown validation case {case!r}; choose from {', '.join(CASES)} or all.")
    out = _clean(CASES[case][1]())
    json.dumps(out)  # fail here, not in a caller, if something is not serialisable
    return out


def run_all(include_slow: bool = False) -> dict[str, dict[str, Any]]:
    """Every case, keyed by name (the slow ones in :data:`SLOW_CASES` only with ``include_slow``).

    Parameters
    ----------
    include_slow : bool
        Also run the cases in :data:`SLOW_CASES`.

    Returns
    -------
    dict of str to dict
        Case name -> its :func:`run` result.
    """
    return {name: run(name) for name in CASES if include_slow or name not in SLOW_CASES}


def summary_rows(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per case and sub-case: accuracy, n, correct, date.

    Parameters
    ----------
    results : dict of str to dict
        Case name -> result, as returned by :func:`run_all`.

    Returns
    -------
    list of dict
        ``case`` (``name`` or ``name:subcase``), ``title``, ``accuracy``, ``n`` and ``date`` per row.
    """
    rows = []
    for name, r in results.items():
        rows.append(
            {
                "case": name,
                "title": r.get("title", ""),
                "accuracy": r.get("accuracy"),
                "n": r.get("n"),
                "date": r.get("date", ""),
            }
        )
        for sub, s in (r.get("subcases") or {}).items():
            rows.append(
                {
                    "case": f"{name}:{sub}",
                    "title": s.get("title", ""),
                    "accuracy": s.get("accuracy"),
                    "n": s.get("n"),
                    "date": s.get("date", ""),
                }
            )
    return rows
