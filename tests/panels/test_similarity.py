"""Alignment similarity: S properties, tau-b = scipy.stats.kendalltau, kappa = its definition; per year and per day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import kendalltau

from realign import panels as ps
from realign.errors import InvalidParameterError
from realign.panels.similarity import SCORE_COLUMNS, _yearly_inputs, condensed_index, portfolio_scores, yearly_scores


@st.composite
def portfolios(draw):
    n = draw(st.integers(2, 9))
    lv = draw(arrays(np.int8, (n, n), elements=st.integers(0, 3)))
    np.fill_diagonal(lv, 3)
    w = draw(arrays(np.float64, (n,), elements=st.floats(0.001, 1.0)))
    return lv, w


def _kappa(x, y):
    po = np.mean(x == y)
    pe = sum(np.mean(x == a) * np.mean(y == a) for a in range(4))
    return np.nan if pe == 1 else (po - pe) / (1 - pe)


@settings(max_examples=60, deadline=None)
@given(portfolios())
def test_scores_properties_and_reference_formulas(data):
    lv, w = data
    r = portfolio_scores(lv, w)
    n = len(lv)
    for col in ("s_unweighted", "s_weighted"):
        assert np.allclose(np.diag(r[col]), 1.0)  # self-similarity 1
        assert np.allclose(r[col], r[col].T)  # symmetry
        assert (r[col] >= -1 - 1e-12).all() and (r[col] <= 1 + 1e-12).all()  # range
    for i in range(n):
        for j in range(n):
            d = np.abs(lv[i].astype(int) - lv[j])
            assert r["s_unweighted"][i, j] == pytest.approx(1 - 2 * d.sum() / (3 * n))
            assert r["s_weighted"][i, j] == pytest.approx(1 - 2 * (w * d).sum() / (3 * w.sum()))
            tau = kendalltau(lv[i], lv[j]).statistic
            assert np.isclose(r["tau_b"][i, j], tau, equal_nan=True), (i, j)
            assert np.isclose(r["kappa"][i, j], _kappa(lv[i], lv[j]), equal_nan=True), (i, j)


def test_real_1942_portfolios_against_scipy():
    members, ties = _yearly_inputs([1942])
    codes, scores = yearly_scores(1942, members, ties)
    pos = {int(c): k for k, c in enumerate(codes)}
    # rebuild the portfolio matrix independently from the bundled ATOP table
    from realign.data import load

    atop = load("atop")
    atop = atop[atop.year == 1942]
    lv = np.zeros((len(codes), len(codes)), dtype=int)
    for r in atop.itertuples():
        if r.ccode1 in pos and r.ccode2 in pos:
            level = (
                3
                if (r.atop_defense or r.atop_offense)
                else 2
                if (r.atop_neutral or r.atop_nonagg)
                else 1
                if r.atop_consul
                else 0
            )
            for a, b in ((r.ccode1, r.ccode2), (r.ccode2, r.ccode1)):
                lv[pos[a], pos[b]] = max(lv[pos[a], pos[b]], level)
    np.fill_diagonal(lv, 3)

    def score(col, a, b):
        return scores[col][condensed_index(np.array([pos[a]]), np.array([pos[b]]), len(codes))[0]]

    for a, b in ((255, 325), (255, 740), (2, 200), (2, 255), (365, 200), (255, 255), (740, 255)):
        i, j = pos[a], pos[b]
        assert score("tau_b", a, b) == pytest.approx(kendalltau(lv[i], lv[j]).statistic)
        assert score("s_unweighted", a, b) == pytest.approx(1 - 2 * np.abs(lv[i] - lv[j]).sum() / (3 * len(codes)))
        assert score("kappa", a, b) == pytest.approx(_kappa(lv[i], lv[j]))
    # Axis partners are more alike than Germany and the USA
    assert score("s_unweighted", 255, 325) > score("s_unweighted", 255, 2)


def test_add_sscore_on_dyad_years_is_symmetric_and_bounded():
    d = ps.add_sscore(ps.dyad_years(1955, 1955))
    s = d.set_index(["ccode1", "ccode2"])
    assert s.loc[(290, 365), "s_unweighted"] == pytest.approx(s.loc[(365, 290), "s_unweighted"])
    assert s.loc[(290, 365), "s_unweighted"] > s.loc[(290, 2), "s_unweighted"]  # Warsaw Pact vs NATO leader
    for col in SCORE_COLUMNS:
        v = d[col].dropna()
        assert len(v) and v.between(-1 - 1e-12, 1 + 1e-12).all()
    assert "signorino1999taub" in ps.cite(d) and "leeds2002atop" in ps.cite(d)


def test_sscore_needs_dyads_and_only_once():
    with pytest.raises(InvalidParameterError, match="dyad-year"):
        ps.add_sscore(ps.state_years(1900, 1900))
    d = ps.add_sscore(ps.dyad_years(1900, 1900))
    with pytest.raises(InvalidParameterError, match="only once"):
        ps.add_sscore(d)


def test_non_members_get_nan_not_a_score():
    frame = pd.DataFrame({"ccode1": [2, 2, 2], "ccode2": [20, 20, 200], "year": [1900, 1920, 1900]})
    out = ps.add_sscore(frame)  # Canada joins the system on 1920-01-10
    assert out["s_unweighted"].isna().tolist() == [True, False, False]


def test_similarity_at_a_day_matches_the_snapshot():
    from realign import System

    s = ps.similarity_at("1942-11-19")
    n = len(System.at("1942-11-19"))
    assert len(s) == n * (n - 1) // 2
    row = s[(s.ccode1 == 255) & (s.ccode2 == 325)].iloc[0]
    assert row.s_unweighted > 0.9 and row.kappa > 0.5


def test_portfolio_scores_rejects_bad_input():
    with pytest.raises(InvalidParameterError, match="square"):
        portfolio_scores(np.zeros((2, 3)))
    with pytest.raises(InvalidParameterError, match="0..3"):
        portfolio_scores(np.full((2, 2), 4))


def test_state_similarity_for_a_state_detail_view():
    from realign.panels import state_similarity

    s = state_similarity("1942-11-19", "Germany")
    assert 325 in s.ccode.head(5).tolist()  # Italy among Germany's closest alignments
    assert s.s_unweighted.is_monotonic_decreasing and 255 not in s.ccode.tolist()
    with pytest.raises(InvalidParameterError, match="not a COW system member"):
        state_similarity("1942-11-19", 290)  # Poland was not a member in 1942


def test_public_namespace_imports():
    for name in ps.__all__:
        assert getattr(ps, name) is not None
