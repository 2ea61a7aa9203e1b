"""Validation case 4: the 1955 blocs, NATO vs Warsaw Pact, predicted by the landscape.

Prediction date **1955-05-13**: West Germany is a COW member again (5 May 1955) and the Warsaw Pact
is signed the next day. States: European members (ccode 200–399) plus the USA, Canada and Turkey.
Sizes: CINC 1954. Propensity weights fitted on wars that started before 1955-01-01 (the same set
as before 1955-05-13: no inter-state war started in between); factors on 1955-05-13 (ATOP and
V-Dem 1954, wars/MIDs ended before the date, contiguity that day).

Because ATOP 1954 already contains NATO (1949, Greece and Turkey 1952) and the USSR's bilateral
treaties with its neighbours, the prediction largely tests whether the alliance factor carries
the blocs forward. A second prediction drops the two alliance factors (``defense``,
``other_pact``) to see how far war history, MIDs, regime similarity, contiguity, territory and
religion get alone.

Actual blocs: the WWII events table rows ``pact_joined`` "North Atlantic Treaty (NATO)" (side 1)
and "Warsaw Pact" (side 2) dated up to 1955-12-31; other states are "neutral" (listed, not scored).
Cross-check: ATOP 1955 defence obligations with the USA (side 1) or the USSR (side 2).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from realign.system.information import InformationSet
from realign.validation.common import match_and_score, members_on, named_confusion, predict_landscape, top_minima

__all__ = ["DATE", "FIT_BEFORE", "pact_members", "atop_blocs", "states_for", "run"]

DATE = dt.date(1955, 5, 13)
FIT_BEFORE = dt.date(1955, 1, 1)
SIDE_NAMES = {1: "NATO", 2: "Warsaw Pact", 0: "neutral"}


def pact_members(until: str = "1955-12-31") -> dict[str, dict[int, str]]:
    """{"NATO": {ccode: date}, "Warsaw Pact": {...}} from the WWII events table (``pact_joined`` rows).

    Parameters
    ----------
    until : str
        Last day (``YYYY-MM-DD``) of the accessions read.

    Returns
    -------
    dict of str to dict of int to str
        Pact -> COW state code (ccode) -> ISO date of its first accession.
    """
    ev = InformationSet(until).ww2_events()  # dated on or before `until`
    ev = ev[(ev["kind"] == "pact_joined") & ev["ccode"].notna()]
    out: dict[str, dict[int, str]] = {"NATO": {}, "Warsaw Pact": {}}
    for r in ev.sort_values("date").itertuples():
        key = (
            "NATO"
            if str(r.counterpart).startswith("North Atlantic Treaty")
            else ("Warsaw Pact" if str(r.counterpart).startswith("Warsaw Pact") else None)
        )
        if key:
            out[key].setdefault(int(r.ccode), r.date.date().isoformat())
    return out


def atop_blocs(year: int = 1955) -> dict[int, int]:
    """ccode -> 1 (ATOP defence tie with the USA), 2 (with the USSR), 3 (both); the USA/USSR themselves.

    Parameters
    ----------
    year : int
        The ATOP 5.1 year read.

    Returns
    -------
    dict of int to int
        COW state code (ccode) -> bloc code 1, 2 or 3 (the USA is 1, the USSR 2).
    """
    a = InformationSet(dt.date(year, 12, 31)).atop(year)
    a = a[a["atop_defense"] > 0]
    out: dict[int, int] = {2: 1, 365: 2}
    for hub, side in ((2, 1), (365, 2)):
        for c in a.loc[a["ccode1"] == hub, "ccode2"].astype(int):
            out[c] = out.get(c, 0) | side if c not in (2, 365) else out[c]
    return out


def states_for(date: dt.date = DATE) -> list[int]:
    """The case's states on ``date``: European members (ccode 200-399) plus the USA, Canada and Turkey.

    Parameters
    ----------
    date : datetime.date
        The prediction date (default :data:`DATE`).

    Returns
    -------
    list of int
        COW state codes (ccode), sorted.
    """
    st = members_on(date)
    return sorted(int(c) for c in st["ccode"] if 200 <= int(c) < 400 or int(c) in (2, 20, 640))


def _predict(ids: list[int], truth: dict[int, int], seed: int, drop: tuple[str, ...]) -> dict[str, Any]:
    land, used, sizes = predict_landscape(DATE, ids, fit_before=FIT_BEFORE, seed=seed, drop=drop)
    sc = match_and_score(land.coalitions_, truth)
    ab = atop_blocs(1955)
    names = dict(zip(members_on(DATE)["ccode"].astype(int), members_on(DATE)["name"], strict=True))
    rows = [
        {
            "ccode": c,
            "state": names.get(c, str(c)),
            "size": round(float(s), 5),
            "predicted": SIDE_NAMES[sc["predicted"][c]],
            "actual": SIDE_NAMES[truth[c]],
            "atop_1955": {0: "none", 1: "USA", 2: "USSR", 3: "both"}[ab.get(c, 0)],
            "correct": None if truth[c] == 0 else bool(sc["predicted"][c] == truth[c]),
        }
        for c, s in zip(ids, sizes, strict=True)
    ]
    minima = top_minima(land, truth)
    confusion = named_confusion(sc["confusion"], SIDE_NAMES)
    return {
        "date": DATE.isoformat(),
        "accuracy": sc["accuracy"],
        "n": sc["n"],
        "correct": sc["correct"],
        "confusion": confusion,
        "per_state": rows,
        "data_used": used,
        "exact": bool(land.exact_),
        "n_minima": len(land.minima_),
        "minima": minima,
        "n_neutral": sum(1 for c in ids if truth[c] == 0),
    }


@cache
def _run(seed: int) -> dict[str, Any]:
    ids = states_for(DATE)
    pm = pact_members()
    truth = {c: 1 if c in pm["NATO"] else 2 if c in pm["Warsaw Pact"] else 0 for c in ids}
    main = _predict(ids, truth, seed, ())
    ablation = _predict(ids, truth, seed, ("defense", "other_pact"))
    ab = atop_blocs(1955)
    members = [c for c in ids if truth[c]]
    atop_agree = sum(ab.get(c, 0) == truth[c] for c in members) / len(members)
    return {
        "case": "blocs1955",
        "title": "NATO vs Warsaw Pact from data before 1955-05-14",
        **main,
        "subcases": {"without_alliance_factors": {**ablation, "title": "Same, with the ATOP alliance factors dropped"}},
        "pact_members": {k: {str(c): d for c, d in v.items()} for k, v in pm.items()},
        "atop_1955_agreement": atop_agree,
        "notes": [
            "Accuracy counts NATO and Warsaw Pact members; neutrals are listed, not scored.",
            "ATOP 1954 (in the factors) already includes NATO and the Soviet bilateral treaties: the main "
            "prediction tests persistence of alliances; the ablation tests the non-alliance factors.",
            f"ATOP 1955 defence ties with the USA/USSR agree with the pact lists for {atop_agree:.3f} of members.",
        ],
    }


def run(seed: int = 0) -> dict[str, Any]:
    """Run the 1955 blocs case (cached per seed); a JSON-ready dict.

    Parameters
    ----------
    seed : int
        Seed of the landscape solver.

    Returns
    -------
    dict
        ``accuracy``, ``n``, ``per_state``, ``subcases`` (alliance factors dropped), ``pact_members``,
        ``atop_1955_agreement``, ``notes``, ...
    """
    return _run(int(seed))
