"""docs/panels.md cannot drift: every adder name and public function of realign.panels is documented."""

from __future__ import annotations

from pathlib import Path

from realign import panels as ps

DOC = (Path(__file__).resolve().parents[2] / "docs" / "panels.md").read_text(encoding="utf-8")


def test_every_adder_and_public_name_is_documented():
    for name in ps.ADDERS:
        assert f"`{name}`" in DOC, name
    for name in ps.__all__:
        if name not in ("ADDERS", "build_panel", "panel_info", "to_csv", "portfolio_scores"):
            assert name in DOC, name
    assert "BENCH_RESULTS" not in DOC
