"""Load test of the web API: N concurrent requests to /api/system on 127.0.0.1.

Starts ``uvicorn realign.web.app:app`` in a subprocess on a free port of 127.0.0.1 (or uses
``--url`` of a running server), sends one unmeasured warm-up burst, then ``--repeats`` bursts
(default 3) of ``--requests`` requests (default 200) all at once with an httpx AsyncClient to a
seeded mix of /api/system dates (1936-1955, 25% repeated hot days; repeat i uses seed + i, so most
days are new to the server's caches). Prints per burst and as min/median/max over the bursts:
errors (target 0), p50/p99 latency and req/s. Bounded in count and time: each request has a
timeout and each burst a deadline. Exit code 1 when any request failed.

``--heavy N`` instead measures light reads under heavy load: N concurrent /api/consequences
requests (distinct seeds, so none is cached) while one reader reads /api/history back to back
(0.1 s apart) for ``--heavy-seconds``; it prints the history latencies (target p99 <= 1 s).

    .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --requests 500 --mix      # also network/state/capability
    .venv/bin/python bench/load.py --heavy 45
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
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "realign.web.app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--workers",
        str(workers),
    ]
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


async def fire(
    base: str, paths: list[str], timeout: float, deadline: float, client: str = "raw"
) -> tuple[list[float], list[str]]:
    """All ``paths`` at once, one connection each; latency per request and the errors."""
    if client == "httpx":
        return await fire_httpx(base, paths, timeout, deadline)
    lat: list[float] = []
    errors: list[str] = []
    host, port = base.removeprefix("http://").split(":")

    async def one(path: str) -> None:
        t0 = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(raw_get(host, int(port), path), timeout)
            if status != 200:
                errors.append(f"{path}: HTTP {status} {body[:120]!r}")
            else:
                json.loads(body)
        except (OSError, TimeoutError, ValueError) as exc:
            errors.append(f"{path}: {type(exc).__name__}: {exc}")
        lat.append(time.perf_counter() - t0)

    try:
        await asyncio.wait_for(asyncio.gather(*(one(p) for p in paths)), timeout=deadline)
    except TimeoutError:
        errors.append(f"run deadline of {deadline:.0f} s exceeded ({len(lat)}/{len(paths)} done)")
    return lat, errors


async def raw_get(host: str, port: int, path: str) -> tuple[int, bytes]:
    """A minimal HTTP/1.1 GET on its own connection (the load generator must cost far less CPU than the
    server it measures: httpx's AsyncClient spent ~10x the server's CPU per request here)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = None
        for line in head.split(b"\r\n")[1:]:
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await (reader.readexactly(length) if length is not None else reader.read())
        return status, body
    finally:
        writer.close()


async def fire_httpx(base: str, paths: list[str], timeout: float, deadline: float) -> tuple[list[float], list[str]]:
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


async def heavy_load(base: str, n: int, runs: int, seconds: float) -> dict:
    """n concurrent ensembles, and /api/history every 0.1 s meanwhile; history latencies."""
    lat: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=n + 50, max_keepalive_connections=n + 50)
    async with httpx.AsyncClient(base_url=base, timeout=seconds + 30, limits=limits) as client:

        async def heavy(i: int) -> None:
            try:
                await client.get(f"/api/consequences/stalingrad?runs={runs}&seed={1000 + i}")
            except httpx.HTTPError:
                pass  # cancelled at the end of the window, or refused: only the light reads are measured

        async def light(k: int) -> None:
            t0 = time.perf_counter()
            try:
                r = await client.get(f"/api/history?after=1943-02-02&months={12 + k % 24}")
                if r.status_code != 200:
                    errors.append(f"history: HTTP {r.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"history: {type(exc).__name__}: {exc}")
            lat.append(time.perf_counter() - t0)

        heavy_tasks = [asyncio.create_task(heavy(i)) for i in range(n)]
        await asyncio.sleep(1.0)  # the ensembles are admitted and running
        t_end = time.perf_counter() + seconds
        k = 0
        while time.perf_counter() < t_end:  # one reader: a request, its answer, 0.1 s, the next
            await light(k)
            k += 1
            await asyncio.sleep(0.1)
        for t in heavy_tasks:
            t.cancel()
        await asyncio.gather(*heavy_tasks, return_exceptions=True)
    return {
        "heavy_requests": n,
        "heavy_runs": runs,
        "light_requests": len(lat),
        "light_errors": len(errors),
        "history_p50_ms": round(1000 * pct(lat, 0.5), 1),
        "history_p99_ms": round(1000 * pct(lat, 0.99), 1),
        "history_max_ms": round(1000 * max(lat), 1) if lat else None,
        "errors_sample": errors[:5],
    }


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def burst_report(lat: list[float], errors: list[str], wall: float) -> dict:
    return {
        "errors": len(errors),
        "p50_ms": round(1000 * pct(lat, 0.50), 1),
        "p99_ms": round(1000 * pct(lat, 0.99), 1),
        "max_ms": round(1000 * max(lat), 1) if lat else None,
        "mean_ms": round(1000 * statistics.fmean(lat), 1) if lat else None,
        "wall_s": round(wall, 3),
        "throughput_rps": round(len(lat) / wall, 1) if wall else None,
    }


def spread(rows: list[dict], key: str) -> dict:
    xs = [r[key] for r in rows if r[key] is not None]
    return {"min": min(xs), "median": statistics.median(xs), "max": max(xs)} if xs else {}


def peak_rss_mb(proc: subprocess.Popen | None) -> float | None:
    """Peak resident memory of the started server (Linux /proc VmHWM), or None."""
    try:
        with open(f"/proc/{proc.pid}/status") as fh:  # type: ignore[union-attr]
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, AttributeError):
        return None
    return None


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _parser() -> argparse.ArgumentParser:
    """The command-line options of this benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200, help="concurrent requests (default 200, max 5000)")
    ap.add_argument("--repeats", type=int, default=3, help="measured bursts (default 3)")
    ap.add_argument("--url", help="use a running server (e.g. http://127.0.0.1:8000) instead of starting one")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers of the started server")
    ap.add_argument("--mix", action="store_true", help="mix in /api/network, /api/state and /api/capability")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    ap.add_argument("--deadline", type=float, default=120.0, help="per-burst deadline, seconds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="load generator: raw asyncio HTTP/1.1 (light, default) or httpx.AsyncClient",
    )
    ap.add_argument("--heavy", type=int, default=0, help="measure /api/history under N concurrent ensembles")
    ap.add_argument("--heavy-runs", type=int, default=50, help="runs per heavy request (default 50)")
    ap.add_argument("--heavy-seconds", type=float, default=30.0, help="light-read window under load (default 30)")
    return ap


def main() -> int:
    args = _parser().parse_args()
    n = max(1, min(args.requests, 5000))

    proc = None
    base = args.url
    if base is None:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(port, args.workers)
    bursts: list[dict] = []
    all_errors: list[str] = []
    try:
        t0 = time.perf_counter()
        wait_ready(base, proc)
        startup = time.perf_counter() - t0
        if args.heavy:
            rep = asyncio.run(heavy_load(base, args.heavy, args.heavy_runs, args.heavy_seconds))
            rep["server_peak_rss_mb"] = peak_rss_mb(proc)
            print(
                f"/api/history under {args.heavy} concurrent /api/consequences: {rep['light_requests']} reads, "
                f"errors {rep['light_errors']}; p50 {rep['history_p50_ms']} ms, p99 {rep['history_p99_ms']} ms "
                f"(target <= 1000), max {rep['history_max_ms']} ms; server peak RSS {rep['server_peak_rss_mb']} MB"
            )
            print(json.dumps({**rep, "server": base, "workers": args.workers}))
            for e in rep.pop("errors_sample"):
                print("error:", e)
            return 1 if rep["light_errors"] else 0
        asyncio.run(
            fire(base, urls(n, args.mix, args.seed + 10_000), args.timeout, args.deadline, args.client)
        )  # warm-up
        for i in range(max(1, args.repeats)):
            t1 = time.perf_counter()
            lat, errors = asyncio.run(
                fire(base, urls(n, args.mix, args.seed + i), args.timeout, args.deadline, args.client)
            )
            rep = burst_report(lat, errors, time.perf_counter() - t1)
            all_errors += errors
            bursts.append(rep)
            print(
                f"burst {i + 1}: {n} concurrent requests: errors {rep['errors']}; p50 {rep['p50_ms']} ms, "
                f"p99 {rep['p99_ms']} ms, max {rep['max_ms']} ms; {rep['throughput_rps']} req/s"
            )
    finally:
        stop(proc)

    for e in all_errors[:10]:
        print("error:", e)
    summary = {k: spread(bursts, k) for k in ("p50_ms", "p99_ms", "throughput_rps")}
    print(
        f"{len(bursts)} bursts of {n} concurrent requests to {base} ({args.workers} worker(s)): errors "
        f"{len(all_errors)} (target 0); p50 median {summary['p50_ms']['median']} ms, p99 median "
        f"{summary['p99_ms']['median']} ms (target <= 1000), median {summary['throughput_rps']['median']} req/s "
        f"(target >= 200); min-max p99 {summary['p99_ms']['min']}-{summary['p99_ms']['max']} ms"
    )
    print(
        json.dumps(
            {
                "requests": n,
                "repeats": len(bursts),
                "errors": len(all_errors),
                "mix": args.mix,
                "client": args.client,
                "workers": args.workers,
                "server_startup_s": round(startup, 2),
                "bursts": bursts,
                "summary": summary,
            }
        )
    )
    return 1 if all_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
