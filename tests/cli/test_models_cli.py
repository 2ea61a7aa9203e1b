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
    assert set(out) == {
        "minima",
        "exact",
        "complete",
        "n_minima",
        "n_minima_is_lower_bound",
        "basin_method",
        "basin_starts",
        "basin_confidence",
    }
    assert out["exact"] is True and out["complete"] is True
    assert out["minima"][0]["coalitions"] == [[2, 200], ["FRN"]]
    assert out["minima"][0]["energy"] == pytest.approx(-3.5)
    assert set(out["minima"][0]) == {"energy", "coalitions", "basin", "basin_ci"}
    # 3 states: basins counted over all 2^(3-1) = 4 configurations, so each interval is a point
    assert out["basin_method"] == "exact" and out["basin_starts"] == 4 and out["basin_confidence"] is None
    assert out["n_minima"] == len(out["minima"]) and out["n_minima_is_lower_bound"] is False
    assert all(m["basin_ci"] == [m["basin"], m["basin"]] for m in out["minima"])
    energies = [m["energy"] for m in out["minima"]]
    assert energies == sorted(energies)


def test_landscape_table_and_k3(files):
    r = _run("landscape", "--sizes", files / "s.csv", "--propensity", files / "p.csv", "--k", "3")
    assert r.exit_code == 0 and "FRN" in r.stdout
    assert "basins not computed for k >= 3" in r.stdout


def test_landscape_table_states_how_basins_were_obtained(files):
    r = _run("landscape", "--sizes", files / "s.csv", "--propensity", files / "p.csv")
    assert r.exit_code == 0, r.output
    assert "basins counted over all 4 configurations (exact)" in r.stdout and "the complete list" in r.stdout


def test_landscape_sampled_basins_json_and_table(tmp_path):
    n = 18  # > basin_exact_max_n (16): basins sampled from 4096 random starts
    rng = __import__("numpy").random.default_rng(2)
    (tmp_path / "s.csv").write_text("id,size\n" + "".join(f"{i},1\n" for i in range(n)))
    (tmp_path / "p.csv").write_text(
        "i,j,p\n" + "".join(f"{i},{j},{rng.choice([-1, 1])}\n" for i in range(n) for j in range(i + 1, n))
    )
    args = ("landscape", "--sizes", tmp_path / "s.csv", "--propensity", tmp_path / "p.csv")
    out = json.loads(_run(*args, "--format", "json").stdout)
    assert out["basin_method"] == "sampled" and out["basin_starts"] == 4096 and out["basin_confidence"] == 0.95
    for m in out["minima"]:
        assert 0 <= m["basin_ci"][0] <= m["basin"] <= m["basin_ci"][1] <= 1
    r = _run(*args)
    assert "estimated from 4,096 uniform random starts" in r.stdout and "95% Wilson interval" in r.stdout


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
