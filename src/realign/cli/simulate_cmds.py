"""``realign simulate SCENARIO.toml``: run a scenario file as an ensemble and print P(side)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from realign.cli.common import (
    FORMAT_OPTION,
    PROCESSES_OPTION,
    SCHEDULER_OPTION,
    WORKERS_OPTION,
    Format,
    check_out_dir,
    console,
    domain_errors,
    err_console,
    execution,
    print_frame,
    print_json,
)

if TYPE_CHECKING:  # rich.progress is imported when a bar is shown, not at CLI start-up
    from rich.progress import Progress

#: A run shows its progress bar once it has lasted this long (seconds).
PROGRESS_AFTER = 1.0


def _scenario_path(arg: str) -> Path:
    """A file path, or the name of a bundled example scenario (``stalingrad_historical``)."""
    from realign.events.scenario import scenario_path

    return scenario_path(arg)


class _LazyBar:
    """Batches progress bar on stderr, shown only once the run has taken more than a second."""

    def __init__(self, enabled: bool):
        self.t0 = time.monotonic()
        self.enabled = enabled
        self.bar: Progress | None = None
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.t0 < PROGRESS_AFTER or done >= total:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("simulating batches"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("batches", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _table_months(months: list[str], k: int = 6) -> list[str]:
    """A few months spread over the horizon, always the first and the last."""
    if len(months) <= k:
        return months
    idx = sorted({round(i * (len(months) - 1) / (k - 1)) for i in range(k)})
    return [months[i] for i in idx]


def _print_table(scenario, res) -> None:
    from rich.table import Table

    from realign.data.names import state_name

    p = res.p_side
    months = [d.strftime("%Y-%m") for d in res.days]
    shown = _table_months(months, max(2, min(8, (console.width - 26) // 17)))
    table = Table(
        title=f"{scenario.name}: P(allies axis neutral) by month, {res.runs} runs, seed {res.seed}", header_style="bold"
    )
    table.add_column("ccode", justify="right")
    table.add_column("state", no_wrap=True, max_width=16)
    for m in shown:
        table.add_column(f"{m}\nal   ax   ne", justify="center", no_wrap=True)
    for i, c in enumerate(res.ccodes):
        try:
            name = state_name(c)
        except ValueError:
            name = ""
        cells = []
        for m in shown:
            t = months.index(m)
            cells.append(f"{p[t, i, 1]:.2f} {p[t, i, 2]:.2f} {p[t, i, 0]:.2f}")
        table.add_row(str(c), name, *cells)
    console.print(table)
    sh = res.shares.mean(axis=0) if len(res.shares) else None
    if sh is not None:
        parts = [f"{m}: allies {sh[months.index(m), 1]:.2f}, axis {sh[months.index(m), 2]:.2f}" for m in shown]
        console.print("mean capability share  " + "; ".join(parts), highlight=False)
    console.print(
        f"manifest config {res.manifest.get('config')}; months are observed on the 15th, "
        "starting the month after the scenario start.",
        highlight=False,
    )


def simulate_cmd(
    scenario: str = typer.Argument(
        ..., help="Scenario TOML file (or a bundled example name, e.g. stalingrad_historical)."
    ),
    runs: int = typer.Option(None, "--runs", "-r", help="Replicates (default: the scenario's [seeds] runs)."),
    seed: int = typer.Option(None, "--seed", help="Root seed (default: the scenario's [seeds] seed)."),
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        help="Stream batches to this folder (Parquet + manifest); an interrupted run resumes from it.",
    ),
    processes: int = PROCESSES_OPTION,
    workers: int = WORKERS_OPTION,
    scheduler: str = SCHEDULER_OPTION,
    batch_size: int = typer.Option(500, "--batch-size", help="Replicates per batch (one Parquet file each)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Run a scenario as an ensemble: P(side) per state and month, with a manifest of seeds and versions."""
    from realign.simulation.scenario_run import ScenarioRun, prepare_scenario, run_scenario

    with domain_errors():
        # validate the scenario (once) and the cheap arguments before the (seconds-long) preparation
        plan = ScenarioRun.from_scenario(_scenario_path(scenario))
        sc = plan.scenario
        _check_args(sc, runs, seed, batch_size)
        check_out_dir(out)
        where = execution(processes, workers, scheduler)
        with err_console.status("fitting models and preparing inputs ..."):
            inputs = prepare_scenario(plan)
        bar = _LazyBar(enabled=True)
        try:
            res = run_scenario(
                plan, runs=runs, seed=seed, out=out, progress=bar, batch_size=batch_size, inputs=inputs, **where
            )
        finally:
            bar.close()
        if fmt is Format.json:
            print_json({"scenario": sc.to_dict(), "p_side": res.p_side_dict(), "manifest": res.manifest})
        elif fmt is Format.csv:
            print_frame(res.frame().round(6), fmt)
        else:
            _print_table(sc, res)
            if out is not None:
                console.print(f"wrote {out}", highlight=False)


def _check_args(sc, runs, seed, batch_size) -> None:
    from realign.errors import InvalidParameterError

    if runs is not None and not 1 <= runs <= 1_000_000:
        raise InvalidParameterError(f"The 'runs' parameter must be an int in [1, 1000000]. Got {runs!r} instead.")
    if seed is not None and seed < 0:
        raise InvalidParameterError(f"The 'seed' parameter must be an int >= 0. Got {seed!r} instead.")
    if batch_size < 1:
        raise InvalidParameterError(f"The 'batch_size' parameter must be an int >= 1. Got {batch_size!r} instead.")


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_cmd)
