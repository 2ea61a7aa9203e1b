"""COW Territorial Change v6 (1816-2018): transfers with gainer, loser, procedure (month resolution)."""

import pandas as pd
from _common import COW_TERMS, source, write_table

CITE = """@article{tir1998territorial,
  author = {Tir, Jaroslav and Schafer, Philip and Diehl, Paul F. and Goertz, Gary},
  title = {Territorial Changes, 1816-1996},
  journal = {Conflict Management and Peace Science},
  volume = {16},
  pages = {89--97},
  year = {1998},
  note = {COW Territorial Change data v6 (1816-2018)}
}"""

raw = pd.read_csv(source("cow_territorial_change/tc2018.csv"), na_values=["."])
df = pd.DataFrame(
    {
        "year": raw.year.astype("int32"),
        "month": raw.month.where(raw.month > 0).astype("Int8"),
        "gainer": raw.gainer.astype("Int32"),
        "loser": raw.loser.astype("Int32"),
        "procedur": raw.procedur.astype("Int8"),
        "entity": raw.entity.astype("Int32"),
        "area": raw.area.astype("float64"),
        "pop": raw["pop"].astype("float64"),
        "conflict": raw.conflict.astype("Int8"),
        "number": raw.number.astype("Int32"),
    }
)
write_table(
    "territorial_change",
    df,
    sources=["cow_territorial_change/tc2018.csv"],
    meta={
        "title": "COW Territorial Change",
        "version": "6",
        "unit": "transfer event (month resolution)",
        "coverage": "1816/2018",
        "citation": CITE,
        "terms": COW_TERMS,
        "notes": "procedur: 1 conquest, 2 annexation, 3 cession, 4 secession, 5 unification, 6 mandate. "
        "area in square km; missing = null.",
    },
)
