"""The JSON API in-process (FastAPI TestClient): contract, real facts, bad input -> 4xx."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from webapi_helpers import _detail, _fake_consequences  # noqa: E402

from realign.web.app import MAX_ESSAY_CHARS, MAX_EXACT_STATES, MAX_RUNS  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------- system
def test_system_is_the_library_contract(client):
    from realign.system.snapshot import System

    r = client.get("/api/system", params={"date": "1944-10-01"})
    assert r.status_code == 200
    body = r.json()
    assert body == json.loads(json.dumps(System.at("1944-10-01").to_dict()))
    romania = next(s for s in body["states"] if s["ccode"] == 360)
    assert {"war": 139, "side": 1} in romania["wars"]


def test_system_same_json_as_cli(client):
    from typer.testing import CliRunner

    from realign.cli.main import app as cli

    res = CliRunner().invoke(cli, ["system", "--date", "1944-10-01", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == client.get("/api/system?date=1944-10-01").json()


def test_romania_axis_before_switch(client):
    body = client.get("/api/system?date=1944-08-01").json()
    romania = next(s for s in body["states"] if s["ccode"] == 360)
    assert {"war": 139, "side": 2} in romania["wars"]


@pytest.mark.parametrize(
    "bad", ["1999-13-01", "1944-02-30", "abc", "1944/10/01", "1700-01-01", "2100-01-01", "", "19441001"]
)
def test_system_bad_date_is_422_with_message(client, bad):
    r = client.get("/api/system", params={"date": bad})
    assert r.status_code == 422
    text = _detail(r)
    assert bad in text or "date" in text.lower()


def test_system_missing_date_is_422(client):
    r = client.get("/api/system")
    assert r.status_code == 422
    _detail(r)


# ----------------------------------------------------------------------------- page and twin
def test_page_is_self_contained(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    for needed in (
        'id="slider"',
        'id="date-input"',
        'id="network"',
        'id="capability"',
        'id="detail"',
        'id="event-select"',
        'href="/api"',
    ):
        assert needed in html
    # no CDN, no external fonts: every script/style/link is served by the app itself
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all(not re.match(r"^(https?:)?//", u) for u in refs), refs
    for path in ("/static/app.js", "/static/app.css"):
        assert client.get(path).status_code == 200
    css = client.get("/static/app.css").text
    assert "@import" not in css and "url(http" not in css and "@media" in css


def test_plotly_is_served_from_the_python_package(client):
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200
    assert "javascript" in r.headers["content-type"]
    assert len(r.content) > 1_000_000 and b"plotly" in r.content[:500].lower()


def test_api_index_is_the_pages_json_twin(client):
    body = client.get("/api").json()
    assert body["timeline"] == {"start": "1936-01-01", "end": "1955-12-31"}
    assert body["limits"]["exact_states"] == MAX_EXACT_STATES
    assert body["limits"]["runs"] == MAX_RUNS
    assert {d["name"] for d in body["datasets"]} >= {"nmc", "atop", "states"}
    for url in body["panels"].values():
        if url.startswith("/api/") and "{" not in url:
            assert client.get(url).status_code == 200, url


# ----------------------------------------------------------------------------- history
def test_history_romania_side_change(client):
    r = client.get("/api/history", params={"after": "1943-02-02", "months": 24, "states": "360"})
    assert r.status_code == 200
    body = r.json()
    assert body["after"] == "1943-02-02" and body["until"] == "1945-02-02"
    sc = [c for c in body["changes"] if c["kind"] == "side_change"]
    assert "1944-09-09" in {c["date"] for c in sc} and all(c["source"] for c in sc)
    assert {c["ccode"] for c in body["changes"]} == {360}
    assert body["shares_before"]["allies"] > body["shares_before"]["axis"]


def test_history_contract_keys_match_library(client):
    from realign.system.history import history

    body = client.get("/api/history?after=1943-02-02&months=6").json()
    lib = history("1943-02-02", 6).to_dict()
    assert {k: body[k] for k in lib} == json.loads(json.dumps(lib))


@pytest.mark.parametrize(
    "params",
    [
        {"after": "1943-02-30"},
        {"after": "1943-02-02", "months": 0},
        {"after": "1943-02-02", "months": 100000},
        {"after": "1943-02-02", "states": "Narnia"},
        {},
    ],
)
def test_history_bad_input(client, params):
    r = client.get("/api/history", params=params)
    assert r.status_code == 422
    _detail(r)


# ----------------------------------------------------------------------------- network
def _node(body, ccode):
    return next(n for n in body["nodes"] if n["ccode"] == ccode)


def test_network_romania_changes_side_and_layout_is_stable(client):
    a = client.get("/api/network?date=1944-08-01").json()
    b = client.get("/api/network?date=1944-09-15").json()
    assert _node(a, 360)["side"] == "axis"
    assert _node(b, 360)["side"] == "allies"
    assert _node(b, 2)["side"] == "allies" and _node(b, 255)["side"] == "axis"
    assert _node(a, 640)["side"] == "neutral"  # Turkey: not at war in August 1944
    for c in (2, 200, 255, 360, 365):
        assert (_node(a, c)["x"], _node(a, c)["y"]) == (_node(b, c)["x"], _node(b, c)["y"])
    signs = {e["sign"] for e in b["edges"]}
    assert signs == {1, -1}
    ro_ge = [e for e in b["edges"] if {e["source"], e["target"]} == {255, 360}]
    assert ro_ge and ro_ge[0]["sign"] == -1
    assert _node(b, 2)["cinc"] > _node(b, 360)["cinc"] > 0
    assert b["layout"]["seed"] is not None and b["source"]


def test_network_layout_same_across_years(client):
    a = client.get("/api/network?date=1937-01-01").json()
    b = client.get("/api/network?date=1953-06-01").json()
    for c in {n["ccode"] for n in a["nodes"]} & {n["ccode"] for n in b["nodes"]}:
        assert (_node(a, c)["x"], _node(a, c)["y"]) == (_node(b, c)["x"], _node(b, c)["y"])


@pytest.mark.parametrize("bad", ["1999-13-01", "nope", "1815-12-31"])
def test_network_bad_date(client, bad):
    r = client.get("/api/network", params={"date": bad})
    assert r.status_code == 422
    _detail(r)


# ----------------------------------------------------------------------------- capability
def test_capability_monthly(client):
    body = client.get("/api/capability?start=1936&end=1955").json()
    s = body["series"]
    assert len(s) == 240 and s[0]["date"] == "1936-01-01" and s[-1]["date"] == "1955-12-01"
    at = {p["date"]: p for p in s}
    assert at["1938-01-01"]["allies"] == 0 and at["1938-01-01"]["axis"] == 0
    assert at["1944-01-01"]["allies"] > at["1944-01-01"]["axis"] > 0
    assert at["1942-01-01"]["allies"] > at["1941-01-01"]["allies"]  # USSR and USA joined in 1941
    assert "COW" in body["source"] and "National Material Capabilities" in body["source"]


def test_capability_yearly(client):
    body = client.get("/api/capability?start=1900&end=2000&freq=year").json()
    assert len(body["series"]) == 101 and body["series"][0]["date"] == "1900-07-01"


@pytest.mark.parametrize(
    "params", ["start=1955&end=1936", "start=1700", "end=2100", "start=1816&end=2016", "freq=week", "start=abc"]
)
def test_capability_bad_input(client, params):
    r = client.get("/api/capability?" + params)
    assert r.status_code == 422
    _detail(r)


# ----------------------------------------------------------------------------- state detail
def test_state_detail_romania(client):
    r = client.get("/api/state/360?date=1944-09-15")
    assert r.status_code == 200
    d = r.json()
    assert d["name"] == "Romania" and d["wwii_side"] == "allies" and d["cinc"] > 0
    assert any(w["war"] == 139 and w["side"] == 1 for w in d["wars"])
    sc = [e for e in d["events"] if e["kind"] == "side_change"]
    assert "1944-09-09" in {e["date"] for e in sc} and all(e["source"] for e in sc)
    assert {s["dataset"] for s in d["sources"]} >= {"nmc", "states", "war_participants"}
    before = client.get("/api/state/Romania?date=1944-08-01").json()
    assert before["ccode"] == 360 and before["wwii_side"] == "axis"


def test_state_not_a_member_is_404(client):
    r = client.get("/api/state/305?date=1944-09-15")  # Austria, annexed 1938
    assert r.status_code == 404
    assert "not a COW system member" in _detail(r)


@pytest.mark.parametrize(
    "url",
    [
        "/api/state/9999?date=1944-09-15",
        "/api/state/Narnia?date=1944-09-15",
        "/api/state/360?date=1944-13-01",
        "/api/state/360",
    ],
)
def test_state_bad_input(client, url):
    r = client.get(url)
    assert r.status_code == 422
    _detail(r)


# ----------------------------------------------------------------------------- events
def test_events(client):
    r = client.get("/api/events")
    assert r.status_code == 200
    ev = {e["slug"]: e for e in r.json()["events"]}
    assert ev["stalingrad"]["start"] == "1942-08-23" and ev["stalingrad"]["end"] == "1943-02-02"


# ----------------------------------------------------------------------------- landscape
def test_landscape_too_many_states(client):
    codes = ",".join(
        str(c)
        for c in [
            2,
            20,
            40,
            41,
            42,
            70,
            90,
            91,
            92,
            93,
            94,
            95,
            100,
            101,
            130,
            135,
            140,
            145,
            150,
            155,
            160,
            165,
            200,
            205,
            210,
        ][: MAX_EXACT_STATES + 1]
    )
    r = client.get("/api/landscape", params={"date": "1942-11-19", "states": codes})
    assert r.status_code == 422
    assert "too many states" in _detail(r).lower()


@pytest.mark.parametrize(
    "params",
    [
        {"date": "1942-11-19", "states": "2,Narnia"},
        {"date": "1942-11-19", "states": "2,305"},  # Austria not a member
        {"date": "1942-13-19", "states": "2,255"},
        {"date": "1942-11-19", "states": "2"},
        {"date": "1942-11-19", "states": "2,255", "k": 1},
    ],
)
def test_landscape_bad_input(client, params):
    r = client.get("/api/landscape", params=params)
    assert r.status_code == 422
    _detail(r)


def test_landscape_minima(client):
    r = client.get("/api/landscape", params={"date": "1942-11-19", "states": "2,200,255,325,365,740"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(body["states"]) == [2, 200, 255, 325, 365, 740]
    assert body["minima"] and "energy" in body["minima"][0]
    again = client.get("/api/landscape", params={"date": "1942-11-19", "states": "2,200,255,325,365,740"})
    assert again.json() == body  # seeded: same request, same answer


# ----------------------------------------------------------------------------- consequences / scenario
def test_consequences_runs_over_budget(client):
    r = client.get(f"/api/consequences/stalingrad?runs={MAX_RUNS + 1}")
    assert r.status_code == 422
    assert "budget" in _detail(r)
    assert client.get("/api/consequences/stalingrad?runs=0").status_code == 422
    assert client.get("/api/consequences/stalingrad?seed=-1").status_code == 422


def test_consequences_adapter_with_stand_in(fresh_client, monkeypatch):
    import realign.consequences as pkg

    monkeypatch.setattr(pkg, "consequences", _fake_consequences, raising=False)
    r = fresh_client.get("/api/consequences/Battle of Stalingrad?runs=7&seed=3")
    assert r.status_code == 200
    assert r.json()["event"] == "stalingrad" and r.json()["metrics"] == {"runs": 7, "seed": 3}
    unknown = fresh_client.get("/api/consequences/battle-of-narnia")
    assert unknown.status_code == 404
    _detail(unknown)


def test_scenario_with_stand_in(fresh_client, monkeypatch):
    import realign.consequences as pkg

    monkeypatch.setattr(pkg, "consequences", _fake_consequences, raising=False)
    r = fresh_client.post("/api/scenario", json={"event": "stalingrad", "runs": 20, "seed": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["months"] == ["1943-06", "1944-10"]
    ro = next(s for s in body["states"] if s["ccode"] == 360)
    assert ro["name"] == "Romania"
    assert ro["months"]["1943-06"]["history"] == "axis"
    assert ro["months"]["1944-10"]["history"] == "allies"
    assert ro["months"]["1944-10"]["factual"]["allies"] == 0.7
    assert ro["months"]["1944-10"]["counterfactual"]["axis"] == 0.85
    only = fresh_client.post(
        "/api/scenario",
        json={"event": "stalingrad", "runs": 20, "seed": 1, "states": ["Hungary"], "months": ["1944-10"]},
    ).json()
    assert [s["ccode"] for s in only["states"]] == [310] and only["months"] == ["1944-10"]


@pytest.mark.parametrize(
    "body",
    [
        {"event": "stalingrad", "runs": MAX_RUNS + 1},
        {"event": "stalingrad", "runs": 0},
        {"event": "stalingrad", "states": list(range(81))},
        {"runs": 10},
        {"event": "stalingrad", "runs": "many"},
    ],
)
def test_scenario_bad_input(client, body):
    r = client.post("/api/scenario", json=body)
    assert r.status_code == 422
    _detail(r)


def test_scenario_real(client):
    r = client.post("/api/scenario", json={"event": "stalingrad", "runs": 20, "seed": 0, "states": [360]})
    assert r.status_code == 200, r.text
    assert r.json()["states"][0]["ccode"] == 360


# ----------------------------------------------------------------------------- essay
def test_essay_oversized_is_413(client):
    r = client.post("/api/essay", json={"text": "x" * 300_000})
    assert r.status_code == 413
    assert "limit" in _detail(r)


def test_essay_over_char_limit_is_422(client):
    r = client.post("/api/essay", json={"text": "x" * (MAX_ESSAY_CHARS + 1)})
    assert r.status_code == 422
    _detail(r)


def test_essay_bad_body(client):
    assert client.post("/api/essay", json={"nope": 1}).status_code == 422
    assert (
        client.post("/api/essay", content=b"not json", headers={"content-type": "application/json"}).status_code == 422
    )


def test_essay_real(client):
    r = client.post("/api/essay", json={"text": "Romania joined the Allies in September 1944.", "event": "stalingrad"})
    assert r.status_code == 200, r.text
    assert r.json()["sentences"]


# ----------------------------------------------------------------------------- never a 500
@pytest.mark.parametrize(
    "url",
    [
        "/api/system?date=0000-00-00",
        "/api/system?date=9999-99-99",
        "/api/system?date=%00",
        "/api/network?date=1944-02-29",
        "/api/network?date=1943-02-29",
        "/api/state/-1?date=1944-01-01",
        "/api/state/%20?date=1944-01-01",
        "/api/history?after=1816-01-01&months=1",
        "/api/history?after=2016-12-31&months=600",
        "/api/landscape?date=1942-11-19&states=,,,",
        "/api/capability?start=2016&end=2016&freq=month",
        "/api/consequences/%20?runs=1",
        "/api/landscape?date=1816-01-01",
    ],
)
def test_odd_input_never_500(client, url):
    assert client.get(url).status_code < 500
