"""Render an essay check as Markdown or as one self-contained HTML page (no CDN, all text escaped)."""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

__all__ = ["render_markdown", "render_html", "COLORS", "LABELS"]

COLORS = {"supported": "#1b7f3b", "predates": "#b45309", "later": "#a16207", "contradicted": "#b91c1c",
          "no_evidence": "#4b5563", "not_checkable": "#6b7280"}
LABELS = {"supported": "supported", "predates": "predates the event", "later": "happened later",
          "contradicted": "contradicted", "no_evidence": "no evidence", "not_checkable": "not checkable"}
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


def render_markdown(result: dict[str, Any]) -> str:
    """A Markdown report: a summary table, then each sentence with verdict, reasons and evidence."""
    lines = ["# Essay check", ""]
    lines.append(f"Event: **{_md(result.get('event') or 'none detected')}**  ")
    counts = _counts(result)
    lines.append("Verdicts: " + ", ".join(f"{LABELS[v]} {counts[v]}" for v in _ORDER if counts.get(v)))
    lines.append("")
    for n in result.get("notes", []):
        lines.append(f"> {_md(n)}")
    if result.get("notes"):
        lines.append("")
    for s in result.get("sentences", []):
        lines.append(f"**{s['index']}.** {_md(s['text'])}")
        lines.append("")
        states = ", ".join(str(c) for c in s.get("states", [])) or "none"
        lines.append(f"- verdict: **{LABELS.get(s['verdict'], s['verdict'])}** (confidence {s['confidence']:.2f}); "
                     f"kind: {_md(s.get('kind') or '—')}; period: {_period(s)}; states: {states}")
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
    """One self-contained HTML page: each sentence with a colored verdict mark; evidence in <details>."""
    e = html.escape
    counts = _counts(result)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>Essay check</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>Essay check</h1>",
             f'<p class="meta">Event: <strong>{e(str(result.get("event") or "none detected"))}</strong> · '
             f'{len(result.get("sentences", []))} sentences</p>', '<p class="legend">']
    for v in _ORDER:
        parts.append(f'<span style="--c:{COLORS[v]}"><span class="dot"></span> {e(LABELS[v])}: {counts.get(v, 0)}'
                     "</span>")
    parts.append("</p>")
    for n in result.get("notes", []):
        parts.append(f'<p class="note">{e(str(n))}</p>')
    for s in result.get("sentences", []):
        v = s["verdict"]
        cls = "sentence heading" if s.get("heading") else "sentence"
        parts.append(f'<div class="{cls}" id="s{int(s["index"])}" style="--c:{COLORS.get(v, "#6b7280")}">')
        parts.append(f'<p><mark title="confidence {s["confidence"]:.2f}">{e(LABELS.get(v, v))}</mark>'
                     f'{e(s["text"])}</p>')
        states = ", ".join(str(c) for c in s.get("states", [])) or "none"
        n_ev = len(s.get("evidence", []))
        parts.append(f"<details><summary>{e(str(s.get('kind') or 'no claim kind'))} · period {e(_period(s))} · "
                     f"confidence {s['confidence']:.2f} · {n_ev} evidence item{'s' if n_ev != 1 else ''}</summary>")
        parts.append(f"<p>States (COW ccode): {e(states)}</p>")
        if s.get("reasons"):
            parts.append("<ul>" + "".join(f"<li>{e(str(r))}</li>" for r in s["reasons"]) + "</ul>")
        if s.get("evidence"):
            parts.append("<ul>")
            for ev in s["evidence"]:
                parts.append(f"<li><strong>{e(ev['date'])}</strong> {e(ev['what'])}<br>"
                             f'<span class="src">{e(ev["source"])}</span></li>')
            parts.append("</ul>")
        parts.append("</details></div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
