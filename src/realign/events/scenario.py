"""Scenario files: what a user writes to run a what-if (TOML, strictly validated).

A scenario names a start month, a horizon in months, the seeds, the catalogue events with their
outcome (``historical``, ``reversed`` or ``custom`` effects), and the model with parameter
overrides::

    [scenario]
    name = "Stalingrad as it happened"
    start = 1942-08-01          # TOML date (or "YYYY-MM-DD"); runs are monthly from here
    horizon_months = 34         # int > 0
    step = "month"              # the only step
    states = [2, 200, 255]      # optional: restrict to these COW ccodes

    [seeds]
    seed = 20240823             # int >= 0 (root of the SeedSequence)
    runs = 200                  # int > 0

    [[events]]
    id = "stalingrad"           # catalogue slug or alias
    outcome = "historical"      # historical | reversed | custom

    [[events]]
    id = "kursk"
    outcome = "custom"
    [events.effects.1]          # one table per side of the event (COW side numbers)
    capability = 0.97
    credibility = 0.2
    [events.effects.2]
    capability = 0.99
    credibility = -0.2

    [model]
    name = "alignment_choice"
    [model.params]
    temperature = 0.5

Every problem is an :class:`~realign.errors.InputFileError` that names the file, the line of
the offending key and the dotted field (``events[0].outcome``). ``tomllib`` gives no line
numbers for values, so :func:`locate_fields` scans the source text for each key inside its
table; for TOML syntax errors the line comes from ``tomllib``'s own message.
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from realign.errors import InputFileError, InvalidParameterError

from .catalogue import Effect, Event, load_event

__all__ = [
    "DEFAULT_MODELS",
    "DEFAULT_PARAMS",
    "OUTCOMES",
    "Scenario",
    "ScenarioEvent",
    "example_scenario",
    "scenario_path",
    "list_example_scenarios",
    "load_scenario",
    "locate_fields",
    "parse_scenario",
    "validate_scenario",
]

#: Outcomes an event may take in a scenario.
OUTCOMES = ("historical", "reversed", "custom")

#: Model names accepted when the caller passes none.
DEFAULT_MODELS = frozenset({"alignment_choice"})

#: Parameter names accepted in ``[model.params]`` when the caller passes none (floats).
DEFAULT_PARAMS = frozenset({
    "balancing", "bandwagoning", "switching_cost", "exposure_weight", "affinity_weight",
    "neutral_utility", "temperature", "credibility_decay",
})

_TOP_KEYS = {"scenario", "seeds", "events", "model"}
_SCENARIO_KEYS = {"name", "start", "horizon_months", "step", "states", "description"}
_SEEDS_KEYS = {"seed", "runs"}
_EVENT_KEYS = {"id", "outcome", "effects"}
_EFFECT_KEYS = {"capability", "credibility"}
_MODEL_KEYS = {"name", "params"}


# ----------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class ScenarioEvent:
    """One event of a scenario: catalogue slug, outcome, and custom effects by side."""

    id: str
    outcome: str = "historical"
    effects: Mapping[int, Effect] | None = None

    def resolve(self) -> dict[int, Effect]:
        """Effects by COW side for this outcome (custom ones as given, else from the catalogue)."""
        if self.outcome == "custom":
            return dict(self.effects or {})
        return load_event(self.id).effects_for(self.outcome)

    @property
    def event(self) -> Event:
        """The catalogue :class:`~realign.events.catalogue.Event`."""
        return load_event(self.id)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario (see the module docstring for the file format).

    ``start`` is the first day of the first month; ``horizon_months`` months are simulated.
    """

    name: str
    start: _dt.date
    horizon_months: int
    seed: int
    runs: int
    events: tuple[ScenarioEvent, ...] = ()
    model: str = "alignment_choice"
    params: Mapping[str, float] = field(default_factory=dict)
    step: str = "month"
    states: tuple[int, ...] | None = None
    description: str = ""
    path: str | None = field(default=None, compare=False)

    @property
    def months(self) -> list[str]:
        """The simulated months as ``YYYY-MM`` strings (``horizon_months`` of them)."""
        y, m = self.start.year, self.start.month
        out = []
        for _ in range(self.horizon_months):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def end(self) -> _dt.date:
        """First day of the month after the horizon (exclusive end)."""
        y, m = divmod(self.start.month - 1 + self.horizon_months, 12)
        return _dt.date(self.start.year + y, m + 1, 1)

    def resolved_effects(self) -> dict[str, dict[int, Effect]]:
        """Effects by event slug and COW side, for each event's chosen outcome."""
        return {ev.id: ev.resolve() for ev in self.events}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the same shape as the TOML file (dates as ISO strings)."""
        sc: dict[str, Any] = {"name": self.name, "start": self.start.isoformat(),
                              "horizon_months": self.horizon_months, "step": self.step}
        if self.states is not None:
            sc["states"] = list(self.states)
        if self.description:
            sc["description"] = self.description
        events = []
        for ev in self.events:
            d: dict[str, Any] = {"id": ev.id, "outcome": ev.outcome}
            if ev.effects is not None:
                d["effects"] = {str(k): {"capability": v.capability, "credibility": v.credibility}
                                for k, v in ev.effects.items()}
            events.append(d)
        return {"scenario": sc, "seeds": {"seed": self.seed, "runs": self.runs}, "events": events,
                "model": {"name": self.model, "params": dict(self.params)}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, allowed_params: Iterable[str] | None = None,
                  allowed_models: Iterable[str] | None = None) -> Scenario:
        """Build from :meth:`to_dict` output (or a parsed TOML dict), with the same validation."""
        problems = _validate(data, "<dict>", None, allowed_params, allowed_models)
        if problems:
            raise problems[0][0]
        return _build(data, None)


# ----------------------------------------------------------------------------- line locator


_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _parse_key(s: str) -> list[str] | None:
    """Split a (dotted, possibly quoted) TOML key; ``None`` if it is not a key."""
    parts: list[str] = []
    i, n = 0, len(s)
    while True:
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            return None
        if s[i] in "\"'":
            q = s[i]
            j = s.find(q, i + 1)
            if j < 0:
                return None
            parts.append(s[i + 1:j])
            i = j + 1
        else:
            m = _BARE.match(s, i)
            if not m:
                return None
            parts.append(m.group(0))
            i = m.end()
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            return parts
        if s[i] != ".":
            return None
        i += 1


def _split_key_value(line: str) -> tuple[str, str] | None:
    """``key = value`` → (key text, value text), respecting quotes in the key."""
    q: str | None = None
    for i, ch in enumerate(line):
        if q:
            if ch == q:
                q = None
        elif ch in "\"'":
            q = ch
        elif ch == "=":
            return line[:i], line[i + 1:]
    return None


def _bracket_delta(value: str) -> tuple[int, str | None]:
    """Net ``[``/``{`` depth change of a value fragment and an unclosed multi-line string delimiter."""
    depth, i, n = 0, 0, len(value)
    while i < n:
        ch = value[i]
        if value.startswith('"""', i) or value.startswith("'''", i):
            delim = value[i:i + 3]
            j = value.find(delim, i + 3)
            if j < 0:
                return depth, delim
            i = j + 3
            continue
        if ch in "\"'":
            j = i + 1
            while j < n and value[j] != ch:
                j += 2 if (ch == '"' and value[j] == "\\") else 1
            i = j + 1
            continue
        if ch == "#":
            break
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth, None


def locate_fields(text: str) -> dict[str, int]:
    """Map each dotted field path to the 1-based line where its key (or table header) appears.

    Paths use ``name[i]`` for arrays of tables, e.g. ``events[0].outcome``,
    ``events[1].effects.2.capability``, ``model.params.temperature``. Never raises: lines it
    cannot read are skipped.

    >>> locate_fields('[scenario]\\nname = "x"\\n[[events]]\\nid = "kursk"\\n')["events[0].id"]
    4
    """
    out: dict[str, int] = {}
    try:
        _locate(text, out)
    except Exception:  # pragma: no cover - the locator must never fail; best effort
        pass
    return out


def _locate(text: str, out: dict[str, int]) -> None:
    counts: dict[str, int] = {}   # array-of-tables base path -> last index
    current: list[str] = []       # current table path, already indexed (e.g. ["events[0]", "effects", "1"])
    depth = 0
    ml: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if ml is not None:
            if ml in line:
                ml = None
            continue
        if depth > 0:
            d, ml = _bracket_delta(line)
            depth = max(0, depth + d)
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            end = line.find("]]")
            key = _parse_key(line[2:end]) if end > 0 else None
            if key is None:
                continue
            path = _index(key[:-1], counts)
            base = ".".join([*path, key[-1]])
            idx = counts.get(base, -1) + 1
            counts[base] = idx
            for k in [k for k in counts if k.startswith(f"{base}[")]:
                del counts[k]
            current = [*path, f"{key[-1]}[{idx}]"]
            out.setdefault(base, lineno)
            out[".".join(current)] = lineno
            continue
        if line.startswith("["):
            end = line.find("]")
            key = _parse_key(line[1:end]) if end > 0 else None
            if key is None:
                continue
            current = _index(key, counts)
            for k in range(1, len(current) + 1):
                out.setdefault(".".join(current[:k]), lineno)
            continue
        kv = _split_key_value(line)
        if kv is None:
            continue
        key = _parse_key(kv[0])
        if key is None:
            continue
        out.setdefault(".".join([*current, *key]), lineno)
        d, ml = _bracket_delta(kv[1])
        depth = max(0, d)


def _index(key: list[str], counts: Mapping[str, int]) -> list[str]:
    """Add the current array index to each prefix of ``key`` that is an array of tables."""
    out: list[str] = []
    for part in key:
        base = ".".join([*out, part])
        out.append(f"{part}[{counts[base]}]" if base in counts else part)
    return out


# ----------------------------------------------------------------------------- validation


_Problem = tuple[InputFileError, str]


class _Ctx:
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
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
            dict: "a table", _dt.date: "a date", _dt.datetime: "a date-time",
            _dt.time: "a time"}.get(type(v), type(v).__name__)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (isinstance(v, int | float) and not isinstance(v, bool)) and v == v and v not in (
        float("inf"), float("-inf"))


def _unknown(ctx: _Ctx, d: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    for k in d:
        if k not in allowed:
            fld = f"{prefix}.{k}" if prefix else str(k)
            ctx.err(fld, f"unknown key {k!r}; allowed: {', '.join(sorted(allowed))}")


def _as_date(v: Any) -> _dt.date | None:
    if isinstance(v, _dt.datetime):
        return None
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        try:
            return _dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _validate(data: Any, path: str, lines: Mapping[str, int] | None,
              allowed_params: Iterable[str] | None, allowed_models: Iterable[str] | None) -> list[_Problem]:
    ctx = _Ctx(path, lines)
    params_ok = set(allowed_params) if allowed_params is not None else set(DEFAULT_PARAMS)
    models_ok = set(allowed_models) if allowed_models is not None else set(DEFAULT_MODELS)
    if not isinstance(data, Mapping):
        ctx.err("", f"a scenario must be a table, got {_tname(data)}")
        return ctx.problems
    _unknown(ctx, data, _TOP_KEYS, "")

    # [scenario]
    sc = data.get("scenario")
    start: _dt.date | None = None
    horizon: int | None = None
    if sc is None:
        ctx.err("scenario", "missing table [scenario]")
    elif not isinstance(sc, Mapping):
        ctx.err("scenario", f"'scenario' must be a table, got {_tname(sc)}")
    else:
        _unknown(ctx, sc, _SCENARIO_KEYS, "scenario")
        name = sc.get("name")
        if name is None:
            ctx.err("scenario", "missing key 'name' in [scenario]")
        elif not isinstance(name, str) or not name.strip():
            ctx.err("scenario.name", f"'name' must be a non-empty string, got {name!r}")
        if "description" in sc and not isinstance(sc["description"], str):
            ctx.err("scenario.description", f"'description' must be a string, got {_tname(sc['description'])}")
        if "start" not in sc:
            ctx.err("scenario", "missing key 'start' in [scenario] (a date such as 1942-08-01)")
        else:
            start = _as_date(sc["start"])
            if start is None:
                ctx.err("scenario.start", f"'start' must be a date YYYY-MM-DD, got {sc['start']!r}")
            elif start.day != 1:
                ctx.err("scenario.start", f"'start' must be the first day of a month (step is a month), "
                                          f"got {start.isoformat()}")
                start = None
            elif not (1816 <= start.year <= 2100):
                ctx.err("scenario.start", f"'start' must be between 1816 and 2100, got {start.isoformat()}")
                start = None
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
            st = sc["states"]
            if not isinstance(st, list) or not st:
                ctx.err("scenario.states", f"'states' must be a non-empty array of COW ccodes, got {st!r}")
            else:
                for i, c in enumerate(st):
                    if not _is_int(c) or not (1 <= c <= 999):
                        ctx.err(f"scenario.states[{i}]",
                                f"'states' entries must be COW ccodes (integers 1..999), got {c!r}")
                if len({c for c in st if _is_int(c)}) != len([c for c in st if _is_int(c)]):
                    ctx.err("scenario.states", "'states' has duplicate ccodes")

    # [seeds]
    seeds = data.get("seeds")
    if seeds is None:
        ctx.err("seeds", "missing table [seeds] (seed = int, runs = int)")
    elif not isinstance(seeds, Mapping):
        ctx.err("seeds", f"'seeds' must be a table, got {_tname(seeds)}")
    else:
        _unknown(ctx, seeds, _SEEDS_KEYS, "seeds")
        for k, lo in (("seed", 0), ("runs", 1)):
            if k not in seeds:
                ctx.err("seeds", f"missing key {k!r} in [seeds]")
            elif not _is_int(seeds[k]) or seeds[k] < lo or seeds[k] > 2**63 - 1:
                ctx.err(f"seeds.{k}", f"{k!r} must be an integer >= {lo}, got {seeds[k]!r}")

    # [[events]]
    events = data.get("events", [])
    if not isinstance(events, list):
        ctx.err("events", f"'events' must be an array of tables ([[events]]), got {_tname(events)}")
        events = []
    seen: dict[str, int] = {}
    for i, ev in enumerate(events):
        p = f"events[{i}]"
        if not isinstance(ev, Mapping):
            ctx.err(p, f"each event must be a table, got {_tname(ev)}")
            continue
        _unknown(ctx, ev, _EVENT_KEYS, p)
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
        if catalogue_event is not None:
            if catalogue_event.slug in seen:
                ctx.err(f"{p}.id", f"event {catalogue_event.slug!r} is listed twice "
                                   f"(also events[{seen[catalogue_event.slug]}])")
            seen.setdefault(catalogue_event.slug, i)
            if start is not None and horizon is not None:
                y, m = divmod(start.month - 1 + horizon, 12)
                end = _dt.date(start.year + y, m + 1, 1)
                if catalogue_event.end < start or catalogue_event.start >= end:
                    ev_span = f"{catalogue_event.start}..{catalogue_event.end}"
                    ctx.err(f"{p}.id", f"event {catalogue_event.slug!r} ({ev_span}) "
                                       f"lies outside the scenario window {start}..{end} (exclusive)")
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
            ctx.err(f"{p}.outcome", "outcome = \"custom\" needs [events.effects.<side>] tables with capability "
                                    "and credibility for every side")
            continue
        if not isinstance(eff, Mapping):
            ctx.err(f"{p}.effects", f"'effects' must be a table of sides, got {_tname(eff)}")
            continue
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
                ctx.err(q, f"effects.{sk} is side {side} again (also effects.{keys_of_side[side]}); "
                           "give each side once")
                continue
            keys_of_side[side] = sk
            if sides is not None and side not in sides:
                ctx.err(q, f"event {catalogue_event.slug!r} has no side {side}; sides: "  # type: ignore[union-attr]
                           f"{', '.join(map(str, sorted(sides)))}")
            if not isinstance(sv, Mapping):
                ctx.err(q, f"effects.{sk} must be a table with capability and credibility, got {_tname(sv)}")
                continue
            _unknown(ctx, sv, _EFFECT_KEYS, q)
            for k in ("capability", "credibility"):
                if k not in sv:
                    ctx.err(q, f"missing key {k!r} in effects.{sk}")
                    continue
                v = sv[k]
                if not _is_num(v):
                    ctx.err(f"{q}.{k}", f"{k!r} must be a number, got {_tname(v)} {v!r}")
                elif k == "capability" and not (0 < v <= 10):
                    ctx.err(f"{q}.{k}", f"'capability' is a multiplier and must be in (0, 10], got {v}")
                elif k == "credibility" and not (-1 <= v <= 1):
                    ctx.err(f"{q}.{k}", f"'credibility' must be in [-1, 1], got {v}")
        if sides is not None:
            given = set()
            for sk in eff:
                try:
                    given.add(int(sk))
                except (TypeError, ValueError):
                    pass
            for side in sorted(sides - given):
                ctx.err(f"{p}.effects", f"custom effects missing for side {side} of {catalogue_event.slug!r}")  # type: ignore[union-attr]

    # [model]
    model = data.get("model")
    if model is not None:
        if not isinstance(model, Mapping):
            ctx.err("model", f"'model' must be a table, got {_tname(model)}")
        else:
            _unknown(ctx, model, _MODEL_KEYS, "model")
            name = model.get("name", "alignment_choice")
            if not isinstance(name, str) or name not in models_ok:
                ctx.err("model.name", f"unknown model {name!r}; known: {', '.join(sorted(models_ok))}")
            params = model.get("params", {})
            if not isinstance(params, Mapping):
                ctx.err("model.params", f"'params' must be a table, got {_tname(params)}")
            else:
                for k, v in params.items():
                    if k not in params_ok:
                        ctx.err(f"model.params.{k}",
                                f"unknown parameter {k!r}; allowed: {', '.join(sorted(params_ok))}")
                    elif not _is_num(v):
                        ctx.err(f"model.params.{k}", f"parameter {k!r} must be a number, got {_tname(v)} {v!r}")
    return ctx.problems


def _build(data: Mapping[str, Any], path: str | None) -> Scenario:
    sc, seeds = data["scenario"], data["seeds"]
    events = []
    for ev in data.get("events", []):
        eff = None
        if ev.get("outcome", "historical") == "custom":
            eff = {int(k): Effect(float(v["capability"]), float(v["credibility"]), "custom (scenario file)")
                   for k, v in sorted(ev["effects"].items(), key=lambda kv: int(kv[0]))}
        events.append(ScenarioEvent(id=load_event(ev["id"]).slug, outcome=ev.get("outcome", "historical"),
                                    effects=eff))
    model = data.get("model") or {}
    states = sc.get("states")
    return Scenario(
        name=sc["name"], start=_as_date(sc["start"]), horizon_months=sc["horizon_months"],  # type: ignore[arg-type]
        seed=seeds["seed"], runs=seeds["runs"], events=tuple(events),
        model=model.get("name", "alignment_choice"),
        params={k: float(v) for k, v in (model.get("params") or {}).items()},
        step=sc.get("step", "month"), states=tuple(states) if states is not None else None,
        description=sc.get("description", ""), path=path,
    )


# ----------------------------------------------------------------------------- entry points


_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _read(path: str | Path) -> tuple[str, str]:
    p = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read scenario file: {exc.strerror or exc}", path=p) from None
    try:
        return p, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputFileError(f"file is not valid UTF-8 (byte {exc.start})", path=p, line=line) from None


def _parse_text(text: str, path: str, allowed_params: Iterable[str] | None,
                allowed_models: Iterable[str] | None) -> tuple[dict[str, Any] | None, list[_Problem]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _AT_LINE.search(msg)
        line = int(m.group(1)) if m else None
        clean = _AT_LINE.sub("", msg).strip()
        if m:
            clean = f"{clean} (column {m.group(2)})"
        return None, [(InputFileError(f"TOML syntax error: {clean}", path=path, line=line), "")]
    except (RecursionError, ValueError, TypeError) as exc:  # pathological input
        return None, [(InputFileError(f"TOML could not be parsed: {type(exc).__name__}", path=path), "")]
    problems = _validate(data, path, locate_fields(text), allowed_params, allowed_models)
    problems.sort(key=lambda pr: (pr[0].line is None, pr[0].line or 0))
    return data, problems


def parse_scenario(text: str, *, path: str = "<string>", allowed_params: Iterable[str] | None = None,
                   allowed_models: Iterable[str] | None = None) -> Scenario:
    """Parse and validate scenario TOML ``text``; raise the first :class:`InputFileError`."""
    if not isinstance(text, str):
        raise InputFileError(f"scenario text must be a str (TOML), got {type(text).__name__}", path=path)
    data, problems = _parse_text(text, path, allowed_params, allowed_models)
    if problems:
        first = problems[0][0]
        if len(problems) > 1:
            raise InputFileError(f"{_strip_prefix(first)} (and {len(problems) - 1} more problem(s))",
                                 path=first.path, line=first.line, field=first.field)
        raise first
    return _build(data, path)  # type: ignore[arg-type]


def _strip_prefix(e: InputFileError) -> str:
    msg = str(e)
    where = ":".join(str(x) for x in (e.path, e.line) if x is not None)
    if where and msg.startswith(f"{where}: "):
        msg = msg[len(where) + 2:]
    fld = f" [field '{e.field}']" if e.field else ""
    return msg[: len(msg) - len(fld)] if fld and msg.endswith(fld) else msg


def load_scenario(path: str | Path, *, allowed_params: Iterable[str] | None = None,
                  allowed_models: Iterable[str] | None = None) -> Scenario:
    """Read and strictly validate a scenario file.

    Raises :class:`~realign.errors.InputFileError` (file, line, dotted field) on the first
    problem; the message says how many more there are (see :func:`validate_scenario`).

    >>> sc = load_scenario(example_scenario("stalingrad_historical"))
    >>> sc.events[0].id, sc.events[0].outcome, sc.start.isoformat()
    ('stalingrad', 'historical', '1942-08-01')
    """
    p, text = _read(path)
    return parse_scenario(text, path=p, allowed_params=allowed_params, allowed_models=allowed_models)


def validate_scenario(path: str | Path, *, allowed_params: Iterable[str] | None = None,
                      allowed_models: Iterable[str] | None = None,
                      raise_on_error: bool = False) -> list[InputFileError]:
    """All problems of a scenario file (empty list = valid); ``raise_on_error`` raises the first."""
    try:
        p, text = _read(path)
    except InputFileError as exc:
        if raise_on_error:
            raise
        return [exc]
    _, problems = _parse_text(text, p, allowed_params, allowed_models)
    errs = [e for e, _ in problems]
    if errs and raise_on_error:
        raise errs[0]
    return errs


def list_example_scenarios() -> list[str]:
    """Names of the scenario files bundled with the package."""
    root = resources.files("realign.events").joinpath("scenarios")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def scenario_path(arg: str | Path) -> Path:
    """A scenario file path, or the path of a bundled example named ``arg`` (``stalingrad_historical``).

    An existing file wins; otherwise a bundled example of that name; otherwise the path as given, so
    that loading it names the missing file.
    """
    p = Path(arg)
    if p.exists():
        return p
    if str(arg).removesuffix(".toml") in list_example_scenarios():
        return example_scenario(str(arg))
    return p


def example_scenario(name: str) -> Path:
    """Filesystem path of a bundled example scenario (``stalingrad_historical``, ...)."""
    names = list_example_scenarios()
    if name.removesuffix(".toml") not in names:
        raise InvalidParameterError(f"Unknown example scenario {name!r}. Known: {', '.join(names)}.")
    ref = resources.files("realign.events").joinpath("scenarios", f"{name.removesuffix('.toml')}.toml")
    return Path(str(ref))
