"""The dashboard's views as library functions (shared by the web app): real facts from COW/ATOP."""

from __future__ import annotations

import pytest

from realign.errors import RealignError
from realign.system.dashboard import capability_series, landscape_defaults, network, state_detail
from realign.system.snapshot import System


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


def test_snapshots_are_cached_per_day():
    assert System.at("1942-11-19") is System.at("1942-11-19")
    assert System.at("1942-11-19") is not System.at("1942-11-20")
