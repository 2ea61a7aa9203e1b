"""Issue 11: claim structure, verdicts by claim type, an essay about another battle, and property tests.

The Kursk essay (tests/essay/essays/kursk_aftermath.txt) was written for these tests; its expected
verdicts below were set from the bundled tables (ww2_events, ww2_series, COW war 139 participants)
before the checker was run on it. Agreement must be >= 80%, and no ``supported`` verdict may rest only
on facts dated before the cause.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realign.errors import RealignError
from realign.essay import check_essay, check_essay_file
from realign.essay.structure import parse_structure

ESSAYS = Path(__file__).parent / "essays"
KURSK = "Kursk:1943-07-05:1943-08-23"
STALINGRAD = "Stalingrad:1942-08-23:1943-02-02"

# sentence index -> (expected verdict, the deciding row of the record), set before running the checker
KURSK_EXPECTED = {
    0: ("not_checkable", "heading"),
    1: ("not_checkable", "names no state"),
    2: ("supported", "ww2_events: Italy armistice with the Allies 1943-09-03"),
    3: ("supported", "ww2_events: Italy declared war on Germany 1943-10-13"),
    4: ("predates", "ww2_events: First Moscow supply protocol 1941-10-01; Lend-Lease extended 1941-11-07"),
    5: ("contradicted", "COW war 139: Japan on side 2 from 1941-12-07 to 1945-08-14, no pact left"),
    6: ("supported", "Axis partners leaving Germany: Italy 1943-09-03, Romania 1944-08-23; none in 1941-43"),
    7: ("supported", "ww2_events: Turkey broke relations with Germany 1944-08-02"),
    8: ("supported", "ww2_series: Sato proposes an envoy to Moscow 1943-09-10; none earlier in the series"),
    9: ("not_checkable", "morale"),
    10: ("not_checkable", "general statement"),
    11: ("supported", "ww2_events: Romania side change 1944-08-23"),
    12: ("contradicted", "ww2_events: Sweden ended German transit 1943-08-20 (a move away from the Axis)"),
    13: ("supported", "ww2_events: Bulgaria armistice with the USSR 1944-10-28"),
    14: ("supported", "ww2_events: Finland armistice 1944-09-05/19; COW side-2 spell ends 1944-09-19"),
    15: ("predates", "ww2_events: UK-USSR agreement 1941-07-12; ww2_series: first Arctic convoy 1941-08-21"),
}


@pytest.fixture(scope="module")
def kursk() -> dict:
    return check_essay_file(ESSAYS / "kursk_aftermath.txt", event=KURSK, classifier="rules")


def test_kursk_agreement_at_least_80_percent(kursk: dict) -> None:
    got = [s["verdict"] for s in kursk["sentences"]]
    assert len(got) == len(KURSK_EXPECTED)
    agree = sum(got[i] == v for i, (v, _) in KURSK_EXPECTED.items())
    misses = {i: (got[i], v) for i, (v, _) in KURSK_EXPECTED.items() if got[i] != v}
    assert agree / len(KURSK_EXPECTED) >= 0.8, misses


def test_no_supported_verdict_rests_only_on_facts_before_the_cause(kursk: dict) -> None:
    start = dt.date(1943, 7, 5)
    for s in kursk["sentences"]:
        if s["verdict"] == "supported":
            dates = [dt.date.fromisoformat(e["date"]) for e in s["evidence"]]
            assert any(d >= start for d in dates), (s["text"], dates)


def test_claims_key_and_structure(kursk: dict) -> None:
    for s in kursk["sentences"]:
        assert isinstance(s["claims"], list)
        for c in s["claims"]:
            assert {
                "text",
                "actors",
                "counterpart",
                "direction",
                "anchor",
                "assertion",
                "domain",
                "verdict",
                "reason",
                "evidence",
                "before_after",
            } <= set(c)
            assert c["assertion"] in ("causation", "change", "state", "general")
    japan = kursk["sentences"][5]["claims"][0]
    assert japan["actors"] == [740] and japan["direction"] == "change_alliance"
    assert japan["anchor"]["kind"] == "response" and japan["assertion"] == "causation"


# ---------------------------------------------------------------- the three examples (Stalingrad)
def test_us_began_to_recognize_predates_its_cause() -> None:
    s = check_essay(
        "As the tide of war shifted against the Axis powers, the U.S. began to recognize the significance "
        "of bolstering the Soviet Union to strengthen the Allied front.",
        event=STALINGRAD,
        classifier="rules",
    )["sentences"][0]
    assert s["verdict"] == "predates"
    assert "1941-10-01" in {e["date"] for e in s["evidence"]}


def test_britain_increased_support_needs_before_after_and_finds_the_1943_pause() -> None:
    s = check_essay(
        "In response to the battle, Britain increased its support for the Soviet Union.",
        event=STALINGRAD,
        classifier="rules",
    )["sentences"][0]
    assert s["verdict"] == "contradicted"
    c = s["claims"][0]
    assert c["direction"] == "increase" and c["before_after"]["after"]["value"].startswith("pause 1943-03-01")
    assert "1943-03-01" in {e["date"] for e in s["evidence"]}


def test_japan_changing_alliances_is_contradicted() -> None:
    s = check_essay(
        "Countries may shift allegiances based on the perceived vulnerability or strength of a nation, "
        "as seen in Japan's changing alliances in the aftermath.",
        event=STALINGRAD,
        classifier="rules",
    )["sentences"][0]
    assert [c["assertion"] for c in s["claims"]] == ["general", "change"]
    assert s["verdict"] == "contradicted"
    assert "1941-12-07" in {e["date"] for e in s["evidence"]}  # COW spell: Axis side throughout


# ---------------------------------------------------------------- property tests
SENTENCES = [
    "After Stalingrad, Romania switched to the Allied side in 1944.",
    "In response to the battle, Britain increased its support for the Soviet Union.",
    "In the wake of Stalingrad, Germany faced increasing isolation.",
    "Japan's changing alliances followed the battle.",
    "The battle was a turning point in morale.",
    "Bulgaria broke relations with Germany in September 1944.",
]
UNRELATED = [
    "The weather was cold that winter.",
    "Historians still debate the numbers.",
    "Snow fell early.",
    "Many books have been written about it.",
]


def _verdicts(text: str) -> dict[str, str]:
    r = check_essay(text, event=STALINGRAD, classifier="rules")
    return {s["text"]: s["verdict"] for s in r["sentences"]}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(SENTENCES), st.lists(st.sampled_from(UNRELATED), max_size=4))
def test_reordering_and_unrelated_sentences_leave_verdicts_unchanged(order: list[str], extra: list[str]) -> None:
    base = _verdicts(" ".join(SENTENCES))
    mixed = _verdicts(" ".join(list(order) + extra))
    assert {k: mixed[k] for k in base} == base


@pytest.mark.parametrize(
    "claim",
    [
        "{a} the battle, Britain increased its support for the Soviet Union.",
        "{a} the battle, Japan changed alliances.",
        "{a} the battle, Germany faced increasing isolation.",
        "{a} the battle, the United States began to support the Soviet Union.",
    ],
)
def test_time_anchor_synonyms_give_the_same_verdict(claim: str) -> None:
    got = {
        a: check_essay(claim.format(a=a), event=STALINGRAD, classifier="rules")["sentences"][0]["verdict"]
        for a in ("After", "Following", "In the wake of")
    }
    assert len(set(got.values())) == 1, got
    kinds = {a: parse_structure(claim.format(a=a))[0].anchor for a in ("After", "Following", "In the wake of")}
    assert set(kinds.values()) == {"following"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.sampled_from([None, STALINGRAD, "X:0001-01-01:0001-01-02", "X:9999-12-01:9999-12-31"]))
def test_fuzzed_input_never_crashes(text: str, event: str | None) -> None:
    try:
        r = check_essay(text, event=event, classifier="rules")
    except RealignError:
        return
    assert isinstance(r["sentences"], list)


# ---------------------------------------------------------------- issue 12 regressions
@pytest.mark.parametrize(
    "text,event",
    [
        ("Within 10000 years the alliance collapsed.", STALINGRAD),
        ("Within 99999999999999999999 months Japan changed alliances.", STALINGRAD),
        ("Before the battle, Romania joined the Axis.", "X:0001-01-01:0001-02-01"),
        ("Soon after the battle, Romania switched sides.", "X:9999-11-01:9999-12-31"),
        ("After the battle Britain increased its support for the Soviet Union.", "X:9999-01-01:9999-12-31"),
    ],
)
def test_date_arithmetic_at_the_calendar_edges_does_not_crash(text: str, event: str) -> None:
    r = check_essay(text, event=event, classifier="rules")
    assert r["sentences"][0]["verdict"] in (
        "supported",
        "predates",
        "later",
        "contradicted",
        "no_evidence",
        "not_checkable",
    )


def test_add_months_clamps() -> None:
    from realign.essay.period import _add_months

    assert _add_months(dt.date(9999, 12, 1), 1) == dt.date.max
    assert _add_months(dt.date(1, 1, 31), -1) == dt.date.min
    assert _add_months(dt.date(1943, 1, 31), 1) == dt.date(1943, 2, 28)
    assert _add_months(dt.date(1943, 12, 15), 1) == dt.date(1944, 1, 15)


def test_sentence_split_is_linear_on_abbreviation_runs() -> None:
    # "e.g. " x 16,000 took 47 s before (a growing chunk re-scanned at every dot); now one bounded look per dot.
    # No clock: the regex work is bounded by counting calls to the abbreviation test over a window.
    from realign.essay import sentences

    calls = []
    orig = sentences._is_abbreviation
    try:
        sentences._is_abbreviation = lambda chunk: calls.append(len(chunk)) or orig(chunk)
        out = sentences.split_sentences("e.g. " * 16_000)
    finally:
        sentences._is_abbreviation = orig
    assert len(out) == 1
    assert len(calls) == 16_000 and max(calls) <= sentences._LOOKBACK


def test_very_long_line_is_checked_on_a_bounded_prefix() -> None:
    r = check_essay("Romania " * 2_000, event=STALINGRAD, classifier="rules")
    assert len(r["sentences"]) == 1
    assert any("longer than" in n for n in r["notes"])


def test_progress_is_reported() -> None:
    seen: list[tuple[str, int, int]] = []
    check_essay(
        "Romania switched sides in 1944. " * 120,
        event=STALINGRAD,
        classifier="rules",
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert seen[0][0] == "splitting" and seen[-1] == ("checking", 120, 120)


# A held-out essay (El Alamein), written with its expected verdicts after the Kursk essay had been used to fix
# rules and before the checker was first run on it: its agreement is measured, not tuned.
ALAMEIN = "El Alamein:1942-10-23:1942-11-11"
ALAMEIN_EXPECTED = {
    0: "supported",  # Italy armistice 1943-09-03
    1: "contradicted",  # Turkey broke with Germany 1944-08-02, declared war on it 1945-02-23
    2: "predates",  # First Moscow protocol 1941-10-01
    3: "contradicted",  # Japan on the Axis side 1941-12-07 to 1945-08-14
    4: "supported",  # Italy, Romania, Bulgaria, Finland leave Germany 1943-44; none before
    5: "supported",  # 1944-09-05
    6: "not_checkable",  # morale
    7: "not_checkable",  # general rule
    8: "contradicted",  # Arctic convoys suspended March-November 1943
    9: "supported",  # 1944-08-23
    10: "no_evidence",  # Spain: no fact either way in the bundled data
    11: "supported",  # Italy declared war on Japan 1945-07-14
    12: "supported",  # Finland armistice 1944-09-05/19
    13: "supported",  # Sato's proposal 1943-09-10
}


def test_held_out_alamein_agreement_at_least_80_percent() -> None:
    r = check_essay_file(ESSAYS / "alamein_aftermath.txt", event=ALAMEIN, classifier="rules")
    got = [s["verdict"] for s in r["sentences"]]
    agree = sum(got[i] == v for i, v in ALAMEIN_EXPECTED.items())
    assert agree / len(ALAMEIN_EXPECTED) >= 0.8, {i: (got[i], v) for i, v in ALAMEIN_EXPECTED.items() if got[i] != v}
    for s in r["sentences"]:
        if s["verdict"] == "supported":
            assert any(e["date"] >= "1942-10-23" for e in s["evidence"]), s["text"]


def test_same_input_same_output_across_hash_seeds() -> None:
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json,sys; from realign.essay import check_essay; "
        f"print(json.dumps(check_essay({' '.join(SENTENCES)!r}, event={STALINGRAD!r}, classifier='rules')))"
    )
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.append(
            json.loads(
                subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            )
        )
    assert outs[0] == outs[1]
