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
numbers for values, so :func:`locate_fields` (:mod:`realign.events.toml_lines`) scans the source
text for each key inside its table (the validator and its declared schema are in
:mod:`realign.events.scenario_schema`); for TOML syntax errors the line comes from ``tomllib``'s
own message.
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

from realign.clock import add_months
from realign.errors import InputFileError, InvalidParameterError

from .catalogue import Effect, Event, load_event
from .scenario_schema import DEFAULT_MODELS, DEFAULT_PARAMS, OUTCOMES, _Problem
from .scenario_schema import as_date as _as_date
from .scenario_schema import validate as _validate
from .toml_lines import locate_fields

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
        first = self.start.replace(day=1)
        return [f"{d.year:04d}-{d.month:02d}" for d in (add_months(first, k) for k in range(self.horizon_months))]

    @property
    def end(self) -> _dt.date:
        """First day of the month after the horizon (exclusive end)."""
        return add_months(self.start.replace(day=1), self.horizon_months)

    def resolved_effects(self) -> dict[str, dict[int, Effect]]:
        """Effects by event slug and COW side, for each event's chosen outcome."""
        return {ev.id: ev.resolve() for ev in self.events}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the same shape as the TOML file (dates as ISO strings)."""
        sc: dict[str, Any] = {
            "name": self.name,
            "start": self.start.isoformat(),
            "horizon_months": self.horizon_months,
            "step": self.step,
        }
        if self.states is not None:
            sc["states"] = list(self.states)
        if self.description:
            sc["description"] = self.description
        events = []
        for ev in self.events:
            d: dict[str, Any] = {"id": ev.id, "outcome": ev.outcome}
            if ev.effects is not None:
                d["effects"] = {
                    str(k): {"capability": v.capability, "credibility": v.credibility} for k, v in ev.effects.items()
                }
            events.append(d)
        return {
            "scenario": sc,
            "seeds": {"seed": self.seed, "runs": self.runs},
            "events": events,
            "model": {"name": self.model, "params": dict(self.params)},
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        allowed_params: Iterable[str] | None = None,
        allowed_models: Iterable[str] | None = None,
    ) -> Scenario:
        """Build from :meth:`to_dict` output (or a parsed TOML dict), with the same validation.

        Parameters
        ----------
        data : Mapping[str, Any]
            The scenario as a dict.
        allowed_params, allowed_models : Iterable[str] or None, default None
            Accepted model parameter names and model names; None uses the defaults.

        Returns
        -------
        Scenario
            The validated scenario.

        Raises
        ------
        RealignError
            The first problem the validator finds (it names the field).
        """
        problems = _validate(data, "<dict>", None, allowed_params, allowed_models)
        if problems:
            raise problems[0][0]
        return _build(data, None)


def _build(data: Mapping[str, Any], path: str | None) -> Scenario:
    sc, seeds = data["scenario"], data["seeds"]
    events = []
    for ev in data.get("events", []):
        eff = None
        if ev.get("outcome", "historical") == "custom":
            eff = {
                int(k): Effect(float(v["capability"]), float(v["credibility"]), "custom (scenario file)")
                for k, v in sorted(ev["effects"].items(), key=lambda kv: int(kv[0]))
            }
        events.append(ScenarioEvent(id=load_event(ev["id"]).slug, outcome=ev.get("outcome", "historical"), effects=eff))
    model = data.get("model") or {}
    states = sc.get("states")
    return Scenario(
        name=sc["name"],
        start=_as_date(sc["start"]),
        horizon_months=sc["horizon_months"],  # type: ignore[arg-type]
        seed=seeds["seed"],
        runs=seeds["runs"],
        events=tuple(events),
        model=model.get("name", "alignment_choice"),
        params={k: float(v) for k, v in (model.get("params") or {}).items()},
        step=sc.get("step", "month"),
        states=tuple(states) if states is not None else None,
        description=sc.get("description", ""),
        path=path,
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
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(f"file is not valid UTF-8 (byte {exc.start})", path=p, line=line) from None


def _parse_text(
    text: str, path: str, allowed_params: Iterable[str] | None, allowed_models: Iterable[str] | None
) -> tuple[dict[str, Any] | None, list[_Problem]]:
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


def parse_scenario(
    text: str,
    *,
    path: str = "<string>",
    allowed_params: Iterable[str] | None = None,
    allowed_models: Iterable[str] | None = None,
) -> Scenario:
    """Parse and validate scenario TOML ``text``; raise the first :class:`InputFileError`.

    Parameters
    ----------
    text : str
        The TOML source of a scenario (format in the module docstring).
    path : str
        Name of the source in error messages.
    allowed_params, allowed_models : iterable of str, optional
        Names accepted in ``[model.params]`` and ``[model] name`` (default
        :data:`DEFAULT_PARAMS`, :data:`DEFAULT_MODELS`).

    Returns
    -------
    Scenario
        The validated scenario; the first problem raises, its message counting the others.
    """
    if not isinstance(text, str):
        raise InputFileError(f"scenario text must be a str (TOML), got {type(text).__name__}", path=path)
    data, problems = _parse_text(text, path, allowed_params, allowed_models)
    if problems:
        first = problems[0][0]
        if len(problems) > 1:
            raise InputFileError(
                f"{_strip_prefix(first)} (and {len(problems) - 1} more problem(s))",
                path=first.path,
                line=first.line,
                field=first.field,
            )
        raise first
    return _build(data, path)  # type: ignore[arg-type]


def _strip_prefix(e: InputFileError) -> str:
    msg = str(e)
    where = ":".join(str(x) for x in (e.path, e.line) if x is not None)
    if where and msg.startswith(f"{where}: "):
        msg = msg[len(where) + 2 :]
    fld = f" [field '{e.field}']" if e.field else ""
    return msg[: len(msg) - len(fld)] if fld and msg.endswith(fld) else msg


def load_scenario(
    path: str | Path, *, allowed_params: Iterable[str] | None = None, allowed_models: Iterable[str] | None = None
) -> Scenario:
    """Read and strictly validate a scenario file.

    Raises :class:`~realign.errors.InputFileError` (file, line, dotted field) on the first
    problem; the message says how many more there are (see :func:`validate_scenario`).

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario TOML file (UTF-8).
    allowed_params, allowed_models : iterable of str, optional
        As for :func:`parse_scenario`.

    Returns
    -------
    Scenario

    >>> sc = load_scenario(example_scenario("stalingrad_historical"))
    >>> sc.events[0].id, sc.events[0].outcome, sc.start.isoformat()
    ('stalingrad', 'historical', '1942-08-01')
    """
    p, text = _read(path)
    return parse_scenario(text, path=p, allowed_params=allowed_params, allowed_models=allowed_models)


def validate_scenario(
    path: str | Path,
    *,
    allowed_params: Iterable[str] | None = None,
    allowed_models: Iterable[str] | None = None,
    raise_on_error: bool = False,
) -> list[InputFileError]:
    """All problems of a scenario file (empty list = valid); ``raise_on_error`` raises the first.

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario TOML file.
    allowed_params, allowed_models : iterable of str, optional
        As for :func:`parse_scenario`.
    raise_on_error : bool
        Raise the first problem instead of returning the list.

    Returns
    -------
    list of InputFileError
        Every problem in line order (each names the file, line and dotted field).
    """
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
    """Names of the scenario files bundled with the package.

    Returns
    -------
    list of str
        Sorted names without ``.toml`` (``stalingrad_historical``, ...).
    """
    root = resources.files("realign.events").joinpath("scenarios")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def scenario_path(arg: str | Path) -> Path:
    """A scenario file path, or the path of a bundled example named ``arg`` (``stalingrad_historical``).

    An existing file wins; otherwise a bundled example of that name; otherwise the path as given, so
    that loading it names the missing file.

    Parameters
    ----------
    arg : str or pathlib.Path
        A file path or a bundled example name (with or without ``.toml``).

    Returns
    -------
    pathlib.Path
    """
    p = Path(arg)
    if p.exists():
        return p
    if str(arg).removesuffix(".toml") in list_example_scenarios():
        return example_scenario(str(arg))
    return p


def example_scenario(name: str) -> Path:
    """Filesystem path of a bundled example scenario (``stalingrad_historical``, ...).

    Parameters
    ----------
    name : str
        A name from :func:`list_example_scenarios` (``.toml`` optional).

    Returns
    -------
    pathlib.Path
        Raises :class:`~realign.errors.InvalidParameterError` naming the known examples otherwise.
    """
    names = list_example_scenarios()
    if name.removesuffix(".toml") not in names:
        raise InvalidParameterError(f"Unknown example scenario {name!r}. Known: {', '.join(names)}.")
    ref = resources.files("realign.events").joinpath("scenarios", f"{name.removesuffix('.toml')}.toml")
    return Path(str(ref))
