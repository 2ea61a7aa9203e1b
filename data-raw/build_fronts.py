"""Sourced front-line contact for WWI (COW war 106) and WWII (COW war 139): ``fronts`` + ``front_coverage``.

Reads ``data-raw/fronts.toml`` (kept in this repository, compiled by hand from public pages read;
every row cites its sources), validates it strictly and writes two tables:

* ``fronts``: one row per dated contact (enemy ground forces on home territory, amphibious landing,
  occupation by an ally, capital threatened, capital taken), with ranges where sources disagree;
* ``front_coverage``: every state covered for each war, with ``has_rows`` so "covered, no contact
  recorded" can be told from "not covered".

``validate(doc, states)`` is importable (the tests call it on malformed rows) and raises
:class:`FrontsError` naming the offending entry and field. Build the ``states`` table first.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd

KINDS = ("enemy_ground_forces", "landing", "ally_occupation", "capital_threatened", "capital_taken")
WARS = {106: (dt.date(1914, 7, 28), dt.date(1918, 11, 11)), 139: (dt.date(1939, 9, 1), dt.date(1945, 9, 2))}
TOML = Path(__file__).resolve().parent / "fronts.toml"
REQUIRED = ("war", "ccode", "kind", "by_ccodes", "start", "place", "note", "sources")
OPTIONAL = ("start_late", "end", "end_late")

CITE = """@misc{realign_fronts,
  title = {Front-line contact by state in World War I (COW war 106) and World War II (COW war 139):
           enemy ground forces on home territory, landings, occupation by an ally, capitals threatened
           and taken},
  note = {Compiled for realign row by row from public reference pages that were read (Wikipedia and
          mirrors, encyclopedia and museum pages, dated chronologies); each row cites its own sources
          (columns sources, urls, citations). Where sources disagree the row gives a date range
          (start/start\\_late, end/end\\_late). Written in the compilers' own words.},
  year = {2026}
}"""


class FrontsError(ValueError):
    """A malformed entry in ``fronts.toml``; the message names the entry index and the field."""


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise FrontsError(f"{where}: expected a TOML date (YYYY-MM-DD), got a date-time {value!r}")
    if isinstance(value, dt.date):
        return value
    raise FrontsError(f"{where}: expected a TOML date (YYYY-MM-DD), got {value!r}")


def _codes(states: pd.DataFrame) -> dict[int, str]:
    s = states.sort_values("start")
    return {int(c): str(n) for c, n in zip(s["ccode"], s["statenme"], strict=True)}


def validate_source(i: int, src: dict, seen: set[str]) -> None:
    where = f"sources[{i}]"
    for f in ("id", "citation", "url"):
        if not isinstance(src.get(f), str) or not src[f].strip():
            raise FrontsError(f"{where}.{f}: missing or empty")
    if not src["url"].startswith(("http://", "https://")):
        raise FrontsError(f"{where}.url: not an http(s) URL: {src['url']!r}")
    if ";" in src["id"] or ";" in src["url"] or " | " in src["citation"]:
        raise FrontsError(f"{where}: ';' in id/url or ' | ' in citation would break the joined columns")
    if src["id"] in seen:
        raise FrontsError(f"{where}.id: duplicate source id {src['id']!r}")
    unknown = set(src) - {"id", "citation", "url"}
    if unknown:
        raise FrontsError(f"{where}: unknown field(s) {sorted(unknown)}")


def validate_row(i: int, row: dict, source_ids: set[str], names: dict[int, str]) -> None:
    """Check one ``[[fronts]]`` entry; raise :class:`FrontsError` naming ``fronts[i].<field>``."""
    where = f"fronts[{i}]"
    for f in REQUIRED:
        if f not in row:
            raise FrontsError(f"{where}.{f}: required field missing")
    unknown = set(row) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise FrontsError(f"{where}: unknown field(s) {sorted(unknown)}")
    if not isinstance(row["war"], int) or row["war"] not in WARS:
        raise FrontsError(f"{where}.war: must be one of {sorted(WARS)}, got {row['war']!r}")
    if not isinstance(row["ccode"], int) or isinstance(row["ccode"], bool) or row["ccode"] not in names:
        raise FrontsError(f"{where}.ccode: {row['ccode']!r} is not a COW state number")
    if row["kind"] not in KINDS:
        raise FrontsError(f"{where}.kind: unknown kind {row['kind']!r} (one of {', '.join(KINDS)})")
    by = row["by_ccodes"]
    if not isinstance(by, list):
        raise FrontsError(f"{where}.by_ccodes: must be a list of COW state numbers")
    for c in by:
        if not isinstance(c, int) or isinstance(c, bool) or c not in names:
            raise FrontsError(f"{where}.by_ccodes: {c!r} is not a COW state number")
    if row["ccode"] in by:
        raise FrontsError(f"{where}.by_ccodes: contains the state itself ({row['ccode']})")
    start = _date(row["start"], f"{where}.start")
    start_late = _date(row.get("start_late", start), f"{where}.start_late")
    if start_late < start:
        raise FrontsError(f"{where}.start_late: {start_late} is before start {start}")
    lo, hi = WARS[row["war"]]
    if not lo <= start <= hi:
        raise FrontsError(f"{where}.start: {start} is outside war {row['war']} ({lo} to {hi})")
    if "end_late" in row and "end" not in row:
        raise FrontsError(f"{where}.end_late: given without end")
    if "end" in row:
        end = _date(row["end"], f"{where}.end")
        if end < start:
            raise FrontsError(f"{where}.end: {end} is before start {start}")
        end_late = _date(row.get("end_late", end), f"{where}.end_late")
        if end_late < end:
            raise FrontsError(f"{where}.end_late: {end_late} is before end {end}")
    for f in ("place", "note"):
        if not isinstance(row[f], str) or not row[f].strip():
            raise FrontsError(f"{where}.{f}: missing or empty text")
    srcs = row["sources"]
    if not isinstance(srcs, list) or not srcs:
        raise FrontsError(f"{where}.sources: at least one source id is required")
    for s in srcs:
        if s not in source_ids:
            raise FrontsError(f"{where}.sources: unknown source id {s!r}")


def validate(doc: dict, states: pd.DataFrame) -> None:
    """Validate the whole document (sources, rows, coverage); raise :class:`FrontsError` on the first error."""
    names = _codes(states)
    seen: set[str] = set()
    for i, src in enumerate(doc.get("sources", [])):
        validate_source(i, src, seen)
        seen.add(src["id"])
    rows = doc.get("fronts", [])
    if not rows:
        raise FrontsError("fronts: no [[fronts]] rows")
    for i, row in enumerate(rows):
        validate_row(i, row, seen, names)
    covered: dict[int, set[int]] = {}
    for i, cov in enumerate(doc.get("coverage", [])):
        where = f"coverage[{i}]"
        if cov.get("war") not in WARS:
            raise FrontsError(f"{where}.war: must be one of {sorted(WARS)}, got {cov.get('war')!r}")
        if cov["war"] in covered:
            raise FrontsError(f"{where}.war: war {cov['war']} listed twice")
        codes = cov.get("ccodes")
        if not isinstance(codes, list) or not codes:
            raise FrontsError(f"{where}.ccodes: must be a non-empty list")
        for c in codes:
            if c not in names:
                raise FrontsError(f"{where}.ccodes: {c!r} is not a COW state number")
        if len(set(codes)) != len(codes):
            raise FrontsError(f"{where}.ccodes: duplicates")
        covered[cov["war"]] = set(codes)
    for i, row in enumerate(rows):
        if row["ccode"] not in covered.get(row["war"], set()):
            raise FrontsError(f"fronts[{i}].ccode: {row['ccode']} is not in the coverage list of war {row['war']}")
    unused = seen - {s for row in rows for s in row["sources"]}
    if unused:
        raise FrontsError(f"sources: listed but cited by no row: {sorted(unused)}")
    if not isinstance(doc.get("missing", []), list):
        raise FrontsError("missing: must be a list of strings")


def build(doc: dict, states: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``fronts`` and ``front_coverage`` tables from a validated document."""
    names = _codes(states)
    src = {s["id"]: s for s in doc["sources"]}
    out = []
    for row in doc["fronts"]:
        start = pd.Timestamp(row["start"])
        end = pd.Timestamp(row["end"]) if "end" in row else pd.NaT
        out.append(
            {
                "war": row["war"],
                "ccode": row["ccode"],
                "state": names[row["ccode"]],
                "kind": row["kind"],
                "by_ccodes": ",".join(str(c) for c in row["by_ccodes"]),
                "start": start,
                "start_late": pd.Timestamp(row.get("start_late", row["start"])),
                "end": end,
                "end_late": pd.Timestamp(row["end_late"]) if "end_late" in row else end,
                "place": row["place"],
                "note": row["note"],
                "sources": ";".join(row["sources"]),
                "urls": ";".join(src[s]["url"] for s in row["sources"]),
                "citations": " | ".join(src[s]["citation"] for s in row["sources"]),
            }
        )
    df = pd.DataFrame(out).sort_values(["war", "start", "ccode", "kind"], kind="stable").reset_index(drop=True)
    for c in ("war", "ccode"):
        df[c] = df[c].astype("int32")
    for c in ("start", "start_late", "end", "end_late"):
        df[c] = df[c].astype("datetime64[s]")
    with_rows = {(r["war"], r["ccode"]) for r in doc["fronts"]}
    cov = [
        {"war": c["war"], "ccode": code, "state": names[code], "has_rows": (c["war"], code) in with_rows}
        for c in doc["coverage"]
        for code in sorted(c["ccodes"])
    ]
    cdf = pd.DataFrame(cov)
    for c in ("war", "ccode"):
        cdf[c] = cdf[c].astype("int32")
    cdf["has_rows"] = cdf["has_rows"].astype(bool)
    return df, cdf


def load_doc(path: Path = TOML) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def main() -> None:
    from _common import write_table

    from realign.data import load

    doc = load_doc()
    states = load("states")
    try:
        validate(doc, states)
    except FrontsError as exc:
        raise SystemExit(f"{TOML.name}: {exc}") from None
    fronts, coverage = build(doc, states)
    lo, hi = fronts["start"].min().date(), fronts["start"].max().date()
    meta = {
        "version": "realign fronts 1.0, compiled 2026-12 from sources read",
        "citation": CITE,
        "terms": "Compiled by the realign authors (MIT, like the code); each row cites the public pages "
        "it was compiled from (urls); those pages keep their own licences (Wikipedia: CC BY-SA).",
        "license": "Compilation MIT; cited pages keep their own licences.",
    }
    missing = [str(m) for m in doc.get("missing", [])]
    write_table(
        "fronts",
        fronts,
        sources=[],
        local_sources=["data-raw/fronts.toml"],
        meta={
            **meta,
            "title": "Front-line contact by state, WWI (war 106) and WWII (war 139): enemy ground forces on home "
            "territory, landings, occupation by an ally, capitals threatened and taken (each row sourced)",
            "unit": "dated contact spell (day resolution; start/start_late and end/end_late give ranges)",
            "coverage": f"{lo}/{hi}; wars 106 and 139, European theatres plus Turkey, Japan and the USA",
            "notes": "Home territory = the territory a state held on the eve of its entry into that war. end is null "
            "when the contact lasted to the war's end; otherwise it is when the last enemy forces were "
            "expelled or the state left the war or was conquered. Known gaps (no source read): "
            + ("; ".join(missing) if missing else "none"),
        },
    )
    write_table(
        "front_coverage",
        coverage,
        sources=[],
        local_sources=["data-raw/fronts.toml"],
        build_script="data-raw/build_fronts.py",
        meta={
            **meta,
            "title": "States covered by the fronts table per war (has_rows False = covered, no contact recorded)",
            "unit": "war-state",
            "coverage": "wars 106 and 139",
            "notes": "A state absent from this table for a war was not examined (not covered).",
        },
    )
    if missing:
        print(f"fronts: {len(missing)} row(s) left out for want of a source read:")
        for m in missing:
            print(f"  - {m}")


if __name__ == "__main__":
    main()
