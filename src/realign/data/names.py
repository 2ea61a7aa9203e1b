"""Dated state resolver: name, alias, demonym or COW abbreviation + date -> COW ``ccode``.

General-purpose converters (country_converter, pycountry) do not know COW codes or pre-1974
states, so realign owns this mapping. Candidates come from the COW state list (names and
abbreviations) plus a curated table of historical aliases and demonyms; the date picks the state
that was a system member that day (Germany 255 before 1945, 260 = West Germany 1955-1990).
Fuzzy matching uses ``rapidfuzz``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from realign.data.store import load_shared
from realign.errors import AmbiguousStateError, InvalidDateError, InvalidParameterError, UnknownStateError

__all__ = ["resolve", "resolve_detail", "resolve_states", "Resolution", "state_name", "parse_date", "is_member"]

#: Historical aliases and demonyms -> candidate ccodes (the date chooses among candidates).
ALIASES: dict[str, tuple[int, ...]] = {
    # USSR / Russia (COW 365 throughout)
    "ussr": (365,),
    "u.s.s.r.": (365,),
    "soviet union": (365,),
    "soviet": (365,),
    "soviets": (365,),
    "russia": (365,),
    "russian": (365,),
    "russians": (365,),
    "russian empire": (365,),
    "russian federation": (365,),
    "union of soviet socialist republics": (365,),
    "moscow": (365,),
    # Germany
    "germany": (255, 260),
    "german": (255, 260),
    "germans": (255, 260),
    "german reich": (255,),
    "third reich": (255,),
    "nazi germany": (255,),
    "reich": (255,),
    "prussia": (255,),
    "berlin": (255,),
    "west germany": (260,),
    "frg": (260,),
    "federal republic of germany": (260,),
    "east germany": (265,),
    "gdr": (265,),
    "ddr": (265,),
    # Britain
    "britain": (200,),
    "great britain": (200,),
    "uk": (200,),
    "u.k.": (200,),
    "england": (200,),
    "british": (200,),
    "english": (200,),
    "london": (200,),
    # United States
    "usa": (2,),
    "us": (2,),
    "u.s.": (2,),
    "u.s.a.": (2,),
    "united states": (2,),
    "america": (2,),
    "american": (2,),
    "americans": (2,),
    "washington": (2,),
    # others
    "italian": (325,),
    "italians": (325,),
    "kingdom of italy": (325,),
    "rome": (325,),
    "romanian": (360,),
    "romanians": (360,),
    "rumania": (360,),
    "roumania": (360,),
    "rumanian": (360,),
    "hungarian": (310,),
    "hungarians": (310,),
    "bulgarian": (355,),
    "bulgarians": (355,),
    "finnish": (375,),
    "finns": (375,),
    "japanese": (740,),
    "empire of japan": (740,),
    "tokyo": (740,),
    "french": (220,),
    "vichy": (220,),
    "vichy france": (220,),
    "free france": (220,),
    "turkish": (640,),
    "turks": (640,),
    "ottoman empire": (640,),
    "ottoman": (640,),
    "ankara": (640,),
    "swedish": (380,),
    "swedes": (380,),
    "spanish": (230,),
    "portuguese": (235,),
    "polish": (290,),
    "poles": (290,),
    "yugoslav": (345,),
    "yugoslavian": (345,),
    "serbia": (345,),
    "kingdom of yugoslavia": (345,),
    "czech": (315,),
    "czechoslovak": (315,),
    "greek": (350,),
    "hellenic": (350,),
    "chinese": (710,),
    "republic of china": (710,),
    "nationalist china": (710,),
    "roc": (710,),
    "prc": (710,),
    "people's republic of china": (710,),
    "norwegian": (385,),
    "danish": (390,),
    "dutch": (210,),
    "holland": (210,),
    "belgian": (211,),
    "swiss": (225,),
    "austrian": (305,),
    "canadian": (20,),
    "australian": (900,),
    "brazilian": (140,),
    "mexican": (70,),
    "argentine": (160,),
    "argentinian": (160,),
    "iranian": (630,),
    "persia": (630,),
    "persian": (630,),
    "iraqi": (645,),
    "egyptian": (651,),
    "indian": (750,),
    "siam": (800,),
    "thai": (800,),
    "siamese": (800,),
    "mongolian": (712,),
    "mongolia": (712,),
    "burma": (775,),
    "ceylon": (780,),
    "estonian": (366,),
    "latvian": (367,),
    "lithuanian": (368,),
    "albanian": (339,),
    "irish": (205,),
    "eire": (205,),
    "korea": (730, 731, 732),
    "south korea": (732,),
    "north korea": (731,),
    "taiwan": (713,),
    "philippine": (840,),
    "filipino": (840,),
    "new zealander": (920,),
    "south african": (560,),
    "ethiopian": (530,),
    "abyssinia": (530,),
}

#: Entities that existed but were never COW system members in that period: no ccode.
NON_MEMBERS: dict[str, str] = {
    "slovakia": "the Slovak Republic of 1939-1945 is not a COW system member (COW 317 is Slovakia from 1993)",
    "croatia": "the Independent State of Croatia (NDH, 1941-1945) is not a COW system member "
    "(COW 344 is Croatia from 1992)",
    "manchukuo": "Manchukuo (1932-1945) is not a COW system member",
}

_QUALIFIER = re.compile(r"\s*\(([^)]*)\)\s*")


def parse_date(value: str | dt.date | pd.Timestamp | None, *, optional: bool = False) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (or a date/Timestamp) strictly: the one reader of dates given as text.

    Library functions accept text as a convenience and read it here, so a missing, malformed or
    impossible date always raises :class:`~realign.errors.InvalidDateError`. ``None`` is returned
    only when ``optional`` (the date may be left out); otherwise it is an error too.

    Parameters
    ----------
    value : str | datetime.date | pandas.Timestamp | None
        The date; text must be exactly ``YYYY-MM-DD``.
    optional : bool
        Allow ``value`` to be None (then None is returned).

    Returns
    -------
    datetime.date or None
        The day (None only when ``value`` is None and ``optional``).

    Raises
    ------
    InvalidDateError
        A missing (None/NaT), malformed or impossible date.
    """
    if value is None:
        if optional:
            return None
        raise InvalidDateError("A date is required (YYYY-MM-DD).")
    if value is pd.NaT:
        raise InvalidDateError("A date is required (YYYY-MM-DD); got NaT (a missing date).")
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise InvalidDateError(f"Malformed date {value!r}: expected YYYY-MM-DD, e.g. 1942-11-19.")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidDateError(f"Invalid date {value!r}: {exc}.") from None


def _norm(text: str) -> str:
    t = text.lower().strip()
    t = re.sub(r"^the\s+", "", t)
    t = t.replace("&", "and")
    return re.sub(r"\s+", " ", t)


@cache
def _index() -> dict[str, tuple[int, ...]]:
    """Normalised name -> candidate ccodes, from COW names/abbreviations plus :data:`ALIASES`."""
    states = load_shared("states")
    idx: dict[str, set[int]] = {}
    for row in states.itertuples():
        for key in (row.statenme, row.stateabb):
            idx.setdefault(_norm(key), set()).add(int(row.ccode))
    for key, codes in ALIASES.items():
        idx.setdefault(_norm(key), set()).update(codes)
    return {k: tuple(sorted(v)) for k, v in idx.items()}


@cache
def _spells() -> dict[int, list[tuple[dt.date, dt.date]]]:
    states = load_shared("states")
    out: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for row in states.itertuples():
        out.setdefault(int(row.ccode), []).append((row.start.date(), row.end.date()))
    return out


def is_member(ccode: int, date: str | dt.date) -> bool:
    """True when ``ccode`` is a COW system member on ``date`` (day resolution).

    Parameters
    ----------
    ccode : int
        COW state code.
    date : str | datetime.date
        The day.

    Returns
    -------
    bool
        Whether one of the state's COW membership spells covers the day (False for unknown codes).

    Raises
    ------
    InvalidDateError
        A malformed or missing date.
    """
    d = parse_date(date)
    return any(s <= d <= e for s, e in _spells().get(int(ccode), []))


@cache
def _names() -> dict[int, str]:
    states = load_shared("states")
    return {int(r.ccode): r.statenme for r in states.drop_duplicates("ccode", keep="last").itertuples()}


def state_name(ccode: int) -> str:
    """The COW name of a state code (e.g. 365 -> 'Russia'); unknown codes raise.

    Parameters
    ----------
    ccode : int
        COW state code.

    Returns
    -------
    str
        The COW state name.

    Raises
    ------
    UnknownStateError
        ``ccode`` is not a COW state code.
    """
    try:
        return _names()[int(ccode)]
    except KeyError:
        raise UnknownStateError(f"Unknown COW state code {ccode!r}.") from None


@dataclass(frozen=True)
class Resolution:
    """How a name was resolved: the ccode, COW name, whether it was a member that day, and the match."""

    ccode: int
    name: str
    member: bool
    matched: str
    score: float
    qualifier: str | None = None


def _candidates(key: str) -> tuple[tuple[int, ...], str, float, list[str]]:
    idx = _index()
    if key in idx:
        return idx[key], key, 100.0, []
    from rapidfuzz import fuzz, process

    # Suggestions use WRatio (lenient); auto-accepting a fuzzy match needs a close plain ratio
    # (typos such as "Untied States"), so "Allied powers" never becomes Liechtenstein.
    suggestions = [h[0] for h in process.extract(key, list(idx), scorer=fuzz.WRatio, limit=5, score_cutoff=60)]
    strong = process.extract(key, list(idx), scorer=fuzz.ratio, limit=3, score_cutoff=88)
    if strong and (
        len(strong) == 1 or strong[0][1] - strong[1][1] >= 5 or all(idx[h[0]] == idx[strong[0][0]] for h in strong)
    ):
        return idx[strong[0][0]], strong[0][0], float(strong[0][1]), suggestions
    return (), "", 0.0, suggestions


def _ambiguous(name: str, when: str, codes: list[int] | tuple[int, ...], hint: str) -> AmbiguousStateError:
    opts = ", ".join(f"{state_name(c)} ({c})" for c in codes)
    return AmbiguousStateError(f"{name!r} is ambiguous {when}: {opts}. {hint}", candidates=[str(c) for c in codes])


def resolve_detail(name: str | int, date: str | dt.date | None = None) -> Resolution:
    """Resolve a state name/alias/demonym/COW abbreviation (or a ccode) on a date.

    Parenthetical qualifiers such as "(exile)" or "(provisional govt)" are kept in
    ``qualifier``; the state is the one the government claimed.

    Parameters
    ----------
    name : str | int
        A name, alias, demonym, COW abbreviation, or a ccode (int or digits).
    date : str | datetime.date | None
        The day; picks among states sharing a name. None: no date (then the name must be unambiguous).

    Returns
    -------
    Resolution
        The ccode, COW name, membership that day, the matched key, its match score (0-100) and qualifier.

    Raises
    ------
    UnknownStateError
        Unknown name (with candidates) or a non-member entity such as Manchukuo.
    AmbiguousStateError
        Several states match.
    InvalidDateError
        A malformed date.
    """
    d = parse_date(date, optional=True)
    if isinstance(name, int) or (isinstance(name, str) and name.strip().isascii() and name.strip().isdigit()):
        code = int(name)
        cow = state_name(code)
        return Resolution(code, cow, is_member(code, d) if d else True, str(name), 100.0)
    if not isinstance(name, str) or not name.strip():
        raise UnknownStateError(f"Empty or invalid state name {name!r}.")
    qualifier = None
    m = _QUALIFIER.search(name)
    base = name
    if m:
        qualifier = m.group(1)
        base = _QUALIFIER.sub(" ", name).strip()
    key = _norm(base)
    if key in NON_MEMBERS and (d is None or dt.date(1939, 1, 1) <= d <= dt.date(1945, 12, 31)):
        raise UnknownStateError(f"{name!r}: {NON_MEMBERS[key]}; no ccode.")
    codes, matched, score, suggestions = _candidates(key)
    if not codes:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise UnknownStateError(f"Unknown state {name!r}.{hint}", candidates=suggestions)
    if d is not None:
        members = [c for c in codes if is_member(c, d)]
        if len(members) == 1:
            c = members[0]
            return Resolution(c, state_name(c), True, matched, score, qualifier)
        if len(members) > 1:
            raise _ambiguous(name, f"on {d}", members, "Use a more specific name or the ccode.")

        # Not a member that day (occupied, exile government, before entry): nearest spell wins.
        def gap(c: int) -> int:
            return min(min(abs((s - d).days), abs((e - d).days)) for s, e in _spells()[c])

        ranked = sorted(codes, key=gap)
        if len(ranked) > 1 and gap(ranked[0]) == gap(ranked[1]):
            raise _ambiguous(name, f"on {d}", ranked, "Use a more specific name or the ccode.")
        c = ranked[0]
        return Resolution(c, state_name(c), False, matched, score, qualifier)
    if len(codes) > 1:
        raise _ambiguous(name, "without a date", codes, "Give a date or the ccode.")
    c = codes[0]
    return Resolution(c, state_name(c), True, matched, score, qualifier)


def resolve(name: str | int, date: str | dt.date | None = None) -> int:
    """COW ``ccode`` for a state name on a date.

    Parameters
    ----------
    name : str | int
        A name, alias, COW abbreviation or ccode (see :func:`resolve_detail`).
    date : str | datetime.date | None
        The day, or None for no date.

    Returns
    -------
    int
        The COW state code.

    Raises
    ------
    UnknownStateError, AmbiguousStateError, InvalidDateError
        As :func:`resolve_detail`.

    Examples
    --------
    >>> resolve("Soviet Union", "1943-02-02")
    365
    >>> resolve("Germany", "1960-01-01")   # West Germany in COW
    260
    >>> resolve("ROM")
    360
    """
    return resolve_detail(name, date).ccode


def resolve_states(
    items: Iterable[str | int], date: str | dt.date | None = None, *, members_only: bool = False
) -> list[int]:
    """ccodes or names -> COW ccodes, in the order given (the one state-list parser of CLI and web).

    Each item goes through :func:`resolve` (so ``"²"``, ``"--5"`` or ``"-1"`` are unknown states, never
    a crash). An empty list and a state given twice are errors; with ``members_only`` a state that is
    not a COW system member on ``date`` is an error too.

    Parameters
    ----------
    items : Iterable[str | int]
        ccodes or state names.
    date : str | datetime.date | None
        The day names are resolved on (None: no date).
    members_only : bool
        Require every state to be a COW system member on ``date``.

    Returns
    -------
    list of int
        COW state codes, in the order of ``items``.

    Raises
    ------
    UnknownStateError
        An item that is not a known state, or (with ``members_only``) not a member on ``date``.
    AmbiguousStateError
        A name matching several states.
    InvalidParameterError
        No item, or a state given twice.

    Examples
    --------
    >>> resolve_states(["2", "Germany", 200], "1942-11-19")
    [2, 255, 200]
    """
    d = parse_date(date, optional=True)
    codes: list[int] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise UnknownStateError(f"A state must be a COW ccode or a name, got {item!r}.")
        code = resolve(item.strip() if isinstance(item, str) else item, d)
        if members_only and d is not None and not is_member(code, d):
            raise UnknownStateError(f"State {code} ({state_name(code)}) is not a COW system member on {d}.")
        codes.append(code)
    if not codes:
        raise InvalidParameterError("The 'states' parameter names no state (give ccodes or names).")
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise InvalidParameterError(f"States listed more than once: {', '.join(map(str, dupes))}.")
    return codes
