"""``realign forecast``: the JSON contract of issue 10 and clear errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from realign.cli.main import app


def test_forecast_json_contract():
    args = [
        "forecast",
        "--war",
        "139",
        "--at",
        "1943-02-02",
        "--until",
        "1943-06",
        "--runs",
        "30",
        "--seed",
        "2",
        "--format",
        "json",
    ]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d) == {"war", "at", "until", "p_side", "capability_share", "fit", "manifest"}
    assert list(d["p_side"]["325"]) == ["1943-02", "1943-03", "1943-04", "1943-05", "1943-06"]
    assert d["until"] == "1943-06" and d["manifest"]["runs"] == 30
    again = CliRunner().invoke(app, args)
    assert again.stdout == r.stdout  # same seed, same bytes


def test_forecast_errors():
    r = CliRunner().invoke(app, ["forecast", "--at", "1943-02-02", "--until", "1943-13"])
    assert r.exit_code == 2 and "YYYY-MM" in r.output
    r = CliRunner().invoke(app, ["forecast", "--at", "1943-02-02", "--until", "1942-06"])
    assert r.exit_code == 2 and "after" in r.output


def test_forecast_table():
    r = CliRunner().invoke(
        app, ["forecast", "--at", "1943-02-02", "--until", "1943-04", "--runs", "20", "--states", "Romania,Turkey"]
    )
    assert r.exit_code == 0, r.output
    assert "Romania" in r.output and "Turkey" in r.output
