"""The ``strikegraph`` command line.

Every expected failure is a :class:`StrikegraphError`: it is printed as one line on stderr
with exit code 2. Validation failures print the report and exit with code 1. Commands
that only read open the store read-only, so a failing command cannot change it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from strikegraph.cli_common import DataDirOption, StoreOption, fail, guarded
from strikegraph.errors import ParameterError, StrikegraphError
from strikegraph.export import EXPORT_FORMATS
from strikegraph.formats import RESULT_FORMATS

if TYPE_CHECKING:  # imported where used: a fresh `strikegraph query` process stays light
    from rich.console import Console

    from strikegraph.build import BuildSummary
    from strikegraph.queries import NamedQuery
    from strikegraph.store import Store
    from strikegraph.validate import ValidationReport

__all__ = ["app", "main"]

app = typer.Typer(
    name="strikegraph",
    help="Build, validate, query and export the strikegraph knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Validator: pyshacl (the reference) or fast (shapes compiled to SPARQL on Oxigraph).",
        case_sensitive=False,
    ),
]


def _print_report(report: ValidationReport, fmt: str = "text") -> None:
    typer.echo(report.to_json() if fmt == "json" else report.render_text(), nl=False)


def _open_for_reading(store_path: Path | None) -> Store:
    from strikegraph.store import open_built_store

    return open_built_store(store_path)


def _version(value: bool) -> None:
    if value:
        from strikegraph import __version__

        typer.echo(f"strikegraph {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Build, validate, query and export the strikegraph knowledge graph."""


def _print_summary(summary: BuildSummary, console: Console) -> None:
    from rich.table import Table

    from strikegraph.namespaces import shorten

    graphs = Table(title="Triples per graph", title_justify="left", header_style="bold")
    graphs.add_column("graph", overflow="fold")
    graphs.add_column("triples", justify="right")
    for name, count in summary.graph_triples.items():
        graphs.add_row(shorten(name) if name else "(default graph)", str(count))
    graphs.add_row("total", str(summary.total_triples), style="bold")
    console.print(graphs)
    classes = Table(title="Instances per class", title_justify="left", header_style="bold")
    classes.add_column("class")
    classes.add_column("instances", justify="right")
    for name, count in summary.class_counts.items():
        classes.add_row(shorten(name), str(count))
    console.print(classes)
    if summary.validation is None:
        console.print("Validation: skipped")
    elif summary.validation.results:
        console.print(summary.validation.render_text(), markup=False, highlight=False, end="")
    else:
        console.print(f"Validation: {summary.validation.summary()}")
    console.print(
        f"Built {summary.store_path or 'in-memory store'} "
        f"({summary.total_triples} triples) in {summary.seconds:.1f} s"
    )


@app.command("build")
@guarded
def build_command(
    store: StoreOption = None,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip SHACL validation.")
    ] = False,
    engine: EngineOption = "pyshacl",
    data_dir: DataDirOption = None,
) -> None:
    """Load the data folders, validate them and (re)build the store atomically."""
    from rich.console import Console

    from strikegraph.build import build

    summary = build(store, data_dir, validate=not no_validate, engine=engine.lower())
    _print_summary(summary, Console())


@app.command("validate")
@guarded
def validate_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="RDF files to validate with the ontology [default: the store].", show_default=False
        ),
    ] = None,
    store: StoreOption = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="Report format: text or json.", case_sensitive=False),
    ] = "text",
    engine: EngineOption = "pyshacl",
    data_dir: DataDirOption = None,
) -> None:
    """Validate the store (or the given files) against the shapes; exit 1 if not conforming."""
    from strikegraph.validate import validate_dataset, validate_files

    engine = engine.lower()
    fmt = fmt.lower()
    if fmt not in ("text", "json"):
        raise ParameterError(f"unknown report format '{fmt}' (use text or json)")
    if files:
        report = validate_files(files, data_root=data_dir, engine=engine)
    else:
        with _open_for_reading(store) as opened:
            report = validate_dataset(opened.dataset, data_root=data_dir, engine=engine)
    _print_report(report, fmt)
    if not report.conforms:
        raise typer.Exit(1)


def _parse_params(pairs: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--param expects NAME=VALUE, got {pair!r}")
        if key.strip() in params:
            raise ParameterError(f"parameter '{key.strip()}' is given twice")
        params[key.strip()] = value
    return params


@app.command("query")
@guarded
def query_command(
    query: Annotated[str, typer.Argument(help="A query name, a .rq file, or - for stdin.")],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="A parameter as NAME=VALUE (repeatable).", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=f"Output format: {', '.join(RESULT_FORMATS)}.",
            case_sensitive=False,
        ),
    ] = "table",
    store: StoreOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Run a named query (or a .rq file) on the store."""
    from strikegraph.queries import get_query, run_query

    fmt = fmt.lower()
    if fmt not in RESULT_FORMATS:
        raise ParameterError(f"unknown output format '{fmt}' (use {', '.join(RESULT_FORMATS)})")
    named = get_query(query, data_dir)
    params = _parse_params(param)
    with _open_for_reading(store) as opened:
        result = run_query(opened, named, params)
    from strikegraph.formats import render, render_table

    if fmt == "table" and result.kind in ("SELECT", "ASK"):
        from rich.console import Console

        render_table(result, Console())
    else:
        typer.echo(render(result, fmt), nl=False)


def _describe_params(query: NamedQuery) -> str:
    parts = []
    for p in query.params:
        text = f"{p.name}{'' if p.required else '?'} ({p.type}"
        text += f", default {p.default})" if p.default is not None else ")"
        parts.append(text)
    return ", ".join(parts)


@app.command("queries")
@guarded
def queries_command(data_dir: DataDirOption = None) -> None:
    """List the named queries with their summaries and parameters."""
    from rich.console import Console
    from rich.table import Table

    from strikegraph.queries import list_queries

    queries = list_queries(data_dir)
    if not queries:
        typer.echo("no named queries found")
        return
    table = Table(header_style="bold")
    table.add_column("name", no_wrap=True)
    table.add_column("summary", overflow="fold")
    table.add_column("parameters (? = optional)", overflow="fold")
    for query in queries:
        table.add_row(query.name, query.summary, _describe_params(query))
    Console().print(table)


@app.command("export")
@guarded
def export_command(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help=f"One of {', '.join(EXPORT_FORMATS)}.", case_sensitive=False
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
    store: StoreOption = None,
) -> None:
    """Export the store as TriG, N-Quads, Turtle or N-Triples (union), or JSON-LD."""
    import click

    from strikegraph.export import export

    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise ParameterError(f"unknown export format '{fmt}' (use {', '.join(EXPORT_FORMATS)})")
    with _open_for_reading(store) as opened:
        if output is None:
            stream = click.get_binary_stream("stdout")
            export(opened, fmt, stream)
            stream.flush()
        else:
            export(opened, fmt, output)


def _register_feature_commands() -> None:
    """Each feature area keeps its commands in its own module and adds them here."""
    from strikegraph import cli_ingest, cli_ontology, cli_reasoning, cli_serve, cli_views

    for module in (cli_ingest, cli_views, cli_reasoning, cli_serve, cli_ontology):
        module.register(app)


_register_feature_commands()


def _click_errors() -> tuple[type[Exception], type[Exception]]:
    """(UsageError, ClickException) of the click that typer runs on: newer typers carry their
    own copy of click, older ones use the click package."""
    try:
        from typer._click.exceptions import ClickException, UsageError
    except ImportError:  # pragma: no cover - typer without a vendored click
        from click import ClickException, UsageError  # type: ignore[assignment]
    return UsageError, ClickException


def _command_path(exc: Exception, argv: list[str]) -> str:
    """The command a usage error is about ("strikegraph query"). Click names it in the error's
    context, but leaves that out for an option without its value: then the command line's
    first word that is a command tells."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        return str(ctx.command_path)
    commands = {c.name for c in app.registered_commands} | {
        g.name for g in app.registered_groups if g.name
    }
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return f"strikegraph {first}" if first in commands else "strikegraph"


def _one_line_click_error(exc: Exception, usage: bool, argv: list[str]) -> str:
    """Click's error as one line; a usage error names the help command that shows the usage."""
    message = exc.format_message()  # type: ignore[attr-defined]
    if not usage:
        return str(message)
    return f"{message} (see '{_command_path(exc, argv)} --help')"


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point.

    Click's standalone mode prints a usage box for a wrong flag or argument; here every
    error, a usage error included, is one line on stderr with exit code 2.
    """
    usage_error, click_error = _click_errors()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=args, prog_name="strikegraph", standalone_mode=False)
    except typer.Abort:
        typer.echo("strikegraph: aborted", err=True)
        raise SystemExit(130) from None
    except click_error as exc:
        usage = isinstance(exc, usage_error)
        exit_code = int(getattr(exc, "exit_code", 2) or 2)
        if usage and not exc.format_message():  # type: ignore[attr-defined]
            raise SystemExit(exit_code) from None  # no arguments: the help was printed
        line = _one_line_click_error(exc, usage, args)
        raise SystemExit(fail(line, exit_code).exit_code) from None
    except StrikegraphError as exc:  # pragma: no cover - commands already handle these
        raise SystemExit(fail(str(exc)).exit_code) from None
    raise SystemExit(code if isinstance(code, int) else 0)
