"""The dashboard page, its vendored chart library and its JSON twin (``GET /api``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

from realign.system.dashboard import DASHBOARD_END, DASHBOARD_START
from realign.web.common import (
    MAX_BODY_BYTES,
    MAX_ESSAY_CHARS,
    MAX_EXACT_STATES,
    MAX_HISTORY_MONTHS,
    MAX_RUNS,
    MAX_SCENARIO_STATES,
    json_response,
)

STATIC_DIR = Path(str(resources.files("realign.web"))) / "static"
PLOTLY_MISSING = {
    503: {
        "description": "plotly is not installed (pip install 'realign[web]').",
        "content": {"application/json": {"example": {"detail": "plotly is not installed."}}},
    }
}


def _index(router: APIRouter) -> None:
    """``GET /``."""

    @router.get(
        "/",
        response_class=HTMLResponse,
        tags=["page"],
        summary="The dashboard page",
        description="One page: timeline 1936-1955, alliance/war network, coalition capability, "
        "state detail and what-if panels. Its JSON twin is `GET /api`.",
    )
    def index() -> HTMLResponse:
        return HTMLResponse((STATIC_DIR / "index.html").read_text(encoding="utf-8"))


def _plotly_js(router: APIRouter) -> None:
    """``GET /vendor/plotly.min.js``."""

    @router.get(
        "/vendor/plotly.min.js",
        tags=["page"],
        summary="plotly.js, served from the Python plotly package",
        description="The page's only chart library, read from the installed `plotly` package "
        "(`plotly/package_data/plotly.min.js`): no CDN, nothing downloaded.",
        responses={200: {"content": {"application/javascript": {}}}, **PLOTLY_MISSING},
    )
    def plotly_js() -> FileResponse:
        try:
            path = Path(str(resources.files("plotly"))) / "package_data" / "plotly.min.js"
        except ModuleNotFoundError:
            raise HTTPException(503, "plotly is not installed: pip install 'realign[web]'.") from None
        if not path.is_file():
            raise HTTPException(503, f"plotly.min.js not found in the plotly package at {path}.")
        return FileResponse(
            path, media_type="application/javascript", headers={"Cache-Control": "public, max-age=86400"}
        )


def _api_index(router: APIRouter) -> None:
    """``GET /api``."""

    @router.get(
        "/api",
        tags=["page"],
        summary="JSON twin of the page: what it shows and where from",
        description="The dashboard's range, limits, data sources, and the endpoint behind each panel.",
        responses={
            200: {
                "content": {
                    "application/json": {
                        "example": {"name": "realign", "timeline": {"start": "1936-01-01", "end": "1955-12-31"}}
                    }
                }
            }
        },
    )
    def api_index() -> Response:
        import realign
        from realign.data.store import list_datasets

        return json_response(
            {
                "name": "realign",
                "version": realign.__version__,
                "timeline": {"start": DASHBOARD_START.isoformat(), "end": DASHBOARD_END.isoformat()},
                "panels": {
                    "timeline": "/api/system?date=1942-11-19",
                    "network": "/api/network?date=1942-11-19",
                    "capability": "/api/capability?start=1936&end=1955",
                    "state_detail": "/api/state/360?date=1944-09-15",
                    "history": "/api/history?after=1943-02-02&months=24",
                    "what_if": "POST /api/scenario (and GET /api/consequences/{event})",
                    "events": "/api/events",
                    "landscape": "/api/landscape?date=1942-11-19&states=2,200,255,325,365,740",
                    "essay": "POST /api/essay",
                },
                "limits": {
                    "exact_states": MAX_EXACT_STATES,
                    "runs": MAX_RUNS,
                    "essay_chars": MAX_ESSAY_CHARS,
                    "body_bytes": MAX_BODY_BYTES,
                    "history_months": MAX_HISTORY_MONTHS,
                    "scenario_states": MAX_SCENARIO_STATES,
                },
                "datasets": list_datasets().to_dict(orient="records"),
                "schema": "/openapi.json",
            }
        )


def build() -> APIRouter:
    """Routes ``/``, ``/vendor/plotly.min.js`` and ``/api``."""
    router = APIRouter()
    _index(router)
    _plotly_js(router)
    _api_index(router)
    return router
