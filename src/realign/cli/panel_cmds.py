"""``realign panel``: build state-year / dyad-year research panels and write them to Parquet or CSV."""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from realign.cli.common import console, domain_errors, err_console

panel_app = typer.Typer(
    help="Research panels (state-years, dyad-years) with covariates and S-scores.", no_args_is_help=True
)


class OutFormat(enum.StrEnum):
    parquet = "parquet"
    csv = "csv"


_ADD_HELP = (
    "Comma-separated adders, applied in order: nmc, atop, cow (after `realign data import cow-alliance`), "
    "democracy, contiguity, wars, mids, territory, majors, prd, sscore, peaceyears."
)
START = typer.Option(1816, "--start", help="First year (>= 1816).")
END = typer.Option(2016, "--end", help="Last year (<= 2016, end of COW membership v2016).")
ADD = typer.Option("", "--add", "-a", help=_ADD_HELP)
OUT = typer.Option(..., "--out", "-o", help="Output file (written atomically).")
FORMAT = typer.Option(OutFormat.parquet, "--format", "-f", help="parquet (keeps units and sources) or csv.")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress display.")


def _run(kind: str, start: int, end: int, add: str, out: Path, fmt: OutFormat, quiet: bool, directed: bool) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from realign.panels import build_panel, cite, to_csv, to_parquet
    from realign.panels.build import parse_adders

    with domain_errors():
        steps = 1 + len(parse_adders(add or None, kind))
        if not out.parent.is_dir():
            from realign.errors import InvalidParameterError

            raise InvalidParameterError(f"The folder {str(out.parent)!r} for --out does not exist; create it first.")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err_console,
            disable=quiet,
            transient=True,
        ) as bar:
            task = bar.add_task(kind, total=steps + 1)

            def step(name: str) -> None:
                bar.update(task, advance=0 if name == kind else 1, description=f"{kind}: {name}")

            df = build_panel(kind, start, end, add or None, directed=directed, progress=step)
            bar.update(task, advance=1, description=f"writing {out.name}")
            (to_csv if fmt is OutFormat.csv else to_parquet)(df, out)
            bar.update(task, advance=1)
        msg = f"{len(df):,} rows x {df.shape[1]} columns ({df.attrs['realign']['unit']}) -> {out} [{fmt.value}]"
        if fmt is OutFormat.parquet:
            msg += f"; {cite(df).count('@')} references: realign panel cite {out}"
        console.print(msg, markup=False, highlight=False, soft_wrap=True)


@panel_app.command("dyad-years")
def dyad_years_cmd(
    start: int = START,
    end: int = END,
    add: str = ADD,
    out: Path = OUT,
    fmt: OutFormat = FORMAT,
    undirected: bool = typer.Option(False, "--undirected", help="One row per pair (ccode1 < ccode2)."),
    quiet: bool = QUIET,
) -> None:
    """Dyad-years (both states members on a common day of the year) with the chosen covariates."""
    _run("dyad-years", start, end, add, out, fmt, quiet, not undirected)


@panel_app.command("state-years")
def state_years_cmd(
    start: int = START, end: int = END, add: str = ADD, out: Path = OUT, fmt: OutFormat = FORMAT, quiet: bool = QUIET
) -> None:
    """State-years (a member on at least one day of the year) with the chosen covariates."""
    _run("state-years", start, end, add, out, fmt, quiet, True)


@panel_app.command("cite")
def cite_cmd(path: Path = typer.Argument(..., help="A panel Parquet file written by `realign panel`.")) -> None:
    """Print the BibTeX of every dataset and method a saved panel used."""
    import json

    with domain_errors():
        import pyarrow.parquet as pq

        from realign.errors import InputFileError

        try:
            meta = pq.read_schema(path).metadata or {}
        except (OSError, ValueError) as exc:
            raise InputFileError(f"not a Parquet file: {exc}", path=str(path)) from None
        if b"realign" not in meta:
            raise InputFileError(
                "this Parquet file was not written by `realign panel` (no realign metadata)", path=str(path)
            )
        import pandas as pd

        from realign.panels import cite

        probe = pd.DataFrame()
        probe.attrs["realign"] = json.loads(meta[b"realign"])
        typer.echo(cite(probe), nl=False)


def register(app: typer.Typer) -> None:
    app.add_typer(panel_app, name="panel")
