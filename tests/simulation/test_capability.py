"""Capability paths: COW-style CINC recomputed from projected NMC components (issue 10)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from realign.data.store import load
from realign.simulation.capability import calibrate_contact_loss, decimal_year, project_cinc
from realign.system.information import InformationSet

AT = dt.date(1943, 2, 2)


def test_projection_at_the_last_known_year_is_the_record():
    nmc = load("nmc")
    info = InformationSet(AT)  # NMC 1942 is the last year known
    cc = [2, 255, 365, 740]
    p = project_cinc(info, [dt.date(1942, 7, 15)], cc)[0]
    rec = nmc[nmc["year"] == 1942].set_index("ccode")["cinc"].reindex(cc).to_numpy()
    np.testing.assert_allclose(p, rec, rtol=0.05)


def test_shares_sum_to_at_most_one_and_trends_follow_components():
    all_cc = sorted(load("nmc").query("year == 1942")["ccode"].astype(int))
    days = [dt.date(1943, 7, 15), dt.date(1944, 7, 15)]
    p = project_cinc(InformationSet(AT), days, all_cc)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-6)
    usa = all_cc.index(2)
    assert p[1, usa] > p[0, usa]  # US capability rose through 1940-42 and keeps rising in the projection


def test_projection_reads_no_later_nmc_year():
    info = InformationSet(AT)
    project_cinc(info, [dt.date(1945, 1, 15)], [255])
    nmc_reads = [r for r in info.reads if r[0] == "nmc"]
    assert nmc_reads and set(nmc_reads) == {("nmc", "1942-07-01")}  # 1942 figures count as known from 1 July
    info.check()


def test_contact_loss_is_calibrated_on_earlier_contacts_only():
    loss, rows = calibrate_contact_loss(InformationSet(AT))
    assert 0 <= loss <= 0.8
    assert rows and all(pd.Timestamp(r["first_contact"]).year + 1 <= 1942 for r in rows)


def test_decimal_year():
    assert decimal_year(dt.date(1943, 7, 1)) == 1943 + 6.5 / 12


def test_trend_rule_is_chosen_on_earlier_wars_only():
    from realign.simulation.capability import TREND_GRID, calibrate_trend, trend_errors

    info = InformationSet(AT)
    err = trend_errors(info)
    assert len(err) and int((err["year"] + err["h"]).max()) <= 1942  # no NMC year after the known one
    assert set(err["years"]) <= {y for y, _ in TREND_GRID}
    rule, tab = calibrate_trend(info)
    assert rule in TREND_GRID
    best = tab.loc[tab["mean_abs_error"].idxmin()]
    assert best["years"] == rule[0]
    assert all(r[0] == "nmc" and r[1] <= "1942-12-31" for r in info.reads if r[0] == "nmc")


def test_uncapped_rule_projects_faster_change_than_a_tight_cap():
    all_cc = sorted(load("nmc").query("year == 1942")["ccode"].astype(int))
    day = [dt.date(1944, 7, 15)]
    tight = project_cinc(InformationSet(AT), day, all_cc, (2, 0.2))[0]
    loose = project_cinc(InformationSet(AT), day, all_cc, (2, None))[0]
    usa = all_cc.index(2)
    assert loose[usa] > tight[usa]  # US milex grew far faster than 20% a year in 1941-42
