"""The estimator base (models/base.py): parameter rules, messages, repr, not-fitted check."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from realign.errors import InvalidParameterError, NotFittedError
from realign.models.base import Estimator, Interval, Options


class Toy(Estimator):
    _parameter_rules = {
        "ridge": Interval(float, 0, None, closed="left"),
        "k": Interval(int, 2, 10, closed="neither"),
        "how": Options(str, ("a", "b")),
    }
    _fitted_attr = "coef_"

    def __init__(self, *, ridge: float = 1.0, k: int = 3, how: str = "a"):
        self.ridge = ridge
        self.k = k
        self.how = how

    def fit(self) -> Toy:
        self._validate_params()
        self.coef_ = self.ridge * self.k
        return self


@given(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-5, 5),
    st.floats(-5, 5),
    st.sampled_from(["left", "right", "both", "neither"]),
)
def test_interval_accepts_exactly_the_numbers_inside(x, a, b, closed):
    lo, hi = min(a, b), max(a, b)
    rule = Interval(float, lo, hi, closed=closed)
    above = x > lo or (x == lo and closed in ("left", "both"))
    below = x < hi or (x == hi and closed in ("right", "both"))
    inside = not math.isnan(x) and above and below
    assert rule.accepts(x) is inside


@given(st.integers(-(10**6), 10**6))
def test_int_interval_refuses_floats_and_bools_accepts_numpy_ints(n):
    rule = Interval(int, None, None)
    assert rule.accepts(n) and rule.accepts(np.int64(n))
    assert not rule.accepts(float(n)) and not rule.accepts(True) and not rule.accepts(None)
    assert Interval(int, None, None, allow_none=True).accepts(None)


def test_descriptions():
    assert Interval(int, 2, None, closed="left").describe() == "an int >= 2"
    assert Interval(float, 0, None, closed="neither").describe() == "a float > 0"
    assert Interval(int, 0, 5, closed="left").describe() == "an int >= 0 and < 5"
    assert Interval(int, None, None, allow_none=True).describe() == "an int or None"
    assert Options(str, ("auto", "exact")).describe() == "a str among {'auto', 'exact'}"


def test_one_message_form_in_rule_order():
    with pytest.raises(InvalidParameterError) as e:
        Toy(ridge=-1, k=1).fit()
    assert str(e.value) == "The 'ridge' parameter of Toy must be a float >= 0. Got -1 instead."
    with pytest.raises(InvalidParameterError) as e:
        Toy(k=10).fit()
    assert str(e.value) == "The 'k' parameter of Toy must be an int > 2 and < 10. Got 10 instead."
    with pytest.raises(InvalidParameterError) as e:
        Toy(how="c").fit()
    assert str(e.value) == "The 'how' parameter of Toy must be a str among {'a', 'b'}. Got 'c' instead."


def test_params_repr_and_fitted_check():
    m = Toy(k=4)
    assert m.get_params() == {"ridge": 1.0, "k": 4, "how": "a"}
    assert repr(m) == "Toy(k=4)" and repr(Toy()) == "Toy()"
    with pytest.raises(NotFittedError, match=r"^This Toy is not fitted yet; call fit\(\) first\.$"):
        m._check_fitted()
    assert m.set_params(how="b") is m and repr(m) == "Toy(k=4, how='b')"
    m.fit()._check_fitted()
    assert m.coef_ == 4.0
    with pytest.raises(InvalidParameterError, match="Invalid parameter 'nope' for estimator Toy"):
        m.set_params(k=5, nope=1)
    assert m.k == 4  # nothing applied when one name is unknown


def test_fit_cache_is_explicit_and_passed(monkeypatch):
    """fitted_model keeps fits in the cache it is given; the default cache is the process-wide one."""
    from realign.models import propensity as prop
    from realign.models.base import DEFAULT_FIT_CACHE, FitCache

    calls = []
    real_fit = prop.PropensityModel.fit

    def counting_fit(self, before="1939-09-01"):
        calls.append(before)
        return real_fit(self, before=before)

    monkeypatch.setattr(prop.PropensityModel, "fit", counting_fit)
    default_before = dict(DEFAULT_FIT_CACHE._fits)
    mine = FitCache()
    a = prop.fitted_model("1914-07-28", cache=mine)
    b = prop.fitted_model(prop.parse_date("1914-07-28"), cache=mine)
    assert a is b and len(calls) == 1 and len(mine) == 1  # one fit per date, whatever the date's spelling
    other = FitCache()
    c = prop.fitted_model("1914-07-28", cache=other)
    assert c is not a and len(calls) == 2  # a separate cache refits
    assert c.coef_ == a.coef_
    assert DEFAULT_FIT_CACHE._fits == default_before  # explicit caches leave the default one alone
    mine.clear("propensity")
    assert len(mine) == 0
