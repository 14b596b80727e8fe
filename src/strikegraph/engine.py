"""Run SPARQL text on Oxigraph or on rdflib's engine and return a :class:`QueryResult`.

Both engines query the union of all graphs as the default graph, so plain patterns and
``GRAPH`` patterns both work, and both get the strikegraph prefixes predeclared. Given
``graphs`` (a list of named graphs), a query sees only those: they make up both its default
graph (with the store's unnamed default graph) and its named graphs - how "as of" queries
leave out the documents issued later (see :func:`strikegraph.queries.visible_graphs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from strikegraph.errors import QueryError
from strikegraph.namespaces import PREFIXES, bind_namespaces
from strikegraph.netguard import disable_rdflib_graph_loading, guard_query
from strikegraph.rdfterms import dataset_from_quads, from_ox, iter_quads, ox_store_of
from strikegraph.results import QueryResult
from strikegraph.sparqltext import one_line, query_form

__all__ = ["execute_dataset", "execute_oxigraph"]


#: Up to this many graphs, a query names them in Oxigraph's dataset lists; with more, it runs
#: on an in-memory copy of them. Oxigraph matches every pattern graph by graph in a listed
#: dataset, so its cost grows with the list: weapon-systems at 10^5 triples took 0.2 s with
#: 10 graphs, 1.2 s with 50 and 13 s with 200, and an "as of" day late in a corpus lists
#: nearly every document's graphs. A copy costs one read of those graphs (about 1 s per
#: 10^5 quads on disk) and then answers as fast as the whole store does.
MAX_LISTED_GRAPHS = 16


def _ox_dataset(graphs: Sequence[URIRef] | None) -> dict[str, Any]:
    """Oxigraph's dataset arguments: the union of everything, or only ``graphs``."""
    if graphs is None:
        return {"use_default_graph_as_union": True}
    named = [ox.NamedNode(str(g)) for g in graphs]
    return {"default_graph": [ox.DefaultGraph(), *named], "named_graphs": named}


def _subset(store: ox.Store, graphs: Sequence[URIRef]) -> ox.Store:
    """An in-memory store holding ``store``'s unnamed default graph and ``graphs``: queried
    with the union as default graph, it is the dataset :func:`_ox_dataset` describes."""
    subset = ox.Store()
    subset.extend(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    for name in graphs:
        subset.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))))
    return subset


def execute_oxigraph(
    store: ox.Store, sparql: str, graphs: Sequence[URIRef] | None = None
) -> QueryResult:
    """Run a query on a pyoxigraph store (only on ``graphs``, if given); materialise it."""
    guard_query(sparql)
    form = query_form(sparql)
    if graphs is not None and len(graphs) > MAX_LISTED_GRAPHS:
        store, graphs = _subset(store, graphs), None
    try:
        result = store.query(sparql, prefixes=PREFIXES, **_ox_dataset(graphs))
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            return QueryResult("SELECT", variables=names, rows=_converted_rows(result))
        graph = Graph()
        bind_namespaces(graph)
        for triple in result:
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return QueryResult(form, graph=graph)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {one_line(exc)}") from exc
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise QueryError(f"query failed: {one_line(exc)}") from exc


def _converted_rows(solutions: ox.QuerySolutions) -> list[tuple[Node | None, ...]]:
    """The solutions as rows of rdflib terms, each distinct term converted once.

    Large results repeat the same IRIs and literals (a claim on every row of its evidence, a
    type on every row of its members), and building an rdflib term costs several times a dict
    lookup: at 30,000 rows this is 0.2 s instead of 0.8 s.
    """
    converted: dict[Any, Node] = {}
    get = converted.get
    rows: list[tuple[Node | None, ...]] = []
    for solution in solutions:
        row: list[Node | None] = []
        for value in solution:
            if value is None:
                row.append(None)
                continue
            term = get(value)
            if term is None:
                term = converted[value] = from_ox(value)
            row.append(term)
        rows.append(tuple(row))
    return rows


def _plain(term: Any) -> Node | None:
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term  # type: ignore[no-any-return]


def _only(dataset: Dataset, graphs: Sequence[URIRef]) -> Dataset:
    """A copy of ``graphs`` (and the unnamed default graph): rdflib has no dataset argument."""
    keep = set(graphs)
    return dataset_from_quads(q for q in iter_quads(dataset) if q[3] is None or q[3] in keep)


def execute_dataset(
    dataset: Dataset, sparql: str, graphs: Sequence[URIRef] | None = None
) -> QueryResult:
    """Run a query on an rdflib Dataset (Oxigraph-backed datasets go to Oxigraph directly)."""
    guard_query(sparql)
    inner = ox_store_of(dataset)
    if inner is not None:
        return execute_oxigraph(inner, sparql, graphs)
    form = query_form(sparql)
    source = dataset if graphs is None else _only(dataset, graphs)
    union = Dataset(store=source.store, default_union=True)
    disable_rdflib_graph_loading()
    try:
        result = union.query(sparql, initNs=PREFIXES)
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            names = [str(v) for v in result.vars or []]
            rows = [tuple(_plain(value) for value in row) for row in result]  # type: ignore[union-attr]
            return QueryResult("SELECT", variables=names, rows=rows)
        graph = Graph()
        bind_namespaces(graph)
        if result.graph is not None:
            for s, p, o in result.graph:
                graph.add((s, p, _plain(o) or o))
        return QueryResult(form, graph=graph)
    except ParseException as exc:
        raise QueryError(f"malformed SPARQL: {one_line(exc)}") from exc
    except QueryError:
        raise
    except Exception as exc:  # rdflib raises assorted exception types while evaluating
        raise QueryError(f"query failed: {one_line(exc)}") from exc
