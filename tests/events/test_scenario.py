"""Scenario files: strict validation naming file, line and field; fuzzed parser; round trips."""

from __future__ import annotations

import datetime as dt
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realign.errors import InputFileError
from realign.events.scenario import (
    DEFAULT_PARAMS,
    Scenario,
    example_scenario,
    list_example_scenarios,
    load_scenario,
    locate_fields,
    parse_scenario,
    validate_scenario,
)

VALID = """\
[scenario]
name = "test"
start = 1942-08-01
horizon_months = 12
[seeds]
seed = 7
runs = 3
[[events]]
id = "stalingrad"
outcome = "historical"
[model]
name = "alignment_choice"
[model.params]
temperature = 0.5
"""


def _err(text: str, **kw) -> InputFileError:
    with pytest.raises(InputFileError) as exc:
        parse_scenario(text, path="sc.toml", **kw)
    return exc.value


def test_examples_are_valid_and_differ_only_in_stalingrad():
    assert {"stalingrad_historical", "stalingrad_reversed"} <= set(list_example_scenarios())
    h = load_scenario(example_scenario("stalingrad_historical"))
    r = load_scenario(example_scenario("stalingrad_reversed"))
    assert validate_scenario(example_scenario("stalingrad_historical")) == []
    assert h.start == dt.date(1942, 8, 1) and h.months[-1] == "1945-05" and len(h.months) == h.horizon_months
    assert h.seed == r.seed and h.runs == r.runs and h.params == r.params
    assert [(e.id, e.outcome) for e in h.events][0] == ("stalingrad", "historical")
    assert [(e.id, e.outcome) for e in r.events][0] == ("stalingrad", "reversed")
    assert [e.outcome for e in r.events[1:]] == ["historical"] * (len(r.events) - 1)
    he, re_ = h.resolved_effects()["stalingrad"], r.resolved_effects()["stalingrad"]
    assert he[2].credibility < 0 < re_[2].credibility
    assert h.path and h.path.endswith("stalingrad_historical.toml")


def test_outcome_sideways_on_line_7_names_line_and_field():
    text = (
        '[scenario]\nname = "x"\nstart = 1942-08-01\nhorizon_months = 6\n[[events]]\nid = "stalingrad"\n'
        'outcome = "sideways"\n[seeds]\nseed = 1\nruns = 1\n'
    )
    e = _err(text)
    assert ":7" in str(e) and "outcome" in str(e)
    assert (e.path, e.line, e.field) == ("sc.toml", 7, "events[0].outcome")
    assert str(e).startswith("sc.toml:7: ")


@pytest.mark.parametrize(
    "old,new,line,field",
    [
        ("horizon_months = 12", "horizon_months = -3", 4, "scenario.horizon_months"),
        ("horizon_months = 12", 'horizon_months = "12"', 4, "scenario.horizon_months"),
        ("horizon_months = 12", "horizon_months = 1.5", 4, "scenario.horizon_months"),
        ("start = 1942-08-01", 'start = "1942-13-01"', 3, "scenario.start"),
        ("start = 1942-08-01", "start = 1942-08-15", 3, "scenario.start"),
        ("start = 1942-08-01", "start = 1942-08-01T10:00:00", 3, "scenario.start"),
        ('name = "test"', 'name = "test"\ncolour = "red"', 3, "scenario.colour"),
        ("seed = 7", "seed = -1", 6, "seeds.seed"),
        ("runs = 3", "runs = true", 7, "seeds.runs"),
        ('id = "stalingrad"', 'id = "stalingard"', 9, "events[0].id"),
        ('id = "stalingrad"', 'id = "fall_of_france"', 9, "events[0].id"),
        ("temperature = 0.5", 'temperature = "hot"', 14, "model.params.temperature"),
        ("temperature = 0.5", "tempreature = 0.5", 14, "model.params.tempreature"),
        ('name = "alignment_choice"', 'name = "magic"', 12, "model.name"),
        ("[model]", "extra = 1\n[model]", 11, "events[0].extra"),
    ],
)
def test_field_errors_name_line_and_field(old, new, line, field):
    text = VALID.replace(old, new, 1)
    assert text != VALID
    e = _err(text)
    assert e.line == line and e.field == field, (str(e), e.line, e.field)
    assert f"sc.toml:{line}:" in str(e) and field.split(".")[-1].split("[")[0] in str(e)


def test_unknown_event_lists_known_and_suggests():
    e = _err(VALID.replace('id = "stalingrad"', 'id = "stalingard"'))
    assert "Did you mean 'stalingrad'" in str(e) and "bagration" in str(e)


def test_syntax_errors_keep_tomllib_line():
    e = _err(VALID.replace("runs = 3", "runs = 3 3"))
    assert e.line == 7 and "syntax" in str(e)
    e = _err(VALID.replace("start = 1942-08-01", "start = 1942-02-30"))  # impossible date: a TOML error
    assert e.line == 3
    e = _err(VALID + 'name = "unterminated\n')
    assert e.line == 15


def test_custom_effects_required_and_checked(tmp_path):
    custom = VALID.replace('outcome = "historical"', 'outcome = "custom"')
    e = _err(custom)
    assert e.field == "events[0].outcome" and e.line == 10 and "custom" in str(e)
    one_side = custom.replace("[model]\n", "[events.effects.1]\ncapability = 0.9\ncredibility = 0.2\n[model]\n")
    e = _err(one_side)
    assert e.field == "events[0].effects" and "side 2" in str(e)
    both = one_side.replace("[model]\n", "[events.effects.2]\ncapability = 1.0\ncredibility = 2.0\n[model]\n")
    e = _err(both)
    assert e.field == "events[0].effects.2.credibility" and e.line == 16
    ok = both.replace("credibility = 2.0", "credibility = -0.3")
    sc = parse_scenario(ok)
    eff = sc.events[0].effects
    assert eff[1].capability == 0.9 and eff[2].credibility == -0.3
    assert sc.resolved_effects()["stalingrad"][1].basis.startswith("custom")
    f = tmp_path / "side3.toml"
    f.write_text(ok.replace("[events.effects.2]", "[events.effects.3]"), encoding="utf-8")
    problems = validate_scenario(f)
    assert any("no side 3" in str(p) and p.line == 14 for p in problems)
    assert any(p.field == "events[0].effects" and "side 2" in str(p) and p.line == 11 for p in problems)
    hist = VALID.replace("[model]\n", "[events.effects.1]\ncapability = 0.9\ncredibility = 0.2\n[model]\n")
    e = _err(hist)
    assert e.field == "events[0].effects" and "only allowed" in str(e)


def test_missing_tables_and_duplicates():
    e = _err('[scenario]\nname = "x"\nstart = 1942-08-01\nhorizon_months = 3\n')
    assert e.field == "seeds"
    e = _err(VALID + '[[events]]\nid = "Battle of Stalingrad"\n')
    assert "listed twice" in str(e) and e.line == 16
    e = _err(VALID.replace("horizon_months = 12\n", "horizon_months = 12\nstates = [2, 2]\n"))
    assert e.field == "scenario.states"


def test_validate_collects_all_problems(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(
        VALID.replace("horizon_months = 12", "horizon_months = 0").replace(
            'outcome = "historical"', 'outcome = "sideways"'
        ),
        encoding="utf-8",
    )
    problems = validate_scenario(p)
    assert [e.field for e in problems] == ["scenario.horizon_months", "events[0].outcome"]
    assert all(e.path == str(p) for e in problems)
    with pytest.raises(InputFileError) as exc:
        load_scenario(p)
    assert "1 more problem" in str(exc.value)
    with pytest.raises(InputFileError):
        validate_scenario(p, raise_on_error=True)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputFileError) as exc:
        load_scenario(tmp_path / "missing.toml")
    assert "missing.toml" in str(exc.value)
    p = tmp_path / "latin1.toml"
    p.write_bytes(VALID.encode() + b"# caf\xe9\n")
    with pytest.raises(InputFileError) as exc:
        load_scenario(p)
    assert exc.value.line == 15


def test_allowed_params_from_caller():
    text = VALID.replace("temperature = 0.5", "alpha = 0.5")
    assert parse_scenario(text, allowed_params={"alpha"}).params == {"alpha": 0.5}
    assert _err(text).field == "model.params.alpha"
    assert "temperature" in DEFAULT_PARAMS


def test_locator_handles_quotes_arrays_and_multiline_strings():
    text = (
        '[scenario]\n"name" = "a = b"\ndescription = """\nline [x]\nkey = 1\n"""\nstates = [\n  2,\n  200,\n]\n'
        'horizon_months = 3\n[[events]]\nid = "kursk"\n[[events]]\nid = "midway"\n'
        "[events.effects.1]\ncapability = 1\n[model.params]\ntemperature = 1\n"
    )
    loc = locate_fields(text)
    assert loc["scenario.name"] == 2 and loc["scenario.description"] == 3
    assert "scenario.key" not in loc and loc["scenario.states"] == 7
    assert loc["scenario.horizon_months"] == 11
    assert loc["events[0].id"] == 13 and loc["events[1].id"] == 15
    assert loc["events[1].effects.1.capability"] == 17 and loc["model.params.temperature"] == 19
    assert locate_fields("[[[[\n= = =\n'''") is not None


def test_round_trip_json():
    sc = load_scenario(example_scenario("stalingrad_reversed"))
    d = json.loads(json.dumps(sc.to_dict()))
    assert Scenario.from_dict(d) == sc
    with pytest.raises(InputFileError) as exc:
        Scenario.from_dict({**d, "seeds": {"seed": 1}})
    assert exc.value.field == "seeds"


# ----------------------------------------------------------------------------- hypothesis


def _mutate(text: str, ops: list[tuple[int, int, str]]) -> str:
    for kind, pos, s in ops:
        pos = pos % (len(text) + 1)
        if kind == 0:
            text = text[:pos] + s + text[pos:]
        elif kind == 1:
            text = text[:pos] + text[pos + len(s) + 1 :]
        elif kind == 2:
            text = text[:pos] + s + text[pos + len(s) :]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                i = pos % len(lines)
                lines.insert(i, lines[i]) if len(s) % 2 else lines.pop(i)
            text = "".join(lines)
    return text


_TOKENS = st.sampled_from(
    [
        '"',
        "'",
        "[",
        "]",
        "[[",
        "]]",
        "=",
        ".",
        "\n",
        "#",
        "{",
        "}",
        ",",
        "-",
        "1",
        "0.5",
        "true",
        "1942-08-01",
        "outcome",
        "custom",
        "effects",
        "1e400",
        "nan",
        "inf",
        '"""',
        "'''",
        "\\",
        "\x00",
        "é",
        " ",
    ]
)
_ops = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.one_of(_TOKENS, st.text(max_size=6))), max_size=6
)


def _check(text: str) -> None:
    try:
        sc = parse_scenario(text, path="fuzz.toml")
    except InputFileError as e:
        assert e.path == "fuzz.toml"
        assert e.line is None or 1 <= e.line <= text.count("\n") + 2
        return
    assert isinstance(sc, Scenario)
    assert Scenario.from_dict(sc.to_dict()) == sc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ops)
def test_fuzz_mutations_raise_only_input_file_error(ops):
    _check(_mutate(VALID, ops))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable + "é\x00[]=\"'", max_size=300))
def test_fuzz_garbage_raises_only_input_file_error(text):
    _check(text)


_EVENT_IDS = ["stalingrad", "kursk", "bagration", "normandy", "el_alamein"]
_num = st.floats(min_value=-1, max_value=1, allow_nan=False)


@st.composite
def _valid_dicts(draw):
    year = 1942
    month = draw(st.integers(1, 8))  # every _EVENT_IDS event overlaps the window
    horizon = draw(st.integers(30, 60))
    ids = draw(st.lists(st.sampled_from(_EVENT_IDS), unique=True, max_size=4))
    events = []
    for i in ids:
        outcome = draw(st.sampled_from(["historical", "reversed", "custom"]))
        ev = {"id": i, "outcome": outcome}
        if outcome == "custom":
            ev["effects"] = {
                str(s): {"capability": draw(st.floats(0.01, 2, allow_nan=False)), "credibility": draw(_num)}
                for s in (1, 2)
            }
        events.append(ev)
    params = draw(
        st.dictionaries(st.sampled_from(sorted(DEFAULT_PARAMS)), st.floats(-100, 100, allow_nan=False), max_size=4)
    )
    sc = {
        "name": draw(st.text(string.ascii_letters + " _-", min_size=1, max_size=20).filter(str.strip)),
        "start": f"{year:04d}-{month:02d}-01",
        "horizon_months": horizon,
        "step": "month",
    }
    if draw(st.booleans()):
        sc["states"] = draw(st.lists(st.integers(1, 999), unique=True, min_size=1, max_size=5))
    return {
        "scenario": sc,
        "seeds": {"seed": draw(st.integers(0, 2**32)), "runs": draw(st.integers(1, 10_000))},
        "events": events,
        "model": {"name": "alignment_choice", "params": params},
    }


def _to_toml(d: dict) -> str:
    def v(x):
        if isinstance(x, str):
            return json.dumps(x)
        if isinstance(x, list):
            return "[" + ", ".join(v(i) for i in x) + "]"
        return repr(x)

    sc = d["scenario"]
    out = ["[scenario]"] + [f"{k} = {sc[k] if k == 'start' else v(sc[k])}" for k in sc]
    out += ["[seeds]", f"seed = {d['seeds']['seed']}", f"runs = {d['seeds']['runs']}"]
    for ev in d["events"]:
        out += ["[[events]]", f"id = {v(ev['id'])}", f"outcome = {v(ev['outcome'])}"]
        for side, e in ev.get("effects", {}).items():
            out += [
                f"[events.effects.{side}]",
                f"capability = {e['capability']!r}",
                f"credibility = {e['credibility']!r}",
            ]
    out += ["[model]", 'name = "alignment_choice"', "[model.params]"]
    out += [f"{k} = {p!r}" for k, p in d["model"]["params"].items()]
    return "\n".join(out) + "\n"


@settings(max_examples=150, deadline=None)
@given(_valid_dicts())
def test_generated_valid_scenarios_round_trip(d):
    sc = Scenario.from_dict(d)
    assert Scenario.from_dict(sc.to_dict()) == sc
    assert Scenario.from_dict(json.loads(json.dumps(sc.to_dict()))) == sc
    parsed = parse_scenario(_to_toml(d))
    assert parsed == sc
    assert len(parsed.months) == d["scenario"]["horizon_months"]
