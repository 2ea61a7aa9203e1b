"""The realign web app: one dashboard page and its JSON API (a thin adapter over the library).

Every panel of the page is drawn from a JSON endpoint that programs can call directly
(datasette-style: every page has a JSON twin; ``GET /api`` is the twin of ``GET /``). The views
themselves are library functions (:mod:`realign.system.dashboard`, :mod:`realign.simulation.whatif`);
this module only wires one router per stage (:mod:`realign.web.routes`). Domain errors
(:class:`realign.errors.RealignError`: bad dates, unknown states, bad parameters) become ``422``
with a readable ``{"detail": "..."}``; a body that cannot be parsed is ``400`` (FastAPI), one over the
size limit ``413``. Heavy work (ensembles, landscapes, essays) runs on bounded pools of its own, so it cannot
starve the light reads.

Start it with ``realign serve`` (binds to 127.0.0.1 by default) or
``uvicorn realign.web.app:app``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from realign.errors import RealignError
from realign.system.dashboard import DASHBOARD_END, DASHBOARD_START
from realign.web.common import (
    MAX_BODY_BYTES,
    MAX_ESSAY_CHARS,
    MAX_EXACT_STATES,
    MAX_HISTORY_MONTHS,
    MAX_MONTHLY_YEARS,
    MAX_RUNS,
    MAX_SCENARIO_STATES,
    Heavy,
)
from realign.web.routes import dashboard, essay, page, system, whatif

__all__ = [
    "create_app",
    "app",
    "warm_up",
    "DASHBOARD_START",
    "DASHBOARD_END",
    "MAX_EXACT_STATES",
    "MAX_RUNS",
    "MAX_ESSAY_CHARS",
    "MAX_BODY_BYTES",
    "MAX_SCENARIO_STATES",
    "MAX_HISTORY_MONTHS",
    "MAX_MONTHLY_YEARS",
]


def warm_up(*, background: bool = True) -> None:
    """Load the bundled tables now (once, not in every concurrent first request), then build the network
    layout, the slider's monthly capability series and the timeline's history (in a background thread
    unless ``background=False``)."""
    from realign.system import dashboard as views
    from realign.system.snapshot import System, span_starts
    from realign.web.routes.system import system_json

    System.at(DASHBOARD_START)

    def rest() -> None:
        # the slider's days first: every distinct snapshot of 1936-1955 (~180 spans) serialised once
        for d in span_starts(DASHBOARD_START, DASHBOARD_END):
            system_json(d)
        views.warm_up()

    if background:
        threading.Thread(target=rest, name="realign-warm-up", daemon=True).start()
    else:
        rest()


class BodyLimit:
    """Reject request bodies larger than ``limit`` bytes with 413 before any parsing (pure ASGI)."""

    def __init__(self, app: Callable, limit: int = MAX_BODY_BYTES):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        try:
            declared = int(headers.get(b"content-length", b"0"))
        except ValueError:
            declared = 0
        if declared > self.limit:
            return await self._reject(send)
        chunks, size, more = [], 0, True
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return None
            body = msg.get("body", b"")
            size += len(body)
            if size > self.limit:
                return await self._reject(send)
            chunks.append(body)
            more = msg.get("more_body", False)
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def receive_again():
            return replay.pop() if replay else await receive()

        return await self.app(scope, receive_again, send)

    async def _reject(self, send):
        resp = JSONResponse(
            {
                "detail": f"Request body over the limit of {self.limit} bytes "
                f"(essays: at most {MAX_ESSAY_CHARS} characters)."
            },
            status_code=413,
        )
        await send({"type": "http.response.start", "status": 413, "headers": resp.raw_headers})
        await send({"type": "http.response.body", "body": resp.body})


def create_app() -> FastAPI:
    """Build the FastAPI app: the dashboard page, its static files and the JSON API (one router per stage)."""
    import realign

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        warm_up(background=True)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="realign",
        version=realign.__version__,
        docs_url=None,  # the Swagger/ReDoc pages load assets from a CDN: schema only (/openapi.json)
        redoc_url=None,
        description=(
            "How a battle's outcome realigns the international system, from COW/ATOP data. "
            "Every panel of the dashboard (`GET /`) is drawn from one of these JSON endpoints "
            "(`GET /api` lists them). Bad input gets a 4xx with a readable `detail` (400 body that cannot be "
            "parsed, 422 body that is not valid JSON or parameters out of range, "
            "404 unknown event or non-member, 413 body too large); work per "
            "request is bounded and heavy work that cannot get a slot gets 503."
        ),
    )
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.exception_handler(RealignError)
    async def realign_error(request: Request, exc: RealignError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    app.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")
    heavy = Heavy()
    for router in (page.build(), system.build(), dashboard.build(), whatif.build(heavy), essay.build()):
        app.include_router(router)
    return app


app = create_app()
