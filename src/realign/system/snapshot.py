"""``System.at(date)``: the international system on one day (COW/ATOP), with exports.

Units are explicit: state membership, majors, war participation and contiguity are day-resolution
spells; CINC (COW NMC) and ATOP alliances are yearly and flagged as such. Outside a dataset's
coverage the values are missing (NaN / None), never 0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from realign.data.names import parse_date
from realign.errors import CoverageError, InvalidParameterError
from realign.system.tables import day, tables
from realign.wars import WWII  # COW war number of World War II; side 1 = Allies, side 2 = Axis

__all__ = ["System", "FIRST_DAY", "LAST_DAY", "ALLIANCE_TYPES", "WWII"]

FIRST_DAY = dt.date(1816, 1, 1)
#: End of the COW state-system list v2016 (the snapshot's backbone).
LAST_DAY = dt.date(2016, 12, 31)
#: Days of snapshots kept by :meth:`System.at` (bounded LRU; ~0.1 MB each).
SNAPSHOT_CACHE = 1024
ALLIANCE_TYPES = ("defense", "offense", "neutral", "nonagg", "consul")


@dataclass(frozen=True)
class System:
    """The state system on one day.

    Attributes
    ----------
    date : datetime.date
    states : DataFrame
        One row per COW system member that day: ``ccode, stateabb, name, cinc, cinc_year,
        milex, milper, tpop, major_power``. CINC is yearly (COW NMC v7.0), missing after 2022.
    alliances : DataFrame
        Undirected dyads in force: ``ccode1 < ccode2``, the five ATOP obligation flags, and
        ``source`` (``"ATOP 5.1 (year)"`` or ``"COW 4.1 (day)"`` when imported). ``None`` outside
        every alliance source's coverage.
    wars : DataFrame
        Participants in inter-state wars in progress that day: ``war, war_name, ccode, side,
        start, end`` (COW Inter-State War v4.0 spells: sides can change, e.g. Romania 1944).
    contiguity : DataFrame
        ``ccode1 < ccode2, conttype`` (1 land ... 5 <=400 mi of water), both members that day.
    coverage : dict
        Dataset -> whether that day is covered (False means its values are missing, not zero).

    Examples
    --------
    >>> s = System.at("1942-11-19")
    >>> s.side(360, 139) == s.side(255, 139) != s.side(365, 139)
    True
    """

    date: dt.date
    states: pd.DataFrame
    alliances: pd.DataFrame | None
    wars: pd.DataFrame
    contiguity: pd.DataFrame | None
    coverage: dict[str, bool] = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def at(cls, date: str | dt.date) -> System:
        """Snapshot of the system on ``date`` (``YYYY-MM-DD``, 1816-01-01 to 2016-12-31).

        Every input is a day spell (membership, majors, wars, contiguity, COW alliances) or yearly
        (CINC, ATOP), so the system only changes on a spell's first day, the day after its last, or
        1 January: days between two such change days share one snapshot (built once, kept in a
        bounded LRU of :data:`SNAPSHOT_CACHE` spans) and differ only in ``date``. Frames are shared:
        do not modify them in place.

        Parameters
        ----------
        date : str | datetime.date
            The day.

        Returns
        -------
        System
            States (with CINC of the year), alliances, war spells and contiguity in force that day.

        Raises
        ------
        InvalidDateError
            A malformed or missing date.
        CoverageError
            A day outside 1816-01-01 to 2016-12-31.
        """
        d = parse_date(date)
        if d is None:
            raise InvalidParameterError("A date is required (YYYY-MM-DD).")
        if not FIRST_DAY <= d <= LAST_DAY:
            raise CoverageError(f"Date {d} is outside the COW state system coverage ({FIRST_DAY} to {LAST_DAY}).")
        t = tables()
        span = span_start(d, t)
        base = _snapshot(cls, span, _Same(t))
        return base if span == d else dataclasses.replace(base, date=d)

    @classmethod
    def _build(cls, d: dt.date, t) -> System:
        n = day(d)
        year = d.year
        members = t.states.active(n)
        ccodes = members["ccode"].to_numpy()
        member_set = set(ccodes.tolist())

        # capabilities (yearly)
        nmc_ok = t.nmc_years[0] <= year <= t.nmc_years[1]
        states = pd.DataFrame(
            {"ccode": ccodes, "stateabb": members["stateabb"].to_numpy(), "name": members["statenme"].to_numpy()}
        )
        if nmc_ok:
            cap = t.nmc_by_year[year].reindex(ccodes)
            for col in ("cinc", "milex", "milper", "tpop"):
                states[col] = cap[col].to_numpy()
            states["cinc_year"] = np.where(np.isnan(states["cinc"].to_numpy()), np.nan, year)
        else:
            for col in ("cinc", "milex", "milper", "tpop", "cinc_year"):
                states[col] = np.nan
        majors = set(t.majors.active(n)["ccode"].tolist())
        states["major_power"] = states["ccode"].isin(majors)
        states = states.sort_values("ccode", kind="stable").reset_index(drop=True)

        # alliances (ATOP yearly, COW daily)
        alliances, atop_ok, cow_ok = _alliances(t, n, year, member_set)

        # wars in progress that day
        w = t.wars.active(n)
        wars = w[["war", "war_name", "ccode", "side", "start", "end"]].reset_index(drop=True)

        # contiguity
        cont_ok = d <= dt.date(2016, 12, 31)
        c = t.contiguity.active(n)
        c = c[c["ccode1"].isin(member_set) & c["ccode2"].isin(member_set)]
        contiguity = c[["ccode1", "ccode2", "conttype"]].reset_index(drop=True) if cont_ok else None

        coverage = {
            "states": True,
            "nmc": nmc_ok,
            "atop": atop_ok,
            "cow_alliance": cow_ok,
            "wars": True,
            "contiguity": cont_ok,
        }
        return cls(d, states, alliances, wars, contiguity, coverage)

    # ------------------------------------------------------------------ queries
    @property
    def ccodes(self) -> list[int]:
        """COW codes of the system members that day, ascending."""
        return self.states["ccode"].astype(int).tolist()

    def __contains__(self, ccode: object) -> bool:
        return ccode in set(self.ccodes)

    def __len__(self) -> int:
        return len(self.states)

    def __repr__(self) -> str:
        return (
            f"<System {self.date}: {len(self.states)} states, "
            f"{0 if self.alliances is None else len(self.alliances)} alliance dyads, "
            f"{self.wars['war'].nunique()} wars in progress>"
        )

    @cached_property
    def _allies(self) -> dict[int, list[int]]:
        out: dict[int, set[int]] = {c: set() for c in self.ccodes}
        if self.alliances is not None:
            for a, b in zip(self.alliances["ccode1"].tolist(), self.alliances["ccode2"].tolist(), strict=True):
                out.setdefault(a, set()).add(b)
                out.setdefault(b, set()).add(a)
        return {k: sorted(v) for k, v in out.items()}

    def _code(self, state: int | str) -> int:
        """A ccode from a COW number or a name/alias/demonym (resolved on the snapshot's date)."""
        if isinstance(state, str):
            from realign.data.names import resolve

            return resolve(state, self.date)
        return int(state)

    def allies(self, ccode: int | str) -> list[int]:
        """States with any alliance obligation (ATOP, or COW if imported) with ``ccode`` that day.

        Parameters
        ----------
        ccode : int | str
            COW state code, or a name resolved on the snapshot's date.

        Returns
        -------
        list of int
            COW state codes (empty when none).
        """
        return self._allies.get(self._code(ccode), [])

    def cinc(self, ccode: int | str) -> float:
        """CINC of ``ccode`` for the snapshot's year (NaN when missing or not a member).

        Parameters
        ----------
        ccode : int | str
            COW state code, or a name resolved on the snapshot's date.

        Returns
        -------
        float
            The state's share of the system's material capabilities (COW NMC v7.0), 0..1.
        """
        hit = np.flatnonzero(self.states["ccode"].to_numpy() == self._code(ccode))
        return float(self.states["cinc"].to_numpy()[hit[0]]) if len(hit) else float("nan")

    def side(self, ccode: int | str, war: int = WWII) -> int | None:
        """COW side of ``ccode`` (a number or a name, e.g. ``"Romania"``) in ``war`` that day, or None.

        Parameters
        ----------
        ccode : int | str
            COW state code, or a name resolved on the snapshot's date.
        war : int
            COW war number (default 139, WWII).

        Returns
        -------
        int or None
            COW side (1 or 2), None when not fighting that day.
        """
        w = self.wars[(self.wars["war"] == war) & (self.wars["ccode"] == self._code(ccode))]
        return int(w["side"].iloc[0]) if len(w) else None

    def war_sides(self, war: int = WWII) -> dict[int, int]:
        """ccode -> COW side for every participant of ``war`` that day.

        Parameters
        ----------
        war : int
            COW war number (default 139, WWII).

        Returns
        -------
        dict of int to int
        """
        w = self.wars[self.wars["war"] == war]
        return dict(zip(w["ccode"].astype(int), w["side"].astype(int), strict=True))

    def coalition_shares(self, war: int = WWII) -> dict[int, float]:
        """Share of the day's total system CINC held by each side of ``war`` (NaN when CINC missing).

        Parameters
        ----------
        war : int
            COW war number (default 139, WWII).

        Returns
        -------
        dict of int to float
            COW side -> CINC share of the whole system (0..1; NaN without NMC coverage).
        """
        sides = self.war_sides(war)
        cinc = self.states["cinc"].to_numpy()
        total = float(np.nansum(cinc))
        first = {}  # ccode -> CINC of its first row, as cinc() reads it (one pass, not a filter per state)
        for c, v in zip(self.states["ccode"].to_numpy().tolist(), cinc.tolist(), strict=True):
            first.setdefault(c, float(v))
        out: dict[int, float] = {}
        for c, s in sides.items():
            v = first.get(c, float("nan"))
            out[s] = out.get(s, 0.0) + (0.0 if np.isnan(v) else v)
        if not total or not self.coverage.get("nmc"):
            return {s: float("nan") for s in out}
        return {s: v / total for s, v in sorted(out.items())}

    # ------------------------------------------------------------------ exports
    def to_frame(self) -> pd.DataFrame:
        """The states table (a copy) — the pandas entry point."""
        return self.states.copy()

    def to_networkx(self) -> nx.Graph:
        """Signed graph: nodes are states (name, cinc, major_power); edge ``sign`` +1 for an alliance
        or the same side of a war in progress, -1 for opposite sides (war beats alliance);
        ``kinds`` lists why, ``contiguity`` gives the COW contiguity type where any."""
        g = nx.Graph(date=self.date.isoformat())
        for r in self.states.itertuples():
            g.add_node(
                int(r.ccode),
                name=r.name,
                stateabb=r.stateabb,
                cinc=None if pd.isna(r.cinc) else float(r.cinc),
                major_power=bool(r.major_power),
            )
        if self.alliances is not None:
            for r in self.alliances.itertuples():
                kinds = [f for f in ALLIANCE_TYPES if getattr(r, f)]
                g.add_edge(int(r.ccode1), int(r.ccode2), sign=1, kinds=["alliance:" + "+".join(kinds or ["other"])])
        for war, grp in self.wars.groupby("war"):
            rows = list(zip(grp["ccode"].astype(int), grp["side"].astype(int), strict=True))
            for i, (a, sa) in enumerate(rows):
                for b, sb in rows[i + 1 :]:
                    if a == b or a not in g or b not in g:
                        continue
                    sign = 1 if sa == sb else -1
                    kind = f"war {war}:{'same side' if sign > 0 else 'opposite sides'}"
                    if g.has_edge(a, b):
                        e = g.edges[a, b]
                        e["kinds"] = [*e["kinds"], kind]
                        e["sign"] = min(e["sign"], sign)
                    else:
                        g.add_edge(a, b, sign=sign, kinds=[kind])
        if self.contiguity is not None:
            for r in self.contiguity.itertuples():
                if g.has_edge(int(r.ccode1), int(r.ccode2)):
                    g.edges[int(r.ccode1), int(r.ccode2)]["contiguity"] = int(r.conttype)
        return g

    def to_graphml(self, path: str | Path) -> Path:
        """Write the signed graph as GraphML (list attributes joined with ';').

        Parameters
        ----------
        path : str | pathlib.Path
            The output file.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        g = self.to_networkx()
        h = nx.Graph(date=self.date.isoformat())
        for n, a in g.nodes(data=True):
            h.add_node(n, **{k: v for k, v in a.items() if v is not None})
        for u, v, a in g.edges(data=True):
            h.add_edge(
                u,
                v,
                sign=a["sign"],
                kinds=";".join(a["kinds"]),
                **({"contiguity": a["contiguity"]} if "contiguity" in a else {}),
            )
        from realign.atomic import atomic_write

        return atomic_write(path, lambda tmp: nx.write_graphml(h, tmp))

    def to_dict(self) -> dict:
        """The JSON contract of ``realign system --format json``."""
        wars_by_state: dict[int, list[dict]] = {}
        for r in self.wars.itertuples():
            wars_by_state.setdefault(int(r.ccode), []).append({"war": int(r.war), "side": int(r.side)})
        out = []
        for r in self.states.itertuples():
            c = int(r.ccode)
            out.append(
                {
                    "ccode": c,
                    "name": r.name,
                    "cinc": None if pd.isna(r.cinc) else float(r.cinc),
                    "major_power": bool(r.major_power),
                    "wars": sorted(wars_by_state.get(c, []), key=lambda x: (x["war"], x["side"])),
                    "allies": self.allies(c),
                }
            )
        return {"date": self.date.isoformat(), "states": out}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)


@lru_cache(maxsize=4)
def _change_days(t: _Same) -> np.ndarray:
    """Sorted day indices on which some input of a snapshot can change (see :meth:`System.at`)."""
    tb = t.obj
    parts = [np.array([day(dt.date(y, 1, 1)) for y in range(FIRST_DAY.year, LAST_DAY.year + 2)], dtype=np.int64)]
    for sp in (tb.states, tb.majors, tb.wars, tb.contiguity, tb.cow_alliance):
        if sp is not None and len(sp.start):
            parts += [sp.start.astype(np.int64), sp.end.astype(np.int64) + 1]
    return np.unique(np.concatenate(parts))


def span_start(d: dt.date, t=None) -> dt.date:
    """First day of the span of days whose snapshot equals ``d``'s (except the date)."""
    tb = t if t is not None else tables()
    change = _change_days(_Same(tb))
    i = int(np.searchsorted(change, day(d), side="right")) - 1
    return d if i < 0 else max(FIRST_DAY, dt.date(1970, 1, 1) + dt.timedelta(days=int(change[i])))


def span_starts(lo: dt.date, hi: dt.date) -> list[dt.date]:
    """The first day of every span of identical snapshots that meets ``lo..hi`` (for warming caches)."""
    change = _change_days(_Same(tables()))
    inside = change[(change > day(lo)) & (change <= day(hi))]
    return [span_start(lo)] + [dt.date(1970, 1, 1) + dt.timedelta(days=int(n)) for n in inside]


class _Same:
    """Cache key of the tables object by identity (a test or a rebuild that swaps the tables misses)."""

    __slots__ = ("obj",)

    def __init__(self, obj: object):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


@lru_cache(maxsize=SNAPSHOT_CACHE)
def _snapshot(cls: type[System], d: dt.date, t: _Same) -> System:
    return cls._build(d, t.obj)


def _atop_pairs(t, year: int, member_set: set) -> tuple[pd.DataFrame | None, bool]:
    """ATOP 5.1 undirected pairs of the year among members (max over rows per pair); and whether ATOP covers it."""
    und = None
    atop_ok = t.atop_years[0] <= year <= t.atop_years[1]
    if atop_ok and year in t.atop_by_year:
        a = t.atop_by_year[year]
        keep = a["ccode1"].isin(member_set).to_numpy() & a["ccode2"].isin(member_set).to_numpy()
        a = a[keep]
        lo = np.minimum(a["ccode1"].to_numpy(), a["ccode2"].to_numpy())
        hi = np.maximum(a["ccode1"].to_numpy(), a["ccode2"].to_numpy())
        und = pd.DataFrame({"ccode1": lo, "ccode2": hi})
        for flag, col in zip(
            ALLIANCE_TYPES, ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"), strict=True
        ):
            und[flag] = a[col].to_numpy()
        und = und.groupby(["ccode1", "ccode2"], as_index=False).max()
        und["source"] = "ATOP 5.1 (year)"
    return und, atop_ok


def _cow_pairs(t, n: int, member_set: set) -> tuple[pd.DataFrame | None, bool]:
    """COW 4.1 alliance pairs in force on day ``n`` among members; and whether the COW table covers the day."""
    cow = None
    cow_ok = False
    if t.cow_alliance is not None:
        spells = t.cow_alliance.active(n)
        spells = spells[spells["ccode"].isin(member_set)]
        cow_ok = bool(len(t.cow_alliance.frame)) and n <= t.cow_alliance.end.max()
        if len(spells):
            m = spells.merge(spells, on="alliance", suffixes=("1", "2"))
            m = m[m["ccode1"] < m["ccode2"]]
            cow = pd.DataFrame(
                {
                    "ccode1": m["ccode1"].to_numpy(),
                    "ccode2": m["ccode2"].to_numpy(),
                    "defense": m["defense1"].to_numpy(),
                    "offense": 0,
                    "neutral": m["neutrality1"].to_numpy(),
                    "nonagg": m["nonaggression1"].to_numpy(),
                    "consul": m["entente1"].to_numpy(),
                }
            )
            cow = cow.groupby(["ccode1", "ccode2"], as_index=False).max()
            cow["source"] = "COW 4.1 (day)"
    return cow, cow_ok


def _alliances(t, n: int, year: int, member_set: set) -> tuple[pd.DataFrame | None, bool, bool]:
    """The day's alliance pairs from ATOP (yearly) and COW (daily); None when neither covers the day."""
    und, atop_ok = _atop_pairs(t, year, member_set)
    cow, cow_ok = _cow_pairs(t, n, member_set)
    frames = [f for f in (und, cow) if f is not None]
    if frames:
        alliances = pd.concat(frames, ignore_index=True)
        for flag in ALLIANCE_TYPES:
            alliances[flag] = alliances[flag].astype("int8")
    elif atop_ok or cow_ok:
        alliances = pd.DataFrame(columns=["ccode1", "ccode2", *ALLIANCE_TYPES, "source"])
    else:
        alliances = None
    return alliances, atop_ok, cow_ok
