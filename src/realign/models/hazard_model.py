"""The fitted alignment hazard: one discrete-time logit per decision (exit, join, contact) and the three together.

Beck, Katz & Tucker (1998): a binary time-series cross-section logit with a duration term is a
discrete-time hazard. Fitting choices (maximum likelihood, ridge under separation, partial pooling,
rstanarm's prior, Firth) are in :mod:`realign.models.logit`; the panel they are fitted on in
:mod:`realign.models.hazard`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from realign.errors import InvalidParameterError
from realign.models.feature_rows import linear_rows
from realign.models.features import CONTACT_FEATURES, EXIT_FEATURES, JOIN_FEATURES
from realign.models.logit import _firth, _logit, _newton, _penalised_logit

__all__ = ["FEATURES", "HazardModel", "Hazards"]

FEATURES = {"exit": EXIT_FEATURES, "join": JOIN_FEATURES, "contact": CONTACT_FEATURES}


@dataclass
class HazardModel:
    """One discrete-time logit hazard: ``P(event next month) = expit(b0 + x @ b)``.

    ``kind`` is exit, join or contact; fitted with statsmodels (MLE, observed-information SEs).
    If the MLE does not exist (separation: an event never or always happens at some covariate
    value) a ridge penalty ``ridge`` is added and the covariance comes from the penalised Hessian.

    ``prior_scale``: instead of the MLE, the posterior mode under the weakly informative default
    prior of rstanarm (normal(0, ``prior_scale``) on each slope, autoscaled by 1/sd of its feature;
    Gelman, Jakulin, Pittau & Su 2008, *Annals of Applied Statistics* 2(4) recommend 2.5), intercept
    flat; Laplace covariance. Meant for few events per feature (Peduzzi et al. 1996).

    ``firth``: Firth's bias-reduced logit (Jeffreys prior; King & Zeng 2001 on rare events in IR data),
    which exists under separation and needs no tuning constant.
    """

    kind: str
    ridge: float = 1.0
    war_sd: float = 0.0
    prior_scale: float | None = None
    firth: bool = False
    war_shift_: tuple = (0.0, 0.0)
    coef_: np.ndarray | None = None
    cov_: np.ndarray | None = None
    names_: tuple[str, ...] = ()
    n_obs_: int = 0
    n_events_: int = 0
    penalised_: bool = False
    wars_: list[int] = field(default_factory=list)
    events_with_: dict = field(default_factory=dict)

    def fit(self, rows: pd.DataFrame, target_war: int | None = None) -> HazardModel:
        """Fit on ``rows`` (a panel from :func:`war_panel`); ``target_war`` gets its own shrunken baseline.

        With ``target_war`` and a prior sd ``war_sd`` > 0 (default 0: off, see docs/validation.md, design
        iteration 6), the rows of that war get an extra
        intercept shift with a normal prior N(0, war_sd^2) on the log-odds (partial pooling: the war's own
        months before the cut-off move its baseline hazard away from the other wars' as far as their
        evidence allows). The fitted shift is folded into ``coef_[0]`` (and its variance into
        ``cov_``), so predictions are for the target war; ``war_shift_`` reports it.

        Parameters
        ----------
        rows : pd.DataFrame
            Panel rows (columns ``kind``, ``use``, ``y``, ``war`` and the features of this kind).
        target_war : int or None, default None
            COW war number of the evaluated war.

        Returns
        -------
        HazardModel
            ``self``, with ``coef_`` and ``cov_`` (log-odds; intercept first) and the fit's counts.

        Raises
        ------
        InvalidParameterError
            An unknown ``kind``, or no usable event of this kind in ``rows``.
        """
        if self.kind not in FEATURES:
            raise InvalidParameterError(f"HazardModel kind must be one of {sorted(FEATURES)}. Got {self.kind!r}.")
        kinds = ("join1", "join2") if self.kind == "join" else (self.kind,)
        r = rows[rows["kind"].isin(kinds) & rows["use"]] if len(rows) else rows
        names = FEATURES[self.kind]
        if len(r) == 0 or r["y"].sum() == 0:
            raise InvalidParameterError(f"No {self.kind} events to fit the hazard on.")
        X = np.column_stack([np.ones(len(r)), r[list(names)].to_numpy(float)])
        y = r["y"].to_numpy(float)
        # drop constant columns (e.g. no_fronts when every war has fronts) but keep their slot at 0
        keep = np.r_[True, X[:, 1:].std(axis=0) > 0]
        tw = (r["war"].to_numpy() == target_war) if target_war is not None and self.war_sd > 0 else None
        self.war_shift_ = (0.0, 0.0)
        if tw is not None and tw.any() and (~tw).any():
            Xk = np.column_stack([X[:, keep], tw.astype(float)])
            prior = np.zeros(Xk.shape[1])
            prior[-1] = 1.0 / self.war_sd**2
            theta, sig, pen = _penalised_logit(Xk, y, prior, self.ridge)
            A = np.zeros((keep.sum(), Xk.shape[1]))
            A[:, :-1] = np.eye(keep.sum())
            A[0, -1] = 1.0  # the target war's intercept = pooled intercept + its shift
            coef, cov = A @ theta, A @ sig @ A.T
            self.war_shift_ = (float(theta[-1]), float(np.sqrt(max(sig[-1, -1], 0.0))))
        elif self.prior_scale:
            sd = X[:, keep][:, 1:].std(axis=0)
            coef, cov = _newton(X[:, keep], y, np.r_[0.0, (sd / float(self.prior_scale)) ** 2])
            pen = False
        elif self.firth:
            coef, cov = _firth(X[:, keep], y)
            pen = False
        else:
            coef, cov, pen = _logit(X[:, keep], y, self.ridge)
        full = np.zeros(X.shape[1])
        fcov = np.zeros((X.shape[1], X.shape[1]))
        full[keep] = coef
        fcov[np.ix_(keep, keep)] = cov
        self.coef_, self.cov_, self.names_ = full, fcov, ("intercept", *names)
        self.n_obs_, self.n_events_, self.penalised_ = len(r), int(y.sum()), pen
        self.wars_ = sorted(int(x) for x in r["war"].unique())
        ev = r[r["y"] == 1]
        # how many events happened with each (binary or positive) feature present: what the data can teach
        self.events_with_ = {k: int((ev[k] > 0).sum()) for k in names}
        return self

    def predict_proba(self, X: np.ndarray, coef: np.ndarray | None = None) -> np.ndarray:
        """Event probability for feature array ``X`` (..., k) with ``coef`` (default fitted; (R, k+1) allowed).

        Parameters
        ----------
        X : np.ndarray
            Shape (..., k) features, in the order of ``names_[1:]``; (R, ..., k) with per-run ``coef``.
        coef : np.ndarray or None, default None
            Shape (k+1,) or (R, k+1), intercept first; None uses ``coef_``.

        Returns
        -------
        np.ndarray
            Monthly event probability, shape ``X.shape[:-1]``.
        """
        b = self.coef_ if coef is None else coef
        if b.ndim == 1:
            z = b[0] + X @ b[1:]
        else:  # per-run coefficients: X (R, ..., k), b (R, k+1)
            z = b[:, 0].reshape((-1,) + (1,) * (X.ndim - 2)) + np.einsum("r...k,rk->r...", X, b[:, 1:])
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def predict_proba_rows(self, X: np.ndarray, coef: np.ndarray, runs: np.ndarray) -> np.ndarray:
        """:meth:`predict_proba` of feature rows ``X`` (m, k), row j drawn with ``coef[runs[j]]`` ((R, k+1)).

        The same value, bit for bit, as the matching element of ``predict_proba(X_full, coef)``: the
        simulation evaluates only the (run, state) pairs that can change side (issue 14).

        Parameters
        ----------
        X : np.ndarray
            Shape (m, k) feature rows.
        coef : np.ndarray
            Shape (R, k+1), per-run coefficients, intercept first.
        runs : np.ndarray
            Shape (m,) int, run of each row.

        Returns
        -------
        np.ndarray
            Shape (m,), monthly event probabilities.
        """
        z = linear_rows(X, coef, runs)  # coef[runs, 0] + einsum("mk,mk->m", X, coef[runs, 1:]), bit for bit
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Coefficient draws (size, k+1) from the fitted normal uncertainty.

        Parameters
        ----------
        rng : np.random.Generator
            Source of the draws.
        size : int
            Number of draws.

        Returns
        -------
        np.ndarray
            Shape (size, k+1), log-odds coefficients, intercept first.
        """
        return rng.multivariate_normal(self.coef_, self.cov_, size=size, method="eigh")

    def table(self) -> pd.DataFrame:
        se = np.sqrt(np.clip(np.diag(self.cov_), 0, None))
        return pd.DataFrame(
            {
                "term": self.names_,
                "coef": self.coef_,
                "se": se,
                "lo95": self.coef_ - 1.96 * se,
                "hi95": self.coef_ + 1.96 * se,
            }
        )


@dataclass
class Hazards:
    """The three fitted hazards and what they were fitted on."""

    exit: HazardModel
    join: HazardModel
    contact: HazardModel
    wars: list[int]
    until: dt.date
    n_changes: int
