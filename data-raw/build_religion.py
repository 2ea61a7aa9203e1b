"""World Religion Project national data v1.1 (percent adherents, every 5 years from 1945)."""

import pandas as pd
from _common import COW_TERMS, source, write_table

CITE = """@article{maoz2013wrp,
  author = {Maoz, Zeev and Henderson, Errol A.},
  title = {The World Religion Dataset, 1945-2010: Logic, Estimates, and Trends},
  journal = {International Interactions},
  volume = {39},
  pages = {265--291},
  year = {2013}
}"""

raw = pd.read_csv(source("wrp/WRP_national.csv"))
pct = [c for c in raw.columns if c.endswith("pct")]
df = raw[["year", "state", "name", *pct]].rename(columns={"state": "ccode"})
df["ccode"] = df.ccode.astype("int32")
df["year"] = df.year.astype("int32")
for c in pct:
    df[c] = pd.to_numeric(df[c], errors="coerce").astype("float32")
write_table(
    "religion",
    df,
    sources=["wrp/WRP_national.csv"],
    meta={
        "title": "World Religion Project, national (percent adherents)",
        "version": "1.1",
        "unit": "state-5-year",
        "coverage": "1945/2010",
        "citation": CITE,
        "terms": COW_TERMS,
        "notes": "No data before 1945: religion similarity is missing (not 0) for earlier dates.",
    },
)
