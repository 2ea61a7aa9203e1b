"""One contract every realign estimator passes (scikit-learn's ``parametrize_with_checks`` idea).

A new estimator gets these checks by adding one :class:`Spec` to ``ESTIMATORS``: fit returns
self; keyword-only parameters round-trip through ``get_params`` and a clone; a clone is unfitted;
the same seed gives the same result; fit mutates neither its inputs nor the parameters; bad
parameters raise :class:`InvalidParameterError` (a ``ValueError``) with the uniform message
"The 'x' parameter of Estimator must be .... Got ... instead."; unknown names in ``set_params``
are refused with one message form; ``repr`` shows the non-default parameters and evaluates back;
using a model before ``fit`` raises :class:`NotFittedError` with one message form. Every estimator
here derives from :class:`realign.models.base.Estimator`.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from realign.data.names import parse_date
from realign.errors import InvalidParameterError, NotFittedError
from realign.models.base import Estimator
from realign.models.choice import AlignmentChoice
from realign.models.landscape import Landscape
from realign.models.propensity import PropensityModel, training_pairs

MESSAGE = re.compile(r"^The '(?P<param>\w+)' parameter of (?P<est>\w+) must be .+\. Got .+ instead\.$", re.S)
NOT_FITTED = re.compile(r"^This (?P<est>\w+) is not fitted yet; call fit\(.*\) first\.$")
UNKNOWN = re.compile(r"^Invalid parameter 'no_such_param' for estimator (?P<est>\w+)\. Valid parameters are: \[.+\]\.$")


def _landscape_args() -> tuple[tuple, dict]:
    rng = np.random.default_rng(7)
    n = 9
    p = rng.normal(size=(n, n))
    p = (p + p.T) / 2
    np.fill_diagonal(p, 0)
    return (rng.lognormal(size=n), p), {"ids": [f"s{i}" for i in range(n)]}


@dataclass
class Spec:
    """How to build, fit and read one estimator."""

    cls: type
    params: dict[str, Any]
    fit_args: Callable[[], tuple[tuple, dict]]
    result: Callable[[Any], Any]
    bad_params: list[dict[str, Any]] = field(default_factory=list)
    seeded: bool = False
    use: Callable[[Any], Any] | None = None  # a method that needs a fitted model


ESTIMATORS = [
    Spec(
        Landscape,
        {"k": 2, "seed": 3, "n_restarts": 8},
        _landscape_args,
        lambda m: (m.energy_, m.coalitions_, [(x.energy, x.coalitions, x.basin) for x in m.minima_]),
        bad_params=[
            {"k": 1},
            {"k": 2.5},
            {"k": True},
            {"solver": "magic"},
            {"solver": 1},
            {"n_restarts": 0},
            {"seed": "x"},
            {"seed": 1.5},
            {"exact_max_n": -1},
        ],
        seeded=True,
        use=lambda m: m.to_dict(),
    ),
    Spec(
        Landscape,
        {"k": 3, "seed": 1, "n_restarts": 8},
        _landscape_args,
        lambda m: (m.energy_, m.coalitions_, [(x.energy, x.coalitions) for x in m.minima_]),
        seeded=True,
    ),
    Spec(
        PropensityModel,
        {"l2": 1.0, "half_life": 25.0, "min_participants": 3},
        lambda: ((), {"before": "1914-07-28"}),
        lambda m: (m.coef_, m.se_, m.n_pairs_),
        bad_params=[
            {"l2": -1},
            {"half_life": 0},
            {"min_participants": 1},
            {"l2": "big"},
            {"l2": float("nan")},
            {"half_life": None},
            {"min_participants": 2.0},
            {"min_participants": True},
        ],
        use=lambda m: m.weights_table(),
    ),
    Spec(
        PropensityModel,
        {"l2": 2.0},  # fit on assembled data: the training pairs frame
        lambda: ((training_pairs(parse_date("1914-07-28"), 3),), {}),
        lambda m: (m.coef_, m.se_, m.n_pairs_),
        bad_params=[{"l2": -1}],
    ),
    Spec(
        AlignmentChoice,
        {"panels": ((106, "1914-07-28", "1915-12-31", "1914-07-28"),), "ridge": 0.1},
        lambda: ((), {}),
        lambda m: (m.params_, m.se_, m.n_obs_),
        bad_params=[{"ridge": -1.0}, {"ridge": "x"}, {"ridge": float("nan")}, {"ridge": None}],
        use=lambda m: m.weights_table(),
    ),
]
IDS = [f"{s.cls.__name__}-{i}" for i, s in enumerate(ESTIMATORS)]


def _fit(spec: Spec, model: Any) -> Any:
    args, kwargs = spec.fit_args()
    return model.fit(*args, **kwargs)


def _public_fitted_attrs(model: Any) -> list[str]:
    return [a for a in vars(model) if a.endswith("_") and not a.startswith("_")]


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | np.floating):
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12)) or (np.isnan(a) and np.isnan(b))
    return a == b


@pytest.fixture(scope="module")
def fitted() -> dict[int, Any]:
    return {i: _fit(s, s.cls(**s.params)) for i, s in enumerate(ESTIMATORS)}


@pytest.mark.parametrize("i", range(len(ESTIMATORS)), ids=IDS)
def test_fit_returns_self(i, fitted):
    spec = ESTIMATORS[i]
    m = spec.cls(**spec.params)
    assert _fit(spec, m) is m
    assert _public_fitted_attrs(m), "fit must set learned attributes ending in '_'"


@pytest.mark.parametrize("i", range(len(ESTIMATORS)), ids=IDS)
def test_parameters_keyword_only_and_stored_verbatim(i):
    spec = ESTIMATORS[i]
    sig = inspect.signature(spec.cls.__init__)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    assert all(p.kind is p.KEYWORD_ONLY for p in params)
    m = spec.cls(**spec.params)
    for k, v in spec.params.items():
        assert getattr(m, k) is v
    assert set(m.get_params()) == {p.name for p in params}


@pytest.mark.parametrize("i", range(len(ESTIMATORS)), ids=IDS)
def test_get_params_round_trips_through_a_clone(i, fitted):
    m = fitted[i]
    clone = type(m)(**m.get_params())
    assert _equal(clone.get_params(), m.get_params())
    assert not _public_fitted_attrs(clone), "a clone must be unfitted"
    # set_params returns self and round-trips too
    assert clone.set_params(**m.get_params()) is clone


@pytest.mark.parametrize("i", range(len(ESTIMATORS)), ids=IDS)
def test_same_seed_same_result(i, fitted):
    spec = ESTIMATORS[i]
    m = fitted[i]
    again = _fit(spec, type(m)(**m.get_params()))
    assert _equal(spec.result(again), spec.result(m))


@pytest.mark.parametrize("i", range(len(ESTIMATORS)), ids=IDS)
def test_inputs_and_params_not_mutated(i):
    spec = ESTIMATORS[i]
    args, kwargs = spec.fit_args()
    before_args, before_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    m = spec.cls(**spec.params)
    before_params = copy.deepcopy(m.get_params())
    m.fit(*args, **kwargs)
    for a, b in zip(args, before_args, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert _equal(kwargs, before_kwargs)
    assert _equal(m.get_params(), before_params)


@pytest.mark.parametrize("i", [i for i, s in enumerate(ESTIMATORS) if s.bad_params], ids=lambda i: IDS[i])
def test_bad_params_give_uniform_error(i):
    spec = ESTIMATORS[i]
    for bad in spec.bad_params:
        m = spec.cls(**{**spec.params, **bad})
        with pytest.raises(InvalidParameterError) as exc:
            _fit(spec, m)
        assert isinstance(exc.value, ValueError)
        match = MESSAGE.match(str(exc.value))
        assert match, f"non-uniform message: {exc.value}"
        assert match["param"] == next(iter(bad)) and match["est"] == spec.cls.__name__


@pytest.mark.parametrize("i", range(len(ESTIMATORS)), ids=IDS)
def test_unknown_parameter_refused(i):
    spec = ESTIMATORS[i]
    m = spec.cls(**spec.params)
    before = m.get_params()
    with pytest.raises(InvalidParameterError) as exc:
        m.set_params(no_such_param=1, **{next(iter(spec.params)): None})
    match = UNKNOWN.match(str(exc.value))
    assert match and match["est"] == spec.cls.__name__, str(exc.value)
    assert _equal(m.get_params(), before), "a refused set_params must change nothing"
    with pytest.raises(TypeError):
        spec.cls(no_such_param=1)


@pytest.mark.parametrize("i", range(len(ESTIMATORS)), ids=IDS)
def test_estimator_base_and_repr(i):
    spec = ESTIMATORS[i]
    assert issubclass(spec.cls, Estimator)
    assert repr(spec.cls()) == f"{spec.cls.__name__}()"
    m = spec.cls(**spec.params)
    text = repr(m)
    defaults = spec.cls().get_params()
    for k, v in spec.params.items():
        assert (f"{k}={v!r}" in text) == (not _equal(v, defaults[k]) if type(v) is type(defaults[k]) else True)
    again = eval(text, {spec.cls.__name__: spec.cls})  # noqa: S307 - our own repr, our own class
    assert _equal(again.get_params(), m.get_params())


@pytest.mark.parametrize("i", [i for i, s in enumerate(ESTIMATORS) if s.use], ids=lambda i: IDS[i])
def test_unfitted_use_gives_uniform_not_fitted_error(i, fitted):
    spec = ESTIMATORS[i]
    with pytest.raises(NotFittedError) as exc:
        spec.use(spec.cls(**spec.params))
    assert isinstance(exc.value, InvalidParameterError)
    match = NOT_FITTED.match(str(exc.value))
    assert match and match["est"] == spec.cls.__name__, str(exc.value)
    spec.use(fitted[i])  # the same call works once fitted


def test_landscape_seed_changes_only_random_parts():
    """Different seeds may change heuristic internals, never the exact global minimum."""
    args, kwargs = _landscape_args()
    a = Landscape(k=2, seed=0).fit(*args, **kwargs)
    b = Landscape(k=2, seed=99).fit(*args, **kwargs)
    assert a.exact_ and b.exact_
    assert a.energy_ == pytest.approx(b.energy_) and a.coalitions_ == b.coalitions_
