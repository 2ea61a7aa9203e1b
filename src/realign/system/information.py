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
can check that nothing after the cut-off came back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from realign.data.names import parse_date
from realign.data.store import load_shared
from realign.errors import InvalidParameterError

__all__ = ["InformationSet", "known_nmc_year"]


def known_nmc_year(d: dt.date) -> int:
    """Latest COW NMC year a contemporary could know on ``d`` (previous year before July)."""
    return d.year - 1 if d.month < 7 else d.year


@dataclass
class InformationSet:
    """The record as known on ``at`` (inclusive). ``hindsight`` also admits later fronts and battles."""

    at: dt.date
    hindsight: bool = False
    reads: list[tuple[str, str | None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.at = parse_date(self.at)

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
        """COW NMC rows for years known on ``at`` (never later, hindsight or not)."""
        n = load_shared("nmc")
        n = n[n["year"] <= known_nmc_year(self.at)]
        self.reads.append(("nmc", f"{int(n['year'].max())}-12-31" if len(n) else None))
        return n

    def events(self, war: int | None = None, exclude: tuple[str, ...] = ()) -> list:
        """Catalogue battles whose outcome was known by ``at`` (all of them with hindsight)."""
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
        self.reads.append(("catalogue", max((getattr(e, "outcome_known", e.end).isoformat() for e in out),
                                            default=None)))
        return out

    def check(self) -> None:
        """Raise if any logged read returned a date after ``at`` (fronts/battles exempt with hindsight)."""
        for table, latest in self.reads:
            if latest is None or latest <= self.at.isoformat():
                continue
            if self.hindsight and table in ("fronts", "catalogue"):
                continue
            raise InvalidParameterError(f"Information leak: {table} returned data dated {latest}, after the "
                                        f"cut-off {self.at}.")
