"""Which wars the alignment hazards are fitted on, and of what kind (COW Inter-State War data v4.0).

``multistate_wars``: the coalition wars whose joins and exits are pooled; ``is_great_power_war``: the
stratum of a war for the join hazard (design iteration 13 in docs/validation.md).
"""

from __future__ import annotations

import pandas as pd

from realign.data.store import load_shared

__all__ = ["multistate_wars", "is_great_power_war"]


def multistate_wars(min_participants: int = 3) -> list[int]:
    """COW inter-state wars with at least ``min_participants`` states.

    Parameters
    ----------
    min_participants : int, default 3
        Fewest distinct participating states (ccodes).

    Returns
    -------
    list[int]
        COW war numbers, ascending.
    """
    w = load_shared("war_participants")
    n = w.groupby("war")["ccode"].nunique()
    return sorted(int(x) for x in n[n >= min_participants].index)


def is_great_power_war(war: int, spells: pd.DataFrame | None = None) -> bool:
    """A COW major power on each side when the war began (Levy 1983, *War in the Modern Great Power System*:
    wars between great powers).

    ``spells``: the war's participant spells as known at a forecast's cut-off
    (``InformationSet.war_spells``), so a forecast does not learn from a later entrant; default the full
    record (for the other wars, used in full by design). Entries into such wars (Sardinia 1855, Italy
    1915, the USA 1917) answer to other motives than those of wars where minor partners gather round one
    great power (Korea, the Gulf).

    Parameters
    ----------
    war : int
        COW war number.
    spells : pd.DataFrame or None, default None
        Participant spells (``ccode``, ``side``, ``start``); None reads the bundled record.

    Returns
    -------
    bool
        True if both sides have a COW major power on the war's first day; False for no spells.
    """
    if spells is None:
        w = load_shared("war_participants")  # the full record: wars fitted in full
        spells = w[w["war"] == war]
    if spells.empty:
        return False
    ts = spells["start"].min()
    maj = load_shared("majors")  # COW major-power spells (a dated code list; only spells begun by ts count)
    majors = set(maj[(maj["start"] <= ts) & (maj["end"] >= ts)]["ccode"].astype(int))
    return all(set(spells[spells["side"] == a]["ccode"].astype(int)) & majors for a in (1, 2))
