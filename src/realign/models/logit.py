"""Logit fitting for the alignment hazards: maximum likelihood with statsmodels, and penalised Newton.

:class:`realign.models.hazard.HazardModel` uses these: the MLE (observed-information covariance) when it
exists, a ridge on the slopes when the data separate, and independent normal priors (MAP with a Laplace
covariance) for partial pooling and the weakly informative default prior, and Firth's bias-reduced logit
for rare events.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["_logit", "_penalised_logit", "_newton", "_firth"]


def _logit(X: np.ndarray, y: np.ndarray, ridge: float) -> tuple[np.ndarray, np.ndarray, bool]:
    # the Logit class itself: statsmodels.api would also load its stats, tsa and formula stacks (~0.5 s, issue 14)
    from statsmodels.discrete.discrete_model import Logit

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = Logit(y, X).fit(method="newton", maxiter=100, disp=0)
        coef = np.asarray(res.params)
        cov = np.asarray(res.cov_params())
        if (
            res.mle_retvals.get("converged", False)
            and np.all(np.abs(coef) < 12)
            and np.all(np.isfinite(cov))
            and np.all(np.diag(cov) < 100)
        ):
            return coef, cov, False
    except Exception:  # noqa: BLE001 - statsmodels raises several kinds on separation; fall back below
        pass
    prior = np.full(X.shape[1], float(ridge))
    prior[0] = 0.0
    b, cov = _newton(X, y, prior)
    return b, cov, True


def _penalised_logit(
    X: np.ndarray, y: np.ndarray, prior: np.ndarray, ridge: float
) -> tuple[np.ndarray, np.ndarray, bool]:
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


def _firth(
    X: np.ndarray, y: np.ndarray, max_iter: int = 200, intercept_correction: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Firth's bias-reduced logit: the posterior mode under the Jeffreys prior ``|I(b)|^(1/2)``.

    Firth (1993), *Biometrika* 80(1); the standard remedy for rare events and few events per feature
    in political science (King & Zeng 2001, *Political Analysis* 9(2); Heinze & Schemper 2002). The
    estimate always exists (no separation), needs no tuning constant, and shrinks toward zero by an
    amount that vanishes as events accumulate. Modified score ``X'(y - p + h (1/2 - p))`` with ``h``
    the hat diagonal; step-halving on the penalised log-likelihood. Covariance: inverse Fisher
    information at the estimate (Wald). ``intercept_correction``: FLIC (see :func:`_flic`).
    """

    def penalised_ll(b: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        z = np.clip(X @ b, -40, 40)
        p = 1 / (1 + np.exp(-z))
        w = p * (1 - p)
        info = (X * w[:, None]).T @ X
        sign, logdet = np.linalg.slogdet(info)
        ll = float(np.sum(y * z - np.logaddexp(0.0, z))) + 0.5 * logdet
        return ll, p, w, info

    b = np.zeros(X.shape[1])
    ll, p, w, info = penalised_ll(b)
    for _ in range(max_iter):
        inv = np.linalg.inv(info)
        h = w * np.einsum("ij,jk,ik->i", X, inv, X)
        step = inv @ (X.T @ (y - p + h * (0.5 - p)))
        t = 1.0
        while True:
            ll1, p1, w1, info1 = penalised_ll(b + t * step)
            if ll1 >= ll - 1e-12 or t < 1e-6:
                break
            t /= 2
        b, ll, p, w, info = b + t * step, ll1, p1, w1, info1
        if np.max(np.abs(t * step)) < 1e-8:
            break
    cov = np.linalg.inv(info)
    if intercept_correction:
        b, cov = _flic(X, y, b, cov)
    return b, cov


def _flic(X: np.ndarray, y: np.ndarray, b: np.ndarray, cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """FLIC: Firth's slopes with the intercept refitted by maximum likelihood (slopes as an offset).

    Firth's penalty pulls predicted probabilities toward 1/2, which for rare events inflates the mean
    prediction; re-estimating the intercept makes the mean prediction equal the observed event rate
    (Puhr, Heinze, Nold, Lusa & Geroldinger 2017, *Statistics in Medicine* 36(14)). Column 0 of ``X``
    is the intercept; its variance is the ML one given the offset.
    """
    off = X[:, 1:] @ b[1:]
    c = float(b[0])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(c + off, -40, 40)))
        w = float(np.sum(p * (1 - p)))
        step = float(np.sum(y - p)) / max(w, 1e-12)
        c += step
        if abs(step) < 1e-10:
            break
    b = b.copy()
    b[0] = c
    cov = cov.copy()
    cov[0, 0] = 1.0 / max(w, 1e-12)
    return b, cov
