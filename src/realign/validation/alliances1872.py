"""Validation case 3: the European great powers 1872–1907 as signed networks (structural balance).

Nodes: UK 200, France 220, Germany 255, Austria-Hungary 300, Italy 325, Russia 365.

Signed network for year ``Y`` (all data dated in or before ``Y``):

* **+1** — an ATOP 5.1 obligation of any type (defence, offence, neutrality, non-aggression,
  consultation) in force in ``Y`` (``System.at(f"{Y}-12-31").alliances``);
* **−1** — otherwise, if the pair fought on opposite sides of a COW inter-state war that ended in
  the 30 years before the end of ``Y``, or were on opposite sides of a COW MID that started in the 10
  years ``Y-9 .. Y``;
* no edge otherwise. An alliance overrides past hostility.

1907 is shown twice: from ATOP alone, and with the Anglo-Russian Convention of 31 August 1907
(an entente on Persia, Afghanistan and Tibet, which ATOP 5.1 does not code as an alliance — ATOP
has no UK–Russia obligation before 1914) added as a hand-coded + edge, marked as such.

Balance dynamics (Antal–Krapivsky–Redner triad dynamics; Marvel–Strogatz–Kleinberg continuous
``dX/dt = X²``) are run from the 1872 and 1882 networks with seeds ``0..n_seeds-1``; their
two-faction end states are compared with the 1907 blocs, Triple Alliance {255, 300, 325} vs Triple
Entente {200, 220, 365}.

References: Cartwright & Harary (1956); Antal, Krapivsky & Redner (2005) *Phys. Rev. E* 72, 036121
(whose worked example is this very sequence); Marvel, Strogatz & Kleinberg (2009) *PRL* 103, 198701.
"""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache
from typing import Any

import pandas as pd

from realign.models.balance import balance_scores, continuous_dynamics, frustration_index, triad_dynamics
from realign.system import snapshot as _snap
from realign.system.information import InformationSet
from realign.validation.common import match_and_score, named_confusion

__all__ = ["POWERS", "YEARS", "BLOCS_1907", "ANGLO_RUSSIAN_1907", "signed_edges", "run"]

POWERS = (200, 220, 255, 300, 325, 365)
NAMES = {200: "UK", 220: "France", 255: "Germany", 300: "Austria-Hungary", 325: "Italy", 365: "Russia"}
YEARS = (1872, 1882, 1892, 1907)
#: 1 = Triple Entente, 2 = Triple Alliance.
BLOCS_1907 = {200: 1, 220: 1, 365: 1, 255: 2, 300: 2, 325: 2}
ANGLO_RUSSIAN_1907 = {
    "pair": (200, 365),
    "date": "1907-08-31",
    "source": "Anglo-Russian Convention, St Petersburg, 31 August 1907 (hand-coded; not in ATOP 5.1)",
}
WAR_MEMORY = 30
MID_WINDOW = 10


def _hostile_pairs(year: int) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    end = pd.Timestamp(f"{year}-12-31")
    info = InformationSet(end.date())  # wars and disputes known at the end of the year
    w = info.war_spells()  # an end after the year is unknown (NaT), so such a war is not counted
    w = w[w["ccode"].isin(POWERS) & (w["end"] <= end) & (w["end"] > end - pd.DateOffset(years=WAR_MEMORY))]
    for war, g in w.groupby("war"):
        for (a, sa), (b, sb) in itertools.combinations(zip(g["ccode"], g["side"], strict=True), 2):
            if a != b and sa != sb:
                out.setdefault((min(a, b), max(a, b)), f"COW war {war} ({g['war_name'].iloc[0]})")
    m = info.mid_spells()
    m = m[m["ccode"].isin(POWERS) & (m["start"].dt.year <= year) & (m["start"].dt.year > year - MID_WINDOW)]
    for disp, g in m.groupby("dispnum"):
        for (a, sa), (b, sb) in itertools.combinations(zip(g["ccode"], g["sidea"], strict=True), 2):
            if a != b and sa != sb:
                out.setdefault((min(a, b), max(a, b)), f"COW MID {disp}")
    return out


def signed_edges(year: int, *, anglo_russian: bool = False) -> list[dict[str, Any]]:
    """Signed edges ``{a, b, sign, source}`` among the great powers for ``year`` (rule in the docstring).

    Parameters
    ----------
    year : int
        Calendar year; data dated up to 31 December of it is read.
    anglo_russian : bool
        Add the hand-coded Anglo-Russian Convention (UK-Russia, +1) from 1907 on.

    Returns
    -------
    list of dict
        One edge per signed pair of :data:`POWERS`: ``a``, ``b`` (ccodes), ``sign`` (+1/-1) and ``source``.
    """
    al = _snap.System.at(f"{year}-12-31").alliances
    pos: dict[tuple[int, int], str] = {}
    if al is not None:
        al = al[al["ccode1"].isin(POWERS) & al["ccode2"].isin(POWERS)]
        for r in al.itertuples():
            kinds = [k for k in ("defense", "offense", "neutral", "nonagg", "consul") if getattr(r, k)]
            pos[(int(r.ccode1), int(r.ccode2))] = f"{r.source}: {'/'.join(kinds)}"
    if anglo_russian and year >= 1907:
        pos.setdefault(ANGLO_RUSSIAN_1907["pair"], ANGLO_RUSSIAN_1907["source"])
    neg = _hostile_pairs(year)
    edges = []
    for a, b in itertools.combinations(POWERS, 2):
        if (a, b) in pos:
            edges.append({"a": a, "b": b, "sign": 1, "source": pos[(a, b)]})
        elif (a, b) in neg:
            edges.append({"a": a, "b": b, "sign": -1, "source": neg[(a, b)]})
    return edges


def _net(edges: list[dict[str, Any]]):
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(POWERS)
    for e in edges:
        g.add_edge(e["a"], e["b"], sign=e["sign"])
    return g


def _agreement(factions: list[list[int]]) -> dict[str, Any]:
    groups = sorted((list(f) for f in factions), key=len, reverse=True)
    if len(groups) == 1:
        groups.append([])
    if len(groups) > 2:  # k-balance end state: the largest faction vs the rest merged
        groups = [groups[0], [x for f in groups[1:] for x in f]]
    return match_and_score(groups, BLOCS_1907)


def _dynamics(edges, n_seeds: int) -> dict[str, Any]:
    out = {}
    g = _net(edges)
    for name, fn in (("triad", triad_dynamics), ("continuous", continuous_dynamics)):
        accs, ends = [], Counter()
        for seed in range(n_seeds):
            r = fn(g, seed=seed)
            f = sorted(sorted(int(x) for x in grp) for grp in r.factions)
            ends[str(f)] += 1
            accs.append(_agreement(r.factions)["accuracy"])
        modal, count = ends.most_common(1)[0]
        out[name] = {
            "mean_accuracy": sum(accs) / len(accs),
            "n_seeds": n_seeds,
            "share_matching_1907": sum(a == 1.0 for a in accs) / len(accs),
            "modal_factions": modal,
            "modal_share": count / n_seeds,
        }
    return out


def _networks() -> dict[str, dict[str, Any]]:
    """Each year's signed network (1907 also with the Anglo-Russian Convention, "1907+AR") and its balance scores."""
    networks = {}
    for year in YEARS:
        for ar in (False, True) if year == 1907 else (False,):
            edges = signed_edges(year, anglo_russian=ar)
            g = _net(edges)
            sc = balance_scores(g)
            fr = frustration_index(g)
            key = f"{year}+AR" if ar else str(year)
            agree = _agreement(fr.factions)
            networks[key] = {
                "year": year,
                "edges": [{**e, "a_name": NAMES[e["a"]], "b_name": NAMES[e["b"]]} for e in edges],
                "n_positive": sum(e["sign"] > 0 for e in edges),
                "n_negative": sum(e["sign"] < 0 for e in edges),
                "triangle_index": sc["triangle_index"],
                "frustration": sc["frustration"],
                "normalized_balance": sc["normalized_balance"],
                "balanced": sc["balanced"],
                "clusterable": sc["clusterable"],
                "min_frustration_factions": [[int(x) for x in f] for f in fr.factions],
                "factions_vs_1907_blocs": agree["accuracy"],
            }
    return networks


@cache
def _run(n_seeds: int) -> dict[str, Any]:
    networks = _networks()
    predictions = {str(y): _dynamics(signed_edges(y), n_seeds) for y in (1872, 1882)}
    # headline: continuous dynamics (seed 0) from the 1882 network vs the 1907 blocs
    g82 = _net(signed_edges(1882))
    r = continuous_dynamics(g82, seed=0)
    sc = _agreement(r.factions)
    bloc = {1: "Triple Entente", 2: "Triple Alliance"}
    confusion = named_confusion(sc["confusion"], bloc)
    per_state = [
        {
            "ccode": c,
            "state": NAMES[c],
            "predicted": bloc[sc["predicted"][c]],
            "actual": bloc[BLOCS_1907[c]],
            "correct": bool(sc["predicted"][c] == BLOCS_1907[c]),
        }
        for c in POWERS
    ]
    f07 = networks["1907"]
    moves = [networks[str(y)]["triangle_index"] for y in YEARS]
    return {
        "case": "1872-1907",
        "title": "European great powers 1872-1907: structural balance and dynamics",
        "accuracy": sc["accuracy"],
        "n": sc["n"],
        "correct": sc["correct"],
        "confusion": confusion,
        "per_state": per_state,
        "networks": networks,
        "dynamics": predictions,
        "headline": "continuous dynamics dX/dt = X^2 (seed 0) from the 1882 network vs the 1907 blocs",
        "toward_balance": {
            "triangle_index_by_year": dict(zip(map(str, YEARS), moves, strict=True)),
            "frustration_by_year": {str(y): networks[str(y)]["frustration"] for y in YEARS},
            "1907_min_frustration_split_matches_blocs": f07["factions_vs_1907_blocs"] == 1.0,
            "1907_with_anglo_russian_matches_blocs": networks["1907+AR"]["factions_vs_1907_blocs"] == 1.0,
        },
        "data_used": {
            "alliances": "ATOP 5.1 dyad-years for each network's year (any obligation type)",
            "hostility": (
                f"COW Inter-State War v4.0 wars ended within {WAR_MEMORY} years, COW MID 4.3 disputes "
                f"started within {MID_WINDOW} years, on opposite sides"
            ),
            "dynamics_inputs": "only the 1872 or 1882 network; nothing later",
            "hand_coded": ANGLO_RUSSIAN_1907["source"] + " (1907+AR network only)",
        },
        "notes": [
            "ATOP 5.1 has UK-France (consultation) and France-Russia (defence) in 1907 but no UK-Russia obligation "
            "before 1914: the Triple Entente is pairwise positive only with the hand-coded Anglo-Russian Convention.",
            "ATOP also codes cross-bloc ties in 1907 (France-Italy neutrality 1902, Austria-Russia neutrality 1904).",
        ],
    }


def run(n_seeds: int = 20) -> dict[str, Any]:
    """Run the 1872-1907 case (cached per number of seeds); a JSON-ready dict.

    Parameters
    ----------
    n_seeds : int
        Seeds ``0..n_seeds-1`` of the balance dynamics.

    Returns
    -------
    dict
        ``accuracy``, ``n``, ``correct``, ``confusion``, ``per_state``, ``networks``, ``dynamics``, ...
    """
    return _run(int(n_seeds))
