"""Render the consequences report as Markdown, self-contained HTML (figures inlined) or JSON."""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
from pathlib import Path

from realign.consequences.compute import MINOR_AXIS, NEUTRALS, Consequences
from realign.consequences.figures import capability_figure, network_figure, timeline_figure

__all__ = ["render_markdown", "render_html", "write_report", "figures", "summary_lines"]


def figures(c: Consequences) -> dict[str, bytes]:
    """PNG bytes of the report's figures."""
    return {
        "capability": capability_figure(c),
        "timeline": timeline_figure(c, (*MINOR_AXIS, *NEUTRALS, 140, 70, 160)),
        "network": network_figure(c),
    }


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _sections(c: Consequences) -> list[tuple[str, list[str]]]:
    m = c.metrics
    s = m["summary"]
    ev = c.event
    out: list[tuple[str, list[str]]] = []
    b = m["brier"]
    out.append(("Summary", [
        f"Event: **{ev.name}** ({ev.start} to {ev.end}); information cut-off {c.factual.spec.start}; "
        f"{c.factual.runs} replicates per arm, seed {c.factual.seed}; horizon {b['months']}.",
        "Factual = the battle as it happened (catalogue effects); counterfactual = the outcome reversed "
        f"(catalogue assumption: {ev.reversed_assumption.removeprefix('assumption: ')})",
        "P(left the Axis by 1945-01), factual vs counterfactual: " + "; ".join(
            f"{k} {_pct(v['factual'])} vs {_pct(v['counterfactual'])}" for k, v in s["p_left_axis_by_1945_01"].items())
        + ".",
        f"Brier score on monthly sides {b['months']} ({b['cells']} state-months): model {b['factual']:.4f}, "
        f"persistence baseline {b['persistence']:.4f}, counterfactual {b['counterfactual']:.4f} "
        f"({'the model beats persistence' if s['beats_persistence'] else 'the model does NOT beat persistence'}).",
    ]))
    hs = m.get("hindsight", {})
    hp = hs.get("p_left_axis_by_1945_01", {})
    rows = ["| state | record: left the Axis | P(left by 1945-01) factual | counterfactual | "
            "with later battles (hindsight) | model median exit |",
            "|---|---|---|---|---|---|"]
    for r in m["axis_cohesion"]["minor_allies"]:
        rows.append(f"| {r['name']} | {r['historical_exit'] or 'not in window'} | "
                    f"{_pct(r['p_left_axis_by_1945_01']['factual'])} | "
                    f"{_pct(r['p_left_axis_by_1945_01']['counterfactual'])} | "
                    f"{_pct(hp[r['name']]) if r['name'] in hp else '—'} | "
                    f"{r['model_median_exit_month'] or 'after the horizon (<50% exit)'} |")
    if hs.get("events"):
        rows.append("")
        rows.append(f"Hindsight arm: the factual run plus the later catalogue battles as they happened "
                    f"({', '.join(hs['events'])}); Brier {hs['brier']:.4f}. {hs['note'].capitalize()}.")
    coh = m["axis_cohesion"]
    from realign.data.names import state_name

    rows.append("")
    rows.append("Order of exits, record: " + " → ".join(state_name(x) for x in coh["historical_order"])
                + "; model (mean exit time): " + " → ".join(state_name(x) for x in coh["model_order"])
                + f" (Spearman {coh['order_spearman']:.2f}).")
    e = coh["expected_axis_members_1945_01"]
    rows.append(f"Expected minor allies still with Germany in 1945-01: factual {e['factual']:.2f}, counterfactual "
                f"{e['counterfactual']:.2f}, record {e['history']}.")
    out.append(("Axis cohesion: the minor allies' exits", rows))
    iso = m["germany_isolation"]
    out.append(("Germany's isolation", [
        f"Capability share aligned with Germany: start {iso['factual_mean'][0]:.3f} (model) / "
        f"{iso['history'][0]:.3f} (record); end of horizon factual {iso['factual_mean'][-1]:.3f} "
        f"[90%: {iso['factual_p05'][-1]:.3f}-{iso['factual_p95'][-1]:.3f}], counterfactual "
        f"{iso['counterfactual_mean'][-1]:.3f}, record {iso['history'][-1]:.3f}.",
        iso["note"] + ".",
    ]))
    rows = ["| state | P(allies) at end, factual | counterfactual | record at end | recorded moves in window |",
            "|---|---|---|---|---|"]
    for r in m["neutrals_drift"]["states"]:
        if r["ccode"] not in NEUTRALS and not r["history_events"]:
            continue
        moves = "; ".join(f"{h['date']} {h['kind']} {h['counterpart'] or ''}".strip() for h in r["history_events"][:4])
        pa = r["p_allies_end"]
        rows.append(f"| {r['name']} | {_pct(pa['factual'])} | {_pct(pa['counterfactual'])}"
                    f" | {['not fighting', 'allies', 'axis'][r['history_side_end']]} | {moves or '—'} |")
    rows.append("")
    rows.append(m["neutrals_drift"]["note"] + ".")
    out.append(("Neutrals' drift", rows))
    u = m["ussr_standing"]
    out.append(("The USSR's standing", [
        f"States at war on the Allied side (the USSR's co-belligerents), start → end: factual "
        f"{u['expected_allied_states']['factual'][0]:.1f} → {u['expected_allied_states']['factual'][-1]:.1f}, "
        f"counterfactual {u['expected_allied_states']['counterfactual'][-1]:.1f}, record "
        f"{u['expected_allied_states']['history'][0]} → {u['expected_allied_states']['history'][-1]}.",
    ]))
    sup = m["us_uk_support"]
    rows = [f"- {h['date']}: {h['name']} — {h['kind']} — {h['counterpart']} ({h['source']})" for h in sup["history"]]
    out.append(("US and British support for the USSR", rows + ["", sup["note"] + "."]))
    bl = m["postwar_blocs"]
    rows = ["NATO founders/joiners (record): " + ", ".join(f"{x['name']} {x['date']}" for x in bl["nato"]) + ".",
            "Warsaw Pact (record): " + ", ".join(f"{x['name']} {x['date']}" for x in bl["warsaw_pact"]) + "."]
    ls = bl.get("landscape_1955", {})
    if "agreement" in ls:
        rows.append(f"Landscape global minimum on 1955 data ({ls['n']} bloc members, exact={ls['exact']}): "
                    f"{_pct(ls['agreement'])} of states placed with their actual bloc ({ls['data_used']}).")
    elif ls:
        rows.append(f"Landscape prediction unavailable: {ls.get('error')}.")
    out.append(("Post-war blocs (to 1955)", rows))
    out.append(("Where the model and the record disagree", [f"- {n}" for n in c.notes]))
    return out


def summary_lines(c: Consequences) -> list[str]:
    """The report's summary and cohesion table as plain lines (for the terminal)."""
    out = []
    for title, body in _sections(c)[:2]:
        out += [title.upper(), *[x.replace("**", "") for x in body], ""]
    return out


def render_markdown(c: Consequences, figure_dir: str | None = None) -> str:
    """Markdown report (figures referenced as files when ``figure_dir`` is given)."""
    lines = [f"# Consequences of {c.event.name}", ""]
    for title, body in _sections(c):
        lines += [f"## {title}", "", *body, ""]
        if figure_dir and title.startswith("Germany"):
            lines += ["![Coalition capability](capability.png)", ""]
        if figure_dir and title.startswith("Axis cohesion"):
            lines += ["![Alignment timeline](timeline.png)", ""]
    if figure_dir:
        lines += ["## The network before and after", "", "![Network](network.png)", ""]
    lines += ["## Record: dated changes in the window", "",
              "| date | state | kind | counterpart | verified | source |", "|---|---|---|---|---|---|"]
    for h in c.historical["changes"]:
        lines.append(f"| {h['date']} | {h['name']} | {h['kind']} | {h['counterpart'] or ''} | "
                     f"{'yes' if h['verified'] else 'UNVERIFIED'} | {h['source']} |")
    lines += ["", "Data: COW State System v2016, NMC v7.0, Inter-State War v4.0, ATOP 5.1, COW contiguity 3.2, "
              "MID 4.3, V-Dem via isard, WWII events table (see `realign data cite`)."]
    return "\n".join(lines) + "\n"


def _md_inline(text: str) -> str:
    t = html.escape(text)
    while "**" in t:
        t = t.replace("**", "<strong>", 1).replace("**", "</strong>", 1)
    return t


def render_html(c: Consequences, figs: dict[str, bytes] | None = None) -> str:
    """Self-contained HTML: no CDN, figures inlined as base64 PNG, every text escaped."""
    figs = figs if figs is not None else figures(c)

    def img(name: str, alt: str) -> str:
        if name not in figs:
            return ""
        data = base64.b64encode(figs[name]).decode()
        return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></figure>'

    parts = [f"<h1>Consequences of {html.escape(c.event.name)}</h1>"]
    for title, body in _sections(c):
        parts.append(f"<section><h2>{html.escape(title)}</h2>")
        table: list[str] = []
        for line in body + [""]:
            if line.startswith("|"):
                if not set(line) <= set("|-"):
                    table.append(line)
                continue
            if table:
                head, *rest = table
                cells = lambda r: [x.strip() for x in r.strip("|").split("|")]  # noqa: E731
                parts.append("<table><thead><tr>" + "".join(f"<th>{html.escape(x)}</th>" for x in cells(head))
                             + "</tr></thead><tbody>" + "".join(
                                 "<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells(r)) + "</tr>"
                                 for r in rest) + "</tbody></table>")
                table = []
            if line.startswith("- "):
                parts.append(f"<p class='li'>• {_md_inline(line[2:])}</p>")
            elif line:
                parts.append(f"<p>{_md_inline(line)}</p>")
        if title.startswith("Germany"):
            parts.append(img("capability", "Coalition capability shares over time, model and record"))
        if title.startswith("Axis cohesion"):
            parts.append(img("timeline", "State-by-month probability of being on the Axis side, with the record"))
        parts.append("</section>")
    parts.append("<section><h2>The network before and after</h2>" + img("network", "Signed network") + "</section>")
    rows = "".join(
        f"<tr><td>{html.escape(h['date'])}</td><td>{html.escape(h['name'])}</td><td>{html.escape(h['kind'])}</td>"
        f"<td>{html.escape(h['counterpart'] or '')}</td><td>{'yes' if h['verified'] else '<b>unverified</b>'}</td>"
        f"<td class='src'>{html.escape(h['source'])}</td></tr>" for h in c.historical["changes"])
    parts.append("<section><h2>Record: dated changes in the window</h2><details><summary>"
                 f"{len(c.historical['changes'])} rows with sources</summary><table><thead><tr><th>date</th>"
                 "<th>state</th><th>kind</th><th>counterpart</th><th>verified</th><th>source</th></tr></thead>"
                 f"<tbody>{rows}</tbody></table></details></section>")
    css = ("body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2rem auto;"
           "padding:0 1rem;color:#222}h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;"
           "margin-top:2rem}table{border-collapse:collapse;font-size:13px;margin:.5rem 0}td,th{border:1px solid #ddd;"
           "padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}figure{margin:1rem 0}"
           "img{max-width:100%}td.src{font-size:11px;word-break:break-all;max-width:28rem}p.li{margin:.2rem 0}")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>realign: consequences of {html.escape(c.event.name)}</title><style>{css}</style></head>"
            f"<body>{''.join(parts)}</body></html>")


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def write_report(c: Consequences, out: str | Path) -> dict[str, Path]:
    """Write report.md (+ PNG figures), report.html (self-contained) and report.json into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figs = figures(c)
    paths = {}
    for name, data in figs.items():
        _atomic_write(out / f"{name}.png", data)
    paths["markdown"] = out / "report.md"
    _atomic_write(paths["markdown"], render_markdown(c, figure_dir=str(out)).encode())
    paths["html"] = out / "report.html"
    _atomic_write(paths["html"], render_html(c, figs).encode())
    paths["json"] = out / "report.json"
    _atomic_write(paths["json"], json.dumps(c.to_dict(), indent=1).encode())
    return paths
