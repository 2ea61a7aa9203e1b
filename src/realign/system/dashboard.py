"""The dashboard's views of the system as library functions (the CLI and the web app share them).

* :func:`network` - nodes, signed edges and stable positions of one day (:class:`Network`);
* :func:`state_detail` - one state on one day with its sources (:class:`StateDetail`), including its
  Signorino-Ritter S-scores against every other member that day;
* :func:`capability_series` - WWII coalition CINC shares over time (monthly or yearly);
* :func:`landscape_defaults` - the states a landscape uses when none are named.

Every result has ``to_dict()`` (JSON-ready: dates as ISO strings, NaN as ``None``). Snapshots come
from :meth:`System.at`, which keeps a bounded per-date cache; the layout and the timeline's
history are computed once per process. Sources: COW State System v2016, COW National Material
Capabilities v7.0 (yearly CINC, Singer, Bremer & Stuckey 1972), COW Inter-State War v4.0
(day spells), ATOP 5.1 (yearly).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from realign.clock import month_starts  # re-exported
from realign.errors import InvalidParameterError
from realign.wars import WAR_SIDES, WWII

__all__ = [
    "DASHBOARD_START",
    "DASHBOARD_END",
    "LAYOUT_SEED",
    "SIDE_LABELS",
    "SOURCES_NOTE",
    "Network",
    "StateDetail",
    "network",
    "network_layout",
    "state_detail",
    "capability_series",
    "landscape_defaults",
    "side_label",
    "timeline_changes",
    "month_starts",
    "SIMILARITY_NOTE",
    "day_similarity",
]

#: The dashboard's timeline (the slider's range).
DASHBOARD_START = dt.date(1936, 1, 1)
DASHBOARD_END = dt.date(1955, 12, 31)
#: Seed of the network layout (positions are computed once, for every state of the timeline).
LAYOUT_SEED = 1942
SIDE_LABELS = WAR_SIDES[WWII]
SOURCES_NOTE = (
    "CINC: COW National Material Capabilities v7.0 (yearly); sides: COW Inter-State War v4.0 "
    "(day spells); membership: COW State System v2016; alliances: ATOP 5.1 (yearly)."
)
SIMILARITY_NOTE = (
    "Signorino-Ritter S (Signorino & Ritter 1999) of ATOP 5.1 alliance portfolios on the day "
    "(levels 3 defense/offense, 2 neutrality/non-aggression, 1 consultation, 0 none; -1..1, "
    "1 = identical): s_unweighted counts every member equally, s_weighted weights each member "
    "by its CINC (COW NMC v7.0, yearly). null = not computable (no ATOP coverage, or a CINC "
    "value missing for the weighted score). Computed by realign.panels.similarity_at."
)
CAPABILITY_SOURCE = (
    "CINC shares: COW National Material Capabilities v7.0 (yearly, Singer, Bremer & "
    "Stuckey 1972); sides: COW Inter-State War v4.0 participation spells (day)."
)


def side_label(side: int | None) -> str:
    """WWII side number -> ``allies`` / ``axis``; anything else (not at war) -> ``neutral``.

    Parameters
    ----------
    side : int or None
        COW side in war 139 (1 or 2), or None.

    Returns
    -------
    str
        ``"allies"``, ``"axis"`` or ``"neutral"``.
    """
    return SIDE_LABELS.get(side, "neutral") if side is not None else "neutral"


def _plain(x: Any) -> Any:
    """A float for JSON: NaN/inf -> None; numpy scalars -> Python."""
    if x is None:
        return None
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    return x


def _iso(x: Any) -> str | None:
    if x is None or x != x:  # NaT
        return None
    return x.date().isoformat() if hasattr(x, "date") and callable(x.date) else x.isoformat()


def _system(d: dt.date):
    from realign.system.snapshot import System

    return System.at(d)


# ----------------------------------------------------------------------------- layout
_layout_lock = threading.Lock()


def _union_weights() -> tuple[set[int], dict[tuple[int, int], int]]:
    """States of 1936-1955 and, per positive tie (alliance or same war side), the months it holds."""
    weights: dict[tuple[int, int], int] = {}
    nodes: set[int] = set()
    for m in month_starts(DASHBOARD_START, DASHBOARD_END):
        s = _system(m)
        nodes.update(s.ccodes)
        ties: set[tuple[int, int]] = set()
        if s.alliances is not None:
            ties.update(zip(s.alliances["ccode1"].astype(int), s.alliances["ccode2"].astype(int), strict=True))
        for _, grp in s.wars.groupby(["war", "side"]):
            members = sorted(set(grp["ccode"].astype(int)) & nodes)
            ties.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
        for t in ties:
            weights[t] = weights.get(t, 0) + 1
    return nodes, weights


@lru_cache(maxsize=1)
def _layout() -> dict[int, tuple[float, float]]:
    import networkx as nx
    import numpy as np

    nodes, weights = _union_weights()
    total = max(len(month_starts(DASHBOARD_START, DASHBOARD_END)), 1)
    g = nx.Graph()
    g.add_nodes_from(sorted(nodes))
    g.add_weighted_edges_from((a, b, w / total) for (a, b), w in sorted(weights.items()) if a in nodes and b in nodes)
    isolated = sorted(n for n in g if g.degree(n) == 0)
    g.remove_nodes_from(isolated)
    raw = nx.spring_layout(g, seed=LAYOUT_SEED, weight="weight", iterations=200)
    arr = np.array(list(raw.values()))
    centre = np.median(arr, axis=0) if len(arr) else np.zeros(2)
    # the long-allied core packs tight while loosely tied states drift out: keep each state's angle
    # and radial order but spread the radii evenly (rank-based); deterministic
    ranked = sorted(g, key=lambda n: (float(np.hypot(*(raw[n] - centre))), n))
    pos = {}
    for rank, n in enumerate(ranked):
        dx, dy = raw[n] - centre
        r = math.hypot(dx, dy)
        target = 0.12 + 0.88 * (rank + 1) / len(ranked)
        pos[n] = (dx / r * target, dy / r * target) if r > 0 else (0.0, 0.0)
    # states never tied to anyone in 1936-1955 (e.g. Ireland, Switzerland): a fixed outer ring
    for i, n in enumerate(isolated):
        a = 2 * math.pi * (i + 0.5) / max(len(isolated), 1)
        pos[n] = (1.15 * math.cos(a), 1.15 * math.sin(a))
    return {int(n): (round(float(p[0]), 4), round(float(p[1]), 4)) for n, p in pos.items()}


def network_layout() -> dict[int, tuple[float, float]]:
    """Seeded spring layout (networkx, seed :data:`LAYOUT_SEED`) of every state of 1936-1955.

    The union graph weights each positive tie by the share of months (1st of each month) it
    holds; war enmities are left out (a spring layout needs positive weights). Computed once per
    process (concurrent first callers wait), so positions stay put as the date moves.
    """
    with _layout_lock:
        return _layout()


def _position(ccode: int, pos: dict[int, tuple[float, float]]) -> tuple[float, float]:
    if ccode in pos:
        return pos[ccode]
    # outside the timeline's union (dates outside 1936-1955): a fixed spot on an outer ring
    a = (ccode * 2.399963) % (2 * math.pi)
    return (round(1.25 * math.cos(a), 4), round(1.25 * math.sin(a), 4))


# ----------------------------------------------------------------------------- network
@dataclass(frozen=True)
class Network:
    """The alliance/war network of one day: nodes with WWII side and position, signed edges."""

    date: dt.date
    nodes: list[dict]
    edges: list[dict]
    coverage: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "nodes": self.nodes,
            "edges": self.edges,
            "layout": {
                "algorithm": "networkx.spring_layout over the 1936-1955 union of positive ties, radii spread by rank",
                "seed": LAYOUT_SEED,
            },
            "legend": {"allies": "WWII side 1", "axis": "WWII side 2", "neutral": "not at war in WWII"},
            "coverage": dict(self.coverage),
            "source": SOURCES_NOTE,
            "similarity_note": SIMILARITY_NOTE,
        }


@lru_cache(maxsize=512)
def _graph(d: dt.date):
    return _system(d).to_networkx()


@lru_cache(maxsize=512)
def _similarity(d: dt.date) -> dict[tuple[int, int], tuple[float | None, float | None]]:
    from realign.panels import similarity_at

    pairs = similarity_at(d)
    return {
        (int(a), int(b)): (_plain(s), _plain(w))
        for a, b, s, w in zip(pairs["ccode1"], pairs["ccode2"], pairs["s_unweighted"], pairs["s_weighted"], strict=True)
    }


def day_similarity(date: str | dt.date) -> dict[tuple[int, int], tuple[float | None, float | None]]:
    """(unweighted S, CINC-weighted S) of every member pair on one day, keyed ``(ccode1, ccode2)`` with
    ``ccode1 < ccode2``; ``None`` where not computable. From :func:`realign.panels.similarity_at`
    (Signorino & Ritter 1999), cached per day (two first callers may both compute it; same result).

    Parameters
    ----------
    date : str | datetime.date
        The day (``YYYY-MM-DD``).

    Returns
    -------
    dict of tuple of (int, int) to tuple of (float or None, float or None)
        (ccode1, ccode2) -> (S, CINC-weighted S), each in -1..1 or None.

    Raises
    ------
    InvalidDateError
        A malformed or missing date.
    """
    from realign.data.names import parse_date

    return _similarity(parse_date(date))


def _pair_s(sim: dict, a: int, b: int) -> tuple[float | None, float | None]:
    return sim.get((a, b) if a < b else (b, a), (None, None))


def network(date: str | dt.date) -> Network:
    """Nodes (CINC, WWII side, wars, x/y), edges (+1 alliance or same war side, -1 opposite sides).

    Parameters
    ----------
    date : str | datetime.date
        The day (``YYYY-MM-DD``).

    Returns
    -------
    Network
        Nodes (ccode, name, CINC share, side, wars, layout x/y), signed edges with their S-scores,
        and the day's data coverage.

    Raises
    ------
    InvalidDateError
        A malformed or missing date.
    CoverageError
        A day outside the COW state system coverage.
    """
    from realign.data.names import parse_date
    from realign.system.snapshot import WWII

    s = _system(parse_date(date))
    g = _graph(s.date)
    pos = network_layout()
    sides = s.war_sides(WWII)
    wars: dict[int, list[int]] = {}
    for w, c in zip(s.wars["war"].astype(int), s.wars["ccode"].astype(int), strict=True):
        wars.setdefault(c, []).append(w)
    nodes = []
    for n, a in g.nodes(data=True):
        x, y = _position(int(n), pos)
        nodes.append(
            {
                "ccode": int(n),
                "name": a["name"],
                "stateabb": a["stateabb"],
                "cinc": _plain(a["cinc"]),
                "major_power": bool(a["major_power"]),
                "side": side_label(sides.get(int(n))),
                "wars": sorted(set(wars.get(int(n), []))),
                "x": x,
                "y": y,
            }
        )
    sim = day_similarity(s.date)
    edges = []
    for u, v, a in g.edges(data=True):
        su, sw = _pair_s(sim, int(u), int(v))
        edges.append(
            {
                "source": int(u),
                "target": int(v),
                "sign": int(a["sign"]),
                "kinds": list(a["kinds"]),
                "s_unweighted": su,
                "s_weighted": sw,
            }
        )
    return Network(s.date, nodes, edges, dict(s.coverage))


# ----------------------------------------------------------------------------- state detail
_history_lock = threading.Lock()


@lru_cache(maxsize=1)
def _timeline_history() -> list[dict]:
    from realign.system.history import history

    months = (DASHBOARD_END.year - DASHBOARD_START.year + 1) * 12
    return history(DASHBOARD_START - dt.timedelta(days=1), months).to_dict()["changes"]


@lru_cache(maxsize=1)
def _events_by_state() -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for c in _timeline_history():
        out.setdefault(int(c["ccode"]), []).append(c)
    return out


def timeline_changes(ccode: int) -> list[dict]:
    """Every recorded change of one state over the dashboard's timeline (1936-1955), with sources.

    Parameters
    ----------
    ccode : int
        COW state code.

    Returns
    -------
    list of dict
        The state's changes (as in :func:`realign.system.history.history`), oldest first; empty if none.
    """
    with _history_lock:
        return list(_events_by_state().get(int(ccode), []))


def dataset_sources(*names: str) -> list[dict]:
    """Title, version and unit of bundled datasets (from the package manifest)."""
    from realign.data.store import manifest

    m = manifest()
    return [
        {"dataset": n, "title": m[n].get("title"), "version": m[n].get("version"), "unit": m[n].get("unit")}
        for n in names
        if n in m
    ]


@dataclass(frozen=True)
class StateDetail:
    """One state on one day; ``member`` is False when it was not a COW system member that day."""

    date: dt.date
    ccode: int
    name: str
    member: bool
    data: dict = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        if not self.member:
            return {
                "detail": f"{self.name} ({self.ccode}) is not a COW system member on {self.date}.",
                "ccode": self.ccode,
                "name": self.name,
                "events": self.events,
            }
        return {
            "date": self.date.isoformat(),
            "ccode": self.ccode,
            "name": self.name,
            **self.data,
            "events": self.events,
            "sources": dataset_sources("states", "nmc", "majors", "war_participants", "atop", "ww2_events"),
        }


def _alliance_rows(s, code: int, names: dict[int, str]) -> list[dict]:
    if s.alliances is None:
        return []
    out = []
    a = s.alliances[(s.alliances["ccode1"] == code) | (s.alliances["ccode2"] == code)]
    for r in a.itertuples():
        other = int(r.ccode2 if r.ccode1 == code else r.ccode1)
        kinds = [k for k in ("defense", "offense", "neutral", "nonagg", "consul") if getattr(r, k)]
        out.append({"ccode": other, "name": names.get(other), "kinds": kinds, "source": r.source})
    return out


@lru_cache(maxsize=4096)
def _state_detail(code: int, d: dt.date) -> StateDetail:
    from realign.data.names import state_name
    from realign.system.snapshot import WWII

    name = state_name(code)
    s = _system(d)
    events = timeline_changes(code)
    if code not in s:
        return StateDetail(d, code, name, False, {}, events)
    row = s.states[s.states["ccode"] == code].iloc[0]
    g = _graph(d)
    names = dict(zip(s.states["ccode"].astype(int), s.states["name"], strict=True))
    ties = [
        {
            "ccode": int(o),
            "name": names.get(int(o)),
            "sign": int(g.edges[code, o]["sign"]),
            "kinds": list(g.edges[code, o]["kinds"]),
        }
        for o in sorted(g.neighbors(code))
    ]
    wars = [
        {
            "war": int(r.war),
            "war_name": r.war_name,
            "side": int(r.side),
            "side_label": side_label(int(r.side)) if int(r.war) == WWII else f"side {int(r.side)}",
            "start": _iso(r.start),
            "end": _iso(r.end),
        }
        for r in s.wars[s.wars["ccode"] == code].itertuples()
    ]
    data = {
        "stateabb": row["stateabb"],
        "cinc": _plain(row["cinc"]),
        "cinc_year": None if row["cinc_year"] != row["cinc_year"] else int(row["cinc_year"]),
        "milex": _plain(row["milex"]),
        "milper": _plain(row["milper"]),
        "tpop": _plain(row["tpop"]),
        "major_power": bool(row["major_power"]),
        "wwii_side": side_label(s.side(code, WWII)),
        "wars": wars,
        "allies": _alliance_rows(s, code, names),
        "ties": ties,
        "similarity": _similarity_rows(d, code, names),
    }
    return StateDetail(d, code, name, True, data, events)


def _similarity_rows(d: dt.date, code: int, names: dict[int, str]) -> dict:
    """S of ``code`` against every other member on ``d``, most similar first (ties by ccode)."""
    sim = day_similarity(d)
    rows = []
    for other in sorted(names):
        if other != code:
            su, sw = _pair_s(sim, code, other)
            rows.append({"ccode": other, "name": names[other], "s_unweighted": su, "s_weighted": sw})
    rows.sort(key=lambda r: (r["s_unweighted"] is None, -(r["s_unweighted"] or 0.0), r["ccode"]))
    return {"measure": "Signorino-Ritter S", "sorted_by": "s_unweighted", "note": SIMILARITY_NOTE, "scores": rows}


def state_detail(state: int | str, date: str | dt.date) -> StateDetail:
    """Detail of one state (ccode or name, resolved on ``date``) on one day, with its sources.

    Parameters
    ----------
    state : int | str
        COW state code (ccode) or a state name.
    date : str | datetime.date
        The day (``YYYY-MM-DD``).

    Returns
    -------
    StateDetail
        CINC and components, WWII side, wars, alliances, ties, S-scores and timeline events
        (``member`` False when not a COW system member that day).

    Raises
    ------
    InvalidDateError, CoverageError
        A malformed date, or one outside the COW state system coverage.
    UnknownStateError, AmbiguousStateError
        A name that does not resolve to one state.
    """
    from realign.data.names import parse_date, resolve

    d = parse_date(date)
    if d is None:
        raise InvalidParameterError("A date is required (YYYY-MM-DD).")
    _system(d)  # coverage check before any name lookup
    return _state_detail(resolve(state, d), d)


# ----------------------------------------------------------------------------- capability
_capability_lock = threading.Lock()


@lru_cache(maxsize=32)
def _capability(start: int, end: int, freq: str) -> tuple[dict, ...]:
    from realign.system.snapshot import WWII

    if freq == "month":
        days = month_starts(dt.date(start, 1, 1), dt.date(end, 12, 31))
    else:
        days = [dt.date(y, 7, 1) for y in range(start, end + 1)]
    out = []
    for d in days:
        s = _system(d)
        if not s.coverage.get("nmc"):
            out.append({"date": d.isoformat(), "allies": None, "axis": None, "not_at_war": None})
            continue
        sh = s.coalition_shares(WWII)
        a, x = float(sh.get(1, 0.0)), float(sh.get(2, 0.0))
        out.append(
            {
                "date": d.isoformat(),
                "allies": round(a, 6),
                "axis": round(x, 6),
                "not_at_war": round(max(0.0, 1.0 - a - x), 6),
            }
        )
    return tuple(out)


def capability_series(
    start: int = DASHBOARD_START.year, end: int = DASHBOARD_END.year, freq: str = "month"
) -> list[dict]:
    """Share of the system's CINC held by each WWII side on the 1st of each month (or 1 July each year).

    ``None`` where NMC does not cover the year. Computed once per span (the dashboard's slider series
    1936-1955 is precomputed by :func:`warm_up`); concurrent first callers wait for it.

    Parameters
    ----------
    start, end : int
        First and last calendar year, in 1816..2016.
    freq : str
        ``"month"`` (1st of each month) or ``"year"`` (1 July).

    Returns
    -------
    list of dict
        ``date`` (ISO) and CINC shares ``allies``, ``axis``, ``not_at_war`` (0..1, or None).

    Raises
    ------
    InvalidParameterError
        A bad ``freq``, a year outside 1816..2016, or ``end`` before ``start``.
    """
    if freq not in ("month", "year"):
        raise InvalidParameterError(f"The 'freq' parameter must be 'month' or 'year'. Got {freq!r} instead.")
    for nm, y in (("start", start), ("end", end)):
        if isinstance(y, bool) or not isinstance(y, int) or not 1816 <= y <= 2016:
            raise InvalidParameterError(f"The '{nm}' parameter must be a year in 1816..2016. Got {y!r} instead.")
    if end < start:
        raise InvalidParameterError(f"The 'end' year ({end}) must not be before 'start' ({start}).")
    with _capability_lock:
        return [dict(p) for p in _capability(start, end, freq)]


def landscape_defaults(date: str | dt.date, n: int = 12) -> list[int]:
    """The ``n`` states with the largest CINC on ``date`` (the landscape's default state set).

    Parameters
    ----------
    date : str | datetime.date
        The day (``YYYY-MM-DD``).
    n : int
        How many states.

    Returns
    -------
    list of int
        COW state codes (ccode), largest CINC first (states without a CINC are left out).

    Raises
    ------
    InvalidDateError, CoverageError
        A malformed date, or one outside the COW state system coverage.
    """
    from realign.data.names import parse_date

    st = _system(parse_date(date)).states.dropna(subset=["cinc"]).sort_values("cinc", ascending=False)
    return st["ccode"].astype(int).head(n).tolist()


def warm_up() -> None:
    """Build the layout, the slider's monthly series and the timeline's history now (once)."""
    network_layout()
    capability_series(DASHBOARD_START.year, DASHBOARD_END.year, "month")
    with _history_lock:
        _events_by_state()
