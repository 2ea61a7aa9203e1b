"""Monthly features of the alignment hazard, as pure array functions shared by fitting and simulation.

The same functions compute the features of the observed panel (one "run": the record) and of every
simulated run, so a fitted coefficient means the same thing in both. All arrays are (R, n): R runs
(1 for the record) by n states; months are absolute month numbers (``year * 12 + month - 1``).

State ``i`` on side ``s`` (COW side 1 or 2; ``o`` the other side), at month ``t``:

* ``contact``            enemy ground forces (or a landing) on i's home territory (fronts table);
* ``contact_months``     log(1 + months since i's first contact), 0 if never;
* ``neighbour_contact``  a land neighbour (COW contiguity type 1) on i's side has enemy forces on its soil;
* ``enemy_neighbour``    a land neighbour is fighting on side ``o``;
* ``share_own``          side s's capability / (side 1 + side 2), capabilities = CINC x multipliers;
* ``share_trend``        change of ``share_own`` over the last :data:`TREND_MONTHS` months;
* ``credibility``        decayed battle credibility of s minus that of o (catalogue effects);
* ``neighbour_left``     a land neighbour left side s within the last :data:`RECENT` months (contagion);
* ``partner_left``       any other state left side s within the last :data:`RECENT` months;
* ``affinity_gap``       affinity to o's members minus affinity to s's members (see :func:`affinity_index`);
* ``war_months``         log(1 + months i has been on side s);
* ``no_fronts``          1 when the fronts table does not cover i in this war (contact features are then
  0 because they are unknown, not because there was no contact);
* ``contact_losing``     contact while i's coalition holds less than half of the two sides' capability
  (invaded *and* on the weaker side: occupied members of a stronger coalition, such as Belgium and
  Serbia in WWI, fought on; model assumption);
* ``capital_lost``       the enemy holds i's capital (fronts: capital taken): a government in exile
  cannot negotiate an exit the way a government at home can.

Joining side ``a`` (from neutrality): ``share_side``, ``affinity_gap`` (a minus o),
``neighbour_joined`` (a land neighbour joined a recently), ``neighbour_on_side``,
``neighbour_enemy`` (a land neighbour fights against a), ``left_other`` (i itself left o
recently: the second half of a switch), ``credibility`` (a minus o), ``war_months`` (since the
war began), ``recent_war`` (i's own inter-state wars before this one, each weighted
``0.5 ** (years since it ended / 10)``; Siverson & Starr 1991 on the diffusion of war) and
``revanchism`` (territory i lost to a state now fighting side o, COW Territorial Change, each
transfer weighted ``0.5 ** (years ago / 25)``, capped at 1; Vasquez 1993, *The War Puzzle*, on
territorial issues) and ``major`` (i is a COW major power when the war began: major powers have
interests beyond their region and join others' wars far more often; Siverson & Starr 1991, Kim 1991).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

__all__ = [
    "EXIT_FEATURES",
    "JOIN_FEATURES",
    "CONTACT_FEATURES",
    "RECENT",
    "TREND_MONTHS",
    "MonthState",
    "Static",
    "exit_features",
    "join_features",
    "contact_features",
    "month_number",
    "shares",
    "with_news",
    "affinity_index",
    "month_shared",
    "exit_columns",
    "join_columns",
    "contact_columns",
    "gather_rows",
]

EXIT_FEATURES = (
    "contact",
    "contact_months",
    "neighbour_contact",
    "enemy_neighbour",
    "share_own",
    "share_trend",
    "credibility",
    "neighbour_left",
    "partner_left",
    "affinity_gap",
    "war_months",
    "no_fronts",
    "contact_losing",
    "capital_lost",
)
JOIN_FEATURES = (
    "share_side",
    "affinity_gap",
    "neighbour_joined",
    "neighbour_on_side",
    "neighbour_enemy",
    "left_other",
    "credibility",
    "war_months",
    "recent_war",
    "revanchism",
    "major",
)
CONTACT_FEATURES = ("enemy_neighbour", "neighbour_contact", "share_own", "share_trend", "credibility", "war_months")
#: Months a neighbour's change counts as recent (contagion window; model assumption).
RECENT = 3
#: Months over which a coalition's capability trend is measured (model assumption).
TREND_MONTHS = 6


def month_number(d: dt.date) -> int:
    """Absolute month number ``year * 12 + month - 1``.

    Parameters
    ----------
    d : dt.date
        Any day of the month.

    Returns
    -------
    int
        ``year * 12 + month - 1`` (months since January of year 0).
    """
    return d.year * 12 + d.month - 1


def affinity_index(factors: dict[str, np.ndarray]) -> np.ndarray:
    """Dyadic affinity from documented factors (no fitted weights, so no leakage across wars).

    ``defense + 0.5 * other_pact + war_same - war_opposed`` (ATOP pacts of the previous year; earlier
    COW wars on the same / opposite side, decayed), missing factors as 0. The hazard's coefficient
    on the affinity gap scales it. Model assumption.

    Parameters
    ----------
    factors : dict[str, np.ndarray]
        (n, n) dyad arrays keyed ``"defense"``, ``"other_pact"``, ``"war_same"``, ``"war_opposed"``
        (all four required; NaN read as 0).

    Returns
    -------
    np.ndarray
        Shape (n, n), the affinity index with a zero diagonal.
    """

    def f(k: str) -> np.ndarray:
        return np.nan_to_num(factors[k], nan=0.0)

    a = f("defense") + 0.5 * f("other_pact") + f("war_same") - f("war_opposed")
    np.fill_diagonal(a, 0.0)
    return a


@dataclass(frozen=True)
class Static:
    """What does not change during a run: the states, land contiguity, affinity, cores, join risk set."""

    ccodes: tuple[int, ...]
    L: np.ndarray  # (n, n) land contiguity 0/1
    A: np.ndarray  # (n, n) affinity index
    core: np.ndarray  # (n,) bool: side given, not chosen (coalition cores)
    relevant: np.ndarray  # (n,) bool: at risk of joining when neutral
    fronts: np.ndarray  # (n,) bool: the fronts table covers this state in this war
    war_start: int  # month number of the war's start
    recent_war: np.ndarray | None = None  # (n,) decayed count of i's earlier inter-state wars
    lost: np.ndarray | None = None  # (n, n) decayed territory i lost to j before the war
    major: np.ndarray | None = None  # (n,) bool: COW major power when the war began


@dataclass
class MonthState:
    """Dynamic state of R runs at one month (all (R, n) unless noted)."""

    side: np.ndarray  # int: 0 neutral / out, 1, 2
    contact: np.ndarray  # bool
    first_contact: np.ndarray  # int month, -1 never
    side_since: np.ndarray  # int month the current side began
    left_from: np.ndarray  # int side last left (0 none)
    left_month: np.ndarray  # int month of that change (-999 none)
    joined_to: np.ndarray  # int side last joined (0 none)
    join_month: np.ndarray  # int
    share_hist: list  # list of (R, 3) capability shares, one per month so far
    capital: np.ndarray | None = None  # bool: the enemy holds i's capital (held as at the cut-off in runs)


def with_news(ms: MonthState, contact: np.ndarray, capital: np.ndarray | None, t: int) -> MonthState:
    """The state a decision of month ``t`` is taken on: ``ms`` with the month's contacts and capital news.

    Exits and entries respond to what happened during the month up to the decision (enemy forces
    arriving, a capital falling), not only to the state at its start (model assumption; the panel
    dates the news before each recorded change, the simulation draws the month's campaign first).

    Parameters
    ----------
    ms : MonthState
        State at the start of month ``t``.
    contact : np.ndarray
        Shape (R, n) bool, enemy contact after this month's campaign.
    capital : np.ndarray or None
        Shape (R, n) bool, capital held by the enemy; ``None`` keeps ``ms.capital``.
    t : int
        Absolute month number; becomes ``first_contact`` of new contacts.

    Returns
    -------
    MonthState
        A new state (``ms`` is not modified; other arrays are shared, not copied).
    """
    first = np.where(contact & (ms.first_contact < 0), t, ms.first_contact)
    return MonthState(
        side=ms.side,
        contact=contact,
        first_contact=first,
        side_since=ms.side_since,
        left_from=ms.left_from,
        left_month=ms.left_month,
        joined_to=ms.joined_to,
        join_month=ms.join_month,
        share_hist=ms.share_hist,
        capital=ms.capital if capital is None else capital,
    )


def shares(side: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(R, 3) capability of sides 1 and 2 as a share of the two together (column 0 unused).

    Parameters
    ----------
    side : np.ndarray
        Shape (R, n) int, side of each state (0 neutral or out, 1, 2).
    w : np.ndarray
        Shape (R, n) or (n,), capabilities (CINC x multipliers).

    Returns
    -------
    np.ndarray
        Shape (R, 3); columns 1 and 2 sum to 1, or are both 0 when neither side has capability.
    """
    s = np.zeros((side.shape[0], 3))
    for a in (1, 2):
        s[:, a] = ((side == a) * w).sum(axis=1)
    tot = s[:, 1] + s[:, 2]
    s[:, 1:] /= np.where(tot > 0, tot, 1.0)[:, None]
    return s


def _any_neighbour(L: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return (mask.astype(float) @ L.T) > 0


def _any_neighbours(L: np.ndarray, *masks: np.ndarray) -> np.ndarray:
    """(k, R, n) ``_any_neighbour`` of k (R, n) masks in one matrix product.

    Counts of 0/1 neighbours are exact in float32 (n < 2**24), so the result is the same as k separate
    float64 products, at a fraction of the cost.
    """
    k = len(masks)
    R, n = masks[0].shape
    m = np.empty((k * R, n), dtype=np.float32)
    for j, x in enumerate(masks):
        m[j * R : (j + 1) * R] = x
    return ((m @ L.T.astype(np.float32)) > 0).reshape(k, R, n)


def _affinity_to(A: np.ndarray, side: np.ndarray, w: np.ndarray, a: int) -> np.ndarray:
    m = (side == a) * w
    num = m @ A.T
    den = m.sum(axis=1, keepdims=True) - m  # members other than i
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def month_shared(st: Static, side: np.ndarray, w: np.ndarray) -> dict:
    """What exit, join and contact features of one month share (same ``side`` and weights ``w``).

    ``{"aff": {a: affinity to side a's members}, "nb": {a: a land neighbour is on side a}}``, all (R, n):
    computed once and passed to the feature functions, which otherwise compute them themselves (same values).

    Parameters
    ----------
    st : Static
        The run's fixed data (land contiguity ``L``, affinity ``A``).
    side : np.ndarray
        Shape (R, n) int, side of each state (0, 1, 2).
    w : np.ndarray
        Shape (R, n), capabilities (CINC x multipliers).

    Returns
    -------
    dict
        ``{"aff": {1: ..., 2: ...}, "nb": {1: ..., 2: ...}}`` of (R, n) arrays.
    """
    nb = _any_neighbours(st.L, side == 1, side == 2)
    return {"aff": {a: _affinity_to(st.A, side, w, a) for a in (1, 2)}, "nb": {1: nb[0], 2: nb[1]}}


def _trend(ms: MonthState) -> np.ndarray:
    now = ms.share_hist[-1]
    then = ms.share_hist[max(0, len(ms.share_hist) - 1 - TREND_MONTHS)]
    return now - then


def exit_features(
    st: Static, ms: MonthState, w: np.ndarray, cred: np.ndarray, t: int, shared: dict | None = None
) -> np.ndarray:
    """(R, n, len(EXIT_FEATURES)) features of leaving one's side at month ``t`` (rows of belligerents).

    ``shared``: :func:`month_shared` of ``ms.side`` and ``w`` when already computed (same result).

    Parameters
    ----------
    st : Static
        The run's fixed data (states, land contiguity, affinity, fronts coverage, war start).
    ms : MonthState
        The (R, n) state of R runs at month ``t``.
    w : np.ndarray
        Shape (R, n), capabilities (CINC x event multipliers x contact loss).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number (:func:`month_number`).
    shared : dict or None, default None
        :func:`month_shared` of ``ms.side`` and ``w``; ``None`` computes it.

    Returns
    -------
    np.ndarray
        Shape (R, n, len(EXIT_FEATURES)).
    """
    return _last_axis(exit_columns(st, ms, w, cred, t, shared))


def exit_columns(
    st: Static, ms: MonthState, w: np.ndarray, cred: np.ndarray, t: int, shared: dict | None = None
) -> np.ndarray:
    """(len(EXIT_FEATURES), R, n): :func:`exit_features` with the feature axis first (contiguous columns).

    The simulation reads the columns only where a state can decide (see :func:`gather_rows`), so it
    never interleaves the full (R, n, k) array; the values are the same, bit for bit.

    Parameters
    ----------
    st : Static
        The run's fixed data (states, land contiguity, affinity, fronts coverage, war start).
    ms : MonthState
        The (R, n) state of R runs at month ``t``.
    w : np.ndarray
        Shape (R, n), capabilities (CINC x event multipliers x contact loss).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number (:func:`month_number`).
    shared : dict or None, default None
        :func:`month_shared` of ``ms.side`` and ``w``; ``None`` computes it.

    Returns
    -------
    np.ndarray
        Shape (len(EXIT_FEATURES), R, n).
    """
    side = ms.side
    R, n = side.shape
    sh_ = shared or month_shared(st, side, w)
    own = np.clip(side, 1, 2)
    other = 3 - own
    sh = ms.share_hist[-1]
    tr = _trend(ms)
    rows = np.arange(R)[:, None]
    # the columns are built as contiguous (R, n) arrays with the same arithmetic as element-wise writes into
    # X[..., k] (same values, bit for bit), then interleaved once: about half the memory traffic (issue 14)
    X = np.zeros((len(EXIT_FEATURES), R, n))
    contact = ms.contact & st.fronts[None, :]
    X[0] = contact
    X[1] = np.where(ms.first_contact >= 0, np.log1p(np.maximum(t - ms.first_contact, 0)), 0.0) * st.fronts[None, :]
    recent = {a: (ms.left_from == a) & (t - ms.left_month <= RECENT) for a in (1, 2)}
    nbc = _any_neighbours(st.L, (side == 1) & contact, (side == 2) & contact, recent[1], recent[2])
    for a in (1, 2):
        on = own == a
        X[2] += on * nbc[a - 1]
        X[3] += on * sh_["nb"][3 - a]
        X[7] += on * nbc[a + 1]
        X[8] += on * ((recent[a].sum(axis=1, keepdims=True) - recent[a]) > 0)
        X[9] += on * (sh_["aff"][3 - a] - sh_["aff"][a])
    X[4] = sh[rows, own]
    X[5] = tr[rows, own]
    X[6] = cred[rows, own] - cred[rows, other]
    X[10] = np.log1p(np.maximum(t - ms.side_since, 0))
    X[11] = ~st.fronts
    X[12] = X[0] * (X[4] < 0.5)
    if ms.capital is not None:
        X[13] = ms.capital & st.fronts[None, :]
    return X


def _last_axis(cols: np.ndarray) -> np.ndarray:
    """C-contiguous array with the first axis of ``cols`` moved last ((k, ...) -> (..., k))."""
    return np.ascontiguousarray(np.moveaxis(cols, 0, -1))


def gather_rows(cols: np.ndarray, rows: np.ndarray, states: np.ndarray) -> np.ndarray:
    """(m, k) C-contiguous feature rows of the (run, state) pairs ``rows[j], states[j]`` of (k, R, n) columns.

    Parameters
    ----------
    cols : np.ndarray
        Shape (k, R, n), feature columns.
    rows, states : np.ndarray
        Shape (m,) int, run and state index of each wanted pair.

    Returns
    -------
    np.ndarray
        Shape (m, k).
    """
    return np.ascontiguousarray(cols[:, rows, states].T)


def join_features(
    st: Static, ms: MonthState, w: np.ndarray, cred: np.ndarray, t: int, shared: dict | None = None
) -> np.ndarray:
    """(R, n, 2, len(JOIN_FEATURES)) features of joining side 1 (index 0) or side 2 (index 1).

    ``shared``: :func:`month_shared` of ``ms.side`` and ``w`` when already computed (same result).

    Parameters
    ----------
    st : Static
        The run's fixed data (states, land contiguity, affinity, fronts coverage, war start).
    ms : MonthState
        The (R, n) state of R runs at month ``t``.
    w : np.ndarray
        Shape (R, n), capabilities (CINC x event multipliers x contact loss).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number (:func:`month_number`).
    shared : dict or None, default None
        :func:`month_shared` of ``ms.side`` and ``w``; ``None`` computes it.

    Returns
    -------
    np.ndarray
        Shape (R, n, 2, len(JOIN_FEATURES)).
    """
    return np.ascontiguousarray(join_columns(st, ms, w, cred, t, shared).transpose(2, 3, 0, 1))


def join_columns(
    st: Static, ms: MonthState, w: np.ndarray, cred: np.ndarray, t: int, shared: dict | None = None
) -> np.ndarray:
    """(2, len(JOIN_FEATURES), R, n): :func:`join_features` as columns, side 1 then side 2 (same values).

    Parameters
    ----------
    st : Static
        The run's fixed data (states, land contiguity, affinity, fronts coverage, war start).
    ms : MonthState
        The (R, n) state of R runs at month ``t``.
    w : np.ndarray
        Shape (R, n), capabilities (CINC x event multipliers x contact loss).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number (:func:`month_number`).
    shared : dict or None, default None
        :func:`month_shared` of ``ms.side`` and ``w``; ``None`` computes it.

    Returns
    -------
    np.ndarray
        Shape (2, len(JOIN_FEATURES), R, n).
    """
    side = ms.side
    R, n = side.shape
    sh_ = shared or month_shared(st, side, w)
    sh = ms.share_hist[-1]
    X = np.zeros((2, len(JOIN_FEATURES), R, n))  # interleaved once at the end (see exit_features)
    joined = _any_neighbours(st.L, *((ms.joined_to == a) & (t - ms.join_month <= RECENT) for a in (1, 2)))
    for k, a in enumerate((1, 2)):
        o = 3 - a
        X[k, 0] = sh[:, a][:, None]
        X[k, 1] = sh_["aff"][a] - sh_["aff"][o]
        X[k, 2] = joined[k]
        X[k, 3] = sh_["nb"][a]
        X[k, 4] = sh_["nb"][o]
        X[k, 5] = (ms.left_from == o) & (t - ms.left_month <= RECENT)
        X[k, 6] = (cred[:, a] - cred[:, o])[:, None]
        X[k, 7] = np.log1p(max(t - st.war_start, 0))
        if st.recent_war is not None:
            X[k, 8] = st.recent_war[None, :]
        if st.lost is not None:
            X[k, 9] = np.minimum(1.0, (side == o).astype(float) @ st.lost.T)
        if st.major is not None:
            X[k, 10] = st.major[None, :]
    return X


def contact_features(
    st: Static, ms: MonthState, w: np.ndarray, cred: np.ndarray, t: int, shared: dict | None = None
) -> np.ndarray:
    """(R, n, len(CONTACT_FEATURES)) features of enemy forces reaching i's territory this month.

    The :data:`CONTACT_FEATURES` columns of :func:`exit_features`, computed without the others.

    Parameters
    ----------
    st : Static
        The run's fixed data (states, land contiguity, affinity, fronts coverage, war start).
    ms : MonthState
        The (R, n) state of R runs at month ``t``.
    w : np.ndarray
        Shape (R, n), capabilities (CINC x event multipliers x contact loss).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number (:func:`month_number`).
    shared : dict or None, default None
        :func:`month_shared` of ``ms.side`` and ``w``; ``None`` computes it.

    Returns
    -------
    np.ndarray
        Shape (R, n, len(CONTACT_FEATURES)).
    """
    return _last_axis(contact_columns(st, ms, w, cred, t, shared))


def contact_columns(
    st: Static, ms: MonthState, w: np.ndarray, cred: np.ndarray, t: int, shared: dict | None = None
) -> np.ndarray:
    """(len(CONTACT_FEATURES), R, n): :func:`contact_features` as columns (same values).

    Parameters
    ----------
    st : Static
        The run's fixed data (states, land contiguity, affinity, fronts coverage, war start).
    ms : MonthState
        The (R, n) state of R runs at month ``t``.
    w : np.ndarray
        Shape (R, n), capabilities (CINC x event multipliers x contact loss).
    cred : np.ndarray
        Shape (R, 3), battle credibility of sides 1 and 2 (column 0 unused).
    t : int
        Absolute month number (:func:`month_number`).
    shared : dict or None, default None
        :func:`month_shared` of ``ms.side`` and ``w``; ``None`` computes it.

    Returns
    -------
    np.ndarray
        Shape (len(CONTACT_FEATURES), R, n).
    """
    side = ms.side
    R, n = side.shape
    nb = (shared or {}).get("nb") or {1: None, 2: None}
    own = np.clip(side, 1, 2)
    rows = np.arange(R)[:, None]
    contact = ms.contact & st.fronts[None, :]
    X = np.zeros((len(CONTACT_FEATURES), R, n))
    masks = [(side == 1) & contact, (side == 2) & contact]
    if nb[1] is None:
        masks += [side == 1, side == 2]
    got = _any_neighbours(st.L, *masks)
    if nb[1] is None:
        nb = {1: got[2], 2: got[3]}
    for a in (1, 2):
        on = own == a
        X[0] += on * nb[3 - a]
        X[1] += on * got[a - 1]
    X[2] = ms.share_hist[-1][rows, own]
    X[3] = _trend(ms)[rows, own]
    X[4] = cred[rows, own] - cred[rows, 3 - own]
    X[5] = np.log1p(np.maximum(t - ms.side_since, 0))
    return X
