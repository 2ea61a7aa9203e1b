"""Benchmark realign's landscape solvers against peers run in the same process run (issue 6).

Peers (optional; skipped cleanly if not importable — ``pip install dimod dwave-samplers``):
dimod ``ExactSolver``, dwave-samplers ``TreeDecompositionSolver`` and ``SteepestDescentSolver``.

Instance sets: ``structured`` (lognormal sizes, two latent blocs plus noise), ``noise`` (same sizes,
uniform noise propensities) and ``sk`` (equal sizes, ±1 propensities, no blocs).

Measures: wall time (s), peak memory as the child process's max-RSS growth (each timed solve runs in a
fresh spawned process, so numba/C++ allocations count), success rate (fraction of runs/reads reaching the
best-known energy), and time-to-99% ``TTS99 = t_run * ln(0.01)/ln(1-p)`` (``t_run`` if p = 1).
Prints ``ratio_vs_<peer>=X`` lines (X > 1: realign faster) with absolute numbers beside them.

    python bench/solvers.py --quick     # subset, under a minute
    python bench/solvers.py             # full run
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import resource
import sys
import time

import numpy as np


def instance(kind: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(0.0, 1.0, n)
    if kind == "structured":
        bloc = rng.integers(0, 2, n)
        p = np.where(bloc[:, None] == bloc[None, :], 1.0, -1.0) + 0.5 * rng.normal(size=(n, n))
    elif kind == "noise":
        p = rng.uniform(-1, 1, (n, n))
    elif kind == "sk":
        sizes = np.ones(n)
        p = rng.choice([-1.0, 1.0], (n, n))
    else:
        raise ValueError(kind)
    p = np.triu(p, 1)
    return sizes, p + p.T


def coupl(kind: str, n: int, seed: int = 0) -> np.ndarray:
    from realign.solvers.exact import couplings

    return couplings(*instance(kind, n, seed))


def bqm_of(w: np.ndarray):
    import dimod

    n = w.shape[0]
    j = {(i, k): -w[i, k] / 2.0 for i in range(n) for k in range(i + 1, n) if w[i, k] != 0}
    return dimod.BinaryQuadraticModel.from_ising({i: 0.0 for i in range(n)}, j, float(np.triu(w, 1).sum() / 2))


def have(mod: str) -> bool:
    try:
        __import__(mod)
        return True
    except Exception:
        return False


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ------------------------------------------------------------------ child-process measurements
def _child(task: str, kind: str, n: int, seed: int):
    w = coupl(kind, n, seed)
    if task == "ours_exact":
        from realign.solvers.exact import solve_exact

        solve_exact(coupl(kind, 8, 1))  # warm (load compiled code)
        base = rss_mb()
        t = time.perf_counter()
        r = solve_exact(w)
        dt = time.perf_counter() - t
        return dt, rss_mb() - base, r.energy
    if task == "ours_bnb":
        from realign.solvers.bnb import solve_bnb

        solve_bnb(coupl(kind, 8, 1))
        base = rss_mb()
        t = time.perf_counter()
        r = solve_bnb(w)
        dt = time.perf_counter() - t
        return dt, rss_mb() - base, r.energy if r.exact else float("nan")
    bqm = bqm_of(w)
    if task == "tree":
        from dwave.samplers import TreeDecompositionSolver as S
    else:
        from dimod import ExactSolver as S
    S().sample(bqm_of(coupl(kind, 6, 1)))
    base = rss_mb()
    t = time.perf_counter()
    ss = S().sample(bqm)
    dt = time.perf_counter() - t
    return dt, rss_mb() - base, float(ss.first.energy)


def measure(task: str, kind: str, n: int, seed: int = 0):
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(_child, (task, kind, n, seed))


def line(name: str, ratio: float, **info) -> None:
    extra = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in info.items())
    print(f"  ratio_vs_{name}={ratio:.3g}  {extra}", flush=True)


# ------------------------------------------------------------------------------------- sections
def bench_exact(quick: bool) -> None:
    print("== exact (noise instances unless noted) ==", flush=True)
    for n in ([20, 24] if quick else [20, 24, 26]):
        ours = measure("ours_exact", "noise", n)
        print(f" N={n} realign exact: {ours[0]:.4f}s mem+{ours[1]:.1f}MB E={ours[2]:.6g}", flush=True)
        if have("dwave.samplers"):
            tr = measure("tree", "noise", n)
            ok = abs(tr[2] - ours[2]) <= 1e-6 * max(1, abs(ours[2]))
            line("TreeDecompositionSolver", tr[0] / ours[0], n=n, t_ours=ours[0], t_peer=tr[0],
                 mem_ours_MB=ours[1], mem_peer_MB=tr[1], mem_ratio=(ours[1] + 1e-9) / max(tr[1], 1e-9),
                 same_energy=ok)
        if have("dimod") and n <= (20 if quick else 24):
            ex = measure("dimod", "noise", n)
            line("ExactSolver", ex[0] / ours[0], n=n, t_ours=ours[0], t_peer=ex[0], mem_ours_MB=ours[1],
                 mem_peer_MB=ex[1], same_energy=abs(ex[2] - ours[2]) <= 1e-6 * max(1, abs(ours[2])))
    for n in ([30] if quick else [30, 32, 34]):
        ours = measure("ours_exact", "sk", n)
        print(f" N={n} realign exact (sk, 2 cores): {ours[0]:.2f}s mem+{ours[1]:.1f}MB", flush=True)
    for kind in ("structured", "noise", "sk"):
        for n in ([40] if quick else [40, 50, 60]):
            r = measure("ours_bnb", kind, n)
            print(f" N={n} realign bnb ({kind}): {r[0]:.3f}s proven={not math.isnan(r[2])}", flush=True)


def tts(t_run: float, p: float) -> float:
    if p <= 0:
        return float("inf")
    if p >= 1:
        return t_run
    return t_run * max(1.0, math.log(0.01) / math.log(1 - p))


def bench_heuristic(quick: bool) -> None:
    from realign.solvers.bnb import solve_bnb
    from realign.solvers.heuristic import steepest_descent, tabu_search

    print("== heuristic: time to best-known with 99% probability ==", flush=True)
    sizes = [24, 34] if quick else [17, 24, 34, 40, 60, 120, 190]
    sd_peer = None
    if have("dwave.samplers"):
        from dwave.samplers import SteepestDescentSolver

        sd_peer = SteepestDescentSolver()
    for kind in ("noise", "sk"):
        for n in sizes:
            w = coupl(kind, n, 1)
            tabu_search(w, 4, seed=0)
            steepest_descent(w, 4, seed=0)
            b = solve_bnb(w, max_nodes=300_000_000) if n <= 60 else None
            runs = 2000 if n <= 60 else 500
            t = time.perf_counter()
            tb = tabu_search(w, runs, n_iter=10 * n, seed=2)
            t_tabu = (time.perf_counter() - t) / runs
            t = time.perf_counter()
            sd = steepest_descent(w, 20 * runs, seed=3)
            t_sd = (time.perf_counter() - t) / (20 * runs)
            cands = [tb.energy, sd.energy] + ([b.energy] if b is not None else [])
            peer = None
            if sd_peer is not None:
                bqm = bqm_of(w)
                sd_peer.sample(bqm, num_reads=10)
                reads = 20 * runs
                t = time.perf_counter()
                ss = sd_peer.sample(bqm, num_reads=reads)
                t_peer = (time.perf_counter() - t) / reads
                pe = ss.record.energy
                cands.append(float(pe.min()))
                peer = (t_peer, pe)
            best = min(cands)
            tol = 1e-7 * max(1.0, abs(best))
            p_tabu = float(np.mean(tb.run_energies <= best + tol))
            p_sd = float(np.mean(sd.run_energies <= best + tol))
            tt, ts = tts(t_tabu, p_tabu), tts(t_sd, p_sd)
            proven = b is not None and b.exact
            print(f" {kind} N={n} best={best:.6g} (proven={proven}) realign tabu p={p_tabu:.3f} "
                  f"TTS99={tt * 1e3:.4f}ms; realign descent p={p_sd:.4f} TTS99={ts * 1e3:.4f}ms", flush=True)
            if peer is not None:
                p_peer = float(np.mean(peer[1] <= best + tol))
                tp = tts(peer[0], p_peer)
                ours = min(tt, ts)
                line("SteepestDescentSolver", tp / ours, kind=kind, n=n, tts99_ours_ms=ours * 1e3,
                     tts99_peer_ms=tp * 1e3, p_ours_tabu=p_tabu, p_peer=p_peer)


def bench_ensemble(quick: bool) -> None:
    from realign.solvers.bnb import solve_bnb
    from realign.solvers.heuristic import solve_ensemble

    print("== ensembles at N=40 (structured) ==", flush=True)
    sizes, p = instance("structured", 40, 5)
    m = 30_000 if quick else 100_000
    solve_ensemble(sizes, p, 100, seed=1)
    t = time.perf_counter()
    ens = solve_ensemble(sizes, p, m, seed=1)
    dt = time.perf_counter() - t
    rate = m / dt
    check = 300 if quick else 1000
    idx = np.linspace(0, m - 1, check).astype(int)
    refs = []
    for i in idx:
        refs.append(solve_bnb(ens.couplings(sizes, p, i)).energy)
    refs = np.array(refs)
    agree = float(np.mean(np.abs(ens.energies[idx] - refs) <= 1e-7 * np.maximum(1, np.abs(refs))))
    print(f" realign: {m} solves in {dt:.3f}s = {rate:.0f} solves/s (2 cores), agreement with exact (BnB) "
          f"on {check} = {agree:.4f}, labels array {ens.labels.nbytes / 1e6:.1f}MB", flush=True)
    if have("dwave.samplers"):
        from dwave.samplers import SteepestDescentSolver

        sd = SteepestDescentSolver()
        k = 200
        for reads in (10, 50):
            t = time.perf_counter()
            es = []
            for i in idx[:k]:
                ss = sd.sample(bqm_of(ens.couplings(sizes, p, i)), num_reads=reads)
                es.append(float(ss.first.energy))
            t_one = (time.perf_counter() - t) / k
            ag = float(np.mean(np.abs(np.array(es) - refs[:k]) <= 1e-7 * np.maximum(1, np.abs(refs[:k]))))
            pool_rate = 2.0 / t_one  # ideal 2-process pool (upper bound for the peer)
            line("SteepestDescentSolver_pool", rate / pool_rate, reads=reads, ours_solves_s=rate,
                 peer_pool_solves_s=pool_rate, agree_ours=agree, agree_peer=ag)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="subset, under a minute")
    ap.add_argument("--only", choices=["exact", "heuristic", "ensemble"], default=None)
    args = ap.parse_args(argv)
    import numba

    print(f"python {sys.version.split()[0]} numba {numba.__version__} threads={numba.get_num_threads()} "
          f"peers: dimod={have('dimod')} dwave-samplers={have('dwave.samplers')}", flush=True)
    t0 = time.perf_counter()
    if args.only in (None, "exact"):
        bench_exact(args.quick)
    if args.only in (None, "heuristic"):
        bench_heuristic(args.quick)
    if args.only in (None, "ensemble"):
        bench_ensemble(args.quick)
    print(f"total {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
