"""``realign simulate SCENARIO.toml``: JSON/CSV/table contracts, determinism, output folder, errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from realign.cli import simulate_cmds
from realign.cli.main import app
from realign.events.scenario import example_scenario
from realign.simulation import scenario_run

runner = CliRunner()
SMALL = """[scenario]
name = "small test"
start = 1942-08-01
horizon_months = 8

[seeds]
seed = 11
runs = 60

[[events]]
id = "stalingrad"
outcome = "reversed"

[model.params]
{params}
"""


@pytest.fixture(scope="module", autouse=True)
def cached_prepare():
    """Prepare each scenario once per module (the CLI code path is otherwise unchanged)."""
    mp = pytest.MonkeyPatch()
    real = scenario_run.prepare_scenario
    cache: dict = {}

    def prepare(sc):
        key = json.dumps(scenario_run.load_for_engine(sc).to_dict(), sort_keys=True)  # a ScenarioRun too
        if key not in cache:
            cache[key] = real(sc)
        return cache[key]

    mp.setattr(scenario_run, "prepare_scenario", prepare)
    yield
    mp.undo()


@pytest.fixture()
def small(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text(SMALL.format(params="stay = 2.0"))
    return p


def run(*args):
    return runner.invoke(app, ["simulate", *map(str, args)])


def test_help_lists_simulate():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0 and "simulate" in res.stdout


def test_json_contract_on_the_bundled_example():
    res = run("stalingrad_historical", "--runs", 200, "--format", "json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert set(doc) == {"scenario", "p_side", "manifest"}
    assert doc["scenario"]["scenario"]["name"] == "Stalingrad (historical outcome)"
    italy = doc["p_side"]["325"]
    assert len(italy) == 34 and list(italy)[0] == "1942-09" and list(italy)[-1] == "1945-06"
    for probs in italy.values():
        assert set(probs) == {"allies", "axis", "neutral"} and abs(sum(probs.values()) - 1) < 1e-3
    man = doc["manifest"]
    assert man["runs"] == 200 and man["seed"] == 19430202, "seed from the scenario file"
    assert man["engine_settings"]["credibility_retention"] == pytest.approx(0.944)
    assert man["scenario_file"]["path"] == str(example_scenario("stalingrad_historical"))


def test_same_seed_identical_output_other_seed_differs(small):
    a = run(small, "--seed", 3, "--format", "json")
    b = run(small, "--seed", 3, "--format", "json")
    c = run(small, "--seed", 4, "--format", "json")
    assert a.exit_code == b.exit_code == c.exit_code == 0
    assert a.stdout == b.stdout
    assert json.loads(a.stdout)["p_side"] != json.loads(c.stdout)["p_side"]
    assert json.loads(a.stdout)["manifest"]["runs"] == 60


def test_in_process_local_processes_and_dask_workers_give_the_same_output(small):
    a = run(small, "--format", "json", "--batch-size", 20, "--processes", 0)
    b = run(small, "--format", "json", "--batch-size", 20)  # default: local processes, one per core
    c = run(small, "--format", "json", "--batch-size", 20, "--workers", 2)  # a Dask LocalCluster
    assert a.exit_code == b.exit_code == c.exit_code == 0, (b.stderr, c.stderr)
    assert json.loads(a.stdout)["p_side"] == json.loads(b.stdout)["p_side"] == json.loads(c.stdout)["p_side"]


def test_csv_and_table(small):
    res = run(small, "--format", "csv")
    assert res.exit_code == 0
    lines = res.stdout.strip().splitlines()
    assert lines[0] == "month,ccode,p_neutral,p_allies,p_axis"
    assert len(lines) - 1 == 8 * len({ln.split(",")[1] for ln in lines[1:]})
    res = run(small)
    assert res.exit_code == 0
    assert "small test" in res.stdout and "Italy" in res.stdout and "1942-09" in res.stdout


def test_out_folder(small, tmp_path):
    out = tmp_path / "out"
    res = run(small, "--out", out, "--batch-size", 25, "--format", "json")
    assert res.exit_code == 0, res.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "counts-00000.parquet",
        "counts-00001.parquet",
        "counts-00002.parquet",
        "manifest.json",
        "replicates-00000.parquet",
        "replicates-00001.parquet",
        "replicates-00002.parquet",
        "scenario.json",
    ]
    again = run(small, "--out", out, "--batch-size", 25, "--format", "json")  # resumes: nothing left to do
    assert again.exit_code == 0 and json.loads(again.stdout)["p_side"] == json.loads(res.stdout)["p_side"]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--runs", 0], "runs"),
        (["--seed", -1], "seed"),
        (["--workers", -2], "workers"),
        (["--batch-size", 0], "batch_size"),
    ],
)
def test_bad_arguments_exit_2(small, args, needle):
    res = run(small, *args)
    assert res.exit_code == 2 and needle in res.stderr and "Traceback" not in res.stderr


def test_bad_files_exit_2(tmp_path):
    res = run(tmp_path / "nope.toml")
    assert res.exit_code == 2 and "nope.toml" in res.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.format(params="stay = 1\nalpha = 0.5"))
    res = run(bad)
    assert res.exit_code == 2
    assert "bad.toml:16" in res.stderr and "model.params.alpha" in res.stderr


def test_progress_bar_only_after_a_second(monkeypatch):
    bar = simulate_cmds._LazyBar(enabled=True)
    bar(1, 10)
    assert bar.bar is None, "a short run shows no bar"
    monkeypatch.setattr(simulate_cmds, "PROGRESS_AFTER", 0.0)
    bar(2, 10)
    assert bar.bar is not None
    bar(10, 10)
    assert bar.bar.tasks[0].completed == 10
    bar.close()
