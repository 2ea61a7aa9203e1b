"""All directed dyad-years 1816-2014 with the seven issue-13 adders: realign.panels vs a naive pandas merge chain.

Ours: ``build_panel("dyad-years", 1816, 2014, "nmc,atop,contiguity,wars,mids,democracy,sscore")`` (DuckDB
queries over the bundled Parquet for each source, numpy keyed gathers, sparse cross-tabs for S).
Naive: the same bundled Parquet files read with pandas and joined with a chain of ``merge`` calls (state-years
exploded from the spells, a per-year self-merge for the dyads, year-exploded contiguity/war/MID spells merged
in); the S-scores step is the same library call in both, so the ratio compares the joins.

Each side runs in its own subprocess (clean peak RSS); it builds once to warm up (traced by tracemalloc),
then times ``--repeat`` warm builds and reports the median wall time, the CPU time and the peak memory
(RSS and tracemalloc).
Usage: ``python bench/panels.py [--repeat 3] [--start 1816 --end 2014]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

ADD = "nmc,atop,contiguity,wars,mids,democracy,sscore"


def ours(start: int, end: int) -> pd.DataFrame:
    from realign.panels import build_panel

    return build_panel("dyad-years", start, end, ADD)


def _years(df: pd.DataFrame, a: str = "start", b: str = "end") -> pd.DataFrame:
    df = df.assign(year=[list(range(s.year, e.year + 1)) for s, e in zip(df[a], df[b], strict=True)])
    return df.explode("year").astype({"year": "int64"})


def naive(start: int, end: int) -> pd.DataFrame:
    """peacesciencer-style chain of pandas merges over the same Parquet files (no DuckDB)."""
    from realign.data.store import table_path
    from realign.panels import add_sscore
    from realign.panels.core import DIRECTED, with_info

    t = {
        n: pd.read_parquet(table_path(n))
        for n in (
            "states",
            "nmc",
            "atop",
            "contiguity",
            "war_participants",
            "war_dyads",
            "mid_participants",
            "democracy",
        )
    }
    sy = _years(t["states"])[["ccode", "start", "end", "year"]]
    sy = sy[(sy.year >= start) & (sy.year <= end)]
    d = sy.merge(sy, on="year", suffixes=("1", "2"))
    d = d[d.ccode1 != d.ccode2]
    lo = np.maximum(d.start1, d.start2).clip(lower=pd.to_datetime(d.year.astype(str) + "-01-01"))
    hi = np.minimum(d.end1, d.end2).clip(upper=pd.to_datetime(d.year.astype(str) + "-12-31"))
    d = d[lo <= hi][["ccode1", "ccode2", "year"]].drop_duplicates()
    for i in (1, 2):
        for name, cols in (
            ("nmc", ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]),
            ("democracy", ["euds", "aeuds", "polity2", "v2x_polyarchy"]),
        ):
            right = t[name][["ccode", "year", *cols]].rename(
                columns={"ccode": f"ccode{i}", **{c: f"{c}{i}" for c in cols}}
            )
            d = d.merge(right, on=[f"ccode{i}", "year"], how="left")
    d = d.merge(t["atop"], on=["ccode1", "ccode2", "year"], how="left")
    c = _years(t["contiguity"])
    c = pd.concat([c, c.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
    d = d.merge(c.groupby(["ccode1", "ccode2", "year"], as_index=False).conttype.min(), how="left")
    w = _years(t["war_participants"])[["war", "ccode", "side", "year"]]
    ww = w.merge(w, on=["war", "year"], suffixes=("1", "2"))
    ww = ww[ww.ccode1 != ww.ccode2].sort_values("war").drop_duplicates(["ccode1", "ccode2", "year"])
    d = d.merge(ww.rename(columns={"war": "war_common"}), how="left")
    wd = t["war_dyads"][["ccode1", "ccode2", "year"]].drop_duplicates().assign(war_dyad_ongoing=1)
    d = d.merge(wd, how="left")
    m = t["mid_participants"]
    mm = m.merge(m, on="dispnum", suffixes=("1", "2"))
    mm = mm[(mm.sidea1 != mm.sidea2) & (mm.start1 <= mm.end2) & (mm.start2 <= mm.end1)]
    mm = mm.assign(start=np.maximum(mm.start1, mm.start2), end=np.minimum(mm.end1, mm.end2))
    mm = _years(mm)[["ccode1", "ccode2", "year"]].drop_duplicates().assign(mid_ongoing=1)
    d = d.merge(mm, how="left")
    d = with_info(d.reset_index(drop=True), {"unit": DIRECTED, "sources": [], "columns": {}})
    return add_sscore(d)


def run(mode: str, start: int, end: int, repeat: int) -> dict:
    fn = ours if mode == "ours" else naive
    tracemalloc.start()  # the warm-up build is traced (peak of Python/numpy allocations); timed builds are not
    df = fn(start, end)  # warm-up: imports, checksums, DuckDB views, cached source relations
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    walls, cpus = [], []
    for _ in range(repeat):
        del df
        w0, c0 = time.perf_counter(), time.process_time()
        df = fn(start, end)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    return {
        "mode": mode,
        "rows": len(df),
        "cols": df.shape[1],
        "median_s": statistics.median(walls),
        "walls": walls,
        "median_cpu_s": statistics.median(cpus),
        "peak_rss_mib": rss,
        "peak_traced_mib": peak / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--start", type=int, default=1816)
    ap.add_argument("--end", type=int, default=2014)
    ap.add_argument("--mode", choices=["ours", "naive"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.mode:
        print(json.dumps(run(a.mode, a.start, a.end, a.repeat)))
        return
    res = {}
    for mode in ("ours", "naive"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--mode",
                mode,
                "--repeat",
                str(a.repeat),
                "--start",
                str(a.start),
                "--end",
                str(a.end),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        res[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        r = res[mode]
        print(
            f"{mode:5}: {r['rows']:,} rows x {r['cols']} cols; median {r['median_s']:.2f} s wall "
            f"(runs {', '.join(f'{w:.2f}' for w in r['walls'])}), {r['median_cpu_s']:.2f} s CPU; "
            f"peak RSS {r['peak_rss_mib']:.0f} MiB, peak traced {r['peak_traced_mib']:.0f} MiB"
        )
    ratio = res["naive"]["median_s"] / res["ours"]["median_s"]
    print(
        f"naive / ours = {ratio:.1f}x (wall); target ours <= 5 s: "
        f"{'met' if res['ours']['median_s'] <= 5 else 'NOT met'}; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
