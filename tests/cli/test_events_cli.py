"""CLI: realign events list/show and realign scenario validate (exit 2 and no traceback on errors)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from realign.cli.main import app
from realign.events.catalogue import list_events
from realign.events.scenario import example_scenario

runner = CliRunner()


def test_events_list_formats():
    r = runner.invoke(app, ["events", "list", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["slug"] for x in rows] == list_events()
    stal = next(x for x in rows if x["slug"] == "stalingrad")
    assert stal["start"] == "1942-08-23" and stal["end"] == "1943-02-02" and stal["winner_label"] == "allies"
    r = runner.invoke(app, ["events", "list", "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines()[0].startswith("slug,name,start,end")
    r = runner.invoke(app, ["events", "list"])
    assert r.exit_code == 0 and "kursk" in r.stdout and "midway" in r.stdout


def test_events_show_json_and_table():
    r = runner.invoke(app, ["events", "show", "Battle of Stalingrad", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["slug"] == "stalingrad" and d["war"] == 139
    assert {255, 360, 325, 310} <= set(d["sides"]["2"]["ccodes"])
    assert d["effects"]["2"]["basis"].startswith("model assumption")
    assert all(row["sources"] for row in d["losses"])
    r = runner.invoke(app, ["events", "show", "midway"])
    assert r.exit_code == 0 and "Battle of Midway" in r.stdout and "sources:" in r.stdout
    r = runner.invoke(app, ["events", "show", "kursk", "--format", "csv"])
    assert r.exit_code == 0 and "urls" in r.stdout.splitlines()[0]


def test_events_show_unknown_exit_2_without_traceback():
    r = runner.invoke(app, ["events", "show", "stalingard"])
    assert r.exit_code == 2
    assert "Traceback" not in r.output and "stalingrad" in r.output


def test_scenario_validate_ok():
    r = runner.invoke(app, ["scenario", "validate", str(example_scenario("stalingrad_historical"))])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("OK: ") and "34 months" in r.stdout


def test_scenario_validate_error_names_line_and_field(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(
        '[scenario]\nname = "x"\nstart = 1942-08-01\nhorizon_months = 6\n[[events]]\nid = "stalingrad"\n'
        'outcome = "sideways"\n[seeds]\nseed = 1\nruns = 1\n',
        encoding="utf-8",
    )
    r = runner.invoke(app, ["scenario", "validate", str(p)])
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert f"{p}:7" in r.output and "events[0].outcome" in r.output and r.stdout == ""


def test_scenario_validate_missing_file_and_syntax(tmp_path):
    r = runner.invoke(app, ["scenario", "validate", str(tmp_path / "nope.toml")])
    assert r.exit_code == 2 and "nope.toml" in r.output and "Traceback" not in r.output
    p = tmp_path / "syntax.toml"
    p.write_text('[scenario]\nname = "x\n', encoding="utf-8")
    r = runner.invoke(app, ["scenario", "validate", str(p)])
    assert r.exit_code == 2 and f"{p}:2" in r.output


def test_scenario_validate_accepts_a_bundled_name():
    """Issue 12: `scenario validate` takes the bundled names that `simulate` takes."""
    r = CliRunner().invoke(app, ["scenario", "validate", "stalingrad_historical"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("OK:")
