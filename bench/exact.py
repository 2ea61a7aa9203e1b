"""Exact frontier on `sk` instances, with repeats: global minimum (realign bnb vs CP-SAT, SCIP) and
every local minimum (realign pruned search vs realign Gray-code enumeration).

One named algorithm per row; every timed figure is min / median / max over ``--repeats`` (default 3):

* **cold**: a fresh process (imports, numba cache load, model build and the solve), wall seconds;
* **warm**: the same solve again inside that process (model build + solve; no import, no JIT load).

Each row also gives CPU seconds (every thread of the process; cold = the whole process up to the end of
the first solve) and the load average after the row, so a figure from a shared machine can be judged.

Threads: the global-minimum rows run realign bnb with ``threads=T`` and CP-SAT with ``num_workers=T`` for each
``--threads`` T (default 1 and 2), so each ratio compares equal thread counts; SCIP runs single-threaded (one
row, at T=1). realign bnb splits only sub-problems of ``PAR_FROM`` (48) spins or more across threads.
The Gray-code enumeration and the pruned search (from N=24) use numba's threads (2 on this machine); the rows say so.
Peer time limits are wall-clock: on a loaded machine a peer gets less CPU inside its limit. Peers are
skipped cleanly when not installed (``pip install ortools pyscipopt``). Instances: equal sizes, ±1 propensities (the
``sk`` family of bench/solvers.py), integer couplings, so the MIP peers solve the same numbers.
A solve that is not proven within ``--limit`` seconds prints ``proven=False``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from solvers import coupl, have  # noqa: E402  (bench helper beside this file)


def _solve(algo: str, w, limit: float, threads: int = 1) -> tuple[float, bool, str]:
    """(energy, proven, extra) of one solve."""
    n = w.shape[0]
    if algo == "realign-bnb":
        from realign.solvers.bnb import solve_bnb

        r = solve_bnb(w, threads=threads)
        return r.energy, bool(r.exact), f"nodes={r.nodes}"
    if algo == "realign-minima":
        from realign.solvers.minima import enumerate_minima

        r = enumerate_minima(w)
        return r.energy, r.complete, f"minima={r.n_minima} nodes={r.nodes}"
    if algo == "realign-gray":
        from realign.solvers.exact import solve_exact

        r = solve_exact(w)
        return r.energy, not r.truncated, f"minima={r.n_minima}"
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if w[i, j] != 0]
    if algo == "cp-sat":
        from ortools.sat.python import cp_model

        m = cp_model.CpModel()
        x = [m.NewBoolVar(f"x{i}") for i in range(n)]
        m.Add(x[0] == 0)
        obj = []
        for i, j in pairs:
            y = m.NewBoolVar(f"y{i}_{j}")  # 1 when i and j are in different coalitions
            m.AddBoolXOr([x[i], x[j], y.Not()])
            obj.append(int(round(w[i, j])) * y)
        m.Minimize(sum(obj))
        s = cp_model.CpSolver()
        s.parameters.num_workers = threads
        s.parameters.max_time_in_seconds = limit
        st = s.Solve(m)
        return float(s.ObjectiveValue()), st == cp_model.OPTIMAL, ""
    if algo == "scip":
        from pyscipopt import Model, quicksum

        m = Model()
        m.hideOutput()
        m.setParam("limits/time", limit)
        x = [m.addVar(vtype="B") for _ in range(n)]
        m.addCons(x[0] == 0)
        terms = []
        for i, j in pairs:
            y = m.addVar(vtype="B")
            if w[i, j] > 0:  # cut costs: y must be 1 when they differ
                m.addCons(y >= x[i] - x[j])
                m.addCons(y >= x[j] - x[i])
            else:  # cut pays: y may be 1 only when they differ
                m.addCons(y <= x[i] + x[j])
                m.addCons(y <= 2 - x[i] - x[j])
            terms.append(float(w[i, j]) * y)
        m.setObjective(quicksum(terms), "minimize")
        m.optimize()
        return float(m.getObjVal()), m.getStatus() == "optimal", ""
    raise ValueError(algo)


def _child(algo: str, n: int, seed: int, limit: float, t_start: float, threads: int = 1) -> dict:
    w = coupl("sk", n, seed)
    e, proven, extra = _solve(algo, w, limit, threads)
    cold = time.time() - t_start  # since the parent launched this process
    cold_cpu = time.process_time()  # CPU of this process so far, every thread
    t, c = time.perf_counter(), time.process_time()
    _solve(algo, w, limit, threads)
    warm = time.perf_counter() - t
    warm_cpu = time.process_time() - c
    return {
        "energy": e,
        "proven": proven,
        "extra": extra,
        "cold": cold,
        "warm": warm,
        "cold_cpu": cold_cpu,
        "warm_cpu": warm_cpu,
    }


def run(algo: str, n: int, seed: int, limit: float, threads: int = 1) -> dict:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(_child, (algo, n, seed, limit, time.time(), threads))


def _mmm(xs: list[float]) -> str:
    return f"{min(xs):.3f}/{statistics.median(xs):.3f}/{max(xs):.3f}"


def row(algo: str, n: int, repeats: int, limit: float, threads: str, nthreads: int = 1) -> dict:
    rs = [run(algo, n, 0, limit, nthreads) for _ in range(repeats)]
    out = {
        "algo": algo,
        "n": n,
        "energy": rs[0]["energy"],
        "proven": all(r["proven"] for r in rs),
        "cold": [r["cold"] for r in rs],
        "warm": [r["warm"] for r in rs],
        "cold_cpu": [r["cold_cpu"] for r in rs],
        "warm_cpu": [r["warm_cpu"] for r in rs],
        "extra": rs[0]["extra"],
    }
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"  {algo:15s} N={n:3d} threads={threads} E={out['energy']:.6g} proven={out['proven']} "
        f"cold_s(min/med/max)={_mmm(out['cold'])} warm_s={_mmm(out['warm'])} "
        f"cold_cpu_s={_mmm(out['cold_cpu'])} warm_cpu_s={_mmm(out['warm_cpu'])} load1/5/15={load} {out['extra']}",
        flush=True,
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--limit", type=float, default=120.0, help="peer time limit per solve, seconds")
    ap.add_argument("--global-n", type=int, nargs="*", default=[40, 50])
    ap.add_argument(
        "--threads", type=int, nargs="*", default=[1, 2], help="global-minimum rows: realign and CP-SAT threads"
    )
    ap.add_argument("--minima-n", type=int, nargs="*", default=[24, 28, 30])
    ap.add_argument(
        "--gray-max-n", type=int, default=32, help="largest N for the Gray-code row (N 2^N work: N=34 takes ~1 min)"
    )
    ap.add_argument("--no-peers", action="store_true", help="realign rows only (CP-SAT and SCIP skipped)")
    args = ap.parse_args()
    peers = [a for a, mod in (("cp-sat", "ortools"), ("scip", "pyscipopt")) if have(mod) and not args.no_peers]
    print(f"== global minimum, sk (peers: {', '.join(peers) or 'none installed'}) ==", flush=True)
    for n, t in [(n, t) for n in args.global_n for t in args.threads]:
        ours = row("realign-bnb", n, args.repeats, args.limit, str(t), t)
        for p in peers:
            if p == "scip" and t > 1:
                continue  # SCIP's LP-based search is single-threaded: its row stands beside each thread count
            r = row(p, n, args.repeats, args.limit, str(t), t)
            same = abs(r["energy"] - ours["energy"]) < 1e-6
            warm = statistics.median(r["warm"]) / max(statistics.median(ours["warm"]), 1e-6)
            cold = statistics.median(r["cold"]) / statistics.median(ours["cold"])
            print(
                f"    ratio_{p}_over_realign-bnb warm={warm:.3g} cold={cold:.3g} same_energy={same} "
                f"(a peer not proven within --limit makes the ratio a lower bound)",
                flush=True,
            )
    print("== every local minimum, sk ==", flush=True)
    for n in args.minima_n:
        a = row("realign-minima", n, args.repeats, args.limit, "numba default (split from N=24)" if n >= 24 else "1")
        if n > args.gray_max_n:
            print(f"    realign-gray skipped at N={n} (> --gray-max-n {args.gray_max_n})", flush=True)
            continue
        b = row("realign-gray", n, args.repeats, args.limit, "numba default (all cores)")
        print(
            f"    ratio_gray_over_minima warm={statistics.median(b['warm']) / statistics.median(a['warm']):.3g} "
            f"cold={statistics.median(b['cold']) / statistics.median(a['cold']):.3g} "
            f"same_energy={abs(a['energy'] - b['energy']) < 1e-9}",
            flush=True,
        )


if __name__ == "__main__":
    main()
