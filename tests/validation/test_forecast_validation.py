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


def test_forecast_case_shape(monkeypatch):
    """The `forecast` validation case (slow, run by name only) on two origins per war."""
    import realign.validation.forecast as fv
    from realign.validation import SLOW_CASES, run

    assert "forecast" in SLOW_CASES
    orig = fv.rolling_origin

    def few(war, **kw):
        first = fv.WARS[war][1]
        return orig(war, **{**kw, "runs": 20, "origins": [first, dt.date(first.year + 1, first.month, 15)]})

    monkeypatch.setattr(fv, "rolling_origin", few)
    monkeypatch.setattr(fv, "_one_war", lambda a: few(a[0], horizon=a[1], runs=a[2], seed=a[3]))
    import functools

    monkeypatch.setattr(fv, "evaluate", functools.partial(fv.evaluate, processes=1))
    r = fv.evaluate()
    assert set(r["wars"]) == {"106", "139"}
    for w in r["wars"].values():
        assert w["origins"] == 2 and w["cells"] > 0 and 0 <= w["brier"] <= 1
        assert {"auc", "auc_belligerents", "auc_neutrals", "brier_skill_vs_persistence", "changes_table"} <= set(w)
        assert len(w["auc_ci95"]) == 2 and len(w["brier_skill_ci95"]) == 2 and w["bootstrap"]["unit"] == "state"
        assert sum(b["cells"] for b in w["reliability"]) == w["cells"]
        d = w["brier_decomposition"]
        assert d["brier"] == pytest.approx(d["reliability"] - d["resolution"] + d["uncertainty"] + d["within_bin"])
    case = run("forecast")
    assert case["case"] == "forecast" and case["n"] > 0 and case["confusion"] and case["per_state"]
