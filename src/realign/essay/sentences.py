"""Split an essay into sentences, robust to abbreviations ("U.S.", "Dr.", "e.g.") and numbers.

Headings (a short line without final punctuation) and list items ("- item") count as sentences
of their own, so every piece of the text gets a verdict, in reading order.

Examples
--------
>>> split_sentences("The U.S. sent aid in 1941. Dr. Smith agreed, e.g. in 1.5 pages. Done!")
['The U.S. sent aid in 1941.', 'Dr. Smith agreed, e.g. in 1.5 pages.', 'Done!']
>>> split_sentences("Aid came from the U.S. The U.S. Navy helped.")
['Aid came from the U.S.', 'The U.S. Navy helped.']
>>> split_sentences("A heading\\nFirst line. Second line.\\n- a list item")
['A heading', 'First line.', 'Second line.', 'a list item']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["split_sentences", "Segment", "segments"]

#: Lower-cased abbreviations (without the final dot) after which a dot does not end a sentence.
ABBREVIATIONS = frozenset(
    {
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "gen",
        "lt",
        "col",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "sgt",
        "st",
        "mt",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "cf",
        "al",
        "no",
        "nos",
        "vol",
        "pp",
        "p",
        "ch",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "ca",
        "c",
        "est",
        "dept",
        "govt",
        "u.s",
        "u.k",
        "u.s.s.r",
        "u.s.a",
        "u.n",
        "gov",
        "pres",
        "sen",
        "rep",
        "inc",
        "ltd",
        "co",
        "corp",
        "ed",
        "eds",
        "trans",
        "repr",
        "ibid",
        "op",
        "cit",
    }
)

#: Words that, capitalised after an abbreviation ("... the U.S. The ..."), start a new sentence.
_STARTERS = frozenset(
    {
        "The",
        "This",
        "These",
        "That",
        "Those",
        "It",
        "Its",
        "In",
        "On",
        "As",
        "After",
        "Before",
        "By",
        "But",
        "However",
        "Moreover",
        "Thus",
        "Then",
        "A",
        "An",
        "When",
        "While",
        "With",
        "Following",
        "Consequently",
        "Furthermore",
        "Meanwhile",
        "They",
        "He",
        "She",
        "We",
        "Stalingrad",
    }
)

_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)")
_BULLET = re.compile(r"^\s*(?:[-*•–—]|\d+[.)])\s+")


@dataclass(frozen=True)
class Segment:
    """One sentence and whether it stood alone on its line as a heading or a list item."""

    text: str
    heading: bool = False
    bullet: bool = False


_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
#: Only this many characters before a dot are looked at (the longest abbreviation is far shorter):
#: keeps the split linear in the line's length ("e.g. " x 16,000 took 47 s when whole chunks were scanned).
_LOOKBACK = 24


def _is_abbreviation(chunk: str) -> bool:
    """True when the text before a dot ends with a known abbreviation or an initial (``U.S.``)."""
    m = _LAST_WORD.search(chunk[-_LOOKBACK:])
    if not m:
        return False
    word = m.group(1).lower()
    if word in ABBREVIATIONS:
        return True
    # single initials such as "J." or dotted acronyms such as "U.S" (the last dot is the match's)
    return bool(_INITIALS.fullmatch(word))


def _split_line(line: str) -> list[str]:
    """Sentences of one line, in one left-to-right pass (each dot looks at a bounded window only)."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(line):
        end = m.end()  # the chunk line[start:end] always holds the punctuation: never empty
        if (
            m.group(0).startswith(".")
            and len(m.group(0).rstrip("\"'”’)]")) == 1
            and _is_abbreviation(line[max(start, end - _LOOKBACK) : end])
        ):
            # an abbreviation ends the sentence only when a typical sentence opener follows it
            first = _FIRST_WORD.match(line, end, min(len(line), end + 64))
            if not (first and first.group(1)[:1].isupper() and first.group(1) in _STARTERS):
                continue
        out.append(line[start:end].strip())
        start = end
    rest = line[start:].strip()
    if rest:
        out.append(rest)
    return out


def segments(text: str) -> list[Segment]:
    """Sentences of ``text`` with heading/list-item flags, in order.

    Parameters
    ----------
    text : str
        The essay (any line endings).

    Returns
    -------
    list of Segment
    """
    out: list[Segment] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        bullet = bool(_BULLET.match(line))
        if bullet:
            line = _BULLET.sub("", line, count=1).strip()
        parts = _split_line(line)
        heading = (
            not bullet and len(parts) == 1 and not re.search(r"[.!?:;…][\"'”’)\]]*$", line) and len(line.split()) <= 14
        )
        for p in parts:
            out.append(Segment(p, heading=heading, bullet=bullet))
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order (see :func:`segments` for heading flags).

    Parameters
    ----------
    text : str
        The essay.

    Returns
    -------
    list of str
    """
    return [s.text for s in segments(text)]
