"""CLI start-up time: `realign --help` and every command's `--help`, each in a fresh process.

Prints min / median / max wall time over ``--repeats`` runs (default 5) per command, and the heavy
modules (pandas, numpy, numba, ...) each one imported (target: none; target time <= 0.3 s).

    .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

COMMANDS = [[], ["system"], ["history"], ["data"], ["landscape"], ["balance"], ["events"], ["scenario"],
            ["simulate"], ["consequences"], ["forecast"], ["check-essay"], ["serve"], ["validate"]]
HEAVY = ("pandas", "numpy", "numba", "pyarrow", "duckdb", "networkx", "scipy")
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    rows = []
    for cmd in COMMANDS:
        times, heavy = [], ""
        for _ in range(max(1, args.repeats)):
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-c", PROBE, *cmd, "--help"], capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            heavy = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
        row = {"command": " ".join(["realign", *cmd, "--help"]), "min_s": round(min(times), 3),
               "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
               "heavy_modules": heavy.split(",") if heavy else []}
        rows.append(row)
        print(f"{row['command']:<34} min {row['min_s']:.3f}  median {row['median_s']:.3f}  max {row['max_s']:.3f} s"
              f"  heavy: {', '.join(row['heavy_modules']) or 'none'}")
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
