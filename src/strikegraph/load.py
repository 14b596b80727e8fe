"""Load the project's data folders (or single files) into an in-memory rdflib Dataset.

Files are parsed with pyoxigraph: it is fast, gives line numbers in its errors, never fetches
remote JSON-LD contexts, and keeps blank-node labels, which we then rename per file so that
``_:a`` in two files never becomes one node.

Nothing is ever fetched (:mod:`strikegraph.netguard`): a URL given as a file, a JSON-LD
document with a remote ``@context`` and an RDF/XML document declaring external entities are
refused with a :class:`~strikegraph.errors.NetworkAccessError` before anything is parsed.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, URIRef

from strikegraph.documents import document_files, load_document
from strikegraph.errors import DataError, NetworkAccessError
from strikegraph.namespaces import ONTOLOGY_GRAPH, OUTLETS_GRAPH, SGG, bind_namespaces
from strikegraph.netguard import check_jsonld, check_xml, refuse_url
from strikegraph.rdfterms import Quad, dataset_from_quads, from_ox_quad
from strikegraph.resources import data_root as resolve_root

__all__ = [
    "FORMATS_BY_SUFFIX",
    "MAX_ENTITY_EXPANSION",
    "MAX_XML_DEPTH",
    "load_file",
    "load_project",
    "parse_file",
]

FORMATS_BY_SUFFIX: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json-ld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
MAX_ENTITY_EXPANSION = 16 * 1024 * 1024
"""Bytes that internal XML entities of an RDF/XML file may expand to (entity-bomb guard)."""

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?(\S+)\s+(?:\"([^\"]*)\"|'([^']*)')", re.DOTALL)


def _check_rdfxml(data: bytes, where: object) -> None:
    """No external entities (netguard), and no entity bomb: oxrdfxml expands entities in
    memory, so nested references or a large entity used many times would abort the process
    ("billion laughs"). Plain internal entities, as Protege writes them, are fine.
    """
    check_xml(data, where)
    if _DOCTYPE.search(data) is None:
        return
    expanded = 0
    for match in _ENTITY.finditer(data):  # the whole text: conservative, and cheap
        value = match.group(3) if match.group(3) is not None else match.group(4) or b""
        if match.group(1) or b"&" in value or b"%" in value:
            raise DataError(
                f"{where}: XML entities that use other entities (or parameter entities) are "
                "not expanded (entity-expansion attack guard)"
            )
        expanded += len(value) * data.count(b"&" + match.group(2) + b";")
    if expanded > MAX_ENTITY_EXPANSION:
        raise DataError(
            f"{where}: the XML entities would expand to {expanded} bytes "
            f"(more than {MAX_ENTITY_EXPANSION}); entity-expansion attack guard"
        )


MAX_XML_DEPTH = 256
"""Deepest element nesting read in RDF/XML (oxrdfxml slows down with the square of depth)."""


class _TooDeep(Exception):
    pass


def _check_xml_depth(data: bytes, where: object) -> None:
    """Refuse RDF/XML nested deeper than :data:`MAX_XML_DEPTH` (a 0.8 MB file nested 20 000
    deep takes oxrdfxml 14 s). Measured with expat, which fetches nothing; malformed XML is
    left to the RDF/XML parser, which reports it.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    depth = 0

    def start(_name: str, _attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _TooDeep

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _TooDeep:
        raise DataError(
            f"{where}: the XML is nested more than {MAX_XML_DEPTH} elements deep"
        ) from None
    except expat.ExpatError:
        pass


def _check_rdfxml_document(data: bytes, where: object) -> None:
    _check_rdfxml(data, where)
    _check_xml_depth(data, where)


# Formats whose documents can point elsewhere: read whole and checked before parsing.
_CHECKED = {ox.RdfFormat.JSON_LD: check_jsonld, ox.RdfFormat.RDF_XML: _check_rdfxml_document}


def _syntax_message(path: Path, exc: SyntaxError) -> str:
    message = " ".join(str(exc.msg or exc).split())
    if exc.lineno:
        return f"{path}:{exc.lineno}: {message}"
    return f"{path}: {message}"


def parse_file(path: Path, fmt: ox.RdfFormat | None = None) -> list[Quad]:
    """Parse one RDF file into rdflib quads with fresh blank nodes (graph ``None`` = default)."""
    refuse_url(path)
    path = Path(path)
    if fmt is None:
        fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
        if fmt is None:
            raise DataError(
                f"{path}: unknown RDF file type (use one of {', '.join(FORMATS_BY_SUFFIX)})"
            )
    bnodes: dict[str, BNode] = {}
    try:
        with path.open("rb") as handle:
            check = _CHECKED.get(fmt)
            if check is None:
                return [from_ox_quad(q, bnodes) for q in ox.parse(handle, format=fmt)]
            data = handle.read()
            check(data, path)
            return [from_ox_quad(q, bnodes) for q in ox.parse(io.BytesIO(data), format=fmt)]
    except SyntaxError as exc:
        if "LoadDocumentCallback" in str(exc):  # a remote context check_jsonld did not spot
            raise NetworkAccessError(
                f"{path}: the JSON-LD document needs a remote @context, which is never "
                "fetched (no network access); put the context inline in the document"
            ) from exc
        raise DataError(_syntax_message(path, exc)) from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:  # e.g. an ill-formed literal that rdflib rejects
        raise DataError(f"{path}: {' '.join(str(exc).split())}") from exc


def load_file(path: str | os.PathLike[str]) -> Dataset:
    """Load a local .ttl/.trig/.nq/.nt/.jsonld/.rdf file; URLs are refused (no network access)."""
    refuse_url(path)
    file_path = Path(path)
    if not file_path.is_file():
        raise DataError(f"{file_path}: no such file")
    dataset = dataset_from_quads(parse_file(file_path))
    bind_namespaces(dataset)
    return dataset


def _is_generated_graph(graph: object) -> bool:
    return graph == ONTOLOGY_GRAPH or (
        isinstance(graph, URIRef) and graph.startswith(str(SGG)) and graph.endswith("/source")
    )


def _trig_quads(path: Path) -> list[Quad]:
    quads = parse_file(path, ox.RdfFormat.TRIG)
    outside = sum(1 for quad in quads if quad[3] is None)
    if outside:
        raise DataError(
            f"{path}: {outside} triple(s) outside any GRAPH block; put them in a named graph"
        )
    for quad in quads:
        if _is_generated_graph(quad[3]):
            raise DataError(f"{path}: must not write into the generated graph <{quad[3]}>")
    return quads


def load_project(data_root: str | os.PathLike[str] | None = None) -> Dataset:
    """Load ontology, reference and curated graphs, and document source graphs, in memory."""
    root = resolve_root(data_root)
    ontology = root / "ontology" / "strikegraph.ttl"
    if not ontology.is_file():
        raise DataError(f"{ontology}: the ontology file is missing")
    quads: list[Quad] = [
        (s, p, o, ONTOLOGY_GRAPH) for s, p, o, _ in parse_file(ontology, ox.RdfFormat.TURTLE)
    ]
    for folder in ("reference", "curated"):
        directory = root / "graph" / folder
        if directory.is_dir():
            for path in sorted(directory.glob("*.trig")):
                quads += _trig_quads(path)
    for text_path in document_files(root / "graph" / "documents"):
        document = load_document(text_path)
        quads += [(s, p, o, document.graph) for s, p, o in document.triples]
        quads += [(s, p, o, OUTLETS_GRAPH) for s, p, o in document.outlets]
    dataset = dataset_from_quads(quads)
    bind_namespaces(dataset)
    return dataset
