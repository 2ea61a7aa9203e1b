import hashlib

import pandas as pd
import pytest

from realign.data import store
from realign.errors import DataIntegrityError, InvalidParameterError


@pytest.mark.parametrize("name", sorted(store.manifest()))
def test_every_table_checksum_matches_manifest(name):
    entry = store.manifest()[name]
    path = store.table_path(name)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert store.verify(name) == entry["sha256"]
    df = store.load(name)
    assert len(df) == entry["rows"]
    assert list(df.columns) == entry["columns"]
    assert entry["citation"].startswith("@")
    assert all(len(s["sha256"]) == 64 for s in entry["sources"])


def test_tampered_table_is_detected(tmp_path, monkeypatch):
    fake = tmp_path / "tables"
    fake.mkdir()
    src = store.table_path("majors")
    (fake / "majors.parquet").write_bytes(src.read_bytes() + b"x")
    monkeypatch.setattr(store, "table_path", lambda name: fake / f"{name}.parquet")
    store.verify.cache_clear()
    try:
        with pytest.raises(DataIntegrityError, match="checksum"):
            store.verify("majors")
    finally:
        store.verify.cache_clear()


def test_unknown_dataset_lists_known_names():
    with pytest.raises(InvalidParameterError, match="nmc"):
        store.load("nope")


def test_cite_gives_bibtex_for_each_requested_table():
    bib = store.cite("nmc", "atop")
    assert "Singer" in bib and "Leeds" in bib
    assert bib.count("@") == 2


def test_query_with_where_filters_rows():
    df = store.query("nmc", "year = 1942 AND ccode = 255")
    assert len(df) == 1
    assert df.milper.iloc[0] == 7028  # thousands, COW NMC


def test_bad_where_is_a_clear_error():
    with pytest.raises(InvalidParameterError, match="--where"):
        store.query("nmc", "yeer = 1942")


def test_load_returns_a_copy():
    a = store.load("majors")
    a.loc[:, "ccode"] = -1
    assert (store.load("majors").ccode > 0).all()


def test_nmc_keeps_missing_as_missing_not_zero():
    nmc = store.load("nmc")
    assert nmc.cinc.isna().sum() >= 0
    assert not (nmc.milex == -9).any()
    assert pd.api.types.is_float_dtype(nmc.milex)


def test_ww2_events_keep_verification_and_sources():
    ev = store.load("ww2_events")
    assert len(ev) == 285
    assert (~ev.verified).sum() == 39
    sourced = ev.source_url != ""
    assert ev.source_url[sourced].str.startswith("http").all()
    # The 6 rows without a source URL are all flagged unverified in the data.
    assert sourced.sum() == 279 and not ev.verified[~sourced].any()
    rom = ev[(ev.ccode == 360) & (ev.kind == "side_change")]
    assert rom.date.dt.strftime("%Y-%m-%d").tolist() == ["1944-08-23"]


def test_where_cannot_read_other_files(tmp_path):
    """Issue 12: the filter runs with DuckDB's external access disabled (no local file read or leaked)."""
    secret = tmp_path / "secret.csv"
    secret.write_text("token\nhunter2\n")
    with pytest.raises(InvalidParameterError) as err:
        store.query("nmc", f"year = 1942 AND (SELECT count(*) FROM read_csv('{secret}')) > 0")
    assert "hunter2" not in str(err.value)
    assert len(store.query("nmc", "year = 1942", limit=3)) == 3
    with pytest.raises(InvalidParameterError, match="limit"):
        store.query("nmc", limit=-5)
