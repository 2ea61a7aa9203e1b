"""Run a scenario file (:mod:`realign.events.scenario`) as an ensemble of the simulation engine.

The adapter maps a validated :class:`~realign.events.scenario.Scenario` onto a
:class:`~realign.simulation.engine.SimulationSpec`:

* ``[scenario] start`` is the simulation start day (the system, CINC and fitted models are
  those known then); ``horizon_months`` monthly steps follow, observed on the 15th of each
  month *after* the start month (the engine's convention: month 0 is the start state).
* ``[[events]]`` become ``(slug, outcome)`` or ``(slug, "custom", {side: (capability, credibility)})``.
* ``[model.params]`` names are the choice model's own weights
  (:data:`realign.models.choice.PARAMS`: affinity, bandwagon, exposure, stay, neutral), or the
  scenario format's descriptive aliases (:data:`PARAM_ALIASES`): ``affinity_weight``,
  ``bandwagoning``, ``balancing`` (= -bandwagon), ``exposure_weight``, ``switching_cost``,
  ``neutral_utility``. A weight given here is fixed for every replicate (no draw).
* Two settings act on the engine inputs rather than on one weight: ``temperature`` (tau > 0;
  every utility is divided by tau, i.e. the fitted weights, their covariance and any fixed
  override are scaled by 1/tau - the fitted uncertainty is kept) and ``credibility_decay``
  (delta in [0, 1); a credibility shock keeps ``1 - delta`` of its size each month instead of
  the engine default ``1 - CREDIBILITY_RETENTION``). Both are recorded in the manifest and in
  ``out/scenario.json``; an output directory written with different settings is refused.

Any name the engine cannot honour is an :class:`~realign.errors.InputFileError` naming the
file, line and ``model.params.<name>`` field.

A :class:`ScenarioRun` holds a scenario with its spec and engine settings, checked once; pass it to
:func:`prepare_scenario` and :func:`run_scenario` so that the scenario is not validated again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from realign.atomic import atomic_write_json
from realign.errors import InputFileError, InvalidParameterError
from realign.events.scenario import Scenario, load_scenario, locate_fields
from realign.models.choice import CREDIBILITY_RETENTION, PARAMS
from realign.simulation.engine import MIN_TEMPERATURE, SimInputs, SimulationSpec, prepare
from realign.simulation.ensemble import (
    EnsembleResult,
    _read_run_manifest,
    replicate_seeds,
    run_ensemble,
)

__all__ = [
    "PARAM_ALIASES",
    "SCENARIO_PARAMS",
    "ScenarioRun",
    "load_for_engine",
    "spec_from_scenario",
    "engine_settings",
    "prepare_scenario",
    "run_scenario",
]

#: Scenario-file parameter name -> (choice-model weight, sign).
PARAM_ALIASES: dict[str, tuple[str, float]] = {
    "affinity_weight": ("affinity", 1.0),
    "bandwagoning": ("bandwagon", 1.0),
    "balancing": ("bandwagon", -1.0),
    "exposure_weight": ("exposure", 1.0),
    "switching_cost": ("stay", 1.0),
    "neutral_utility": ("neutral", 1.0),
}
_SETTINGS = ("temperature", "credibility_decay")
#: Every ``[model.params]`` name a scenario may use with this engine.
SCENARIO_PARAMS = frozenset(PARAMS) | frozenset(PARAM_ALIASES) | frozenset(_SETTINGS)
_MODELS = frozenset({"alignment_choice"})
#: The engine's limits (months per run, replicates per ensemble).
MAX_MONTHS = 240
MAX_RUNS = 1_000_000


def _field_error(scenario: Scenario, fld: str, msg: str) -> InputFileError:
    line = None
    if scenario.path:
        try:
            line = locate_fields(Path(scenario.path).read_text(encoding="utf-8")).get(fld)
        except OSError:
            line = None
    return InputFileError(msg, path=scenario.path or "<scenario>", line=line, field=fld)


def load_for_engine(path_or_scenario: str | Path | Scenario | ScenarioRun) -> Scenario:
    """Load a scenario file accepting every name in :data:`SCENARIO_PARAMS` (a Scenario passes through).

    Parameters
    ----------
    path_or_scenario : str, pathlib.Path, Scenario or ScenarioRun
        A scenario file, or a scenario (returned as is; a run's scenario).

    Returns
    -------
    Scenario
    """
    if isinstance(path_or_scenario, ScenarioRun):
        return path_or_scenario.scenario
    if isinstance(path_or_scenario, Scenario):
        return path_or_scenario
    return load_scenario(path_or_scenario, allowed_params=SCENARIO_PARAMS, allowed_models=_MODELS)


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario checked against the engine once: its :class:`SimulationSpec` and engine settings.

    Build it with :meth:`from_scenario`; :func:`spec_from_scenario`, :func:`engine_settings`,
    :func:`prepare_scenario` and :func:`run_scenario` accept it and do not validate again.
    """

    scenario: Scenario
    spec: SimulationSpec
    settings: dict[str, float]

    @classmethod
    def from_scenario(cls, scenario: ScenarioRun | Scenario | str | Path) -> ScenarioRun:
        """Load (a path) and check a scenario for the engine; a :class:`ScenarioRun` passes through.

        Raises :class:`InputFileError` (file, line, field) for a model or parameter the engine
        cannot run, or a horizon, run count or state beyond the engine's limits.

        Parameters
        ----------
        scenario : ScenarioRun, Scenario, str or pathlib.Path
            A run (returned as is), a scenario, or a scenario file.

        Returns
        -------
        ScenarioRun
        """
        if isinstance(scenario, ScenarioRun):
            return scenario
        sc = load_for_engine(scenario)
        params = _engine_params(sc)
        st = _settings(sc)  # validates the settings too
        _check_engine_limits(sc)
        return cls(scenario=sc, spec=_spec(sc, params, st), settings=st)


def spec_from_scenario(scenario: ScenarioRun | Scenario | str | Path) -> SimulationSpec:
    """The :class:`SimulationSpec` of a scenario (engine weights only; see :func:`engine_settings`).

    Raises :class:`InputFileError` (file, line, field) for a model or parameter the engine
    cannot run, or a horizon beyond the engine's limit.

    Parameters
    ----------
    scenario : ScenarioRun, Scenario, str or pathlib.Path
        A checked run (not checked again), a scenario, or a scenario file.

    Returns
    -------
    SimulationSpec
    """
    return ScenarioRun.from_scenario(scenario).spec


def _engine_params(sc: Scenario) -> dict[str, float]:
    """The choice-model weights a scenario fixes (aliases resolved; each weight given once)."""
    if sc.model not in _MODELS:
        raise _field_error(sc, "model.name", f"the simulation engine runs model 'alignment_choice', not {sc.model!r}")
    params: dict[str, float] = {}
    origin: dict[str, str] = {}
    for name, value in sc.params.items():
        fld = f"model.params.{name}"
        if name in _SETTINGS:
            continue
        if name in PARAMS:
            target, sign = name, 1.0
        elif name in PARAM_ALIASES:
            target, sign = PARAM_ALIASES[name]
        else:
            known = ", ".join(sorted(SCENARIO_PARAMS))
            raise _field_error(sc, fld, f"unknown model parameter {name!r} for the simulation engine; known: {known}")
        if not math.isfinite(float(value)):
            raise _field_error(sc, fld, f"parameter {name!r} must be a finite number, got {value!r}")
        if target in params:
            raise _field_error(
                sc,
                fld,
                f"parameter {name!r} sets the weight {target!r} already set by {origin[target]!r}; give it once",
            )
        params[target] = sign * float(value)
        origin[target] = name
    return params


def _spec(sc: Scenario, params: dict[str, float], st: dict[str, float]) -> SimulationSpec:
    events = []
    for ev in sc.events:
        if ev.outcome == "custom":
            eff = {int(s): (float(e.capability), float(e.credibility)) for s, e in (ev.effects or {}).items()}
            events.append((ev.id, "custom", eff))
        else:
            events.append((ev.id, ev.outcome))
    try:
        return SimulationSpec(
            start=sc.start,
            months=sc.horizon_months,
            events=tuple(events),
            params=params,
            states=tuple(sc.states) if sc.states else None,
            credibility_retention=st["credibility_retention"],
            temperature=st["temperature"],
        )
    except InvalidParameterError as exc:
        if not isinstance(sc.horizon_months, int) or not 1 <= sc.horizon_months <= 240:
            raise _field_error(
                sc, "scenario.horizon_months", f"the simulation engine runs 1..240 months, got {sc.horizon_months!r}"
            ) from None
        raise _field_error(sc, "model.params", str(exc)) from None


def _check_engine_limits(sc: Scenario) -> None:
    """What the file format allows but the engine cannot run: > 240 months, > 10^6 runs, unknown ccodes."""
    from realign.data.names import state_name
    from realign.errors import RealignError

    if not 1 <= sc.horizon_months <= MAX_MONTHS:
        raise _field_error(
            sc,
            "scenario.horizon_months",
            f"the simulation engine runs 1..{MAX_MONTHS} months, got {sc.horizon_months!r}",
        )
    if not 1 <= sc.runs <= MAX_RUNS:
        raise _field_error(
            sc, "seeds.runs", f"'runs' must be in 1..{MAX_RUNS} for the simulation engine, got {sc.runs!r}"
        )
    for i, c in enumerate(sc.states or ()):
        try:
            state_name(c)
        except RealignError:
            raise _field_error(sc, f"scenario.states[{i}]", f"{c} is not a COW state code") from None


def engine_settings(scenario: ScenarioRun | Scenario | str | Path) -> dict[str, float]:
    """``{"temperature": tau, "credibility_retention": r}`` of a scenario (defaults 1 and the engine's).

    Parameters
    ----------
    scenario : ScenarioRun, Scenario, str or pathlib.Path
        A checked run, a scenario, or a scenario file.

    Returns
    -------
    dict of str to float
        ``temperature`` (tau, dimensionless) and ``credibility_retention`` (share of a
        credibility shock kept each month).
    """
    if isinstance(scenario, ScenarioRun):
        return dict(scenario.settings)
    return _settings(load_for_engine(scenario))


def _settings(sc: Scenario) -> dict[str, float]:
    tau = float(sc.params.get("temperature", 1.0))
    if not (math.isfinite(tau) and MIN_TEMPERATURE <= tau <= 100):
        raise _field_error(
            sc, "model.params.temperature", f"'temperature' must be in [{MIN_TEMPERATURE}, 100], got {tau!r}"
        )
    if "credibility_decay" in sc.params:
        delta = float(sc.params["credibility_decay"])
        if not (math.isfinite(delta) and 0 <= delta < 1):
            raise _field_error(
                sc,
                "model.params.credibility_decay",
                f"'credibility_decay' (monthly loss of a credibility shock) must be in [0, 1), got {delta!r}",
            )
        retention = 1.0 - delta
    else:
        retention = CREDIBILITY_RETENTION
    return {"temperature": tau, "credibility_retention": retention}


def prepare_scenario(scenario: ScenarioRun | Scenario | str | Path) -> SimInputs:
    """Kernel inputs of a scenario (its temperature and credibility decay are part of the spec).

    Fits the models on data known at the scenario's start (seconds; cached on disk).

    Parameters
    ----------
    scenario : ScenarioRun, Scenario, str or pathlib.Path
        As for :func:`spec_from_scenario`.

    Returns
    -------
    SimInputs
    """
    return prepare(ScenarioRun.from_scenario(scenario).spec)


def _check_int(name: str, value, lo: int) -> None:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < lo:
        raise InvalidParameterError(f"The '{name}' parameter must be an int >= {lo}. Got {value!r} instead.")


def _check_outdir(outdir: Path, settings: dict, resume: bool) -> None:
    """Refuse an output that is a file, holds a corrupt manifest or (resuming) a run with other engine settings;
    then create the folder. Runs before any fitting, so a bad ``--out`` fails at once."""
    if outdir.exists() and not outdir.is_dir():
        raise InputFileError(
            "the output must be a folder (or a path that does not exist yet); this is a file", path=str(outdir)
        )
    if (outdir / "manifest.json").exists():
        _read_run_manifest(outdir / "manifest.json")  # corrupt: an error before any fitting
    sidecar = outdir / "scenario.json"
    if resume and sidecar.exists():
        try:
            old = json.loads(sidecar.read_text())
        except (OSError, ValueError):
            old = None
        if old is None or old.get("engine_settings") != settings:
            was = None if old is None else old.get("engine_settings")
            raise InvalidParameterError(
                f"{outdir} holds a run with other engine settings ({was} vs {settings}); use a new --out or remove it."
            )
    outdir.mkdir(parents=True, exist_ok=True)


def run_scenario(
    path_or_scenario: str | Path | Scenario | ScenarioRun,
    *,
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    workers: int | None = 0,
    scheduler: str | None = None,
    dask: bool = False,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 500,
    resume: bool = True,
    inputs: SimInputs | None = None,
) -> EnsembleResult:
    """Run a scenario's ensemble; its ``[seeds]`` runs and seed apply unless ``runs``/``seed`` are given.

    ``out``, ``workers``, ``scheduler``, ``dask``, ``progress``, ``batch_size`` and ``resume`` are
    passed to :func:`~realign.simulation.ensemble.run_ensemble`. ``inputs`` (from
    :func:`prepare_scenario`) skips the preparation. The manifest gains ``scenario_file``
    (the scenario as a dict, and its path) and ``engine_settings``. A :class:`ScenarioRun` is not
    validated again.

    Parameters
    ----------
    path_or_scenario : str, pathlib.Path, Scenario or ScenarioRun
        The scenario to run.
    runs, seed : int, optional
        Replicates (1..10^6) and root seed (>= 0); the scenario's ``[seeds]`` by default.
    out, workers, scheduler, dask, progress, batch_size, resume, inputs
        As in :func:`~realign.simulation.ensemble.run_ensemble` (``inputs``: from :func:`prepare_scenario`).

    Returns
    -------
    EnsembleResult
        P(side) per state and month, with the manifest of seeds, versions and settings.

    Raises
    ------
    InvalidParameterError, InputFileError
        Bad ``runs`` or ``seed``, an unreadable or invalid scenario, or an unusable ``out`` folder.
    """
    sc = load_for_engine(path_or_scenario)
    runs = sc.runs if runs is None else runs
    seed = sc.seed if seed is None else seed
    if not isinstance(runs, int | np.integer) or isinstance(runs, bool) or not 1 <= runs <= 1_000_000:
        raise InvalidParameterError(f"The 'runs' parameter must be an int in [1, 1000000]. Got {runs!r} instead.")
    _check_int("seed", seed, 0)
    replicate_seeds(int(seed), 0)
    plan = ScenarioRun.from_scenario(path_or_scenario if isinstance(path_or_scenario, ScenarioRun) else sc)
    spec, settings = plan.spec, dict(plan.settings)
    side = {"scenario": sc.to_dict(), "path": sc.path, "engine_settings": settings}
    outdir = Path(out) if out else None
    if outdir is not None:
        _check_outdir(outdir, settings, resume)
    inputs = inputs if inputs is not None else prepare_scenario(plan)
    if outdir is not None and (not resume or not (outdir / "scenario.json").exists()):
        atomic_write_json(side, outdir / "scenario.json")  # before any batch, so a killed run keeps it
    res = run_ensemble(
        spec,
        runs=int(runs),
        seed=int(seed),
        out=outdir,
        batch_size=batch_size,
        workers=workers,
        scheduler=scheduler,
        dask=dask,
        resume=resume,
        progress=progress,
        inputs=inputs,
    )
    res.manifest = {
        **res.manifest,
        "scenario_file": {"path": sc.path, "scenario": sc.to_dict()},
        "engine_settings": settings,
    }
    if outdir is not None:
        atomic_write_json(side, outdir / "scenario.json")
        atomic_write_json({**res.manifest, "complete": True}, outdir / "manifest.json")
    return res
