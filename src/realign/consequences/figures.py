"""Figures for the consequences report (matplotlib, rendered to PNG bytes; inlined in HTML)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

from realign.data.names import state_name  # noqa: E402
from realign.system.snapshot import System  # noqa: E402

COLORS = {"allies": "#1f5fa8", "axis": "#b2182b", "neutral": "#9a9a9a", "history": "#111111"}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def capability_figure(c) -> bytes:
    """Capability share aligned with Germany (Axis) and with the Allies, model vs record, by month.

    Parameters
    ----------
    c : Consequences
        A WWII consequences result (its ``germany_isolation`` and ``ussr_standing`` metrics).

    Returns
    -------
    bytes
        The PNG image.
    """
    iso = c.metrics["germany_isolation"]
    ussr = c.metrics["ussr_standing"]["allied_capability_share"]
    x = np.arange(len(iso["months"]))
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.fill_between(
        x,
        iso["factual_p05"],
        iso["factual_p95"],
        color=COLORS["axis"],
        alpha=0.15,
        label="Axis share, factual 90% band",
    )
    ax.plot(x, iso["factual_mean"], color=COLORS["axis"], lw=2, label="Axis share, factual (mean)")
    ax.plot(x, iso["counterfactual_mean"], color=COLORS["axis"], lw=2, ls="--", label="Axis share, counterfactual")
    ax.plot(x, iso["history"], color=COLORS["history"], lw=1.5, marker="o", ms=3, label="Axis share, record")
    ax.plot(x, ussr["factual_mean"], color=COLORS["allies"], lw=2, label="Allied share, factual (mean)")
    ax.plot(x, ussr["counterfactual_mean"], color=COLORS["allies"], lw=2, ls="--", label="Allied share, counterfactual")
    ax.plot(x, ussr["history"], color=COLORS["allies"], lw=1, marker="s", ms=3, alpha=0.6, label="Allied share, record")
    step = max(1, len(x) // 9)
    ax.set_xticks(x[::step], [iso["months"][i] for i in range(0, len(x), step)], rotation=45, ha="right")
    ax.set_ylabel("share of system CINC (COW NMC)")
    ax.set_ylim(0, 1)
    ax.set_title(f"Coalition capability after {c.event.name}: model vs record")
    ax.legend(fontsize=7, ncol=2, loc="center right")
    ax.grid(alpha=0.3)
    return _png(fig)


def timeline_figure(c, ccodes: tuple[int, ...]) -> bytes:
    """State-by-month P(axis) (factual and counterfactual) with the recorded side marked.

    Parameters
    ----------
    c : Consequences
        The consequences result.
    ccodes : tuple of int
        COW state codes (ccode) of the rows; states not in the forecast are skipped.

    Returns
    -------
    bytes
        The PNG image.
    """
    fac, cf = c.factual, c.counterfactual
    pos = {cc: i for i, cc in enumerate(fac.ccodes)}
    rows = [cc for cc in ccodes if cc in pos]
    months = [d.strftime("%Y-%m") for d in fac.days]
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.45 * len(rows) + 1.6), sharey=True)
    for ax, res, title in ((axes[0], fac, "factual (historical outcome)"), (axes[1], cf, "counterfactual (reversed)")):
        p = res.p_side  # a property over every run: computed once per arm, not per cell
        m = np.array([[p[t, pos[cc], 2] for t in range(len(months))] for cc in rows])
        ax.imshow(m, aspect="auto", cmap="Reds", vmin=0, vmax=1)
        # the record's markers, one artist per side (not per cell: ~1,000 fewer artists, the same pixels)
        cells: dict[int, list[tuple[int, int]]] = {0: [], 1: [], 2: []}
        for r, cc in enumerate(rows):
            for t in range(len(months)):
                if c.truth_member[t, pos[cc]]:
                    cells[int(c.truth[t, pos[cc]])].append((t, r))
        for side, tr in cells.items():
            if tr:
                ax.plot(
                    [t for t, _ in tr],
                    [r for _, r in tr],
                    ls="none",
                    marker={0: "o", 1: "s", 2: "x"}[side],
                    ms=3.5,
                    color={0: "#666666", 1: COLORS["allies"], 2: "black"}[side],
                )
        ax.set_title(f"P(axis), {title}", fontsize=9)
        step = max(1, len(months) // 7)
        ax.set_xticks(
            range(0, len(months), step),
            [months[i] for i in range(0, len(months), step)],
            rotation=45,
            ha="right",
            fontsize=7,
        )
    axes[0].set_yticks(range(len(rows)), [state_name(cc) for cc in rows], fontsize=8)
    fig.text(
        0.5,
        -0.04,
        "shading: model P(axis); markers: record (x axis, square allies, dot not fighting)",
        ha="center",
        fontsize=8,
    )
    return _png(fig)


def network_figure(c) -> bytes:
    """Signed alliance/war network on the battle's first day and at the end of the horizon (record).

    Parameters
    ----------
    c : Consequences
        The consequences result (its event and last forecast day).

    Returns
    -------
    bytes
        The PNG image.
    """
    days = [c.event.start, c.factual.days[-1]]
    graphs = [System.at(d).to_networkx() for d in days]
    union = nx.Graph()
    for g in graphs:
        union.add_nodes_from(g.nodes)
        union.add_edges_from(g.edges)
    pos = nx.spring_layout(union, seed=7, k=1.5, iterations=200)
    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    for ax, g, d in zip(axes, graphs, days, strict=True):
        s = System.at(d)
        sides = s.war_sides(c.event.war)
        keep = [n for n in g.nodes if g.degree(n) > 0]
        h = g.subgraph(keep)
        colors = [
            COLORS["allies"] if sides.get(n) == 1 else COLORS["axis"] if sides.get(n) == 2 else COLORS["neutral"]
            for n in h.nodes
        ]
        sizes = [30 + 2500 * (h.nodes[n].get("cinc") or 0) for n in h.nodes]
        pos_e = [(u, v) for u, v, a in h.edges(data=True) if a["sign"] > 0]
        neg_e = [(u, v) for u, v, a in h.edges(data=True) if a["sign"] < 0]
        nx.draw_networkx_edges(h, pos, edgelist=pos_e, ax=ax, edge_color="#4a7", alpha=0.35, width=0.6)
        nx.draw_networkx_edges(h, pos, edgelist=neg_e, ax=ax, edge_color="#c33", alpha=0.25, width=0.5, style="dashed")
        nx.draw_networkx_nodes(h, pos, ax=ax, node_color=colors, node_size=sizes, linewidths=0.5, edgecolors="white")
        labels = {
            n: h.nodes[n].get("stateabb", str(n))
            for n in h.nodes
            if (h.nodes[n].get("cinc") or 0) > 0.01 or n in (325, 360, 355, 375, 310, 640)
        }
        nx.draw_networkx_labels(h, pos, labels=labels, ax=ax, font_size=7)
        ax.set_title(f"{d} (record): green = alliance/same side, red dashed = opposite sides", fontsize=8)
        ax.axis("off")
    return _png(fig)
