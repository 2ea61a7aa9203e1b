"""One estimator base for realign's models (in the spirit of scikit-learn's ``BaseEstimator``).

An estimator stores its keyword-only constructor arguments verbatim; :class:`Estimator` derives
``get_params``/``set_params`` and ``repr`` from the ``__init__`` signature, validates parameters
against the declarative ``_parameter_rules`` with one message form::

    The 'k' parameter of Landscape must be an int >= 2. Got 1 instead.

and refuses to use an unfitted model with one message form::

    This PropensityModel is not fitted yet; call fit(before=...) first.

Examples
--------
>>> class Toy(Estimator):
...     _parameter_rules = {"ridge": Interval(float, 0, None, closed="left")}
...     _fitted_attr = "coef_"
...     def __init__(self, *, ridge: float = 1.0):
...         self.ridge = ridge
>>> Toy(ridge=2.0)
Toy(ridge=2.0)
>>> Toy(ridge=-1)._validate_params()
Traceback (most recent call last):
...
realign.errors.InvalidParameterError: The 'ridge' parameter of Toy must be a float >= 0. Got -1 instead.
>>> Toy()._check_fitted()
Traceback (most recent call last):
...
realign.errors.NotFittedError: This Toy is not fitted yet; call fit() first.
"""

from __future__ import annotations

import inspect
import math
import numbers
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol, TypeVar

import numpy as np

from realign.errors import InvalidParameterError, NotFittedError

__all__ = ["Estimator", "Interval", "Options", "Rule", "FitCache", "DEFAULT_FIT_CACHE"]

T = TypeVar("T")


class Rule(Protocol):
    """A parameter rule: ``accepts(value)`` and ``describe()`` (the text after "must be")."""

    def accepts(self, value: Any) -> bool: ...

    def describe(self) -> str: ...


def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


@dataclass(frozen=True)
class Interval:
    """Numbers of ``kind`` (int or float; an int is a valid float) between ``left`` and ``right``.

    ``None`` bounds are open-ended; ``closed`` says which bounds are included. NaN is never inside.
    ``allow_none`` also accepts ``None``.

    Examples
    --------
    >>> Interval(int, 2, None, closed="left").describe()
    'an int >= 2'
    >>> Interval(float, 0, None, closed="neither").accepts(0.0)
    False
    """

    kind: type
    left: float | None
    right: float | None
    closed: Literal["left", "right", "both", "neither"] = "both"
    allow_none: bool = False

    def accepts(self, value: Any) -> bool:
        if value is None:
            return self.allow_none
        if not (_is_int(value) if self.kind is int else _is_real(value)):
            return False
        if math.isnan(float(value)):
            return False
        if self.left is not None:
            if value < self.left or (value == self.left and self.closed not in ("left", "both")):
                return False
        if self.right is not None:
            if value > self.right or (value == self.right and self.closed not in ("right", "both")):
                return False
        return True

    def describe(self) -> str:
        what = "an int" if self.kind is int else "a float"
        bounds = []
        if self.left is not None:
            bounds.append(f"{'>=' if self.closed in ('left', 'both') else '>'} {self.left}")
        if self.right is not None:
            bounds.append(f"{'<=' if self.closed in ('right', 'both') else '<'} {self.right}")
        text = f"{what} {' and '.join(bounds)}" if bounds else what
        return f"{text} or None" if self.allow_none else text


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values of ``kind`` (e.g. solver names)."""

    kind: type
    values: tuple

    def accepts(self, value: Any) -> bool:
        return isinstance(value, self.kind) and value in self.values

    def describe(self) -> str:
        return f"a {self.kind.__name__} among {{{', '.join(repr(v) for v in self.values)}}}"


def _same(a: Any, b: Any) -> bool:
    """``a`` equals ``b`` for repr purposes (arrays and odd types compare unequal, never raise)."""
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


class Estimator:
    """Base class: parameters from the ``__init__`` signature, declarative rules, one fitted check.

    Subclasses set ``_parameter_rules`` (name -> :class:`Interval`/:class:`Options`/any :class:`Rule`),
    ``_fitted_attr`` (a learned attribute present only after ``fit``) and ``_fit_hint`` (how to fit,
    shown in the not-fitted message).
    """

    _parameter_rules: ClassVar[dict[str, Rule]] = {}
    _fitted_attr: ClassVar[str] = ""
    _fit_hint: ClassVar[str] = "fit()"

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters as a dict (``deep`` is accepted for scikit-learn compatibility).

        Parameters
        ----------
        deep : bool, default True
            Ignored.

        Returns
        -------
        dict[str, Any]
            Keyword-only constructor parameter -> current value.
        """
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Any:
        """Set constructor parameters and return ``self``; unknown names raise :class:`InvalidParameterError`."""
        valid = self._param_names()
        for key in params:
            if key not in valid:
                raise InvalidParameterError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}. Valid parameters are: {valid}."
                )
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        default = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if not _same(default.get(k), v)]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _validate_params(self) -> None:
        """Check every parameter against its rule (in rule order); the first failure raises."""
        for name, rule in self._parameter_rules.items():
            value = getattr(self, name)
            if not rule.accepts(value):
                raise InvalidParameterError(
                    f"The {name!r} parameter of {type(self).__name__} must be {rule.describe()}. Got {value!r} instead."
                )

    def _check_fitted(self) -> None:
        """Raise :class:`NotFittedError` unless ``fit`` has run."""
        if not hasattr(self, self._fitted_attr):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call {self._fit_hint} first.")


class FitCache:
    """An explicit in-process store of fitted models, keyed by a kind and the fit's arguments.

    ``fitted_model`` and ``fitted_choice`` take one as ``cache=``; without it they use the process-wide
    :data:`DEFAULT_FIT_CACHE` (what their former ``@functools.cache`` did). Pass a fresh ``FitCache()``
    to refit in isolation (tests, counterfactual sweeps) or to bound a fit's lifetime. Like
    ``functools.cache``, two threads missing the same key at once may both compute it; the stored fit
    is then the first one, so every caller afterwards sees one object.

    Examples
    --------
    >>> c = FitCache()
    >>> c.get("square", (3,), lambda: 3 * 3), c.get("square", (3,), lambda: 0), len(c)
    (9, 9, 1)
    >>> c.clear("square"); len(c)
    0
    """

    def __init__(self) -> None:
        self._fits: dict[tuple[str, tuple], Any] = {}
        self._lock = threading.Lock()

    def get(self, kind: str, key: tuple, compute: Callable[[], T]) -> T:
        """The stored fit of ``(kind, key)``, else ``compute()`` stored and returned (``key`` must be hashable).

        Parameters
        ----------
        kind : str
            Name of the fit (e.g. ``"choice"``).
        key : tuple
            Hashable arguments of the fit.
        compute : Callable[[], T]
            Computes the fit when it is not stored (outside the lock; the first stored value wins).

        Returns
        -------
        T
            The stored fit.
        """
        k = (kind, key)
        with self._lock:
            if k in self._fits:
                return self._fits[k]
        value = compute()
        with self._lock:
            return self._fits.setdefault(k, value)

    def clear(self, kind: str | None = None) -> None:
        """Forget every stored fit, or only those of ``kind``.

        Parameters
        ----------
        kind : str or None, default None
            Name of the fits to forget; None forgets all.
        """
        with self._lock:
            for k in [k for k in self._fits if kind is None or k[0] == kind]:
                del self._fits[k]

    def __len__(self) -> int:
        return len(self._fits)

    def __repr__(self) -> str:
        return f"FitCache({len(self)} fits)"


#: The process-wide fit cache used when no ``cache=`` is passed.
DEFAULT_FIT_CACHE = FitCache()
