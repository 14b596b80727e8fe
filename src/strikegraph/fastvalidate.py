"""Fast SHACL validation: the shapes compiled once into SPARQL, run on a pyoxigraph Store.

``strikegraph.validate`` (pyshacl) is the reference; this module gives the same results for
the SHACL features the project's shapes use, orders of magnitude faster, and can validate
only the nodes of a few named graphs against a large store (incremental mode).

How it reproduces pyshacl's setup (union of all graphs, ``inference="rdfs"``, the ontology
mixed into the data graph, ``advanced=True``):

* The RDFS entailments that matter (rdf:type through rdfs:subClassOf, rdfs:domain and
  rdfs:range, and triples through rdfs:subPropertyOf) are materialised into one named graph,
  :data:`INFERRED_GRAPH`, of the store. The schema is read from the store itself (the ontology
  graph is part of the data, as in pyshacl). Everything is queried with the union of all graphs
  as default graph, so targets, sh:class, paths and the SHACL-SPARQL queries see the
  entailments, as they do under pyshacl.
* Each constraint of each shape becomes one SELECT returning the violating (focus, value)
  rows; nested shapes (sh:or, sh:xone, sh:and, sh:not, sh:node, sh:qualifiedValueShape) become
  SPARQL boolean expressions with EXISTS.
* SHACL-SPARQL constraints (``$this``) and SPARQL targets are joined with the shape's targets;
  in incremental mode a ``VALUES ?this`` block restricts every query to the focus nodes.

Anything in the shapes graph this compiler does not understand raises
:class:`UnsupportedShapeError` when compiling: nothing is ever skipped silently.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from strikegraph.errors import DataError
from strikegraph.namespaces import ONTOLOGY_GRAPH
from strikegraph.rdfterms import from_ox, iter_quads, ox_store_of, sparql_term, to_ox, to_ox_quad
from strikegraph.validate import (
    Result,
    ValidationReport,
    _describe_shape,
    _render_path,
    _severity,
    load_ontology,
    load_shapes,
)

__all__ = [
    "INFERRED_GRAPH",
    "CompiledShapes",
    "OverlayValidator",
    "UnsupportedShapeError",
    "compile_shapes",
    "materialize_inferences",
    "store_from_dataset",
    "validate_dataset_fast",
    "validate_focus",
    "validate_store",
]

#: The named graph that holds the materialised RDFS entailments.
INFERRED_GRAPH = URIRef("urn:x-strikegraph:rdfs-inferred")
_INF = ox.NamedNode(str(INFERRED_GRAPH))
_RDF_TYPE = ox.NamedNode(str(RDF.type))


class UnsupportedShapeError(DataError):
    """The shapes use a SHACL feature the fast validator does not implement."""


# --------------------------------------------------------------------------------------------
# RDFS entailment
# --------------------------------------------------------------------------------------------


@dataclass
class _Schema:
    superclasses: dict[str, set[str]]  # class -> strict superclasses
    superproperties: dict[str, set[str]]  # property -> strict superproperties
    domain_types: dict[str, set[str]]  # property -> classes its subjects get (closed)
    range_types: dict[str, set[str]]  # property -> classes its objects get (closed)


def _closure(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    closed: dict[str, set[str]] = {}
    for start in edges:
        seen: set[str] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(edges.get(node, ()))
        seen.discard(start)
        closed[start] = seen
    return closed


def _read_schema(store: ox.Store) -> _Schema:
    sub_class: dict[str, set[str]] = {}
    sub_prop: dict[str, set[str]] = {}
    domains: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for predicate, target in (
        (RDFS.subClassOf, sub_class),
        (RDFS.subPropertyOf, sub_prop),
        (RDFS.domain, domains),
        (RDFS.range, ranges),
    ):
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, None):
            s, o = quad.subject, quad.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                # (blank-node class expressions are OWL, without RDFS entailments we use)
                target.setdefault(s.value, set()).add(o.value)
    supc = _closure(sub_class)
    supp = _closure(sub_prop)

    def up(classes: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for c in classes:
            out.add(c)
            out |= supc.get(c, set())
        return out

    properties = set(domains) | set(ranges) | set(supp)
    domain_types: dict[str, set[str]] = {}
    range_types: dict[str, set[str]] = {}
    for prop in properties:
        chain = {prop} | supp.get(prop, set())
        d = up(c for q in chain for c in domains.get(q, ()))
        r = up(c for q in chain for c in ranges.get(q, ()))
        if d:
            domain_types[prop] = d
        if r:
            range_types[prop] = r
    return _Schema(supc, supp, domain_types, range_types)


class _Entailer:
    """The one-step RDFS entailments of triples under a fixed schema (closed, so one step is
    all there is: superclasses and superproperties are transitive, and a property's domain
    and range types include those of its superproperties and their superclasses)."""

    def __init__(self, schema: _Schema) -> None:
        nodes: dict[str, ox.NamedNode] = {}

        def node(value: str) -> ox.NamedNode:
            return nodes.setdefault(value, ox.NamedNode(value))

        self.schema = schema
        type_ = _RDF_TYPE
        # Keyed by pyoxigraph terms (reading ``.value`` builds a new str every time).
        self.by_class: dict[Any, list[tuple[Any, Any, Any]]] = {
            node(c): [(None, type_, node(sup)) for sup in sorted(sups)]
            for c, sups in schema.superclasses.items()
        }
        self.by_predicate: dict[Any, tuple[list[Any], list[Any], list[Any]]] = {}
        for prop in (
            set(schema.superproperties) | set(schema.domain_types) | set(schema.range_types)
        ):
            self.by_predicate[node(prop)] = (
                [node(q) for q in sorted(schema.superproperties.get(prop, ()))],
                [node(c) for c in sorted(schema.domain_types.get(prop, ()))],
                [node(c) for c in sorted(schema.range_types.get(prop, ()))],
            )
        #: Predicates whose triples entail something (besides rdf:type, entailing by class).
        self.predicates = {p.value for p in self.by_predicate}

    def entail(self, triples: Iterable[tuple[Any, Any, Any]]) -> set[tuple[Any, Any, Any]]:
        type_ = _RDF_TYPE
        by_class, by_predicate = self.by_class, self.by_predicate
        literal = ox.Literal
        new: set[tuple[Any, Any, Any]] = set()
        add = new.add
        for s, p, o in triples:
            if p == type_:
                sups = by_class.get(o)
                if sups:
                    for _, t, c in sups:
                        add((s, t, c))
                continue
            entry = by_predicate.get(p)
            if entry is None:
                continue
            supers, domains, ranges = entry
            for q in supers:
                add((s, q, o))
            for c in domains:
                add((s, type_, c))
            if ranges and not isinstance(o, literal):
                for c in ranges:
                    add((o, type_, c))
        return new


#: Predicates that make up the RDFS schema: data that states one changes every entailment.
SCHEMA_PREDICATES = frozenset(
    ox.NamedNode(str(p)) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
)


def materialize_inferences(
    store: ox.Store,
    graphs: Sequence[str | URIRef] | None = None,
    *,
    reset: bool = False,
    into: Any = _INF,
) -> int:
    """Add the RDFS entailments of the store (or of some of its graphs) to a graph.

    Entailed: ``rdf:type`` through rdfs:subClassOf, rdfs:domain and rdfs:range (not for
    literals), and triples through rdfs:subPropertyOf; the schema always comes from the whole
    store. With ``graphs``, only the triples of those graphs are premises: what incremental
    validation needs after adding a document. ``reset`` clears the inferred graph first (do it
    after removing data). Triples already in the store are not added again (Oxigraph's union
    of graphs does not deduplicate, and a type both stated and inferred would count twice in
    an aggregate). Returns the number of quads added.
    """
    if reset and isinstance(into, ox.NamedNode) and store.contains_named_graph(into):
        store.remove_graph(into)
    quads = [ox.Quad(s, p, o, into) for s, p, o in _missing_entailments(store, graphs)]
    store.extend(quads)
    return len(quads)


def _missing_entailments(
    store: ox.Store, graphs: Sequence[str | URIRef | Any] | None = None
) -> list[tuple[Any, Any, Any]]:
    """The entailments of the store (or of some of its graphs) that the store lacks."""
    entailer = _Entailer(_read_schema(store))
    if graphs is None:
        # Only the quads that entail something: by predicate, and rdf:type by class.
        sources: list[Any] = [
            store.quads_for_pattern(None, ox.NamedNode(p), None, None) for p in entailer.predicates
        ] + [
            store.quads_for_pattern(None, _RDF_TYPE, ox.NamedNode(c), None)
            for c in entailer.schema.superclasses
        ]
    else:
        sources = [
            store.quads_for_pattern(
                None, None, None, g if isinstance(g, ox.NamedNode) else ox.NamedNode(str(g))
            )
            for g in graphs
        ]
    new = entailer.entail((q.subject, q.predicate, q.object) for source in sources for q in source)
    return [t for t in new if next(store.quads_for_pattern(*t, None), None) is None]


# --------------------------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------------------------

#: Shape predicates that carry no constraint.
_ANNOTATIONS = {
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.order,
    SH.group,
    SH.deactivated,
    SH.defaultValue,
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
#: Constraints evaluated per value node.
_VALUE_PARAMS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH["or"],
    SH["and"],
    SH.xone,
    SH["not"],
    SH.node,
}
_PROPERTY_ONLY = {
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.path,
}
_SUPPORTED = (
    _ANNOTATIONS
    | _TARGETS
    | _VALUE_PARAMS
    | _PROPERTY_ONLY
    | {
        SH.hasValue,
        SH.property,
        SH.sparql,
        SH.flags,
    }
)
_COMPONENT: dict[Node, str] = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH.qualifiedMinCount: "QualifiedMinCountConstraintComponent",
    SH.qualifiedMaxCount: "QualifiedMaxCountConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}
_INTEGER_RANGES: dict[Node, str | None] = {
    XSD.integer: None,
    XSD.nonNegativeInteger: ">= 0",
    XSD.positiveInteger: "> 0",
    XSD.nonPositiveInteger: "<= 0",
    XSD.negativeInteger: "< 0",
    XSD.long: None,
    XSD.int: None,
    XSD.short: None,
    XSD.byte: None,
    XSD.unsignedInt: ">= 0",
    XSD.unsignedLong: ">= 0",
}
_CASTABLE = {XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date, XSD.dateTime, XSD.time}
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({0})",
    SH.Literal: "isLiteral({0})",
    SH.BlankNode: "isBlank({0})",
    SH.BlankNodeOrIRI: "(isIRI({0}) || isBlank({0}))",
    SH.BlankNodeOrLiteral: "(isBlank({0}) || isLiteral({0}))",
    SH.IRIOrLiteral: "(isIRI({0}) || isLiteral({0}))",
}
_FOCUS = "#FOCUS#"
_TARGETS_OPEN = "#TARGETS# { { "  # always replaced (see Check.text); '#' starts a comment
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_THIS = re.compile(r"\$this\b")
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


_VALUES_THEN_PATTERN = re.compile(
    r"VALUES \?(\w+) \{([^{}\"']*)\}\s*(\?\w+ (?:a|<[^<>\s]+>|[A-Za-z][\w-]*:[\w-]+) \?\1 ?\.)"
)


def _values_filter(match: re.Match[str]) -> str:
    values = match.group(2).split()
    if not values or "UNDEF" in values:
        return match.group(0)
    return f"{match.group(3)} FILTER (?{match.group(1)} IN ({', '.join(values)}))"


_CLASS_TARGET = re.compile(r"VALUES \?_cls \{ ([^}]*) \} (\?this <[^>]+> \?_cls)")


def _class_filter(match: re.Match[str]) -> str:
    classes = match.group(1).split()
    if len(classes) == 1:
        # One class: a lookup per focus node, not all the focus nodes' types filtered.
        return match.group(2).replace("?_cls", classes[0])
    return f"{match.group(2)} FILTER (?_cls IN ({', '.join(classes)}))"


@dataclass(frozen=True)
class TargetSpec:
    """A shape's targets as data (besides their SPARQL): incremental validation works out in
    Python which focus nodes they select."""

    classes: frozenset[str] = frozenset()
    nodes: frozenset[Node] = frozenset()
    subjects_of: frozenset[str] = frozenset()
    objects_of: frozenset[str] = frozenset()
    sparql: bool = False


def _class_only(spec: TargetSpec) -> bool:
    return bool(spec.classes) and not (
        spec.nodes or spec.subjects_of or spec.objects_of or spec.sparql
    )


@dataclass
class Check:
    """One compiled constraint: a SELECT over ``?this`` (and ``?value``) listing violations."""

    shape: Node  # the source shape
    shape_label: str
    component: str
    severity: str
    messages: list[str]
    path: str | None
    query: str  # contains _FOCUS where a VALUES ?this block may go
    prefixes: dict[str, str] = field(default_factory=dict)
    sparql_message: str | None = None
    target_query: str | None = None  # SPARQL constraints: the focus nodes, joined in Python
    targets: str = ""  # the shape's target pattern (binds ?this)
    value_is_focus: bool = False
    has_value: bool = True
    target_spec: TargetSpec | None = None

    def text(
        self, focus: str = "", query: str | None = None, typed: tuple[str, str] | None = None
    ) -> str:
        """The query; ``focus`` (a group binding ?this) restricts it to some focus nodes.

        ``typed`` = (graph, key): that graph holds ``(node, graph, key)`` for every focus
        node the check's targets select (worked out in Python, see :func:`validate_focus`);
        the targets pattern is then a lookup in that small graph, instead of a join of the
        focus with the store that Oxigraph may start from the store's side.
        """
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.prefixes.items()))
        body = self.query if query is None else query
        spec = self.target_spec
        if not focus and spec is not None and self.targets in body and _class_only(spec):
            # Class targets only: a plain group rather than a DISTINCT subquery (the queries
            # are DISTINCT anyway); with one class, the class as a constant. ~10% faster.
            classes = " ".join(f"<{c}>" for c in sorted(spec.classes))
            pattern = (
                f"?this <{RDF.type}> {classes}"
                if len(spec.classes) == 1
                else f"VALUES ?_cls {{ {classes} }} ?this <{RDF.type}> ?_cls"
            )
            body = body.replace(self.targets, f"{{ {{ {pattern} }} }}")
        if focus and typed is not None and self.targets in body:
            graph, key = typed
            body = body.replace(
                self.targets, f"{{ {{ GRAPH <{graph}> {{ ?this <{graph}> <{key}> }} }} }}"
            )
        if focus:
            # A VALUES block is joined by hashing the rest of its group, evaluated on its own
            # (every rdf:type triple of the store for "VALUES ?kind {...} ?this a ?kind");
            # when the next pattern binds the variable, a FILTER ... IN means the same.
            body = _VALUES_THEN_PATTERN.sub(_values_filter, body)
            # With the focus bound first, look the focus node's types up rather than joining
            # every instance of the target classes (Oxigraph hash-joins a VALUES block), and
            # make the targets a plain group rather than a subquery, so that the constraint's
            # patterns are looked up from each focus node rather than hash-joined.
            body = _CLASS_TARGET.sub(_class_filter, body)
            body = body.replace(_TARGETS_OPEN, "{ { ")
        else:
            body = body.replace(_TARGETS_OPEN, "{ SELECT DISTINCT ?this WHERE { ")
        return head + body.replace(_FOCUS, focus)


def _int(node: Node) -> int:
    """``int()`` of a numeric parameter's literal (as a str subclass, like any Identifier)."""
    return int(cast(Literal, node))


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"expected an IRI, got {node!r}")
    return f"<{node}>"


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.counter = itertools.count()
        self.checks: list[Check] = []
        self.specs: dict[str, TargetSpec] = {}

    # -- helpers ------------------------------------------------------------------------------

    def var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self.counter)}"

    def one(self, node: Node, pred: URIRef) -> Node | None:
        values = list(self.g.objects(node, pred))
        if len(values) > 1:
            raise UnsupportedShapeError(f"{node} has several {pred}: not supported")
        return values[0] if values else None

    def list_of(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def check_predicates(self, shape: Node) -> None:
        for pred in set(self.g.predicates(shape, None)):
            if str(pred).startswith(str(SH)) and pred not in _SUPPORTED:
                raise UnsupportedShapeError(
                    f"shape {_describe_shape(self.g, shape)} uses {pred}, which the fast "
                    "validator does not support"
                )
        if self.one(shape, SH.flags) is not None and self.one(shape, SH.pattern) is None:
            raise UnsupportedShapeError(f"{shape}: sh:flags without sh:pattern")

    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if self.g.value(node, RDF.first) is not None:
            items = self.list_of(node)
            return "(" + "/".join(self.path(i) for i in items) + ")"
        preds = set(self.g.predicates(node, None))
        for pred, template in (
            (SH.inversePath, "^({})"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            if pred in preds:
                inner = self.g.value(node, pred)
                if inner is None:  # cannot happen: pred is one of the node's predicates
                    raise UnsupportedShapeError(f"unsupported sh:path {node!r}")
                return template.format(self.path(inner))
        if SH.alternativePath in preds:
            alternatives = self.g.value(node, SH.alternativePath)
            if alternatives is None:  # cannot happen: sh:alternativePath is in preds
                raise UnsupportedShapeError(f"unsupported sh:path {node!r}")
            items = self.list_of(alternatives)
            return "(" + "|".join(self.path(i) for i in items) + ")"
        raise UnsupportedShapeError(f"unsupported sh:path {node!r}")

    def distinct_values(self, focus: str, path: str, n: int, cond: str | None = None) -> str:
        """A group pattern: ``n`` pairwise distinct values of the path (meeting ``cond``)."""
        names = [self.var() for _ in range(n)]
        parts = [f"{focus} {path} {v} ." for v in names]
        filters = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        if cond is not None:
            filters += [cond.replace("%V%", v) for v in names]
        if filters:
            parts.append("FILTER (" + " && ".join(filters) + ")")
        return " ".join(parts)

    # -- boolean conditions on a value ---------------------------------------------------------

    def value_condition(self, pred: URIRef, obj: Node, shape: Node, v: str) -> str:
        """A SPARQL expression that holds when value ``v`` meets one value constraint."""
        if pred == SH["class"]:
            return f"EXISTS {{ {v} <{RDF.type}> {_iri(obj)} }}"
        if pred == SH.datatype:
            return self.datatype_condition(obj, v)
        if pred == SH.nodeKind:
            if obj not in _NODE_KINDS:
                raise UnsupportedShapeError(f"unknown sh:nodeKind {obj}")
            return _NODE_KINDS[obj].format(v)
        if pred == SH["in"]:
            members = self.list_of(obj)
            return (
                "(" + " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in members) + ")"
                if members
                else "false"
            )
        if pred in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {
                SH.minInclusive: ">=",
                SH.maxInclusive: "<=",
                SH.minExclusive: ">",
                SH.maxExclusive: "<",
            }[pred]
            return f"COALESCE({v} {op} {sparql_term(obj)}, false)"
        if pred in (SH.minLength, SH.maxLength):
            op = ">=" if pred == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {_int(obj)})"
        if pred == SH.pattern:
            flags = self.one(shape, SH.flags)
            extra = f", {sparql_term(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {sparql_term(Literal(str(obj)))}{extra}))"
        if pred == SH.languageIn:
            tags = [str(t) for t in self.list_of(obj)]
            alts = " || ".join(f'langMatches(LANG({v}), "{t}")' for t in tags) or "false"
            return f'(isLiteral({v}) && LANG({v}) != "" && ({alts}))'
        if pred in (SH["or"], SH["and"], SH.xone):
            conds = [self.shape_condition(member, v) for member in self.list_of(obj)]
            if not conds:
                return "true" if pred != SH["or"] else "false"
            if pred == SH["or"]:
                return "(" + " || ".join(conds) + ")"
            if pred == SH["and"]:
                return "(" + " && ".join(conds) + ")"
            return "((" + " + ".join(f"IF({c}, 1, 0)" for c in conds) + ") = 1)"
        if pred == SH["not"]:
            return f"!({self.shape_condition(obj, v)})"
        if pred == SH.node:
            return self.shape_condition(obj, v)
        raise UnsupportedShapeError(f"unsupported constraint {pred}")

    def datatype_condition(self, datatype: Node, v: str) -> str:
        dt = _iri(datatype)
        base = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {dt})"
        if datatype in _INTEGER_RANGES:
            check = _INTEGER_RANGES[datatype]
            cast = f"<{XSD.integer}>(STR({v}))"
            test = f"{cast} {check}" if check else f"{cast} = {cast}"
            return base + f" && COALESCE({test}, false))"
        if datatype in _CASTABLE:
            cast = f"{dt}(STR({v}))"
            return base + f" && COALESCE(sameTerm({cast}, {cast}) && BOUND({v}), false))"
        return base + ")"

    def shape_condition(self, shape: Node, v: str) -> str:
        """A SPARQL expression that holds when node ``v`` conforms to a (nested) shape."""
        self.check_predicates(shape)
        if self.one(shape, SH.deactivated) == Literal(True):
            return "true"
        if any(True for _ in self.g.objects(shape, SH.sparql)):
            raise UnsupportedShapeError(f"sh:sparql in a nested shape ({shape}) is not supported")
        path_node = self.one(shape, SH.path)
        if path_node is not None:
            return self.property_condition(shape, v)
        conds = []
        for pred, obj in self.g.predicate_objects(shape):
            if pred in _VALUE_PARAMS:
                conds.append(self.value_condition(cast(URIRef, pred), obj, shape, v))
            elif pred == SH.hasValue:
                conds.append(f"sameTerm({v}, {sparql_term(obj)})")
            elif pred == SH.property:
                conds.append(self.property_condition(obj, v))
            elif pred in _PROPERTY_ONLY:
                raise UnsupportedShapeError(f"{pred} on a node shape ({shape})")
        return "(" + " && ".join(conds) + ")" if conds else "true"

    def property_condition(self, pshape: Node, focus: str) -> str:
        """The focus node conforms to a property shape."""
        self.check_predicates(pshape)
        if any(True for _ in self.g.objects(pshape, SH.sparql)):
            raise UnsupportedShapeError(f"sh:sparql in a nested shape ({pshape}) is not supported")
        path_node = self.g.value(pshape, SH.path)
        if path_node is None:
            raise UnsupportedShapeError(f"property shape {pshape} has no sh:path")
        path = self.path(path_node)
        conds = []
        for pred, obj in self.g.predicate_objects(pshape):
            pattern = self.node_pattern(pred, obj, pshape, focus, path)
            if pattern is not None:
                conds.append(f"NOT EXISTS {{ {pattern} }}")
            elif pred in _VALUE_PARAMS:
                x = self.var("x")
                cond = self.value_condition(cast(URIRef, pred), obj, pshape, x)
                conds.append(f"NOT EXISTS {{ {focus} {path} {x} . FILTER (!({cond})) }}")
        return "(" + " && ".join(conds) + ")" if conds else "true"

    def node_pattern(
        self, pred: Node, obj: Node, pshape: Node, focus: str, path: str
    ) -> str | None:
        """For a property-level constraint: a group pattern that matches when it is violated
        (the focus variable bound outside). ``None`` for value-level or non-constraints."""
        if pred == SH.minCount:
            n = _int(obj)
            if n <= 0:
                return "FILTER (false)"
            return f"FILTER NOT EXISTS {{ {self.distinct_values(focus, path, n)} }}"
        if pred == SH.maxCount:
            return self.distinct_values(focus, path, _int(obj) + 1)
        if pred == SH.hasValue:
            return f"FILTER NOT EXISTS {{ {focus} {path} {sparql_term(obj)} }}"
        if pred == SH.uniqueLang:
            if obj != Literal(True):
                return None
            a, b = self.var(), self.var()
            return (
                f"{focus} {path} {a} . {focus} {path} {b} . FILTER (!sameTerm({a}, {b}) && "
                f'LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b})))'
            )
        if pred in (SH.lessThan, SH.lessThanOrEquals):
            op = "<" if pred == SH.lessThan else "<="
            a, b = self.var(), self.var()
            return (
                f"{focus} {path} {a} . {focus} {_iri(obj)} {b} . "
                f"FILTER (!COALESCE({a} {op} {b}, false))"
            )
        if pred in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            if self.one(pshape, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise UnsupportedShapeError("sh:qualifiedValueShapesDisjoint true")
            qshape = self.one(pshape, SH.qualifiedValueShape)
            if qshape is None:
                raise UnsupportedShapeError(f"{pred} without sh:qualifiedValueShape")
            cond = self.shape_condition(qshape, "%V%")
            if pred == SH.qualifiedMinCount:
                n = _int(obj)
                if n <= 0:
                    return "FILTER (false)"
                return f"FILTER NOT EXISTS {{ {self.distinct_values(focus, path, n, cond)} }}"
            return self.distinct_values(focus, path, _int(obj) + 1, cond)
        return None

    # -- top level -------------------------------------------------------------------------

    def prefixes_of(self, node: Node) -> dict[str, str]:
        out: dict[str, str] = {}
        for holder in self.g.objects(node, SH.prefixes):
            for decl in self.g.objects(holder, SH.declare):
                prefix = self.g.value(decl, SH.prefix)
                namespace = self.g.value(decl, SH.namespace)
                if prefix is None or namespace is None:
                    raise UnsupportedShapeError(f"incomplete sh:declare in {holder}")
                out[str(prefix)] = str(namespace)
        return out

    def target_pattern(self, shape: Node, prefixes: dict[str, str]) -> str | None:
        parts = []
        classes = [_iri(c) for c in self.g.objects(shape, SH.targetClass)]
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g:
            classes.append(_iri(shape))  # implicit class target
        if classes:
            parts.append(f"{{ VALUES ?_cls {{ {' '.join(classes)} }} ?this <{RDF.type}> ?_cls }}")
        nodes = [sparql_term(n) for n in self.g.objects(shape, SH.targetNode)]
        if nodes:
            parts.append(f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {_iri(p)} ?_any }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?_any {_iri(p)} ?this }}")
        for target in self.g.objects(shape, SH.target):
            select = self.g.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in self.g or select is None:
                raise UnsupportedShapeError(f"sh:target {target} of {shape}: only SPARQL targets")
            for pred in self.g.predicates(target, None):
                if pred not in (RDF.type, SH.select, SH.prefixes):
                    raise UnsupportedShapeError(f"sh:target {target} uses {pred}")
            prefixes.update(self.prefixes_of(target))
            parts.append(
                "{ " + _inject_focus(distribute_union(rewrite_not_exists(str(select)))) + " }"
            )
        if not parts:
            return None
        text = _TARGETS_OPEN + _FOCUS + " " + " UNION ".join(parts) + " } }"
        self.specs[text] = TargetSpec(
            classes=frozenset(c.strip("<>") for c in classes),
            nodes=frozenset(self.g.objects(shape, SH.targetNode)),
            subjects_of=frozenset(str(p) for p in self.g.objects(shape, SH.targetSubjectsOf)),
            objects_of=frozenset(str(p) for p in self.g.objects(shape, SH.targetObjectsOf)),
            sparql=any(True for _ in self.g.objects(shape, SH.target)),
        )
        return text

    def compile(self) -> list[Check]:
        shapes = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(
            self.g.subjects(RDF.type, SH.PropertyShape)
        )
        for pred in _TARGETS:
            shapes |= set(self.g.subjects(pred, None))
        for shape in sorted(shapes, key=str):
            self.check_predicates(shape)
            if self.one(shape, SH.deactivated) == Literal(True):
                continue
            prefixes: dict[str, str] = {}
            targets = self.target_pattern(shape, prefixes)
            if targets is None:
                continue
            if self.one(shape, SH.path) is not None:
                self.property_checks(shape, shape, targets, prefixes)
            else:
                self.node_checks(shape, targets, prefixes)
        return self.checks

    def add(self, check: Check, targets: str) -> None:
        check.targets = targets
        check.target_spec = self.specs.get(targets)
        self.checks.append(check)

    def base(self, shape: Node) -> dict[str, Any]:
        severity = self.one(shape, SH.severity)
        return {
            "shape": shape,
            "shape_label": _describe_shape(self.g, shape),
            "severity": _severity(severity) if severity is not None else "Violation",
            "messages": sorted(str(m) for m in self.g.objects(shape, SH.message)),
        }

    def node_checks(self, shape: Node, targets: str, prefixes: dict[str, str]) -> None:
        for pred, obj in sorted(self.g.predicate_objects(shape)):
            if pred in _VALUE_PARAMS or pred == SH.hasValue:
                if pred == SH.hasValue:
                    cond = f"sameTerm(?this, {sparql_term(obj)})"
                else:
                    cond = self.value_condition(cast(URIRef, pred), obj, shape, "?this")
                query = f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER (!({cond})) }}"
                self.add(
                    Check(
                        **self.base(shape),
                        component=_COMPONENT[pred],
                        path=None,
                        query=query,
                        prefixes=dict(prefixes),
                        value_is_focus=True,
                    ),
                    targets,
                )
            elif pred == SH.property:
                if self.one(obj, SH.deactivated) == Literal(True):
                    continue
                self.property_checks(obj, obj, targets, prefixes)
            elif pred == SH.sparql:
                self.sparql_check(shape, obj, targets, prefixes)
            elif pred in _PROPERTY_ONLY:
                raise UnsupportedShapeError(f"{pred} on node shape {shape}")

    def property_checks(
        self, pshape: Node, source: Node, targets: str, prefixes: dict[str, str]
    ) -> None:
        self.check_predicates(pshape)
        path_node = self.g.value(pshape, SH.path)
        if path_node is None:
            raise UnsupportedShapeError(f"property shape {pshape} has no sh:path")
        path = self.path(path_node)
        rendered = _render_path(self.g, path_node)
        for pred, obj in sorted(self.g.predicate_objects(pshape)):
            pattern = self.node_pattern(pred, obj, pshape, "?this", path)
            if pattern is not None and pattern.startswith("FILTER NOT EXISTS {"):
                # A left join: Oxigraph evaluates NOT EXISTS per row without the row's
                # bindings when the focus is a VALUES block (incremental mode).
                inner = pattern[len("FILTER NOT EXISTS {") : -1]
                flag = self.var("ok")
                # With two or more values, the focus goes into the left join too (in
                # incremental mode): Oxigraph evaluates the right side on its own, and "two
                # values of sg:party" over the whole store is every pair of parties of every
                # relation. (With one value, the plain form is faster.)
                focus = _FOCUS if "!sameTerm(" in inner else ""
                pattern = (
                    f"OPTIONAL {{ {focus} {inner} BIND (true AS {flag}) }} FILTER (!BOUND({flag}))"
                )
            if pattern is not None:
                has_value = pred in (SH.lessThan, SH.lessThanOrEquals)
                if has_value:
                    pattern = pattern.replace(" . ", " . ", 1)
                    first = re.search(r"\?_v\d+", pattern)
                    select = f"SELECT DISTINCT ?this ({first.group(0)} AS ?value)"  # type: ignore[union-attr]
                else:
                    select = "SELECT DISTINCT ?this"
                query = f"{select} WHERE {{ {targets} {pattern} }}"
                self.add(
                    Check(
                        **self.base(source),
                        component=_COMPONENT[pred],
                        path=rendered,
                        query=query,
                        prefixes=dict(prefixes),
                        has_value=has_value,
                    ),
                    targets,
                )
            elif pred in _VALUE_PARAMS:
                cond = self.value_condition(cast(URIRef, pred), obj, pshape, "?value")
                query = (
                    f"SELECT DISTINCT ?this ?value WHERE {{ {targets} "
                    f"?this {path} ?value . FILTER (!({cond})) }}"
                )
                self.add(
                    Check(
                        **self.base(source),
                        component=_COMPONENT[pred],
                        path=rendered,
                        query=query,
                        prefixes=dict(prefixes),
                    ),
                    targets,
                )
            elif pred == SH.property:
                raise UnsupportedShapeError(f"sh:property on property shape {pshape}")
            elif pred == SH.sparql:
                self.sparql_check(pshape, obj, targets, prefixes, path=path)

    def sparql_check(
        self,
        shape: Node,
        constraint: Node,
        targets: str,
        prefixes: dict[str, str],
        path: str | None = None,
    ) -> None:
        for pred in self.g.predicates(constraint, None):
            if pred not in (
                RDF.type,
                SH.select,
                SH.prefixes,
                SH.message,
                SH.deactivated,
                SH.severity,
                RDFS.comment,
                RDFS.label,
            ):
                raise UnsupportedShapeError(f"sh:sparql {constraint} uses {pred}")
        if self.one(constraint, SH.deactivated) == Literal(True):
            return
        select = self.one(constraint, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"sh:sparql {constraint} has no sh:select")
        text = str(select)
        if "$PATH" in text:
            if path is None:
                raise UnsupportedShapeError("$PATH in a node shape's SPARQL constraint")
            text = text.replace("$PATH", path)
        for banned in ("$currentShape", "$shapesGraph", "$value"):
            if banned in text:
                raise UnsupportedShapeError(f"{banned} in sh:sparql {constraint}")
        all_prefixes = dict(prefixes)
        all_prefixes.update(self.prefixes_of(constraint))
        # The constraint runs once for all focus nodes ($this free, then restricted to the
        # targets in Python): Oxigraph joins a subquery with another by nested loops, which
        # made "targets JOIN constraint" quadratic.
        query = _inject_focus(distribute_union(rewrite_not_exists(_THIS.sub("?this", text))))
        if not re.search(
            r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?(\*|[^{]*\?this\b)", query, re.IGNORECASE
        ):
            raise UnsupportedShapeError(f"sh:sparql {constraint} does not project $this")
        base = self.base(shape)
        message = self.one(constraint, SH.message)
        severity = self.one(constraint, SH.severity)
        if severity is not None:
            base["severity"] = _severity(severity)
        rendered = None
        if path:
            path_node = self.g.value(shape, SH.path)
            if path_node is None:  # cannot happen: path was compiled from this sh:path
                raise UnsupportedShapeError(f"property shape {shape} has no sh:path")
            rendered = _render_path(self.g, path_node)
        self.add(
            Check(
                **base,
                component=_COMPONENT[SH.sparql],
                path=rendered,
                query=query,
                prefixes=all_prefixes,
                sparql_message=str(message) if message is not None else None,
                target_query=f"SELECT ?this WHERE {{ {targets} }}",
            ),
            targets,
        )


_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_TRIPLES_ONLY = re.compile(r"^[^{}\"']*$")


def _matching_brace(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise UnsupportedShapeError(f"unbalanced braces in {text[:80]!r}")


def _enclosing_group_end(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            if depth == 0:
                return i
            depth -= 1
    raise UnsupportedShapeError(f"unbalanced braces in {text[:80]!r}")


def _strip_filters(text: str) -> str:
    """The text without its ``FILTER (...)`` clauses (balanced parentheses)."""
    out = []
    i = 0
    for match in re.finditer(r"FILTER\s*\(", text, re.IGNORECASE):
        if match.start() < i:
            continue
        out.append(text[i : match.start()])
        depth = 0
        j = match.end() - 1
        while j < len(text):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            if depth == 0:
                break
            j += 1
        i = j + 1
    out.append(text[i:])
    return " ".join(out)


def rewrite_not_exists(query: str) -> str:
    """Rewrite ``FILTER NOT EXISTS { P }`` as ``OPTIONAL { P } FILTER (!BOUND(?x))``.

    Oxigraph evaluates the pattern of a NOT EXISTS without the outer bindings, once per outer
    solution, which makes rules like "the chain starts with the document's publisher"
    quadratic in the store size (18 s at 1e5 triples); a left join is linear. The two forms
    are equivalent when the OPTIONAL goes at the end of the enclosing group (so the outer
    bindings are all there; an inner FILTER becomes the left join's condition and still sees
    them), and ``?x`` is a variable of P's triple patterns used nowhere else in the query.
    Only simple P (triple patterns and FILTERs, no nested groups) is rewritten; any other
    NOT EXISTS is left as it is.
    """
    counter = 0
    start = 0
    while True:
        match = _NOT_EXISTS.search(query, start)
        if match is None:
            return query
        open_at = match.end() - 1
        close_at = _matching_brace(query, open_at)
        inner = query[open_at + 1 : close_at]
        outside = query[: match.start()] + query[close_at + 1 :]
        outside_vars = set(_VARIABLE.findall(outside))
        patterns = _strip_filters(inner)
        candidates = [
            v for v in _VARIABLE.findall(patterns) if v not in outside_vars and "(" not in v
        ]
        if not _TRIPLES_ONLY.match(inner) or not candidates:
            start = close_at + 1
            continue
        end = _enclosing_group_end(query, close_at + 1)
        counter += 1
        replacement = f" OPTIONAL {{{inner}}} FILTER (!BOUND(?{candidates[0]})) "
        query = query[: match.start()] + query[close_at + 1 : end] + replacement + query[end:]
        start = match.start()


def _split_group(body: str) -> list[tuple[str, str]] | None:
    """Split a group's body at depth 0 into ("group", text), ("union", ""), ("filter", text)
    and ("triples", text) items; None if it holds anything else (OPTIONAL, BIND, ...)."""
    items: list[tuple[str, str]] = []
    i = 0
    n = len(body)
    while i < n:
        if body[i].isspace():
            i += 1
            continue
        if body[i] == "{":
            end = _matching_brace(body, i)
            items.append(("group", body[i : end + 1]))
            i = end + 1
            continue
        word = re.match(r"[A-Za-z]+", body[i:])
        keyword = word.group(0).upper() if word else ""
        if keyword == "UNION":
            items.append(("union", ""))
            i += 5
            continue
        if keyword == "FILTER":
            exists = re.match(r"FILTER\s*(NOT\s+)?EXISTS\s*\{", body[i:], re.IGNORECASE)
            if exists:
                end = _matching_brace(body, i + exists.end() - 1)
                items.append(("filter", body[i : end + 1]))
                i = end + 1
                continue
            if not re.match(r"FILTER\s*\(", body[i:], re.IGNORECASE):
                return None
            j = body.index("(", i)
            depth = 0
            while j < n:
                depth += {"(": 1, ")": -1}.get(body[j], 0)
                if depth == 0:
                    break
                j += 1
            items.append(("filter", body[i : j + 1]))
            i = j + 1
            continue
        if keyword in ("OPTIONAL", "BIND", "VALUES", "MINUS", "GRAPH", "SERVICE", "SELECT"):
            return None
        j = i
        while (
            j < n
            and body[j] not in "{}"
            and not re.match(r"(FILTER|UNION)\b", body[j:], re.IGNORECASE)
        ):
            if body[j] in "\"'":
                return None
            j += 1
        items.append(("triples", body[i:j]))
        i = j
    return items


def distribute_union(query: str) -> str:
    """Move the triple patterns that follow a UNION into each of its branches.

    ``{ A } UNION { B } T FILTER(F)`` becomes ``{ A . T } UNION { B . T } FILTER(F)``: a join
    distributes over a union, so the results are the same, but Oxigraph otherwise evaluates T
    on its own first, and T can be a cross product (the "reported after it happened" rule
    joins every document with every dated interval: 6 s at 1e5 triples, quadratic).
    Only the outermost WHERE group of a query is rewritten, and only when it holds exactly
    one union, triple patterns and FILTERs.
    """
    match = _WHERE.search(query)
    if match is None:
        return query
    open_at = match.end() - 1
    close_at = _matching_brace(query, open_at)
    items = _split_group(query[open_at + 1 : close_at])
    if items is None:
        return query
    kinds = [k for k, _ in items]
    if kinds.count("union") == 0 or "triples" not in kinds:
        return query
    first = kinds.index("group")
    last = first
    while last + 2 < len(kinds) and kinds[last + 1] == "union" and kinds[last + 2] == "group":
        last += 2
    if "union" in kinds[last + 1 :] or "group" in kinds[last + 1 :]:
        return query
    if any(k != "triples" for k in kinds[:first]):
        return query
    triples = " ".join(t.strip() for k, t in items if k == "triples").strip()
    triples = triples.rstrip(" .")
    branches = []
    for kind, text in items[first : last + 1]:
        if kind == "group":
            inner = text[1:-1].strip()
            separator = "" if inner.endswith(".") or not inner else " ."
            branches.append("{ " + inner + separator + " " + triples + " . }")
    filters = " ".join(t for k, t in items if k == "filter")
    body = " UNION ".join(branches) + " " + filters
    return query[: open_at + 1] + " " + body + " " + query[close_at:]


def _inject_focus(select: str) -> str:
    """Put the focus placeholder at the start of the first WHERE group of a SELECT, or at the
    start of each branch when that group is a union (then FILTERs): Oxigraph evaluates a union
    on its own before joining it, so a focus outside it restricts nothing."""
    match = _WHERE.search(select)
    if match is None:
        raise UnsupportedShapeError(f"cannot find the WHERE clause of {select[:80]!r}")
    open_at = match.end() - 1
    close_at = _matching_brace(select, open_at)
    items = _split_group(select[open_at + 1 : close_at])
    kinds = [k for k, _ in items or []]
    if items and "union" in kinds and set(kinds) <= {"group", "union", "filter"}:
        groups = [k for k in kinds if k != "filter"]
        if all(k == ("group" if i % 2 == 0 else "union") for i, k in enumerate(groups)):
            body = " ".join(
                "{ " + _FOCUS + " " + text[1:]
                if kind == "group"
                else ("UNION" if kind == "union" else text)
                for kind, text in items
            )
            return select[: open_at + 1] + " " + body + " " + select[close_at:]
    return select[: match.end()] + " " + _FOCUS + " " + select[match.end() :]


@dataclass
class CompiledShapes:
    """The shapes graph compiled to SPARQL: compile once, validate many stores."""

    shapes: Graph
    checks: list[Check]
    shapes_files: list[str] = field(default_factory=list)

    def queries(self) -> list[str]:
        return [c.text() for c in self.checks]


def compile_shapes(shapes: Graph | None = None, *, data_root: Any = None) -> CompiledShapes:
    """Compile a shapes graph (default ``validation/*.ttl``); raise on unsupported features."""
    files: list[str] = []
    if shapes is None:
        shapes, files = load_shapes(data_root)
    compiler = _Compiler(shapes)
    checks = compiler.compile()
    # Check every query parses now, not at validation time.
    probe = ox.Store()
    for check in checks:
        try:
            probe.query(check.text(), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise UnsupportedShapeError(
                f"the compiled query for {check.shape_label} does not parse: {exc}\n{check.text()}"
            ) from exc
    return CompiledShapes(shapes, checks, files)


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def _render_term(term: Node) -> str:
    if isinstance(term, Literal):
        return str(term)
    return str(term)


def _fetch(
    check: Check, store: ox.Store, focus_text: str, typed: tuple[str, str] | None = None
) -> tuple[list[dict[str, Any]], set[Any] | None]:
    """The violation rows of one check (terms as pyoxigraph terms), and its focus nodes when
    they are filtered in Python (SPARQL constraints)."""
    allowed: set[Any] | None = None
    if check.target_query is not None:
        rows = cast(
            ox.QuerySolutions,  # a SELECT
            store.query(
                check.text(focus_text, check.target_query, typed),
                use_default_graph_as_union=True,
            ),
        )
        allowed = {row[0] for row in rows}
        if not allowed:
            return [], allowed
    solutions = cast(
        ox.QuerySolutions,  # a SELECT
        store.query(check.text(focus_text, None, typed), use_default_graph_as_union=True),
    )
    names = [v.value for v in solutions.variables]
    out = []
    for row in solutions:
        if allowed is not None and row["this"] not in allowed:
            continue
        out.append({name: row[name] for name in names if row[name] is not None})
    return out, allowed


def _run(
    compiled: CompiledShapes,
    store: ox.Store,
    focus_text: str,
    *,
    threads: int | None = None,
    targeted: dict[TargetSpec, tuple[str, str] | None] | None = None,
) -> ValidationReport:
    """Run every check; ``focus_text`` (a group binding ?this, or "") restricts the focus.

    ``targeted`` (incremental mode) maps target specs to the (graph, key) that lists the
    focus nodes they select, or to None when they select none: those checks are skipped.
    The queries run on ``threads`` threads (default: up to 4, one per CPU); pyoxigraph
    releases the GIL while it evaluates a query.
    """
    jobs: list[tuple[Check, tuple[str, str] | None]] = []
    for check in compiled.checks:
        spec = check.target_spec
        if targeted is None or spec is None or spec not in targeted:
            jobs.append((check, None))
        elif targeted[spec] is not None:
            jobs.append((check, targeted[spec]))
    checks = [c for c, _ in jobs]
    workers = threads or max(1, min(4, os.cpu_count() or 1))
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            fetched = list(pool.map(lambda job: _fetch(job[0], store, focus_text, job[1]), jobs))
    else:
        fetched = [_fetch(c, store, focus_text, typed) for c, typed in jobs]
    results: list[Result] = []
    seen: set[tuple[Any, ...]] = set()
    for check, (rows, _allowed) in zip(checks, fetched, strict=True):
        for bound in rows:
            this = from_ox(bound["this"])
            value = None
            if "value" in bound:
                value = from_ox(bound["value"])
            elif check.value_is_focus or check.component == "SPARQLConstraintComponent":
                value = this
            if not check.has_value:
                value = None
            if check.component == "SPARQLConstraintComponent":
                message = _sparql_message(check, bound)
            else:
                message = "; ".join(check.messages) or check.component
            key = (this, check.shape, check.component, value, message)
            if key in seen:
                continue
            seen.add(key)
            results.append(
                Result(
                    focus_node=this,
                    shape=check.shape_label,
                    path=check.path,
                    value=value,
                    severity=check.severity,
                    message=message,
                    constraint=f"sh:{check.component}",
                )
            )
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, shapes_files=compiled.shapes_files)


def _sparql_message(check: Check, bound: dict[str, Any]) -> str:
    templates = [check.sparql_message] if check.sparql_message else check.messages
    if not templates:
        return "SPARQLConstraintComponent"

    def fill(match: re.Match[str]) -> str:
        term = bound.get(match.group(1))
        return match.group(0) if term is None else _render_term(from_ox(term))

    return "; ".join(sorted(_PLACEHOLDER.sub(fill, t) for t in templates))


_COMPILED: dict[Any, CompiledShapes] = {}


def _default_compiled(data_root: Any) -> CompiledShapes:
    key = str(data_root)
    if key not in _COMPILED:
        _COMPILED[key] = compile_shapes(data_root=data_root)
    return _COMPILED[key]


def store_from_dataset(dataset: Dataset, ontology: Graph | None = None) -> ox.Store:
    """An in-memory pyoxigraph Store holding the dataset's triples merged in its default graph
    (merged, so that a triple stated in two graphs counts once, as in pyshacl's union), with the
    ontology (``ontology``, else the dataset's ontology graph, else ``ontology/strikegraph.ttl``).
    """
    store = ox.Store()
    default = ox.DefaultGraph()
    inner = ox_store_of(dataset)
    quads = (
        inner.quads_for_pattern(None, None, None, None)
        if inner is not None
        else (to_ox_quad(q) for q in iter_quads(dataset))
    )
    onto_name = str(ONTOLOGY_GRAPH)
    has_ontology = False
    batch = []
    for quad in quads:
        name = quad.graph_name
        if isinstance(name, ox.NamedNode) and name.value == onto_name:
            has_ontology = True
            if ontology is not None:
                continue
        batch.append(ox.Quad(quad.subject, quad.predicate, quad.object, default))
    store.extend(batch)
    if ontology is None and not has_ontology:
        ontology = load_ontology()
    if ontology is not None:
        store.extend(to_ox_quad((s, p, o, None)) for s, p, o in ontology)
    return store


@contextlib.contextmanager
def _scratch_graph(store: ox.Store) -> Iterator[ox.NamedNode]:
    """A named graph of its own for the duration of a call, dropped afterwards (also on
    errors): what validation adds to a caller's store (entailments, focus markers) never
    stays there. The name is unique, so two calls on one store do not collide."""
    name = ox.NamedNode(f"urn:x-strikegraph:scratch:{uuid.uuid4().hex}")
    try:
        yield name
    finally:
        store.remove_graph(name)


def validate_store(
    store: ox.Store,
    compiled: CompiledShapes | None = None,
    *,
    data_root: Any = None,
    infer: bool = True,
) -> ValidationReport:
    """Validate everything in a pyoxigraph store (union of its graphs).

    ``infer`` adds the RDFS entailments the store lacks, for the duration of the call only (a
    scratch graph, dropped afterwards: the store's graphs are unchanged). Pass ``False`` when
    the store holds its entailments already (:func:`materialize_inferences`).
    """
    compiled = compiled or _default_compiled(data_root)
    if not infer:
        return _run(compiled, store, "")
    with _scratch_graph(store) as scratch:
        store.extend(ox.Quad(s, p, o, scratch) for s, p, o in _missing_entailments(store))
        return _run(compiled, store, "")


def validate_dataset_fast(
    dataset: Dataset,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    *,
    data_root: Any = None,
    compiled: CompiledShapes | None = None,
) -> ValidationReport:
    """Drop-in for :func:`strikegraph.validate.validate_dataset` (copies into a memory store)."""
    if compiled is None:
        compiled = (
            compile_shapes(shapes, data_root=data_root)
            if shapes is not None
            else (_default_compiled(data_root))
        )
    store = store_from_dataset(dataset, ontology)
    materialize_inferences(store, into=ox.DefaultGraph())
    return validate_store(store, compiled, infer=False)


_OVERLAY = ox.NamedNode("urn:x-strikegraph:overlay")

#: A triple of pyoxigraph terms.
OxTriple = tuple[Any, Any, Any]


class OverlayValidator:
    """Validates many small sets of triples, each merged with one shared background.

    ``validate(triples)`` reports what :func:`validate_dataset_fast` reports for the background
    and the triples merged into one graph, without copying the background each time: the
    background and its RDFS entailments are loaded once into the default graph of an in-memory
    store; each call puts the triples the store lacks, and their entailments it lacks, into a
    scratch graph, runs every check over the union, and drops the scratch graph. The union is
    the same set of triples a fresh merged store would hold (no duplicates across the two
    graphs, which matters to aggregates), so the results are the same. Triples that change the
    schema (rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range) change every
    entailment: such a call validates in a fresh store instead.

    Used by ``strikegraph ingest``: one validator per run, one call per batch of documents.
    ``threads`` is 1 by default: ingest is measured on one core.
    """

    def __init__(
        self,
        background: Iterable[OxTriple],
        compiled: CompiledShapes | None = None,
        *,
        data_root: Any = None,
        threads: int = 1,
    ) -> None:
        self.compiled = compiled or _default_compiled(data_root)
        self.threads = threads
        self._background = list(dict.fromkeys(background))
        self._store = self._merged(self._background)
        self._entailer = _Entailer(_read_schema(self._store))
        # What the store's default graph holds, for membership tests without a store call.
        self._present = {
            (q.subject, q.predicate, q.object)
            for q in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        }

    @staticmethod
    def _merged(triples: Iterable[OxTriple]) -> ox.Store:
        store = ox.Store()
        default = ox.DefaultGraph()
        store.extend(ox.Quad(s, p, o, default) for s, p, o in triples)
        store.extend(ox.Quad(s, p, o, default) for s, p, o in _missing_entailments(store))
        return store

    def validate(self, triples: Iterable[OxTriple]) -> ValidationReport:
        """The report for the background plus ``triples`` (graph names do not matter: SHACL
        validates the union)."""
        store, present = self._store, self._present
        batch = dict.fromkeys(triples)
        new = [t for t in batch if t not in present]
        if any(t[1] in SCHEMA_PREDICATES for t in new):
            return _run(
                self.compiled, self._merged([*self._background, *batch]), "", threads=self.threads
            )
        inferred = [t for t in self._entailer.entail(new) if t not in batch and t not in present]
        store.extend(ox.Quad(s, p, o, _OVERLAY) for s, p, o in itertools.chain(new, inferred))
        try:
            return _run(self.compiled, store, "", threads=self.threads)
        finally:
            store.remove_graph(_OVERLAY)


def focus_nodes(store: ox.Store, graphs: Sequence[str | URIRef]) -> list[Any]:
    """The nodes incremental validation validates for some named graphs (pyoxigraph terms).

    The subjects of the graphs, and their IRI and blank-node objects other than classes
    (a value can get a new type from a property's rdfs:range, and a referenced node a new
    inverse link). Nodes of other graphs that point at these are not revalidated (see
    :func:`validate_focus`).
    """
    values = " ".join(f"<{g}>" for g in graphs)
    query = f"""
        SELECT DISTINCT ?n WHERE {{
            VALUES ?g {{ {values} }}
            {{ GRAPH ?g {{ ?n ?p ?o }} }}
            UNION {{ GRAPH ?g {{ ?s ?p ?n }} FILTER (!isLiteral(?n) && ?p != <{RDF.type}>) }}
        }}"""
    return [row[0] for row in cast(ox.QuerySolutions, store.query(query))]


def _target_markers(
    store: ox.Store, compiled: CompiledShapes, nodes: list[Any], scratch: Any, block: str
) -> dict[TargetSpec, tuple[str, str] | None]:
    """For every target spec without SPARQL: which focus nodes it selects, as
    ``(node, scratch, key)`` quads added to the scratch graph; spec -> (scratch, key), or None
    when it selects no focus node. Index lookups from each focus node, in Python: the same
    as a SPARQL join of the focus with the targets, without Oxigraph's choice of join order
    (it may scan every instance of a class, or every object of oa:hasTarget, first)."""
    rows = cast(
        ox.QuerySolutions,
        store.query(
            f"SELECT DISTINCT ?this ?t WHERE {{ {block} ?this <{RDF.type}> ?t }}",
            use_default_graph_as_union=True,
        ),
    )
    types: dict[Any, set[str]] = {}
    for row in rows:
        kind = row[1]
        if isinstance(kind, ox.NamedNode):
            types.setdefault(row[0], set()).add(kind.value)
    specs = {c.target_spec for c in compiled.checks if c.target_spec and not c.target_spec.sparql}
    out: dict[TargetSpec, tuple[str, str] | None] = {}
    quads: list[ox.Quad] = []
    for index, spec in enumerate(sorted(specs, key=repr)):
        key = ox.NamedNode(f"{scratch.value}:target-{index}")
        listed = {to_ox(n) for n in spec.nodes}
        subjects_of = [ox.NamedNode(p) for p in sorted(spec.subjects_of)]
        objects_of = [ox.NamedNode(p) for p in sorted(spec.objects_of)]
        selected = [
            n
            for n in nodes
            if (spec.classes and not spec.classes.isdisjoint(types.get(n, ())))
            or n in listed
            or (
                not isinstance(n, ox.Literal)
                and any(next(store.quads_for_pattern(n, p, None, None), None) for p in subjects_of)
            )
            or any(next(store.quads_for_pattern(None, p, n, None), None) for p in objects_of)
        ]
        quads.extend(ox.Quad(n, scratch, key, scratch) for n in selected)
        out[spec] = (scratch.value, key.value) if selected else None
    store.extend(quads)
    return out


def validate_focus(
    store: ox.Store,
    graphs: Sequence[str | URIRef],
    compiled: CompiledShapes | None = None,
    *,
    data_root: Any = None,
    infer: bool = True,
    threads: int | None = None,
) -> ValidationReport:
    """Validate only what some named graphs touch, with the whole store as context.

    The focus nodes are those of :func:`focus_nodes` (subjects of the graphs and the nodes
    they point at); each is validated against every shape that targets it, reading the whole
    store. The rest of the store must hold its RDFS entailments already (run
    :func:`materialize_inferences` once); ``infer`` adds the entailments of ``graphs`` that
    the store lacks, for the duration of the call. Not revalidated: nodes outside the graphs
    whose result changes only through an inverse link into the graphs without being pointed
    at by them.

    The store's graphs are unchanged afterwards: the entailments and the focus markers live
    in a scratch graph of their own, dropped at the end of the call (the store must be
    writable, and a concurrent reader would see that graph for the duration of the call).
    """
    compiled = compiled or _default_compiled(data_root)
    nodes = focus_nodes(store, graphs)
    with _scratch_graph(store) as scratch:
        # The focus nodes go into the scratch graph that the queries start from: Oxigraph
        # joins a VALUES block by hashing the other side (a scan of the store), but a triple
        # pattern by index lookups. (Blank nodes, which VALUES cannot name, work too.)
        quads = [ox.Quad(n, scratch, scratch, scratch) for n in nodes]
        if infer:
            quads.extend(
                ox.Quad(s, p, o, scratch) for s, p, o in _missing_entailments(store, graphs)
            )
        store.extend(quads)
        block = f"GRAPH {scratch} {{ ?this {scratch} {scratch} }}"
        targeted = _target_markers(store, compiled, nodes, scratch, block)
        report = _run(compiled, store, block, targeted=targeted, threads=threads)
    report.conforms = not any(r.severity == "Violation" for r in report.results)
    return report
