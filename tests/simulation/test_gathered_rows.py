"""The simulation's shortcuts give the same numbers, bit for bit, as the full computations they replace (issue 14).

* hazards evaluated only at the (run, state) pairs that can decide (``predict_proba_rows`` on
  ``gather_rows`` of feature columns) equal ``predict_proba`` of the full (R, n, k) array there;
* the feature functions' column forms are the (R, n, k) arrays with the feature axis first;
* the panel observer's array lookups (``_active_rows``, ``_members``) keep the rows the pandas filters keep.
"""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.models.features import (
    MonthState,
    Static,
    contact_columns,
    contact_features,
    exit_columns,
    exit_features,
    gather_rows,
    join_columns,
    join_features,
    month_shared,
)
from realign.models.hazard import HazardModel
from realign.models.war_record import _active, _active_rows, _members, _spans
from realign.system.information import InformationSet


def _world(seed: int, R: int = 7, n: int = 9):
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
        war_start=1939 * 12,
        recent_war=rng.random(n),
        lost=rng.random((n, n)),
        major=rng.random(n) < 0.3,
    )
    ri = lambda lo, hi: rng.integers(lo, hi, (R, n))  # noqa: E731
    hist = [np.c_[np.zeros(R), rng.dirichlet([1, 1], R)] for _ in range(8)]
    ms = MonthState(
        side=ri(0, 3),
        contact=rng.random((R, n)) < 0.3,
        first_contact=ri(-1, 3) + 1941 * 12,
        side_since=ri(0, 30) + 1939 * 12,
        left_from=ri(0, 3),
        left_month=ri(-3, 3) + 1942 * 12,
        joined_to=ri(0, 3),
        join_month=ri(-3, 3) + 1942 * 12,
        share_hist=hist,
        capital=rng.random((R, n)) < 0.1,
    )
    w = rng.random((R, n))
    cred = rng.normal(size=(R, 3))
    return rng, s, ms, w, cred


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_columns_are_the_features_transposed(seed):
    _, s, ms, w, cred = _world(seed)
    t = 1942 * 12 + 1
    sh = month_shared(s, ms.side, w)
    assert np.array_equal(np.moveaxis(exit_columns(s, ms, w, cred, t, sh), 0, -1), exit_features(s, ms, w, cred, t))
    assert np.array_equal(join_columns(s, ms, w, cred, t, sh).transpose(2, 3, 0, 1), join_features(s, ms, w, cred, t))
    assert np.array_equal(np.moveaxis(contact_columns(s, ms, w, cred, t), 0, -1), contact_features(s, ms, w, cred, t))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_gathered_hazard_equals_full_hazard_bitwise(seed):
    rng, s, ms, w, cred = _world(seed, R=40, n=13)
    t = 1942 * 12 + 1
    cols = exit_columns(s, ms, w, cred, t)
    k = cols.shape[0]
    m = HazardModel(kind="exit")
    m.coef_ = rng.normal(size=k + 1)
    b = rng.normal(size=(40, k + 1))
    full = m.predict_proba(exit_features(s, ms, w, cred, t), b)
    r, i = np.nonzero(rng.random((40, 13)) < 0.4)
    got = m.predict_proba_rows(gather_rows(cols, r, i), b, r)
    assert np.array_equal(got, full[r, i])


def test_array_filters_keep_the_rows_pandas_keeps():
    info = InformationSet(dt.date(1943, 2, 2))
    fronts = info.fronts(139)
    spells = info.war_spells(139)
    for d in (dt.date(1939, 9, 1), dt.date(1941, 6, 30), dt.date(1943, 1, 15)):
        for frame, window in ((spells, 0), (fronts, 0), (fronts, 45)):
            want = _active(frame, d, window).index.tolist()
            assert frame.index[_active_rows(_spans(frame), d, window)].tolist() == want
    members = _members(dt.date(1943, 1, 15), info.state_spells())
    assert 255 in members and 2 in members and 290 not in members  # Germany and the US in; Poland occupied
