"""realign.consequences: what a battle did to the system — factual vs counterfactual vs the record."""

from __future__ import annotations

__all__ = ["consequences", "Consequences", "render_markdown", "render_html", "write_report"]


def consequences(event: str = "stalingrad", *, runs: int = 200, seed: int = 0, **kwargs) -> dict:
    """The JSON contract of ``realign consequences EVENT --format json`` (see :mod:`.compute`)."""
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
