"""CLI start-up stays light: `realign --help` imports no pandas, numpy, numba, pyarrow or duckdb (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
HEAVY = ("pandas", "numpy", "numba", "pyarrow", "duckdb", "networkx", "scipy")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nsys.stderr.write('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return [m for m in out.stderr.rsplit("HEAVY:", 1)[1].strip().split(",") if m]


def test_importing_the_cli_imports_no_heavy_module():
    assert _loaded_after("import realign.cli.main") == []


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["system", "--help"],
        ["simulate", "--help"],
        ["landscape", "--help"],
        ["validate", "--help"],
        ["data", "show", "--help"],
    ],
)
def test_help_imports_no_heavy_module(args):
    code = (
        "from typer.main import get_command\nfrom realign.cli.main import app\n"
        "try:\n    get_command(app).main(" + repr(args) + ", standalone_mode=False, prog_name='realign')\n"
        "except SystemExit:\n    pass"
    )
    assert _loaded_after(code) == []


# pydantic comes with typer 0.29's value coercion, rich with printing; a `--help` needs neither (~0.1-0.2 s, ~0.05 s)
LIGHT_HELP = (*HEAVY, "pydantic", "rich")


def test_every_command_module_imports_no_heavy_module():
    """Each module of ``realign.cli.main._COMMAND_MODULES``, imported alone in order, loads none of HEAVY."""
    code = (
        "import importlib\nfrom realign.cli import main\n"
        "for mod in main._COMMAND_MODULES:\n"
        "    importlib.import_module(mod)\n"
        f"    bad = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "    assert not bad, (mod, bad)\n"
    )
    assert _loaded_after(code) == []


def _command_paths() -> list[list[str]]:
    from typer.main import get_command

    from realign.cli.main import app

    out: list[list[str]] = []

    def walk(cmd, path):
        out.append(path)
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return out


def test_every_command_help_imports_no_heavy_module_nor_pydantic():
    """``realign [CMD [SUB]] --help`` for every command and sub-command, in one fresh process: after all of
    them none of HEAVY nor pydantic is loaded, and each printed its usage."""
    paths = _command_paths()
    assert len(paths) > 20 and ["data", "import", "cow-alliance"] in paths
    probe = (
        "import sys, io, contextlib\nfrom typer.main import get_command\nfrom realign.cli.main import app\n"
        f"for args in {paths!r}:\n"
        "    buf = io.StringIO()\n"
        "    with contextlib.redirect_stdout(buf):\n"
        "        try:\n"
        "            get_command(app).main([*args, '--help'], standalone_mode=False, prog_name='realign')\n"
        "        except SystemExit:\n"
        "            pass\n"
        "    assert buf.getvalue().startswith('Usage: realign ' + ' '.join(args)), (args, buf.getvalue()[:200])\n"
        f"sys.stderr.write('HEAVY:' + ','.join(m for m in {LIGHT_HELP!r} if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr.rsplit("HEAVY:", 1)[1].strip() == ""
