"""Render query results: a rich table for people, SPARQL 1.1 CSV/TSV/JSON for programs.

CONSTRUCT and DESCRIBE results are always written as Turtle, whatever the format.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from rich.console import Console
from rich.table import Table

from strikegraph.namespaces import bind_namespaces, shorten
from strikegraph.rdfterms import sparql_term
from strikegraph.results import QueryResult

__all__ = ["RESULT_FORMATS", "display_term", "render", "render_table"]

RESULT_FORMATS = ("table", "csv", "tsv", "json")


def display_term(term: Node | None) -> str:
    """A short human-readable form: CURIEs for IRIs, lexical form for literals.

    English is the graph's language, so only other language tags are shown.
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.language and term.language != "en":
        return f"{term}@{term.language}"
    return str(term)


def _turtle(result: QueryResult) -> str:
    assert result.graph is not None
    bind_namespaces(result.graph)
    return result.graph.serialize(format="turtle")


def render_table(result: QueryResult, console: Console) -> None:
    """Print a result as a rich table (or Turtle for graph results)."""
    if result.kind == "ASK":
        console.print("true" if result.boolean else "false")
        return
    if result.kind != "SELECT":
        console.print(_turtle(result), markup=False, highlight=False, end="")
        return
    if _fits_as_table(result, console):
        table = Table(show_lines=False, header_style="bold")
        for name in result.variables:
            table.add_column(name, overflow="fold")
        for row in result.rows:
            table.add_row(*(display_term(value) for value in row))
        console.print(table)
    else:
        _print_records(result, console)
    count = len(result.rows)
    console.print(f"{count} row{'s' if count != 1 else ''}", style="dim")


MIN_COLUMN_WIDTH = 12


def _fits_as_table(result: QueryResult, console: Console) -> bool:
    """A table is readable only while every column can get a minimal width."""
    return len(result.variables) * (MIN_COLUMN_WIDTH + 3) <= console.width


def _print_records(result: QueryResult, console: Console) -> None:
    """Print wide results as one block of ``name: value`` lines per row (unbound omitted)."""
    width = max((len(name) for name in result.variables), default=0)
    for number, row in enumerate(result.rows, start=1):
        console.rule(f"row {number}", style="dim", align="left")
        for name, value in zip(result.variables, row, strict=True):
            if value is not None:
                console.print(f"[bold]{name.ljust(width)}[/bold]  ", end="", highlight=False)
                console.print(display_term(value), markup=False, highlight=False)


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv(result: QueryResult, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if result.kind == "ASK":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    if result.kind == "ASK":
        return f"?boolean\n{'true' if result.boolean else 'false'}\n"
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if value is None else sparql_term(value) for value in row))
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def _json(result: QueryResult) -> str:
    document: dict[str, Any]
    if result.kind == "ASK":
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {
                name: _json_term(value)
                for name, value in zip(result.variables, row, strict=True)
                if value is not None
            }
            for row in result.rows
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(result: QueryResult, fmt: str = "table", *, width: int | None = None) -> str:
    """Render a result as text in ``fmt`` (table, csv, tsv or json)."""
    if result.kind not in ("SELECT", "ASK"):
        return _turtle(result)
    if fmt == "csv":
        return _csv(result, ",")
    if fmt == "tsv":
        return _tsv(result)
    if fmt == "json":
        return _json(result)
    if fmt == "table":
        console = Console(file=io.StringIO(), width=width or 200, color_system=None)
        render_table(result, console)
        output = console.file.getvalue()  # type: ignore[attr-defined]
        return str(output)
    raise ValueError(f"unknown result format {fmt!r} (use one of {', '.join(RESULT_FORMATS)})")
