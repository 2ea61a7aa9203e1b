"""What-if routes: ``/api/events``, ``/api/landscape``, ``/api/consequences/{event}``, ``POST /api/scenario``.

Landscapes and ensembles are heavy: they run through :class:`realign.web.common.Heavy` (their own
threads, a bounded number at once), never on the thread pool of the light reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, Field

import realign.consequences as consequences_stage
from realign.errors import InvalidParameterError, RealignError
from realign.web.common import (
    BODY_RESPONSES,
    BUSY,
    ERROR_RESPONSES,
    MAX_EXACT_STATES,
    MAX_RUNS,
    MAX_SCENARIO_STATES,
    Heavy,
    ResultCache,
    date_query,
    dumps,
    json_response,
    parse_day,
    split_list,
)

UNKNOWN_EVENT = {
    404: {
        "description": "Unknown event.",
        "content": {"application/json": {"example": {"detail": "Unknown event 'battle-of-narnia'."}}},
    }
}


class ScenarioRequest(BaseModel):
    """A what-if run: the catalogue event, factual vs reversed outcome, bounded ensemble size."""

    event: str = Field(..., description="Catalogue event slug or name (see GET /api/events).", examples=["stalingrad"])
    runs: int = Field(200, ge=1, description=f"Ensemble runs (at most {MAX_RUNS} per request).", examples=[200])
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed of the ensemble (same seed, same result).", examples=[0])
    states: list[int | str] | None = Field(
        None,
        max_length=MAX_SCENARIO_STATES,
        description=f"ccodes or names to report (default: every state the model reports; "
        f"at most {MAX_SCENARIO_STATES}).",
        examples=[[360, 310, 375, 640]],
    )
    months: list[str] | None = Field(
        None, max_length=240, description="Months YYYY-MM to report (default: all).", examples=[["1943-06", "1944-10"]]
    )


def _event(event: str):
    from realign.events.catalogue import load_event

    try:
        return load_event(event)
    except RealignError as exc:
        raise HTTPException(404, str(exc)) from None


def _landscape(d, codes: list[int], k: int, seed: int) -> dict:
    from realign.models.landscape import Landscape
    from realign.models.propensity import landscape_inputs_for_date

    sizes, propensity, ids = landscape_inputs_for_date(d.isoformat(), codes)
    model = Landscape(k=k, solver="auto", seed=seed).fit(sizes, propensity, ids=ids)
    return {
        "date": d.isoformat(),
        "states": [int(i) for i in ids],
        "k": k,
        "seed": seed,
        "exact": getattr(model, "exact_", None),
        "minima": list(model.minima_),
    }


def _plain_result(obj) -> dict:
    """A consequences result as plain JSON data (objects with ``to_dict``, dataclasses, numpy)."""
    import orjson

    if dataclasses.is_dataclass(obj) and not hasattr(obj, "to_dict"):
        obj = dataclasses.asdict(obj)
    return orjson.loads(dumps(obj))


def _api_events(router: APIRouter) -> None:
    """``GET /api/events``."""

    @router.get(
        "/api/events",
        tags=["what-if"],
        summary="Catalogue of battles that can be flipped",
        description="Every catalogue event (slug, name, dates, sides, outcome, sources).",
        responses={
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "events": [
                                {
                                    "slug": "stalingrad",
                                    "name": "Battle of Stalingrad",
                                    "start": "1942-08-23",
                                    "end": "1943-02-02",
                                }
                            ]
                        }
                    }
                }
            }
        },
    )
    def api_events() -> Response:
        from realign.events.catalogue import list_events, load_event

        out = []
        for slug in list_events():
            ev = load_event(slug)
            d = ev.to_dict()
            d.update({"slug": ev.slug, "name": ev.name, "start": ev.start.isoformat(), "end": ev.end.isoformat()})
            out.append(d)
        return json_response({"events": out})


def _api_landscape(router: APIRouter, heavy: Heavy) -> None:
    """``GET /api/landscape``."""

    @router.get(
        "/api/landscape",
        tags=["models"],
        summary="Energy landscape minima for a day and a state set",
        description=f"Exact (or heuristic) minima of the alignment energy landscape (Axelrod & Bennett "
        f"1993) for the chosen states on a day. At most {MAX_EXACT_STATES} states per "
        "request (an exact solve is exponential); default: the 12 states with the largest "
        "CINC that day.",
        responses={
            **ERROR_RESPONSES,
            **BUSY,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "date": "1942-11-19",
                            "states": [2, 200, 255],
                            "exact": True,
                            "minima": [{"energy": -1.2, "coalitions": [[2, 200], [255]], "basin": 0.6}],
                        }
                    }
                }
            },
        },
    )
    async def api_landscape(
        date: str = date_query("Day,", "1942-11-19"),
        states: str | None = Query(
            None,
            description=f"Comma-separated ccodes or names (at most {MAX_EXACT_STATES}).",
            examples=["2,200,255,325,365,740"],
        ),
        k: int = Query(2, ge=2, le=4, description="Number of coalitions.", examples=[2]),
        seed: int = Query(0, ge=0, le=2**32 - 1, description="Seed of the solver.", examples=[0]),
    ) -> Response:
        from realign.data.names import resolve_states
        from realign.system.dashboard import landscape_defaults

        d = parse_day(date)
        items = split_list(states)
        if items is not None and len(items) > MAX_EXACT_STATES:
            raise InvalidParameterError(
                f"Too many states for an exact solve within the request budget: "
                f"{len(items)} given, at most {MAX_EXACT_STATES}."
            )
        codes = resolve_states(items, d, members_only=True) if items is not None else landscape_defaults(d)
        if len(codes) < 2:
            raise InvalidParameterError("A landscape needs at least 2 states.")
        return json_response(await heavy.run(_landscape, d, codes, k, seed))


def _api_consequences(router: APIRouter, cached_consequences: Callable[[str, int, int], Awaitable[dict]]) -> None:
    """``GET /api/consequences/{event}``."""

    @router.get(
        "/api/consequences/{event}",
        tags=["what-if"],
        summary="Consequences of a catalogue event",
        description=f"Factual vs counterfactual (reversed outcome) ensembles: P(side) per state and "
        f"month, the historical record, metrics and manifest. At most {MAX_RUNS} runs per "
        "request; results are cached per (event, runs, seed).",
        responses={
            **ERROR_RESPONSES,
            **BUSY,
            **UNKNOWN_EVENT,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "event": "stalingrad",
                            "historical": {"changes": []},
                            "factual": {"p_side": {"360": {"1944-10": {"allies": 0.7, "axis": 0.2, "neutral": 0.1}}}},
                            "counterfactual": {
                                "p_side": {"360": {"1944-10": {"allies": 0.1, "axis": 0.85, "neutral": 0.05}}}
                            },
                            "metrics": {},
                            "manifest": {},
                        }
                    }
                }
            },
        },
    )
    async def api_consequences(
        event: str = PathParam(..., description="Catalogue event slug or name.", examples=["stalingrad"]),
        runs: int = Query(200, ge=1, description=f"Ensemble runs (at most {MAX_RUNS}).", examples=[200]),
        seed: int = Query(0, ge=0, le=2**63 - 1, description="Seed of the ensemble.", examples=[0]),
    ) -> Response:
        _check_runs(runs)
        return json_response(await cached_consequences(_event(event).slug, runs, seed))


def _api_scenario(router: APIRouter, cached_consequences: Callable[[str, int, int], Awaitable[dict]]) -> None:
    """``POST /api/scenario``."""

    @router.post(
        "/api/scenario",
        tags=["what-if"],
        summary="What-if: flip a battle, P(side) vs history",
        description=f"Runs (or reuses) the factual and reversed-outcome ensembles of a catalogue event "
        f"and returns, per state and month, P(allies/axis/neutral) in both and the side the "
        f"state actually held (COW war participation, mid-month). Bounded: at most "
        f"{MAX_RUNS} runs and {MAX_SCENARIO_STATES} states per request.",
        responses={
            **ERROR_RESPONSES,
            **BUSY,
            **UNKNOWN_EVENT,
            **BODY_RESPONSES,
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "event": "stalingrad",
                            "runs": 200,
                            "seed": 0,
                            "months": ["1944-10"],
                            "states": [
                                {
                                    "ccode": 360,
                                    "name": "Romania",
                                    "months": {
                                        "1944-10": {
                                            "factual": {"allies": 0.7, "axis": 0.2, "neutral": 0.1},
                                            "counterfactual": {"allies": 0.1, "axis": 0.85, "neutral": 0.05},
                                            "history": "allies",
                                        }
                                    },
                                }
                            ],
                        }
                    }
                }
            },
        },
    )
    async def api_scenario(req: ScenarioRequest) -> Response:
        from realign.simulation.whatif import scenario_table

        _check_runs(req.runs)
        ev = _event(req.event)
        res = await cached_consequences(ev.slug, req.runs, req.seed)
        table = scenario_table(
            res, event=ev.slug, runs=req.runs, seed=req.seed, states=req.states, months=req.months, ref_date=ev.start
        )
        return json_response(table.to_dict())


def build(heavy: Heavy) -> APIRouter:
    """What-if routes; ``heavy`` bounds their ensembles and solves."""
    router = APIRouter()
    results = ResultCache(32)

    def run_consequences(slug: str, runs: int, seed: int) -> dict:
        return _plain_result(consequences_stage.consequences(slug, runs=runs, seed=seed))

    async def cached_consequences(slug: str, runs: int, seed: int) -> dict:
        key = (slug, runs, seed)
        hit = results.get(key)
        if hit is None:
            hit = await heavy.run(run_consequences, slug, runs, seed)
            results.put(key, hit)
        return hit

    _api_events(router)
    _api_landscape(router, heavy)
    _api_consequences(router, cached_consequences)
    _api_scenario(router, cached_consequences)
    return router


def _check_runs(runs: int) -> None:
    if runs > MAX_RUNS:
        raise InvalidParameterError(
            f"runs={runs} is over the per-request budget (at most {MAX_RUNS} runs per request)."
        )
