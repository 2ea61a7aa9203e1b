"""Docs cannot drift from code: every CLI command is named in the README, every public name imports."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import realign
from realign.cli.main import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(typer_app, prefix=()):
    for c in typer_app.registered_commands:
        yield (*prefix, c.name or c.callback.__name__.replace("_", "-"))
    for g in typer_app.registered_groups:
        sub = g.typer_instance
        for c in sub.registered_commands:
            yield (*prefix, g.name, c.name or c.callback.__name__)
        for gg in sub.registered_groups:
            for c in gg.typer_instance.registered_commands:
                yield (*prefix, g.name, gg.name, c.name)


COMMANDS = sorted(set(_commands(app)))


def test_there_are_commands():
    assert ("system",) in COMMANDS and ("consequences",) in COMMANDS and ("data", "import", "cow-alliance") in COMMANDS


@pytest.mark.parametrize("cmd", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_is_in_the_readme_and_has_help(cmd):
    assert f"realign {cmd[0]}" in README, f"`realign {' '.join(cmd)}` is not mentioned in README.md"
    if len(cmd) > 1:
        assert cmd[-1] in README
    r = CliRunner().invoke(app, [*cmd, "--help"])
    assert r.exit_code == 0 and "Usage" in r.stdout


def test_public_namespace_imports():
    for name in realign.__all__:
        assert getattr(realign, name) is not None
    assert realign.System.at("1943-02-02").date.isoformat() == "1943-02-02"


def test_python_dash_m_works():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "realign", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "consequences" in out.stdout
