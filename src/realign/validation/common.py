"""Shared pieces of the validation cases: inputs known on a date, landscape predictions, scoring.

Leakage rules (every case states them in its ``data_used``):

* **states** — COW system membership on the prediction date (``System.at(date)``);
* **sizes** — COW NMC v7.0 CINC of the *previous* year (the annual figure of the prediction year
  averages months after the date; e.g. 1939 includes wartime mobilisation), normalised to the
  states in the landscape;
* **propensities** — :class:`~realign.models.propensity.PropensityModel` weights fitted on wars that
  started before ``fit_before`` (never after the prediction date), factors from
  :func:`~realign.models.propensity.dyad_factors` on the prediction date (ATOP and V-Dem of the
  previous year, wars/MIDs ended before the date, contiguity that day, territorial changes before
  the year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from realign.data.names import parse_date
from realign.errors import InvalidParameterError
from realign.models import propensity as _prop
from realign.models.landscape import Landscape
from realign.system import snapshot as _snap
from realign.system.information import InformationSet

__all__ = [
    "top_minima",
    "SIDE_LABELS",
    "members_on",
    "sizes_before",
    "propensity_on",
    "predict_landscape",
    "match_and_score",
    "confusion_rows",
    "state_names",
    "data_used_landscape",
]

#: How actual sides are printed: 1 and 2 are COW sides of the war, 0 = not a belligerent.
SIDE_LABELS = {0: "neutral", 1: "side 1", 2: "side 2"}


def members_on(date: str | dt.date) -> Any:
    """System members on ``date`` (the ``states`` frame of ``System.at``).

    Parameters
    ----------
    date : str | datetime.date
        The day (``YYYY-MM-DD`` text is parsed strictly).

    Returns
    -------
    pandas.DataFrame
        One row per COW system member that day (``ccode``, ``name``, ...).

    Raises
    ------
    InvalidDateError
        A malformed or missing date.
    """
    return _snap.System.at(parse_date(date)).states


def state_names(date: str | dt.date) -> dict[int, str]:
    """ccode -> COW state name on ``date``.

    Parameters
    ----------
    date : str | datetime.date
        The day (``YYYY-MM-DD`` text is parsed strictly).

    Returns
    -------
    dict of int to str
        COW state code (ccode) -> COW state name, for the system members that day.
    """
    st = members_on(date)
    return dict(zip(st["ccode"].astype(int), st["name"].astype(str), strict=True))


def sizes_before(date: str | dt.date, ids: Sequence[int]) -> tuple[np.ndarray, int]:
    """CINC shares among ``ids`` from COW NMC for the year before ``date``; returns (sizes, year).

    A state without a CINC that year gets the smallest positive CINC among the others (it is in
    the system but unmeasured); sizes are normalised to sum to 1.

    Parameters
    ----------
    date : str | datetime.date
        The prediction date; the CINC of the previous calendar year is read.
    ids : Sequence[int]
        COW state codes (ccode) of the landscape.

    Returns
    -------
    sizes : np.ndarray
        CINC shares of ``ids`` (in that order), summing to 1.
    year : int
        The NMC year read (``date.year - 1``).

    Raises
    ------
    InvalidParameterError
        No state of ``ids`` has a CINC that year.
    """
    d = parse_date(date)
    year = d.year - 1
    nmc = InformationSet(d).nmc()  # years known on d; the previous year's is always among them
    cinc = nmc[nmc["year"] == year].drop_duplicates("ccode").set_index("ccode")["cinc"]
    v = cinc.reindex([int(c) for c in ids]).to_numpy(float)
    if np.all(np.isnan(v)):
        raise InvalidParameterError(f"No COW NMC CINC for {year} for states {list(ids)}.")
    floor = np.nanmin(v[v > 0]) if np.any(v > 0) else 1.0
    v = np.where(np.isnan(v) | (v <= 0), floor, v)
    return v / v.sum(), year


def propensity_on(
    date: str | dt.date, ids: Sequence[int], *, fit_before: str | dt.date | None = None, drop: Sequence[str] = ()
) -> tuple[np.ndarray, _prop.PropensityModel]:
    """Propensity matrix on ``date`` from weights fitted on wars that started before ``fit_before``
    (default: ``date``). ``drop`` zeroes the weights of the named factors (ablations).

    Parameters
    ----------
    date : str | datetime.date
        The prediction date (factors are read as known that day).
    ids : Sequence[int]
        COW state codes (ccode), in matrix order.
    fit_before : str | datetime.date | None
        Fit the weights on wars that started before this day; None means ``date``.
    drop : Sequence[str]
        Names of propensity factors whose weights are set to 0.

    Returns
    -------
    p : np.ndarray
        The ``len(ids) x len(ids)`` propensity matrix.
    model : PropensityModel
        The fitted model (its weights before ``drop``).

    Raises
    ------
    InvalidParameterError
        ``fit_before`` is after ``date`` or ``drop`` names an unknown factor.
    """
    d = parse_date(date)
    fb = parse_date(fit_before) if fit_before is not None else d
    if fb > d:
        raise InvalidParameterError(f"fit_before ({fb}) must not be after the prediction date ({d}).")
    model = _prop.fitted_model(fb)
    coef = dict(model.coef_)
    for k in drop:
        if k not in coef:
            raise InvalidParameterError(f"Unknown propensity factor {k!r}; choose from {list(coef)}.")
        coef[k] = 0.0
    return model.propensity(d, [int(c) for c in ids], coef=coef), model


def predict_landscape(
    date: str | dt.date,
    ids: Sequence[int],
    *,
    fit_before: str | dt.date | None = None,
    seed: int = 0,
    drop: Sequence[str] = (),
) -> tuple[Landscape, dict[str, Any], np.ndarray]:
    """Two-coalition landscape on ``date`` for ``ids``: (fitted Landscape, data_used, sizes).

    Parameters
    ----------
    date : str | datetime.date
        The prediction date.
    ids : Sequence[int]
        COW state codes (ccode) of the states to split.
    fit_before : str | datetime.date | None
        Fit the propensity weights on wars that started before this day (None: ``date``).
    seed : int
        Seed of the landscape solver.
    drop : Sequence[str]
        Propensity factors to zero (ablations).

    Returns
    -------
    land : Landscape
        The fitted two-coalition landscape.
    data_used : dict
        What was read and its latest date (:func:`data_used_landscape`).
    sizes : np.ndarray
        The CINC shares used (previous year, normalised).

    Raises
    ------
    InvalidParameterError
        As :func:`sizes_before` and :func:`propensity_on`.
    """
    d = parse_date(date)
    ids = [int(c) for c in ids]
    sizes, cinc_year = sizes_before(d, ids)
    p, model = propensity_on(d, ids, fit_before=fit_before, drop=drop)
    land = Landscape(k=2, seed=seed).fit(sizes, p, ids=ids)
    info = data_used_landscape(d, model, cinc_year, ids, drop=drop)
    return land, info, sizes


def data_used_landscape(
    d: dt.date, model: _prop.PropensityModel, cinc_year: int, ids: Sequence[int], drop: Sequence[str] = ()
) -> dict[str, Any]:
    """The ``data_used`` block of a landscape prediction (what was read, and its latest date).

    Parameters
    ----------
    d : datetime.date
        The prediction date.
    model : PropensityModel
        The fitted propensity model (its wars, pairs and cut-off are reported).
    cinc_year : int
        The NMC year whose CINC gave the sizes.
    ids : Sequence[int]
        COW state codes (ccode) of the landscape.
    drop : Sequence[str]
        Propensity factors that were zeroed.

    Returns
    -------
    dict
        Text per input (``states``, ``sizes``, ``propensity_weights``, ...) plus ``prediction_date``,
        ``factors_dropped`` and ``latest_information``.
    """
    return {
        "prediction_date": d.isoformat(),
        "states": f"COW state system members on {d} ({len(ids)} states)",
        "sizes": f"COW NMC v7.0 CINC for {cinc_year} (year before the prediction date)",
        "propensity_weights": (
            f"PropensityModel fitted on {model.n_wars_} multi-state wars that started before "
            f"{model.before_} ({model.n_pairs_} pairs)"
        ),
        "propensity_factors": (
            f"ATOP 5.1 and V-Dem for {d.year - 1}; COW wars and MIDs ended before {d}; "
            f"COW contiguity on {d}; COW territorial changes before {d.year}; WRP religion "
            f"(missing before 1945)"
        ),
        "factors_dropped": list(drop),
        "latest_information": d.isoformat(),
    }


def match_and_score(
    coalitions: Sequence[Sequence[Hashable]], actual: Mapping[Hashable, int], sides: tuple[int, int] = (1, 2)
) -> dict[str, Any]:
    """Label the two predicted coalitions with the actual sides by best agreement and score them.

    ``actual`` maps each id to its actual side (``sides[0]``, ``sides[1]``, or 0 for not a
    belligerent/member of either bloc). Accuracy is over ids whose actual side is one of ``sides``;
    ids with side 0 are listed but not scored. Because the labels are chosen to agree best, a
    two-coalition accuracy is never below 0.5 — the baseline to beat.

    Parameters
    ----------
    coalitions : Sequence[Sequence[Hashable]]
        The predicted coalitions' members (a third or later coalition is predicted side 0).
    actual : Mapping[Hashable, int]
        id -> actual side (missing ids count as 0).
    sides : tuple of (int, int)
        The two side codes to score.

    Returns
    -------
    dict
        ``accuracy`` (share in [0, 1], NaN if nothing scored), ``n``, ``correct``, ``predicted``
        (id -> side), ``coalition_side`` (coalition index -> side) and ``confusion`` (:func:`confusion_rows`).
    """
    label = {}
    for ci, members in enumerate(coalitions):
        for x in members:
            label[x] = ci
    scored = [x for x in label if actual.get(x, 0) in sides]
    best = None
    for mapping in ((sides[0], sides[1]), (sides[1], sides[0])):
        pred = {x: mapping[label[x]] if label[x] < 2 else 0 for x in label}
        hits = sum(pred[x] == actual[x] for x in scored)
        if best is None or hits > best[0]:
            best = (hits, pred, mapping)
    hits, pred, mapping = best
    n = len(scored)
    return {
        "accuracy": (hits / n) if n else float("nan"),
        "n": n,
        "correct": hits,
        "predicted": pred,
        "coalition_side": {str(i): int(s) for i, s in enumerate(mapping)},
        "confusion": confusion_rows(pred, actual, sides),
    }


def confusion_rows(
    pred: Mapping[Hashable, int], actual: Mapping[Hashable, int], sides: tuple[int, int] = (1, 2)
) -> list[dict[str, Any]]:
    """Confusion table rows: one per actual class (sides then 0), counts per predicted side.

    Parameters
    ----------
    pred : Mapping[Hashable, int]
        id -> predicted side.
    actual : Mapping[Hashable, int]
        id -> actual side (missing ids count as 0).
    sides : tuple of (int, int)
        The two side codes.

    Returns
    -------
    list of dict
        ``{"actual": a, "predicted_<s>": count, ...}`` per actual class; the 0 row only when it has ids.
    """
    rows = []
    for a in (*sides, 0):
        ids = [x for x in pred if actual.get(x, 0) == a]
        if a == 0 and not ids:
            continue
        rows.append({"actual": a, **{f"predicted_{s}": sum(pred[x] == s for x in ids) for s in sides}})
    return rows


def named_confusion(rows: list[dict[str, Any]], names: Mapping[int, str]) -> list[dict[str, Any]]:
    """:func:`confusion_rows` with side codes replaced by names, for reports.

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`confusion_rows` with sides (1, 2).
    names : Mapping[int, str]
        Side code -> name (0, 1 and 2).

    Returns
    -------
    list of dict
        ``{"actual": name, "predicted_<name of 1>": count, "predicted_<name of 2>": count}`` per row.
    """
    return [
        {"actual": names[r["actual"]], **{f"predicted_{names[s]}": r[f"predicted_{s}"] for s in (1, 2)}} for r in rows
    ]


def top_minima(land: Landscape, truth: Mapping[Hashable, int], k: int = 3) -> list[dict]:
    """The ``k`` lowest minima of a fitted landscape, each scored against the recorded sides.

    Parameters
    ----------
    land : Landscape
        A fitted landscape (``minima_`` sorted by energy).
    truth : Mapping
        The recorded side per state (as :func:`match_and_score` takes it).
    k : int
        How many minima to list.

    Returns
    -------
    list of dict
        Per minimum: ``energy``, ``basin``, ``accuracy`` (best-agreement labelling) and ``coalitions``.
    """
    return [
        {
            "energy": m.energy,
            "basin": m.basin,
            "accuracy": match_and_score(m.coalitions, truth)["accuracy"],
            "coalitions": [[int(x) for x in g] for g in m.coalitions],
        }
        for m in land.minima_[:k]
    ]
