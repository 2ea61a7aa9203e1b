"""WWI (COW war 106) catalogue events: real dates, COW sides, sourced losses, effects by the stated rules."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from realign.errors import InvalidParameterError
from realign.events.catalogue import (
    SIDE_TOTAL,
    WAR_SIDES,
    capability_from_losses,
    credibility_magnitude,
    events_table,
    list_events,
    load_event,
    load_event_file,
)

WWI = ("gorlice_tarnow", "gallipoli", "brusilov", "caporetto", "dobro_pole")
PRESENT = tuple(s for s in WWI if s in list_events())


def _raw(slug: str) -> dict:
    text = resources.files("realign.events").joinpath("catalogue", f"{slug}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_war_106_side_labels():
    assert WAR_SIDES[106] == {1: "entente", 2: "central_powers"}


@pytest.mark.parametrize("slug", PRESENT)
def test_wwi_event_loads_on_war_106(slug):
    ev = load_event(slug)
    assert ev.war == 106 and ev.war_name == "World War I"
    assert ev.side_labels == {1: "entente", 2: "central_powers"}
    assert ev.start <= ev.end and ev.start <= ev.outcome_known
    assert ev.outcome_known_note and ev.outcome_known_sources
    for sid in ev.outcome_known_sources:
        assert ev.source(sid).url.startswith("http")
    row = events_table().set_index("slug").loc[slug]
    assert row.entente_capability == ev.effects[1].capability and row.side2_credibility == ev.effects[2].credibility


@pytest.mark.parametrize("slug", PRESENT)
def test_every_wwi_loss_row_cites_a_resolving_source(slug):
    ev = load_event(slug)
    assert ev.losses
    for r in ev.losses:
        assert r.sources
        for sid in r.sources:
            s = ev.source(sid)  # raises if it does not resolve
            assert s.url.startswith("http") and len(s.citation) > 20
        assert r.ccode == SIDE_TOTAL or r.ccode in ev.sides[r.side]
    assert set(ev.losses_frame().urls.str.split(";").explode()) <= {s.url for s in ev.sources}


@pytest.mark.parametrize("slug", PRESENT)
def test_wwi_effects_follow_the_stated_rules(slug):
    d = _raw(slug)
    ev = load_event(slug)
    milper = {m["ccode"]: m["thousands"] for m in d["milper"]}
    assert {m["year"] for m in d["milper"]} == {ev.start.year}
    loser = ev.loser
    le = d["effects"][str(loser)]
    F = any(f.side == loser for f in ev.formations)
    m = credibility_magnitude(*le["personnel_losses"], sum(milper[c] for c in le["milper_ccodes"]), F)
    for side, e in d["effects"].items():
        assert e["milper_ccodes"] == list(ev.sides[int(side)])  # the whole side's COW milper
        assert e["capability"] == capability_from_losses(*e["personnel_losses"], e["milper_thousands"])
        assert e["credibility"] == (m if int(side) == ev.winner else -m)
        # the range used is a sourced side-total personnel row
        rows = [
            r
            for r in ev.losses
            if r.side == int(side)
            and r.ccode in (SIDE_TOTAL, *ev.sides[int(side)])
            and (r.low, r.high) == tuple(e["personnel_losses"])
        ]
        assert rows, (slug, side)
        assert ev.reversed_effects[int(side)].credibility == -e["credibility"]
        assert ev.reversed_effects[int(side)].capability == e["capability"]
    for cc, e in d["state_effects"].items():
        assert e["capability"] == capability_from_losses(*e["personnel_losses"], milper[int(cc)])
        assert ev.reversed_state_effects[int(cc)].credibility == -e["credibility"]


def test_gorlice_tarnow_facts():
    ev = load_event("Gorlice-Tarnow")
    assert ev.slug == "gorlice_tarnow" and ev.start.isoformat() == "1915-05-02"
    assert ev.sides[1] == (365,) and set(ev.sides[2]) == {255, 300}
    assert ev.winner == 2
    assert ev.outcome_known.isoformat() == "1915-06-22"  # Lemberg retaken; Great Retreat follows
    assert any("3rd Army" in f.name for f in ev.formations if f.side == 1)


def test_gallipoli_facts():
    ev = load_event("Dardanelles campaign")
    assert ev.slug == "gallipoli" and ev.end.isoformat() == "1916-01-09"
    assert set(ev.sides[1]) == {200, 220} and ev.sides[2] == (640,)
    assert ev.winner == 2 and ev.effects[2].credibility > 0 > ev.effects[1].credibility
    assert ev.outcome_known == ev.end
    assert not ev.formations  # evacuated, not destroyed


def test_wwi_bad_outcome_known_names_the_field(tmp_path):
    slug = PRESENT[0]
    text = resources.files("realign.events").joinpath("catalogue", f"{slug}.toml").read_text(encoding="utf-8")
    start = _raw(slug)["start"]
    lines = [
        f"outcome_known = {start.replace(year=start.year - 1)}" if ln.startswith("outcome_known =") else ln
        for ln in text.splitlines()
    ]
    p = tmp_path / f"{slug}.toml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="'outcome_known'") as exc:
        load_event_file(p)
    assert str(p) in str(exc.value)
    # left out: defaults to end
    p.write_text("\n".join(ln for ln in lines if not ln.startswith("outcome_known")) + "\n", encoding="utf-8")
    ev = load_event_file(p)
    assert ev.outcome_known == ev.end
    # WWII labels on a war-106 file are refused
    p.write_text(text.replace('label = "entente"', 'label = "allies"'), encoding="utf-8")
    with pytest.raises(InvalidParameterError, match=r"sides\.1\.label.*'entente'.*106"):
        load_event_file(p)


def test_brusilov_facts():
    ev = load_event("Brusilov offensive")
    assert ev.start.isoformat() == "1916-06-04" and ev.end.isoformat() == "1916-09-20"
    assert ev.sides[1] == (365,) and {300, 255, 640} == set(ev.sides[2])
    assert ev.winner == 1 and ev.effects[1].credibility > 0
    assert ev.start < ev.outcome_known < ev.end
    m640 = next(m for m in ev.milper if m["ccode"] == 640)
    assert m640["note"] and "-9" in m640["note"]  # COW missing, filled and said so


def test_caporetto_facts():
    ev = load_event("Twelfth Battle of the Isonzo")
    assert ev.slug == "caporetto"
    assert ev.start.isoformat() == "1917-10-24" and ev.end.isoformat() == "1917-11-19"
    assert ev.sides[1] == (325,) and set(ev.sides[2]) == {300, 255}
    assert ev.side_of(325) == ev.loser == 1  # Italy lost Caporetto
    assert ev.effects[1].credibility < 0 < ev.effects[2].credibility
    assert any("2nd Army" in f.name and f.ccode == 325 for f in ev.formations)
    assert ev.outcome_known.isoformat() == "1917-10-27"
    captured = [r for r in ev.losses if r.ccode == 325 and r.category == "captured"]
    assert captured and captured[0].low >= 265000


def test_dobro_pole_facts():
    ev = load_event("Vardar offensive")
    assert ev.slug == "dobro_pole"
    assert ev.start.isoformat() == "1918-09-15" and ev.end.isoformat() == "1918-09-29"
    assert ev.side_of(355) == 2 and ev.side_labels[2] == "central_powers"  # Bulgaria on the Central Powers side
    assert {220, 345, 200, 350, 325} == set(ev.sides[1]) and 255 in ev.sides[2]
    assert ev.winner == 1 and ev.effects[1].credibility > 0
    assert ev.outcome_known.isoformat() == "1918-09-26"  # armistice request at Salonika
    assert any(f.side == 2 for f in ev.formations)
    total = [r for r in ev.losses if r.side == 1 and r.ccode == SIDE_TOTAL and r.category == "casualties"]
    parts = [r for r in ev.losses if r.side == 1 and r.ccode != SIDE_TOTAL and r.category == "casualties"]
    assert total[0].low == sum(r.low for r in parts) == 17295


def test_all_five_wwi_events_present_in_date_order():
    assert set(WWI) <= set(list_events())
    wwi = [s for s in list_events() if s in WWI]
    assert wwi == ["gallipoli", "gorlice_tarnow", "brusilov", "caporetto", "dobro_pole"]
