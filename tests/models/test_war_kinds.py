"""War kinds for the hazard fit: multi-state wars and great-power wars (COW data facts)."""

import datetime as dt

from realign.models.war_kinds import is_great_power_war, multistate_wars
from realign.system.information import InformationSet


def _known(war, day):
    return InformationSet(day).war_spells(war)


def test_great_power_wars_are_the_wars_with_a_major_on_each_side():
    gp = [w for w in multistate_wars() if is_great_power_war(w)]
    # Crimean, Italian Unification, Seven Weeks, Franco-Prussian, WWI, Nomonhan, WWII, Korea (China a COW
    # major from 1950)
    assert gp == [22, 28, 55, 58, 106, 136, 139, 151]
    assert not is_great_power_war(211)  # the Gulf: every major on one side


def test_a_forecast_counts_only_the_entrants_known_at_its_date():
    # on 1939-09-02 only Germany and Poland were at war (the UK and France entered on 3 September)
    assert not is_great_power_war(139, _known(139, dt.date(1939, 9, 2)))
    assert is_great_power_war(139, _known(139, dt.date(1939, 9, 3)))
    # WWI on 1914-07-30: Austria-Hungary and Serbia only
    assert not is_great_power_war(106, _known(106, dt.date(1914, 7, 30)))
    assert is_great_power_war(106, _known(106, dt.date(1914, 8, 15)))
