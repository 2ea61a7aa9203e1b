"""k-coalition landscape solvers (k >= 2): exact enumeration for small N, tabu search beyond.

Energy (Axelrod & Bennett 1993): ``E(c) = Σ_{i<j} W_ij [c_i != c_j]`` for labels ``c_i ∈ {0..k-1}``.
A *move* puts one state into another coalition (an existing one, or a new one while fewer than ``k``
are in use); a local minimum is a partition no single move improves by more than ``tol``.

The exact solver walks every partition into at most ``k`` coalitions once, as restricted-growth
strings (``c_0 = 0``, ``c_d <= 1 + max(c_<d)``), depth first, keeping ``F[i, g] = Σ_{j∈g} W_ij``
incrementally (``O(N)`` per node). Labels are therefore already canonical (coalition of state 0 is
0, new coalitions numbered in order of first member). The number of leaves is
``Σ_{m<=k} S(N, m)`` (Stirling numbers), about ``k^N / k!``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from realign.solvers.exact import default_tol
from realign.solvers.heuristic import _randint, _seed_state, _uniform

__all__ = [
    "KwayResult",
    "solve_kway_exact",
    "solve_kway_heuristic",
    "kway_energy",
    "n_partitions",
    "canonical_labels",
    "is_kway_local_minimum",
]


def n_partitions(n: int, k: int) -> int:
    """Number of partitions of ``n`` items into at most ``k`` non-empty blocks.

    Parameters
    ----------
    n : int
        Number of items, >= 0.
    k : int
        Largest number of blocks.

    Returns
    -------
    int
        ``Σ_{m=1..k} S(n, m)`` (Stirling numbers of the second kind); 0 for ``n = 0``.

    Examples
    --------
    >>> n_partitions(4, 2), n_partitions(4, 4)
    (8, 15)
    """
    # Stirling numbers of the second kind, row by row
    row = [1] + [0] * k
    for _ in range(n):
        new = [0] * (k + 1)
        for m in range(1, k + 1):
            new[m] = m * row[m] + row[m - 1]
        row = new
    return sum(row[1:])


def canonical_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel by order of first appearance (int8), so relabelled partitions compare equal.

    Parameters
    ----------
    labels : np.ndarray
        Shape (n,), coalition labels of any hashable values.

    Returns
    -------
    np.ndarray
        Shape (n,), int8 labels 0, 1, ... in order of first appearance.

    Examples
    --------
    >>> canonical_labels(np.array([2, 2, 0, 1])).tolist()
    [0, 0, 1, 2]
    """
    lab = np.asarray(labels)
    out = np.empty(len(lab), np.int8)
    seen: dict = {}
    for i, x in enumerate(lab.tolist()):
        if x not in seen:
            seen[x] = len(seen)
        out[i] = seen[x]
    return out


def kway_energy(w: np.ndarray, labels: np.ndarray) -> float:
    """Energy ``Σ_{i<j} W_ij [c_i != c_j]``.

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) symmetric coupling matrix with a zero diagonal.
    labels : np.ndarray
        Shape (n,), coalition labels.

    Returns
    -------
    float
        The energy (units of ``W``).
    """
    lab = np.asarray(labels)
    diff = lab[:, None] != lab[None, :]
    return float(0.5 * np.sum(np.asarray(w) * diff))


def is_kway_local_minimum(w: np.ndarray, labels: np.ndarray, k: int, tol: float | None = None) -> bool:
    """True when no single move (to another or a new coalition, at most ``k``) lowers the energy.

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) coupling matrix.
    labels : np.ndarray
        Shape (n,), coalition labels.
    k : int
        Largest number of coalitions allowed.
    tol : float or None, default None
        Energy tolerance; ``None`` uses :func:`~realign.solvers.exact.default_tol`.

    Returns
    -------
    bool
        True if no single move lowers the energy by more than ``tol``.
    """
    w = np.asarray(w, dtype=np.float64)
    lab = canonical_labels(labels).astype(np.int64)
    used = int(lab.max()) + 1 if len(lab) else 0
    if tol is None:
        tol = default_tol(w)
    onehot = np.zeros((len(lab), max(used, 1)))
    onehot[np.arange(len(lab)), lab] = 1.0
    f = w @ onehot
    own = f[np.arange(len(lab)), lab]
    best = f.max(axis=1)
    if used < k:
        best = np.maximum(best, 0.0)
    return bool(np.all(own >= best - tol))


@njit(cache=True)
def _kway_enum(w, k, tol, cap, out_lab, out_e, best_lab):
    n = w.shape[0]
    F = np.zeros((n, k))
    c = np.full(n, -1, np.int64)
    used = np.zeros(n + 1, np.int64)
    e_stack = np.zeros(n + 1)
    rowpre = np.zeros(n)
    for d in range(n):
        acc = 0.0
        for j in range(d):
            acc += w[d, j]
        rowpre[d] = acc
    c[0] = 0
    for i in range(n):
        F[i, 0] += w[0, i]
    used[1] = 1
    best = np.inf
    cnt = 0
    leaves = 0
    if n == 1:
        out_lab[0, 0] = 0
        out_e[0] = 0.0
        best_lab[0] = 0
        return 0.0, 1, 1
    d = 1
    while d >= 1:
        if c[d] >= 0:
            g = c[d]
            for i in range(n):
                F[i, g] -= w[d, i]
        c[d] += 1
        lim = used[d] if used[d] < k - 1 else k - 1
        if c[d] > lim:
            c[d] = -1
            d -= 1
            continue
        g = c[d]
        e = e_stack[d] + rowpre[d] - F[d, g]
        for i in range(n):
            F[i, g] += w[d, i]
        used[d + 1] = used[d] if used[d] > g + 1 else g + 1
        if d < n - 1:
            e_stack[d + 1] = e
            d += 1
            c[d] = -1
            continue
        leaves += 1
        u = used[n]
        if e < best:
            best = e
            for i in range(n):
                best_lab[i] = c[i]
        ok = True
        for i in range(n):
            own = F[i, c[i]]
            mx = 0.0 if u < k else -np.inf
            for h in range(u):
                if h != c[i] and F[i, h] > mx:
                    mx = F[i, h]
            if own < mx - tol:
                ok = False
                break
        if ok:
            if cnt < cap:
                for i in range(n):
                    out_lab[cnt, i] = c[i]
                out_e[cnt] = e
            cnt += 1
    return best, cnt, leaves


@dataclass
class KwayResult:
    """Best labels/energy, and (exact solver) every local minimum as canonical label rows."""

    energy: float
    labels: np.ndarray
    minima_labels: np.ndarray
    minima_energies: np.ndarray
    exact: bool
    n_found: int = 0
    n_runs: int = 0
    truncated: bool = False


def solve_kway_exact(w: np.ndarray, k: int, *, max_minima: int = 1 << 16, tol: float | None = None) -> KwayResult:
    """Global minimum and all local minima over partitions into at most ``k`` coalitions.

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) coupling matrix.
    k : int
        Largest number of coalitions, >= 2 (capped at n).
    max_minima : int, default 65536
        Largest number of local minima recorded; ``truncated`` is set if more exist.
    tol : float or None, default None
        Energy tolerance; ``None`` uses :func:`~realign.solvers.exact.default_tol`.

    Returns
    -------
    KwayResult
        Global minimum energy and canonical int8 labels, local minima sorted by energy, ``exact=True``.

    Raises
    ------
    ValueError
        If ``k < 2``.

    Examples
    --------
    >>> w = np.array([[0.0, -1.0, -1.0], [-1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    >>> r = solve_kway_exact(w, 3)
    >>> r.energy, r.labels.tolist()
    (-3.0, [0, 1, 2])
    """
    w = np.ascontiguousarray(w, dtype=np.float64)
    n = w.shape[0]
    if k < 2:
        raise ValueError("k must be >= 2")
    if n == 0:
        return KwayResult(0.0, np.zeros(0, np.int8), np.zeros((0, 0), np.int8), np.zeros(0), True)
    if tol is None:
        tol = default_tol(w)
    k = min(k, n)
    k_eff = max(k, 1)
    cap = max_minima
    out_lab = np.empty((cap, n), np.int8)
    out_e = np.empty(cap)
    best_lab = np.zeros(n, np.int8)
    best, cnt, _leaves = _kway_enum(w, k_eff, tol, cap, out_lab, out_e, best_lab)
    m = min(cnt, cap)
    labs, es = out_lab[:m], out_e[:m]
    es = np.array([kway_energy(w, lab) for lab in labs]) if m else es
    order = np.argsort(es, kind="stable")
    return KwayResult(
        kway_energy(w, best_lab), best_lab.copy(), labs[order].copy(), es[order], True, truncated=cnt > cap
    )


@njit(cache=True)
def _kfields(w, c, k, F):
    n = w.shape[0]
    F[:, :] = 0.0
    for i in range(n):
        for j in range(n):
            F[i, c[j]] += w[i, j]


@njit(cache=True)
def _kmove(w, c, F, i, g):
    old = c[i]
    n = w.shape[0]
    for j in range(n):
        F[j, old] -= w[i, j]
        F[j, g] += w[i, j]
    c[i] = g


@njit(cache=True)
def _kenergy(w, c):
    n = w.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            if c[i] != c[j]:
                e += w[i, j]
    return e


@njit(cache=True, parallel=True)
def _ktabu_runs(w, k, n_runs, n_iter, ten_min, ten_rng, seed, tol, out_e, out_lab):
    n = w.shape[0]
    for r in prange(n_runs):
        st = _seed_state(seed, r)
        c = np.empty(n, np.int64)
        for i in range(n):
            c[i] = _randint(st, k)
        F = np.zeros((n, k))
        _kfields(w, c, k, F)
        e = _kenergy(w, c)
        be = e
        bc = c.copy()
        tabu = np.zeros(n, np.int64)
        for it in range(1, n_iter + 1):
            bi = -1
            bg = -1
            bd = np.inf
            for i in range(n):
                own = F[i, c[i]]
                for g in range(k):
                    if g == c[i]:
                        continue
                    de = own - F[i, g]
                    if de < bd - tol or (abs(de - bd) <= tol and _uniform(st) < 0.5):
                        if tabu[i] <= it or e + de < be - tol:
                            bd = de
                            bi = i
                            bg = g
            if bi < 0:
                continue
            _kmove(w, c, F, bi, bg)
            e += bd
            tabu[bi] = it + ten_min + (_randint(st, ten_rng) if ten_rng > 0 else 0)
            if e < be - tol:
                be = e
                bc[:] = c
        # polish the best configuration by steepest descent
        c[:] = bc
        _kfields(w, c, k, F)
        while True:
            bi = -1
            bg = -1
            bd = -tol
            for i in range(n):
                own = F[i, c[i]]
                for g in range(k):
                    if g != c[i] and own - F[i, g] < bd:
                        bd = own - F[i, g]
                        bi = i
                        bg = g
            if bi < 0:
                break
            _kmove(w, c, F, bi, bg)
        out_e[r] = _kenergy(w, c)
        for i in range(n):
            out_lab[r, i] = c[i]


def solve_kway_heuristic(
    w: np.ndarray, k: int, *, n_restarts: int = 64, n_iter: int | None = None, seed: int = 0
) -> KwayResult:
    """Tabu search over k-coalition labels from ``n_restarts`` random starts (parallel).

    Reports the best energy and ``n_found``, the number of runs reaching it; ``minima_labels`` holds
    the distinct (canonical) end configurations, each a local minimum, sorted by energy.

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) coupling matrix.
    k : int
        Largest number of coalitions, >= 2.
    n_restarts : int, default 64
        Number of independent runs.
    n_iter : int or None, default None
        Tabu moves per run; ``None`` means ``20 n``.
    seed : int, default 0
        Seed of the compiled random generator.

    Returns
    -------
    KwayResult
        Best energy and canonical labels, distinct end configurations, ``exact=False``.

    Raises
    ------
    ValueError
        If ``k < 2``.

    Examples
    --------
    >>> w = np.array([[0.0, -1.0, -1.0], [-1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    >>> solve_kway_heuristic(w, 3, n_restarts=8).energy
    -3.0
    """
    w = np.ascontiguousarray(w, dtype=np.float64)
    n = w.shape[0]
    if k < 2:
        raise ValueError("k must be >= 2")
    if n_iter is None:
        n_iter = 20 * n
    tol = default_tol(w)
    e = np.empty(n_restarts)
    lab = np.empty((n_restarts, n), np.int64)
    _ktabu_runs(w, k, n_restarts, int(n_iter), n // 10 + 1, n // 6 + 1, seed, tol, e, lab)
    canon = np.array([canonical_labels(x) for x in lab], dtype=np.int8).reshape(n_restarts, n)
    uniq, idx = np.unique(canon, axis=0, return_index=True)
    ue = e[idx]
    order = np.argsort(ue, kind="stable")
    best = int(np.argmin(e))
    return KwayResult(
        float(e[best]),
        canon[best].copy(),
        uniq[order],
        ue[order],
        False,
        n_found=int(np.sum(e <= e[best] + tol)),
        n_runs=n_restarts,
    )
