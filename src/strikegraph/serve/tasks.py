"""What a query worker process does: run a query with the row cap and serialise the answer.

Runs inside the worker processes of :class:`strikegraph.serve.limits.WorkerPool`; every
function here must be importable without side effects and return picklable values.
"""

from __future__ import annotations

import contextlib
import html
import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from strikegraph.errors import ParameterError, QueryError, StoreError, StrikegraphError
from strikegraph.formats import render
from strikegraph.namespaces import PREFIXES, bind_namespaces
from strikegraph.rdfterms import from_ox, sparql_term
from strikegraph.results import QueryResult
from strikegraph.sparqltext import one_line, query_form

__all__ = ["TaskError", "WorkerContext", "describe_error", "run"]

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
}


@dataclass
class TaskError(Exception):
    """A failure with the HTTP status it maps to (picklable across the pipe)."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


def describe_error(exc: BaseException) -> TaskError:
    if isinstance(exc, TaskError):
        return exc
    if isinstance(exc, (QueryError, ParameterError)):
        return TaskError(400, one_line(exc))
    if isinstance(exc, StoreError):
        return TaskError(503, one_line(exc))
    if isinstance(exc, StrikegraphError):
        return TaskError(400, one_line(exc))
    return TaskError(500, f"internal error: {type(exc).__name__}: {one_line(exc)}")


class WorkerContext:
    """The store a worker reads (opened once per worker)."""

    def __init__(self, store_spec: str) -> None:
        from strikegraph.store import open_store

        self.spec = store_spec
        self.store = open_store(store_spec, read_only=True)
        from strikegraph.store import Store

        self.local: ox.Store | None = self.store.oxigraph if isinstance(self.store, Store) else None

        # import the heavy modules now, not during the first request (which has a deadline)
        with contextlib.suppress(ImportError):
            import strikegraph.views  # noqa: F401
            import strikegraph.views.draw  # noqa: F401
        with contextlib.suppress(ImportError):
            from rdflib.plugins.serializers import jsonld, turtle  # noqa: F401

            import strikegraph.queries  # noqa: F401

    def close(self) -> None:
        self.store.close()

    def reopen(self) -> None:
        from strikegraph.store import Store, open_store

        self.store.close()
        self.store = open_store(self.spec, read_only=True)
        self.local = self.store.oxigraph if isinstance(self.store, Store) else None


# -- running ---------------------------------------------------------------------------------


def _run_local(
    inner: ox.Store, sparql: str, max_rows: int, default_graphs: list[str], named_graphs: list[str]
) -> tuple[QueryResult, bool]:
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    form = query_form(sparql)
    try:
        result = inner.query(sparql, **kwargs)
        truncated = False
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(result)), False
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows: list[tuple[Node | None, ...]] = []
            for solution in result:
                if len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append(tuple(None if v is None else from_ox(v) for v in solution))
            return QueryResult("SELECT", variables=names, rows=rows), truncated
        graph = Graph()
        bind_namespaces(graph)
        for count, triple in enumerate(result):
            if count >= max_rows:
                truncated = True
                break
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return QueryResult(form, graph=graph), truncated
    except SyntaxError as exc:
        raise TaskError(400, f"malformed query: {one_line(exc)}") from exc
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise TaskError(400, f"query failed: {one_line(exc)}") from exc


def _run(ctx: WorkerContext, sparql: str, payload: dict[str, Any]) -> tuple[QueryResult, bool]:
    max_rows = int(payload.get("max_rows", 10_000))
    if ctx.local is not None:
        return _run_local(
            ctx.local,
            sparql,
            max_rows,
            list(payload.get("default_graphs") or []),
            list(payload.get("named_graphs") or []),
        )
    graphs = payload.get("graphs")
    result = (
        ctx.store.query(sparql, graphs=[URIRef(g) for g in graphs])  # type: ignore[call-arg]
        if graphs is not None
        else ctx.store.query(sparql)
    )
    truncated = False
    if result.kind == "SELECT" and len(result.rows) > max_rows:
        result.rows = result.rows[:max_rows]
        truncated = True
    elif result.graph is not None and len(result.graph) > max_rows:
        kept = Graph()
        bind_namespaces(kept)
        for index, triple in enumerate(result.graph):
            if index >= max_rows:
                break
            kept.add(triple)
        result.graph = kept
        truncated = True
    return result, truncated


# -- serialising -----------------------------------------------------------------------------


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype is not None and term.datatype != XSD.string:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def render_xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    if result.kind == "ASK":
        out.append("</head>\n")
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n")
        return "".join(out)
    out.extend(f"<variable name={quoteattr(name)}/>" for name in result.variables)
    out.append("</head>\n<results>\n")
    for row in result.rows:
        out.append("<result>")
        for name, value in zip(result.variables, row, strict=True):
            if value is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(value)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out)


def serialise(result: QueryResult, fmt: str) -> tuple[bytes, str]:
    """(body, content type) of a result in ``fmt`` (a key of RESULT_TYPES or GRAPH_TYPES)."""
    if result.kind in ("SELECT", "ASK"):
        if fmt not in RESULT_TYPES:
            fmt = "json"
        text = render_xml(result) if fmt == "xml" else render(result, fmt)
        return text.encode("utf-8"), RESULT_TYPES[fmt]
    assert result.graph is not None
    if fmt not in GRAPH_TYPES:
        fmt = "turtle"
    if fmt == "ntriples":
        lines = sorted(
            f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)} .\n" for s, p, o in result.graph
        )
        return "".join(lines).encode("utf-8"), GRAPH_TYPES[fmt]
    if fmt == "jsonld":
        context = {k: v for k, v in PREFIXES.items()}
        text = result.graph.serialize(format="json-ld", context=context, auto_compact=True)
        return text.encode("utf-8"), GRAPH_TYPES[fmt]
    return result.graph.serialize(format="turtle").encode("utf-8"), GRAPH_TYPES[fmt]


# -- tasks -----------------------------------------------------------------------------------


def _sparql_task(ctx: WorkerContext, sparql: str, payload: dict[str, Any]) -> dict[str, Any]:
    result, truncated = _run(ctx, sparql, payload)
    fmt_select = payload.get("select_format", "json")
    fmt_graph = payload.get("graph_format", "turtle")
    fmt = fmt_select if result.kind in ("SELECT", "ASK") else fmt_graph
    body, content_type = serialise(result, fmt)
    return {
        "body": body,
        "content_type": content_type,
        "truncated": truncated,
        "count": len(result),
        "kind": result.kind,
    }


def _named_task(ctx: WorkerContext, payload: dict[str, Any]) -> dict[str, Any]:
    from strikegraph.queries import as_of_day, bind_parameters, get_query, visible_graphs
    from strikegraph.sparqltext import inject_values

    name = str(payload["name"])
    if "/" in name or name.startswith(".") or name.endswith(".rq"):
        raise TaskError(404, f"unknown query '{name}'")
    try:
        query = get_query(name, payload.get("data_dir"))
    except QueryError as exc:
        raise TaskError(404, one_line(exc)) from exc
    params = payload.get("params") or {}
    sparql = inject_values(query.text, bind_parameters(query, params))
    day = as_of_day(query, params)
    if day is not None:  # "as of": only the graphs of the documents issued by then
        graphs = [str(g) for g in visible_graphs(ctx.store, day)]
        payload = {**payload, "default_graphs": graphs, "named_graphs": graphs, "graphs": graphs}
    return _sparql_task(ctx, sparql, payload)


def _rows(ctx: WorkerContext, sparql: str, limit: int = 500) -> list[dict[str, Node]]:
    result, _ = _run(ctx, sparql, {"max_rows": limit})
    return result.as_dicts()


def _resource_task(ctx: WorkerContext, payload: dict[str, Any]) -> dict[str, Any]:
    iri = URIRef(str(payload["iri"]))
    try:
        term = sparql_term(iri)
    except ValueError as exc:
        raise TaskError(400, f"not an IRI: {payload['iri']!r}") from exc
    label = 'OPTIONAL { ?{v} rdfs:label ?{v}Label FILTER(lang(?{v}Label) IN ("en", "")) }'
    labels = _rows(
        ctx,
        f"SELECT DISTINCT ?p ?label WHERE {{ {term} ?p ?label . "
        "FILTER(?p IN (rdfs:label, skos:prefLabel, skos:altLabel, schema:name, dcterms:title)) }",
    )
    types = _rows(
        ctx,
        f"SELECT DISTINCT ?type ?typeLabel WHERE {{ {term} a ?type . "
        + label.replace("{v}", "type")
        + " }",
    )
    props = _rows(
        ctx,
        f"SELECT ?p ?o ?g ?oLabel WHERE {{ GRAPH ?g {{ {term} ?p ?o }} "
        + label.replace("{v}", "o")
        + " } ORDER BY ?p ?o",
    )
    incoming = _rows(
        ctx,
        f"SELECT ?s ?p ?g ?sLabel WHERE {{ GRAPH ?g {{ ?s ?p {term} }} "
        + label.replace("{v}", "s")
        + " } ORDER BY ?p ?s",
    )
    evidence = _rows(
        ctx,
        "SELECT DISTINCT ?claim ?summary ?exact ?start ?document WHERE { "
        f"{{ ?claim sg:asserts {term} }} UNION {{ ?claim sg:claimant {term} }} "
        f"UNION {{ ?claim sg:hasEvidence ?x . FILTER(?claim = {term}) }} "
        f"UNION {{ ?claim sg:hasEvidence {term} }} "
        "?claim sg:hasEvidence ?evidence . ?evidence oa:hasTarget ?target . "
        "?target oa:hasSelector ?selector . ?selector oa:exact ?exact . "
        "OPTIONAL { ?target oa:hasSelector/oa:start ?start } "
        "OPTIONAL { ?claim sg:claimSummary ?summary } "
        "OPTIONAL { ?claim sg:statedIn ?document } } ORDER BY ?document ?start ?claim",
    )

    def text(rows: list[dict[str, Node]]) -> list[dict[str, str]]:
        return [{k: _cell(v) for k, v in row.items()} for row in rows]

    return {
        "iri": str(iri),
        "labels": text(labels),
        "types": text(types),
        "properties": text(props),
        "incoming": text(incoming),
        "evidence": text(evidence),
    }


def _cell(term: Node) -> str:
    if isinstance(term, URIRef):
        return "<" + str(term) + ">"
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, Literal) and term.language:
        return str(term) + "@" + term.language
    return str(term)


def _view_task(ctx: WorkerContext, payload: dict[str, Any]) -> str:
    try:
        from strikegraph.views import analyze, build_view
        from strikegraph.views.draw import render_html
    except ImportError as exc:
        raise TaskError(404, f"the network views are not available: {one_line(exc)}") from exc
    view = build_view(ctx.store, str(payload["name"]), data_root=payload.get("data_dir"))  # type: ignore[arg-type]
    try:
        report = analyze(view).to_dict()
    except Exception:  # the drawing works without the analysis
        report = None
    return render_html(view, report)


def run(ctx: WorkerContext, kind: str, payload: dict[str, Any]) -> Any:
    if kind == "ping":
        return True
    if kind == "reopen":  # after an update: read the store's new state
        ctx.reopen()
        return True
    if kind == "sparql":
        return _sparql_task(ctx, str(payload["query"]), payload)
    if kind == "named":
        return _named_task(ctx, payload)
    if kind == "resource":
        return _resource_task(ctx, payload)
    if kind == "view":
        return _view_task(ctx, payload)
    raise TaskError(400, f"unknown task {kind!r}")


def escape_html(text: str) -> str:
    return html.escape(text, quote=True)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
