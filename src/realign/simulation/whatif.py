"""What-if table: factual vs reversed-outcome P(side) per state and month, beside the record.

The table the dashboard's what-if panel shows (and ``POST /api/scenario`` returns), built from the
output of :func:`realign.consequences.consequences` (its ``factual``/``counterfactual`` ``p_side``
maps). ``history`` is the WWII side each state actually held on the 15th of the month (COW
Inter-State War v4.0 participation spells).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from realign.errors import RealignError

__all__ = ["ScenarioTable", "scenario_table", "HISTORY_NOTE"]

HISTORY_NOTE = "history = WWII side held on the 15th of the month (COW Inter-State War v4.0)."


@dataclass(frozen=True)
class ScenarioTable:
    """Per state and month: P(allies/axis/neutral) in both arms and the side held in the record."""

    event: str
    runs: int
    seed: int
    months: list[str]
    states: list[dict]
    metrics: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "runs": self.runs,
            "seed": self.seed,
            "months": list(self.months),
            "states": self.states,
            "metrics": self.metrics,
            "manifest": self.manifest,
            "history_note": HISTORY_NOTE,
        }


def _month_day(month: str, day: int) -> dt.date:
    from realign.data.names import parse_date
    from realign.errors import InvalidDateError

    if not isinstance(month, str):
        raise InvalidDateError(f"A month must be a string YYYY-MM. Got {month!r} instead.")
    return parse_date(f"{month}-{day:02d}")


def _history_sides(months: list[str]) -> dict[str, dict[int, int]]:
    from realign.system.snapshot import WWII, System

    out: dict[str, dict[int, int]] = {}
    for m in months:
        try:
            out[m] = System.at(_month_day(m, 15)).war_sides(WWII)
        except RealignError:
            out[m] = {}
    return out


def scenario_table(
    result: Mapping[str, Any],
    *,
    event: str,
    runs: int,
    seed: int,
    states: Iterable[int | str] | None = None,
    months: Iterable[str] | None = None,
    ref_date: dt.date | None = None,
) -> ScenarioTable:
    """The what-if table of a consequences result (a dict from ``consequences(...).to_dict()``).

    ``states`` (ccodes or names, resolved on ``ref_date``) and ``months`` (``YYYY-MM``) filter the
    table; a malformed month or an unknown state is an error, not an empty table.

    Parameters
    ----------
    result : Mapping[str, Any]
        ``consequences(...).to_dict()``; its ``factual``/``counterfactual`` ``p_side`` are read.
    event, runs, seed : str, int, int
        Event slug, number of runs and seed, recorded in the table.
    states : Iterable[int | str] or None, default None
        ccodes (COW state codes) or names to keep; ``None`` keeps all.
    months : Iterable[str] or None, default None
        Months (``YYYY-MM``) to keep; ``None`` keeps all.
    ref_date : dt.date or None, default None
        Day on which state names are resolved.

    Returns
    -------
    ScenarioTable
        One row per state with, per month, P(side) in both arms and the recorded side.

    Raises
    ------
    InvalidDateError, UnknownStateError, InvalidParameterError
        A malformed month; an unknown state or one not in the system on ``ref_date``; duplicate states.
    """
    from realign.data.names import resolve_states, state_name
    from realign.system.dashboard import side_label

    fact = (result.get("factual") or {}).get("p_side") or {}
    cf = (result.get("counterfactual") or {}).get("p_side") or {}
    codes = sorted({int(c) for c in [*fact, *cf]})
    if states is not None:
        wanted = resolve_states(list(states), ref_date)
        codes = [c for c in wanted if c in set(codes)]
    all_months = sorted({m for p in (fact, cf) for per in p.values() for m in per})
    if months is not None:
        months = list(months)
        for m in months:
            _month_day(m, 1)
        all_months = [m for m in all_months if m in set(months)]
    hist = _history_sides(all_months)
    rows = []
    for c in codes:
        per = {
            m: {
                "factual": fact.get(str(c), {}).get(m),
                "counterfactual": cf.get(str(c), {}).get(m),
                "history": side_label(hist[m].get(c)),
            }
            for m in all_months
        }
        try:
            name = state_name(c)
        except RealignError:
            name = str(c)
        rows.append({"ccode": c, "name": name, "months": per})
    return ScenarioTable(
        event, runs, seed, all_months, rows, dict(result.get("metrics") or {}), dict(result.get("manifest") or {})
    )
