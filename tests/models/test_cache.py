"""The on-disk fit cache: hits return the stored fit, keys follow data/code/settings, corrupt entries are misses."""

from __future__ import annotations

import datetime as dt
import os
import pickle

import pytest

from realign.models import cache as fc


@pytest.fixture
def cdir(tmp_path, monkeypatch):
    monkeypatch.setenv("REALIGN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("REALIGN_CACHE", raising=False)
    return tmp_path / "cache"


class Counter:
    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_second_call_is_a_hit_and_returns_the_stored_fit(cdir) -> None:
    f = Counter({"coef": [1.5, -2.0]})
    assert fc.cached_fit("k", {"at": dt.date(1943, 2, 2), "war": 139}, f) == {"coef": [1.5, -2.0]}
    assert fc.cached_fit("k", {"at": dt.date(1943, 2, 2), "war": 139}, f) == {"coef": [1.5, -2.0]}
    assert f.calls == 1
    files = list((cdir / "fits").iterdir())
    assert len(files) == 1 and files[0].name.startswith("k-")  # no temporary file left behind


def test_settings_and_kind_are_part_of_the_key(cdir) -> None:
    f = Counter(1)
    for params in ({"at": dt.date(1943, 2, 2)}, {"at": dt.date(1943, 2, 3)}, {"at": dt.date(1943, 2, 2), "x": True}):
        fc.cached_fit("k", params, f)
    fc.cached_fit("other", {"at": dt.date(1943, 2, 2)}, f)
    assert f.calls == 4
    assert fc.cache_key("k", {"a": 1}) != fc.cache_key("k", {"a": 2})


def test_code_change_invalidates(cdir, monkeypatch) -> None:
    f = Counter(1)
    fc.cached_fit("k", {"a": 1}, f)
    monkeypatch.setattr(fc, "code_fingerprint", lambda: "edited-source")
    fc.cached_fit("k", {"a": 1}, f)
    assert f.calls == 2


def test_code_fingerprint_covers_models_and_simulation() -> None:
    assert {"models", "simulation"} <= set(fc.FIT_SOURCES)
    assert len(fc.code_fingerprint()) == 64


def test_imported_user_data_change_the_data_fingerprint(user_data) -> None:
    before = fc.data_fingerprint()
    user_data.mkdir(parents=True, exist_ok=True)
    (user_data / "cow_alliance.parquet").write_bytes(b"not really parquet, but bytes to hash")
    assert fc.data_fingerprint() != before


@pytest.mark.parametrize(
    "payload", [b"", b"garbage", pickle.dumps({"key": "another key", "value": 7}), pickle.dumps([1, 2, 3])]
)
def test_corrupt_or_foreign_entry_is_a_miss_and_is_rewritten(cdir, payload: bytes) -> None:
    f = Counter(42)
    fc.cached_fit("k", {"a": 1}, f)
    (path,) = (cdir / "fits").iterdir()
    path.write_bytes(payload)
    assert fc.cached_fit("k", {"a": 1}, f) == 42 and f.calls == 2
    assert fc.cached_fit("k", {"a": 1}, f) == 42 and f.calls == 2  # rewritten: a hit again


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write a read-only dir")
def test_unwritable_cache_dir_still_returns_the_fit(cdir) -> None:
    cdir.mkdir(parents=True)
    cdir.chmod(0o500)
    try:
        assert fc.cached_fit("k", {"a": 1}, Counter(5)) == 5
    finally:
        cdir.chmod(0o700)


def test_cache_dir_that_is_a_file_still_returns_the_fit(tmp_path, monkeypatch) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("REALIGN_CACHE_DIR", str(tmp_path / "file"))
    f = Counter(5)
    assert fc.cached_fit("k", {"a": 1}, f) == 5 and fc.cached_fit("k", {"a": 1}, f) == 5 and f.calls == 2


def test_off_switch(cdir, monkeypatch) -> None:
    monkeypatch.setenv("REALIGN_CACHE", "off")
    f = Counter(1)
    fc.cached_fit("k", {"a": 1}, f)
    fc.cached_fit("k", {"a": 1}, f)
    assert f.calls == 2 and not (cdir / "fits").exists()


def test_unsupported_key_parameter_is_a_clear_error(cdir) -> None:
    with pytest.raises(TypeError, match="not supported"):
        fc.cached_fit("k", {"a": object()}, Counter(1))


def test_decorator_keys_on_bound_arguments_with_defaults(cdir) -> None:
    calls = []

    @fc.disk_cached("deco")
    def fit(at: dt.date, war: int, leave_out: bool = True) -> tuple:
        calls.append((at, war, leave_out))
        return (war, leave_out)

    assert fit(dt.date(1943, 2, 2), 139) == (139, True)
    assert fit(dt.date(1943, 2, 2), war=139, leave_out=True) == (139, True)  # same key
    assert fit(dt.date(1943, 2, 2), 139, False) == (139, False)
    assert len(calls) == 2


def test_clear(cdir) -> None:
    fc.cached_fit("k", {"a": 1}, Counter(1))
    assert fc.clear_fit_cache() == 1 and fc.clear_fit_cache() == 0


def test_contact_loss_fit_is_shared_through_the_disk_cache(cdir) -> None:
    """The forecast's calibration is computed once, then read back equal (a fresh process would hit it)."""
    from realign.simulation import forecast

    raw = forecast._contact_loss.__wrapped__  # below the per-process cache: the disk-cached function
    before = fc.cache_stats()
    a = raw(dt.date(1943, 2, 2))
    b = raw(dt.date(1943, 2, 2))
    after = fc.cache_stats()
    assert a == b and 0.0 <= a[0] <= 1.0
    assert after["misses"] - before["misses"] == 1 and after["hits"] - before["hits"] == 1


def test_landscape_search_past_enumeration_is_fitted_once(cdir) -> None:
    import numpy as np

    from realign.models.landscape import Landscape

    rng = np.random.default_rng(0)
    p = np.triu(rng.uniform(-1, 1, (40, 40)), 1)
    sizes, p = rng.lognormal(0, 1, 40), p + p.T
    before = fc.cache_stats()
    a = Landscape(n_restarts=4, n_basin_samples=64).fit(sizes, p)
    b = Landscape(n_restarts=4, n_basin_samples=64).fit(sizes, p)
    c = Landscape(n_restarts=5, n_basin_samples=64).fit(sizes, p)  # another setting: its own fit
    after = fc.cache_stats()
    assert a.to_dict() == b.to_dict() and (a.solver_, a.n_found_) == (b.solver_, b.n_found_)
    assert c.energy_ == pytest.approx(a.energy_)
    assert after["hits"] - before["hits"] == 1 and after["misses"] - before["misses"] == 2
