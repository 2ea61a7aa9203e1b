"""Pruned enumeration of local minima: equal to brute force on random small instances (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.solvers.exact import brute_force, couplings, default_tol
from realign.solvers.minima import MINIMA_MAX_N, enumerate_minima


def _brute_minima(w: np.ndarray) -> np.ndarray:
    """Every local minimum by checking all 2^(N-1) configurations (bit 0 clear)."""
    _, states, _ = brute_force(w)
    n = w.shape[0]
    spins = 1.0 - 2.0 * ((states[:, None] >> np.arange(n)) & 1)
    ok = np.all(spins * (spins @ w) >= -default_tol(w), axis=1)
    return np.sort(states[ok])


@st.composite
def instances(draw) -> np.ndarray:
    n = draw(st.integers(1, 14))
    seed = draw(st.integers(0, 2**31))
    kind = draw(st.sampled_from(["sk", "noise", "integer", "sparse"]))
    rng = np.random.default_rng(seed)
    sizes = np.ones(n) if kind in ("sk", "integer") else rng.lognormal(0, 1, n)
    if kind == "sk":
        p = rng.choice([-1.0, 1.0], (n, n))
    elif kind == "integer":  # many exact ties (s_i h_i == 0)
        p = rng.integers(-2, 3, (n, n)).astype(float)
    elif kind == "sparse":
        p = rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < 0.3)
    else:
        p = rng.uniform(-1, 1, (n, n))
    p = np.triu(p, 1)
    return couplings(sizes, p + p.T)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_equals_brute_force(w: np.ndarray) -> None:
    r = enumerate_minima(w)
    assert r.complete and not r.truncated
    assert np.array_equal(np.sort(r.minima_states), _brute_minima(w))
    best, _, energies = brute_force(w)
    assert r.energy == pytest.approx(best, abs=1e-9)
    assert r.n_minima >= len(r.minima_states)


@settings(max_examples=60, deadline=None)
@given(instances(), st.floats(-1.0, 6.0), st.floats(0.0, 1.0), st.floats(0.0, 2.0), st.floats(0.0, 3.0))
def test_any_subset_rule_is_exact(w: np.ndarray, thr: float, start: float, gate: float, weight: float) -> None:
    """The joint test on the unhappy states is a valid bound for every subset and non-negative weights, so every
    threshold, start depth, speed gate and weight must give the brute-force minima."""
    from realign.solvers import minima

    saved = minima.SUBSET_THR, minima.SUBSET_FROM, minima.SUBSET_GATE, minima.SUBSET_WEIGHT
    minima.SUBSET_THR, minima.SUBSET_FROM, minima.SUBSET_GATE, minima.SUBSET_WEIGHT = thr, start, gate, weight
    try:
        r = enumerate_minima(w)
    finally:
        minima.SUBSET_THR, minima.SUBSET_FROM, minima.SUBSET_GATE, minima.SUBSET_WEIGHT = saved
    assert r.complete and np.array_equal(np.sort(r.minima_states), _brute_minima(w))


def test_budget_exhausted_is_not_complete() -> None:
    rng = np.random.default_rng(0)
    p = np.triu(rng.choice([-1.0, 1.0], (24, 24)), 1)
    r = enumerate_minima(couplings(np.ones(24), p + p.T), max_nodes=100)
    assert not r.complete and r.nodes > 100


def test_storage_cap_is_not_complete() -> None:
    w = np.zeros((6, 6))  # every configuration is a (flat) local minimum: 32 of them
    r = enumerate_minima(w, max_minima=4)
    assert r.n_minima == 32 and len(r.minima_states) == 4 and r.truncated and not r.complete


@pytest.mark.parametrize(
    "w, msg",
    [
        (np.zeros((2, 3)), "square"),
        (np.array([[0, 1.0], [2.0, 0]]), "symmetric"),
        (np.full((2, 2), np.nan), "finite"),
        (np.zeros((MINIMA_MAX_N + 1,) * 2), "N <= "),
    ],
)
def test_bad_input_is_a_clear_error(w: np.ndarray, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        enumerate_minima(w)


def _sk(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = np.triu(rng.choice([-1.0, 1.0], (n, n)), 1)
    return np.ones(n), p + p.T


def test_landscape_auto_lists_every_minimum_past_the_enumeration_limit() -> None:
    from realign.models.landscape import Landscape

    sizes, p = _sk(16)
    pruned = Landscape(exact_max_n=10, minima_max_n=20).fit(sizes, p)
    full = Landscape(solver="exact").fit(sizes, p)
    assert pruned.solver_ == "minima" and pruned.complete_ and pruned.exact_
    assert [(m.energy, m.coalitions) for m in pruned.minima_] == [(m.energy, m.coalitions) for m in full.minima_]
    d = pruned.to_dict()
    assert d["complete"] is True and d["exact"] is True


def test_landscape_minima_budget_falls_back_to_bnb_and_says_incomplete() -> None:
    from realign.models.landscape import Landscape

    sizes, p = _sk(16)
    m = Landscape(solver="minima", minima_max_nodes=10).fit(sizes, p)
    full = Landscape(solver="exact").fit(sizes, p)
    assert m.solver_ == "bnb" and not m.complete_ and m.exact_
    assert m.energy_ == pytest.approx(full.energy_)
    assert m.to_dict()["complete"] is False


@pytest.mark.parametrize("split_cap", [1 << 14, 1])  # 1: every subtree overflows, the serial search reruns
def test_parallel_split_equals_gray_code(monkeypatch, split_cap: int) -> None:
    from realign.solvers import minima
    from realign.solvers.exact import solve_exact

    monkeypatch.setattr(minima, "SPLIT_CAP", split_cap)
    sizes, p = _sk(25, seed=3)
    w = couplings(sizes, p)
    r = enumerate_minima(w)
    e = solve_exact(w)
    assert r.complete and np.array_equal(r.minima_states, e.minima_states)
    assert np.allclose(r.minima_energies, e.minima_energies) and r.n_minima == e.n_minima


def test_parallel_split_budget_is_shared_and_reported() -> None:
    sizes, p = _sk(26)
    r = enumerate_minima(couplings(sizes, p), max_nodes=1000)
    assert not r.complete and r.nodes <= 1000 + 64


@pytest.mark.parametrize("n, seed", [(24, 0), (26, 0), (27, 5), (28, 0)])
def test_sk_minima_equal_gray_code(n: int, seed: int) -> None:
    """sk instances of the bench (equal sizes, +-1): the same minima, energies and count as the Gray code."""
    from realign.solvers.exact import solve_exact

    sizes, p = _sk(n, seed)
    w = couplings(sizes, p)
    r = enumerate_minima(w)
    e = solve_exact(w)
    assert r.complete and np.array_equal(r.minima_states, e.minima_states) and r.n_minima == e.n_minima
    assert np.array_equal(r.minima_energies, e.minima_energies)
