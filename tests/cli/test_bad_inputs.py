"""Issue 12's bad-input table: every case is a specific error (exit 2, one line, no traceback), found
before any model fitting, or a correct result - never a crash or a silent wrong answer."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from realign.cli.main import app
from realign.errors import DataIntegrityError, InputFileError, InvalidParameterError
from realign.events.scenario import example_scenario, parse_scenario

runner = CliRunner()
SCENARIO = """[scenario]
name = "bad input"
start = 1942-08-01
horizon_months = {months}
{states}
[seeds]
seed = 1
runs = {runs}

[[events]]
id = "stalingrad"
outcome = "{outcome}"
{effects}
[model]
name = "alignment_choice"
[model.params]
{params}
"""


def scenario(tmp_path, *, months=8, runs=10, outcome="historical", effects="", params="", states=""):
    p = tmp_path / "s.toml"
    p.write_text(
        SCENARIO.format(months=months, runs=runs, outcome=outcome, effects=effects, params=params, states=states)
    )
    return p


@pytest.fixture(autouse=True)
def no_fitting(monkeypatch):
    """Any of these cases must be refused before the seconds-long model fitting starts."""
    from realign.consequences import compute
    from realign.simulation import engine, scenario_run

    def fail(*a, **k):
        raise AssertionError("model fitting started for a bad input")

    monkeypatch.setattr(scenario_run, "prepare_scenario", fail)
    monkeypatch.setattr(scenario_run, "prepare", fail)
    monkeypatch.setattr(engine, "prepare", fail)
    monkeypatch.setattr(compute, "consequences", fail)


def clean_error(res, *needles: str) -> str:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)
    for n in needles:
        assert n in res.output, res.output
    return res.output


# ----------------------------------------------------------------------------- --out, --scheduler
def test_out_pointing_at_a_file(tmp_path):
    f = tmp_path / "taken.txt"
    f.write_text("x")
    clean_error(runner.invoke(app, ["simulate", str(scenario(tmp_path)), "--out", str(f)]), "must be a folder")
    clean_error(runner.invoke(app, ["consequences", "stalingrad", "--out", str(f)]), "must be a folder")


@pytest.mark.parametrize("address", ["nonsense", "tcp://", "127.0.0.1:99999", "127.0.0.1:1"])
def test_bad_scheduler_fails_fast(tmp_path, address):
    out = clean_error(runner.invoke(app, ["simulate", str(scenario(tmp_path)), "--scheduler", address]))
    assert "scheduler" in out.lower()


def test_corrupt_run_manifest(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "manifest.json").write_text("{not json")
    clean_error(runner.invoke(app, ["simulate", str(scenario(tmp_path)), "--out", str(out)]), "manifest")


def test_corrupt_package_manifest(tmp_path, monkeypatch):
    from realign.data import store

    (tmp_path / "manifest.json").write_text("[1, 2")
    monkeypatch.setattr(store, "_root", lambda: tmp_path)
    store.manifest.cache_clear()
    try:
        with pytest.raises(DataIntegrityError, match="manifest"):
            store.manifest()
    finally:
        store.manifest.cache_clear()


# ----------------------------------------------------------------------------- consequences numbers
@pytest.mark.parametrize(
    "args,needle",
    [
        (["--months", "0"], "months"),
        (["--runs", "0"], "runs"),
        (["--runs", "1000000000000"], "runs"),
        (["--seed", "-1"], "seed"),
    ],
)
def test_consequences_numbers_refused_before_fitting(args, needle):
    clean_error(runner.invoke(app, ["consequences", "stalingrad", *args]), needle)


# ----------------------------------------------------------------------------- CSV
def test_csv_field_over_the_csv_limit(tmp_path):
    sizes = tmp_path / "sizes.csv"
    sizes.write_text("id,size\n" + "a" * 200_000 + ",1\nb,2\n")
    prop = tmp_path / "p.csv"
    prop.write_text("i,j,p\na,b,1\n")
    clean_error(
        runner.invoke(app, ["landscape", "--sizes", str(sizes), "--propensity", str(prop)]), "not a readable CSV"
    )


# ----------------------------------------------------------------------------- one scenario validator
@pytest.mark.parametrize(
    "kw,field",
    [
        ({"params": "temperature = 0"}, "model.params.temperature"),
        ({"params": "temperature = 1e-160"}, "model.params.temperature"),
        ({"params": "credibility_decay = 5"}, "model.params.credibility_decay"),
        ({"months": 241}, "scenario.horizon_months"),
        ({"months": 1200}, "scenario.horizon_months"),
        ({"runs": 10**12}, "seeds.runs"),
        ({"states": "states = [2, 998]"}, "scenario.states[1]"),
    ],
)
def test_validate_and_simulate_agree_on_errors(tmp_path, kw, field):
    p = scenario(tmp_path, **kw)
    v = clean_error(runner.invoke(app, ["scenario", "validate", str(p)]))
    assert f"[field '{field}']" in v  # the field survives (no rich markup)
    s = clean_error(runner.invoke(app, ["simulate", str(p)]))
    assert f"[field '{field}']" in s


def test_validate_accepts_what_simulate_accepts(tmp_path):
    p = scenario(tmp_path, params="stay = 2.0\nbalancing = 0.5")
    res = runner.invoke(app, ["scenario", "validate", str(p)])
    assert res.exit_code == 0 and res.output.startswith("OK"), res.output


def test_simulate_runs_zero_refused_before_fitting(tmp_path):
    clean_error(runner.invoke(app, ["simulate", str(scenario(tmp_path)), "--runs", "0"]), "runs")


def test_effects_keys_for_one_side_are_not_merged(tmp_path):
    eff = (
        "[events.effects.1]\ncapability = 0.9\ncredibility = 0.1\n[events.effects.01]\ncapability = 0.5\n"
        "credibility = -0.5\n[events.effects.2]\ncapability = 1.0\ncredibility = 0.0\n"
    )
    p = scenario(tmp_path, outcome="custom", effects=eff)
    out = clean_error(runner.invoke(app, ["scenario", "validate", str(p)]), "side 1 again")
    assert "[field 'events[0].effects.01']" in out


def test_parse_scenario_none():
    with pytest.raises(InputFileError, match="must be a str"):
        parse_scenario(None)  # type: ignore[arg-type]


def test_bundled_scenario_still_valid():
    res = runner.invoke(app, ["scenario", "validate", str(example_scenario("stalingrad_historical"))])
    assert res.exit_code == 0, res.output


# ----------------------------------------------------------------------------- silent wrong results
def test_engine_refuses_tiny_temperature_and_nan_weights():
    from realign.simulation.engine import SimulationSpec

    with pytest.raises(InvalidParameterError, match="temperature"):
        SimulationSpec(start="1942-08-01", months=6, temperature=1e-154)
    with pytest.raises(InvalidParameterError, match="finite"):
        SimulationSpec(start="1942-08-01", months=6, params={"stay": math.nan})


def test_landscape_sizes_that_overflow_the_energy():
    from realign.models.landscape import Landscape

    p = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(InvalidParameterError, match="overflow"):
        Landscape(k=2).fit(np.array([1e308, 1e308]), p)
    ok = Landscape(k=2).fit(np.array([1e100, 1e100]), p)  # large but finite: a real answer
    assert all(math.isfinite(m["energy"] if isinstance(m, dict) else m.energy) for m in ok.minima_)


# ----------------------------------------------------------------------------- rich markup
def test_events_show_keeps_source_ids():
    from realign.events.catalogue import load_event

    ev = load_event("stalingrad")
    res = runner.invoke(app, ["events", "show", "stalingrad"], terminal_width=200)
    assert res.exit_code == 0, res.output
    for s in ev.sources:
        assert f"[{s.id}]" in res.output
    assert json.loads(runner.invoke(app, ["events", "show", "stalingrad", "--format", "json"]).output)


def test_scenario_validate_json(tmp_path):
    bad = runner.invoke(app, ["scenario", "validate", str(scenario(tmp_path, months=241)), "--format", "json"])
    assert bad.exit_code == 2
    body = json.loads(bad.stdout)
    assert not body["ok"] and body["problems"][0]["field"] == "scenario.horizon_months"
    ok = runner.invoke(app, ["scenario", "validate", "stalingrad_historical", "--format", "json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
