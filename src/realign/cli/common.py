"""Shared CLI plumbing: output formats, rich tables, and domain errors -> clean exit code 2."""

from __future__ import annotations

import contextlib
import enum
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from realign.errors import RealignError

if TYPE_CHECKING:  # pandas is imported by the commands that print tables, not at start-up
    import pandas as pd
    from rich.console import Console


class LazyConsole:
    """A rich ``Console`` made on first use; attributes and ``with`` go to it.

    Importing rich's console, table and progress modules costs ~50-70 ms, a quarter of every
    ``realign CMD --help``; the commands that print import them when they run.
    """

    __slots__ = ("_console", "_stderr")

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def get(self) -> Console:
        """The real ``rich.console.Console`` (made now if not yet)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return self._console

    def __getattr__(self, name: str) -> object:
        return getattr(self.get(), name)

    def __enter__(self) -> Console:
        return self.get().__enter__()

    def __exit__(self, *exc: object) -> None:
        self.get().__exit__(*exc)


def escape(text: str) -> str:
    """``rich.markup.escape``, imported on use: the text is printed literally, never read as markup."""
    from rich.markup import escape as _escape

    return _escape(text)


console = LazyConsole()
err_console = LazyConsole(stderr=True)


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="table for people; json or csv for programs.")


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn realign's errors (and bad files) into a one-line message on stderr and exit code 2."""
    try:
        yield
    except RealignError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def print_frame(df: pd.DataFrame, fmt: Format, *, title: str | None = None, max_rows: int | None = None) -> None:
    """Print a DataFrame as a rich table, JSON records or CSV."""
    import pandas as pd
    from rich.table import Table
    from rich.text import Text

    if fmt is Format.json:
        print_json(json.loads(df.to_json(orient="records", date_format="iso")))
        return
    if fmt is Format.csv:
        sys.stdout.write(df.to_csv(index=False))
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    shown = df if max_rows is None else df.head(max_rows)
    for row in shown.itertuples(index=False):
        # Text cells: data such as "[source-id]" is shown literally, never read as rich markup
        table.add_row(
            *[
                Text(
                    ""
                    if (v is None or (isinstance(v, float) and pd.isna(v)))
                    else (f"{v:.6g}" if isinstance(v, float) else str(v))
                )
                for v in row
            ]
        )
    console.print(table)
    if max_rows is not None and len(df) > max_rows:
        console.print(f"... {len(df) - max_rows} more rows (use --format csv for all)")


# ---------------------------------------------------------------------------- where ensembles run
PROCESSES_OPTION = typer.Option(
    None, "--processes", help="Local worker processes (default: one per core; 0 = in this process)."
)
WORKERS_OPTION = typer.Option(None, "--workers", help="Start a Dask LocalCluster with N workers and run there.")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", help="Run on an existing Dask cluster (scheduler ADDRESS).")


def check_out_dir(out: Path | None) -> None:
    """An ``--out`` folder must be a folder (or not exist yet), with a readable manifest if it has one:
    checked before any work."""
    from realign.errors import InputFileError

    if out is not None and out.exists() and not out.is_dir():
        raise InputFileError(
            "--out must be a folder (or a path that does not exist yet); this is a file", path=str(out)
        )
    if out is not None and (out / "manifest.json").exists():  # an earlier run's: corrupt is an error now
        from realign.simulation.ensemble import _read_run_manifest

        _read_run_manifest(out / "manifest.json")
    parent = out.parent if out is not None else None
    while parent is not None and not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent is not None and parent.exists() and not parent.is_dir():
        raise InputFileError(f"--out cannot be created: {parent} is a file", path=str(out))


def check_scheduler(address: str, timeout: float = 3.0) -> None:
    """Fail fast on a bad ``--scheduler``: it must be ``[tcp://]HOST:PORT`` and accept a connection."""
    import socket

    from realign.errors import InvalidParameterError

    m = re.fullmatch(r"(?:tcp://)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})", address.strip())
    if not m or not 0 < int(m.group(2)) < 65536:
        raise InvalidParameterError(
            f"The '--scheduler' address must be [tcp://]HOST:PORT (a Dask scheduler). Got {address!r} instead."
        )
    host, port = m.group(1).strip("[]"), int(m.group(2))
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise InvalidParameterError(
            f"No Dask scheduler answers at {address!r} ({exc.strerror or exc}); "
            "start one (dask scheduler) or leave out --scheduler."
        ) from None


def execution(processes: int | None, workers: int | None, scheduler: str | None) -> dict:
    """``run_ensemble`` keyword arguments for the CLI's --processes / --workers / --scheduler options.

    Default: local processes, one per core. ``--workers N`` starts a Dask LocalCluster of N workers;
    ``--scheduler ADDRESS`` uses a running Dask cluster.
    """
    import os

    from realign.errors import InvalidParameterError

    for name, v in (("processes", processes), ("workers", workers)):
        if v is not None and v < 0:
            raise InvalidParameterError(f"The '{name}' parameter must be an int >= 0. Got {v!r} instead.")
    if scheduler is not None:
        check_scheduler(scheduler)
        return {"scheduler": scheduler, "workers": workers, "dask": True}
    if workers:
        return {"workers": workers, "dask": True, "scheduler": None}
    n = os.cpu_count() or 1 if processes is None else processes
    return {"workers": n if n > 1 else 0, "dask": False, "scheduler": None}
