"""The cause event an essay is about: given (``--event``) or detected in the text.

Events come from the event catalogue (:mod:`realign.events.catalogue`) when it is installed;
an explicit ``NAME:YYYY-MM-DD:YYYY-MM-DD`` spec always works, so the essay check runs even
without the catalogue.

Examples
--------
>>> ev = resolve_event("Kursk:1943-07-05:1943-08-23")
>>> ev.slug, ev.start.isoformat(), ev.end.isoformat()
('kursk', '1943-07-05', '1943-08-23')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from realign.data.names import parse_date
from realign.errors import InvalidDateError, InvalidParameterError

__all__ = ["EventRef", "resolve_event", "detect_event", "catalogue_events"]

_SPEC = re.compile(r"^\s*([^:]+?)\s*:\s*(\d{4}-\d{2}-\d{2})\s*:\s*(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class EventRef:
    """The cause event: slug, display name, first and last day, and the names that detect it."""

    slug: str
    name: str
    start: dt.date
    end: dt.date
    names: tuple[str, ...] = ()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "event"


def catalogue_events() -> dict[str, EventRef]:
    """slug -> :class:`EventRef` for every catalogue event ({} when the catalogue is absent)."""
    try:
        from realign.events.catalogue import list_events, load_event
    except ImportError:
        return {}
    out: dict[str, EventRef] = {}
    try:
        slugs = list(list_events())
    except Exception:  # noqa: BLE001 - a broken or empty catalogue must not break the essay check
        return {}
    for slug in slugs:
        try:
            ev = load_event(slug)
        except Exception:  # noqa: BLE001
            continue
        names = {ev.slug, ev.name, *getattr(ev, "aliases", ())}
        # "Battle of Stalingrad" is also found as plain "Stalingrad"
        for n in list(names):
            m = re.match(r"(?i)^(?:the\s+)?(?:battle|siege|operation)\s+(?:of\s+)?(.+)$", n)
            if m:
                names.add(m.group(1))
        out[ev.slug] = EventRef(ev.slug, ev.name, ev.start, ev.end, tuple(sorted(names, key=len, reverse=True)))
    return out


def resolve_event(spec: str) -> EventRef:
    """An event from a catalogue slug or alias, or from ``NAME:YYYY-MM-DD:YYYY-MM-DD``.

    Parameters
    ----------
    spec : str
        Catalogue slug or alias (any case), or ``NAME:START:END`` with ISO dates.

    Returns
    -------
    EventRef
        Slug, name, first and last day, and the names it is found by in a text.

    Raises
    ------
    InvalidParameterError
        An empty spec, an unknown event, or an end before the start.
    InvalidDateError
        A malformed date in ``NAME:START:END``.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidParameterError(f"The 'event' parameter must be a non-empty string. Got {spec!r} instead.")
    m = _SPEC.match(spec)
    if m:
        name, a, b = m.groups()
        try:
            start, end = parse_date(a), parse_date(b)
        except InvalidDateError as exc:
            raise InvalidDateError(f"The 'event' parameter has an invalid date: {exc}") from None
        if end < start:
            raise InvalidParameterError(f"The 'event' parameter ends ({end}) before it starts ({start}).")
        return EventRef(_slug(name), name, start, end, (name,))
    events = catalogue_events()
    key = spec.strip().lower()
    for ev in events.values():
        if key == ev.slug or key in (n.lower() for n in ev.names):
            return ev
    known = ", ".join(sorted(events)) or "none (the event catalogue is not available)"
    raise InvalidParameterError(
        f"Unknown event {spec!r}. Known events: {known}. Or give NAME:YYYY-MM-DD:YYYY-MM-DD, "
        "e.g. Stalingrad:1942-08-23:1943-02-02."
    )


def detect_event(text: str) -> EventRef | None:
    """The catalogue event named most often in ``text`` (None when none is named).

    Parameters
    ----------
    text : str
        The essay.

    Returns
    -------
    EventRef or None
    """
    best: tuple[int, EventRef] | None = None
    for ev in catalogue_events().values():
        pats = [re.escape(n) for n in ev.names if len(n) >= 4]
        if not pats:
            continue
        count = len(re.findall(r"(?i)\b(?:" + "|".join(pats) + r")\b", text))
        if count and (best is None or count > best[0]):
            best = (count, ev)
    return best[1] if best else None
