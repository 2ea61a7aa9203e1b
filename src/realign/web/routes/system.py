"""``/api/system`` (one day) and ``/api/history`` (dated changes after a day)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from fastapi import APIRouter, Query
from fastapi.responses import Response

from realign.system.dashboard import side_label
from realign.web.common import (
    ERROR_RESPONSES,
    MAX_HISTORY_MONTHS,
    date_query,
    dumps,
    json_response,
    parse_day,
    split_list,
)


@lru_cache(maxsize=4096)
def _states_json(span: dt.date) -> bytes:
    from realign.system.snapshot import System

    return dumps(System.at(span).to_dict()["states"])


def system_json(d: dt.date) -> bytes:
    """The contract JSON of one day (``{"date", "states"}``): the states are serialised once per span of
    identical days (:func:`realign.system.snapshot.span_start`), only the date is per request."""
    from realign.system.snapshot import span_start

    return b'{"date":"' + d.isoformat().encode() + b'","states":' + _states_json(span_start(d)) + b"}"


def _api_system(router: APIRouter) -> None:
    """``GET /api/system``."""

    @router.get(
        "/api/system",
        tags=["system"],
        summary="The state system on one day",
        description="Exactly the JSON of `realign system --date D --format json`: every COW system "
        "member that day with CINC (yearly), major-power status, wars with sides and "
        "allies. Dates 1816-01-01..2016-12-31.",
        responses={
            **ERROR_RESPONSES,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "date": "1944-10-01",
                            "states": [
                                {
                                    "ccode": 360,
                                    "name": "Romania",
                                    "cinc": 0.00733,
                                    "major_power": False,
                                    "wars": [{"war": 139, "side": 1}],
                                    "allies": [2, 200, 365],
                                }
                            ],
                        }
                    }
                }
            },
        },
    )
    async def api_system(date: str = date_query("Day,", "1944-10-01")) -> Response:
        # async on purpose: a snapshot is a few ms of CPU (and cached), a thread hop costs more
        return json_response(system_json(parse_day(date)))


def _api_history(router: APIRouter) -> None:
    """``GET /api/history``."""

    @router.get(
        "/api/history",
        tags=["system"],
        summary="Every dated change after a date, with sources",
        description="The JSON of `realign history --format json` (`after`, `until`, `changes`) plus "
        "the WWII coalition CINC shares at both ends of the window and notes.",
        responses={
            **ERROR_RESPONSES,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "after": "1943-02-02",
                            "until": "1945-02-02",
                            "changes": [
                                {
                                    "date": "1944-09-09",
                                    "ccode": 360,
                                    "name": "Romania",
                                    "kind": "side_change",
                                    "counterpart": "World War II (war 139)",
                                    "source": "COW Inter-State War v4.0",
                                    "verified": True,
                                }
                            ],
                        }
                    }
                }
            },
        },
    )
    def api_history(
        after: str = date_query("Start of the window (exclusive),", "1943-02-02"),
        months: int = Query(24, ge=1, le=MAX_HISTORY_MONTHS, description="Window length in months.", examples=[24]),
        states: str | None = Query(
            None, description="Comma-separated ccodes or names to keep.", examples=["360,Hungary"]
        ),
    ) -> Response:
        from realign.system.history import history

        h = history(parse_day(after, name="after"), months, states=split_list(states))
        out = h.to_dict()
        out["shares_before"] = {side_label(k): v for k, v in h.shares_before.items()}
        out["shares_after"] = {side_label(k): v for k, v in h.shares_after.items()}
        out["notes"] = list(h.notes)
        return json_response(out)


def build() -> APIRouter:
    """Routes ``/api/system`` and ``/api/history``."""
    router = APIRouter()
    _api_system(router)
    _api_history(router)
    return router
