"""Rolling-origin validation machinery (issue 10): AUC, leave-the-war-out rows, the table of changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.validation.forecast import auc, rolling_origin


def _auc_brute(p, y):
    pos, neg = p[y == 1], p[y == 0]
    return np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=2, max_size=30))
def test_auc_matches_brute_force(cells):
    p = np.array([c[0] / 5 for c in cells])
    y = np.array([int(c[1]) for c in cells])
    if y.min() == y.max():
        assert np.isnan(auc(p, y))
    else:
        assert auc(p, y) == pytest.approx(_auc_brute(p, y))


def test_rolling_origin_rows():
    f = rolling_origin(139, runs=40, origins=[dt.date(1944, 7, 15)])
    assert {"origin", "ccode", "p", "y", "scored", "excluded_reason"} <= set(f.columns)
    fin = f[f["ccode"] == 375].iloc[0]
    assert fin["y"] == 1 and fin["scored"]  # Finland left the Axis on 1944-09-19, within 3 months
    swe = f[f["ccode"] == 380].iloc[0]
    assert swe["y"] == 0
    assert 255 not in set(f["ccode"])  # coalition cores are not scored
    assert f["ccode"].between(200, 399).all() or (f["ccode"] == 640).any()
