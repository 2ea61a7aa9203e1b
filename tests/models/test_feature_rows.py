"""The numba feature rows equal the numpy columns gathered at the same pairs, bit for bit (issue 14)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.models.feature_rows import contact_rows, exit_rows, join_rows, linear_rows, neighbour_lists
from realign.models.features import (
    MonthState,
    Static,
    contact_columns,
    exit_columns,
    gather_rows,
    join_columns,
    month_shared,
)

T = 1942 * 12 + 1


def _world(seed: int, R: int, n: int, full: bool = True):
    """Random states and histories; ``full=False`` leaves the optional inputs (capital, lost, ...) out."""
    rng = np.random.default_rng(seed)
    L = (rng.random((n, n)) < 0.3).astype(float)
    L = np.triu(L, 1) + np.triu(L, 1).T
    A = rng.normal(size=(n, n))
    np.fill_diagonal(A, 0.0)
    s = Static(
        ccodes=tuple(range(n)),
        L=L,
        A=A,
        core=rng.random(n) < 0.2,
        relevant=rng.random(n) < 0.7,
        fronts=rng.random(n) < 0.6,
        war_start=1939 * 12 + int(rng.integers(0, 30)),
        recent_war=rng.random(n) if full else None,
        lost=rng.random((n, n)) * (rng.random((n, n)) < 0.2) if full else None,
        major=rng.random(n) < 0.3 if full else None,
    )
    ri = lambda lo, hi: rng.integers(lo, hi, (R, n))  # noqa: E731
    hist = [np.c_[np.zeros(R), rng.dirichlet([1, 1], R)] for _ in range(int(rng.integers(1, 10)))]
    never = rng.random((R, n)) < 0.3
    ms = MonthState(
        side=ri(0, 3),
        contact=rng.random((R, n)) < 0.3,
        first_contact=np.where(never, -1, ri(-40, 3) + T),
        side_since=ri(-60, 2) + T,
        left_from=ri(0, 3),
        left_month=np.where(rng.random((R, n)) < 0.3, -999, ri(-6, 1) + T),
        joined_to=ri(0, 3),
        join_month=np.where(rng.random((R, n)) < 0.3, -999, ri(-6, 1) + T),
        share_hist=hist,
        capital=(rng.random((R, n)) < 0.1) if full else None,
    )
    w = rng.random((R, n))
    cred = rng.normal(size=(R, 3))
    r, i = np.nonzero(rng.random((R, n)) < 0.5)
    return s, ms, w, cred, r, i


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 30), st.integers(1, 15), st.booleans(), st.booleans())
def test_rows_equal_gathered_columns_bitwise(seed, R, n, full, contagion):
    s, ms, w, cred, r, i = _world(seed, R, n, full)
    sh = month_shared(s, ms.side, w)
    want = exit_columns(s, ms, w, cred, T, sh)
    wj = join_columns(s, ms, w, cred, T, sh)
    if not contagion:
        want[7:9] = 0.0
        wj[:, 2] = 0.0
    got = exit_rows(s, ms, cred, T, sh, r, i, contagion=contagion)
    # tobytes: equal including the sign of zeros
    assert got.tobytes() == gather_rows(want, r, i).tobytes()
    gj = join_rows(s, ms, w, cred, T, sh, r, i, contagion=contagion)
    for k in (0, 1):
        assert gj[k].flags.c_contiguous
        assert gj[k].tobytes() == gather_rows(wj[k], r, i).tobytes()
    gc = contact_rows(s, ms, cred, T, sh, r, i)
    assert gc.tobytes() == gather_rows(contact_columns(s, ms, w, cred, T, sh), r, i).tobytes()


def test_no_pairs_give_empty_rows():
    s, ms, w, cred, _, _ = _world(1, 4, 5)
    sh = month_shared(s, ms.side, w)
    none = np.zeros(0, dtype=np.int64)
    assert exit_rows(s, ms, cred, T, sh, none, none).shape == (0, 14)
    assert join_rows(s, ms, w, cred, T, sh, none, none).shape == (2, 0, 11)
    assert contact_rows(s, ms, cred, T, sh, none, none).shape == (0, 6)


def test_neighbour_lists_are_the_contiguity_rows():
    L = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float)
    ptr, idx = neighbour_lists(L)
    assert ptr.tolist() == [0, 2, 3, 4]
    assert idx.tolist() == [1, 2, 0, 0]


@pytest.mark.parametrize("t", [T - 100, T, T + 5])
def test_month_counts_before_any_record_are_zero(t):
    # t before every recorded month: log1p(max(t - m, 0)) is log1p(0) = 0, as in the numpy columns
    s, ms, w, cred, r, i = _world(7, 6, 8)
    sh = month_shared(s, ms.side, w)
    got = exit_rows(s, ms, cred, t, sh, r, i)
    assert got.tobytes() == gather_rows(exit_columns(s, ms, w, cred, t, sh), r, i).tobytes()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000), st.integers(0, 40), st.integers(1, 25), st.integers(1, 6))
def test_linear_rows_equal_einsum_bitwise(seed, m, k, R):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, k)) * 10.0 ** rng.integers(-4, 5, size=(m, k))
    X[rng.random((m, k)) < 0.3] = 0.0  # 0/1 indicators and zeros, as in the feature rows
    coef = rng.normal(size=(R, k + 1))
    runs = rng.integers(0, R, size=m)
    want = coef[runs, 0] + np.einsum("mk,mk->m", X, coef[runs, 1:])
    assert linear_rows(X, coef, runs).tobytes() == want.tobytes()


def test_linear_rows_reject_bad_shapes_and_runs():
    X, coef = np.zeros((3, 4)), np.zeros((2, 5))
    with pytest.raises(ValueError, match=r"coef \(R, k\+1\)"):
        linear_rows(X, np.zeros((2, 4)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="runs must index the 2 coefficient rows"):
        linear_rows(X, coef, np.array([0, 1, 2]))
