"""Load the project's data folders (or single files) into an in-memory rdflib Dataset.

Files are parsed with pyoxigraph: it is fast, gives line numbers in its errors, never fetches
remote JSON-LD contexts, and keeps blank-node labels, which we then rename per file so that
``_:a`` in two files never becomes one node.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, URIRef

from strikegraph.documents import document_files, load_document
from strikegraph.errors import DataError
from strikegraph.namespaces import ONTOLOGY_GRAPH, SGG, bind_namespaces
from strikegraph.rdfterms import Quad, dataset_from_quads, from_ox_quad
from strikegraph.resources import data_root as resolve_root

__all__ = ["FORMATS_BY_SUFFIX", "load_file", "load_project", "parse_file"]

FORMATS_BY_SUFFIX: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json-ld": ox.RdfFormat.JSON_LD,
}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _syntax_message(path: Path, exc: SyntaxError) -> str:
    message = " ".join(str(exc.msg or exc).split())
    if exc.lineno:
        return f"{path}:{exc.lineno}: {message}"
    return f"{path}: {message}"


def parse_file(path: Path, fmt: ox.RdfFormat | None = None) -> list[Quad]:
    """Parse one RDF file into rdflib quads with fresh blank nodes (graph ``None`` = default)."""
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
            return [from_ox_quad(q, bnodes) for q in ox.parse(handle, format=fmt)]
    except SyntaxError as exc:
        raise DataError(_syntax_message(path, exc)) from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:  # e.g. an ill-formed literal that rdflib rejects
        raise DataError(f"{path}: {' '.join(str(exc).split())}") from exc


def load_file(path: str | os.PathLike[str]) -> Dataset:
    """Load a local .ttl/.trig/.nq/.nt/.jsonld file; URLs are refused (no network access)."""
    if isinstance(path, str) and _URL.match(path):
        raise DataError(f"{path}: only local files can be loaded, not URLs")
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
    dataset = dataset_from_quads(quads)
    bind_namespaces(dataset)
    return dataset
