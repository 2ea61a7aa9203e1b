"""CLI contracts of `realign landscape` and `realign balance` (issue 6)."""

import json

import pytest
from typer.testing import CliRunner

from realign.cli.main import app

runner = CliRunner()


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "s.csv").write_text("id,size\n2,1\n200,1.5\nFRN,2\n")
    (tmp_path / "p.csv").write_text("i,j,p\n2,200,1\n2,FRN,-1\n200,FRN,-0.5\n")
    (tmp_path / "e.csv").write_text("a,b,sign\n1,2,1\n2,3,-1\n1,3,-1\n3,4,1\n")
    return tmp_path


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_landscape_json_contract(files):
    r = _run("landscape", "--sizes", files / "s.csv", "--propensity", files / "p.csv", "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out) == {"minima", "exact", "complete"} and out["exact"] is True and out["complete"] is True
    assert out["minima"][0]["coalitions"] == [[2, 200], ["FRN"]]
    assert out["minima"][0]["energy"] == pytest.approx(-3.5)
    assert set(out["minima"][0]) == {"energy", "coalitions", "basin"}
    energies = [m["energy"] for m in out["minima"]]
    assert energies == sorted(energies)


def test_landscape_table_and_k3(files):
    r = _run("landscape", "--sizes", files / "s.csv", "--propensity", files / "p.csv", "--k", "3")
    assert r.exit_code == 0 and "FRN" in r.stdout


@pytest.mark.parametrize(
    "sizes, prop, needle",
    [
        ("id,size\nA,1\nB,-2\n", "i,j,p\nA,B,1\n", "s.csv:3"),
        ("id,size\nA,1\nB,2\n", "i,j,p\nA,B,1\nB,A,0.5\n", "p.csv:3"),
        ("id,size\nA,1\nB,2\n", "i,j,p\nA,B,nan\n", "p.csv:2"),
        ("id,size\nA,1\nB,2\n", "i,j,p\nA,C,1\n", "unknown id 'C'"),
    ],
)
def test_landscape_bad_input(tmp_path, sizes, prop, needle):
    (tmp_path / "s.csv").write_text(sizes)
    (tmp_path / "p.csv").write_text(prop)
    r = _run("landscape", "--sizes", tmp_path / "s.csv", "--propensity", tmp_path / "p.csv", "--format", "json")
    assert r.exit_code == 2
    assert needle in r.stderr and "Traceback" not in r.output


def test_landscape_k_less_than_two(files):
    r = _run("landscape", "--sizes", files / "s.csv", "--propensity", files / "p.csv", "--k", "1")
    assert r.exit_code == 2
    assert "The 'k' parameter of Landscape must be an int >= 2. Got 1 instead." in r.stderr


def test_landscape_date_option_exists(files):
    r = _run("landscape", "--help")
    assert "--date" in r.stdout and "--states" in r.stdout


@pytest.mark.parametrize("dyn", ["triad", "continuous"])
def test_balance_json_contract(files, dyn):
    r = _run("balance", "--signed-edges", files / "e.csv", "--dynamics", dyn, "--seed", "1", "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out == {"factions": [[1, 2], [3, 4]], "frustration": 0}


def test_balance_bad_sign(tmp_path):
    (tmp_path / "e.csv").write_text("a,b,sign\n1,2,1\n2,3,2\n")
    r = _run("balance", "--signed-edges", tmp_path / "e.csv", "--format", "json")
    assert r.exit_code == 2 and "e.csv:3" in r.stderr and "sign" in r.stderr


def test_balance_table(files):
    r = _run("balance", "--signed-edges", files / "e.csv")
    assert r.exit_code == 0 and "frustration index of the input: 0" in r.stdout
