"""Time the essay checker on large and adversarial inputs (not part of the test suite).

``python bench/essay.py`` prints one line per case: bytes, sentences found, sentences checked,
seconds. Cases: "e.g. " x 16,000 (was 47 s), the example essay repeated to 200 kB, 2 MB and 5 MB,
a 2 MB line without any sentence end, and 2 MB of state names (state matching). Rules only
(the embedding model's load time is not the checker's). The example essay is read from
``../shared/examples/stalingrad_essay.txt`` (override with ``REALIGN_ESSAY``), never bundled.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESSAY = Path(os.environ.get("REALIGN_ESSAY", ROOT.parent / "shared" / "examples" / "stalingrad_essay.txt"))


def _sized(text: str, size: int) -> str:
    return (text * (size // len(text) + 1))[:size]


def main() -> None:
    from realign.essay import check_essay
    from realign.essay.sentences import split_sentences

    check_essay("Romania switched sides in 1944.", event="Stalingrad:1942-08-23:1943-02-02", classifier="rules")
    base = ESSAY.read_text(encoding="utf-8") if ESSAY.exists() else "The U.S. sent aid to the Soviet Union in 1943. "
    cases = {
        "e.g. x16000": "e.g. " * 16_000,
        "essay 200 kB": _sized(base, 200_000),
        "essay 2 MB": _sized(base, 2_000_000),
        "essay 5 MB": _sized(base, 5_000_000),
        "one line 2 MB, no sentence end": _sized("the battle changed the war and ", 2_000_000),
        "state names 2 MB": _sized("Romania Bulgaria Hungary Finland Japan Turkey Italy ", 2_000_000),
    }
    for name, text in cases.items():
        t0 = time.perf_counter()
        n = len(split_sentences(text))
        t1 = time.perf_counter()
        r = check_essay(text, event="Stalingrad:1942-08-23:1943-02-02", classifier="rules")
        t2 = time.perf_counter()
        print(
            f"{name:34s} {len(text.encode()):>9,d} B  {n:>7,d} sentences  split {t1 - t0:6.2f} s  "
            f"check {len(r['sentences']):>5,d} in {t2 - t1:6.2f} s"
        )


def bench_state_matching() -> None:
    """find_states alone on long runs of state names (was quadratic: 25/50/100 kB took 2.7/12.6/53 s)."""
    import datetime as dt

    from realign.essay.claims import find_states

    for n in (25_000, 100_000, 2_000_000):
        text = _sized("Romania Bulgaria Hungary Finland Japan Turkey Italy ", n)
        t0 = time.perf_counter()
        found = find_states(text, dt.date(1943, 2, 2))
        print(f"find_states {n:>9,d} B  {len(found):>7,d} mentions  {time.perf_counter() - t0:6.2f} s")


if __name__ == "__main__":
    bench_state_matching()
    main()
