"""Event catalogue: real facts, every number sourced, effects reproducible from their stated rule."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from realign.errors import InvalidParameterError
from realign.events.catalogue import (
    LOSS_CATEGORIES,
    SIDE_TOTAL,
    capability_from_losses,
    credibility_magnitude,
    events_table,
    list_events,
    load_event,
    load_event_file,
)

REQUIRED = {
    "fall_of_france",
    "barbarossa",
    "pearl_harbor",
    "midway",
    "el_alamein",
    "stalingrad",
    "kursk",
    "normandy",
    "bagration",
}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def _raw(slug: str) -> dict:
    text = resources.files("realign.events").joinpath("catalogue", f"{slug}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


ALL = sorted(list_events())


def test_catalogue_has_required_events_in_date_order():
    assert REQUIRED <= set(list_events())
    starts = [load_event(s).start for s in list_events()]
    assert starts == sorted(starts)


def test_stalingrad_real_facts():
    ev = load_event("stalingrad")
    assert (ev.start.isoformat(), ev.end.isoformat()) == ("1942-08-23", "1943-02-02")
    assert ev.war == 139
    assert {255, 360, 325, 310} <= set(ev.sides[2])
    assert ev.sides[1] == (365,)
    assert ev.winner == 1 and ev.side_labels == {1: "allies", 2: "axis"}
    names = " | ".join(f.name for f in ev.formations)
    for army in ("German 6th Army", "Romanian 3rd Army", "Romanian 4th Army", "Italian 8th Army", "Hungarian 2nd Army"):
        assert army in names
    captured = [r for r in ev.losses if r.ccode == 255 and r.category == "captured"]
    assert captured and captured[0].low == 91000 and "tass-stalingrad" in captured[0].sources
    axis_total = [r for r in ev.losses if r.side == 2 and r.ccode == SIDE_TOTAL and r.category == "casualties"]
    assert (axis_total[0].low, axis_total[0].high) == (800000, 1500000)
    # the historical winner gains credibility, the Axis loses it; reversed flips it
    assert ev.effects[1].credibility > 0 > ev.effects[2].credibility
    assert ev.reversed_effects[1].credibility == -ev.effects[1].credibility
    assert ev.reversed_winner == 2
    assert "assumption" in ev.reversed_assumption and "Axis holds Stalingrad" in ev.reversed_assumption


def test_other_dates_and_winners():
    facts = {
        "pearl_harbor": ("1941-12-07", 2),
        "midway": ("1942-06-04", 1),
        "normandy": ("1944-06-06", 1),
        "kursk": ("1943-07-05", 1),
        "bagration": ("1944-06-22", 1),
        "fall_of_france": ("1940-05-10", 2),
        "barbarossa": ("1941-06-22", 1),
        "el_alamein": ("1942-10-23", 1),
    }
    for slug, (start, winner) in facts.items():
        ev = load_event(slug)
        assert ev.start.isoformat() == start and ev.winner == winner, slug
        assert ev.start <= ev.end


@pytest.mark.parametrize("slug", ALL)
def test_every_number_has_a_source(slug):
    d = _raw(slug)
    ids = {s["id"] for s in d["sources"]}
    assert len(ids) == len(d["sources"]), "duplicate source ids"
    for s in d["sources"]:
        assert s["url"].startswith("http") and len(s["citation"]) > 10
    used: set[str] = set()
    for r in d["losses"]:
        assert r["sources"] and set(r["sources"]) <= ids, r
        assert r["category"] in LOSS_CATEGORIES, r["category"]
        assert 0 <= r["low"] <= r["high"], r
        assert r["side"] in (1, 2)
        assert r["ccode"] == SIDE_TOTAL or r["ccode"] in d["sides"][str(r["side"])]["ccodes"], r
        used |= set(r["sources"])
    for f in d.get("formations", []):
        assert f["sources"] and set(f["sources"]) <= ids
        used |= set(f["sources"])
    for m in d["milper"]:
        assert m["sources"] == ["cow-nmc"] and m["thousands"] > 0
    for key in ("dates_sources", "outcome_known_sources"):
        assert d[key] and set(d[key]) <= ids
    assert d["outcome"]["sources"] and set(d["outcome"]["sources"]) <= ids
    for side in d["sides"].values():
        assert set(side["sources"]) <= ids
    for e in d["effects"].values():
        assert set(e["losses_sources"]) <= ids
    for c in d.get("contingents", []):
        assert set(c["sources"]) <= ids
    # every listed source is used somewhere
    used |= set(d["dates_sources"]) | set(d["outcome"]["sources"]) | set(d["outcome_known_sources"])
    used |= {s for side in d["sides"].values() for s in side["sources"]}
    used |= {s for e in d["effects"].values() for s in e["losses_sources"]}
    used |= {s for c in d.get("contingents", []) for s in c["sources"]}
    used.add("cow-nmc")
    assert ids <= used, f"unused sources: {ids - used}"


@pytest.mark.parametrize("slug", ALL)
def test_every_effect_has_a_basis_and_bounds(slug):
    ev = load_event(slug)
    for effects in (ev.effects, ev.reversed_effects, ev.state_effects, ev.reversed_state_effects):
        for e in effects.values():
            assert e.basis.startswith("model assumption"), e.basis
            assert 0 < e.capability <= 1.0
            assert -1.0 <= e.credibility <= 1.0
    assert set(ev.effects) == set(ev.sides) == set(ev.reversed_effects)
    assert "assumption" in ev.reversed_assumption
    assert ev.reversed_winner == ev.loser


@pytest.mark.parametrize("slug", ALL)
def test_effects_follow_the_stated_rule(slug):
    d = _raw(slug)
    milper = {(m["ccode"], m["year"]): m["thousands"] for m in d["milper"]}
    winner = d["outcome"]["winner"]
    loser = 2 if winner == 1 else 1
    le = d["effects"][str(loser)]
    F = any(f["side"] == loser for f in d.get("formations", []))
    assert le["formation_destroyed"] is F
    lm = sum(milper[(c, le["milper_year"])] for c in le["milper_ccodes"])
    m = credibility_magnitude(*le["personnel_losses"], lm, F)
    for side, e in d["effects"].items():
        mil = sum(milper[(c, e["milper_year"])] for c in e["milper_ccodes"])
        assert mil == e["milper_thousands"]
        assert e["capability"] == capability_from_losses(*e["personnel_losses"], mil)
        assert e["credibility"] == (m if int(side) == winner else -m)
        rev = d["reversed"]["effects"][side]
        assert rev["capability"] == e["capability"] and rev["credibility"] == -e["credibility"]
        # the losses the rule uses are a sourced range of that side
    for cc, e in d.get("state_effects", {}).items():
        assert e["capability"] == capability_from_losses(*e["personnel_losses"], milper[(int(cc), e["milper_year"])])


def test_schema_identical_across_files():
    keys = {slug: set(_raw(slug)) for slug in ALL}
    first = keys[ALL[0]]
    assert all(k == first for k in keys.values()), keys
    loss_keys = {frozenset(r) for slug in ALL for r in _raw(slug)["losses"]}
    assert len(loss_keys) == 1
    eff_keys = {frozenset(e) for slug in ALL for e in _raw(slug)["effects"].values()}
    assert len(eff_keys) == 1


@pytest.mark.skipif(not (SHARED / "cow_nmc" / "NMC-60-abridged.csv").exists(), reason="shared COW NMC not present")
def test_milper_matches_cow_nmc():
    nmc = pd.read_csv(SHARED / "cow_nmc" / "NMC-60-abridged.csv")
    look = {(r.ccode, r.year): r.milper for r in nmc.itertuples()}
    for slug in ALL:
        for m in _raw(slug)["milper"]:
            cow = look[(m["ccode"], m["year"])]
            if m["note"]:
                assert cow == -9, (slug, m)  # interpolated only where COW is missing
            else:
                assert cow == m["thousands"], (slug, m)
    assert look[(255, 1942)] == 7028


@pytest.mark.skipif(not (SHARED / "cow_war" / "Inter-StateWarData_v4.0.csv").exists(), reason="shared COW war data")
def test_sides_agree_with_cow_war_data():
    wars = pd.read_csv(SHARED / "cow_war" / "Inter-StateWarData_v4.0.csv", lineterminator="\r")
    for slug in ALL:
        ev = load_event(slug)
        war = wars[wars.WarNum == ev.war]
        for side, members in ev.sides.items():
            for cc in members:
                rows = war[(war.ccode == cc) & (war.Side == side)]
                ok = False
                for r in rows.itertuples():
                    beg = pd.Timestamp(int(r.StartYear1), int(r.StartMonth1), int(r.StartDay1)).date()
                    end = pd.Timestamp(int(r.EndYear1), int(r.EndMonth1), int(r.EndDay1)).date()
                    ok |= beg <= ev.end and ev.start <= end
                assert ok, (slug, side, cc)


def test_load_event_aliases_and_errors():
    assert load_event("Battle of Stalingrad").slug == "stalingrad"
    assert load_event("OPERATION OVERLORD").slug == "normandy"
    assert load_event("d-day").slug == "normandy"
    assert load_event("Second El Alamein").slug == "el_alamein"
    with pytest.raises(InvalidParameterError) as exc:
        load_event("stalingard")
    msg = str(exc.value)
    assert "Did you mean 'stalingrad'" in msg and "kursk" in msg and "bagration" in msg
    with pytest.raises(InvalidParameterError):
        load_event(42)  # type: ignore[arg-type]


def test_events_table_and_frames():
    t = events_table()
    assert len(t) == len(list_events()) and t.slug.is_unique
    assert {
        "slug",
        "start",
        "end",
        "outcome_known",
        "winner",
        "allies_capability",
        "axis_credibility",
        "side1_capability",
        "side2_credibility",
    } <= set(t.columns)
    assert t.side1_capability.notna().all() and t.side2_credibility.notna().all()
    row = t.set_index("slug").loc["stalingrad"]
    assert row.winner_label == "allies" and row.axis_credibility < 0
    lf = load_event("stalingrad").losses_frame()
    assert len(lf) >= 20 and lf.urls.str.startswith("http").all()
    assert (lf.low <= lf.high).all()
    json.dumps(load_event("stalingrad").to_dict())


def test_effects_for():
    ev = load_event("kursk")
    assert ev.effects_for("reversed")[1].credibility < 0
    with pytest.raises(InvalidParameterError):
        ev.effects_for("sideways")
    assert ev.side_of(255) == 2 and ev.side_of(999) is None


# ----------------------------------------------------------------------------- outcome_known


def test_outcome_known_on_every_event():
    for slug in ALL:
        ev = load_event(slug)
        raw = _raw(slug)
        assert "outcome_known" in raw, slug  # stated explicitly in every file
        assert ev.outcome_known == raw["outcome_known"] and ev.outcome_known >= ev.start
        assert ev.outcome_known_note and ev.outcome_known_sources, slug
        if ev.outcome_known != ev.end:
            assert not ev.outcome_known_note.startswith("same as end"), slug
    assert load_event("stalingrad").outcome_known.isoformat() == "1943-02-02"
    assert load_event("fall_of_france").outcome_known.isoformat() == "1940-06-22"
    assert load_event("barbarossa").outcome_known.isoformat() == "1941-12-05"
    d = load_event("fall_of_france").to_dict()
    assert d["outcome_known"] == "1940-06-22" and d["outcome_known_sources"]


def _write(tmp_path, slug: str, text: str):
    p = tmp_path / f"{slug}.toml"
    p.write_text(text, encoding="utf-8")
    return p


def _stalingrad_text() -> str:
    return resources.files("realign.events").joinpath("catalogue", "stalingrad.toml").read_text(encoding="utf-8")


def test_outcome_known_defaults_to_end(tmp_path):
    lines = [ln for ln in _stalingrad_text().splitlines() if not ln.startswith("outcome_known")]
    ev = load_event_file(_write(tmp_path, "draft", "\n".join(lines) + "\n"))
    assert "outcome_known" not in ev.raw
    assert ev.outcome_known == ev.end == load_event("stalingrad").end
    assert ev.outcome_known_sources == tuple(ev.raw["dates_sources"])
    assert load_event_file(_write(tmp_path, "same", _stalingrad_text())) == load_event("stalingrad")


@pytest.mark.parametrize(
    "value, words",
    [
        ("1942-08-22", "must be on or after 'start' (1942-08-23)"),
        ('"1943-02-02"', "must be a TOML date"),
        ("1943-02-02T10:00:00", "must be a TOML date"),
    ],
)
def test_outcome_known_is_validated(tmp_path, value, words):
    text = _stalingrad_text().replace("outcome_known = 1943-02-02", f"outcome_known = {value}")
    p = _write(tmp_path, "bad_known", text)
    with pytest.raises(InvalidParameterError) as exc:
        load_event_file(p)
    msg = str(exc.value)
    assert str(p) in msg and "'outcome_known'" in msg and words in msg


def test_outcome_known_sources_and_side_labels_are_validated(tmp_path):
    text = _stalingrad_text().replace(
        'outcome_known_sources = ["tass-stalingrad", "mw-stalingrad"]', 'outcome_known_sources = ["nowhere"]'
    )
    with pytest.raises(InvalidParameterError, match="outcome_known_sources.*nowhere"):
        load_event_file(_write(tmp_path, "bad_src", text))
    text = _stalingrad_text().replace('label = "axis"', 'label = "central_powers"')
    with pytest.raises(InvalidParameterError, match=r"sides\.2\.label.*'axis'.*139"):
        load_event_file(_write(tmp_path, "bad_label", text))
    with pytest.raises(InvalidParameterError, match="cannot be read"):
        load_event_file(tmp_path / "nope.toml")
