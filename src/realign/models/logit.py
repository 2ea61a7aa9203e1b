"""Logit fitting for the alignment hazards: maximum likelihood with statsmodels, and penalised Newton.

:class:`realign.models.hazard.HazardModel` uses these: the MLE (observed-information covariance) when it
exists, a ridge on the slopes when the data separate, and independent normal priors (MAP with a Laplace
covariance) for partial pooling and the weakly informative default prior.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["_logit", "_penalised_logit", "_newton"]


def _logit(X: np.ndarray, y: np.ndarray, ridge: float) -> tuple[np.ndarray, np.ndarray, bool]:
    import statsmodels.api as sm

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.Logit(y, X).fit(method="newton", maxiter=100, disp=0)
        coef = np.asarray(res.params)
        cov = np.asarray(res.cov_params())
        if res.mle_retvals.get("converged", False) and np.all(np.abs(coef) < 12) and np.all(np.isfinite(cov)) \
                and np.all(np.diag(cov) < 100):
            return coef, cov, False
    except Exception:  # noqa: BLE001 - statsmodels raises several kinds on separation; fall back below
        pass
    prior = np.full(X.shape[1], float(ridge))
    prior[0] = 0.0
    b, cov = _newton(X, y, prior)
    return b, cov, True


def _penalised_logit(X: np.ndarray, y: np.ndarray, prior: np.ndarray, ridge: float) -> tuple[np.ndarray, np.ndarray,
                                                                                             bool]:
    """MAP logit with normal priors of precision ``prior`` per coefficient (0 = flat); Laplace covariance.

    Flat priors on the shared coefficients unless the fit separates (huge or non-finite estimates),
    then the ridge is added on the slopes as in :func:`_logit`.
    """
    try:
        with np.errstate(all="ignore"):
            b, cov = _newton(X, y, prior + 1e-8)
        if np.all(np.abs(b) < 12) and np.all(np.isfinite(cov)) and np.all(np.diag(cov) < 100):
            return b, cov, False
    except np.linalg.LinAlgError:
        pass
    p2 = np.maximum(prior, float(ridge))
    p2[0] = 0.0
    b, cov = _newton(X, y, p2)
    return b, cov, True


def _newton(X: np.ndarray, y: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton iterations for a logit with independent normal priors (precision ``prior``)."""
    b = np.zeros(X.shape[1])
    P = np.diag(prior)
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(X @ b, -40, 40)))
        g = X.T @ (y - p) - P @ b
        H = (X * (p * (1 - p))[:, None]).T @ X + P
        step = np.linalg.solve(H, g)
        b += step
        if np.max(np.abs(step)) < 1e-8:
            break
    p = 1 / (1 + np.exp(-np.clip(X @ b, -40, 40)))
    H = (X * (p * (1 - p))[:, None]).T @ X + P
    return b, np.linalg.inv(H)
