"""Forecast scores: known values, Murphy's identity, and the cluster bootstrap's behaviour."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.errors import InvalidParameterError
from realign.validation.scoring import (
    RELIABILITY_EDGES,
    auc,
    brier,
    brier_skill,
    cluster_bootstrap_ci,
    murphy_decomposition,
    reliability_table,
)

cells = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 1)), min_size=1, max_size=200)


def test_known_values():
    p = np.array([0.9, 0.8, 0.1, 0.2, 0.0])
    y = np.array([1, 0, 0, 1, 0])
    assert auc(p, y) == pytest.approx(5 / 6)  # 5 of the 6 (event, non-event) pairs are ordered right
    assert brier(p, y) == pytest.approx((0.01 + 0.64 + 0.01 + 0.64 + 0) / 5)
    assert brier_skill(np.zeros(5), y) == 0.0  # persistence has skill 0 by definition
    assert brier_skill(y.astype(float), y) == 1.0


@given(cells)
@settings(max_examples=200, deadline=None)
def test_murphy_identity_and_reliability_bins(data):
    p = np.array([a for a, _ in data])
    y = np.array([b for _, b in data], float)
    d = murphy_decomposition(p, y)
    assert d["reliability"] >= 0 and d["resolution"] >= 0
    assert d["brier"] == pytest.approx(d["reliability"] - d["resolution"] + d["uncertainty"] + d["within_bin"])
    table = reliability_table(p, y)
    assert sum(b["cells"] for b in table) == len(p) and sum(b["events"] for b in table) == int(y.sum())
    for b in table:
        if b["cells"]:
            assert b["lo"] <= b["mean_p"] <= b["hi"] and 0 <= b["observed"] <= 1


def test_constant_forecast_within_its_bin_leaves_no_remainder():
    # one forecast value per bin: the decomposition is exact (within_bin = 0)
    p = np.array([0.005] * 50 + [0.3] * 50)
    y = np.array([0] * 49 + [1] + [1] * 15 + [0] * 35, float)
    d = murphy_decomposition(p, y)
    assert d["within_bin"] == pytest.approx(0, abs=1e-12)
    assert d["reliability"] == pytest.approx(0.5 * (0.005 - 0.02) ** 2 + 0.5 * (0.3 - 0.3) ** 2)


def test_cluster_bootstrap_interval_covers_the_estimate_and_widens_with_fewer_clusters():
    rng = np.random.default_rng(1)
    n = 2000
    y = rng.random(n) < 0.1
    p = np.clip(0.1 + 0.3 * (y - 0.1) + rng.normal(0, 0.05, n), 0, 1)
    many = np.arange(n) % 200
    few = np.arange(n) % 10
    a = auc(p, y)
    lo1, hi1 = cluster_bootstrap_ci(p, y, many, auc, resamples=300, seed=0)
    lo2, hi2 = cluster_bootstrap_ci(p, y, few, auc, resamples=300, seed=0)
    assert lo1 <= a <= hi1 and lo2 <= a <= hi2
    assert cluster_bootstrap_ci(p, y, many, auc, resamples=300, seed=0) == (lo1, hi1)  # deterministic


def test_perfectly_correlated_cluster_counts_once():
    # 5 clusters, each a block of identical cells: resampling whole blocks gives a wider interval than
    # pretending the 500 cells are independent
    rng = np.random.default_rng(2)
    base_p, base_y = rng.random(5), (rng.random(5) < 0.5).astype(float)
    p, y = np.repeat(base_p, 100), np.repeat(base_y, 100)
    lo_c, hi_c = cluster_bootstrap_ci(p, y, np.repeat(np.arange(5), 100), brier, resamples=500)
    lo_i, hi_i = cluster_bootstrap_ci(p, y, np.arange(500), brier, resamples=500)
    assert hi_c - lo_c > 3 * (hi_i - lo_i)


@pytest.mark.parametrize(
    "p,y,msg",
    [
        ([0.5, 1.5], [0, 1], "probabilities"),
        ([0.5, np.nan], [0, 1], "probabilities"),
        ([0.5, 0.5], [0, 2], "0/1"),
        ([0.5], [0, 1], "same length"),
    ],
)
def test_bad_input_is_a_clear_error(p, y, msg):
    with pytest.raises(InvalidParameterError, match=msg):
        brier(np.array(p), np.array(y))


def test_bad_edges_and_bootstrap_parameters():
    p, y = np.array([0.1, 0.2]), np.array([0, 1])
    with pytest.raises(InvalidParameterError, match="edges"):
        reliability_table(p, y, (0.0, 0.5, 0.4, 1.0))
    with pytest.raises(InvalidParameterError, match="level"):
        cluster_bootstrap_ci(p, y, np.array([1, 2]), auc, level=1.5)
    with pytest.raises(InvalidParameterError, match="clusters"):
        cluster_bootstrap_ci(p, y, np.array([1]), auc)
    assert RELIABILITY_EDGES[0] == 0 and RELIABILITY_EDGES[-1] == 1
