"""Scores for probability forecasts of rare events, with their uncertainty.

Pure functions on arrays of forecast probabilities ``p`` and outcomes ``y`` (0/1): the AUC, the
Brier score and its skill, Murphy's (1973) decomposition of the Brier score into reliability,
resolution and uncertainty over a reliability table, and percentile intervals from a **cluster
bootstrap** (whole states resampled with replacement: a state's monthly forecasts are not
independent draws, so resampling cells would understate the error; Field & Welsh 2007).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from realign.errors import InvalidParameterError

__all__ = [
    "auc",
    "brier",
    "brier_skill",
    "reliability_table",
    "murphy_decomposition",
    "cluster_bootstrap_ci",
    "RELIABILITY_EDGES",
]

#: Bin edges of the reliability table: finer at the low end, where rare-event forecasts live.
RELIABILITY_EDGES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


def _check(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p, y = np.asarray(p, float), np.asarray(y, float)
    if p.shape != y.shape or p.ndim != 1:
        raise InvalidParameterError(f"p and y must be 1-D arrays of the same length. Got {p.shape} and {y.shape}.")
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise InvalidParameterError("p must hold probabilities in [0, 1].")
    if np.any((y != 0) & (y != 1)):
        raise InvalidParameterError("y must hold 0/1 outcomes.")
    return p, y


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney; ties count half). NaN without both classes.

    Parameters
    ----------
    p : np.ndarray
        1-D forecast probabilities in [0, 1].
    y : np.ndarray
        0/1 outcomes, same length as ``p``.

    Returns
    -------
    float
        The AUC in [0, 1]; NaN when ``y`` lacks events or non-events.

    Raises
    ------
    InvalidParameterError
        Shapes differ, ``p`` is outside [0, 1] or ``y`` is not 0/1.
    """
    from scipy.stats import rankdata

    p, y = _check(p, y)
    yb = y.astype(bool)
    n1, n0 = int(yb.sum()), int((~yb).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(p)
    return float((r[yb].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def brier(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the probabilities (0 is perfect). NaN for no cells.

    Parameters
    ----------
    p : np.ndarray
        1-D forecast probabilities in [0, 1].
    y : np.ndarray
        0/1 outcomes, same length as ``p``.

    Returns
    -------
    float
        The Brier score in [0, 1].

    Raises
    ------
    InvalidParameterError
        Shapes differ, ``p`` is outside [0, 1] or ``y`` is not 0/1.
    """
    p, y = _check(p, y)
    return float(np.mean((p - y) ** 2)) if len(p) else float("nan")


def brier_skill(p: np.ndarray, y: np.ndarray) -> float:
    """``1 - Brier / Brier(persistence)``: persistence forecasts no change (p = 0), so its Brier is the event share.

    Parameters
    ----------
    p : np.ndarray
        1-D forecast probabilities in [0, 1].
    y : np.ndarray
        0/1 outcomes, same length as ``p``.

    Returns
    -------
    float
        The skill (1 is perfect, 0 no better than persistence); NaN when ``y`` has no event.

    Raises
    ------
    InvalidParameterError
        Shapes differ, ``p`` is outside [0, 1] or ``y`` is not 0/1.
    """
    p, y = _check(p, y)
    ref = float(np.mean(y)) if len(y) else float("nan")
    return 1 - brier(p, y) / ref if ref else float("nan")


def reliability_table(p: np.ndarray, y: np.ndarray, edges: tuple[float, ...] = RELIABILITY_EDGES) -> list[dict]:
    """Per probability bin: cells, events, mean forecast and observed frequency (bins are ``[lo, hi)``, last closed).

    A calibrated forecast has ``observed`` close to ``mean_p`` in every bin with enough cells.

    Parameters
    ----------
    p : np.ndarray
        1-D forecast probabilities in [0, 1].
    y : np.ndarray
        0/1 outcomes, same length as ``p``.
    edges : tuple of float
        Bin edges, strictly increasing from 0 to 1 (default :data:`RELIABILITY_EDGES`).

    Returns
    -------
    list of dict
        One dict per bin: ``lo``, ``hi``, ``cells``, ``events``, ``mean_p`` and ``observed``
        (the last two None for an empty bin).

    Raises
    ------
    InvalidParameterError
        Bad ``p``/``y`` (as in :func:`brier`) or edges that do not increase strictly from 0 to 1.
    """
    p, y = _check(p, y)
    e = np.asarray(edges, float)
    if e.ndim != 1 or len(e) < 2 or np.any(np.diff(e) <= 0) or e[0] > 0 or e[-1] < 1:
        raise InvalidParameterError("edges must increase strictly from 0 to 1.")
    k = np.clip(np.searchsorted(e, p, side="right") - 1, 0, len(e) - 2)
    out = []
    for b in range(len(e) - 1):
        m = k == b
        n = int(m.sum())
        out.append(
            {
                "lo": float(e[b]),
                "hi": float(e[b + 1]),
                "cells": n,
                "events": int(y[m].sum()),
                "mean_p": float(p[m].mean()) if n else None,
                "observed": float(y[m].mean()) if n else None,
            }
        )
    return out


def murphy_decomposition(p: np.ndarray, y: np.ndarray, edges: tuple[float, ...] = RELIABILITY_EDGES) -> dict:
    """Brier = reliability - resolution + uncertainty (+ a within-bin remainder), over the reliability bins.

    Murphy (1973), *Journal of Applied Meteorology* 12(4). Reliability (lower is better) is the
    calibration error; resolution (higher is better) is how far the bins' observed frequencies move
    from the overall rate, i.e. how much the forecast sorts cells; uncertainty is ``rate (1 - rate)``.
    ``within_bin`` is what the binning leaves out (the exact Brier minus the three-term sum).

    Parameters
    ----------
    p, y : np.ndarray
        1-D forecast probabilities in [0, 1] and 0/1 outcomes of the same length.
    edges : tuple of float
        Reliability bin edges, as in :func:`reliability_table`.

    Returns
    -------
    dict
        ``brier``, ``reliability``, ``resolution``, ``uncertainty`` and ``within_bin`` (all NaN for no cells).

    Raises
    ------
    InvalidParameterError
        Bad ``p``/``y`` or ``edges``.
    """
    p, y = _check(p, y)
    n = len(p)
    if n == 0:
        return {
            "brier": float("nan"),
            "reliability": float("nan"),
            "resolution": float("nan"),
            "uncertainty": float("nan"),
            "within_bin": float("nan"),
        }
    rate = float(y.mean())
    rel = res = 0.0
    for b in reliability_table(p, y, edges):
        if b["cells"]:
            w = b["cells"] / n
            rel += w * (b["mean_p"] - b["observed"]) ** 2
            res += w * (b["observed"] - rate) ** 2
    unc = rate * (1 - rate)
    bs = brier(p, y)
    return {
        "brier": bs,
        "reliability": rel,
        "resolution": res,
        "uncertainty": unc,
        "within_bin": bs - (rel - res + unc),
    }


def cluster_bootstrap_ci(
    p: np.ndarray,
    y: np.ndarray,
    clusters: np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], float],
    *,
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile interval of ``statistic(p, y)`` over bootstrap resamples of whole clusters.

    Resamples whose statistic is undefined (NaN, e.g. an AUC without an event) are dropped; if
    fewer than half remain the interval is (NaN, NaN). Deterministic for a given ``seed``.

    Parameters
    ----------
    p, y : np.ndarray
        1-D forecast probabilities in [0, 1] and 0/1 outcomes of the same length.
    clusters : np.ndarray
        One cluster label per cell (e.g. the ccode); whole clusters are resampled.
    statistic : Callable[[np.ndarray, np.ndarray], float]
        Score of ``(p, y)``, e.g. :func:`auc` or :func:`brier`.
    resamples : int
        Bootstrap resamples (>= 1; default 1000).
    seed : int
        Seed of the random generator.
    level : float
        Coverage of the interval, in (0, 1) (default 0.95).

    Returns
    -------
    tuple of (float, float)
        The lower and upper percentile bounds; (NaN, NaN) when too few resamples are defined.

    Raises
    ------
    InvalidParameterError
        Bad ``p``/``y``, ``clusters`` of another shape, ``level`` outside (0, 1) or ``resamples`` < 1.
    """
    p, y = _check(p, y)
    clusters = np.asarray(clusters)
    if clusters.shape != p.shape:
        raise InvalidParameterError("clusters must have one label per cell.")
    if not 0 < level < 1:
        raise InvalidParameterError(f"level must be in (0, 1). Got {level}.")
    if resamples < 1:
        raise InvalidParameterError(f"resamples must be >= 1. Got {resamples}.")
    labels, inv = np.unique(clusters, return_inverse=True)
    members = [np.flatnonzero(inv == g) for g in range(len(labels))]
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(resamples):
        pick = rng.integers(0, len(labels), len(labels))
        idx = np.concatenate([members[g] for g in pick]) if len(pick) else np.array([], int)
        v = statistic(p[idx], y[idx])
        if np.isfinite(v):
            vals.append(v)
    if len(vals) < resamples / 2:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    lo, hi = np.quantile(vals, [a, 1 - a])
    return float(lo), float(hi)
