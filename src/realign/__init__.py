"""realign: how the outcome of a battle realigns the international system.

Data (COW, ATOP, WWII events) -> dated system snapshot (:class:`System`) -> alignment
models and solvers -> events and scenarios -> consequences and validation -> CLI/web.
"""

from __future__ import annotations

from realign.errors import (
    AmbiguousStateError,
    CoverageError,
    DataIntegrityError,
    InputFileError,
    InvalidDateError,
    InvalidParameterError,
    NotFittedError,
    RealignError,
    UnknownStateError,
)

__version__ = "0.1.0"

__all__ = [
    "System",
    "resolve",
    "history",
    "forecast",
    "RealignError",
    "InvalidParameterError",
    "NotFittedError",
    "InvalidDateError",
    "UnknownStateError",
    "AmbiguousStateError",
    "DataIntegrityError",
    "CoverageError",
    "InputFileError",
    "__version__",
]


def __getattr__(name: str):  # lazy: importing realign stays cheap
    if name == "System":
        from realign.system.snapshot import System

        return System
    if name == "resolve":
        from realign.data.names import resolve

        return resolve
    if name == "history":
        from realign.system.history import history

        return history
    if name == "forecast":
        from realign.simulation.forecast import forecast

        return forecast
    raise AttributeError(f"module 'realign' has no attribute {name!r}")
