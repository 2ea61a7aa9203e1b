import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.data.names import parse_date, resolve, resolve_detail
from realign.errors import AmbiguousStateError, InvalidDateError, UnknownStateError


@pytest.mark.parametrize(
    ("name", "date", "ccode"),
    [
        ("USSR", "1943-01-01", 365),
        ("Soviet Union", "1943-01-01", 365),
        ("Russia", "1900-01-01", 365),
        ("Soviet", "1950-01-01", 365),
        ("German Reich", "1940-01-01", 255),
        ("Prussia", "1850-01-01", 255),
        ("Germany", "1942-01-01", 255),
        ("Germany", "1960-01-01", 260),
        ("West Germany", "1955-05-09", 260),
        ("East Germany", "1960-01-01", 265),
        ("Germany", "2000-01-01", 255),
        ("Britain", "1942-01-01", 200),
        ("United Kingdom", "1942-01-01", 200),
        ("British", None, 200),
        ("Czechoslovakia", "1930-01-01", 315),
        ("Yugoslavia", "1941-01-01", 345),
        ("ROM", None, 360),
        ("Rumania", "1944-08-23", 360),
        ("Untied States", "1942-01-01", 2),  # typo: fuzzy match
        (365, None, 365),
    ],
)
def test_known_names_resolve(name, date, ccode):
    assert resolve(name, date) == ccode


def test_exile_government_keeps_state_and_flags_non_member():
    r = resolve_detail("Poland (exile)", "1942-05-01")
    assert r.ccode == 290 and not r.member and r.qualifier == "exile"


def test_ambiguous_name_lists_candidates():
    with pytest.raises(AmbiguousStateError) as exc:
        resolve("Korea")
    assert "North Korea" in str(exc.value) and "South Korea" in str(exc.value)


def test_unknown_name_suggests():
    with pytest.raises(UnknownStateError, match="Unknown state 'Narnia'"):
        resolve("Narnia")


def test_non_member_entity_has_no_code():
    with pytest.raises(UnknownStateError, match="not a COW system member"):
        resolve("Slovakia", "1941-01-01")
    assert resolve("Slovakia", "2000-01-01") == 317


def test_fuzzy_never_maps_group_names_to_states():
    with pytest.raises(UnknownStateError):
        resolve("Allied powers", "1947-02-10")


@pytest.mark.parametrize("bad", ["1942-13-01", "19421119", "1942/11/19", "", "yesterday"])
def test_malformed_dates_are_clear_errors(bad):
    with pytest.raises(InvalidDateError, match="date"):  # the date error, never UnknownStateError (issue 12)
        parse_date(bad)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_resolver_never_crashes_on_arbitrary_text(text):
    try:
        resolve(text, "1942-01-01")
    except UnknownStateError:
        pass


def test_non_ascii_digits_are_names_not_codes():
    """'²' passes str.isdigit() but is no ccode: a clear UnknownStateError, never a ValueError from int()."""
    with pytest.raises(UnknownStateError):
        resolve("²", "1942-01-01")
