"""Import the user's own COW Formal Alliances v4.1 files (not bundled, at the maintainer's request).

``realign data import cow-alliance DIR`` reads ``alliance_v4.1_by_member.csv`` from DIR (the
member spells with day-level start/end dates), converts it to a Parquet file in the user's data
directory (``platformdirs``; override with ``REALIGN_DATA_DIR``) and records the source checksum.
After that, :class:`realign.System` uses COW's day-level alliance dates alongside ATOP.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from realign.atomic import atomic_write, atomic_write_text
from realign.errors import InputFileError

__all__ = ["user_data_dir", "import_cow_alliance", "load_cow_alliance", "COW_ALLIANCE_CITATION"]

COW_ALLIANCE_CITATION = """@book{gibler2009alliances,
  author = {Gibler, Douglas M.},
  title = {International Military Alliances, 1648-2008},
  publisher = {CQ Press},
  address = {Washington, DC},
  year = {2009},
  note = {COW Formal Alliances v4.1, imported by the user}
}"""

MEMBER_FILE = "alliance_v4.1_by_member.csv"
_REQUIRED = [
    "version4id",
    "ccode",
    "ss_type",
    "mem_st_day",
    "mem_st_month",
    "mem_st_year",
    "mem_end_day",
    "mem_end_month",
    "mem_end_year",
    "defense",
    "neutrality",
    "nonaggression",
    "entente",
    "all_st_year",
    "all_end_year",
]


def user_data_dir() -> Path:
    """Where imported user data live (``REALIGN_DATA_DIR`` or the platform's user data dir)."""
    env = os.environ.get("REALIGN_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("realign", appauthor=False))


def _date(y: pd.Series, m: pd.Series, d: pd.Series, *, end: bool) -> pd.Series:
    y = pd.to_numeric(y, errors="coerce")
    m = pd.to_numeric(m, errors="coerce")
    d = pd.to_numeric(d, errors="coerce")
    bad = y.isna() | (y <= 0)
    m = m.where(m > 0, 12 if end else 1)
    d_missing = d.isna() | (d <= 0)
    frame = pd.DataFrame({"year": y.where(~bad, 2000), "month": m.fillna(1), "day": d.where(~d_missing, 1)})
    out = pd.to_datetime(frame.astype(int), errors="coerce")
    if end:
        out = out.where(~d_missing, out + pd.offsets.MonthEnd(0))
    return out.where(~bad).astype("datetime64[s]")


def import_cow_alliance(directory: str | os.PathLike, *, target: Path | None = None) -> Path:
    """Convert the user's COW alliance v4.1 member file to Parquet in the user data dir (atomic).

    Parameters
    ----------
    directory : str | os.PathLike
        Folder holding COW's alliance v4.1 CSV files (the member-level file is read).
    target : pathlib.Path or None
        Output folder; None means the user data dir.

    Returns
    -------
    pathlib.Path
        The written ``cow_alliance.parquet`` (a ``cow_alliance.json`` with source, sha256 and citation
        is written beside it).

    Raises
    ------
    InputFileError
        The member file is missing or lacks required columns.
    """
    src = Path(directory) / MEMBER_FILE
    if not src.exists():
        raise InputFileError(
            f"{MEMBER_FILE} not found in {directory}; give the folder with COW's alliance v4.1 CSV files.",
            path=str(directory),
        )
    raw = pd.read_csv(src)
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        raise InputFileError(f"not a COW alliance v4.1 member file: missing columns {missing}", path=str(src), line=1)
    ongoing = pd.to_numeric(raw.mem_end_year, errors="coerce").isna() | (raw.mem_end_year <= 0)
    df = pd.DataFrame(
        {
            "alliance": raw.version4id.astype("int32"),
            "ccode": raw.ccode.astype("int32"),
            "ss_type": raw.ss_type.astype(str),
            "start": _date(raw.mem_st_year, raw.mem_st_month, raw.mem_st_day, end=False),
            "end": _date(raw.mem_end_year, raw.mem_end_month, raw.mem_end_day, end=True),
            "defense": raw.defense.fillna(0).astype("int8"),
            "neutrality": raw.neutrality.fillna(0).astype("int8"),
            "nonaggression": raw.nonaggression.fillna(0).astype("int8"),
            "entente": raw.entente.fillna(0).astype("int8"),
        }
    )
    df.loc[ongoing, "end"] = pd.Timestamp("2012-12-31")
    target_dir = target or user_data_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    out = target_dir / "cow_alliance.parquet"
    atomic_write(out, lambda tmp: df.to_parquet(tmp, index=False))
    meta = {
        "source": str(src.resolve()),
        "source_sha256": hashlib.sha256(src.read_bytes()).hexdigest(),
        "rows": int(len(df)),
        "version": "4.1",
        "citation": COW_ALLIANCE_CITATION,
    }
    atomic_write_text(target_dir / "cow_alliance.json", json.dumps(meta, indent=1))
    return out


def load_cow_alliance() -> pd.DataFrame | None:
    """The imported COW alliance member spells, or None when the user has not imported them."""
    path = user_data_dir() / "cow_alliance.parquet"
    if not path.exists():
        return None
    return pd.read_parquet(path)
