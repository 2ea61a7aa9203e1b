"""realign command line: a thin adapter over the library (parse, call, print).

Each stage registers its commands from its own module (``realign.cli.<stage>``) so the
files stay small and owned by one stage.
"""

from __future__ import annotations

import importlib

import typer
from typer.core import TyperGroup


class _HelpGroup(TyperGroup):
    """A command group whose absent ``--help`` flag is ``False`` rather than ``None``.

    Typer (0.29) coerces a flag whose value is not already a bool through a pydantic TypeAdapter, and
    importing pydantic for that costs ~0.1-0.2 s on every ``realign CMD --help`` (the group's own
    ``--help`` is absent there). A ``False`` default skips that coercion; behaviour is unchanged.
    """

    def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
        opt = super().get_help_option(ctx)
        if opt is not None and opt.default is None:
            opt.default = False
        return opt


app = typer.Typer(
    cls=_HelpGroup,
    name="realign",
    help="How the outcome of a battle realigns the international system (COW/ATOP data, models, what-ifs).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help text: rich's formatter (with markdown-it) costs ~0.1-0.2 s of start-up on every --help
    rich_markup_mode=None,
)

# Command modules; each defines ``register(app)``. A module that is missing (an optional
# stage not installed) is skipped so the rest of the CLI still works.
_COMMAND_MODULES = [
    "realign.cli.data_cmds",
    "realign.cli.system_cmds",
    "realign.cli.models_cmds",
    "realign.cli.events_cmds",
    "realign.cli.simulate_cmds",
    "realign.cli.consequences_cmds",
    "realign.cli.forecast_cmds",
    "realign.cli.essay_cmds",
    "realign.cli.web_cmds",
    "realign.cli.validate_cmds",
    "realign.cli.panel_cmds",
]

for _mod in _COMMAND_MODULES:
    try:
        _m = importlib.import_module(_mod)
    except ModuleNotFoundError as exc:  # pragma: no cover - only when a stage is absent
        if exc.name != _mod:
            raise
        continue
    _m.register(app)


def _use_help_group(typer_app: typer.Typer) -> None:
    """Give every sub-group (``realign data``, ``data import``, ...) the cheap ``--help`` of :class:`_HelpGroup`."""
    for group in typer_app.registered_groups:
        sub = group.typer_instance
        if sub is None:
            continue
        if group.cls is None or isinstance(group.cls, typer.models.DefaultPlaceholder):
            group.cls = _HelpGroup
        _use_help_group(sub)


_use_help_group(app)


def main() -> None:  # pragma: no cover
    app()
