"""Dates are read in one place: a missing, malformed or impossible date is the date error everywhere (issue 12)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realign.data.names import is_member, parse_date, resolve, resolve_detail, resolve_states
from realign.errors import InvalidDateError, InvalidParameterError, UnknownStateError
from realign.essay.event import resolve_event
from realign.models import choice, propensity
from realign.simulation.engine import SimulationSpec
from realign.simulation.forecast import ForecastSpec
from realign.system import dashboard
from realign.system.history import history
from realign.system.information import InformationSet
from realign.system.snapshot import System
from realign.validation import common as vc
from realign.web.common import parse_day

#: Public entry points that take a date, each called with the date ``d`` (other arguments valid).
ENTRY_POINTS = {
    "parse_date": lambda d: parse_date(d),
    "System.at": lambda d: System.at(d),
    "InformationSet": lambda d: InformationSet(d),
    "history": lambda d: history(d, 12),
    "is_member": lambda d: is_member(360, d),
    "resolve": lambda d: resolve("Romania", d),
    "resolve_detail": lambda d: resolve_detail("Romania", d),
    "resolve_states": lambda d: resolve_states(["Romania"], d),
    "land_contiguity": lambda d: propensity.land_contiguity(d, [2, 200]),
    "dyad_factors": lambda d: propensity.dyad_factors(d, [2, 200]),
    "fitted_model": lambda d: propensity.fitted_model(d),
    "landscape_inputs_for_date": lambda d: propensity.landscape_inputs_for_date(d, [2, 200, 255]),
    "fitted_choice": lambda d: choice.fitted_choice(d),
    "members_on": lambda d: vc.members_on(d),
    "sizes_before": lambda d: vc.sizes_before(d, [2, 200]),
    "propensity_on": lambda d: vc.propensity_on(d, [2, 200]),
    "day_similarity": lambda d: dashboard.day_similarity(d),
    "network": lambda d: dashboard.network(d),
    "state_detail": lambda d: dashboard.state_detail(360, d),
    "landscape_defaults": lambda d: dashboard.landscape_defaults(d),
    "ForecastSpec.at": lambda d: ForecastSpec(war=139, at=d, until="1943-12-31"),
    "ForecastSpec.until": lambda d: ForecastSpec(war=139, at="1943-02-02", until=d),
    "SimulationSpec.start": lambda d: SimulationSpec(start=d, months=12),
    "parse_day (web)": lambda d: parse_day(d),
}
#: Where a date may be left out (None means "no date").
OPTIONAL = {"resolve", "resolve_detail", "resolve_states"}


def _is_valid(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()))


#: Text that is not a valid YYYY-MM-DD day: any text, and near misses (right shape, impossible day).
bad_text = st.one_of(
    st.text(max_size=20),
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)),
    st.sampled_from(["1942-02-30", "0000-01-01", "1942-11-19T00:00", "19421119", "1942/11/19", "١٩٤٢-١١-١٩"]),
).filter(lambda s: not _is_valid(s))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(ENTRY_POINTS)), bad=st.one_of(bad_text, st.integers(), st.floats()))
def test_a_malformed_date_is_the_date_error_at_every_entry_point(name, bad):
    with pytest.raises(InvalidDateError, match="(?i)date|month"):
        ENTRY_POINTS[name](bad)


@pytest.mark.parametrize("name", sorted(set(ENTRY_POINTS) - OPTIONAL))
def test_a_missing_date_is_the_date_error(name):
    with pytest.raises(InvalidDateError, match="required"):
        ENTRY_POINTS[name](None)


def test_the_date_error_is_a_parameter_error_not_a_state_error():
    assert issubclass(InvalidDateError, InvalidParameterError) and not issubclass(InvalidDateError, UnknownStateError)
    assert resolve_detail("Romania").ccode == 360  # the date is optional there
    assert parse_date(None, optional=True) is None


@given(
    st.builds(
        lambda y, m, d: f"Battle:{y:04d}-{m:02d}-{d:02d}:1943-02-02",
        st.integers(1000, 9999),
        st.integers(0, 99),
        st.integers(0, 99),
    ).filter(lambda s: not _is_valid(s[7:17]))
)
def test_an_essay_event_with_an_impossible_date_is_the_date_error(spec):
    with pytest.raises(InvalidDateError, match="invalid date"):
        resolve_event(spec)


def test_valid_dates_still_read():
    assert System.at("1942-11-19").date == dt.date(1942, 11, 19)
    assert InformationSet(" 1943-02-02 ").at == dt.date(1943, 2, 2)
    assert resolve_event("Stalingrad:1942-08-23:1943-02-02").start == dt.date(1942, 8, 23)
