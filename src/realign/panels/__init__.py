"""realign.panels: state-year and dyad-year research panels with covariates and alignment similarity.

Library first (the peacesciencer verbs, Miller 2022, in Python): build a panel with
:func:`state_years` or :func:`dyad_years`, pipe it through adders (each returns a new frame), cite
what it used with :func:`cite`, write it with :func:`to_parquet` / :func:`to_arrow`::

    from realign import panels as ps
    df = ps.dyad_years(1816, 2014).pipe(ps.add_atop).pipe(ps.add_sscore)
    print(ps.cite(df))
"""

from realign.panels.adders import (
    ADDERS,
    add_atop,
    add_contiguity,
    add_cow_alliance,
    add_democracy,
    add_major_powers,
    add_mids,
    add_nmc,
    add_peace_years,
    add_politically_relevant,
    add_territorial_change,
    add_wars,
)
from realign.panels.build import build_panel
from realign.panels.core import cite, dyad_years, panel_info, state_years, to_arrow, to_csv, to_parquet
from realign.panels.similarity import add_sscore, portfolio_scores, similarity_at, state_similarity

__all__ = [
    "state_years",
    "dyad_years",
    "add_nmc",
    "add_atop",
    "add_cow_alliance",
    "add_democracy",
    "add_contiguity",
    "add_wars",
    "add_mids",
    "add_territorial_change",
    "add_peace_years",
    "add_politically_relevant",
    "add_major_powers",
    "add_sscore",
    "portfolio_scores",
    "similarity_at",
    "state_similarity",
    "cite",
    "to_arrow",
    "to_parquet",
    "to_csv",
    "panel_info",
    "build_panel",
    "ADDERS",
]
