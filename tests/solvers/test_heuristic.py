"""Heuristics: descent, tabu, ensembles (issue 6)."""

import numpy as np

from realign.solvers.exact import couplings, solve_exact
from realign.solvers.heuristic import (
    descend_labels,
    labels_energy,
    solve_ensemble,
    steepest_descent,
    tabu_search,
)


def _w(seed, n):
    rng = np.random.default_rng(seed)
    p = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    return couplings(rng.lognormal(size=n), p + p.T)


def test_tabu_finds_exact_optimum():
    for seed in range(5):
        w = _w(seed, 20)
        r = tabu_search(w, n_restarts=32, seed=seed)
        assert abs(r.energy - solve_exact(w).energy) < 1e-8
        assert r.n_found >= 1 and r.n_runs == 32
        assert abs(labels_energy(w, r.labels) - r.energy) < 1e-8


def test_descent_ends_are_local_minima_and_reproducible():
    w = _w(1, 25)
    a = steepest_descent(w, n_restarts=200, seed=5)
    b = steepest_descent(w, n_restarts=200, seed=5)
    assert np.array_equal(a.run_labels, b.run_labels)
    for lab in a.run_labels[:50]:
        s = 1.0 - 2.0 * lab
        assert np.all(s * (w @ s) >= -1e-9)
    assert np.all(a.run_labels[:, 0] == 0)


def test_descend_labels_fixed_points():
    w = _w(2, 12)
    ends = descend_labels(w, np.random.default_rng(0).integers(0, 2, (100, 12)))
    assert np.array_equal(descend_labels(w, ends), ends)


def test_ensemble_matches_reference():
    rng = np.random.default_rng(4)
    n = 24
    sizes = rng.lognormal(size=n)
    bloc = rng.integers(0, 2, n)
    p = np.where(bloc[:, None] == bloc[None, :], 1.0, -1.0) + 0.3 * rng.normal(size=(n, n))
    p = np.triu(p, 1)
    p = p + p.T
    ens = solve_ensemble(sizes, p, 40, seed=3)
    assert ens.labels.shape == (40, n)
    again = solve_ensemble(sizes, p, 40, seed=3)
    assert np.array_equal(ens.energies, again.energies)
    for i in range(0, 40, 8):
        w = ens.couplings(sizes, p, i)
        assert np.allclose(w, w.T)
        assert abs(labels_energy(w, ens.labels[i]) - ens.energies[i]) < 1e-8
        assert abs(solve_exact(w).energy - ens.energies[i]) < 1e-8
