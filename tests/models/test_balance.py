"""Structural balance (Cartwright & Harary 1956; Antal et al. 2005; Marvel et al. 2009), issue 6."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.errors import InvalidParameterError
from realign.models.balance import (
    balance_scores,
    clusters,
    continuous_dynamics,
    frustration_index,
    is_balanced,
    is_k_balanced,
    signed_network,
    triad_dynamics,
    triangle_index,
)


def _random_signed(seed, n, density=0.6):
    rng = np.random.default_rng(seed)
    return [(i, j, int(rng.choice([-1, 1]))) for i, j in itertools.combinations(range(n), 2) if rng.random() < density]


def _brute_frustration(edges, n):
    best = None
    for bits in range(1 << n):
        side = [(bits >> i) & 1 for i in range(n)]
        f = sum(1 for a, b, s in edges if (s < 0) == (side[a] == side[b]))
        best = f if best is None else min(best, f)
    return best


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(2, 9))
def test_frustration_matches_brute_force(seed, n):
    edges = _random_signed(seed, n)
    if not edges:
        return
    nodes = sorted({v for e in edges for v in e[:2]})
    remap = {v: i for i, v in enumerate(nodes)}
    e2 = [(remap[a], remap[b], s) for a, b, s in edges]
    r = frustration_index(edges)
    assert r.frustration == _brute_frustration(e2, len(nodes))
    assert r.exact


def _balanced(seed, n):
    rng = np.random.default_rng(seed)
    side = rng.integers(0, 2, n)
    return [
        (i, j, 1 if side[i] == side[j] else -1) for i, j in itertools.combinations(range(n), 2) if rng.random() < 0.7
    ], side


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(3, 12))
def test_balanced_graph_zero_frustration_and_fixed_by_triads(seed, n):
    edges, _ = _balanced(seed, n)
    if not edges:
        return
    assert frustration_index(edges).frustration == 0
    assert is_balanced(edges)
    net = signed_network(edges)
    r = triad_dynamics(net, seed=seed)
    assert r.converged and r.steps == 0
    assert np.array_equal(r.final.A, net.A)


def test_triangle_index_and_scores():
    assert triangle_index([(0, 1, 1), (1, 2, 1), (0, 2, -1)]) == 0.0
    assert np.isnan(triangle_index([(0, 1, 1)]))
    s = balance_scores([(0, 1, -1), (1, 2, -1), (0, 2, -1)])
    assert s["frustration"] == 1 and not s["balanced"] and s["clusterable"]


def test_generalized_balance():
    tri = [(0, 1, -1), (1, 2, -1), (0, 2, -1)]
    assert clusters(tri) == [[0], [1], [2]]
    assert is_k_balanced(tri, 3) and not is_k_balanced(tri, 2)
    assert clusters([(0, 1, 1), (1, 2, 1), (0, 2, -1)]) is None


def test_triad_dynamics_reaches_balance_on_complete_graph():
    edges = _random_signed(3, 14, density=1.0)
    r = triad_dynamics(edges, seed=1)
    assert r.converged
    assert is_balanced(r.final) or clusters(r.final) is not None
    assert sorted(v for f in r.factions for v in f) == list(range(14))
    assert triad_dynamics(edges, seed=1).factions == r.factions


def test_continuous_dynamics_recovers_two_factions():
    n = 12
    side = np.array([0] * 5 + [1] * 7)
    edges = [(i, j, 1 if side[i] == side[j] else -1) for i, j in itertools.combinations(range(n), 2)]
    r = continuous_dynamics(edges, seed=4, noise=0.05)
    assert r.converged
    assert sorted(map(sorted, r.factions)) == [list(range(5)), list(range(5, 12))]


def test_inputs_networkx_and_errors():
    g = nx.Graph()
    g.add_edge("a", "b", sign=1)
    g.add_edge("b", "c", sign=-1)
    assert frustration_index(g).frustration == 0
    with pytest.raises(InvalidParameterError, match="row 1"):
        signed_network([("a", "b", 1), ("b", "c", 0)])
    with pytest.raises(InvalidParameterError, match="self loop"):
        signed_network([("a", "a", 1)])


def test_large_component_uses_bnb():
    edges = _random_signed(9, 36, density=0.3)
    r = frustration_index(edges)
    assert r.exact and r.frustration > 0


def test_a_negative_pair_beside_a_frustrated_triangle_is_split():
    # found by hypothesis: a two-node component with a negative edge was left unsplit when another component
    # was unbalanced, so the index counted a frustration that a partition avoids
    edges = [(0, 4, -1), (0, 5, -1), (1, 3, -1), (2, 6, -1), (3, 5, -1), (4, 5, -1)]
    r = frustration_index(edges)
    assert r.frustration == 1 and r.exact
