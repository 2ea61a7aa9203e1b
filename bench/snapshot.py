"""Warm ``System.at`` time vs a raw DuckDB scan of the same Parquet rows (target ratio <= 3x).

The DuckDB peer reads what the snapshot needs for one day straight from the bundled Parquet
files: members that day, that year's CINC, that year's ATOP rows, war spells and contiguity in
force. Both run in this process, warm, over the same list of dates; the script prints ratios.
"""

from __future__ import annotations

import argparse
import random
import time

import duckdb

from realign import System
from realign.data.store import table_path


def duck_peer(con: duckdb.DuckDBPyConnection, date: str) -> tuple:
    p = {n: str(table_path(n)) for n in ("states", "nmc", "atop", "war_participants", "contiguity", "majors")}
    y = int(date[:4])
    states = con.execute(
        f"SELECT s.ccode, s.stateabb, s.statenme, n.cinc FROM read_parquet('{p['states']}') s "
        f"LEFT JOIN (SELECT * FROM read_parquet('{p['nmc']}') WHERE year = {y}) n USING (ccode) "
        f"WHERE DATE '{date}' BETWEEN s.start AND s.\"end\""
    ).fetchall()
    majors = con.execute(
        f"SELECT ccode FROM read_parquet('{p['majors']}') WHERE DATE '{date}' BETWEEN start AND \"end\""
    ).fetchall()
    atop = con.execute(f"SELECT * FROM read_parquet('{p['atop']}') WHERE year = {y}").fetchall()
    wars = con.execute(
        f"SELECT war, ccode, side FROM read_parquet('{p['war_participants']}') "
        f"WHERE DATE '{date}' BETWEEN start AND \"end\""
    ).fetchall()
    cont = con.execute(
        f"SELECT ccode1, ccode2, conttype FROM read_parquet('{p['contiguity']}') "
        f"WHERE DATE '{date}' BETWEEN start AND \"end\""
    ).fetchall()
    return states, majors, atop, wars, cont


def timeit(fn, dates, repeat: int) -> float:
    best = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for d in dates:
            fn(d)
        best.append((time.perf_counter() - t0) / len(dates))
    return min(best)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dates", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(0)
    dates = [f"{rng.randint(1936, 1955)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(args.dates)]
    con = duckdb.connect()
    System.at(dates[0])  # warm: tables loaded and indexed once
    duck_peer(con, dates[0])
    t_sys = timeit(System.at, dates, args.repeat)
    t_duck = timeit(lambda d: duck_peer(con, d), dates, args.repeat)
    t_json = timeit(lambda d: System.at(d).to_dict(), dates[:10], 1)
    print(
        f"System.at warm: {t_sys * 1e3:.2f} ms/date; DuckDB raw scan: {t_duck * 1e3:.2f} ms/date; "
        f"System.at + to_dict: {t_json * 1e3:.2f} ms/date"
    )
    print(f"ratio_vs_duckdb_scan={t_sys / t_duck:.2f} (target <= 3.0)")


if __name__ == "__main__":
    main()
