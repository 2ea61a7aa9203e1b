"""Dashboard panels: ``/api/network``, ``/api/capability`` and ``/api/state/{ccode}``."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from realign.system.dashboard import (
    CAPABILITY_SOURCE,
    DASHBOARD_END,
    DASHBOARD_START,
    SIMILARITY_NOTE,
    capability_series,
    network,
    state_detail,
)
from realign.web.common import ERROR_RESPONSES, MAX_MONTHLY_YEARS, date_query, dumps, json_response, parse_day

STATE_EXAMPLE = {
    "date": "1944-09-15",
    "ccode": 360,
    "name": "Romania",
    "stateabb": "ROM",
    "cinc": 0.0082,
    "cinc_year": 1944,
    "major_power": False,
    "wwii_side": "allies",
    "wars": [
        {
            "war": 139,
            "war_name": "World War II",
            "side": 1,
            "side_label": "allies",
            "start": "1944-09-09",
            "end": "1945-05-07",
        }
    ],
    "allies": [{"ccode": 640, "name": "Turkey", "kinds": ["neutral", "nonagg"], "source": "ATOP 5.1 (year)"}],
    "events": [
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
    "sources": [
        {"dataset": "nmc", "title": "COW National Material Capabilities", "version": "7.0", "unit": "state-year"}
    ],
    "similarity": {
        "measure": "Signorino-Ritter S",
        "sorted_by": "s_unweighted",
        "note": SIMILARITY_NOTE,
        "scores": [
            {"ccode": 310, "name": "Hungary", "s_unweighted": 0.9273, "s_weighted": 0.9748},
            {"ccode": 2, "name": "United States of America", "s_unweighted": -0.0788, "s_weighted": -0.4491},
        ],
    },
}
NOT_MEMBER = {
    404: {
        "description": "Not a system member on that day.",
        "content": {
            "application/json": {"example": {"detail": "Austria (305) is not a COW system member on 1940-01-01."}}
        },
    }
}


@lru_cache(maxsize=1024)
def network_json(d: dt.date) -> bytes:
    return dumps(network(d).to_dict())


@lru_cache(maxsize=4096)
def state_json(state: str, d: dt.date) -> tuple[int, bytes]:
    detail = state_detail(state, d)
    return (200 if detail.member else 404), dumps(detail.to_dict())


@lru_cache(maxsize=64)
def capability_json(start: int, end: int, freq: str) -> bytes:
    from realign.system.snapshot import WWII

    return dumps(
        {
            "start": start,
            "end": end,
            "freq": freq,
            "war": WWII,
            "sides": {"allies": 1, "axis": 2},
            "series": capability_series(start, end, freq),
            "source": CAPABILITY_SOURCE,
        }
    )


def _api_network(router: APIRouter) -> None:
    """``GET /api/network``."""

    @router.get(
        "/api/network",
        tags=["dashboard"],
        summary="Alliance/war network on one day, seeded layout",
        description="Nodes (states) with CINC, WWII side that day (allies / axis / neutral = not at war "
        "in WWII) and a position from a seeded spring layout computed once for every state "
        "of 1936-1955, so nodes stay put as the date moves. Edges are signed: +1 alliance or "
        "same war side, -1 opposite sides of a war in progress. Each edge also carries the "
        "pair's Signorino-Ritter S that day over ATOP alliance portfolios (-1..1): "
        "`s_unweighted` (every member counts equally) and `s_weighted` (members weighted by "
        "CINC); `null` = not computable. `similarity_note` says how they are computed.",
        responses={
            **ERROR_RESPONSES,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "date": "1942-11-19",
                            "nodes": [
                                {
                                    "ccode": 360,
                                    "name": "Romania",
                                    "stateabb": "RUM",
                                    "cinc": 0.0075,
                                    "major_power": False,
                                    "side": "axis",
                                    "wars": [139],
                                    "x": 0.31,
                                    "y": -0.12,
                                }
                            ],
                            "edges": [
                                {
                                    "source": 255,
                                    "target": 360,
                                    "sign": 1,
                                    "kinds": ["war 139:same side"],
                                    "s_unweighted": 0.8462,
                                    "s_weighted": 0.4464,
                                }
                            ],
                            "similarity_note": SIMILARITY_NOTE,
                        }
                    }
                }
            },
        },
    )
    def api_network(date: str = date_query("Day,", "1942-11-19")) -> Response:
        return json_response(network_json(parse_day(date)))


def _api_capability(router: APIRouter) -> None:
    """``GET /api/capability``."""

    @router.get(
        "/api/capability",
        tags=["dashboard"],
        summary="WWII coalition CINC shares over time",
        description="Share of the system's total CINC held by each WWII side (war 139) on the 1st of "
        "each month (`freq=month`) or on 1 July of each year (`freq=year`). CINC is yearly "
        "(COW NMC v7.0); sides change by day (COW war participation). `null` = not covered. "
        f"Monthly series are limited to {MAX_MONTHLY_YEARS} years per request (422).",
        responses={
            **ERROR_RESPONSES,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "start": 1936,
                            "end": 1955,
                            "freq": "month",
                            "series": [{"date": "1942-11-01", "allies": 0.55, "axis": 0.3, "not_at_war": 0.15}],
                        }
                    }
                }
            },
        },
    )
    def api_capability(
        start: int = Query(DASHBOARD_START.year, ge=1816, le=2016, description="First year.", examples=[1936]),
        end: int = Query(DASHBOARD_END.year, ge=1816, le=2016, description="Last year.", examples=[1955]),
        freq: Literal["month", "year"] = Query("month", description="Sampling: month or year."),
    ) -> Response:
        from realign.errors import InvalidParameterError

        if end < start:
            raise InvalidParameterError(f"The 'end' year ({end}) must not be before 'start' ({start}).")
        if freq == "month" and end - start + 1 > MAX_MONTHLY_YEARS:
            raise InvalidParameterError(
                f"Monthly series are limited to {MAX_MONTHLY_YEARS} years per request; use freq=year for longer spans."
            )
        return json_response(capability_json(start, end, freq))


def _api_state(router: APIRouter) -> None:
    """``GET /api/state/{ccode}``."""

    @router.get(
        "/api/state/{ccode}",
        tags=["dashboard"],
        response_model=None,
        summary="One state on one day, with sources",
        description="Detail panel: CINC and its components, major-power status, wars and sides, "
        "allies with alliance kinds, and every recorded change for the state 1936-1955 "
        "(from `history`) with its source. `ccode` may also be a name (resolved on the "
        "day by the library's resolver). `similarity.scores` lists the state's "
        "Signorino-Ritter S against every other member that day over ATOP alliance "
        "portfolios (-1..1), most similar first: `s_unweighted` (every member counts "
        "equally) and `s_weighted` (members weighted by CINC); `null` = not computable.",
        responses={**ERROR_RESPONSES, **NOT_MEMBER, 200: {"content": {"application/json": {"example": STATE_EXAMPLE}}}},
    )
    def api_state(
        ccode: str = PathParam(..., description="COW state code or name.", examples=["360"]),
        date: str = date_query("Day,", "1944-09-15"),
    ) -> Response:
        status, body = state_json(ccode.strip(), parse_day(date))
        return json_response(body, status_code=status)


def build() -> APIRouter:
    """Routes of the network, capability and state-detail panels."""
    router = APIRouter()
    _api_network(router)
    _api_capability(router)
    _api_state(router)
    return router
