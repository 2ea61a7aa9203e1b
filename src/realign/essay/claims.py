"""What a sentence claims: the states it names, the period it means, and the kind of claim.

* States: the dated resolver's names, aliases and demonyms, matched exactly (never fuzzily) on
  capitalised words; groups ("Axis", "Allies", "Eastern Bloc", "NATO", "neutral countries")
  expand to their members on the period's date, from the bundled data.
* Period: explicit dates, months and years; relative phrases ("soon after", "post-war",
  "by 1955", "within two years", "before the battle") resolved against the cause event.
* Kind: keyword rules, always available (an optional embedding classifier lives in
  :mod:`realign.essay.embed`).

Examples
--------
>>> from realign.essay.event import resolve_event
>>> ev = resolve_event("Stalingrad:1942-08-23:1943-02-02")
>>> c = parse_claim("After Stalingrad, Romania switched to the Allied side in 1944.", ev)
>>> c.actors, c.kind, c.target, c.period.start.isoformat(), c.period.end.isoformat()
([360], 'alignment_shift', 'allies', '1944-01-01', '1944-12-31')
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from realign.data.names import ALIASES, resolve
from realign.data.store import load_shared
from realign.errors import RealignError
from realign.essay.event import EventRef
from realign.essay.period import (  # re-exported: the period is part of a parsed claim
    DEFAULT_MONTHS,
    WAR_END,
    WAR_START,
    Period,
    find_period,
)
from realign.essay.rules import KINDS, rule_kind
from realign.wars import WAR_SIDES, WWII

__all__ = [
    "KINDS",
    "Claim",
    "Period",
    "Mention",
    "parse_claim",
    "find_states",
    "find_period",
    "rule_kind",
    "group_members",
    "war_side",
    "side_label",
    "WAR_START",
    "WAR_END",
]

# Extra essay vocabulary for states (the resolver's ALIASES hold the rest).
_EXTRA_NAMES: dict[str, int] = {
    "red army": 365,
    "kremlin": 365,
    "stalin": 365,
    "nazi": 255,
    "nazis": 255,
    "wehrmacht": 255,
    "hitler": 255,
    "luftwaffe": 255,
    "churchill": 200,
    "roosevelt": 2,
    "mussolini": 325,
}
_NOT_STATES = {"us", "reich", "english", "washington", "moscow", "london", "berlin", "rome", "tokyo"}

_GROUPS: list[tuple[str, re.Pattern[str]]] = [
    ("east", re.compile(r"\b(?:Eastern|Soviet|Communist|communist)\s+[Bb]loc\b|\bWarsaw\s+Pact\b")),
    ("west", re.compile(r"\bNATO\b|\bNorth\s+Atlantic\s+(?:Treaty|Alliance)\b|\bAtlantic\s+Alliance\b")),
    ("axis", re.compile(r"\bAxis\b")),
    ("allies", re.compile(r"\bAllie[ds]\b|\bUnited\s+Nations\b")),
    ("neutrals", re.compile(r"(?i)\bneutral\s+(?:countries|nations|states|powers)\b|\bneutrals\b")),
]


@dataclass(frozen=True)
class Mention:
    """A state or group named in a sentence: the words, their span, and the ccodes they imply."""

    text: str
    start: int
    end: int
    ccodes: tuple[int, ...]
    group: str | None = None


@dataclass
class Claim:
    """A parsed sentence."""

    text: str
    mentions: list[Mention]
    states: list[int]
    actors: list[int]
    target: str | int | None
    away: bool
    groups: list[str]
    period: Period
    kind: str | None
    kind_score: float
    method: str
    joins: bool
    reasons: list[str] = field(default_factory=list)
    heading: bool = False
    adversaries: list[int] = field(default_factory=list)


# ---------------------------------------------------------------------------- states and groups
@cache
def _name_regex() -> tuple[re.Pattern[str], dict[str, tuple[int, ...] | int]]:
    states = load_shared("states")  # undated: only the state names are used (a name list, not the spells)
    table: dict[str, tuple[int, ...] | int] = {}
    for name in states["statenme"].unique():
        table[str(name).lower()] = ()
    for key in ALIASES:
        if key not in _NOT_STATES and "." not in key:
            table[key] = ()
    for key in ("u.s.", "u.s.a.", "u.k.", "u.s.s.r."):
        table[key] = ()
    for key, code in _EXTRA_NAMES.items():
        table[key] = code
    keys = sorted(table, key=len, reverse=True)
    alt = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)
    return re.compile(r"(?<![\w.])(?:" + alt + r")(?![\w])", re.IGNORECASE), table


def war_side(ccode: int, date: dt.date, war: int = WWII) -> int | None:
    """COW side of ``ccode`` in ``war`` on ``date`` (None when not fighting that day).

    Parameters
    ----------
    ccode, war : int
        COW state code; COW war number (default 139, WWII).
    date : datetime.date

    Returns
    -------
    int or None
    """
    w = _war_spells(war)
    for c, side, s, e in w:
        if c == ccode and s <= date <= e:
            return side
    return None


@cache
def _war_spells(war: int) -> tuple[tuple[int, int, dt.date, dt.date], ...]:
    w = load_shared("war_participants")  # the whole dated record is the ground truth claims are checked against
    w = w[w["war"] == war]
    return tuple((int(r.ccode), int(r.side), r.start.date(), r.end.date()) for r in w.itertuples())


def side_label(ccode: int, date: dt.date) -> str | None:
    """'allies'/'axis' in WWII, 'east'/'west' after it (Soviet Union vs. US/UK/France).

    Parameters
    ----------
    ccode : int
    date : datetime.date
        Up to 1945-09-02 the WWII side (nearest spell within 120 days); after it east/west.

    Returns
    -------
    str or None
    """
    if date <= WAR_END:
        s = war_side(ccode, date)
        if s is None and WAR_START <= date:
            # nearest WWII spell of the state, for days just outside its fighting
            spells = [
                (min(abs((a - date).days), abs((b - date).days)), side)
                for c, side, a, b in _war_spells(WWII)
                if c == ccode
            ]
            s = min(spells)[1] if spells and min(spells)[0] < 120 else None
        return WAR_SIDES[WWII].get(s) if s else None
    if ccode == 365:
        return "east"
    if ccode in (2, 200, 220):
        return "west"
    return None


@cache
def _pact_members(pattern: str) -> tuple[tuple[int, dt.date], ...]:
    e = load_shared("ww2_events")  # the whole dated record: a group's members on any date an essay names
    e = e[
        (e["kind"] == "pact_joined")
        & e["counterpart"].str.contains(pattern, case=False, regex=True)
        & e["ccode"].notna()
    ]
    return tuple((int(r.ccode), r.date.date()) for r in e.itertuples())


def group_members(group: str, date: dt.date) -> tuple[int, ...]:
    """Members of a named group on ``date`` (war sides, pact rosters, or states at peace).

    Parameters
    ----------
    group : str
        ``axis``, ``allies``, ``east``, ``west`` or ``neutrals`` (anything else: no member).
    date : datetime.date

    Returns
    -------
    tuple of int
        COW state codes (ccode), sorted.
    """
    if group in ("axis", "allies"):
        d = min(max(date, WAR_START), dt.date(1945, 8, 14))
        side = 2 if group == "axis" else 1
        return tuple(sorted({c for c, s, a, b in _war_spells(WWII) if s == side and a <= d <= b}))
    if group == "east":
        return tuple(sorted({c for c, _ in _pact_members("Warsaw")}))
    if group == "west":
        first = min((d for _, d in _pact_members("North Atlantic")), default=date)
        cut = max(date, first)
        return tuple(sorted({c for c, d in _pact_members("North Atlantic") if d <= cut}))
    if group == "neutrals":
        from realign.system.snapshot import System

        try:
            snap = System.at(date)
        except RealignError:
            return ()
        fighting = set(snap.wars["ccode"].astype(int))
        return tuple(sorted(set(snap.ccodes) - fighting))
    return ()


def _resolve_key(key: str, date: dt.date) -> int | None:
    fixed = _name_regex()[1].get(key)
    if isinstance(fixed, int):
        return fixed
    try:
        return resolve(key, date)
    except RealignError:
        return None


@lru_cache(maxsize=4096)
def _resolve_cached(key: str, date: dt.date) -> int | None:
    return _resolve_key(key, date)


@lru_cache(maxsize=256)
def _group_members_cached(group: str, date: dt.date) -> tuple[int, ...]:
    return group_members(group, date)


def find_states(text: str, date: dt.date, group_date: dt.date | None = None) -> list[Mention]:
    """States and groups named in ``text``, resolved on ``date`` (groups on ``group_date``), in order.

    Parameters
    ----------
    text : str
    date, group_date : datetime.date
        Day names are resolved on; day the Axis/Allies groups are read on (None: ``date``).

    Returns
    -------
    list of Mention
    """
    rx, _ = _name_regex()
    out: list[Mention] = []
    taken = bytearray(len(text))  # 1 where a mention already sits: overlap test in O(match length)

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    for g, pat in _GROUPS:
        for m in pat.finditer(text):
            if not free(m.start(), m.end()):
                continue
            gd = group_date if group_date and g in ("axis", "allies") else date
            out.append(Mention(m.group(0), m.start(), m.end(), _group_members_cached(g, gd), g))
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    for m in rx.finditer(text):
        word = m.group(0)
        if not free(m.start(), m.end()):
            continue
        if not word[0].isupper():
            continue
        if len(word.replace(".", "")) <= 3 and word.replace(".", "") != word.replace(".", "").upper():
            continue  # "Us" is not the United States; "US"/"UK" are
        key = re.sub(r"\s+", " ", word.lower())
        code = _resolve_cached(key, date)
        if code is None:
            continue
        out.append(Mention(word, m.start(), m.end(), (code,)))
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return sorted(out, key=lambda x: x.start)


# ---------------------------------------------------------------------------- direction (kinds: realign.essay.rules)

_TOWARD = re.compile(
    r"(?i)\b(?:switch\w*|went over|go(?:es)? over|mov\w*|turn\w*|join\w*|sid(?:e|ed|ing) with|"
    r"align\w*(?:\s+more\s+closely)?\s+with|drew closer to|towards?|rapprochement with|defect\w* to|"
    r"favou?ring|avenues with|partnerships? with|entered|armistice with)\b"
)
_AWAY = re.compile(
    r"(?i)\b(?:distanc\w*\s+(?:\w+\s+)?from|abandon\w*|turn\w*\s+against|br(?:oke|eak\w*)\s+(?:off\s+)?"
    r"(?:\w+\s+)?(?:relations\s+)?with|left|desert\w*|away from|reconsider\w*|reassess\w*|re-?evaluat\w*|"
    r"commitments? to|limits of its alliance with|declar\w* war on)\b"
)
_ADVERSARY = re.compile(r"(?i)\b(?:against|combating|fighting|versus|victory over|war on)\s+(?:the\s+)?(?:\w+\s+)?$")
_AGENT = re.compile(r"(?i)\b(?:from|by)\s+(?:the\s+)?(?:\w+\s+)?$")
_JOINS = re.compile(r"(?i)\b(?:join\w*|switch\w*|chang\w* sides|went over|defect\w*|entered|declar\w* war)\b")


def _target(text: str, mentions: list[Mention]) -> tuple[str | int | None, bool, Mention | None]:
    """The side or state a shift goes toward (or away from, ``away=True``) and its mention."""
    best: tuple[int, str | int, bool, Mention] | None = None
    starts = [x.start for x in mentions]  # mentions are sorted by start
    for rx, away in ((_TOWARD, False), (_AWAY, True)):
        for m in rx.finditer(text):
            i = bisect.bisect_left(starts, m.end())
            if i == len(mentions) or mentions[i].start - m.end() > 60:
                continue
            t = mentions[i]
            if re.search(r"(?i)\bamong\b|[,;:]", text[m.end() : t.start]):  # "among", or another clause
                continue  # "re-evaluation of ties among the Allies" is no move away from them
            value: str | int = t.group if t.group else t.ccodes[0]
            if t.group == "neutrals":
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), value, away, t)
    if best is None:
        return None, False, None
    return best[1], best[2], best[3]


def parse_claim(
    text: str,
    event: EventRef | None,
    *,
    kind: str | None = None,
    kind_score: float = 0.0,
    method: str = "rules",
    heading: bool = False,
) -> Claim:
    """Parse one sentence into a :class:`Claim` (kind by rules unless one is given).

    Parameters
    ----------
    text, kind, method : str
        The sentence; its claim kind (None: by rules); the classifier that gave the kind.
    event : EventRef or None
        The cause event, which dates relative phrases ("after the battle").
    kind_score : float
    heading : bool

    Returns
    -------
    Claim
    """
    period = find_period(text, event)
    ref = period.start or (event.end if event else None) or dt.date(1943, 2, 2)
    if event and period.basis != "before" and event.start <= ref:
        ref = max(event.end, ref) if period.basis not in ("explicit",) else ref
    # "the Axis" of a post-war sentence is still the wartime Axis: its members on the event's end
    gdate = event.end if event and ref > WAR_END else None
    mentions = find_states(text, ref, gdate)
    if kind is None:
        kind, kind_score = rule_kind(text)
    target, away, tmention = _target(text, mentions)
    if kind not in ("alignment_shift", "alliance_formed", "bloc_formation"):
        target, away, tmention = None, False, None
    actors: list[int] = []
    adversaries: list[int] = []
    for mm in mentions:
        if mm.group is None and mm is not tmention:
            before = text[max(0, mm.start - 30) : mm.start]
            if (_ADVERSARY.search(before) and kind in ("support_aid", "isolation", "alliance_formed")) or (
                _AGENT.search(before) and kind == "isolation"
            ):
                adversaries.extend(mm.ccodes)
                continue
            actors.extend(c for c in mm.ccodes if c not in actors)
    if tmention is not None and tmention.group is None and isinstance(target, int) and target in actors:
        actors.remove(target)
    states: list[int] = []
    for mm in mentions:
        states.extend(c for c in mm.ccodes if c not in states)
    groups = [mm.group for mm in mentions if mm.group]
    reasons: list[str] = []
    if period.basis == "default":
        reasons.append(
            f"No date or timing phrase: the event's default aftermath was used "
            f"({period.start} to {period.end}, {DEFAULT_MONTHS} months)."
        )
    elif period.basis == "none":
        reasons.append("No date in the sentence and no cause event known: period unknown.")
    elif period.basis != "explicit":
        reasons.append(f"Period from {period.text!r}: {period.start} to {period.end}.")
    return Claim(
        text=text,
        mentions=mentions,
        states=states,
        actors=actors,
        target=target,
        away=away,
        groups=groups,
        period=period,
        kind=kind,
        kind_score=kind_score,
        method=method,
        joins=bool(_JOINS.search(text)),
        reasons=reasons,
        heading=heading,
        adversaries=adversaries,
    )
