"""The vectorised dyad arithmetic equals the per-episode loop it replaced (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from realign.models.dyads import _decayed_pairs, _years


def _loop(rows: pd.DataFrame, idx: dict[int, int], d: dt.date, half_life: float) -> tuple[np.ndarray, np.ndarray]:
    """The reference: every episode, every pair of its rows, keep the largest weight."""
    n = len(idx)
    same, opp = np.zeros((n, n)), np.zeros((n, n))
    past = rows[(rows["end"] < pd.Timestamp(d)) & rows["ccode"].isin(idx)]
    for _, grp in past.groupby("k"):
        codes = [idx[int(c)] for c in grp["ccode"]]
        sides = grp["side"].to_numpy()
        w = 0.5 ** ((_years(d) - _years(grp["end"].max().date())) / half_life)
        for a in range(len(codes)):
            for b in range(a + 1, len(codes)):
                if codes[a] != codes[b]:
                    m = same if sides[a] == sides[b] else opp
                    m[codes[a], codes[b]] = m[codes[b], codes[a]] = max(m[codes[a], codes[b]], w)
    return same, opp


row = st.tuples(
    st.integers(0, 5), st.sampled_from([2, 200, 255, 365, 710, 999]), st.integers(1, 2), st.integers(0, 20_000)
)


@settings(max_examples=60, deadline=None)
@given(st.lists(row, max_size=30), st.floats(1.0, 50.0))
def test_decayed_pairs_equals_loop(data: list, half_life: float) -> None:
    rows = pd.DataFrame(data, columns=["k", "ccode", "side", "day"])
    rows["end"] = pd.Timestamp("1900-01-01") + pd.to_timedelta(rows["day"], unit="D")
    idx = {c: i for i, c in enumerate([2, 200, 255, 365, 710])}  # 999 is outside the panel
    d = dt.date(1940, 1, 1)
    got = _decayed_pairs(rows, "k", "side", idx, d, half_life)
    want = _loop(rows, idx, d, half_life)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=0)
        assert np.array_equal(g, g.T)
