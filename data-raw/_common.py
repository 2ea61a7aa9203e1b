"""Shared helpers for the data-raw build scripts (not part of the package).

Each ``build_<table>.py`` reads original files from the source directory (default
``../shared/data`` beside the project root, override with ``REALIGN_SOURCE_DIR``), writes one
compact Parquet table under ``src/realign/data/tables/`` and records its manifest entry
(source files with sha256, version, coverage, unit, citation, output sha256).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(os.environ.get("REALIGN_SOURCE_DIR", ROOT.parent / "shared" / "data"))
TABLES = ROOT / "src" / "realign" / "data" / "tables"
MANIFEST = ROOT / "src" / "realign" / "data" / "manifest.json"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source(rel: str) -> Path:
    p = SOURCE / rel
    if not p.exists():
        raise SystemExit(f"source file missing: {p} (set REALIGN_SOURCE_DIR)")
    return p


def write_table(
    name: str,
    df: pd.DataFrame,
    *,
    sources: list[str],
    meta: dict,
    local_sources: list[str] | None = None,
    build_script: str | None = None,
) -> None:
    """Write ``tables/<name>.parquet`` (zstd) atomically and update the manifest entry.

    ``sources`` are files under the source directory; ``local_sources`` are files kept in this
    repository (paths relative to the project root, e.g. ``data-raw/fronts.toml``). Both are hashed.
    """
    TABLES.mkdir(parents=True, exist_ok=True)
    out = TABLES / f"{name}.parquet"
    df = df.reset_index(drop=True)
    fd, tmp = tempfile.mkstemp(dir=TABLES, suffix=".tmp")
    os.close(fd)
    df.to_parquet(tmp, compression="zstd", index=False)
    os.replace(tmp, out)
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    entry = dict(meta)
    entry.update(
        {
            "name": name,
            "file": f"tables/{name}.parquet",
            "rows": int(len(df)),
            "columns": list(map(str, df.columns)),
            "sha256": sha256(out),
            "sources": [{"path": s, "sha256": sha256(source(s))} for s in sources]
            + [{"path": s, "sha256": sha256(ROOT / s)} for s in (local_sources or [])],
            "build_script": build_script or f"data-raw/build_{name}.py",
        }
    )
    manifest[name] = entry
    fd, tmp = tempfile.mkstemp(dir=MANIFEST.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(dict(sorted(manifest.items())), fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, MANIFEST)
    print(f"{name}: {len(df)} rows -> {out.relative_to(ROOT)}")


def ymd(y, m, d) -> pd.Series:
    """COW year/month/day columns -> datetime64[D]; -9/-8 (unknown / not applicable) -> NaT."""
    y = pd.to_numeric(y, errors="coerce")
    m = pd.to_numeric(m, errors="coerce")
    d = pd.to_numeric(d, errors="coerce")
    bad = (y < 0) | (m < 0) | (d < 0) | y.isna() | m.isna() | d.isna()
    frame = pd.DataFrame({"year": y.where(~bad, 2000), "month": m.where(~bad, 1), "day": d.where(~bad, 1)})
    out = pd.to_datetime(frame.astype(int), errors="coerce")
    return out.where(~bad).astype("datetime64[s]")


COW_TERMS = "COW data-set terms of use (https://correlatesofwar.org); cite the dataset."
