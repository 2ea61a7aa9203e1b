"""Heuristic two-coalition solvers in numba: steepest descent, tabu search, batched ensembles.

Energy and notation as in :mod:`realign.solvers.exact` (Axelrod & Bennett 1993): spins ``s_i = ±1``,
couplings ``W`` (energy units), flip cost ``g_i = s_i h_i`` with ``h = W s``. Configurations are
returned as ``int8`` label arrays (0/1) normalised so that element 0 has label 0, which works for any N
(the whole state system, ~190 states).

Randomness comes from a counter-based splitmix64 generator seeded per run (``seed``, run index), so
results are reproducible whatever the thread scheduling of the parallel loops.

* :func:`steepest_descent` — many random starts, each descended by the steepest single flip.
* :func:`tabu_search` — one-flip tabu search (random tenure, aspiration) from random starts,
  reporting the best energy and how many runs found it.
* :func:`descend_labels` — descend given configurations (used for basin sizes).
* :func:`solve_ensemble` — thousands of perturbed instances (sizes × lognormal noise, propensities +
  uniform noise) generated and solved in compiled code, warm-started from the unperturbed answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from realign.solvers.exact import default_tol

__all__ = [
    "HeuristicResult",
    "EnsembleResult",
    "steepest_descent",
    "tabu_search",
    "descend_labels",
    "solve_ensemble",
    "labels_energy",
]

_GOLD = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def _next(st):
    st[0] += _GOLD
    z = st[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _uniform(st):
    return np.float64(_next(st) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def _randint(st, n):
    return np.int64(_next(st) % np.uint64(n))


@njit(cache=True)
def _normal(st):
    u1 = _uniform(st)
    u2 = _uniform(st)
    if u1 < 1e-300:
        u1 = 1e-300
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True)
def _seed_state(seed, run):
    st = np.empty(1, np.uint64)
    st[0] = np.uint64(seed) * np.uint64(0xD1B54A32D192ED03) + np.uint64(run)
    _next(st)
    st[0] = _next(st)
    return st


@njit(cache=True, inline="always")
def _fields(w, s, h):
    n = w.shape[0]
    for i in range(n):
        acc = 0.0
        for j in range(n):
            acc += w[i, j] * s[j]
        h[i] = acc


@njit(cache=True, inline="always")
def _energy(wsum, s, h):
    acc = 0.0
    for i in range(s.shape[0]):
        acc += s[i] * h[i]
    return 0.25 * (wsum - acc)


@njit(cache=True, inline="always")
def _flip(w, s, h, j):
    c2 = 2.0 * s[j]
    s[j] = -s[j]
    wj = w[j]
    for k in range(s.shape[0]):
        h[k] -= c2 * wj[k]


@njit(cache=True)
def _descend(w, s, h, tol):
    """Steepest descent in place; returns the energy change (<= 0)."""
    n = s.shape[0]
    de = 0.0
    while True:
        jmin = -1
        gmin = -tol
        for j in range(n):
            g = s[j] * h[j]
            if g < gmin:
                gmin = g
                jmin = j
        if jmin < 0:
            return de
        de += gmin
        _flip(w, s, h, jmin)


@njit(cache=True)
def _random_spins(st, s):
    for i in range(s.shape[0]):
        s[i] = 1.0 if (_next(st) >> np.uint64(63)) == 0 else -1.0


@njit(cache=True)
def _tabu(w, wsum, s, h, n_iter, ten_min, ten_rng, st, tol, target, best_s, tabu_until):
    """One tabu run from (s, h). Returns (best energy, iteration of first reaching it)."""
    n = s.shape[0]
    e = _energy(wsum, s, h)
    be = e
    hit = 0
    for i in range(n):
        best_s[i] = s[i]
        tabu_until[i] = 0
    for it in range(1, n_iter + 1):
        jbest = -1
        gbest = np.inf
        for j in range(n):
            g = s[j] * h[j]
            if g < gbest and (tabu_until[j] <= it or e + g < be - tol):
                gbest = g
                jbest = j
        if jbest < 0:
            continue
        _flip(w, s, h, jbest)
        e += gbest
        tabu_until[jbest] = it + ten_min + (_randint(st, ten_rng) if ten_rng > 0 else 0)
        if e < be - tol:
            be = e
            hit = it
            for i in range(n):
                best_s[i] = s[i]
            if be <= target + tol:
                break
    return be, hit


@njit(cache=True, parallel=True)
def _descent_runs(w, n_runs, seed, tol, out_e, out_s):
    n = w.shape[0]
    wsum = w.sum()
    for r in prange(n_runs):
        st = _seed_state(seed, r)
        s = np.empty(n)
        h = np.empty(n)
        _random_spins(st, s)
        _fields(w, s, h)
        _descend(w, s, h, tol)
        out_e[r] = _energy(wsum, s, h)
        for i in range(n):
            out_s[r, i] = 0 if s[i] == s[0] else 1


@njit(cache=True, parallel=True)
def _tabu_runs(w, n_runs, n_iter, ten_min, ten_rng, seed, tol, target, out_e, out_s, out_hit):
    n = w.shape[0]
    wsum = w.sum()
    for r in prange(n_runs):
        st = _seed_state(seed, r)
        s = np.empty(n)
        h = np.empty(n)
        bs = np.empty(n)
        tu = np.empty(n, np.int64)
        _random_spins(st, s)
        _fields(w, s, h)
        _descend(w, s, h, tol)
        be, hit = _tabu(w, wsum, s, h, n_iter, ten_min, ten_rng, st, tol, target, bs, tu)
        # polish: the best visited state descended (normally already a local minimum)
        _fields(w, bs, h)
        _descend(w, bs, h, tol)
        out_e[r] = _energy(wsum, bs, h)
        out_hit[r] = hit
        for i in range(n):
            out_s[r, i] = 0 if bs[i] == bs[0] else 1


@njit(cache=True, parallel=True)
def _descend_many(w, labels, tol, out):
    n = w.shape[0]
    for r in prange(labels.shape[0]):
        s = np.empty(n)
        h = np.empty(n)
        for i in range(n):
            s[i] = 1.0 if labels[r, i] == 0 else -1.0
        _fields(w, s, h)
        _descend(w, s, h, tol)
        for i in range(n):
            out[r, i] = 0 if s[i] == s[0] else 1


@dataclass
class HeuristicResult:
    """Best configuration found by a heuristic and how often it was found.

    ``energy``: best energy; ``labels``: int8 (n,) labels of the best run; ``n_found``: number of
    runs ending within tolerance of ``energy``; ``n_runs``; ``run_energies`` / ``run_labels``: every
    run's final configuration; ``hit_iterations``: iteration where each tabu run first reached its best.
    """

    energy: float
    labels: np.ndarray
    n_found: int
    n_runs: int
    run_energies: np.ndarray
    run_labels: np.ndarray
    hit_iterations: np.ndarray | None = None


def _result(e: np.ndarray, s: np.ndarray, tol: float, hits: np.ndarray | None = None) -> HeuristicResult:
    k = int(np.argmin(e))
    return HeuristicResult(
        energy=float(e[k]),
        labels=s[k].copy(),
        n_found=int(np.sum(e <= e[k] + tol)),
        n_runs=len(e),
        run_energies=e,
        run_labels=s,
        hit_iterations=hits,
    )


def _w(w: np.ndarray) -> np.ndarray:
    w = np.ascontiguousarray(w, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError("couplings must be a square matrix")
    return w


def steepest_descent(w: np.ndarray, n_restarts: int = 1000, seed: int = 0) -> HeuristicResult:
    """Steepest descent from ``n_restarts`` uniformly random configurations (parallel).

    Parameters
    ----------
    w : np.ndarray
        Square (n, n) coupling matrix.
    n_restarts : int, default 1000
        Number of random starts.
    seed : int, default 0
        Seed of the compiled random generator.

    Returns
    -------
    HeuristicResult
        The lowest energy found, its int8 labels, and every run's energy and labels.

    Raises
    ------
    ValueError
        If ``w`` is not a square matrix.

    Examples
    --------
    >>> w = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    >>> r = steepest_descent(w, n_restarts=20, seed=1)
    >>> r.energy, r.labels.tolist()
    (-2.0, [0, 0, 1])
    """
    w = _w(w)
    n = w.shape[0]
    e = np.empty(n_restarts)
    s = np.empty((n_restarts, n), np.int8)
    tol = default_tol(w)
    _descent_runs(w, n_restarts, seed, tol, e, s)
    return _result(e, s, tol)


def tabu_search(
    w: np.ndarray,
    n_restarts: int = 64,
    n_iter: int | None = None,
    seed: int = 0,
    *,
    tenure: tuple[int, int] | None = None,
    target: float | None = None,
) -> HeuristicResult:
    """One-flip tabu search from ``n_restarts`` random starts (parallel over restarts).

    Each run descends from a random configuration, then makes ``n_iter`` (default ``20 N``) moves,
    always taking the best non-tabu flip (a tabu flip only if it beats the run's best); a flipped state
    stays tabu for a random tenure in ``tenure`` (default ``[N/10+1, N/4+2)``). A run stops early when
    it reaches ``target``. ``hit_iterations`` gives the move at which each run first reached its best.

    Parameters
    ----------
    w : np.ndarray
        Square (n, n) coupling matrix.
    n_restarts : int, default 64
        Number of independent runs.
    n_iter : int or None, default None
        Tabu moves per run; ``None`` means ``20 n``.
    seed : int, default 0
        Seed of the compiled random generator.
    tenure : tuple[int, int] or None, default None
        Half-open range ``[lo, hi)`` of the tabu tenure in moves.
    target : float or None, default None
        Energy at which a run stops early.

    Returns
    -------
    HeuristicResult
        Best energy and int8 labels, per-run energies and labels, and ``hit_iterations``.

    Raises
    ------
    ValueError
        If ``w`` is not a square matrix.

    Examples
    --------
    >>> w = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    >>> tabu_search(w, n_restarts=4, seed=0).energy
    -2.0
    """
    w = _w(w)
    n = w.shape[0]
    if n_iter is None:
        n_iter = 20 * n
    t0, t1 = tenure if tenure is not None else (n // 10 + 1, n // 4 + 2)
    t1 = max(t1, t0)
    tol = default_tol(w)
    e = np.empty(n_restarts)
    s = np.empty((n_restarts, n), np.int8)
    hits = np.empty(n_restarts, np.int64)
    tgt = -np.inf if target is None else float(target)
    _tabu_runs(w, n_restarts, int(n_iter), int(t0), int(t1 - t0), seed, tol, tgt, e, s, hits)
    return _result(e, s, tol, hits)


def descend_labels(w: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Steepest-descent end points (int8 labels, normalised) of many 0/1 label rows (parallel).

    Parameters
    ----------
    w : np.ndarray
        Square (n, n) coupling matrix.
    labels : np.ndarray
        Shape (m, n), 0/1 start configurations.

    Returns
    -------
    np.ndarray
        Shape (m, n), int8 labels of the local minimum each row descends to.
    """
    w = _w(w)
    labels = np.ascontiguousarray(labels, dtype=np.int8)
    out = np.empty_like(labels)
    _descend_many(w, labels, default_tol(w), out)
    return out


def labels_energy(w: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Energies of label rows (0/1), shape (m,) for (m, n) labels or a float for (n,).

    Parameters
    ----------
    w : np.ndarray
        Square (n, n) coupling matrix.
    labels : np.ndarray
        Shape (n,) or (m, n), 0/1 labels.

    Returns
    -------
    np.ndarray
        Shape (m,) energies; a float for a single (n,) row.
    """
    lab = np.asarray(labels)
    spins = 1.0 - 2.0 * lab.astype(np.float64)
    if spins.ndim == 1:
        return float(0.25 * (w.sum() - spins @ w @ spins))
    return 0.25 * (w.sum() - np.einsum("ki,ij,kj->k", spins, w, spins))


# ----------------------------------------------------------------------------------------- ensembles


@njit(cache=True)
def _perturb(sizes, p, size_sigma, prop_half, st, w):
    n = sizes.shape[0]
    sz = np.empty(n)
    for i in range(n):
        sz[i] = sizes[i] * np.exp(size_sigma * _normal(st)) if size_sigma > 0 else sizes[i]
    for i in range(n):
        w[i, i] = 0.0
        for j in range(i + 1, n):
            q = p[i, j]
            if prop_half > 0:
                q += prop_half * (2.0 * _uniform(st) - 1.0)
            v = sz[i] * sz[j] * q
            w[i, j] = v
            w[j, i] = v


@njit(cache=True, parallel=True)
def _ensemble(sizes, p, base, n_inst, size_sigma, prop_half, seed, n_iter, n_starts, out_e, out_s):
    n = sizes.shape[0]
    n_blocks = (n_inst + 63) // 64
    for blk in prange(n_blocks):
        w = np.empty((n, n))
        s = np.empty(n)
        h = np.empty(n)
        bs = np.empty(n)
        best = np.empty(n)
        tu = np.empty(n, np.int64)
        for r in range(blk * 64, min(n_inst, blk * 64 + 64)):
            st = _seed_state(seed, r)
            _perturb(sizes, p, size_sigma, prop_half, st, w)
            wsum = 0.0
            amax = 0.0
            for i in range(n):
                for j in range(n):
                    wsum += w[i, j]
                    amax += abs(w[i, j])
            tol = max(1e-9 * amax, 1e-12)
            be = np.inf
            for start in range(n_starts):
                if start == 0:
                    for i in range(n):
                        s[i] = 1.0 if base[i] == 0 else -1.0
                else:
                    _random_spins(st, s)
                _fields(w, s, h)
                _descend(w, s, h, tol)
                if n_iter > 0:
                    e, _hit = _tabu(w, wsum, s, h, n_iter, n // 10 + 1, n // 8 + 1, st, tol, -np.inf, bs, tu)
                    for i in range(n):
                        s[i] = bs[i]
                    _fields(w, s, h)
                    _descend(w, s, h, tol)
                e = _energy(wsum, s, h)
                if e < be - tol:
                    be = e
                    for i in range(n):
                        best[i] = s[i]
            out_e[r] = be
            for i in range(n):
                out_s[r, i] = 0 if best[i] == best[0] else 1


@njit(cache=True)
def _rebuild(sizes, p, size_sigma, prop_half, seed, r, w):
    st = _seed_state(seed, r)
    _perturb(sizes, p, size_sigma, prop_half, st, w)


@dataclass
class EnsembleResult:
    """Energies (n_instances,) and int8 labels (n_instances, n) of perturbed instances."""

    energies: np.ndarray
    labels: np.ndarray
    seed: int
    size_sigma: float
    prop_noise: float

    def couplings(self, sizes: np.ndarray, propensity: np.ndarray, index: int) -> np.ndarray:
        """Rebuild the coupling matrix of instance ``index`` (same compiled generator)."""
        n = len(sizes)
        w = np.empty((n, n))
        _rebuild(
            np.asarray(sizes, np.float64),
            np.ascontiguousarray(propensity, np.float64),
            self.size_sigma,
            self.prop_noise * np.sqrt(3.0),
            self.seed,
            index,
            w,
        )
        return w


def solve_ensemble(
    sizes: np.ndarray,
    propensity: np.ndarray,
    n_instances: int,
    *,
    size_sigma: float = 0.1,
    prop_noise: float = 0.1,
    seed: int = 0,
    base_labels: np.ndarray | None = None,
    n_iter: int | None = None,
    n_starts: int = 1,
) -> EnsembleResult:
    """Solve ``n_instances`` perturbed copies of one landscape in compiled code (parallel).

    Instance ``r`` has sizes ``s_i · exp(size_sigma · z_i)`` (lognormal noise) and propensities
    ``p_ij + u_ij`` with ``u_ij`` uniform of standard deviation ``prop_noise``, drawn from the
    counter-based generator seeded by (``seed``, ``r``) — no Python object per instance. Each instance
    starts from ``base_labels`` (default: a tabu solution of the unperturbed landscape), descends, then
    runs ``n_iter`` tabu moves (default ``4 N``); ``n_starts - 1`` further random starts are optional.

    Parameters
    ----------
    sizes : np.ndarray
        Shape (n,), state sizes (in realign, CINC shares).
    propensity : np.ndarray
        Shape (n, n), pairwise propensities.
    n_instances : int
        Number of perturbed instances.
    size_sigma, prop_noise : float, default 0.1
        Log-scale standard deviation of the size noise; standard deviation of the propensity noise.
    seed : int, default 0
        Seed of the counter-based generator.
    base_labels : np.ndarray or None, default None
        Shape (n,), 0/1 start labels of every instance.
    n_iter : int or None, default None
        Tabu moves per instance; ``None`` means ``4 n``.
    n_starts : int, default 1
        Starts per instance (values < 1 count as 1).

    Returns
    -------
    EnsembleResult
        Energies (n_instances,) and int8 labels (n_instances, n) of the instances.

    Examples
    --------
    >>> p = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, -1.0], [-1.0, -1.0, 0.0]])
    >>> r = solve_ensemble(np.ones(3), p, 5, seed=1)
    >>> r.labels[:, 2].tolist()
    [1, 1, 1, 1, 1]
    """
    sizes = np.ascontiguousarray(sizes, dtype=np.float64)
    p = np.ascontiguousarray(propensity, dtype=np.float64)
    n = len(sizes)
    if base_labels is None:
        from realign.solvers.exact import couplings

        base_labels = tabu_search(couplings(sizes, p), n_restarts=32, seed=seed).labels
    base = np.ascontiguousarray(base_labels, dtype=np.int8)
    if n_iter is None:
        n_iter = 4 * n
    e = np.empty(n_instances)
    s = np.empty((n_instances, n), np.int8)
    _ensemble(
        sizes,
        p,
        base,
        n_instances,
        float(size_sigma),
        float(prop_noise) * np.sqrt(3.0),
        seed,
        int(n_iter),
        int(max(1, n_starts)),
        e,
        s,
    )
    return EnsembleResult(e, s, seed, float(size_sigma), float(prop_noise))
