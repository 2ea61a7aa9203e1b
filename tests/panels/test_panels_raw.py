"""Panels against the raw source files (../shared/data), by independent pandas queries on hand-picked dyad-years."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from realign import panels as ps

# (ccode1, ccode2, year): 24 directed dyad-years across 1816-2014, both directions for some
PICKS = [
    (200, 220, 1914),
    (220, 200, 1914),
    (255, 325, 1942),
    (325, 255, 1942),
    (290, 365, 1955),
    (365, 290, 1955),
    (200, 210, 1816),
    (365, 640, 1877),
    (220, 255, 1870),
    (2, 20, 1925),
    (710, 740, 1937),
    (255, 290, 1939),
    (2, 740, 1942),
    (365, 255, 1941),
    (255, 325, 1944),
    (2, 200, 1950),
    (651, 666, 1967),
    (750, 770, 1965),
    (2, 365, 1962),
    (160, 200, 1982),
    (2, 645, 2003),
    (2, 20, 2014),
    (260, 265, 1975),
    (2, 700, 2001),
]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    years = sorted({y for _, _, y in PICKS})
    frames = [ps.dyad_years(y, y) for y in years]
    df = pd.concat(frames, ignore_index=True)
    df.attrs = frames[0].attrs
    keep = pd.MultiIndex.from_frame(df[["ccode1", "ccode2", "year"]]).isin(PICKS)
    df = df[keep].reset_index(drop=True)
    df.attrs = frames[0].attrs
    for add in (ps.add_atop, ps.add_nmc, ps.add_contiguity, ps.add_wars, ps.add_mids, ps.add_democracy):
        df = add(df)
    return df.set_index(["ccode1", "ccode2", "year"])


def _raw(shared_dir, *parts):
    return shared_dir.joinpath("data", *parts)


def _member_days(shared_dir) -> dict[int, list[tuple[dt.date, dt.date]]]:
    s = pd.read_csv(_raw(shared_dir, "cow_states", "states2016.csv"))
    out: dict[int, list] = {}
    for r in s.itertuples():
        out.setdefault(r.ccode, []).append(
            (dt.date(r.styear, r.stmonth, r.stday), dt.date(r.endyear, r.endmonth, r.endday))
        )
    return out


def test_every_pick_is_a_dyad_year_with_a_shared_day(panel, shared_dir):
    spells = _member_days(shared_dir)
    for c1, c2, y in PICKS:
        jan1, dec31 = dt.date(y, 1, 1), dt.date(y, 12, 31)
        shared = any(max(a0, b0, jan1) <= min(a1, b1, dec31) for a0, a1 in spells[c1] for b0, b1 in spells[c2])
        assert shared == ((c1, c2, y) in panel.index), (c1, c2, y)
    assert len(panel) == len(PICKS)


def test_atop_flags_match_the_raw_atop_file(panel, shared_dir):
    raw = pd.read_parquet(_raw(shared_dir, "atop", "atop_alliance.parquet")).set_index(["ccode1", "ccode2", "year"])
    for key in PICKS:
        for flag in ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"):
            expect = int(raw.loc[key, flag]) if key in raw.index else 0
            assert int(panel.loc[key, flag]) == expect, (key, flag)


def test_issue_named_facts(panel):
    uk_fr = panel.loc[(200, 220, 1914)]
    assert uk_fr.atop_defense == 0 and uk_fr.atop_consul == 1  # entente (consultation), no defense pact
    ge_it = panel.loc[(255, 325, 1942)]
    assert ge_it.atop_defense == 1 and ge_it.war_common == 139 and ge_it.war_side1 == 2 and ge_it.war_side2 == 2
    assert panel.loc[(290, 365, 1955)].atop_defense == 1  # Warsaw Pact


def test_cinc_and_polity_match_the_raw_files(panel, shared_dir):
    nmc = pd.read_parquet(_raw(shared_dir, "cow_nmc", "cow_nmc.parquet")).set_index(["ccode", "year"])
    dem = pd.read_parquet(_raw(shared_dir, "democracy", "cw_democracy.parquet")).set_index(["ccode", "year"])
    for c1, c2, y in PICKS:
        for i, c in ((1, c1), (2, c2)):
            assert panel.loc[(c1, c2, y), f"cinc{i}"] == pytest.approx(nmc.loc[(c, y), "cinc"], rel=1e-9)
            raw_p = dem.loc[(c, y), "polity2"] if (c, y) in dem.index else pd.NA
            got = panel.loc[(c1, c2, y), f"polity2{i}"]
            assert (pd.isna(got) and pd.isna(raw_p)) or int(got) == int(raw_p), (c, y)


def test_contiguity_matches_contdird(panel, shared_dir):
    raw = pd.read_csv(_raw(shared_dir, "cow_contiguity", "contdird.csv"))
    raw = raw.set_index(["state1no", "state2no", "year"])["conttype"]
    for key in PICKS:
        assert int(panel.loc[key, "conttype"]) == (int(raw.loc[key]) if key in raw.index else 0), key


def _war_years(shared_dir) -> pd.DataFrame:
    w = pd.read_csv(_raw(shared_dir, "cow_war", "Inter-StateWarData_v4.0.csv"), lineterminator="\r")
    rows = []
    for r in w.itertuples():
        for s, e in ((r.StartYear1, r.EndYear1), (r.StartYear2, r.EndYear2)):
            if s > 0:
                rows += [(r.WarNum, r.ccode, r.Side, y) for y in range(s, (e if e > 0 else s) + 1)]
    return pd.DataFrame(rows, columns=["war", "ccode", "side", "year"])


def test_war_participation_and_sides_match_the_raw_files(panel, shared_dir):
    wy = _war_years(shared_dir)
    dyadic = pd.read_csv(_raw(shared_dir, "cow_war", "directed_dyadic_war.csv"))
    fought = set(zip(dyadic.statea, dyadic.stateb, dyadic.year, strict=True))
    for c1, c2, y in PICKS:
        a, b = wy[(wy.ccode == c1) & (wy.year == y)], wy[(wy.ccode == c2) & (wy.year == y)]
        row = panel.loc[(c1, c2, y)]
        if y > 2007:  # outside COW inter-state war v4.0 (1816-2007): missing, never 0
            assert pd.isna(row.war_participant1) and pd.isna(row.war_shared) and pd.isna(row.war_dyad_ongoing)
            continue
        assert int(row.war_participant1) == int(len(a) > 0) and int(row.war_participant2) == int(len(b) > 0)
        common = sorted(set(a.war) & set(b.war))
        assert int(row.war_shared) == int(bool(common)), (c1, c2, y)
        if common:
            assert int(row.war_common) == common[0]
            assert int(row.war_side1) in set(a[a.war == common[0]].side)
            assert int(row.war_side2) in set(b[b.war == common[0]].side)
        if y <= 2003:
            assert int(row.war_dyad_ongoing) == int((c1, c2, y) in fought), (c1, c2, y)
        else:
            assert pd.isna(row.war_dyad_ongoing)


def test_ongoing_mids_match_the_raw_participant_file(panel, shared_dir):
    m = pd.read_csv(_raw(shared_dir, "cow_mid", "MIDB_4.3.csv"))
    for c1, c2, y in PICKS:
        a, b = m[m.ccode == c1], m[m.ccode == c2]
        if y > 2010:  # outside MID 4.3
            assert pd.isna(panel.loc[(c1, c2, y), "mid_ongoing"])
            continue
        j = a.merge(b, on="dispnum3", suffixes=("1", "2"))
        j = j[
            (j.sidea1 != j.sidea2) & (np.maximum(j.styear1, j.styear2) <= y) & (y <= np.minimum(j.endyear1, j.endyear2))
        ]
        assert int(panel.loc[(c1, c2, y), "mid_ongoing"]) == int(len(j) > 0), (c1, c2, y)
