"""The JSON API's documentation and serving contract: OpenAPI, examples, README, pools, cancellation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from webapi_helpers import _api_routes, _detail, _fake_consequences  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------- docs cannot drift
def test_every_route_is_documented_in_openapi(app, client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    routes = [r for r in _api_routes(app.routes) if r.include_in_schema]
    assert len(routes) >= 13
    for r in routes:
        fmt = r.path_format
        assert fmt in paths, f"{fmt} missing from /openapi.json"
        for method in r.methods:
            op = paths[fmt][method.lower()]
            assert op.get("description", "").strip(), f"{method} {fmt} has no description"
            assert op.get("summary", "").strip(), f"{method} {fmt} has no summary"
            for p in op.get("parameters", []):
                assert p.get("description"), f"{method} {fmt} parameter {p['name']} undocumented"
    for needed in (
        "/api/system",
        "/api/history",
        "/api/landscape",
        "/api/consequences/{event}",
        "/api/scenario",
        "/api/essay",
        "/api/events",
        "/api/network",
        "/api/capability",
        "/api/state/{ccode}",
        "/",
    ):
        assert needed in paths


def test_every_api_endpoint_has_an_example(app, client):
    paths = client.get("/openapi.json").json()["paths"]
    for path, ops in paths.items():
        if not path.startswith("/api"):
            continue
        for method, op in ops.items():
            ok = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
            assert "example" in ok or "examples" in ok, f"{method.upper()} {path} has no 200 example"
            for p in op.get("parameters", []):
                assert (
                    p.get("example") is not None
                    or p.get("examples")
                    or p["schema"].get("examples")
                    or p["schema"].get("default") is not None
                    or p["schema"].get("enum")
                    or any("enum" in x for x in p["schema"].get("anyOf", []))
                ), f"{method.upper()} {path} parameter {p['name']} has no example"


def test_every_route_is_in_the_readme_section(app):
    doc = (REPO / "docs" / "web.md").read_text(encoding="utf-8")
    for r in _api_routes(app.routes):
        if r.include_in_schema:
            for method in r.methods:
                pat = rf"`{method} {re.escape(r.path_format)}[`?]"
                assert re.search(pat, doc), f"{method} {r.path_format} not in docs/web.md"


def test_serve_command_defaults_to_localhost():
    from typer.testing import CliRunner

    from realign.cli.main import app as cli

    res = CliRunner().invoke(cli, ["serve", "--help"])
    assert res.exit_code == 0
    assert "127.0.0.1" in res.output and "8000" in res.output


# ----------------------------------------------------------------------------- issue 12 regressions
@pytest.mark.parametrize(
    "url",
    [
        "/api/state/²?date=1942-01-01",
        "/api/state/--5?date=1942-01-01",
        "/api/state/-1?date=1942-01-01",
        "/api/landscape?date=1942-01-01&states=2,--5",
        "/api/landscape?date=1942-01-01&states=2,²",
        "/api/landscape?date=1942-11-19&states=2,2,200",
        "/api/landscape?date=1942-11-19&states=,,,",
        "/api/history?after=1943-02-02&states=,,,",
    ],
)
def test_state_lists_use_the_library_resolver(client, url):
    """The web app has no state parser of its own: odd codes are the resolver's 422, never a 500."""
    r = client.get(url)
    assert r.status_code == 422, r.text
    _detail(r)


def test_date_parameters_have_a_format_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path, name in (
        ("/api/system", "date"),
        ("/api/history", "after"),
        ("/api/network", "date"),
        ("/api/state/{ccode}", "date"),
        ("/api/landscape", "date"),
    ):
        p = next(p for p in paths[path]["get"]["parameters"] if p["name"] == name)
        assert p["schema"].get("format") == "date", (path, p)


def test_post_endpoints_document_400_413_422(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/scenario", "/api/essay"):
        assert {"400", "413", "422"} <= set(paths[path]["post"]["responses"]), path


def test_heavy_pool_bounds_waiting_requests():
    import anyio

    from realign.web.common import Heavy

    heavy = Heavy(slots=1, queue=2)
    statuses: list[int] = []

    async def one(delay: float) -> None:
        from fastapi import HTTPException

        try:
            await heavy.run(__import__("time").sleep, delay)
            statuses.append(200)
        except HTTPException as exc:
            statuses.append(exc.status_code)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(one, 0.05)

    anyio.run(main)
    assert sorted(statuses) == [200, 200, 503, 503]


def test_scenario_table_is_a_library_function():
    from realign.simulation.whatif import scenario_table

    t = scenario_table(
        _fake_consequences("stalingrad", runs=3, seed=1),
        event="stalingrad",
        runs=3,
        seed=1,
        states=["Romania"],
        months=["1944-10"],
    )
    d = t.to_dict()
    assert [s["ccode"] for s in d["states"]] == [360]
    assert d["states"][0]["months"]["1944-10"]["history"] == "allies"
    with pytest.raises(ValueError, match="Malformed date"):
        scenario_table(_fake_consequences("stalingrad"), event="stalingrad", runs=3, seed=1, months=["1944/10"])


def test_essay_check_is_stopped_when_the_client_leaves():
    """The check runs in a child process that is killed once the client has gone (or time is up)."""
    import anyio

    from realign.web.routes.essay import check_in_child

    class Gone:
        async def is_disconnected(self) -> bool:
            return True

    text = "Romania joined the Allies in September 1944. " * 2000
    status, _ = anyio.run(lambda: check_in_child(text, None, Gone()))  # type: ignore[arg-type]
    assert status == 499
    status, msg = anyio.run(lambda: check_in_child(text, None, None, 0.0))
    assert status == 503 and "stopped" in msg
    status, body = anyio.run(lambda: check_in_child("Romania joined the Allies in September 1944.", "stalingrad"))
    assert status == 200 and json.loads(body)["sentences"]


def test_json_bodies_handle_library_types():
    import datetime as dt

    import numpy as np
    import pandas as pd

    from realign.web.common import dumps

    body = json.loads(
        dumps(
            {
                1: float("nan"),
                "n": np.int64(3),
                "d": dt.date(1944, 9, 9),
                "a": np.array([1.0, np.nan]),
                "t": pd.Timestamp("1944-09-09"),
                "nat": pd.NaT,
                "s": {2},
            }
        )
    )
    assert body == {"1": None, "n": 3, "d": "1944-09-09", "a": [1.0, None], "t": "1944-09-09", "nat": None, "s": [2]}
