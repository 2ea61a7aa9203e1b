"""Validation cases: real facts, no leakage past the prediction date, scores in range and replayable."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from realign.errors import InvalidParameterError
from realign.models.base import DEFAULT_FIT_CACHE
from realign.validation import CASES, SLOW_CASES, alliances1872, blocs1955, run, summary_rows, wwi, wwii
from realign.validation.common import match_and_score

LANDSCAPE_CASES = ("wwii", "wwi", "blocs1955")
FAST = [c for c in CASES if c not in SLOW_CASES]


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return {name: run(name) for name in FAST}


# ------------------------------------------------------------------------------- real facts


def test_nato_and_warsaw_pact_founders_from_events_table():
    pm = blocs1955.pact_members()
    assert {2, 200, 220} <= set(pm["NATO"])
    assert all(pm["NATO"][c] == "1949-04-04" for c in (2, 200, 220))
    assert {365, 290, 315} <= set(pm["Warsaw Pact"])
    assert pm["Warsaw Pact"][365] == "1955-05-14"
    assert not set(pm["NATO"]) & set(pm["Warsaw Pact"])


def test_1907_network_triple_entente_and_triple_alliance():
    sign = {(e["a"], e["b"]): (e["sign"], e["source"]) for e in alliances1872.signed_edges(1907)}
    # ATOP 5.1 codes the Entente cordiale (consultation) and the Franco-Russian alliance (defence) ...
    assert sign[(200, 220)][0] == 1 and sign[(200, 220)][1].startswith("ATOP")
    assert sign[(220, 365)][0] == 1 and sign[(220, 365)][1].startswith("ATOP")
    # ... but no UK-Russia obligation before 1914 (the 1907 convention is not an ATOP alliance)
    assert not sign.get((200, 365), (0, ""))[1].startswith("ATOP")
    # the Triple Alliance is pairwise positive in ATOP
    for pair in ((255, 300), (255, 325), (300, 325)):
        assert sign[pair][0] == 1 and sign[pair][1].startswith("ATOP")
    # with the hand-coded Anglo-Russian Convention the Triple Entente is pairwise positive
    ar = {(e["a"], e["b"]): e["sign"] for e in alliances1872.signed_edges(1907, anglo_russian=True)}
    assert ar[(200, 220)] == ar[(220, 365)] == ar[(200, 365)] == 1


def test_1872_network_remembers_the_franco_prussian_war():
    sign = {(e["a"], e["b"]): (e["sign"], e["source"]) for e in alliances1872.signed_edges(1872)}
    assert sign[(220, 255)][0] == -1 and "Franco-Prussian" in sign[(220, 255)][1]


def test_wwii_actual_sides_rule():
    a = wwii.actual_sides([255, 200, 365, 325, 640, 380, 212])
    assert a[255][0] == 2 and a[325][0] == 2
    assert a[200][0] == 1 and a[365][0] == 1
    assert a[640][0] == 1 and "events" in a[640][1]  # Turkey declared war on Germany 1945-02-23
    assert a[212][0] == 1  # Luxembourg: Declaration by United Nations
    assert a[380][0] == 0  # Sweden stayed out
    later = wwii.actual_sides([220], on_or_after=dt.date(1941, 6, 22))
    assert later[220][0] == 2  # Vichy France's COW spell (side 2) was in progress


def test_wwi_actual_sides():
    a = wwi.actual_sides([255, 300, 200, 220, 365, 325, 640, 380])
    assert [a[c][0] for c in (255, 300, 640)] == [2, 2, 2]
    assert [a[c][0] for c in (200, 220, 365, 325)] == [1, 1, 1, 1]
    assert a[380][0] == 0


# ---------------------------------------------------------------------------------- leakage


def test_wwii_prediction_reads_nothing_after_1939_09_01(monkeypatch):
    import realign.models.propensity as prop
    from realign.system.snapshot import System

    cutoff = dt.date(1939, 9, 1)
    seen: list[dt.date] = []
    orig_at = System.at
    orig_factors = prop.dyad_factors

    def at(date):
        seen.append(prop.parse_date(date))
        return orig_at(date)

    def factors(date, ccodes, **kw):
        seen.append(prop.parse_date(date))
        return orig_factors(date, ccodes, **kw)

    monkeypatch.setattr(System, "at", staticmethod(at))
    monkeypatch.setattr(prop, "dyad_factors", factors)
    DEFAULT_FIT_CACHE.clear("propensity")
    prop.training_pairs.cache_clear()
    try:
        r = wwii.predict_case(cutoff, wwii.states_for(cutoff), fit_before=cutoff, actual_from=None)
    finally:
        DEFAULT_FIT_CACHE.clear("propensity")
        prop.training_pairs.cache_clear()
    assert seen, "the prediction must go through System.at / dyad_factors"
    assert any(d < dt.date(1900, 1, 1) for d in seen)  # training wars were read ...
    assert max(seen) <= cutoff  # ... and nothing after the cut-off
    assert r["data_used"]["latest_information"] <= cutoff.isoformat()
    assert r["data_used"]["sizes"].endswith("(year before the prediction date)") and "1938" in r["data_used"]["sizes"]


def test_fit_before_after_prediction_date_is_refused():
    from realign.validation.common import propensity_on

    with pytest.raises(InvalidParameterError):
        propensity_on("1939-09-01", [2, 200], fit_before="1940-01-01")


@pytest.mark.parametrize("name", LANDSCAPE_CASES)
def test_data_used_never_after_prediction_date(results, name):
    r = results[name]
    for case in (r, *(r.get("subcases") or {}).values()):
        used = case["data_used"]
        assert used["latest_information"] <= used["prediction_date"] == case["date"]


# ----------------------------------------------------------------------------------- scores


@pytest.mark.parametrize("name", FAST)
def test_case_keys_and_ranges(results, name):
    r = results[name]
    for key in ("case", "title", "accuracy", "n", "confusion", "per_state", "data_used", "notes"):
        assert key in r, key
    assert r["case"] == name
    for case in (r, *(r.get("subcases") or {}).values()):
        assert 0.0 <= case["accuracy"] <= 1.0
        assert case["n"] > 0
        scored = (
            [row for row in case["confusion"] if row["actual"] not in ("neutral",)]
            if name != "choice"
            else case["confusion"]
        )
        assert sum(v for row in scored for k, v in row.items() if k.startswith("predicted_")) == case["n"]
    json.dumps(r)


@pytest.mark.parametrize("name", LANDSCAPE_CASES)
def test_per_state_agrees_with_accuracy(results, name):
    r = results[name]
    rows = [x for x in r["per_state"] if x["correct"] is not None]
    assert len(rows) == r["n"]
    assert sum(x["correct"] for x in rows) / len(rows) == pytest.approx(r["accuracy"])
    assert r["exact"] is True  # small enough for exact enumeration


def test_reproducible_with_seed():
    a = wwi._run.__wrapped__(0)
    b = wwi._run.__wrapped__(0)
    assert a["accuracy"] == b["accuracy"] and a["per_state"] == b["per_state"] and a["minima"] == b["minima"]
    c = alliances1872._run.__wrapped__(5)
    d = alliances1872._run.__wrapped__(5)
    assert c["dynamics"] == d["dynamics"]


def test_headline_numbers(results):
    """Pin the reported numbers (docs/validation.md): a change in data or models shows up here."""
    assert (results["wwii"]["correct"], results["wwii"]["n"]) == (14, 19)
    assert (results["wwi"]["correct"], results["wwi"]["n"]) == (10, 15)
    assert (results["blocs1955"]["correct"], results["blocs1955"]["n"]) == (22, 23)
    assert (results["1872-1907"]["correct"], results["1872-1907"]["n"]) == (5, 6)
    ab = results["wwii"]["subcases"]["1936"]
    assert len(ab["per_state"]) == 17 and ab["axelrod_bennett_1993"]["reported_n"] == 17


def test_choice_case(results):
    r = results["choice"]
    w = {x["parameter"]: x for x in r["weights"]}
    assert set(w) == {"affinity", "bandwagon", "exposure", "stay", "neutral"}
    assert all(x["se"] > 0 for x in w.values())
    assert w["stay"]["estimate"] > 0
    ho = r["held_out"]
    assert ho["months"][0] > "1943-02-02" and ho["months"][1] <= "1945-04-30"
    assert ho["model"]["log_loss"] > 0 and ho["persistence"]["log_loss"] > 0


def test_match_and_score_labels_by_best_agreement():
    truth = {"a": 1, "b": 1, "c": 2, "d": 0}
    s1 = match_and_score([["a", "b", "d"], ["c"]], truth)
    s2 = match_and_score([["c"], ["a", "b", "d"]], truth)
    assert s1["accuracy"] == s2["accuracy"] == 1.0 and s1["n"] == 3
    worst = match_and_score([["a", "c"], ["b"]], truth)
    assert worst["accuracy"] >= 0.5


def test_unknown_case():
    with pytest.raises(InvalidParameterError):
        run("wwiii")


def test_summary_rows(results):
    rows = summary_rows(results)
    assert {r["case"] for r in rows} >= {"wwii", "wwii:1936", "wwii:1941-06-21", "blocs1955"}


# ---------------------------------------------------------------------------------------- CLI


def test_cli_json_and_bad_case(results):
    from realign.cli.main import app

    runner = CliRunner()
    out = runner.invoke(app, ["validate", "--case", "wwi", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {"accuracy", "n", "confusion", "per_state", "data_used", "notes"} <= set(data)
    allj = runner.invoke(app, ["validate", "--format", "json"])
    assert allj.exit_code == 0
    assert set(json.loads(allj.stdout)) == set(FAST)
    bad = runner.invoke(app, ["validate", "--case", "wwiii"])
    assert bad.exit_code == 2
    assert "Unknown validation case" in bad.output


def test_cli_table(results):
    from realign.cli.main import app

    out = CliRunner().invoke(app, ["validate", "--case", "1872-1907"])
    assert out.exit_code == 0, out.output
    assert "accuracy" in out.output and "Data used" in out.output
