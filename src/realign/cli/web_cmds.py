"""``realign serve``: the web dashboard and its JSON API (FastAPI + uvicorn)."""

from __future__ import annotations

import typer

from realign.cli.common import err_console


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (127.0.0.1 = this machine only)."),
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="TCP port."),
    reload: bool = typer.Option(False, "--reload", help="Restart on code changes (development)."),
    workers: int = typer.Option(
        1,
        "--workers",
        "-w",
        min=1,
        max=64,
        help="Worker processes (each keeps its own caches; use up to one per core).",
    ),
) -> None:
    """Serve the dashboard (timeline, network, capability, what-if) and its JSON API."""
    try:
        import uvicorn
    except ModuleNotFoundError:
        err_console.print("[bold red]error:[/] the web stage needs its extras: pip install 'realign[web]'")
        raise typer.Exit(2) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"[yellow]note:[/] binding to {host}: the dashboard is reachable from other machines.")
    err_console.print(f"realign dashboard on http://{host}:{port}/  (JSON API: /api, schema: /openapi.json)")
    if reload and workers > 1:
        err_console.print("[bold red]error:[/] --reload runs one worker; leave out --workers or --reload.")
        raise typer.Exit(2)
    uvicorn.run("realign.web.app:app", host=host, port=port, reload=reload, log_level="info", workers=workers)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
