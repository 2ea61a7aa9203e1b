"""The covariate sources of the panel adders: one DuckDB query per source and grain, with units and coverage.

Each :class:`Spec` turns a bundled table into a relation keyed by ``(ccode, year)`` (a state-level
source; on a dyad panel it is joined twice, giving columns suffixed ``1`` and ``2``) or by
``(ccode1, ccode2, year)`` (a dyad-level source, with both directions present). ``zero`` columns are
event flags or counts: 0 inside the source's coverage when nothing is recorded, missing outside it.
All other columns are missing when the source has no value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Spec", "SPECS"]


@dataclass(frozen=True)
class Spec:
    """One source: datasets used, year coverage, output columns (sql type, zero-filled?, description)."""

    name: str
    datasets: tuple[str, ...]
    coverage: tuple[int, int]
    columns: dict[str, tuple[str, bool, str]]
    state_sql: str | None = None
    dyad_sql: Callable[[bool], str] | None = None
    per_state: bool = False


def _years(start: str = "start", end: str = '"end"') -> str:
    return f"unnest(range(year({start}), year({end}) + 1))"


_NMC = Spec(
    "nmc",
    ("nmc",),
    (1816, 2022),
    {
        "milex": ("DOUBLE", False, "military expenditure (thousand GBP 1816-1913, thousand current USD 1914-)"),
        "milper": ("DOUBLE", False, "military personnel (thousands)"),
        "irst": ("DOUBLE", False, "iron and steel production (thousand tons)"),
        "pec": ("DOUBLE", False, "primary energy consumption (thousand coal-ton equivalents)"),
        "tpop": ("DOUBLE", False, "total population (thousands)"),
        "upop": ("DOUBLE", False, "urban population (thousands)"),
        "cinc": ("DOUBLE", False, "CINC: composite index of national capability (share of the system, 0-1)"),
    },
    state_sql="SELECT ccode, year, milex, milper, irst, pec, tpop, upop, cinc FROM nmc",
    per_state=True,
)

_DEMOCRACY = Spec(
    "democracy",
    ("democracy",),
    (1816, 2025),
    {
        "euds": ("DOUBLE", False, "extended Unified Democracy Score (latent scale)"),
        "aeuds": ("DOUBLE", False, "adjusted extended UDS (0 = average cut-point)"),
        "polity2": ("INTEGER", False, "Polity5 polity2 (-10..10; missing in interregna)"),
        "v2x_polyarchy": ("DOUBLE", False, "V-Dem electoral democracy index (0-1)"),
    },
    state_sql="SELECT ccode, year, euds, aeuds, polity2, v2x_polyarchy FROM democracy",
    per_state=True,
)

_MAJORS = Spec(
    "majors",
    ("majors",),
    (1816, 2016),
    {"cowmaj": ("TINYINT", True, "COW major power on at least one day of the year (1/0)")},
    state_sql=f"SELECT ccode, y AS year, 1 AS cowmaj FROM (SELECT ccode, {_years()} AS y FROM majors) GROUP BY ALL",
    per_state=True,
)

_WAR_YEARS = f"""(SELECT war, ccode, side, start, {_years()} AS year FROM war_participants)"""

_WAR_STATE = Spec(
    "wars",
    ("war_participants",),
    (1816, 2007),
    {
        "war_participant": ("TINYINT", True, "took part in a COW inter-state war on a day of the year (1/0)"),
        "war_onset": ("TINYINT", True, "began taking part in a COW inter-state war that year (1/0)"),
        "war_count": ("SMALLINT", True, "number of COW inter-state wars taken part in that year"),
        "war_first": ("INTEGER", False, "lowest COW war number of those wars (missing: none)"),
        "war_side": ("TINYINT", False, "COW side in war_first (earliest spell that year; missing: none)"),
    },
    state_sql=f"""
        WITH sy AS {_WAR_YEARS},
        first AS (SELECT war, ccode, min(year(start)) AS y0 FROM war_participants GROUP BY ALL)
        SELECT sy.ccode, sy.year, 1 AS war_participant, max((sy.year = first.y0)::INTEGER) AS war_onset,
               count(DISTINCT sy.war) AS war_count, min(sy.war) AS war_first,
               arg_min(sy.side, sy.war::BIGINT * 1000000 + (epoch(sy.start) / 86400)::BIGINT) AS war_side
        FROM sy JOIN first USING (war, ccode) GROUP BY sy.ccode, sy.year""",
)

_WAR_PARTICIPANT = Spec(
    "wars",
    ("war_participants",),
    (1816, 2007),
    {"war_participant": _WAR_STATE.columns["war_participant"]},
    state_sql=f"SELECT ccode, year, 1 AS war_participant FROM {_WAR_YEARS} GROUP BY ALL",
    per_state=True,
)

_WAR_SHARED = Spec(
    "wars",
    ("war_participants",),
    (1816, 2007),
    {
        "war_shared": ("TINYINT", True, "both took part in the same COW inter-state war that year (1/0)"),
        "war_common": ("INTEGER", False, "lowest COW war number both took part in (missing: none)"),
        "war_side1": ("TINYINT", False, "COW side of ccode1 in war_common (earliest spells; missing: none)"),
        "war_side2": ("TINYINT", False, "COW side of ccode2 in war_common (earliest spells; missing: none)"),
    },
    dyad_sql=lambda directed: (
        f"""
        WITH sy AS {_WAR_YEARS}
        SELECT ccode1, ccode2, year, 1 AS war_shared, war AS war_common, side1 AS war_side1, side2 AS war_side2
        FROM (SELECT a.ccode AS ccode1, b.ccode AS ccode2, a.year, a.war, a.side AS side1, b.side AS side2,
                     row_number() OVER (PARTITION BY a.ccode, b.ccode, a.year ORDER BY a.war, a.start, b.start) AS rn
              FROM sy a JOIN sy b ON a.war = b.war AND a.year = b.year AND a.ccode <> b.ccode)
        WHERE rn = 1"""
    ),
)

_WAR_FIGHT = Spec(
    "wars",
    ("war_dyads",),
    (1816, 2003),
    {
        "war_dyad_ongoing": (
            "TINYINT",
            True,
            "the two fought each other in a COW inter-state war that year (directed dyadic war data; 1/0)",
        ),
        "war_dyad_onset": ("TINYINT", True, "first year of fighting between the two in a war (1/0)"),
    },
    dyad_sql=lambda directed: (
        """
        WITH w AS (SELECT war, ccode1, ccode2, year FROM war_dyads
                   UNION SELECT war, ccode2, ccode1, year FROM war_dyads),
        f AS (SELECT war, ccode1, ccode2, min(year) AS y0 FROM w GROUP BY ALL)
        SELECT ccode1, ccode2, year, 1 AS war_dyad_ongoing, max((year = y0)::INTEGER) AS war_dyad_onset
        FROM w JOIN f USING (war, ccode1, ccode2) GROUP BY ccode1, ccode2, year"""
    ),
)

_MID_PAIRS = """
    p AS (SELECT dispnum, ccode, start::DATE AS st, "end"::DATE AS en, sidea, hostlev FROM mid_participants),
    dd AS (SELECT a.dispnum, a.ccode AS c1, b.ccode AS c2, min(greatest(a.st, b.st)) AS st,
                  max(least(a.en, b.en)) AS en, max(a.sidea) AS sidea1, max(greatest(a.hostlev, b.hostlev)) AS hl
           FROM p a JOIN p b ON a.dispnum = b.dispnum AND a.sidea <> b.sidea AND a.st <= b.en AND b.st <= a.en
           GROUP BY a.dispnum, a.ccode, b.ccode)"""

_MID_DYAD = Spec(
    "mids",
    ("mid_participants",),
    (1816, 2010),
    {
        "mid_onset": ("TINYINT", True, "a MID with the two on opposite sides (sharing a day) began that year (1/0)"),
        "mid_ongoing": ("TINYINT", True, "such a MID was under way on a day of the year (1/0)"),
        "mid_count": ("SMALLINT", True, "number of such MIDs begun that year"),
        "mid_hostlev": (
            "TINYINT",
            True,
            "highest hostility level (1-5) either side reached in MIDs begun that year (0: none)",
        ),
        "mid_sidea1": ("TINYINT", True, "ccode1 was on side A (first militarized action) in a MID begun that year"),
    },
    dyad_sql=lambda directed: (
        f"""
        WITH {_MID_PAIRS},
        yrs AS (SELECT dispnum, c1, c2, year(st) AS y0, sidea1, hl, {_years("st", "en")} AS year FROM dd)
        SELECT c1 AS ccode1, c2 AS ccode2, year, max((year = y0)::INTEGER) AS mid_onset, 1 AS mid_ongoing,
               count(DISTINCT CASE WHEN year = y0 THEN dispnum END) AS mid_count,
               max(CASE WHEN year = y0 THEN hl ELSE 0 END) AS mid_hostlev,
               max(CASE WHEN year = y0 THEN sidea1 ELSE 0 END) AS mid_sidea1
        FROM yrs GROUP BY ALL"""
    ),
)

_MID_STATE = Spec(
    "mids",
    ("mid_participants",),
    (1816, 2010),
    {
        "mid_onset": ("TINYINT", True, "the state joined a MID that year (1/0)"),
        "mid_ongoing": ("TINYINT", True, "the state took part in a MID on a day of the year (1/0)"),
        "mid_count": ("SMALLINT", True, "number of MIDs the state joined that year"),
        "mid_hostlev": ("TINYINT", True, "highest own hostility level (1-5) in MIDs joined that year (0: none)"),
    },
    state_sql=f"""
        SELECT ccode, year, max((year = y0)::INTEGER) AS mid_onset, 1 AS mid_ongoing,
               count(DISTINCT CASE WHEN year = y0 THEN dispnum END) AS mid_count,
               max(CASE WHEN year = y0 THEN hostlev ELSE 0 END) AS mid_hostlev
        FROM (SELECT dispnum, ccode, hostlev, year(start) AS y0, {_years()} AS year FROM mid_participants)
        GROUP BY ALL""",
)

_TC_DYAD = Spec(
    "territory",
    ("territorial_change",),
    (1816, 2018),
    {
        "tc_gain1": ("SMALLINT", True, "territorial transfers from ccode2 to ccode1 that year (count)"),
        "tc_loss1": ("SMALLINT", True, "territorial transfers from ccode1 to ccode2 that year (count)"),
    },
    dyad_sql=lambda directed: (
        """
        SELECT ccode1, ccode2, year, sum(g) AS tc_gain1, sum(l) AS tc_loss1 FROM (
            SELECT gainer AS ccode1, loser AS ccode2, year, 1 AS g, 0 AS l FROM territorial_change
            WHERE gainer > 0 AND loser > 0
            UNION ALL SELECT loser, gainer, year, 0, 1 FROM territorial_change WHERE gainer > 0 AND loser > 0)
        GROUP BY ALL"""
    ),
)

_TC_STATE = Spec(
    "territory",
    ("territorial_change",),
    (1816, 2018),
    {
        "tc_gains": ("SMALLINT", True, "territorial transfers gained that year (count; any loser)"),
        "tc_losses": ("SMALLINT", True, "territorial transfers lost that year (count; any gainer)"),
    },
    state_sql="""
        SELECT ccode, year, sum(g) AS tc_gains, sum(l) AS tc_losses FROM (
            SELECT gainer AS ccode, year, 1 AS g, 0 AS l FROM territorial_change WHERE gainer > 0
            UNION ALL SELECT loser, year, 0, 1 FROM territorial_change WHERE loser > 0)
        GROUP BY ALL""",
)

_CONTIG_YEARS = f"""(SELECT ccode1, ccode2, conttype, {_years()} AS year FROM contiguity
                     UNION ALL SELECT ccode2, ccode1, conttype, {_years()} AS year FROM contiguity)"""

_CONTIG_DYAD = Spec(
    "contiguity",
    ("contiguity",),
    (1816, 2016),
    {
        "conttype": (
            "TINYINT",
            True,
            "closest COW direct contiguity that year: 1 land/river, 2 <=12 mi water, "
            "3 <=24 mi, 4 <=150 mi, 5 <=400 mi, 0 none",
        )
    },
    dyad_sql=lambda directed: (
        f"SELECT ccode1, ccode2, year, min(conttype) AS conttype FROM {_CONTIG_YEARS} GROUP BY ALL"
    ),
)

_CONTIG_STATE = Spec(
    "contiguity",
    ("contiguity",),
    (1816, 2016),
    {
        "contig_land": ("SMALLINT", True, "number of states contiguous by land or river that year"),
        "contig_sea": ("SMALLINT", True, "number of states contiguous by water only (<=400 mi) that year"),
        "contig_total": ("SMALLINT", True, "number of directly contiguous states that year"),
    },
    state_sql=f"""
        SELECT ccode1 AS ccode, year, count(*) FILTER (WHERE ct = 1) AS contig_land,
               count(*) FILTER (WHERE ct > 1) AS contig_sea, count(*) AS contig_total
        FROM (SELECT ccode1, ccode2, year, min(conttype) AS ct FROM {_CONTIG_YEARS} GROUP BY ALL) GROUP BY ALL""",
)

_ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
_ATOP_TEXT = {
    "atop_defense": "defense",
    "atop_offense": "offense",
    "atop_neutral": "neutrality",
    "atop_nonagg": "non-aggression",
    "atop_consul": "consultation",
}


def _atop_dyad(directed: bool) -> str:
    flags = ", ".join(f"max({f}) AS {f}" for f in _ATOP_FLAGS)
    if directed:
        return f"SELECT ccode1, ccode2, year, {flags} FROM atop GROUP BY ALL"
    return (
        f"SELECT least(ccode1, ccode2) AS ccode1, greatest(ccode1, ccode2) AS ccode2, year, {flags} "
        "FROM atop GROUP BY ALL"
    )


_ATOP_DYAD = Spec(
    "atop",
    ("atop",),
    (1815, 2018),
    {
        f: (
            "TINYINT",
            True,
            f"ATOP {_ATOP_TEXT[f]} obligation of ccode1 to ccode2 that year (1/0; non-directed "
            "panels: in either direction)",
        )
        for f in _ATOP_FLAGS
    },
    dyad_sql=_atop_dyad,
)

_ATOP_STATE = Spec(
    "atop",
    ("atop",),
    (1815, 2018),
    {
        f"{f}_n": (
            "SMALLINT",
            True,
            f"number of states with an ATOP {_ATOP_TEXT[f]} obligation to or from the state that year",
        )
        for f in _ATOP_FLAGS
    },
    state_sql="SELECT ccode, year, "
    + ", ".join(f"count(DISTINCT other) FILTER (WHERE {f} = 1) AS {f}_n" for f in _ATOP_FLAGS)
    + " FROM (SELECT ccode1 AS ccode, ccode2 AS other, year, "
    + ", ".join(_ATOP_FLAGS)
    + " FROM atop "
    + "UNION ALL SELECT ccode2, ccode1, year, "
    + ", ".join(_ATOP_FLAGS)
    + " FROM atop) GROUP BY ALL",
)

_COW_FLAGS = {
    "cow_defense": "defense",
    "cow_neutrality": "neutrality",
    "cow_nonagg": "nonaggression",
    "cow_entente": "entente",
}
_COW_PAIRS = f"""
    WITH s AS (SELECT alliance, ccode, start::DATE AS st, "end"::DATE AS en, {", ".join(_COW_FLAGS.values())}
               FROM cow_alliance WHERE start IS NOT NULL AND "end" IS NOT NULL),
    p AS (SELECT a.ccode AS ccode1, b.ccode AS ccode2, greatest(a.st, b.st) AS st, least(a.en, b.en) AS en,
                 {", ".join(f"greatest(a.{c}, b.{c}) AS {k}" for k, c in _COW_FLAGS.items())}
          FROM s a JOIN s b ON a.alliance = b.alliance AND a.ccode <> b.ccode AND a.st <= b.en AND b.st <= a.en),
    py AS (SELECT *, {_years("st", "en")} AS year FROM p)"""

_COW_DYAD = Spec(
    "cow",
    (),
    (1816, 2012),
    {
        k: ("TINYINT", True, f"COW v4.1 alliance with a {v} clause, both members on a common day of the year (1/0)")
        for k, v in _COW_FLAGS.items()
    },
    dyad_sql=lambda directed: (
        f"{_COW_PAIRS} SELECT ccode1, ccode2, year, "
        + ", ".join(f"max({k}) AS {k}" for k in _COW_FLAGS)
        + " FROM py GROUP BY ALL"
    ),
)

_COW_STATE = Spec(
    "cow",
    (),
    (1816, 2012),
    {
        f"{k}_n": ("SMALLINT", True, f"number of states allied to the state by a COW v4.1 {v} clause that year")
        for k, v in _COW_FLAGS.items()
    },
    state_sql=f"{_COW_PAIRS} SELECT ccode1 AS ccode, year, "
    + ", ".join(f"count(DISTINCT ccode2) FILTER (WHERE {k} = 1) AS {k}_n" for k in _COW_FLAGS)
    + " FROM py GROUP BY ALL",
)

# adder name -> (specs for state-year panels, specs for dyad-year panels)
SPECS: dict[str, tuple[tuple[Spec, ...], tuple[Spec, ...]]] = {
    "nmc": ((_NMC,), (_NMC,)),
    "democracy": ((_DEMOCRACY,), (_DEMOCRACY,)),
    "majors": ((_MAJORS,), (_MAJORS,)),
    "wars": ((_WAR_STATE,), (_WAR_PARTICIPANT, _WAR_SHARED, _WAR_FIGHT)),
    "mids": ((_MID_STATE,), (_MID_DYAD,)),
    "territory": ((_TC_STATE,), (_TC_DYAD,)),
    "contiguity": ((_CONTIG_STATE,), (_CONTIG_DYAD,)),
    "atop": ((_ATOP_STATE,), (_ATOP_DYAD,)),
    "cow": ((_COW_STATE,), (_COW_DYAD,)),
}
