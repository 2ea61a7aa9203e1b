"""Scenario files -> simulation: parameter mapping, engine settings, run_scenario, the bundled Stalingrad pair."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from realign.errors import InputFileError, InvalidParameterError
from realign.events.scenario import Scenario, example_scenario, load_scenario
from realign.simulation.scenario_run import (
    PARAM_ALIASES,
    SCENARIO_PARAMS,
    ScenarioRun,
    engine_settings,
    load_for_engine,
    prepare_scenario,
    run_scenario,
    spec_from_scenario,
)

HEAD = """[scenario]
name = "test"
start = 1942-08-01
horizon_months = {months}

[seeds]
seed = 5
runs = 40

[[events]]
id = "stalingrad"
outcome = "{outcome}"
{effects}
[model]
name = "alignment_choice"
[model.params]
{params}
"""
CUSTOM = """[events.effects.1]
capability = 0.9
credibility = 0.5
[events.effects.2]
capability = 0.8
credibility = -0.5
"""


def write(tmp_path, params="", months=12, outcome="historical", effects="", name="s.toml"):
    p = tmp_path / name
    p.write_text(HEAD.format(params=params, months=months, outcome=outcome, effects=effects))
    return p


@pytest.fixture(scope="module")
def historical():
    return example_scenario("stalingrad_historical")


@pytest.fixture(scope="module")
def hist_inputs(historical):
    return prepare_scenario(historical)


@pytest.fixture(scope="module")
def rev_inputs():
    return prepare_scenario(example_scenario("stalingrad_reversed"))


# ----------------------------------------------------------------------------- mapping


def test_bundled_example_maps_to_a_spec(historical):
    sc = load_for_engine(historical)
    spec = spec_from_scenario(sc)
    assert spec.start == dt.date(1942, 8, 1) and spec.months == sc.horizon_months == 34
    assert spec.events == (
        ("stalingrad", "historical"),
        ("el_alamein", "historical"),
        ("kursk", "historical"),
        ("normandy", "historical"),
        ("bagration", "historical"),
    )
    assert spec.params == {} and spec.states is None
    assert engine_settings(sc) == {"temperature": 1.0, "credibility_retention": pytest.approx(0.944)}
    # a scenario loaded with the parser's own defaults maps the same way
    assert spec_from_scenario(load_scenario(historical)) == spec


def test_engine_weights_and_aliases(tmp_path):
    p = write(
        tmp_path, "affinity = 0.3\nbalancing = 0.5\nswitching_cost = 2\nneutral_utility = -1\nexposure_weight = 0.25\n"
    )
    spec = spec_from_scenario(p)
    assert spec.params == {"affinity": 0.3, "bandwagon": -0.5, "stay": 2.0, "neutral": -1.0, "exposure": 0.25}
    assert spec_from_scenario(write(tmp_path, "bandwagoning = 0.7\naffinity_weight = 1")).params == {
        "bandwagon": 0.7,
        "affinity": 1.0,
    }
    assert set(PARAM_ALIASES) < SCENARIO_PARAMS


def test_custom_effects_reach_the_spec(tmp_path):
    spec = spec_from_scenario(write(tmp_path, outcome="custom", effects=CUSTOM))
    assert spec.events == (("stalingrad", "custom", {1: (0.9, 0.5), 2: (0.8, -0.5)}),)


def test_unknown_param_names_file_line_and_field(tmp_path):
    p = write(tmp_path, "affinity = 1\nalpha = 0.5\n")
    with pytest.raises(InputFileError) as ei:
        spec_from_scenario(p)
    e = ei.value
    assert e.field == "model.params.alpha" and e.path == str(p) and e.line == 18
    assert "alpha" in str(e) and "affinity" in str(e)


def test_unknown_param_in_a_scenario_object():
    sc = Scenario(name="x", start=dt.date(1942, 8, 1), horizon_months=6, seed=0, runs=10, params={"bogus": 1.0})
    with pytest.raises(InputFileError, match="bogus") as ei:
        spec_from_scenario(sc)
    assert ei.value.field == "model.params.bogus"


def test_one_weight_given_twice_is_an_error(tmp_path):
    p = write(tmp_path, "bandwagon = 1\nbalancing = 0.5\n")
    with pytest.raises(InputFileError, match="already set") as ei:
        spec_from_scenario(p)
    assert ei.value.field == "model.params.balancing" and ei.value.line == 18


@pytest.mark.parametrize(
    "params, fld",
    [
        ("temperature = 0", "temperature"),
        ("temperature = -2", "temperature"),
        ("credibility_decay = 1.0", "credibility_decay"),
        ("credibility_decay = -0.1", "credibility_decay"),
    ],
)
def test_bad_engine_settings(tmp_path, params, fld):
    with pytest.raises(InputFileError) as ei:
        spec_from_scenario(write(tmp_path, params))
    assert ei.value.field == f"model.params.{fld}" and ei.value.line == 17


def test_horizon_beyond_the_engine(tmp_path):
    with pytest.raises(InputFileError, match="240") as ei:
        spec_from_scenario(write(tmp_path, months=300))
    assert ei.value.field == "scenario.horizon_months" and ei.value.line == 4


def test_parser_errors_come_first(tmp_path):
    with pytest.raises(InputFileError) as ei:
        spec_from_scenario(write(tmp_path, 'temperature = "hot"'))
    assert ei.value.field == "model.params.temperature"


# ----------------------------------------------------------------------------- engine settings


def test_temperature_scales_utilities_and_decay_sets_retention(tmp_path, hist_inputs):
    p = write(tmp_path, "temperature = 2.0\ncredibility_decay = 0.0\nstay = 3.0\n", months=34)
    inp = prepare_scenario(p)
    np.testing.assert_allclose(inp.theta, hist_inputs.theta / 2)
    np.testing.assert_allclose(inp.theta_cov, hist_inputs.theta_cov / 4)
    assert inp.fixed[3] == 1.5 and np.isnan(inp.fixed[[0, 1, 2, 4]]).all()
    # no decay: credibility is constant after the last event (Stalingrad, ended 1943-02-02)
    t = inp.days.index(dt.date(1943, 2, 15))
    np.testing.assert_allclose(inp.cred[t:], np.broadcast_to(inp.cred[t], inp.cred[t:].shape))
    assert not np.allclose(hist_inputs.cred[t:], hist_inputs.cred[t])


def test_a_scenario_run_is_checked_once_and_passes_through(historical, hist_inputs, monkeypatch):
    import realign.simulation.scenario_run as mod

    plan = ScenarioRun.from_scenario(historical)
    assert plan.spec == spec_from_scenario(historical)
    assert plan.settings == engine_settings(historical)
    assert plan.scenario == load_for_engine(historical)
    calls = []
    real = mod._check_engine_limits
    monkeypatch.setattr(mod, "_check_engine_limits", lambda sc: (calls.append(sc), real(sc)))
    assert ScenarioRun.from_scenario(plan) is plan
    assert spec_from_scenario(plan) is plan.spec and engine_settings(plan) == plan.settings
    assert load_for_engine(plan) is plan.scenario
    res = run_scenario(plan, runs=20, inputs=hist_inputs)
    assert calls == []  # no second validation
    assert res.manifest["engine_settings"] == plan.settings
    ScenarioRun.from_scenario(historical)
    assert len(calls) == 1


# ----------------------------------------------------------------------------- run_scenario


def test_run_uses_the_scenario_seeds_unless_overridden(historical, hist_inputs):
    res = run_scenario(historical, inputs=hist_inputs)
    sc = load_for_engine(historical)
    assert res.runs == sc.runs == 200 and res.seed == sc.seed
    assert res.manifest["engine_settings"]["credibility_retention"] == pytest.approx(0.944)
    assert res.manifest["scenario_file"]["scenario"]["scenario"]["name"] == sc.name
    again = run_scenario(historical, inputs=hist_inputs)
    np.testing.assert_array_equal(res.counts, again.counts)
    other = run_scenario(historical, runs=50, seed=3, inputs=hist_inputs)
    assert other.runs == 50 and other.seed == 3 and (other.counts.sum(axis=2) == 50).all()


@pytest.mark.parametrize(
    "kw, name", [({"runs": 0}, "runs"), ({"runs": -3}, "runs"), ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed")]
)
def test_bad_runs_or_seed(historical, kw, name):
    with pytest.raises(InvalidParameterError, match=name):
        run_scenario(historical, **kw)


def test_out_folder_records_the_scenario_and_refuses_other_settings(tmp_path):
    p = write(tmp_path, "credibility_decay = 0.2", months=6, outcome="custom", effects=CUSTOM)
    out = tmp_path / "run"
    res = run_scenario(p, out=out, runs=30, batch_size=10)
    side = json.loads((out / "scenario.json").read_text())
    assert side["engine_settings"]["credibility_retention"] == pytest.approx(0.8)
    assert side["scenario"]["events"][0]["outcome"] == "custom"
    man = json.loads((out / "manifest.json").read_text())
    assert man["complete"] is True and man["engine_settings"] == side["engine_settings"]
    assert (res.counts.sum(axis=2) == 30).all()
    p2 = write(tmp_path, "credibility_decay = 0.3", months=6, outcome="custom", effects=CUSTOM, name="t.toml")
    with pytest.raises(InvalidParameterError, match="engine settings"):
        run_scenario(p2, out=out, runs=30, batch_size=10)


# ----------------------------------------------------------------------------- the bundled Stalingrad pair


@pytest.fixture(scope="module")
def pair(historical, hist_inputs, rev_inputs):
    f = run_scenario(historical, runs=2000, inputs=hist_inputs, batch_size=1000)
    r = run_scenario(example_scenario("stalingrad_reversed"), runs=2000, inputs=rev_inputs, batch_size=1000)
    return f, r


@pytest.mark.parametrize("ccode", [325, 360, 355, 375])
def test_bundled_pair_minor_axis_drift(pair, ccode):
    """Documented behaviour of the bundled factual/counterfactual scenarios (credibility_decay 0.1):
    P(not axis) rises over 1942-12..1945-01 and is higher in 1945-01 than with Stalingrad reversed."""
    f, r = pair
    months = [d.strftime("%Y-%m") for d in f.days]
    i = f.ccodes.index(ccode)
    pf, pr = 1 - f.p_side[:, i, 2], 1 - r.p_side[:, i, 2]
    idx = [months.index(m) for m in ("1942-12", "1943-06", "1943-12", "1944-06", "1945-01")]
    assert np.all(np.diff(pf[idx]) > 0), pf[idx]
    assert pf[months.index("1945-01")] > pr[months.index("1945-01")]
