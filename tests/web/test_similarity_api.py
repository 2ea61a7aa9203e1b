"""S-scores in the dashboard's JSON (issue 13 item 5): the state detail's `similarity` block and the
network's per-edge S, checked against real alliances and against the panels library itself."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from realign.panels import similarity_at, state_similarity  # noqa: E402
from realign.web.app import create_app  # noqa: E402

DAY = "1942-06-01"
GERMANY, ITALY, UK, USA, USSR, ROMANIA = 255, 325, 200, 2, 365, 360


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def germany(client):
    r = client.get(f"/api/state/{GERMANY}", params={"date": DAY})
    assert r.status_code == 200
    return r.json()


def _score(body: dict, ccode: int) -> dict:
    return next(s for s in body["similarity"]["scores"] if s["ccode"] == ccode)


def test_germany_italy_high_germany_uk_low(germany):
    """1942: Germany and Italy share the Axis defense pacts (ATOP); the UK is allied with Germany's enemies."""
    italy, uk = _score(germany, ITALY), _score(germany, UK)
    assert italy["name"] == "Italy" and uk["name"] == "United Kingdom"
    assert italy["s_unweighted"] > 0.9 and italy["s_weighted"] > 0.9
    assert uk["s_unweighted"] < 0.1 and uk["s_weighted"] < -0.5
    # Italy is Germany's closest portfolio that day; the UK is the most distant
    scores = germany["similarity"]["scores"]
    assert scores[0]["ccode"] == ITALY and scores[-1]["ccode"] == UK


def test_state_detail_equals_the_panels_library(germany):
    lib = state_similarity(DAY, GERMANY).set_index("ccode")
    scores = germany["similarity"]["scores"]
    assert {s["ccode"] for s in scores} == set(lib.index)  # every other member, not itself
    assert GERMANY not in {s["ccode"] for s in scores}
    for s in scores:
        assert s["s_unweighted"] == pytest.approx(lib.loc[s["ccode"], "s_unweighted"], abs=1e-12)
        assert s["s_weighted"] == pytest.approx(lib.loc[s["ccode"], "s_weighted"], abs=1e-12)
    values = [s["s_unweighted"] for s in scores]
    assert values == sorted(values, reverse=True)
    assert all(-1.0 <= v <= 1.0 for v in values)


def test_similarity_block_says_what_it_is(germany):
    sim = germany["similarity"]
    assert sim["measure"] == "Signorino-Ritter S" and sim["sorted_by"] == "s_unweighted"
    assert "CINC" in sim["note"] and "ATOP" in sim["note"]
    # existing keys are kept
    assert {"cinc", "wars", "allies", "ties", "events", "sources", "wwii_side"} <= set(germany)


def test_network_edges_carry_the_pair_s(client):
    body = client.get("/api/network", params={"date": DAY}).json()
    assert "CINC" in body["similarity_note"]
    lib = similarity_at(DAY).set_index(["ccode1", "ccode2"])
    edges = {(min(e["source"], e["target"]), max(e["source"], e["target"])): e for e in body["edges"]}
    assert edges, "no edges on 1942-06-01"
    for key, e in edges.items():
        assert {"source", "target", "sign", "kinds"} <= set(e)  # existing keys kept
        want = lib.loc[key]
        assert e["s_unweighted"] == pytest.approx(want["s_unweighted"], abs=1e-12)
        if math.isnan(want["s_weighted"]):
            assert e["s_weighted"] is None
        else:
            assert e["s_weighted"] == pytest.approx(want["s_weighted"], abs=1e-12)
    # an allied pair is similar, a pair at war on opposite sides is not
    assert edges[(GERMANY, ITALY)]["sign"] == 1 and edges[(GERMANY, ITALY)]["s_unweighted"] > 0.9
    assert edges[(UK, GERMANY)]["sign"] == -1 and edges[(UK, GERMANY)]["s_unweighted"] < 0.1


def test_romania_example_in_the_schema_is_real(client):
    """The OpenAPI example values for Romania on 1944-09-15 are the endpoint's own (rounded)."""
    body = client.get(f"/api/state/{ROMANIA}", params={"date": "1944-09-15"}).json()
    example = client.get("/openapi.json").json()["paths"]["/api/state/{ccode}"]["get"]["responses"]["200"]
    example = example["content"]["application/json"]["example"]["similarity"]["scores"]
    for ex in example:
        real = _score(body, ex["ccode"])
        assert real["s_unweighted"] == pytest.approx(ex["s_unweighted"], abs=1e-4)
        assert real["s_weighted"] == pytest.approx(ex["s_weighted"], abs=1e-4)


def test_non_member_has_no_similarity(client):
    r = client.get("/api/state/305", params={"date": "1944-09-15"})  # Austria, annexed 1938
    assert r.status_code == 404 and "similarity" not in r.json()
