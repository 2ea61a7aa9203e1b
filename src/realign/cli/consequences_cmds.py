"""``realign consequences EVENT``: factual vs counterfactual vs the record, as a report."""

from __future__ import annotations

import enum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from realign.cli.common import (
    PROCESSES_OPTION,
    SCHEDULER_OPTION,
    WORKERS_OPTION,
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
        quiet = fmt is ReportFormat.json and out is None
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, transient=True, disable=quiet) as bar:
            tasks: dict[str, int] = {}

            def progress(arm: str, done: int, total: int) -> None:
                if arm not in tasks:
                    tasks[arm] = bar.add_task(f"{arm} batches", total=total)
                bar.update(tasks[arm], completed=done)

            prep = bar.add_task("fitting models and preparing inputs", total=None)
            c = consequences(event, runs=runs, seed=seed, months=months, progress=progress,
                             **execution(processes, workers, scheduler))
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


def register(app: typer.Typer) -> None:
    app.command("consequences")(consequences_cmd)
