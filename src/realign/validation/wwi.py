"""Validation case 2: WWI sides (COW war 106) predicted by the landscape from data before 1914-07-28.

Prediction: two-coalition global minimum on 1914-07-28 over the European members of the COW system
(ccode 200–399) plus the USA, Japan and the Ottoman Empire (640); propensity weights fitted on wars
that started before 1914-07-28 (war 106 excluded); sizes = CINC 1913.

Actual sides: COW Inter-State War v4.0 war 106, side of each state's first spell (1 Entente,
2 Central Powers); states that did not fight are "neutral" (listed, not scored). COW codes Serbia
as 345.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from realign.data.store import load_shared
from realign.validation.common import match_and_score, members_on, named_confusion, predict_landscape, top_minima
from realign.wars import SIDE_NAMES as _NAMES
from realign.wars import WWI

__all__ = ["WAR", "DATE", "actual_sides", "states_for", "run"]

WAR = WWI
DATE = dt.date(1914, 7, 28)
SIDE_NAMES = {**_NAMES[WWI], 0: "neutral"}


def actual_sides(ccodes: list[int]) -> dict[int, tuple[int, str]]:
    """ccode -> (COW side of the first spell in war 106, or 0; source).

    Parameters
    ----------
    ccodes : list of int
        COW state codes (ccode).

    Returns
    -------
    dict of int to tuple of (int, str)
        ccode -> (COW side 1/2, or 0 for not a participant; where it comes from).
    """
    # the outcome being scored: every spell of the war, read in full on purpose (not a model input)
    w = load_shared("war_participants")
    w = w[w["war"] == WAR].sort_values(["start", "spell"])
    out = {}
    for c in ccodes:
        rows = w[w["ccode"] == int(c)]
        if len(rows):
            r = rows.iloc[0]
            out[int(c)] = (int(r["side"]), f"COW war 106 side from {r['start'].date()}")
        else:
            out[int(c)] = (0, "not a participant in COW war 106")
    return out


def states_for(date: dt.date = DATE) -> list[int]:
    """European members on ``date`` plus the USA, Japan and the Ottoman Empire.

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
    return sorted(int(c) for c in st["ccode"] if 200 <= int(c) < 400 or int(c) in (2, 640, 740))


@cache
def _run(seed: int) -> dict[str, Any]:
    ids = states_for(DATE)
    land, used, sizes = predict_landscape(DATE, ids, fit_before=DATE, seed=seed)
    actual = actual_sides(ids)
    truth = {c: s for c, (s, _) in actual.items()}
    sc = match_and_score(land.coalitions_, truth)
    names = dict(zip(members_on(DATE)["ccode"].astype(int), members_on(DATE)["name"], strict=True))
    rows = [
        {
            "ccode": c,
            "state": names.get(c, str(c)),
            "size": round(float(s), 5),
            "predicted": SIDE_NAMES[sc["predicted"][c]],
            "actual": SIDE_NAMES[actual[c][0]],
            "correct": None if actual[c][0] == 0 else bool(sc["predicted"][c] == actual[c][0]),
            "actual_source": actual[c][1],
        }
        for c, s in zip(ids, sizes, strict=True)
    ]
    minima = top_minima(land, truth)
    confusion = named_confusion(sc["confusion"], SIDE_NAMES)
    return {
        "case": "wwi",
        "title": "WWI sides from data before 1914-07-28",
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
        "notes": [
            "Accuracy counts states that fought in war 106; neutrals are listed, not scored.",
            "Coalition labels are matched to sides by best agreement (0.5 is the floor).",
        ],
    }


def run(seed: int = 0) -> dict[str, Any]:
    """Run the WWI case (cached per seed); a JSON-ready dict.

    Parameters
    ----------
    seed : int
        Seed of the landscape solver.

    Returns
    -------
    dict
        ``accuracy``, ``n``, ``correct``, ``confusion``, ``per_state``, ``minima``, ...
    """
    return _run(int(seed))
