"""Monthly simulation of alignment choices after battle shocks (numba kernel, pure inputs).

A run starts from the system on the start day (sides from COW war spells, CINC of the latest
year known then, propensity factors on that day) and steps month by month: catalogue events
change each side's capability (multiplier on its belligerents' CINC) and credibility (added
to the coalition's perceived strength, decaying); every state outside the coalition cores
re-decides its side with the fitted alignment-choice model (:mod:`realign.models.choice`).
States do not enter or leave the system during a run (model assumption).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numba
import numpy as np

from realign.data.names import parse_date
from realign.errors import InvalidParameterError
from realign.models.base import FitCache
from realign.models.choice import CORES, CREDIBILITY_RETENTION, PARAMS, fitted_choice, known_cinc, month_days
from realign.models.propensity import FACTORS, dyad_factors, fitted_model, land_contiguity
from realign.system.snapshot import System
from realign.wars import WAR_SIDES, WWII

__all__ = ["SimulationSpec", "SimInputs", "prepare", "simulate", "SIDE_LABELS"]

#: Smallest choice temperature (weights are divided by it, their covariance by its square).
MIN_TEMPERATURE = 0.01

#: Side labels by engine side index (0 = neutral, then the COW sides of WWII).
SIDE_LABELS = ("neutral", WAR_SIDES[WWII][1], WAR_SIDES[WWII][2])


@dataclass(frozen=True)
class SimulationSpec:
    """What to simulate: start day, months, events with outcomes, parameter overrides.

    ``events``: tuple of (slug, outcome) with outcome "historical" | "reversed", or
    (slug, "custom", {side: (capability, credibility)}). ``params``: overrides of the choice
    weights (names in :data:`realign.models.choice.PARAMS`) fixed for every replicate.
    ``credibility_sd``: stated prior on the size of battle credibility effects (lognormal sd).
    ``credibility_retention``: share of a credibility shock kept each month (model assumption,
    default 0.944, a half-life of about a year). ``temperature``: divides the choice weights, their
    covariance and any overrides (tau > 1 makes choices noisier) while keeping the fitted uncertainty.
    """

    start: dt.date
    months: int
    events: tuple = ()
    params: dict = field(default_factory=dict)
    states: tuple[int, ...] | None = None
    war: int = WWII
    credibility_sd: float = 0.25
    fit_end: str | None = None
    credibility_retention: float = CREDIBILITY_RETENTION
    temperature: float = 1.0

    def __post_init__(self):
        if not isinstance(self.start, dt.date):
            object.__setattr__(self, "start", parse_date(self.start))  # "1942-08-01" is read, bad text is an error
        if not isinstance(self.months, int) or not 1 <= self.months <= 240:
            raise InvalidParameterError(f"The 'months' parameter must be an int in [1, 240]. Got {self.months!r}.")
        unknown = set(self.params) - set(PARAMS)
        if unknown:
            raise InvalidParameterError(f"Unknown model parameter(s) {sorted(unknown)}; known: {', '.join(PARAMS)}.")
        bad = {
            k: v
            for k, v in self.params.items()
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
        }
        if bad:
            raise InvalidParameterError(
                f"Model parameters must be finite numbers (a NaN is not 'draw it'). Got {bad!r}."
            )
        if not 0 <= self.credibility_retention <= 1:
            raise InvalidParameterError(
                f"The 'credibility_retention' parameter must be in [0, 1]. Got {self.credibility_retention!r} instead."
            )
        if not MIN_TEMPERATURE <= self.temperature <= 100:
            # below ~0.01 the weights' covariance (scaled by 1/tau^2) overflows: an error, not a wrong result
            raise InvalidParameterError(
                f"The 'temperature' parameter must be in [{MIN_TEMPERATURE}, 100]. Got {self.temperature!r}."
            )

    def to_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "months": self.months,
            "events": [
                list(e[:2]) + ([{str(k): list(v) for k, v in e[2].items()}] if len(e) > 2 else []) for e in self.events
            ],
            "params": dict(self.params),
            "states": list(self.states) if self.states else None,
            "war": self.war,
            "credibility_sd": self.credibility_sd,
            "fit_end": self.fit_end,
            "credibility_retention": self.credibility_retention,
            "temperature": self.temperature,
        }


@dataclass(frozen=True)
class SimInputs:
    """Arrays the kernel needs (picklable; shipped to worker processes or Dask workers)."""

    ccodes: np.ndarray  # (n,)
    days: tuple  # observation days (15th of each month)
    w: np.ndarray  # (n,) CINC
    F: np.ndarray  # (K, n, n) propensity factors (NaN replaced by training means)
    L: np.ndarray  # (n, n) land contiguity
    core: np.ndarray  # (n,) bool
    init_side: np.ndarray  # (n,) int64
    cap_mult: np.ndarray  # (T, n) capability multiplier per month
    cred: np.ndarray  # (T, 3) credibility per month (events, decayed)
    theta: np.ndarray  # (5,) fitted choice weights
    theta_cov: np.ndarray  # (5, 5)
    pcoef: np.ndarray  # (K,) fitted propensity weights
    pcoef_se: np.ndarray  # (K,)
    fixed: np.ndarray  # (5,) NaN = drawn, else fixed override
    credibility_sd: float


def _event_effects(spec: SimulationSpec):
    from realign.events.catalogue import load_event

    out = []
    for e in spec.events:
        ev = load_event(e[0])
        outcome = e[1]
        if outcome == "historical":
            eff = {s: (x.capability, x.credibility) for s, x in ev.effects.items()}
            st = {c: x.capability for c, x in ev.state_effects.items()}
        elif outcome == "reversed":
            eff = {s: (x.capability, x.credibility) for s, x in ev.reversed_effects.items()}
            st = {c: x.capability for c, x in ev.reversed_state_effects.items()}
        elif outcome == "custom":
            eff = {int(s): (float(v[0]), float(v[1])) for s, v in e[2].items()}
            st = {}
        else:
            raise InvalidParameterError(f"Event outcome must be historical, reversed or custom. Got {outcome!r}.")
        out.append((ev, eff, st))
    return out


def _event_paths(spec: SimulationSpec, start: dt.date, days: list, ccodes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(T, n) capability multipliers from the month each event ends, and (T, 3) decayed side credibility."""
    pos = {c: i for i, c in enumerate(ccodes)}
    T = len(days)
    cap = np.ones((T, len(ccodes)))
    cred = np.zeros((T, 3))
    from realign.events.catalogue import list_events, load_event

    spec_slugs = {e[0] for e in spec.events}
    # earlier catalogue events' historical credibility, as known on the start day
    for slug in list_events():
        ev = load_event(slug)
        if slug in spec_slugs or ev.end >= start or ev.war != spec.war:
            continue
        for side, x in ev.effects.items():
            if side in (1, 2):
                for t, d in enumerate(days):
                    m = (d.year - ev.end.year) * 12 + d.month - ev.end.month
                    cred[t, side] += x.credibility * spec.credibility_retention**m
    for ev, eff, st in _event_effects(spec):
        for t, d in enumerate(days):
            if ev.end > d:
                continue
            m = (d.year - ev.end.year) * 12 + d.month - ev.end.month
            for side, (capm, credd) in eff.items():
                if side in (1, 2):
                    cred[t, side] += credd * spec.credibility_retention ** max(m, 0)
                    for cc in ev.sides.get(side, ()):
                        if cc in pos:
                            cap[t, pos[cc]] *= st.get(cc, capm)
    return cap, cred


def prepare(spec: SimulationSpec, *, cache: FitCache | None = None) -> SimInputs:
    """Build the kernel inputs from data known on ``spec.start`` (no later data are read).

    The choice and propensity fits come from ``cache`` (default: the process-wide fit cache).

    Parameters
    ----------
    spec : SimulationSpec
        Start date, months, states, war, events and model parameters of the run.
    cache : FitCache, optional
        Where the fitted choice and propensity models are kept (default the process-wide cache).

    Returns
    -------
    SimInputs
        The kernel's arrays: factors, contiguity, capability and credibility paths, initial sides.

    Raises
    ------
    InvalidParameterError
        If a requested state is not a system member on the start date.
    """
    start = parse_date(spec.start)
    s = System.at(start)
    ccodes = list(spec.states) if spec.states else s.ccodes
    missing = [c for c in ccodes if c not in s]
    if missing:
        raise InvalidParameterError(f"States not in the system on {start}: {missing}.")
    days = month_days(start, spec.months)
    w = known_cinc(start, ccodes)  # the CINC a contemporary could know (as in fitting)
    fit_end = spec.fit_end or start.isoformat()
    choice = fitted_choice(fit_end, cache=cache)
    pmodel = fitted_model(dt.date(1939, 9, 1) if spec.war == WWII else start, cache=cache)
    f = dyad_factors(start, ccodes, half_life=pmodel.half_life)
    F = np.stack([np.where(np.isnan(f[k]), pmodel.means_[k], f[k]) for k in FACTORS])
    for k in range(F.shape[0]):
        np.fill_diagonal(F[k], 0)
    L = land_contiguity(start, ccodes)
    sides = s.war_sides(spec.war)
    init = np.array([sides.get(cc, 0) for cc in ccodes], dtype=np.int64)
    core = np.isin(np.array(ccodes), CORES.get(spec.war, ()))

    cap, cred = _event_paths(spec, start, days, ccodes)
    fixed = np.full(5, np.nan)
    for k, v in spec.params.items():
        fixed[PARAMS.index(k)] = float(v) / spec.temperature
    names = list(pmodel.coef_)[1:]
    return SimInputs(
        ccodes=np.array(ccodes),
        days=tuple(days),
        w=w,
        F=F,
        L=L,
        core=core,
        init_side=init,
        cap_mult=cap,
        cred=cred,
        theta=choice.theta_ / spec.temperature,
        theta_cov=choice.cov_ / spec.temperature**2,
        pcoef=np.array([pmodel.coef_[k] for k in names]),
        pcoef_se=np.array([pmodel.se_[k] for k in names]),
        fixed=fixed,
        credibility_sd=float(spec.credibility_sd),
    )


@numba.njit(cache=True)
def _run_kernel(theta, pcoef, credscale, seeds, F, L, w, core, init_side, cap_mult, cred, out_sides, out_share):
    """Simulate R replicates: out_sides (R, T, n) int8 sides, out_share (R, T, 3) capability shares."""
    R = theta.shape[0]
    K, n, _ = F.shape
    T = cap_mult.shape[0]
    P = np.zeros((n, n))
    side = np.zeros(n, dtype=np.int64)
    new = np.zeros(n, dtype=np.int64)
    u = np.zeros(3)
    for r in range(R):
        np.random.seed(seeds[r])
        for i in range(n):
            for j in range(n):
                acc = 0.0
                for k in range(K):
                    acc += pcoef[r, k] * F[k, i, j]
                P[i, j] = acc
        for i in range(n):
            side[i] = init_side[i]
        for t in range(T):
            wt = w * cap_mult[t]
            strength = np.zeros(3)
            for j in range(n):
                strength[side[j]] += wt[j]
            mat = strength.copy()
            tot_m = mat[0] + mat[1] + mat[2]
            for a in range(3):
                out_share[r, t, a] = mat[a] / tot_m if tot_m > 0 else 0.0
            s1 = (1.0 + cred[t, 1] * credscale[r]) * strength[1]
            s2 = (1.0 + cred[t, 2] * credscale[r]) * strength[2]
            tot = s1 + s2
            for i in range(n):
                if core[i]:
                    new[i] = side[i]
                    continue
                u[0] = theta[r, 4]
                for a in range(1, 3):
                    num = 0.0
                    den = 0.0
                    lnum = 0.0
                    lden = 0.0
                    for j in range(n):
                        if j == i:
                            continue
                        if L[i, j] > 0:
                            lden += wt[j]
                        if side[j] == a:
                            num += P[i, j] * wt[j]
                            den += wt[j]
                            if L[i, j] > 0:
                                lnum += wt[j]
                    aff = num / den if den > 0 else 0.0
                    expo = lnum / lden if lden > 0 else 0.0
                    sh = ((s1 if a == 1 else s2) / tot - 0.5) if tot > 0 else 0.0
                    u[a] = theta[r, 0] * aff + theta[r, 1] * sh + theta[r, 2] * expo
                u[side[i]] += theta[r, 3]
                m = max(u[0], max(u[1], u[2]))
                e0 = np.exp(u[0] - m)
                e1 = np.exp(u[1] - m)
                e2 = np.exp(u[2] - m)
                x = np.random.random() * (e0 + e1 + e2)
                if x < e0:
                    new[i] = 0
                elif x < e0 + e1:
                    new[i] = 1
                else:
                    new[i] = 2
            for i in range(n):
                side[i] = new[i]
                out_sides[r, t, i] = side[i]


def replicate_draws(inputs: SimInputs, seeds: list[np.random.SeedSequence]) -> tuple[np.ndarray, ...]:
    """Per-replicate parameter draws, each from its own SeedSequence child (replayable one by one)."""
    R = len(seeds)
    theta = np.empty((R, 5))
    pcoef = np.empty((R, len(inputs.pcoef)))
    credscale = np.empty(R)
    kseed = np.empty(R, dtype=np.int64)
    chol = np.linalg.cholesky(inputs.theta_cov + 1e-12 * np.eye(5))
    for r, ss in enumerate(seeds):
        rng = np.random.default_rng(ss)
        theta[r] = inputs.theta + chol @ rng.standard_normal(5)
        pcoef[r] = inputs.pcoef + inputs.pcoef_se * rng.standard_normal(len(inputs.pcoef))
        credscale[r] = float(np.exp(inputs.credibility_sd * rng.standard_normal()))
        kseed[r] = int(rng.integers(0, 2**31 - 1))
    fixed = ~np.isnan(inputs.fixed)
    theta[:, fixed] = inputs.fixed[fixed]
    return theta, pcoef, credscale, kseed


def simulate(inputs: SimInputs, seeds: list[np.random.SeedSequence]) -> tuple[np.ndarray, np.ndarray, dict]:
    """Run one batch of replicates: (sides (R,T,n) int8, shares (R,T,3), draws dict).

    Parameters
    ----------
    inputs : SimInputs
        Kernel inputs from :func:`prepare`.
    seeds : list[np.random.SeedSequence]
        One seed per replicate (R replicates).

    Returns
    -------
    tuple[np.ndarray, np.ndarray, dict]
        Sides (R, T, n) int8 (0 neutral, 1, 2), side capability shares (R, T, 3) and the draws
        (``theta``, ``pcoef``, ``credscale``, ``kernel_seed``), T = ``len(inputs.days)``.
    """
    theta, pcoef, credscale, kseed = replicate_draws(inputs, seeds)
    R, T, n = len(seeds), len(inputs.days), len(inputs.ccodes)
    sides = np.zeros((R, T, n), dtype=np.int8)
    shares = np.zeros((R, T, 3))
    _run_kernel(
        theta,
        pcoef,
        credscale,
        kseed,
        inputs.F,
        inputs.L,
        inputs.w,
        inputs.core,
        inputs.init_side,
        inputs.cap_mult,
        inputs.cred,
        sides,
        shares,
    )
    return sides, shares, {"theta": theta, "pcoef": pcoef, "credscale": credscale, "kernel_seed": kseed}
