"""k-coalition solvers against brute force (issue 6)."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.solvers.exact import couplings, solve_exact
from realign.solvers.kway import (
    canonical_labels,
    is_kway_local_minimum,
    kway_energy,
    n_partitions,
    solve_kway_exact,
    solve_kway_heuristic,
)


def _w(seed, n):
    rng = np.random.default_rng(seed)
    p = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    return couplings(rng.lognormal(size=n), p + p.T)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 7), k=st.integers(2, 4))
def test_kway_exact_equals_brute_force(seed, n, k):
    w = _w(seed, n)
    parts = {}
    for lab in itertools.product(range(k), repeat=n):
        c = tuple(canonical_labels(np.array(lab)).tolist())
        parts[c] = kway_energy(w, np.array(lab))
    assert len(parts) == n_partitions(n, k)
    r = solve_kway_exact(w, k)
    assert abs(r.energy - min(parts.values())) < 1e-9
    brute = sorted(c for c in parts if is_kway_local_minimum(w, np.array(c), k))
    assert sorted(tuple(x) for x in r.minima_labels.tolist()) == brute


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(2, 8), perm_seed=st.integers(0, 100))
def test_energy_invariant_under_relabelling(seed, n, perm_seed):
    w = _w(seed, n)
    rng = np.random.default_rng(perm_seed)
    lab = rng.integers(0, 4, n)
    perm = rng.permutation(4)
    assert abs(kway_energy(w, lab) - kway_energy(w, perm[lab])) < 1e-9
    assert np.array_equal(canonical_labels(lab), canonical_labels(perm[lab]))


def test_k2_matches_two_coalition_solver():
    for seed in range(4):
        w = _w(seed, 10)
        a, b = solve_kway_exact(w, 2), solve_exact(w)
        assert abs(a.energy - b.energy) < 1e-9
        assert len(a.minima_labels) == len(b.minima_states)


def test_heuristic_reaches_exact():
    for seed in range(3):
        w = _w(seed, 11)
        assert abs(solve_kway_heuristic(w, 3, seed=seed).energy - solve_kway_exact(w, 3).energy) < 1e-9
