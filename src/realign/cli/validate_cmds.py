"""``realign validate``: run the validation cases against history and print the scores.

Thin adapter over :mod:`realign.validation`: parse, run (with a progress display on stderr),
print. ``--format json`` prints the case dict (or ``{case: dict}`` for ``--case all``) on stdout.
"""

from __future__ import annotations

import typer

from realign.cli.common import FORMAT_OPTION, Format, console, domain_errors, err_console, print_frame, print_json
from realign.errors import InvalidParameterError


def _frame(data):
    """A DataFrame (pandas imported here, not at CLI start-up)."""
    import pandas as pd

    return pd.DataFrame(data)


CASE_HELP = (
    "Which case: wwii, wwi, 1872-1907, blocs1955, choice, forecast, or all (every case but the slow "
    "forecast, which runs only by name: about four minutes on two cores)."
)


def _fmt(x: object) -> str:
    return "n/a" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def _print_forecast(r: dict, fmt: Format) -> None:
    console.rule(f"[bold]forecast[/]: {r.get('title', '')}")
    print_frame(
        _frame(r["confusion"]).round(3),
        fmt,
        title=f"Per war ({r['horizon_months']}-month horizon, {r['runs']} runs per origin)",
    )
    print_frame(_frame(r["per_state"]), fmt, title="Every recorded change: forecast made 1, 2, 3 months before")
    if fmt == "table":
        for w in r.get("wars", {}).values():
            print_frame(
                _frame(w["reliability"]).round(4),
                fmt,
                title=f"{w['name']}: reliability (forecast bins; calibrated when observed = mean_p)",
            )
    for note in r.get("notes", []):
        console.print(f"note: {note}", markup=False, highlight=False)


def _print_case(name: str, r: dict, fmt: Format) -> None:
    if name == "forecast":
        _print_forecast(r, fmt)
        return
    console.rule(f"[bold]{name}[/]: {r.get('title', '')}")
    console.print(
        f"accuracy [bold]{_fmt(r.get('accuracy'))}[/] over n = {r.get('n')}"
        + (f" ({r['correct']} correct)" if "correct" in r else "")
        + (f"; {r['n_neutral']} neutral (unscored) states listed" if r.get("n_neutral") else "")
    )
    if r.get("per_state"):
        print_frame(_frame(r["per_state"]), fmt, title="Per state" if name != "choice" else "Held-out switches")
    print_frame(_frame(r["confusion"]), fmt, title="Confusion (rows: actual)")
    for sub, s in (r.get("subcases") or {}).items():
        console.print(f"[bold]{sub}[/] {s.get('title', '')}: accuracy {_fmt(s.get('accuracy'))} over n = {s.get('n')}")
        print_frame(_frame(s["confusion"]), fmt, title=f"Confusion {sub}")
    if name == "1872-1907":
        rows = [
            {
                "network": k,
                **{
                    c: v[c]
                    for c in ("n_positive", "n_negative", "triangle_index", "frustration", "factions_vs_1907_blocs")
                },
            }
            for k, v in r["networks"].items()
        ]
        print_frame(_frame(rows), fmt, title="Signed networks")
        dyn = [{"from": y, "dynamics": k, **v} for y, d in r["dynamics"].items() for k, v in d.items()]
        print_frame(_frame(dyn), fmt, title="Dynamics vs the 1907 blocs")
    if name == "choice":
        print_frame(_frame(r["weights"]), fmt, title="Fitted weights (Laplace SE)")
        ho = r["held_out"]
        print_frame(
            _frame([{"predictor": k, **ho[k]} for k in ("model", "persistence")]),
            fmt,
            title=f"Held-out {ho['months'][0]}..{ho['months'][1]}: {ho['n']} observations",
        )
    if "axelrod_bennett_1993" in r:
        ab = r["axelrod_bennett_1993"]
        console.print(f"[bold]Axelrod & Bennett (1993):[/] {ab['claim']}")
        console.print(f"  verified: {ab['verified']}")
        console.print(f"  not verified: {ab['not_verified']}")
    console.print("[bold]Data used:[/]")
    for k, v in (r.get("data_used") or {}).items():
        console.print(f"  {k}: {v}")
    for note in r.get("notes", []):
        console.print(f"[yellow]note:[/] {note}")


def validate_cmd(
    case: str = typer.Option("all", "--case", "-c", help=CASE_HELP),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Score realign's alignment predictions against what happened (accuracy, confusion, data used)."""
    from realign.validation import CASES, SLOW_CASES, run, summary_rows

    with domain_errors():
        if case != "all" and case not in CASES:
            raise InvalidParameterError(f"Unknown validation case {case!r}; choose from {', '.join(CASES)} or all.")
        names = [c for c in CASES if c not in SLOW_CASES] if case == "all" else [case]
        results: dict[str, dict] = {}
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as progress:
            task = progress.add_task("validating", total=len(names))
            for name in names:
                progress.update(task, description=f"{name}: {CASES[name][0]}")
                results[name] = run(name)
                progress.advance(task)
        if fmt is Format.json:
            print_json(results[case] if case != "all" else results)
            return
        for name, r in results.items():
            if fmt is Format.csv:
                print_frame(_frame(r.get("per_state") or []), fmt)
            else:
                _print_case(name, r, fmt)
        if fmt is Format.table and len(results) > 1:
            print_frame(_frame(summary_rows(results)), fmt, title="Summary")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_cmd)
