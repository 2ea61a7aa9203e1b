"""Structural balance of signed networks: scores, frustration, and dynamics.

* Balance (Cartwright & Harary 1956, *Psychological Review* 63): a signed graph is (strictly)
  balanced when its nodes split into two factions with positive edges inside and negative edges
  across; generalized/k-balance (Davis 1967, *Human Relations* 20) allows several factions
  ("clusterable": no cycle with exactly one negative edge).
* Triangle index: fraction of triangles whose sign product is positive.
* Frustration index: fewest edge sign flips making the graph balanced, i.e. the minimum over
  two-partitions of (#negative edges inside + #positive edges across). With couplings ``W = A``
  (the signed adjacency) this is ``#negative edges + min E`` of the two-coalition landscape energy,
  solved per connected component by Gray-code enumeration (<= 28 nodes), branch-and-bound, or tabu
  search beyond (then ``exact`` is False and the value is an upper bound).
* Dynamics: constrained triad dynamics (Antal, Krapivsky & Redner 2005, *Phys. Rev. E* 72, 036121)
  and the continuous model ``dX/dt = X²`` (Marvel, Strogatz & Kleinberg 2009, *PRL* 103, 198701;
  Marvel et al. 2011, *PNAS* 108, 1771), each returning the factions it ends in.

Inputs: a networkx graph whose edges carry ``sign`` (+1/-1), or an iterable of ``(a, b, sign)``.
Node order is the graph's node order (or order of first appearance in the edge list).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from numba import njit

from realign.errors import InvalidParameterError
from realign.solvers.heuristic import _randint, _seed_state, _uniform

__all__ = [
    "SignedNetwork",
    "FrustrationResult",
    "DynamicsResult",
    "signed_network",
    "triangle_index",
    "frustration_index",
    "is_balanced",
    "clusters",
    "is_k_balanced",
    "balance_scores",
    "triad_dynamics",
    "continuous_dynamics",
]

SignedInput = nx.Graph | Iterable[tuple[Hashable, Hashable, int]]


@dataclass
class SignedNetwork:
    """Nodes (list) and signed adjacency ``A`` (int8, symmetric, 0 = no edge)."""

    nodes: list[Hashable]
    A: np.ndarray

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Upper-triangle edge index arrays (i, j)."""
        return np.nonzero(np.triu(self.A, 1))

    def to_graph(self) -> nx.Graph:
        """networkx Graph with ``sign`` edge attributes."""
        g = nx.Graph()
        g.add_nodes_from(self.nodes)
        for i, j in zip(*self.edges(), strict=True):
            g.add_edge(self.nodes[i], self.nodes[j], sign=int(self.A[i, j]))
        return g


def signed_network(data: SignedInput | SignedNetwork) -> SignedNetwork:
    """Convert a networkx signed graph or ``(a, b, sign)`` rows to a :class:`SignedNetwork`.

    Errors (sign not ±1, self loops, contradictory duplicate edges) name the row/edge.

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        networkx Graph with a ``sign`` (+1/-1) edge attribute, or rows ``(a, b, sign)``; a
        SignedNetwork is returned as is.

    Returns
    -------
    SignedNetwork
        Nodes (graph order, or order of first appearance in the rows) and the int8 signed adjacency.

    Raises
    ------
    InvalidParameterError
        A row that is not ``(a, b, sign)``, a sign not +/-1, a self loop or a contradictory duplicate.

    Examples
    --------
    >>> net = signed_network([("a", "b", 1), ("b", "c", -1)])
    >>> net.nodes, net.A.tolist()
    (['a', 'b', 'c'], [[0, 1, 0], [1, 0, -1], [0, -1, 0]])
    """
    if isinstance(data, SignedNetwork):
        return data
    if isinstance(data, nx.Graph):
        nodes = list(data.nodes)
        rows = [(a, b, d.get("sign")) for a, b, d in data.edges(data=True)]
        where = "edge"
    else:
        rows = [tuple(r) for r in data]
        nodes = []
        where = "row"
    index = {v: i for i, v in enumerate(nodes)}
    for r in rows:
        for v in r[:2]:
            if v not in index:
                index[v] = len(nodes)
                nodes.append(v)
    a = np.zeros((len(nodes), len(nodes)), np.int8)
    for k, r in enumerate(rows):
        if len(r) != 3:
            raise InvalidParameterError(f"signed edge {where} {k}: expected (a, b, sign), got {r!r}")
        u, v, sgn = r
        label = f"{where} {k} ({u!r}, {v!r})"
        try:
            ok = float(sgn) in (1.0, -1.0)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise InvalidParameterError(f"signed edge {label}: sign must be +1 or -1, got {sgn!r}")
        if u == v:
            raise InvalidParameterError(f"signed edge {label}: self loop")
        i, j = index[u], index[v]
        if a[i, j] != 0 and a[i, j] != int(sgn):
            raise InvalidParameterError(f"signed edge {label}: contradicts an earlier edge with sign {a[i, j]}")
        a[i, j] = a[j, i] = int(sgn)
    return SignedNetwork(nodes, a)


def _triangles(a: np.ndarray) -> tuple[int, int]:
    af = a.astype(np.float64)
    ab = np.abs(af)
    total = int(round(np.trace(ab @ ab @ ab) / 6))
    signed = np.trace(af @ af @ af) / 6  # balanced - imbalanced
    balanced = int(round((total + signed) / 2))
    return balanced, total


def triangle_index(data: SignedInput | SignedNetwork) -> float:
    """Fraction of triangles that are balanced (sign product +1); NaN if there are none.

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.

    Returns
    -------
    float
        Balanced triangles / all triangles, in [0, 1]; NaN without triangles.

    Examples
    --------
    >>> triangle_index([(0, 1, 1), (1, 2, -1), (0, 2, -1), (2, 3, 1), (1, 3, 1)])
    0.5
    """
    net = signed_network(data)
    b, t = _triangles(net.A)
    return float("nan") if t == 0 else b / t


def _components(a: np.ndarray) -> list[np.ndarray]:
    n = a.shape[0]
    seen = np.zeros(n, bool)
    comps = []
    for s in range(n):
        if seen[s]:
            continue
        stack = [s]
        seen[s] = True
        comp = []
        while stack:
            v = stack.pop()
            comp.append(v)
            for u in np.nonzero(a[v])[0]:
                if not seen[u]:
                    seen[u] = True
                    stack.append(int(u))
        comps.append(np.array(sorted(comp)))
    return comps


def _two_coloring(a: np.ndarray) -> np.ndarray | None:
    """Side (0/1) per node making every edge agree with its sign, or None (strict balance test)."""
    n = a.shape[0]
    side = -np.ones(n, np.int64)
    for s in range(n):
        if side[s] >= 0:
            continue
        side[s] = 0
        stack = [s]
        while stack:
            v = stack.pop()
            for u in np.nonzero(a[v])[0]:
                want = side[v] if a[v, u] > 0 else 1 - side[v]
                if side[u] < 0:
                    side[u] = want
                    stack.append(int(u))
                elif side[u] != want:
                    return None
    return side


@dataclass
class FrustrationResult:
    """``frustration`` (int), the two-faction ``labels`` (0/1 per node) achieving it, ``factions``
    (lists of nodes) and ``exact`` (False when a component was too large to prove optimal)."""

    frustration: int
    labels: np.ndarray
    factions: list[list[Hashable]]
    exact: bool


def _factions_from_labels(labels: np.ndarray, nodes: list[Hashable]) -> list[list[Hashable]]:
    groups: dict[int, list[Hashable]] = {}
    for v, lab in zip(nodes, np.asarray(labels).tolist(), strict=True):
        groups.setdefault(lab, []).append(v)
    return list(groups.values())


def frustration_index(
    data: SignedInput | SignedNetwork, *, exact_max_n: int = 28, bnb_max_n: int = 200, seed: int = 0
) -> FrustrationResult:
    """Fewest sign flips that make the network balanced (two factions), with the partition.

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.
    exact_max_n, bnb_max_n : int, default 28, 200
        Largest component solved by enumeration; by branch-and-bound (then tabu search, ``exact=False``).
    seed : int, default 0
        Seed of the tabu search fallback.

    Returns
    -------
    FrustrationResult
        Frustration (number of edges), 0/1 labels, factions and ``exact``.

    Examples
    --------
    >>> frustration_index([(0, 1, -1), (1, 2, -1), (0, 2, -1)]).frustration
    1
    >>> frustration_index([(0, 1, 1), (1, 2, -1), (0, 2, -1)]).frustration
    0
    """
    from realign.solvers.bnb import solve_bnb
    from realign.solvers.exact import solve_exact
    from realign.solvers.heuristic import tabu_search

    net = signed_network(data)
    a = net.A
    n = a.shape[0]
    labels = np.zeros(n, np.int8)
    if n == 0:
        return FrustrationResult(0, labels, [], True)
    side = _two_coloring(a)
    if side is not None:
        labels = (side != side[0]).astype(np.int8)
        return FrustrationResult(0, labels, _factions_from_labels(labels, net.nodes), True)
    exact = True
    for comp in _components(a):
        if len(comp) < 2:  # an isolated node has no edge to frustrate (a pair with a negative edge must be split)
            continue
        w = a[np.ix_(comp, comp)].astype(np.float64)
        if len(comp) <= exact_max_n:
            r = solve_exact(w, max_minima=16)
            lab = ((r.state >> np.arange(len(comp))) & 1).astype(np.int8)
        else:
            b = solve_bnb(w, max_nodes=50_000_000) if len(comp) <= bnb_max_n else None
            if b is not None and b.exact:
                lab = b.labels
            else:
                exact = False
                lab = tabu_search(w, n_restarts=64, seed=seed).labels
        labels[comp] = lab
    labels = (labels != labels[0]).astype(np.int8)
    same = labels[:, None] == labels[None, :]
    up = np.triu(np.ones_like(a, dtype=bool), 1)
    frus = int(np.sum(up & (((a < 0) & same) | ((a > 0) & ~same))))
    return FrustrationResult(frus, labels, _factions_from_labels(labels, net.nodes), exact)


def is_balanced(data: SignedInput | SignedNetwork) -> bool:
    """Strict structural balance (Cartwright & Harary 1956): two factions explain every sign.

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.

    Returns
    -------
    bool
        True if two factions (one possibly empty) explain every sign.

    Examples
    --------
    >>> is_balanced([(0, 1, 1), (1, 2, -1), (0, 2, -1)]), is_balanced([(0, 1, -1), (1, 2, -1), (0, 2, -1)])
    (True, False)
    """
    return _two_coloring(signed_network(data).A) is not None


def clusters(data: SignedInput | SignedNetwork) -> list[list[Hashable]] | None:
    """Factions of generalized balance (Davis 1967): the components of the positive edges, or
    None when a negative edge lies inside one (the network is not clusterable).

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.

    Returns
    -------
    list[list[Hashable]] or None
        The factions (lists of nodes), or None if not clusterable.

    Examples
    --------
    >>> clusters([(0, 1, -1), (1, 2, -1), (0, 2, -1)])
    [[0], [1], [2]]
    """
    net = signed_network(data)
    pos = (net.A > 0).astype(np.int8)
    comps = _components(pos)
    comp_of = np.empty(len(net.nodes), np.int64)
    for c, members in enumerate(comps):
        comp_of[members] = c
    ii, jj = np.nonzero(np.triu(net.A < 0, 1))
    if np.any(comp_of[ii] == comp_of[jj]):
        return None
    return [[net.nodes[i] for i in members] for members in comps]


def is_k_balanced(data: SignedInput | SignedNetwork, k: int | None = None) -> bool:
    """Generalized (k-)balance: clusterable into at most ``k`` factions (any number if None).

    The positive components must be colourable with ``k`` colours along the negative edges; checked
    by backtracking (small quotient graphs).

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.
    k : int or None, default None
        Largest number of factions; None for any number.

    Returns
    -------
    bool
        True if clusterable into at most ``k`` factions.

    Examples
    --------
    >>> tri = [(0, 1, -1), (1, 2, -1), (0, 2, -1)]
    >>> is_k_balanced(tri), is_k_balanced(tri, 2), is_k_balanced(tri, 3)
    (True, False, True)
    """
    net = signed_network(data)
    cl = clusters(net)
    if cl is None:
        return False
    if k is None or len(cl) <= k:
        return True
    index = {v: i for i, v in enumerate(net.nodes)}
    comp_of = np.empty(len(net.nodes), np.int64)
    for c, members in enumerate(cl):
        comp_of[[index[v] for v in members]] = c
    m = len(cl)
    adj = [set() for _ in range(m)]
    for i, j in zip(*np.nonzero(np.triu(net.A < 0, 1)), strict=True):
        adj[comp_of[i]].add(int(comp_of[j]))
        adj[comp_of[j]].add(int(comp_of[i]))
    order = sorted(range(m), key=lambda v: -len(adj[v]))
    color = [-1] * m

    def place(t: int) -> bool:
        if t == m:
            return True
        v = order[t]
        used = {color[u] for u in adj[v]}
        for c in range(k):
            if c not in used:
                color[v] = c
                if place(t + 1):
                    return True
                color[v] = -1
        return False

    return place(0)


def balance_scores(data: SignedInput | SignedNetwork) -> dict[str, Any]:
    """Triangle index, frustration (and normalised 1 - F/m), strict and generalized balance.

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.

    Returns
    -------
    dict[str, Any]
        ``triangle_index``, ``frustration``, ``frustration_exact``, ``normalized_balance``,
        ``balanced``, ``clusterable``, ``n_edges``.

    Examples
    --------
    >>> s = balance_scores([(0, 1, 1), (1, 2, -1), (0, 2, -1)])
    >>> s["triangle_index"], s["frustration"], s["balanced"], s["clusterable"]
    (1.0, 0, True, True)
    """
    net = signed_network(data)
    f = frustration_index(net)
    m = int(np.count_nonzero(np.triu(net.A, 1)))
    return {
        "triangle_index": triangle_index(net),
        "frustration": f.frustration,
        "frustration_exact": f.exact,
        "normalized_balance": 1.0 - f.frustration / m if m else 1.0,
        "balanced": f.frustration == 0,
        "clusterable": clusters(net) is not None,
        "n_edges": m,
    }


# ---------------------------------------------------------------------------------------- dynamics


@dataclass
class DynamicsResult:
    """Factions the dynamics end in, the final network (triad) or matrix (continuous), and whether
    it reached balance (triad) or blew up (continuous)."""

    factions: list[list[Hashable]]
    converged: bool
    steps: int
    final: Any


@njit(cache=True)
def _ctd(a, ei, ej, seed, max_steps):
    n = a.shape[0]
    m = ei.shape[0]
    imb = 0
    for e in range(m):
        i, j = ei[e], ej[e]
        for k in range(n):
            if a[i, k] != 0 and a[j, k] != 0 and a[i, j] * a[i, k] * a[j, k] < 0:
                imb += 1
    imb //= 3
    st = _seed_state(seed, 0)
    steps = 0
    while imb > 0 and steps < max_steps:
        e = _randint(st, m)
        i, j = ei[e], ej[e]
        nb = 0
        ni = 0
        for k in range(n):
            if a[i, k] != 0 and a[j, k] != 0:
                if a[i, j] * a[i, k] * a[j, k] > 0:
                    nb += 1
                else:
                    ni += 1
        d = nb - ni
        if d < 0 or (d == 0 and _uniform(st) < 0.5):
            a[i, j] = -a[i, j]
            a[j, i] = a[i, j]
            imb += d
        steps += 1
    return imb, steps


def _factions_of_final(net: SignedNetwork) -> list[list[Hashable]]:
    cl = clusters(net)
    if cl is not None:
        return cl
    return frustration_index(net).factions


def triad_dynamics(data: SignedInput | SignedNetwork, *, seed: int = 0, max_steps: int | None = None) -> DynamicsResult:
    """Constrained triad dynamics (Antal, Krapivsky & Redner 2005).

    Repeatedly pick a random edge; flip its sign if that lowers the number of imbalanced triangles,
    with probability 1/2 if it leaves it unchanged, never if it raises it; stop when no imbalanced
    triangle remains (or after ``max_steps``, default ``1000 × #edges``; then ``converged`` is False
    — a jammed state). A balanced input is returned unchanged. Factions: the positive components of
    the final network when clusterable, else its minimum-frustration two-partition.

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.
    seed, max_steps : int, int or None, default 0, None
        Seed of the edge draws; largest number of steps (None: ``1000 x #edges``).

    Returns
    -------
    DynamicsResult
        Factions, ``converged``, steps taken and the final SignedNetwork.

    Examples
    --------
    >>> r = triad_dynamics([(0, 1, -1), (1, 2, -1), (0, 2, -1)], seed=3)
    >>> r.converged, sorted(len(f) for f in r.factions)
    (True, [1, 2])
    """
    net = signed_network(data)
    a = net.A.copy()
    ei, ej = (x.astype(np.int64) for x in np.nonzero(np.triu(a, 1)))
    m = len(ei)
    if max_steps is None:
        max_steps = 1000 * max(m, 1)
    imb, steps = (0, 0) if m == 0 else _ctd(a, ei, ej, np.int64(seed), np.int64(max_steps))
    final = SignedNetwork(net.nodes, a)
    return DynamicsResult(_factions_of_final(final), imb == 0, int(steps), final)


def continuous_dynamics(
    data: SignedInput | SignedNetwork,
    *,
    seed: int = 0,
    noise: float = 0.1,
    max_steps: int = 200_000,
    growth: float = 1e6,
) -> DynamicsResult:
    """Continuous balance dynamics ``dX/dt = X²`` (Marvel, Strogatz & Kleinberg 2009).

    ``X(0)`` is the signed adjacency plus a seeded symmetric Gaussian perturbation of standard
    deviation ``noise`` (on every pair and the diagonal). RK4 with step ``0.01 / ||X||_F`` until
    ``||X||_F`` grows by ``growth`` (finite-time blow-up, ``converged`` True). The factions are the
    sign structure of the blown-up matrix: nodes with ``X[i*, j] >= 0`` for the row ``i*`` of largest
    norm versus the rest (generically the sign pattern of the leading eigenvector of ``X(0)``).

    Parameters
    ----------
    data : SignedInput or SignedNetwork
        Signed graph (see :func:`signed_network`); bad edges raise InvalidParameterError.
    seed, max_steps : int, default 0, 200_000
        Seed of the perturbation; largest number of RK4 steps.
    noise, growth : float, default 0.1, 1e6
        Standard deviation of the perturbation; norm growth factor that counts as blow-up.

    Returns
    -------
    DynamicsResult
        Factions, ``converged`` (blew up), steps taken and the final matrix ``X``.

    Examples
    --------
    >>> r = continuous_dynamics([(0, 1, 1), (1, 2, -1), (0, 2, -1), (2, 3, 1)], seed=1)
    >>> r.converged, r.factions
    (True, [[0, 1], [2, 3]])
    """
    net = signed_network(data)
    n = len(net.nodes)
    if n == 0:
        return DynamicsResult([], True, 0, np.zeros((0, 0)))
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, noise, size=(n, n))
    x = net.A.astype(np.float64) + (z + z.T) / np.sqrt(2.0)
    norm0 = max(np.linalg.norm(x), 1e-12)
    steps = 0
    blown = False
    t = 0.0
    while steps < max_steps:
        nrm = np.linalg.norm(x)
        if nrm > growth * norm0:
            blown = True
            break
        if nrm < 1e-12 * norm0 or t > 1e4 / norm0:
            break
        dt = 0.01 / nrm
        k1 = x @ x
        x2 = x + 0.5 * dt * k1
        k2 = x2 @ x2
        x3 = x + 0.5 * dt * k2
        k3 = x3 @ x3
        x4 = x + dt * k3
        k4 = x4 @ x4
        x = x + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += dt
        steps += 1
    row = int(np.argmax(np.linalg.norm(x, axis=1)))
    side = (x[row] < 0).astype(np.int8)
    labels = (side != side[0]).astype(np.int8)
    return DynamicsResult(_factions_from_labels(labels, net.nodes), blown, steps, x)
