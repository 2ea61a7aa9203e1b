"""The realign web app: one dashboard page and its JSON API (a thin adapter over the library).

Every panel of the page is drawn from a JSON endpoint that programs can call directly
(datasette-style: every page has a JSON twin; ``GET /api`` is the twin of ``GET /``). Domain
errors (:class:`realign.errors.RealignError`: bad dates, unknown states, bad parameters) become
``422`` with a readable ``{"detail": "..."}``; work per request is bounded (states per exact
solve, ensemble runs, body size). Stages that are still being built (landscape models,
consequences, essay checks) are imported lazily: while missing, their endpoints answer ``503``.

Start it with ``realign serve`` (binds to 127.0.0.1 by default) or
``uvicorn realign.web.app:app``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib
import json
import math
import threading
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from realign.errors import CoverageError, RealignError, UnknownStateError

__all__ = ["create_app", "app", "DASHBOARD_START", "DASHBOARD_END", "MAX_EXACT_STATES", "MAX_RUNS",
           "MAX_ESSAY_CHARS", "MAX_BODY_BYTES"]

#: The dashboard's timeline (the slider's range).
DASHBOARD_START = dt.date(1936, 1, 1)
DASHBOARD_END = dt.date(1955, 12, 31)
#: Exact landscape solves are exponential in the number of states: refuse more per request.
MAX_EXACT_STATES = 24
#: Ensemble runs per request (consequences, scenario).
MAX_RUNS = 500
#: Essay text limit (characters) and request body limit (bytes, checked before parsing).
MAX_ESSAY_CHARS = 200_000
MAX_BODY_BYTES = 256 * 1024
#: Ensembles computed at the same time (others wait up to ENSEMBLE_WAIT_S, then get 503).
MAX_CONCURRENT_ENSEMBLES = 2
ENSEMBLE_WAIT_S = 120.0
#: States in one scenario request.
MAX_SCENARIO_STATES = 80
#: Months of history per request, and years of monthly capability series per request.
MAX_HISTORY_MONTHS = 600
MAX_MONTHLY_YEARS = 60
#: Seed of the network layout (positions are computed once, for every state of the timeline).
LAYOUT_SEED = 1942
WWII = 139
SIDE_LABELS = {1: "allies", 2: "axis"}
SOURCES_NOTE = ("CINC: COW National Material Capabilities v7.0 (yearly); sides: COW Inter-State War v4.0 "
                "(day spells); membership: COW State System v2016; alliances: ATOP 5.1 (yearly).")
STATIC_DIR = Path(str(resources.files("realign.web"))) / "static"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "Bad input (bad date, unknown state, parameter out of range), with a message.",
          "content": {"application/json": {"example": {
              "detail": "Invalid date '1999-13-01': month must be in 1..12."}}}},
}
UNAVAILABLE = {503: {"description": "The stage behind this endpoint is not installed in this build yet.",
                     "content": {"application/json": {"example": {
                         "detail": "Consequences are not available yet: realign.consequences has no "
                                   "'consequences'."}}}}}


# ----------------------------------------------------------------------------- helpers
def _date(value: str, *, name: str = "date") -> dt.date:
    """Strict ``YYYY-MM-DD`` within the COW state system (1816-01-01..2016-12-31), else 422."""
    from realign.data.names import parse_date
    from realign.system.snapshot import FIRST_DAY, LAST_DAY

    d = parse_date(value)
    if d is None:
        raise UnknownStateError(f"The '{name}' parameter is required (YYYY-MM-DD).")
    if not FIRST_DAY <= d <= LAST_DAY:
        raise CoverageError(f"The '{name}' parameter {d} is outside the COW state system coverage "
                            f"({FIRST_DAY} to {LAST_DAY}).")
    return d


def _plain(obj: Any) -> Any:
    """JSON-ready copy of library output (numpy, dataclasses, objects with ``to_dict``; NaN -> None)."""
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return None if math.isnan(obj) or math.isinf(obj) else obj
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    if isinstance(obj, np.ndarray):
        return [_plain(x) for x in obj.tolist()]
    if isinstance(obj, dt.datetime):
        return obj.date().isoformat() if obj.time() == dt.time(0) and obj.tzinfo is None else obj.isoformat()
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [_plain(x) for x in obj]
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return _plain(obj.to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _plain(dataclasses.asdict(obj))
    if hasattr(obj, "__dict__"):
        return _plain({k: v for k, v in vars(obj).items() if not k.startswith("_")})
    return str(obj)


def _optional(module: str, attr: str, what: str) -> Any:
    """Import ``module.attr`` lazily; 503 with a clear message while that stage is not built yet."""
    try:
        mod = importlib.import_module(module)
        obj = getattr(mod, attr)
    except (ImportError, AttributeError):
        raise HTTPException(503, f"{what} not available yet: {module}.{attr} is not installed in "
                                 "this build (another stage of realign provides it).") from None
    if isinstance(obj, type(importlib)) and hasattr(obj, attr):  # a submodule of the same name
        obj = getattr(obj, attr)
    return obj


def _split(value: str | None) -> list[str]:
    return [s.strip() for s in value.split(",") if s.strip()] if value else []


def _resolve_states(items: list[str | int], d: dt.date) -> list[int]:
    """ccodes or names -> ccodes that are system members on ``d`` (order kept, duplicates dropped)."""
    from realign.data.names import is_member, resolve, state_name

    out: list[int] = []
    for it in items:
        text = str(it).strip()
        code = int(text) if text.lstrip("-").isdigit() else resolve(text, d)
        state_name(code)  # unknown codes raise UnknownStateError
        if not is_member(code, d):
            raise UnknownStateError(f"State {code} ({state_name(code)}) is not a COW system member on {d}.")
        if code not in out:
            out.append(code)
    return out


def _side_label(side: int | None) -> str:
    return SIDE_LABELS.get(side, "neutral") if side is not None else "neutral"


@lru_cache(maxsize=2048)
def _system(d: dt.date):
    from realign.system.snapshot import System

    return System.at(d)


@lru_cache(maxsize=4096)
def _system_json(d: dt.date) -> bytes:
    """The contract JSON of one day, serialised once (hot path of the dashboard and the load bench)."""
    return _dumps(_system(d).to_dict())


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _json_response(body: bytes) -> Response:
    return Response(content=body, media_type="application/json")


def warm_up(*, background: bool = True) -> None:
    """Load the bundled tables now (once, not in every concurrent first request) and build the
    network layout and the timeline's history (in a background thread unless ``background=False``)."""
    from realign.system.tables import tables

    tables()
    _system(DASHBOARD_START)

    def rest() -> None:
        layout()
        capability(DASHBOARD_START.year, DASHBOARD_END.year, "month")
        with _history_lock:
            _events_by_state()

    if background:
        threading.Thread(target=rest, name="realign-warm-up", daemon=True).start()
    else:
        rest()


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, y, m = [], start.year, start.month
    while dt.date(y, m, 1) <= end:
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


_layout_lock = threading.Lock()


def _centre(raw: dict) -> np.ndarray:
    arr = np.array(list(raw.values()))
    return np.median(arr, axis=0) if len(arr) else np.zeros(2)


@lru_cache(maxsize=1)
def _layout() -> dict[int, tuple[float, float]]:
    """Seeded spring layout of every state that is a member at some point of the timeline.

    The union graph weights each positive tie (alliance or same war side) by the months it holds on
    the 1st of each month 1936-1955; war enmities are left out (a spring layout needs positive
    weights). Computed once per process, so positions stay put as the date moves.
    """
    import networkx as nx

    weights: dict[tuple[int, int], int] = {}
    nodes: set[int] = set()
    for m in _months(DASHBOARD_START, DASHBOARD_END):
        s = _system(m)
        nodes.update(s.ccodes)
        ties: set[tuple[int, int]] = set()
        if s.alliances is not None:
            ties.update(zip(s.alliances["ccode1"].astype(int), s.alliances["ccode2"].astype(int), strict=True))
        for _, grp in s.wars.groupby(["war", "side"]):
            members = sorted(set(grp["ccode"].astype(int)) & nodes)
            ties.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
        for t in ties:
            weights[t] = weights.get(t, 0) + 1
    total = max(len(_months(DASHBOARD_START, DASHBOARD_END)), 1)
    g = nx.Graph()
    g.add_nodes_from(sorted(nodes))
    g.add_weighted_edges_from((a, b, w / total) for (a, b), w in sorted(weights.items())
                              if a in nodes and b in nodes)
    isolated = sorted(n for n in g if g.degree(n) == 0)
    g.remove_nodes_from(isolated)
    raw = nx.spring_layout(g, seed=LAYOUT_SEED, weight="weight", iterations=200)
    # the long-allied core packs tight while loosely tied states drift out: keep each state's angle
    # and radial order but spread the radii evenly (rank-based); deterministic
    centre = _centre(raw)
    nodes_c = sorted(g, key=lambda n: (float(np.hypot(*(raw[n] - centre))), n))
    pos = {}
    for rank, n in enumerate(nodes_c):
        dx, dy = raw[n] - centre
        r = math.hypot(dx, dy)
        target = 0.12 + 0.88 * (rank + 1) / len(nodes_c)
        pos[n] = (dx / r * target, dy / r * target) if r > 0 else (0.0, 0.0)
    # states never tied to anyone in 1936-1955 (e.g. Ireland, Switzerland): a fixed outer ring
    for i, n in enumerate(isolated):
        a = 2 * math.pi * (i + 0.5) / max(len(isolated), 1)
        pos[n] = (1.15 * math.cos(a), 1.15 * math.sin(a))
    return {int(n): (round(float(p[0]), 4), round(float(p[1]), 4)) for n, p in pos.items()}


def layout() -> dict[int, tuple[float, float]]:
    with _layout_lock:
        return _layout()


def _position(ccode: int, pos: dict[int, tuple[float, float]]) -> tuple[float, float]:
    if ccode in pos:
        return pos[ccode]
    # outside the timeline's union (dates outside 1936-1955): a fixed spot on an outer ring
    a = (ccode * 2.399963) % (2 * math.pi)
    return (round(1.25 * math.cos(a), 4), round(1.25 * math.sin(a), 4))


@lru_cache(maxsize=1024)
def _network_json(d: dt.date) -> bytes:
    """Nodes, signed edges and stable positions of one day (see ``GET /api/network``)."""
    s = _system(d)
    g = _graph(d)
    pos = layout()
    sides = s.war_sides(WWII)
    wars: dict[int, list[int]] = {}
    for w, c in zip(s.wars["war"].astype(int), s.wars["ccode"].astype(int), strict=True):
        wars.setdefault(c, []).append(w)
    nodes = []
    for n, a in g.nodes(data=True):
        x, y = _position(int(n), pos)
        nodes.append({"ccode": int(n), "name": a["name"], "stateabb": a["stateabb"], "cinc": _plain(a["cinc"]),
                      "major_power": a["major_power"], "side": _side_label(sides.get(int(n))),
                      "wars": sorted(set(wars.get(int(n), []))), "x": x, "y": y})
    edges = [{"source": int(u), "target": int(v), "sign": int(a["sign"]), "kinds": list(a["kinds"])}
             for u, v, a in g.edges(data=True)]
    return _dumps({"date": d.isoformat(), "nodes": nodes, "edges": edges,
                   "layout": {"algorithm": "networkx.spring_layout over the 1936-1955 union of positive ties, "
                                           "radii spread by rank", "seed": LAYOUT_SEED},
                   "legend": {"allies": "WWII side 1", "axis": "WWII side 2", "neutral": "not at war in WWII"},
                   "coverage": s.coverage, "source": SOURCES_NOTE})


@lru_cache(maxsize=512)
def _graph(d: dt.date):
    return _system(d).to_networkx()


_history_lock = threading.Lock()


@lru_cache(maxsize=1)
def _events_by_state() -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for c in _timeline_history():
        out.setdefault(int(c["ccode"]), []).append(c)
    return out


@lru_cache(maxsize=4096)
def _state_json(code: int, d: dt.date) -> tuple[int, bytes]:
    """Detail panel of one state on one day: (HTTP status, JSON body); see ``GET /api/state/{ccode}``."""
    from realign.data.names import state_name

    name = state_name(code)
    s = _system(d)
    with _history_lock:
        events = _events_by_state().get(code, [])
    if code not in s:
        return 404, _dumps({"detail": f"{name} ({code}) is not a COW system member on {d}.",
                            "ccode": code, "name": name, "events": events})
    row = s.states[s.states["ccode"] == code].iloc[0]
    g = _graph(d)
    names = dict(zip(s.states["ccode"].astype(int), s.states["name"], strict=True))
    ties = []
    for other in sorted(g.neighbors(code)):
        e = g.edges[code, other]
        ties.append({"ccode": int(other), "name": names.get(int(other)), "sign": int(e["sign"]),
                     "kinds": list(e["kinds"])})
    alliance_rows = []
    if s.alliances is not None:
        a = s.alliances[(s.alliances["ccode1"] == code) | (s.alliances["ccode2"] == code)]
        for r in a.itertuples():
            other = int(r.ccode2 if r.ccode1 == code else r.ccode1)
            kinds = [k for k in ("defense", "offense", "neutral", "nonagg", "consul") if getattr(r, k)]
            alliance_rows.append({"ccode": other, "name": names.get(other), "kinds": kinds,
                                  "source": r.source})
    wars = [{"war": int(r.war), "war_name": r.war_name, "side": int(r.side),
             "side_label": _side_label(int(r.side)) if int(r.war) == WWII else f"side {int(r.side)}",
             "start": _plain(r.start), "end": _plain(r.end)}
            for r in s.wars[s.wars["ccode"] == code].itertuples()]
    return 200, _dumps({
        "date": d.isoformat(), "ccode": code, "name": name, "stateabb": row["stateabb"],
        "cinc": _plain(row["cinc"]), "cinc_year": None if row["cinc_year"] != row["cinc_year"]
        else int(row["cinc_year"]),
        "milex": _plain(row["milex"]), "milper": _plain(row["milper"]), "tpop": _plain(row["tpop"]),
        "major_power": bool(row["major_power"]), "wwii_side": _side_label(s.side(code, WWII)),
        "wars": wars, "allies": alliance_rows, "ties": ties, "events": events,
        "sources": _dataset_sources("states", "nmc", "majors", "war_participants", "atop", "ww2_events"),
    })


_capability_lock = threading.Lock()


def capability(start: int, end: int, freq: str) -> list[dict]:
    """Coalition shares series (computed once per span; concurrent first callers wait for it)."""
    with _capability_lock:
        return _capability(start, end, freq)


@lru_cache(maxsize=32)
def _capability(start: int, end: int, freq: str) -> list[dict]:
    if freq == "month":
        days = _months(dt.date(start, 1, 1), dt.date(end, 12, 31))
    else:
        days = [dt.date(y, 7, 1) for y in range(start, end + 1)]
    out = []
    for d in days:
        s = _system(d)
        if not s.coverage.get("nmc"):
            out.append({"date": d.isoformat(), "allies": None, "axis": None, "not_at_war": None})
            continue
        sh = s.coalition_shares(WWII)
        a, x = float(sh.get(1, 0.0)), float(sh.get(2, 0.0))
        out.append({"date": d.isoformat(), "allies": round(a, 6), "axis": round(x, 6),
                    "not_at_war": round(max(0.0, 1.0 - a - x), 6)})
    return out


@lru_cache(maxsize=1)
def _timeline_history() -> list[dict]:
    from realign.system.history import history

    months = (DASHBOARD_END.year - DASHBOARD_START.year + 1) * 12
    return history(DASHBOARD_START - dt.timedelta(days=1), months).to_dict()["changes"]


def _dataset_sources(*names: str) -> list[dict]:
    from realign.data.store import manifest

    m = manifest()
    return [{"dataset": n, "title": m[n].get("title"), "version": m[n].get("version"),
             "unit": m[n].get("unit")} for n in names if n in m]


# ----------------------------------------------------------------------------- request bodies
class ScenarioRequest(BaseModel):
    """A what-if run: the catalogue event, factual vs reversed outcome, bounded ensemble size."""

    event: str = Field(..., description="Catalogue event slug or name (see GET /api/events).",
                       examples=["stalingrad"])
    runs: int = Field(200, ge=1, description=f"Ensemble runs (at most {MAX_RUNS} per request).",
                      examples=[200])
    seed: int = Field(0, ge=0, description="Seed of the ensemble (same seed, same result).", examples=[0])
    states: list[int | str] | None = Field(
        None, max_length=MAX_SCENARIO_STATES,
        description=f"ccodes or names to report (default: every state the model reports; "
                    f"at most {MAX_SCENARIO_STATES}).", examples=[[360, 310, 375, 640]])
    months: list[str] | None = Field(None, max_length=240, description="Months YYYY-MM to report "
                                     "(default: all).", examples=[["1943-06", "1944-10"]])


class EssayRequest(BaseModel):
    """An essay to check sentence by sentence against the data."""

    text: str = Field(..., max_length=MAX_ESSAY_CHARS,
                      description=f"Plain text, at most {MAX_ESSAY_CHARS} characters.",
                      examples=["After Stalingrad, Romania switched to the Allies in September 1944."])
    event: str | None = Field(None, description="Catalogue event the essay is about (optional).",
                              examples=["stalingrad"])


# ----------------------------------------------------------------------------- middleware
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
        resp = JSONResponse({"detail": f"Request body over the limit of {self.limit} bytes "
                                       f"(essays: at most {MAX_ESSAY_CHARS} characters)."}, status_code=413)
        await send({"type": "http.response.start", "status": 413, "headers": resp.raw_headers})
        await send({"type": "http.response.body", "body": resp.body})


# ----------------------------------------------------------------------------- the app
def create_app() -> FastAPI:
    """Build the FastAPI app: the dashboard page, its static files and the JSON API."""
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
            "(`GET /api` lists them). Bad input gets a 4xx with a readable `detail`; work per "
            "request is bounded."),
    )
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.exception_handler(RealignError)
    async def realign_error(request: Request, exc: RealignError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # ------------------------------------------------------------------ page and its twin
    @app.get("/", response_class=HTMLResponse, tags=["page"],
             summary="The dashboard page",
             description="One page: timeline 1936-1955, alliance/war network, coalition capability, "
                         "state detail and what-if panels. Its JSON twin is `GET /api`.")
    def index() -> HTMLResponse:
        return HTMLResponse((STATIC_DIR / "index.html").read_text(encoding="utf-8"))

    @app.get("/vendor/plotly.min.js", tags=["page"], summary="plotly.js, served from the Python plotly package",
             description="The page's only chart library, read from the installed `plotly` package "
                         "(`plotly/package_data/plotly.min.js`): no CDN, nothing downloaded.",
             responses={200: {"content": {"application/javascript": {}}}, 503: UNAVAILABLE[503]})
    def plotly_js() -> FileResponse:
        try:
            path = Path(str(resources.files("plotly"))) / "package_data" / "plotly.min.js"
        except ModuleNotFoundError:
            raise HTTPException(503, "plotly is not installed: pip install 'realign[web]'.") from None
        if not path.is_file():
            raise HTTPException(503, f"plotly.min.js not found in the plotly package at {path}.")
        return FileResponse(path, media_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api", tags=["page"], summary="JSON twin of the page: what it shows and where from",
             description="The dashboard's range, limits, data sources, and the endpoint behind each panel.",
             responses={200: {"content": {"application/json": {"example": {
                 "name": "realign", "timeline": {"start": "1936-01-01", "end": "1955-12-31"}}}}}})
    def api_index() -> dict:
        from realign.data.store import list_datasets

        return {
            "name": "realign", "version": realign.__version__,
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
            "limits": {"exact_states": MAX_EXACT_STATES, "runs": MAX_RUNS, "essay_chars": MAX_ESSAY_CHARS,
                       "body_bytes": MAX_BODY_BYTES, "history_months": MAX_HISTORY_MONTHS,
                       "scenario_states": MAX_SCENARIO_STATES},
            "datasets": _plain(list_datasets().to_dict(orient="records")),
            "schema": "/openapi.json",
        }

    # ------------------------------------------------------------------ system and history
    @app.get("/api/system", tags=["system"], summary="The state system on one day",
             description="Exactly the JSON of `realign system --date D --format json`: every COW system "
                         "member that day with CINC (yearly), major-power status, wars with sides and "
                         "allies. Dates 1816-01-01..2016-12-31.",
             responses={**ERROR_RESPONSES, 200: {"content": {"application/json": {"example": {
                 "date": "1944-10-01", "states": [{"ccode": 360, "name": "Romania", "cinc": 0.00733,
                                                   "major_power": False, "wars": [{"war": 139, "side": 1}],
                                                   "allies": [2, 200, 365]}]}}}}})
    async def api_system(date: str = Query(..., description="Day, YYYY-MM-DD.", examples=["1944-10-01"])
                         ) -> Response:
        # async on purpose: a snapshot is a few ms of CPU (and cached), a thread hop costs more
        return _json_response(_system_json(_date(date)))

    @app.get("/api/history", tags=["system"], summary="Every dated change after a date, with sources",
             description="The JSON of `realign history --format json` (`after`, `until`, `changes`) plus "
                         "the WWII coalition CINC shares at both ends of the window and notes.",
             responses={**ERROR_RESPONSES, 200: {"content": {"application/json": {"example": {
                 "after": "1943-02-02", "until": "1945-02-02", "changes": [
                     {"date": "1944-09-09", "ccode": 360, "name": "Romania", "kind": "side_change",
                      "counterpart": "World War II (war 139)", "source": "COW Inter-State War v4.0",
                      "verified": True}]}}}}})
    def api_history(
        after: str = Query(..., description="Start of the window (exclusive), YYYY-MM-DD.",
                           examples=["1943-02-02"]),
        months: int = Query(24, ge=1, le=MAX_HISTORY_MONTHS, description="Window length in months.",
                            examples=[24]),
        states: str | None = Query(None, description="Comma-separated ccodes or names to keep.",
                                   examples=["360,Hungary"]),
    ) -> dict:
        from realign.system.history import history

        d = _date(after, name="after")
        h = history(d, months, states=_split(states) or None)
        out = h.to_dict()
        out["shares_before"] = {_side_label(k): _plain(v) for k, v in h.shares_before.items()}
        out["shares_after"] = {_side_label(k): _plain(v) for k, v in h.shares_after.items()}
        out["notes"] = list(h.notes)
        return out

    # ------------------------------------------------------------------ dashboard panels
    @app.get("/api/network", tags=["dashboard"], summary="Alliance/war network on one day, seeded layout",
             description="Nodes (states) with CINC, WWII side that day (allies / axis / neutral = not at war "
                         "in WWII) and a position from a seeded spring layout computed once for every state "
                         "of 1936-1955, so nodes stay put as the date moves. Edges are signed: +1 alliance or "
                         "same war side, -1 opposite sides of a war in progress.",
             responses={**ERROR_RESPONSES, 200: {"content": {"application/json": {"example": {
                 "date": "1942-11-19", "nodes": [{"ccode": 360, "name": "Romania", "stateabb": "RUM",
                                                  "cinc": 0.0075, "major_power": False, "side": "axis",
                                                  "wars": [139], "x": 0.31, "y": -0.12}],
                 "edges": [{"source": 255, "target": 360, "sign": 1, "kinds": ["war 139:same side"]}]}}}}})
    def api_network(date: str = Query(..., description="Day, YYYY-MM-DD.", examples=["1942-11-19"])
                    ) -> Response:
        return _json_response(_network_json(_date(date)))

    @app.get("/api/capability", tags=["dashboard"], summary="WWII coalition CINC shares over time",
             description="Share of the system's total CINC held by each WWII side (war 139) on the 1st of "
                         "each month (`freq=month`) or on 1 July of each year (`freq=year`). CINC is yearly "
                         "(COW NMC v7.0); sides change by day (COW war participation). `null` = not covered.",
             responses={**ERROR_RESPONSES, 200: {"content": {"application/json": {"example": {
                 "start": 1936, "end": 1955, "freq": "month",
                 "series": [{"date": "1942-11-01", "allies": 0.55, "axis": 0.3, "not_at_war": 0.15}]}}}}})
    def api_capability(
        start: int = Query(DASHBOARD_START.year, ge=1816, le=2016, description="First year.", examples=[1936]),
        end: int = Query(DASHBOARD_END.year, ge=1816, le=2016, description="Last year.", examples=[1955]),
        freq: Literal["month", "year"] = Query("month", description="Sampling: month or year."),
    ) -> dict:
        if end < start:
            raise HTTPException(422, f"The 'end' year ({end}) must not be before 'start' ({start}).")
        if freq == "month" and end - start + 1 > MAX_MONTHLY_YEARS:
            raise HTTPException(422, f"Monthly series are limited to {MAX_MONTHLY_YEARS} years per request; "
                                     "use freq=year for longer spans.")
        return {"start": start, "end": end, "freq": freq, "war": WWII,
                "sides": {"allies": 1, "axis": 2},
                "series": capability(start, end, freq),
                "source": "CINC shares: COW National Material Capabilities v7.0 (yearly, Singer, Bremer & "
                          "Stuckey 1972); sides: COW Inter-State War v4.0 participation spells (day)."}

    @app.get("/api/state/{ccode}", tags=["dashboard"], response_model=None,
             summary="One state on one day, with sources",
             description="Detail panel: CINC and its components, major-power status, wars and sides, "
                         "allies with alliance kinds, and every recorded change for the state 1936-1955 "
                         "(from `history`) with its source. `ccode` may also be a name (resolved on the day).",
             responses={**ERROR_RESPONSES, 200: {"content": {"application/json": {"example": {
                 "date": "1944-09-15", "ccode": 360, "name": "Romania", "stateabb": "ROM", "cinc": 0.0082,
                 "cinc_year": 1944, "major_power": False, "wwii_side": "allies",
                 "wars": [{"war": 139, "war_name": "World War II", "side": 1, "side_label": "allies",
                           "start": "1944-09-09", "end": "1945-05-07"}],
                 "allies": [{"ccode": 640, "name": "Turkey", "kinds": ["neutral", "nonagg"],
                             "source": "ATOP 5.1 (year)"}],
                 "events": [{"date": "1944-09-09", "ccode": 360, "name": "Romania", "kind": "side_change",
                             "counterpart": "World War II (war 139)", "source": "COW Inter-State War v4.0",
                             "verified": True}],
                 "sources": [{"dataset": "nmc", "title": "COW National Material Capabilities",
                              "version": "7.0", "unit": "state-year"}]}}}},
                        404: {"description": "Not a system member on that day.",
                                                 "content": {"application/json": {"example": {
                                                     "detail": "Austria (305) is not a COW system member "
                                                               "on 1940-01-01."}}}}})
    def api_state(
        ccode: str = PathParam(..., description="COW state code or name.", examples=["360"]),
        date: str = Query(..., description="Day, YYYY-MM-DD.", examples=["1944-09-15"]),
    ) -> Any:
        from realign.data.names import resolve, state_name

        d = _date(date)
        code = int(ccode) if ccode.strip().lstrip("-").isdigit() else resolve(ccode, d)
        state_name(code)  # unknown codes: 422
        status, payload = _state_json(code, d)
        return Response(content=payload, status_code=status, media_type="application/json")

    # ------------------------------------------------------------------ events, landscape, what-if
    @app.get("/api/events", tags=["what-if"], summary="Catalogue of battles that can be flipped",
             description="Every catalogue event (slug, name, dates, sides, outcome, sources).",
             responses={**UNAVAILABLE, 200: {"content": {"application/json": {"example": {"events": [
                 {"slug": "stalingrad", "name": "Battle of Stalingrad", "start": "1942-08-23",
                  "end": "1943-02-02"}]}}}}})
    def api_events() -> dict:
        list_events = _optional("realign.events.catalogue", "list_events", "The event catalogue is")
        load_event = _optional("realign.events.catalogue", "load_event", "The event catalogue is")
        out = []
        for slug in list_events():
            ev = load_event(slug)
            d = _plain(ev.to_dict()) if hasattr(ev, "to_dict") else {}
            d.update({"slug": ev.slug, "name": ev.name, "start": _plain(ev.start), "end": _plain(ev.end)})
            out.append(d)
        return {"events": out}

    @app.get("/api/landscape", tags=["models"], summary="Energy landscape minima for a day and a state set",
             description=f"Exact (or heuristic) minima of the alignment energy landscape (Axelrod & Bennett "
                         f"1993) for the chosen states on a day. At most {MAX_EXACT_STATES} states per "
                         "request (an exact solve is exponential); default: the 12 states with the largest "
                         "CINC that day.",
             responses={**ERROR_RESPONSES, **UNAVAILABLE, 200: {"content": {"application/json": {"example": {
                 "date": "1942-11-19", "states": [2, 200, 255], "exact": True,
                 "minima": [{"energy": -1.2, "coalitions": [[2, 200], [255]], "basin": 0.6}]}}}}})
    def api_landscape(
        date: str = Query(..., description="Day, YYYY-MM-DD.", examples=["1942-11-19"]),
        states: str | None = Query(None, description=f"Comma-separated ccodes or names (at most "
                                   f"{MAX_EXACT_STATES}).", examples=["2,200,255,325,365,740"]),
        k: int = Query(2, ge=2, le=4, description="Number of coalitions.", examples=[2]),
        seed: int = Query(0, ge=0, description="Seed of the solver.", examples=[0]),
    ) -> dict:
        d = _date(date)
        items = _split(states)
        if len(items) > MAX_EXACT_STATES:
            raise HTTPException(422, f"Too many states for an exact solve within the request budget: "
                                     f"{len(items)} given, at most {MAX_EXACT_STATES}.")
        if items:
            codes = _resolve_states(items, d)
        else:
            st = _system(d).states.dropna(subset=["cinc"]).sort_values("cinc", ascending=False)
            codes = st["ccode"].astype(int).head(12).tolist()
        if len(codes) < 2:
            raise HTTPException(422, "A landscape needs at least 2 states.")
        inputs = _optional("realign.models.propensity", "landscape_inputs_for_date", "Landscape inputs are")
        landscape_cls = _optional("realign.models.landscape", "Landscape", "The landscape model is")
        sizes, propensity, ids = inputs(d.isoformat(), codes)
        model = landscape_cls(k=k, solver="auto", seed=seed).fit(sizes, propensity, ids=ids)
        return {"date": d.isoformat(), "states": [int(i) for i in ids], "k": k, "seed": seed,
                "exact": _plain(getattr(model, "exact_", None)), "minima": _plain(list(model.minima_))}

    def _check_runs(runs: int) -> None:
        if runs > MAX_RUNS:
            raise HTTPException(422, f"runs={runs} is over the per-request budget (at most {MAX_RUNS} runs "
                                     "per request).")

    def _event_slug(event: str) -> str:
        load_event = _optional("realign.events.catalogue", "load_event", "The event catalogue is")
        try:
            return load_event(event).slug
        except RealignError as exc:
            raise HTTPException(404, str(exc)) from None

    ensemble_slots = threading.BoundedSemaphore(MAX_CONCURRENT_ENSEMBLES)

    @lru_cache(maxsize=32)
    def _consequences_cached(slug: str, runs: int, seed: int) -> dict:
        fn = _optional("realign.consequences", "consequences", "Consequences are")
        if not ensemble_slots.acquire(timeout=ENSEMBLE_WAIT_S):
            raise HTTPException(503, f"The server is busy with {MAX_CONCURRENT_ENSEMBLES} ensemble runs; "
                                     "try again in a minute.")
        try:
            return _plain(fn(slug, runs=runs, seed=seed))
        finally:
            ensemble_slots.release()

    def _consequences(slug: str, runs: int, seed: int) -> dict:
        # errors (503 missing stage or busy, 422 bad input) are raised, so never cached
        return _consequences_cached(slug, runs, seed)

    @app.get("/api/consequences/{event}", tags=["what-if"], summary="Consequences of a catalogue event",
             description=f"Factual vs counterfactual (reversed outcome) ensembles: P(side) per state and "
                         f"month, the historical record, metrics and manifest. At most {MAX_RUNS} runs per "
                         "request; results are cached per (event, runs, seed).",
             responses={**ERROR_RESPONSES, **UNAVAILABLE, 404: {"description": "Unknown event."},
                        200: {"content": {"application/json": {"example": {
                            "event": "stalingrad", "historical": {"changes": []},
                            "factual": {"p_side": {"360": {"1944-10": {"allies": 0.7, "axis": 0.2,
                                                                       "neutral": 0.1}}}},
                            "counterfactual": {"p_side": {"360": {"1944-10": {"allies": 0.1, "axis": 0.85,
                                                                              "neutral": 0.05}}}},
                            "metrics": {}, "manifest": {}}}}}})
    def api_consequences(
        event: str = PathParam(..., description="Catalogue event slug or name.", examples=["stalingrad"]),
        runs: int = Query(200, ge=1, description=f"Ensemble runs (at most {MAX_RUNS}).", examples=[200]),
        seed: int = Query(0, ge=0, description="Seed of the ensemble.", examples=[0]),
    ) -> dict:
        _check_runs(runs)
        return _consequences(_event_slug(event), runs, seed)

    @app.post("/api/scenario", tags=["what-if"], summary="What-if: flip a battle, P(side) vs history",
              description=f"Runs (or reuses) the factual and reversed-outcome ensembles of a catalogue event "
                          f"and returns, per state and month, P(allies/axis/neutral) in both and the side the "
                          f"state actually held (COW war participation, mid-month). Bounded: at most "
                          f"{MAX_RUNS} runs and {MAX_SCENARIO_STATES} states per request.",
              responses={**ERROR_RESPONSES, **UNAVAILABLE, 404: {"description": "Unknown event."},
                         413: {"description": "Body too large."},
                         200: {"content": {"application/json": {"example": {
                             "event": "stalingrad", "runs": 200, "seed": 0, "months": ["1944-10"],
                             "states": [{"ccode": 360, "name": "Romania", "months": {"1944-10": {
                                 "factual": {"allies": 0.7, "axis": 0.2, "neutral": 0.1},
                                 "counterfactual": {"allies": 0.1, "axis": 0.85, "neutral": 0.05},
                                 "history": "allies"}}}]}}}}})
    def api_scenario(req: ScenarioRequest) -> dict:
        _check_runs(req.runs)
        from realign.data.names import state_name

        slug = _event_slug(req.event)
        res = _consequences(slug, req.runs, req.seed)
        fact = (res.get("factual") or {}).get("p_side") or {}
        cf = (res.get("counterfactual") or {}).get("p_side") or {}
        codes = sorted({int(c) for c in [*fact, *cf]})
        if req.states:
            try:
                ev = _optional("realign.events.catalogue", "load_event", "The event catalogue is")(slug)
                ref = ev.start
            except HTTPException:
                ref = dt.date(1942, 11, 19)
            wanted = _resolve_states(req.states, ref)
            codes = [c for c in wanted if c in set(codes)]
        all_months = sorted({m for p in (fact, cf) for per in p.values() for m in per})
        if req.months:
            for m in req.months:
                _date(f"{m}-01", name="months")
            all_months = [m for m in all_months if m in set(req.months)]
        hist_side: dict[str, dict[int, int]] = {}
        for m in all_months:
            try:
                hist_side[m] = _system(_date(f"{m}-15", name="months")).war_sides(WWII)
            except RealignError:
                hist_side[m] = {}
        out_states = []
        for c in codes:
            per = {}
            for m in all_months:
                per[m] = {"factual": fact.get(str(c), {}).get(m), "counterfactual": cf.get(str(c), {}).get(m),
                          "history": _side_label(hist_side[m].get(c))}
            try:
                nm = state_name(c)
            except RealignError:
                nm = str(c)
            out_states.append({"ccode": c, "name": nm, "months": per})
        return {"event": slug, "runs": req.runs, "seed": req.seed, "months": all_months,
                "states": out_states, "metrics": res.get("metrics", {}), "manifest": res.get("manifest", {}),
                "history_note": "history = WWII side held on the 15th of the month (COW Inter-State War v4.0)."}

    @app.post("/api/essay", tags=["essay"], summary="Check an essay's claims against the data",
              description=f"Splits the text into sentences and checks each claim (states, period, kind) "
                          f"against the record, with a verdict, confidence and evidence. At most "
                          f"{MAX_ESSAY_CHARS} characters (422) and {MAX_BODY_BYTES} bytes of body (413).",
              responses={**ERROR_RESPONSES, **UNAVAILABLE, 413: {"description": "Body too large."},
                         200: {"content": {"application/json": {"example": {
                             "event": "stalingrad", "sentences": [{
                                 "index": 0, "text": "Romania switched to the Allies in September 1944.",
                                 "states": [360], "period": ["1944-09-01", "1944-09-30"], "kind": "side_change",
                                 "verdict": "supported", "confidence": 0.9, "evidence": []}]}}}}})
    def api_essay(req: EssayRequest) -> dict:
        check = _optional("realign.essay", "check_essay", "Essay checking is")
        return _plain(check(req.text, event=req.event))

    return app


app = create_app()
