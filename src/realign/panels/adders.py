"""Panel adders: each takes a state-year or dyad-year panel and returns a *new* frame with covariates added.

Chain them with ``DataFrame.pipe`` (the peacesciencer idiom, Miller 2022)::

    dyad_years(1816, 2014).pipe(add_nmc).pipe(add_atop).pipe(add_contiguity)

Every added column records its unit and coverage in ``attrs["realign"]["columns"]``; outside a
source's coverage the value is missing (``<NA>``/NaN), never 0.

References
----------
Carter, D. B., and C. S. Signorino. 2010. "Back to the Future: Modeling Time Dependence in Binary
Data." *Political Analysis* 18(3): 271-292.
Weede, E. 1976. "Overwhelming Preponderance as a Pacifying Condition among Contiguous Asian Dyads."
*Journal of Conflict Resolution* 20: 395-411.
Lemke, D., and W. Reed. 2001. "The Relevance of Politically Relevant Dyads." *Journal of Conflict
Resolution* 45(1): 126-144.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from realign.errors import InvalidParameterError
from realign.panels.core import NONDIRECTED, STATE_YEAR, cursor, panel_info, with_columns, with_info
from realign.panels.specs import SPECS, Spec

__all__ = [
    "add_nmc",
    "add_atop",
    "add_cow_alliance",
    "add_democracy",
    "add_contiguity",
    "add_wars",
    "add_mids",
    "add_territorial_change",
    "add_peace_years",
    "add_politically_relevant",
    "add_major_powers",
    "ADDERS",
]


_SOURCE_CACHE: dict[tuple[int, str], pd.DataFrame] = {}
_MASKED = {"TINYINT": "Int8", "SMALLINT": "Int16", "INTEGER": "Int32"}


def _source(spec: Spec, grain: str, directed: bool, extra: dict | None) -> pd.DataFrame:
    """The spec's source relation (DuckDB SQL over the bundled Parquet), cached when it reads only bundled data."""
    key = (id(spec), f"{grain}-{directed}")
    if key in _SOURCE_CACHE and not extra:
        return _SOURCE_CACHE[key]
    sql = spec.state_sql if grain == "state" else spec.dyad_sql(directed)
    cur = cursor()
    try:
        for name, frame in (extra or {}).items():
            cur.register(name, frame)
        src = cur.execute(sql).df()
    finally:
        cur.close()
    if not extra:
        _SOURCE_CACHE[key] = src
    return src


def _code(year: np.ndarray, *codes: np.ndarray) -> np.ndarray:
    """One int64 key per (year, ccode[, ccode]), year-major so a panel ordered by year queries in order."""
    key = np.asarray(year, dtype=np.int64)
    for c in codes:
        key = key * 1000 + np.asarray(c, dtype=np.int64)
    return key


def _lookup(src_key: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Row of ``src_key`` matching each ``key`` (-1 when none); src keys are unique.

    When the panel's keys are strictly increasing (a panel from :func:`dyad_years` or :func:`state_years`),
    the smaller source is searched in the panel (a merge join: |source| log |panel| comparisons);
    otherwise the panel is searched in the sorted source.
    """
    row = np.full(len(key), -1, dtype=np.int64)
    if not len(src_key) or not len(key):
        return row
    if len(key) > 1 and bool(np.all(key[1:] > key[:-1])):
        pos = np.minimum(np.searchsorted(key, src_key), len(key) - 1)
        hit = key[pos] == src_key
        row[pos[hit]] = np.flatnonzero(hit)
        return row
    order = np.argsort(src_key, kind="stable")
    sk = src_key[order]
    pos = np.minimum(np.searchsorted(sk, key), len(sk) - 1)
    return np.where(sk[pos] == key, order[pos], -1)


_Y0, _Y1 = 1700, 2100  # dense state-year lookup range


def _state_rows(src: pd.DataFrame, year: np.ndarray, ccode: np.ndarray) -> np.ndarray:
    """Source row for each (year, ccode) from a dense year x ccode table (-1 when none): one gather."""
    table = np.full((_Y1 - _Y0) * 1000, -1, dtype=np.int64)
    sy = src["year"].to_numpy().astype(np.int64)
    ok = (sy >= _Y0) & (sy < _Y1)
    table[(sy[ok] - _Y0) * 1000 + src["ccode"].to_numpy().astype(np.int64)[ok]] = np.flatnonzero(ok)
    inside = (year >= _Y0) & (year < _Y1)
    return np.where(inside, table[np.where(inside, (year - _Y0) * 1000 + ccode, 0)], -1)


def _column(spec: Spec, col: str, src: pd.DataFrame, row: np.ndarray, outside: np.ndarray):
    """Gathered values for one output column: zero-filled inside coverage if an event column, missing outside.

    ``row`` = -1 (no source row) picks the appended fill value (0 for event columns, NaN otherwise).
    """
    typ, zero, _ = spec.columns[col]
    vals = pd.to_numeric(src[col]).to_numpy(dtype=np.float64, na_value=np.nan)
    if zero:
        vals = np.where(np.isnan(vals), 0.0, vals)
    out = np.append(vals, 0.0 if zero else np.nan)[row]
    out[outside] = np.nan
    if typ == "DOUBLE":
        return out
    mask = np.isnan(out)
    return pd.arrays.IntegerArray(np.where(mask, 0, out).astype(_MASKED[typ].lower()), mask)


def _query(spec: Spec, unit: str, df: pd.DataFrame, extra: dict | None = None) -> dict[str, object]:
    """The spec's columns for every row of ``df``: a keyed gather from the source relation (vectorised)."""
    try:
        year = df["year"].to_numpy().astype(np.int64)
        names = ("ccode",) if unit == STATE_YEAR else ("ccode1", "ccode2")
        codes = [df[c].to_numpy().astype(np.int64) for c in names]
    except (TypeError, ValueError):
        raise InvalidParameterError("The panel's 'ccode'/'year' columns must be integers (COW codes, years).") from None
    if len(year) and (
        year.min() < 1000 or year.max() > 2999 or min(c.min() for c in codes) < 0 or max(c.max() for c in codes) > 999
    ):
        raise InvalidParameterError(
            "The panel has years outside 1000-2999 or ccodes outside 0-999; are they COW state numbers?"
        )
    lo, hi = spec.coverage
    outside = np.flatnonzero((year < lo) | (year > hi))
    if unit == STATE_YEAR or spec.per_state:
        src = _source(spec, "state", True, extra)
        rows = [_state_rows(src, year, c) for c in codes]
        if unit == STATE_YEAR:
            return {c: _column(spec, c, src, rows[0], outside) for c in spec.columns}
        return {f"{c}{i}": _column(spec, c, src, rows[i - 1], outside) for c in spec.columns for i in (1, 2)}
    src = _source(spec, "dyad", unit != NONDIRECTED, extra)
    sk = _code(src["year"].to_numpy(), src["ccode1"].to_numpy(), src["ccode2"].to_numpy())
    row = _lookup(sk, _code(year, *codes))
    return {c: _column(spec, c, src, row, outside) for c in spec.columns}


def _apply(df: pd.DataFrame, name: str, *, extra: dict | None = None, citations: tuple[str, ...] = ()) -> pd.DataFrame:
    """Add every column of adder ``name`` to a copy of ``df`` and record sources and column notes."""
    info = panel_info(df)
    unit = info["unit"]
    specs = SPECS[name][0 if unit == STATE_YEAR else 1]
    new: dict[str, object] = {}
    for spec in specs:
        res = _query(spec, unit, df, extra)
        clash = [c for c in res if c in df.columns or c in new]
        if clash:
            raise InvalidParameterError(
                f"The panel already has column(s) {clash}; add '{name}' only once (or drop those columns first)."
            )
        new.update(res)
        lo, hi = spec.coverage
        for col in res:
            base = col if col in spec.columns else col[:-1]
            who = "" if col == base else f" (state {col[-1]})"
            info["columns"][col] = f"{spec.columns[base][2]}{who}; {unit}; coverage {lo}-{hi}, missing outside"
        info["sources"] += list(spec.datasets)
    out = with_columns(df, new)
    info["extra_citations"] += list(citations)
    return with_info(out, info)


def add_nmc(df: pd.DataFrame) -> pd.DataFrame:
    """COW National Material Capabilities v7 (six components and CINC), 1816-2022; dyads get ``...1``/``...2``.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "nmc")


def add_democracy(df: pd.DataFrame) -> pd.DataFrame:
    """Democracy scores (extended UDS, Polity5 polity2, V-Dem polyarchy), 1816-2025; missing stays missing.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "democracy")


def add_major_powers(df: pd.DataFrame) -> pd.DataFrame:
    """COW major-power status (``cowmaj``; dyads ``cowmaj1``/``cowmaj2``): a major on any day of the year, 1816-2016.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "majors")


def add_wars(df: pd.DataFrame) -> pd.DataFrame:
    """COW inter-state war participation and sides (1816-2007); dyads also get dyadic fighting (1816-2003).

    Dyad columns: ``war_participant1/2``, ``war_shared``, ``war_common``, ``war_side1/2`` (participant
    spells, Sarkees & Wayman 2010) and ``war_dyad_ongoing``/``war_dyad_onset`` (directed dyadic war
    data, Maoz et al. 2019; its last year with data, 2003, is taken as its coverage).

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "wars")


def add_mids(df: pd.DataFrame) -> pd.DataFrame:
    """MID onsets and ongoing MIDs (COW MID 4.3 participant spells, 1816-2010).

    A dyad is in a dispute when the two were on opposite sides with participation spells sharing a day;
    its onset year is the year of the first shared day.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "mids")


def add_territorial_change(df: pd.DataFrame) -> pd.DataFrame:
    """COW territorial change v6 transfers (counts per year), 1816-2018.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "territory")


def add_contiguity(df: pd.DataFrame) -> pd.DataFrame:
    """COW direct contiguity v3.2 (closest type in the year; state-years: neighbour counts), 1816-2016.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "contiguity")


def add_atop(df: pd.DataFrame) -> pd.DataFrame:
    """ATOP v5.1 alliance obligations (defense, offense, neutrality, non-aggression, consultation), 1815-2018.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, or a column already present.
    """
    return _apply(df, "atop")


def add_cow_alliance(df: pd.DataFrame) -> pd.DataFrame:
    """COW Formal Alliances v4.1 types (day-level spells), 1816-2012 -- only after the user imported them.

    COW alliances are not bundled (at the maintainer's request): import your copy with
    ``realign data import cow-alliance DIR``.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year (``ccode, year``) or dyad-year (``ccode1, ccode2, year``) panel.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns added (units and coverage in ``attrs["realign"]["columns"]``).

    Raises
    ------
    InvalidParameterError
        Not a panel, non-integer or out-of-range ccodes/years, a column already present, or
        the COW alliance data are not imported.
    """
    from realign.data.cow_alliance import COW_ALLIANCE_CITATION, load_cow_alliance, user_data_dir

    cow = load_cow_alliance()
    if cow is None:
        raise InvalidParameterError(
            f"COW alliance data are not imported (looked in {user_data_dir()}); they are not bundled with realign. "
            "Run `realign data import cow-alliance DIR` with the folder holding alliance_v4.1_by_member.csv, "
            "or use the bundled ATOP adder ('atop')."
        )
    return _apply(df, "cow", extra={"cow_alliance": cow}, citations=(COW_ALLIANCE_CITATION,))


def add_peace_years(df: pd.DataFrame, event: str | None = None) -> pd.DataFrame:
    """Years since the unit's last ``event`` (0/1 column) with Carter-Signorino cubic terms t, t^2, t^3.

    The count starts at 0 in a unit's first year (left-censored) and after every gap in its years, and
    restarts the year after an event; in an event year it counts the peaceful years before it. Where the
    event is missing (outside its coverage) the peace-years are missing too, and the count restarts.
    ``event`` defaults to ``mid_onset`` if present, else ``war_dyad_onset`` / ``war_onset``.
    Adds ``<event>_peaceyrs``, ``..._peaceyrs2``, ``..._peaceyrs3``.

    Parameters
    ----------
    df : pandas.DataFrame
        A state-year or dyad-year panel holding the event column.
    event : str or None
        Name of the 0/1 event column; None picks the default above.

    Returns
    -------
    pandas.DataFrame
        A new frame with the three peace-years columns (years; float, NaN where the event is missing).

    Raises
    ------
    InvalidParameterError
        Not a panel, no (or an unknown) event column, or the peace-years columns already present.
    """
    info = panel_info(df)
    if event is None:
        event = next((c for c in ("mid_onset", "war_dyad_onset", "war_onset") if c in df.columns), None)
        if event is None:
            raise InvalidParameterError(
                "add_peace_years needs an event column; add 'mids' or 'wars' first, or pass event='column'."
            )
    if event not in df.columns:
        raise InvalidParameterError(f"The 'event' column {event!r} is not in the panel; add it first.")
    ids = ["ccode"] if info["unit"] == STATE_YEAR else ["ccode1", "ccode2"]
    ev = pd.to_numeric(df[event], errors="coerce").astype("float64").to_numpy()
    order = np.lexsort([df["year"].to_numpy()] + [df[c].to_numpy() for c in reversed(ids)])
    year = df["year"].to_numpy()[order].astype(np.int64)
    e = ev[order]
    same = np.ones(len(order), dtype=bool)
    same[0:1] = False
    for c in ids:
        v = df[c].to_numpy()[order]
        same[1:] &= v[1:] == v[:-1]
    prev_e = np.r_[np.nan, e[:-1]]
    start = ~same | (np.r_[0, year[:-1]] + 1 != year) | (prev_e != 0)
    first = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
    t = (year - year[first]).astype("float64")
    t[np.isnan(e)] = np.nan
    new = {}
    for p, suffix in ((1, ""), (2, "2"), (3, "3")):
        col = f"{event}_peaceyrs{suffix}"
        if col in df.columns:
            raise InvalidParameterError(f"The panel already has column {col!r}; add peace-years only once.")
        vals = np.empty(len(order))
        vals[order] = t**p
        new[col] = vals
        info["columns"][col] = f"years since the last {event} (power {p}); {info['unit']}; missing where {event} is"
    info["extra_citations"].append(_CARTER_SIGNORINO)
    return with_info(with_columns(df, new), info)


def add_politically_relevant(df: pd.DataFrame, land_only: bool = False) -> pd.DataFrame:
    """``prd`` = 1 when the two are directly contiguous (any COW type; land only if ``land_only``) or either
    is a COW major power that year (Weede 1976; Lemke & Reed 2001), 1816-2016; dyad-years only.

    Parameters
    ----------
    df : pandas.DataFrame
        A dyad-year panel (``ccode1, ccode2, year``).
    land_only : bool
        Count only direct land contiguity (COW type 1) instead of any type (1-5).

    Returns
    -------
    pandas.DataFrame
        A new frame with ``prd`` (Int8 1/0; missing outside 1816-2016).

    Raises
    ------
    InvalidParameterError
        A state-year panel, not a panel, or a ``prd`` column already present.
    """
    info = panel_info(df)
    if info["unit"] == STATE_YEAR:
        raise InvalidParameterError("Politically relevant dyads need a dyad-year panel; this is a state-year panel.")
    keys = pd.DataFrame({c: df[c].to_numpy() for c in ("ccode1", "ccode2", "year")})
    tmp = with_info(keys, {"unit": info["unit"], "sources": [], "columns": {}})
    tmp = add_major_powers(add_contiguity(tmp))
    ct = tmp["conttype"].astype("Float64")
    contig = (ct == 1) if land_only else (ct >= 1)
    prd = (contig | (tmp["cowmaj1"] == 1) | (tmp["cowmaj2"] == 1)).astype("Int8")
    if "prd" in df.columns:
        raise InvalidParameterError("The panel already has a 'prd' column; add 'prd' only once.")
    out = with_columns(df, {"prd": prd.array})
    info["columns"]["prd"] = (
        "politically relevant dyad (contiguous or a major power; 1/0); dyad-year; coverage 1816-2016, missing outside"
    )
    info["sources"] += ["contiguity", "majors"]
    info["extra_citations"].append(_LEMKE_REED)
    return with_info(out, info)


_CARTER_SIGNORINO = """@article{carter2010back,
  author = {Carter, David B. and Signorino, Curtis S.},
  title = {Back to the Future: Modeling Time Dependence in Binary Data},
  journal = {Political Analysis}, volume = {18}, number = {3}, pages = {271--292}, year = {2010}
}"""

_LEMKE_REED = """@article{lemke2001relevance,
  author = {Lemke, Douglas and Reed, William},
  title = {The Relevance of Politically Relevant Dyads},
  journal = {Journal of Conflict Resolution}, volume = {45}, number = {1}, pages = {126--144}, year = {2001}
}"""


def _sscore(df: pd.DataFrame) -> pd.DataFrame:
    from realign.panels.similarity import add_sscore

    return add_sscore(df)


ADDERS = {
    "nmc": add_nmc,
    "atop": add_atop,
    "cow": add_cow_alliance,
    "democracy": add_democracy,
    "contiguity": add_contiguity,
    "wars": add_wars,
    "mids": add_mids,
    "territory": add_territorial_change,
    "majors": add_major_powers,
    "prd": add_politically_relevant,
    "sscore": _sscore,
    "peaceyears": add_peace_years,
}
