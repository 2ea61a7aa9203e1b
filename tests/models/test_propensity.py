import datetime as dt

import numpy as np
import pytest

from realign.errors import InvalidParameterError
from realign.models.propensity import FACTORS, PropensityModel, dyad_factors, landscape_inputs_for_date, training_pairs


def test_factors_on_a_day_use_previous_year_atop_and_land_contiguity():
    f = dyad_factors("1941-06-01", [255, 325, 360, 365, 740])
    i = {c: k for k, c in enumerate([255, 325, 360, 365, 740])}
    assert f["defense"][i[255], i[325]] == 1  # Pact of Steel / Tripartite, ATOP 1940
    assert f["contiguous"][i[255], i[365]] == 1  # German-Soviet border after the partition of Poland
    assert f["contiguous"][i[255], i[740]] == 0
    for k in FACTORS:
        assert np.allclose(np.nan_to_num(f[k]), np.nan_to_num(f[k]).T)
    off = ~np.eye(5, dtype=bool)
    assert np.isnan(f["religion"][off]).all()  # WRP starts in 1945: missing, not 0


def test_fit_uses_only_earlier_wars_and_reports_uncertainty():
    m = PropensityModel().fit(before="1939-09-01")
    pairs = training_pairs(dt.date(1939, 9, 1))
    assert pairs["war"].max() < 139
    t = m.weights_table()
    assert list(t["factor"])[0] == "intercept" and (t["se"] > 0).all()
    assert m.coef_["defense"] > 0


def test_cutoff_inside_a_war_hides_later_entrants():
    pairs = training_pairs(dt.date(1941, 6, 21))
    ww2 = pairs[pairs["war"] == 139]
    states = set(ww2["ccode1"]) | set(ww2["ccode2"])
    assert 365 not in states and 2 not in states and 360 not in states  # entered 1941-06-22 or later
    assert 255 in states and 200 in states


def test_propensity_matrix_symmetric_zero_diagonal():
    m = PropensityModel().fit(before="1939-09-01")
    p = m.propensity("1939-08-01", [2, 200, 220, 255, 325, 365])
    assert np.allclose(p, p.T) and np.allclose(np.diag(p), 0)


def test_landscape_inputs_for_date():
    sizes, p, ids = landscape_inputs_for_date("1939-09-01")
    assert abs(sizes.sum() - 1) < 1e-9 and len(ids) == len(sizes) == p.shape[0] <= 20
    assert 255 in ids and 200 in ids
    with pytest.raises(InvalidParameterError, match="not in the system"):
        landscape_inputs_for_date("1939-09-01", [255, 999])


def test_bad_params():
    with pytest.raises(InvalidParameterError, match="'l2' parameter"):
        PropensityModel(l2=-1).fit()
    with pytest.raises(InvalidParameterError, match="not fitted"):
        PropensityModel().propensity("1939-01-01", [2, 200])


def test_fit_on_assembled_pairs_equals_fit_by_date():
    by_date = PropensityModel().fit(before="1914-07-28")
    pairs = training_pairs(dt.date(1914, 7, 28), 3)
    given = PropensityModel().fit(pairs)
    assert given.coef_ == by_date.coef_ and given.se_ == by_date.se_ and given.n_pairs_ == by_date.n_pairs_
    assert by_date.before_ == dt.date(1914, 7, 28) and given.before_ is None
    with pytest.raises(InvalidParameterError, match=r"lacks the columns \['defense'\]"):
        PropensityModel().fit(pairs.drop(columns="defense"))
    with pytest.raises(InvalidParameterError, match="'same' must be 0 or 1"):
        PropensityModel().fit(pairs.assign(same=2))
    with pytest.raises(InvalidParameterError, match="must be a pandas DataFrame"):
        PropensityModel().fit([1, 2])
    with pytest.raises(InvalidParameterError, match="Too few war pairs given"):
        PropensityModel().fit(pairs.head(5))
