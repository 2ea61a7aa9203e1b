"""The monthly feature functions: shared per-month work gives the same arrays as computing it afresh."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.models import features as F


def _world(seed: int, n: int, runs: int) -> tuple[F.Static, F.MonthState, np.ndarray, np.ndarray, int]:
    rng = np.random.default_rng(seed)
    L = (rng.random((n, n)) < 0.2).astype(float)
    L = np.maximum(L, L.T)
    np.fill_diagonal(L, 0.0)
    A = rng.normal(size=(n, n)) * (rng.random((n, n)) < 0.4)
    np.fill_diagonal(A, 0.0)
    static = F.Static(
        ccodes=tuple(range(n)),
        L=L,
        A=A,
        core=rng.random(n) < 0.2,
        relevant=rng.random(n) < 0.8,
        fronts=rng.random(n) < 0.7,
        war_start=23_000,
        recent_war=rng.random(n),
        lost=rng.random((n, n)) * (rng.random((n, n)) < 0.2),
        major=rng.random(n) < 0.2,
    )
    shape = (runs, n)
    ms = F.MonthState(
        side=rng.integers(0, 3, shape),
        contact=rng.random(shape) < 0.3,
        first_contact=np.where(rng.random(shape) < 0.5, rng.integers(22_990, 23_010, shape), -1),
        side_since=rng.integers(22_990, 23_010, shape),
        left_from=rng.integers(0, 3, shape),
        left_month=rng.integers(22_990, 23_010, shape),
        joined_to=rng.integers(0, 3, shape),
        join_month=rng.integers(22_990, 23_010, shape),
        share_hist=[np.abs(rng.normal(size=(runs, 3))) for _ in range(int(rng.integers(1, 9)))],
        capital=rng.random(shape) < 0.1,
    )
    w = rng.random(shape) * (rng.random(shape) < 0.9)
    return static, ms, w, rng.normal(size=(runs, 3)), 23_010


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), runs=st.integers(1, 30))
def test_shared_month_work_gives_identical_features(seed: int, n: int, runs: int) -> None:
    static, ms, w, cred, t = _world(seed, n, runs)
    shared = F.month_shared(static, ms.side, w)
    for f in (F.exit_features, F.join_features, F.contact_features):
        a, b = f(static, ms, w, cred, t), f(static, ms, w, cred, t, shared)
        assert a.shape == b.shape and a.tobytes() == b.tobytes()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), runs=st.integers(1, 30))
def test_contact_features_are_the_exit_features_columns(seed: int, n: int, runs: int) -> None:
    static, ms, w, cred, t = _world(seed, n, runs)
    idx = [F.EXIT_FEATURES.index(k) for k in F.CONTACT_FEATURES]
    assert (
        F.contact_features(static, ms, w, cred, t).tobytes()
        == np.ascontiguousarray(F.exit_features(static, ms, w, cred, t)[..., idx]).tobytes()
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), runs=st.integers(1, 30), k=st.integers(1, 5))
def test_batched_neighbour_test_matches_one_mask_at_a_time(seed: int, n: int, runs: int, k: int) -> None:
    static, *_ = _world(seed, n, runs)
    rng = np.random.default_rng(seed)
    masks = [rng.random((runs, n)) < 0.3 for _ in range(k)]
    got = F._any_neighbours(static.L, *masks)
    assert got.shape == (k, runs, n)
    for j, m in enumerate(masks):
        assert np.array_equal(got[j], F._any_neighbour(static.L, m))


def test_neighbour_features_by_definition() -> None:
    """Exit column ``enemy_neighbour``: a land neighbour fights on the other side (a hand-made case)."""
    L = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    static = F.Static(
        ccodes=(1, 2, 3),
        L=L,
        A=np.zeros((3, 3)),
        core=np.zeros(3, bool),
        relevant=np.ones(3, bool),
        fronts=np.ones(3, bool),
        war_start=0,
    )
    side = np.array([[1, 2, 2]])
    z = np.zeros((1, 3), dtype=int)
    ms = F.MonthState(
        side=side,
        contact=np.zeros((1, 3), bool),
        first_contact=z - 1,
        side_since=z,
        left_from=z,
        left_month=z - 999,
        joined_to=z,
        join_month=z - 999,
        share_hist=[np.array([[0, 0.6, 0.4]])],
    )
    X = F.exit_features(static, ms, np.ones((1, 3)), np.zeros((1, 3)), 10)
    assert X[0, :, F.EXIT_FEATURES.index("enemy_neighbour")].tolist() == [1.0, 1.0, 0.0]
    assert X[0, :, F.EXIT_FEATURES.index("share_own")].tolist() == [0.6, 0.4, 0.4]
