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

from realign.clock import add_months, month_end
from realign.data.names import ALIASES, resolve
from realign.data.store import load_shared
from realign.errors import RealignError
from realign.essay.event import EventRef
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

WAR_START, WAR_END = dt.date(1939, 9, 1), dt.date(1945, 9, 2)
SOON_MONTHS, DEFAULT_MONTHS, POSTWAR_YEARS = 24, 36, 10

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

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_NUM = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a few": 3,
    "several": 3,
    "few": 3,
}


@dataclass(frozen=True)
class Mention:
    """A state or group named in a sentence: the words, their span, and the ccodes they imply."""

    text: str
    start: int
    end: int
    ccodes: tuple[int, ...]
    group: str | None = None


@dataclass(frozen=True)
class Period:
    """The claimed period: first and last day (None = open) and how it was found (``basis``)."""

    start: dt.date | None
    end: dt.date | None
    basis: str  # explicit | soon | default | postwar | long | before | during | none
    text: str = ""


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


# ---------------------------------------------------------------------------- period
def _add_months(d: dt.date, months: int) -> dt.date:
    """``d`` plus ``months`` calendar months, clamped to the calendar's range (year 1 to 9999).

    Essays may say "within 10000 years" and events may sit near year 1 or 9999: the period is then
    open-ended in practice, so it is clamped rather than raising ``OverflowError``.
    """
    return add_months(d, months, clamp=True)


def _minus_days(d: dt.date, days: int) -> dt.date:
    """``d`` minus ``days`` days, never before 0001-01-01."""
    return d - dt.timedelta(days=days) if (d - dt.date.min).days >= days else dt.date.min


def _year_span(y: int, part: str | None = None, month: int | None = None) -> tuple[dt.date, dt.date]:
    if month:
        return dt.date(y, month, 1), month_end(y, month)
    if part == "early":
        return dt.date(y, 1, 1), dt.date(y, 4, 30)
    if part in ("mid", "mid-"):
        return dt.date(y, 5, 1), dt.date(y, 8, 31)
    if part == "late":
        return dt.date(y, 9, 1), dt.date(y, 12, 31)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


_MONTH_RX = "|".join(_MONTHS)
_DAY_FIRST = re.compile(rf"(?i)\b(\d{{1,2}})\s+({_MONTH_RX})\s+(1[89]\d\d|20[0-2]\d)\b")
_MONTH_FIRST = re.compile(rf"(?i)\b({_MONTH_RX})\s+(\d{{1,2}}),?\s+(1[89]\d\d|20[0-2]\d)\b")
_ISO = re.compile(r"\b(1[89]\d\d|20[0-2]\d)-(\d\d)-(\d\d)\b")
_MONTH_YEAR = re.compile(
    rf"(?i)\b(?:(early|mid|late)[\s-]+)?(?:({_MONTH_RX})\s+)?(?:of\s+)?"
    r"(1[89]\d\d|20[0-2]\d)(s)?\b"
)
_BY_YEAR = re.compile(r"(?i)\b(?:by|until|up to|through)\s+(?:the\s+end\s+of\s+)?(1[89]\d\d|20[0-2]\d)\b")
_WITHIN = re.compile(
    r"(?i)\bwithin\s+(a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)"
    r"\s+(year|month|week)s?\b"
)
# "in the wake of" is a synonym of "after"/"following" (same default period, same verdict: issue 11), not "soon"
_SOON = re.compile(
    r"(?i)\b(soon after|shortly after|immediately|in the immediate aftermath|"
    r"in the months after|in the months following|within months|quickly|at once|"
    r"in the weeks after|right after|hard on the heels)\b"
)
_POSTWAR = re.compile(
    r"(?i)\b(post-?war|after the war|aftermath of (?:world war ii|the war|the second world war)|"
    r"after world war ii|cold war)\b"
)
# "would shape post-war diplomacy" (the post-war thing is shaped, not claimed); "laid the groundwork for post-war
# realignments" keeps its post-war period (the realignments are the claim)
_SHAPES = re.compile(r"(?i)\b(?:shap\w*|influenc\w*)\s+(?:\w+\s+){0,3}$")
_EVENTUAL = re.compile(r"(?i)\b(eventual|eventually|ultimately|in the end|in time)\b")
_LONG = re.compile(r"(?i)\b(decades|long-term|long term|contemporary|today|modern|present day|enduring)\b")
_BEFORE = re.compile(
    r"(?i)\b(before|prior to|ahead of|on the eve of)\s+(the\s+)?(battle|stalingrad|victory|defeat|"
    r"siege|offensive|campaign)\b"
)
_DURING = re.compile(
    r"(?i)\b(during (?:the|world) war|wartime|during world war ii|as the war (?:went on|"
    r"progressed|intensified)|as the conflict progressed)\b"
)


def find_period(text: str, event: EventRef | None, war_end: dt.date = WAR_END) -> Period:
    """The period a sentence claims, with the rule that found it (``basis``)."""
    spans: list[tuple[dt.date, dt.date]] = []
    used: list[tuple[int, int]] = []
    for rx in (_ISO, _DAY_FIRST, _MONTH_FIRST):
        for m in rx.finditer(text):
            try:
                if rx is _ISO:
                    d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                elif rx is _DAY_FIRST:
                    d = dt.date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
                else:
                    d = dt.date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
            except ValueError:
                continue
            spans.append((d, d))
            used.append(m.span())
    by = _BY_YEAR.search(text)
    for m in _MONTH_YEAR.finditer(text):
        if any(a <= m.start() < b for a, b in used) or (by and by.start() <= m.start() < by.end()):
            continue
        part, month, year, decade = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        if decade:
            spans.append((dt.date(year, 1, 1), dt.date(year + 9, 12, 31)))
        else:
            spans.append(_year_span(year, part.lower() if part else None, _MONTHS[month.lower()] if month else None))
    if by:
        hi = dt.date(int(by.group(1)), 12, 31)
        lo = event.end if event and event.end <= hi else None
        if spans:
            lo = min([s for s, _ in spans] + ([lo] if lo else []))
        return Period(lo, hi, "explicit", by.group(0))
    if spans:
        return Period(
            min(s for s, _ in spans),
            max(e for _, e in spans),
            "explicit",
            "; ".join(text[a:b] for a, b in used) or "year",
        )
    if event is None:
        return Period(None, None, "none")
    m = _BEFORE.search(text)
    if m:
        return Period(_add_months(event.start.replace(day=1), -60), _minus_days(event.start, 1), "before", m.group(0))
    m = _WITHIN.search(text)
    if m:
        # a bounded count: "within 10000000000 years" is open-ended, not an overflow
        n = min(int(m.group(1)[:6]), 99_999) if m.group(1).isdigit() else _NUM[m.group(1).lower()]
        months = {"year": 12 * n, "month": n, "week": max(1, n // 4)}[m.group(2).lower()]
        return Period(event.end, _add_months(event.end, months), "soon", m.group(0))
    m = _SOON.search(text)
    if m:
        return Period(event.end, _add_months(event.end, SOON_MONTHS), "soon", m.group(0))
    m = _EVENTUAL.search(text)
    if m:
        return Period(event.end, _add_months(war_end, 12 * POSTWAR_YEARS), "long", m.group(0))
    m = _POSTWAR.search(text)
    if m and _SHAPES.search(text[max(0, m.start() - 40) : m.start()]):
        m = None  # "would shape post-war diplomacy": a later consequence, not the period of the claim itself
    if m:
        return Period(war_end, _add_months(war_end, 12 * POSTWAR_YEARS), "postwar", m.group(0))
    m = _LONG.search(text)
    if m:
        return Period(event.end, _add_months(event.end, 12 * 50), "long", m.group(0))
    m = _DURING.search(text)
    if m:
        return Period(event.start, war_end, "during", m.group(0))
    return Period(event.end, _add_months(event.end, DEFAULT_MONTHS), "default")


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
