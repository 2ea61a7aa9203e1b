import pytest

from realign import history
from realign.errors import InvalidParameterError
from realign.system.history import add_months


@pytest.fixture(scope="module")
def after_stalingrad():
    return history("1943-02-02", 24)


def _first(h, ccode, kind):
    rows = h.changes[(h.changes.ccode == ccode) & (h.changes.kind == kind)]
    return [d.isoformat() for d in rows.date]


def test_minor_allies_exit_dates(after_stalingrad):
    h = after_stalingrad
    assert _first(h, 325, "war_exit") == ["1943-09-02"]
    assert "1943-10-18" in _first(h, 325, "side_change")
    assert _first(h, 360, "war_exit") == ["1944-08-23"]
    assert "1944-09-09" in _first(h, 360, "side_change")
    assert _first(h, 355, "war_exit") == ["1944-09-08"]
    assert _first(h, 375, "war_exit") == ["1944-09-19"]
    assert _first(h, 310, "war_exit") == ["1945-01-20"]


def test_turkey_breaks_with_germany(after_stalingrad):
    assert _first(after_stalingrad, 640, "relations_broken") == ["1944-08-02"]


def test_rows_are_dated_sourced_and_in_window(after_stalingrad):
    d = after_stalingrad.to_dict()
    assert d["after"] == "1943-02-02" and d["until"] == "1945-02-02"
    dates = [c["date"] for c in d["changes"]]
    assert dates == sorted(dates)
    assert all("1943-02-02" < x <= "1945-02-02" for x in dates)
    assert all(c["source"] for c in d["changes"])
    assert set(d["changes"][0]) == {"date", "ccode", "name", "kind", "counterpart", "source", "verified"}
    assert any(not c["verified"] for c in d["changes"])  # unverified rows are shown as such


def test_state_filter_and_shares():
    h = history("1943-02-02", 24, states=["Romania", 355])
    assert set(h.changes.ccode) == {360, 355}
    assert h.shares_after[2] < h.shares_before[2]  # Axis capability share falls


def test_bad_months():
    with pytest.raises(InvalidParameterError, match="months"):
        history("1943-02-02", 0)


def test_add_months_clips_day():
    import datetime as dt

    assert add_months(dt.date(1943, 1, 31), 1) == dt.date(1943, 2, 28)
    assert add_months(dt.date(1943, 2, 2), 24) == dt.date(1945, 2, 2)


def test_front_rows_appear_in_history():
    h = history("1943-07-01", 2)
    sicily = h.changes[(h.changes.ccode == 325) & (h.changes.kind == "landing")]
    assert [d.isoformat() for d in sicily.date] == ["1943-07-10"]
    r = sicily.iloc[0]
    assert r.source.startswith("http") and bool(r.verified)
    assert "United States of America" in r.counterpart


def test_empty_state_filter_is_an_error():
    """Issue 12: `--states ,,,` must not silently mean every state."""
    import pytest

    from realign.errors import InvalidParameterError
    from realign.system.history import history

    with pytest.raises(InvalidParameterError, match="names no state"):
        history("1943-02-02", 6, states=[])
