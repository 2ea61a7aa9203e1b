"""Bundled tables: load, verify, describe and cite (read via importlib.resources).

Every table is a compact Parquet file under ``realign/data/tables`` built by one script in
``data-raw/``; ``manifest.json`` records its version, coverage, unit, citation (BibTeX), source
files with sha256 and the table's own sha256. :func:`load` verifies the checksum once per process.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from realign.errors import DataIntegrityError, InvalidParameterError

__all__ = ["load", "manifest", "list_datasets", "cite", "table_path", "verify", "query"]


def _root() -> Path:
    return Path(str(resources.files("realign.data")))


@cache
def manifest() -> dict[str, dict]:
    """The data manifest: one entry per bundled table (name, version, coverage, citation, sha256...)."""
    path = _root() / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataIntegrityError(
            f"The package data manifest {path} cannot be read ({exc}); reinstall realign "
            "or rebuild it with the data-raw/ scripts."
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise DataIntegrityError(
            f"The package data manifest {path} is not a table of datasets; reinstall "
            "realign or rebuild it with the data-raw/ scripts."
        )
    return data


def list_datasets() -> pd.DataFrame:
    """One row per bundled table: name, title, version, unit, coverage, rows."""
    rows = [
        {k: m.get(k) for k in ("name", "title", "version", "unit", "coverage", "rows")} for m in manifest().values()
    ]
    return pd.DataFrame(rows)


def _entry(name: str) -> dict:
    m = manifest()
    if name not in m:
        raise InvalidParameterError(f"Unknown dataset {name!r}. Known datasets: {', '.join(sorted(m))}.")
    return m[name]


def table_path(name: str) -> Path:
    """Path of a bundled table's Parquet file (for DuckDB or pyarrow users).

    Parameters
    ----------
    name : str
        A dataset name of the manifest (e.g. ``"states"``, ``"nmc"``).

    Returns
    -------
    pathlib.Path
        The Parquet file in the installed package (``realign/data/tables``).

    Raises
    ------
    InvalidParameterError
        ``name`` is not in the manifest.
    """
    return _root() / _entry(name)["file"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def verify(name: str) -> str:
    """Check a table's sha256 against the manifest; raise :class:`DataIntegrityError` if it differs.

    Parameters
    ----------
    name : str
        A dataset name of the manifest.

    Returns
    -------
    str
        The file's sha256 (hex), equal to the manifest's.

    Raises
    ------
    InvalidParameterError
        ``name`` is not in the manifest.
    DataIntegrityError
        The file's checksum differs from the manifest's.
    """
    entry = _entry(name)
    got = _sha256(table_path(name))
    if got != entry["sha256"]:
        raise DataIntegrityError(
            f"Bundled table {name!r} fails its checksum (manifest {entry['sha256'][:12]}..., file "
            f"{got[:12]}...). Reinstall realign or rebuild it with {entry['build_script']}."
        )
    return got


@cache
def _load(name: str) -> pd.DataFrame:
    verify(name)
    return pd.read_parquet(table_path(name))


def load(name: str) -> pd.DataFrame:
    """A bundled table as a pandas DataFrame (a copy: callers may modify it).

    Parameters
    ----------
    name : str
        A dataset name of the manifest (see :func:`list_datasets`).

    Returns
    -------
    pandas.DataFrame
        The table (checksum verified on first load).

    Raises
    ------
    InvalidParameterError
        ``name`` is not in the manifest.
    DataIntegrityError
        The file fails its checksum.

    Examples
    --------
    >>> states = load("states")
    >>> int(states.loc[states.stateabb == "ROM", "ccode"].iloc[0])
    360
    """
    return _load(name).copy()


def load_shared(name: str) -> pd.DataFrame:
    """Like :func:`load` but without copying; for read-only internal use on hot paths."""
    return _load(name)


def cite(*names: str) -> str:
    """BibTeX for the named tables (all tables when none are named), deduplicated.

    Parameters
    ----------
    *names : str
        Dataset names of the manifest; none means every table.

    Returns
    -------
    str
        The BibTeX entries, separated by blank lines.

    Raises
    ------
    InvalidParameterError
        A name is not in the manifest.
    """
    chosen = names or tuple(manifest())
    seen: list[str] = []
    for n in chosen:
        bib = _entry(n)["citation"].strip()
        if bib not in seen:
            seen.append(bib)
    return "\n\n".join(seen) + "\n"


def query(name: str, where: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Rows of a table filtered by a DuckDB SQL ``WHERE`` expression (e.g. ``"year = 1942"``).

    The table is loaded first and DuckDB then runs with external access disabled, so an expression
    cannot read or write any other file (``read_csv('/etc/passwd')`` is refused).

    Parameters
    ----------
    name : str
        A dataset name of the manifest.
    where : str or None
        DuckDB SQL condition on the table's columns; None returns every row.
    limit : int or None
        Most rows to return (>= 0); None for no limit.

    Returns
    -------
    pandas.DataFrame
        The matching rows.

    Raises
    ------
    InvalidParameterError
        Unknown ``name``, negative ``limit`` or a bad ``where`` expression.
    DataIntegrityError
        The file fails its checksum.
    """
    import duckdb
    import pyarrow.parquet as pq

    if limit is not None and int(limit) < 0:
        raise InvalidParameterError(f"The 'limit' parameter must be >= 0. Got {limit!r}.")
    verify(name)
    con = duckdb.connect()
    try:
        con.register("t", pq.read_table(table_path(name)))
        con.execute("SET enable_external_access = false")
        sql = f"SELECT * FROM t {'WHERE ' + where if where else ''}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return con.execute(sql).df()
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0][:300]
        raise InvalidParameterError(f"Bad --where expression for {name!r}: {msg}") from None
    finally:
        con.close()
