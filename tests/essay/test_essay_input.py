"""Bad essay files give a clear InputFileError naming the file, or a bounded run."""

from __future__ import annotations

from pathlib import Path

import pytest

from realign.errors import InputFileError
from realign.essay import MAX_SENTENCES, check_essay, check_essay_file

EVENT = "Stalingrad:1942-08-23:1943-02-02"


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_text("")
    with pytest.raises(InputFileError, match="empty") as exc:
        check_essay_file(p)
    assert str(p) in str(exc.value)


def test_whitespace_only(tmp_path: Path) -> None:
    p = tmp_path / "blank.txt"
    p.write_text("  \n\n\t\n")
    with pytest.raises(InputFileError, match="whitespace"):
        check_essay_file(p)


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "essay.pdf"
    p.write_bytes(b"%PDF-1.4\x00\x01\x02\xff" * 50)
    with pytest.raises(InputFileError, match="binary") as exc:
        check_essay_file(p)
    assert "essay.pdf" in str(exc.value)


def test_latin1_file(tmp_path: Path) -> None:
    p = tmp_path / "latin1.txt"
    p.write_bytes("Premi\u00e8re phrase.\nLa d\u00e9faite de Stalingrad.".encode("latin-1"))
    with pytest.raises(InputFileError, match="UTF-8") as exc:
        check_essay_file(p)
    assert "latin1.txt:1" in str(exc.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        check_essay_file(tmp_path / "nope.txt")
    with pytest.raises(InputFileError, match="directory"):
        check_essay_file(tmp_path)


def test_five_megabytes_is_a_bounded_run(tmp_path: Path) -> None:
    line = "In the wake of Stalingrad, Germany faced increasing isolation. "
    p = tmp_path / "big.txt"
    p.write_text(line * (5_000_000 // len(line) + 1), encoding="utf-8")
    assert p.stat().st_size >= 5_000_000
    r = check_essay_file(p, event=EVENT, classifier="rules")
    assert len(r["sentences"]) == MAX_SENTENCES
    assert any("Bounded run" in n for n in r["notes"])
    assert r["sentences"][-1]["verdict"] == "supported"


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffIn the wake of Stalingrad, Germany faced increasing isolation.\r\n".encode())
    r = check_essay_file(p, event=EVENT, classifier="rules")
    assert r["sentences"][0]["text"].startswith("In the wake")


def test_max_sentences_parameter() -> None:
    r = check_essay("One. Two. Three.", max_sentences=2, classifier="rules")
    assert len(r["sentences"]) == 2 and any("Bounded run" in n for n in r["notes"])
