"""The sourced ww2_series table (Arctic convoys, US aid to the USSR, Japan's approaches) and its validation."""

import copy
import datetime as dt
import tomllib
from pathlib import Path

import pytest

from realign.data import load, manifest, verify

DATA_RAW = Path(__file__).resolve().parents[2] / "data-raw"


@pytest.fixture(scope="module")
def series():
    return load("ww2_series")


@pytest.fixture(scope="module")
def builder(build_script):
    return build_script("ww2_series")


def test_table_loads_with_checksum_citation_and_missing_list(series):
    assert verify("ww2_series")
    m = manifest()["ww2_series"]
    assert "@misc" in m["citation"] and "Missing" in m["notes"]
    assert any(s["path"] == "data-raw/ww2_series.toml" for s in m["sources"])
    assert (series["urls"].str.startswith("http")).all()


def test_real_facts(series):
    pause = series[(series.series == "arctic_convoys") & (series.kind == "pause")]
    assert (pause["date"].dt.date == dt.date(1943, 3, 1)).any()
    assert (pause["end"].dt.date == dt.date(1943, 11, 14)).any()
    pq18 = series[(series.kind == "sailing") & series.what.str.contains("PQ 18")]
    assert pq18["date"].dt.date.tolist() == [dt.date(1942, 9, 2)]
    first = series[series.series == "japan_approaches"]["date"].min().date()
    assert first == dt.date(1943, 9, 10)  # Sato to Molotov (FRUS 1943 vol. III, doc. 549)


@pytest.mark.parametrize(
    "field,value,msg",
    [
        ("kind", "rumour", "kind"),
        ("date", "1943-02-15", "date"),
        ("sources", ["nope"], "sources"),
        ("ccodes", [], "ccodes"),
        ("series", "other", "series"),
    ],
)
def test_validation_names_the_bad_field(builder, field, value, msg):
    doc = tomllib.loads((DATA_RAW / "ww2_series.toml").read_text(encoding="utf-8"))
    bad = copy.deepcopy(doc)
    bad["rows"][0][field] = value
    with pytest.raises(builder.SeriesError, match=rf"rows\[0\]\.{msg}"):
        builder.validate(bad)
