import json
import re

import pytest
from typer.testing import CliRunner

from realign.cli.main import app
from realign.consequences.compute import MINOR_AXIS, brier, consequences
from realign.consequences.report import render_html, render_markdown, write_report


@pytest.fixture(scope="module")
def stalingrad():
    return consequences("stalingrad", runs=300, seed=11)


def test_contract_shape(stalingrad):
    d = stalingrad.to_dict()
    assert set(d) == {"event", "historical", "factual", "counterfactual", "metrics", "manifest"}
    assert d["event"] == "stalingrad"
    cell = d["factual"]["p_side"]["360"]["1944-01"]
    assert set(cell) == {"allies", "axis", "neutral"}
    assert abs(sum(cell.values()) - 1) < 1e-3
    assert set(d["counterfactual"]["p_side"]) == set(d["factual"]["p_side"])
    row = d["historical"]["changes"][0]
    assert set(row) == {"date", "ccode", "name", "kind", "counterpart", "source", "verified"}
    json.dumps(d)  # JSON-ready


def test_information_cutoff_is_the_end_of_the_battle(stalingrad):
    d = stalingrad.to_dict()
    assert d["manifest"]["information_cutoff"] == "1943-02-02"
    months = list(d["factual"]["p_side"]["325"])
    assert months[0] == "1943-02" and months[-1] == "1945-04"
    assert d["manifest"]["hindsight"] is False


def test_mechanism_metrics(stalingrad):
    """Issue 10: expected exits with intervals, exit-month distributions, capability paths, channels, fit."""
    m = stalingrad.metrics
    e = m["axis_cohesion"]["expected_exits"]["1945-01"]
    assert e["record"] == 4  # Italy, Romania, Bulgaria, Finland had left by 1945-01 (Hungary on 1945-01-20)
    for arm in ("factual", "counterfactual", "hindsight"):
        assert 0 <= e[arm]["p05"] <= e[arm]["mean"] <= e[arm]["p95"] <= 5
    for r in m["axis_cohesion"]["minor_allies"]:
        assert set(r["p_left_by"]) == {"month", "factual", "counterfactual", "hindsight"}
        assert set(r["exit_month"]) == {"median", "p05", "p95", "counterfactual_median"}
    years = m["germany_isolation"]["yearly"]
    assert set(years) == {"1943", "1944", "1945"} and 0.12 < years["1944"]["record"] < 0.3
    ch = m["channels"]
    assert set(ch["channels"]) == {"campaign (fronts)", "credibility in decisions", "capability", "contagion"}
    assert {"exit", "join", "contact", "wars"} <= set(m["fit"]) and 106 in m["fit"]["wars"]


def test_record_exit_dates(stalingrad):
    exits = {r["ccode"]: r["historical_exit"] for r in stalingrad.metrics["axis_cohesion"]["minor_allies"]}
    assert exits == {325: "1943-09-02", 360: "1944-08-23", 355: "1944-09-08", 375: "1944-09-19", 310: "1945-01-20"}
    assert stalingrad.metrics["axis_cohesion"]["historical_order"] == [325, 360, 355, 375, 310]
    assert set(MINOR_AXIS) == set(exits)


def test_same_seed_same_output():
    a = consequences("stalingrad", runs=60, seed=5, decompose=False).to_dict()
    b = consequences("stalingrad", runs=60, seed=5, decompose=False).to_dict()
    c = consequences("stalingrad", runs=60, seed=6, decompose=False).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["factual"] != c["factual"]


def test_postwar_blocs_from_record(stalingrad):
    bl = stalingrad.metrics["postwar_blocs"]
    assert {2, 200, 220} <= {x["ccode"] for x in bl["nato"]}
    assert 365 in {x["ccode"] for x in bl["warsaw_pact"]}
    assert 0.5 <= bl["landscape_1955"]["agreement"] <= 1


def test_disagreements_are_said_plainly(stalingrad):
    md = render_markdown(stalingrad)
    assert "Where the model and the record disagree" in md
    assert "channel decomposition" in md and "What the model was fitted on" in md
    assert "Why the exits are missed ex ante" in md  # the report explains its misses from the fit sample
    assert "The mechanism in-sample" in md


def test_html_is_self_contained(stalingrad, tmp_path):
    html = render_html(stalingrad)
    assert "<img" in html and "data:image/png;base64," in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=['\"]https?://", html)
    paths = write_report(stalingrad, tmp_path / "rep")
    assert {p.name for p in paths.values()} == {"report.md", "report.html", "report.json"}
    assert (tmp_path / "rep" / "capability.png").stat().st_size > 10_000
    assert not list((tmp_path / "rep").glob("*.tmp"))


def test_brier_known_values():
    import numpy as np

    p = np.array([[[1.0, 0, 0], [0, 0.5, 0.5]]])
    truth = np.array([[0, 1]])
    mask = np.ones((1, 2), bool)
    assert brier(p, truth, mask) == pytest.approx((0 + 0.5) / 2)


def test_cli_json_and_unknown_event():
    r = CliRunner().invoke(app, ["consequences", "stalingrad", "--format", "json", "--runs", "40", "--seed", "1"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["event"] == "stalingrad"
    r = CliRunner().invoke(app, ["consequences", "stalingrd", "--runs", "10"])
    assert r.exit_code == 2 and "stalingrad" in r.output


def test_wwi_event_consequences():
    c = consequences("dobro_pole", runs=60, seed=0)
    d = c.to_dict()
    assert set(c.metrics["channels"]["channels"]) == {
        "campaign (fronts)",
        "credibility in decisions",
        "capability",
        "contagion",
    }
    assert c.metrics["wwi_changes"]["expected_changes"]["factual"] >= 0
    assert d["manifest"]["information_cutoff"] == "1918-09-26"  # the Bulgarian armistice request
    st = c.metrics["wwi_changes"]["states"]
    assert "355" in st and st["355"]["record"][0]["kind"] == "war_exit"  # Bulgaria left on 1918-09-29
    assert "Recorded changes after the battle" in render_markdown(c)
