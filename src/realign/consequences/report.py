"""Render the consequences report as Markdown, self-contained HTML (figures inlined) or JSON."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from realign.atomic import atomic_write_bytes
from realign.consequences.compute import MINOR_AXIS, NEUTRALS, Consequences
from realign.consequences.figures import capability_figure, network_figure, timeline_figure

__all__ = ["render_markdown", "render_html", "write_report", "figures", "summary_lines"]


def figures(c: Consequences) -> dict[str, bytes]:
    """PNG bytes of the report's figures.

    Parameters
    ----------
    c : Consequences
        The consequences result.

    Returns
    -------
    dict of str to bytes
        ``capability``, ``timeline`` and ``network`` PNG images.
    """
    return {
        "capability": capability_figure(c),
        "timeline": timeline_figure(c, (*MINOR_AXIS, *NEUTRALS, 140, 70, 160)),
        "network": network_figure(c),
    }


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _iv(d: dict) -> str:
    return f"{d['mean']:.2f} [90%: {d['p05']:.0f}-{d['p95']:.0f}]"


Section = tuple[str, list[str]]


def _summary(c: Consequences) -> Section:
    m = c.metrics
    ev, fac, b = c.event, c.factual, m["brier"]
    head = [
        f"Event: **{ev.name}** ({ev.start} to {ev.end}); information cut-off {fac.spec.at} (the date its outcome was "
        f"known); {fac.runs} simulated futures per arm, seed {fac.spec.seed}; horizon {b['months']}.",
        "Factual = the battle as it happened; counterfactual = its outcome reversed (catalogue assumption: "
        f"{ev.reversed_assumption.removeprefix('assumption: ')}); hindsight = the factual arm given the recorded "
        "fronts and later battles (not a forecast).",
        "The chain: battle -> credibility and capability -> the campaign (when enemy forces reach each state, by a "
        "contact hazard fitted before the cut-off) -> each state's monthly exit/join hazard (fitted across "
        f"{len(m['fit']['wars'])} COW wars) -> contagion between neighbours.",
    ]
    ex = m["summary"].get("expected_exits") or {}
    for month, e in ex.items():
        head.append(
            f"Expected exits of Germany's five minor allies by {month}: factual {_iv(e['factual'])}, "
            f"counterfactual {_iv(e['counterfactual'])}, hindsight {_iv(e['hindsight'])}; record "
            f"{e['record']}."
        )
    head.append(
        f"Brier score on monthly sides {b['months']} ({b['cells']} state-months): model {b['factual']:.4f}, "
        f"persistence {b['persistence']:.4f} (skill {b['skill_vs_persistence']:+.1%}), counterfactual "
        f"{b['counterfactual']:.4f}, hindsight {b['hindsight']:.4f}."
    )
    return "Summary", head


def _cohesion(coh: dict) -> Section:
    from realign.data.names import state_name

    rows = [
        "| state | record: left the Axis | P(left by 1945-01) factual | counterfactual | hindsight | "
        "model exit month: median [90%] | months off |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in coh["minor_allies"]:
        p, e = r["p_left_by"], r["exit_month"]
        rows.append(
            f"| {r['name']} | {r['historical_exit'] or 'not in window'} | {_pct(p['factual'])} | "
            f"{_pct(p['counterfactual'])} | {_pct(p['hindsight'])} | "
            f"{e['median'] or 'after the horizon'} [{e['p05'] or '-'} .. {e['p95'] or 'after'}] | "
            f"{r['months_off'] if r['months_off'] is not None else '-'} |"
        )
    rows += [
        "",
        "Order of exits, record: "
        + " → ".join(state_name(x) for x in coh["historical_order"])
        + "; model (mean exit time, censored at the horizon): "
        + " → ".join(state_name(x) for x in coh["model_order"])
        + f" (Spearman {coh['order_spearman']:.2f}). Median exit within 4 months of the record: "
        f"{coh['median_within_4_months']} of {len(coh['minor_allies'])}.",
    ]
    return "Axis cohesion: the minor allies' exits", rows


def _in_sample(ins: dict) -> Section:
    rows = [
        f"The same information set, with the hazards fitted on this war through {ins['fit_until']} as well "
        "(in-sample: the record after the cut-off informs the weights, so this explains rather than "
        "forecasts):",
        "",
        "| state | P(left by 1945-01) factual | counterfactual | model median exit |",
        "|---|---|---|---|",
    ]
    for name, p in ins["p_left_by"].items():
        rows.append(
            f"| {name} | {_pct(p['factual'])} | {_pct(p['counterfactual'])} | "
            f"{ins['median_exit'][name] or 'after the horizon'} |"
        )
    for month, e in ins["expected_exits"].items():
        rows.append("")
        rows.append(
            f"Expected exits by {month}: factual {_iv(e['factual'])}, counterfactual {_iv(e['counterfactual'])}."
        )
    b = ins["brier"]
    rows.append(
        f"Brier {b['factual']:.4f} vs persistence {b['persistence']:.4f} (skill {b['skill_vs_persistence']:+.1%})."
    )
    if "channels" in ins:
        ch = ins["channels"]
        rows.append(
            "Channels (in-sample): "
            + "; ".join(f"{k} {v:+.2f}" for k, v in ch["channels"].items())
            + f" of a factual-counterfactual difference of {ch['difference_expected_exits']:+.2f} exits."
        )
    return "The mechanism in-sample", rows


def _wwi_changes(w: dict) -> Section:
    rows = [
        f"Recorded entries, exits and side changes within {w['window_months']} months of the cut-off "
        f"(to {w['window_end']}), with the forecast probability of a change in that window:",
        "",
        "| state | record | P(change) factual | counterfactual | hindsight |",
        "|---|---|---|---|---|",
    ]
    for r in w["states"].values():
        rec = "; ".join(f"{h['date']} {h['kind']}" for h in r["record"])
        p = r["p_change_within_window"]
        rows.append(
            f"| {r['name']} | {rec} | {_pct(p['factual'])} | {_pct(p['counterfactual'])} | {_pct(p['hindsight'])} |"
        )
    if not w["states"]:
        rows.append("| (no recorded change in the window) | | | | |")
    e = w.get("expected_changes")
    if e:
        rows += [
            "",
            f"Expected number of states (outside the cores) changing side within the window: factual "
            f"{e['factual']:.2f}, counterfactual {e['counterfactual']:.2f}, hindsight {e['hindsight']:.2f}.",
        ]
    return "Recorded changes after the battle", rows


def _channels_section(ch: dict, what: str) -> Section:
    rows = [
        f"Factual minus counterfactual {what} by {ch['month']}: {ch['difference_expected_exits']:+.2f}.",
        "",
        "| channel | share of the difference (exits) |",
        "|---|---|",
    ]
    rows += [f"| {k} | {v:+.2f} |" for k, v in ch["channels"].items()]
    rows += ["", ch["note"] + "."]
    return "How the outcome acts: channel decomposition", rows


def _isolation(m: dict) -> Section:
    iso, lab = m["germany_isolation"], m["summary"]["labels"]
    rows = ["| year | model: side-2 capability share (mean) | record | difference |", "|---|---|---|---|"]
    rows += [
        f"| {y} | {v['model']:.3f} | {v['record']:.3f} | {v['difference']:+.3f} |" for y, v in iso["yearly"].items()
    ]
    rows += [
        "",
        f"Capability share of side 2 ({lab[2]}) at the end of the horizon: factual "
        f"{iso['factual_mean'][-1]:.3f} [90%: {iso['factual_p05'][-1]:.3f}-{iso['factual_p95'][-1]:.3f}], "
        f"counterfactual {iso['counterfactual_mean'][-1]:.3f}, record {iso['history'][-1]:.3f}.",
        iso["note"] + ".",
    ]
    cp = m.get("capability_paths", {}).get("states", {})
    if cp:
        years = sorted({y for v in cp.values() for y in v})
        rows += [
            "",
            "Projected CINC beside the record (each state's trend, before battle and contact effects):",
            "",
            "| state | " + " | ".join(f"{y} model | {y} record" for y in years) + " |",
            "|---|" + "---|" * (2 * len(years)),
        ]
        for name, v in cp.items():
            cells = []
            for y in years:
                r = v.get(y, {})
                cells += [
                    f"{r['model']:.3f}" if r else "-",
                    f"{r['record']:.3f}" if r and r.get("record") is not None else "missing",
                ]
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "Germany's isolation: capability paths", rows


def _record_sections(m: dict) -> list[Section]:
    """Neutrals, US/UK support and the post-war blocs (WWII reports)."""
    rows = [
        "| state | P(allies) at end, factual | counterfactual | record at end | recorded moves in window |",
        "|---|---|---|---|---|",
    ]
    for r in m["neutrals_drift"]["states"]:
        if r["ccode"] not in NEUTRALS and not r["history_events"]:
            continue
        moves = "; ".join(f"{h['date']} {h['kind']} {h['counterpart'] or ''}".strip() for h in r["history_events"][:4])
        pa = r["p_allies_end"]
        rows.append(
            f"| {r['name']} | {_pct(pa['factual'])} | {_pct(pa['counterfactual'])}"
            f" | {['not fighting', 'allies', 'axis'][r['history_side_end']]} | {moves or '—'} |"
        )
    rows += ["", m["neutrals_drift"]["note"] + "."]
    out = [("Neutrals' drift", rows)]
    sup = m["us_uk_support"]
    rows = [f"- {h['date']}: {h['name']} — {h['kind']} — {h['counterpart']} ({h['source']})" for h in sup["history"]]
    out.append(("US and British support for the USSR", rows + ["", sup["note"] + "."]))
    bl = m["postwar_blocs"]
    rows = [
        "NATO founders/joiners (record): " + ", ".join(f"{x['name']} {x['date']}" for x in bl["nato"]) + ".",
        "Warsaw Pact (record): " + ", ".join(f"{x['name']} {x['date']}" for x in bl["warsaw_pact"]) + ".",
    ]
    ls = bl.get("landscape_1955", {})
    if "agreement" in ls:
        rows.append(
            f"Landscape global minimum on 1955 data ({ls['n']} bloc members, exact={ls['exact']}): "
            f"{_pct(ls['agreement'])} of states placed with their actual bloc ({ls['data_used']})."
        )
    elif ls:
        rows.append(f"Landscape prediction unavailable: {ls.get('error')}.")
    rows.append(
        "Post-war bloc formation (1949-1955) is beyond the simulated horizon: shown from the record, not "
        "attributed to the battle."
    )
    out.append(("Post-war blocs (to 1955)", rows))
    return out


def _fit(fit: dict) -> Section:
    rows = [
        f"Hazards fitted on COW wars {', '.join(map(str, fit['wars']))}; share of capability lost under enemy "
        f"contact (calibrated before the cut-off): {fit['contact_loss']:.3f}.",
        "",
        "| hazard | term | coefficient | SE | 95% interval |",
        "|---|---|---|---|---|",
    ]
    for k in ("exit", "join", "contact"):
        for r in fit[k]["table"]:
            rows.append(
                f"| {k} (n={fit[k]['n_obs']}, events={fit[k]['n_events']}"
                f"{', ridge' if fit[k]['penalised'] else ''}) | {r['term']} | {r['coef']:+.2f} | "
                f"{r['se']:.2f} | {r['lo95']:+.2f} .. {r['hi95']:+.2f} |"
            )
    return "What the model was fitted on", rows


def _sections(c: Consequences) -> list[Section]:
    """The report's sections in order, each (title, Markdown lines); a section appears when its metrics exist."""
    m = c.metrics
    out = [_summary(c)]
    if "axis_cohesion" in m:
        out.append(_cohesion(m["axis_cohesion"]))
    if "in_sample" in m:
        out.append(_in_sample(m["in_sample"]))
    if "wwi_changes" in m:
        out.append(_wwi_changes(m["wwi_changes"]))
    if "channels" in m:
        out.append(
            _channels_section(m["channels"], "expected exits" if "axis_cohesion" in m else "expected side changes")
        )
    out.append(_isolation(m))
    if "neutrals_drift" in m:
        out += _record_sections(m)
    out.append(_fit(m["fit"]))
    out.append(("Where the model and the record disagree", [f"- {n}" for n in c.notes]))
    return out


def summary_lines(c: Consequences) -> list[str]:
    """The report's summary and cohesion table as plain lines (for the terminal).

    Parameters
    ----------
    c : Consequences
        The consequences result.

    Returns
    -------
    list of str
        Section titles in capitals, their lines without Markdown bold, blank lines between.
    """
    out = []
    for title, body in _sections(c)[:2]:
        out += [title.upper(), *[x.replace("**", "") for x in body], ""]
    return out


def render_markdown(c: Consequences, figure_dir: str | None = None) -> str:
    """Markdown report (figures referenced as files when ``figure_dir`` is given).

    Parameters
    ----------
    c : Consequences
        The consequences result.
    figure_dir : str or None
        Folder holding the PNG figures; None leaves the figures out.

    Returns
    -------
    str
        The Markdown text.
    """
    lines = [f"# Consequences of {c.event.name}", ""]
    for title, body in _sections(c):
        lines += [f"## {title}", "", *body, ""]
        if figure_dir and title.startswith("Germany"):
            lines += ["![Coalition capability](capability.png)", ""]
        if figure_dir and title.startswith("Axis cohesion"):
            lines += ["![Alignment timeline](timeline.png)", ""]
    if figure_dir:
        lines += ["## The network before and after", "", "![Network](network.png)", ""]
    lines += [
        "## Record: dated changes in the window",
        "",
        "| date | state | kind | counterpart | verified | source |",
        "|---|---|---|---|---|---|",
    ]
    for h in c.historical["changes"]:
        lines.append(
            f"| {h['date']} | {h['name']} | {h['kind']} | {h['counterpart'] or ''} | "
            f"{'yes' if h['verified'] else 'UNVERIFIED'} | {h['source']} |"
        )
    lines += [
        "",
        "Data: COW State System v2016, NMC v7.0, Inter-State War v4.0, ATOP 5.1, COW contiguity 3.2, "
        "MID 4.3, V-Dem via isard, WWII events table (see `realign data cite`).",
    ]
    return "\n".join(lines) + "\n"


def _md_inline(text: str) -> str:
    t = html.escape(text)
    while "**" in t:
        t = t.replace("**", "<strong>", 1).replace("**", "</strong>", 1)
    return t


def render_html(c: Consequences, figs: dict[str, bytes] | None = None) -> str:
    """Self-contained HTML: no CDN, figures inlined as base64 PNG, every text escaped.

    Parameters
    ----------
    c : Consequences
        The consequences result.
    figs : dict of str to bytes or None
        PNG bytes by figure name (:func:`figures`); None renders them.

    Returns
    -------
    str
        The HTML document.
    """
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
                parts.append(
                    "<table><thead><tr>"
                    + "".join(f"<th>{html.escape(x)}</th>" for x in cells(head))
                    + "</tr></thead><tbody>"
                    + "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells(r)) + "</tr>" for r in rest)
                    + "</tbody></table>"
                )
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
        f"<td class='src'>{html.escape(h['source'])}</td></tr>"
        for h in c.historical["changes"]
    )
    parts.append(
        "<section><h2>Record: dated changes in the window</h2><details><summary>"
        f"{len(c.historical['changes'])} rows with sources</summary><table><thead><tr><th>date</th>"
        "<th>state</th><th>kind</th><th>counterpart</th><th>verified</th><th>source</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details></section>"
    )
    css = (
        "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2rem auto;"
        "padding:0 1rem;color:#222}h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;"
        "margin-top:2rem}table{border-collapse:collapse;font-size:13px;margin:.5rem 0}td,th{border:1px solid #ddd;"
        "padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}figure{margin:1rem 0}"
        "img{max-width:100%}td.src{font-size:11px;word-break:break-all;max-width:28rem}p.li{margin:.2rem 0}"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>realign: consequences of {html.escape(c.event.name)}</title><style>{css}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )


def write_report(c: Consequences, out: str | Path) -> dict[str, Path]:
    """Write report.md (+ PNG figures), report.html (self-contained) and report.json into ``out``.

    Parameters
    ----------
    c : Consequences
        The consequences result.
    out : str | pathlib.Path
        Output folder (created if missing); every file is written atomically.

    Returns
    -------
    dict of str to pathlib.Path
        ``markdown``, ``html`` and ``json`` -> the written files.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figs = figures(c)
    paths = {}
    for name, data in figs.items():
        atomic_write_bytes(out / f"{name}.png", data)
    paths["markdown"] = out / "report.md"
    atomic_write_bytes(paths["markdown"], render_markdown(c, figure_dir=str(out)).encode())
    paths["html"] = out / "report.html"
    atomic_write_bytes(paths["html"], render_html(c, figs).encode())
    paths["json"] = out / "report.json"
    atomic_write_bytes(paths["json"], json.dumps(c.to_dict(), indent=1).encode())
    return paths
