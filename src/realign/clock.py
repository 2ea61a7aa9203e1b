"""One clock: calendar-month stepping and the monthly day grids the models and the engine use.

Months are calendar months; a day that does not exist in the target month is clipped to the
month's last day (Jan 31 + 1 month = Feb 28/29). The monthly observation day is the 15th.

>>> import datetime as dt
>>> add_months(dt.date(1942, 1, 31), 1), month_days(dt.date(1942, 11, 19), 2)
(datetime.date(1942, 2, 28), [datetime.date(1942, 12, 15), datetime.date(1943, 1, 15)])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

__all__ = ["add_months", "month_days", "month_end", "month_starts", "observation_days"]


def add_months(d: dt.date, months: int, *, clamp: bool = False) -> dt.date:
    """``d`` plus ``months`` calendar months (day clipped to the month's end).

    Parameters
    ----------
    d : datetime.date
        The day to start from.
    months : int
        Calendar months to add (negative to go back).
    clamp : bool
        Clamp a result outside the calendar (year 1 to 9999) to ``date.min``/``date.max``
        instead of raising ``ValueError``.

    Returns
    -------
    datetime.date
    """
    total = d.year * 12 + (d.month - 1) + months
    if clamp and total >= 9999 * 12 + 12:
        return dt.date.max
    if clamp and total < 12:
        return dt.date.min
    year, m0 = divmod(total, 12)
    return dt.date(year, m0 + 1, min(d.day, _days_in(year, m0 + 1)))


def _days_in(year: int, month: int) -> int:
    """Days of ``month`` in ``year`` (December needs no date of the next year: 9999-12 works)."""
    return 31 if month == 12 else (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


def month_end(year: int, month: int) -> dt.date:
    """The last day of ``month`` (1..12) of ``year``; ``ValueError`` outside the calendar.

    Parameters
    ----------
    year, month : int
        The month (``month`` in 1..12).

    Returns
    -------
    datetime.date
    """
    return dt.date(year, month, _days_in(year, month))


def _monthly(first: dt.date, end: dt.date) -> Iterator[dt.date]:
    """``first`` and the same day of each following month, through ``end`` (inclusive)."""
    d = first
    while d <= end:
        yield d
        d = add_months(d, 1)


def month_days(start: dt.date, months: int) -> list[dt.date]:
    """The 15th of each month from the month after ``start`` (the monthly observation days).

    Parameters
    ----------
    start : datetime.date
        Day of the start state (step 0); only its month counts.
    months : int
        Steps to observe.

    Returns
    -------
    list of datetime.date
        ``months`` days: the engine's steps 1..months.
    """
    first = dt.date(start.year, start.month, 15)
    return [add_months(first, k) for k in range(1, months + 1)]


def observation_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The 15th of every month from ``start``'s month (or the next, if start is after the 15th) to ``end``.

    Parameters
    ----------
    start, end : datetime.date
        The span (``end`` inclusive).

    Returns
    -------
    list of datetime.date
        The monthly observation days inside the span (empty if none).
    """
    first = dt.date(start.year, start.month, 15)
    if start.day > 15:
        first = add_months(first, 1)
    return list(_monthly(first, end))


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The 1st of every month from ``start``'s month through ``end`` (inclusive).

    Parameters
    ----------
    start, end : datetime.date
        The span; ``start``'s month counts even when ``start`` is not its 1st.

    Returns
    -------
    list of datetime.date
    """
    return list(_monthly(dt.date(start.year, start.month, 1), end))
