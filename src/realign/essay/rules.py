"""The keyword rules that give a sentence its kind of claim (always available; no model needed).

Split from :mod:`realign.essay.claims` (file length); ``realign.essay.claims`` re-exports
:data:`KINDS` and :func:`rule_kind`. The optional embedding classifier is :mod:`realign.essay.embed`.

Examples
--------
>>> rule_kind("In 1944 Romania switched sides.")
('alignment_shift', 0.8)
"""

from __future__ import annotations

import re

__all__ = ["KINDS", "rule_kind"]

#: The kinds of claim, in tie-break priority order.
KINDS = (
    "alignment_shift",
    "alliance_broken",
    "alliance_formed",
    "bloc_formation",
    "isolation",
    "support_aid",
    "standing_prestige",
    "morale_opinion",
)

_W = r"(?:\w+\s+){0,4}?"
_RULES: dict[str, list[str]] = {
    "alignment_shift": [
        r"\bswitch\w*\b",
        r"\bchang\w*\s+sides\b",
        r"\bdefect\w*\b",
        r"\bwent over\b",
        r"\bjoin\w*\s+(?:the\s+)?(?:Axis|Allie[ds]|war|fight)",
        r"\bsid(?:e|ed|ing)\s+with\b",
        r"\balign\w*\b",
        r"\brealign\w*\b",
        r"\b(?:reconsider|reassess|re-?evaluat)\w*\s+(?:\w+\s+){0,3}?(?:positions?|commitments?|alliances?|ties|"
        r"relations|stance|allegiances?|strategies regarding)",
        r"\bdistanc\w*\s+(?:themselves|itself)\b",
        r"\babandon\w*\b",
        r"\bturn\w*\s+against\b",
        r"\bshift\w*\s+(?:in\s+)?(?:its\s+|their\s+)?(?:alliances?|allegiances?|loyalt\w+|diplomatic stance|"
        r"foreign policy)",
        r"\b(?:shifting|changing|altering|shifts in)\s+(?:\w+\s+)?alliances\b",
        r"\ballegiance\w*\b",
        r"\breorientation\b",
        r"\bdeclar\w*\s+war\b",
        r"\bdrew closer\b",
        r"\b(?:sign\w*|conclud\w*|accept\w*)\s+(?:an?\s+|the\s+)?armistice\b",
        r"\bdiplomatic avenues\b",
        r"\bpositions? regarding\b",
        r"\bshift\w* in (?:its|their) diplomatic",
    ],
    "alliance_formed": [
        r"\b(?:sign\w*|conclud\w*|form\w*|forg\w*|ma[dk]e?\w*)\s+" + _W + r"(?:pact|treaty|alliance|agreement)",
        r"\bnon-aggression\b",
        r"\bformation of (?:new )?alliances\b",
        r"\bpartnerships?\b",
        r"\btemporary alliance\b",
        r"\bstrengthen\w* partnerships\b",
        r"\bsolidified alliances\b",
    ],
    "alliance_broken": [
        r"\bbr(?:oke|eak\w*)\s+(?:off\s+)?(?:diplomatic\s+)?(?:relations|ties|with)\b",
        r"\bsever(?:s|ed|ing|ance)?\b",
        r"\bdenounc\w*\b",
        r"\bcollapse of the (?:Axis|alliance)",
        r"\bfragmentation of the\b",
        r"\bleft the (?:Axis|alliance|pact|war)\b",
        r"\bwithdr[ae]w\w* from the (?:Axis|alliance|pact|war)\b",
        r"\bcollapse of the Axis alliance\b",
    ],
    "bloc_formation": [
        r"\b(?:Eastern|Soviet|Communist|communist)\s+[Bb]loc\b",
        r"\bWarsaw Pact\b",
        r"\bNATO\b",
        r"\bsatellite states?\b",
        r"\bbuffer zone\b",
        r"\bspheres? of influence\b",
        r"\bcommunist governments?\b",
        r"\bIron Curtain\b",
        r"\bSoviet (?:dominance|control)\b",
    ],
    "support_aid": [
        r"\bsupport\w*\s+(?:from|for|to)\b",
        r"\b(?:military |economic )?aid\b",
        r"\bassistance\b",
        r"\bLend-?Lease\b",
        r"\bsuppl(?:y|ies)\b",
        r"\bcooperation\b",
        r"\bcoordination\b",
        r"\bcollaboration\b",
        r"\bunited front\b",
        r"\bsolidarity\b",
        r"\bintelligence sharing\b",
        r"\bincreased (?:its |their )?support\b",
        r"\bbolstering the Soviet\b",
    ],
    "isolation": [
        r"\bisolat\w*\b",
        r"\bcornered\b",
        r"\bdistancing\b",
        r"\bloss of confidence from\b",
        r"\blost (?:its|their) allies\b",
    ],
    "standing_prestige": [
        r"\bstanding\b",
        r"\bstature\b",
        r"\bprestige\b",
        r"\bcredibility\b",
        r"\bstatus\b",
        r"\brecogni[sz]\w*\b",
        r"\bsuperpower\b",
        r"\bformidable (?:power|ally)\b",
        r"\bgreat power\b",
        r"\bauthority\b",
        r"\breputation\b",
        r"\bnegotiating position\b",
        r"\bemerged as\b",
        r"\binfluence (?:in|on|over)\b",
        r"\bkey player\b",
        r"\bpivotal player\b",
    ],
    "morale_opinion": [
        r"\bmorale\b",
        r"\bperceptions?\b",
        r"\bconfidence\b",
        r"\bresolve\b",
        r"\bsentiment\b",
        r"\bpride\b",
        r"\bnarratives?\b",
        r"\bspirit\b",
        r"\bdissatisfaction\b",
        r"\bfear\b",
        r"\bembolden\w*\b",
        r"\bgalvani[sz]\w*\b",
        r"\bsense of\b",
        r"\brhetoric\b",
        r"\bideolog\w*\b",
        r"\blessons?\b",
        r"\blegacy\b",
        r"\bcase study\b",
        r"\bapprehension\b",
        r"\bnationalism\b",
    ],
}
_COMPILED = {k: [re.compile(p) for p in v] for k, v in _RULES.items()}


def rule_kind(text: str) -> tuple[str | None, float]:
    """The kind of claim by keyword rules and a score in [0, 1] (None, 0 when no rule fires).

    Parameters
    ----------
    text : str
        The sentence.

    Returns
    -------
    kind : str or None
        One of :data:`KINDS`; a checkable kind beats ``morale_opinion``.
    score : float
        0.6 + 0.2 per rule of that kind that fires, at most 1.
    """
    scores = {k: sum(1 for p in pats if p.search(text)) for k, pats in _COMPILED.items()}
    # a checkable claim beats an evaluative one in the same sentence
    checkable = {k: v for k, v in scores.items() if v and k != "morale_opinion"}
    if checkable:
        best = max(checkable.values())
        kind = next(k for k in KINDS if checkable.get(k) == best)
        return kind, min(1.0, 0.6 + 0.2 * best)
    if scores["morale_opinion"]:
        return "morale_opinion", min(1.0, 0.6 + 0.2 * scores["morale_opinion"])
    return None, 0.0
