"""Fuzz the essay checker: random essays built from date, timing and state fragments must never crash.

Run outside the test suite (``python bench/essay_fuzz.py --cases 100000``); prints the number of
cases, crashes (with the first few inputs) and the elapsed time. A crash is any exception other
than realign's own :class:`~realign.errors.RealignError` (clear errors for bad input are fine).
Seeded: the same ``--seed`` gives the same essays.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback

FRAGMENTS = [
    "within {n} years",
    "within {n} months",
    "within {n} weeks",
    "before the battle",
    "after the battle",
    "in the wake of the battle",
    "following the battle",
    "by {y}",
    "in {y}",
    "in early {y}",
    "in the {y}s",
    "on {d} {mon} {y}",
    "{mon} {d}, {y}",
    "{y}-{m:02d}-{d:02d}",
    "eventually",
    "post-war",
    "decades later",
    "Romania switched sides",
    "the U.S. increased its aid to the Soviet Union",
    "Japan changed alliances",
    "Britain began to support the USSR",
    "the Axis collapsed",
    "Germany was isolated",
    "e.g.",
    "U.S.",
    "Dr.",
    "NATO",
    "the Eastern Bloc",
    "neutral countries",
    "Finland left the war",
    "Italy joined the Allies",
    "as the tide shifted",
    "in response to the battle",
    "because of Stalingrad",
    "Lend-Lease shipments rose",
    "Arctic convoys were suspended",
    "Turkey declared war on Germany",
    "\u2026",
    "!",
    "?",
    ".",
    ",",
    "\n",
    "- ",
]
MONTHS = ["January", "May", "February", "December", "Sept"]


def _fragment(rng: random.Random) -> str:
    f = rng.choice(FRAGMENTS)
    n = rng.choice([0, 1, 2, 10, 99, 10000, 10**9, 10**30, rng.randint(0, 100000)])
    y = rng.choice([1, 2, 1799, 1800, 1899, 1939, 1942, 1943, 1945, 2029, 9999, rng.randint(1800, 2029)])
    return f.format(n=n, y=y, d=rng.randint(0, 40), m=rng.randint(0, 14), mon=rng.choice(MONTHS))


def _event(rng: random.Random) -> str | None:
    a = rng.choice(["0001-01-01", "0001-01-02", "1942-08-23", "1939-09-01", "9999-12-01", "9998-06-30", "1941-06-22"])
    b = rng.choice([a, "9999-12-31", "1943-02-02", "0001-01-31", "1945-05-08"])
    return rng.choice([None, f"Fuzz:{a}:{b}", "Stalingrad:1942-08-23:1943-02-02"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    from realign.errors import RealignError
    from realign.essay import check_essay

    rng = random.Random(args.seed)
    crashes: list[tuple[str, str | None, str]] = []
    t0 = time.perf_counter()
    for i in range(args.cases):
        text = " ".join(_fragment(rng) for _ in range(rng.randint(1, 12)))
        event = _event(rng)
        try:
            check_essay(text, event=event, classifier="rules")
        except RealignError:
            pass
        except Exception:  # noqa: BLE001 - counting crashes is the point
            crashes.append((text, event, traceback.format_exc(limit=3)))
        if (i + 1) % 10_000 == 0:
            print(f"{i + 1} cases, {len(crashes)} crashes, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(f"cases={args.cases} crashes={len(crashes)} seconds={time.perf_counter() - t0:.1f}")
    for text, event, tb in crashes[:5]:
        print(f"--- event={event!r} text={text!r}\n{tb}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
