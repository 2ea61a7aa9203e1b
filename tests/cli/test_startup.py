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
    probe = (f"import sys\n{code}\n"
             f"sys.stderr.write('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return [m for m in out.stderr.rsplit("HEAVY:", 1)[1].strip().split(",") if m]


def test_importing_the_cli_imports_no_heavy_module():
    assert _loaded_after("import realign.cli.main") == []


@pytest.mark.parametrize("args", [["--help"], ["system", "--help"], ["simulate", "--help"],
                                  ["landscape", "--help"], ["validate", "--help"], ["data", "show", "--help"]])
def test_help_imports_no_heavy_module(args):
    code = ("from typer.main import get_command\nfrom realign.cli.main import app\n"
            "try:\n    get_command(app).main(" + repr(args) + ", standalone_mode=False, prog_name='realign')\n"
            "except SystemExit:\n    pass")
    assert _loaded_after(code) == []
