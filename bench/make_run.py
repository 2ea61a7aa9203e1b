"""`make run`'s report, cold and warm: wall time, CPU time and peak memory of fresh processes.

Each repeat runs ``realign consequences stalingrad --runs 2000 --seed 0 --out DIR`` in a new
process (``python -m realign``, install excluded), as ``make run`` does:

* **cold**: an empty fit cache (``REALIGN_CACHE_DIR`` pointed at a new directory): every model fit
  is computed and stored (numba's own on-disk JIT cache is left as it is);
* **warm**: the same cache directory again: fits are read back, not refitted;
* **fresh** (with ``--fresh``): an empty fit cache *and* an empty numba cache (``NUMBA_CACHE_DIR`` pointed
  at a new directory), as the first run in a fresh clone: every numba kernel is compiled too.

Prints, per mode, min / median / max over ``--repeats`` (default 3) of wall seconds, CPU seconds
(user + system of the child) and peak resident memory (MB, ``ru_maxrss`` of that child from
``os.wait4``), then ``warm_over_cold`` (median wall ratio) and whether the issue-14 targets
(first run <= 15 s, second <= 8 s) are met. CPU seconds are the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def one_run(cache: Path, out: Path, runs: int, env_extra: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, cpu s, peak MB) of one fresh ``realign consequences`` process."""
    path = f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    env = dict(os.environ, REALIGN_CACHE_DIR=str(cache), PYTHONPATH=path, **env_extra)
    cmd = [
        sys.executable,
        "-m",
        "realign",
        "consequences",
        "stalingrad",
        "--runs",
        str(runs),
        "--seed",
        "0",
        "--out",
        str(out),
    ]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"realign consequences failed ({p.returncode}):\n{err[-2000:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def summary(name: str, xs: list[float], unit: str) -> str:
    return f"{name}_{unit}: min={min(xs):.2f} median={statistics.median(xs):.2f} max={max(xs):.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--fresh", action="store_true", help="also time runs with empty fit and numba caches")
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="set OPENBLAS/OMP/MKL_NUM_THREADS for the child (default: inherit)",
    )
    args = ap.parse_args()
    if args.repeats < 1:
        raise SystemExit("--repeats must be >= 1")
    extra = {}
    if args.blas_threads:
        extra = {k: str(args.blas_threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    load0 = os.getloadavg()[0]
    res: dict[str, list[tuple[float, float, float]]] = {"cold": [], "warm": []}
    if args.fresh:
        res["fresh"] = []
    with tempfile.TemporaryDirectory(prefix="realign-bench-") as tmp:
        for r in range(args.repeats):
            cache = Path(tmp) / f"cache{r}"
            res["cold"].append(one_run(cache, Path(tmp) / "out", args.runs, extra))
            res["warm"].append(one_run(cache, Path(tmp) / "out", args.runs, extra))
            if args.fresh:
                numba_dir = {"NUMBA_CACHE_DIR": str(Path(tmp) / f"numba{r}")}
                res["fresh"].append(one_run(Path(tmp) / f"fresh{r}", Path(tmp) / "out", args.runs, extra | numba_dir))
    print(
        f"runs_per_arm={args.runs} repeats={args.repeats} blas_threads={args.blas_threads or 'inherited'} "
        f"cores={os.cpu_count()} load1_before={load0:.2f} load1_after={os.getloadavg()[0]:.2f}"
    )
    for mode, rows in res.items():
        print(summary(mode, [w for w, _, _ in rows], "wall_s"))
        print(summary(mode, [c for _, c, _ in rows], "cpu_s"))
        print(summary(mode, [m for _, _, m in rows], "peak_mb"))
    cold = statistics.median(w for w, _, _ in res["cold"])
    warm = statistics.median(w for w, _, _ in res["warm"])
    print(f"warm_over_cold={warm / cold:.2f}")
    print(
        f"target_first_run_le_15s={'yes' if cold <= 15 else 'no'} "
        f"target_second_run_le_8s={'yes' if warm <= 8 else 'no'}"
    )
    if args.fresh:
        fresh = statistics.median(w for w, _, _ in res["fresh"])
        print(f"target_fresh_clone_first_run_le_15s={'yes' if fresh <= 15 else 'no'}")


if __name__ == "__main__":
    main()
