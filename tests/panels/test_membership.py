"""Panel units from dated membership spells: no dyad-year without a shared day (hypothesis), real spells."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign import panels as ps
from realign.errors import CoverageError, InvalidParameterError
from realign.panels.core import cursor, dyad_frame

D0 = dt.date(2000, 1, 1)


@st.composite
def spell_tables(draw):
    """2-5 states, each with 1-2 non-overlapping spells inside 2000-2004 (day resolution)."""
    rows = []
    for code in draw(st.lists(st.integers(1, 999), min_size=2, max_size=5, unique=True)):
        a = draw(st.integers(0, 1800))
        b = draw(st.integers(a, 1826))
        rows.append((code, D0 + dt.timedelta(a), D0 + dt.timedelta(b)))
        if draw(st.booleans()) and b < 1820:
            c = draw(st.integers(b + 1, 1826))
            rows.append((code, D0 + dt.timedelta(c), D0 + dt.timedelta(draw(st.integers(c, 1826)))))
    return pd.DataFrame(rows, columns=["ccode", "start", "end"])


def _brute(spells: pd.DataFrame, directed: bool) -> set[tuple[int, int, int]]:
    """Dyad-years by walking every day: both states members that same day."""
    days: dict[int, set[dt.date]] = {}
    for r in spells.itertuples():
        d = r.start
        while d <= r.end:
            days.setdefault(r.ccode, set()).add(d)
            d += dt.timedelta(1)
    out = set()
    for a in days:
        for b in days:
            if a != b and (directed or a < b):
                out |= {(a, b, d.year) for d in days[a] & days[b]}
    return out


@settings(max_examples=40, deadline=None)
@given(spell_tables(), st.booleans())
def test_dyad_years_are_exactly_the_years_with_a_shared_day(spells, directed):
    cur = cursor()
    cur.register("spells_under_test", spells)
    got = dyad_frame(cur, "spells_under_test", 2000, 2004, directed)
    cur.close()
    rows = set(zip(got.ccode1.tolist(), got.ccode2.tolist(), got.year.tolist(), strict=True))
    assert rows == _brute(spells, directed)
    assert len(rows) == len(got)  # no duplicates
    assert list(got.itertuples(index=False)) == sorted(got.itertuples(index=False), key=lambda r: (r[2], r[0], r[1]))


def test_state_years_equal_the_cow_system_list():
    from realign.data import load

    sy = ps.state_years()
    system = load("system")
    assert set(zip(sy.ccode, sy.year, strict=True)) == set(zip(system.ccode, system.year, strict=True))
    assert sy.attrs["realign"]["unit"] == "state-year"


def test_sharing_a_year_but_not_a_day_is_not_a_dyad():
    d = ps.dyad_years(1945, 1945)
    pairs = set(zip(d.ccode1, d.ccode2, strict=True))
    assert (255, 290) not in pairs and (290, 255) not in pairs  # Germany out 1945-05-08, Poland back 1945-06-28
    assert (255, 365) in pairs and (290, 365) in pairs


def test_directed_has_both_orders_undirected_one():
    d = ps.dyad_years(1900, 1910)
    u = ps.dyad_years(1900, 1910, directed=False)
    assert len(d) == 2 * len(u) and bool((u.ccode1 < u.ccode2).all())
    assert u.attrs["realign"]["unit"] == "non-directed dyad-year"


@pytest.mark.parametrize(
    "args, err",
    [
        ((1700, 1800), CoverageError),
        ((1900, 2020), CoverageError),
        ((1950, 1940), InvalidParameterError),
        (("1900", 1910), InvalidParameterError),
        ((1900.5, 1910), InvalidParameterError),
    ],
)
def test_bad_years_are_clear_errors(args, err):
    with pytest.raises(err):
        ps.dyad_years(*args)
    with pytest.raises(err):
        ps.state_years(*args)
