"""The dashboard's views as library functions (shared by the web app): real facts from COW/ATOP."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.errors import RealignError
from realign.system.dashboard import capability_series, landscape_defaults, network, state_detail
from realign.system.snapshot import System, span_start
from realign.system.tables import tables


def test_network_romania_switches_sides_with_stable_positions():
    a, b = network("1944-08-01").to_dict(), network("1944-09-15").to_dict()
    ra = next(n for n in a["nodes"] if n["ccode"] == 360)
    rb = next(n for n in b["nodes"] if n["ccode"] == 360)
    assert (ra["side"], rb["side"]) == ("axis", "allies")
    assert (ra["x"], ra["y"]) == (rb["x"], rb["y"])


def test_state_detail_by_name_and_non_member():
    d = state_detail("Romania", "1944-09-15")
    assert d.member and d.ccode == 360 and d.to_dict()["wwii_side"] == "allies"
    austria = state_detail(305, "1944-09-15")
    assert not austria.member and "not a COW system member" in austria.to_dict()["detail"]
    with pytest.raises(RealignError):
        state_detail("²", "1944-09-15")


def test_capability_series_and_bad_input():
    s = capability_series(1941, 1942, "month")
    assert len(s) == 24 and s[0]["date"] == "1941-01-01"
    at = {p["date"]: p for p in s}
    assert at["1942-01-01"]["allies"] > at["1941-01-01"]["allies"]  # USSR and USA joined in 1941
    for args in ((1955, 1936, "month"), (1936, 1955, "week"), (1700, 1800, "year")):
        with pytest.raises(RealignError):
            capability_series(*args)


def test_landscape_defaults_are_the_largest_cinc():
    codes = landscape_defaults("1942-11-19")
    assert len(codes) == 12 and {2, 365, 255} <= set(codes)


def test_snapshots_are_shared_within_a_span_of_identical_days():
    a, b = System.at("1942-11-19"), System.at("1942-11-20")
    assert a.states is b.states and (a.date, b.date) == (dt.date(1942, 11, 19), dt.date(1942, 11, 20))
    # Romania left the Axis on 1944-08-24 and joined the Allies on 1944-09-09 (COW war participation)
    assert span_start(dt.date(1944, 9, 9)) == dt.date(1944, 9, 9)
    assert System.at("1944-08-23").side(360) == 2 and System.at("1944-09-09").side(360) == 1


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1816, 1, 1), max_value=dt.date(2016, 12, 31)))
def test_a_shared_snapshot_equals_a_fresh_build(d):
    """The span cache is exact: the snapshot of any day equals the one built from scratch for it."""
    fresh = System._build(d, tables())
    cached = System.at(d)
    assert cached.to_dict() == fresh.to_dict() and cached.coverage == fresh.coverage
    assert cached.wars.equals(fresh.wars)
    if fresh.alliances is None:
        assert cached.alliances is None
    else:
        assert cached.alliances.reset_index(drop=True).equals(fresh.alliances.reset_index(drop=True))


def test_span_starts_cover_the_timeline():
    from realign.system.snapshot import span_starts

    lo, hi = dt.date(1944, 8, 1), dt.date(1944, 9, 30)
    starts = span_starts(lo, hi)
    assert starts[0] == lo and dt.date(1944, 8, 24) in starts and dt.date(1944, 9, 9) in starts
    assert starts == sorted(set(starts)) and all(span_start(d) == d for d in starts[1:])
