"""Alignment choice: each state picks the Allies, the Axis, or neutrality, month by month.

The mechanism named in the seed essay ("countries may shift allegiances based on the perceived
vulnerability or strength of a nation") as a multinomial logit. For state ``i`` and option
``a`` in {neutral, side 1, side 2} (WWII: allies, axis), with capabilities ``w`` (COW CINC),
propensities ``P`` (see :mod:`realign.models.propensity`) and each coalition's credibility
``k_a`` (1 + accumulated battle effects, decaying):

* ``affinity_a``  = CINC-weighted mean of P_ij over the current members j of coalition a;
* ``strength_a``  = (1 + k_a) * sum of members' CINC * capability multipliers; ``share_a`` =
  strength_a / (strength_1 + strength_2). ``bandwagon`` > 0 pulls states toward the stronger
  side (bandwagoning), < 0 toward the weaker (balancing);
* ``exposure_a``  = share of i's land neighbours' CINC in coalition a (COW contiguity type 1);
* ``stay``        = switching cost: utility of keeping last month's option;
* ``neutral``     = baseline utility of staying out.

``U_a = affinity*affinity_a + bandwagon*(share_a - 1/2) + exposure*exposure_a + stay*[a == prev]``
for the two sides, ``U_0 = neutral + stay*[prev == 0]``; ``P(a) = softmax(U)``.

The weights are fitted by maximum likelihood on monthly sides (COW Inter-State War v4.0
spells, war 139) before a cut-off date; entries forced by an attack (WWII events table,
"attacked without declaration") and the coalition cores are not choices and are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import numpy as np
import pandas as pd

from realign.clock import month_days  # month_days re-exported (observation days of a run)
from realign.data.names import parse_date
from realign.errors import InvalidParameterError
from realign.events.credibility import (  # noqa: F401 (re-exported: moved to events/, issue 12)
    CREDIBILITY_RETENTION,
    credibility_path,
)
from realign.models.base import DEFAULT_FIT_CACHE, Estimator, FitCache, Interval, Rule
from realign.models.propensity import fitted_model, land_contiguity
from realign.system.information import InformationSet, known_nmc_year
from realign.system.snapshot import System
from realign.wars import WWI, WWII

__all__ = [
    "PARAMS",
    "CORE",
    "known_cinc",
    "ChoiceContext",
    "AlignmentChoice",
    "utilities",
    "probabilities",
    "build_panel",
    "build_panels",
    "Panel",
    "month_days",
    "credibility_path",
    "fitted_choice",
]

PARAMS = ("affinity", "bandwagon", "exposure", "stay", "neutral")
#: Coalition cores whose side is given, not chosen, per COW war: WWII (139) USA, UK, Germany,
#: USSR, China, Japan; WWI (106) the great powers at war in August 1914.
CORES: dict[int, tuple[int, ...]] = {WWII: (2, 200, 255, 365, 710, 740), WWI: (200, 220, 255, 300, 365)}
CORE = CORES[WWII]
#: Panels the choice model is fitted on by default: WWI up to the eve of the general armistice,
#: and WWII up to the end of Stalingrad (information up to 1943-02-02).
DEFAULT_PANELS = ((WWI, "1914-07-28", "1918-11-10", "1914-07-28"), (WWII, "1939-09-01", "1943-02-02", "1939-09-01"))


@dataclass(frozen=True)
class ChoiceContext:
    """Fixed inputs for one set of states: ``ccodes``, CINC ``w``, propensity ``P``, land contiguity ``L``."""

    ccodes: np.ndarray
    w: np.ndarray
    P: np.ndarray
    L: np.ndarray
    core: np.ndarray  # bool: side given, not chosen


def features(
    ctx: ChoiceContext, side: np.ndarray, member: np.ndarray, cap_mult: np.ndarray, cred: np.ndarray
) -> np.ndarray:
    """Per-state feature array (n, 3 options, 3 features: affinity, share-1/2, exposure)."""
    n = len(ctx.ccodes)
    w = ctx.w * cap_mult * member
    f = np.zeros((n, 3, 3))
    strength = np.zeros(3)
    for a in (1, 2):
        m = (side == a) & member
        strength[a] = (1 + cred[a]) * w[m].sum()
    tot = strength[1] + strength[2]
    for a in (1, 2):
        m = ((side == a) & member).astype(float)
        wm = w * m
        denom = wm.sum() - wm  # exclude self
        num = ctx.P @ wm - np.diag(ctx.P) * wm
        f[:, a, 0] = np.where(denom > 0, num / np.where(denom > 0, denom, 1), 0.0)
        f[:, a, 1] = (strength[a] / tot - 0.5) if tot > 0 else 0.0
        lw = ctx.L @ w
        f[:, a, 2] = np.where(lw > 0, (ctx.L @ wm) / np.where(lw > 0, lw, 1), 0.0)
    return f


def utilities(theta: np.ndarray, feats: np.ndarray, prev: np.ndarray) -> np.ndarray:
    """Utilities (n, 3) from parameters ``theta`` (see :data:`PARAMS`), features and previous sides.

    Parameters
    ----------
    theta : np.ndarray
        Shape (5,), weights in the order of :data:`PARAMS`.
    feats : np.ndarray
        Shape (n, 3, 3): per state and option (neutral, side 1, side 2), affinity, bandwagon, exposure.
    prev : np.ndarray
        Shape (n,) int, previous side (0, 1, 2) of each state; it gets the ``stay`` bonus.

    Returns
    -------
    np.ndarray
        Shape (n, 3); the neutral option's utility is ``theta[4]``.
    """
    u = feats[:, :, 0] * theta[0] + feats[:, :, 1] * theta[1] + feats[:, :, 2] * theta[2]
    u[:, 0] = theta[4]
    u[np.arange(len(prev)), prev] += theta[3]
    return u


def probabilities(u: np.ndarray) -> np.ndarray:
    """Row-wise softmax.

    Parameters
    ----------
    u : np.ndarray
        Shape (n, k), utilities.

    Returns
    -------
    np.ndarray
        Shape (n, k), choice probabilities; each row sums to 1.
    """
    z = u - u.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def observed_sides(days: list[dt.date], ccodes: list[int], war: int = WWII) -> tuple[np.ndarray, np.ndarray]:
    """(months, n) sides (0 neutral / not fighting, else COW side) and system membership masks."""
    sides = np.zeros((len(days), len(ccodes)), dtype=np.int64)
    member = np.zeros((len(days), len(ccodes)), dtype=bool)
    pos = {c: i for i, c in enumerate(ccodes)}
    for t, d in enumerate(days):
        s = System.at(d)
        for c in s.ccodes:
            if c in pos:
                member[t, pos[c]] = True
        for c, sd in s.war_sides(war).items():
            if c in pos:
                sides[t, pos[c]] = sd
    return sides, member


@dataclass(frozen=True)
class Panel:
    """Assembled monthly data for :meth:`AlignmentChoice.fit`: sides, membership, contexts, credibility."""

    days: list[dt.date]
    ctx: list[ChoiceContext]  # one per year (propensities, CINC of that year)
    year_of: np.ndarray
    sides: np.ndarray
    member: np.ndarray
    cred: np.ndarray
    forced: np.ndarray  # (months, n) bool: side imposed by an attack that month
    ccodes: list[int]
    end: dt.date  # last day of information in the panel (its cut-off)


def known_cinc(d: dt.date, ccodes: list[int]) -> np.ndarray:
    """CINC a contemporary could know on ``d``: the previous year's before July, else the current year's.

    COW measures are annual averages (model assumption); a missing value counts as 0 capability.

    Parameters
    ----------
    d : dt.date
        Day of the decision.
    ccodes : list[int]
        COW state codes.

    Returns
    -------
    np.ndarray
        Shape (len(ccodes),), CINC shares (0 for a missing value).
    """
    nmc = InformationSet(d).nmc()
    year = known_nmc_year(d)
    return nmc[nmc["year"] == year].set_index("ccode")["cinc"].reindex(ccodes).fillna(0).to_numpy(float)


def _context(d: dt.date, ccodes: list[int], propensity_before: dt.date, war: int = WWII) -> ChoiceContext:
    w = known_cinc(d, ccodes)
    P = fitted_model(propensity_before).propensity(d, ccodes)
    L = land_contiguity(d, ccodes)
    core = np.isin(np.array(ccodes), CORES.get(war, ()))
    return ChoiceContext(np.array(ccodes), w, P, L, core)


@cache
def build_panel(
    start: dt.date = dt.date(1939, 9, 1),
    end: dt.date = dt.date(1943, 2, 2),
    propensity_before: dt.date = dt.date(1939, 9, 1),
    war: int = WWII,
) -> Panel:
    """Monthly panel of sides in ``war`` from ``start`` to ``end`` for every state that was a member.

    Dated inputs come through an :class:`~realign.system.information.InformationSet` at ``end`` (or
    at each context's day), so nothing dated after ``end`` is read.

    Parameters
    ----------
    start, end : dt.date, default 1939-09-01, 1943-02-02
        First day and cut-off of the panel (monthly days in between).
    propensity_before : dt.date, default 1939-09-01
        The propensity model is fitted on data before this day.
    war : int, default WWII (139)
        COW war number.

    Returns
    -------
    Panel
        Sides and membership (months, n), yearly contexts, credibility, forced entries.
    """
    info = InformationSet(end)
    months = (end.year - start.year) * 12 + end.month - start.month
    days = [d for d in month_days(start, months) if d <= end]
    states = info.state_spells()  # started by `end`; an end after it is unknown (NaT) and so still alive
    alive = states[states["end"].isna() | (states["end"] >= pd.Timestamp(start))]
    ccodes = sorted(set(alive["ccode"].astype(int)))
    sides, member = observed_sides(days, ccodes, war)
    years = sorted({d.year for d in days})
    ctx = [
        _context(dt.date(y, 7, 1) if dt.date(y, 7, 1) <= end else end, ccodes, propensity_before, war) for y in years
    ]
    year_of = np.array([years.index(d.year) for d in days])
    ev = info.ww2_events()
    att = ev[ev["kind"] == "attacked"]
    forced = np.zeros_like(member)
    pos = {c: i for i, c in enumerate(ccodes)}
    for r in att.itertuples():
        if pd.isna(r.counterpart_ccode) or int(r.counterpart_ccode) not in pos:
            continue
        for t, d in enumerate(days):
            prev = days[t - 1] if t else start
            if prev < r.date.date() <= d:
                forced[t, pos[int(r.counterpart_ccode)]] = True
    battles = [(b, "historical") for b in info.battles_ended(WWII)]
    cred = credibility_path(days, battles) if war == WWII else np.zeros((len(days), 3))
    return Panel(days, ctx, year_of, sides, member, cred, forced, ccodes, end)


def build_panels(specs: tuple) -> tuple[Panel, ...]:
    """Assemble the panels named by ``specs``, each ``(war, start, end, propensity_before)`` (see
    :class:`AlignmentChoice`), from the bundled data with :func:`build_panel`.

    Parameters
    ----------
    specs : tuple
        Tuples ``(war, start, end, propensity_before)``; dates as ``YYYY-MM-DD`` strings or dates.

    Returns
    -------
    tuple[Panel, ...]
        One panel per spec, in order.

    Raises
    ------
    InvalidParameterError
        ``specs`` empty or not a tuple/list, an entry not of four items, a bad date, or end not after start.
    """
    if not isinstance(specs, tuple | list) or not specs:
        raise InvalidParameterError(
            "The 'panels' parameter of AlignmentChoice must be a non-empty tuple of "
            f"(war, start, end, propensity_before). Got {specs!r} instead."
        )
    panels = []
    for spec in specs:
        if not isinstance(spec, tuple | list) or len(spec) != 4:
            raise InvalidParameterError(
                "Each entry of the 'panels' parameter of AlignmentChoice must be "
                f"(war, start, end, propensity_before). Got {spec!r} instead."
            )
        war, start, end, before = spec
        s, e = parse_date(start), parse_date(end)
        if e <= s:
            raise InvalidParameterError(f"Panel end ({e}) must be after its start ({s}).")
        panels.append(build_panel(s, e, parse_date(before), int(war)))
    return tuple(panels)


def _checked_panels(data: object) -> tuple[Panel, ...]:
    if not isinstance(data, tuple | list) or not data or not all(isinstance(p, Panel) for p in data):
        raise InvalidParameterError(
            "AlignmentChoice.fit needs a non-empty tuple of Panel (from build_panels). "
            f"Got {type(data).__name__} instead."
        )
    return tuple(data)


def _nll(theta: np.ndarray, panels: tuple[Panel, ...], ridge: float) -> float:
    return sum(_nll_one(theta, p) for p in panels) + 0.5 * ridge * float(theta @ theta)


def _transitions(panel: Panel) -> tuple[int, int]:
    """(choice observations, switches) in a panel."""
    n_obs = n_sw = 0
    for t in range(1, len(panel.days)):
        use = panel.member[t] & panel.member[t - 1] & ~panel.ctx[panel.year_of[t]].core & ~panel.forced[t]
        n_obs += int(use.sum())
        n_sw += int((use & (panel.sides[t] != panel.sides[t - 1])).sum())
    return n_obs, n_sw


def _nll_one(theta: np.ndarray, panel: Panel) -> float:
    total = 0.0
    for t in range(1, len(panel.days)):
        ctx = panel.ctx[panel.year_of[t]]
        prev = panel.sides[t - 1]
        f = features(ctx, prev, panel.member[t - 1], np.ones(len(prev)), panel.cred[t - 1])
        p = probabilities(utilities(theta, f, prev))
        use = panel.member[t] & panel.member[t - 1] & ~ctx.core & ~panel.forced[t]
        idx = np.nonzero(use)[0]
        total -= np.log(p[idx, panel.sides[t, idx]] + 1e-12).sum()
    return total


class AlignmentChoice(Estimator):
    """Multinomial-logit alignment choice, fitted on monthly sides before a cut-off.

    Parameters (keyword-only, stored verbatim)
    ----------
    panels : tuple of (war, start, end, propensity_before)
        Monthly panels the weights are fitted on (default :data:`DEFAULT_PANELS`: WWI to
        1918-11-10 and WWII to the end of Stalingrad, 1943-02-02 — "information up to 1943-02").
        Propensity factor weights for each panel are fitted on wars that started before
        ``propensity_before``.
    ridge : float
        Gaussian prior precision on the weights (regularises rare transitions).

    Examples
    --------
    >>> m = AlignmentChoice().fit()
    >>> m.params_["stay"] > 0   # switching is costly: most states keep their side
    True
    """

    _parameter_rules: ClassVar[dict[str, Rule]] = {"ridge": Interval(float, 0, None, closed="left")}
    _fitted_attr = "params_"

    def __init__(self, *, panels: tuple = DEFAULT_PANELS, ridge: float = 0.1):
        self.panels = panels
        self.ridge = ridge

    def fit(self, data: tuple[Panel, ...] | None = None) -> AlignmentChoice:
        """Maximum-likelihood weights with Laplace standard errors; sets ``params_``, ``se_``, ``cov_``.

        ``data``: assembled monthly panels (from :func:`build_panels`); default: the panels named by
        the ``panels`` parameter, assembled from the bundled data.

        Parameters
        ----------
        data : tuple[Panel, ...] or None, default None
            Assembled panels; None builds them from ``panels``.

        Returns
        -------
        AlignmentChoice
            ``self``, fitted (weights in utility units, in the order of :data:`PARAMS`).

        Raises
        ------
        InvalidParameterError
            Bad constructor parameters, panels or panel specs.
        """
        self._validate_params()
        panels = build_panels(self.panels) if data is None else _checked_panels(data)
        x0 = np.array([0.5, 0.5, 0.5, 3.0, 0.0])
        from scipy.optimize import minimize  # imported here: a report whose fits are cached never needs it

        res = minimize(_nll, x0, args=(panels, self.ridge), method="BFGS")
        theta = res.x
        h = _hessian(lambda th: _nll(th, panels, self.ridge), theta)
        cov = np.linalg.pinv(h)
        self.theta_ = theta
        self.cov_ = cov
        self.params_ = dict(zip(PARAMS, theta.tolist(), strict=True))
        self.se_ = dict(zip(PARAMS, np.sqrt(np.clip(np.diag(cov), 0, None)).tolist(), strict=True))
        self.loglik_ = -float(res.fun)
        counts = [_transitions(p) for p in panels]
        self.n_obs_ = sum(c[0] for c in counts)
        self.n_switches_ = sum(c[1] for c in counts)
        self.fit_end_ = max(p.end for p in panels)
        return self

    def weights_table(self) -> pd.DataFrame:
        """Fitted weights with Laplace standard errors and 95% intervals (utility units)."""
        self._check_fitted()
        return pd.DataFrame(
            [
                {
                    "parameter": k,
                    "estimate": self.params_[k],
                    "se": self.se_[k],
                    "lo95": self.params_[k] - 1.96 * self.se_[k],
                    "hi95": self.params_[k] + 1.96 * self.se_[k],
                }
                for k in PARAMS
            ]
        )

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Parameter draws (size, 5) from the fitted Laplace (multivariate normal) uncertainty.

        Parameters
        ----------
        rng : np.random.Generator
            Source of the draws.
        size : int
            Number of draws.

        Returns
        -------
        np.ndarray
            Shape (size, 5), weights in the order of :data:`PARAMS`.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted()
        return rng.multivariate_normal(self.theta_, self.cov_, size=size, method="eigh")


def _hessian(f, x: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    k = len(x)
    h = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            e_i = np.eye(k)[i] * eps
            e_j = np.eye(k)[j] * eps
            v = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)) / (4 * eps * eps)
            h[i, j] = h[j, i] = v
    return h


def fitted_choice(fit_end: str | dt.date = "1943-02-02", *, cache: FitCache | None = None) -> AlignmentChoice:
    """An AlignmentChoice fitted on WWI and on WWII months up to ``fit_end``, kept in ``cache``.

    ``cache`` defaults to the process-wide :data:`~realign.models.base.DEFAULT_FIT_CACHE`; the fit's
    key is ``("choice", (fit_end,))``. The panels' propensities come from :func:`fitted_model` with
    the default cache (the panels themselves are memoised by :func:`build_panel`).

    Parameters
    ----------
    fit_end : str or dt.date, default "1943-02-02"
        Last day of WWII information used.
    cache : FitCache or None, default None
        Where the fit is kept.

    Returns
    -------
    AlignmentChoice
        The fitted model (shared: do not modify).

    Raises
    ------
    InvalidDateError
        If ``fit_end`` is not a valid date.
    """
    end = parse_date(fit_end).isoformat()
    panels = (DEFAULT_PANELS[0], (WWII, "1939-09-01", end, "1939-09-01"))
    store = DEFAULT_FIT_CACHE if cache is None else cache
    return store.get("choice", (end,), lambda: AlignmentChoice(panels=panels).fit())
