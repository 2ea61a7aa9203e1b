"""Spearman's rank correlation in numpy (no scipy import on the report's path: ~0.4 s, issue 14).

Computed the way ``scipy.stats.spearmanr`` computes it for two 1-D samples (average ranks of ties,
then ``numpy.corrcoef`` of the ranks), so the value is the same to the last bit; the p-value is not
computed (the report does not use it). Spearman, C. (1904), *Am. J. Psychol.* 15: 72-101.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["average_ranks", "spearman_rho"]


def average_ranks(x: Sequence[float]) -> np.ndarray:
    """Ranks 1..n of ``x`` (float), tied values sharing the mean of their ranks.

    Parameters
    ----------
    x : Sequence[float]
        A 1-D sample.

    Returns
    -------
    np.ndarray
        Float ranks, in the order of ``x``.

    Raises
    ------
    ValueError
        ``x`` is not 1-D.

    Examples
    --------
    >>> average_ranks([30, 10, 20, 10]).tolist()
    [4.0, 1.5, 3.0, 1.5]
    """
    v = np.asarray(x, dtype=float)
    if v.ndim != 1:
        raise ValueError(f"average_ranks needs a 1-D sample. Got shape {v.shape}.")
    order = np.argsort(v, kind="mergesort")
    vs = v[order]
    first = np.r_[True, vs[1:] != vs[:-1]] if len(v) else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(v)]
    out = np.empty(len(v))
    out[order] = ((starts + ends + 1) / 2.0)[np.cumsum(first) - 1]
    return out


def spearman_rho(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rho of two samples of equal length >= 2 (NaN when one of them is constant).

    Parameters
    ----------
    a, b : Sequence[float]
        1-D samples of the same length (>= 2).

    Returns
    -------
    float
        The rank correlation in [-1, 1], or NaN.

    Raises
    ------
    ValueError
        Lengths differ or are below 2, or a sample is not 1-D.

    Examples
    --------
    >>> round(spearman_rho([1, 2, 3, 4], [10, 20, 40, 30]), 12)
    0.8
    """
    ra, rb = average_ranks(a), average_ranks(b)
    if len(ra) != len(rb) or len(ra) < 2:
        raise ValueError(f"spearman_rho needs two samples of equal length >= 2. Got {len(ra)} and {len(rb)}.")
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.corrcoef(np.column_stack((ra, rb)), rowvar=False)[1, 0])
