"""Landscape theory of aggregation (Axelrod & Bennett 1993, *BJPS* 23(2), 211–233).

Given sizes ``s_i`` (e.g. CINC shares) and a symmetric propensity matrix ``p_ij`` (positive: the two
states like to be together), the *frustration energy* of a partition ``X`` into coalitions is::

    E(X) = Σ_{i<j} s_i s_j p_ij d_ij(X),   d_ij = 1 if i and j are in different coalitions

The theory predicts the local minima of ``E`` (configurations no single state's move improves), each
with its basin of attraction, not just the global minimum.

:class:`Landscape` works on plain arrays, so any source of sizes and propensities can feed it::

    Landscape(k=2).fit(sizes, propensity, ids=["USA", "RUS", ...])

(``realign.models.propensity`` builds them from data for a date; see :func:`fit_landscape`.)

Basins. For two coalitions the basin of a minimum is the fraction of configurations whose steepest
descent (repeatedly make the single move that lowers the energy most; ties to the lowest index)
ends in it: counted over *all* ``2^(N-1)`` configurations when ``N <= basin_exact_max_n`` (16) and
estimated from ``n_basin_samples`` uniformly random configurations otherwise, each estimate with a
95% Wilson interval (``Minimum.basin_ci``; :mod:`realign.solvers.basins`). A minimum found by a
solver but never reached from the sample gets basin 0.0 with interval ``[0, ~3.84 / n_basin_samples]``.
When the list is not complete (``complete_`` False) the number of minima found is only a lower bound
on the number of local minima. For ``k >= 3`` basins are not computed (``None``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from realign.errors import InvalidParameterError
from realign.models.base import Estimator, Interval, Options, Rule

__all__ = ["Landscape", "Minimum", "landscape_energy", "fit_landscape", "validate_inputs"]

_SOLVERS = ("auto", "exact", "minima", "bnb", "heuristic")
BASIN_CONFIDENCE = 0.95  # confidence of the Wilson interval of a sampled basin


@dataclass
class Minimum:
    """One local minimum: ``energy`` (size² × propensity units), ``coalitions`` (lists of ids, the
    coalition of the first id first, members in input order), ``basin`` (fraction, or None) and
    ``basin_ci`` (``[lo, hi]``: the 95% Wilson interval of a sampled basin, ``[basin, basin]`` when
    counted exactly, None when not computed)."""

    energy: float
    coalitions: list[list[Hashable]]
    basin: float | None
    basin_ci: list[float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the JSON contract of ``realign landscape``)."""
        return asdict(self)


def _id_text(ids: Sequence[Hashable] | None, i: int) -> str:
    return f" (id {ids[i]!r})" if ids is not None else ""


def validate_inputs(
    sizes: Any, propensity: Any, ids: Sequence[Hashable] | None = None
) -> tuple[np.ndarray, np.ndarray, list[Hashable]]:
    """Check and convert sizes (n,), propensity (n, n) and ids; errors name the offending row.

    Parameters
    ----------
    sizes, propensity, ids : Any, Any, Sequence[Hashable] or None (default None)
        Sizes (n,) >= 0 (in realign, CINC shares); symmetric propensity (n, n), its diagonal ignored;
        one distinct id per state (e.g. ccodes), named in errors, None meaning 0 .. n-1.

    Returns
    -------
    tuple[np.ndarray, np.ndarray, list[Hashable]]
        float64 sizes, float64 propensity with a zero diagonal, and the ids.

    Raises
    ------
    InvalidParameterError
        Negative/NaN sizes, NaN or asymmetric propensities, wrong shapes, duplicate ids, energy overflow.

    Examples
    --------
    >>> validate_inputs([1, 2], [[0, 1], [0.5, 0]], ["A", "B"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    realign.errors.InvalidParameterError: propensity is not symmetric at row 0 (id 'A'), ...
    """
    try:
        s = np.asarray(sizes, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"sizes must be numbers: {exc}") from None
    if s.ndim != 1:
        raise InvalidParameterError(f"sizes must be one-dimensional; got shape {s.shape}")
    n = len(s)
    id_list = list(range(n)) if ids is None else list(ids)
    if len(id_list) != n:
        raise InvalidParameterError(f"ids has {len(id_list)} entries but sizes has {n}")
    if len(set(id_list)) != n:
        seen: set = set()
        for i, x in enumerate(id_list):
            if x in seen:
                raise InvalidParameterError(f"ids row {i}: duplicate id {x!r}")
            seen.add(x)
    for i in range(n):
        if not math.isfinite(s[i]):
            raise InvalidParameterError(f"sizes row {i}{_id_text(id_list, i)} is not a finite number ({s[i]})")
        if s[i] < 0:
            raise InvalidParameterError(f"sizes row {i}{_id_text(id_list, i)} is negative ({s[i]}); sizes must be >= 0")
    try:
        p = np.array(propensity, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"propensity must be numbers: {exc}") from None
    if p.shape != (n, n):
        raise InvalidParameterError(f"propensity must have shape ({n}, {n}) to match sizes; got {p.shape}")
    np.fill_diagonal(p, 0.0)
    bad = np.argwhere(~np.isfinite(p))
    if len(bad):
        i, j = (int(x) for x in bad[0])
        raise InvalidParameterError(
            f"propensity row {i}{_id_text(id_list, i)}, column {j}{_id_text(id_list, j)} is {p[i, j]}; "
            "propensities must be finite"
        )
    scale = max(1.0, float(np.abs(p).max(initial=0.0)))
    asym = np.argwhere(np.abs(p - p.T) > 1e-12 * scale)
    if len(asym):
        i, j = (int(x) for x in asym[0])
        raise InvalidParameterError(
            f"propensity is not symmetric at row {i}{_id_text(id_list, i)}, "
            f"column {j}{_id_text(id_list, j)}: "
            f"p[{i},{j}]={p[i, j]} but p[{j},{i}]={p[j, i]}"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        bound = float(s @ np.abs(p) @ s)  # largest |energy| any configuration can reach
    if not math.isfinite(bound):
        raise InvalidParameterError(
            f"sizes x propensities overflow a float (the energy bound sum s_i s_j |p_ij| is {bound}); "
            f"largest size {s.max(initial=0.0):g}: rescale the sizes (e.g. to shares) or the propensities"
        )
    return s, p, id_list


def landscape_energy(sizes: Any, propensity: Any, assignment: Sequence[Hashable]) -> float:
    """Energy ``Σ_{i<j} s_i s_j p_ij d_ij`` of an assignment (one coalition label per state).

    Labels can be any hashable values; only equality matters, so relabelling coalitions does not
    change the energy.

    Parameters
    ----------
    sizes, propensity : Any
        Sizes (n,) and symmetric propensity (n, n), checked by :func:`validate_inputs`.
    assignment : Sequence[Hashable]
        One coalition label per state.

    Returns
    -------
    float
        The energy (units of size x size x propensity).

    Raises
    ------
    InvalidParameterError
        Bad sizes or propensity (see :func:`validate_inputs`), or not one label per state.

    Examples
    --------
    >>> p = [[0, 1, -1], [1, 0, -1], [-1, -1, 0]]
    >>> landscape_energy([1, 1, 2], p, ["a", "a", "b"])
    -4.0
    >>> landscape_energy([1, 1, 2], p, [0, 1, 1])
    -1.0
    """
    s, p, _ = validate_inputs(sizes, propensity)
    lab = list(assignment)
    if len(lab) != len(s):
        raise InvalidParameterError(f"assignment has {len(lab)} labels but there are {len(s)} states")
    codes = np.array(canon_codes(lab), dtype=np.int64)
    diff = codes[:, None] != codes[None, :]
    return float(0.5 * np.sum(np.outer(s, s) * p * diff))


def canon_codes(labels: Sequence[Hashable]) -> list[int]:
    """Labels renumbered by first appearance (``['b', 'a', 'b'] -> [0, 1, 0]``)."""
    seen: dict = {}
    return [seen.setdefault(x, len(seen)) for x in labels]


def _coalitions(labels: np.ndarray, ids: list[Hashable]) -> list[list[Hashable]]:
    groups: dict[int, list[Hashable]] = {}
    for i, c in enumerate(canon_codes(np.asarray(labels).tolist())):
        groups.setdefault(c, []).append(ids[i])
    return [groups[c] for c in sorted(groups)]


def _bits_to_labels(states: np.ndarray, n: int) -> np.ndarray:
    states = np.asarray(states, dtype=np.int64)
    return ((states[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(np.int8)


class Landscape(Estimator):
    """Landscape-theory alignment model (Axelrod & Bennett 1993), scikit-learn style.

    Parameters (keyword only, stored verbatim)
    ----------
    k : int >= 2, maximum number of coalitions.
    solver : "auto" | "exact" | "minima" | "bnb" | "heuristic". "auto" enumerates exactly (all local
        minima) when ``N <= exact_max_n`` (k=2) or the partitions are few (k>=3); for k=2 up to
        ``minima_max_n`` it lists every local minimum by pruned search (:mod:`realign.solvers.minima`,
        within ``minima_max_nodes``; past the budget it falls back to branch-and-bound); up to
        ``bnb_max_n`` it proves the global minimum by branch-and-bound; otherwise tabu search.
    n_restarts : tabu-search restarts (heuristic and bnb modes).
    seed : seed of every random choice (restarts, basin samples).
    n_basin_samples : random starts for basin estimates when N > basin_exact_max_n.
    basin_exact_max_n : largest N whose basins are computed from every configuration.
    exact_max_n : largest N enumerated by "auto" (k=2): ``2^(N-1)`` configurations (N=20: ~3 ms; N=30: ~2 s).
    minima_max_n, minima_max_nodes : limits of the pruned search for every local minimum (k=2); it beats the
        enumeration from N≈20 (sk N=24: 8 ms against 41 ms) and lists every minimum of sk N=40 (±1 propensities,
        the hardest family benchmarked: 81M nodes) in ~9 s on 2 cores; structured landscapes take milliseconds.
    bnb_max_n, bnb_max_nodes : branch-and-bound limits.
    max_minima : cap on stored minima.

    Attributes after :meth:`fit`
    ----------------------------
    minima_ : list[Minimum], sorted by energy (global minimum first).
    energy_, coalitions_ : global minimum energy and coalitions.
    exact_ : True when the global minimum is proven optimal.
    complete_ : True when ``minima_`` lists every local minimum (enumeration or a finished pruned search);
        otherwise ``len(minima_)`` is a lower bound on the number of local minima.
    basin_method_ : "exact" (every configuration descended), "sampled" or None (k >= 3).
    basin_starts_ : configurations descended for the basins (``2^(N-1)`` or ``n_basin_samples``), or None.
    solver_ : solver used; n_found_ / n_runs_ : heuristic runs reaching the best energy.
    ids_ : the ids used.

    Examples
    --------
    >>> p = [[0, 1, -1], [1, 0, -1], [-1, -1, 0]]
    >>> m = Landscape(k=2).fit([1, 1, 2], p, ids=["A", "B", "C"])
    >>> m.energy_, m.coalitions_, m.exact_
    (-4.0, [['A', 'B'], ['C']], True)
    >>> [(x.energy, x.basin) for x in m.minima_]
    [(-4.0, 1.0)]
    """

    _parameter_rules: ClassVar[dict[str, Rule]] = {
        "k": Interval(int, 2, None, closed="left"),
        "solver": Options(str, _SOLVERS),
        **{
            name: Interval(int, 1, None, closed="left")
            for name in ("n_restarts", "n_basin_samples", "max_minima", "bnb_max_nodes", "minima_max_nodes")
        },
        **{
            name: Interval(int, 0, None, closed="left")
            for name in ("basin_exact_max_n", "exact_max_n", "minima_max_n", "bnb_max_n")
        },
        "seed": Interval(int, None, None, allow_none=True),
    }
    _fitted_attr = "minima_"
    _fit_hint = "fit(sizes, propensity)"

    def __init__(
        self,
        *,
        k: int = 2,
        solver: str = "auto",
        n_restarts: int = 64,
        seed: int | None = 0,
        n_basin_samples: int = 4096,
        basin_exact_max_n: int = 16,
        exact_max_n: int = 20,
        minima_max_n: int = 40,
        minima_max_nodes: int = 100_000_000,
        bnb_max_n: int = 120,
        bnb_max_nodes: int = 200_000_000,
        max_minima: int = 100_000,
    ) -> None:
        self.k = k
        self.solver = solver
        self.n_restarts = n_restarts
        self.seed = seed
        self.n_basin_samples = n_basin_samples
        self.basin_exact_max_n = basin_exact_max_n
        self.exact_max_n = exact_max_n
        self.minima_max_n = minima_max_n
        self.minima_max_nodes = minima_max_nodes
        self.bnb_max_n = bnb_max_n
        self.bnb_max_nodes = bnb_max_nodes
        self.max_minima = max_minima

    # -- fitting ------------------------------------------------------------------------------
    def fit(
        self,
        sizes: Any,
        propensity: Any,
        ids: Sequence[Hashable] | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> Landscape:
        """Find the minima of the landscape of ``sizes`` (n,) and symmetric ``propensity`` (n, n).

        ``ids`` label the states in the output (default ``0..n-1``). ``progress(done, total)`` is
        called during long exact enumerations. Returns ``self``.

        Parameters
        ----------
        sizes, propensity : Any
            Sizes (n,) >= 0 (in realign, CINC shares) and symmetric propensity (n, n); see :func:`validate_inputs`.
        ids : Sequence[Hashable] or None, default None
            One distinct id per state (e.g. ccodes).
        progress : Callable[[int, int], None] or None, default None
            Called as ``progress(done, total)``.

        Returns
        -------
        Landscape
            ``self``, with ``minima_``, ``energy_``, ``coalitions_``, ``exact_`` and ``complete_``.

        Raises
        ------
        InvalidParameterError
            Bad constructor parameters or inputs.
        """
        self._validate_params()
        s, p, id_list = validate_inputs(sizes, propensity, ids)
        from realign.solvers.exact import couplings

        w = couplings(s, p)
        n = len(s)
        seed = 0 if self.seed is None else int(self.seed)
        self.ids_ = id_list
        self.n_found_ = None
        self.n_runs_ = None
        self.basin_method_ = self.basin_starts_ = None
        if n == 0:
            self.minima_, self.energy_, self.coalitions_ = [], 0.0, []
            self.exact_ = self.complete_ = True
            self.solver_ = "exact"
            return self
        if self.k == 2:
            labels, energies, self.exact_, self.complete_ = self._fit_two_cached(w, seed, progress)
            basins, cis = self._basins(w, labels, seed)
        else:
            labels, energies, self.exact_, self.complete_ = self._fit_kway(w, seed)
            basins = cis = [None] * len(labels)
        self.minima_ = [
            Minimum(float(e), _coalitions(lab, id_list), b, ci)
            for lab, e, b, ci in zip(labels, energies, basins, cis, strict=True)
        ]
        self.energy_ = self.minima_[0].energy
        self.coalitions_ = self.minima_[0].coalitions
        return self

    def _choose(self, n: int) -> str:
        if self.solver != "auto":
            return "exact" if self.solver == "minima" and self.k != 2 else self.solver
        if self.k == 2:
            if n <= self.exact_max_n:
                return "exact"
            if n <= self.minima_max_n:
                return "minima"
            return "bnb" if n <= self.bnb_max_n else "heuristic"
        from realign.solvers.kway import n_partitions

        return "exact" if n_partitions(n, self.k) <= 20_000_000 else "heuristic"

    def _fit_two_cached(self, w: np.ndarray, seed: int, progress: Callable[[int, int], None] | None):
        """:meth:`_fit_two` through the on-disk fit cache (:mod:`realign.models.cache`) for N >= 34, where a search
        can take seconds (pruned minima search, bnb, heuristic); keyed by the couplings' bytes and every parameter."""
        n = w.shape[0]
        if n < 34 or self._choose(n) == "exact":
            return self._fit_two(w, seed, progress)
        import hashlib

        from realign.models.cache import cached_fit

        key = {
            "w": hashlib.sha256(np.ascontiguousarray(w, dtype=np.float64).tobytes()).hexdigest(),
            "n": n,
            "seed": seed,
            "params": self.get_params(),
        }

        def compute() -> tuple:
            out = self._fit_two(w, seed, progress)
            return out, self.solver_, self.n_found_, self.n_runs_, getattr(self, "_samples", None)

        out, self.solver_, self.n_found_, self.n_runs_, self._samples = cached_fit("landscape-k2", key, compute)
        return out

    def _fit_two(self, w: np.ndarray, seed: int, progress: Callable[[int, int], None] | None):
        from realign.solvers.exact import EXACT_MAX_N, solve_exact
        from realign.solvers.heuristic import labels_energy, tabu_search
        from realign.solvers.minima import MINIMA_MAX_N, enumerate_minima

        n = w.shape[0]
        solver = self._choose(n)
        if solver == "exact" and n > EXACT_MAX_N:
            raise InvalidParameterError(
                f"The 'solver' parameter of Landscape must not be 'exact' for N={n} > {EXACT_MAX_N} "
                "(use 'bnb'). Got 'exact' instead."
            )
        if solver == "minima" and n > MINIMA_MAX_N:
            raise InvalidParameterError(
                f"The 'solver' parameter of Landscape must not be 'minima' for N={n} > {MINIMA_MAX_N} "
                "(use 'bnb'). Got 'minima' instead."
            )
        self.solver_ = solver
        if solver == "exact":
            r = solve_exact(w, max_minima=self.max_minima, progress=progress)
            labels = _bits_to_labels(r.minima_states, n)
            return labels, r.minima_energies, True, not r.truncated
        cands = []
        if solver == "minima":
            m = enumerate_minima(w, max_minima=self.max_minima, max_nodes=self.minima_max_nodes)
            if m.complete:
                return _bits_to_labels(m.minima_states, n), m.minima_energies, True, True
            # budget or storage exhausted: the minima found are candidates; the global minimum from bnb
            cands.append(_bits_to_labels(m.minima_states, n))
            solver = self.solver_ = "bnb"
        exact = False
        h = tabu_search(w, n_restarts=self.n_restarts, seed=seed)
        self.n_found_, self.n_runs_ = h.n_found, h.n_runs
        cands.append(h.run_labels)
        if solver == "bnb":
            from realign.solvers.bnb import solve_bnb

            b = solve_bnb(w, max_nodes=self.bnb_max_nodes)
            exact = b.exact
            cands.append(b.labels[None, :])
        self._samples = self._descents(w, seed)
        cands.append(self._samples)
        allc = np.unique(np.concatenate(cands), axis=0)
        energies = labels_energy(w, allc)
        order = np.lexsort((*allc.T[::-1], energies))
        allc, energies = allc[order], energies[order]
        return allc[: self.max_minima], energies[: self.max_minima], exact, False

    def _descents(self, w: np.ndarray, seed: int) -> np.ndarray:
        from realign.solvers.heuristic import descend_labels

        n = w.shape[0]
        if n <= self.basin_exact_max_n:
            starts = _bits_to_labels(np.arange(1 << (n - 1), dtype=np.int64) << 1, n)
        else:
            rng = np.random.default_rng(seed)
            starts = rng.integers(0, 2, size=(self.n_basin_samples, n), dtype=np.int8)
        return descend_labels(w, starts)

    def _basins(self, w: np.ndarray, labels: np.ndarray, seed: int) -> tuple[list[float], list[list[float]]]:
        """Basin share and ``[lo, hi]`` of each minimum: counted over every configuration for small N,
        else from ``n_basin_samples`` uniform random starts with 95% Wilson intervals."""
        from realign.solvers.basins import basin_counts

        ends = getattr(self, "_samples", None)
        if ends is None or len(ends) == 0 or ends.shape[1] != w.shape[0]:
            ends = self._descents(w, seed)
        self._samples = None
        est = basin_counts(ends, labels, exact=w.shape[0] <= self.basin_exact_max_n, confidence=BASIN_CONFIDENCE)
        self.basin_method_, self.basin_starts_ = est.method, est.starts
        return ([float(x) for x in est.share], [[float(lo), float(hi)] for lo, hi in zip(est.lo, est.hi, strict=True)])

    def _fit_kway(self, w: np.ndarray, seed: int):
        from realign.solvers.kway import solve_kway_exact, solve_kway_heuristic

        n = w.shape[0]
        solver = self._choose(n)
        self.solver_ = "exact" if solver == "exact" else "heuristic"
        if solver == "exact":
            r = solve_kway_exact(w, self.k, max_minima=self.max_minima)
            return r.minima_labels, r.minima_energies, True, not r.truncated
        r = solve_kway_heuristic(w, self.k, n_restarts=self.n_restarts, seed=seed)
        self.n_found_, self.n_runs_ = r.n_found, r.n_runs
        return r.minima_labels, r.minima_energies, False, False

    def to_dict(self) -> dict[str, Any]:
        """``{"minima": [...], "exact": bool, "complete": bool, ...}`` — the JSON contract of ``realign landscape``.

        ``exact``: the global minimum is proven optimal; ``complete``: ``minima`` lists every local minimum.
        Beside them: ``n_minima`` and ``n_minima_is_lower_bound`` (True unless complete),
        ``basin_method`` ("exact" / "sampled" / None), ``basin_starts`` (configurations descended) and
        ``basin_confidence`` (0.95 for sampled basins, else None); each minimum has ``basin_ci``.
        """
        self._check_fitted()
        sampled = self.basin_method_ == "sampled"
        return {
            "minima": [m.to_dict() for m in self.minima_],
            "exact": bool(self.exact_),
            "complete": bool(self.complete_),
            "n_minima": len(self.minima_),
            "n_minima_is_lower_bound": not self.complete_,
            "basin_method": self.basin_method_,
            "basin_starts": self.basin_starts_,
            "basin_confidence": BASIN_CONFIDENCE if sampled else None,
        }


def fit_landscape(sizes: Any, propensity: Any, ids: Sequence[Hashable] | None = None, **params: Any) -> Landscape:
    """Convenience: ``Landscape(**params).fit(sizes, propensity, ids)``.

    This is the entry point for data-built inputs (``realign.models.propensity``): pass sizes (n,),
    a symmetric propensity (n, n) and the ccodes as ids.

    Parameters
    ----------
    sizes, propensity : Any
        Sizes (n,) and symmetric propensity (n, n) (see :func:`validate_inputs`).
    ids : Sequence[Hashable] or None, default None
        One id per state (e.g. ccodes).
    **params : Any
        :class:`Landscape` constructor parameters.

    Returns
    -------
    Landscape
        The fitted landscape.

    Raises
    ------
    InvalidParameterError
        Bad inputs or parameters.
    """
    return Landscape(**params).fit(sizes, propensity, ids)
