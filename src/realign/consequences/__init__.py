"""realign.consequences: what a battle did to the system — factual vs counterfactual vs the record."""

from __future__ import annotations

__all__ = ["consequences", "Consequences", "render_markdown", "render_html", "write_report"]


def consequences(event: str = "stalingrad", *, runs: int = 200, seed: int = 0, **kwargs) -> dict:
    """The JSON contract of ``realign consequences EVENT --format json`` (see :mod:`.compute`).

    Parameters
    ----------
    event : str
        Event slug of a WWI or WWII battle (e.g. ``"stalingrad"``).
    runs : int
        Simulated runs per forecast arm.
    seed : int
        Seed of the forecasts.
    **kwargs
        Passed to :func:`realign.consequences.compute.consequences` (``months``, ``decompose``, ``progress``...).

    Returns
    -------
    dict
        ``Consequences.to_dict()``: the forecasts, the record and the metrics, JSON-ready.

    Raises
    ------
    InvalidParameterError
        An unknown event, one outside WWI/WWII, or ``months`` outside 1..240.
    """
    from realign.consequences.compute import consequences as _run

    return _run(event, runs=runs, seed=seed, **kwargs).to_dict()


def __getattr__(name: str):
    if name == "Consequences":
        from realign.consequences.compute import Consequences

        return Consequences
    if name in ("render_markdown", "render_html", "write_report"):
        from realign.consequences import report

        return getattr(report, name)
    raise AttributeError(name)
