"""Landscape estimator (Axelrod & Bennett 1993), issue 6."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.errors import InvalidParameterError
from realign.models.landscape import Landscape, fit_landscape, landscape_energy


def _inputs(seed, n):
    rng = np.random.default_rng(seed)
    p = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    return rng.lognormal(size=n), p + p.T


def test_params_and_repr():
    m = Landscape(k=3, seed=5)
    assert m.get_params()["k"] == 3 and m.get_params()["seed"] == 5
    assert m.set_params(k=2) is m and m.k == 2
    with pytest.raises(InvalidParameterError):
        m.set_params(bogus=1)
    with pytest.raises(TypeError):
        Landscape(2)


def test_k_message():
    with pytest.raises(InvalidParameterError) as e:
        Landscape(k=1).fit([1, 1], [[0, 1], [1, 0]])
    assert str(e.value) == "The 'k' parameter of Landscape must be an int >= 2. Got 1 instead."


@pytest.mark.parametrize(
    "sizes, p, needle",
    [
        ([1, -1], [[0, 1], [1, 0]], "sizes row 1 (id 'B') is negative"),
        ([1, 1], [[0, np.nan], [np.nan, 0]], "row 0 (id 'A'), column 1 (id 'B')"),
        ([1, 1], [[0, 1], [0.2, 0]], "not symmetric at row 0 (id 'A')"),
        ([1, 1, 1], [[0, 1], [1, 0]], "shape (3, 3)"),
    ],
)
def test_bad_inputs_name_row(sizes, p, needle):
    with pytest.raises(InvalidParameterError) as e:
        Landscape().fit(sizes, p, ids=["A", "B", "C"][: len(sizes)])
    assert needle in str(e.value)


def test_two_bloc_example_and_canonical_form():
    p = [[0, 1, -1, -1], [1, 0, -1, -1], [-1, -1, 0, 1], [-1, -1, 1, 0]]
    m = Landscape().fit([1, 2, 3, 4], p, ids=["d", "c", "b", "a"])
    assert m.coalitions_ == [["d", "c"], ["b", "a"]]
    assert m.exact_ and m.complete_
    assert m.energy_ == pytest.approx(landscape_energy([1, 2, 3, 4], p, [1, 1, 0, 0]))
    assert sum(x.basin for x in m.minima_) == pytest.approx(1.0)
    assert m.to_dict()["minima"][0]["coalitions"] == [["d", "c"], ["b", "a"]]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(2, 10))
def test_minima_sorted_distinct_and_local(seed, n):
    sizes, p = _inputs(seed, n)
    m = Landscape().fit(sizes, p)
    energies = [x.energy for x in m.minima_]
    assert energies == sorted(energies)
    keys = {tuple(map(tuple, x.coalitions)) for x in m.minima_}
    assert len(keys) == len(m.minima_)
    for x in m.minima_:
        lab = {v: c for c, coal in enumerate(x.coalitions) for v in coal}
        base = [lab[i] for i in range(n)]
        e = landscape_energy(sizes, p, base)
        assert e == pytest.approx(x.energy, abs=1e-9)
        assert x.coalitions[0][0] == 0
        for i in range(n):  # no single move improves
            moved = list(base)
            moved[i] = 1 - moved[i] if len(x.coalitions) == 2 else 1
            assert landscape_energy(sizes, p, moved) >= e - 1e-9


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(2, 9))
def test_energy_relabel_invariance(seed, n):
    sizes, p = _inputs(seed, n)
    lab = np.random.default_rng(seed).integers(0, 3, n)
    assert landscape_energy(sizes, p, lab) == pytest.approx(
        landscape_energy(sizes, p, [("x", "y", "z")[v] for v in (2 - lab)])
    )


def test_solvers_agree_on_global_minimum():
    sizes, p = _inputs(11, 18)
    es = {s: Landscape(solver=s).fit(sizes, p).energy_ for s in ("exact", "bnb", "heuristic")}
    assert es["exact"] == pytest.approx(es["bnb"]) == pytest.approx(es["heuristic"])
    big = Landscape().fit(*_inputs(2, 44))  # past minima_max_n (40): global minimum proven, list a sample
    assert big.solver_ == "bnb" and big.exact_ and not big.complete_
    mid = Landscape().fit(*_inputs(2, 32))  # pruned search: every minimum, proven complete
    assert mid.solver_ == "minima" and mid.exact_ and mid.complete_


def test_kway_and_fit_landscape():
    sizes, p = _inputs(5, 8)
    m3 = fit_landscape(sizes, p, k=3)
    m2 = fit_landscape(sizes, p, k=2)
    assert m3.energy_ <= m2.energy_ + 1e-12
    assert all(x.basin is None for x in m3.minima_)


def test_landscape_states_by_name_and_duplicates():
    """Issue 12: --states accepts names; a repeated state is a clear error, not an IndexError."""
    from realign.errors import InvalidParameterError
    from realign.models.propensity import landscape_inputs_for_date

    sizes, p, ids = landscape_inputs_for_date("1942-01-01", ["Romania", "Germany"])
    assert sorted(ids) == [255, 360]
    with pytest.raises(InvalidParameterError, match="more than once"):
        landscape_inputs_for_date("1942-01-01", [2, 2, 200])
