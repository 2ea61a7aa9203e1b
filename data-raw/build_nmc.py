"""COW National Material Capabilities: v7.0 (1816-2022) with v6.0 filling what v7 lacks."""

import pandas as pd
from _common import COW_TERMS, source, write_table

CITE = """@incollection{singer1972capability,
  author = {Singer, J. David and Bremer, Stuart and Stuckey, John},
  title = {Capability Distribution, Uncertainty, and Major Power War, 1820-1965},
  booktitle = {Peace, War, and Numbers},
  editor = {Russett, Bruce},
  publisher = {Sage},
  address = {Beverly Hills},
  year = {1972},
  pages = {19--48},
  note = {National Material Capabilities v7.0 (v6.0 where v7.0 lacks a column)}
}"""

v7 = pd.read_parquet(source("cow_nmc/cow_nmc.parquet"))
v6 = pd.read_csv(source("cow_nmc/NMC-60-abridged.csv"))
for _c in ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]:
    v6[_c] = pd.to_numeric(v6[_c], errors="coerce").where(lambda x: x != -9).astype("float64")
cols = ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]
df = v7.merge(v6[["ccode", "year", "stateabb", *cols]], on=["ccode", "year"], how="left", suffixes=("", "_v6"))
df["source_version"] = "7.0"
for c in cols:
    fill = df[c].isna() & df[f"{c}_v6"].notna()
    df.loc[fill, c] = df.loc[fill, f"{c}_v6"]
    df.loc[fill, "source_version"] = "7.0+6.0"
out = df[["ccode", "year", "stateabb", *cols, "source_version"]].copy()
out["ccode"] = out.ccode.astype("int32")
out["year"] = out.year.astype("int32")
for c in cols:
    out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
write_table(
    "nmc",
    out,
    sources=["cow_nmc/cow_nmc.parquet", "cow_nmc/NMC-60-abridged.csv"],
    meta={
        "title": "COW National Material Capabilities (CINC)",
        "version": "7.0 (v6.0 fill)",
        "unit": "state-year",
        "coverage": "1816/2022",
        "citation": CITE,
        "terms": COW_TERMS,
        "notes": "milex: thousands of GBP (1816-1913), thousands of current USD (1914-); milper, tpop, upop "
        "in thousands; irst thousand tons; pec thousand coal-ton equivalents. Yearly CINC sums are not "
        "exactly 1. Missing values stay missing (COW -9 -> null).",
    },
)
