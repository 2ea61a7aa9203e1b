"""``realign system`` and ``realign history``: the system on a day and the record after a date."""

from __future__ import annotations

from pathlib import Path

import typer

from realign.cli.common import FORMAT_OPTION, Format, console, domain_errors, print_frame, print_json


def system_cmd(
    date: str = typer.Option(..., "--date", "-d", help="Day to snapshot, YYYY-MM-DD (1816-01-01..2016-12-31)."),
    fmt: Format = FORMAT_OPTION,
    graphml: Path = typer.Option(None, "--graphml", help="Also write the signed alliance/war graph as GraphML."),
) -> None:
    """The state system on one day: members, CINC, major powers, wars with sides, allies."""
    from realign.system.snapshot import System

    with domain_errors():
        s = System.at(date)
        if graphml:
            s.to_graphml(graphml)
        if fmt is Format.json:
            print_json(s.to_dict())
            return
        df = s.to_frame()[["ccode", "stateabb", "name", "cinc", "major_power"]].copy()
        d = s.to_dict()
        df["wars"] = [", ".join(f"{w['war']}:{w['side']}" for w in st["wars"]) for st in d["states"]]
        df["allies"] = [len(st["allies"]) for st in d["states"]]
        if fmt is Format.csv:
            print_frame(df, fmt)
            return
        df = df.sort_values("cinc", ascending=False, na_position="last")
        print_frame(df, fmt, title=f"International system on {s.date} (CINC is yearly, COW NMC v7.0)")
        missing = [k for k, ok in s.coverage.items() if not ok]
        if missing:
            console.print(f"[yellow]Not covered on this day (values missing, not zero):[/] {', '.join(missing)}")


def history_cmd(
    after: str = typer.Option(..., "--after", help="Start of the window (exclusive), YYYY-MM-DD."),
    months: int = typer.Option(24, "--months", "-m", help="Window length in months."),
    states: str = typer.Option(None, "--states", help="Comma-separated ccodes or names to keep."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Every dated change (side, war entry/exit, pact, relations, armistice, takeover) after a date."""
    from realign.system.history import history

    with domain_errors():
        chosen = [s.strip() for s in states.split(",") if s.strip()] if states is not None else None
        h = history(after, months, states=chosen)
        if fmt is Format.json:
            print_json(h.to_dict())
            return
        df = h.changes.copy()
        if fmt is Format.csv:
            print_frame(df, fmt)
            return
        df["verified"] = df["verified"].map({True: "yes", False: "UNVERIFIED"})
        print_frame(df.drop(columns=["source"]), fmt, title=f"Recorded changes {h.after} .. {h.until}")
        b, a = h.shares_before, h.shares_after
        console.print(
            f"WWII coalition CINC share of the system: Allies {b.get(1, float('nan')):.3f} -> "
            f"{a.get(1, float('nan')):.3f}, Axis {b.get(2, float('nan')):.3f} -> {a.get(2, float('nan')):.3f} "
            f"({h.after} -> {min(h.until, h.until)}; COW NMC v7.0, yearly)"
        )
        for note in h.notes:
            console.print(f"[yellow]note:[/] {note}")
        console.print("Sources: use --format json or csv for the source of every row.")


def register(app: typer.Typer) -> None:
    app.command("system")(system_cmd)
    app.command("history")(history_cmd)
