"""The typed, date-bounded queries of the information gate, and fits that read only through it (issue 12)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realign.errors import InvalidParameterError
from realign.system.information import InformationSet, audit
from realign.wars import WWII

AT = dt.date(1943, 2, 2)


def test_spells_known_on_the_cutoff():
    info = InformationSet(AT)
    s = info.state_spells()
    poland = s[s["ccode"] == 290]
    assert poland["end"].max() == pd.Timestamp("1939-09-27")  # Poland left the system in 1939: known
    assert pd.isna(s.loc[s["ccode"] == 255, "end"]).all()  # Germany's membership end (1945) not yet known
    m = info.mid_spells()
    assert (m["start"] <= pd.Timestamp(AT)).all() and m["end"].dropna().max() <= pd.Timestamp(AT)
    info.check()


def test_contiguity_in_force_on_the_date():
    c = InformationSet("1940-06-01").contiguity()
    land = c[c["conttype"] == 1]
    pairs = set(zip(land["ccode1"], land["ccode2"], strict=True))
    assert (255, 365) in pairs  # Germany-USSR, contiguous from the partition of Poland (1939-09-01)
    assert (220, 255) in pairs
    assert land["end"].isna().all()  # every later end is unknown on the date
    assert (255, 365) not in set(
        zip(
            InformationSet("1939-06-01").contiguity()["ccode1"],
            InformationSet("1939-06-01").contiguity()["ccode2"],
            strict=True,
        )
    )


def test_events_and_battles_by_date():
    info = InformationSet(AT)
    e = info.ww2_events()
    assert e["date"].max() <= pd.Timestamp(AT)
    assert ((e["kind"] == "attacked") & (e["state"] == "Japan") & (e["date"] == "1941-12-07")).any()
    ended = {b.slug for b in info.battles_ended(WWII)}
    assert {"stalingrad", "el_alamein", "midway"} <= ended and "kursk" not in ended


def test_yearly_tables_only_years_that_had_ended():
    info = InformationSet(AT)
    assert info.atop()["year"].max() == 1942
    assert info.democracy(1942)["year"].unique().tolist() == [1942]
    with pytest.raises(InvalidParameterError, match="had not ended"):
        info.atop(1943)
    assert InformationSet("1955-12-31").atop(1955)["year"].unique().tolist() == [1955]
    assert info.religion().empty  # WRP starts in 1945: missing, never a later wave
    info.check()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(min_value=dt.date(1817, 1, 1), max_value=dt.date(2014, 12, 31)))
def test_no_query_returns_a_date_after_the_cutoff(d):
    info = InformationSet(d)
    ts = pd.Timestamp(d)
    for frame in (info.state_spells(), info.mid_spells(), info.war_spells(), info.contiguity(), info.majors()):
        assert (frame["start"] <= ts).all() and not (frame["end"] > ts).any()
    assert not (info.ww2_events()["date"] > ts).any()
    assert all(b.end <= d for b in info.battles_ended())
    for q in (info.territorial_change, info.religion, info.democracy):
        assert (q()["year"] <= d.year).all()
    info.check()


def _all_reads_by(sets: list[InformationSet], cutoff: dt.date) -> list[tuple[str, str | None]]:
    assert sets, "the fit must read through the information gate"
    for s in sets:
        assert s.at <= cutoff and not s.hindsight
        s.check()
    return [r for s in sets for r in s.reads]


def test_propensity_fit_reads_nothing_after_its_cutoff():
    from realign.models import propensity
    from realign.models.propensity import PropensityModel

    cutoff = dt.date(1925, 3, 14)  # a date no other test fits on, so nothing comes from a cache
    with audit() as sets:
        m = PropensityModel().fit(before=cutoff)
    reads = _all_reads_by(sets, cutoff)
    assert all(latest is None or latest <= cutoff.isoformat() for _, latest in reads)
    assert {"war_participants", "mid_participants", "atop", "contiguity", "democracy"} <= {t for t, _ in reads}
    assert m.n_pairs_ >= 20 and not hasattr(propensity, "load_shared")  # no read bypasses the gate


def test_choice_fit_reads_nothing_after_its_cutoff():
    from realign.models import choice
    from realign.models.choice import AlignmentChoice

    cutoff = dt.date(1940, 7, 31)
    with audit() as sets:
        m = AlignmentChoice(panels=((WWII, "1939-09-01", cutoff.isoformat(), "1939-09-01"),)).fit()
    reads = _all_reads_by(sets, cutoff)
    assert all(latest is None or latest <= cutoff.isoformat() for _, latest in reads)
    assert {"states", "nmc", "ww2_events", "catalogue_ended", "contiguity"} <= {t for t, _ in reads}
    assert m.fit_end_ == cutoff and not hasattr(choice, "load_shared")


def test_credibility_path_moved_and_re_exported():
    from realign.events import credibility as new
    from realign.models import choice, credibility

    assert choice.credibility_path is new.credibility_path is credibility.credibility_path
    days = [dt.date(1942, 12, 1), dt.date(1943, 3, 1)]
    c = new.credibility_path(days)
    assert c.shape == (2, 3) and np.all(c[:, 0] == 0)
    # Stalingrad (ended 1943-02-02) counts only from March
    gated = [(b, "historical") for b in InformationSet(days[0]).battles_ended(WWII)]
    assert np.array_equal(new.credibility_path(days[:1], gated), c[:1])
    assert not np.array_equal(c[0], c[1])


def test_majors_and_contiguity_on_an_earlier_day():
    info = InformationSet(AT)
    assert set(info.majors(on=dt.date(1939, 9, 1))["ccode"]) == {2, 200, 220, 255, 325, 365, 740}
    assert 220 not in set(info.majors()["ccode"])  # France lost major status on 1940-06-22 (COW)
    land = info.contiguity(on=dt.date(1939, 6, 1))
    assert not ((land["ccode1"] == 255) & (land["ccode2"] == 365)).any()
    with pytest.raises(InvalidParameterError, match="ends on 1943-02-02"):
        info.majors(on=dt.date(1943, 2, 3))
    info.check()


def test_war_panel_reads_every_dated_input_through_the_gate():
    from realign.models import hazard
    from realign.models.hazard import war_panel

    cutoff = dt.date(1943, 2, 2)
    info = InformationSet(cutoff)
    with audit() as sets:
        p = war_panel(WWII, info)
    assert len(p) and p["date"].max() < pd.Timestamp(cutoff)
    info.check()
    tables = {t for t, _ in info.reads}
    assert {
        "war_participants",
        "states",
        "contiguity",
        "majors",
        "nmc",
        "fronts",
        "ww2_events",
        "territorial_change",
    } <= tables
    assert all(latest is None or latest <= cutoff.isoformat() for _, latest in info.reads)
    for s in sets:
        s.check()
    # the module's one raw read is the list of which other wars had ended (training_rows), commented there
    src = open(hazard.__file__).read()
    assert src.count("load_shared(") == 1
