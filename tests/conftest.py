"""Shared fixtures: where ../shared (the raw data beside the project) is, if present."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _fit_cache_dir(tmp_path_factory):
    """Model fits cache to a per-session temporary directory, never the user's cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("REALIGN_CACHE_DIR", str(tmp_path_factory.mktemp("fit-cache")))
    yield
    mp.undo()


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo; tests that need the raw files skip cleanly without it."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared/data is not present beside the repository")
    return SHARED


@pytest.fixture
def user_data(tmp_path, monkeypatch) -> Path:
    """An isolated user data dir (COW alliance imports) so tests never touch the real one."""
    from realign.system.tables import tables

    monkeypatch.setenv("REALIGN_DATA_DIR", str(tmp_path / "userdata"))
    tables.cache_clear()
    yield tmp_path / "userdata"
    tables.cache_clear()
