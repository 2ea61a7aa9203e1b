"""Line numbers of TOML keys: ``tomllib`` gives none for values, so scan the source text.

:func:`locate_fields` maps each dotted field path (``events[0].outcome``,
``model.params.temperature``) to the 1-based line where its key or table header appears; the
scenario validator (:mod:`realign.events.scenario_schema`) uses it to name the line of a problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["locate_fields"]


_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _parse_key(s: str) -> list[str] | None:
    """Split a (dotted, possibly quoted) TOML key; ``None`` if it is not a key."""
    parts: list[str] = []
    i, n = 0, len(s)
    while True:
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            return None
        if s[i] in "\"'":
            q = s[i]
            j = s.find(q, i + 1)
            if j < 0:
                return None
            parts.append(s[i + 1 : j])
            i = j + 1
        else:
            m = _BARE.match(s, i)
            if not m:
                return None
            parts.append(m.group(0))
            i = m.end()
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            return parts
        if s[i] != ".":
            return None
        i += 1


def _split_key_value(line: str) -> tuple[str, str] | None:
    """``key = value`` → (key text, value text), respecting quotes in the key."""
    q: str | None = None
    for i, ch in enumerate(line):
        if q:
            if ch == q:
                q = None
        elif ch in "\"'":
            q = ch
        elif ch == "=":
            return line[:i], line[i + 1 :]
    return None


def _bracket_delta(value: str) -> tuple[int, str | None]:
    """Net ``[``/``{`` depth change of a value fragment and an unclosed multi-line string delimiter."""
    depth, i, n = 0, 0, len(value)
    while i < n:
        ch = value[i]
        if value.startswith('"""', i) or value.startswith("'''", i):
            delim = value[i : i + 3]
            j = value.find(delim, i + 3)
            if j < 0:
                return depth, delim
            i = j + 3
            continue
        if ch in "\"'":
            j = i + 1
            while j < n and value[j] != ch:
                j += 2 if (ch == '"' and value[j] == "\\") else 1
            i = j + 1
            continue
        if ch == "#":
            break
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth, None


def locate_fields(text: str) -> dict[str, int]:
    """Map each dotted field path to the 1-based line where its key (or table header) appears.

    Paths use ``name[i]`` for arrays of tables, e.g. ``events[0].outcome``,
    ``events[1].effects.2.capability``, ``model.params.temperature``. Never raises: lines it
    cannot read are skipped.

    Parameters
    ----------
    text : str
        TOML source.

    Returns
    -------
    dict of str to int
        Dotted field path -> 1-based line of its first appearance.

    >>> locate_fields('[scenario]\\nname = "x"\\n[[events]]\\nid = "kursk"\\n')["events[0].id"]
    4
    """
    out: dict[str, int] = {}
    try:
        _locate(text, out)
    except Exception:  # pragma: no cover - the locator must never fail; best effort
        pass
    return out


def _locate(text: str, out: dict[str, int]) -> None:
    counts: dict[str, int] = {}  # array-of-tables base path -> last index
    current: list[str] = []  # current table path, already indexed (e.g. ["events[0]", "effects", "1"])
    depth = 0
    ml: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if ml is not None:
            if ml in line:
                ml = None
            continue
        if depth > 0:
            d, ml = _bracket_delta(line)
            depth = max(0, depth + d)
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            end = line.find("]]")
            key = _parse_key(line[2:end]) if end > 0 else None
            if key is None:
                continue
            path = _index(key[:-1], counts)
            base = ".".join([*path, key[-1]])
            idx = counts.get(base, -1) + 1
            counts[base] = idx
            for k in [k for k in counts if k.startswith(f"{base}[")]:
                del counts[k]
            current = [*path, f"{key[-1]}[{idx}]"]
            out.setdefault(base, lineno)
            out[".".join(current)] = lineno
            continue
        if line.startswith("["):
            end = line.find("]")
            key = _parse_key(line[1:end]) if end > 0 else None
            if key is None:
                continue
            current = _index(key, counts)
            for k in range(1, len(current) + 1):
                out.setdefault(".".join(current[:k]), lineno)
            continue
        kv = _split_key_value(line)
        if kv is None:
            continue
        key = _parse_key(kv[0])
        if key is None:
            continue
        out.setdefault(".".join([*current, *key]), lineno)
        d, ml = _bracket_delta(kv[1])
        depth = max(0, d)


def _index(key: list[str], counts: Mapping[str, int]) -> list[str]:
    """Add the current array index to each prefix of ``key`` that is an array of tables."""
    out: list[str] = []
    for part in key:
        base = ".".join([*out, part])
        out.append(f"{part}[{counts[base]}]" if base in counts else part)
    return out
