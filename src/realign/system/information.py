"""What could be known on a date: the one gate between the dated record and a forecast.

A forecast made "at" a date may read only what was dated on or before it: war spells that had
started (an end after the cut-off is unknown, so the spell is open), fronts rows that had started
(their later end unknown), catalogue battles whose outcome was known (``outcome_known``) and COW
NMC capability years a contemporary could have (the previous year's figures before July, else the
current year's; model assumption, as in :func:`realign.models.choice.known_cinc`). Every model
input of :mod:`realign.simulation.forecast` comes through an :class:`InformationSet`, so the rule
is enforced here and nowhere else. ``hindsight=True`` lifts the gate for fronts and battles (the
output then says so); CINC after the cut-off is still never read.

Each read is logged in :attr:`InformationSet.reads` as ``(table, latest date returned)`` so a test
can check that nothing after the cut-off came back. The models' other date-bounded inputs come
through the same gate (issue 12): MID spells, membership spells, contiguity in force, the WWII
events table, catalogue battles ended, and the yearly tables (ATOP, V-Dem, territorial change,
WRP religion), of which only years that had ended by the cut-off are returned. :func:`audit`
collects every InformationSet opened while it is active, so a test can check a whole fit.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from realign.data.names import parse_date
from realign.data.store import load_shared
from realign.errors import InvalidParameterError

__all__ = ["InformationSet", "known_nmc_year", "audit"]

#: The InformationSets opened while :func:`audit` is active (None when nobody is auditing).
_AUDIT: contextvars.ContextVar[list | None] = contextvars.ContextVar("realign_information_audit", default=None)


@contextlib.contextmanager
def audit() -> Iterator[list[InformationSet]]:
    """Collect every :class:`InformationSet` opened inside the ``with`` block (for leak tests)."""
    sets: list[InformationSet] = []
    token = _AUDIT.set(sets)
    try:
        yield sets
    finally:
        _AUDIT.reset(token)


def known_nmc_year(d: dt.date) -> int:
    """Latest COW NMC year a contemporary could know on ``d`` (previous year before July).

    Parameters
    ----------
    d : datetime.date
        The day.

    Returns
    -------
    int
        The calendar year of the latest NMC figures known that day.
    """
    return d.year - 1 if d.month < 7 else d.year


@dataclass
class InformationSet:
    """The record as known on ``at`` (inclusive). ``hindsight`` also admits later fronts and battles."""

    at: dt.date
    hindsight: bool = False
    reads: list[tuple[str, str | None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.at = parse_date(self.at)
        sets = _AUDIT.get()
        if sets is not None:
            sets.append(self)

    # ----------------------------------------------------------------- helpers
    def _log(self, table: str, dates: pd.Series) -> None:
        dates = pd.to_datetime(dates).dropna()
        self.reads.append((table, dates.max().date().isoformat() if len(dates) else None))

    @property
    def _ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.at)

    # ----------------------------------------------------------------- tables
    def war_spells(self, war: int | None = None) -> pd.DataFrame:
        """COW war participant spells that had started by ``at``; ends after ``at`` become NaT (unknown).

        Columns as the bundled ``war_participants`` table. ``war=None``: every war.

        Parameters
        ----------
        war : int or None
            COW war number (e.g. 139, WWII), or None for every war.

        Returns
        -------
        pandas.DataFrame
            The spells (a copy).
        """
        w = load_shared("war_participants")
        if war is not None:
            w = w[w["war"] == int(war)]
        w = w[w["start"] <= self._ts].copy()
        w.loc[w["end"] > self._ts, "end"] = pd.NaT
        self._log("war_participants", pd.concat([w["start"], w["end"]]))
        return w

    def fronts(self, war: int | None = None) -> pd.DataFrame:
        """Fronts rows (enemy forces, landings, occupation, capitals) known by ``at``.

        Without hindsight, rows that started after ``at`` are dropped and later ends are unknown
        (NaT: the contact is still going on as far as anyone knew).

        Parameters
        ----------
        war : int or None
            COW war number, or None for every war.

        Returns
        -------
        pandas.DataFrame
            Rows of the bundled ``fronts`` table.
        """
        f = load_shared("fronts")
        if war is not None:
            f = f[f["war"] == int(war)]
        if not self.hindsight:
            f = f[f["start"] <= self._ts].copy()
            f.loc[f["end"] > self._ts, "end"] = pd.NaT
        self._log("fronts", pd.concat([f["start"], f["end"]]))
        return f

    def front_coverage(self) -> pd.DataFrame:
        """Which states the fronts table covers in each war (undated)."""
        return load_shared("front_coverage")

    def nmc(self) -> pd.DataFrame:
        """COW NMC rows for years known on ``at`` (never later, hindsight or not).

        The read is logged as dated 1 July of the latest year returned, the day that year's figures
        count as known (:func:`known_nmc_year`), so a cut-off from July on does not flag its own year.
        """
        n = load_shared("nmc")
        n = n[n["year"] <= known_nmc_year(self.at)]
        self.reads.append(("nmc", f"{int(n['year'].max())}-07-01" if len(n) else None))
        return n

    def events(self, war: int | None = None, exclude: tuple[str, ...] = ()) -> list:
        """Catalogue battles whose outcome was known by ``at`` (all of them with hindsight).

        Parameters
        ----------
        war : int or None
            Keep only battles of this COW war number (None: every war).
        exclude : tuple of str
            Event slugs to leave out.

        Returns
        -------
        list of Event
            The catalogue events, in catalogue order.
        """
        from realign.events.catalogue import list_events, load_event

        out = []
        for slug in list_events():
            if slug in exclude:
                continue
            ev = load_event(slug)
            if war is not None and ev.war != war:
                continue
            known = getattr(ev, "outcome_known", ev.end)
            if self.hindsight or known <= self.at:
                out.append(ev)
        self.reads.append(
            ("catalogue", max((getattr(e, "outcome_known", e.end).isoformat() for e in out), default=None))
        )
        return out

    def _spells(self, table: str, rows: pd.DataFrame) -> pd.DataFrame:
        """Spells (``start``/``end``) that had started by ``at``; an end after ``at`` becomes NaT (unknown)."""
        rows = rows[rows["start"] <= self._ts].copy()
        rows.loc[rows["end"] > self._ts, "end"] = pd.NaT
        self._log(table, pd.concat([rows["start"], rows["end"]]))
        return rows

    def mid_spells(self) -> pd.DataFrame:
        """COW MID 4.3 participant spells that had started by ``at`` (later ends NaT)."""
        return self._spells("mid_participants", load_shared("mid_participants"))

    def state_spells(self) -> pd.DataFrame:
        """COW system-membership spells that had started by ``at`` (later ends NaT)."""
        return self._spells("states", load_shared("states"))

    def contiguity(self, on: dt.date | None = None) -> pd.DataFrame:
        """COW contiguity 3.2 rows in force on ``on`` (default ``at``; at most ``at``); later ends unknown (NaT).

        Parameters
        ----------
        on : datetime.date or None
            The day (None: ``at``); must not be after ``at``.

        Returns
        -------
        pandas.DataFrame
            Rows of the bundled ``contiguity`` table.

        Raises
        ------
        InvalidParameterError
            ``on`` is after ``at``.
        """
        return self._in_force("contiguity", on)

    def majors(self, on: dt.date | None = None) -> pd.DataFrame:
        """COW major powers on ``on`` (default ``at``; at most ``at``): their status spells, later ends NaT.

        Parameters
        ----------
        on : datetime.date or None
            The day (None: ``at``); must not be after ``at``.

        Returns
        -------
        pandas.DataFrame
            Rows of the bundled ``majors`` table.

        Raises
        ------
        InvalidParameterError
            ``on`` is after ``at``.
        """
        return self._in_force("majors", on)

    def _in_force(self, table: str, on: dt.date | None) -> pd.DataFrame:
        """Rows of a spell table (``start``/``end``) in force on ``on`` (at most ``at``), later ends NaT."""
        day = self._day(on)
        rows = load_shared(table)
        rows = rows[(rows["start"] <= day) & (rows["end"] >= day)].copy()
        rows.loc[rows["end"] > self._ts, "end"] = pd.NaT
        self._log(table, pd.concat([rows["start"], rows["end"]]))
        return rows

    def _day(self, on: dt.date | None) -> pd.Timestamp:
        if on is None:
            return self._ts
        if on > self.at:
            raise InvalidParameterError(f"Cannot query {on}: the information set ends on {self.at}.")
        return pd.Timestamp(on)

    def ww2_events(self) -> pd.DataFrame:
        """WWII events table rows dated on or before ``at``."""
        e = load_shared("ww2_events")
        e = e[e["date"] <= self._ts]
        self._log("ww2_events", e["date"])
        return e

    def battles_ended(self, war: int | None = None) -> list:
        """Catalogue battles that had ended by ``at`` (dated by ``end``, not by ``outcome_known``).

        Parameters
        ----------
        war : int or None
            Keep only battles of this COW war number (None: every war).

        Returns
        -------
        list of Event
        """
        from realign.events.catalogue import list_events, load_event

        out = [ev for ev in map(load_event, list_events()) if (war is None or ev.war == war) and ev.end <= self.at]
        self.reads.append(("catalogue_ended", max((e.end.isoformat() for e in out), default=None)))
        return out

    def _yearly(self, table: str, year: int | None) -> pd.DataFrame:
        """Rows of a yearly table for years that had ended by ``at`` (one ``year`` if given)."""
        last = self.at.year if (self.at.month, self.at.day) == (12, 31) else self.at.year - 1
        t = load_shared(table)
        if year is None:
            t = t[t["year"] <= last]
        elif int(year) > last:
            raise InvalidParameterError(f"{table} year {year} had not ended on the cut-off {self.at}.")
        else:
            t = t[t["year"] == int(year)]
        self.reads.append((table, f"{int(t['year'].max())}-12-31" if len(t) else None))
        return t

    def atop(self, year: int | None = None) -> pd.DataFrame:
        """ATOP 5.1 dyad-year obligations for years ended by ``at`` (or the one ``year``).

        Parameters
        ----------
        year : int or None
            One calendar year (it must have ended by ``at``), or None for every ended year.

        Returns
        -------
        pandas.DataFrame
            Rows of the bundled ``atop`` table.

        Raises
        ------
        InvalidParameterError
            ``year`` had not ended on ``at``.
        """
        return self._yearly("atop", year)

    def democracy(self, year: int | None = None) -> pd.DataFrame:
        """Democracy scores (V-Dem, Polity, UDS) for years ended by ``at`` (or the one ``year``).

        Parameters
        ----------
        year : int or None
            One calendar year (it must have ended by ``at``), or None for every ended year.

        Returns
        -------
        pandas.DataFrame
            Rows of the bundled ``democracy`` table.

        Raises
        ------
        InvalidParameterError
            ``year`` had not ended on ``at``.
        """
        return self._yearly("democracy", year)

    def territorial_change(self, year: int | None = None) -> pd.DataFrame:
        """COW territorial changes of years ended by ``at`` (or the one ``year``).

        Parameters
        ----------
        year : int or None
            One calendar year (it must have ended by ``at``), or None for every ended year.

        Returns
        -------
        pandas.DataFrame
            Rows of the bundled ``territorial_change`` table.

        Raises
        ------
        InvalidParameterError
            ``year`` had not ended on ``at``.
        """
        return self._yearly("territorial_change", year)

    def religion(self, year: int | None = None) -> pd.DataFrame:
        """WRP religion waves (5-yearly) of years ended by ``at`` (or the one ``year``).

        Parameters
        ----------
        year : int or None
            One calendar year (it must have ended by ``at``), or None for every ended year.

        Returns
        -------
        pandas.DataFrame
            Rows of the bundled ``religion`` table.

        Raises
        ------
        InvalidParameterError
            ``year`` had not ended on ``at``.
        """
        return self._yearly("religion", year)

    def check(self) -> None:
        """Raise if any logged read returned a date after ``at`` (fronts/battles exempt with hindsight)."""
        for table, latest in self.reads:
            if latest is None or latest <= self.at.isoformat():
                continue
            if self.hindsight and table in ("fronts", "catalogue"):
                continue
            raise InvalidParameterError(
                f"Information leak: {table} returned data dated {latest}, after the cut-off {self.at}."
            )
