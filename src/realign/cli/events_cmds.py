"""``realign events`` (catalogue of battles) and ``realign scenario validate`` (scenario files)."""

from __future__ import annotations

import typer

from realign.cli.common import (
    FORMAT_OPTION,
    Format,
    console,
    domain_errors,
    err_console,
    escape,
    print_frame,
    print_json,
)

events_app = typer.Typer(
    rich_markup_mode=None,
    help="Catalogue of battles as shocks: list, show (dates, sides, sourced losses, effects).",
    no_args_is_help=True,
)
scenario_app = typer.Typer(
    rich_markup_mode=None,
    help="Scenario files (TOML): validate before running.",
    no_args_is_help=True,
)


@events_app.command("list")
def list_cmd(fmt: Format = FORMAT_OPTION) -> None:
    """List catalogue events with dates, sides, winner and effects on each side."""
    from realign.events.catalogue import events_table

    with domain_errors():
        df = events_table()
        if fmt is Format.table:
            # side-numbered columns: the same for every COW war (WWII allies/axis, WWI entente/central_powers)
            df = df[
                [
                    "slug",
                    "start",
                    "end",
                    "outcome_known",
                    "winner_label",
                    "side1_capability",
                    "side1_credibility",
                    "side2_capability",
                    "side2_credibility",
                ]
            ].rename(
                columns={
                    "outcome_known": "known",
                    "winner_label": "winner",
                    "side1_capability": "s1 cap",
                    "side1_credibility": "s1 cred",
                    "side2_capability": "s2 cap",
                    "side2_credibility": "s2 cred",
                }
            )
        print_frame(df, fmt, title="realign event catalogue (effects are model assumptions)")


@events_app.command("show")
def show_cmd(
    slug: str = typer.Argument(..., help='Event slug or alias, e.g. stalingrad or "Battle of Stalingrad".'),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show one event: dates, belligerents, outcome, sourced losses, effects and sources."""
    from realign.events.catalogue import load_event

    with domain_errors():
        ev = load_event(slug)
        if fmt is Format.json:
            print_json(ev.to_dict())
            return
        if fmt is Format.csv:
            print_frame(ev.losses_frame(), fmt)
            return
        console.print(
            f"[bold]{escape(ev.name)}[/] ({escape(ev.slug)})  {ev.start} .. {ev.end}  {ev.theatre}, "
            f"COW war {ev.war} ({ev.war_name})",
            highlight=False,
        )
        known = f"  outcome known: {ev.outcome_known}"
        if ev.outcome_known_note:
            known += f" - {ev.outcome_known_note}"
        if ev.outcome_known_sources:
            known += f" [{', '.join(ev.outcome_known_sources)}]"
        console.print(known, highlight=False, soft_wrap=True, markup=False)
        for side, members in ev.sides.items():
            console.print(f"  side {side} ({ev.side_labels[side]}): {', '.join(map(str, members))}", highlight=False)
        console.print(f"  outcome: side {ev.winner} ({ev.side_labels[ev.winner]}) - {ev.result}", highlight=False)
        print_frame(
            ev.losses_frame()[["side_label", "ccode", "category", "low", "high", "unit", "sources"]],
            Format.table,
            title="losses (sourced; ccode 0 = whole side; notes in --format json)",
        )
        from rich.table import Table

        eff = Table(title="effects (model assumptions)", header_style="bold")
        for col in ("outcome", "side", "capability", "credibility"):
            eff.add_column(col)
        for name, effects in (("historical", ev.effects), ("reversed", ev.reversed_effects)):
            for side, e in effects.items():
                eff.add_row(name, f"{side} ({ev.side_labels[side]})", f"{e.capability:.3f}", f"{e.credibility:+.2f}")
        console.print(eff)
        console.print(f"  reversed: {ev.reversed_assumption}", highlight=False, markup=False)
        for f in ev.formations:
            console.print(f"  destroyed: {f.name} - {f.fate} [{', '.join(f.sources)}]", highlight=False, markup=False)
        for m in ev.missing:
            console.print(f"  missing: {m}", highlight=False, markup=False)
        console.print("sources:")
        for s in ev.sources:
            console.print(f"  [{s.id}] {s.citation} <{s.url}>", highlight=False, soft_wrap=True, markup=False)


@scenario_app.command("validate")
def validate_cmd(
    file: str = typer.Argument(..., help="Scenario TOML file (or a bundled example name, e.g. stalingrad_historical)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Check a scenario file; print OK or every problem (file:line, field) and exit 2.

    The same validator as ``realign simulate`` (the engine's parameter names and limits), run
    without any fitting.
    """
    from realign.errors import InputFileError
    from realign.events.scenario import scenario_path, validate_scenario
    from realign.simulation.scenario_run import SCENARIO_PARAMS, ScenarioRun

    file = scenario_path(file)
    problems = validate_scenario(file, allowed_params=SCENARIO_PARAMS, allowed_models={"alignment_choice"})
    sc = None
    if not problems:
        try:
            sc = ScenarioRun.from_scenario(file).scenario
        except InputFileError as exc:
            problems = [exc]
    if fmt is not Format.table:
        rows = [{"path": p.path, "line": p.line, "field": p.field, "message": str(p)} for p in problems]
        if fmt is Format.json:
            print_json(
                {
                    "file": str(file),
                    "ok": not problems,
                    "problems": rows,
                    "scenario": sc.to_dict() if sc is not None and not problems else None,
                }
            )
        else:
            import pandas as pd

            print_frame(pd.DataFrame(rows, columns=["path", "line", "field", "message"]), fmt)
        raise typer.Exit(2 if problems else 0)
    if problems:
        for p in problems:
            err_console.print("[bold red]error:[/] " + escape(str(p)), highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    assert sc is not None  # no problems: the scenario was loaded above
    typer.echo(
        f"OK: {file}: scenario {sc.name!r}, {sc.start:%Y-%m} + {sc.horizon_months} months, "
        f"{len(sc.events)} event(s), {sc.runs} run(s), seed {sc.seed}, model {sc.model}"
    )


def register(app: typer.Typer) -> None:
    """Add ``events`` and ``scenario`` sub-commands to the realign CLI."""
    app.add_typer(events_app, name="events")
    app.add_typer(scenario_app, name="scenario")
