"""Basin estimates with a stated error (issue 14, item 1b): Wilson intervals and their coverage."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.errors import InvalidParameterError
from realign.models.landscape import Landscape
from realign.solvers.basins import basin_counts, wilson_interval


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.integers(1, 10**7), conf=st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 0.999]))
def test_wilson_interval_holds_the_estimate_and_lies_in_unit_interval(data, n, conf):
    x = data.draw(st.integers(0, n))
    lo, hi = wilson_interval(x, n, conf)
    assert 0.0 <= lo <= x / n <= hi <= 1.0
    if 0 < x < n:
        assert lo < x / n < hi  # a real interval, not a point, whenever the estimate is not 0 or 1


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_interval_equals_statsmodels(n, data):
    sm = pytest.importorskip("statsmodels.stats.proportion")
    x = data.draw(st.integers(0, n))
    lo, hi = wilson_interval(x, n, 0.95)
    ref_lo, ref_hi = sm.proportion_confint(x, n, alpha=0.05, method="wilson")
    assert lo == pytest.approx(ref_lo, abs=1e-12) and hi == pytest.approx(ref_hi, abs=1e-12)


def test_wilson_interval_vectorised_and_zero_count():
    lo, hi = wilson_interval(np.array([0, 2048, 4096]), 4096)
    assert lo[0] == 0.0 and hi[0] == pytest.approx(1.96**2 / (4096 + 1.96**2), rel=1e-3)
    assert lo[1] < 0.5 < hi[1] and hi[1] - lo[1] == pytest.approx(2 * 1.96 * 0.5 / 64, rel=1e-2)
    assert hi[2] == 1.0 and lo[2] == pytest.approx(1 - hi[0])


@pytest.mark.parametrize(
    "x, n, conf, needle",
    [
        (3, 0, 0.95, "'n' parameter"),
        (5, 4, 0.95, "'successes'"),
        (-1, 4, 0.95, "'successes'"),
        (1.5, 4, 0.95, "'successes'"),
        (1, 4, 1.0, "'confidence'"),
        (1, 4, 0, "'confidence'"),
    ],
)
def test_wilson_interval_bad_input(x, n, conf, needle):
    with pytest.raises(InvalidParameterError, match=needle):
        wilson_interval(x, n, conf)


def test_basin_counts_bad_shapes():
    with pytest.raises(InvalidParameterError, match="must both be"):
        basin_counts(np.zeros((4, 3)), np.zeros((2, 5)), exact=False)
    with pytest.raises(InvalidParameterError, match="at least one"):
        basin_counts(np.zeros((0, 3)), np.zeros((2, 3)), exact=False)


def _sk(seed: int, n: int):
    """Equal sizes, +-1 propensities: a frustrated instance with many local minima."""
    rng = np.random.default_rng(seed)
    p = np.triu(rng.choice([-1.0, 1.0], size=(n, n)), 1)
    return np.ones(n), p + p.T


def _lognormal(seed: int, n: int):
    rng = np.random.default_rng(seed)
    p = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    return rng.lognormal(size=n), p + p.T


@pytest.mark.parametrize("make, inst_seed, n", [(_sk, 3, 12), (_sk, 11, 14), (_lognormal, 5, 13)])
def test_exact_basins_lie_in_the_sampled_95_percent_intervals(make, inst_seed, n):
    """Where basins can be counted (N <= 14), the counted basin is inside the sampled 95% interval for
    (almost) every minimum and seed: coverage >= 85% over 8 seeds (nominal 95%; deterministic seeds)."""
    sizes, p = make(inst_seed, n)
    exact = Landscape(basin_exact_max_n=16).fit(sizes, p)
    assert exact.basin_method_ == "exact" and exact.basin_starts_ == 2 ** (n - 1)
    truth = {tuple(map(tuple, m.coalitions)): m.basin for m in exact.minima_}
    assert sum(truth.values()) == pytest.approx(1.0) and len(truth) >= 2
    assert all(m.basin_ci == [m.basin, m.basin] for m in exact.minima_)
    inside = total = 0
    for seed in range(8):
        est = Landscape(basin_exact_max_n=0, n_basin_samples=1000, seed=seed).fit(sizes, p)
        assert est.basin_method_ == "sampled" and est.basin_starts_ == 1000 and est.complete_
        assert {tuple(map(tuple, m.coalitions)) for m in est.minima_} == set(truth)
        assert sum(m.basin for m in est.minima_) == pytest.approx(1.0)  # every descent ends in a listed minimum
        for m in est.minima_:
            lo, hi = m.basin_ci
            assert lo <= m.basin <= hi
            inside += lo <= truth[tuple(map(tuple, m.coalitions))] <= hi
            total += 1
    assert inside / total >= 0.85, f"{inside}/{total} exact basins inside the 95% intervals"


def test_incomplete_landscape_states_lower_bound_and_sample_size():
    sizes, p = _sk(7, 44)
    m = Landscape(solver="heuristic", n_restarts=8, n_basin_samples=512, seed=1).fit(sizes, p)
    d = m.to_dict()
    assert d["complete"] is False and d["n_minima_is_lower_bound"] is True and d["n_minima"] == len(d["minima"])
    assert d["basin_method"] == "sampled" and d["basin_starts"] == 512 and d["basin_confidence"] == 0.95
    for x in d["minima"]:
        lo, hi = x["basin_ci"]
        assert 0.0 <= lo <= x["basin"] <= hi <= 1.0
        if x["basin"] == 0.0:  # found by the search, never reached from the sample: small, not zero
            assert lo == 0.0 and hi == pytest.approx(1.96**2 / (512 + 1.96**2), rel=1e-3)
