"""CLI start-up time: `realign --help` and every command's and sub-command's `--help`, each in a fresh process.

Prints min / median / max wall time over ``--repeats`` runs (default 5) per command, the ratio of its
median to the median of ``python -c pass`` (the interpreter's own start-up, measured in the same run),
and the heavy modules (pandas, numpy, numba, pydantic, ...) each one imported (target: none; target
time <= 0.3 s median).

Bytecode: an installed package has its ``.pyc`` files, but a source checkout run with
``PYTHONDONTWRITEBYTECODE=1`` recompiles every realign module on each start. ``--bytecode cached``
(default) gives the child processes a private ``PYTHONPYCACHEPREFIX`` and runs each command once
untimed first, as an install would; ``--bytecode none`` times the no-``.pyc`` case. CPU time (user +
sys of the child) is printed beside wall time: on a shared machine wall time grows with the load average.

    .venv/bin/python bench/startup.py [--repeats 5] [--bytecode cached|none]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HEAVY = ("pandas", "numpy", "numba", "pyarrow", "duckdb", "networkx", "scipy", "pydantic")
PROBE = f"""
import sys
from typer.main import get_command
from realign.cli.main import app
try:
    get_command(app).main(sys.argv[1:], standalone_mode=False, prog_name="realign")
except SystemExit:
    pass
sys.stderr.write(",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def all_commands() -> list[list[str]]:
    """Every command path of the CLI (``[]`` for ``realign`` itself, ``["data", "import", "cow-alliance"]``, ...)."""
    from typer.main import get_command

    from realign.cli.main import app

    out: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:  # noqa: ANN001 - a click command or group
        out.append(path)
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return out


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _time(argv: list[str], env: dict[str, str], repeats: int) -> tuple[list[float], list[float], str]:
    """Wall times and CPU (user + sys) times of ``repeats`` fresh processes, and the heavy modules they loaded."""
    times, cpus, heavy = [], [], ""
    for _ in range(repeats):
        c0, t0 = _cpu_children(), time.perf_counter()
        r = subprocess.run(argv, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        cpus.append(_cpu_children() - c0)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv[3:])} failed (exit {r.returncode}):\n{r.stderr[-2000:]}")
        heavy = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    return times, cpus, heavy


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--bytecode", choices=("cached", "none"), default="cached")
    args = ap.parse_args()
    repeats = max(1, args.repeats)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="realign-startup-") as tmp:
        if args.bytecode == "cached":
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = tmp
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        base, base_cpu, _ = _time([sys.executable, "-c", "pass"], env, repeats)
        base_med = statistics.median(base)
        print(
            f"{'python -c pass':<44} min {min(base):.3f}  median {base_med:.3f}  max {max(base):.3f} s  "
            f"cpu {statistics.median(base_cpu):.3f} s"
        )
        rows = []
        for cmd in all_commands():
            argv = [sys.executable, "-c", PROBE, *cmd, "--help"]
            if args.bytecode == "cached":
                _time(argv, env, 1)  # writes the .pyc files, as installing does
            times, cpus, heavy = _time(argv, env, repeats)
            med = statistics.median(times)
            row = {
                "command": " ".join(["realign", *cmd, "--help"]),
                "min_s": round(min(times), 3),
                "median_s": round(med, 3),
                "max_s": round(max(times), 3),
                "cpu_median_s": round(statistics.median(cpus), 3),
                "ratio_to_python": round(med / base_med, 2),
                "heavy_modules": heavy.split(",") if heavy else [],
            }
            rows.append(row)
            print(
                f"{row['command']:<44} min {row['min_s']:.3f}  median {row['median_s']:.3f}  "
                f"max {row['max_s']:.3f} s  cpu {row['cpu_median_s']:.3f} s  x{row['ratio_to_python']:.1f} python  "
                f"heavy: {', '.join(row['heavy_modules']) or 'none'}"
            )
    worst = max(rows, key=lambda r: r["median_s"])
    load = os.getloadavg()[0]
    print(
        f"slowest median: {worst['command']} {worst['median_s']:.3f} s (target <= 0.3 s); bytecode {args.bytecode}, "
        f"{repeats} repeats, load average {load:.1f} on {os.cpu_count()} cores (wall time grows with load; "
        "cpu time much less)"
    )
    print(
        json.dumps(
            {
                "python_median_s": round(base_med, 3),
                "load_average": round(load, 2),
                "bytecode": args.bytecode,
                "repeats": repeats,
                "commands": rows,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
