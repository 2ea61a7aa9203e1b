"""Pre-indexed arrays of the bundled tables for fast day-resolution snapshots (built once per process)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from realign.data.cow_alliance import load_cow_alliance
from realign.data.store import load_shared

EPOCH = dt.date(1970, 1, 1)


def day(d: dt.date) -> int:
    """Days since 1970-01-01 (negative before): the integer day index all spells are compared in.

    Parameters
    ----------
    d : datetime.date
        The day.

    Returns
    -------
    int
        Days since 1970-01-01.
    """
    return (d - EPOCH).days


def _days(col: pd.Series) -> np.ndarray:
    """datetime column -> int64 days since epoch (NaT -> very large/small sentinels handled by caller)."""
    return col.values.astype("datetime64[D]").astype("int64")


@dataclass(frozen=True)
class Spells:
    frame: pd.DataFrame
    start: np.ndarray
    end: np.ndarray

    def active(self, d: int) -> pd.DataFrame:
        """Rows whose spell covers day ``d``.

        Parameters
        ----------
        d : int
            Day index (days since 1970-01-01, :func:`day`).

        Returns
        -------
        pandas.DataFrame
            The rows of ``frame`` with ``start <= d <= end``.
        """
        return self.frame[(self.start <= d) & (d <= self.end)]


@dataclass(frozen=True)
class Tables:
    states: Spells
    majors: Spells
    wars: Spells
    contiguity: Spells
    cow_alliance: Spells | None
    nmc_by_year: dict[int, pd.DataFrame]
    atop_by_year: dict[int, pd.DataFrame]
    nmc_years: tuple[int, int]
    atop_years: tuple[int, int]
    names: dict[int, str]
    abbs: dict[int, str]


def _spells(df: pd.DataFrame) -> Spells:
    df = df.reset_index(drop=True)
    start = _days(df["start"])
    end = _days(df["end"])
    return Spells(df, start, end)


@cache
def tables() -> Tables:
    """Load and index every table the snapshot needs (cached; call ``tables.cache_clear()`` after imports)."""
    states = load_shared("states")
    nmc = load_shared("nmc")
    atop = load_shared("atop")
    wars = load_shared("war_participants").dropna(subset=["start", "end"])
    cont = load_shared("contiguity")
    cow = load_cow_alliance()
    latest = states.drop_duplicates("ccode", keep="last")
    return Tables(
        states=_spells(states),
        majors=_spells(load_shared("majors")),
        wars=_spells(wars),
        contiguity=_spells(cont),
        cow_alliance=_spells(cow.dropna(subset=["start", "end"])) if cow is not None else None,
        nmc_by_year={int(y): g.set_index("ccode") for y, g in nmc.groupby("year")},
        atop_by_year={int(y): g.reset_index(drop=True) for y, g in atop.groupby("year")},
        nmc_years=(int(nmc.year.min()), int(nmc.year.max())),
        atop_years=(int(atop.year.min()), int(atop.year.max())),
        names=dict(zip(latest.ccode.astype(int), latest.statenme, strict=True)),
        abbs=dict(zip(latest.ccode.astype(int), latest.stateabb, strict=True)),
    )
