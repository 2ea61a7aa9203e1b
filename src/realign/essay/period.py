"""The period a sentence means: explicit dates, months and years, and relative phrases.

Relative phrases ("soon after", "post-war", "by 1955", "within two years", "before the battle")
are resolved against the cause event; every date step is bounded (a far date clamps to the
calendar's limits instead of raising). Used by :func:`realign.essay.claims.parse_claim`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from realign.clock import add_months, month_end
from realign.essay.event import EventRef

__all__ = ["Period", "find_period", "WAR_START", "WAR_END", "SOON_MONTHS", "DEFAULT_MONTHS", "POSTWAR_YEARS"]

WAR_START, WAR_END = dt.date(1939, 9, 1), dt.date(1945, 9, 2)
SOON_MONTHS, DEFAULT_MONTHS, POSTWAR_YEARS = 24, 36, 10


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
class Period:
    """The claimed period: first and last day (None = open) and how it was found (``basis``)."""

    start: dt.date | None
    end: dt.date | None
    basis: str  # explicit | soon | default | postwar | long | before | during | none
    text: str = ""


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


def _explicit_days(text: str) -> tuple[list[tuple[dt.date, dt.date]], list[tuple[int, int]]]:
    """Days written out in ``text`` (ISO, "5 May 1944", "May 5, 1944") as one-day spans, and where they are."""
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
    return spans, used


def find_period(text: str, event: EventRef | None, war_end: dt.date = WAR_END) -> Period:
    """The period a sentence claims, with the rule that found it (``basis``).

    Parameters
    ----------
    text : str
        The sentence.
    event : EventRef or None
        The cause event that relative phrases ("soon after", "before the battle") refer to.
    war_end : datetime.date
        The war's end, for "during the war" and "post-war".

    Returns
    -------
    Period
        First and last day (None where open), the basis and the words that gave it.
    """
    spans, used = _explicit_days(text)
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
