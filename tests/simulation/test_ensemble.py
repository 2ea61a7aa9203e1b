"""Ensembles: determinism under a seed, atomic batch files, resume after a killed run, Dask LocalCluster."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from realign.errors import InvalidParameterError
from realign.simulation.engine import SimulationSpec, prepare
from realign.simulation.ensemble import run_batch, run_ensemble

SPEC = SimulationSpec(dt.date(1942, 8, 1), 12, (("stalingrad", "historical"), ("el_alamein", "historical")))
SEED = 1942
RUNS = 200


@pytest.fixture(scope="module")
def inputs():
    return prepare(SPEC)


@pytest.fixture(scope="module")
def reference(inputs):
    """The uninterrupted in-process run everything else must reproduce."""
    return run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=50, inputs=inputs)


def _same(a, b, *, shares_atol=1e-6):
    np.testing.assert_array_equal(a.counts, b.counts)
    pd.testing.assert_frame_equal(a.draws.reset_index(drop=True), b.draws.reset_index(drop=True), check_dtype=False)
    np.testing.assert_array_equal(a.exit_month, b.exit_month)
    np.testing.assert_allclose(a.shares, b.shares, atol=shares_atol)


def _batch_files(out: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(out.glob("*-*.parquet"))}


# ----------------------------------------------------------------------------- determinism


def test_result_shape_and_probabilities(reference, inputs):
    T, n = len(inputs.days), len(inputs.ccodes)
    assert reference.counts.shape == (T, n, 3) and reference.shares.shape == (RUNS, T, 3)
    assert (reference.counts.sum(axis=2) == RUNS).all()
    np.testing.assert_allclose(reference.p_side.sum(axis=2), 1.0)
    assert len(reference.draws) == RUNS and reference.draws["replicate"].tolist() == list(range(RUNS))
    assert reference.exit_month.shape == (RUNS, n)
    d = reference.p_side_dict()
    assert set(d["325"]["1943-03"]) == {"allies", "axis", "neutral"}
    assert abs(sum(d["325"]["1943-03"].values()) - 1) < 1e-3
    fr = reference.frame()
    assert list(fr.columns) == ["month", "ccode", "p_neutral", "p_allies", "p_axis"] and len(fr) == T * n


def test_same_seed_same_result_other_seed_differs(reference, inputs):
    again = run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=50, inputs=inputs)
    _same(reference, again, shares_atol=0)
    other = run_ensemble(SPEC, runs=RUNS, seed=SEED + 1, batch_size=50, inputs=inputs)
    assert not np.array_equal(reference.counts, other.counts)


@pytest.mark.parametrize("batch_size", [1_000, 64, 7])
def test_batch_size_does_not_change_the_result(reference, inputs, batch_size):
    _same(reference, run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=batch_size, inputs=inputs))


def test_process_pool_gives_the_same_result(reference, inputs):
    _same(reference, run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=30, workers=2, inputs=inputs))


def test_a_replicate_replayed_alone_equals_its_row(reference, inputs):
    whole = run_batch(inputs, SEED, 0, RUNS)
    for r in (0, 1, 57, RUNS - 1):
        alone = run_batch(inputs, SEED, r, 1)
        np.testing.assert_array_equal(alone["sides"][0], whole["sides"][r])
        np.testing.assert_array_equal(alone["shares"][0], whole["shares"][r])
        assert alone["draws"]["kernel_seed"][0] == reference.draws.loc[r, "kernel_seed"]
        changed = alone["sides"][0] != inputs.init_side[None, :]
        exit_r = np.where(changed.any(axis=0), changed.argmax(axis=0), -1)
        np.testing.assert_array_equal(exit_r, reference.exit_month[r])
    # a prefix of the run is the same replicates as the start of the full run
    short = run_ensemble(SPEC, runs=60, seed=SEED, batch_size=50, inputs=inputs)
    pd.testing.assert_frame_equal(short.draws, reference.draws.iloc[:60], check_dtype=False)


def test_batch_seeds_are_the_spawned_children(inputs):
    """run_batch builds child r directly; it must equal SeedSequence(seed).spawn(runs)[r] (the recorded scheme)."""
    from realign.simulation.engine import replicate_draws
    from realign.simulation.ensemble import replicate_seeds

    kids = replicate_seeds(SEED, 130)
    b = run_batch(inputs, SEED, 120, 10)
    theta, _, cs, ks = replicate_draws(inputs, kids[120:])
    np.testing.assert_array_equal(b["draws"]["theta"], theta)
    np.testing.assert_array_equal(b["draws"]["kernel_seed"], ks)
    np.testing.assert_array_equal(b["draws"]["credscale"], cs)


# ----------------------------------------------------------------------------- files, atomic writes


def test_streamed_files_and_manifest(reference, inputs, tmp_path):
    out = tmp_path / "run"
    res = run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=64, out=out, inputs=inputs)
    _same(reference, res)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["manifest.json"]
        + [f"counts-{b:05d}.parquet" for b in range(4)]
        + [f"replicates-{b:05d}.parquet" for b in range(4)]
    ), names  # the last batch (8 runs) is batch 3
    assert not list(out.glob("*.tmp"))
    man = json.loads((out / "manifest.json").read_text())
    assert man["complete"] is True and man["runs"] == RUNS and man["seed"] == SEED and man["batch_size"] == 64
    assert man["scenario"]["events"][0] == ["stalingrad", "historical"]
    assert {"package_version", "data_versions", "model", "config", "seed_scheme"} <= set(man)
    reps = pd.read_parquet(out / "replicates-00003.parquet")
    assert reps["replicate"].tolist() == list(range(192, 200))
    counts = pd.read_parquet(out / "counts-00000.parquet")
    assert set(counts.columns) == {"month", "ccode", "side", "n"}
    assert (counts.groupby(["month", "ccode"])["n"].sum() == 64).all()


def test_other_config_in_the_same_folder_is_refused(inputs, tmp_path):
    run_ensemble(SPEC, runs=20, seed=1, batch_size=10, out=tmp_path, inputs=inputs)
    with pytest.raises(InvalidParameterError, match="different run"):
        run_ensemble(SPEC, runs=20, seed=2, batch_size=10, out=tmp_path, inputs=inputs)
    # resume=False starts afresh
    res = run_ensemble(SPEC, runs=20, seed=2, batch_size=10, out=tmp_path, inputs=inputs, resume=False)
    np.testing.assert_array_equal(res.counts, run_ensemble(SPEC, runs=20, seed=2, inputs=inputs).counts)


def test_corrupt_or_partial_batch_is_never_read_as_finished(reference, inputs, tmp_path):
    run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=50, out=tmp_path, inputs=inputs)
    before = _batch_files(tmp_path)
    # batch 1: truncated counts file; batch 2: replicates file missing; batch 3: garbage of the right name
    p = tmp_path / "counts-00001.parquet"
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    (tmp_path / "replicates-00002.parquet").unlink()
    (tmp_path / "replicates-00003.parquet").write_bytes(b"PAR1 not really parquet")
    (tmp_path / "tmpabc123.tmp").write_bytes(b"half a parquet file")  # a run killed mid-write leaves this
    seen = []
    res = run_ensemble(
        SPEC,
        runs=RUNS,
        seed=SEED,
        batch_size=50,
        out=tmp_path,
        inputs=inputs,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[0] == (1, 4), "only batch 0 counts as finished"
    _same(reference, res)
    after = _batch_files(tmp_path)
    assert after["counts-00000.parquet"] == before["counts-00000.parquet"]
    assert after["replicates-00000.parquet"] == before["replicates-00000.parquet"]
    assert not list(tmp_path.glob("*.tmp"))


class _Killed(RuntimeError):
    pass


def test_resume_after_interrupt_keeps_finished_batches(reference, inputs, tmp_path):
    def die_after_three(done, total):
        if done == 3:
            raise _Killed

    with pytest.raises(_Killed):
        run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=40, out=tmp_path, inputs=inputs, progress=die_after_three)
    assert json.loads((tmp_path / "manifest.json").read_text())["complete"] is False
    finished = _batch_files(tmp_path)
    assert sorted(finished) == sorted(
        [f"counts-{b:05d}.parquet" for b in range(3)] + [f"replicates-{b:05d}.parquet" for b in range(3)]
    )
    time.sleep(0.01)
    seen = []
    res = run_ensemble(
        SPEC, runs=RUNS, seed=SEED, batch_size=40, out=tmp_path, inputs=inputs, progress=lambda d, t: seen.append(d)
    )
    assert seen == [3, 4, 5]
    after = _batch_files(tmp_path)
    for name, stamp in finished.items():
        assert after[name] == stamp, f"{name} was rewritten"
    _same(reference, res)
    assert json.loads((tmp_path / "manifest.json").read_text())["complete"] is True


_KILLED_SCRIPT = textwrap.dedent("""
    import pickle, sys, time
    from realign.simulation.ensemble import run_ensemble
    spec, inputs = pickle.load(open(sys.argv[1], "rb"))
    def slow(done, total):
        time.sleep(0.25)
    run_ensemble(spec, runs=int(sys.argv[3]), seed=int(sys.argv[4]), batch_size=20, out=sys.argv[2],
                 inputs=inputs, progress=slow)
""")


def test_resume_after_sigkill_loses_no_finished_batch(reference, inputs, tmp_path):
    out = tmp_path / "run"
    blob = tmp_path / "inputs.pkl"
    blob.write_bytes(pickle.dumps((SPEC, inputs)))
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_SCRIPT, str(blob), str(out), str(RUNS), str(SEED)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "replicates-00000.parquet").exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no batch file appeared"
            time.sleep(0.02)
        time.sleep(0.3)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert json.loads((out / "manifest.json").read_text())["complete"] is False
    finished = {
        name: stamp
        for name, stamp in _batch_files(out).items()
        if (out / name.replace("counts", "replicates")).exists()
        and (out / name.replace("replicates", "counts")).exists()
    }
    n_finished = len(finished) // 2
    assert 1 <= n_finished < RUNS // 20, "killed after the first batch, before the end"
    seen = []
    res = run_ensemble(
        SPEC, runs=RUNS, seed=SEED, batch_size=20, out=out, inputs=inputs, progress=lambda d, t: seen.append(d)
    )
    assert seen[0] == n_finished
    after = _batch_files(out)
    for name, stamp in finished.items():
        assert after[name] == stamp, f"{name} was rewritten"
    _same(reference, res)
    assert not list(out.glob("*.tmp"))


# ----------------------------------------------------------------------------- Dask


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_result(reference, inputs, tmp_path):
    res = run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=25, workers=2, dask=True, inputs=inputs)
    _same(reference, res)


@pytest.mark.slow
def test_dask_scheduler_address_streams_and_resumes(reference, inputs, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        addr = cluster.scheduler_address

        def die(done, total):
            if done == 2:
                raise _Killed

        with pytest.raises(_Killed):
            run_ensemble(
                SPEC, runs=RUNS, seed=SEED, batch_size=50, out=tmp_path, inputs=inputs, scheduler=addr, progress=die
            )
        finished = _batch_files(tmp_path)
        assert len(finished) >= 4
        res = run_ensemble(SPEC, runs=RUNS, seed=SEED, batch_size=50, out=tmp_path, inputs=inputs, scheduler=addr)
    for name, stamp in finished.items():
        assert _batch_files(tmp_path)[name] == stamp
    _same(reference, res)
