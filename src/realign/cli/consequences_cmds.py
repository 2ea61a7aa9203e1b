"""``realign consequences EVENT``: factual vs counterfactual vs the record, as a report."""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from realign.cli.common import (
    PROCESSES_OPTION,
    SCHEDULER_OPTION,
    WORKERS_OPTION,
    check_out_dir,
    console,
    domain_errors,
    err_console,
    execution,
    print_json,
)


class ReportFormat(enum.StrEnum):
    md = "md"
    html = "html"
    json = "json"


def consequences_cmd(
    event: str = typer.Argument("stalingrad", help="Catalogue event (see `realign events list`)."),
    runs: int = typer.Option(1000, "--runs", "-r", help="Replicates per arm (factual and counterfactual)."),
    seed: int = typer.Option(0, "--seed", help="Root seed; the same seed gives identical output."),
    fmt: ReportFormat = typer.Option(ReportFormat.md, "--format", "-f", help="md (stdout), html or json."),
    out: Path = typer.Option(None, "--out", "-o", help="Write report.md/.html/.json and figures into this folder."),
    months: int = typer.Option(None, "--months", help="Horizon in months (default: to the end of the war)."),
    processes: int = PROCESSES_OPTION,
    workers: int = WORKERS_OPTION,
    scheduler: str = SCHEDULER_OPTION,
) -> None:
    """What did EVENT do to the international system, and what if it had gone the other way?"""
    from realign.consequences.compute import consequences
    from realign.consequences.report import render_html, render_markdown, write_report

    with domain_errors():
        _check_args(runs, seed, months)
        check_out_dir(out)
        where = execution(processes, workers, scheduler)
        quiet = fmt is ReportFormat.json and out is None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=quiet,
        ) as bar:
            tasks: dict[str, int] = {}

            def progress(arm: str, done: int, total: int) -> None:
                if arm not in tasks:
                    tasks[arm] = bar.add_task(f"{arm} batches", total=total)
                bar.update(tasks[arm], completed=done)

            prep = bar.add_task("fitting models and preparing inputs", total=None)
            c = consequences(event, runs=runs, seed=seed, months=months, progress=progress, **where)
            bar.remove_task(prep)
        if out is not None:
            paths = write_report(c, out)
            from realign.consequences.report import summary_lines

            for line in summary_lines(c):
                console.print(line, highlight=False, markup=False)
            for kind, p in paths.items():
                console.print(f"wrote {kind}: {p}")
            return
        if fmt is ReportFormat.json:
            print_json(c.to_dict())
        elif fmt is ReportFormat.html:
            typer.echo(render_html(c))
        else:
            typer.echo(render_markdown(c))


def _check_args(runs: int, seed: int, months: int | None) -> None:
    """Bad numbers are refused before any fitting (``--months 0`` is an error, not the default)."""
    from realign.errors import InvalidParameterError

    if not 1 <= runs <= 1_000_000:
        raise InvalidParameterError(f"The 'runs' parameter must be an int in [1, 1000000]. Got {runs!r} instead.")
    if seed < 0:
        raise InvalidParameterError(f"The 'seed' parameter must be an int >= 0. Got {seed!r} instead.")
    if months is not None and not 1 <= months <= 240:
        raise InvalidParameterError(f"The 'months' parameter must be an int in [1, 240]. Got {months!r} instead.")


def register(app: typer.Typer) -> None:
    app.command("consequences")(consequences_cmd)
