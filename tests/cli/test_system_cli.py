import json

from typer.testing import CliRunner

from realign import System
from realign.cli.main import app

runner = CliRunner()


def test_system_json_matches_library():
    r = runner.invoke(app, ["system", "--date", "1944-10-01", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == json.loads(System.at("1944-10-01").to_json())


def test_system_bad_date_exit_2_without_traceback():
    r = runner.invoke(app, ["system", "--date", "1942-02-30"])
    assert r.exit_code == 2
    assert "Traceback" not in r.output and "date" in r.output.lower()


def test_history_json_contract():
    r = runner.invoke(app, ["history", "--after", "1943-02-02", "--months", "24", "--format", "json"])
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert set(d) == {"after", "until", "changes"}


def test_history_table_mentions_shares():
    r = runner.invoke(app, ["history", "--after", "1943-02-02", "--months", "6", "--states", "Italy"])
    assert r.exit_code == 0
    assert "coalition CINC share" in r.stdout


def test_data_commands():
    assert runner.invoke(app, ["data", "list", "--format", "csv"]).stdout.count("\n") >= 12
    r = runner.invoke(app, ["data", "cite", "nmc"])
    assert "@incollection{singer1972capability" in r.stdout
    r = runner.invoke(app, ["data", "show", "majors", "--where", "ccode = 325", "--format", "json"])
    assert json.loads(r.stdout)[0]["stateabb"] == "ITA"
    r = runner.invoke(app, ["data", "show", "nope"])
    assert r.exit_code == 2


def test_every_command_has_help():
    for cmd in (["system"], ["history"], ["data", "list"], ["data", "show"], ["data", "import", "cow-alliance"]):
        r = runner.invoke(app, [*cmd, "--help"])
        assert r.exit_code == 0 and "Usage" in r.stdout
