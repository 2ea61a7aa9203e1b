"""``realign check-essay``: a thin adapter over :func:`realign.essay.check_essay_file`."""

from __future__ import annotations

import enum
import sys
from pathlib import Path

import typer

from realign.cli.common import domain_errors, err_console, print_json

__all__ = ["register", "EssayFormat"]


class EssayFormat(enum.StrEnum):
    md = "md"
    html = "html"
    json = "json"


def check_essay_cmd(
    file: Path = typer.Argument(..., help="The essay, a UTF-8 text file."),
    fmt: EssayFormat = typer.Option(EssayFormat.md, "--format", "-f", help="md (default), html or json."),
    event: str | None = typer.Option(
        None,
        "--event",
        "-e",
        help="Cause event: a catalogue slug (stalingrad) or NAME:YYYY-MM-DD:YYYY-MM-DD. "
        "Detected in the text when omitted.",
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the report here instead of stdout."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Classify claims by keyword rules only."),
) -> None:
    """Check every sentence of a history essay against the dated, sourced record."""
    from realign.essay import check_essay_file, render_html, render_markdown

    with domain_errors():
        if out is not None and not out.parent.is_dir():
            from realign.errors import InvalidParameterError

            raise InvalidParameterError(f"--out: the folder {str(out.parent)!r} does not exist.")
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"reading {file.name}", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                unit = "characters" if stage == "splitting" else "sentences"
                bar.update(task, description=f"{stage} {file.name} ({unit})", completed=done, total=total)

            result = check_essay_file(
                file, event=event, classifier="rules" if rules_only else "auto", progress=progress
            )
        if fmt is EssayFormat.json and out is None:
            print_json(result)
            return
        if fmt is EssayFormat.json:
            import json

            text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
        else:
            text = render_html(result) if fmt is EssayFormat.html else render_markdown(result)
        if out is None:
            sys.stdout.write(text)
        else:
            from realign.atomic import atomic_write_text

            atomic_write_text(out, text)
            err_console.print(f"wrote {out} ({len(result['sentences'])} sentences)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``check-essay`` to the realign CLI."""
    app.command("check-essay")(check_essay_cmd)
