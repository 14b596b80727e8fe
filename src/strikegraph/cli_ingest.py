"""The ``ingest`` and ``eval`` commands; ``register(app)`` adds them to the Typer app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from strikegraph.cli_common import fail
from strikegraph.errors import StrikegraphError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``ingest`` and ``eval`` to ``app``."""

    @app.command("ingest")
    def ingest_command(
        paths: Annotated[
            list[Path],
            typer.Argument(
                help="Text files (NAME.txt, with NAME.meta.yaml beside it) or folders of them.",
                show_default=False,
            ),
        ],
        store: Annotated[
            Path | None,
            typer.Option(
                "--store",
                help=(
                    "Store directory "
                    "[default: $STRIKEGRAPH_STORE or ~/.local/share/strikegraph/store]."
                ),
                show_default=False,
            ),
        ] = None,
        publisher: Annotated[
            str | None,
            typer.Option("--publisher", help="Publisher name (overrides the sidecar)."),
        ] = None,
        url: Annotated[
            str | None, typer.Option("--url", help="Document URL (overrides the sidecar).")
        ] = None,
        date: Annotated[
            str | None,
            typer.Option("--date", help="Publication date YYYY-MM-DD (overrides the sidecar)."),
        ] = None,
        title: Annotated[
            str | None,
            typer.Option("--title", help="Title (default: the sidecar's, else the first line)."),
        ] = None,
        dry_run: Annotated[
            bool,
            typer.Option(
                "--dry-run", help="Print each document's graphs as TriG instead of storing them."
            ),
        ] = False,
    ) -> None:
        """Extract rules, stances, rifts, events and claims from articles and store them."""
        from tqdm import tqdm

        from strikegraph.ingest import IngestOptions, document_trig, ingest, prepare, resolve_paths
        from strikegraph.store import open_store

        options = IngestOptions(publisher=publisher, url=url, date=date, title=title)
        try:
            files = resolve_paths([str(p) for p in paths])
            if not files:
                raise fail("no .txt documents found")
            if dry_run:
                for path in files:
                    typer.echo(document_trig(prepare(path, options)))
                return

            def progress(items):
                return tqdm(
                    items,
                    desc="ingest",
                    unit="doc",
                    file=sys.stderr,
                    disable=not sys.stderr.isatty(),
                )

            with open_store(store) as opened:
                reports = ingest(files, opened, options, progress=progress)
        except StrikegraphError as exc:
            raise fail(str(exc)) from None
        failed = 0
        for report in reports:
            typer.echo(report.summary(), err=not report.ok)
            failed += not report.ok
        if failed:
            raise fail(f"{failed} of {len(reports)} document(s) failed and stored nothing", 1)

    @app.command("eval")
    def eval_command(
        gold: Annotated[
            list[Path],
            typer.Argument(
                help="Gold TriG files; NAME.txt and NAME.meta.yaml sit beside each.",
                show_default=False,
            ),
        ],
        fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
        extracted: Annotated[
            bool,
            typer.Option(
                "--extracted", help="Compare with the extracted graphs already in the store."
            ),
        ] = False,
        store: Annotated[
            Path | None,
            typer.Option("--store", help="Store directory (with --extracted).", show_default=False),
        ] = None,
    ) -> None:
        """Precision, recall and F1 of the extractor per kind against gold annotations."""
        from rdflib import Graph

        from strikegraph.evaluate import evaluate_files, render_json, render_table
        from strikegraph.extract.graph_writer import extracted_graph_iri
        from strikegraph.store import open_store

        if fmt not in ("text", "json"):
            raise fail(f"unknown format {fmt!r} (use text or json)")
        try:
            if extracted:
                opened = open_store(store, read_only=True)

                def from_store(stem: str) -> Graph:
                    g = Graph()
                    name = extracted_graph_iri(stem)
                    for s, p, o, gname in opened.quads():
                        if gname == name:
                            g.add((s, p, o))
                    return g

                try:
                    results = evaluate_files(gold, extracted_from_store=from_store)
                finally:
                    opened.close()
            else:
                results = evaluate_files(gold)
        except StrikegraphError as exc:
            raise fail(str(exc)) from None
        typer.echo(render_json(results) if fmt == "json" else render_table(results))
