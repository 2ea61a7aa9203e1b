r"""Alignment similarity of alliance portfolios: Signorino-Ritter S, Kendall's tau-b, Cohen's kappa.

A state's *alliance portfolio* in a year (or on a day) is its row of an ordinal alliance matrix over
all system members k: 3 defense (or offense) obligation, 2 neutrality or non-aggression, 1
consultation/entente only, 0 none; a state's tie to itself is 3 (Bueno de Mesquita 1975; Signorino &
Ritter 1999). For states i, j with portfolios a_i, a_j over N members:

* S (unweighted): :math:`S = 1 - 2\,\sum_k |a_{ik}-a_{jk}| / (3N)`, in [-1, 1]; S(i, i) = 1.
* S (capability-weighted): :math:`S_w = 1 - 2\,\sum_k w_k|a_{ik}-a_{jk}| / (3\sum_k w_k)` with
  :math:`w_k` = CINC of k.
* tau-b: Kendall's :math:`\tau_b = (P-Q)/\sqrt{(n_0-n_1)(n_0-n_2)}` over the N paired values, with
  P/Q concordant/discordant pairs, :math:`n_0=N(N-1)/2` and :math:`n_1, n_2` tied pairs within each
  portfolio (equal to ``scipy.stats.kendalltau``); undefined (NaN) when a portfolio is constant.
* kappa: Cohen's :math:`\kappa=(p_o-p_e)/(1-p_e)`, :math:`p_o` share of members with equal values,
  :math:`p_e=\sum_c r_c c_c/N^2` agreement expected from the two portfolios' marginals (Hage 2011).

All four come from the 4x4 cross-tabulation :math:`C_{ab}[i,j]=\#\{k: a_{ik}=a, a_{jk}=b\}`, which
is one matrix product per year, so a whole year costs a few BLAS calls (no per-pair Python).

References
----------
Bueno de Mesquita, B. 1975. "Measuring Systemic Polarity." *Journal of Conflict Resolution* 19(2): 187-216.
Signorino, C. S., and J. M. Ritter. 1999. "Tau-b or Not Tau-b: Measuring the Similarity of Foreign
Policy Positions." *International Studies Quarterly* 43(1): 115-144.
Hage, F. M. 2011. "Choice or Circumstance? Adjusting Measures of Foreign Policy Similarity for Chance
Agreement." *Political Analysis* 19(3): 287-305.
Bennett, D. S., and A. C. Stam. 2000. "EUGene: A Conceptual Manual." *International Interactions* 26(2): 179-204.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from realign.errors import InvalidParameterError
from realign.panels.core import STATE_YEAR, cursor, panel_info, with_columns, with_info

__all__ = ["portfolio_scores", "portfolio_levels", "similarity_at", "state_similarity", "add_sscore", "SCORE_COLUMNS"]

SCORE_COLUMNS = ("s_unweighted", "s_weighted", "tau_b", "kappa")
LEVELS = 4  # 0 none, 1 consultation/entente, 2 neutrality/non-aggression, 3 defense/offense
ATOP_YEARS = (1815, 2018)
NMC_YEARS = (1816, 2022)


def portfolio_levels(defense, offense, neutral, nonagg, consul) -> np.ndarray:
    """Ordinal alliance level from obligation flags: 3 defense/offense, 2 neutral/non-aggression, 1 consult, 0.

    Parameters
    ----------
    defense, offense, neutral, nonagg, consul : array_like
        ATOP obligation flags (> 0 means present), all of the same shape.

    Returns
    -------
    np.ndarray
        int8 levels 0..3, the shape of the inputs.
    """
    d = np.asarray(defense) > 0
    o = np.asarray(offense) > 0
    n = (np.asarray(neutral) > 0) | (np.asarray(nonagg) > 0)
    c = np.asarray(consul) > 0
    return np.where(d | o, 3, np.where(n, 2, np.where(c, 1, 0))).astype(np.int8)


def portfolio_scores(levels: np.ndarray, weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """S, weighted S, tau-b and kappa for every pair of rows of an N x N portfolio matrix (values 0..3).

    ``levels[i, k]`` is i's alliance level with k (the diagonal should be 3). ``weights`` (length N,
    e.g. CINC) gives weighted S; without it, or when any weight is missing, ``s_weighted`` is NaN.

    Parameters
    ----------
    levels : np.ndarray
        Square N x N matrix of alliance levels 0..3 (:func:`portfolio_levels`).
    weights : np.ndarray or None
        Length-N weights (CINC shares) for weighted S; None for none.

    Returns
    -------
    dict of str to np.ndarray
        Four N x N float arrays keyed by :data:`SCORE_COLUMNS` (each in -1..1).

    Raises
    ------
    InvalidParameterError
        ``levels`` is not square or holds values outside 0..3.

    Examples
    --------
    >>> lv = np.array([[3, 3, 0], [3, 3, 0], [0, 0, 3]])
    >>> r = portfolio_scores(lv)
    >>> float(r["s_unweighted"][0, 1]), float(r["s_unweighted"][0, 2])
    (1.0, -1.0)
    """
    lv = np.asarray(levels)
    if lv.ndim != 2 or lv.shape[0] != lv.shape[1]:
        raise InvalidParameterError(f"The 'levels' parameter must be a square matrix. Got shape {lv.shape}.")
    if lv.size and (lv.min() < 0 or lv.max() >= LEVELS):
        raise InvalidParameterError("The 'levels' parameter must hold alliance levels 0..3.")
    n = lv.shape[0]
    iu, ju = np.triu_indices(n)
    tri = pair_scores(lv, weights, iu, ju)
    out = {}
    for col in SCORE_COLUMNS:
        full = np.empty((n, n))
        full[iu, ju] = tri[col]
        full[ju, iu] = tri[col]
        out[col] = full
    return out


def pair_scores(lv: np.ndarray, weights: np.ndarray | None, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """The four scores for the portfolio pairs (i[k], j[k]) of ``lv`` (1-D arrays; no input checks)."""
    n = lv.shape[0]
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    use_w = w is not None and w.shape == (n,) and not np.isnan(w).any() and w.sum() > 0
    c, dist, dist_w = _cross(lv, w if use_w else None, i, j)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "s_unweighted": 1.0 - 2.0 * dist / (3.0 * n),
            "s_weighted": 1.0 - 2.0 * dist_w / (3.0 * w.sum()) if use_w else np.full(len(i), np.nan),
            "tau_b": _tau_b(c, n),
            "kappa": _kappa(c, n),
        }


def _cross(
    lv: np.ndarray, w: np.ndarray | None, i: np.ndarray, j: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Cross-tab c[a, b, k] and the (weighted) L1 distances of the pairs k = (i[k], j[k]), via one sparse product.

    Alliance matrices are sparse, so only the levels 1..3 are multiplied (V V^T with V the stacked level
    indicators); the level-0 cells follow from the row counts. |x - y| = x + y - 2 min(x, y) gives the
    distances from the same cross-tab.
    """
    import scipy.sparse as sp

    n = lv.shape[0]
    v = sp.csr_matrix(np.concatenate([lv == a for a in range(1, LEVELS)]).astype(np.float32))  # (3N) x N
    cnt = np.stack([(lv == a).sum(1) for a in range(LEVELS)]).astype(np.float32)  # cnt[a, i]
    g = (v @ v.T).toarray()
    c = np.empty((LEVELS, LEVELS, len(i)), dtype=np.float32)  # counts <= N: exact in float32
    for a in range(1, LEVELS):
        for b in range(1, LEVELS):
            c[a, b] = g[(a - 1) * n + i, (b - 1) * n + j]
    for a in range(1, LEVELS):
        c[a, 0] = cnt[a][i] - c[a, 1:].sum(0)
        c[0, a] = cnt[a][j] - c[1:, a].sum(0)
    c[0, 0] = n - c[1:].sum((0, 1)) - c[0, 1:].sum(0)
    lows = [(a, b, min(a, b)) for a in range(1, LEVELS) for b in range(1, LEVELS)]
    row = lv.sum(1).astype(np.float64)
    dist = row[i] + row[j] - 2.0 * sum(m * c[a, b] for a, b, m in lows).astype(np.float64)
    dist_w = None
    if w is not None:
        gw = (v.multiply(w[None, :]).tocsr() @ v.T).toarray()
        roww = (lv * w[None, :]).sum(1)
        common = sum(m * gw[(a - 1) * n + i, (b - 1) * n + j] for a, b, m in lows)
        dist_w = roww[i] + roww[j] - 2.0 * common
    return c, dist, dist_w


def _tau_b(c: np.ndarray, n: int) -> np.ndarray:
    """Kendall tau-b from the cross-tab c[a, b, i, j]: concordant P and discordant Q pairs via 2-D partial sums."""
    z = np.zeros_like(c[0, 0])
    ge = [[z] * (LEVELS + 1) for _ in range(LEVELS + 1)]  # ge[a][b] = sum over a' >= a, b' >= b
    le = [[z] * (LEVELS + 1) for _ in range(LEVELS + 1)]  # le[a][b + 1] = sum over a' >= a, b' <= b
    for a in range(LEVELS - 1, -1, -1):
        for b in range(LEVELS - 1, -1, -1):
            ge[a][b] = c[a, b] + ge[a + 1][b] + ge[a][b + 1] - ge[a + 1][b + 1]
        for b in range(LEVELS):
            le[a][b + 1] = c[a, b] + le[a + 1][b + 1] + le[a][b] - le[a + 1][b]
    p = sum(c[a, b] * ge[a + 1][b + 1] for a in range(LEVELS - 1) for b in range(LEVELS - 1))
    q = sum(c[a, b] * le[a + 1][b] for a in range(LEVELS - 1) for b in range(1, LEVELS))
    r = c.sum(1)  # r[a, i, j]: members where i has level a
    s = c.sum(0)
    n0 = n * (n - 1) / 2.0
    n1 = (r * (r - 1) / 2.0).sum(0, dtype=np.float64)  # pair counts < 2**24: exact in float32 before this
    n2 = (s * (s - 1) / 2.0).sum(0, dtype=np.float64)
    den = np.sqrt((n0 - n1) * (n0 - n2))
    diff = p.astype(np.float64) - q
    return np.where(den > 0, diff / np.where(den > 0, den, 1.0), np.nan)


def _kappa(c: np.ndarray, n: int) -> np.ndarray:
    po = sum(c[a, a] for a in range(LEVELS)).astype(np.float64) / n
    pe = (c.sum(1) * c.sum(0)).sum(0, dtype=np.float64) / (n * n)
    return np.where(pe < 1.0, (po - pe) / np.where(pe < 1.0, 1.0 - pe, 1.0), np.nan)


# ------------------------------------------------------------------------------------ yearly (ATOP)
def _yearly_inputs(years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ylist = ", ".join(str(int(y)) for y in years) or "NULL"
    cur = cursor()
    try:
        members = cur.execute(f"""
            SELECT DISTINCT m.ccode::INTEGER AS ccode, m.year::INTEGER AS year, n.cinc
            FROM (SELECT ccode, unnest(range(year(start), year("end") + 1)) AS year FROM states) m
            LEFT JOIN nmc n ON n.ccode = m.ccode AND n.year = m.year
            WHERE m.year IN ({ylist}) ORDER BY year, ccode""").df()
        ties = cur.execute(f"""
            SELECT least(ccode1, ccode2) AS c1, greatest(ccode1, ccode2) AS c2, year,
                   max(atop_defense) AS d, max(atop_offense) AS o, max(atop_neutral) AS n,
                   max(atop_nonagg) AS g, max(atop_consul) AS c
            FROM atop WHERE year IN ({ylist}) GROUP BY ALL""").df()
    finally:
        cur.close()
    return members, ties


def yearly_scores(year: int, members: pd.DataFrame, ties: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """(ccodes, scores) for one year from its members (ccode, cinc) and ATOP ties (c1, c2, flags).

    Scores are condensed over the pairs i <= j of ``np.triu_indices(N)``; see :func:`condensed_index`.
    """
    codes = members["ccode"].to_numpy()
    n = len(codes)
    pos = np.full(1000, -1, dtype=np.int64)
    pos[codes] = np.arange(n)
    lv = np.zeros((n, n), dtype=np.int8)
    if len(ties):
        i, j = pos[ties["c1"].to_numpy()], pos[ties["c2"].to_numpy()]
        ok = (i >= 0) & (j >= 0)
        level = portfolio_levels(*(ties[c].to_numpy() for c in ("d", "o", "n", "g", "c")))[ok]
        lv[i[ok], j[ok]] = level
        lv[j[ok], i[ok]] = level
    np.fill_diagonal(lv, 3)
    weights = members["cinc"].to_numpy(dtype=np.float64) if NMC_YEARS[0] <= year <= NMC_YEARS[1] else None
    iu, ju = np.triu_indices(n)
    return codes, pair_scores(lv, weights, iu, ju)


def condensed_index(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """Position of the pair (i, j) (either order) in the row-major upper triangle with diagonal of an N x N matrix."""
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    return lo * n - lo * (lo - 1) // 2 + (hi - lo)


def add_sscore(df: pd.DataFrame) -> pd.DataFrame:
    """Add S (unweighted, CINC-weighted), tau-b and kappa of the two states' ATOP portfolios per dyad-year.

    Portfolios run over the COW system members of the year (a member on any day); ATOP ties are taken in
    either direction. Years outside ATOP (1815-2018) -- or NMC (1816-2022) for ``s_weighted`` -- and states
    not in the system that year give NaN.

    Parameters
    ----------
    df : pandas.DataFrame
        A dyad-year panel (``ccode1, ccode2, year``).

    Returns
    -------
    pandas.DataFrame
        A new frame with the :data:`SCORE_COLUMNS` (float, -1..1, NaN where undefined).

    Raises
    ------
    InvalidParameterError
        Not a panel, a state-year panel, or score columns already present.
    """
    info = panel_info(df)
    if info["unit"] == STATE_YEAR:
        raise InvalidParameterError("Similarity scores are dyadic; use a dyad-year panel (realign.panels.dyad_years).")
    clash = [c for c in SCORE_COLUMNS if c in df.columns]
    if clash:
        raise InvalidParameterError(f"The panel already has column(s) {clash}; add 'sscore' only once.")
    year = df["year"].to_numpy().astype(np.int64)
    c1 = df["ccode1"].to_numpy().astype(np.int64)
    c2 = df["ccode2"].to_numpy().astype(np.int64)
    result = {c: np.full(len(df), np.nan) for c in SCORE_COLUMNS}
    years = [int(y) for y in np.unique(year) if ATOP_YEARS[0] <= y <= ATOP_YEARS[1]]
    members, ties = _yearly_inputs(years)
    order = np.argsort(year, kind="stable")
    sorted_years = year[order]
    bounds = np.searchsorted(sorted_years, years, side="left")
    ends = np.searchsorted(sorted_years, years, side="right")
    m_groups = dict(tuple(members.groupby("year")))
    t_groups = dict(tuple(ties.groupby("year")))
    empty = ties.iloc[:0]
    for y, lo, hi in zip(years, bounds, ends, strict=True):
        rows = order[lo:hi]
        if y not in m_groups:
            continue
        codes, scores = yearly_scores(y, m_groups[y], t_groups.get(y, empty))
        pos = np.full(1000, -1, dtype=np.int64)
        pos[codes] = np.arange(len(codes))
        i, j = pos[np.clip(c1[rows], 0, 999)], pos[np.clip(c2[rows], 0, 999)]
        ok = (i >= 0) & (j >= 0)
        k = condensed_index(i[ok], j[ok], len(codes))
        for col in SCORE_COLUMNS:
            result[col][rows[ok]] = scores[col][k]
    out = with_columns(df, result)
    for col in SCORE_COLUMNS:
        info["columns"][col] = f"{_DESCRIBE[col]}; {info['unit']}; coverage 1816-2016 (ATOP 1815-2018), NaN outside"
    info["sources"] += ["atop", "states", "nmc"]
    info["extra_citations"] += [_SIGNORINO_RITTER, _HAGE]
    return with_info(out, info)


_DESCRIBE = {
    "s_unweighted": "Signorino-Ritter S of ATOP alliance portfolios (-1..1)",
    "s_weighted": "Signorino-Ritter S weighted by CINC (-1..1)",
    "tau_b": "Kendall tau-b of ATOP alliance portfolios (-1..1; NaN if a portfolio is constant)",
    "kappa": "Cohen's kappa of ATOP alliance portfolios (Hage 2011)",
}


def similarity_at(date: str | dt.date) -> pd.DataFrame:
    """S, weighted S, tau-b and kappa for every pair of members on one day, from :meth:`System.at`.

    Uses the snapshot's alliances (ATOP for the year, plus day-level COW alliances when imported) and its
    CINC weights. One row per non-directed pair (``ccode1 < ccode2``).

    Parameters
    ----------
    date : str | datetime.date
        The day (``YYYY-MM-DD``).

    Returns
    -------
    pandas.DataFrame
        ``ccode1``, ``ccode2`` and the :data:`SCORE_COLUMNS` (NaN when the day has no alliance data).

    Raises
    ------
    InvalidDateError
        A malformed date.
    CoverageError
        A day outside the COW state system coverage (1816-01-01 to 2016-12-31).

    Examples
    --------
    >>> s = similarity_at("1942-11-19")
    >>> row = s[(s.ccode1 == 255) & (s.ccode2 == 325)]
    >>> bool(row.s_unweighted.iloc[0] > 0.9)
    True
    """
    from realign.system.snapshot import System

    system = System.at(date)
    codes = system.states["ccode"].to_numpy().astype(np.int64)
    n = len(codes)
    pos = np.full(1000, -1, dtype=np.int64)
    pos[codes] = np.arange(n)
    lv = np.zeros((n, n), dtype=np.int8)
    if system.alliances is not None and len(system.alliances):
        a = system.alliances
        i = pos[a["ccode1"].to_numpy().astype(np.int64)]
        j = pos[a["ccode2"].to_numpy().astype(np.int64)]
        ok = (i >= 0) & (j >= 0)
        level = portfolio_levels(*(a[f].to_numpy() for f in ("defense", "offense", "neutral", "nonagg", "consul")))
        np.maximum.at(lv, (i[ok], j[ok]), level[ok])  # ATOP and COW rows of a pair: keep the highest
        np.maximum.at(lv, (j[ok], i[ok]), level[ok])
    np.fill_diagonal(lv, 3)
    scores = portfolio_scores(lv, system.states["cinc"].to_numpy(dtype=np.float64))
    iu, ju = np.triu_indices(n, 1)
    out = pd.DataFrame({"ccode1": codes[iu], "ccode2": codes[ju]})
    for col in SCORE_COLUMNS:
        out[col] = scores[col][iu, ju]
    if system.alliances is None:
        out[list(SCORE_COLUMNS)] = np.nan
    return out


_SIGNORINO_RITTER = """@article{signorino1999taub,
  author = {Signorino, Curtis S. and Ritter, Jeffrey M.},
  title = {Tau-b or Not Tau-b: Measuring the Similarity of Foreign Policy Positions},
  journal = {International Studies Quarterly}, volume = {43}, number = {1}, pages = {115--144}, year = {1999}
}"""

_HAGE = """@article{hage2011choice,
  author = {Hage, Frank M.},
  title = {Choice or Circumstance? Adjusting Measures of Foreign Policy Similarity for Chance Agreement},
  journal = {Political Analysis}, volume = {19}, number = {3}, pages = {287--305}, year = {2011}
}"""


def state_similarity(date: str | dt.date, state: int | str) -> pd.DataFrame:
    """One state's S, weighted S, tau-b and kappa with every other member on ``date`` (for a state detail view).

    ``state`` is a COW code or a name resolved on that date. Rows: ``ccode``, the four scores; sorted by
    ``s_unweighted`` descending (closest alignment first).

    Parameters
    ----------
    date : str | datetime.date
        The day (``YYYY-MM-DD``).
    state : int | str
        COW state code (ccode) or a state name.

    Returns
    -------
    pandas.DataFrame
        ``ccode`` and the :data:`SCORE_COLUMNS`, one row per other member.

    Raises
    ------
    InvalidParameterError
        The state is not a system member that day.
    UnknownStateError, AmbiguousStateError
        A name that does not resolve to one state.
    """
    from realign.data.names import resolve

    code = resolve(state, date) if isinstance(state, str) else int(state)
    pairs = similarity_at(date)
    mine = pairs[(pairs.ccode1 == code) | (pairs.ccode2 == code)]
    if mine.empty:
        raise InvalidParameterError(f"State {state!r} is not a COW system member on {date}.")
    other = np.where(mine.ccode1.to_numpy() == code, mine.ccode2.to_numpy(), mine.ccode1.to_numpy())
    out = pd.DataFrame({"ccode": other, **{c: mine[c].to_numpy() for c in SCORE_COLUMNS}})
    return out.sort_values("s_unweighted", ascending=False, kind="stable").reset_index(drop=True)
