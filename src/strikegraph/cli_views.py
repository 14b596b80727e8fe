"""The network-view commands of the ``strikegraph`` CLI: ``analyze``, ``export-view``, ``draw``.

``register(app)`` adds them to the main Typer app. Every command reads the built store
(``--store``; ``strikegraph build`` first) and takes the same view filters:
``--as-of DATE``, ``--source IRI``, ``--publisher IRI``, ``--min-support N``. Bad input — an
unknown view, a malformed date or IRI, an unknown format — prints one line on stderr and exits
with code 2, like the rest of the CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from strikegraph.cli_common import DataDirOption, StoreOption, guarded
from strikegraph.errors import ParameterError

__all__ = ["register"]

_VIEWS = ("rifts", "alliances", "authorizations", "provenance")
_EXPORT_FORMATS = ("graphml", "gexf", "cytoscape", "node-link", "dot")

ViewArgument = Annotated[
    str, typer.Argument(metavar="VIEW", help=f"The view: {', '.join(_VIEWS)}.", show_default=False)
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Keep only relations that held on this day (YYYY-MM-DD).",
        show_default=False,
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Keep only claims made, relayed or published by this IRI (an actor or a document; "
        "full IRI, CURIE or kind/slug such as organisation/politico).",
        show_default=False,
    ),
]
PublisherOption = Annotated[
    str | None,
    typer.Option(
        "--publisher",
        help="Keep only claims in documents of this publisher (IRI).",
        show_default=False,
    ),
]
MinSupportOption = Annotated[
    int,
    typer.Option("--min-support", min=0, help="Drop edges backed by fewer independent sources."),
]


def _build(
    view: str,
    store: Path | None,
    data_dir: Path | None,
    as_of: str | None,
    source: str | None,
    publisher: str | None,
    min_support: int,
) -> Any:
    from strikegraph.store import open_built_store
    from strikegraph.views.build import VIEWS, ViewFilter, build_view

    if view not in VIEWS:
        raise ParameterError(f"unknown view '{view}' (use {', '.join(VIEWS)})")
    flt = ViewFilter.of(as_of, source, publisher, min_support)  # check before opening the store
    with open_built_store(store) as opened:
        return build_view(opened, view, view_filter=flt, data_root=data_dir)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ParameterError(f"cannot write {output}: {exc.strerror or exc}") from exc


def register(app: typer.Typer) -> None:
    """Add ``analyze``, ``export-view`` and ``draw`` to ``app``."""

    @app.command("analyze")
    @guarded
    def analyze_command(
        view: ViewArgument,
        fmt: Annotated[
            str,
            typer.Option(
                "--format", "-f", help="Report format: text or json.", case_sensitive=False
            ),
        ] = "text",
        output: Annotated[
            Path | None,
            typer.Option(
                "--output", "-o", help="Write to FILE instead of stdout.", show_default=False
            ),
        ] = None,
        top: Annotated[
            int | None,
            typer.Option(
                "--top", min=1, help="Show only the N most central nodes.", show_default=False
            ),
        ] = None,
        as_of: AsOfOption = None,
        source: SourceOption = None,
        publisher: PublisherOption = None,
        min_support: MinSupportOption = 1,
        store: StoreOption = None,
        data_dir: DataDirOption = None,
    ) -> None:
        """Analyse a view: balance, camps and who sits between them (signed views);
        centrality, communities and components (all views)."""
        from strikegraph.views.analysis import analyze

        fmt = fmt.lower()
        if fmt not in ("text", "json"):
            raise ParameterError(f"unknown report format '{fmt}' (use text or json)")
        graph = _build(view, store, data_dir, as_of, source, publisher, min_support)
        report = analyze(graph, top=top)
        _write(report.to_json() if fmt == "json" else report.render_text(), output)

    @app.command("export-view")
    @guarded
    def export_view_command(
        view: ViewArgument,
        fmt: Annotated[
            str,
            typer.Option(
                "--format", "-f", help=f"One of {', '.join(_EXPORT_FORMATS)}.", case_sensitive=False
            ),
        ],
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="Write to FILE (atomically) instead of stdout.",
                show_default=False,
            ),
        ] = None,
        as_of: AsOfOption = None,
        source: SourceOption = None,
        publisher: PublisherOption = None,
        min_support: MinSupportOption = 1,
        store: StoreOption = None,
        data_dir: DataDirOption = None,
    ) -> None:
        """Export a view as GraphML, GEXF (Gephi), Cytoscape.js JSON, node-link JSON (D3) or DOT."""
        from strikegraph.views.exports import check_format, export_view

        check_format(fmt)  # reject an unknown format before reading the store
        graph = _build(view, store, data_dir, as_of, source, publisher, min_support)
        _write(export_view(graph, fmt), output)

    @app.command("draw")
    @guarded
    def draw_command(
        view: ViewArgument,
        fmt: Annotated[
            list[str] | None,
            typer.Option(
                "--format",
                "-f",
                help="svg, png and/or html (repeatable) [default: all three].",
                show_default=False,
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="Folder to write VIEW.svg, VIEW.png and VIEW.html into [default: .], or, with "
                "one --format, the file itself.",
                show_default=False,
            ),
        ] = None,
        as_of: AsOfOption = None,
        source: SourceOption = None,
        publisher: PublisherOption = None,
        min_support: MinSupportOption = 1,
        store: StoreOption = None,
        data_dir: DataDirOption = None,
    ) -> None:
        """Draw a view: an SVG and a PNG with a legend, and a standalone interactive HTML page."""
        from strikegraph.views.draw import DRAW_FORMATS, draw_view

        formats = [f.lower().strip().lstrip(".") for f in (fmt or DRAW_FORMATS)]
        for name in formats:
            if name not in DRAW_FORMATS:
                raise ParameterError(
                    f"unknown picture format '{name}' (use {', '.join(DRAW_FORMATS)})"
                )
        folder, stem = Path("."), view
        if output is not None:
            if len(set(formats)) == 1 and output.suffix.lower().lstrip(".") == formats[0]:
                folder, stem = output.parent, output.stem
            elif output.suffix and not output.is_dir():
                raise ParameterError(
                    f"--output {output}: give a folder, or one --format with a file of that type"
                )
            else:
                folder = output
        graph = _build(view, store, data_dir, as_of, source, publisher, min_support)
        for path in draw_view(graph, folder, stem, formats):
            typer.echo(str(path))
