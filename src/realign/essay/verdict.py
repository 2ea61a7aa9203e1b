"""A verdict for one claim: supported, predates, later, contradicted, no_evidence or not_checkable.

* ``supported`` — a matching fact (same states, same direction) falls in the claimed period;
* ``predates`` — the only matching facts come before the cause event began;
* ``contradicted`` — the record shows the opposite in or soon after the period;
* ``later`` — it happened, but only after the claimed period (years after "soon after");
* ``no_evidence`` — nothing in the bundled data matches;
* ``not_checkable`` — evaluative prose (morale, opinion, lessons), headings, or no state named.

The confidence (0-1) grows with the number and strength of matching facts and an explicit
period; unverified days, a default period or an embedding-guessed kind lower it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from realign.essay.claims import Claim, group_members, war_side
from realign.essay.event import EventRef
from realign.essay.evidence import (
    Fact,
    cinc_evidence,
    coalition_share_evidence,
    facts,
    opposite,
)
from realign.wars import WWII

__all__ = ["Judgement", "judge", "VERDICTS"]

VERDICTS = ("supported", "predates", "later", "contradicted", "no_evidence", "not_checkable")
MAX_EVIDENCE = 8
_GRACE = dt.timedelta(days=730)
_PRIORITY = {
    "side_change": 0,
    "war_entry": 1,
    "pact_joined": 1,
    "takeover": 1,
    "declared_war": 2,
    "aid_extended": 2,
    "armistice": 3,
    "relations_broken": 3,
    "treaty_signed": 3,
    "war_exit": 4,
}
_SUPPORT_KINDS = {"aid_extended", "bases_granted", "transit_granted", "conference", "treaty_signed", "pact_joined"}
_PAIR_KINDS = {"treaty_signed", "pact_joined", "relations_established", "conference"}
_HOSTILE_KINDS = {"declared_war", "attacked", "relations_broken", "treaty_denounced", "aid_terminated"}
_TREATY_WORDS = (
    "non-aggression",
    "neutrality",
    "friendship",
    "mutual assistance",
    "alliance",
    "supply",
    "boundary",
    "joint action",
)
_SUPPORT_TREATY = re.compile(
    r"(?i)supply|aid|lend|assistance|joint|alliance|cooperation|declaration|charter|"
    r"protocol|agreement|treaty\)"
)
_RECOGNITION = re.compile(
    r"(?i)diplomatic\w*\s+(?:\w+\s+){0,4}?recogni[sz]\w*|recogni[sz]\w*\s+(?:\w+\s+){0,3}?"
    r"diplomatic\w*|diplomatic\w* (?:ties|relations)|established relations\b"
)
_POWER = re.compile(r"(?i)\b(?:power|superpower|strength|dominance|capabilit\w*|formidable|resources)\b")
_DECLINE = re.compile(
    r"(?i)\b(?:diminish\w*|declin\w*|erosion|erod\w*|weaken\w*|depleti?\w*|loss|lost|"
    r"reduc\w*|vulnerable|precarious)\b"
)


@dataclass
class Judgement:
    """A verdict, its confidence, the evidence items and the reasons."""

    verdict: str
    confidence: float
    evidence: list[dict[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: every fact of the claimed kind found (any date): the before/after rate test counts these
    matches: list[Fact] = field(default_factory=list, repr=False)


def _in(f: Fact, lo: dt.date | None, hi: dt.date | None) -> bool:
    return (lo is None or f.date >= lo) and (hi is None or f.date <= hi)


def _sorted(fs: Iterable[Fact]) -> list[Fact]:
    # fully ordered (kind, counterpart, text break ties): the same input gives the same evidence in every run
    return sorted(set(fs), key=lambda f: (_PRIORITY.get(f.kind, 5), f.date, f.ccode, f.kind, f.counterpart, f.what))


def _dedupe(fs: list[Fact]) -> list[Fact]:
    seen: set[tuple] = set()
    out = []
    for f in fs:
        k = (f.date, f.ccode, f.kind, f.counterpart)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def _conf(base: float, claim: Claim, fs: list[Fact]) -> float:
    c = base
    if claim.period.basis == "explicit":
        c += 0.05
    elif claim.period.basis == "default":
        c -= 0.1
    if fs and not any(f.verified for f in fs):
        c -= 0.1
    if fs and not any(f.strong for f in fs):
        c -= 0.1
    c *= 0.7 + 0.3 * min(1.0, claim.kind_score or 0.0)
    return round(min(0.95, max(0.05, c)), 2)


_UNDIRECTED = re.compile(r"(?i)\b(?:affect\w*|impact\w*|influenc\w*|shap\w*|strain\w*|undermin\w*|weaken\w*)\b")
_GROWTH = re.compile(r"(?i)\b(?:increas\w*|grew|grow\w*|bolster\w*|strengthen\w*|expand\w*|provid\w*|deepen\w*)\b")

#: Below this confidence an opposing fact is reported but the verdict stays ``no_evidence``.
MIN_CONTRADICTION = 0.6


def _decide(claim: Claim, event: EventRef | None, matches: list[Fact], opposites: list[Fact], what: str) -> Judgement:
    """The shared decision (see :func:`_decide_inner`), keeping every matching fact for the rate test."""
    j = _decide_inner(claim, event, matches, opposites, what)
    j.matches = _dedupe(_sorted(matches))
    return j


def _decide_inner(
    claim: Claim, event: EventRef | None, matches: list[Fact], opposites: list[Fact], what: str
) -> Judgement:
    """The shared decision: in period -> supported; before the cause -> predates; ..."""
    p = claim.period
    matches, opposites = _dedupe(_sorted(matches)), _dedupe(_sorted(opposites))
    inside = [f for f in matches if _in(f, p.start, p.end)]
    consequence = event is not None and p.basis != "before" and (p.start is None or p.start >= event.start)
    pre = [f for f in matches if event is not None and f.date < event.start] if consequence else []
    post = [f for f in matches if p.end is not None and f.date > p.end]
    hi = (p.end + _GRACE if p.end <= dt.date.max - _GRACE else dt.date.max) if p.end else None
    opp = [f for f in opposites if _in(f, p.start, hi)]
    ev: list[dict[str, str]] = []
    reasons: list[str] = []

    def add(fs: list[Fact], note: str, k: int) -> None:
        for f in fs[:k]:
            if len(ev) < MAX_EVIDENCE:
                ev.append(f.evidence(note))

    if inside:
        add(inside, "in the claimed period", 6)
        reasons.append(
            f"{len(inside)} dated fact(s) of {what} fall in the claimed period "
            f"({p.start} to {p.end}); first on {inside[0].date}."
        )
        if pre:
            first = min(pre, key=lambda f: f.date)
            reasons.append(f"The same kind of fact already occurred before the event ({first.date}).")
            add([first], "before the event", 1)
        if opp:
            add(opp, "opposite direction", 1)
        return Judgement("supported", _conf(0.55 + 0.1 * min(3, len(inside)), claim, inside), ev, reasons)
    if pre:
        add(pre, "before the event", 5)
        reasons.append(
            f"What the sentence presents as a consequence ({what}) happened on {pre[0].date}, "
            f"before the event began ({event.start})."
            if event
            else ""
        )
        return Judgement("predates", _conf(0.8, claim, pre), ev, reasons)
    if opp:
        add(opp, "opposite of the claim", 6)
        conf = _conf(0.75, claim, opp)
        if conf < MIN_CONTRADICTION:
            # a weak link (vague sentence, states named in passing) must not brand prose as false
            reasons.append(
                f"The record shows {opp[0].what} on {opp[0].date}, which runs against a reading of the "
                f"claim, but the sentence is too loosely tied to it (confidence {conf:.2f}) to call it "
                "contradicted."
            )
            return Judgement("no_evidence", conf, ev, reasons)
        reasons.append(f"The record shows the opposite of the claim ({what}): {opp[0].what} on {opp[0].date}.")
        return Judgement("contradicted", conf, ev, reasons)
    if post:
        add(post, "after the claimed period", 5)
        first = min(post, key=lambda f: f.date)
        years = (first.date - (p.end or first.date)).days / 365.25
        span = (first.date - event.end).days / 365.25 if event else None
        reasons.append(
            f"It happened ({first.date}), but after the claimed period ending {p.end} "
            f"(+{years:.1f} years" + (f"; {span:.1f} years after the event" if span else "") + ")."
        )
        return Judgement("later", _conf(0.7, claim, post), ev, reasons)
    earlier = [f for f in matches if p.start is not None and f.date < p.start]
    if earlier:
        add(earlier, "before the claimed period", 3)
        reasons.append(f"Facts of {what} exist only before the claimed period (from {earlier[0].date}).")
    reasons.append(f"No fact of {what} in the bundled data matches the claim.")
    return Judgement("no_evidence", 0.5, ev, reasons)


def _match_direction(f: Fact, target: str | int, away: bool) -> tuple[bool, bool]:
    """(matches, opposes) for a fact against a claimed move toward (or away from) ``target``."""
    opp = opposite(target)
    if isinstance(target, int):
        from realign.essay.claims import side_label

        lab = side_label(target, f.date)
        to_t = target in f.toward or (lab is not None and lab in f.toward and f.strong)
        from_t = target in f.away or target in f.hostile
    else:
        to_t = target in f.toward or (opp is not None and opp in f.away)
        from_t = target in f.away or (opp is not None and opp in f.toward)
    return (from_t, to_t) if away else (to_t, from_t)


def _filter_words(claim: Claim, fs: list[Fact]) -> list[Fact]:
    words = [w for w in _TREATY_WORDS if w in claim.text.lower()]
    if not words:
        return fs
    hit = [f for f in fs if any(w in f.counterpart.lower() for w in words)]
    return hit or fs


def _alignment(claim: Claim, event: EventRef | None, F: tuple[Fact, ...]) -> Judgement:
    target, away, actors = claim.target, claim.away, list(claim.actors)
    ref = event.start if event else (claim.period.start or dt.date(1943, 1, 1))
    if target is None and not actors and "axis" in claim.groups:
        actors, target, away = list(group_members("axis", ref)), "axis", True
    if target is None:
        if not actors:
            return Judgement(
                "not_checkable",
                0.6,
                [],
                ["The sentence names no state and no side: too vague to check against the record."],
            )
        ms = [f for f in F if f.ccode in actors and (f.toward or f.away) and f.kind != "war_exit"]
        inside = [f for f in ms if _in(f, claim.period.start, claim.period.end)]
        strong = [f for f in inside if f.strong]
        # without a direction, only changes inside the period can be weighed; earlier ones prove nothing
        j = _decide(claim, event, inside, [], "a change of alignment by the named states")
        if not strong and j.verdict == "supported":
            j.confidence = min(j.confidence, 0.4)
            j.reasons.append("Only treaties or relations, no change of side, pact or war: weak evidence.")
        j.reasons.insert(0, "The sentence gives no direction for the shift; any change of alignment counts.")
        return j
    members = set()
    if isinstance(target, str):
        members = set(group_members(target, claim.period.start or ref))
    pool = [f for f in F if (f.ccode in actors if actors else f.ccode not in members)]
    matches, opposes = [], []
    for f in pool:
        m, o = _match_direction(f, target, away)
        if m and (f.strong or not claim.joins):
            matches.append(f)
        elif o and f.strong:
            opposes.append(f)
    if isinstance(target, int) and actors and not away:
        # states at war with each other during the claimed period cannot be drawing closer
        for a in actors:
            war = _at_war(a, target, claim.period.start or ref)
            if war is not None:
                opposes.append(war)
    who = "the named states" if actors else "any state"
    direction = f"{'away from' if away else 'toward'} {target if isinstance(target, str) else _nm(target)}"
    return _decide(claim, event, matches, opposes, f"a move {direction} by {who}")


def _at_war(a: int, b: int, date: dt.date) -> Fact | None:
    """A fact stating that ``a`` and ``b`` fought on opposite sides of WWII on ``date`` (COW rows)."""
    from realign.data.store import load_shared

    sa, sb = war_side(a, date), war_side(b, date)
    if not (sa and sb and sa != sb):
        return None
    w = load_shared("war_participants")  # ground truth with hindsight: the evidence shows each spell's later end
    rows = w[(w["war"] == WWII) & w["ccode"].isin([a, b]) & (w["start"] <= str(date)) & (w["end"] >= str(date))]
    spells = "; ".join(
        f"{_nm(int(r.ccode))} side {int(r.side)} {r.start.date()} to {r.end.date()}" for r in rows.itertuples()
    )
    lines = ", ".join(str(int(r.row)) for r in rows.itertuples())
    return Fact(
        date,
        a,
        _nm(a),
        "at_war",
        _nm(b),
        frozenset({b}),
        frozenset(),
        frozenset({b}),
        frozenset({b}),
        f"COW Inter-State War v4.0, war 139 (World War II), lines {lines}",
        True,
        f"{_nm(a)} and {_nm(b)} at war on opposite sides on {date} ({spells})",
    )


def _nm(c: int) -> str:
    from realign.data.names import state_name

    return f"{state_name(c)} ({c})"


def _pairs(claim: Claim, F: tuple[Fact, ...], kinds: set[str]) -> list[Fact]:
    a = set(claim.actors)
    return [f for f in F if f.ccode in a and f.kind in kinds and (f.partners & (a - {f.ccode}))]


def _alliance_formed(claim: Claim, event: EventRef | None, F: tuple[Fact, ...]) -> Judgement:
    if len(claim.actors) >= 2:
        ms = _filter_words(claim, [f for f in _pairs(claim, F, _PAIR_KINDS) if f.toward])
        opp = _pairs(claim, F, {"declared_war", "attacked", "relations_broken"})
        return _decide(claim, event, ms, opp, "a treaty or pact between the named states")
    if claim.target is not None:
        return _alignment(claim, event, F)
    if claim.actors:
        ms = _filter_words(claim, [f for f in F if f.ccode in claim.actors and f.kind in _PAIR_KINDS and f.toward])
        return _decide(claim, event, ms, [], "a treaty or pact of the named state")
    return Judgement(
        "not_checkable", 0.55, [], ["Names no state: 'new alliances' in general cannot be matched to a dated fact."]
    )


def _alliance_broken(claim: Claim, event: EventRef | None, F: tuple[Fact, ...]) -> Judgement:
    if len(claim.actors) >= 2:
        ms = _pairs(claim, F, {"relations_broken", "declared_war", "attacked", "treaty_denounced"})
        return _decide(claim, event, ms, [], "a break between the named states")
    ref = event.start if event else (claim.period.start or dt.date(1943, 1, 1))
    if "axis" in claim.groups or not claim.actors:
        members = set(group_members("axis", ref)) if "axis" in claim.groups else set()
        if not members:
            return Judgement("not_checkable", 0.55, [], ["Names no state or alliance to check."])
        ms = [f for f in F if f.ccode in members and "axis" in f.away and f.strong]
        return _decide(claim, event, ms, [], "Axis members leaving the Axis")
    ms = [f for f in F if f.ccode in claim.actors and f.away and f.strong]
    return _decide(claim, event, ms, [], "the named state breaking an alignment")


def _nearest_actor(claim: Claim, pattern: str) -> int | None:
    """The named actor closest to the claim's keyword ("isolating Germany" -> Germany)."""
    m = re.search(pattern, claim.text)
    cands = [mm for mm in claim.mentions if mm.group is None and mm.ccodes[0] in claim.actors]
    if not cands:
        return claim.actors[0] if claim.actors else None
    if not m:
        return cands[0].ccodes[0]
    best = min(cands, key=lambda mm: min(abs(mm.start - m.end()), abs(m.start() - mm.end)))
    return best.ccodes[0]


def _isolation(claim: Claim, event: EventRef | None, F: tuple[Fact, ...]) -> Judgement:
    ref = event.start if event else (claim.period.start or dt.date(1943, 1, 1))
    x = (
        _nearest_actor(claim, r"(?i)isolat\w*|cornered|distanc\w*")
        if claim.actors
        else (255 if "axis" in claim.groups else None)
    )
    if x is None:
        return Judgement("not_checkable", 0.55, [], ["Names no isolated state."])
    side = war_side(x, ref)
    partners = {c for c in group_members("axis" if side == 2 else "allies", ref)} - {x} if side else set()
    ms = [
        f
        for f in F
        if (f.ccode in partners and f.strong and f.away and f.kind != "war_exit")
        or (
            x in f.partners
            and f.kind in {"declared_war", "relations_broken", "transit_ended", "forces_withdrawn", "treaty_denounced"}
            and f.ccode != x
        )
    ]
    j = _decide(claim, event, ms, [], f"partners leaving {_nm(x)} or states breaking with it")
    p = claim.period
    if side and p.start and p.end:
        ce = coalition_share_evidence(side, p.start, p.end)
        if ce:
            item, delta = ce
            j.evidence.append(item)
            j.reasons.append(
                f"Capability share of {_nm(x)}'s coalition {'fell' if delta < 0 else 'rose'} by "
                f"{abs(delta):.3f} over the period."
            )
    return j


def _support(claim: Claim, event: EventRef | None, F: tuple[Fact, ...]) -> Judgement:
    a = set(claim.actors)
    ref = event.end if event else (claim.period.start or dt.date(1943, 1, 1))
    if not a and "allies" in claim.groups:
        a = set(group_members("allies", ref))
    if not a:
        return Judgement("not_checkable", 0.55, [], ["Names no state giving or receiving support."])

    foes = set(getattr(claim, "adversaries", []))

    def ok(f: Fact) -> bool:
        if f.kind not in _SUPPORT_KINDS or not (f.toward or f.kind == "conference"):
            return False
        if f.ccode in foes or f.partners & foes:
            return False
        if f.kind == "treaty_signed" and not _SUPPORT_TREATY.search(f.counterpart):
            return False  # a non-aggression or boundary treaty is no support
        if f.kind == "pact_joined" and not (f.partners or "four-nation" in f.counterpart.lower()):
            return False
        return True

    if len(a) >= 2:
        ms = [f for f in F if f.ccode in a and ok(f) and f.partners & (a - {f.ccode})]
        opp = [f for f in F if f.ccode in a and f.kind in _HOSTILE_KINDS and f.partners & (a - {f.ccode})]
        if _UNDIRECTED.search(claim.text) and not _GROWTH.search(claim.text):
            # "affecting their ... collaboration": a change of unstated direction; a break is such a change
            return _decide(claim, event, ms + opp, [], "a change in cooperation between the named states")
    else:
        ms = [f for f in F if (f.ccode in a or f.partners & a) and ok(f)]
        opp = [f for f in F if f.ccode in a and f.kind == "aid_terminated"]
    ms = _filter_words(claim, ms)
    return _decide(claim, event, ms, opp, "aid, supply or cooperation between the named states")


def _bloc(claim: Claim, event: EventRef | None, F: tuple[Fact, ...]) -> Judgement:
    west = "west" in claim.groups and "east" not in claim.groups
    lab = "west" if west else "east"

    def ok(f: Fact) -> bool:
        if f.kind == "takeover":
            return not west
        if f.kind == "pact_joined":
            return lab in f.toward
        if f.kind == "treaty_signed" and not west:
            return (
                365 in f.partners
                and bool(re.search(r"mutual assistance|friendship", f.counterpart, re.I))
                and f.date > dt.date(1943, 1, 1)
            )
        return False

    a = set(claim.actors) - ({365} if not west else {2})
    ms = [f for f in F if ok(f) and (not a or f.ccode in a)]
    if re.search(r"(?i)satellite|communist govern|Soviet control", claim.text) and not west:
        ms = [f for f in F if f.kind == "takeover" and (not a or f.ccode in a)]
    named = re.search(r"Warsaw Pact|NATO|North Atlantic", claim.text)
    if named:  # a named pact: only joining that pact counts
        lab = "west" if named.group(0) != "Warsaw Pact" else "east"
        ms = [f for f in F if f.kind == "pact_joined" and lab in f.toward and (not a or f.ccode in a)]
    return _decide(claim, event, ms, [], f"{'Western' if west else 'Soviet'} bloc formation (takeovers, pacts)")


def _standing(claim: Claim, event: EventRef | None, F: tuple[Fact, ...]) -> Judgement:
    if not claim.actors:
        return Judgement("not_checkable", 0.7, [], ["Standing or prestige of no named state: evaluative."])
    x = claim.actors[0]
    if _RECOGNITION.search(claim.text):
        ms = [f for f in F if f.kind == "relations_established" and (x in f.partners or f.ccode == x)]
        return _decide(claim, event, ms, [], f"states establishing relations with {_nm(x)}")
    p = claim.period
    if _POWER.search(claim.text) and p.start and p.end:
        ce = cinc_evidence(x, p.start, p.end)
        if ce:
            item, delta = ce
            decline = bool(_DECLINE.search(claim.text))
            agrees = (delta < 0) == decline
            verdict = "supported" if agrees else "contradicted"
            reasons = [
                f"A claim about power: {_nm(x)}'s CINC {'fell' if delta < 0 else 'rose'} by {abs(delta):.3f} "
                f"({p.start.year} to {p.end.year}); the sentence says it {'fell' if decline else 'rose'}.",
                "Prestige itself is not in the data; capability is the checkable part.",
            ]
            return Judgement(verdict, _conf(0.5, claim, []), [item], reasons)
    return Judgement("not_checkable", 0.75, [], ["Standing or prestige: evaluative, no dated fact to check."])


_JUDGES: dict[str, Callable[[Claim, EventRef | None, tuple[Fact, ...]], Judgement]] = {
    "alignment_shift": _alignment,
    "alliance_formed": _alliance_formed,
    "alliance_broken": _alliance_broken,
    "isolation": _isolation,
    "support_aid": _support,
    "bloc_formation": _bloc,
    "standing_prestige": _standing,
}


def judge(claim: Claim, event: EventRef | None) -> Judgement:
    """The verdict for one parsed sentence.

    Parameters
    ----------
    claim : Claim
        The parsed sentence (:func:`realign.essay.claims.parse_claim`).
    event : EventRef or None
        The cause event.

    Returns
    -------
    Judgement
        Verdict (one of :data:`VERDICTS`), confidence in [0, 1], evidence and reasons.
    """
    if claim.heading:
        return Judgement("not_checkable", 0.95, [], ["A heading, not a claim."])
    if claim.kind is None:
        return Judgement(
            "not_checkable",
            0.6,
            [],
            ["No claim about alignment, support, isolation, alliances, blocs or standing was found."],
        )
    if claim.kind == "morale_opinion":
        return Judgement(
            "not_checkable",
            round(0.7 + 0.25 * claim.kind_score, 2),
            [],
            ["Morale, opinion or lessons: evaluative prose with no dated fact to check."],
        )
    if not claim.states and not claim.groups:
        return Judgement(
            "not_checkable",
            0.6,
            [],
            [
                f"A {claim.kind.replace('_', ' ')} claim that names no "
                "state or group: too vague to check against the record."
            ],
        )
    if claim.period.start is None and claim.period.end is None:
        return Judgement("no_evidence", 0.3, [], ["No period: neither a date in the sentence nor a cause event."])
    j = _JUDGES[claim.kind](claim, event, facts())
    return j
