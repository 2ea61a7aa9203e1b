"""Adders on bundled data: units, coverage (missing outside, never 0), state-years, peace-years, PRD, COW, output."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign import panels as ps
from realign.errors import InvalidParameterError


@pytest.fixture(scope="module")
def recent() -> pd.DataFrame:
    return ps.build_panel("dyad-years", 2005, 2014, "nmc,atop,contiguity,wars,mids,democracy,territory,majors")


def test_outside_coverage_is_missing_never_zero(recent):
    late = recent[recent.year > 2010]
    assert late["mid_onset"].isna().all() and late["war_participant1"].isna().all()
    assert late["atop_defense"].notna().all() and late["conttype"].notna().all() and late["cinc1"].notna().all()
    inside = recent[recent.year <= 2003]
    assert inside["war_dyad_ongoing"].notna().all() and recent[recent.year > 2003]["war_dyad_ongoing"].isna().all()
    assert inside["mid_onset"].isin([0, 1]).all()
    notes = recent.attrs["realign"]["columns"]
    assert "coverage 1816-2010" in notes["mid_onset"] and "directed dyad-year" in notes["mid_onset"]


def test_every_used_dataset_is_cited(recent):
    bib = ps.cite(recent)
    for key in (
        "cow_states2016",
        "singer1972capability",
        "leeds2002atop",
        "stinnett2002contiguity",
        "sarkees2010resort",
        "maoz2019dyadic",
        "palmer2015mid4",
        "miller2022peacesciencer",
        "tir1998",
    ):
        assert key in bib, key
    assert recent.attrs["realign"]["sources"] == list(dict.fromkeys(recent.attrs["realign"]["sources"]))


def test_state_year_adders():
    sy = ps.build_panel("state-years", 1938, 1942, "nmc,atop,contiguity,wars,mids,territory,majors,democracy")
    s = sy.set_index(["ccode", "year"])
    assert s.loc[(255, 1938), "tc_gains"] == 2  # Austria (March) and the Sudetenland (September)
    assert s.loc[(255, 1942), "cowmaj"] == 1 and s.loc[(220, 1940), "cowmaj"] == 1 and s.loc[(380, 1942), "cowmaj"] == 0
    assert s.loc[(255, 1939), "war_onset"] == 1 and s.loc[(255, 1942), "war_side"] == 2
    assert s.loc[(2, 1941), "war_participant"] == 1 and s.loc[(2, 1940), "war_participant"] == 0
    assert s.loc[(255, 1942), "atop_defense_n"] >= 1 and s.loc[(255, 1942), "contig_land"] >= 1
    assert sy.attrs["realign"]["unit"] == "state-year"


def test_state_year_contiguity_counts_match_contdirs(shared_dir):
    sy = ps.add_contiguity(ps.state_years())
    raw = pd.read_csv(shared_dir / "data" / "cow_contiguity" / "contdirs.csv").rename(columns={"stateno": "ccode"})
    m = sy.merge(raw, on=["ccode", "year"])
    assert len(m) == 15951
    assert (m.contig_land == m.land).all()
    # COW counts a neighbour whose contiguity type changed within a year under both; we keep the closest type
    assert (m.contig_total == m.total).mean() > 0.995


def test_peace_years_count_restart_and_cubic_terms():
    frame = pd.DataFrame(
        {
            "ccode1": [2] * 6 + [20] * 2,
            "ccode2": [200] * 6 + [2] * 2,
            "year": [1900, 1901, 1902, 1903, 1904, 1906, 1900, 1901],
            "mid_onset": pd.array([0, 0, 1, 0, 0, 0, None, 0], dtype="Int8"),
        }
    )
    out = ps.add_peace_years(frame)
    assert out["mid_onset_peaceyrs"].tolist()[:6] == [0, 1, 2, 0, 1, 0]  # restart after the onset and the 1905 gap
    assert pd.isna(out["mid_onset_peaceyrs"].iloc[6]) and out["mid_onset_peaceyrs"].iloc[7] == 0
    assert out["mid_onset_peaceyrs3"].iloc[2] == 8
    assert "carter2010back" in ps.cite(out)


def test_peace_years_need_an_event():
    with pytest.raises(InvalidParameterError, match="add 'mids' or 'wars' first"):
        ps.add_peace_years(ps.dyad_years(1900, 1900))
    with pytest.raises(InvalidParameterError, match="'nope'"):
        ps.add_peace_years(ps.dyad_years(1900, 1900), event="nope")


def test_politically_relevant_dyads():
    d = ps.add_politically_relevant(ps.dyad_years(1925, 1925)).set_index(["ccode1", "ccode2"])
    assert d.loc[(2, 20), "prd"] == 1  # contiguous
    assert d.loc[(2, 375), "prd"] == 1  # a major power (USA) and Finland
    assert d.loc[(90, 375), "prd"] == 0  # Guatemala - Finland: neither contiguous nor a major power
    with pytest.raises(InvalidParameterError, match="dyad-year"):
        ps.add_politically_relevant(ps.state_years(1925, 1925))


def test_foreign_frames_and_bad_frames():
    frame = pd.DataFrame({"ccode1": [255, 325], "ccode2": [325, 255], "year": [1942, 1942]})
    out = ps.add_atop(frame)
    assert out.attrs["realign"]["unit"] == "directed dyad-year" and out.atop_defense.tolist() == [1, 1]
    assert ps.panel_info(frame.iloc[:1])["unit"] == "non-directed dyad-year"  # inferred: ccode1 < ccode2
    assert "atop_defense" not in frame.columns  # input not mutated
    with pytest.raises(InvalidParameterError, match="ccode"):
        ps.add_nmc(pd.DataFrame({"x": [1]}))
    with pytest.raises(InvalidParameterError, match="integers"):
        ps.add_nmc(pd.DataFrame({"ccode": ["GMY"], "year": [1942]}))
    with pytest.raises(InvalidParameterError, match="only once"):
        ps.add_atop(out)
    with pytest.raises(InvalidParameterError, match="no realign panel metadata"):
        ps.cite(pd.DataFrame({"ccode": [2], "year": [1900]}))


def test_parquet_and_arrow_keep_unit_and_sources(tmp_path):
    d = ps.add_nmc(ps.dyad_years(1900, 1901, directed=False))
    path = ps.to_parquet(d, tmp_path / "d.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.parquet"]  # no temp file left
    back = pd.read_parquet(path)
    assert len(back) == len(d) and list(back.columns) == list(d.columns)
    meta = pq.read_schema(path).metadata[b"realign"].decode()
    assert "non-directed dyad-year" in meta and '"nmc"' in meta
    assert ps.to_arrow(d).num_rows == len(d)
    with pytest.raises(InvalidParameterError, match="does not exist"):
        ps.to_parquet(d, tmp_path / "missing" / "d.parquet")


def test_cow_alliance_adder_says_when_not_imported(user_data):
    with pytest.raises(InvalidParameterError, match="realign data import cow-alliance"):
        ps.add_cow_alliance(ps.dyad_years(1942, 1942))


def test_cow_alliance_adder_after_import(shared_dir, user_data):
    from realign.data.cow_alliance import import_cow_alliance

    import_cow_alliance(shared_dir / "data" / "cow_alliance")
    d = ps.add_cow_alliance(ps.dyad_years(1942, 1942)).set_index(["ccode1", "ccode2"])
    raw = pd.read_csv(shared_dir / "data" / "cow_alliance" / "alliance_v4.1_by_directed.csv")
    gi = raw[(raw.ccode1 == 255) & (raw.ccode2 == 325) & (raw.dyad_st_year <= 1942) & (raw.dyad_end_year >= 1942)]
    assert d.loc[(255, 325), "cow_defense"] == int(gi.defense.max()) == 1
    assert d.loc[(2, 255), "cow_defense"] == 0
    assert "gibler2009alliances" in ps.cite(d)
    st = ps.add_cow_alliance(ps.state_years(1942, 1942)).set_index("ccode")
    partners = raw[(raw.ccode1 == 255) & (raw.defense == 1) & (raw.dyad_st_year <= 1942) & (raw.dyad_end_year >= 1942)]
    assert st.loc[255, "cow_defense_n"] == partners.ccode2.nunique() >= 1


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(1900, 1915), st.sampled_from([0, 1, None])),
        min_size=1,
        max_size=40,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_peace_years_equal_a_plain_loop(rows):
    frame = pd.DataFrame(
        {
            "ccode": [r[0] for r in rows],
            "year": [r[1] for r in rows],
            "war_onset": pd.array([r[2] for r in rows], dtype="Int8"),
        }
    )
    got = ps.add_peace_years(frame, event="war_onset")["war_onset_peaceyrs"].tolist()
    expect = {}
    for code in sorted({r[0] for r in rows}):
        t, last_year, last_event = None, None, None
        for _, y, e in sorted(r for r in rows if r[0] == code):
            restart = last_year is None or y != last_year + 1 or last_event != 0
            t = 0 if restart else t + 1
            expect[(code, y)] = None if e is None else t
            last_year, last_event = y, e
    for (code, y, _), g in zip(rows, got, strict=True):
        assert (pd.isna(g) and expect[(code, y)] is None) or g == expect[(code, y)]
