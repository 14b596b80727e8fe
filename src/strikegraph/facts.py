"""An in-memory index of the graph for the reasoning commands (check, timeline, conflicts).

The reasoning needs the same few hundred triples many times over (paths through the weapon
taxonomy and the gazetteer, rule attributes, claims and their evidence) and needs to know which
named graph (which document) said what, so it reads the quads once into dictionaries instead of
sending dozens of SPARQL queries. It works on a :class:`~strikegraph.store.Store` (Oxigraph, on
disk or in memory) and on an rdflib ``Dataset`` alike.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from strikegraph.errors import ParameterError
from strikegraph.inference import INFERRED_GRAPH
from strikegraph.load import parse_file
from strikegraph.namespaces import OA, SCHEMA, SG, SGG, shorten
from strikegraph.queries import parse_iri
from strikegraph.rdfterms import from_ox, iter_quads, to_ox
from strikegraph.resources import data_dir
from strikegraph.store import Store

__all__ = [
    "Evidence",
    "Facts",
    "Interval",
    "StoreFacts",
    "load_facts",
    "load_perspectives",
    "short",
]

#: Where source-backed sovereignty views live (see graph/perspectives/sovereignty.trig).
PERSPECTIVES_FOLDER = "perspectives"


def short(node: Node | None) -> str:
    """``kind/slug`` for strikegraph things, a CURIE for known namespaces, else the IRI."""
    if node is None:
        return ""
    text = shorten(str(node))
    return text[len("sgid:") :] if text.startswith("sgid:") else text


@dataclass(frozen=True)
class Interval:
    """A sg:DateInterval read into Python."""

    iri: Node | None
    not_before: dt.date | None = None
    not_after: dt.date | None = None
    expression: str | None = None
    certainty: str | None = None
    label: str | None = None

    def describe(self) -> str:
        lo = self.not_before.isoformat() if self.not_before else "…"
        hi = self.not_after.isoformat() if self.not_after else "…"
        span = lo if self.not_before and self.not_before == self.not_after else f"{lo} – {hi}"
        bits = [span]
        if self.expression:
            bits.append(f"“{self.expression}”")
        if self.certainty:
            bits.append(self.certainty)
        return ", ".join(bits)

    def to_json(self) -> dict[str, object]:
        return {
            "interval": short(self.iri) if self.iri is not None else None,
            "notBefore": self.not_before.isoformat() if self.not_before else None,
            "notAfter": self.not_after.isoformat() if self.not_after else None,
            "dateExpression": self.expression,
            "dateCertainty": self.certainty,
            "label": self.label,
        }


@dataclass
class Evidence:
    """One claim that asserts something: who, through whom, in which document, which words."""

    claim: Node
    claimant: str
    chain: str
    document: Node | None
    document_title: str | None
    publisher: str | None
    published: str | None
    url: str | None
    quotes: list[str] = field(default_factory=list)
    summary: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "claim": short(self.claim),
            "claimant": self.claimant,
            "attribution": self.chain,
            "document": short(self.document),
            "documentTitle": self.document_title,
            "publisher": self.publisher,
            "published": self.published,
            "url": self.url,
            "quotes": self.quotes,
            "summary": self.summary,
        }

    def line(self) -> str:
        where = short(self.document)
        if self.published:
            where += f", {self.published}"
        quote = " … ".join(f"“{q}”" for q in self.quotes) or f"({self.summary or 'no quote'})"
        return f"{self.chain} [{where}]: {quote}"


def _date(value: Node | None) -> dt.date | None:
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, dt.datetime):
            return python.date()
        if isinstance(python, dt.date):
            return python
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    return None


class Facts:
    """Quads indexed by subject/predicate, with the graphs that state each triple."""

    def __init__(self, quads: Iterable[tuple[Node, Node, Node, Node | None]]) -> None:
        self.spo: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.pos: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.graphs: dict[tuple[Node, Node, Node], set[Node | None]] = defaultdict(set)
        for s, p, o, g in quads:
            if p == SG.text or g == INFERRED_GRAPH:
                # sgg:inferred only repeats what the asserted edges imply; leaving it out keeps
                # the explained paths step by step (HIMARS → long-range US weapons → US weapons).
                continue
            self.spo[s][p].add(o)
            self.pos[p][o].add(s)
            self.graphs[(s, p, o)].add(g)

    # -- basic access --------------------------------------------------------------------------

    def objects(self, s: Node, p: Node) -> set[Node]:
        return set(self.spo.get(s, {}).get(p, set()))

    def subjects(self, p: Node, o: Node) -> set[Node]:
        return set(self.pos.get(p, {}).get(o, set()))

    def value(self, s: Node, p: Node) -> Node | None:
        values = sorted(self.objects(s, p), key=str)
        return values[0] if values else None

    def exists(self, s: Node) -> bool:
        return s in self.spo or any(s in objects for objects in self.pos.get(RDF.type, {}).values())

    def has_subject(self, s: Node) -> bool:
        """Whether ``s`` is the subject of some triple."""
        return s in self.spo

    def types(self, s: Node) -> set[Node]:
        return self.objects(s, RDF.type)

    def is_a(self, s: Node, cls: Node) -> bool:
        return cls in self.types(s)

    def label(self, s: Node | None) -> str:
        if s is None:
            return ""
        labels = self.objects(s, RDFS.label) or self.objects(s, SG.claimSummary)
        for lang in ("en", None, ""):
            for label in sorted(labels, key=str):
                if isinstance(label, Literal) and (label.language or None) == (lang or None):
                    return str(label)
        return short(s)

    def graphs_of(self, s: Node, p: Node, o: Node) -> set[Node | None]:
        return set(self.graphs.get((s, p, o), set()))

    # -- paths ---------------------------------------------------------------------------------

    def ancestors(
        self, start: Node, prop: Node, extra: dict[Node, set[Node]] | None = None
    ) -> dict[Node, list[Node]]:
        """Every node reachable from ``start`` over ``prop`` (plus ``extra`` edges), each with
        the path that reaches it first (breadth first); ``start`` itself maps to ``[start]``."""
        paths: dict[Node, list[Node]] = {start: [start]}
        queue = [start]
        while queue:
            node = queue.pop(0)
            nexts = self.objects(node, prop) | (extra or {}).get(node, set())
            for nxt in sorted(nexts, key=str):
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    queue.append(nxt)
        return paths

    def descendants(self, start: Node, prop: Node) -> set[Node]:
        seen = {start}
        queue = [start]
        while queue:
            node = queue.pop()
            for nxt in self.subjects(prop, node):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    # -- time ----------------------------------------------------------------------------------

    def interval(self, iri: Node | None) -> Interval | None:
        if iri is None:
            return None
        certainty = self.value(iri, SG.dateCertainty)
        expression = self.value(iri, SG.dateExpression)
        return Interval(
            iri=iri,
            not_before=_date(self.value(iri, SG.notBefore)),
            not_after=_date(self.value(iri, SG.notAfter)),
            expression=str(expression) if expression is not None else None,
            certainty=self.label(certainty) if certainty is not None else None,
            label=self.label(iri),
        )

    # -- evidence ------------------------------------------------------------------------------

    def evidence(self, thing: Node, graph: Node | None = ...) -> list[Evidence]:  # type: ignore[assignment]
        """The claims asserting ``thing`` (only those in ``graph`` if given), in text order."""
        items = []
        for claim in self.subjects(SG.asserts, thing):
            if graph is not ... and graph not in self.graphs_of(claim, SG.asserts, thing):
                continue
            items.append(self.claim_evidence(claim))
        return sorted(
            items, key=lambda e: (str(e.document), e.quotes and e.quotes[0] or "", str(e.claim))
        )

    def claim_evidence(self, claim: Node) -> Evidence:
        claimant = self.value(claim, SG.claimant)
        steps = []
        for step in self.objects(claim, SG.attributionStep):
            order = self.value(step, SG.stepOrder)
            agent = self.value(step, SG.stepAgent)
            steps.append(
                (int(order.toPython()) if isinstance(order, Literal) else 99, self.label(agent))
            )
        chain = " → ".join(name for _, name in sorted(steps)) or self.label(claimant)
        quotes: list[tuple[int, str]] = []
        for annotation in self.objects(claim, SG.hasEvidence):
            for target in self.objects(annotation, OA.hasTarget):
                start = 0
                exact = None
                for selector in self.objects(target, OA.hasSelector):
                    if (value := self.value(selector, OA.exact)) is not None:
                        exact = str(value)
                    if isinstance(begin := self.value(selector, OA.start), Literal):
                        start = int(begin.toPython())
                if exact:
                    quotes.append((start, exact))
        document = self.value(claim, SG.statedIn)
        publisher = self.value(document, DCTERMS.publisher) if document is not None else None
        issued = self.value(document, DCTERMS.issued) if document is not None else None
        url = self.value(document, SCHEMA.url) if document is not None else None
        title = self.value(document, DCTERMS.title) if document is not None else None
        summary = self.value(claim, SG.claimSummary)
        return Evidence(
            claim=claim,
            claimant=self.label(claimant),
            chain=chain,
            document=document,
            document_title=str(title) if title is not None else None,
            publisher=self.label(publisher) if publisher is not None else None,
            published=str(issued) if issued is not None else None,
            url=str(url) if url is not None else None,
            quotes=[q for _, q in sorted(quotes)],
            summary=str(summary) if summary is not None else None,
        )

    def sources(self, thing: Node) -> list[str]:
        """dcterms:source links of a reference thing (such as a sovereignty view)."""
        return sorted(str(s) for s in self.objects(thing, DCTERMS.source))

    def document_of_graph(self, graph: Node | None) -> Node | None:
        """The document a curated/extracted graph is about (``sg:aboutDocument``)."""
        if graph is None:
            return None
        doc = self.value(graph, SG.aboutDocument)
        if doc is not None:
            return doc
        text = str(graph)
        if text.startswith(str(SGG)):
            stem = text[len(str(SGG)) :].split("/")[0]
            return URIRef(f"https://w3id.org/strikegraph/id/document/{stem}")
        return None

    # -- resolving user input ------------------------------------------------------------------

    def resolve(self, value: str | Node, what: str) -> URIRef:
        """Read a user-given IRI (full, CURIE or kind/slug) and require that it is in the graph."""
        if isinstance(value, URIRef):
            iri = value
        else:
            try:
                iri = parse_iri(str(value))
            except ValueError as exc:
                raise ParameterError(f"{what} {exc}") from None
        if not self.has_subject(iri):
            raise ParameterError(f"unknown {what} <{iri}> ({short(iri)}): not in the graph")
        return iri


class StoreFacts(Facts):
    """Facts read on demand from an Oxigraph store, for questions that touch few nodes.

    ``check`` follows a few paths (weapon taxonomy, gazetteer, the grantee's rules, their
    claims and evidence); on a large store, reading every quad into dictionaries first costs
    seconds per million triples, while each lookup here is one index scan. Each
    (subject, predicate) and (predicate, object) pair is read once; only distinct values are
    converted to rdflib terms (the same label is often stated in hundreds of document graphs),
    and the graphs that state a triple are read only when asked for. The answers equal those
    of :class:`Facts` over the same quads.
    """

    def __init__(
        self,
        store: ox.Store,
        extra: Iterable[tuple[Node, Node, Node, Node | None]] = (),
    ) -> None:
        super().__init__(extra)
        self._ox = store
        self._forward: set[tuple[Node, Node]] = set()
        self._reverse: set[tuple[Node, Node]] = set()
        self._stated: set[tuple[Node, Node, Node]] = set()
        self._subjects: dict[Node, bool] = {}
        self._terms: dict[object, Node] = {}
        self._skip_g = to_ox(INFERRED_GRAPH)
        self._whole: set[Node] = set()  # subjects whose every triple has been read
        self._evidence_read: set[Node] = set()
        # Prefetching reads named graphs only; with triples in the default graph it is off.
        self._prefetch = (
            next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None
        )

    def _term(self, term: object) -> Node:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = from_ox(term)
        return found

    def objects(self, s: Node, p: Node) -> set[Node]:
        if s not in self._whole and (s, p) not in self._forward:
            self._forward.add((s, p))
            if not isinstance(s, Literal) and p != SG.text:
                skip = self._skip_g
                quads = self._ox.quads_for_pattern(to_ox(s), to_ox(p), None, None)
                for o in {q.object for q in quads if q.graph_name != skip}:
                    value = self._term(o)
                    self.spo[s][p].add(value)
                    self.pos[p][value].add(s)
        return super().objects(s, p)

    def subjects(self, p: Node, o: Node) -> set[Node]:
        if (p, o) not in self._reverse:
            self._reverse.add((p, o))
            if p != SG.text:
                skip = self._skip_g
                quads = self._ox.quads_for_pattern(None, to_ox(p), to_ox(o), None)
                for subject in {q.subject for q in quads if q.graph_name != skip}:
                    value = self._term(subject)
                    self.spo[value][p].add(o)
                    self.pos[p][o].add(value)
        return super().subjects(p, o)

    def has_subject(self, s: Node) -> bool:
        known = self._subjects.get(s)
        if known is None:
            known = super().has_subject(s) or (
                not isinstance(s, Literal)
                and next(iter(self._ox.quads_for_pattern(to_ox(s), None, None, None)), None)
                is not None
            )
            self._subjects[s] = known
        return known

    def exists(self, s: Node) -> bool:
        return self.has_subject(s) or bool(self.subjects(RDF.type, s))

    def evidence(self, thing: Node, graph: Node | None = ...) -> list[Evidence]:  # type: ignore[assignment]
        """As :meth:`Facts.evidence`, after reading the claims that assert ``thing`` and their
        attribution steps, annotations, targets, selectors and documents in one query (one
        claim needs some twenty lookups otherwise)."""
        if self._prefetch and isinstance(thing, URIRef) and thing not in self._evidence_read:
            self._evidence_read.add(thing)
            self._read_whole(self._evidence_subjects(to_ox(thing)))
        return super().evidence(thing, graph)

    def _evidence_subjects(self, thing: Any) -> list[Any]:
        """The claims asserting ``thing`` and what claim_evidence reads about them: attribution
        steps, annotations, their targets and selectors, documents (pyoxigraph terms).

        Index lookups from the claims outward: a SPARQL query for the same set let Oxigraph
        start from ``GRAPH ?g { ?s ?p ?o }``, a scan of the whole store per call."""
        store = self._ox

        def objects(subjects: Iterable[Any], predicate: Any) -> list[Any]:
            return list(
                dict.fromkeys(
                    q.object
                    for s in subjects
                    for q in store.quads_for_pattern(s, predicate, None, None)
                    if not isinstance(q.object, ox.Literal)
                )
            )

        claims = list(
            dict.fromkeys(q.subject for q in store.quads_for_pattern(None, _ASSERTS, thing, None))
        )
        annotations = objects(claims, _HAS_EVIDENCE)
        targets = objects(annotations, _HAS_TARGET)
        found = [
            *claims,
            *objects(claims, _ATTRIBUTION_STEP),
            *annotations,
            *targets,
            *objects(targets, _HAS_SELECTOR),
            *objects(claims, _STATED_IN),
        ]
        return list(dict.fromkeys(found))

    def _read_whole(self, subjects: list[Any]) -> None:
        """Add every triple of ``subjects`` (pyoxigraph terms) from the named graphs other
        than sgg:inferred, without document texts, and mark them as completely read."""
        read: set[Node] = set()
        for subject in subjects:
            s = self._term(subject)
            for quad in self._ox.quads_for_pattern(subject, None, None, None):
                if isinstance(quad.graph_name, ox.DefaultGraph) or quad.graph_name == self._skip_g:
                    continue
                if quad.predicate == _TEXT:
                    continue
                p, o = self._term(quad.predicate), self._term(quad.object)
                self.spo[s][p].add(o)
                self.pos[p][o].add(s)
            read.add(s)
        self._whole |= read

    def graphs_of(self, s: Node, p: Node, o: Node) -> set[Node | None]:
        key = (s, p, o)
        if key not in self._stated:
            self._stated.add(key)
            if not isinstance(s, Literal) and p != SG.text:
                for quad in self._ox.quads_for_pattern(to_ox(s), to_ox(p), to_ox(o), None):
                    graph = quad.graph_name
                    if graph != self._skip_g:
                        self.graphs[key].add(
                            None if isinstance(graph, ox.DefaultGraph) else self._term(graph)
                        )
        return super().graphs_of(s, p, o)


_ASSERTS = to_ox(SG.asserts)
_HAS_EVIDENCE = to_ox(SG.hasEvidence)
_HAS_TARGET = to_ox(OA.hasTarget)
_HAS_SELECTOR = to_ox(OA.hasSelector)
_ATTRIBUTION_STEP = to_ox(SG.attributionStep)
_STATED_IN = to_ox(SG.statedIn)
_TEXT = to_ox(SG.text)


def load_perspectives(
    data_root: str | os.PathLike[str] | None = None,
) -> list[tuple[Node, Node, Node, Node | None]]:
    """The quads of ``graph/perspectives/*.trig`` (source-backed sovereignty views)."""
    folder = data_dir("graph", data_root) / PERSPECTIVES_FOLDER
    quads: list[tuple[Node, Node, Node, Node | None]] = []
    if folder.is_dir():
        for path in sorted(Path(folder).glob("*.trig")):
            quads += parse_file(path)
    return quads


def _quads_of(target: Store | Dataset) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    if isinstance(target, Store):
        return target.quads()
    return iter_quads(target)


def load_facts(
    target: Store | Dataset | Facts,
    data_root: str | os.PathLike[str] | None = None,
    *,
    perspectives: bool = True,
    lazy: bool = False,
) -> Facts:
    """Index a store or dataset (plus the sovereignty perspectives unless told not to).

    ``lazy`` reads an embedded store on demand (:class:`StoreFacts`) instead of all at once:
    for questions that touch a small part of a large store.
    """
    if isinstance(target, Facts):
        return target
    if lazy and isinstance(target, Store):
        extra = load_perspectives(data_root) if perspectives else []
        store = target.oxigraph
        return StoreFacts(store, [q for q in extra if not _contains(store, q)])
    quads = list(_quads_of(target))
    if perspectives:
        present = {(s, p, o) for s, p, o, _ in quads}
        quads += [q for q in load_perspectives(data_root) if q[:3] not in present]
    return Facts(quads)


def _contains(store: ox.Store, quad: tuple[Node, Node, Node, Node | None]) -> bool:
    """Whether the store states the triple in any graph."""
    s, p, o, _ = quad
    if isinstance(s, BNode) or isinstance(o, BNode):
        return False
    return next(iter(store.quads_for_pattern(to_ox(s), to_ox(p), to_ox(o), None)), None) is not None


def is_blank(node: Node) -> bool:
    return isinstance(node, BNode)
