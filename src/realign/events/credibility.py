"""Battle credibility: catalogue effects on each side's perceived strength, decayed month by month.

Event-derived model inputs live here, next to the catalogue they come from. One implementation is
shared by the alignment-choice model (:mod:`realign.models.choice`, which dates an effect from the
battle's end, :func:`credibility_path`) and the hazards and forecasts (:mod:`realign.models.hazard`,
which date it from the day the outcome was known, ``outcome_known``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from realign.wars import WWII

__all__ = ["CREDIBILITY_RETENTION", "event_credibility", "credibility_at", "credibility_path"]

#: Month-on-month retention of a credibility shock (half-life ~ 12 months). Model assumption.
CREDIBILITY_RETENTION = 0.944


def event_credibility(
    events: list, outcomes: dict[str, str] | None = None, *, dated: str = "outcome_known"
) -> list[tuple[dt.date, dict[int, float]]]:
    """(date, {side: credibility change}) for catalogue events, sides 1 and 2.

    ``outcomes`` maps a slug to "historical" or "reversed" (default historical); ``dated`` is the
    event attribute the effect starts from: ``"outcome_known"`` or ``"end"``.

    Parameters
    ----------
    events : list
        Catalogue :class:`~realign.events.catalogue.Event` objects.
    outcomes : dict[str, str] or None, default None
        Event slug -> ``"historical"`` or ``"reversed"``; a slug not listed (or ``None``) is historical.
    dated : str, default "outcome_known"
        Event attribute giving the date the effect starts (``"outcome_known"`` or ``"end"``); falls back
        to ``end`` if the attribute is absent.

    Returns
    -------
    list[tuple[dt.date, dict[int, float]]]
        One ``(date, {side: credibility change})`` per event, in input order; sides 1 and 2 only.
    """
    outcomes = outcomes or {}
    out = []
    for ev in events:
        eff = ev.reversed_effects if outcomes.get(ev.slug) == "reversed" else ev.effects
        when = getattr(ev, dated, ev.end)
        out.append((when, {int(s): float(e.credibility) for s, e in eff.items() if int(s) in (1, 2)}))
    return out


def credibility_at(
    effects: list[tuple[dt.date, dict[int, float]]], d: dt.date, retention: float = CREDIBILITY_RETENTION
) -> np.ndarray:
    """(3,) credibility of sides 1 and 2 on ``d``: effects dated by then, decayed by ``retention`` a month.

    Parameters
    ----------
    effects : list[tuple[dt.date, dict[int, float]]]
        ``(date, {side: credibility change})`` pairs, as from :func:`event_credibility`.
    d : dt.date
        Day to evaluate; effects dated after ``d`` are ignored.
    retention : float, default CREDIBILITY_RETENTION
        Share of a shock kept per calendar month elapsed (0.944, half-life ~ 12 months).

    Returns
    -------
    np.ndarray
        Shape (3,): index 1 and 2 are the credibility of sides 1 and 2; index 0 is unused (0).
    """
    c = np.zeros(3)
    for known, eff in effects:
        if known > d:
            continue
        m = (d.year - known.year) * 12 + d.month - known.month
        for s, x in eff.items():
            c[s] += x * retention ** max(m, 0)
    return c


def credibility_path(
    days: list[dt.date], events: list[tuple[object, str]] | None = None, retention: float = CREDIBILITY_RETENTION
) -> np.ndarray:
    """(len(days), 3) credibility of sides 1 and 2 on each day: effects of events ended by then, decayed.

    ``events`` is a list of (Event, outcome) with outcome "historical" or "reversed"; default: every
    catalogue event of war 139 that had ended by the last day, with its historical outcome (the
    choice model passes the battles it read through its information gate instead).

    Parameters
    ----------
    days : list[dt.date]
        Days to evaluate, in any order.
    events : list[tuple[object, str]] or None, default None
        ``(Event, outcome)`` pairs, outcome ``"historical"`` or ``"reversed"``; effects dated from each
        event's ``end``. ``None`` reads the catalogue as described above.
    retention : float, default CREDIBILITY_RETENTION
        Share of a shock kept per calendar month elapsed.

    Returns
    -------
    np.ndarray
        Shape (len(days), 3): row i is :func:`credibility_at` on ``days[i]`` (column 0 unused).
    """
    if events is None:
        from realign.events.catalogue import list_events, load_event

        last = max(days, default=dt.date.min)
        events = [(ev, "historical") for ev in map(load_event, list_events()) if ev.war == WWII and ev.end <= last]
    effects = [eff for (ev, outcome) in events for eff in event_credibility([ev], {ev.slug: outcome}, dated="end")]
    return np.array([credibility_at(effects, d, retention) for d in days]).reshape(len(days), 3)
