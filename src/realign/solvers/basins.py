"""Basins of attraction of landscape minima: counted exactly or estimated with a stated error.

The basin of a local minimum is the share of configurations whose steepest descent (the landscape's
own rule, :func:`realign.solvers.heuristic.descend_labels`) ends in it. For small ``N`` every one of the
``2^(N-1)`` configurations is descended and the shares are exact; beyond that they are estimated from
``n`` uniformly random starts, and each share gets a Wilson score interval (Wilson 1927): the count
of starts ending in a minimum is Binomial(n, basin), so the interval covers the true basin with
(about) the stated confidence. A minimum no start reached gets basin 0 and an interval ``[0, hi]``
with ``hi`` ≈ 3.84 / n at 95%: its basin is small, not known to be zero.

References
----------
Wilson, E. B. (1927) Probable inference, the law of succession, and statistical inference.
*JASA* 22(158), 209–212. Brown, L. D., Cai, T. T. & DasGupta, A. (2001) Interval estimation for a
binomial proportion. *Statistical Science* 16(2), 101–133 (why Wilson rather than the Wald interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from realign.errors import InvalidParameterError

__all__ = ["BasinEstimate", "basin_counts", "wilson_interval"]


def wilson_interval(successes: Any, n: int, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval ``(lo, hi)`` for a binomial proportion ``successes / n`` (arrays or ints).

    ``lo <= successes / n <= hi`` and ``0 <= lo <= hi <= 1`` always hold.

    Parameters
    ----------
    successes : Any
        Count(s) of successes: an int or array of whole numbers in ``[0, n]``.
    n : int
        Number of trials, >= 1.
    confidence : float, default 0.95
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        ``(lo, hi)``: lower and upper bounds (proportions in [0, 1]), shaped like ``successes``.

    Raises
    ------
    InvalidParameterError
        If ``n`` is not an int >= 1, ``confidence`` is outside (0, 1), or ``successes`` are not whole
        numbers in ``[0, n]``.

    Examples
    --------
    >>> lo, hi = wilson_interval(0, 4096)
    >>> float(lo), round(float(hi), 5)
    (0.0, 0.00094)
    >>> [round(float(x), 4) for x in wilson_interval(50, 100)]
    [0.4038, 0.5962]
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InvalidParameterError(f"The 'n' parameter of wilson_interval must be an int >= 1. Got {n!r} instead.")
    if not (isinstance(confidence, float | int) and 0 < confidence < 1):
        raise InvalidParameterError(
            f"The 'confidence' parameter of wilson_interval must be a float in (0, 1). Got {confidence!r} instead."
        )
    x = np.asarray(successes, dtype=np.float64)
    if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x > n) or np.any(x != np.floor(x)):
        raise InvalidParameterError(
            f"The 'successes' parameter of wilson_interval must be whole numbers in [0, {n}]. "
            f"Got {successes!r} instead."
        )
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    p = x / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z / denom * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    # clip float rounding: the exact interval always holds p and lies in [0, 1]
    lo = np.clip(np.minimum(centre - half, p), 0.0, 1.0)
    hi = np.clip(np.maximum(centre + half, p), 0.0, 1.0)
    return lo, hi


@dataclass(frozen=True)
class BasinEstimate:
    """Basin shares of a list of minima (fractions of configurations, in list order).

    ``method`` is ``"exact"`` (every configuration descended; ``lo == hi == share``) or ``"sampled"``
    (``starts`` uniform random starts; ``lo``/``hi`` the ``confidence`` Wilson interval).
    ``unmatched`` is the share of descents ending in a minimum not in the list (a truncated list).
    """

    share: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    starts: int
    method: str
    confidence: float
    unmatched: float


def basin_counts(
    ends: np.ndarray, minima_labels: np.ndarray, *, exact: bool, confidence: float = 0.95
) -> BasinEstimate:
    """Basins of ``minima_labels`` (m, N; normalised 0/1 labels) from descent end points ``ends`` (S, N).

    ``exact=True``: ``ends`` are the descents of every configuration (``S = 2^(N-1)``), so the shares
    are counts, not estimates. Otherwise ``ends`` come from ``S`` uniform random starts and each share
    gets a Wilson interval at ``confidence``.

    Parameters
    ----------
    ends : np.ndarray
        Shape (S, N), 0/1 labels of the descent end points (normalised: element 0 has label 0).
    minima_labels : np.ndarray
        Shape (m, N), 0/1 labels of the minima whose basins are counted (same normalisation).
    exact : bool
        True if ``ends`` hold the descent of every configuration; False for uniform random starts.
    confidence : float, default 0.95
        Level of the Wilson interval when ``exact`` is False.

    Returns
    -------
    BasinEstimate
        Shares (m,) of ``ends`` landing on each minimum, their bounds, ``starts = S``, the method and
        the unmatched share.

    Raises
    ------
    InvalidParameterError
        If the arrays are not 2-D with the same N, ``ends`` is empty, or (sampled) ``confidence`` is
        outside (0, 1).
    """
    ends = np.ascontiguousarray(ends, dtype=np.int8)
    labels = np.ascontiguousarray(minima_labels, dtype=np.int8)
    if ends.ndim != 2 or labels.ndim != 2 or ends.shape[1] != labels.shape[1]:
        raise InvalidParameterError(f"descent ends {ends.shape} and minima {labels.shape} must both be (rows, N)")
    total = int(len(ends))
    if total == 0:
        raise InvalidParameterError("basin_counts needs at least one descent end point; got none")
    keys, counts = np.unique(ends, axis=0, return_counts=True)
    table = {k.tobytes(): int(c) for k, c in zip(keys, counts, strict=True)}
    found = np.array([table.get(lab.tobytes(), 0) for lab in labels], dtype=np.int64)
    share = found / total
    unmatched = 1.0 - float(found.sum()) / total if len(found) else 1.0
    if exact:
        return BasinEstimate(share, share.copy(), share.copy(), total, "exact", 1.0, max(0.0, unmatched))
    lo, hi = wilson_interval(found, total, confidence)
    return BasinEstimate(
        share, np.atleast_1d(lo), np.atleast_1d(hi), total, "sampled", float(confidence), max(0.0, unmatched)
    )
