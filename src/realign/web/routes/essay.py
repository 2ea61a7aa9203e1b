"""``POST /api/essay``: check an essay's claims, each check in a process of its own.

A check is CPU-bound library code that cannot be interrupted from another thread, so it runs in a
child process (``multiprocessing`` forkserver, realign preloaded): at most ``MAX_ESSAYS`` at once,
killed when the client disconnects or after ``ESSAY_TIMEOUT_S`` seconds - nothing runs on after the
client has gone.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from typing import Any

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from realign.web.common import (
    BODY_RESPONSES,
    BUSY,
    ERROR_RESPONSES,
    ESSAY_TIMEOUT_S,
    MAX_BODY_BYTES,
    MAX_ESSAY_CHARS,
    MAX_ESSAYS,
    json_response,
)

_CTX: Any = None


class EssayRequest(BaseModel):
    """An essay to check sentence by sentence against the data."""

    text: str = Field(
        ...,
        max_length=MAX_ESSAY_CHARS,
        description=f"Plain text, at most {MAX_ESSAY_CHARS} characters.",
        examples=["After Stalingrad, Romania switched to the Allies in September 1944."],
    )
    event: str | None = Field(
        None, max_length=200, description="Catalogue event the essay is about (optional).", examples=["stalingrad"]
    )


def _context():
    global _CTX
    if _CTX is None:
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        _CTX = mp.get_context(method)
        if method == "forkserver":
            _CTX.set_forkserver_preload(["realign.essay", "realign.web.routes.essay"])
    return _CTX


def _child(conn, text: str, event: str | None) -> None:
    """In the child process: run the check, send ``("ok", json bytes)`` or ``("error", kind, message)``."""
    from realign.errors import RealignError
    from realign.essay import check_essay
    from realign.web.common import dumps

    try:
        conn.send(("ok", dumps(check_essay(text, event=event))))
    except RealignError as exc:
        conn.send(("error", 422, str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported to the client as a 500 with the reason
        conn.send(("error", 500, f"essay check failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


async def check_in_child(
    text: str, event: str | None, request: Request | None = None, timeout: float = ESSAY_TIMEOUT_S
) -> tuple[int, bytes | str]:
    """Run one essay check in a child process; kill it when the client leaves or time is up."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, text, event), daemon=True)
    proc.start()
    child.close()
    deadline = time.monotonic() + timeout
    try:
        while True:
            if parent.poll():
                msg = parent.recv()
                return (200, msg[1]) if msg[0] == "ok" else (msg[1], msg[2])
            if not proc.is_alive() and not parent.poll():
                return 500, f"essay check process ended without a result (exit code {proc.exitcode})"
            if request is not None and await request.is_disconnected():
                return 499, "client disconnected"
            if time.monotonic() > deadline:
                return 503, f"essay check took longer than {timeout:.0f} s and was stopped"
            await anyio.sleep(0.02)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
        parent.close()


def build() -> APIRouter:
    """The essay route; at most ``MAX_ESSAYS`` checks at once, others wait (bounded) or get 503."""
    router = APIRouter()
    limiter = anyio.CapacityLimiter(MAX_ESSAYS)
    state = {"waiting": 0}

    @router.post(
        "/api/essay",
        tags=["essay"],
        summary="Check an essay's claims against the data",
        description=f"Splits the text into sentences and checks each claim (states, period, kind) "
        f"against the record, with a verdict, confidence and evidence. At most "
        f"{MAX_ESSAY_CHARS} characters (422) and {MAX_BODY_BYTES} bytes of body (413); "
        f"{MAX_ESSAYS} checks at once, each stopped when the client leaves.",
        responses={
            **ERROR_RESPONSES,
            **BUSY,
            **BODY_RESPONSES,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "event": "stalingrad",
                            "sentences": [
                                {
                                    "index": 0,
                                    "text": "Romania switched to the Allies in September 1944.",
                                    "states": [360],
                                    "period": ["1944-09-01", "1944-09-30"],
                                    "kind": "side_change",
                                    "verdict": "supported",
                                    "confidence": 0.9,
                                    "evidence": [],
                                }
                            ],
                        }
                    }
                }
            },
        },
    )
    async def api_essay(req: EssayRequest, request: Request) -> Response:
        if state["waiting"] >= 4 * MAX_ESSAYS:
            raise HTTPException(
                503,
                f"The server is busy: {state['waiting']} essay checks are running or waiting; try again in a minute.",
            )
        state["waiting"] += 1
        try:
            async with limiter:
                status, body = await check_in_child(req.text, req.event, request)
        finally:
            state["waiting"] -= 1
        if status != 200:
            raise HTTPException(status, body)
        return json_response(body)

    return router
