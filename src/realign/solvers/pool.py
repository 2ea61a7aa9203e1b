"""Pooled-incumbent ensembles (``solve_ensemble_pool``): thousands of perturbed instances of one landscape.

The perturbation is that of :func:`realign.solvers.heuristic.solve_ensemble`. Members differ little, so
their answers repeat: a calibration phase collects the answers of the first members, then every member
scores that pool (``O(d²)`` per row from one reference row), descends the best few and runs a short tabu
search (tenure ``max(1, N // 8)``) from the best: incumbents reused across members. The tabu kernels and
the notation are those of :mod:`realign.solvers.restarts`; the tuning record is there too.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from realign.errors import check_int
from realign.solvers.heuristic import EnsembleResult, _energy, _flip, _perturb, _seed_state
from realign.solvers.restarts import (
    _BIG,
    _FM,
    _descend_fast,
    _rerandomise,
    _tabu_fixed,
    low_minima_pool,
)

__all__ = ["solve_ensemble_pool"]


@njit(cache=True, fastmath=_FM)
def _sums(w):
    """(Σ W_ij, Σ |W_ij|) in one vectorised pass."""
    a = 0.0
    b = 0.0
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            a += w[i, j]
            b += abs(w[i, j])
    return a, b


@njit(cache=True)
def _score_pool(w, s0, h0, indptr, idx, ek):
    """Energy change ``ek[k]`` from the reference ``s0`` (fields ``h0``) to pool row ``k``, which differs
    from it on the states ``D = idx[indptr[k]:indptr[k+1]]``:
    ``ΔE = Σ_{i∈D} s_i h_i - 2 Σ_{i<j∈D} s_i s_j W_ij`` — O(|D|²) per row instead of O(N²)."""
    for k in range(indptr.shape[0] - 1):
        de = 0.0
        for a in range(indptr[k], indptr[k + 1]):
            i = idx[a]
            de += s0[i] * h0[i]
            acc = 0.0
            for b in range(indptr[k], a):
                j = idx[b]
                acc += s0[j] * w[i, j]
            de -= 2.0 * s0[i] * acc
        ek[k] = de


@njit(cache=True)
def _enumerate(w, wsum, s, h, best):
    """Exact minimum by Gray-code enumeration (spin 0 fixed; O(N 2^(N-1))) into ``best``; returns it."""
    n = w.shape[0]
    s[:] = 1.0
    h[:] = 0.0
    for j in range(n):
        wj = w[j]
        for i in range(n):
            h[i] += wj[i]
    e = _energy(wsum, s, h)
    be = e
    best[:] = s
    for t in range(1, np.int64(1) << (n - 1)):
        b = 1
        while ((t >> (b - 1)) & 1) == 0:
            b += 1
        e += s[b] * h[b]
        _flip(w, s, h, b)
        if e < be:
            be = e
            best[:] = s
    return _energy(wsum, best, _fields_of(w, best, h))


@njit(cache=True, inline="always")
def _fields_of(w, s, h):
    h[:] = 0.0
    for j in range(w.shape[0]):
        sj = s[j]
        wj = w[j]
        for i in range(w.shape[0]):
            h[i] += sj * wj[i]
    return h


@njit(cache=True)
def _pool_member(w, wsum, s0, indptr, idx, n_keep, n_iter, n_random, tenure, tol, st, s, h, h0, g, bs, best, tu, ek):
    """Best configuration found for one perturbed instance ``w`` (into ``best``; returns its energy):
    score every pool row, descend the ``n_keep`` lowest, then ``n_iter`` tabu moves from the best of
    them, then ``n_random`` independent runs (random start, descent, ``n_iter`` tabu moves)."""
    n = w.shape[0]
    h0[:] = 0.0
    for j in range(n):
        sj = s0[j]
        wj = w[j]
        for i in range(n):
            h0[i] += sj * wj[i]
    _score_pool(w, s0, h0, indptr, idx, ek)
    order = np.argsort(ek)
    be = _BIG
    for q in range(min(n_keep, ek.shape[0])):
        c = order[q]
        s[:] = s0
        h[:] = h0
        for a in range(indptr[c], indptr[c + 1]):
            _flip(w, s, h, idx[a])
        _descend_fast(w, s, h, g, tol)
        e = _energy(wsum, s, h)
        if e < be - tol:
            be = e
            best[:] = s
    if n_iter > 0:
        s[:] = best
        h[:] = 0.0
        for j in range(n):
            sj = s[j]
            wj = w[j]
            for i in range(n):
                h[i] += sj * wj[i]
        e = _tabu_fixed(w, wsum, s, h, g, n_iter, tenure, tol, bs, tu)
        if e < be - tol:
            be = e
            best[:] = bs
    for _ in range(n_random):
        _rerandomise(w, st, s, h)
        _descend_fast(w, s, h, g, tol)
        e = _tabu_fixed(w, wsum, s, h, g, n_iter, tenure, tol, bs, tu)
        if e < be - tol:
            be = e
            best[:] = bs
    return be


@njit(cache=True, parallel=True)
def _pool_ensemble(
    sizes,
    p,
    s0,
    indptr,
    idx,
    r_lo,
    r_hi,
    size_sigma,
    prop_half,
    seed,
    n_keep,
    n_iter,
    n_random,
    tenure,
    exact_n,
    out_e,
    out_s,
):
    n = sizes.shape[0]
    n_blocks = (r_hi - r_lo + 63) // 64
    for blk in prange(n_blocks):
        w = np.empty((n, n))
        s = np.empty(n)
        h = np.empty(n)
        h0 = np.empty(n)
        g = np.empty(n)
        bs = np.empty(n)
        best = np.empty(n)
        tu = np.empty(n)
        ek = np.empty(indptr.shape[0] - 1)
        lo = r_lo + blk * 64
        for r in range(lo, min(r_hi, lo + 64)):
            st = _seed_state(seed, r)
            _perturb(sizes, p, size_sigma, prop_half, st, w)
            wsum, amax = _sums(w)
            tol = max(1e-9 * amax, 1e-12)
            if n <= exact_n:
                out_e[r] = _enumerate(w, wsum, s, h, best)
            else:
                out_e[r] = _pool_member(
                    w, wsum, s0, indptr, idx, n_keep, n_iter, n_random, tenure, tol, st, s, h, h0, g, bs, best, tu, ek
                )
            for i in range(n):
                out_s[r, i] = 0 if best[i] == best[0] else 1


def _diff_sets(pool: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reference spins (pool row 0) and, per row, the states where it differs from row 0 — or, if that
    is more than half, the others (a configuration and its mirror image are the same partition)."""
    n = pool.shape[1]
    ref = pool[0]
    sets = []
    for row in pool:
        d = np.flatnonzero(row != ref)
        sets.append(d if 2 * len(d) <= n else np.flatnonzero(row == ref))
    indptr = np.zeros(len(sets) + 1, np.int64)
    indptr[1:] = np.cumsum([len(d) for d in sets])
    idx = np.concatenate(sets).astype(np.int64) if indptr[-1] else np.zeros(0, np.int64)
    return 1.0 - 2.0 * ref.astype(np.float64), indptr, idx


def _pool_from(cal_labels: np.ndarray, base: np.ndarray, size: int) -> np.ndarray:
    """Distinct calibration answers, most frequent first, then the base pool's rows; at most ``size``."""
    uniq, first, counts = np.unique(cal_labels, axis=0, return_index=True, return_counts=True)
    rows = list(uniq[np.lexsort((first, -counts))])
    seen = {r.tobytes() for r in rows}
    rows += [r for r in base if r.tobytes() not in seen]
    return np.ascontiguousarray(np.array(rows[:size], dtype=np.int8))


def _checked_pool_params(
    n: int,
    p: np.ndarray,
    n_instances: int,
    n_keep: int,
    pool_size: int,
    iters_per_n: int,
    n_random: int,
    exact_n: int,
    n_calibrate: int | None,
) -> int:
    """Validate :func:`solve_ensemble_pool`'s parameters (one message form); return ``n_calibrate`` resolved."""
    if p.shape != (n, n):
        raise ValueError(f"propensity must be a ({n}, {n}) matrix to match sizes; got shape {p.shape}")
    for name, v in (("n_instances", n_instances), ("n_keep", n_keep), ("pool_size", pool_size)):
        check_int(name, v, 1, "solve_ensemble_pool")
    for name, v in (("iters_per_n", iters_per_n), ("n_random", n_random), ("exact_n", exact_n)):
        check_int(name, v, 0, "solve_ensemble_pool")
    if n_calibrate is None:
        n_calibrate = min(4096, max(64, n_instances // 16))
    check_int("n_calibrate", n_calibrate, 0, "solve_ensemble_pool")
    return n_calibrate


def _pool_phases(
    sizes: np.ndarray,
    p: np.ndarray,
    n_instances: int,
    args: tuple,
    pool_size: int,
    n_keep: int,
    iters_per_n: int,
    n_random: int,
    n_calibrate: int,
    exact_n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The two phases of :func:`solve_ensemble_pool`; ``args`` = (size sd, propensity half-width, seed).

    1. *calibration*: the first ``n_calibrate`` members are solved from a pool of :func:`low_minima_pool`
       of the unperturbed landscape with a stronger search (4 pool rows descended, ``4 N`` tabu moves,
       2 random-start runs);
    2. the others score a pool of ``pool_size`` rows (the calibration answers, most frequent first, then
       the base pool) in ``O(d²)`` each from one reference row (``d`` = states that differ), descend the
       ``n_keep`` lowest, make ``iters_per_n · N`` tabu moves (tenure ``max(1, N // 8)``) from the best,
       then ``n_random`` independent random-start runs of the same length.
    """
    from realign.solvers.exact import couplings

    n = len(sizes)
    base = low_minima_pool(couplings(sizes, p), pool_size, seed=args[2])
    n_cal = min(n_calibrate, n_instances)
    e = np.empty(n_instances)
    s = np.empty((n_instances, n), np.int8)
    _pool_ensemble(sizes, p, *_diff_sets(base), 0, n_cal, *args, 4, 4 * n, 2, max(1, n // 8), exact_n, e, s)
    pool = _pool_from(s[:n_cal], base, pool_size) if n_cal else base
    tenure = max(1, n // 8)
    _pool_ensemble(
        sizes, p, *_diff_sets(pool), n_cal, n_instances, *args, n_keep, iters_per_n * n, n_random, tenure, exact_n, e, s
    )
    return e, s


def solve_ensemble_pool(
    sizes: np.ndarray,
    propensity: np.ndarray,
    n_instances: int,
    *,
    size_sigma: float = 0.1,
    prop_noise: float = 0.1,
    seed: int = 0,
    pool_size: int = 256,
    n_keep: int = 2,
    iters_per_n: int = 4,
    n_random: int = 0,
    n_calibrate: int | None = None,
    exact_n: int = 12,
) -> EnsembleResult:
    """Solve ``n_instances`` perturbed copies of one landscape, reusing the answers of similar members.

    Instances are those of :func:`realign.solvers.heuristic.solve_ensemble` (same generator, so
    ``EnsembleResult.couplings`` rebuilds them). Members differ little, so their optima repeat: on
    ``sk`` N=40 with the default noise, 600 members had 23 and 51 distinct optima on two instances
    (bench seeds 5 and 7). Two phases (:func:`_pool_phases`): the first ``n_calibrate`` members are
    solved from :func:`low_minima_pool` of the unperturbed landscape with a stronger search; the others
    score a pool of those answers, descend the best and make a short tabu search from the best.
    Landscapes with ``N <= exact_n`` are enumerated (exact); above that agreement with the exact
    optimum is measured in ``bench/solvers.py``, not guaranteed.

    Parameters
    ----------
    sizes, propensity : numpy.ndarray
        (N,) state sizes and (N, N) propensities of the unperturbed landscape.
    n_instances, seed : int
        Ensemble members (>= 1), and the seed (same seed, same result on any thread count).
    size_sigma, prop_noise : float
        The perturbation, as in :func:`~realign.solvers.heuristic.solve_ensemble`.
    pool_size, n_keep : int
        Rows of the answer pool each member scores (the calibration answers, most frequent first, then
        the base pool), and how many of the lowest it descends.
    iters_per_n, n_random : int
        Tabu moves per state from the best row (tenure ``max(1, N // 8)``), and extra random-start runs.
    n_calibrate : int, optional
        Members of the calibration phase (default ``min(4096, max(64, n_instances // 16))``).
    exact_n : int
        Largest N enumerated exactly (default 12: 2^11 configurations, ~10 µs; at most 24).

    Returns
    -------
    EnsembleResult
        Energy and coalition labels of every member.

    Raises
    ------
    ValueError
        For a propensity matrix of the wrong shape or a count out of range.

    Examples
    --------
    >>> p = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    >>> r = solve_ensemble_pool(np.ones(3), p, 5, seed=1)
    >>> r.labels[:, 2].tolist()
    [1, 1, 1, 1, 1]
    """
    sizes = np.ascontiguousarray(sizes, dtype=np.float64)
    p = np.ascontiguousarray(propensity, dtype=np.float64)
    n_calibrate = _checked_pool_params(
        len(sizes), p, n_instances, n_keep, pool_size, iters_per_n, n_random, exact_n, n_calibrate
    )
    e, s = _pool_phases(
        sizes,
        p,
        int(n_instances),
        (float(size_sigma), float(prop_noise) * np.sqrt(3.0), int(seed)),
        pool_size,
        int(n_keep),
        int(iters_per_n),
        int(n_random),
        int(n_calibrate),
        min(int(exact_n), 24),
    )
    return EnsembleResult(e, s, int(seed), float(size_sigma), float(prop_noise))
