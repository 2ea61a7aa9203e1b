"""Render an essay check as Markdown or as one self-contained HTML page (no CDN, all text escaped)."""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

__all__ = ["render_markdown", "render_html", "COLORS", "LABELS"]

COLORS = {
    "supported": "#1b7f3b",
    "predates": "#b45309",
    "later": "#a16207",
    "contradicted": "#b91c1c",
    "no_evidence": "#4b5563",
    "not_checkable": "#6b7280",
}
LABELS = {
    "supported": "supported",
    "predates": "predates the event",
    "later": "happened later",
    "contradicted": "contradicted",
    "no_evidence": "no evidence",
    "not_checkable": "not checkable",
}
_ORDER = list(COLORS)


def _md(text: str) -> str:
    """Escape Markdown control characters in essay text and data."""
    out = str(text)
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _period(s: dict[str, Any]) -> str:
    p = s.get("period") or {}
    if not p.get("start") and not p.get("end"):
        return "unknown"
    return f"{p.get('start') or '…'} to {p.get('end') or '…'}"


def _counts(result: dict[str, Any]) -> Counter:
    return Counter(s["verdict"] for s in result.get("sentences", []))


def _figure(c: dict[str, Any]) -> str:
    """'before X (from..to) -> after Y (from..to)' for a change claim's before/after comparison ('' if none)."""
    ba = c.get("before_after")
    if not ba:
        return ""
    b, a = ba["before"], ba["after"]
    return (
        f"{ba['measure']}: before {b['value']} ({b['from']} to {b['to']}) → after {a['value']} "
        f"({a['from']} to {a['to']}); margin {ba['margin']:.0%}"
    )


def _claim_line(i: int, c: dict[str, Any]) -> str:
    who = ", ".join(str(x) for x in c.get("actors", [])) or "—"
    to = ", ".join(str(x) for x in c.get("counterpart", []))
    anchor = c.get("anchor", {}).get("kind", "none")
    return (
        f"claim {i + 1}: {c.get('assertion')} · direction {c.get('direction') or '—'} · actors {who}"
        + (f" → {to}" if to else "")
        + f" · anchor {anchor} · **{LABELS.get(c.get('verdict'), '—')}**"
    )


def _grouped(result: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    sents = result.get("sentences", [])
    return [(v, [s for s in sents if s["verdict"] == v]) for v in _ORDER if any(s["verdict"] == v for s in sents)]


def render_markdown(result: dict[str, Any]) -> str:
    """A Markdown report: the summary, then sentences grouped by verdict with their claims, reasons,
    before/after figures (change claims) and evidence.

    Parameters
    ----------
    result : dict
        The result of :func:`realign.essay.check_essay`.

    Returns
    -------
    str
        The Markdown text.
    """
    lines = ["# Essay check", ""]
    lines.append(f"Event: **{_md(result.get('event') or 'none detected')}**  ")
    counts = _counts(result)
    lines.append("Verdicts: " + ", ".join(f"{LABELS[v]} {counts[v]}" for v in _ORDER if counts.get(v)))
    lines.append("")
    for n in result.get("notes", []):
        lines.append(f"> {_md(n)}")
    if result.get("notes"):
        lines.append("")
    for v, group in _grouped(result):
        lines.append(f"## {LABELS[v]} ({len(group)})")
        lines.append("")
        for s in group:
            lines.append(f"**{s['index']}.** {_md(s['text'])}")
            lines.append("")
            states = ", ".join(str(c) for c in s.get("states", [])) or "none"
            lines.append(
                f"- verdict: **{LABELS.get(s['verdict'], s['verdict'])}** (confidence "
                f"{s['confidence']:.2f}); kind: {_md(s.get('kind') or '—')}; period: {_period(s)}; "
                f"states: {states}"
            )
            for i, c in enumerate(s.get("claims", [])):
                lines.append(f"- {_claim_line(i, c)}")
                if _figure(c):
                    lines.append(f"  - before/after: {_md(_figure(c))}")
            for r in s.get("reasons", []):
                lines.append(f"- {_md(r)}")
            for e in s.get("evidence", []):
                lines.append(f"  - {e['date']}: {_md(e['what'])} — source: {_md(e['source'])}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
:root { color-scheme: light; }
body { font: 17px/1.6 Georgia, 'Times New Roman', serif; color: #1f2937; background: #fbfaf7;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font: 600 1.6rem/1.2 system-ui, sans-serif; margin-bottom: .3rem; }
h2 { font: 600 1.15rem/1.3 system-ui, sans-serif; margin-top: 1.6rem; }
.meta, .legend, details, .note { font: 14px/1.5 system-ui, sans-serif; }
.legend span { margin-right: .8rem; white-space: nowrap; }
.sentence { margin: 1.1rem 0; padding-left: .8rem; border-left: 4px solid var(--c); }
.sentence.heading p { font-weight: 600; }
mark { background: var(--c); color: #fff; border-radius: .25rem; padding: 0 .35rem; font: 600 12px/1.6 system-ui,
       sans-serif; margin-right: .35rem; white-space: nowrap; }
.dot { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; background: var(--c); }
details { margin-top: .25rem; color: #374151; }
summary { cursor: pointer; color: #4b5563; }
ul { margin: .3rem 0; padding-left: 1.2rem; }
li { margin: .15rem 0; }
.src { color: #6b7280; word-break: break-all; }
.note { background: #fff7e6; border: 1px solid #f0d9a8; padding: .5rem .8rem; border-radius: .3rem; }
"""


def render_html(result: dict[str, Any]) -> str:
    """One self-contained HTML page: each sentence with a colored verdict mark; evidence in <details>.

    Parameters
    ----------
    result : dict
        The result of :func:`realign.essay.check_essay`.

    Returns
    -------
    str
        The HTML document (every text escaped).
    """
    e = html.escape
    counts = _counts(result)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Essay check</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Essay check</h1>",
        f'<p class="meta">Event: <strong>{e(str(result.get("event") or "none detected"))}</strong> · '
        f"{len(result.get('sentences', []))} sentences</p>",
        '<p class="legend">',
    ]
    for v in _ORDER:
        parts.append(
            f'<span style="--c:{COLORS[v]}"><span class="dot"></span> {e(LABELS[v])}: {counts.get(v, 0)}</span>'
        )
    parts.append("</p>")
    for n in result.get("notes", []):
        parts.append(f'<p class="note">{e(str(n))}</p>')
    for v0, group in _grouped(result):
        parts.append(f'<h2 style="--c:{COLORS[v0]}"><span class="dot"></span> {e(LABELS[v0])} ({len(group)})</h2>')
        for s in group:
            parts.extend(_html_sentence(s))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_sentence(s: dict[str, Any]) -> list[str]:
    """One sentence block: verdict mark, text, and a <details> with claims, before/after, reasons, evidence."""
    e = html.escape
    parts: list[str] = []
    v = s["verdict"]
    cls = "sentence heading" if s.get("heading") else "sentence"
    parts.append(f'<div class="{cls}" id="s{int(s["index"])}" style="--c:{COLORS.get(v, "#6b7280")}">')
    parts.append(f'<p><mark title="confidence {s["confidence"]:.2f}">{e(LABELS.get(v, v))}</mark>{e(s["text"])}</p>')
    states = ", ".join(str(c) for c in s.get("states", [])) or "none"
    n_ev = len(s.get("evidence", []))
    parts.append(
        f"<details><summary>{e(str(s.get('kind') or 'no claim kind'))} · period {e(_period(s))} · "
        f"confidence {s['confidence']:.2f} · {n_ev} evidence item{'s' if n_ev != 1 else ''}</summary>"
    )
    parts.append(f"<p>States (COW ccode): {e(states)}</p>")
    if s.get("claims"):
        parts.append("<ul>")
        for i, c in enumerate(s["claims"]):
            fig = _figure(c)
            parts.append(
                f"<li>{e(_claim_line(i, c).replace('**', ''))}: {e(str(c.get('reason') or ''))}"
                + (f"<br><em>before/after: {e(fig)}</em>" if fig else "")
                + "</li>"
            )
        parts.append("</ul>")
    if s.get("reasons"):
        parts.append("<ul>" + "".join(f"<li>{e(str(r))}</li>" for r in s["reasons"]) + "</ul>")
    if s.get("evidence"):
        parts.append("<ul>")
        for ev in s["evidence"]:
            parts.append(
                f"<li><strong>{e(ev['date'])}</strong> {e(ev['what'])}<br>"
                f'<span class="src">{e(ev["source"])}</span></li>'
            )
        parts.append("</ul>")
    parts.append("</details></div>")
    return parts
