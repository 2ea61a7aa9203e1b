"""Simulation engine: spec validation, per-replicate draws, kernel invariants (hypothesis), the flagship run."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realign.errors import InvalidParameterError
from realign.models.choice import CORES, PARAMS
from realign.simulation.engine import SIDE_LABELS, SimulationSpec, _run_kernel, prepare, replicate_draws, simulate
from realign.simulation.ensemble import run_ensemble

START = dt.date(1942, 8, 1)
LATER = (("el_alamein", "historical"), ("kursk", "historical"), ("normandy", "historical"), ("bagration", "historical"))
FACTUAL = SimulationSpec(START, 34, (("stalingrad", "historical"), *LATER))
REVERSED = SimulationSpec(START, 34, (("stalingrad", "reversed"), *LATER))
MINOR_AXIS = {325: "Italy", 360: "Romania", 355: "Bulgaria", 375: "Finland"}


@pytest.fixture(scope="module")
def inputs():
    return prepare(FACTUAL)


@pytest.fixture(scope="module")
def reversed_inputs():
    return prepare(REVERSED)


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("months", [0, -1, 241, 3.0, "12", None])
def test_months_out_of_range_is_invalid(months):
    with pytest.raises(InvalidParameterError, match="months"):
        SimulationSpec(START, months)


def test_unknown_param_is_invalid():
    with pytest.raises(InvalidParameterError, match="temperature"):
        SimulationSpec(START, 12, params={"temperature": 1.0})


@pytest.mark.parametrize("runs", [0, -5, 1.5, 1_000_001])
def test_bad_runs_is_invalid(inputs, runs):
    with pytest.raises(InvalidParameterError, match="runs"):
        run_ensemble(FACTUAL, runs=runs, inputs=inputs)


@pytest.mark.parametrize("seed", [-1, -(2**40), 1.5, "7"])
def test_bad_seed_is_invalid(inputs, seed):
    with pytest.raises(InvalidParameterError, match="seed"):
        run_ensemble(FACTUAL, runs=10, seed=seed, inputs=inputs)


def test_bad_batch_size_is_invalid(inputs):
    with pytest.raises(InvalidParameterError, match="batch_size"):
        run_ensemble(FACTUAL, runs=10, batch_size=0, inputs=inputs)


def test_unknown_outcome_is_invalid():
    with pytest.raises(InvalidParameterError, match="outcome"):
        prepare(SimulationSpec(START, 6, (("stalingrad", "draw"),)))


# ----------------------------------------------------------------------------- inputs and draws


def test_inputs_shapes_and_cores(inputs):
    n, T = len(inputs.ccodes), len(inputs.days)
    assert T == 34 and inputs.days[0] == dt.date(1942, 9, 15) and inputs.days[-1] == dt.date(1945, 6, 15)
    assert inputs.F.shape[1:] == (n, n) and inputs.L.shape == (n, n) and inputs.cap_mult.shape == (T, n)
    assert set(inputs.ccodes[inputs.core].tolist()) == set(CORES[139])
    assert set(np.unique(inputs.init_side).tolist()) <= {0, 1, 2}
    side = dict(zip(inputs.ccodes.tolist(), inputs.init_side.tolist(), strict=True))
    assert side[2] == side[200] == side[365] == 1 and side[255] == side[325] == side[360] == 2
    # Stalingrad ends 1943-02-02: the Allies' credibility jumps on the first observation day after it
    t_feb = inputs.days.index(dt.date(1943, 2, 15))
    assert inputs.cred[t_feb, 1] > inputs.cred[t_feb - 1, 1]


def test_replicate_draws_replay_one_by_one(inputs):
    seeds = np.random.SeedSequence(42).spawn(8)
    theta, pcoef, cs, ks = replicate_draws(inputs, seeds)
    for r in (0, 3, 7):
        t1, p1, c1, k1 = replicate_draws(inputs, [seeds[r]])
        np.testing.assert_array_equal(t1[0], theta[r])
        np.testing.assert_array_equal(p1[0], pcoef[r])
        assert c1[0] == cs[r] and k1[0] == ks[r]
    assert len(set(ks.tolist())) == 8 and (cs > 0).all()


def test_fixed_params_are_not_drawn(inputs):
    fixed = np.full(5, np.nan)
    fixed[PARAMS.index("stay")] = 2.5
    theta, *_ = replicate_draws(replace(inputs, fixed=fixed), np.random.SeedSequence(1).spawn(20))
    assert (theta[:, PARAMS.index("stay")] == 2.5).all()
    assert np.unique(theta[:, PARAMS.index("affinity")]).size == 20


# ----------------------------------------------------------------------------- kernel invariants


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**63 - 1),
    R=st.integers(1, 4),
    fixed=st.dictionaries(st.sampled_from(PARAMS), st.floats(-30, 30), max_size=3),
)
def test_simulate_invariants(inputs, seed, R, fixed):
    fx = np.full(5, np.nan)
    for k, v in fixed.items():
        fx[PARAMS.index(k)] = v
    inp = replace(inputs, fixed=fx)
    seeds = np.random.SeedSequence(seed).spawn(R)
    sides, shares, draws = simulate(inp, seeds)
    assert sides.shape == (R, len(inp.days), len(inp.ccodes)) and sides.dtype == np.int8
    assert set(np.unique(sides).tolist()) <= {0, 1, 2}
    assert (sides[:, :, inp.core] == inp.init_side[inp.core]).all(), "core states never change side"
    np.testing.assert_allclose(shares.sum(axis=2), 1.0, atol=1e-9)
    assert (shares >= 0).all()
    # the same seeds replay the same replicates
    sides2, shares2, _ = simulate(inp, seeds)
    np.testing.assert_array_equal(sides, sides2)
    np.testing.assert_array_equal(shares, shares2)
    # probabilities across the replicates sum to one per state and month
    counts = np.stack([(sides == a).sum(axis=0) for a in range(3)], axis=-1) / R
    np.testing.assert_allclose(counts.sum(axis=-1), 1.0)


@st.composite
def _synthetic(draw):
    n = draw(st.integers(2, 7))
    T = draw(st.integers(1, 5))
    R = draw(st.integers(1, 3))
    K = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    big = draw(st.sampled_from([1.0, 50.0, 700.0]))  # extreme utilities must not overflow the softmax
    theta = rng.normal(0, big, (R, 5))
    pcoef = rng.normal(0, 1, (R, K))
    cred = rng.normal(0, 0.3, (T, 3))
    F = rng.normal(0, 1, (K, n, n))
    L = (rng.random((n, n)) < 0.4).astype(float)
    L = np.maximum(L, L.T)
    w = rng.random(n) * draw(st.sampled_from([0.0, 1.0]))  # all-zero capabilities too
    core = rng.random(n) < 0.3
    init = rng.integers(0, 3, n).astype(np.int64)
    cap = rng.uniform(0.5, 1.5, (T, n))
    return theta, pcoef, np.exp(rng.normal(0, 0.25, R)), rng.integers(0, 2**31 - 1, R), F, L, w, core, init, cap, cred


@settings(max_examples=60, deadline=None)
@given(args=_synthetic())
def test_kernel_invariants_on_synthetic_inputs(args):
    theta, pcoef, cs, ks, F, L, w, core, init, cap, cred = args
    R, T, n = theta.shape[0], cap.shape[0], len(w)
    sides = np.full((R, T, n), -1, dtype=np.int8)
    shares = np.full((R, T, 3), -1.0)
    _run_kernel(theta, pcoef, cs, ks, F, L, w, core, init, cap, cred, sides, shares)
    assert set(np.unique(sides).tolist()) <= {0, 1, 2}
    assert (sides[:, :, core] == init[core]).all()
    assert np.isfinite(shares).all() and (shares >= 0).all()
    tot = shares.sum(axis=2)
    assert np.allclose(tot, 1.0) or (w.sum() == 0 and np.allclose(tot, 0.0))


# ----------------------------------------------------------------------------- the flagship run


def test_side_labels():
    assert SIDE_LABELS == ("neutral", "allies", "axis")


@pytest.fixture(scope="module")
def flagship(inputs, reversed_inputs):
    f = run_ensemble(FACTUAL, runs=2000, seed=19430202, batch_size=1000, inputs=inputs)
    r = run_ensemble(REVERSED, runs=2000, seed=19430202, batch_size=1000, inputs=reversed_inputs)
    return f, r


@pytest.mark.parametrize("ccode", sorted(MINOR_AXIS))
def test_minor_axis_allies_drift_away_and_more_after_the_real_stalingrad(flagship, ccode):
    """Documented model behaviour (issue 3, done means): from information up to the start day, the
    factual run gives Italy, Romania, Bulgaria and Finland a rising P(not axis) and a higher one in
    1945-01 than the counterfactual (German victory at Stalingrad) run."""
    f, r = flagship
    months = [d.strftime("%Y-%m") for d in f.days]
    i = f.ccodes.index(ccode)
    not_axis_f = 1 - f.p_side[:, i, 2]
    not_axis_r = 1 - r.p_side[:, i, 2]
    checkpoints = [months.index(m) for m in ("1942-12", "1943-06", "1943-12", "1944-06", "1945-01")]
    assert np.all(np.diff(not_axis_f[checkpoints]) > 0), (MINOR_AXIS[ccode], not_axis_f[checkpoints])
    jan45 = months.index("1945-01")
    assert not_axis_f[jan45] > not_axis_r[jan45], (MINOR_AXIS[ccode], not_axis_f[jan45], not_axis_r[jan45])
    # on the start day they are Axis members
    assert f.p_side[0, i, 2] > 0.9


def test_spec_start_as_text_is_parsed_or_refused():
    """Issue 12: SimulationSpec(start="1942-08-01") is read as a date; malformed text is a clear error."""
    import datetime as dt

    import pytest

    from realign.errors import RealignError
    from realign.simulation.engine import SimulationSpec

    assert SimulationSpec(start="1942-08-01", months=3).start == dt.date(1942, 8, 1)
    with pytest.raises(RealignError):
        SimulationSpec(start="August 1942", months=3)
