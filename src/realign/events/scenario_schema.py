"""The scenario file's schema and its validator: every problem, with file, line and dotted field.

The allowed keys of each table and the numeric rules of each value are declared once here
(:data:`TABLE_KEYS`, :data:`SEED_MINIMA`, :data:`EFFECT_RULES`); :func:`validate` walks a parsed
TOML dict section by section and returns every problem as an
:class:`~realign.errors.InputFileError` (the line comes from
:func:`~realign.events.toml_lines.locate_fields`). The file format is documented in
:mod:`realign.events.scenario`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from realign.clock import add_months
from realign.data.names import parse_date
from realign.errors import InputFileError, InvalidDateError, InvalidParameterError

from .catalogue import Event, load_event

__all__ = [
    "DEFAULT_MODELS",
    "DEFAULT_PARAMS",
    "EFFECT_RULES",
    "OUTCOMES",
    "SEED_MINIMA",
    "TABLE_KEYS",
    "as_date",
    "validate",
]

#: Outcomes an event may take in a scenario.
OUTCOMES = ("historical", "reversed", "custom")

#: Model names accepted when the caller passes none.
DEFAULT_MODELS = frozenset({"alignment_choice"})

#: Parameter names accepted in ``[model.params]`` when the caller passes none (floats).
DEFAULT_PARAMS = frozenset(
    {
        "balancing",
        "bandwagoning",
        "switching_cost",
        "exposure_weight",
        "affinity_weight",
        "neutral_utility",
        "temperature",
        "credibility_decay",
    }
)

#: Allowed keys of each table ("" is the top level, "effects" one side's custom effect).
TABLE_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"scenario", "seeds", "events", "model"}),
    "scenario": frozenset({"name", "start", "horizon_months", "step", "states", "description"}),
    "seeds": frozenset({"seed", "runs"}),
    "events": frozenset({"id", "outcome", "effects"}),
    "effects": frozenset({"capability", "credibility"}),
    "model": frozenset({"name", "params"}),
}

#: ``[seeds]`` keys and their minimum (integers up to 2**63 - 1).
SEED_MINIMA: tuple[tuple[str, int], ...] = (("seed", 0), ("runs", 1))

#: Custom effect key -> (range test, message for a number outside it; ``{v}`` is the value).
EFFECT_RULES: dict[str, tuple[Callable[[float], bool], str]] = {
    "capability": (lambda v: 0 < v <= 10, "'capability' is a multiplier and must be in (0, 10], got {v}"),
    "credibility": (lambda v: -1 <= v <= 1, "'credibility' must be in [-1, 1], got {v}"),
}

_Problem = tuple[InputFileError, str]


class _Ctx:
    """Collects problems; ``line`` finds the nearest located prefix of a dotted field."""

    def __init__(self, path: str, lines: Mapping[str, int] | None):
        self.path, self.lines, self.problems = path, lines or {}, []  # type: ignore[var-annotated]

    def line(self, fld: str) -> int | None:
        f = fld
        while f:
            if f in self.lines:
                return self.lines[f]
            cut = max(f.rfind("."), f.rfind("["))
            f = f[:cut] if cut > 0 else ""
        return None

    def err(self, fld: str, msg: str) -> None:
        self.problems.append((InputFileError(msg, path=self.path, line=self.line(fld), field=fld), fld))


def _tname(v: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
        _dt.date: "a date",
        _dt.datetime: "a date-time",
        _dt.time: "a time",
    }.get(type(v), type(v).__name__)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (
        (isinstance(v, int | float) and not isinstance(v, bool)) and v == v and v not in (float("inf"), float("-inf"))
    )


def _unknown(ctx: _Ctx, d: Mapping[str, Any], allowed: Iterable[str], prefix: str) -> None:
    for k in d:
        if k not in allowed:
            fld = f"{prefix}.{k}" if prefix else str(k)
            ctx.err(fld, f"unknown key {k!r}; allowed: {', '.join(sorted(allowed))}")


def as_date(v: Any) -> _dt.date | None:
    """A TOML date or ``"YYYY-MM-DD"`` string as a date; ``None`` for anything else (date-times too).

    Parameters
    ----------
    v : Any
        Value read from a scenario TOML file.

    Returns
    -------
    datetime.date or None
        The date; ``None`` for a date-time, a malformed or padded string, or any other type (the
        caller reports ``None`` as a problem, so this never raises).
    """
    if isinstance(v, _dt.datetime):
        return None
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str) and v == v.strip():
        try:
            return parse_date(v)  # the one date reader; the validator reports a bad date as a problem
        except InvalidDateError:
            return None
    return None


def validate(
    data: Any,
    path: str,
    lines: Mapping[str, int] | None,
    allowed_params: Iterable[str] | None,
    allowed_models: Iterable[str] | None,
) -> list[_Problem]:
    """Every problem of a parsed scenario dict, as ``(error, dotted field)`` pairs in schema order.

    Parameters
    ----------
    data : object
        The parsed TOML (a dict for a well-formed file; anything else is one problem).
    path : str
        Names the file in messages.
    lines : mapping of str to int, optional
        Dotted field -> 1-based line (:func:`~realign.events.toml_lines.locate_fields`).
    allowed_params, allowed_models : iterable of str, optional
        Names accepted in ``[model.params]`` and ``[model] name`` (default
        :data:`DEFAULT_PARAMS`, :data:`DEFAULT_MODELS`).

    Returns
    -------
    list of (InputFileError, str)
        Each problem with its dotted field; empty when the scenario is valid.
    """
    ctx = _Ctx(path, lines)
    params_ok = set(allowed_params) if allowed_params is not None else set(DEFAULT_PARAMS)
    models_ok = set(allowed_models) if allowed_models is not None else set(DEFAULT_MODELS)
    if not isinstance(data, Mapping):
        ctx.err("", f"a scenario must be a table, got {_tname(data)}")
        return ctx.problems
    _unknown(ctx, data, TABLE_KEYS[""], "")
    window = _check_scenario(ctx, data.get("scenario"))
    _check_seeds(ctx, data.get("seeds"))
    _check_events(ctx, data.get("events", []), window)
    _check_model(ctx, data.get("model"), params_ok, models_ok)
    return ctx.problems


def _check_scenario(ctx: _Ctx, sc: Any) -> tuple[_dt.date, int] | None:
    """Check ``[scenario]``; return ``(start, horizon)`` when both are valid (for the event window)."""
    if sc is None:
        ctx.err("scenario", "missing table [scenario]")
        return None
    if not isinstance(sc, Mapping):
        ctx.err("scenario", f"'scenario' must be a table, got {_tname(sc)}")
        return None
    _unknown(ctx, sc, TABLE_KEYS["scenario"], "scenario")
    name = sc.get("name")
    if name is None:
        ctx.err("scenario", "missing key 'name' in [scenario]")
    elif not isinstance(name, str) or not name.strip():
        ctx.err("scenario.name", f"'name' must be a non-empty string, got {name!r}")
    if "description" in sc and not isinstance(sc["description"], str):
        ctx.err("scenario.description", f"'description' must be a string, got {_tname(sc['description'])}")
    start = _check_start(ctx, sc)
    horizon: int | None = None
    if "horizon_months" not in sc:
        ctx.err("scenario", "missing key 'horizon_months' in [scenario] (an integer > 0)")
    else:
        h = sc["horizon_months"]
        if not _is_int(h):
            ctx.err("scenario.horizon_months", f"'horizon_months' must be an integer > 0, got {_tname(h)} {h!r}")
        elif h <= 0 or h > 1200:
            ctx.err("scenario.horizon_months", f"'horizon_months' must be an integer in 1..1200, got {h}")
        else:
            horizon = h
    step = sc.get("step", "month")
    if step != "month":
        ctx.err("scenario.step", f"'step' must be \"month\", got {step!r}")
    if "states" in sc:
        _check_states(ctx, sc["states"])
    return (start, horizon) if start is not None and horizon is not None else None


def _check_start(ctx: _Ctx, sc: Mapping[str, Any]) -> _dt.date | None:
    """The valid ``scenario.start`` (first day of a month, 1816..2100), else ``None`` and a problem."""
    if "start" not in sc:
        ctx.err("scenario", "missing key 'start' in [scenario] (a date such as 1942-08-01)")
        return None
    start = as_date(sc["start"])
    if start is None:
        ctx.err("scenario.start", f"'start' must be a date YYYY-MM-DD, got {sc['start']!r}")
    elif start.day != 1:
        ctx.err(
            "scenario.start", f"'start' must be the first day of a month (step is a month), got {start.isoformat()}"
        )
        start = None
    elif not (1816 <= start.year <= 2100):
        ctx.err("scenario.start", f"'start' must be between 1816 and 2100, got {start.isoformat()}")
        start = None
    return start


def _check_states(ctx: _Ctx, st: Any) -> None:
    if not isinstance(st, list) or not st:
        ctx.err("scenario.states", f"'states' must be a non-empty array of COW ccodes, got {st!r}")
        return
    for i, c in enumerate(st):
        if not _is_int(c) or not (1 <= c <= 999):
            ctx.err(f"scenario.states[{i}]", f"'states' entries must be COW ccodes (integers 1..999), got {c!r}")
    if len({c for c in st if _is_int(c)}) != len([c for c in st if _is_int(c)]):
        ctx.err("scenario.states", "'states' has duplicate ccodes")


def _check_seeds(ctx: _Ctx, seeds: Any) -> None:
    if seeds is None:
        ctx.err("seeds", "missing table [seeds] (seed = int, runs = int)")
        return
    if not isinstance(seeds, Mapping):
        ctx.err("seeds", f"'seeds' must be a table, got {_tname(seeds)}")
        return
    _unknown(ctx, seeds, TABLE_KEYS["seeds"], "seeds")
    for k, lo in SEED_MINIMA:
        if k not in seeds:
            ctx.err("seeds", f"missing key {k!r} in [seeds]")
        elif not _is_int(seeds[k]) or seeds[k] < lo or seeds[k] > 2**63 - 1:
            ctx.err(f"seeds.{k}", f"{k!r} must be an integer >= {lo}, got {seeds[k]!r}")


def _check_events(ctx: _Ctx, events: Any, window: tuple[_dt.date, int] | None) -> None:
    if not isinstance(events, list):
        ctx.err("events", f"'events' must be an array of tables ([[events]]), got {_tname(events)}")
        events = []
    seen: dict[str, int] = {}
    for i, ev in enumerate(events):
        p = f"events[{i}]"
        if not isinstance(ev, Mapping):
            ctx.err(p, f"each event must be a table, got {_tname(ev)}")
            continue
        _unknown(ctx, ev, TABLE_KEYS["events"], p)
        catalogue_event = _check_event_id(ctx, p, ev, i, seen, window)
        outcome = ev.get("outcome", "historical")
        if not isinstance(outcome, str) or outcome not in OUTCOMES:
            ctx.err(f"{p}.outcome", f"'outcome' must be one of {', '.join(OUTCOMES)}; got {outcome!r}")
            continue
        eff = ev.get("effects")
        if outcome != "custom":
            if eff is not None:
                ctx.err(f"{p}.effects", f"'effects' is only allowed with outcome = \"custom\" (outcome is {outcome!r})")
            continue
        if eff is None:
            ctx.err(
                f"{p}.outcome",
                'outcome = "custom" needs [events.effects.<side>] tables with capability '
                "and credibility for every side",
            )
            continue
        if not isinstance(eff, Mapping):
            ctx.err(f"{p}.effects", f"'effects' must be a table of sides, got {_tname(eff)}")
            continue
        _check_effects(ctx, p, eff, catalogue_event)


def _check_event_id(
    ctx: _Ctx, p: str, ev: Mapping[str, Any], i: int, seen: dict[str, int], window: tuple[_dt.date, int] | None
) -> Event | None:
    """The catalogue event an ``[[events]]`` entry names (once, inside the window), else ``None``."""
    eid = ev.get("id")
    catalogue_event: Event | None = None
    if eid is None:
        ctx.err(p, "missing key 'id' (a catalogue event such as \"stalingrad\")")
    elif not isinstance(eid, str):
        ctx.err(f"{p}.id", f"'id' must be a string, got {_tname(eid)}")
    else:
        try:
            catalogue_event = load_event(eid)
        except InvalidParameterError as exc:
            ctx.err(f"{p}.id", str(exc))
    if catalogue_event is None:
        return None
    if catalogue_event.slug in seen:
        ctx.err(
            f"{p}.id", f"event {catalogue_event.slug!r} is listed twice (also events[{seen[catalogue_event.slug]}])"
        )
    seen.setdefault(catalogue_event.slug, i)
    if window is not None:
        start, horizon = window
        end = add_months(start, horizon)  # start is the 1st of a month
        if catalogue_event.end < start or catalogue_event.start >= end:
            ev_span = f"{catalogue_event.start}..{catalogue_event.end}"
            ctx.err(
                f"{p}.id",
                f"event {catalogue_event.slug!r} ({ev_span}) "
                f"lies outside the scenario window {start}..{end} (exclusive)",
            )
    return catalogue_event


def _check_effects(ctx: _Ctx, p: str, eff: Mapping[Any, Any], catalogue_event: Event | None) -> None:
    """Custom effects: one table per side of the event, each with both numbers in range."""
    sides = set(catalogue_event.sides) if catalogue_event is not None else None
    keys_of_side: dict[int, str] = {}
    for sk, sv in eff.items():
        q = f"{p}.effects.{sk}"
        try:
            side = int(sk)
        except (TypeError, ValueError):
            ctx.err(q, f"effects keys must be COW side numbers (1, 2), got {sk!r}")
            continue
        if side in keys_of_side:  # [events.effects.1] and [events.effects.01]: never merged silently
            ctx.err(q, f"effects.{sk} is side {side} again (also effects.{keys_of_side[side]}); give each side once")
            continue
        keys_of_side[side] = sk
        if sides is not None and side not in sides:
            ctx.err(
                q,
                f"event {catalogue_event.slug!r} has no side {side}; sides: "  # type: ignore[union-attr]
                f"{', '.join(map(str, sorted(sides)))}",
            )
        if not isinstance(sv, Mapping):
            ctx.err(q, f"effects.{sk} must be a table with capability and credibility, got {_tname(sv)}")
            continue
        _unknown(ctx, sv, TABLE_KEYS["effects"], q)
        for k, (in_range, msg) in EFFECT_RULES.items():
            if k not in sv:
                ctx.err(q, f"missing key {k!r} in effects.{sk}")
                continue
            v = sv[k]
            if not _is_num(v):
                ctx.err(f"{q}.{k}", f"{k!r} must be a number, got {_tname(v)} {v!r}")
            elif not in_range(v):
                ctx.err(f"{q}.{k}", msg.format(v=v))
    if sides is not None:
        given = set()
        for sk in eff:
            try:
                given.add(int(sk))
            except (TypeError, ValueError):
                pass
        for side in sorted(sides - given):
            ctx.err(f"{p}.effects", f"custom effects missing for side {side} of {catalogue_event.slug!r}")  # type: ignore[union-attr]


def _check_model(ctx: _Ctx, model: Any, params_ok: set[str], models_ok: set[str]) -> None:
    if model is None:
        return
    if not isinstance(model, Mapping):
        ctx.err("model", f"'model' must be a table, got {_tname(model)}")
        return
    _unknown(ctx, model, TABLE_KEYS["model"], "model")
    name = model.get("name", "alignment_choice")
    if not isinstance(name, str) or name not in models_ok:
        ctx.err("model.name", f"unknown model {name!r}; known: {', '.join(sorted(models_ok))}")
    params = model.get("params", {})
    if not isinstance(params, Mapping):
        ctx.err("model.params", f"'params' must be a table, got {_tname(params)}")
        return
    for k, v in params.items():
        if k not in params_ok:
            ctx.err(f"model.params.{k}", f"unknown parameter {k!r}; allowed: {', '.join(sorted(params_ok))}")
        elif not _is_num(v):
            ctx.err(f"model.params.{k}", f"parameter {k!r} must be a number, got {_tname(v)} {v!r}")
