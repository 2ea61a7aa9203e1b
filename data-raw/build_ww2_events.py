"""Dated WWII alignment events 1939-1955 (shared/data ww2_events), state names resolved to ccode.

Names are resolved with realign's own dated resolver (``realign.data.names``), so build the
``states`` table first. Rows whose state has no COW code (e.g. Slovakia, Croatia 1939-45) keep
``ccode`` null and say why in ``ccode_note``. The ``verification`` flag and source URLs are kept.
"""

import re

import pandas as pd
from _common import source, write_table

from realign.data.names import resolve_detail
from realign.errors import UnknownStateError

CITE = """@misc{realign_ww2_events,
  title = {Dated WWII alignment events, 1939-1955},
  note = {Compiled event by event from public reference pages (Wikipedia and mirrors, FRUS at
          history.state.gov, contemporary newspapers, museum and archive sites); each row cites its
          source URLs in the column source\\_url. 39 rows are flagged unverified (day uncertain).},
  year = {2026}
}"""

#: Raw ``event_type`` -> normalised kind used across realign (history, essay check).
KINDS = {
    "declared war on": "declared_war",
    "attacked without declaration": "attacked",
    "joined pact": "pact_joined",
    "signed treaty": "treaty_signed",
    "broke relations with": "relations_broken",
    "established relations with": "relations_established",
    "armistice with": "armistice",
    "ceasefire with": "armistice",
    "surrendered to": "surrender",
    "switched sides (coup)": "side_change",
    "communist takeover": "takeover",
    "regime change": "regime_change",
    "declared neutrality": "neutrality_declared",
    "conference": "conference",
    "dissolved": "dissolved",
    "occupied": "occupied",
    "denounced treaty with": "treaty_denounced",
    "extended Lend-Lease to": "aid_extended",
    "terminated Lend-Lease to": "aid_terminated",
    "granted bases to": "bases_granted",
    "granted transit to": "transit_granted",
    "ended transit for": "transit_ended",
    "withdrew forces from": "forces_withdrawn",
}

raw = pd.read_csv(source("ww2_events/ww2_events.csv"), dtype=str).fillna("")
unknown = sorted(set(raw.event_type) - set(KINDS))
if unknown:
    raise SystemExit(f"unmapped event types: {unknown}")


def code(name: str, date: str) -> tuple[object, bool, str]:
    try:
        r = resolve_detail(name, date)
    except UnknownStateError as exc:
        return pd.NA, False, str(exc)
    note = "" if r.member else f"not a COW system member on {date}"
    if r.qualifier:
        note = (note + "; " if note else "") + f"qualifier: {r.qualifier}"
    return r.ccode, r.member, note


def counterpart_code(text: str, date: str) -> object:
    head = re.split(r"[;(]| -> ", text)[0].strip()
    if not head:
        return pd.NA
    try:
        return resolve_detail(head, date).ccode
    except UnknownStateError:
        return pd.NA


rows = []
for i, r in raw.iterrows():
    c, member, note = code(r.state, r.date)
    rows.append(
        {
            "event_id": r.event_id,
            "date": pd.Timestamp(r.date),
            "state": r.state,
            "ccode": c,
            "member": member,
            "ccode_note": note,
            "event_type": r.event_type,
            "kind": KINDS[r.event_type],
            "counterpart": r.counterpart or None,
            "counterpart_ccode": counterpart_code(r.counterpart, r.date),
            "verified": r.verification == "verified",
            "source_url": r.source_url,
            "note": r.note or None,
            "row": int(i) + 2,
        }
    )
df = pd.DataFrame(rows)
df["ccode"] = df.ccode.astype("Int32")
df["counterpart_ccode"] = df.counterpart_ccode.astype("Int32")
df["date"] = df.date.astype("datetime64[s]")
write_table(
    "ww2_events",
    df,
    sources=["ww2_events/ww2_events.csv"],
    meta={
        "title": "Dated WWII alignment events (declarations, pacts, breaks, armistices, takeovers)",
        "version": "2026-11 (shared/data)",
        "unit": "event (day resolution; unverified rows flagged)",
        "coverage": "1939-08-23/1955-05-15",
        "citation": CITE,
        "terms": "Each row cites its public sources (source_url).",
        "notes": "Known gaps: 1939-41 declarations by Commonwealth dominions; Slovakia's and Croatia's "
        "declarations; Brazil's 1945 declaration on Japan; exact days of many later adherences to the "
        "Declaration by United Nations; several treaties (Franco-Soviet 1944, Soviet-Yugoslav and "
        "Soviet-Polish 1945, Sino-Soviet 1945, Soviet treaties with Hungary and Romania 1948).",
    },
)
