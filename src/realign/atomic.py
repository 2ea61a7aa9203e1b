"""One atomic writer: a temporary file in the target's folder, then ``os.replace``.

A reader never sees half a file, and a failed write leaves no temporary file behind. Every
writer of the package (panels, reports, ensemble batches and manifests, the fit cache, imported
tables) goes through :func:`atomic_write`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_json", "atomic_write_text"]


def atomic_write(
    path: str | os.PathLike, write: Callable[[str], object], *, prefix: str = "tmp", suffix: str = ".tmp"
) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then move it onto ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        The file to (re)place; its folder must exist.
    write : callable
        Writes the content to the temporary path it is given.
    prefix, suffix : str
        Name parts of the temporary file (``tmp*.tmp`` by default: what a clean-up of a killed
        run looks for).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file; its folder must exist.
    data : bytes
        The content.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file; its folder must exist.
    text : str
        The content.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def atomic_write_json(obj: Any, path: str | os.PathLike, *, indent: int | None = 1) -> Path:
    """Write ``obj`` as JSON (``default=str`` for dates and paths) to ``path`` atomically.

    Parameters
    ----------
    obj : object
        JSON-ready data (dates and paths are written as strings).
    path : str or os.PathLike
        The file; its folder must exist.
    indent : int, optional
        As for :func:`json.dumps` (1 by default).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return atomic_write_text(path, json.dumps(obj, indent=indent, default=str))
