"""``realign data``: list, cite, show bundled tables; import the user's COW alliance files."""

from __future__ import annotations

from pathlib import Path

import typer

from realign.cli.common import FORMAT_OPTION, Format, console, domain_errors, print_frame

data_app = typer.Typer(
    rich_markup_mode=None,
    help="Bundled datasets: list, cite (BibTeX), show rows; import COW alliances.",
    no_args_is_help=True,
)
import_app = typer.Typer(
    rich_markup_mode=None,
    help="Import data you supply (not redistributable with realign).",
    no_args_is_help=True,
)


@data_app.command("list")
def list_cmd(fmt: Format = FORMAT_OPTION) -> None:
    """List bundled tables with version, unit and coverage."""
    from realign.data.store import list_datasets

    with domain_errors():
        print_frame(list_datasets(), fmt, title="realign bundled data")


@data_app.command("cite")
def cite_cmd(names: list[str] = typer.Argument(None, help="Dataset names (default: all).")) -> None:
    """Print BibTeX for the named datasets."""
    from realign.data.store import cite

    with domain_errors():
        typer.echo(cite(*(names or [])), nl=False)


@data_app.command("show")
def show_cmd(
    name: str = typer.Argument(..., help="Dataset name (see `realign data list`)."),
    where: str = typer.Option(None, "--where", "-w", help='DuckDB SQL filter, e.g. "year = 1942".'),
    limit: int = typer.Option(50, "--limit", "-n", help="Maximum rows (0 = all)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show rows of a bundled table, filtered with a SQL WHERE expression."""
    from realign.data.store import query

    with domain_errors():
        df = query(name, where, limit or None)
        print_frame(df, fmt, title=name)


@import_app.command("cow-alliance")
def import_cow(directory: Path = typer.Argument(..., help="Folder with COW alliance v4.1 CSV files.")) -> None:
    """Import your COW Formal Alliances v4.1 files; realign then uses their day-level dates."""
    from realign.data.cow_alliance import import_cow_alliance

    with domain_errors():
        out = import_cow_alliance(directory)
        console.print(f"imported COW alliance v4.1 -> {out}")


def register(app: typer.Typer) -> None:
    data_app.add_typer(import_app, name="import")
    app.add_typer(data_app, name="data")
