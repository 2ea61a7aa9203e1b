"""Propensities p_ij from documented dyadic factors, with weights fitted on earlier wars.

Factors for a dyad on a date use only data dated before that date (no leakage):

* ``defense`` / ``other_pact``: ATOP 5.1 obligations in force the *previous* year (ATOP is
  yearly; a treaty signed later in the current year must not leak), or COW day-level alliances
  in force that day when the user imported them.
* ``regime``: similarity of V-Dem polyarchy the previous year, ``1 - |a - b|`` (0..1).
* ``war_same`` / ``war_opposed``: earlier inter-state wars (COW, ended before the date) fought on
  the same / opposite sides, each war weighted ``0.5 ** (years_ago / half_life)``.
* ``mid_opposed``: earlier militarized disputes (COW MID 4.3) on opposite sides, decayed alike.
* ``contiguous``: direct land/river contiguity that day (COW 3.2 conttype 1).
* ``territory``: territorial transfers between the two before the date (COW TC), decayed.
* ``religion``: similarity of religious composition (WRP; only from 1945 — missing before,
  replaced by the training mean and flagged in ``missing_``).

``PropensityModel.fit(before=DATE)`` fits a logistic regression of "same side" for pairs of
participants in multi-state inter-state wars that started before ``DATE``, with factors taken at
each war's start. The propensity is the fitted log-odds, so p_ij > 0 means i and j tend to
end up on the same side (Axelrod & Bennett 1993 propensity sign convention).

References: Axelrod, R. & Bennett, D. S. (1993) A Landscape Theory of Aggregation, BJPS 23(2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import numpy as np
import pandas as pd

from realign.data.names import parse_date
from realign.errors import InvalidParameterError
from realign.models.base import DEFAULT_FIT_CACHE, Estimator, FitCache, Interval, Rule
from realign.models.cache import disk_cached
from realign.models.dyads import (  # re-exported: the factors the propensity is fitted on
    FACTORS,
    dyad_factors,
    land_contiguity,
)
from realign.system.information import InformationSet

__all__ = [
    "FACTORS",
    "dyad_factors",
    "land_contiguity",
    "PropensityModel",
    "training_pairs",
    "landscape_inputs_for_date",
    "fit_logistic",
    "fitted_model",
]


@cache
def training_pairs(before: dt.date, min_participants: int = 3) -> pd.DataFrame:
    """Pairs of participants in multi-state wars started before ``before``: factors at the war's start
    (the day before it began) and ``same`` (1 same side, 0 opposite). Only participants that had
    entered the war before ``before`` count, with the side of their first spell, so a cut-off inside a
    war never reveals later entries or switches.

    Parameters
    ----------
    before : dt.date
        Cut-off day; wars and entries from this day on are not read.
    min_participants : int, default 3
        Fewest participants (known before the cut-off) a war needs.

    Returns
    -------
    pd.DataFrame
        One row per pair: ``war``, ``ccode1``, ``ccode2``, ``same`` and one column per factor of
        :data:`FACTORS` (NaN where missing).
    """
    w = InformationSet(before).war_spells()  # spells started by the cut-off; later ends unknown
    starts = w.groupby("war")["start"].min()
    rows = []
    for war, start in starts.items():
        if start.date() >= before:
            continue
        part = w[w["war"] == war].sort_values("start").drop_duplicates("ccode")
        # only what was known before the cut-off: participants (and their sides) that had joined by then
        part = part[part["start"].dt.date < before]
        if len(part) < min_participants:
            continue
        codes = part["ccode"].astype(int).tolist()
        sides = dict(zip(part["ccode"].astype(int), part["side"].astype(int), strict=True))
        day = start.date() - dt.timedelta(days=1)
        f = dyad_factors(day, codes)
        for a in range(len(codes)):
            for b in range(a + 1, len(codes)):
                rec = {
                    "war": int(war),
                    "ccode1": codes[a],
                    "ccode2": codes[b],
                    "same": int(sides[codes[a]] == sides[codes[b]]),
                }
                rec.update({k: f[k][a, b] for k in FACTORS})
                rows.append(rec)
    return pd.DataFrame(rows)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """Ridge-penalised logistic regression by Newton-IRLS; returns (coef, standard errors).

    The intercept (column 0) is not penalised. Standard errors come from the inverse of the
    penalised Hessian (a Laplace approximation to the posterior under a Gaussian prior).

    Parameters
    ----------
    x : np.ndarray
        Shape (m, k) design matrix; column 0 is the intercept (ones).
    y : np.ndarray
        Shape (m,) 0/1 outcomes.
    l2 : float, default 1.0
        Ridge penalty (prior precision) on the non-intercept coefficients.
    max_iter : int, default 100
        Largest number of Newton steps (stops when every step is below 1e-8).

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        Coefficients (k,) in log-odds and their standard errors (k,).
    """
    n, k = x.shape
    beta = np.zeros(k)
    pen = np.full(k, l2)
    pen[0] = 0.0
    for _ in range(max_iter):
        eta = x @ beta
        p = 1 / (1 + np.exp(-eta))
        grad = x.T @ (y - p) - pen * beta
        h = (x * (p * (1 - p))[:, None]).T @ x + np.diag(pen)
        step = np.linalg.solve(h, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    eta = x @ beta
    p = 1 / (1 + np.exp(-eta))
    h = (x * (p * (1 - p))[:, None]).T @ x + np.diag(pen)
    se = np.sqrt(np.diag(np.linalg.inv(h)))
    return beta, se


def _check_pairs(pairs: object) -> None:
    """A clear error unless ``pairs`` is a training frame: war, same (0/1) and every factor column."""
    if not isinstance(pairs, pd.DataFrame):
        raise InvalidParameterError(
            f"pairs must be a pandas DataFrame (see training_pairs). Got {type(pairs).__name__}."
        )
    missing = [c for c in ("war", "same", *FACTORS) if c not in pairs.columns]
    if missing:
        raise InvalidParameterError(f"pairs lacks the columns {missing} (see training_pairs).")
    same = pd.to_numeric(pairs["same"], errors="coerce")
    if not same.isin([0, 1]).all():
        raise InvalidParameterError("pairs column 'same' must be 0 or 1 on every row.")
    for k in FACTORS:
        v = pd.to_numeric(pairs[k], errors="coerce")
        if (pairs[k].notna() & v.isna()).any() or np.isinf(v.to_numpy(float)).any():
            raise InvalidParameterError(f"pairs column {k!r} must hold finite numbers or NaN (missing).")


@dataclass
class _Design:
    means: dict[str, float]


class PropensityModel(Estimator):
    """Dyadic propensities p_ij (log-odds of ending on the same side) fitted on earlier wars.

    Parameters (keyword-only, stored verbatim)
    ----------
    l2 : float
        Ridge penalty on the factor weights (Gaussian prior with variance 1/l2).
    half_life : float
        Years over which the memory of a past war/MID halves.
    min_participants : int
        Wars with fewer participants are not used for fitting (no coalition choice in a 1-v-1 war).

    Examples
    --------
    >>> m = PropensityModel().fit(before="1939-09-01")
    >>> m.coef_["defense"] > 0 and m.coef_["war_opposed"] < m.coef_["war_same"]
    True
    """

    _parameter_rules: ClassVar[dict[str, Rule]] = {
        "l2": Interval(float, 0, None, closed="left"),
        "half_life": Interval(float, 0, None, closed="neither"),
        "min_participants": Interval(int, 2, None, closed="left"),
    }
    _fitted_attr = "coef_"
    _fit_hint = "fit(before=...)"

    def __init__(self, *, l2: float = 1.0, half_life: float = 25.0, min_participants: int = 3):
        self.l2 = l2
        self.half_life = half_life
        self.min_participants = min_participants

    def _matrix(self, frame: pd.DataFrame) -> np.ndarray:
        cols = [np.ones(len(frame))]
        for k in FACTORS:
            v = frame[k].to_numpy(float)
            cols.append(np.where(np.isnan(v), self.means_[k], v))
        return np.column_stack(cols)

    def fit(self, pairs: pd.DataFrame | None = None, *, before: str | dt.date | None = None) -> PropensityModel:
        """Fit factor weights on war pairs; sets ``coef_``, ``se_``, ``means_``, ``missing_``.

        ``pairs``: the assembled training frame (columns ``war``, ``same`` and every factor in
        :data:`FACTORS`, as :func:`training_pairs` builds it). Default: ``training_pairs(before)``,
        pairs from wars that started before ``before`` (default 1939-09-01; nothing later is used).
        ``before`` is recorded as ``before_`` (None when pairs are given without it).

        Parameters
        ----------
        pairs : pd.DataFrame or None, default None
            Training pairs; None builds them.
        before : str or dt.date or None, default None
            Cut-off day (``YYYY-MM-DD``).

        Returns
        -------
        PropensityModel
            ``self``, fitted (weights in log-odds of "same side").

        Raises
        ------
        InvalidParameterError
            Bad parameters, a bad date, malformed ``pairs`` or fewer than 20 pairs.
        """
        self._validate_params()
        d = parse_date(before) if before is not None else None
        if pairs is None:
            d = d or dt.date(1939, 9, 1)
            pairs = training_pairs(d, self.min_participants)
        else:
            _check_pairs(pairs)
        if len(pairs) < 20:
            where = f"before {d}" if d is not None else "given"
            raise InvalidParameterError(f"Too few war pairs {where} to fit propensities ({len(pairs)}).")
        self.before_ = d
        self.means_ = {
            k: float(np.nanmean(pairs[k].to_numpy(float))) if pairs[k].notna().any() else 0.0 for k in FACTORS
        }
        self.missing_ = {k: float(pairs[k].isna().mean()) for k in FACTORS}
        x = self._matrix(pairs)
        y = pairs["same"].to_numpy(float)
        beta, se = fit_logistic(x, y, l2=self.l2)
        names = ["intercept", *FACTORS]
        self.coef_ = dict(zip(names, beta.tolist(), strict=True))
        self.se_ = dict(zip(names, se.tolist(), strict=True))
        self.n_pairs_ = int(len(pairs))
        self.n_wars_ = int(pairs["war"].nunique())
        p = 1 / (1 + np.exp(-(x @ beta)))
        self.train_accuracy_ = float(((p > 0.5) == (y > 0.5)).mean())
        self.base_rate_ = float(y.mean())
        return self

    def weights_table(self) -> pd.DataFrame:
        """Fitted weights with standard errors and 95% intervals (log-odds units)."""
        self._check_fitted()
        rows = [
            {
                "factor": k,
                "weight": self.coef_[k],
                "se": self.se_[k],
                "lo95": self.coef_[k] - 1.96 * self.se_[k],
                "hi95": self.coef_[k] + 1.96 * self.se_[k],
                "missing_share": self.missing_.get(k, 0.0),
            }
            for k in self.coef_
        ]
        return pd.DataFrame(rows)

    def propensity(
        self,
        date: str | dt.date,
        ccodes: list[int],
        *,
        coef: dict[str, float] | None = None,
        include_intercept: bool = False,
    ) -> np.ndarray:
        """Symmetric (n, n) propensity matrix on ``date``: the fitted log-odds of "same side".

        ``include_intercept=False`` (default) centres propensities at the factors' zero so that
        two states with nothing in common have p = 0 (neither attraction nor repulsion).

        Parameters
        ----------
        date : str or dt.date
            Day of the factors (``YYYY-MM-DD``).
        ccodes : list[int]
            COW state codes (rows and columns, in order).
        coef : dict[str, float] or None, default None
            Weights to use (e.g. a :meth:`sample_coefs` draw); None uses ``coef_``.
        include_intercept : bool, default False
            Add the fitted intercept.

        Returns
        -------
        np.ndarray
            Shape (n, n), log-odds units, zero diagonal; a missing factor takes its training mean.
        """
        self._check_fitted()
        f = dyad_factors(date, ccodes, half_life=self.half_life)
        c = coef or self.coef_
        p = np.full((len(ccodes), len(ccodes)), c["intercept"] if include_intercept else 0.0)
        for k in FACTORS:
            v = np.where(np.isnan(f[k]), self.means_[k], f[k])
            p = p + c[k] * v
        np.fill_diagonal(p, 0)
        return p

    def sample_coefs(self, rng: np.random.Generator, size: int) -> list[dict[str, float]]:
        """Draws of the weights from their fitted (Laplace) uncertainty, for ensembles."""
        self._check_fitted()
        names = list(self.coef_)
        mu = np.array([self.coef_[k] for k in names])
        sd = np.array([self.se_[k] for k in names])
        draws = rng.normal(mu, sd, size=(size, len(names)))
        return [dict(zip(names, row.tolist(), strict=True)) for row in draws]


def fitted_model(before: str | dt.date, *, cache: FitCache | None = None) -> PropensityModel:
    """A PropensityModel (default parameters) fitted on wars before ``before``, kept in ``cache``.

    ``cache`` defaults to the process-wide :data:`~realign.models.base.DEFAULT_FIT_CACHE`; the fit's
    key is ``("propensity", (before,))``.

    Parameters
    ----------
    before : str or dt.date
        Cut-off day: only wars started before it are fitted on.
    cache : FitCache or None, default None
        Where the fit is kept.

    Returns
    -------
    PropensityModel
        The fitted model (shared: do not modify).

    Raises
    ------
    InvalidDateError
        If ``before`` is not a valid date.
    """
    d = parse_date(before)
    store = DEFAULT_FIT_CACHE if cache is None else cache
    return store.get("propensity", (d,), lambda: PropensityModel().fit(before=d))


def landscape_inputs_for_date(
    date: str | dt.date, states: list[int] | None = None, *, cache: FitCache | None = None
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Sizes (CINC share among the chosen states), propensities and ids for a landscape on ``date``.

    Default states: the major powers that day plus every state in a war in progress, capped to the
    20 largest by CINC (an exact solve stays fast). Propensities come from a model fitted on wars
    that started before ``date`` (kept in ``cache``, see :func:`fitted_model`).

    Parameters
    ----------
    date : str or dt.date
        Day of the landscape (``YYYY-MM-DD``).
    states : list[int] or None, default None
        ccodes (COW state codes) or names; None chooses them as above.
    cache : FitCache or None, default None
        Where the propensity fit is kept.

    Returns
    -------
    tuple[np.ndarray, np.ndarray, list[int]]
        Sizes (n,) CINC shares summing to 1, propensities (n, n) and the ccodes, ascending by default.

    Raises
    ------
    InvalidParameterError, UnknownStateError
        A bad date; an unknown name (UnknownStateError); a duplicated state, or one not in the system
        (or without CINC) on ``date``.
    """
    from realign.system.snapshot import System

    d = parse_date(date)
    s = System.at(d)
    st = s.states.dropna(subset=["cinc"])
    if states is not None:
        from realign.data.names import resolve

        ids = [resolve(c, d) if isinstance(c, str) else int(c) for c in states]
        if not ids:
            raise InvalidParameterError("The 'states' parameter names no state.")
        dupes = sorted({c for c in ids if ids.count(c) > 1})
        if dupes:
            raise InvalidParameterError(f"States listed more than once: {dupes}.")
        unknown = [c for c in ids if c not in set(st["ccode"])]
        if unknown:
            raise InvalidParameterError(f"States not in the system (or without CINC) on {d}: {unknown}.")
    else:
        chosen = set(st.loc[st["major_power"], "ccode"]) | set(s.wars["ccode"])
        ids = (
            st[st["ccode"].isin(chosen)]
            .sort_values("cinc", ascending=False)["ccode"]
            .astype(int)
            .head(20)
            .sort_values()
            .tolist()
        )
    cinc = st.set_index("ccode").loc[ids, "cinc"].to_numpy(float)
    sizes = cinc / cinc.sum()
    p = fitted_model(d, cache=cache).propensity(d, ids)
    return sizes, p, ids


@disk_cached("landscape-for-date")  # a landscape fit of minutes' worth of JIT and search, once per data/code
def landscape_minimum_for_date(date: dt.date, states: tuple[int, ...], k: int = 2, seed: int = 0) -> dict:
    """The deepest minimum of ``Landscape(k, seed)`` fitted to :func:`landscape_inputs_for_date` of ``states``.

    ``{"ids", "coalitions", "exact", "n_minima"}``; cached on disk (:mod:`realign.models.cache`), so a
    report that quotes a landscape does not refit (or JIT-compile the solvers) on its second run.
    """
    from realign.models.landscape import Landscape

    sizes, p, ids = landscape_inputs_for_date(date, list(states))
    m = Landscape(k=k, seed=seed).fit(sizes, p, ids=ids)
    return {"ids": ids, "coalitions": m.minima_[0].coalitions, "exact": bool(m.exact_), "n_minima": len(m.minima_)}
