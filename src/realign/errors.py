"""One family of errors for realign: every domain error is a ``ValueError``.

Interfaces (CLI, web) catch :class:`RealignError` and show its message; anything
else is a bug.
"""

from __future__ import annotations

__all__ = [
    "RealignError",
    "InvalidParameterError",
    "NotFittedError",
    "InvalidDateError",
    "UnknownStateError",
    "AmbiguousStateError",
    "DataIntegrityError",
    "CoverageError",
    "InputFileError",
    "check_int",
]


class RealignError(ValueError):
    """Base class of all realign errors (a ``ValueError``, so ``except ValueError`` works)."""


class InvalidParameterError(RealignError):
    """A parameter has the wrong type or value.

    Message form (as scikit-learn): "The 'k' parameter of Landscape must be an int >= 2. Got 1 instead."
    """


class NotFittedError(InvalidParameterError):
    """A model used before ``fit``; one message form: "This Landscape is not fitted yet; call fit(...) first."

    Derives from :class:`InvalidParameterError` so code that caught the earlier error keeps working.
    """


class InvalidDateError(InvalidParameterError):
    """A date that is missing, malformed or impossible (expected ``YYYY-MM-DD``), from any entry point.

    Every date given as text is read by :func:`realign.data.names.parse_date`, which raises this;
    a date outside a dataset's coverage is a :class:`CoverageError` instead.
    """


class UnknownStateError(RealignError):
    """A state name/code that no dated spell matches; the message lists close candidates."""

    def __init__(self, message: str, candidates: list[str] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


class AmbiguousStateError(UnknownStateError):
    """A name that matches several states on that date; the message lists them."""


class DataIntegrityError(RealignError):
    """A bundled table fails its checksum or schema check."""


class CoverageError(RealignError):
    """A date outside what the data cover (e.g. before 1816-01-01)."""


class InputFileError(RealignError):
    """A user file (CSV, TOML, essay) is malformed; the message names file, line and field."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, field: str | None = None):
        where = ":".join(str(x) for x in (path, line) if x is not None)
        prefix = f"{where}: " if where else ""
        fld = f" [field '{field}']" if field else ""
        super().__init__(f"{prefix}{message}{fld}")
        self.path, self.line, self.field = path, line, field


def check_int(name: str, value: object, lo: int, owner: str | None = None) -> None:
    """Raise :class:`InvalidParameterError` unless ``value`` is an int (not a bool) >= ``lo``.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller spells it.
    value : object
        The value given.
    lo : int
        Smallest allowed value.
    owner : str or None, default None
        The function or class the parameter belongs to, named in the message.

    Raises
    ------
    InvalidParameterError
        With the one message form used across realign, e.g. "The 'n_runs' parameter of tabu_restarts must be
        an int >= 1. Got 0 instead."

    Examples
    --------
    >>> check_int("n_runs", 5, 1, "tabu_restarts")
    >>> check_int("n_runs", 0, 1, "tabu_restarts")
    Traceback (most recent call last):
    ...
    realign.errors.InvalidParameterError: The 'n_runs' parameter of tabu_restarts must be an int >= 1. Got 0 instead.
    """
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
        of = f" of {owner}" if owner else ""
        raise InvalidParameterError(f"The '{name}' parameter{of} must be an int >= {lo}. Got {value!r} instead.")
