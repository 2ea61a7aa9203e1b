"""Dated, sourced facts from the bundled data and how they bear on a claim.

A :class:`Fact` is one row of the record — a WWII events row (declaration, pact, break of
relations, armistice, takeover, aid, ...) or a COW change (war entry or exit, change of side,
state-system exit, major-power loss) — with the direction it moved its state: ``toward`` and
``away`` hold side labels (``allies``/``axis`` in WWII, ``east``/``west`` after it) and ccodes,
``hostile`` the ccodes it fought. Claims are matched against these; nothing else is evidence.

Examples
--------
>>> f = [x for x in facts() if x.ccode == 360 and x.kind == "side_change"]
>>> [(x.date.isoformat(), sorted(map(str, x.toward))) for x in f]
[('1944-08-23', ['allies']), ('1944-09-09', ['allies'])]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from realign.data.names import state_name
from realign.data.store import load_shared
from realign.errors import RealignError
from realign.essay.claims import WAR_START, group_members, side_label
from realign.system.information import InformationSet
from realign.wars import WWII

__all__ = ["Fact", "facts", "STRONG_KINDS", "coalition_share_evidence", "cinc_evidence", "series_rows"]

#: Fact kinds that change a state's alignment outright (the rest only lean it).
STRONG_KINDS = frozenset(
    {
        "side_change",
        "war_entry",
        "war_exit",
        "declared_war",
        "attacked",
        "pact_joined",
        "relations_broken",
        "armistice",
        "takeover",
    }
)
_OPP = {"allies": "axis", "axis": "allies", "east": "west", "west": "east"}


@dataclass(frozen=True)
class Fact:
    """One dated, sourced change in the record and the direction it moved its state."""

    date: dt.date
    ccode: int
    name: str
    kind: str
    counterpart: str
    partners: frozenset[int]
    toward: frozenset[str | int]
    away: frozenset[str | int]
    hostile: frozenset[int]
    source: str
    verified: bool
    what: str

    @property
    def strong(self) -> bool:
        """True when the fact changes alignment outright (war, pact, side change, break, takeover)."""
        return self.kind in STRONG_KINDS

    def evidence(self, note: str = "") -> dict[str, str]:
        """The contract's evidence item ``{"date", "what", "source"}``.

        Parameters
        ----------
        note : str
            Appended in brackets to ``what`` when given.

        Returns
        -------
        dict of str to str
            ``date`` (ISO), ``what`` (marked when the day is unverified) and ``source``.
        """
        what = self.what + ("" if self.verified else " (unverified day)") + (f" [{note}]" if note else "")
        return {"date": self.date.isoformat(), "what": what, "source": self.source}


def opposite(label: str | int) -> str | None:
    """The other side of a label ('allies' <-> 'axis', 'east' <-> 'west')."""
    return _OPP.get(label) if isinstance(label, str) else None


@cache
def _name_codes() -> dict[str, int]:
    s = load_shared("states")  # undated: only the code list (names -> ccodes) is used, not the spells
    out = {str(n).lower(): int(c) for c, n in zip(s["ccode"], s["statenme"], strict=True)}
    out.update(
        {
            "soviet union": 365,
            "united kingdom": 200,
            "united states": 2,
            "us": 2,
            "uk": 200,
            "china": 710,
            "germany": 255,
            "japan": 740,
            "italy": 325,
        }
    )
    return out


def _partners(counterpart: str, first: int | None, date: dt.date) -> frozenset[int]:
    """Counterpart ccodes from the events table's text ("United Kingdom; Soviet Union (Tehran)")."""
    codes: set[int] = set() if first is None else {first}
    head = re.sub(r"\([^)]*\)", "", counterpart or "")
    for part in re.split(r"[;,]|->", head):
        key = part.strip().lower()
        if key in ("allies", "allied powers"):
            if "(" in (counterpart or "") and "US, UK" in counterpart:
                codes.update({2, 200})
            else:
                codes.update(group_members("allies", min(date, dt.date(1945, 8, 14))))
        elif key in _name_codes():
            codes.add(_name_codes()[key])
    inner = re.search(r"\(([^)]*)\)", counterpart or "")
    if inner and head.strip().lower().startswith("allies"):
        for part in inner.group(1).split(","):
            if part.strip().lower() in _name_codes():
                codes.add(_name_codes()[part.strip().lower()])
    return frozenset(codes)


def _label(ccode: int, date: dt.date) -> str | None:
    return side_label(ccode, date)


def _event_direction(
    kind: str, ccode: int, counterpart: str, partners: frozenset[int], date: dt.date
) -> tuple[set, set, set]:
    toward: set[str | int] = set()
    away: set[str | int] = set()
    hostile: set[int] = set()
    cp = (counterpart or "").lower()
    labels = {lab for p in partners if (lab := _label(p, date))}
    if kind in ("declared_war", "attacked"):
        hostile |= set(partners)
        away |= set(partners) | labels
        toward |= {o for lab in labels if (o := opposite(lab))}
    elif kind == "relations_broken":
        away |= set(partners) | labels
        toward |= {o for lab in labels if (o := opposite(lab))}
    elif kind == "side_change":
        m = re.search(r"->\s*(\w+)", counterpart or "")
        before = re.split(r"->", counterpart or "")[0].strip().lower()
        if m and m.group(1).lower().startswith("allie"):
            toward.add("allies")
            away |= {"axis"} | ({_name_codes()[before]} if before in _name_codes() else set())
        else:
            prior = side_label(ccode, date - dt.timedelta(days=3))
            if prior:
                away.add(prior)
                toward.add(opposite(prior))
    elif kind == "armistice":
        away |= {o for lab in labels if (o := opposite(lab))}
        toward |= set(partners)
    elif kind == "pact_joined":
        if "tripartite" in cp:
            toward.add("axis")
        elif "united nations" in cp or "four-nation" in cp:
            toward.add("allies")
        elif "north atlantic" in cp:
            toward.add("west")
        elif "warsaw" in cp:
            toward.add("east")
        toward |= set(partners)
    elif kind == "treaty_signed" and re.search(r"peace treaty|state treaty|peace", cp):
        pass  # peace treaties settle a war; they do not align the signatories
    elif kind in ("treaty_signed", "relations_established", "bases_granted", "transit_granted", "aid_extended"):
        toward |= set(partners) | labels
    elif kind in ("transit_ended", "forces_withdrawn", "treaty_denounced", "aid_terminated"):
        away |= set(partners) | labels
    elif kind == "takeover":
        toward |= {"east", 365}
        away.add("west")
    elif kind == "neutrality_declared":
        prior = side_label(ccode, date - dt.timedelta(days=3))
        away.add(prior or "axis")
    toward.discard(None)
    away.discard(None)
    return toward, away, hostile


_VERB = {
    "war_entry": "entered",
    "war_exit": "left",
    "side_change": "changed sides in",
    "system_exit": "left the state system",
    "system_entry": "entered the state system",
    "major_power_lost": "lost major-power status",
    "major_power_gained": "became a major power",
}


@cache
def facts() -> tuple[Fact, ...]:
    """Every dated fact of the record, 1930-1965, sorted by date (cached)."""
    from realign.system.history import history

    out: list[Fact] = []
    e = load_shared("ww2_events")  # the whole dated record is the ground truth an essay is checked against
    for r in e[e["ccode"].notna()].itertuples():
        d = r.date.date()
        first = None if pd.isna(r.counterpart_ccode) else int(r.counterpart_ccode)
        partners = _partners(str(r.counterpart or ""), first, d)
        toward, away, hostile = _event_direction(r.kind, int(r.ccode), str(r.counterpart or ""), partners, d)
        what = f"{r.state} {r.event_type} {r.counterpart}".strip()
        out.append(
            Fact(
                d,
                int(r.ccode),
                str(r.state),
                str(r.kind),
                str(r.counterpart or ""),
                partners,
                frozenset(toward),
                frozenset(away),
                frozenset(hostile),
                f"WWII events {r.event_id}, row {r.row}: {r.source_url}",
                bool(r.verified),
                what,
            )
        )
    h = history("1930-01-01", 420).changes
    h = h[~h["source"].astype(str).str.startswith("WWII events")]
    for r in h.itertuples():
        d = r.date if isinstance(r.date, dt.date) else pd.Timestamp(r.date).date()
        cp = "" if r.counterpart is None or pd.isna(r.counterpart) else str(r.counterpart)
        toward: set[str | int] = set()
        away: set[str | int] = set()
        if r.kind in ("war_entry", "side_change"):
            m = re.findall(r"side (\d) \((\w+)\)", cp)
            if m:
                new = m[-1][1].lower()
                toward.add(new)
                if r.kind == "side_change" and len(m) > 1:
                    away.add(m[0][1].lower())
        elif r.kind == "war_exit":
            m = re.findall(r"side (\d) \((\w+)\)", cp)
            # an Axis member leaving before the general surrender; exits at the war's end are no realignment
            if m and m[-1][1].lower() == "axis" and WAR_START <= d < dt.date(1945, 5, 7):
                away.add("axis")
        hostile: set[int] = set()
        verb = _VERB.get(r.kind, r.kind.replace("_", " "))
        what = f"{r.name} {verb} {cp}".strip()
        out.append(
            Fact(
                d,
                int(r.ccode),
                str(r.name),
                str(r.kind),
                cp,
                frozenset(),
                frozenset(toward),
                frozenset(away),
                frozenset(hostile),
                str(r.source),
                bool(r.verified),
                what,
            )
        )
    return tuple(sorted(out, key=lambda f: (f.date, f.ccode, f.kind)))


@cache
def _share_at(date: dt.date, war: int = WWII) -> dict[int, float]:
    from realign.system.snapshot import System

    return System.at(date).coalition_shares(war)


def coalition_share_evidence(side: int, lo: dt.date, hi: dt.date) -> tuple[dict[str, str], float] | None:
    """Evidence of a WWII coalition's CINC share on ``lo`` and ``hi`` and the change (None if unknown).

    Parameters
    ----------
    side : int
        COW side in war 139: 1 Allies, 2 Axis.
    lo, hi : datetime.date
        First and last day (``hi`` is capped at 1945-08-14).

    Returns
    -------
    tuple of (dict, float) or None
        The evidence item (``date``, ``what``, ``source``) and the change of the CINC share (``hi`` minus ``lo``).
    """
    hi = min(hi, dt.date(1945, 8, 14))
    if hi <= lo:
        return None
    try:
        a, b = _share_at(lo).get(side), _share_at(hi).get(side)
    except RealignError:
        return None
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return None
    label = {1: "Allies", 2: "Axis"}[side]
    item = {
        "date": hi.isoformat(),
        "what": f"{label} coalition share of world capability (CINC) {a:.3f} on {lo} -> {b:.3f} on {hi}",
        "source": "COW NMC v7.0 (CINC), via System.at(...).coalition_shares(139)",
    }
    return item, b - a


def cinc_evidence(ccode: int, lo: dt.date, hi: dt.date) -> tuple[dict[str, str], float] | None:
    """Evidence of one state's CINC on the years of ``lo`` and ``hi`` (None when not covered).

    Read through the gate as known at the end of ``hi``'s year: no NMC year after the claim's end.

    Parameters
    ----------
    ccode : int
        COW state code.
    lo, hi : datetime.date
        Days whose calendar years are compared.

    Returns
    -------
    tuple of (dict, float) or None
        The evidence item (``date``, ``what``, ``source``) and the change of the CINC (later minus earlier year).
    """
    n = InformationSet(dt.date(hi.year, 12, 31)).nmc()
    n = n[n["ccode"] == ccode].set_index("year")["cinc"]
    y0, y1 = lo.year, min(hi.year, int(n.index.max()) if len(n) else hi.year)
    if y0 not in n.index or y1 not in n.index or y1 <= y0 or pd.isna(n[y0]) or pd.isna(n[y1]):
        return None
    a, b = float(n[y0]), float(n[y1])
    item = {
        "date": f"{y1}-12-31",
        "what": f"{state_name(ccode)} CINC (share of world capability) {a:.3f} in {y0} -> {b:.3f} in {y1}",
        "source": "COW NMC v7.0 (CINC), realign.data.load('nmc')",
    }
    return item, b - a


@cache
def series_rows() -> tuple[dict, ...]:
    """Rows of the bundled ``ww2_series`` table as dicts with ``date``/``end`` as dates and ``ccodes`` as a tuple."""
    from realign.data.store import load_shared

    df = load_shared("ww2_series")  # the whole dated record is the ground truth an essay is checked against
    out = []
    for r in df.itertuples():
        out.append(
            {
                "row": int(r.row),
                "series": r.series,
                "kind": r.kind,
                "date": r.date.date(),
                "end": None if r.end != r.end else r.end.date(),
                "value": r.value,
                "unit": r.unit,
                "ccodes": tuple(int(c) for c in str(r.ccodes).split(";")),
                "counterpart": int(r.counterpart),
                "what": r.what,
                "urls": r.urls,
                "precision": r.precision,
            }
        )
    return tuple(out)


def _series_item(r: dict, note: str = "") -> dict[str, str]:
    span = f" to {r['end']}" if r["end"] else ""
    prec = " (month known, day approximate)" if r["precision"] == "month" else ""
    return {
        "date": r["date"].isoformat(),
        "what": f"{r['what']}{span}{prec}" + (f" [{note}]" if note else ""),
        "source": f"realign ww2_series row {r['row']} ({r['series']}): {r['urls']}",
    }
