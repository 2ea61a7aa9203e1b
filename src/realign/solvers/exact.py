"""Exact two-coalition solver: Gray-code enumeration with incremental local fields.

The landscape energy of Axelrod & Bennett (1993, *BJPS* 23(2)) for two coalitions is written with
spins ``s_i = ±1`` and couplings ``W_ij = s_i s_j p_ij`` (sizes times propensity, zero diagonal)::

    E(s) = Σ_{i<j} W_ij [s_i != s_j] = Σ_{i<j} W_ij (1 - s_i s_j) / 2

With the local field ``h_i = Σ_j W_ij s_j`` the energy change of flipping ``s_i`` is
``ΔE_i = s_i h_i``; a configuration is a *local minimum* when no single flip lowers the energy,
i.e. ``s_i h_i >= -tol`` for every ``i``.

The enumeration fixes ``s_0 = +1`` (the two labellings of a partition have the same energy) and
walks the remaining ``2^(N-1)`` configurations in reflected Gray-code order, so each step flips one
spin and updates the ``N`` local fields in ``O(N)``. The walk is split on the top bits into
independent chunks run in parallel (numba ``prange``); each chunk starts from freshly computed fields,
so rounding drift cannot accumulate across chunks. Recorded minima are re-checked from scratch.

States are encoded as ``int64`` bit masks: bit ``i`` set means ``s_i = -1`` (second coalition).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange

__all__ = [
    "ExactResult",
    "couplings",
    "energy_of_state",
    "energies_of_states",
    "is_local_minimum",
    "spins_from_state",
    "state_from_labels",
    "solve_exact",
    "brute_force",
    "EXACT_MAX_N",
]

#: Largest N the plain enumeration accepts (2^(N-1) configurations; N=34 is ~8.6e9).
EXACT_MAX_N = 36


def couplings(sizes: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """Coupling matrix ``W_ij = s_i s_j p_ij`` with a zero diagonal (float64, shape (n, n)).

    Parameters
    ----------
    sizes : np.ndarray
        Shape (n,), state sizes ``s_i`` (in realign, CINC shares).
    propensity : np.ndarray
        Shape (n, n), pairwise propensities ``p_ij`` (positive: apart, negative: together).

    Returns
    -------
    np.ndarray
        Shape (n, n), ``W_ij = s_i s_j p_ij`` with a zero diagonal.

    Examples
    --------
    >>> couplings(np.array([1.0, 2.0]), np.array([[0.0, 0.5], [0.5, 0.0]])).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    s = np.asarray(sizes, dtype=np.float64)
    w = np.outer(s, s) * np.asarray(propensity, dtype=np.float64)
    np.fill_diagonal(w, 0.0)
    return w


def spins_from_state(state: int, n: int) -> np.ndarray:
    """Spins (+1/-1, float64) of an int bit mask (bit set means -1).

    Parameters
    ----------
    state : int
        Bit mask; bit ``i`` set puts element ``i`` at spin -1.
    n : int
        Number of elements.

    Returns
    -------
    np.ndarray
        Shape (n,), float64 spins +1/-1.

    Examples
    --------
    >>> spins_from_state(0b101, 3).tolist()
    [-1.0, 1.0, -1.0]
    """
    bits = (int(state) >> np.arange(n)) & 1
    return 1.0 - 2.0 * bits.astype(np.float64)


def state_from_labels(labels: np.ndarray) -> int:
    """Bit mask of a two-label assignment, normalised so that element 0 has bit 0 clear.

    Parameters
    ----------
    labels : np.ndarray
        Shape (n,), two-valued coalition labels (any two values).

    Returns
    -------
    int
        Bit mask with bit ``i`` set where ``labels[i] != labels[0]``.
    """
    lab = np.asarray(labels)
    bits = lab != lab[0]
    return int(np.sum(bits.astype(np.int64) << np.arange(len(lab), dtype=np.int64)))


@njit(cache=True)
def _energy_state(w, state):
    n = w.shape[0]
    e = 0.0
    for i in range(n):
        bi = (state >> i) & 1
        for j in range(i + 1, n):
            if bi != ((state >> j) & 1):
                e += w[i, j]
    return e


def energy_of_state(w: np.ndarray, state: int) -> float:
    """Energy ``Σ_{i<j} W_ij [different coalitions]`` of a bit-mask state.

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) coupling matrix.
    state : int
        Bit mask of the configuration (bit set: second coalition).

    Returns
    -------
    float
        The energy (units of ``W``).
    """
    return float(_energy_state(np.ascontiguousarray(w, dtype=np.float64), np.int64(state)))


def energies_of_states(w: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Vectorised energies of many bit-mask states (numpy, exact recomputation).

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) coupling matrix.
    states : np.ndarray
        Shape (k,), int bit masks.

    Returns
    -------
    np.ndarray
        Shape (k,), energy of each state (empty for no states).
    """
    states = np.asarray(states, dtype=np.int64)
    n = w.shape[0]
    if states.size == 0:
        return np.zeros(0)
    bits = ((states[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(np.float64)
    spins = 1.0 - 2.0 * bits
    return 0.25 * (w.sum() - np.einsum("ki,ij,kj->k", spins, w, spins))


def is_local_minimum(w: np.ndarray, state: int, tol: float | None = None) -> bool:
    """True when no single flip lowers the energy of ``state`` by more than ``tol``.

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) coupling matrix.
    state : int
        Bit mask of the configuration.
    tol : float or None, default None
        Energy tolerance; ``None`` uses :func:`default_tol`.

    Returns
    -------
    bool
        True if every single flip changes the energy by ``>= -tol``.
    """
    n = w.shape[0]
    s = spins_from_state(state, n)
    g = s * (w @ s)
    if tol is None:
        tol = default_tol(w)
    return bool(np.all(g >= -tol))


def default_tol(w: np.ndarray) -> float:
    """Energy tolerance used for ties and local-minimum tests: 1e-9 × Σ|W| (at least 1e-12)."""
    return max(1e-9 * float(np.abs(w).sum()), 1e-12)


@njit(cache=True, fastmath=True, parallel=True)
def _gray_chunks(w, n_top, c_lo, c_hi, tol, cap, best_e, best_s, min_s, min_e, counts):
    n = w.shape[0]
    m = n - 1
    low = m - n_top
    n_low = np.int64(1) << low
    for c in prange(c_lo, c_hi):
        s = np.ones(n)
        h = np.zeros(n)
        state = np.int64(c) << (low + 1)
        for t in range(n_top):
            if (c >> t) & 1:
                s[low + 1 + t] = -1.0
        e = 0.0
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += w[i, j] * s[j]
            h[i] = acc
            for j in range(i + 1, n):
                if s[i] != s[j]:
                    e += w[i, j]
        be = e
        bs = state
        cnt = 0
        mn = np.inf
        for j in range(n):
            v = s[j] * h[j]
            mn = min(mn, v)
        if mn >= -tol:
            min_s[c, 0] = state
            min_e[c, 0] = e
            cnt = 1
        for t in range(1, n_low):
            b = 0
            while ((t >> b) & 1) == 0:
                b += 1
            b += 1
            sb = s[b]
            gb = sb * h[b]
            e += gb
            s[b] = -sb
            c2 = 2.0 * sb
            wb = w[b]
            for j in range(n):
                h[j] -= c2 * wb[j]
            state ^= np.int64(1) << b
            if e < be:
                be = e
                bs = state
            # after the flip g_b = -gb, so only a downhill (or flat) step can land on a minimum
            if gb <= tol:
                ok = True
                for j in range(n):
                    if s[j] * h[j] < -tol:
                        ok = False
                        break
                if ok:
                    if cnt < cap:
                        min_s[c, cnt] = state
                        min_e[c, cnt] = e
                    cnt += 1
        best_e[c] = be
        best_s[c] = bs
        counts[c] = cnt


@dataclass
class ExactResult:
    """Result of :func:`solve_exact`.

    ``minima_states`` are bit masks of *every* local minimum (ties within ``tol`` included), sorted
    by energy; ``truncated`` is True if more minima existed than ``max_minima`` (then only the
    recorded ones are listed but the global minimum is still exact).
    """

    energy: float
    state: int
    minima_states: np.ndarray
    minima_energies: np.ndarray
    n_configs: int
    truncated: bool = False
    n_minima: int = 0
    extra: dict = field(default_factory=dict)


def solve_exact(
    w: np.ndarray,
    *,
    max_minima: int = 1 << 20,
    tol: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExactResult:
    """Global minimum and all local minima of the two-coalition energy by full enumeration.

    Runs in ``O(N 2^(N-1))`` time and ``O(N^2)`` memory (plus the stored minima).

    Parameters
    ----------
    w : np.ndarray
        (n, n) symmetric coupling matrix (``couplings(sizes, propensity)``), energy units.
    max_minima, tol : int (default 2**20), float or None (default None)
        Cap on the number of local minima stored (all are counted); energy tolerance for ties (None: default_tol).
    progress : Callable[[int, int], None] or None, default None
        Called as ``progress(done_chunks, total_chunks)`` between batches.

    Returns
    -------
    ExactResult
        Global minimum energy and state (bit mask), the local minima sorted by energy, and counts.

    Raises
    ------
    ValueError
        If ``n > EXACT_MAX_N`` (use :func:`~realign.solvers.bnb.solve_bnb`).

    Examples
    --------
    >>> w = couplings(np.ones(3), np.array([[0, 1, -1], [1, 0, -1], [-1, -1, 0]]))
    >>> r = solve_exact(w)
    >>> r.energy, r.state
    (-2.0, 4)
    """
    w = np.ascontiguousarray(w, dtype=np.float64)
    n = w.shape[0]
    if n == 0:
        return ExactResult(0.0, 0, np.zeros(0, np.int64), np.zeros(0), 0)
    if n > EXACT_MAX_N:
        raise ValueError(f"exact enumeration supports N <= {EXACT_MAX_N}; got N={n} (use bnb)")
    if n == 1:
        return ExactResult(0.0, 0, np.zeros(1, np.int64), np.zeros(1), 1, n_minima=1)
    if tol is None:
        tol = default_tol(w)
    m = n - 1
    n_top = min(m, 8 if n >= 26 else (6 if n >= 14 else 0))
    n_chunks = 1 << n_top
    cap = max(16, min(max_minima, 1 << 16) // max(1, n_chunks // 4))
    cap = min(cap, max_minima)
    best_e = np.empty(n_chunks)
    best_s = np.empty(n_chunks, np.int64)
    min_s = np.empty((n_chunks, cap), np.int64)
    min_e = np.empty((n_chunks, cap))
    counts = np.zeros(n_chunks, np.int64)
    batch = n_chunks if progress is None else max(1, n_chunks // 16)
    for lo in range(0, n_chunks, batch):
        hi = min(n_chunks, lo + batch)
        _gray_chunks(w, n_top, lo, hi, tol, cap, best_e, best_s, min_s, min_e, counts)
        if progress is not None:
            progress(hi, n_chunks)
    k = int(np.argmin(best_e))
    stored = np.minimum(counts, cap)
    truncated = bool(np.any(counts > cap))
    states, energies = _recheck_minima(np.concatenate([min_s[c, : stored[c]] for c in range(n_chunks)]), w, tol)
    best_state = int(best_s[k])
    best_energy = energy_of_state(w, best_state)
    if states.size and energies[0] < best_energy:
        best_state, best_energy = int(states[0]), float(energies[0])
    return ExactResult(
        energy=best_energy,
        state=best_state,
        minima_states=states,
        minima_energies=energies,
        n_configs=1 << m,
        truncated=truncated,
        n_minima=int(counts.sum()),
    )


def _recheck_minima(states: np.ndarray, w: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Recorded minima recomputed exactly: those still local minima, with their energies, sorted (energy, state)."""
    if not states.size:
        return states, np.zeros(0)
    n = w.shape[0]
    bits = ((states[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(np.float64)
    spins = 1.0 - 2.0 * bits
    fields = spins @ w
    ok = np.all(spins * fields >= -tol, axis=1)
    states, spins, fields = states[ok], spins[ok], fields[ok]
    energies = 0.25 * (w.sum() - np.einsum("ki,ki->k", spins, fields))
    order = np.lexsort((states, energies))
    return states[order], energies[order]


def brute_force(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Reference numpy enumeration for tests: (min energy, all states with bit 0 clear, energies).

    Parameters
    ----------
    w : np.ndarray
        Shape (n, n) coupling matrix.

    Returns
    -------
    tuple[float, np.ndarray, np.ndarray]
        The minimum energy, the ``2^(n-1)`` bit-mask states (int64, bit 0 clear) and their energies.
    """
    w = np.asarray(w, dtype=np.float64)
    n = w.shape[0]
    states = np.arange(1 << max(n - 1, 0), dtype=np.int64) << 1
    energies = energies_of_states(w, states)
    return float(energies.min()), states, energies
