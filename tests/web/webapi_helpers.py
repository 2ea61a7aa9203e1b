"""Shared helpers of the web API tests (importable: pytest puts tests/web on sys.path)."""

from __future__ import annotations

from fastapi.routing import APIRoute


def _fake_consequences(event, *, runs=200, seed=0):
    """Stand-in with the documented shape (used to test the adapter, not the model)."""
    p = {"allies": 0.7, "axis": 0.2, "neutral": 0.1}
    q = {"allies": 0.1, "axis": 0.85, "neutral": 0.05}
    return {
        "event": event,
        "historical": {"changes": []},
        "factual": {"p_side": {"360": {"1943-06": p, "1944-10": p}, "310": {"1944-10": q}}},
        "counterfactual": {"p_side": {"360": {"1943-06": q, "1944-10": q}, "310": {"1944-10": q}}},
        "metrics": {"runs": runs, "seed": seed},
        "manifest": {"seed": seed},
    }


def _api_routes(routes) -> list[APIRoute]:
    """Every APIRoute of the app, through its included routers (one router per stage)."""
    out = []
    for r in routes:
        if isinstance(r, APIRoute):
            out.append(r)
        elif hasattr(r, "original_router"):
            out.extend(_api_routes(r.original_router.routes))
    return out


def _detail(r) -> str:
    body = r.json()
    assert "detail" in body, body
    d = body["detail"]
    text = d if isinstance(d, str) else " ".join(x.get("msg", "") for x in d)
    assert text.strip(), body
    return text
