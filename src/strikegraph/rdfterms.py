"""Conversions between rdflib and pyoxigraph terms, and quad iteration over datasets.

oxrdflib converts plain literals to ``Literal(v, datatype=xsd:string)``, which rdflib does not
consider equal to ``Literal(v)`` (it breaks ``sh:in`` and comparisons). These helpers map
xsd:string back to plain literals and talk to pyoxigraph directly where speed matters.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

__all__ = [
    "OxTerms",
    "Quad",
    "dataset_from_quads",
    "from_ox",
    "iter_quads",
    "ox_store_of",
    "sparql_term",
    "to_ox",
    "to_ox_quad",
    "union_graph",
]

#: (subject, predicate, object, graph) with graph ``None`` for the default graph.
Quad = tuple[Node, Node, Node, Node | None]

_LANG_STRING = str(RDF.langString)
_XSD_STRING = str(XSD.string)
_BNODE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def to_ox(term: Node) -> Any:
    """Convert an rdflib term to the equivalent pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        value = str(term)
        return ox.BlankNode(value if _BNODE_ID.match(value) else None)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to a pyoxigraph term")


class OxTerms:
    """:func:`to_ox` with a memory: documents of one corpus repeat the same predicates,
    classes and entities, and building a pyoxigraph term costs more than a dict lookup.

    rdflib terms are equal only with the same type, lexical form, datatype and language, so a
    cached term is always the one :func:`to_ox` would build.
    """

    def __init__(self) -> None:
        self._terms: dict[Node, Any] = {}

    def term(self, term: Node) -> Any:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = to_ox(term)
        return found

    def triples(self, triples: Iterable[tuple[Node, Node, Node]]) -> list[tuple[Any, Any, Any]]:
        """rdflib triples -> tuples of pyoxigraph terms."""
        get = self._terms.get
        out = []
        for triple in triples:
            converted = []
            for term in triple:
                found = get(term)
                if found is None:
                    found = self._terms[term] = to_ox(term)
                converted.append(found)
            out.append((converted[0], converted[1], converted[2]))
        return out


def from_ox(term: Any, bnodes: dict[str, BNode] | None = None) -> Node:
    """Convert a pyoxigraph term to rdflib; xsd:string literals become plain literals.

    ``bnodes`` maps blank-node labels to fresh rdflib blank nodes, so that labels from two
    parsed files never collide.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        if bnodes is None:
            return BNode(term.value)
        node = bnodes.get(term.value)
        if node is None:
            node = bnodes[term.value] = BNode()
        return node
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language)
        if datatype in (_XSD_STRING, _LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"unsupported pyoxigraph term {term!r}")


def to_ox_quad(quad: Quad) -> ox.Quad:
    """Convert an rdflib quad (graph ``None`` = default graph) to a pyoxigraph quad."""
    s, p, o, g = quad
    graph = ox.DefaultGraph() if g is None or g == DATASET_DEFAULT_GRAPH_ID else to_ox(g)
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)


def from_ox_quad(quad: ox.Quad, bnodes: dict[str, BNode] | None = None) -> Quad:
    """Convert a pyoxigraph quad to an rdflib quad (graph ``None`` = default graph)."""
    graph = (
        None if isinstance(quad.graph_name, ox.DefaultGraph) else from_ox(quad.graph_name, bnodes)
    )
    return (
        from_ox(quad.subject, bnodes),
        from_ox(quad.predicate, bnodes),
        from_ox(quad.object, bnodes),
        graph,
    )


def ox_store_of(dataset: Dataset) -> ox.Store | None:
    """The pyoxigraph store behind an oxrdflib-backed dataset, else ``None``."""
    store = dataset.store
    if isinstance(store, OxigraphStore):
        inner: ox.Store = store._inner
        return inner
    return None


def _plain(term: Node) -> Node:
    if (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype) == _XSD_STRING
    ):
        return Literal(str(term))
    return term


def iter_quads(dataset: Dataset) -> Iterator[Quad]:
    """Yield every quad of a dataset; the default graph is reported as ``None``."""
    inner = ox_store_of(dataset)
    if inner is not None:
        for quad in inner.quads_for_pattern(None, None, None, None):
            yield from_ox_quad(quad)
        return
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = None if g is None or g == DATASET_DEFAULT_GRAPH_ID else g
        yield s, p, _plain(o), graph


def union_graph(dataset: Dataset, exclude: Iterable[Node] = ()) -> Graph:
    """Merge every graph of a dataset (except ``exclude``) into one in-memory Graph."""
    skipped = set(exclude)
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o, g in iter_quads(dataset) if g not in skipped)
    return graph


def dataset_from_quads(quads: Iterable[Quad]) -> Dataset:
    """Build an in-memory rdflib Dataset from quads; ``default_union=True`` (reads see all)."""
    dataset = Dataset(default_union=True)
    graphs: dict[Node, Graph] = {}
    batch_size = 10_000
    iterator = iter(quads)
    while batch := list(itertools.islice(iterator, batch_size)):
        rows = []
        for s, p, o, g in batch:
            if g is None or g == DATASET_DEFAULT_GRAPH_ID:
                target = dataset.default_graph
            else:
                found = graphs.get(g)
                target = found if found is not None else graphs.setdefault(g, dataset.graph(g))  # type: ignore[arg-type]
            rows.append((s, p, o, target))
        dataset.addN(rows)
    return dataset


def _escape_string(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def sparql_term(term: Node) -> str:
    """Serialise a term in N-Triples syntax, safe to paste into SPARQL or TSV."""
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)):
            raise ValueError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = f'"{_escape_string(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{text}^^{sparql_term(URIRef(term.datatype))}"
        return text
    raise TypeError(f"cannot serialise {term!r}")
