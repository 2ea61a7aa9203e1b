"""AlignmentChoice.fit on assembled panels (build_panels) equals the fit from its date parameters."""

import pytest

from realign.errors import InvalidParameterError
from realign.models.choice import AlignmentChoice, build_panels

SPEC = ((106, "1914-07-28", "1915-12-31", "1914-07-28"),)


def test_fit_on_assembled_panels_equals_fit_from_parameters():
    by_spec = AlignmentChoice(panels=SPEC).fit()
    given = AlignmentChoice().fit(build_panels(SPEC))  # the panels parameter is not used when data is given
    assert given.params_ == by_spec.params_ and given.n_obs_ == by_spec.n_obs_
    assert given.fit_end_ == by_spec.fit_end_ and str(given.fit_end_) == "1915-12-31"


@pytest.mark.parametrize(
    "bad, needle",
    [((), "non-empty tuple of Panel"), ([1], "non-empty tuple of Panel"), ("x", "non-empty tuple of Panel")],
)
def test_fit_refuses_data_that_is_not_panels(bad, needle):
    with pytest.raises(InvalidParameterError, match=needle):
        AlignmentChoice().fit(bad)


@pytest.mark.parametrize("panels", [(), "1914", ((106, "1914-07-28"),), (106,)])
def test_bad_panel_specs_give_a_clear_error(panels):
    with pytest.raises(InvalidParameterError, match="'panels' parameter of AlignmentChoice"):
        AlignmentChoice(panels=panels).fit()
