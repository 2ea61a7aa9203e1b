"""The essay check and the consequences report read date-bounded data through the information gate (issue 12)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realign.essay.evidence import cinc_evidence
from realign.system.information import InformationSet, audit
from realign.wars import WWII


def test_cinc_evidence_reads_no_year_after_the_claims_end():
    with audit() as sets:
        item, delta = cinc_evidence(365, dt.date(1941, 6, 22), dt.date(1943, 3, 1))
    assert item["date"] == "1943-12-31" and "in 1941 -> " in item["what"] and "in 1943" in item["what"]
    assert delta < 0  # COW NMC v7.0: Soviet CINC 1941 0.124 -> 1943 0.103
    assert [s.reads for s in sets] == [[("nmc", "1943-07-01")]]
    for s in sets:
        s.check()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(dt.date(1816, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 30))
def test_cinc_evidence_never_later_than_its_end_year(hi: dt.date, back: int):
    lo = dt.date(max(1816, hi.year - back), 1, 1)
    with audit() as sets:
        got = cinc_evidence(2, lo, hi)
    if got is not None:
        assert int(got[0]["date"][:4]) <= hi.year
    for s in sets:
        latest = dict(s.reads)["nmc"]
        assert latest is None or int(latest[:4]) <= hi.year
        s.check()


def test_blocs_and_first_contact_reads_are_bounded_or_declared_hindsight():
    e = InformationSet(dt.date(1955, 6, 1)).ww2_events()
    pj = e[e["kind"] == "pact_joined"]
    assert "West Germany" in set(pj[pj["counterpart"].str.contains("NATO", na=False)]["state"])  # 1955-05-09
    assert e["date"].max() <= pd.Timestamp("1955-06-01")
    info = InformationSet(dt.date(1943, 2, 2), hindsight=True)
    f = info.fronts(WWII)
    assert f["start"].max() > pd.Timestamp("1943-02-02")  # hindsight: the record's later contacts are there
    info.check()  # and declared: fronts are exempt with hindsight
