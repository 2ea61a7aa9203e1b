"""Verdicts by claim type: change claims tested before vs after the cause, alliance changes against the record.

* **Support changes** ("Britain increased its support for the USSR", "the U.S. began ... bolstering the
  Soviet Union"): the donor's dated support to the recipient (supply protocols, Lend-Lease, treaties from
  the WWII events table; convoy sailings, pauses and trends from ``ww2_series``) before the cause event
  vs. the :data:`WINDOW_MONTHS` after it. "began" with support already given before -> ``predates``;
  "increased" with a pause of the activity after the event -> ``contradicted``; a rise stated by a source
  -> ``supported``; the same activity at a similar rate (within :data:`MARGIN`) -> ``predates``.
* **Alliance changes** ("Japan's changing alliances", "shifts in alliances"): the actor's side changes, pacts,
  armistices, breaks and exits after the event; none while COW war 139 lists it fighting on one side
  throughout -> ``contradicted``.
* **Approaches** ("explored diplomatic avenues with ..."): the ``japan_approaches`` series.
* **Causal or change claims** matched by the generic record: the rate of matching facts in the
  :data:`WINDOW_MONTHS` before the event vs after it; similar or higher before -> ``predates``.
* General statements and perceptions: ``not_checkable``.
"""

from __future__ import annotations

import datetime as dt
import re

from realign.essay.claims import WAR_END, Claim
from realign.essay.event import EventRef
from realign.essay.evidence import Fact, _series_item, facts, series_rows  # series_rows re-exported
from realign.essay.period import _add_months, _minus_days
from realign.essay.structure import ClaimPart
from realign.essay.verdict import Judgement
from realign.wars import WWII

__all__ = ["judge_part", "MARGIN", "WINDOW_MONTHS", "series_rows", "combine"]

#: A rise must exceed the before-rate by this fraction to count as an increase (a fall by it as a fall).
MARGIN = 0.5
#: Length of the before and after windows, in months, around the cause event.
WINDOW_MONTHS = 12
#: Worst first: a sentence takes the worst verdict of its checkable claims (precision before coverage).
_SEVERITY = ("contradicted", "predates", "later", "no_evidence", "supported", "not_checkable")
_SUPPORT_EVENT_KINDS = {"aid_extended", "treaty_signed", "bases_granted", "transit_granted", "conference"}
_ALLIANCE_KINDS = {
    "side_change",
    "pact_joined",
    "armistice",
    "relations_broken",
    "treaty_denounced",
    "war_exit",
    "neutrality_declared",
    "declared_war",
    "war_entry",
}
_ALLIES_DONORS = (2, 200)
_SURRENDER = dt.date(1945, 8, 14)
#: Capitals an essay uses for their governments in diplomatic claims ("approached Moscow").
_CAPITALS = {"Moscow": 365, "Washington": 2, "London": 200, "Berlin": 255, "Tokyo": 740, "Rome": 325}
#: Regions an essay names, as COW code ranges (Eastern Europe: Poland 290 to Bulgaria 355 and Romania 360).
_REGIONS = {"eastern europe": frozenset(range(290, 364)), "balkans": frozenset(range(339, 364))}
#: Generic before/after windows for causal claims matched on the events record (months).
RATE_MONTHS = 24


def combine(verdicts: list[str]) -> str:
    """The sentence verdict from its claims' verdicts: the most severe checkable one.

    Parameters
    ----------
    verdicts : list of str
        The verdicts of a sentence's claims (``supported``, ``contradicted``, ``predates``, ``later``,
        ``no_evidence``, ``not_checkable``).

    Returns
    -------
    str
        The worst checkable verdict (precision before coverage), or ``not_checkable`` if none is.
    """
    checked = [v for v in verdicts if v != "not_checkable"]
    if not checked:
        return "not_checkable"
    return min(checked, key=_SEVERITY.index)


def _windows(event: EventRef, months: int = WINDOW_MONTHS) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    before = (_add_months(event.start, -months), _minus_days(event.start, 1))
    after = (event.end, _add_months(event.end, months))
    return before, after


def _count(fs: list[Fact], lo: dt.date, hi: dt.date) -> int:
    return sum(1 for f in fs if lo <= f.date <= hi)


def _set(
    part: ClaimPart,
    verdict: str,
    reason: str,
    evidence: list[dict[str, str]] | None = None,
    before_after: dict | None = None,
) -> None:
    part.verdict, part.reason = verdict, reason
    seen: set[tuple[str, str]] = set()
    part.evidence = [
        e for e in (evidence or []) if (e["date"], e["what"]) not in seen and not seen.add((e["date"], e["what"]))
    ][:8]
    part.before_after = before_after


def _figure(
    measure: str, before: tuple[dt.date, dt.date], b: object, after: tuple[dt.date, dt.date], a: object
) -> dict:
    return {
        "measure": measure,
        "margin": MARGIN,
        "before": {"from": before[0].isoformat(), "to": before[1].isoformat(), "value": b},
        "after": {"from": after[0].isoformat(), "to": after[1].isoformat(), "value": a},
    }


def _rate_test(
    part: ClaimPart, base: Judgement, event: EventRef, matches: list[Fact] | None = None, target: object = None
) -> None:
    """A causal or change claim the generic record supports: was the activity already under way?"""
    before, after = _windows(event, RATE_MONTHS)
    ms = base.matches if matches is None else matches
    if isinstance(target, int) and matches is None:
        # a move toward one state: only facts naming that state count, not every move toward its side
        ms = [f for f in ms if target in f.toward or target in f.partners]
    region = next((r for k, r in _REGIONS.items() if k in part.text.lower()), None)
    if region is not None:
        ms = [f for f in ms if f.ccode in region]
        matches = ms
    b, a = _count(ms, *before), _count(ms, *after)
    fig = _figure("matching dated facts (count)", before, b, after, a)
    first = [f for f in ms if before[0] <= f.date <= before[1]]
    if b and a <= b * (1 + MARGIN):
        ev = [f.evidence("before the event") for f in first[:1] + first[-2:]] + base.evidence[:3]  # first, latest
        _set(
            part,
            "predates",
            f"The same activity was already under way before the event at a similar rate: {b} "
            f"matching fact(s) in the {RATE_MONTHS} months before {event.start} vs {a} in the {RATE_MONTHS} "
            f"months after {event.end} (a rise needs more than +{MARGIN:.0%}); first before: {first[0].date}, "
            f"{first[0].what}.",
            ev,
            fig,
        )
    elif a == 0 and matches is not None:
        _set(
            part,
            "no_evidence",
            f"No matching fact in the {RATE_MONTHS} months after the event ({b} before).",
            [f.evidence("before the event") for f in first[:3]],
            fig,
        )
    else:
        _set(
            part,
            "supported",
            base.reasons[0] if base.reasons else "A matching dated fact falls in the period.",
            base.evidence,
            fig,
        )
        part.reason += (
            f" {b} matching fact(s) in the {RATE_MONTHS} months before the event vs {a} in the "
            f"{RATE_MONTHS} months after: a rise beyond the {MARGIN:.0%} margin."
        )


def _partner_departures(base: Judgement, event: EventRef) -> list[Fact]:
    """Of the isolation facts, those by the isolated state's own coalition (a partner leaving it)."""
    from realign.essay.claims import group_members

    axis = set(group_members("axis", event.start))
    allies = set(group_members("allies", event.start))
    return [
        f for f in base.matches if (f.ccode in axis and "axis" in f.away) or (f.ccode in allies and "allies" in f.away)
    ]


def _donors(part: ClaimPart, claim: Claim, event: EventRef | None = None) -> list[int]:
    """States giving support: named actors other than the USSR that were on the Allied side (or the US/UK for
    "the Allies"); "diverting German resources" does not make Germany a donor."""
    from realign.essay.claims import side_label

    ref = event.start if event else dt.date(1942, 1, 1)
    donors = [
        a for a in part.actors if a != 365 and side_label(a, ref) in ("allies", None) and a not in claim.adversaries
    ]
    donors = [a for a in donors if side_label(a, ref) == "allies" or a in _ALLIES_DONORS]
    if not donors and ("allies" in part.groups or "allies" in claim.groups):
        donors = list(_ALLIES_DONORS)
    return donors


def _support_facts(donor: int) -> list[Fact]:
    return [
        f
        for f in facts()
        if f.ccode == donor
        and f.kind in _SUPPORT_EVENT_KINDS
        and 365 in f.partners
        and f.toward
        and "peace" not in f.counterpart.lower()
    ]


def _support_change(part: ClaimPart, claim: Claim, event: EventRef) -> None:
    """Support by each donor to the USSR before vs after the event; the claim takes the worst donor verdict."""
    before, after = _windows(event)
    results = [r for d in _donors(part, claim, event) if (r := _donor_support(part, event, d, before, after))]
    if not results:
        _set(part, "no_evidence", "No donor state named: nothing to compare before and after the event.")
        return
    worst = min(results, key=lambda x: _SEVERITY.index(x[0]))
    _set(part, *worst)


def _donor_support(
    part: ClaimPart, event: EventRef, d: int, before: tuple, after: tuple
) -> tuple[str, str, list[dict[str, str]], dict | None] | None:
    """One donor's verdict on a support change: (verdict, reason, evidence, figure); None when it says nothing."""
    ev_facts = _support_facts(d)
    rows = [r for r in series_rows() if d in r["ccodes"] and r["counterpart"] == 365]
    pre = [f for f in ev_facts if f.date < event.start]
    pre_rows = [r for r in rows if r["kind"] in ("sailing", "count") and r["date"] < event.start]
    pauses = [r for r in rows if r["kind"] == "pause" and r["date"] <= after[1] and r["end"] >= after[0]]
    rises = [r for r in rows if r["kind"] == "trend" and r["end"] >= event.end and r["value"] > 0]
    name = {2: "the United States", 200: "the United Kingdom"}.get(d, f"state {d}")
    pre_ev = [f.evidence("before the event") for f in pre[:2]] + [
        _series_item(r, "before the event") for r in pre_rows[:2]
    ]
    first = min([f.date for f in pre] + [r["date"] for r in pre_rows], default=None)
    fig = _figure(
        f"support from {name} to the USSR",
        before,
        _count(ev_facts, *before)
        + sum(1 for r in rows if r["kind"] == "sailing" and before[0] <= r["date"] <= before[1]),
        after,
        _count(ev_facts, *after) + sum(1 for r in rows if r["kind"] == "sailing" and after[0] <= r["date"] <= after[1]),
    )
    if part.direction == "begin":
        if first is None:
            return None
        return (
            "predates",
            f"Support from {name} to the USSR did not begin after the event: it "
            f"was already given from {first} (before {event.start}).",
            pre_ev,
            fig,
        )
    if rises:
        r = rises[0]
        fig["before"]["value"], fig["after"]["value"] = "limited (1941-42)", "rose steeply (1943)"
        return (
            "supported",
            f"A source states a rise after the event: {r['what']}. The rise is dated, "
            "its cause is the source's, not the battle.",
            [_series_item(r)] + pre_ev,
            fig,
        )
    if pauses and part.supply:
        p = pauses[0]
        fig["after"]["value"] = f"pause {p['date']} to {p['end']}"
        return (
            "contradicted",
            f"The record shows a pause, not an increase, after the event: "
            f"{p['what']} ({p['date']} to {p['end']}); support from {name} had been under way "
            f"since {first}.",
            [_series_item(p, "after the event")] + pre_ev,
            fig,
        )
    if pauses:
        return (
            "no_evidence",
            f"No dated series of this kind of cooperation; the supply convoys of "
            f"{name} paused after the event ({pauses[0]['date']} to {pauses[0]['end']}).",
            [_series_item(pauses[0])],
            fig,
        )
    if first is not None:
        b, a = fig["before"]["value"], fig["after"]["value"]
        verdict = "supported" if a > b * (1 + MARGIN) else "predates"
        return (
            verdict,
            f"Support from {name} to the USSR: {b} dated fact(s) in the {WINDOW_MONTHS} "
            f"months before the event vs {a} after (margin {MARGIN:.0%}).",
            pre_ev,
            fig,
        )
    return ("no_evidence", f"No dated support from {name} to the USSR in the bundled data.", [], fig)


_PREP = re.compile(r"(?i)\b(?:for|to|with|toward|towards|from|against|over)\s+(?:the\s+)?$")
_TOWARD = re.compile(r"(?i)^\W*(?:\w+\W+){0,3}?(?:toward|towards|with)\s+(?:the\s+)?$")


def _nearest_actor(part: ClaimPart, claim: Claim) -> int | None:
    """The state doing the action: named at most 60 characters before the action word, not after a preposition
    ("for the Soviet Union ... catalyzed shifts" names no actor) and not its target ("toward the Soviet Union")."""
    if not part.actors or not part.action:
        return None
    at = part.start + part.text.find(part.action)
    if at < part.start:
        return None
    sentence = claim.text
    cands = [m for m in claim.mentions if m.group is None and m.ccodes[0] in part.actors]
    targets = {
        m.ccodes[0]
        for m in claim.mentions
        if m.group is None and m.start >= at and _TOWARD.search(sentence[at + len(part.action) : m.start])
    }
    inside = [m for m in cands if at < m.start < at + len(part.action)]  # "altering Japan's alliances"
    if inside:
        return inside[0].ccodes[0]
    before = [
        m
        for m in cands
        if at - 60 <= m.start <= at
        and not _PREP.search(sentence[max(0, m.start - 16) : m.start])
        and m.ccodes[0] not in targets
    ]
    return max(before, key=lambda m: m.start).ccodes[0] if before else None


def _alliance_change(part: ClaimPart, claim: Claim, event: EventRef) -> bool:
    """Alliance change by the actor after the event; False when the record cannot decide (caller falls back)."""
    from realign.essay.evidence import opposite
    from realign.essay.verdict import _nm

    a = _nearest_actor(part, claim)
    if a is None:
        return False
    if claim.period.basis in ("postwar", "long") or (claim.period.start and claim.period.start > WAR_END):
        return False  # post-war realignments (Japan 1951, ...) are judged by the general record
    lo = event.end if claim.period.basis != "explicit" or not claim.period.start else claim.period.start
    hi = min(claim.period.end or WAR_END, WAR_END)
    if hi < lo:
        return False
    changes = [
        f
        for f in facts()
        if f.ccode == a
        and f.kind in _ALLIANCE_KINDS
        and lo <= f.date <= hi
        and (f.away or f.toward or f.kind == "pact_joined")
    ]
    target = claim.target if part.direction in ("join", "change_alliance") else None
    if target is not None and changes:
        # a claimed direction ("joined the Axis"): only a move that way supports it; a move the other way refutes it
        other = opposite(target) if isinstance(target, str) else None
        toward = [f for f in changes if target in f.toward]
        against = [
            f
            for f in changes
            if target in f.away
            or (other is not None and other in f.toward)
            or (isinstance(target, int) and target in f.hostile)
        ]
        if toward:
            changes = toward
        elif against:
            _set(
                part,
                "contradicted",
                f"{_nm(a)} moved the other way in the period: {against[0].what} on {against[0].date}.",
                [f.evidence("opposite of the claim") for f in against[:4]],
            )
            return True
        else:
            return False
    if changes:
        reason = f"{_nm(a)} changed its alignment in the period: {changes[0].what} on {changes[0].date}."
        ev = [f.evidence("in the claimed period") for f in changes[:4]]
        _set(part, "supported", reason, ev)
        if part.assertion in ("causation", "change"):
            # already under way? the same moves by the same state before the event, at a similar rate
            lead = changes[0]  # without a named side, "the same move" is one in the direction of the found change
            same = [
                f
                for f in facts()
                if f.ccode == a
                and f.kind in _ALLIANCE_KINDS
                and (target in f.toward if target is not None else bool(f.away & lead.away or f.toward & lead.toward))
            ]
            _rate_test(part, Judgement("supported", 0.7, ev, [reason]), event, matches=same)
        return True
    return _stayed_on_side(part, claim, event, a, lo, hi)


def _stayed_on_side(part: ClaimPart, claim: Claim, event: EventRef, a: int, lo: dt.date, hi: dt.date) -> bool:
    """No alliance change of ``a`` found: a state that fought on one side throughout contradicts the claim."""
    from realign.essay.claims import _war_spells
    from realign.essay.verdict import _nm

    # fighting on one side from the start of the period to its end (or to the general surrender, 1945-08-14)
    spells = [(side, s, e) for c, side, s, e in _war_spells(WWII) if c == a and s <= lo and e >= min(hi, _SURRENDER)]
    if not spells:
        return _neutral_join(part, claim, event, a, hi)
    side, s, e = spells[0]
    others = [
        f for f in facts() if a in f.partners and f.ccode != a and lo <= f.date <= hi and f.kind == "treaty_denounced"
    ]
    approaches = [r for r in series_rows() if a in r["ccodes"] and r["kind"] == "approach" and lo <= r["date"] <= hi]
    label = {1: "Allied", 2: "Axis"}.get(side, str(side))
    ev = [
        {
            "date": s.isoformat(),
            "what": f"{_nm(a)} fought on side {side} ({label}) of World War II from {s} to {e}, "
            "with no change of side [record of no change]",
            "source": "COW Inter-State War v4.0, war 139 (World War II), realign.data.load('war_participants')",
        }
    ]
    ev += [f.evidence("by the other side, not a change by the actor") for f in others[:2]]
    ev += [_series_item(r, "a diplomatic approach, not a change of alliance") for r in approaches[:2]]
    if "stance" in part.text.lower() or "foreign polic" in part.text.lower():
        if approaches:
            _set(
                part,
                "no_evidence",
                f"No alliance of {_nm(a)} changed between {lo} and {hi}; the only dated "
                f"diplomatic move is an approach ({approaches[0]['what']}, {approaches[0]['date']}), which a "
                "shift of stance may or may not mean.",
                ev,
            )
            return True
    _set(
        part,
        "contradicted",
        f"The record shows no change of alliance by {_nm(a)} between {lo} and {hi}: it stayed "
        f"on the {label} side (COW war 139, {s} to {e}) and neither joined, left nor denounced a pact in that "
        "period" + (f"; {others[0].what} on {others[0].date} was the other side's act" if others else "") + ".",
        ev,
    )
    return True


def _neutral_join(part: ClaimPart, claim: Claim, event: EventRef, a: int, hi: dt.date) -> bool:
    """A state outside the war said to join a side: the record's moves of that state the other way, from the
    battle's start on (Sweden ending German transit in August 1943 contradicts "Sweden joined the Axis")."""
    from realign.essay.claims import _war_spells
    from realign.essay.evidence import opposite
    from realign.essay.verdict import _nm

    side = claim.target if isinstance(claim.target, str) else None
    if part.direction not in ("join", "change_alliance") or side not in ("axis", "allies"):
        return False
    if any(c == a for c, _, s, e in _war_spells(WWII) if s <= hi and e >= event.start):
        return False  # at war during part of the period: the general record decides
    toward = [f for f in facts() if f.ccode == a and event.start <= f.date <= hi and side in f.toward]
    if toward:
        return False
    away = [
        f
        for f in facts()
        if f.ccode == a
        and event.start <= f.date <= hi
        and (side in f.away or opposite(side) in f.toward or bool(f.away & _members(side, event)))
    ]
    if not away:
        return False
    _set(
        part,
        "contradicted",
        f"{_nm(a)} stayed out of the war and the record shows it moving away from the "
        f"{side.capitalize()}, not joining: {away[0].what} on {away[0].date}.",
        [f.evidence("opposite of the claim") for f in away[:3]],
    )
    return True


def _members(side: str, event: EventRef) -> frozenset:
    from realign.essay.claims import group_members

    return frozenset(group_members(side, event.start))


def _approach(part: ClaimPart, claim: Claim, event: EventRef) -> bool:
    a = _nearest_actor(part, claim)
    if a is None:
        return False
    rows = [r for r in series_rows() if a in r["ccodes"] and r["kind"] == "approach"]
    targets = set(part.counterpart) or {c for c in claim.states if c != a}
    targets |= {code for city, code in _CAPITALS.items() if re.search(rf"\b{city}\b", part.text)}
    hit = [r for r in rows if r["counterpart"] in targets]
    if not hit:
        if rows:
            _set(
                part,
                "no_evidence",
                f"The bundled series holds approaches by this state to "
                f"{sorted({r['counterpart'] for r in rows})} only; approaches to {sorted(targets)} are not in the "
                "data (listed as missing in ww2_series).",
                [_series_item(rows[0], "approach to another state")],
            )
            return True
        return False
    pre = [r for r in hit if r["date"] < event.start]
    post = [r for r in hit if r["date"] >= event.end]
    if pre:
        _set(
            part,
            "predates",
            f"Such approaches were made before the event (first {pre[0]['date']}).",
            [_series_item(r) for r in pre[:3]],
        )
    elif post:
        _set(
            part,
            "supported",
            f"First approach after the event: {post[0]['what']} ({post[0]['date']}); none before it in the series.",
            [_series_item(r) for r in post[:3]],
        )
    else:
        return False
    return True


def _from_base(part: ClaimPart, base: Judgement) -> None:
    _set(part, base.verdict, " ".join(base.reasons), base.evidence)


def judge_part(part: ClaimPart, claim: Claim, base: Judgement, event: EventRef | None) -> None:
    """Set ``part.verdict``/``reason``/``evidence``/``before_after`` from its type; ``base`` is the sentence's
    judgement by :func:`realign.essay.verdict.judge` (used where no type-specific test applies).

    Parameters
    ----------
    part : ClaimPart
        The clause to judge (changed in place; nothing is returned).
    claim : Claim
        The parsed sentence holding it.
    base : Judgement
    event : EventRef or None
        The cause event (None: ``base`` is used).
    """
    if base.verdict == "not_checkable" and not part.actors and not part.groups:
        _from_base(part, base)
        return
    if part.assertion == "general":
        _set(part, "not_checkable", "A general statement about countries at large: no dated proxy to test.")
        return
    if part.domain == "perception":
        _set(part, "not_checkable", "Perceptions, reassessments or morale: the record holds no dated proxy for them.")
        return
    if event is None:
        _from_base(part, base)
        return
    if (
        part.domain == "support"
        and part.direction in ("increase", "begin")
        and part.governs
        and _donors(part, claim, event)
        and (365 in part.actors or 365 in part.counterpart or 365 in claim.states)
    ):
        _support_change(part, claim, event)
        return
    if part.domain == "approach" and _approach(part, claim, event):
        return
    if (
        part.direction in ("change_alliance", "leave", "break", "join")
        and part.domain == "alliance"
        and _alliance_change(part, claim, event)
    ):
        return
    _from_base(part, base)
    consequence = claim.period.basis not in ("before",) and (
        claim.period.start is None or claim.period.start >= event.start
    )
    if part.verdict == "supported" and part.assertion in ("causation", "change") and consequence and base.matches:
        if part.domain == "isolation" or part.direction in ("leave", "isolate"):
            # isolation grows when partners leave: declarations by states already on the other side do not count
            _rate_test(part, base, event, _partner_departures(base, event))
        else:
            _rate_test(part, base, event, target=claim.target)
