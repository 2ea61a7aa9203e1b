"""Restarted tabu search and pooled ensembles (issue 14): exact on small instances, reproducible."""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from realign.solvers.exact import brute_force, couplings
from realign.solvers.heuristic import labels_energy, solve_ensemble
from realign.solvers.pool import solve_ensemble_pool
from realign.solvers.restarts import low_minima_pool, tabu_restarts

_coef = st.floats(-1.0, 1.0, allow_nan=False, allow_subnormal=False)


@st.composite
def landscapes(draw, n_min=2, n_max=9):
    n = draw(st.integers(n_min, n_max))
    sizes = draw(arrays(np.float64, n, elements=st.floats(0.1, 3.0)))
    p = np.triu(draw(arrays(np.float64, (n, n), elements=_coef)), 1)
    return sizes, p + p.T


@settings(max_examples=60, deadline=None)
@given(landscapes(), st.integers(0, 2**31))
def test_tabu_restarts_equals_brute_force(inst, seed):
    w = couplings(*inst)
    r = tabu_restarts(w, 64, seed=seed)
    best, _, _ = brute_force(w)
    tol = 1e-9 * max(1.0, np.abs(w).sum())
    assert abs(r.energy - best) <= tol
    assert abs(labels_energy(w, r.labels) - r.energy) <= tol
    assert np.allclose(labels_energy(w, r.run_labels), r.run_energies, atol=tol)
    assert np.all(r.run_labels[:, 0] == 0)
    assert r.n_runs == 64 and 1 <= r.n_found <= 64


@settings(max_examples=25, deadline=None)
@given(landscapes(3, 9), st.integers(0, 2**31))
def test_pool_ensemble_equals_brute_force(inst, seed):
    """N <= exact_n: every member is enumerated, so every answer is the exact optimum."""
    sizes, p = inst
    ens = solve_ensemble_pool(sizes, p, 12, seed=seed, n_calibrate=4)
    for i in range(12):
        w = ens.couplings(sizes, p, i)
        tol = 1e-9 * max(1.0, np.abs(w).sum())
        assert abs(labels_energy(w, ens.labels[i]) - ens.energies[i]) <= tol
        assert abs(brute_force(w)[0] - ens.energies[i]) <= tol


@settings(max_examples=25, deadline=None)
@given(landscapes(3, 9), st.integers(0, 2**31))
def test_pool_ensemble_heuristic_path_reports_true_energies(inst, seed):
    """The heuristic path (enumeration off) never reports an energy its labels do not have, nor one below
    the optimum."""
    sizes, p = inst
    ens = solve_ensemble_pool(sizes, p, 12, seed=seed, n_calibrate=4, exact_n=0)
    for i in range(12):
        w = ens.couplings(sizes, p, i)
        tol = 1e-9 * max(1.0, np.abs(w).sum())
        assert abs(labels_energy(w, ens.labels[i]) - ens.energies[i]) <= tol
        assert ens.energies[i] >= brute_force(w)[0] - tol


def test_same_seed_same_result_whatever_the_threads():
    rng = np.random.default_rng(3)
    p = np.triu(rng.choice([-1.0, 1.0], (30, 30)), 1)
    p = p + p.T
    w = couplings(np.ones(30), p)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = tabu_restarts(w, 300, seed=9)
        ea = solve_ensemble_pool(np.ones(30), p, 200, seed=4)
        numba.set_num_threads(threads)
        b = tabu_restarts(w, 300, seed=9)
        eb = solve_ensemble_pool(np.ones(30), p, 200, seed=4)
    finally:
        numba.set_num_threads(threads)
    assert np.array_equal(a.run_labels, b.run_labels) and np.array_equal(a.run_energies, b.run_energies)
    assert np.array_equal(ea.labels, eb.labels) and np.array_equal(ea.energies, eb.energies)
    assert not np.array_equal(a.run_labels, tabu_restarts(w, 300, seed=10).run_labels)


def test_pool_ensemble_rebuilds_the_instances_of_solve_ensemble():
    rng = np.random.default_rng(1)
    p = np.triu(rng.choice([-1.0, 1.0], (16, 16)), 1)
    p = p + p.T
    a = solve_ensemble_pool(np.ones(16), p, 50, seed=2)
    b = solve_ensemble(np.ones(16), p, 50, seed=2)
    for i in range(50):
        assert np.array_equal(a.couplings(np.ones(16), p, i), b.couplings(np.ones(16), p, i))
        w = a.couplings(np.ones(16), p, i)
        assert abs(a.energies[i] - brute_force(w)[0]) < 1e-9  # heuristic path (N=16 > exact_n): all 50 exact


def test_low_minima_pool_sorted_and_distinct():
    w = couplings(np.ones(12), np.sign(np.random.default_rng(0).normal(size=(12, 12))))
    w = (w + w.T) / 2
    np.fill_diagonal(w, 0.0)
    pool = low_minima_pool(w, 8, n_runs=500)
    e = labels_energy(w, pool)
    assert len({r.tobytes() for r in pool}) == len(pool) and np.all(np.diff(e) >= -1e-9)
    assert abs(e[0] - brute_force(w)[0]) < 1e-9


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda w: tabu_restarts(w, 0), "'n_runs' parameter of tabu_restarts must be an int >= 1. Got 0"),
        (lambda w: tabu_restarts(w, 5, iters_per_n=-1), "'iters_per_n'"),
        (lambda w: tabu_restarts(w, 5, tenure=2.5), "'tenure'"),
        (lambda w: tabu_restarts(w[:2], 5), "square"),
        (lambda w: solve_ensemble_pool(np.ones(3), w[:2, :2], 5), r"\(3, 3\) matrix"),
        (lambda w: solve_ensemble_pool(np.ones(3), w, 0), "'n_instances'"),
        (lambda w: low_minima_pool(w, 0), "'size'"),
    ],
)
def test_bad_input_gets_a_clear_error(call, match):
    w = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    with pytest.raises(ValueError, match=match):
        call(w)
