"""CLI for the alignment models: ``realign landscape`` and ``realign balance`` (issue 6).

Contracts (other tools parse these):

* ``realign landscape --sizes SIZES.csv --propensity P.csv [--k 2] --format json`` prints
  ``{"minima": [{"energy": float, "coalitions": [[id, ...], ...], "basin": float|null,
  "basin_ci": [lo, hi]|null}], "exact": bool, "complete": bool, "n_minima": int,
  "n_minima_is_lower_bound": bool, "basin_method": "exact"|"sampled"|null, "basin_starts": int|null,
  "basin_confidence": float|null}`` (``exact``: global minimum proven; ``complete``: every local minimum
  listed; ``basin_ci``: 95% Wilson interval of a sampled basin from ``basin_starts`` random starts)
  (minima sorted by energy, global minimum first; ids as in the CSV, ints kept as ints).
* ``realign balance --signed-edges EDGES.csv --dynamics triad|continuous --seed N --format json`` prints
  ``{"factions": [[node, ...], ...], "frustration": int}``.

Bad input exits with code 2 and a message naming file, line and field.
"""

from __future__ import annotations

import contextlib
import csv
import enum
import math
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from realign.cli.common import FORMAT_OPTION, Format, console, domain_errors, err_console, escape, print_json
from realign.errors import InputFileError, InvalidParameterError, RealignError

if TYPE_CHECKING:  # numpy is imported by the commands, not at CLI start-up
    import numpy as np


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Like ``domain_errors`` but escapes rich markup (messages contain "[field 'x']")."""
    with domain_errors():
        try:
            yield
        except RealignError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


class Dynamics(enum.StrEnum):
    triad = "triad"
    continuous = "continuous"


def _parse_id(text: str) -> Hashable:
    t = text.strip()
    try:
        return int(t)
    except ValueError:
        return t


def _read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    p = str(path)
    if not path.exists():
        raise InputFileError("file not found", path=p)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        try:
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputFileError(
                    f"missing column(s) {', '.join(missing)}; expected columns {','.join(required)}", path=p, line=1
                )
            rows = []
            for row in reader:
                clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
                if not any(clean.values()):
                    continue
                rows.append((reader.line_num, clean))
        except csv.Error as exc:  # e.g. a field over the csv module's 128 kB limit, a NUL byte
            raise InputFileError(f"not a readable CSV file: {exc}", path=p, line=reader.line_num or None) from None
    return rows


def _number(text: str, path: Path, line: int, field: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise InputFileError(f"{field} {text!r} is not a number", path=str(path), line=line, field=field) from None
    if not math.isfinite(x):
        raise InputFileError(f"{field} is {text!r}; it must be a finite number", path=str(path), line=line, field=field)
    return x


def read_landscape_csv(sizes_path: Path, prop_path: Path) -> tuple[np.ndarray, np.ndarray, list[Hashable]]:
    """Read ``id,size`` and ``i,j,p`` files into sizes (n,), symmetric propensity (n, n) and ids.

    A pair listed once applies both ways; listed twice it must agree; missing pairs are 0.
    """
    import numpy as np

    ids: list[Hashable] = []
    sizes: list[float] = []
    index: dict[Hashable, int] = {}
    for line, row in _read_rows(sizes_path, ("id", "size")):
        ident = _parse_id(row["id"])
        if row["id"] == "":
            raise InputFileError("empty id", path=str(sizes_path), line=line, field="id")
        if ident in index:
            raise InputFileError(f"duplicate id {ident!r}", path=str(sizes_path), line=line, field="id")
        s = _number(row["size"], sizes_path, line, "size")
        if s < 0:
            raise InputFileError(
                f"size {s} of id {ident!r} is negative; sizes must be >= 0",
                path=str(sizes_path),
                line=line,
                field="size",
            )
        index[ident] = len(ids)
        ids.append(ident)
        sizes.append(s)
    n = len(ids)
    p = np.zeros((n, n))
    where = np.zeros((n, n), np.int64)
    for line, row in _read_rows(prop_path, ("i", "j", "p")):
        a, b = _parse_id(row["i"]), _parse_id(row["j"])
        for fld, v in (("i", a), ("j", b)):
            if v not in index:
                raise InputFileError(
                    f"unknown id {v!r} (not in {sizes_path.name})", path=str(prop_path), line=line, field=fld
                )
        val = _number(row["p"], prop_path, line, "p")
        i, j = index[a], index[b]
        if i == j:
            continue
        if where[j, i] and where[i, j] == 0 and p[j, i] != val:
            raise InputFileError(
                f"asymmetric propensity: p({a!r},{b!r})={val} but p({b!r},{a!r})={p[j, i]} on line {where[j, i]}",
                path=str(prop_path),
                line=line,
                field="p",
            )
        if where[i, j] and p[i, j] != val:
            raise InputFileError(
                f"pair ({a!r},{b!r}) listed twice with different p (line {where[i, j]})",
                path=str(prop_path),
                line=line,
                field="p",
            )
        p[i, j] = val
        where[i, j] = line
        if where[j, i] == 0:
            p[j, i] = val
    return np.array(sizes, dtype=np.float64), p, ids


def _solve_with_progress(model, sizes: np.ndarray, p: np.ndarray, ids: list[Hashable]):
    n = len(sizes)
    slow = model.k == 2 and n >= 28 and model._choose(n) == "exact"
    if not slow:
        if n > 60:
            with err_console.status(f"solving landscape of {n} states ..."):
                return model.fit(sizes, p, ids)
        return model.fit(sizes, p, ids)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"enumerating 2^{n - 1} configurations", total=1.0)

        def cb(done: int, total: int) -> None:
            bar.update(task, completed=done / total)

        return model.fit(sizes, p, ids, progress=cb)


def landscape_cmd(
    sizes: Path = typer.Option(None, "--sizes", help="CSV with columns id,size (size >= 0)."),
    propensity: Path = typer.Option(None, "--propensity", help="CSV with columns i,j,p (symmetric; missing = 0)."),
    k: int = typer.Option(2, "--k", help="Maximum number of coalitions (>= 2)."),
    date: str = typer.Option(None, "--date", "-d", help="Build sizes and propensities from data on YYYY-MM-DD."),
    states: str = typer.Option(None, "--states", help="With --date: comma-separated ccodes to include."),
    solver: str = typer.Option("auto", "--solver", help="auto, exact, minima, bnb or heuristic."),
    seed: int = typer.Option(0, "--seed", help="Seed for restarts and basin samples."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Landscape theory (Axelrod & Bennett 1993): every local minimum of the coalition energy."""
    with _errors():
        from realign.models.landscape import Landscape

        if k < 2:
            raise InvalidParameterError(f"The 'k' parameter of Landscape must be an int >= 2. Got {k} instead.")
        if date is not None:
            try:
                from realign.models.propensity import landscape_inputs_for_date
            except ImportError:
                err_console.print(
                    "[bold red]error:[/] --date needs realign.models.propensity "
                    "(landscape_inputs_for_date), which is not available in this installation",
                    highlight=False,
                    soft_wrap=True,
                )
                raise typer.Exit(2) from None
            state_list = [s.strip() for s in states.split(",") if s.strip()] if states is not None else None
            s_arr, p_arr, ids = landscape_inputs_for_date(date, state_list)
            ids = list(ids)
        else:
            if sizes is None or propensity is None:
                raise RealignError("give --sizes and --propensity CSV files (or --date)")
            s_arr, p_arr, ids = read_landscape_csv(sizes, propensity)
        model = Landscape(k=k, solver=solver, seed=seed)
        model = _solve_with_progress(model, s_arr, p_arr, ids)
        out = model.to_dict()
    if fmt is Format.json:
        print_json(out)
        return
    if fmt is Format.csv:
        import sys

        sys.stdout.write("rank,energy,basin,coalitions\n")
        for r, m in enumerate(out["minima"], 1):
            coal = " | ".join(" ".join(str(x) for x in c) for c in m["coalitions"])
            basin = "" if m["basin"] is None else f"{m['basin']:.6g}"
            sys.stdout.write(f'{r},{m["energy"]:.10g},{basin},"{coal}"\n')
        return
    what = (
        "all local minima (exact)"
        if model.complete_
        else ("global minimum proven; other minima sampled" if model.exact_ else "heuristic: minima found")
    )
    from rich.table import Table

    table = Table(title=f"Landscape minima, k={k}, {len(ids)} states — {what}", header_style="bold")
    for col in ("#", "energy", "basin", "coalitions"):
        table.add_column(col, overflow="fold")
    sampled = out["basin_method"] == "sampled"
    for r, m in enumerate(out["minima"][:50], 1):
        coal = "  |  ".join(", ".join(str(x) for x in c) for c in m["coalitions"])
        basin = "" if m["basin"] is None else f"{m['basin']:.3f}"
        if sampled and m["basin_ci"] is not None:
            basin += f" [{m['basin_ci'][0]:.3f}, {m['basin_ci'][1]:.3f}]"
        table.add_row(str(r), f"{m['energy']:.6g}", basin, coal)
    console.print(table)
    if len(out["minima"]) > 50:
        console.print(f"... {len(out['minima']) - 50} more minima (use --format json for all)")
    console.print(_basin_note(out), highlight=False, soft_wrap=True)


def _basin_note(out: dict) -> str:
    """One line saying how the basins were obtained and whether the list of minima is complete."""
    n = out["n_minima"]
    if out["basin_method"] == "exact":
        how = f"basins counted over all {out['basin_starts']:,} configurations (exact)"
    elif out["basin_method"] == "sampled":
        how = (
            f"basins estimated from {out['basin_starts']:,} uniform random starts "
            f"(brackets: {out['basin_confidence']:.0%} Wilson interval)"
        )
    else:
        how = "basins not computed for k >= 3"
    if out["n_minima_is_lower_bound"]:
        return f"{how}; {n} minima found: a lower bound on the number of local minima (the list is not complete)"
    return f"{how}; {n} local {'minimum' if n == 1 else 'minima'}, the complete list"


def read_signed_edges(path: Path) -> list[tuple[Hashable, Hashable, int]]:
    """Read ``a,b,sign`` rows (sign +1 or -1); errors name file, line and field."""
    rows = []
    for line, row in _read_rows(path, ("a", "b", "sign")):
        a, b = _parse_id(row["a"]), _parse_id(row["b"])
        for fld in ("a", "b"):
            if row[fld] == "":
                raise InputFileError("empty node id", path=str(path), line=line, field=fld)
        try:
            sign = float(row["sign"])
        except ValueError:
            sign = float("nan")
        if sign not in (1.0, -1.0):
            raise InputFileError(f"sign must be 1 or -1, got {row['sign']!r}", path=str(path), line=line, field="sign")
        if a == b:
            raise InputFileError(f"self loop on {a!r}", path=str(path), line=line, field="b")
        rows.append((a, b, int(sign)))
    return rows


def balance_cmd(
    signed_edges: Path = typer.Option(..., "--signed-edges", help="CSV with columns a,b,sign (sign +1/-1)."),
    dynamics: Dynamics = typer.Option(
        Dynamics.triad, "--dynamics", help="triad (Antal-Krapivsky-Redner) or continuous (dX/dt = X^2)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the dynamics."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Structural balance: the factions the dynamics end in and the input's frustration index."""
    with _errors():
        from realign.models.balance import (
            continuous_dynamics,
            frustration_index,
            signed_network,
            triad_dynamics,
        )

        rows = read_signed_edges(signed_edges)
        try:
            net = signed_network(rows)
        except InvalidParameterError as exc:
            raise InputFileError(str(exc), path=str(signed_edges)) from None
        run = triad_dynamics if dynamics is Dynamics.triad else continuous_dynamics
        res = run(net, seed=seed)
        frus = frustration_index(net, seed=seed)
    out = {"factions": res.factions, "frustration": int(frus.frustration)}
    if fmt is Format.json:
        print_json(out)
        return
    if fmt is Format.csv:
        import sys

        sys.stdout.write("faction,node\n")
        for f, members in enumerate(res.factions, 1):
            for v in members:
                sys.stdout.write(f"{f},{v}\n")
        return
    from rich.table import Table

    table = Table(title=f"Factions after {dynamics.value} dynamics (seed {seed})", header_style="bold")
    table.add_column("faction")
    table.add_column("members", overflow="fold")
    for f, members in enumerate(res.factions, 1):
        table.add_row(str(f), ", ".join(str(v) for v in members))
    console.print(table)
    note = "" if frus.exact else " (upper bound: heuristic)"
    console.print(
        f"frustration index of the input: {frus.frustration}{note}; "
        f"dynamics {'converged' if res.converged else 'did not converge'} in {res.steps} steps"
    )


def register(app: typer.Typer) -> None:
    """Add ``landscape`` and ``balance`` to the realign CLI."""
    app.command("landscape")(landscape_cmd)
    app.command("balance")(balance_cmd)
