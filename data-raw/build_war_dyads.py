"""COW Directed Dyadic Interstate War (Maoz et al.), with dyad-specific battle-based dates."""

import pandas as pd
from _common import COW_TERMS, source, write_table, ymd

CITE = """@article{maoz2019dyadic,
  author = {Maoz, Zeev and Johnson, Paul L. and Kaplan, Jasper and Ogunkoya, Fiona and Shreve, Aaron},
  title = {The Dyadic Militarized Interstate Disputes (MIDs) Dataset Version 3.0: Logic, Characteristics,
           and Comparisons to Alternative Datasets},
  journal = {Journal of Conflict Resolution},
  volume = {63},
  number = {3},
  pages = {811--835},
  year = {2019},
  note = {COW Directed Dyadic Interstate War data, May 2018 release}
}"""

raw = pd.read_csv(source("cow_war/directed_dyadic_war.csv"))
df = pd.DataFrame(
    {
        "war": raw.warnum.astype("int32"),
        "ccode1": raw.statea.astype("int32"),
        "ccode2": raw.stateb.astype("int32"),
        "year": raw.year.astype("int32"),
        "start": ymd(raw.warstrtyr, raw.warstrtmnth, raw.warstrtday),
        "end": ymd(raw.warendyr, raw.warendmnth, raw.warenday),
        "role1": raw.wardyadrolea.astype("Int8"),
        "role2": raw.wardyadroleb.astype("Int8"),
        "outcome1": raw.outcomea.astype("Int8"),
        "batdeath1": pd.to_numeric(raw.batdtha).where(lambda x: x >= 0).astype("Int64"),
        "batdeath2": pd.to_numeric(raw.batdthb).where(lambda x: x >= 0).astype("Int64"),
    }
)
write_table(
    "war_dyads",
    df,
    sources=["cow_war/directed_dyadic_war.csv"],
    meta={
        "title": "COW directed dyadic inter-state war (battle-based dyad dates)",
        "version": "2018-05",
        "unit": "directed dyad-year",
        "coverage": "1823/2003",
        "citation": CITE,
        "terms": COW_TERMS,
        "notes": "Dates are first/last battle between the two states, not declarations. Roles: 1 primary "
        "initiator, 2 joiner on initiator's side, 3 primary target, 4 joiner on target's side.",
    },
)
