"""realign check-essay: formats, --out, --event, clean errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from realign.cli.main import app

runner = CliRunner()
EVENT = "Stalingrad:1942-08-23:1943-02-02"


def _essay(tmp_path: Path) -> Path:
    p = tmp_path / "essay.txt"
    p.write_text(
        "After Stalingrad, Romania switched to the Allied side in 1944.\nThe battle was a turning point in morale.\n",
        encoding="utf-8",
    )
    return p


def test_json(tmp_path: Path) -> None:
    r = runner.invoke(app, ["check-essay", str(_essay(tmp_path)), "--format", "json", "--event", EVENT, "--rules-only"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["event"] == "stalingrad"
    assert [s["verdict"] for s in data["sentences"]] == ["supported", "not_checkable"]


def test_markdown_default(tmp_path: Path) -> None:
    r = runner.invoke(app, ["check-essay", str(_essay(tmp_path)), "--event", EVENT, "--rules-only"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("# Essay check")


def test_html_out(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = runner.invoke(
        app,
        ["check-essay", str(_essay(tmp_path)), "--format", "html", "--event", EVENT, "--out", str(out), "--rules-only"],
    )
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_errors_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = runner.invoke(app, ["check-essay", str(empty)])
    assert r.exit_code == 2 and "empty" in r.output
    r = runner.invoke(app, ["check-essay", str(_essay(tmp_path)), "--event", "nowhere"])
    assert r.exit_code == 2 and "Unknown event" in r.output
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01" * 20)
    r = runner.invoke(app, ["check-essay", str(binary)])
    assert r.exit_code == 2 and "binary" in r.output


def test_out_in_a_missing_folder_is_named(tmp_path):
    """Issue 12: --out in a folder that does not exist names that folder, not a temporary file."""
    essay = tmp_path / "e.txt"
    essay.write_text("Romania left the Axis in August 1944.", encoding="utf-8")
    r = CliRunner().invoke(app, ["check-essay", str(essay), "--out", str(tmp_path / "nodir" / "r.md"), "--rules-only"])
    assert r.exit_code == 2
    assert "nodir" in r.output and ".tmp" not in r.output


def test_cli_passes_a_progress_display(tmp_path, monkeypatch) -> None:
    """The CLI hands check_essay_file a progress callback (shown as a rich progress bar on a terminal)."""
    import realign.essay as essay

    seen: list[tuple[str, int, int]] = []
    real = essay.check_essay_file

    def spy(path, **kw):
        assert callable(kw.get("progress"))
        inner = kw["progress"]
        kw["progress"] = lambda stage, done, total: (seen.append((stage, done, total)), inner(stage, done, total))
        return real(path, **kw)

    monkeypatch.setattr(essay, "check_essay_file", spy)
    r = runner.invoke(app, ["check-essay", str(_essay(tmp_path)), "--event", EVENT, "--rules-only", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert seen and seen[-1][0] == "checking" and seen[-1][1] == seen[-1][2]
