"""The one clock (month stepping), the one war vocabulary and the one atomic writer."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from realign import atomic, clock, wars


def _old_add_months(d: dt.date, months: int) -> dt.date:
    """The former system.history.add_months (kept here as the reference)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def _old_observation_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The former models.hazard.observation_days."""
    d = dt.date(start.year, start.month, 15)
    if start.day > 15:
        d = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 15)
    out = []
    while d <= end:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 15)
    return out


DAYS = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31))


@given(DAYS, st.integers(-1200, 1200))
def test_add_months_is_the_former_helper(d, k):
    assert clock.add_months(d, k) == _old_add_months(d, k)
    assert clock.add_months(d, k, clamp=True) == _old_add_months(d, k)


@given(DAYS, st.integers(0, 400))
def test_observation_days_and_month_starts(start, span):
    end = start + dt.timedelta(days=span)
    assert clock.observation_days(start, end) == _old_observation_days(start, end)
    starts = clock.month_starts(start, end)
    assert all(d.day == 1 for d in starts) and starts[0] == start.replace(day=1)
    assert starts[-1] <= end < clock.add_months(starts[-1], 1)


@given(DAYS, st.integers(0, 60))
def test_month_days_are_the_15ths_after_the_start_month(start, n):
    days = clock.month_days(start, n)
    assert len(days) == n and all(d.day == 15 for d in days)
    assert days == clock.observation_days(clock.add_months(start.replace(day=1), 1), days[-1] if days else start)[:n]


def test_calendar_edges():
    assert clock.add_months(dt.date(1944, 1, 31), 1) == dt.date(1944, 2, 29)
    assert clock.add_months(dt.date(9999, 11, 30), 1) == dt.date(9999, 12, 30)
    assert clock.month_end(9999, 12) == dt.date(9999, 12, 31) and clock.month_end(1942, 2) == dt.date(1942, 2, 28)
    assert clock.add_months(dt.date(9999, 1, 1), 12, clamp=True) == dt.date.max
    assert clock.add_months(dt.date(1, 5, 1), -5, clamp=True) == dt.date.min
    with pytest.raises(ValueError):
        clock.add_months(dt.date(9999, 1, 1), 12)


def test_one_war_vocabulary_everywhere():
    from realign.essay import claims
    from realign.events import catalogue
    from realign.models.choice import CORES
    from realign.simulation.engine import SIDE_LABELS
    from realign.system import dashboard, history, snapshot
    from realign.validation import wwi, wwii

    assert (wars.WWI, wars.WWII) == (106, 139)  # COW Inter-State War Data v4.0
    assert catalogue.WAR_SIDES is wars.WAR_SIDES and snapshot.WWII is claims.WWII is wars.WWII
    assert dashboard.SIDE_LABELS == {1: "allies", 2: "axis"} and SIDE_LABELS == ("neutral", "allies", "axis")
    assert history.SIDE_NAMES_WWII == {1: "Allies", 2: "Axis"}
    assert wwii.SIDE_NAMES == {1: "Allies", 2: "Axis", 0: "neutral"} and wwii.WAR == 139
    assert wwi.SIDE_NAMES == {1: "Entente", 2: "Central Powers", 0: "neutral"} and wwi.WAR == 106
    assert set(CORES) == {106, 139}


def test_atomic_write_replaces_and_leaves_nothing_on_failure(tmp_path):
    p = tmp_path / "out.json"
    p.write_text("old")
    atomic.atomic_write_json({"when": dt.date(1942, 11, 19)}, p)
    assert json.loads(p.read_text()) == {"when": "1942-11-19"}
    atomic.atomic_write_text(p, "é\n")
    assert p.read_text(encoding="utf-8") == "é\n"

    def boom(tmp: str) -> None:
        with open(tmp, "w") as fh:
            fh.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic.atomic_write(p, boom)
    assert p.read_text(encoding="utf-8") == "é\n" and sorted(os.listdir(tmp_path)) == ["out.json"]
    with pytest.raises(FileNotFoundError):
        atomic.atomic_write_bytes(tmp_path / "nodir" / "x.bin", b"x")
