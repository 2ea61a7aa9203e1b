"""The sourced fronts table (WWI war 106, WWII war 139) and its build-time validation."""

import copy
from pathlib import Path

import pandas as pd
import pytest

from realign.data import load, manifest, verify

ROOT = Path(__file__).resolve().parents[2]
DATA_RAW = ROOT / "data-raw"


@pytest.fixture(scope="module")
def fronts():
    return load("fronts")


@pytest.fixture(scope="module")
def builder(build_script):
    return build_script("fronts")


def _rows(df, ccode, kind):
    return df[(df.ccode == ccode) & (df.kind == kind)]


def test_tables_load_and_pass_checksums(fronts):
    assert verify("fronts") and verify("front_coverage")
    m = manifest()["fronts"]
    assert m["version"].startswith("realign fronts 1.0")
    assert "@misc" in m["citation"]
    assert any(s["path"] == "data-raw/fronts.toml" and len(s["sha256"]) == 64 for s in m["sources"])
    assert list(fronts.columns) == [
        "war",
        "ccode",
        "state",
        "kind",
        "by_ccodes",
        "start",
        "start_late",
        "end",
        "end_late",
        "place",
        "note",
        "sources",
        "urls",
        "citations",
    ]
    assert set(fronts.war) == {106, 139}
    assert set(fronts.kind) <= {
        "enemy_ground_forces",
        "landing",
        "ally_occupation",
        "capital_threatened",
        "capital_taken",
    }


def test_every_row_is_sourced(fronts):
    for r in fronts.itertuples():
        ids, urls = r.sources.split(";"), r.urls.split(";")
        assert ids and all(ids) and len(ids) == len(urls)
        assert all(u.startswith(("http://", "https://")) for u in urls)
        assert len(r.citations.split(" | ")) == len(ids)


def test_dates_are_ordered(fronts):
    assert (fronts.start_late >= fronts.start).all()
    closed = fronts[fronts.end.notna()]
    assert (closed.end >= closed.start).all()
    assert (closed.end_late >= closed.end).all()
    assert fronts[fronts.end.isna()].end_late.isna().all()


def test_known_facts(fronts):
    sicily = _rows(fronts, 325, "landing")
    assert pd.Timestamp("1943-07-10") in set(sicily.start)
    assert "Sicily" in sicily[sicily.start == pd.Timestamp("1943-07-10")].place.iloc[0]
    hungary = _rows(fronts, 310, "ally_occupation")
    assert list(hungary.start) == [pd.Timestamp("1944-03-19")] and hungary.by_ccodes.iloc[0] == "255"
    warsaw = _rows(fronts, 290, "capital_taken")
    assert len(warsaw) == 1 and warsaw.start.iloc[0].year == 1939
    romania = fronts[(fronts.ccode == 360) & (fronts.kind == "enemy_ground_forces") & (fronts.war == 139)]
    assert len(romania) and (romania.start.dt.year == 1944).all() and "365" in romania.by_ccodes.iloc[0]


def test_filled_gaps_ottoman_montenegro_japan_luxembourg(fronts):
    """Rows added from sources read for the gaps once listed in ``missing`` (issue 10)."""
    ottoman = fronts[(fronts.war == 106) & (fronts.ccode == 640) & (fronts.kind == "enemy_ground_forces")]
    caucasus = ottoman[ottoman.by_ccodes == "365"]
    assert len(caucasus) == 1 and caucasus.start.iloc[0] == pd.Timestamp("1914-11-01")
    assert caucasus.start.iloc[0] < pd.Timestamp("1918-10-30")  # before the Ottoman exit (Mudros)
    assert "encyc1914-caucasus-front" in caucasus.sources.iloc[0]
    assert "Erzurum" in caucasus.place.iloc[0]
    palestine = ottoman[ottoman.start == pd.Timestamp("1917-01-09")]
    assert len(palestine) == 1 and palestine.by_ccodes.iloc[0] == "200" and pd.isna(palestine.end.iloc[0])
    cetinje = _rows(fronts, 341, "capital_taken")
    assert list(cetinje.start) == [pd.Timestamp("1916-01-11")]
    assert cetinje.start_late.iloc[0] == pd.Timestamp("1916-01-13")
    assert cetinje.by_ccodes.iloc[0] == "300" and "spectator-cettigne-1916" in cetinje.sources.iloc[0]
    japan = fronts[(fronts.war == 139) & (fronts.ccode == 740)]
    assert japan.start.min() == pd.Timestamp("1945-02-19")
    assert "Iwo Jima" in japan[japan.start == japan.start.min()].place.iloc[0]
    okinawa = japan[(japan.kind == "landing") & (japan.start == pd.Timestamp("1945-04-01"))]
    assert len(okinawa) == 1 and "Okinawa" in okinawa.place.iloc[0]
    assert (japan[japan.by_ccodes == "365"].start >= pd.Timestamp("1945-08-11")).all()
    lux = fronts[fronts.ccode == 212]
    assert set(zip(lux.war, lux.start, strict=True)) >= {
        (106, pd.Timestamp("1914-08-02")),
        (139, pd.Timestamp("1940-05-10")),
    }
    cov = load("front_coverage")
    for war, code in ((139, 740), (139, 212), (106, 341), (106, 212)):
        assert bool(cov[(cov.war == war) & (cov.ccode == code)].has_rows.iloc[0])


def test_filled_gaps_norway_ussr_germany_italy(fronts):
    """Further rows and ends filled from sources read (issue 10): Oslo, Courland, Oder, Alsace, Masuria, Asiago."""
    oslo = _rows(fronts, 385, "capital_taken")
    assert list(oslo.start) == [pd.Timestamp("1940-04-09")] and oslo.place.iloc[0] == "Oslo"
    ussr = fronts[(fronts.war == 139) & (fronts.ccode == 365) & (fronts.kind == "enemy_ground_forces")]
    assert list(ussr.end) == [pd.Timestamp("1945-05-08")] and "wp-courland-pocket" in ussr.sources.iloc[0]
    berlin = _rows(fronts, 255, "capital_threatened")
    assert list(berlin.start) == [pd.Timestamp("1945-01-31")]
    ww1_de = fronts[(fronts.war == 106) & (fronts.ccode == 255)]
    alsace = ww1_de[ww1_de.by_ccodes == "220"]
    assert list(alsace.start) == [pd.Timestamp("1914-08-07")] and alsace.end.isna().all()
    masuria = ww1_de[(ww1_de.by_ccodes == "365") & (ww1_de.start == pd.Timestamp("1914-11-30"))]
    assert list(masuria.end_late) == [pd.Timestamp("1915-02-21")]
    asiago = fronts[(fronts.war == 106) & (fronts.ccode == 325) & (fronts.start == pd.Timestamp("1916-05-15"))]
    assert len(asiago) == 1 and asiago.by_ccodes.iloc[0] == "300" and "Asiago" in asiago.place.iloc[0]


def test_coverage_separates_no_contact_from_not_covered(fronts):
    cov = load("front_coverage")
    sweden = cov[(cov.war == 139) & (cov.ccode == 380)]
    assert len(sweden) == 1 and not bool(sweden.has_rows.iloc[0])
    assert bool(cov[(cov.war == 139) & (cov.ccode == 360)].has_rows.iloc[0])
    covered = set(zip(cov.war, cov.ccode, strict=True))
    assert set(zip(fronts.war, fronts.ccode, strict=True)) <= covered
    with_rows = set(zip(cov[cov.has_rows].war, cov[cov.has_rows].ccode, strict=True))
    assert with_rows == set(zip(fronts.war, fronts.ccode, strict=True))


def test_toml_validates_and_rebuilds_identically(builder, fronts):
    doc = builder.load_doc()
    states = load("states")
    builder.validate(doc, states)
    df, _ = builder.build(doc, states)
    got, want = df.reset_index(drop=True), fronts.reset_index(drop=True)
    for c in ("start", "start_late", "end", "end_late"):
        got[c], want[c] = got[c].astype("datetime64[ns]"), want[c].astype("datetime64[ns]")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("kind", "air_raid", r"fronts\[0\]\.kind"),
        ("sources", ["no-such-source"], r"fronts\[0\]\.sources"),
        ("sources", [], r"fronts\[0\]\.sources"),
        ("ccode", 999, r"fronts\[0\]\.ccode"),
        ("start_late", "1939-08-01", r"fronts\[0\]\.start_late"),
        ("end", "1939-08-01", r"fronts\[0\]\.end"),
    ],
)
def test_validation_rejects_malformed_rows(builder, field, value, needle):
    import datetime as dt

    doc = builder.load_doc()
    bad = copy.deepcopy(doc)
    if isinstance(value, str) and value[:2] == "19":
        value = dt.date.fromisoformat(value)
    bad["fronts"][0][field] = value
    with pytest.raises(builder.FrontsError, match=needle):
        builder.validate(bad, load("states"))


def test_validate_row_names_the_row_index(builder):
    import datetime as dt

    names = {220: "France", 255: "Germany"}
    row = {
        "war": 139,
        "ccode": 220,
        "kind": "landing",
        "by_ccodes": [255],
        "start": dt.date(1944, 6, 6),
        "place": "x",
        "note": "y",
        "sources": ["s"],
    }
    builder.validate_row(7, row, {"s"}, names)
    with pytest.raises(builder.FrontsError, match=r"fronts\[7\]\.war"):
        builder.validate_row(7, {**row, "war": 1}, {"s"}, names)
    with pytest.raises(builder.FrontsError, match=r"fronts\[7\]\.place"):
        builder.validate_row(7, {k: v for k, v in row.items() if k != "place"}, {"s"}, names)
