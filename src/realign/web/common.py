"""Shared pieces of the web adapter: limits, date parameters, JSON bodies, documented error statuses,
and the two work pools (light reads vs heavy ensembles/essays).

Heavy work (ensembles, essay checks) never runs on the thread pool that serves light reads: it is
awaited through its own :class:`anyio.CapacityLimiter` (``MAX_HEAVY`` at a time; waiting requests hold
no thread), and at most ``MAX_HEAVY_QUEUE`` requests may wait - more get ``503`` at once. So 45
concurrent ``/api/consequences`` calls cannot starve ``/api/history``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import orjson
from fastapi import HTTPException, Query
from fastapi.responses import Response

from realign.errors import CoverageError, InvalidDateError

__all__ = [
    "MAX_EXACT_STATES",
    "MAX_RUNS",
    "MAX_ESSAY_CHARS",
    "MAX_BODY_BYTES",
    "MAX_SCENARIO_STATES",
    "MAX_HISTORY_MONTHS",
    "MAX_MONTHLY_YEARS",
    "MAX_HEAVY",
    "MAX_HEAVY_QUEUE",
    "MAX_ESSAYS",
    "ESSAY_TIMEOUT_S",
    "ERROR_RESPONSES",
    "BUSY",
    "BODY_RESPONSES",
    "date_query",
    "parse_day",
    "split_list",
    "json_response",
    "dumps",
    "Heavy",
    "ResultCache",
]

#: Exact landscape solves are exponential in the number of states: refuse more per request.
MAX_EXACT_STATES = 24
#: Ensemble runs per request (consequences, scenario).
MAX_RUNS = 500
#: Essay text limit (characters) and request body limit (bytes, checked before parsing).
MAX_ESSAY_CHARS = 200_000
MAX_BODY_BYTES = 256 * 1024
#: States in one scenario request.
MAX_SCENARIO_STATES = 80
#: Months of history per request, and years of monthly capability series per request.
MAX_HISTORY_MONTHS = 600
MAX_MONTHLY_YEARS = 60
#: Heavy computations (ensembles, landscapes) at the same time, and how many may wait for a slot.
MAX_HEAVY = 2
MAX_HEAVY_QUEUE = 64
#: Essay checks at the same time (each in its own process, killed when the client leaves) and their limit.
MAX_ESSAYS = 2
ESSAY_TIMEOUT_S = 120.0

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Bad input (bad date, unknown state, parameter out of range), with a message.",
        "content": {"application/json": {"example": {"detail": "Invalid date '1999-13-01': month must be in 1..12."}}},
    },
}
BUSY: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "The server is busy with heavy requests (ensembles, essays); try again later.",
        "content": {
            "application/json": {
                "example": {"detail": "The server is busy: 64 heavy requests are waiting; try again in a minute."}
            }
        },
    },
}
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "The body could not be parsed (e.g. not the declared content type).",
        "content": {"application/json": {"example": {"detail": "There was an error parsing the body"}}},
    },
    413: {
        "description": f"Body larger than {MAX_BODY_BYTES} bytes.",
        "content": {"application/json": {"example": {"detail": "Request body over the limit of 262144 bytes."}}},
    },
}


def date_query(description: str, example: str, default: Any = ...) -> Any:
    """A ``YYYY-MM-DD`` query parameter, typed ``format: date`` in the OpenAPI schema."""
    return Query(
        default,
        description=f"{description} YYYY-MM-DD (1816-01-01..2016-12-31).",
        examples=[example],
        json_schema_extra={"format": "date"},
    )


def parse_day(value: str, *, name: str = "date") -> dt.date:
    """Strict ``YYYY-MM-DD`` within the COW state system (1816-01-01..2016-12-31); else a domain error (422)."""
    from realign.data.names import parse_date
    from realign.system.snapshot import FIRST_DAY, LAST_DAY

    if value is None:
        raise InvalidDateError(f"The '{name}' parameter is required (YYYY-MM-DD).")
    d = parse_date(value)
    if not FIRST_DAY <= d <= LAST_DAY:
        raise CoverageError(
            f"The '{name}' parameter {d} is outside the COW state system coverage ({FIRST_DAY} to {LAST_DAY})."
        )
    return d


def split_list(value: str | None) -> list[str] | None:
    """``"a, b"`` -> ``["a", "b"]``; ``None`` stays ``None`` (an empty list is for the library to refuse)."""
    return None if value is None else [s.strip() for s in value.split(",") if s.strip()]


def _default(obj: Any) -> Any:
    """What orjson does not serialise itself: ``to_dict`` objects, pandas timestamps, numpy scalars, sets."""
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return obj.to_dict()
    if obj is None or (hasattr(obj, "isoformat") and obj != obj):  # NaT
        return None
    if isinstance(obj, dt.datetime):  # pandas.Timestamp (orjson takes only exact datetimes)
        return obj.date().isoformat() if obj.time() == dt.time(0) and obj.tzinfo is None else obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


def dumps(obj: Any) -> bytes:
    """orjson bytes of library output (``to_dict`` objects, numpy, dates, timestamps; NaN and NaT -> null)."""
    return orjson.dumps(obj, default=_default, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def json_response(body: bytes | Any, status_code: int = 200) -> Response:
    """A JSON response from bytes (already serialised) or from library output."""
    return Response(
        content=body if isinstance(body, bytes) else dumps(body), status_code=status_code, media_type="application/json"
    )


T = TypeVar("T")


class Heavy:
    """Runs heavy functions in worker threads of their own, ``MAX_HEAVY`` at a time, bounded queue."""

    def __init__(self, slots: int = MAX_HEAVY, queue: int = MAX_HEAVY_QUEUE):
        self.limiter = anyio.CapacityLimiter(slots)
        self.queue, self.waiting = queue, 0

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self.waiting >= self.queue:
            raise HTTPException(
                503, f"The server is busy: {self.waiting} heavy requests are waiting; try again in a minute."
            )
        self.waiting += 1
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)
        finally:
            self.waiting -= 1


class ResultCache:
    """A small LRU of finished results (errors are never cached)."""

    def __init__(self, size: int = 32):
        self.size, self.items = size, OrderedDict()  # type: ignore[var-annotated]

    def get(self, key: Any) -> Any:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return None

    def put(self, key: Any, value: Any) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)
