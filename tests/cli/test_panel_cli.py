"""`realign panel`: the issue's command line, formats, cite, and clean errors (exit 2, no traceback)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from realign.cli.main import app

runner = CliRunner()


def test_dyad_years_with_the_issue_adders_to_parquet(tmp_path):
    out = tmp_path / "dyads.parquet"
    r = runner.invoke(
        app,
        [
            "panel",
            "dyad-years",
            "--start",
            "1940",
            "--end",
            "1942",
            "--add",
            "nmc,atop,contiguity,wars,mids,democracy,sscore",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(out)
    assert {"cinc1", "atop_defense", "conttype", "war_common", "mid_onset", "polity22", "s_unweighted"} <= set(df)
    assert set(df.year) == {1940, 1941, 1942} and "directed dyad-year" in r.stdout
    c = runner.invoke(app, ["panel", "cite", str(out)])
    assert c.exit_code == 0 and "leeds2002atop" in c.stdout and "signorino1999taub" in c.stdout


def test_state_years_csv_and_undirected(tmp_path):
    out = tmp_path / "sy.csv"
    r = runner.invoke(
        app,
        [
            "panel",
            "state-years",
            "--start",
            "1900",
            "--end",
            "1900",
            "--add",
            "nmc,majors",
            "--out",
            str(out),
            "--format",
            "csv",
            "--quiet",
        ],
    )
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out)
    assert len(df) == df.ccode.nunique() and df.loc[df.ccode == 200, "cowmaj"].item() == 1
    u = tmp_path / "u.parquet"
    r = runner.invoke(app, ["panel", "dyad-years", "--start", "1900", "--end", "1900", "--undirected", "--out", str(u)])
    assert r.exit_code == 0 and bool((pd.read_parquet(u).eval("ccode1 < ccode2")).all())


@pytest.mark.parametrize(
    "args, message",
    [
        (["dyad-years", "--add", "nmc,foo"], "Unknown adder"),
        (["state-years", "--add", "sscore"], "dyad-year panel"),
        (["dyad-years", "--start", "1700"], "outside the COW state system"),
        (["dyad-years", "--start", "1950", "--end", "1940"], "must not be after"),
        (["dyad-years", "--add", "peaceyears"], "put 'mids' or 'wars' before"),
        (["dyad-years", "--add", "nmc,nmc"], "more than once"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, args, message):
    r = runner.invoke(app, ["panel", *args, "--out", str(tmp_path / "x.parquet")])
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_missing_out_folder_and_cow_not_imported(tmp_path, user_data):
    r = runner.invoke(app, ["panel", "dyad-years", "--out", str(tmp_path / "no" / "x.parquet")])
    assert r.exit_code == 2 and "does not exist" in r.output
    r = runner.invoke(
        app,
        [
            "panel",
            "dyad-years",
            "--start",
            "1900",
            "--end",
            "1900",
            "--add",
            "cow",
            "--out",
            str(tmp_path / "x.parquet"),
        ],
    )
    assert r.exit_code == 2 and "realign data import cow-alliance" in r.output


def test_cite_refuses_foreign_files(tmp_path):
    p = tmp_path / "plain.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(p)
    r = runner.invoke(app, ["panel", "cite", str(p)])
    assert r.exit_code == 2 and "not written by `realign panel`" in r.output
    (tmp_path / "t.txt").write_text("hello")
    r = runner.invoke(app, ["panel", "cite", str(tmp_path / "t.txt")])
    assert r.exit_code == 2 and "not a Parquet file" in r.output
