"""On-disk cache of model fits, so a second run with the same data, code and settings does not refit.

A fit (the exit/join/contact hazards, ...) is a pure function of the bundled data, the imported
user data, the package's modelling code and its arguments. The cache key hashes all four:

* the bundled tables' checksums (``data/manifest.json``, whose sha256 entries the loader verifies);
* the imported COW alliance file, when there is one (its bytes);
* the source of :mod:`realign.models`, :mod:`realign.simulation`, :mod:`realign.solvers`, :mod:`realign.system`,
  :mod:`realign.events` and :mod:`realign.data` (``.py``, ``.json``, ``.toml``): any code or
  catalogue change invalidates every entry;
* the fit's kind and arguments (cut-off date, war, design), as JSON.

Entries live in ``REALIGN_CACHE_DIR`` or the platform's user cache directory (``platformdirs``),
under ``fits/``; they are written atomically (temporary file + ``os.replace``), and an entry that
cannot be read (truncated, corrupt, written by another version) is a miss and is rewritten.
``REALIGN_CACHE=off`` turns the cache off. Entries are pickles: only point ``REALIGN_CACHE_DIR``
at a directory you own. A cache directory that cannot be written is not an error: the fit is
computed and returned, uncached.

Examples
--------
>>> import os, tempfile
>>> saved = os.environ.get("REALIGN_CACHE_DIR")
>>> os.environ["REALIGN_CACHE_DIR"] = tempfile.mkdtemp()
>>> cached_fit("example", {"x": 2}, lambda: 2 ** 10)
1024
>>> hits = cache_stats()["hits"]
>>> cached_fit("example", {"x": 2}, lambda: 0)  # the stored fit, not a refit
1024
>>> cache_stats()["hits"] - hits
1
>>> _ = os.environ.pop("REALIGN_CACHE_DIR") if saved is None else os.environ.update(REALIGN_CACHE_DIR=saved)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import inspect
import json
import os
import pickle
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from realign.atomic import atomic_write

__all__ = [
    "cache_dir",
    "cache_key",
    "cached_fit",
    "disk_cached",
    "cache_stats",
    "clear_fit_cache",
    "code_fingerprint",
    "data_fingerprint",
]

T = TypeVar("T")

#: Sub-packages whose source a fit depends on (relative to the ``realign`` package).
FIT_SOURCES = ("models", "simulation", "solvers", "system", "events", "data")
_SUFFIXES = (".py", ".json", ".toml")
_FORMAT = 1  # bump when the entry layout changes
_STATS = {"hits": 0, "misses": 0, "errors": 0}


def cache_dir() -> Path:
    """Root of realign's cache: ``REALIGN_CACHE_DIR``, else the user cache dir (``~/.cache/realign`` on Linux)."""
    env = os.environ.get("REALIGN_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "realign"
    return Path(platformdirs.user_cache_dir("realign", appauthor=False))


def _enabled() -> bool:
    return os.environ.get("REALIGN_CACHE", "on").strip().lower() not in ("0", "off", "false", "no")


@cache
def code_fingerprint() -> str:
    """sha256 over the path and bytes of every source file a fit depends on (see ``FIT_SOURCES``)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for sub in FIT_SOURCES:
        for p in sorted((root / sub).rglob("*")):
            if p.is_file() and p.suffix in _SUFFIXES and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(root)).encode())
                h.update(b"\0")
                h.update(p.read_bytes())
                h.update(b"\0")
    return h.hexdigest()


def data_fingerprint() -> str:
    """sha256 of the bundled tables' manifest (their checksums) and of the imported COW alliance file, if any."""
    from realign.data.cow_alliance import user_data_dir

    h = hashlib.sha256((Path(__file__).resolve().parent.parent / "data" / "manifest.json").read_bytes())
    imported = user_data_dir() / "cow_alliance.parquet"
    if imported.is_file():
        h.update(b"cow_alliance\0")
        h.update(imported.read_bytes())
    return h.hexdigest()


def _jsonable(x: object) -> object:
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, (tuple, list)):
        return [_jsonable(v) for v in x]
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    raise TypeError(f"cache key parameter of type {type(x).__name__} is not supported; pass dates, numbers, text")


def cache_key(kind: str, params: dict) -> str:
    """Hex key of a fit: kind, arguments, data and code fingerprints, entry format.

    Parameters
    ----------
    kind : str
        Name of the fit (e.g. ``"hazards"``).
    params : dict
        The fit's arguments: dates, numbers, text, None, or lists/tuples/dicts of them.

    Returns
    -------
    str
        64-character sha256 hex digest.

    Raises
    ------
    TypeError
        If a parameter has another type.
    """
    blob = json.dumps(
        {
            "kind": kind,
            "params": _jsonable(params),
            "data": data_fingerprint(),
            "code": code_fingerprint(),
            "format": _FORMAT,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _path(kind: str, key: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in kind)
    return cache_dir() / "fits" / f"{safe}-{key[:40]}.pkl"


def _read(path: Path, key: str) -> tuple[bool, object]:
    """(found, value); any unreadable or mismatched entry is a miss."""
    try:
        with path.open("rb") as fh:
            entry = pickle.load(fh)
    except FileNotFoundError:
        return False, None
    except Exception:  # noqa: BLE001 - a corrupt entry of any kind is a miss, never an error
        _STATS["errors"] += 1
        return False, None
    if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
        _STATS["errors"] += 1
        return False, None
    return True, entry["value"]


def _write(path: Path, key: str, value: object) -> None:
    """Atomic write: a temporary file in the same directory, then ``os.replace``; failures leave no entry."""

    def dump(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            pickle.dump({"key": key, "value": value}, fh, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, dump, prefix=".tmp-", suffix=".pkl")
    except OSError:
        _STATS["errors"] += 1  # read-only or full cache directory: the fit is still returned


def cached_fit(kind: str, params: dict, compute: Callable[[], T]) -> T:
    """The fit ``compute()`` from the on-disk cache when its key matches, else computed and stored.

    Parameters
    ----------
    kind : str
        Name of the fit (also the start of the entry's file name).
    params : dict
        The fit's arguments (see :func:`cache_key`).
    compute : Callable[[], T]
        Computes the fit on a miss (or always, when the cache is disabled).

    Returns
    -------
    T
        The stored or computed fit; a failed write still returns it.
    """
    if not _enabled():
        return compute()
    key = cache_key(kind, params)
    path = _path(kind, key)
    found, value = _read(path, key)
    if found:
        _STATS["hits"] += 1
        return value  # type: ignore[return-value]
    _STATS["misses"] += 1
    value = compute()
    _write(path, key, value)
    return value


def disk_cached(kind: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: the function's result through :func:`cached_fit`, keyed by ``kind`` and its bound arguments.

    The arguments must be dates, numbers, text, None or tuples/lists/dicts of them (they form the key).

    Parameters
    ----------
    kind : str
        Name of the fit, part of the key.

    Returns
    -------
    Callable[[Callable[..., T]], Callable[..., T]]
        A decorator; the wrapped function has the same signature.
    """

    def wrap(f: Callable[..., T]) -> Callable[..., T]:
        sig = inspect.signature(f)

        @functools.wraps(f)
        def inner(*args: object, **kwargs: object) -> T:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            return cached_fit(f"{kind}", dict(bound.arguments), lambda: f(*args, **kwargs))

        return inner

    return wrap


def cache_stats() -> dict[str, int]:
    """Hits, misses and unreadable/unwritable entries in this process (a copy)."""
    return dict(_STATS)


def clear_fit_cache() -> int:
    """Delete every stored fit; returns how many entries were removed."""
    d = cache_dir() / "fits"
    n = 0
    if d.is_dir():
        for p in d.glob("*.pkl"):
            with contextlib.suppress(OSError):
                p.unlink()
                n += 1
    return n
