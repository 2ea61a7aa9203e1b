"""Regime type by state-year (isard cw_democracy: extended UDS, Polity5 polity2, V-Dem polyarchy)."""

import pandas as pd
from _common import source, write_table

CITE = """@article{miller2022peacesciencer,
  author = {Miller, Steven V.},
  title = {peacesciencer: An R Package for Quantitative Peace Science Research},
  journal = {Conflict Management and Peace Science},
  volume = {39},
  number = {6},
  pages = {755--779},
  year = {2022},
  note = {Data object cw\\_democracy from the R package isard: Marquez (2016) extended UDS; Marshall (2020)
          Polity5 p5v2018; Coppedge et al. (2025) V-Dem v15}
}"""

df = pd.read_parquet(source("democracy/cw_democracy.parquet"))
df["ccode"] = df.ccode.astype("int32")
df["year"] = df.year.astype("int32")
write_table(
    "democracy",
    df,
    sources=["democracy/cw_democracy.parquet"],
    meta={
        "title": "Democracy scores by state-year",
        "version": "isard cw_democracy (2026-06)",
        "unit": "state-year",
        "coverage": "1816/2025",
        "citation": CITE,
        "terms": "GPL-2 package; cite the underlying measures",
        "notes": "euds/aeuds extended Unified Democracy Scores; polity2 -10..10 (missing in interregna, "
        "e.g. USSR 1942); v2x_polyarchy 0..1.",
    },
)
