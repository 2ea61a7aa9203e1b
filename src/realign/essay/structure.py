"""Claim structure: what each clause of a sentence asserts, by whom, toward whom, in which direction, when.

A sentence holds one or more claims (clauses split at ";", "while", "whereas", "but" and at an example
introduced by "as seen in" / "such as" / "for example"). Per claim, by keyword rules:

* ``actors`` / ``counterpart``: the states it names (counterpart = the state after "to", "with", "for",
  "toward", "from");
* ``direction``: increase, decrease, begin, pause, change_alliance, break, join, leave, isolate, approach
  (None when it asserts no change);
* ``anchor``: the time anchor: ``explicit`` (a date), ``response`` ("in response to", "because of", "prompted"),
  ``following`` ("after", "following", "in the wake of", "in the aftermath of" -- synonyms, one kind),
  ``tide`` ("as the tide shifted", "as the war progressed"), ``before``, or ``none``;
* ``assertion``: ``causation`` (the cause event produced it), ``change``, ``state`` or ``general``
  (a rule about countries at large, "may", "often"), and ``domain``: support, alliance, isolation,
  approach, perception (morale, recognising, reassessing: no dated proxy) or None.

Examples
--------
>>> [p.direction for p in parse_structure("In response to the battle, Britain increased its support for the USSR.")]
['increase']
>>> p = parse_structure("Countries may shift allegiances, as seen in Japan's changing alliances in the aftermath.")
>>> [(x.assertion, x.direction) for x in p]
[('general', 'change_alliance'), ('change', 'change_alliance')]
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

__all__ = ["ClaimPart", "parse_structure", "split_clauses", "DIRECTIONS", "ASSERTIONS", "ANCHORS"]

DIRECTIONS = (
    "increase",
    "decrease",
    "begin",
    "pause",
    "change_alliance",
    "break",
    "join",
    "leave",
    "isolate",
    "approach",
)
ASSERTIONS = ("causation", "change", "state", "general")
ANCHORS = ("explicit", "response", "following", "tide", "before", "none")

_SPLIT = re.compile(
    r";\s+|,?\s+(?:while|whereas)\s+|,\s+but\s+|,?\s+and\s+(?=[a-z]+ing\s)|"
    r",?\s+(?=(?:as seen in|such as|for example|for instance|e\.g\.)\s)",
    re.IGNORECASE,
)
_EXAMPLE = re.compile(r"(?i)^(?:as seen in|such as|for example|for instance|e\.g\.)\s")

_DIRECTION_RX: list[tuple[str, re.Pattern[str]]] = [
    (d, re.compile(p, re.IGNORECASE))
    for d, p in [
        (
            "change_alliance",
            r"\b(?:chang|shift|alter)\w*\s+(?:[\w’']+\s+)?(?:alliances?|allegiances?|sides|partners)\b|"
            r"\bswitch\w*\b|\brealign\w*\b|\breorientation\b|\bdefect\w*\b|"
            r"\bshift\w*\s+in\s+(?:its|their)\s+(?:diplomatic|foreign)",
        ),
        (
            "break",
            r"\bbr(?:oke|eak\w*)\s+(?:off\s+)?(?:diplomatic\s+)?(?:relations|ties|with)\b|"
            r"\bsever(?:s|ed|ing|ance)?\b|\bdenounc\w*\b",
        ),
        ("leave", r"\bleft the\b|\bwithdr[ae]w\w*\b|\babandon\w*\b|\bdistanc\w*\b|\bdesert\w*\b"),
        ("join", r"\bjoin\w*\b|\bsid(?:e|ed|ing) with\b|\bentered the war\b"),
        ("isolate", r"\bisolat\w*\b|\bcornered\b"),
        (
            "approach",
            r"\bapproach\w*\s+(?:to\s+)?(?:Moscow|the Soviet|the USSR|Washington|the United States)|"
            r"\bsought\s+(?:peace|mediation|talks)\b|\bpeace feelers?\b|\bmediat\w*\b|\boverture\w*\b|"
            r"\bexplor\w*\s+(?:\w+\s+)?(?:diplomatic\s+)?avenues\b",
        ),
        ("pause", r"\bsuspend\w*\b|\bpaus\w*\b|\bhalt\w*\b|\binterrupt\w*\b"),
        ("decrease", r"\bdecreas\w*\b|\breduc\w*\b|\bdeclin\w*\b|\bdiminish\w*\b|\bdwindl\w*\b|\bcut back\b"),
        (
            "begin",
            r"\bbe(?:gan|gin\w*|gun)\b|\bstart\w*\b|\binitiat\w*\b|\blaunch\w*\b|\bfor the first time\b|"
            r"\bforg(?:e|ed|ing)\s+(?:\w+\s+){0,2}(?:alliance|partnership)",
        ),
        (
            "increase",
            r"\bincreas\w*\b|\bheighten\w*\b|\bgreater\b|\bgr[eo]w\w*\b|\bintensif\w*\b|\bbolster\w*\b|"
            r"\bstrengthen\w*\b|\benhanc\w*\b|\bexpand\w*\b|\bboost\w*\b|\bstepped up\b|\brising\b|\brose\b|"
            r"\bdeepen\w*\b|\bescalat\w*\b|\bmore\s+(?:aid|support|supplies|cooperation)\b",
        ),
    ]
]
_CAUSE = re.compile(
    r"(?i)\b(?:in response to|because of|as a result of|as a consequence of|due to|thanks to|"
    r"prompt\w*|led to|leading to|caus\w*|result\w* in|consequently|spurr\w*|encourag\w*|"
    r"foster\w*|catalyz\w*|catalys\w*|enabl\w*|compell\w*|forc(?:ed|ing) (?:\w+ )?to|in turn)\b"
)
_ANCHOR_RX: list[tuple[str, re.Pattern[str]]] = [
    (k, re.compile(p, re.IGNORECASE))
    for k, p in [
        ("response", r"\b(?:in response to|because of|as a result of|as a consequence of|prompted by|due to)\b"),
        ("before", r"\b(?:before|prior to|ahead of|on the eve of)\s+(?:the\s+)?(?:battle|stalingrad|victory|defeat)"),
        (
            "following",
            r"\b(?:after|following|in the wake of|in the aftermath of|in the aftermath|on the heels of|"
            r"since)\b",
        ),
        ("tide", r"\bas the (?:tide|war|conflict|balance)\b|\btide of (?:the )?war\b|\bturning point\b"),
    ]
]
_DATE = re.compile(r"\b(?:1[89]\d\d|20[0-2]\d)\b")
_GENERAL = re.compile(
    r"(?i)\b(?:may|might|can|could|tend(?:s|ed)? to|often|typically|generally|in general|"
    r"usually)\b"
)
_GENERIC_SUBJECT = re.compile(r"(?i)^\W*(?:countries|nations|states|governments|powers|alliances|leaders)\b")
_DOMAINS: list[tuple[str, re.Pattern[str]]] = [
    (d, re.compile(p, re.IGNORECASE))
    for d, p in [
        (
            "perception",
            r"\brecogni[sz]\w*\s+(?:the\s+)?(?:significance|importance|potential|limits|need|value|"
            r"vulnerab\w*)|\breassess\w*|\breconsider\w*|\bre-?evaluat\w*|\bperce\w+|\brealiz\w*|"
            r"\bapprehension\b|\bawareness\b|\bmorale\b|\bconfidence\b|\bsentiment\b|\bresolve\b|"
            r"\bfear\b|\bpride\b|\bisolationis\w*",
        ),
        ("approach", dict(_DIRECTION_RX)["approach"].pattern),
        ("isolation", r"\bisolat(?!ionis)\w*\b|\bcornered\b"),
        (
            "alliance",
            r"\balliances?\b|\ballegiances?\b|\bsides?\b|\bpact\b|\bAxis\b|\bAllie[ds]\b|\barmistice\b|"
            r"\bthe war\b|\brealign\w*\b|\breorientation\b|"
            r"\bpartners?\b|\bdiplomatic stance\b|\bforeign polic\w*\b|\bdefect\w*\b|\bswitch\w*\b",
        ),
        (
            "support",
            r"\bsupport(?:s|ed|ing)?\b|\baid\b|\bassistance\b|\bsuppl(?:y|ies)\b|\bLend-?Lease\b|\bconvoys?\b|"
            r"\bcooperation\b|\bcoordination\b|\bcollaboration\b|\bbolstering\b|\boperations that complemented\b",
        ),
    ]
]
_SUPPLY_WORDS = re.compile(
    r"(?i)\bsupport(?:s|ed|ing)?\b|\baid\b|\bassistance\b|\bsuppl(?:y|ies)\b|\bLend-?Lease\b|"
    r"\bconvoys?\b|\bbolstering\b"
)
_EVENT_WORDS = re.compile(
    r"(?i)\b(?:battle|victory|defeat|outcome|stalingrad|turning point|resilience|siege|"
    r"counteroffensive|the event)\b|^\W*(?:it|this)\s+(?:\w+\s+)?(?:prompt|led|caus|spurr|foster|"
    r"encourag|result)"
)
_SUPPORT_OBJ = (
    r"(?:support(?:s|ed|ing)?|aid|assistance|suppl(?:y|ies)|Lend-?Lease|convoys?|cooperation|"
    r"coordination|collaboration|bolstering|operations)"
)
_CHANGE_VERB = (
    r"(?:increas\w*|heighten\w*|greater|gr[eo]w\w*|intensif\w*|strengthen\w*|enhanc\w*|expand\w*|"
    r"boost\w*|stepped up|deepen\w*|more|be(?:gan|gin\w*|gun)|start\w*|initiat\w*|launch\w*)"
)
#: an increase or beginning that governs the support itself ("increased its support", "began ... bolstering")
_GOVERNS = re.compile(
    rf"(?i)\b{_CHANGE_VERB}\W+(?:\w+\W+){{0,6}}?{_SUPPORT_OBJ}\b|"
    rf"\b{_SUPPORT_OBJ}\W+(?:\w+\W+){{0,2}}?(?:increas\w*|grew|rose|intensified|expanded)\b"
)
_COUNTER = re.compile(
    r"(?i)\b(?:to|with|for|toward|towards|from|of|bolstering|supporting|aiding|supplying|helping|"
    r"assisting)\s+(?:the\s+)?$"
)
_CHANGE_DIRECTIONS = ("change_alliance", "leave", "break", "join")


@dataclass
class ClaimPart:
    """One claim of a sentence (see the module docstring for the fields)."""

    text: str
    start: int
    actors: list[int] = field(default_factory=list)
    counterpart: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    action: str | None = None
    direction: str | None = None
    anchor: str = "none"
    anchor_text: str = ""
    assertion: str = "state"
    domain: str | None = None
    supply: bool = False
    governs: bool = False
    verdict: str | None = None
    reason: str = ""
    evidence: list[dict[str, str]] = field(default_factory=list)
    before_after: dict | None = None

    def to_dict(self) -> dict:
        """The JSON form (``claims`` items of ``realign check-essay``)."""
        d = asdict(self)
        d.pop("start")
        d.pop("supply")
        d.pop("governs")
        d["anchor"] = {"kind": d.pop("anchor"), "text": d.pop("anchor_text")}
        return d


def split_clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) pairs: split at ';', ', while/whereas/but' and before an example ('as seen in').

    Parameters
    ----------
    text : str
        The sentence.

    Returns
    -------
    list of tuple of (int, str)
        Character offset of each clause in ``text`` and the clause (the whole text when nothing splits).
    """
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _SPLIT.finditer(text):
        if m.start() > pos and text[pos : m.start()].strip():
            out.append((pos, text[pos : m.start()]))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, text[pos:]))
    return out or [(0, text)]


def _direction(text: str) -> tuple[str | None, str | None]:
    for d, rx in _DIRECTION_RX:
        m = rx.search(text)
        if m:
            return d, m.group(0)
    return None, None


def _anchor(text: str, sentence: str) -> tuple[str, str]:
    if _DATE.search(text):
        return "explicit", _DATE.search(text).group(0)
    for src in (text, sentence):
        for k, rx in _ANCHOR_RX:
            m = rx.search(src)
            if m:
                return k, m.group(0)
    return "none", ""


def _domain(clause: str, direction: str | None) -> str | None:
    """The claim's domain: a concrete act (approach, support, isolation, alliance change) beats a perception."""
    found = {d for d, rx in _DOMAINS if rx.search(clause)}
    if "approach" in found:
        return "approach"
    if direction in _CHANGE_DIRECTIONS and "alliance" in found:
        return "alliance"
    if "support" in found and direction not in _CHANGE_DIRECTIONS:
        return "support"
    for d in ("isolation", "perception", "alliance"):
        if d in found:
            return d
    return None


def parse_structure(sentence: str, mentions: list | None = None) -> list[ClaimPart]:
    """The claims of ``sentence``; ``mentions`` (from :func:`realign.essay.claims.find_states`) give the states.

    Parameters
    ----------
    sentence : str
        The sentence.
    mentions : list or None
        The :class:`~realign.essay.claims.Mention` items found in it (None: none).

    Returns
    -------
    list of ClaimPart
        One per clause: actors, counterparts, groups, direction, anchor, assertion and domain.
    """
    parts: list[ClaimPart] = []
    mentions = mentions or []
    clauses = split_clauses(sentence)
    for off, clause in clauses:
        end = off + len(clause)
        inside = [m for m in mentions if off <= m.start < end]
        actors: list[int] = []
        counter: list[int] = []
        groups = [m.group for m in inside if m.group]
        for m in inside:
            if m.group:
                continue
            before = sentence[max(off, m.start - 12) : m.start]
            dest = counter if _COUNTER.search(before) and actors else actors
            dest.extend(c for c in m.ccodes if c not in dest and c not in actors)
        direction, action = _direction(clause)
        anchor, anchor_text = _anchor(clause, sentence)
        domain = _domain(clause, direction)
        example = bool(_EXAMPLE.match(clause.lstrip()))
        general = (
            not example
            and not actors
            and bool(_GENERAL.search(clause) and (_GENERIC_SUBJECT.search(clause) or len(clauses) > 1))
        )
        if general:
            assertion = "general"
        elif anchor == "response" or (_CAUSE.search(clause) and _EVENT_WORDS.search(clause)):
            assertion = "causation"  # the cause event produced it (not "this assistance enabled ...")
        elif direction is not None:
            assertion = "change"
        else:
            assertion = "state"
        parts.append(
            ClaimPart(
                text=clause.strip(),
                start=off,
                actors=actors,
                counterpart=counter,
                groups=groups,
                action=action,
                direction=direction,
                anchor=anchor,
                anchor_text=anchor_text,
                assertion=assertion,
                domain=domain,
                supply=bool(_SUPPLY_WORDS.search(clause)),
                governs=bool(_GOVERNS.search(clause)),
            )
        )
    return parts
