"""The month's alignment decisions in the forecast: exits and entries drawn from the fitted hazards.

Each belligerent outside the coalition cores leaves its side with the exit hazard's probability;
each neutral at risk joins side 1 or 2 with the join hazard's (:mod:`realign.models.hazard`). The
features are those of the month's news (:func:`realign.models.features.with_news`), as in the fit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from realign.models.hazard import Hazards

__all__ = ["decide_step"]


def decide_step(
    hz: Hazards,
    b_exit: np.ndarray,
    b_join: np.ndarray,
    exit_x: Callable[[np.ndarray, np.ndarray], np.ndarray],
    join_x: Callable[[np.ndarray, np.ndarray], np.ndarray],
    side: np.ndarray,
    core: np.ndarray,
    relevant: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """(R, n) sides after the month's decisions: belligerents outside the cores leave by the exit hazard,
    neutrals at risk join side 1 or 2 by the join hazard (one uniform draw per state and run).

    The hazards are evaluated only for the (run, state) pairs that can decide, whose feature rows
    ``exit_x`` and ``join_x`` build (:mod:`realign.models.feature_rows`). A neutral's two join
    probabilities are scaled down together if they sum to more than 1.

    Parameters
    ----------
    hz : Hazards
        The fitted exit and join hazards.
    b_exit, b_join : numpy.ndarray
        (R, k+1) coefficient draws of the exit and join hazards, one row per run.
    exit_x : callable
        ``exit_x(rows, states)``: (m, k) exit feature rows of those (run, state) pairs
        (:func:`realign.models.feature_rows.exit_rows`).
    join_x : callable
        ``join_x(rows, states)``: (2, m, k) join feature rows for sides 1 and 2
        (:func:`realign.models.feature_rows.join_rows`).
    side : numpy.ndarray
        (R, n) COW sides at the month's start (0 neutral, 1 or 2).
    core, relevant : numpy.ndarray
        (1, n) bool: coalition cores (never decide) and neutrals at risk of joining.
    rng : numpy.random.Generator
        One uniform draw per run and state.

    Returns
    -------
    numpy.ndarray
        (R, n) sides after the month's decisions.
    """
    u = rng.random(side.shape)
    new = side.copy()
    r, i = np.nonzero((side > 0) & ~core)
    out = u[r, i] < hz.exit.predict_proba_rows(exit_x(r, i), b_exit, r)
    new[r[out], i[out]] = 0
    r, i = np.nonzero((side == 0) & ~core & relevant)
    xj = join_x(r, i)
    q1, q2 = (hz.join.predict_proba_rows(xj[j], b_join, r) for j in (0, 1))
    tot = q1 + q2  # as the sum over a length-2 axis: the same value
    scale = np.where(tot > 1, 1 / np.maximum(tot, 1e-12), 1.0)
    p1, p2 = q1 * scale, q2 * scale
    ur = u[r, i]
    to1, to2 = ur < p1, (ur >= p1) & (ur < p1 + p2)
    new[r[to1], i[to1]] = 1
    new[r[to2], i[to2]] = 2
    return new
