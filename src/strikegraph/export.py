"""Export a dataset or store as TriG, N-Quads, Turtle, N-Triples or JSON-LD.

Output is sorted so that two exports of the same data are byte-identical (useful in diffs).
Files are written atomically (temporary file + ``os.replace``); JSON-LD is compacted with a
local context built from our prefixes, so nothing is ever fetched.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset

from strikegraph.errors import StrikegraphError
from strikegraph.namespaces import PREFIXES
from strikegraph.rdfterms import (
    iter_quads,
    ox_store_of,
    to_ox_quad,
)
from strikegraph.store import Store

__all__ = ["EXPORT_FORMATS", "export"]

EXPORT_FORMATS: dict[str, ox.RdfFormat | None] = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "json-ld": None,  # our own writer, see _jsonld
}


def _ox_quads(source: Store | Dataset) -> Iterator[ox.Quad]:
    if isinstance(source, Store):
        if not source.exists():
            return iter(())
        return iter(source.oxigraph.quads_for_pattern(None, None, None, None))
    inner = ox_store_of(source)
    if inner is not None:
        return iter(inner.quads_for_pattern(None, None, None, None))
    return (to_ox_quad(quad) for quad in iter_quads(source))


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
    return (graph, str(quad.subject), str(quad.predicate), str(quad.object))


_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _compact(iri: str) -> str:
    """``prefix:rest`` for an IRI in a known namespace (valid JSON-LD compact IRI syntax)."""
    for prefix, namespace in _BY_LENGTH:
        rest = iri[len(namespace) :]
        if iri.startswith(namespace) and rest and not rest.startswith("//"):
            return f"{prefix}:{rest}"
    return iri


def _node_id(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return _compact(term.value)
    raise StrikegraphError(f"cannot write {term!r} as JSON-LD")


def _jsonld_value(term: object) -> object:
    if not isinstance(term, ox.Literal):
        return {"@id": _node_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _jsonld(quads: list[ox.Quad]) -> dict[str, object]:
    """Flattened JSON-LD, one ``@graph`` per named graph, compacted with a local context.

    Written by hand because rdflib's serializer only compacts IRIs whose local part is a
    valid QName (never ``sgid:state/ukraine``); literals keep their exact lexical form.
    """
    graphs: dict[str, dict[str, dict[str, object]]] = {}
    for quad in quads:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else _node_id(quad.graph_name)
        nodes = graphs.setdefault(graph, {})
        subject = _node_id(quad.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if quad.predicate.value == _RDF_TYPE and not isinstance(quad.object, ox.Literal):
            types = node.setdefault("@type", [])
            assert isinstance(types, list)
            types.append(_node_id(quad.object))
        else:
            values = node.setdefault(_compact(quad.predicate.value), [])
            assert isinstance(values, list)
            values.append(_jsonld_value(quad.object))
    top: list[object] = list(graphs.get("", {}).values())
    for name, nodes in graphs.items():
        if name:
            top.append({"@id": name, "@graph": list(nodes.values())})
    return {"@context": dict(PREFIXES), "@graph": top}


def _ox_store(source: Store | Dataset) -> ox.Store | None:
    if isinstance(source, Store):
        return source.oxigraph if source.exists() else None
    return ox_store_of(source)


def _sorted_by_graph(store: ox.Store, counter: list[int]) -> Iterator[ox.Quad]:
    """All quads in export order, one graph in memory at a time.

    The order is :func:`_sort_key`'s (graph first), so sorting each graph on its own and
    taking the graphs in order gives the same bytes as sorting everything, while memory stays
    bounded by the largest graph instead of the store.
    """
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += sorted(store.named_graphs(), key=str)
    for graph in graphs:
        quads = sorted(store.quads_for_pattern(None, None, None, graph), key=_sort_key)
        counter[0] += len(quads)
        yield from quads


def _write_nquads_sorted(store: ox.Store, target: IO[bytes]) -> int:
    """N-Quads in export order, each graph written by Oxigraph and its lines sorted as bytes.

    An N-Triples line is ``S P O .`` with S and P free of spaces, so ordering lines as
    UTF-8 bytes orders them by (S, P, O) as code points, which is :func:`_sort_key`'s order:
    the output is the same bytes as serialising the sorted quads, without building a Python
    object per quad (10^6 quads: 5.6 s -> 4.4 s; reading them from disk alone takes 4.1 s).
    """
    count = 0
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += sorted(store.named_graphs(), key=str)
    for graph in graphs:
        lines = (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b"").splitlines()
        if not lines:
            continue
        lines.sort()
        count += len(lines)
        if isinstance(graph, ox.DefaultGraph):
            target.write(b"\n".join(lines) + b"\n")
        else:
            name = b" " + str(graph).encode("utf-8") + b" .\n"
            target.write(b"".join(line[:-2] + name for line in lines))
    return count


def _serialize(source: Store | Dataset, fmt: str, target: IO[bytes]) -> int:
    rdf_format = EXPORT_FORMATS[fmt]
    store = _ox_store(source)
    if store is not None and rdf_format == ox.RdfFormat.N_QUADS:
        return _write_nquads_sorted(store, target)
    if store is not None and rdf_format == ox.RdfFormat.TRIG:
        counter = [0]
        ox.serialize(_sorted_by_graph(store, counter), target, format=rdf_format, prefixes=PREFIXES)
        return counter[0]
    quads = sorted(_ox_quads(source), key=_sort_key)
    if rdf_format is None:
        document = _jsonld(quads)
        target.write(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
        return len(quads)
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        ox.serialize(triples, target, format=rdf_format, prefixes=PREFIXES)
        return len(triples)
    ox.serialize(quads, target, format=rdf_format, prefixes=PREFIXES)
    return len(quads)


def export(
    source: Store | Dataset,
    fmt: str,
    out: str | os.PathLike[str] | IO[bytes] | None = None,
) -> int:
    """Write ``source`` in ``fmt`` to ``out`` (a path, a binary stream, or stdout).

    ``turtle`` and ``ntriples`` hold the union of all graphs; the other formats keep the
    graphs. Returns the number of quads (or triples) written.
    """
    if fmt not in EXPORT_FORMATS:
        raise StrikegraphError(
            f"unknown export format '{fmt}' (use one of {', '.join(EXPORT_FORMATS)})"
        )
    if out is None:
        stream = sys.stdout.buffer
        count = _serialize(source, fmt, stream)
        stream.flush()
        return count
    if not isinstance(out, (str, os.PathLike)):
        return _serialize(source, fmt, out)
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
            "wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
    except OSError as exc:
        raise StrikegraphError(f"cannot write {path}: {exc.strerror or exc}") from exc
    temporary = Path(handle.name)
    try:
        with handle:
            count = _serialize(source, fmt, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise StrikegraphError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return count
