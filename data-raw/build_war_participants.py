"""COW Inter-State War v4.0: one row per participant spell with its own dates and side.

States can have two spells, possibly on different sides (Italy 1943, Romania and Bulgaria 1944).
"""

import pandas as pd
from _common import COW_TERMS, source, write_table, ymd

CITE = """@book{sarkees2010resort,
  author = {Sarkees, Meredith Reid and Wayman, Frank},
  title = {Resort to War: 1816-2007},
  publisher = {CQ Press},
  address = {Washington, DC},
  year = {2010},
  note = {COW Inter-State War Data v4.0}
}"""

raw = pd.read_csv(source("cow_war/Inter-StateWarData_v4.0.csv"), lineterminator="\r")
raw = raw[raw.WarNum.notna()]
rows = []
for spell in (1, 2):
    part = raw[raw[f"StartYear{spell}"] > 0]
    rows.append(
        pd.DataFrame(
            {
                "war": part.WarNum.astype("int32"),
                "war_name": part.WarName.str.strip(),
                "ccode": part.ccode.astype("int32"),
                "state_name": part.StateName.str.strip(),
                "side": part.Side.astype("int8"),
                "spell": spell,
                "start": ymd(part[f"StartYear{spell}"], part[f"StartMonth{spell}"], part[f"StartDay{spell}"]),
                "end": ymd(part[f"EndYear{spell}"], part[f"EndMonth{spell}"], part[f"EndDay{spell}"]),
                "initiator": part.Initiator.astype("int8"),
                "outcome": part.Outcome.astype("int8"),
                "where_fought": part.WhereFought.astype("int16"),
                "bat_death": pd.to_numeric(part.BatDeath).where(lambda x: x >= 0).astype("Int64"),
                "row": part.index.astype("int32") + 2,  # line in the source CSV (header = line 1)
            }
        )
    )
df = pd.concat(rows).sort_values(["war", "ccode", "spell"])
df["spell"] = df.spell.astype("int8")
write_table(
    "war_participants",
    df,
    sources=["cow_war/Inter-StateWarData_v4.0.csv"],
    meta={
        "title": "COW Inter-State War participants (dated spells, sides)",
        "version": "4.0",
        "unit": "war participant spell (day resolution)",
        "coverage": "1823-04-07/2003-05-02",
        "citation": CITE,
        "terms": COW_TERMS,
        "notes": "Side: COW side number within the war (WWII, war 139: 1 = Allies, 2 = Axis). -9 days "
        "(unknown) are missing dates. `row` is the line in the original CSV.",
    },
)
