"""Release artifacts of the ontology: Turtle, RDF/XML, JSON-LD, N-Triples, and the JSON-LD context.

The Turtle source ``ontology/strikegraph.ttl`` is the only file edited by hand; everything here is
generated from it. Parsing and serializing never touch the network: JSON-LD is written with an
inline context, never a remote one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from strikegraph import atomicio
from strikegraph.errors import DataError, ParameterError
from strikegraph.namespaces import bind_namespaces
from strikegraph.ontology.files import (
    NAMESPACE,
    core_file,
    load_alignments,
    load_core,
)
from strikegraph.ontology.terms import Ontology, read_ontology

__all__ = [
    "FORMATS",
    "MODULES",
    "THING_KINDS",
    "Format",
    "build_context",
    "canonical",
    "export_ontology",
    "module_graph",
    "parse_serialized",
    "render_context",
    "serialize",
]


@dataclass(frozen=True)
class Format:
    """An export format: rdflib's serializer name, file suffix and media type."""

    name: str
    rdflib_name: str
    suffix: str
    media_type: str


FORMATS: dict[str, Format] = {
    "turtle": Format("turtle", "turtle", ".ttl", "text/turtle"),
    "xml": Format("xml", "pretty-xml", ".owl", "application/rdf+xml"),
    "json-ld": Format("json-ld", "json-ld", ".jsonld", "application/ld+json"),
    "nt": Format("nt", "nt", ".nt", "application/n-triples"),
}
_ALIASES = {
    "ttl": "turtle",
    "rdf": "xml",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "owl": "xml",
    "jsonld": "json-ld",
    "ntriples": "nt",
    "n-triples": "nt",
}

#: core: the ontology; alignments: the alignment module alone; all: both, merged.
MODULES = ("core", "alignments", "all")

#: The kinds of thing IRIs (https://w3id.org/strikegraph/id/{kind}/{slug}), from
#: docs/architecture.md; each is a prefix of its own in Turtle and in the JSON-LD context.
THING_KINDS = (
    "alliance", "authorization", "claim", "control", "delivery", "disclosure", "document",
    "evidence", "group", "holding", "interval", "issue", "membership", "offensive", "office",
    "organisation", "person", "pressure", "prohibition", "rift", "stance", "state", "strike",
    "territory", "view", "weapon", "weapon-category",
)  # fmt: skip

SGID = "https://w3id.org/strikegraph/id/"

_STANDARD_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "vann": "http://purl.org/vocab/vann/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}


def normalise_format(fmt: str) -> Format:
    key = fmt.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise ParameterError(f"unknown ontology format '{fmt}' (use {', '.join(FORMATS)})")
    return FORMATS[key]


def module_graph(module: str = "core", data_root: str | os.PathLike[str] | None = None) -> Graph:
    """The graph of one module: ``core``, ``alignments`` or ``all`` (both)."""
    if module == "core":
        return load_core(data_root)
    if module == "alignments":
        return load_alignments(data_root)
    if module == "all":
        return load_alignments(data_root, with_core=True)
    raise ParameterError(f"unknown ontology module '{module}' (use {', '.join(MODULES)})")


def _prefix_context() -> dict[str, str]:
    return {"sg": NAMESPACE, **_STANDARD_PREFIXES}


def _blank_node_keys(graph: Graph, rounds: int = 4) -> dict[BNode, str]:
    """A stable key per blank node: a hash of its neighbourhood, refined a few times (the
    Weisfeiler-Lehman idea). Nodes that end with the same key are interchangeable for the
    serializers' purposes; a counter keeps them apart."""
    nodes = {n for t in graph for n in t if isinstance(n, BNode)}
    keys = dict.fromkeys(nodes, "")

    def text(node: Node) -> str:
        return f"_:{keys[node]}" if isinstance(node, BNode) else node.n3()

    for _ in range(rounds):
        refined = {}
        for node in nodes:
            outgoing = sorted(f"{p.n3()} {text(o)}" for p, o in graph.predicate_objects(node))
            incoming = sorted(f"{text(s)} {p.n3()}" for s, p in graph.subject_predicates(node))
            digest = hashlib.sha256("\n".join(["out", *outgoing, "in", *incoming]).encode())
            refined[node] = digest.hexdigest()[:16]
        keys = refined
    labels: dict[BNode, str] = {}
    seen: dict[str, int] = {}
    for node in sorted(nodes, key=lambda n: keys[n]):
        count = seen.get(keys[node], 0)
        seen[keys[node]] = count + 1
        labels[node] = f"b{keys[node]}{count or ''}"
    return labels


def canonical(graph: Graph) -> Graph:
    """A copy with stable blank-node labels and triples inserted in sorted order, so that
    serializing it gives the same bytes every time (reproducible release files)."""
    labels = _blank_node_keys(graph)
    relabel: dict[Node, Node] = {node: BNode(label) for node, label in labels.items()}
    triples = [tuple(relabel.get(n, n) for n in t) for t in graph]
    result = Graph(store="SimpleMemory")  # nested dicts: iterates in insertion order
    for triple in sorted(triples, key=lambda t: tuple(n.n3() for n in t)):
        result.add(triple)  # type: ignore[arg-type]
    return result


def serialize(graph: Graph, fmt: str) -> bytes:
    """The graph in one of :data:`FORMATS` (JSON-LD compacted with an inline prefix context),
    byte for byte the same for the same graph."""
    chosen = normalise_format(fmt)
    graph = canonical(graph)
    bind_namespaces(graph)
    for prefix, iri in _STANDARD_PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    graph.bind("bibo", "http://purl.org/ontology/bibo/", override=True, replace=True)
    if chosen.name == "json-ld":
        text = graph.serialize(format="json-ld", context=_prefix_context(), auto_compact=True)
        document = _sorted_json(json.loads(text))
        return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
    with warnings.catch_warnings():
        # pretty-xml warns about the owl:unionOf lists it writes as parseType="Collection";
        # nothing is lost (the round-trip test proves it).
        warnings.filterwarnings("ignore", message="Assertions on .* other than RDF.first")
        data = graph.serialize(format=chosen.rdflib_name, encoding="utf-8")
    if chosen.name == "nt":
        lines = sorted(line for line in data.decode("utf-8").splitlines() if line.strip())
        return ("\n".join(lines) + "\n").encode("utf-8")
    if chosen.name == "xml":
        return _sorted_xmlns(data)
    return data


def _sorted_json(value: Any, in_list: bool = False) -> Any:
    """JSON-LD with its sets in a stable order (``@list`` arrays keep theirs)."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, k == "@list") for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        if in_list:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _sorted_xmlns(data: bytes) -> bytes:
    """RDF/XML with the namespace declarations of its root element in a stable order."""
    lines = data.decode("utf-8").split("\n")
    marked = [i for i, line in enumerate(lines[:50]) if line.startswith("  xmlns:")]
    if not marked:
        return data
    first, last = marked[0], marked[-1]
    if marked != list(range(first, last + 1)):
        return data
    lines[first : last + 1] = sorted(lines[first : last + 1])
    return "\n".join(lines).encode("utf-8")


def parse_serialized(data: bytes, fmt: str) -> Graph:
    """Parse what :func:`serialize` wrote (local data only, no remote contexts)."""
    chosen = normalise_format(fmt)
    graph = Graph()
    rdflib_format = {"xml": "xml", "json-ld": "json-ld", "nt": "nt", "turtle": "turtle"}[
        chosen.name
    ]
    graph.parse(data=data, format=rdflib_format)
    return graph


def write_output(data: bytes, output: str | os.PathLike[str] | IO[bytes] | None) -> None:
    if output is None:
        stream = sys.stdout.buffer
        stream.write(data)
        stream.flush()
    elif isinstance(output, (str, os.PathLike)):
        path = Path(output)
        try:
            atomicio.write_bytes(path, data)
        except OSError as exc:
            raise DataError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    else:
        output.write(data)


def export_ontology(
    fmt: str,
    output: str | os.PathLike[str] | IO[bytes] | None = None,
    *,
    module: str = "core",
    data_root: str | os.PathLike[str] | None = None,
) -> bytes:
    """Serialize a module and write it to ``output`` (a path, written atomically; a binary
    stream; or stdout when ``None``). The core in Turtle is the source file itself, header
    first. Returns the bytes written."""
    chosen = normalise_format(fmt)
    if chosen.name == "turtle" and module == "core":
        data = core_file(data_root).read_bytes()
    else:
        data = serialize(module_graph(module, data_root), chosen.name)
    write_output(data, output)
    return data


# --------------------------------------------------------------------------------------------
# JSON-LD context
# --------------------------------------------------------------------------------------------


def _enumeration_classes(ontology: Ontology) -> set[URIRef]:
    """Classes whose instances are the ontology's own named individuals (closed lists)."""
    result = set()
    for term in ontology.by_kind("class"):
        if term.one_of or any(
            i in ontology.terms and ontology.terms[i].kind == "individual" for i in term.instances
        ):
            result.add(term.iri)
    return result


def _curie(iri: URIRef) -> str:
    text = str(iri)
    for prefix, namespace in _prefix_context().items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def build_context(graph: Graph | None = None) -> dict[str, Any]:
    """The vocabulary's JSON-LD context, generated from the ontology.

    Thing kinds (``state:``, ``weapon:``...) are prefixes, except a kind whose name is also a
    term of the vocabulary (``office``, ``organisation``): a JSON-LD key has one meaning, so
    there the property wins and such things are written ``sgid:office/...``.
    Classes and individuals map to their IRIs; object properties are ``"@type": "@id"``, or
    ``"@vocab"`` when their range is a closed list of the ontology's individuals (so that
    ``"action": "UseWeapons"`` works); datatype properties carry their XSD datatype (strings
    stay plain, so that language tags are kept).
    """
    graph = graph if graph is not None else load_core()
    ontology = read_ontology(graph)
    enumerations = _enumeration_classes(ontology)
    context: dict[str, Any] = {}
    context["sg"] = NAMESPACE
    context["sgid"] = SGID
    context["sgg"] = SGID + "graph/"
    locals_ = {term.local for term in ontology.terms.values()}
    for kind in THING_KINDS:
        if kind not in locals_:  # "office", "organisation": the property wins (sgid:office/...)
            context[kind] = f"{SGID}{kind}/"
    context.update(_STANDARD_PREFIXES)
    context["id"] = "@id"
    context["type"] = "@type"
    context["label"] = {"@id": "rdfs:label"}
    context["altLabel"] = {"@id": "skos:altLabel"}
    context["definition"] = {"@id": "skos:definition"}
    context["exactMatch"] = {"@id": "skos:exactMatch", "@type": "@id"}
    context["sameAs"] = {"@id": "owl:sameAs", "@type": "@id"}
    reserved = set(context)
    for term in sorted(ontology.terms.values(), key=lambda t: t.local):
        if term.local in reserved:
            raise DataError(f"{term.curie}: its local name clashes with a context keyword")
        curie = term.curie
        if term.kind == "object-property":
            members = {m for e in term.range for m in e.members}
            coerce = "@vocab" if members and members <= enumerations else "@id"
            context[term.local] = {"@id": curie, "@type": coerce}
        elif term.kind == "datatype-property":
            ranges = [m for e in term.range for m in e.members]
            if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] != XSD.string:
                context[term.local] = {"@id": curie, "@type": _curie(ranges[0])}
            else:
                context[term.local] = {"@id": curie}
        else:
            context[term.local] = curie
    return {"@context": context}


def render_context(graph: Graph | None = None) -> str:
    """:func:`build_context` as the text of ``ontology/context.jsonld``."""
    return json.dumps(build_context(graph), indent=2, ensure_ascii=False) + "\n"


def context_terms(context: dict[str, Any]) -> Iterable[str]:
    """The term names of a context document."""
    return (k for k in context["@context"] if not k.startswith("@"))
