"""Hazard feature rows of chosen (run, state) pairs, built directly by small numba kernels (issue 14).

The forecast evaluates the exit, join and contact hazards only at the (run, state) pairs that can
change (:mod:`realign.simulation.decisions`, :mod:`realign.simulation.campaign`). Building every
(R, n) feature column first and gathering the rows afterwards made many numpy temporaries per
simulated month; these functions write the same rows in one pass instead. The values are the same,
bit for bit, as ``gather_rows(exit_columns(...), rows, states)`` and its join and contact twins
(:mod:`realign.models.features`; tests in ``tests/models/test_feature_rows.py``):

* element-wise arithmetic is written in the same order as the numpy expressions (including the
  ``0.0 + on * x`` accumulations, so even the sign of a zero is kept);
* ``log1p`` of month counts is read from a table computed by numpy's own ``log1p``;
* "a land neighbour has property p" is a loop over i's land neighbours (exact, as the float32
  products of 0/1 counts are), while the floating-point matrix products (affinities, lost territory)
  stay in numpy and are passed in, so their summation order is numpy's.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numba import njit

from realign.models.features import (
    CONTACT_FEATURES,
    EXIT_FEATURES,
    JOIN_FEATURES,
    RECENT,
    TREND_MONTHS,
    MonthState,
    Static,
    month_shared,
)

__all__ = ["exit_rows", "join_rows", "contact_rows", "neighbour_lists", "linear_rows"]


def neighbour_lists(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Land neighbours of each state as compressed rows: ``idx[ptr[i]:ptr[i + 1]]`` are the j with ``L[i, j] > 0``.

    Parameters
    ----------
    L : np.ndarray
        Shape (n, n), land contiguity (0/1, non-negative).

    Returns
    -------
    tuple of np.ndarray
        ``ptr`` (n + 1,) int64 and ``idx`` (number of neighbour pairs,) int64.
    """
    i, j = np.nonzero(L > 0)
    ptr = np.zeros(L.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(i, minlength=L.shape[0]), out=ptr[1:])
    return ptr, j.astype(np.int64)


def _log1p_table(t: int, *months: np.ndarray) -> np.ndarray:
    """``np.log1p(k)`` for k = 0 .. t - (earliest month given) (numpy's own values, looked up by the kernels)."""
    lo = t
    for m in months:
        if m.size:
            lo = min(lo, int(m.min()))
    return np.log1p(np.arange(max(t - lo, 0) + 1, dtype=np.int64))


def _trend(ms: MonthState) -> np.ndarray:
    now = ms.share_hist[-1]
    return now - ms.share_hist[max(0, len(ms.share_hist) - 1 - TREND_MONTHS)]


@njit(cache=True, nogil=True)
def _any_nb(ptr, idx, r, i, code, v):
    """True when a land neighbour j of state i has ``code[r, j] == v`` (v a side, 1 or 2)."""
    for q in range(ptr[i], ptr[i + 1]):
        if code[r, idx[q]] == v:
            return True
    return False


@njit(cache=True, nogil=True)
def _recent_codes(to, month, t, window):
    """(R, n) int8: the side (1 or 2) in ``to`` where ``t - month <= window``, else 0 (recent leavers, joiners)."""
    R, n = to.shape
    out = np.zeros((R, n), dtype=np.int8)
    for r in range(R):
        for j in range(n):
            a = to[r, j]
            if (a == 1 or a == 2) and t - month[r, j] <= window:
                out[r, j] = a
    return out


@njit(cache=True, nogil=True)
def _hot_codes(side, contact, fronts):
    """(R, n) int8: the side of a state in contact on a covered front, else 0."""
    R, n = side.shape
    out = np.zeros((R, n), dtype=np.int8)
    for r in range(R):
        for j in range(n):
            s = side[r, j]
            if (s == 1 or s == 2) and contact[r, j] and fronts[j]:
                out[r, j] = s
    return out


@njit(cache=True, nogil=True)
def _exit_kernel(
    rows, states, side, contact, fc, since, lfrom, lmonth, cap, fronts, ptr, idx, aff1, aff2, nb1, nb2, sh, tr, cred,
    t, tab, recent_window, contagion, out,
):  # fmt: skip
    R, n = side.shape
    # codes per (run, state): the side a recent leaver left (rec), the side of a state in contact (hot); 0 none;
    # and the count of recent leavers per run and side
    rec = _recent_codes(lfrom, lmonth, t, recent_window)
    hot = _hot_codes(side, contact, fronts)
    cnt = np.zeros((R, 3), dtype=np.int64)
    for r in range(R):
        for j in range(n):
            cnt[r, rec[r, j]] += 1
    for q in range(rows.shape[0]):
        r, i = rows[q], states[q]
        own = min(max(side[r, i], 1), 2)
        f1 = 1.0 if own == 1 else 0.0
        f2 = 1.0 - f1
        c0 = 1.0 if (contact[r, i] and fronts[i]) else 0.0
        ff = 1.0 if fronts[i] else 0.0
        s4 = sh[r, own]
        out[q, 0] = c0
        out[q, 1] = (tab[max(t - fc[r, i], 0)] if fc[r, i] >= 0 else 0.0) * ff
        out[q, 2] = 1.0 if _any_nb(ptr, idx, r, i, hot, own) else 0.0
        out[q, 3] = 1.0 if (nb2[r, i] if own == 1 else nb1[r, i]) else 0.0
        out[q, 4] = s4
        out[q, 5] = tr[r, own]
        out[q, 6] = cred[r, own] - cred[r, 3 - own]
        if contagion:
            out[q, 7] = 1.0 if _any_nb(ptr, idx, r, i, rec, own) else 0.0
            out[q, 8] = 1.0 if cnt[r, own] - (1 if rec[r, i] == own else 0) > 0 else 0.0
        else:
            out[q, 7] = 0.0
            out[q, 8] = 0.0
        out[q, 9] = (0.0 + f1 * (aff2[r, i] - aff1[r, i])) + f2 * (aff1[r, i] - aff2[r, i])
        out[q, 10] = tab[max(t - since[r, i], 0)]
        out[q, 11] = 0.0 if fronts[i] else 1.0
        out[q, 12] = c0 * (1.0 if s4 < 0.5 else 0.0)
        out[q, 13] = 1.0 if (cap[r, i] and fronts[i]) else 0.0


def _pairs(rows: np.ndarray, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(rows, dtype=np.int64), np.ascontiguousarray(states, dtype=np.int64)


def exit_rows(
    st: Static,
    ms: MonthState,
    cred: np.ndarray,
    t: int,
    shared: dict,
    rows: np.ndarray,
    states: np.ndarray,
    contagion: bool = True,
) -> np.ndarray:
    """(m, len(EXIT_FEATURES)) exit features of the pairs ``(rows[j], states[j])``.

    Equal, bit for bit, to ``gather_rows(exit_columns(st, ms, w, cred, t, shared), rows, states)``
    (with columns 7 and 8 zeroed when ``contagion`` is off).

    Parameters
    ----------
    st : Static
        The run's fixed data (land contiguity, fronts coverage).
    ms : MonthState
        The (R, n) state of R runs at month ``t`` (with the month's news, :func:`with_news`).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number.
    shared : dict
        :func:`realign.models.features.month_shared` of ``ms.side`` and the month's capabilities.
    rows, states : np.ndarray
        Shape (m,) int, run and state index of each pair.
    contagion : bool, default True
        False zeroes ``neighbour_left`` and ``partner_left`` (the contagion channel off).

    Returns
    -------
    np.ndarray
        Shape (m, len(EXIT_FEATURES)), C-contiguous float64.
    """
    r, i = _pairs(rows, states)
    out = np.empty((r.size, len(EXIT_FEATURES)))
    R, n = ms.side.shape
    cap = np.zeros((R, n), dtype=bool) if ms.capital is None else ms.capital
    if cap.shape != (R, n):
        cap = np.broadcast_to(cap, (R, n)).copy()
    ptr, idx = neighbour_lists(st.L)
    tab = _log1p_table(t, ms.first_contact[ms.first_contact >= 0], ms.side_since)
    aff, nb = shared["aff"], shared["nb"]
    _exit_kernel(
        r, i, ms.side, ms.contact, ms.first_contact, ms.side_since, ms.left_from, ms.left_month,
        cap, st.fronts, ptr, idx, aff[1], aff[2], nb[1], nb[2],
        ms.share_hist[-1], _trend(ms), cred, t, tab, RECENT, contagion, out,
    )  # fmt: skip
    return out


@njit(cache=True, nogil=True)
def _join_kernel(
    rows, states, side, lfrom, lmonth, jto, jmonth, ptr, idx, aff1, aff2, nb1, nb2, lost1, lost2, sh, cred, t, lw,
    recent_war, major, recent_window, contagion, out,
):  # fmt: skip
    R, n = side.shape
    # the side a state joined recently, 0 none
    joined = _recent_codes(jto, jmonth, t, recent_window) if contagion else np.zeros((R, n), dtype=np.int8)
    for q in range(rows.shape[0]):
        r, i = rows[q], states[q]
        for k in range(2):
            a = k + 1
            o = 2 - k
            out[k, q, 0] = sh[r, a]
            out[k, q, 1] = aff1[r, i] - aff2[r, i] if a == 1 else aff2[r, i] - aff1[r, i]
            out[k, q, 2] = 1.0 if (contagion and _any_nb(ptr, idx, r, i, joined, a)) else 0.0
            out[k, q, 3] = 1.0 if (nb1[r, i] if a == 1 else nb2[r, i]) else 0.0
            out[k, q, 4] = 1.0 if (nb2[r, i] if a == 1 else nb1[r, i]) else 0.0
            out[k, q, 5] = 1.0 if (lfrom[r, i] == o and t - lmonth[r, i] <= recent_window) else 0.0
            out[k, q, 6] = cred[r, a] - cred[r, o]
            out[k, q, 7] = lw
            out[k, q, 8] = recent_war[i]
            out[k, q, 9] = lost2[r, i] if a == 1 else lost1[r, i]
            out[k, q, 10] = major[i]


def join_rows(
    st: Static,
    ms: MonthState,
    w: np.ndarray,
    cred: np.ndarray,
    t: int,
    shared: dict,
    rows: np.ndarray,
    states: np.ndarray,
    contagion: bool = True,
) -> np.ndarray:
    """(2, m, len(JOIN_FEATURES)) join features (side 1, then side 2) of the pairs ``(rows[j], states[j])``.

    Equal, bit for bit, to ``gather_rows(join_columns(st, ms, w, cred, t, shared)[k], rows, states)``
    for k = 0, 1 (with column 2 zeroed when ``contagion`` is off).

    Parameters
    ----------
    st : Static
        The run's fixed data (land contiguity, war start, earlier wars, lost territory, majors).
    ms : MonthState
        The (R, n) state of R runs at month ``t``.
    w : np.ndarray
        Shape (R, n), the month's capabilities (only passed on if ``shared`` must be computed).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number.
    shared : dict
        :func:`realign.models.features.month_shared` of ``ms.side`` and ``w`` (``None`` computes it).
    rows, states : np.ndarray
        Shape (m,) int, run and state index of each pair.
    contagion : bool, default True
        False zeroes ``neighbour_joined`` (the contagion channel off).

    Returns
    -------
    np.ndarray
        Shape (2, m, len(JOIN_FEATURES)); each ``[k]`` is C-contiguous float64.
    """
    r, i = _pairs(rows, states)
    side = ms.side
    R, n = side.shape
    shared = shared or month_shared(st, side, w)
    out = np.empty((2, r.size, len(JOIN_FEATURES)))
    ptr, idx = neighbour_lists(st.L)
    if st.lost is not None:  # numpy's matrix product, as in join_columns (its summation order)
        lost = [np.minimum(1.0, (side == o).astype(float) @ st.lost.T) for o in (1, 2)]
    else:
        lost = [np.zeros((R, n))] * 2
    zero = np.zeros(n)
    rw = zero if st.recent_war is None else np.asarray(st.recent_war, dtype=float)
    major = zero if st.major is None else np.asarray(st.major, dtype=float)
    aff, nb = shared["aff"], shared["nb"]
    _join_kernel(
        r, i, side, ms.left_from, ms.left_month, ms.joined_to, ms.join_month, ptr, idx, aff[1], aff[2],
        nb[1], nb[2], lost[0], lost[1], ms.share_hist[-1], cred, t, float(np.log1p(max(t - st.war_start, 0))),
        rw, major, RECENT, contagion, out,
    )  # fmt: skip
    return out


@njit(cache=True, nogil=True)
def _contact_kernel(
    rows, states, side, contact, since, fronts, ptr, idx, nb1, nb2, sh, tr, cred, t, tab, out
):  # fmt: skip
    hot = _hot_codes(side, contact, fronts)  # the side of a state in contact, 0 none
    for q in range(rows.shape[0]):
        r, i = rows[q], states[q]
        own = min(max(side[r, i], 1), 2)
        out[q, 0] = 1.0 if (nb2[r, i] if own == 1 else nb1[r, i]) else 0.0
        out[q, 1] = 1.0 if _any_nb(ptr, idx, r, i, hot, own) else 0.0
        out[q, 2] = sh[r, own]
        out[q, 3] = tr[r, own]
        out[q, 4] = cred[r, own] - cred[r, 3 - own]
        out[q, 5] = tab[max(t - since[r, i], 0)]


def contact_rows(
    st: Static,
    ms: MonthState,
    cred: np.ndarray,
    t: int,
    shared: dict,
    rows: np.ndarray,
    states: np.ndarray,
) -> np.ndarray:
    """(m, len(CONTACT_FEATURES)) contact features of the pairs ``(rows[j], states[j])``.

    Equal, bit for bit, to ``gather_rows(contact_columns(st, ms, w, cred, t, shared), rows, states)``.

    Parameters
    ----------
    st : Static
        The run's fixed data (land contiguity, fronts coverage).
    ms : MonthState
        The (R, n) state of R runs at month ``t`` (contacts at the month's start).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number.
    shared : dict
        :func:`realign.models.features.month_shared` of ``ms.side`` and the month's capabilities.
    rows, states : np.ndarray
        Shape (m,) int, run and state index of each pair.

    Returns
    -------
    np.ndarray
        Shape (m, len(CONTACT_FEATURES)), C-contiguous float64.
    """
    r, i = _pairs(rows, states)
    out = np.empty((r.size, len(CONTACT_FEATURES)))
    ptr, idx = neighbour_lists(st.L)
    nb = shared["nb"]
    _contact_kernel(
        r, i, ms.side, ms.contact, ms.side_since, st.fronts, ptr, idx, nb[1], nb[2], ms.share_hist[-1], _trend(ms),
        cred, t, _log1p_table(t, ms.side_since), out,
    )  # fmt: skip
    return out


@njit(cache=True, nogil=True)
def _linear_kernel(X, coef, runs, out):
    """``coef[runs[q], 0] + X[q] @ coef[runs[q], 1:]`` summed in numpy einsum's order (see :func:`linear_rows`)."""
    m, k = X.shape
    for q in range(m):
        r = runs[q]
        l0 = 0.0
        l1 = 0.0
        c = 0
        while k - c >= 8:  # einsum's 4 x 2-lane unrolled block, highest pair first
            for j in range(3, -1, -1):
                l0 = X[q, c + 2 * j] * coef[r, 1 + c + 2 * j] + l0
                l1 = X[q, c + 2 * j + 1] * coef[r, 2 + c + 2 * j] + l1
            c += 8
        while c < k:  # the 2-lane tail; a missing odd element is loaded as 0
            l0 = X[q, c] * coef[r, 1 + c] + l0
            l1 = (X[q, c + 1] * coef[r, 2 + c] if c + 1 < k else 0.0) + l1
            c += 2
        out[q] = coef[r, 0] + (0.0 + (l0 + l1))


def _einsum_rows(X: np.ndarray, coef: np.ndarray, runs: np.ndarray) -> np.ndarray:
    return coef[runs, 0] + np.einsum("mk,mk->m", X, coef[runs, 1:])


@cache
def _kernel_matches_einsum() -> bool:
    """True when :func:`_linear_kernel` reproduces this numpy build's einsum bit for bit.

    The kernel follows numpy's 128-bit SIMD sum of products (numpy 2.x's x86-64 baseline); a build with
    another inner loop gets the einsum path instead, so results never depend on which path ran.
    """
    rng = np.random.default_rng(20260101)
    for k in range(1, 24):
        X = rng.normal(size=(64, k)) * 10.0 ** rng.integers(-3, 4, size=(64, k))
        coef = rng.normal(size=(5, k + 1))
        runs = rng.integers(0, 5, size=64)
        got = np.empty(64)
        _linear_kernel(X, coef, runs, got)
        if got.tobytes() != _einsum_rows(X, coef, runs).tobytes():
            return False
    return True


def linear_rows(X: np.ndarray, coef: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Linear predictors ``coef[runs[q], 0] + X[q] @ coef[runs[q], 1:]`` of feature rows, one run's draw each.

    The same value, bit for bit, as ``coef[runs, 0] + np.einsum("mk,mk->m", X, coef[runs, 1:])`` (what
    :meth:`realign.models.hazard_model.HazardModel.predict_proba_rows` computed before), without
    gathering the (m, k) coefficient rows: the kernel sums in einsum's order, and falls back to einsum
    where a numpy build sums otherwise (checked once per process).

    Parameters
    ----------
    X : np.ndarray
        Shape (m, k), feature rows.
    coef : np.ndarray
        Shape (R, k + 1), per-run coefficients, intercept first.
    runs : np.ndarray
        Shape (m,) int, run of each row (0 <= runs < R).

    Returns
    -------
    np.ndarray
        Shape (m,), log-odds.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    coef = np.ascontiguousarray(coef, dtype=np.float64)
    runs = np.ascontiguousarray(runs, dtype=np.int64)
    if X.ndim != 2 or coef.ndim != 2 or coef.shape[1] != X.shape[1] + 1 or runs.shape != X.shape[:1]:
        raise ValueError(
            f"linear_rows needs X (m, k), coef (R, k+1), runs (m,); got {X.shape}, {coef.shape}, {runs.shape}."
        )
    if runs.size and (runs.min() < 0 or runs.max() >= coef.shape[0]):
        raise ValueError(f"runs must index the {coef.shape[0]} coefficient rows.")
    if not _kernel_matches_einsum():  # pragma: no cover - numpy builds with another einsum inner loop
        return _einsum_rows(X, coef, runs)
    out = np.empty(X.shape[0])
    _linear_kernel(X, coef, runs, out)
    return out
