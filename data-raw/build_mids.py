"""COW Militarized Interstate Disputes v4.3, participant level with dates and sides."""

import pandas as pd
from _common import COW_TERMS, source, write_table, ymd

CITE = """@article{palmer2015mid4,
  author = {Palmer, Glenn and D'Orazio, Vito and Kenwick, Michael and Lane, Matthew},
  title = {The MID4 Data Set, 2002-2010: Procedures, Coding Rules and Description},
  journal = {Conflict Management and Peace Science},
  volume = {32},
  number = {2},
  pages = {222--242},
  year = {2015}
}"""

b = pd.read_csv(source("cow_mid/MIDB_4.3.csv"))
# Unknown start day (-9) -> first of month, unknown end day -> last of month; flagged.
stday = b.stday.where(b.stday > 0, 1)
enddate = ymd(b.endyear, b.endmon, b.endday.where(b.endday > 0, 1))
enddate = enddate.where(b.endday > 0, enddate + pd.offsets.MonthEnd(0))
df = pd.DataFrame(
    {
        "dispnum": b.dispnum3.astype("int32"),
        "ccode": b.ccode.astype("int32"),
        "stateabb": b.stabb.str.strip(),
        "start": ymd(b.styear, b.stmon, stday),
        "end": enddate.astype("datetime64[s]"),
        "day_imputed": ((b.stday <= 0) | (b.endday <= 0)),
        "sidea": b.sidea.astype("int8"),
        "revstate": b.revstate.astype("int8"),
        "hiact": b.hiact.astype("int16"),
        "hostlev": b.hostlev.astype("int8"),
        "fatality": b.fatality.astype("int8"),
        "orig": b.orig.astype("int8"),
    }
)
write_table(
    "mid_participants",
    df,
    sources=["cow_mid/MIDB_4.3.csv"],
    meta={
        "title": "COW Militarized Interstate Disputes, participants",
        "version": "4.3",
        "unit": "dispute participant spell (day resolution; unknown days imputed and flagged)",
        "coverage": "1816/2010",
        "citation": CITE,
        "terms": COW_TERMS,
        "notes": "sidea = 1 for the side that took the first militarized action. hostlev 1-5.",
    },
)
