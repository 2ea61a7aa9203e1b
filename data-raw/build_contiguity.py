"""COW Direct Contiguity v3.2 master record: non-directed dyad spells at month resolution."""

import pandas as pd
from _common import COW_TERMS, source, write_table

CITE = """@article{stinnett2002contiguity,
  author = {Stinnett, Douglas M. and Tir, Jaroslav and Schafer, Philip and Diehl, Paul F. and Gochman, Charles},
  title = {The Correlates of War Project Direct Contiguity Data, Version 3},
  journal = {Conflict Management and Peace Science},
  volume = {19},
  number = {2},
  pages = {58--66},
  year = {2002}
}"""

raw = pd.read_csv(source("cow_contiguity/contdir.csv"))
begin = pd.to_datetime(raw.begin.astype(str) + "01", format="%Y%m%d")
end = pd.to_datetime(raw.end.astype(str) + "01", format="%Y%m%d") + pd.offsets.MonthEnd(0)
df = pd.DataFrame(
    {
        "ccode1": raw.statelno.astype("int32"),
        "ccode2": raw.statehno.astype("int32"),
        "conttype": raw.conttype.astype("int8"),
        "start": begin.astype("datetime64[s]"),
        "end": end.astype("datetime64[s]"),
        "notes": raw.notes.fillna(""),
    }
)
write_table(
    "contiguity",
    df,
    sources=["cow_contiguity/contdir.csv"],
    meta={
        "title": "COW Direct Contiguity (dyad spells)",
        "version": "3.2",
        "unit": "non-directed dyad spell (month resolution)",
        "coverage": "1816-01-01/2016-12-31",
        "citation": CITE,
        "terms": COW_TERMS,
        "notes": "conttype: 1 land/river, 2 <=12 mi water, 3 <=24 mi, 4 <=150 mi, 5 <=400 mi. Spells begin on "
        "the first and end on the last day of the coded months.",
    },
)
