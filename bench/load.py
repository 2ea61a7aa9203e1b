"""Load test of the web API: N concurrent requests to /api/system on 127.0.0.1.

Starts ``uvicorn realign.web.app:app`` in a subprocess on a free port of 127.0.0.1 (or uses
``--url`` of a running server), sends ``--requests`` requests (default 200) all at once with an
httpx AsyncClient to a seeded mix of /api/system dates (1936-1955, some repeated), and prints
errors (target 0) and p50/p99 latency. Bounded in count and time: each request has a timeout and
the whole run a deadline. Exit code 1 when any request failed.

    .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --requests 500 --mix      # also network/state/capability
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "uvicorn", "realign.web.app:app", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning", "--workers", str(workers)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})


def wait_ready(url: str, proc: subprocess.Popen | None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise SystemExit(f"server exited early: {err}")
        try:
            if httpx.get(url + "/api", timeout=2.0).status_code == 200:
                # steady state: wait for the warm-up (network layout, timeline history) to finish
                for path in ("/api/network?date=1942-11-19", "/api/state/360?date=1942-11-19"):
                    httpx.get(url + path, timeout=max(1.0, deadline - time.monotonic()))
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server at {url} not ready within {timeout:.0f} s")


def urls(n: int, mix: bool, seed: int) -> list[str]:
    rng = random.Random(seed)
    start, days = dt.date(1936, 1, 1), (dt.date(1955, 12, 31) - dt.date(1936, 1, 1)).days
    hot = ["1942-11-19", "1943-02-02", "1944-09-15", "1944-10-01"]
    out = []
    for i in range(n):
        if rng.random() < 0.25:
            d = hot[i % len(hot)]
        else:
            d = (start + dt.timedelta(days=rng.randrange(days + 1))).isoformat()
        if mix and i % 5 == 1:
            out.append(f"/api/network?date={d}")
        elif mix and i % 5 == 2:
            out.append(f"/api/state/360?date={d}")
        elif mix and i % 10 == 3:
            out.append("/api/capability?start=1936&end=1955")
        else:
            out.append(f"/api/system?date={d}")
    return out


async def fire(base: str, paths: list[str], timeout: float, deadline: float) -> tuple[list[float], list[str]]:
    lat: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=len(paths))

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        async def one(path: str) -> None:
            t0 = time.perf_counter()
            try:
                r = await client.get(path)
                if r.status_code != 200:
                    errors.append(f"{path}: HTTP {r.status_code} {r.text[:120]}")
                else:
                    r.json()
            except (httpx.HTTPError, ValueError) as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
            lat.append(time.perf_counter() - t0)

        try:
            await asyncio.wait_for(asyncio.gather(*(one(p) for p in paths)), timeout=deadline)
        except TimeoutError:
            errors.append(f"run deadline of {deadline:.0f} s exceeded ({len(lat)}/{len(paths)} done)")
    return lat, errors


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200, help="concurrent requests (default 200, max 5000)")
    ap.add_argument("--url", help="use a running server (e.g. http://127.0.0.1:8000) instead of starting one")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers of the started server")
    ap.add_argument("--mix", action="store_true", help="mix in /api/network, /api/state and /api/capability")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    ap.add_argument("--deadline", type=float, default=120.0, help="whole-run deadline, seconds")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    n = max(1, min(args.requests, 5000))

    proc = None
    base = args.url
    if base is None:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(port, args.workers)
    try:
        t0 = time.perf_counter()
        wait_ready(base, proc)
        startup = time.perf_counter() - t0
        paths = urls(n, args.mix, args.seed)
        t1 = time.perf_counter()
        lat, errors = asyncio.run(fire(base, paths, args.timeout, args.deadline))
        wall = time.perf_counter() - t1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    for e in errors[:10]:
        print("error:", e)
    report = {
        "requests": n, "concurrency": n, "errors": len(errors), "server": base, "mix": args.mix,
        "p50_ms": round(1000 * pct(lat, 0.50), 1), "p99_ms": round(1000 * pct(lat, 0.99), 1),
        "max_ms": round(1000 * max(lat), 1) if lat else None,
        "mean_ms": round(1000 * statistics.fmean(lat), 1) if lat else None,
        "wall_s": round(wall, 2), "throughput_rps": round(len(lat) / wall, 1) if wall else None,
        "server_startup_s": round(startup, 2),
    }
    print(f"{n} concurrent requests to {base}: errors {len(errors)} (target 0); "
          f"p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms, max {report['max_ms']} ms; "
          f"{report['throughput_rps']} req/s over {report['wall_s']} s")
    print(json.dumps(report))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
