"""The historical record of an event's aftermath (data only, no model).

Every change of side, war entry or exit, pact joined, relations broken or established,
armistice, takeover, state-system exit and major-power change in a window after a date, each
dated and sourced (COW Inter-State War v4.0 participant spells, COW state system and majors,
the WWII events table, the sourced fronts table (enemy forces on home territory, landings,
occupation by an ally, capitals threatened and taken; WWI and WWII), and COW alliances when the
user imported them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from realign.clock import add_months  # re-exported: the one month-stepping helper
from realign.data.cow_alliance import load_cow_alliance
from realign.data.names import parse_date, resolve
from realign.data.store import load_shared
from realign.errors import InvalidParameterError
from realign.system.snapshot import FIRST_DAY, LAST_DAY, WWII, System
from realign.wars import SIDE_NAMES

__all__ = ["history", "History", "add_months", "CHANGE_COLUMNS"]

CHANGE_COLUMNS = ["date", "ccode", "name", "kind", "counterpart", "source", "verified"]
SIDE_NAMES_WWII = SIDE_NAMES[WWII]


def _side_label(war: int, side: int) -> str:
    if war == WWII:
        return f"side {side} ({SIDE_NAMES_WWII.get(side, '?')})"
    return f"side {side}"


def _in(col: pd.Series, lo: dt.date, hi: dt.date) -> pd.Series:
    return (col > pd.Timestamp(lo)) & (col <= pd.Timestamp(hi))


def _war_changes(lo: dt.date, hi: dt.date) -> list[dict]:
    """War entries, side changes and exits in ``(lo, hi]`` (COW Inter-State War v4.0 spells).

    Vectorised: only the spells that start or end in the window are visited, in (war, ccode, start)
    order; the side before each spell is the previous spell's side of the same state in the same war.
    """
    w = load_shared("war_participants").sort_values(["war", "ccode", "start"]).reset_index(drop=True)
    prev = w.groupby(["war", "ccode"], sort=False)["side"].shift(1)
    lo_ts, hi_ts = pd.Timestamp(lo), pd.Timestamp(hi)
    start_in = (w["start"] > lo_ts) & (w["start"] <= hi_ts)
    end_in = (w["end"] > lo_ts) & (w["end"] <= hi_ts)
    keep = (start_in | end_in).to_numpy()
    rows = []
    for r, p, s_in, e_in in zip(w[keep].itertuples(), prev[keep], start_in[keep], end_in[keep], strict=True):
        war, ccode = int(r.war), int(r.ccode)
        src = f"COW Inter-State War v4.0, war {war} ({r.war_name}), line {r.row}"
        if s_in:
            prev_side = None if pd.isna(p) else int(p)
            switched = prev_side is not None and prev_side != r.side
            rows.append(
                {
                    "date": r.start.date(),
                    "ccode": ccode,
                    "name": r.state_name,
                    "kind": "side_change" if switched else "war_entry",
                    "counterpart": (
                        f"{r.war_name} (war {war}): {_side_label(war, prev_side)} -> {_side_label(war, r.side)}"
                    )
                    if switched
                    else f"{r.war_name} (war {war}), {_side_label(war, r.side)}",
                    "source": src,
                    "verified": True,
                }
            )
        if e_in:
            rows.append(
                {
                    "date": r.end.date(),
                    "ccode": ccode,
                    "name": r.state_name,
                    "kind": "war_exit",
                    "counterpart": f"{r.war_name} (war {war}), {_side_label(war, r.side)}",
                    "source": src,
                    "verified": True,
                }
            )
    return rows


def _event_changes(lo: dt.date, hi: dt.date) -> tuple[list[dict], int]:
    e = load_shared("ww2_events")
    e = e[_in(e["date"], lo, hi)]
    uncoded = int(e["ccode"].isna().sum())
    rows = [
        {
            "date": r.date.date(),
            "ccode": int(r.ccode),
            "name": r.state,
            "kind": r.kind,
            "counterpart": r.counterpart,
            "source": f"WWII events {r.event_id}: " + (r.source_url or f"no source URL ({r.note})"),
            "verified": bool(r.verified),
        }
        for r in e[e["ccode"].notna()].itertuples()
    ]
    return rows, uncoded


def _front_changes(lo: dt.date, hi: dt.date) -> list[dict]:
    """Rows of the ``fronts`` table whose start falls in the window (kind = the front kind)."""
    f = load_shared("fronts")
    f = f[_in(f["start"], lo, hi)]
    s = load_shared("states").sort_values("start")
    names = dict(zip(s.ccode, s.statenme, strict=True))
    rows = []
    for r in f.itertuples():
        by = [names.get(int(c), c) for c in str(r.by_ccodes).split(",") if c]
        rows.append(
            {
                "date": r.start.date(),
                "ccode": int(r.ccode),
                "name": r.state,
                "kind": r.kind,
                "counterpart": ", ".join(by) or None,
                "source": str(r.urls).split(";")[0],
                "verified": True,
            }
        )
    return rows


def _system_changes(lo: dt.date, hi: dt.date) -> list[dict]:
    rows = []
    s = load_shared("states")
    for col, kind in (("start", "system_entry"), ("end", "system_exit")):
        hit = s[_in(s[col], lo, hi)]
        if kind == "system_exit":
            hit = hit[hit["end"] < pd.Timestamp(LAST_DAY)]
        for r in hit.itertuples():
            rows.append(
                {
                    "date": getattr(r, col).date(),
                    "ccode": int(r.ccode),
                    "name": r.statenme,
                    "kind": kind,
                    "counterpart": None,
                    "source": "COW State System Membership v2016",
                    "verified": True,
                }
            )
    m = load_shared("majors")
    names = dict(zip(s.ccode, s.statenme, strict=False))
    for col, kind in (("start", "major_power_gained"), ("end", "major_power_lost")):
        hit = m[_in(m[col], lo, hi)]
        if kind == "major_power_lost":
            hit = hit[hit["end"] < pd.Timestamp(LAST_DAY)]
        for r in hit.itertuples():
            rows.append(
                {
                    "date": getattr(r, col).date(),
                    "ccode": int(r.ccode),
                    "name": names[r.ccode],
                    "kind": kind,
                    "counterpart": None,
                    "source": "COW Major Powers v2016",
                    "verified": True,
                }
            )
    return rows


def _alliance_changes(lo: dt.date, hi: dt.date) -> list[dict]:
    cow = load_cow_alliance()
    if cow is None:
        return []
    names = dict(zip(load_shared("states").ccode, load_shared("states").statenme, strict=False))
    rows = []
    for col, kind in (("start", "alliance_joined"), ("end", "alliance_left")):
        for r in cow[_in(cow[col], lo, hi)].itertuples():
            rows.append(
                {
                    "date": getattr(r, col).date(),
                    "ccode": int(r.ccode),
                    "name": names.get(r.ccode, str(r.ccode)),
                    "kind": kind,
                    "counterpart": f"COW alliance {r.alliance} (type {r.ss_type})",
                    "source": "COW Formal Alliances v4.1 (user import)",
                    "verified": True,
                }
            )
    return rows


@dataclass(frozen=True)
class History:
    """The dated record in ``(after, until]``: ``changes`` (one row per change) and coalition shares."""

    after: dt.date
    until: dt.date
    changes: pd.DataFrame
    shares_before: dict[int, float]
    shares_after: dict[int, float]
    notes: tuple[str, ...]

    def to_dict(self) -> dict:
        """The JSON contract of ``realign history --format json``."""
        recs = []
        for r in self.changes.itertuples():
            recs.append(
                {
                    "date": r.date.isoformat(),
                    "ccode": int(r.ccode),
                    "name": r.name,
                    "kind": r.kind,
                    "counterpart": None if r.counterpart is None or pd.isna(r.counterpart) else str(r.counterpart),
                    "source": r.source,
                    "verified": bool(r.verified),
                }
            )
        return {"after": self.after.isoformat(), "until": self.until.isoformat(), "changes": recs}


def history(
    after: str | dt.date, months: int = 24, *, states: Iterable[int | str] | None = None, war: int = WWII
) -> History:
    """Every dated change in the ``months`` after ``after`` (exclusive), with sources.

    ``states`` filters by ccode or name (resolved on ``after``). Coalition capability shares
    (CINC share of each side of ``war``) are given on ``after`` and on the window's last day.

    Parameters
    ----------
    after : str | datetime.date
        The day before the window.
    months : int
        Window length in calendar months, 1..1200.
    states : Iterable[int | str] or None
        ccodes or names to keep (None: every state).
    war : int
        COW war number whose coalition shares are given (default 139, WWII).

    Returns
    -------
    History
        ``changes`` (one row per change), ``shares_before``/``shares_after`` (side -> CINC share), ``notes``.

    Raises
    ------
    InvalidParameterError
        ``months`` out of range, ``after`` outside the data, or an empty ``states``.

    Examples
    --------
    >>> h = history("1943-02-02", 24)
    >>> r = h.changes[(h.changes.ccode == 360) & (h.changes.kind == "side_change")]
    >>> [d.isoformat() for d in r.date]   # the coup (events table), the new side (COW)
    ['1944-08-23', '1944-09-09']
    """
    lo = parse_date(after)
    if not isinstance(months, int) or isinstance(months, bool) or months < 1 or months > 1200:
        raise InvalidParameterError(f"The 'months' parameter must be an int in [1, 1200]. Got {months!r} instead.")
    if not FIRST_DAY <= lo <= LAST_DAY:
        raise InvalidParameterError(f"Date {lo} is outside the data ({FIRST_DAY} to {LAST_DAY}).")
    hi = add_months(lo, months)
    rows = _war_changes(lo, hi) + _system_changes(lo, hi) + _alliance_changes(lo, hi) + _front_changes(lo, hi)
    ev, uncoded = _event_changes(lo, hi)
    rows += ev
    df = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    if states is not None:
        states = list(states)
        if not states:
            raise InvalidParameterError(
                "The 'states' parameter names no state (give ccodes or names, or leave it out)."
            )
        codes = {resolve(s, lo) for s in states}
        df = df[df["ccode"].isin(codes)]
    order = {"war_exit": 0, "armistice": 1, "side_change": 2}
    df = df.assign(_o=df["kind"].map(order).fillna(5)).sort_values(["date", "_o", "ccode"]).drop(columns="_o")
    notes = []
    if uncoded:
        notes.append(
            f"{uncoded} event(s) in the window concern entities without a COW code "
            "(e.g. Slovakia, Croatia 1939-45) and are not listed."
        )
    if load_cow_alliance() is None:
        notes.append(
            "COW formal alliances not imported: alliance changes come only from the WWII events "
            "table (run `realign data import cow-alliance DIR` to add day-level COW alliance dates)."
        )
    if hi > dt.date(1955, 12, 31) or lo < dt.date(1939, 8, 1):
        notes.append("The WWII events table covers 1939-08-23 to 1955-05-15 only.")
    end = min(hi, LAST_DAY)
    return History(
        lo,
        hi,
        df.reset_index(drop=True),
        System.at(lo).coalition_shares(war),
        System.at(end).coalition_shares(war),
        tuple(notes),
    )
