"""The forecast engine and its JSON contract (issue 10): shapes, determinism, gate, errors."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from realign.errors import InvalidParameterError
from realign.models.choice import CORES
from realign.simulation.forecast import ForecastSpec, run_forecast

AT = dt.date(1943, 2, 2)


@pytest.fixture(scope="module")
def res():
    return run_forecast(ForecastSpec(war=139, at=AT, until=dt.date(1944, 1, 31), runs=300, seed=3))


def test_contract(res):
    d = res.to_dict()
    assert set(d) == {"war", "at", "until", "p_side", "capability_share", "fit", "manifest"}
    assert d["war"] == 139 and d["at"] == "1943-02-02" and d["until"] == "1944-01"
    cell = d["p_side"]["360"]["1943-06"]
    assert set(cell) == {"allies", "axis", "neutral"} and abs(sum(cell.values()) - 1) < 1e-3
    assert set(d["capability_share"]) == {"allies", "axis", "neutral"}
    assert set(d["fit"]) == {"wars", "until", "n_changes"} and 106 in d["fit"]["wars"] and 139 in d["fit"]["wars"]
    assert d["manifest"]["hindsight"] is False
    json.dumps(d)


def test_cores_never_change_and_probabilities_sum_to_one(res):
    p = res.p_side
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    for c in CORES[139]:
        if c in res.ccodes:
            i = res.ccodes.index(c)
            assert (res.sides[:, :, i] == res.init_side[i]).all()


def test_starts_from_the_record(res):
    i = res.ccodes.index(360)
    assert res.init_side[i] == 2  # Romania on the Axis side on 1943-02-02
    assert res.init_side[res.ccodes.index(640)] == 0  # Turkey neutral


def test_same_seed_same_bytes():
    a = run_forecast(ForecastSpec(war=139, at=AT, until=dt.date(1943, 8, 31), runs=50, seed=9)).to_dict()
    b = run_forecast(ForecastSpec(war=139, at=AT, until=dt.date(1943, 8, 31), runs=50, seed=9)).to_dict()
    c = run_forecast(ForecastSpec(war=139, at=AT, until=dt.date(1943, 8, 31), runs=50, seed=10)).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["p_side"] != c["p_side"]


def test_hindsight_uses_the_recorded_fronts():
    h = run_forecast(ForecastSpec(war=139, at=AT, until=dt.date(1943, 9, 30), runs=20, seed=1, hindsight=True))
    i = h.ccodes.index(325)
    assert h.contact[:, h.months.index("1943-07"), i].all()  # Sicily, 1943-07-10, as recorded
    assert "hindsight" in h.to_dict()["manifest"]["information"]


def test_bad_specs():
    with pytest.raises(InvalidParameterError, match="runs"):
        ForecastSpec(war=139, at=AT, until=dt.date(1944, 1, 1), runs=0)
    with pytest.raises(InvalidParameterError, match="after"):
        ForecastSpec(war=139, at=AT, until=dt.date(1942, 1, 1))
    with pytest.raises(InvalidParameterError, match="channel"):
        ForecastSpec(war=139, at=AT, until=dt.date(1944, 1, 1), channels=("fronts", "luck"))
    with pytest.raises(InvalidParameterError):
        ForecastSpec(war=139, at=AT, until=dt.date(1944, 1, 1), events=(("stalingrad", "maybe"),))


def test_blas_threads_setting(monkeypatch):
    """The simulation runs BLAS on one thread by default; REALIGN_BLAS_THREADS sets it, bad values are clear errors."""
    from realign.simulation.forecast import _one_blas_thread

    threadpoolctl = pytest.importorskip("threadpoolctl")
    monkeypatch.delenv("REALIGN_BLAS_THREADS", raising=False)
    with _one_blas_thread():
        blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
        assert all(p["num_threads"] == 1 for p in blas)
    monkeypatch.setenv("REALIGN_BLAS_THREADS", "0")
    with _one_blas_thread():
        pass
    for bad in ("two", "-1", "1.5"):
        monkeypatch.setenv("REALIGN_BLAS_THREADS", bad)
        with pytest.raises(InvalidParameterError, match="REALIGN_BLAS_THREADS"):
            _one_blas_thread()
