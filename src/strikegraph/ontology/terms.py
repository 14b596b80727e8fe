"""A read-only model of the ontology's terms, shared by the docs, the versioning and the context.

Everything is read from the ontology graph itself: nothing about a term is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from strikegraph.ontology.files import NAMESPACE

__all__ = [
    "CHARACTERISTICS",
    "KINDS",
    "ClassExpression",
    "Ontology",
    "Term",
    "english",
    "is_datatype",
    "read_ontology",
]

#: kind key -> (rdf:type, heading)
KINDS: dict[str, tuple[URIRef, str]] = {
    "class": (OWL.Class, "Classes"),
    "object-property": (OWL.ObjectProperty, "Object properties"),
    "datatype-property": (OWL.DatatypeProperty, "Datatype properties"),
    "annotation-property": (OWL.AnnotationProperty, "Annotation properties"),
    "individual": (OWL.NamedIndividual, "Named individuals"),
}

#: OWL property characteristics, in display order.
CHARACTERISTICS: dict[URIRef, str] = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}


@dataclass(frozen=True)
class ClassExpression:
    """A named class or datatype, or a union of named ones (what domains and ranges use here)."""

    members: tuple[URIRef, ...]
    union: bool = False

    def canonical(self) -> str:
        """A stable text form: the IRI, or ``unionOf(IRI IRI ...)`` with sorted members."""
        if not self.union:
            return str(self.members[0])
        return "unionOf(" + " ".join(sorted(str(m) for m in self.members)) + ")"


def _class_expression(graph: Graph, node: Node) -> ClassExpression | None:
    if isinstance(node, URIRef):
        return ClassExpression((node,))
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            members = tuple(m for m in Collection(graph, union) if isinstance(m, URIRef))
            return ClassExpression(members, union=True)
    return None


def english(graph: Graph, subject: Node, predicate: URIRef) -> list[str]:
    """Literal values, English (or untagged) first, other languages after, each sorted."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    first = sorted(str(v) for v in values if v.language in (None, "en"))
    rest = sorted(str(v) for v in values if v.language not in (None, "en"))
    return first + rest


@dataclass
class Term:
    """One class, property or named individual of the sg namespace."""

    iri: URIRef
    kind: str
    types: list[URIRef]
    label: str
    definition: str
    comments: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    defined_by: list[URIRef] = field(default_factory=list)
    see_also: list[URIRef] = field(default_factory=list)
    domain: list[ClassExpression] = field(default_factory=list)
    range: list[ClassExpression] = field(default_factory=list)
    supers: list[Node] = field(default_factory=list)
    subs: list[URIRef] = field(default_factory=list)
    inverse: list[URIRef] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    disjoint_with: list[URIRef] = field(default_factory=list)
    one_of: list[URIRef] = field(default_factory=list)
    instances: list[URIRef] = field(default_factory=list)
    member_of_classes: list[URIRef] = field(default_factory=list)
    in_domain_of: list[URIRef] = field(default_factory=list)
    in_range_of: list[URIRef] = field(default_factory=list)
    broader: list[URIRef] = field(default_factory=list)

    @property
    def local(self) -> str:
        """The local name, also the HTML anchor of the term."""
        return str(self.iri)[len(NAMESPACE) :]

    @property
    def curie(self) -> str:
        return f"sg:{self.local}"


@dataclass
class Ontology:
    """The ontology header and its terms."""

    graph: Graph
    iri: URIRef
    terms: dict[URIRef, Term]

    def by_kind(self, kind: str) -> list[Term]:
        """Terms of one kind, sorted by local name (case-insensitively)."""
        return sorted(
            (t for t in self.terms.values() if t.kind == kind), key=lambda t: t.local.lower()
        )

    def header(self, predicate: URIRef) -> list[Node]:
        return sorted(self.graph.objects(self.iri, predicate), key=str)

    def header_text(self, predicate: URIRef) -> str:
        values = english(self.graph, self.iri, predicate)
        return values[0] if values else ""

    @property
    def version(self) -> str:
        return self.header_text(OWL.versionInfo)


def _kind(types: set[Node]) -> str | None:
    for kind, (rdf_type, _) in KINDS.items():
        if rdf_type in types:
            return kind
    return None


def _uris(nodes: object) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)  # type: ignore[attr-defined]


def read_ontology(graph: Graph, ontology_iri: URIRef | None = None) -> Ontology:
    """Read every sg term of the graph with its annotations and axioms."""
    if ontology_iri is None:
        iris = sorted(s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
        ontology_iri = iris[0] if iris else URIRef(NAMESPACE.rstrip("#"))
    terms: dict[URIRef, Term] = {}
    subjects = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for iri in sorted(subjects, key=str):
        if not str(iri).startswith(NAMESPACE) or str(iri) == NAMESPACE:
            continue
        types = set(graph.objects(iri, RDF.type))
        kind = _kind(types)
        if kind is None:
            if any(isinstance(t, URIRef) and t in {OWL.Class, RDFS.Class} for t in types):
                kind = "class"
            else:  # an instance typed only with an sg class counts as an individual
                kind = "individual"
        labels = english(graph, iri, RDFS.label)
        definitions = english(graph, iri, SKOS.definition)
        is_property = kind.endswith("property")
        super_predicate = RDFS.subPropertyOf if is_property else RDFS.subClassOf
        term = Term(
            iri=iri,
            kind=kind,
            types=_uris(types),
            label=labels[0] if labels else "",
            definition=definitions[0] if definitions else "",
            comments=english(graph, iri, RDFS.comment),
            examples=english(graph, iri, SKOS.example),
            defined_by=_uris(graph.objects(iri, RDFS.isDefinedBy)),
            see_also=_uris(graph.objects(iri, RDFS.seeAlso)),
            domain=[
                e for n in graph.objects(iri, RDFS.domain) if (e := _class_expression(graph, n))
            ],
            range=[e for n in graph.objects(iri, RDFS.range) if (e := _class_expression(graph, n))],
            supers=sorted(graph.objects(iri, super_predicate), key=str)
            if kind != "individual"
            else [],
            subs=_uris(graph.subjects(super_predicate, iri)) if kind != "individual" else [],
            inverse=_uris(list(graph.objects(iri, OWL.inverseOf)))
            + _uris(graph.subjects(OWL.inverseOf, iri)),
            characteristics=[name for t, name in CHARACTERISTICS.items() if t in types],
            disjoint_with=_uris(list(graph.objects(iri, OWL.disjointWith)))
            + _uris(graph.subjects(OWL.disjointWith, iri)),
            one_of=[
                m
                for c in graph.objects(iri, OWL.oneOf)
                for m in Collection(graph, c)
                if isinstance(m, URIRef)
            ],
            instances=_uris(graph.subjects(RDF.type, iri)),
            member_of_classes=[
                t
                for t in _uris(types)
                if t not in {OWL.NamedIndividual, OWL.Class} and kind == "individual"
            ],
            broader=_uris(graph.objects(iri, SKOS.broader)),
        )
        term.domain.sort(key=ClassExpression.canonical)
        term.range.sort(key=ClassExpression.canonical)
        terms[iri] = term
    # in domain of / in range of, for classes (union members count)
    for term in terms.values():
        if not term.kind.endswith("property"):
            continue
        for expression in term.domain:
            for member in expression.members:
                if member in terms:
                    terms[member].in_domain_of.append(term.iri)
        for expression in term.range:
            for member in expression.members:
                if member in terms:
                    terms[member].in_range_of.append(term.iri)
    for term in terms.values():
        term.in_domain_of.sort(key=str)
        term.in_range_of.sort(key=str)
    return Ontology(graph=graph, iri=ontology_iri, terms=terms)


def is_datatype(iri: Node) -> bool:
    """True for XML Schema datatypes, rdfs:Literal and rdf:langString."""
    return isinstance(iri, URIRef) and (
        str(iri).startswith(str(XSD)) or iri in {RDFS.Literal, RDF.langString, RDF.PlainLiteral}
    )
