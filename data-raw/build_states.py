"""COW State System Membership v2016: dated spells (state-day unit), system list, major powers."""

import pandas as pd
from _common import COW_TERMS, source, write_table, ymd

CITE = """@misc{cow_states2016,
  author = {{Correlates of War Project}},
  title = {State System Membership List, v2016},
  year = {2017},
  howpublished = {\\url{http://correlatesofwar.org}}
}"""

s = pd.read_csv(source("cow_states/states2016.csv"))
states = pd.DataFrame(
    {
        "ccode": s.ccode.astype("int32"),
        "stateabb": s.stateabb.str.strip(),
        "statenme": s.statenme.str.strip(),
        "start": ymd(s.styear, s.stmonth, s.stday),
        "end": ymd(s.endyear, s.endmonth, s.endday),
    }
)
write_table(
    "states",
    states,
    sources=["cow_states/states2016.csv"],
    meta={
        "title": "COW State System Membership (dated spells)",
        "version": "2016",
        "unit": "state spell (day resolution)",
        "coverage": "1816-01-01/2016-12-31",
        "citation": CITE,
        "terms": COW_TERMS,
    },
)

y = pd.read_csv(source("cow_states/system2016.csv"))
write_table(
    "system",
    y[["ccode", "stateabb", "year"]].astype({"ccode": "int32", "year": "int32"}),
    sources=["cow_states/system2016.csv"],
    meta={
        "title": "COW state system members by year",
        "version": "2016",
        "unit": "state-year",
        "coverage": "1816/2016",
        "citation": CITE,
        "terms": COW_TERMS,
    },
)

m = pd.read_csv(source("cow_states/majors2016.csv"))
majors = pd.DataFrame(
    {
        "ccode": m.ccode.astype("int32"),
        "stateabb": m.stateabb.str.strip(),
        "start": ymd(m.styear, m.stmonth, m.stday),
        "end": ymd(m.endyear, m.endmonth, m.endday),
    }
)
write_table(
    "majors",
    majors,
    sources=["cow_states/majors2016.csv"],
    meta={
        "title": "COW major powers (dated spells)",
        "version": "2016",
        "unit": "state spell (day resolution)",
        "coverage": "1816-01-01/2016-12-31",
        "citation": CITE,
        "terms": COW_TERMS,
    },
)
