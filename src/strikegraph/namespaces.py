"""The namespaces strikegraph uses, in one place, so that code, queries and output agree."""

from __future__ import annotations

import functools

from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

__all__ = [
    "DCTERMS",
    "ODRL",
    "OA",
    "ONTOLOGY_GRAPH",
    "OWL",
    "PREFIXES",
    "THING_KINDS",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SG",
    "SGG",
    "OUTLETS_GRAPH",
    "SGID",
    "SH",
    "SKOS",
    "WD",
    "WDT",
    "XSD",
    "bind_namespaces",
    "expand_curie",
    "shorten",
]

SG = Namespace("https://w3id.org/strikegraph/ontology#")
SGID = Namespace("https://w3id.org/strikegraph/id/")
SGG = Namespace("https://w3id.org/strikegraph/id/graph/")
ONTOLOGY_GRAPH = URIRef("https://w3id.org/strikegraph/ontology")
#: The media outlets that document metadata names, each described once (type and label),
#: however many documents name it: a triple restated in every source graph would come back
#: once per graph from the union default graph and multiply every join on it.
OUTLETS_GRAPH = SGG["outlets"]

OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

#: prefix -> namespace IRI; used for output, CURIE parsing and as default query prefixes.
PREFIXES: dict[str, str] = {
    "sg": str(SG),
    "sgid": str(SGID),
    "sgg": str(SGG),
    "oa": str(OA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "odrl": str(ODRL),
    "wd": str(WD),
    "wdt": str(WDT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "sgsh": "https://w3id.org/strikegraph/shapes#",
}

#: One prefix per kind of thing, named after the kind (Turtle forbids '/' in a prefixed
#: name, so ``state:ukraine`` stands for ``sgid:`` + ``state/ukraine``); see
#: docs/architecture.md.
THING_KINDS: tuple[str, ...] = (
    "alliance", "authorization", "claim", "control", "delivery", "disclosure", "document",
    "evidence", "group", "holding", "interval", "issue", "membership", "offensive", "office",
    "organisation", "person", "pressure", "prohibition", "rift", "stance", "state", "strike",
    "territory", "view", "weapon", "weapon-category",
)  # fmt: skip
PREFIXES.update({kind: f"{SGID}{kind}/" for kind in THING_KINDS})

# Longest namespace first, so that sgg: wins over sgid: for graph IRIs.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


def bind_namespaces(graph: Graph | Dataset) -> None:
    """Bind every strikegraph prefix on a graph or dataset (replacing clashing bindings)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)


@functools.lru_cache(maxsize=1 << 16)
def shorten(iri: str) -> str:
    """Return ``prefix:local`` for an IRI in a known namespace, else the IRI unchanged.

    Things get their kind's prefix (``state:ukraine``); other IRIs under ``sgid:`` are
    shortened for display only and may not be valid Turtle prefixed names. Remembered: a
    large view shortens the same few thousand IRIs half a million times.
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand_curie(value: str) -> URIRef | None:
    """Expand ``prefix:local`` with a known prefix; ``None`` when the prefix is unknown."""
    prefix, sep, local = value.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return URIRef(PREFIXES[prefix] + local)
