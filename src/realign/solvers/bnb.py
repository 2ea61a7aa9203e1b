"""Branch-and-bound for the two-coalition landscape energy (N beyond plain enumeration).

Depth-first search over spins in a fixed order (decreasing Σ_j |W_ij|), spin 0 fixed to +1. For a
partial assignment of the first ``d`` spins the lower bound is

    E(fixed) + Σ_{free i} min(cost_i(+1), cost_i(-1)) + R(d)

where ``cost_i(±1)`` is free spin ``i``'s energy against the fixed spins and ``R(d)`` is the *exact*
minimum of the sub-problem on the free spins alone. ``R`` is obtained by "Russian doll" search: the
sub-problems on the last 1, 2, …, N spins are solved in turn, each using the previous ones as bounds
(Verfaillie, Lemaître & Schiex 1996). The bound is valid because the free spins' energy splits into a
part linear in them (against fixed spins) and the free–free part, each minimised independently.

Sub-problems of ``PAR_FROM`` spins or more are split on the values of their spins 1..``SPLIT_BITS``
into subtrees dealt to numba's threads, which share one incumbent energy (each thread lowers it when it
improves and reads it at every node; a stale read only prunes less, so the proof is unaffected).

The search returns the proven global minimum, or — if ``max_nodes`` is exhausted — the best
configuration found with ``exact=False``. It lists only the global minimum; local minima for large N
come from sampling (:mod:`realign.solvers.heuristic`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numba import njit, prange

from realign.solvers.exact import default_tol

__all__ = ["BnBResult", "solve_bnb"]


@njit(cache=True)
def _dfs(w, rds, shared, prefix, node_limit, tol, out_s, spent, slot):
    """Depth-first search below ``prefix`` (spins ``0..p-1`` fixed) for configurations better than
    ``shared[0]`` (an incumbent energy shared by every thread: read at each node, lowered on each
    improvement; a stale read only prunes less). ``rds[d]`` is the exact minimum of the sub-problem on
    spins ``d..``. Returns (this search's own best energy or inf, nodes, finished); ``out_s`` holds the
    configuration of its own best. ``spent[slot]`` is this search's node count, published every 16384
    nodes; the search stops unfinished when the searches' counts together pass ``node_limit``.

    One function of ~100 lines on purpose: the field updates are written out in each branch, because
    helper calls (inlined or not) made each node ~1.5x slower in numba (A/B on sk N=56-58)."""
    n = w.shape[0]
    p = prefix.shape[0]
    F = np.zeros(n)
    A = np.zeros(n)
    s = np.zeros(n)
    first = np.zeros(n)
    stage = np.zeros(n + 1, np.int64)
    e_before = np.zeros(n + 1)
    best = shared[0]
    own = np.inf
    e = 0.0
    for j in range(p):
        s[j] = prefix[j]
        for k in range(j + 1, p):
            if prefix[j] != prefix[k]:
                e += w[j, k]
    for i in range(p, n):
        for j in range(p):
            if s[j] > 0:
                F[i] += w[j, i]
            else:
                F[i] -= w[j, i]
            A[i] += w[j, i]
    if p == n:
        if e < best - tol:
            for i in range(n):
                out_s[i] = s[i]
            shared[0] = min(shared[0], e)
            return e, 1, True
        return own, 1, True
    acc = 0.0
    for i in range(p, n):
        acc += A[i] - abs(F[i])
    lb = e + rds[p] + 0.5 * acc
    if lb >= best - tol:
        return own, 1, True
    d = p
    stage[d] = 0
    nodes = 0
    while d >= p:
        if stage[d] > 0:  # a value of spin d is set: undo it
            if s[d] > 0:
                for i in range(d + 1, n):
                    F[i] -= w[d, i]
                    A[i] -= w[d, i]
            else:
                for i in range(d + 1, n):
                    F[i] += w[d, i]
                    A[i] -= w[d, i]
            if stage[d] == 2:  # both values tried: go up
                e = e_before[d]
                stage[d] = 0
                d -= 1
                continue
            sd = -first[d]
        else:
            e_before[d] = e
            sd = 1.0 if F[d] >= 0 else -1.0  # cheaper side first: cost(±1) = (A -/+ F)/2
            first[d] = sd
        stage[d] += 1
        nodes += 1
        if (nodes & 16383) == 0:
            spent[slot] = nodes
            if spent.sum() > node_limit:
                return own, nodes, False
        e = e_before[d] + 0.5 * (A[d] - sd * F[d])
        s[d] = sd
        sh = shared[0]
        if sh < best:
            best = sh
        if d == n - 1:
            if e < best - tol:
                best = e
                own = e
                for i in range(n):
                    out_s[i] = s[i]
                if e < shared[0]:
                    shared[0] = e
            continue
        acc = 0.0  # Σ_{i>d} (A_i - |F_i|): twice the free spins' best response to the fixed ones
        if sd > 0:
            for i in range(d + 1, n):
                F[i] += w[d, i]
                A[i] += w[d, i]
                acc += A[i] - abs(F[i])
        else:
            for i in range(d + 1, n):
                F[i] -= w[d, i]
                A[i] += w[d, i]
                acc += A[i] - abs(F[i])
        lb = e + rds[d + 1] + 0.5 * acc
        if lb < best - tol:
            d += 1
            stage[d] = 0
    return own, nodes, True


@njit(cache=True, parallel=True)
def _split(w, rds, shared, bits, node_limit, tol, outs, bests, spent, done):
    """The ``2^bits`` subtrees below the values of spins ``1..bits`` (spin 0 = +1) searched in parallel,
    one task each (``outs[t]``, ``bests[t]``, ``spent[t]``, ``done[t]``), sharing the incumbent and the
    node budget; run with chunk size 1 so idle threads take the next subtree (their sizes differ widely)."""
    for t in prange(1 << bits):
        prefix = np.ones(bits + 1)
        for q in range(bits):
            prefix[q + 1] = -1.0 if (t >> q) & 1 else 1.0
        e, m, f = _dfs(w, rds, shared, prefix, node_limit, tol, outs[t], spent, t)
        bests[t] = e
        spent[t] = m
        done[t] = f


#: Sub-problems with at least this many spins are split across numba's threads (smaller ones take
#: milliseconds serially); the split fixes spins 1..SPLIT_BITS (2^SPLIT_BITS subtrees).
PAR_FROM = 48
SPLIT_BITS = 8


def _solve_sub(
    sub: np.ndarray, rds: np.ndarray, ub: float, init: np.ndarray, node_limit: int, tol: float, workers: int
):
    """(best energy, spins, nodes, finished) of one Russian-doll sub-problem, searching for configurations
    better than the incumbent ``init`` of energy ``ub``."""
    m = sub.shape[0]
    shared = np.array([ub + tol])
    if m >= PAR_FROM and workers > 1:
        tasks = 1 << min(SPLIT_BITS, m - 2)
        outs = np.repeat(init[None, :], tasks, axis=0)
        bests = np.empty(tasks)
        spent = np.zeros(tasks, np.int64)
        done = np.zeros(tasks, np.bool_)
        threads = numba.get_num_threads()
        numba.set_num_threads(min(workers, numba.config.NUMBA_NUM_THREADS))
        try:
            with numba.parallel_chunksize(1):
                _split(sub, rds, shared, min(SPLIT_BITS, m - 2), node_limit, tol, outs, bests, spent, done)
        finally:
            numba.set_num_threads(threads)
        k = int(np.argmin(bests))
        best, out, used, ok = float(bests[k]), outs[k], int(spent.sum()), bool(done.all())
    else:
        out = init.copy()
        best, used, ok = _dfs(sub, rds, shared, np.ones(1), node_limit, tol, out, np.zeros(1, np.int64), 0)
    if best < ub:
        return float(best), out.copy(), int(used), bool(ok)
    return ub, init.copy(), int(used), bool(ok)


def _russian_doll(w: np.ndarray, node_limit: int, tol: float, workers: int):
    """Exact minima ``rds[d]`` of the sub-problems on spins ``d..n-1``, for d = n-1 down to 0, each
    solved with the later ones as bounds; returns (rds, nodes, finished, spins of the last solved)."""
    n = w.shape[0]
    rds = np.zeros(n + 1)
    cur = np.ones(1)
    total = 0
    for d in range(n - 1, -1, -1):
        sub = np.ascontiguousarray(w[d:, d:])
        # incumbent: the previous optimum extended by the better side for spin d
        init = np.ones(n - d)
        init[1:] = cur
        init[0] = 1.0 if float(sub[0, 1:] @ init[1:]) >= 0 else -1.0
        ub = float(0.25 * (sub.sum() - init @ sub @ init))
        best, out, used, ok = _solve_sub(sub, rds[d:], ub, init, node_limit - total, tol, workers)
        total += used
        rds[d] = best
        cur = out if out[0] > 0 else -out
        if not ok:
            return rds, total, False, cur
    return rds, total, True, cur


@dataclass
class BnBResult:
    """``energy`` and int8 ``labels`` of the best configuration; ``exact`` if proven optimal."""

    energy: float
    labels: np.ndarray
    exact: bool
    nodes: int


def solve_bnb(
    w: np.ndarray, *, max_nodes: int = 2_000_000_000, tol: float | None = None, threads: int | None = None
) -> BnBResult:
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
    threads : int or None, default None
        Workers for sub-problems of ``PAR_FROM`` spins or more (None: numba's thread count). The energy and
        the proof do not depend on it; when several configurations tie exactly for the minimum, which one
        is returned may depend on thread timing (pass ``threads=1`` for a reproducible choice).

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
    workers = numba.get_num_threads() if threads is None else int(threads)
    if workers < 1:
        raise ValueError(f"threads must be >= 1; got {threads}")
    _rds, nodes, ok, sol = _russian_doll(wo, int(max_nodes), tol, workers)
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
