"""Shared helpers of the data tests: the data-raw build scripts loaded as modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

DATA_RAW = Path(__file__).resolve().parents[2] / "data-raw"


def _load_build_script(name: str):
    """``data-raw/build_<name>.py`` as a module (its folder on the path while it loads, for ``_common``)."""
    sys.path.insert(0, str(DATA_RAW))
    try:
        spec = importlib.util.spec_from_file_location(f"build_{name}", DATA_RAW / f"build_{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(DATA_RAW))
    return mod


@pytest.fixture(scope="module")
def build_script():
    """A loader for data-raw build scripts: ``build_script("fronts")``."""
    return _load_build_script
