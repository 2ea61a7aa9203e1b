"""State-year and dyad-year panels built with DuckDB over the bundled Parquet tables.

A panel is a plain pandas DataFrame whose ``attrs["realign"]`` records its unit (``"state-year"``,
``"directed dyad-year"`` or ``"non-directed dyad-year"``), the bundled datasets it used (for
:func:`cite`) and a description of each added column (unit and coverage). Membership follows COW's
dated spells: a state-year exists when the state was a system member on at least one day of that
year; a dyad-year exists only when both states were members on a *common* day of that year (two
states that share a year but never a day are not a dyad).

References
----------
Correlates of War Project. 2017. "State System Membership List, v2016."
Miller, S. V. 2022. "peacesciencer: An R Package for Quantitative Peace Science Research."
*Conflict Management and Peace Science* 39(6): 755-779.
"""

from __future__ import annotations

import json
import os
import threading
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from realign.atomic import atomic_write
from realign.errors import CoverageError, InvalidParameterError

__all__ = [
    "state_years",
    "dyad_years",
    "cite",
    "to_arrow",
    "to_parquet",
    "panel_info",
    "STATE_YEAR",
    "DIRECTED",
    "NONDIRECTED",
]

STATE_YEAR = "state-year"
DIRECTED = "directed dyad-year"
NONDIRECTED = "non-directed dyad-year"
FIRST_YEAR, LAST_YEAR = 1816, 2016  # COW state system membership v2016

_LOCK = threading.Lock()


@cache
def _base_connection():
    """One in-memory DuckDB connection with a view per bundled table (checksums verified once)."""
    import duckdb

    from realign.data.store import manifest, table_path, verify

    con = duckdb.connect()
    for name in manifest():
        verify(name)
        path = str(table_path(name)).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return con


def cursor():
    """A DuckDB cursor on the shared connection (cursors are safe to use from several threads)."""
    with _LOCK:
        return _base_connection().cursor()


# ------------------------------------------------------------------------------------------ metadata
def panel_info(df: pd.DataFrame) -> dict:
    """The panel's unit, sources and column notes (inferred from the columns for a foreign frame).

    Parameters
    ----------
    df : pandas.DataFrame
        A realign panel or any frame with ``ccode, year`` or ``ccode1, ccode2, year`` columns.

    Returns
    -------
    dict
        ``unit`` (state-year, directed or non-directed dyad-year), ``sources`` (dataset names),
        ``columns`` (column -> note) and ``extra_citations`` (BibTeX); copies, safe to modify.

    Raises
    ------
    InvalidParameterError
        ``df`` is not a DataFrame, or has neither ``ccode, year`` nor ``ccode1, ccode2, year``.
    """
    if not isinstance(df, pd.DataFrame):
        raise InvalidParameterError(f"A panel must be a pandas DataFrame. Got {type(df).__name__} instead.")
    info = df.attrs.get("realign")
    if isinstance(info, dict) and "unit" in info:
        return {
            "unit": info["unit"],
            "sources": list(info.get("sources", [])),
            "columns": dict(info.get("columns", {})),
            "extra_citations": list(info.get("extra_citations", [])),
        }
    cols = set(df.columns)
    if {"ccode1", "ccode2", "year"} <= cols:
        c1, c2 = df["ccode1"].to_numpy(), df["ccode2"].to_numpy()
        unit = NONDIRECTED if len(df) and bool(np.all(c1 < c2)) else DIRECTED
    elif {"ccode", "year"} <= cols:
        unit = STATE_YEAR
    else:
        raise InvalidParameterError(
            "A panel needs columns 'ccode', 'year' (state-year) or 'ccode1', 'ccode2', 'year' (dyad-year). "
            f"Got {sorted(cols)[:12]}. Build one with realign.panels.state_years() or dyad_years()."
        )
    return {"unit": unit, "sources": [], "columns": {}, "extra_citations": []}


def with_info(df: pd.DataFrame, info: dict) -> pd.DataFrame:
    """Attach panel metadata to ``df`` (in place) and return it."""
    df.attrs["realign"] = {
        "unit": info["unit"],
        "sources": list(dict.fromkeys(info["sources"])),
        "columns": dict(info["columns"]),
        "extra_citations": list(dict.fromkeys(info.get("extra_citations", []))),
    }
    return df


def with_columns(df: pd.DataFrame, new: dict[str, object]) -> pd.DataFrame:
    """A shallow copy of ``df`` with ``new`` columns added without copying their arrays (pandas would)."""
    out = df.copy(deep=False)
    for col, values in new.items():
        out[col] = pd.Series(values, index=df.index, copy=False)
    return out


def _years(start: int, end: int) -> tuple[int, int]:
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise InvalidParameterError(f"The '{name}' parameter must be an int year. Got {v!r} instead.")
    start, end = int(start), int(end)
    if start > end:
        raise InvalidParameterError(f"The 'start' year ({start}) must not be after the 'end' year ({end}).")
    if start < FIRST_YEAR or end > LAST_YEAR:
        raise CoverageError(
            f"Years {start}-{end} are outside the COW state system coverage "
            f"({FIRST_YEAR}-{LAST_YEAR}, membership list v2016)."
        )
    return start, end


# ------------------------------------------------------------------------------------------ builders
def state_years(start: int = FIRST_YEAR, end: int = LAST_YEAR) -> pd.DataFrame:
    """Every (ccode, year) with the state a COW system member on at least one day of the year.

    Parameters
    ----------
    start, end : int
        First and last calendar year (inclusive), within the COW state system coverage.

    Returns
    -------
    pandas.DataFrame
        ``ccode``, ``year``, ``stateabb``, ordered by year then ccode, with panel metadata.

    Raises
    ------
    InvalidParameterError
        A non-int year or ``start`` after ``end``.
    CoverageError
        Years outside the COW state system coverage.

    Examples
    --------
    >>> sy = state_years(1942, 1942)
    >>> len(sy), bool(((sy.ccode == 255) & (sy.year == 1942)).any())
    (53, True)
    """
    start, end = _years(start, end)
    sql = f"""
        SELECT DISTINCT ccode::INTEGER AS ccode, y::INTEGER AS year, stateabb
        FROM (SELECT ccode, stateabb,
                     unnest(range(greatest(year(start), {start}), least(year("end"), {end}) + 1)) AS y
              FROM states)
        ORDER BY year, ccode"""
    df = cursor().execute(sql).df()
    df["stateabb"] = df["stateabb"].astype("string")
    cols = {"ccode": "COW state number", "year": "calendar year", "stateabb": "COW abbreviation"}
    return with_info(df, {"unit": STATE_YEAR, "sources": ["states"], "columns": cols})


def dyad_sql(spells: str, start: int, end: int, directed: bool) -> str:
    """SQL for the dyad-years of a spells relation (ccode, start, end dates): a shared day in the year.

    Rows are neither deduplicated nor ordered here (see :func:`dyad_frame`, which does both in one sort).
    """
    order = "<>" if directed else "<"
    return f"""
        WITH s AS (SELECT ccode::INTEGER AS ccode, start::DATE AS st, "end"::DATE AS en FROM {spells}),
        p AS (SELECT a.ccode AS c1, b.ccode AS c2, greatest(a.st, b.st) AS ov_st, least(a.en, b.en) AS ov_en
              FROM s a JOIN s b ON a.ccode {order} b.ccode AND a.st <= b.en AND b.st <= a.en)
        SELECT c1 AS ccode1, c2 AS ccode2, y::INTEGER AS year
        FROM (SELECT c1, c2, unnest(range(greatest(year(ov_st), {start}), least(year(ov_en), {end}) + 1)) AS y
              FROM p)"""


def dyad_frame(cur, spells: str, start: int, end: int, directed: bool) -> pd.DataFrame:
    """Distinct dyad-years of a spells relation, ordered by (year, ccode1, ccode2) (one int64 sort in numpy)."""
    got = cur.execute(dyad_sql(spells, start, end, directed)).fetchnumpy()
    key = (got["year"].astype(np.int64) * 1000 + got["ccode1"]) * 1000 + got["ccode2"]
    key.sort()
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    return pd.DataFrame(
        {
            "ccode1": (key // 1000 % 1000).astype(np.int32),
            "ccode2": (key % 1000).astype(np.int32),
            "year": (key // 1_000_000).astype(np.int32),
        }
    )


def dyad_years(start: int = FIRST_YEAR, end: int = LAST_YEAR, directed: bool = True) -> pd.DataFrame:
    """Every dyad-year whose two states were both COW system members on a common day of that year.

    ``directed=True`` gives both (A, B) and (B, A); ``directed=False`` gives ``ccode1 < ccode2``.

    Parameters
    ----------
    start, end : int
        First and last calendar year (inclusive), within the COW state system coverage.
    directed : bool
        Both orders of each pair (True) or ``ccode1 < ccode2`` only (False).

    Returns
    -------
    pandas.DataFrame
        ``ccode1``, ``ccode2``, ``year`` (int32), ordered by year, ccode1, ccode2, with panel metadata.

    Raises
    ------
    InvalidParameterError
        A non-int year, ``start`` after ``end`` or a non-bool ``directed``.
    CoverageError
        Years outside the COW state system coverage.

    Examples
    --------
    Germany left the system on 1945-05-08 and Poland re-entered on 1945-06-28: both were members
    in 1945, but never on the same day, so (255, 290, 1945) is not a dyad-year.

    >>> d = dyad_years(1945, 1945, directed=False)
    >>> bool(((d.ccode1 == 255) & (d.ccode2 == 290)).any()), bool(((d.ccode1 == 255) & (d.ccode2 == 325)).any())
    (False, True)
    """
    start, end = _years(start, end)
    if not isinstance(directed, bool):
        raise InvalidParameterError(f"The 'directed' parameter must be a bool. Got {directed!r} instead.")
    df = dyad_frame(cursor(), "states", start, end, directed)
    cols = {
        "ccode1": "COW state number (first state)",
        "ccode2": "COW state number (second state)",
        "year": "calendar year",
    }
    return with_info(df, {"unit": DIRECTED if directed else NONDIRECTED, "sources": ["states"], "columns": cols})


# ------------------------------------------------------------------------------------------ output
def cite(df: pd.DataFrame) -> str:
    """BibTeX of every dataset (and method) a panel used, deduplicated, in the order they were added.

    Parameters
    ----------
    df : pandas.DataFrame
        A panel built by realign (it carries the sources in ``attrs``).

    Returns
    -------
    str
        The BibTeX entries, separated by blank lines.

    Raises
    ------
    InvalidParameterError
        Not a panel, or a frame without realign metadata (sources unknown).
    """
    from realign.data.store import cite as cite_tables

    info = panel_info(df)
    parts = [cite_tables(*info["sources"]).strip()] if info["sources"] else []
    parts += [c.strip() for c in info["extra_citations"]]
    if not parts:
        raise InvalidParameterError(
            "This frame carries no realign panel metadata, so its sources are unknown; "
            "build it with realign.panels.state_years() or dyad_years()."
        )
    return "\n\n".join(parts) + "\n"


def to_arrow(df: pd.DataFrame):
    """The panel as a ``pyarrow.Table`` with its unit, sources and column notes in the schema metadata.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year or dyad-year panel.

    Returns
    -------
    pyarrow.Table
        The table; :func:`panel_info` as JSON under the ``realign`` schema metadata key.

    Raises
    ------
    InvalidParameterError
        ``df`` is not a panel.
    """
    import pyarrow as pa

    info = panel_info(df)
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"realign"] = json.dumps(info).encode("utf-8")
    return table.replace_schema_metadata(meta)


def to_parquet(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the panel to Parquet atomically (temp file + rename); metadata as in :func:`to_arrow`.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year or dyad-year panel.
    path : str | os.PathLike
        The output file (zstd-compressed Parquet); its folder must exist.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InvalidParameterError
        ``df`` is not a panel or the folder does not exist.
    """
    import pyarrow.parquet as pq

    return _atomic(Path(path), lambda tmp: pq.write_table(to_arrow(df), tmp, compression="zstd"))


def to_csv(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the panel to CSV atomically (missing values as empty fields).

    Parameters
    ----------
    df : pandas.DataFrame
        The panel.
    path : str | os.PathLike
        The output file; its folder must exist.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InvalidParameterError
        The folder does not exist.
    """
    return _atomic(Path(path), lambda tmp: df.to_csv(tmp, index=False))


def _atomic(path: Path, write) -> Path:
    if not path.parent.is_dir():
        raise InvalidParameterError(f"The folder {str(path.parent)!r} does not exist; create it first.")
    return atomic_write(path, write, prefix=f".{path.name}.")
