"""Threshold-accepting sweeps in SIMD lanes (issue 14): every run a true local minimum with its exact energy,
reproducible whatever the threads, and the global minimum on small instances."""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from realign.solvers.exact import brute_force, couplings, default_tol
from realign.solvers.heuristic import labels_energy
from realign.solvers.sweeps import LANES, sweep_restarts


@st.composite
def coupling_matrices(draw, n_min=1, n_max=10):
    """Symmetric zero-diagonal couplings, with entries spread over 12 orders of magnitude (float32
    rounding of the fields must not leave a run short of a local minimum)."""
    n = draw(st.integers(n_min, n_max))
    mant = draw(arrays(np.float64, (n, n), elements=st.floats(-1.0, 1.0, allow_subnormal=False)))
    expo = draw(arrays(np.int64, (n, n), elements=st.integers(-6, 6)))
    w = np.triu(mant * 10.0**expo, 1)
    return w + w.T


def _flip_costs(w: np.ndarray, labels: np.ndarray) -> np.ndarray:
    s = 1.0 - 2.0 * labels.astype(np.float64)
    return s * (s @ w)


@settings(max_examples=80, deadline=None)
@given(coupling_matrices(), st.integers(0, 2**31), st.integers(0, 8), st.floats(0.0, 3.0))
def test_every_run_ends_at_a_local_minimum_with_its_exact_energy(w, seed, sweeps, threshold):
    r = sweep_restarts(w, 70, seed=seed, sweeps=sweeps, threshold=threshold)
    tol = default_tol(w)
    assert r.run_labels.shape == (70, w.shape[0]) and r.n_runs == 70
    assert np.all(r.run_labels[:, 0] == 0)
    assert np.allclose(labels_energy(w, r.run_labels), r.run_energies, rtol=0, atol=tol)
    assert np.all(_flip_costs(w, r.run_labels) >= -tol)
    assert r.energy >= brute_force(w)[0] - tol
    assert r.energy == r.run_energies.min() and 1 <= r.n_found <= 70


@pytest.mark.parametrize("seed", range(6))
def test_finds_the_global_minimum_of_small_landscapes(seed):
    rng = np.random.default_rng(seed)
    n = 8 + seed
    p = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    w = couplings(rng.lognormal(size=n), p + p.T)
    best, _, _ = brute_force(w)
    r = sweep_restarts(w, 256, seed=seed)
    assert abs(r.energy - best) <= default_tol(w)
    assert abs(labels_energy(w, r.labels) - best) <= default_tol(w)


def test_sk_instance_beyond_one_word_of_lanes():
    """N = 80 spins (more spins than lanes): every run is a local minimum with its exact energy."""
    rng = np.random.default_rng(0)
    p = np.triu(rng.choice([-1.0, 1.0], (80, 80)), 1)
    w = couplings(np.ones(80), p + p.T)
    r = sweep_restarts(w, 200, seed=3)
    assert np.all(_flip_costs(w, r.run_labels) >= -default_tol(w))
    assert np.allclose(labels_energy(w, r.run_labels), r.run_energies)


@pytest.mark.parametrize("seed", range(4))
def test_runs_float32_cannot_certify_are_finished_in_float64(seed):
    """Spin 2's two unit couplings cancel when spins 0 and 1 agree, so its flip cost is set by couplings of
    1e-6, below what float32 fields of unit size can certify: every such run is finished in float64 (checked
    once with the JIT off: all 64 lanes take that path) and must still end at a true local minimum."""
    rng = np.random.default_rng(seed)
    w = np.triu(rng.choice([-1e-6, 1e-6], (8, 8)), 1)
    w[0, 1], w[0, 2], w[1, 2] = 1.0, 1.0, -1.0
    w = w + w.T
    r = sweep_restarts(w, 64, seed=seed)
    tol = default_tol(w)
    assert tol < 1e-7  # the 1e-6 couplings matter at this tolerance
    assert np.all(_flip_costs(w, r.run_labels) >= -tol)
    assert np.allclose(labels_energy(w, r.run_labels), r.run_energies, rtol=0, atol=tol)
    assert abs(r.energy - brute_force(w)[0]) <= tol


def test_runs_are_fixed_by_seed_and_batch_whatever_the_threads():
    rng = np.random.default_rng(3)
    p = np.triu(rng.uniform(-1, 1, (30, 30)), 1)
    w = couplings(rng.lognormal(size=30), p + p.T)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = sweep_restarts(w, 300, seed=9)
    finally:
        numba.set_num_threads(threads)
    b = sweep_restarts(w, 300, seed=9)
    assert np.array_equal(a.run_labels, b.run_labels) and np.array_equal(a.run_energies, b.run_energies)
    # a run depends on (seed, batch) only: 300 runs are the first 300 of 5 full batches
    c = sweep_restarts(w, 5 * LANES, seed=9)
    assert np.array_equal(a.run_labels, c.run_labels[:300])
    assert not np.array_equal(a.run_labels, sweep_restarts(w, 300, seed=10).run_labels)


def test_thresholds_raise_the_success_rate_on_a_frustrated_instance():
    """The rule's point: uphill flips early lower the end energies against plain sequential descent."""
    rng = np.random.default_rng(11)
    p = np.triu(rng.uniform(-1, 1, (24, 24)), 1)
    w = couplings(rng.lognormal(size=24), p + p.T)
    plain = sweep_restarts(w, 4096, seed=1, sweeps=0)
    ta = sweep_restarts(w, 4096, seed=1)
    assert ta.run_energies.mean() < plain.run_energies.mean()


def test_single_spin_and_empty_landscapes():
    one = sweep_restarts(np.zeros((1, 1)), 3)
    assert one.energy == 0.0 and one.run_labels.tolist() == [[0], [0], [0]]
    empty = sweep_restarts(np.zeros((0, 0)), 2)
    assert empty.energy == 0.0 and empty.run_labels.shape == (2, 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_runs": 0}, "'n_runs' parameter of sweep_restarts must be an int >= 1. Got 0"),
        ({"n_runs": 2.0}, "'n_runs'"),
        ({"n_runs": True}, "'n_runs' parameter of sweep_restarts must be an int >= 1. Got True"),
        ({"sweeps": -1}, "'sweeps' parameter of sweep_restarts must be an int >= 0. Got -1"),
        ({"threshold": -0.5}, "'threshold' parameter of sweep_restarts must be a finite number >= 0"),
        ({"threshold": float("nan")}, "'threshold'"),
        ({"threshold": "0.2"}, "'threshold'"),
    ],
)
def test_bad_input_gets_a_clear_error(kwargs, match):
    w = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    with pytest.raises(ValueError, match=match):
        sweep_restarts(w, **kwargs)


def test_non_square_couplings_rejected():
    with pytest.raises(ValueError, match="square"):
        sweep_restarts(np.zeros((2, 3)))
