"""Branch-and-bound for the two-coalition landscape energy (N beyond plain enumeration).

Depth-first search over spins in a fixed order (decreasing Σ_j |W_ij|), spin 0 fixed to +1. For a
partial assignment of the first ``d`` spins the lower bound is

    E(fixed) + Σ_{free i} min(cost_i(+1), cost_i(-1)) + R(d)

where ``cost_i(±1)`` is free spin ``i``'s energy against the fixed spins and ``R(d)`` is the *exact*
minimum of the sub-problem on the free spins alone. ``R`` is obtained by "Russian doll" search: the
sub-problems on the last 1, 2, …, N spins are solved in turn, each using the previous ones as bounds
(Verfaillie, Lemaître & Schiex 1996). The bound is valid because the free spins' energy splits into a
part linear in them (against fixed spins) and the free–free part, each minimised independently.

The search returns the proven global minimum, or — if ``max_nodes`` is exhausted — the best
configuration found with ``exact=False``. It lists only the global minimum; local minima for large N
come from sampling (:mod:`realign.solvers.heuristic`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from realign.solvers.exact import default_tol

__all__ = ["BnBResult", "solve_bnb"]


@njit(cache=True)
def _bnb(w, rds, ub, init_s, node_limit, tol, out_s):
    """Minimise over spins of w (spin 0 = +1). rds[d] = exact min of sub-problem on spins d.. ."""
    n = w.shape[0]
    F = np.zeros(n)
    A = np.zeros(n)
    s = np.zeros(n)
    first = np.zeros(n)
    stage = np.zeros(n, np.int64)
    e_before = np.zeros(n + 1)
    best = ub
    for i in range(n):
        out_s[i] = init_s[i]
    if n == 1:
        out_s[0] = 1.0
        return 0.0, 1, True
    s[0] = 1.0
    for i in range(1, n):
        F[i] = w[0, i]
        A[i] = w[0, i]
    e = 0.0
    d = 1
    stage[1] = 0
    nodes = 0
    while d >= 1:
        if stage[d] == 2:
            sd = s[d]
            for i in range(d + 1, n):
                F[i] -= sd * w[d, i]
                A[i] -= w[d, i]
            e = e_before[d]
            stage[d] = 0
            d -= 1
            continue
        if stage[d] == 0:
            e_before[d] = e
            sd = 1.0 if F[d] >= 0 else -1.0  # cheaper side first: cost(+1) = (A - F)/2
            first[d] = sd
        else:
            old = s[d]
            for i in range(d + 1, n):
                F[i] -= old * w[d, i]
                A[i] -= w[d, i]
            sd = -first[d]
        stage[d] += 1
        nodes += 1
        if nodes > node_limit:
            return best, nodes, False
        e = e_before[d] + 0.5 * (A[d] - sd * F[d])
        s[d] = sd
        for i in range(d + 1, n):
            F[i] += sd * w[d, i]
            A[i] += w[d, i]
        if d == n - 1:
            if e < best - tol:
                best = e
                for i in range(n):
                    out_s[i] = s[i]
            continue
        lb = e + rds[d + 1]
        for i in range(d + 1, n):
            lb += 0.5 * (A[i] - abs(F[i]))
        if lb < best - tol:
            d += 1
            stage[d] = 0
    return best, nodes, True


@njit(cache=True)
def _russian_doll(w, node_limit, tol, sol):
    n = w.shape[0]
    rds = np.zeros(n + 1)
    cur = np.ones(1)
    total = 0
    for d in range(n - 1, -1, -1):
        sub = np.ascontiguousarray(w[d:, d:])
        m = n - d
        # initial solution: previous optimum extended by the better side for spin d
        init = np.empty(m)
        if m == 1:
            init[0] = 1.0
        else:
            f = 0.0
            for i in range(1, m):
                init[i] = cur[i - 1]
                f += sub[0, i] * init[i]
            init[0] = 1.0 if f >= 0 else -1.0
        ub = 0.0
        for i in range(m):
            for j in range(i + 1, m):
                if init[i] != init[j]:
                    ub += sub[i, j]
        out = np.empty(m)
        best, nodes, ok = _bnb(sub, rds[d:], ub + tol, init, node_limit - total, tol, out)
        total += nodes
        if best > ub:
            best = ub
            out[:] = init
        # normalise spin 0 to +1
        if out[0] < 0:
            out = -out
        rds[d] = best
        cur = out
        if not ok:
            sol[:] = 0.0
            sol[d:] = cur
            return rds, total, False, d
    sol[:] = cur
    return rds, total, True, 0


@dataclass
class BnBResult:
    """``energy`` and int8 ``labels`` of the best configuration; ``exact`` if proven optimal."""

    energy: float
    labels: np.ndarray
    exact: bool
    nodes: int


def solve_bnb(w: np.ndarray, *, max_nodes: int = 2_000_000_000, tol: float | None = None) -> BnBResult:
    """Global minimum of ``Σ_{i<j} W_ij [s_i != s_j]`` by branch-and-bound with Russian-doll bounds.

    If the node budget ``max_nodes`` runs out the result holds the best configuration known (a tabu
    search solution) with ``exact=False``.

    Parameters
    ----------
    w : np.ndarray
        Symmetric (n, n) coupling matrix with a zero diagonal (see :func:`~realign.solvers.exact.couplings`).
    max_nodes : int, default 2_000_000_000
        Budget of search-tree nodes before falling back to tabu search.
    tol : float or None, default None
        Energy tolerance of the bounds; ``None`` uses ``default_tol(w) * 1e-3``.

    Returns
    -------
    BnBResult
        Best energy, its int8 0/1 labels (element 0 labelled 0), ``exact`` (True if proven optimal)
        and the number of nodes visited.

    Examples
    --------
    >>> w = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    >>> r = solve_bnb(w)
    >>> r.energy, r.labels.tolist(), r.exact
    (-2.0, [0, 0, 1], True)
    """
    w = np.ascontiguousarray(w, dtype=np.float64)
    n = w.shape[0]
    if n == 0:
        return BnBResult(0.0, np.zeros(0, np.int8), True, 0)
    if tol is None:
        tol = default_tol(w) * 1e-3
    order = np.argsort(-np.abs(w).sum(axis=1), kind="stable")
    wo = np.ascontiguousarray(w[np.ix_(order, order)])
    sol = np.ones(n)
    rds, nodes, ok, _d = _russian_doll(wo, np.int64(max_nodes), tol, sol)
    spins = np.empty(n)
    if ok:
        spins[order] = sol
    else:
        from realign.solvers.heuristic import tabu_search

        h = tabu_search(w, n_restarts=64, seed=0)
        spins = 1.0 - 2.0 * h.labels
    labels = (spins != spins[0]).astype(np.int8)
    sp = 1.0 - 2.0 * labels
    energy = float(0.25 * (w.sum() - sp @ w @ sp))
    return BnBResult(energy, labels, bool(ok), int(nodes))
