"""ATOP v5.1 directed dyad-year alliance obligations (via peacesciencer's atop_alliance)."""

import pandas as pd
from _common import source, write_table

CITE = """@article{leeds2002atop,
  author = {Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin and Long, Andrew G.},
  title = {Alliance Treaty Obligations and Provisions, 1815-1944},
  journal = {International Interactions},
  volume = {28},
  pages = {237--260},
  year = {2002},
  note = {ATOP v5.1 directed dyad-year (atop5\\_1ddyr) as distributed in peacesciencer (Miller 2022)}
}"""

df = pd.read_parquet(source("atop/atop_alliance.parquet"))
for c in df.columns:
    df[c] = df[c].astype("int32" if c in ("ccode1", "ccode2", "year") else "int8")
write_table(
    "atop",
    df.sort_values(["year", "ccode1", "ccode2"]),
    sources=["atop/atop_alliance.parquet"],
    meta={
        "title": "ATOP alliance obligations (defense, offense, neutrality, non-aggression, consultation)",
        "version": "5.1",
        "unit": "directed dyad-year",
        "coverage": "1815/2018",
        "citation": CITE,
        "terms": "ATOP project terms (http://www.atopdata.org); peacesciencer GPL-2",
        "notes": "Only dyad-years with an ATOP alliance are present; absence of a row means no alliance "
        "(within coverage). Yearly resolution: a dyad is counted for every day of the year.",
    },
)
