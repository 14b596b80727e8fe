"""``strikegraph ontology ...``: documentation, exports, quality checks, ontology releases.

:func:`register` adds the sub-app to the main Typer app (``strikegraph.cli`` calls it).
Errors follow the main CLI's conventions: an expected failure is one line on stderr with exit
code 2; failed checks exit with code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strikegraph.cli_common import DataDirOption, guarded

__all__ = ["DEFAULT_DOCS_DIR", "ontology_app", "register"]

DEFAULT_DOCS_DIR = Path("out") / "ontology-docs"

ontology_app = typer.Typer(
    name="ontology",
    help="Publish the ontology: HTML docs, exports, quality checks, release snapshots.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@ontology_app.command("docs")
@guarded
def docs_command(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Folder to write the documentation into."),
    ] = DEFAULT_DOCS_DIR,
    timestamp: Annotated[
        bool, typer.Option("--timestamp", help="Print the generation time on the page.")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Build the HTML documentation (with pattern diagrams and release files) into a folder."""
    from strikegraph.ontology.docs import build_docs

    summary = build_docs(output, data_root=data_dir, timestamp=timestamp)
    typer.echo(
        f"Documented {summary.terms} terms: wrote {len(summary.files)} files to {summary.output}; "
        f"open {summary.output / 'index.html'}"
    )


@ontology_app.command("export")
@guarded
def export_command(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="turtle, xml (RDF/XML), json-ld or nt.", case_sensitive=False
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
    module: Annotated[
        str,
        typer.Option(
            "--module",
            "-m",
            help="core (the ontology), alignments (the alignment module) or all (both merged).",
        ),
    ] = "core",
    data_dir: DataDirOption = None,
) -> None:
    """Write the ontology as Turtle, RDF/XML, JSON-LD or N-Triples."""
    import click

    from strikegraph.ontology.export import export_ontology

    if output is None:
        stream = click.get_binary_stream("stdout")
        export_ontology(fmt, stream, module=module.lower(), data_root=data_dir)
        stream.flush()
    else:
        export_ontology(fmt, output, module=module.lower(), data_root=data_dir)


@ontology_app.command("context")
@guarded
def context_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE instead of stdout.", show_default=False),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Print the JSON-LD context generated from the ontology (ontology/context.jsonld)."""
    from strikegraph.ontology.export import render_context, write_output
    from strikegraph.ontology.files import load_core

    data = render_context(load_core(data_dir)).encode("utf-8")
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        write_output(data, output)


@ontology_app.command("check")
@guarded
def check_command(
    no_reasoning: Annotated[
        bool, typer.Option("--no-reasoning", help="Skip OWL 2 RL reasoning (the slow part).")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Run the ontology's quality checks; exit 1 if any fails."""
    from strikegraph.ontology.quality import run_quality

    report = run_quality(data_dir, reasoning=not no_reasoning)
    typer.echo(report.render_text(), nl=False)
    if not report.ok:
        raise typer.Exit(1)


@ontology_app.command("snapshot")
@guarded
def snapshot_command(
    force: Annotated[
        bool, typer.Option("--force", help="Rewrite an existing snapshot of this version.")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Freeze the term signatures of the current version in ontology/releases/."""
    from strikegraph.ontology.files import load_core, releases_dir
    from strikegraph.ontology.versioning import write_snapshot

    path = write_snapshot(load_core(data_dir), releases_dir(data_dir), force=force)
    typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add the ``ontology`` command group to ``app``."""
    app.add_typer(ontology_app, name="ontology")
