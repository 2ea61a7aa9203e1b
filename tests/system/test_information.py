"""The information gate: nothing dated after the cut-off comes back (issue 10), enforced in one place."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from realign.errors import InvalidParameterError
from realign.system.information import InformationSet, known_nmc_year

AT = dt.date(1943, 2, 2)


def test_war_spells_open_after_the_cutoff():
    info = InformationSet(AT)
    w = info.war_spells(139)
    rom = w[w["ccode"] == 360]
    # Romania's Axis spell had begun; its end (1944-08-23) was not known on 1943-02-02
    assert len(rom) == 1 and int(rom["side"].iloc[0]) == 2 and pd.isna(rom["end"].iloc[0])
    assert (w["start"] <= pd.Timestamp(AT)).all()
    assert 140 not in set(w["ccode"])  # Brazil entered in 1944


def test_fronts_gated_unless_hindsight():
    f = InformationSet(AT).fronts(139)
    assert (f["start"] <= pd.Timestamp(AT)).all()
    assert not ((f["ccode"] == 325) & (f["kind"] == "landing")).any()  # Sicily 1943-07-10 not yet known
    h = InformationSet(AT, hindsight=True).fronts(139)
    sicily = h[(h["ccode"] == 325) & (h["kind"] == "landing")]
    assert sicily["start"].min() == pd.Timestamp("1943-07-10")


def test_nmc_years_known():
    assert known_nmc_year(dt.date(1943, 2, 2)) == 1942
    assert known_nmc_year(dt.date(1943, 7, 1)) == 1943
    n = InformationSet(AT, hindsight=True).nmc()
    assert n["year"].max() == 1942  # hindsight never reads later CINC


def test_events_by_outcome_known():
    slugs = {e.slug for e in InformationSet(AT).events(139)}
    assert "stalingrad" in slugs and "kursk" not in slugs and "normandy" not in slugs
    assert "kursk" in {e.slug for e in InformationSet(AT, hindsight=True).events(139)}


def test_check_flags_a_leak():
    info = InformationSet(AT)
    info.war_spells(139)
    info.fronts(139)
    info.nmc()
    info.check()  # nothing after the cut-off
    info.reads.append(("fronts", "1944-06-06"))
    with pytest.raises(InvalidParameterError, match="leak"):
        info.check()
    hind = InformationSet(AT, hindsight=True)
    hind.reads.append(("fronts", "1944-06-06"))
    hind.check()  # allowed with hindsight
    hind.reads.append(("nmc", "1944-12-31"))
    with pytest.raises(InvalidParameterError):
        hind.check()


def test_a_forecast_reads_nothing_after_its_cutoff():
    from realign.simulation.forecast import ForecastSpec, run_forecast

    res = run_forecast(ForecastSpec(war=139, at=AT, until=dt.date(1943, 6, 30), runs=20, seed=1))
    assert res.info_reads, "the forecast must read through the information gate"
    assert all(latest is None or latest <= AT.isoformat() for _, latest in res.info_reads)


def test_the_training_panel_of_the_war_reads_nothing_after_the_cutoff():
    from realign.models.hazard import war_panel

    info = InformationSet(AT)
    panel = war_panel(139, info)
    info.check()  # raises on any read dated after 1943-02-02
    assert panel["date"].max() <= pd.Timestamp(AT)
    assert 140 not in set(panel["ccode"])  # Brazil, a belligerent only from 1944, is not yet in the war's panel
