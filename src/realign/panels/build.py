"""Build a panel from adder names (what the CLI and the benchmark call)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from realign.errors import InvalidParameterError
from realign.panels.adders import ADDERS
from realign.panels.core import dyad_years, state_years

__all__ = ["build_panel", "parse_adders", "DYAD_ONLY"]

DYAD_ONLY = ("sscore", "prd")


def parse_adders(spec: str | Sequence[str] | None, kind: str) -> list[str]:
    """Adder names from ``"nmc,atop"`` or a list; unknown, repeated or (for state-years) dyadic names are errors.

    Parameters
    ----------
    spec : str | Sequence[str] | None
        Comma-separated adder names (keys of :data:`~realign.panels.adders.ADDERS`) or a list; None for none.
    kind : str
        ``"state-years"`` or ``"dyad-years"`` (dyad-only adders are refused for state-years).

    Returns
    -------
    list of str
        The adder names, in the order given.

    Raises
    ------
    InvalidParameterError
        Unknown or repeated names, a dyad-only adder on state-years, or ``peaceyears`` before ``mids``/``wars``.
    """
    if spec is None:
        return []
    names = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec)]
    names = [s for s in names if s]
    unknown = [s for s in names if s not in ADDERS]
    if unknown:
        raise InvalidParameterError(f"Unknown adder(s) {unknown}. Known adders: {', '.join(ADDERS)}.")
    dup = sorted({s for s in names if names.count(s) > 1})
    if dup:
        raise InvalidParameterError(f"Adder(s) {dup} given more than once.")
    if kind == "state-years":
        bad = [s for s in names if s in DYAD_ONLY]
        if bad:
            raise InvalidParameterError(f"Adder(s) {bad} need a dyad-year panel; use `realign panel dyad-years`.")
    if "peaceyears" in names and not ({"mids", "wars"} & set(names[: names.index("peaceyears")])):
        raise InvalidParameterError(
            "'peaceyears' counts years since a MID or war onset: put 'mids' or 'wars' before it in --add."
        )
    return names


def build_panel(
    kind: str,
    start: int,
    end: int,
    add: str | Sequence[str] | None = None,
    *,
    directed: bool = True,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """``kind`` = ``"state-years"`` or ``"dyad-years"``; ``add`` adder names applied in order.

    ``progress`` (optional) is called with each step's name before it runs.

    Parameters
    ----------
    kind : str
        ``"state-years"`` or ``"dyad-years"``.
    start, end : int
        First and last calendar year (inclusive).
    add : str | Sequence[str] | None
        Adder names, as in :func:`parse_adders`.
    directed : bool
        For dyad-years: both orders of each pair (True) or ``ccode1 < ccode2`` (False).
    progress : Callable[[str], None] or None
        Called with ``kind`` and then each adder's name before it runs.

    Returns
    -------
    pandas.DataFrame
        The panel with every adder's columns.

    Raises
    ------
    InvalidParameterError
        A bad ``kind``, adder list or year range.
    CoverageError
        Years outside the COW state system coverage.
    """
    if kind not in ("state-years", "dyad-years"):
        raise InvalidParameterError(f"The 'kind' parameter must be 'state-years' or 'dyad-years'. Got {kind!r}.")
    names = parse_adders(add, kind)
    if progress:
        progress(kind)
    df = state_years(start, end) if kind == "state-years" else dyad_years(start, end, directed=directed)
    for name in names:
        if progress:
            progress(name)
        df = ADDERS[name](df)
    return df
