"""Where the ontology's files are, and how to load them without touching the network.

The files live in the ``ontology/`` data folder, found through :mod:`strikegraph.resources`,
so the same code works from a checkout and from an installed wheel (where the folder is the
package data ``strikegraph/data/ontology``). ``owl:imports`` are never followed over the
network: :func:`load_with_imports` resolves an imported IRI through the OASIS XML catalog
``ontology/catalog-v001.xml`` (the file Protégé reads too) and refuses an IRI it cannot map.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from strikegraph.errors import DataError
from strikegraph.load import parse_file
from strikegraph.namespaces import bind_namespaces
from strikegraph.resources import data_dir, ontology_file

__all__ = [
    "ALIGNMENTS_IRI",
    "CORE_IRI",
    "NAMESPACE",
    "alignments_file",
    "catalog",
    "changelog_file",
    "checks_dir",
    "context_file",
    "core_file",
    "load_alignments",
    "load_core",
    "load_graph",
    "load_with_imports",
    "ontology_dir",
    "ontology_iri",
    "releases_dir",
    "resolve_import",
]

NAMESPACE = "https://w3id.org/strikegraph/ontology#"
CORE_IRI = URIRef("https://w3id.org/strikegraph/ontology")
ALIGNMENTS_IRI = URIRef("https://w3id.org/strikegraph/ontology/alignments")

_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
_VERSIONED = re.compile(r"^(?P<base>.+)/(?P<version>\d+\.\d+\.\d+)$")

Root = str | os.PathLike[str] | None


def ontology_dir(data_root: Root = None) -> Path:
    """The ``ontology/`` data folder."""
    return data_dir("ontology", data_root)


def core_file(data_root: Root = None) -> Path:
    """``ontology/strikegraph.ttl``, the core ontology (the one source of truth)."""
    return ontology_file(data_root)


def alignments_file(data_root: Root = None) -> Path:
    """``ontology/strikegraph-alignments.ttl``: mappings to PROV-O, ODRL, schema.org, OA..."""
    return ontology_dir(data_root) / "strikegraph-alignments.ttl"


def context_file(data_root: Root = None) -> Path:
    """``ontology/context.jsonld``: the JSON-LD context of the vocabulary."""
    return ontology_dir(data_root) / "context.jsonld"


def changelog_file(data_root: Root = None) -> Path:
    """``ontology/CHANGELOG.md``."""
    return ontology_dir(data_root) / "CHANGELOG.md"


def releases_dir(data_root: Root = None) -> Path:
    """``ontology/releases/``: one frozen term-signature snapshot per released version."""
    return ontology_dir(data_root) / "releases"


def checks_dir(data_root: Root = None) -> Path:
    """``ontology/checks/``: the SPARQL quality checks."""
    return ontology_dir(data_root) / "checks"


def load_graph(path: str | os.PathLike[str]) -> Graph:
    """Parse one local RDF file into a Graph (errors name the file and line)."""
    graph = Graph()
    bind_namespaces(graph)
    graph.addN((s, p, o, graph) for s, p, o, _ in parse_file(Path(path)))
    return graph


def _require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise DataError(f"{path}: the {what} is missing")
    return path


def load_core(data_root: Root = None) -> Graph:
    """The core ontology as a Graph."""
    return load_graph(_require(core_file(data_root), "ontology file"))


def load_alignments(data_root: Root = None, *, with_core: bool = False) -> Graph:
    """The alignment module (and, with ``with_core``, the core it imports)."""
    path = _require(alignments_file(data_root), "alignment module")
    return load_with_imports(path, data_root) if with_core else load_graph(path)


def catalog(data_root: Root = None) -> dict[str, Path]:
    """IRI -> local file, from ``ontology/catalog-v001.xml`` (relative paths are resolved)."""
    folder = ontology_dir(data_root)
    path = folder / "catalog-v001.xml"
    mapping: dict[str, Path] = {}
    if not path.is_file():
        return {
            str(CORE_IRI): core_file(data_root),
            str(ALIGNMENTS_IRI): alignments_file(data_root),
        }
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise DataError(f"{path}: {exc}") from exc
    for element in root.iter(f"{_CATALOG_NS}uri"):
        name, uri = element.get("name"), element.get("uri")
        if name and uri:
            mapping[name] = (folder / uri).resolve()
    return mapping


def ontology_iri(graph: Graph) -> URIRef | None:
    """The IRI of the graph's (first, sorted) owl:Ontology, if any."""
    iris = sorted(s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
    return iris[0] if iris else None


def resolve_import(
    iri: str, data_root: Root = None, extra: Mapping[str, str | os.PathLike[str]] | None = None
) -> Path:
    """The local file for an imported IRI, or :class:`DataError` (nothing is ever fetched).

    A version IRI (``{ontology IRI}/{x.y.z}``) resolves to the local file when that file is
    the version asked for.
    """
    table = {**catalog(data_root), **{k: Path(v) for k, v in (extra or {}).items()}}
    key = str(iri).rstrip("#")
    if key in table:
        return table[key]
    match = _VERSIONED.match(key)
    if match and match["base"] in table:
        path = table[match["base"]]
        graph = load_graph(path)
        for version_iri in graph.objects(ontology_iri(graph), OWL.versionIRI):
            if str(version_iri) == key:
                return path
        raise DataError(
            f"<{key}>: no local copy of this version (only the current version is shipped)"
        )
    raise DataError(
        f"cannot import <{key}>: it is not in the ontology catalog, and imports are never "
        "fetched over the network"
    )


def load_with_imports(
    sources: str | os.PathLike[str] | Graph | Iterable[str | os.PathLike[str] | Graph],
    data_root: Root = None,
    *,
    extra: Mapping[str, str | os.PathLike[str]] | None = None,
    skip: Iterable[str] = (),
) -> Graph:
    """Merge files or graphs with everything they import, transitively, resolved locally.

    ``extra`` adds IRI -> file mappings (another project's own modules); IRIs in ``skip`` are
    left unresolved on purpose (an external vocabulary the caller does not need).
    """
    if isinstance(sources, (str, os.PathLike, Graph)):
        sources = [sources]
    merged = Graph()
    bind_namespaces(merged)
    done: set[str] = set(str(s) for s in skip)
    pending: list[Graph] = []
    for source in sources:
        graph = source if isinstance(source, Graph) else load_graph(source)
        pending.append(graph)
    while pending:
        graph = pending.pop()
        for iri in graph.subjects(RDF.type, OWL.Ontology):
            done.add(str(iri))
            for version_iri in graph.objects(iri, OWL.versionIRI):
                done.add(str(version_iri))
        merged += graph
        for imported in sorted(set(graph.objects(None, OWL.imports)), key=str):
            if str(imported) in done:
                continue
            done.add(str(imported))
            pending.append(load_graph(resolve_import(str(imported), data_root, extra)))
    return merged
