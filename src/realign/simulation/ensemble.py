"""Ensembles: many replicates in batches, streamed to Parquet with a manifest, resumable, on Dask.

Each replicate gets its own ``SeedSequence`` child of the run's root seed (recorded with the
replicate), so any replicate can be replayed alone and the same seed gives the same result
whatever the batch size, worker count or scheduler. Each finished batch is written atomically
(temporary file + rename); a killed run keeps every finished batch and ``resume`` skips them.

Execution: in-process (``workers=0``), local processes (default), a Dask ``LocalCluster``
(``workers=N, dask=True``) or an existing Dask scheduler (``scheduler="tcp://host:8786"``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from realign import __version__
from realign.atomic import atomic_write, atomic_write_json
from realign.data.store import manifest as data_manifest
from realign.errors import InputFileError, InvalidParameterError
from realign.models.choice import PARAMS
from realign.simulation.engine import SIDE_LABELS, SimInputs, SimulationSpec, prepare, simulate

__all__ = ["run_ensemble", "EnsembleResult", "replicate_seeds", "run_batch"]


def replicate_seeds(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """One SeedSequence child per replicate (the recorded per-replicate seed is its spawn key).

    Parameters
    ----------
    seed : int
        Root seed, >= 0.
    runs : int
        Number of replicates.

    Returns
    -------
    list[np.random.SeedSequence]
        ``runs`` children of ``SeedSequence(seed)``, replicate ``r`` with spawn key ``(r,)``.

    Raises
    ------
    InvalidParameterError
        If ``seed`` is not an int >= 0.
    """
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidParameterError(f"The 'seed' parameter must be an int >= 0. Got {seed!r} instead.")
    return np.random.SeedSequence(int(seed)).spawn(runs)


def run_batch(inputs: SimInputs, seed: int, first: int, count: int) -> dict:
    """Simulate replicates ``first .. first+count-1`` of a run (picklable; used by every backend).

    Parameters
    ----------
    inputs : SimInputs
        Kernel inputs from :func:`~realign.simulation.engine.prepare`.
    seed : int
        Root seed of the run.
    first, count : int
        Index of the first replicate and number of replicates.

    Returns
    -------
    dict
        ``first``, ``count``, ``counts`` ((T, n, 3) replicates per side), ``shares`` ((count, T, 3)
        float32), ``sides`` ((count, T, n) int8) and ``draws`` (per-replicate parameters).
    """
    # child r of SeedSequence(seed) is SeedSequence(seed, spawn_key=(r,)): built directly, not by spawning
    # first + count children per batch (quadratic in the run size)
    seeds = [np.random.SeedSequence(int(seed), spawn_key=(r,)) for r in range(first, first + count)]
    sides, shares, draws = simulate(inputs, seeds)
    R, T, n = sides.shape
    counts = np.zeros((T, n, 3), dtype=np.int64)
    for a in range(3):
        counts[:, :, a] = (sides == a).sum(axis=0)
    return {
        "first": first,
        "count": count,
        "counts": counts,
        "shares": shares.astype(np.float32),
        "sides": sides,
        "draws": draws,
    }


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False, compression="zstd"))


@dataclass
class EnsembleResult:
    """Aggregated ensemble output: P(side) per month per state, capability shares, draws."""

    spec: SimulationSpec
    ccodes: list[int]
    days: list
    counts: np.ndarray  # (T, n, 3) replicate counts per side
    shares: np.ndarray  # (R, T, 3) material capability share of neutral/allies/axis
    draws: pd.DataFrame  # one row per replicate: replicate, spawn_key, kernel_seed, params...
    runs: int
    seed: int
    manifest: dict
    exit_month: np.ndarray | None = None  # (R, n) first month index a state is off its start side, -1 never

    @property
    def p_side(self) -> np.ndarray:
        """(T, n, 3) probability of neutral / allies / axis per month and state."""
        return self.counts / max(self.runs, 1)

    def p_side_dict(self, ndigits: int = 4) -> dict:
        """``{ccode(str): {"YYYY-MM": {"allies": p, "axis": p, "neutral": p}}}`` (the report contract).

        Parameters
        ----------
        ndigits : int, default 4
            Decimals of the rounded probabilities.

        Returns
        -------
        dict
            See above; probabilities in [0, 1].
        """
        p = self.p_side
        out: dict[str, dict] = {}
        for i, c in enumerate(self.ccodes):
            out[str(c)] = {
                d.strftime("%Y-%m"): {
                    "allies": round(float(p[t, i, 1]), ndigits),
                    "axis": round(float(p[t, i, 2]), ndigits),
                    "neutral": round(float(p[t, i, 0]), ndigits),
                }
                for t, d in enumerate(self.days)
            }
        return out

    def frame(self) -> pd.DataFrame:
        """Long table: month, ccode, p_neutral, p_allies, p_axis."""
        p = self.p_side
        rows = [
            {
                "month": d.strftime("%Y-%m"),
                "ccode": c,
                "p_neutral": p[t, i, 0],
                "p_allies": p[t, i, 1],
                "p_axis": p[t, i, 2],
            }
            for t, d in enumerate(self.days)
            for i, c in enumerate(self.ccodes)
        ]
        return pd.DataFrame(rows)


def _config_hash(spec: SimulationSpec, seed: int, runs: int, batch: int) -> str:
    blob = json.dumps(
        {"spec": spec.to_dict(), "seed": seed, "runs": runs, "batch": batch, "version": __version__}, sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _write_batch(out: Path, res: dict, days: list, ccodes: list[int], b: int) -> None:
    T, n, _ = res["counts"].shape
    tt, ii, aa = np.meshgrid(np.arange(T), np.arange(n), np.arange(3), indexing="ij")
    counts = pd.DataFrame(
        {
            "month": np.array([d.strftime("%Y-%m") for d in days])[tt.ravel()],
            "ccode": np.array(ccodes)[ii.ravel()].astype("int32"),
            "side": np.array(SIDE_LABELS)[aa.ravel()],
            "n": res["counts"].ravel(),
        }
    )
    d = res["draws"]
    cols: dict[str, np.ndarray] = {
        "replicate": np.arange(res["first"], res["first"] + res["count"]),
        "kernel_seed": d["kernel_seed"],
        "credscale": d["credscale"],
    }
    for k, name in enumerate(PARAMS):
        cols[name] = d["theta"][:, k]
    for t in range(T):
        cols[f"axis_share_{t}"] = res["shares"][:, t, 2]
        cols[f"allies_share_{t}"] = res["shares"][:, t, 1]
    # exit month: first month a state's side differs from the start-day side (-1 = never)
    changed = res["sides"] != res["init"][None, None, :]
    first = np.where(changed.any(axis=1), changed.argmax(axis=1), -1)
    for i, c in enumerate(ccodes):
        cols[f"exit_{c}"] = first[:, i].astype(np.int16)
    reps = pd.DataFrame(cols)
    _atomic_parquet(counts, out / f"counts-{b:05d}.parquet")
    _atomic_parquet(reps, out / f"replicates-{b:05d}.parquet")


def _batch_complete(out: Path, b: int, count: int, n_counts: int) -> bool:
    """Both files of batch ``b`` exist and are readable Parquet with the expected row counts."""
    import pyarrow.parquet as pq

    try:
        return (
            pq.read_metadata(out / f"counts-{b:05d}.parquet").num_rows == n_counts
            and pq.read_metadata(out / f"replicates-{b:05d}.parquet").num_rows == count
        )
    except (OSError, ValueError):
        return False


def _backend_iter(
    inputs: SimInputs, seed: int, jobs: list[tuple[int, int]], workers: int | None, scheduler: str | None, dask: bool
) -> Iterable[dict]:
    if scheduler or dask:
        from distributed import Client, LocalCluster
        from distributed import as_completed as d_as_completed

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        try:
            # hash=False: a key of this client's own, so another (or an earlier, closing) client of the same
            # scheduler scattering identical inputs cannot release them under us ("lost dependencies")
            big = client.scatter(inputs, broadcast=True, hash=False)
            futs = [client.submit(run_batch, big, seed, f, c, pure=False) for f, c in jobs]
            for fut in d_as_completed(futs):
                yield fut.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    if not workers:
        for f, c in jobs:
            yield run_batch(inputs, seed, f, c)
        return
    with ProcessPoolExecutor(max_workers=workers) as ex:
        futs = [ex.submit(run_batch, inputs, seed, f, c) for f, c in jobs]
        for fut in as_completed(futs):
            yield fut.result()


def _read_run_manifest(path: Path) -> dict:
    """The manifest of an earlier run in ``--out``; a corrupt one is a clear error, not a traceback."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(
            f"the run manifest cannot be read ({exc}); use a new --out or remove the folder", path=str(path)
        ) from None
    if not isinstance(old, dict):
        raise InputFileError(
            "the run manifest is not a JSON object; use a new --out or remove the folder", path=str(path)
        )
    return old


def run_ensemble(
    spec: SimulationSpec,
    *,
    runs: int = 1000,
    seed: int = 0,
    out: str | Path | None = None,
    batch_size: int = 500,
    workers: int | None = 0,
    scheduler: str | None = None,
    dask: bool = False,
    resume: bool = True,
    progress: Callable[[int, int], None] | None = None,
    inputs: SimInputs | None = None,
) -> EnsembleResult:
    """Run ``runs`` replicates of ``spec`` and aggregate them.

    With ``out`` the run is streamed to ``out/`` (``manifest.json``, ``counts-*.parquet``,
    ``replicates-*.parquet``); an interrupted run resumes from the finished batches. ``progress``
    is called as ``progress(done, total)`` after each batch.

    Parameters
    ----------
    spec : SimulationSpec
        What to simulate.
    runs, seed, batch_size : int, default 1000, 0, 500
        Replicates (1 to 1,000,000), root seed (>= 0), replicates per batch (>= 1).
    out : str, Path or None, default None
        Output folder (created if needed); ``None`` keeps everything in memory.
    workers, scheduler, dask : int or None (default 0), str or None, bool (default False)
        Backend: in process (``workers`` 0), a process pool, a dask scheduler address, or a local dask cluster.
    resume : bool, default True
        Skip batches already complete in ``out`` (a folder holding a different run is then refused).
    progress, inputs : Callable[[int, int], None] or None, SimInputs or None
        Progress callback (batches done, total); prepared inputs (default ``prepare(spec)``).

    Returns
    -------
    EnsembleResult
        Aggregated side counts and shares of the ``runs`` replicates.

    Raises
    ------
    InvalidParameterError, InputFileError
        Bad ``runs``, ``batch_size`` or ``seed``; ``out`` is a file or holds an unreadable manifest.
    """
    if not isinstance(runs, int) or runs < 1 or runs > 1_000_000:
        raise InvalidParameterError(f"The 'runs' parameter must be an int in [1, 1000000]. Got {runs!r} instead.")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidParameterError(f"The 'batch_size' parameter must be an int >= 1. Got {batch_size!r} instead.")
    replicate_seeds(seed, 0)  # validates the seed
    outdir = Path(out) if out else None
    if outdir is not None:  # a bad output folder is refused before the (seconds-long) preparation
        if outdir.exists() and not outdir.is_dir():
            raise InputFileError(
                "the output must be a folder (or a path that does not exist yet); this is a file", path=str(outdir)
            )
        if (outdir / "manifest.json").exists():
            _read_run_manifest(outdir / "manifest.json")
    inputs = inputs or prepare(spec)
    ccodes = [int(c) for c in inputs.ccodes]
    days = list(inputs.days)
    jobs = [(f, min(batch_size, runs - f)) for f in range(0, runs, batch_size)]
    man = _run_manifest(spec, inputs, runs, seed, batch_size)
    done_batches = _open_outdir(outdir, man, jobs, len(days) * len(ccodes) * 3, resume) if outdir else set()
    todo = [j for j in jobs if (j[0] // batch_size) not in done_batches]
    done = len(jobs) - len(todo)
    if progress:
        progress(done, len(jobs))
    results: dict[int, dict] = {}
    for res in _backend_iter(inputs, seed, todo, workers, scheduler, dask):
        res["init"] = inputs.init_side
        b = res["first"] // batch_size
        if outdir:
            _write_batch(outdir, res, days, ccodes, b)
            res.pop("sides", None)
        results[b] = res
        done += 1
        if progress:
            progress(done, len(jobs))
    return _aggregate(spec, inputs, ccodes, days, runs, seed, batch_size, results, outdir, man)


def _run_manifest(spec: SimulationSpec, inputs: SimInputs, runs: int, seed: int, batch_size: int) -> dict:
    """The run's ``manifest.json`` (without ``complete``): scenario, seeds, versions, fitted model, config hash."""
    return {
        "scenario": spec.to_dict(),
        "runs": runs,
        "seed": int(seed),
        "batch_size": batch_size,
        "seed_scheme": "numpy SeedSequence(seed).spawn(runs)[replicate]; kernel seed drawn from it",
        "package_version": __version__,
        "data_versions": {k: {"version": v["version"], "sha256": v["sha256"]} for k, v in data_manifest().items()},
        "model": {
            "theta": dict(zip(PARAMS, inputs.theta.tolist(), strict=True)),
            "theta_se": dict(zip(PARAMS, np.sqrt(np.diag(inputs.theta_cov)).tolist(), strict=True)),
            "credibility_sd": inputs.credibility_sd,
        },
        "config": _config_hash(spec, seed, runs, batch_size),
    }


def _open_outdir(outdir: Path, man: dict, jobs: list[tuple[int, int]], cells: int, resume: bool) -> set[int]:
    """Create or reopen ``outdir`` for the run; returns the batches already complete there (when resuming).

    ``cells`` = days x states x 3, the rows of a complete batch's counts file. A folder holding a
    different run is refused (when resuming); stale temp files are removed; the manifest is written
    with ``complete: false``.
    """
    done_batches: set[int] = set()
    outdir.mkdir(parents=True, exist_ok=True)
    mpath = outdir / "manifest.json"
    if mpath.exists():
        old = _read_run_manifest(mpath)
        if old.get("config") != man["config"] and resume:
            raise InvalidParameterError(
                f"{outdir} holds a different run (config {old.get('config')}); use a new --out or remove it."
            )
        if resume and old.get("config") == man["config"]:
            expected = dict(enumerate(c for _, c in jobs))
            for b, count in expected.items():
                if _batch_complete(outdir, b, count, cells):
                    done_batches.add(b)
    for stale in outdir.glob("tmp*.tmp"):  # left by a run killed mid-write; never read
        stale.unlink(missing_ok=True)
    atomic_write_json({**man, "complete": False}, mpath)
    return done_batches


def _aggregate(spec, inputs, ccodes, days, runs, seed, batch_size, results, outdir, man) -> EnsembleResult:
    T, n = len(days), len(ccodes)
    counts = np.zeros((T, n, 3), dtype=np.int64)
    share_rows, draw_rows, exits = [], [], []
    n_batches = -(-runs // batch_size)
    for b in range(n_batches):
        if b in results and "sides" in results[b]:
            res = results[b]
            counts += res["counts"]
            share_rows.append(res["shares"])
            changed = res["sides"] != inputs.init_side[None, None, :]
            exits.append(np.where(changed.any(axis=1), changed.argmax(axis=1), -1))
            d = res["draws"]
            df = pd.DataFrame(
                {
                    "replicate": np.arange(res["first"], res["first"] + res["count"]),
                    "kernel_seed": d["kernel_seed"],
                    "credscale": d["credscale"],
                }
            )
            for k, name in enumerate(PARAMS):
                df[name] = d["theta"][:, k]
            draw_rows.append(df)
        else:
            c = pd.read_parquet(outdir / f"counts-{b:05d}.parquet")
            month_idx = {d.strftime("%Y-%m"): t for t, d in enumerate(days)}
            pos = {cc: i for i, cc in enumerate(ccodes)}
            side_idx = {s: a for a, s in enumerate(SIDE_LABELS)}
            counts[
                c["month"].map(month_idx).to_numpy(), c["ccode"].map(pos).to_numpy(), c["side"].map(side_idx).to_numpy()
            ] += c["n"].to_numpy()
            r = pd.read_parquet(outdir / f"replicates-{b:05d}.parquet")
            sh = np.zeros((len(r), T, 3), dtype=np.float32)
            for t in range(T):
                sh[:, t, 2] = r[f"axis_share_{t}"].to_numpy()
                sh[:, t, 1] = r[f"allies_share_{t}"].to_numpy()
            sh[:, :, 0] = 1 - sh[:, :, 1] - sh[:, :, 2]
            share_rows.append(sh)
            exits.append(np.stack([r[f"exit_{c}"].to_numpy() for c in ccodes], axis=1))
            draw_rows.append(r[["replicate", "kernel_seed", "credscale", *PARAMS]])
    shares = np.concatenate(share_rows) if share_rows else np.zeros((0, T, 3))
    draws = pd.concat(draw_rows, ignore_index=True) if draw_rows else pd.DataFrame()
    if outdir:
        atomic_write_json({**man, "complete": True}, outdir / "manifest.json")
    return EnsembleResult(
        spec, ccodes, days, counts, shares, draws, runs, int(seed), man, np.concatenate(exits) if exits else None
    )
