"""``realign forecast``: alignment probabilities of a war's states from what was known on a date.

Thin adapter over :func:`realign.simulation.forecast.run_forecast` (parse, run with a progress
display on stderr, print). ``--format json`` prints the contract of issue 10::

    {"war", "at", "until", "p_side": {ccode: {"YYYY-MM": {label: p}}},
     "capability_share": {label: {"YYYY-MM": share}}, "fit": {"wars", "until", "n_changes"}, "manifest"}
"""

from __future__ import annotations

import datetime as dt
import re

import typer

from realign.cli.common import FORMAT_OPTION, Format, console, domain_errors, err_console, print_frame, print_json
from realign.clock import month_end
from realign.errors import InvalidDateError, InvalidParameterError
from realign.wars import WWII


def _month_end(text: str) -> dt.date:
    """'YYYY-MM' -> the last day of that month (clear error otherwise)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InvalidDateError(f"--until must be a month YYYY-MM. Got {text!r}.")
    y, mo = int(m.group(1)), int(m.group(2))
    return month_end(y, mo)


AT_HELP = (
    "Information cut-off YYYY-MM-DD: the war's sides, fronts, battles and CINC dated later are not read; "
    "the hazards are fitted on the other wars and on this war before it."
)


def _table(res, states: str | None, day: dt.date):
    """The table rows: the chosen ``--states``, or every state not neutral throughout (all are in --format json)."""
    import pandas as pd

    from realign.data.names import resolve, state_name
    from realign.simulation.forecast import side_labels

    lab = side_labels(res.spec.war)
    chosen = None
    if states:
        chosen = {resolve(x.strip(), day) for x in states.split(",") if x.strip()}
        if not chosen:
            raise InvalidParameterError("--states names no state.")
    p = res.p_side
    rows = []
    for i, c in enumerate(res.ccodes):
        if chosen is not None and c not in chosen:
            continue
        if chosen is None and res.init_side[i] == 0 and p[:, i, 0].min() > 0.99:
            continue  # neutral throughout: left out of the table (all states are in --format json)
        rows.append(
            {
                "ccode": c,
                "state": state_name(c),
                "now": lab[int(res.init_side[i])],
                **{f"{lab[a]} {res.months[-1]}": round(float(p[-1, i, a]), 3) for a in (1, 2, 0)},
            }
        )
    return pd.DataFrame(rows)


def forecast_cmd(
    war: int = typer.Option(WWII, "--war", help="COW inter-state war number (139 World War II, 106 World War I)."),
    at: str = typer.Option(..., "--at", help=AT_HELP),
    until: str = typer.Option(..., "--until", help="Last month forecast, YYYY-MM."),
    runs: int = typer.Option(1000, "--runs", "-r", help="Simulated futures."),
    seed: int = typer.Option(0, "--seed", help="Root seed; the same seed gives the same bytes."),
    hindsight: bool = typer.Option(False, "--hindsight", help="Use the recorded fronts and battles after --at."),
    states: str = typer.Option(None, "--states", help="Comma-separated states to show in the table (names or codes)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """P(each side) month by month for every state of WAR, forecast from what was known --at."""
    from realign.data.names import parse_date
    from realign.simulation.forecast import ForecastSpec, run_forecast

    with domain_errors():
        day = parse_date(at)
        spec = ForecastSpec(war=war, at=day, until=_month_end(until), runs=runs, seed=seed, hindsight=hindsight)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=fmt is not Format.table,
        ) as bar:
            task = bar.add_task("fitting hazards across wars", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, description="simulating months", completed=done, total=total)

            res = run_forecast(spec, progress=progress)
        out = res.to_dict()
        if fmt is Format.json:
            print_json(out)
            return
        df = _table(res, states, day)
        if fmt is Format.csv:
            print_frame(df, fmt)
            return
        print_frame(
            df,
            fmt,
            title=f"War {war}: P(side) in {res.months[-1]}, from information on {day}"
            + (" (hindsight)" if hindsight else ""),
        )
        cap = out["capability_share"]
        console.print(
            f"Capability share, {res.months[0]} -> {res.months[-1]}: "
            + "; ".join(
                f"{k} {v[res.months[0]]:.3f} -> {v[res.months[-1]]:.3f}" for k, v in cap.items() if k != "neutral"
            )
        )
        console.print(
            f"Hazards fitted on {len(res.hazards.wars)} COW wars (war {war} only up to "
            f"{res.hazards.until}; {res.hazards.n_changes} voluntary changes).",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_cmd)
