"""Forecast throughput: 10,000 Stalingrad futures (issue 10: < 60 s on 2 cores), beside the older engine.

1. Fit: the exit/join/contact hazards across wars for information up to 1943-02-02 (timed once;
   cached afterwards, as in a report run).
2. ``--runs`` (default 10,000) factual futures from 1943-02-02 to 1945-04 with the vectorised
   forecast engine (all channels on), timed after one warm-up run of 100 futures.
3. The same number of runs of the older alignment-choice ensemble engine (numba kernel, in this
   process), for the ratio.

Prints ``key=value`` lines (seconds) and ``ratio_...``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

AT = dt.date(1943, 2, 2)
UNTIL = dt.date(1945, 4, 30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10_000)
    args = ap.parse_args()
    from realign.simulation.forecast import ForecastSpec, fitted_hazards, run_forecast

    t0 = time.perf_counter()
    fitted_hazards(AT, 139)
    fit = time.perf_counter() - t0
    run_forecast(ForecastSpec(war=139, at=AT, until=UNTIL, runs=100, seed=0, events=(("stalingrad", "historical"),)))
    t0 = time.perf_counter()
    res = run_forecast(
        ForecastSpec(war=139, at=AT, until=UNTIL, runs=args.runs, seed=0, events=(("stalingrad", "historical"),))
    )
    ours = time.perf_counter() - t0

    from realign.simulation.engine import SimulationSpec, prepare
    from realign.simulation.ensemble import run_batch

    spec = SimulationSpec(AT, len(res.days), (("stalingrad", "historical"),))
    inputs = prepare(spec)
    run_batch(inputs, 0, 0, 50)  # numba compile / cache load
    t0 = time.perf_counter()
    run_batch(inputs, 0, 0, args.runs)
    peer = time.perf_counter() - t0
    print(f"runs={args.runs}")
    print(f"months={len(res.days)}")
    print(f"states={len(res.ccodes)}")
    print(f"hazard_fit_s={fit:.2f}")
    print(f"forecast_s={ours:.2f}")
    print(f"choice_engine_s={peer:.2f}")
    print(f"ratio_forecast_vs_choice_engine={ours / peer:.2f}")
    print(f"target_forecast_under_60s={'yes' if ours + fit < 60 else 'no'}")


if __name__ == "__main__":
    main()
