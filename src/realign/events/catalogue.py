"""Catalogue of battles as shocks to the international system (package data, one TOML per event).

Each file in ``realign/events/catalogue/<slug>.toml`` holds one event: dates, belligerents by
side as COW state numbers (``ccode``) with COW side numbers and labels (:data:`WAR_SIDES`:
WWII, war 139: side 1 = ``allies``, side 2 = ``axis``; WWI, war 106: side 1 = ``entente``,
side 2 = ``central_powers``), the outcome, the date by which the outcome was known to
contemporaries (``outcome_known``, the default information cut-off of a consequences run;
``end`` when the file leaves it out; never before ``start``), sourced losses (``low``/``high``
ranges, never a single figure where sources disagree), destroyed formations, the COW NMC
military personnel used to scale the losses, and the *effects* of the event on each side: a
multiplicative change of capability and an additive change of credibility, each with the model
assumption behind it.

The effect rules are model assumptions, stated once here and repeated in every file's
``basis`` text so that a reader of one file sees how its numbers were made:

* loss share ``s = min(1, midpoint(personnel losses) / (milper × 1000))`` where ``milper`` is
  the side's (or state's) military personnel in thousands in the event's year, COW NMC v6.0
  (Singer, Bremer & Stuckey 1972; Singer 1987);
* ``capability = 1 − s / 6``: the COW composite index (CINC) averages six component shares
  and military personnel is one of them, so losing a share ``s`` of personnel lowers the
  capability index by about ``s/6`` (``round(…, 3)``);
* credibility magnitude ``m = min(1, 0.1 + 2·s_loser + 0.2·F)`` with ``F = 1`` when a field
  formation of the loser (field army, army group, carrier striking force, national army)
  was destroyed or surrendered, per the file's sourced ``[[formations]]``; the winner gets
  ``+m`` and the loser ``−m`` (``round(…, 2)``);
* reversed outcome: the fighting's attrition is paid either way, so capability multipliers
  stay as historical, and the credibility changes flip sign (same magnitude, the winner
  becomes the loser).

Examples
--------
>>> ev = load_event("Battle of Stalingrad")
>>> ev.slug, str(ev.start), str(ev.end)
('stalingrad', '1942-08-23', '1943-02-02')
>>> sorted(ev.sides[2])
[255, 310, 325, 360]
>>> ev.winner
1
>>> str(ev.outcome_known)
'1943-02-02'
>>> "stalingrad" in list_events()
True
"""

from __future__ import annotations

import datetime as _dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from realign.errors import InvalidParameterError
from realign.events.effects import capability_from_losses, credibility_magnitude, loss_share  # re-exported
from realign.wars import WAR_SIDES  # COW war -> {side: label} accepted in catalogue files

__all__ = [
    "Effect",
    "Event",
    "LossRow",
    "Formation",
    "Source",
    "SIDE_TOTAL",
    "LOSS_CATEGORIES",
    "WAR_SIDES",
    "load_event_file",
    "list_events",
    "load_event",
    "events_table",
    "loss_share",
    "capability_from_losses",
    "credibility_magnitude",
]

#: ``ccode`` value of a loss row that covers a whole side rather than one state.
SIDE_TOTAL = 0

#: Allowed ``category`` values of ``[[losses]]`` rows (``unit`` says men, tanks, aircraft, ...).
LOSS_CATEGORIES = frozenset(
    {
        "casualties",  # killed + wounded + captured + missing (personnel)
        "killed",
        "wounded",
        "captured",
        "missing",
        "killed_or_missing",
        "wounded_or_sick",
        "missing_or_captured",
        "killed_missing_captured",
        "tanks_destroyed",
        "tanks_captured",
        "tanks_lost",
        "aircraft_destroyed",
        "aircraft_captured",
        "aircraft_lost",
        "guns_destroyed",
        "guns_captured",
        "ships_sunk",
        "ships_damaged",
        "carriers_sunk",
        "submarines_lost",
    }
)


_PKG = "realign.events"
_DIR = "catalogue"


# ----------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class Effect:
    """Effect of an event on one side (or state).

    ``capability`` multiplies the side's effective capability (1.0 = unchanged, 0.9 = 10 %
    less); ``credibility`` is an additive change of perceived strength in ``[-1, 1]``;
    ``basis`` says how the numbers were made (a model assumption, or "custom").
    """

    capability: float
    credibility: float
    basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"capability": self.capability, "credibility": self.credibility, "basis": self.basis}


@dataclass(frozen=True)
class Source:
    """A reference read for the catalogue: short id, citation text, URL."""

    id: str
    citation: str
    url: str


@dataclass(frozen=True)
class LossRow:
    """One sourced loss figure: ``low``..``high`` (equal when sources agree) of ``unit``.

    ``ccode == SIDE_TOTAL`` (0) means the row covers the whole side.
    """

    side: int
    ccode: int
    category: str
    low: float
    high: float
    unit: str
    sources: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Formation:
    """A formation destroyed or surrendered in the event (e.g. the Romanian 3rd Army)."""

    side: int
    ccode: int
    name: str
    fate: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """One catalogue event (see the module docstring for the effect rules)."""

    slug: str
    name: str
    aliases: tuple[str, ...]
    start: _dt.date
    end: _dt.date
    theatre: str
    war: int
    war_name: str
    summary: str
    sides: Mapping[int, tuple[int, ...]]
    side_labels: Mapping[int, str]
    winner: int
    result: str
    losses: tuple[LossRow, ...]
    formations: tuple[Formation, ...]
    milper: tuple[dict[str, Any], ...]
    effects: Mapping[int, Effect]
    state_effects: Mapping[int, Effect]
    reversed_winner: int
    reversed_assumption: str
    reversed_effects: Mapping[int, Effect]
    reversed_state_effects: Mapping[int, Effect]
    sources: tuple[Source, ...]
    contingents: tuple[dict[str, Any], ...] = ()
    missing: tuple[str, ...] = ()
    notes: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Date by which the outcome was known to contemporaries (``end`` when not given).
    outcome_known: _dt.date = None  # type: ignore[assignment]  # set to ``end`` in __post_init__
    outcome_known_note: str = ""
    outcome_known_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.outcome_known is None:
            object.__setattr__(self, "outcome_known", self.end)

    @property
    def loser(self) -> int:
        """The side that lost (the other side of a two-sided event)."""
        return next(s for s in self.sides if s != self.winner)

    def side_of(self, ccode: int) -> int | None:
        """COW side of ``ccode`` in this event, or ``None`` if it did not take part."""
        for side, members in self.sides.items():
            if ccode in members:
                return side
        return None

    def losses_frame(self) -> pd.DataFrame:
        """Loss rows as a DataFrame (one row per figure; ``sources`` joined by ``;``)."""
        rows = [
            {
                "event": self.slug,
                "side": r.side,
                "side_label": self.side_labels.get(r.side, ""),
                "ccode": r.ccode,
                "category": r.category,
                "low": r.low,
                "high": r.high,
                "unit": r.unit,
                "sources": ";".join(r.sources),
                "urls": ";".join(self.source(s).url for s in r.sources),
                "note": r.note,
            }
            for r in self.losses
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "event",
                "side",
                "side_label",
                "ccode",
                "category",
                "low",
                "high",
                "unit",
                "sources",
                "urls",
                "note",
            ],
        )

    def source(self, source_id: str) -> Source:
        """The :class:`Source` with this id."""
        for s in self.sources:
            if s.id == source_id:
                return s
        raise InvalidParameterError(f"Event {self.slug!r} has no source {source_id!r}.")

    def effects_for(self, outcome: str = "historical") -> dict[int, Effect]:
        """Side effects for ``outcome`` ``"historical"`` or ``"reversed"``."""
        if outcome == "historical":
            return dict(self.effects)
        if outcome == "reversed":
            return dict(self.reversed_effects)
        raise InvalidParameterError(
            f"The 'outcome' parameter of Event.effects_for must be 'historical' or 'reversed'. Got {outcome!r} instead."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO strings, side keys as strings)."""

        def eff(d: Mapping[int, Effect]) -> dict[str, Any]:
            return {str(k): v.to_dict() for k, v in d.items()}

        return {
            "slug": self.slug,
            "name": self.name,
            "aliases": list(self.aliases),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "outcome_known": self.outcome_known.isoformat(),
            "outcome_known_note": self.outcome_known_note,
            "outcome_known_sources": list(self.outcome_known_sources),
            "theatre": self.theatre,
            "war": self.war,
            "war_name": self.war_name,
            "summary": self.summary,
            "sides": {str(k): {"label": self.side_labels[k], "ccodes": list(v)} for k, v in self.sides.items()},
            "outcome": {"winner": self.winner, "result": self.result},
            "losses": [
                {
                    "side": r.side,
                    "ccode": r.ccode,
                    "category": r.category,
                    "low": r.low,
                    "high": r.high,
                    "unit": r.unit,
                    "sources": list(r.sources),
                    "note": r.note,
                }
                for r in self.losses
            ],
            "formations": [
                {"side": f.side, "ccode": f.ccode, "name": f.name, "fate": f.fate, "sources": list(f.sources)}
                for f in self.formations
            ],
            "milper": [dict(m) for m in self.milper],
            "effects": eff(self.effects),
            "state_effects": eff(self.state_effects),
            "reversed": {
                "winner": self.reversed_winner,
                "assumption": self.reversed_assumption,
                "effects": eff(self.reversed_effects),
                "state_effects": eff(self.reversed_state_effects),
            },
            "contingents": [dict(c) for c in self.contingents],
            "sources": [{"id": s.id, "citation": s.citation, "url": s.url} for s in self.sources],
            "missing": list(self.missing),
            "notes": self.notes,
        }


# ----------------------------------------------------------------------------- loading


def _files() -> list[str]:
    root = resources.files(_PKG).joinpath(_DIR)
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def list_events() -> list[str]:
    """Slugs of all catalogue events, sorted by start date.

    >>> list_events()[0]
    'gallipoli'
    >>> [s for s in list_events() if load_event(s).war == 139][0]
    'fall_of_france'
    """
    return [ev.slug for ev in sorted(_all_events().values(), key=lambda e: (e.start, e.slug))]


@lru_cache(maxsize=1)
def _all_events() -> dict[str, Event]:
    out: dict[str, Event] = {}
    for slug in _files():
        text = resources.files(_PKG).joinpath(_DIR, f"{slug}.toml").read_text(encoding="utf-8")
        out[slug] = _parse_event(tomllib.loads(text), slug)
    return out


def _alias_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for slug, ev in _all_events().items():
        for key in (slug, ev.name, *ev.aliases):
            idx[_norm(key)] = slug
    return idx


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("_", " ").replace("-", " ").split())


def load_event(slug_or_alias: str) -> Event:
    """Event by slug (``"stalingrad"``), name or alias (``"Battle of Stalingrad"``), any case.

    Parameters
    ----------
    slug_or_alias : str
        A catalogue slug, event name or alias, in any case.

    Returns
    -------
    Event
        The event with its sides, dates, cited losses and derived effects.

    Raises
    ------
    InvalidParameterError
        For an unknown name, naming the known slugs and the closest match.

    Examples
    --------
    >>> load_event("operation bagration").slug
    'bagration'
    """
    if not isinstance(slug_or_alias, str):
        raise InvalidParameterError(
            f"The 'slug_or_alias' parameter of load_event must be a str. Got {slug_or_alias!r} instead."
        )
    idx = _alias_index()
    slug = idx.get(_norm(slug_or_alias))
    if slug is None:
        known = list_events()
        hint = ""
        try:
            from rapidfuzz import process

            best = process.extractOne(_norm(slug_or_alias), list(idx))
            if best is not None and best[1] >= 60:
                hint = f" Did you mean {idx[best[0]]!r}?"
        except ImportError:  # pragma: no cover - rapidfuzz is a dependency
            pass
        raise InvalidParameterError(f"Unknown event {slug_or_alias!r}.{hint} Known events: {', '.join(known)}.")
    return _all_events()[slug]


def events_table() -> pd.DataFrame:
    """One row per event: dates, war, sides, winner, effects on each side, counts of figures."""
    rows = []
    for slug in list_events():
        ev = _all_events()[slug]
        row: dict[str, Any] = {
            "slug": ev.slug,
            "name": ev.name,
            "start": ev.start.isoformat(),
            "end": ev.end.isoformat(),
            "outcome_known": ev.outcome_known.isoformat(),
            "theatre": ev.theatre,
            "war": ev.war,
            "winner": ev.winner,
            "winner_label": ev.side_labels[ev.winner],
        }
        for side in sorted(ev.sides):  # by side number (same columns for every war) ...
            row[f"side{side}_label"] = ev.side_labels[side]
            row[f"side{side}_capability"] = ev.effects[side].capability
            row[f"side{side}_credibility"] = ev.effects[side].credibility
        for side in sorted(ev.sides):  # ... and by the war's side label (allies, axis, entente, ...)
            lab = ev.side_labels[side]
            row[f"{lab}_ccodes"] = " ".join(str(c) for c in ev.sides[side])
            row[f"{lab}_capability"] = ev.effects[side].capability
            row[f"{lab}_credibility"] = ev.effects[side].credibility
        row["n_losses"] = len(ev.losses)
        row["n_sources"] = len(ev.sources)
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- parsing


def _eff(d: Mapping[str, Any]) -> dict[int, Effect]:
    return {int(k): Effect(float(v["capability"]), float(v["credibility"]), str(v["basis"])) for k, v in d.items()}


def load_event_file(path: str | os.PathLike[str]) -> Event:
    """Parse and validate one catalogue TOML file outside the package (e.g. a draft).

    Parameters
    ----------
    path : str or os.PathLike
        The TOML file, in the catalogue's format (the bundled files under ``realign/events/catalogue``).

    Returns
    -------
    Event
        The parsed event.

    Raises
    ------
    InvalidParameterError
        Naming the file and the field, for a missing file, bad TOML or an invalid field.
    """
    p = Path(path)
    try:
        d = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidParameterError(f"Catalogue file {p} cannot be read: {exc}") from exc
    return _parse_event(d, p.stem, where=str(p))


def _check(d: Mapping[str, Any], where: str) -> None:
    """Field checks that name the file and the field (dates, war and side labels)."""
    start, end = d.get("start"), d.get("end")
    for key, val in (("start", start), ("end", end)):
        if type(val) is not _dt.date:
            raise InvalidParameterError(
                f"Catalogue file {where}: field {key!r} must be a TOML date (YYYY-MM-DD). Got {val!r} instead."
            )
    if end < start:
        raise InvalidParameterError(
            f"Catalogue file {where}: field 'end' ({end}) must be on or after 'start' ({start})."
        )
    if "outcome_known" in d:
        ok = d["outcome_known"]
        if type(ok) is not _dt.date:
            raise InvalidParameterError(
                f"Catalogue file {where}: field 'outcome_known' must be a TOML date (YYYY-MM-DD) on or after "
                f"'start' ({start}). Got {ok!r} instead."
            )
        if ok < start:
            raise InvalidParameterError(
                f"Catalogue file {where}: field 'outcome_known' ({ok}) must be on or after 'start' ({start})."
            )
    ids = {s.get("id") for s in d.get("sources", [])}
    bad = [s for s in d.get("outcome_known_sources", []) if s not in ids]
    if bad:
        raise InvalidParameterError(
            f"Catalogue file {where}: field 'outcome_known_sources' names unknown source id(s) {bad}."
        )
    war = d.get("war")
    if war in WAR_SIDES:
        for k, v in d.get("sides", {}).items():
            want = WAR_SIDES[war].get(int(k))
            if want is None or v.get("label") != want:
                raise InvalidParameterError(
                    f"Catalogue file {where}: field 'sides.{k}.label' must be {want!r} for COW war {war} "
                    f"(sides {dict(WAR_SIDES[war])}). Got {v.get('label')!r} instead."
                )


def _parse_event(d: dict[str, Any], slug: str, where: str | None = None) -> Event:
    where = where or f"{slug}.toml"
    _check(d, where)
    try:
        sides = {int(k): tuple(int(c) for c in v["ccodes"]) for k, v in d["sides"].items()}
        labels = {int(k): str(v["label"]) for k, v in d["sides"].items()}
        rev = d["reversed"]
        return Event(
            slug=d["slug"],
            name=d["name"],
            aliases=tuple(d["aliases"]),
            start=d["start"],
            end=d["end"],
            theatre=d["theatre"],
            war=int(d["war"]),
            war_name=d["war_name"],
            summary=d["summary"],
            sides=sides,
            side_labels=labels,
            winner=int(d["outcome"]["winner"]),
            result=d["outcome"]["result"],
            losses=tuple(
                LossRow(
                    side=int(r["side"]),
                    ccode=int(r["ccode"]),
                    category=r["category"],
                    low=r["low"],
                    high=r["high"],
                    unit=r["unit"],
                    sources=tuple(r["sources"]),
                    note=r.get("note", ""),
                )
                for r in d["losses"]
            ),
            formations=tuple(
                Formation(
                    side=int(f["side"]),
                    ccode=int(f["ccode"]),
                    name=f["name"],
                    fate=f["fate"],
                    sources=tuple(f["sources"]),
                )
                for f in d.get("formations", [])
            ),
            milper=tuple(dict(m) for m in d["milper"]),
            effects=_eff(d["effects"]),
            state_effects=_eff(d.get("state_effects", {})),
            reversed_winner=int(rev["winner"]),
            reversed_assumption=rev["assumption"],
            reversed_effects=_eff(rev["effects"]),
            reversed_state_effects=_eff(rev.get("state_effects", {})),
            sources=tuple(Source(s["id"], s["citation"], s["url"]) for s in d["sources"]),
            contingents=tuple(dict(c) for c in d.get("contingents", [])),
            missing=tuple(d.get("missing", [])),
            notes=d.get("notes", ""),
            raw=d,
            outcome_known=d.get("outcome_known", d["end"]),
            outcome_known_note=str(d.get("outcome_known_note", "")),
            outcome_known_sources=tuple(d.get("outcome_known_sources", d.get("dates_sources", []))),
        )
    except (KeyError, TypeError, ValueError) as exc:  # pragma: no cover - guarded by tests
        raise InvalidParameterError(f"Catalogue file {where} is malformed: {exc!r}") from exc
