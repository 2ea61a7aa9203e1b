"""Fixtures of the web API tests: the app and in-process clients (FastAPI TestClient)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from realign.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def fresh_client():
    """A new app (fresh result caches) for tests that swap a library function."""
    with TestClient(create_app()) as c:
        yield c
