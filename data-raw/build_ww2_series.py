"""Dated WWII series for testing claims of change: ``ww2_series`` (Arctic convoys, US aid to the USSR, Japan's
approaches to Moscow).

Reads ``data-raw/ww2_series.toml`` (kept in this repository, compiled by hand from public pages read; every
row cites its sources), validates it strictly and writes one row per dated fact: a convoy sailing, a pause
(no sailings from ``date`` to ``end``), a count or total over a period, a trend a source states, or a
diplomatic approach. ``validate(doc)`` is importable and raises :class:`SeriesError` naming the entry.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd

TOML = Path(__file__).resolve().parent / "ww2_series.toml"
SERIES = ("arctic_convoys", "us_aid_ussr", "japan_approaches")
KINDS = ("sailing", "pause", "count", "total", "trend", "approach")
NEEDS_END = ("pause", "count", "total", "trend")
NEEDS_VALUE = ("count", "total", "trend")
FIELDS = {"series", "kind", "date", "end", "precision", "value", "unit", "ccodes", "counterpart", "what", "sources"}

CITE = """@misc{realign_ww2_series,
  title = {Dated WWII series for change claims: Arctic convoy sailings and pauses, US aid to the USSR,
           Japan's approaches to Moscow 1943-45},
  note = {Compiled for realign row by row from public pages that were read (Wikipedia and mirrors,
          FRUS at history.state.gov, naval history sites, Werth's Russia at War); each row cites its
          sources (columns sources, urls). Not a complete convoy list: see the manifest notes.},
  year = {2026}
}"""


class SeriesError(ValueError):
    """A malformed entry in ``ww2_series.toml``; the message names the entry and the field."""


def _date(v: object, where: str) -> dt.date:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    raise SeriesError(f"{where}: expected a TOML date (YYYY-MM-DD), got {v!r}")


def validate(doc: dict) -> tuple[list[dict], dict[str, dict]]:
    """Check the whole document; return (rows, sources by id)."""
    sources: dict[str, dict] = {}
    for i, s in enumerate(doc.get("sources", [])):
        for f in ("id", "citation", "url"):
            if not isinstance(s.get(f), str) or not s[f].strip():
                raise SeriesError(f"sources[{i}].{f}: missing or empty")
        if not s["url"].startswith(("http://", "https://")):
            raise SeriesError(f"sources[{i}].url: not an http(s) URL")
        if s["id"] in sources:
            raise SeriesError(f"sources[{i}].id: duplicate {s['id']!r}")
        sources[s["id"]] = s
    rows = doc.get("rows", [])
    if not rows:
        raise SeriesError("no [[rows]]")
    for i, r in enumerate(rows):
        w = f"rows[{i}]"
        if set(r) - FIELDS:
            raise SeriesError(f"{w}: unknown field(s) {sorted(set(r) - FIELDS)}")
        if r.get("series") not in SERIES:
            raise SeriesError(f"{w}.series: must be one of {SERIES}, got {r.get('series')!r}")
        if r.get("kind") not in KINDS:
            raise SeriesError(f"{w}.kind: must be one of {KINDS}, got {r.get('kind')!r}")
        d = _date(r.get("date"), f"{w}.date")
        if r["kind"] in NEEDS_END:
            e = _date(r.get("end"), f"{w}.end")
            if e < d:
                raise SeriesError(f"{w}.end: {e} is before date {d}")
        if r["kind"] in NEEDS_VALUE and not isinstance(r.get("value"), int | float):
            raise SeriesError(f"{w}.value: a number is required for kind {r['kind']!r}")
        if r.get("precision", "day") not in ("day", "month"):
            raise SeriesError(f"{w}.precision: 'day' or 'month'")
        if not r.get("ccodes") or not all(isinstance(c, int) for c in r["ccodes"]):
            raise SeriesError(f"{w}.ccodes: a non-empty list of COW codes")
        if not isinstance(r.get("what"), str) or not r["what"].strip():
            raise SeriesError(f"{w}.what: missing")
        if not r.get("sources") or any(s not in sources for s in r["sources"]):
            raise SeriesError(f"{w}.sources: every row cites known source ids")
    return rows, sources


def frame(rows: list[dict], sources: dict[str, dict]) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        out.append(
            {
                "row": i,
                "series": r["series"],
                "kind": r["kind"],
                "date": pd.Timestamp(r["date"]),
                "end": pd.Timestamp(r["end"]) if r.get("end") else pd.NaT,
                "precision": r.get("precision", "day"),
                "value": float(r["value"]) if "value" in r else float("nan"),
                "unit": r.get("unit", ""),
                "ccodes": ";".join(str(c) for c in r["ccodes"]),
                "counterpart": int(r.get("counterpart", -1)),
                "what": r["what"],
                "sources": ";".join(r["sources"]),
                "urls": ";".join(sources[s]["url"] for s in r["sources"]),
                "citations": " | ".join(sources[s]["citation"] for s in r["sources"]),
            }
        )
    return pd.DataFrame(out).sort_values(["series", "date", "row"]).reset_index(drop=True)


def main() -> None:
    from _common import write_table

    doc = tomllib.loads(TOML.read_text(encoding="utf-8"))
    rows, sources = validate(doc)
    df = frame(rows, sources)
    write_table(
        "ww2_series",
        df,
        sources=[],
        local_sources=["data-raw/ww2_series.toml"],
        meta={
            "version": "realign ww2_series 1.0, compiled 2026-12 from sources read",
            "citation": CITE,
            "title": "Dated WWII series for change claims: Arctic convoys, US aid to the USSR, Japan's approaches "
            "to Moscow",
            "unit": "dated fact (sailing, approach) or period (pause, count, total, trend); day resolution unless "
            "precision is 'month'",
            "coverage": f"{df['date'].min().date()}/{df['end'].max().date()}; series {', '.join(SERIES)}",
            "terms": "Compiled by the realign authors (MIT, like the code); each row cites the public pages it was "
            "compiled from (urls); those pages keep their own licences (Wikipedia: CC BY-SA).",
            "license": "Compilation MIT; cited pages keep their own licences.",
            "notes": "Missing (not read, left out): " + " ".join(doc.get("missing", [])),
        },
    )


if __name__ == "__main__":
    main()
