"""CLI commands for the reasoning: ``check``, ``timeline`` and ``conflicts``.

``register(app)`` adds them to a Typer app (strikegraph.cli wires it in). They read the built
store (``--store``, read-only) plus the sovereignty perspectives of ``graph/perspectives/``
(``--data-dir``). Expected failures print one line on stderr and exit with code 2, as the other
commands do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from strikegraph.cli_common import DataDirOption, StoreOption, guarded
from strikegraph.errors import ParameterError

if TYPE_CHECKING:  # the reasoning modules are imported by the commands that use them
    from strikegraph.store import Store

__all__ = ["register"]

FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="Output format: text or json.", case_sensitive=False)
]


def _open(store_path: Path | None) -> Store:
    from strikegraph.store import open_built_store

    return open_built_store(store_path)


def _format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in ("text", "json"):
        raise ParameterError(f"unknown output format '{fmt}' (use text or json)")
    return fmt


def register(app: typer.Typer) -> None:
    """Add the ``check``, ``timeline`` and ``conflicts`` commands to ``app``."""

    @app.command("check")
    @guarded
    def check_command(
        grantee: Annotated[
            str, typer.Option("--grantee", help="Who would use the weapon (state/ukraine).")
        ],
        weapon: Annotated[
            str, typer.Option("--weapon", help="A weapon system or category (weapon/himars).")
        ],
        target: Annotated[
            str, typer.Option("--target", help="A territory or place (territory/belgorod).")
        ],
        purpose: Annotated[
            str | None,
            typer.Option(
                "--purpose",
                help="Purpose: counter-fire, self-defence or an IRI.",
                show_default=False,
            ),
        ] = None,
        date: Annotated[
            str | None,
            typer.Option("--date", help="Day of the use (YYYY-MM-DD).", show_default=False),
        ] = None,
        fmt: FormatOption = "text",
        store: StoreOption = None,
        data_dir: DataDirOption = None,
    ) -> None:
        """Is a use permitted, forbidden or unknown - by which rules, on what evidence?"""
        from strikegraph.check import check
        from strikegraph.facts import load_facts

        fmt = _format(fmt)
        with _open(store) as opened:
            facts = load_facts(opened, data_dir)
        result = check(facts, grantee, weapon, target, purpose, date)
        typer.echo(result.to_json() if fmt == "json" else result.render_text(), nl=fmt == "json")

    @app.command("timeline")
    @guarded
    def timeline_command(
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of",
                help="Only what had begun by this day (YYYY-MM-DD), with its status.",
                show_default=False,
            ),
        ] = None,
        fmt: FormatOption = "text",
        store: StoreOption = None,
        data_dir: DataDirOption = None,
    ) -> None:
        """The events, decisions and validities in date order, with how certain each date is."""
        from strikegraph.facts import load_facts
        from strikegraph.timeline import render_text as timeline_text
        from strikegraph.timeline import timeline
        from strikegraph.timeline import to_json as timeline_json

        fmt = _format(fmt)
        with _open(store) as opened:
            facts = load_facts(opened, data_dir)
        entries = timeline(facts, as_of)
        typer.echo(
            timeline_json(entries) if fmt == "json" else timeline_text(entries), nl=fmt == "json"
        )

    @app.command("conflicts")
    @guarded
    def conflicts_command(
        fmt: FormatOption = "text",
        store: StoreOption = None,
    ) -> None:
        """Pairs of assertions from different documents that cannot both hold, with both quotes."""
        from strikegraph.conflicts import find_conflicts
        from strikegraph.conflicts import render_text as conflicts_text
        from strikegraph.conflicts import to_json as conflicts_json
        from strikegraph.facts import load_facts

        fmt = _format(fmt)
        with _open(store) as opened:
            facts = load_facts(opened, perspectives=False)
        found = find_conflicts(facts)
        typer.echo(
            conflicts_json(found) if fmt == "json" else conflicts_text(found), nl=fmt == "json"
        )
