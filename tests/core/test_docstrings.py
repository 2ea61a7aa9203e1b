"""Every public library function documents its parameters and result in numpydoc form (issue 12).

The interfaces (``realign.cli``, ``realign.web``) are adapters whose help text and OpenAPI schema are
their documentation; every other module's public functions (``__all__``, or names without a leading
underscore) carry ``Parameters`` and, when they return a value, ``Returns``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "realign"
ADAPTERS = ("cli", "web")


def _public_functions():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] in ADAPTERS:
            continue
        tree = ast.parse(path.read_text())
        exported = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
                exported = set(ast.literal_eval(node.value))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if exported is not None and node.name not in exported:
                continue
            args = [a.arg for a in node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]
            if args:
                yield f"{rel}:{node.name}", node


CASES = dict(_public_functions())


def test_the_check_sees_the_library():
    assert len(CASES) > 200 and "models/hazard.py:fit_hazards" in CASES


@pytest.mark.parametrize("name", sorted(CASES))
def test_public_function_has_numpydoc_sections(name):
    node = CASES[name]
    doc = ast.get_docstring(node) or ""
    assert "Parameters\n    ----------" in doc or "Parameters\n----------" in doc, f"{name}: no Parameters section"
    returns_none = isinstance(node.returns, ast.Constant) and node.returns.value is None
    if not returns_none:
        assert "Returns\n" in doc or "Yields\n" in doc, f"{name}: no Returns section"
