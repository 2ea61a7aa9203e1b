"""spearman_rho is scipy's spearmanr correlation to the last bit (the report's order_spearman must not move)."""

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from realign.consequences.spearman import average_ranks, spearman_rho


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 30).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(-5, 5), min_size=n, max_size=n), st.lists(st.integers(-5, 5), min_size=n, max_size=n)
        )
    )
)
def test_equals_scipy_bitwise(ab):
    a, b = ab
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on a constant sample (and returns NaN, as we do)
        ref = float(spearmanr(a, b)[0])
    got = spearman_rho(a, b)
    assert got == ref or (math.isnan(got) and math.isnan(ref))


def test_permutation_against_range():
    # the report's use: a model order against the record's order (no ties)
    assert spearman_rho([0, 1, 2, 3], range(4)) == 1.0
    assert spearman_rho([3, 2, 1, 0], range(4)) == -1.0
    assert average_ranks([2.0, 2.0, 1.0]).tolist() == [2.5, 2.5, 1.0]


def test_bad_input():
    with pytest.raises(ValueError, match="equal length"):
        spearman_rho([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="1-D"):
        average_ranks([[1, 2]])
