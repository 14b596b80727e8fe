"""Turn an extraction into the triples of ``sgg:{doc}/extracted``.

IRIs of rules, stances, rifts and events are minted from their key arguments (so that
re-ingest is idempotent and two documents can meet on the same thing); where a curated
thing with matching key arguments exists, its IRI is reused and only the claim and its
evidence are written ("curated assertions win"). Claims carry ``sg:assertionMode
sg:MachineExtracted``, ``sg:confidence`` and ``sg:extractorVersion``; evidence is a W3C
Web Annotation on the exact sentence span.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import URIRef
from rdflib.term import Node

from strikegraph.extract import EXTRACTOR_VERSION
from strikegraph.extract.dates import DateMention
from strikegraph.extract.pipeline import ExtractResult
from strikegraph.extract.relations import (
    ClaimX,
    DisclosureX,
    EventX,
    HoldingX,
    RiftX,
    Rule,
    StanceX,
)
from strikegraph.extract.terms import (
    DCTERMS,
    OA,
    RDF,
    RDFS,
    SG,
    SGG,
    SGID,
    SKOS,
    XSD,
    new_iri,
    str_literal,
    typed_literal,
)

__all__ = ["CuratedIndex", "extracted_graph_iri", "write_graph", "REVIEW_NOTE"]

Triple = tuple[Node, Node, Node]
REVIEW_NOTE = "needs review: name not in the gazetteer, entity created by the extractor"
US_ISSUE = SGID["issue/us-long-range-strikes-in-russia"]
WESTERN_ISSUE = SGID["issue/strikes-in-russia-with-western-weapons"]
US = SGID["state/united-states"]


def extracted_graph_iri(stem: str) -> URIRef:
    return SGG[f"{stem}/extracted"]


@functools.lru_cache(maxsize=4096)
def _slug(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


_SLUG_OK = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def _clean_slug(slug: str) -> str:
    """Lower case, runs of other characters as one hyphen, no hyphen at either end."""
    slug = slug.lower()
    if _SLUG_OK.fullmatch(slug):
        return slug  # already clean: the substitution would not change it
    return _SLUG_BAD.sub("-", slug).strip("-")


def _name(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1]


@dataclass
class CuratedIndex:
    """Curated rules, stances and rifts in the store, by their key arguments."""

    rules: list[tuple[URIRef, str, URIRef, URIRef, frozenset, frozenset]] = field(
        default_factory=list
    )
    stances: dict[tuple[URIRef, URIRef], URIRef] = field(default_factory=dict)
    rifts: list[tuple[URIRef, frozenset]] = field(default_factory=list)


# terms of the claim/evidence loop, looked up once
_TYPE = RDF.type
_CLAIM = SG.Claim
_SUMMARY = SG.claimSummary
_CLAIMANT = SG.claimant
_STATED_IN = SG.statedIn
_MODE = SG.assertionMode
_MACHINE = SG.MachineExtracted
_CONFIDENCE = SG.confidence
_VERSION = SG.extractorVersion
_QUOTE = SG.isDirectQuote
_HEDGE = SG.hedge
_DURING = SG.occurredDuring
_ASSERTS = SG.asserts
_STEP = SG.attributionStep
_STEP_CLASS = SG.AttributionStep
_STEP_ORDER = SG.stepOrder
_STEP_AGENT = SG.stepAgent
_CUE = SG.attributionCue
_EVIDENCE = SG.hasEvidence
_ANNOTATION = OA.Annotation
_MOTIVATED_BY = OA.motivatedBy
_EVIDENCING = SG.Evidencing
_HAS_BODY = OA.hasBody
_HAS_TARGET = OA.hasTarget
_SPECIFIC = OA.SpecificResource
_HAS_SOURCE = OA.hasSource
_HAS_SELECTOR = OA.hasSelector
_QUOTE_SELECTOR = OA.TextQuoteSelector
_EXACT = OA.exact
_POSITION_SELECTOR = OA.TextPositionSelector
_START = OA.start
_END = OA.end


def _confidence(objs: list[object]) -> Node:
    """A claim's confidence: the mean of its assertions' (0.5 for none), two decimals."""
    values = [getattr(o, "confidence", 0.6) for o in objs] or [0.5]
    return typed_literal(Decimal(str(round(sum(values) / len(values), 2))), XSD.decimal)


class _Writer:
    def __init__(self, result: ExtractResult, curated: CuratedIndex | None) -> None:
        self.r = result
        self.doc = result.doc
        self.gaz = result.gazetteer
        self.curated = curated or CuratedIndex()
        self.triples: list[Triple] = []
        published = self.doc.published
        # f"{year:04d}-{month:02d}" is strftime("%Y-%m"), without strftime's cost
        self.month = f"{published.year:04d}-{published.month:02d}" if published else "undated"
        self.iris: dict[int, URIRef] = {}
        self.used: set[URIRef] = set()
        self.docs_iri = SGID[f"document/{self.doc.stem}"]

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.triples.append((s, p, o))

    def mint(self, kind: str, slug: str) -> URIRef:
        slug = _clean_slug(slug)
        iri = SGID[f"{kind}/{slug}"]
        n = 2
        while iri in self.used:
            iri = SGID[f"{kind}/{slug}-{n}"]
            n += 1
        self.used.add(iri)
        return iri

    def interval(self, d: DateMention) -> URIRef:
        nb = d.not_before.isoformat() if d.not_before else "open"
        na = d.not_after.isoformat() if d.not_after else "open"
        iri = SGID[f"interval/{self.doc.stem}-{nb}-{na}"]
        if iri not in self.used:
            self.used.add(iri)
            self.add(iri, RDF.type, SG.DateInterval)
            self.add(iri, RDFS.label, str_literal(f"{d.text} ({nb} – {na})", "en"))
            if d.not_before:
                self.add(iri, SG.notBefore, typed_literal(d.not_before.isoformat(), XSD.date))
            if d.not_after:
                self.add(iri, SG.notAfter, typed_literal(d.not_after.isoformat(), XSD.date))
            self.add(iri, SG.dateExpression, str_literal(d.text))
            self.add(iri, SG.dateCertainty, SG[d.certainty])
        return iri

    # -- curated matches
    def _related(self, a: URIRef, b: URIRef) -> bool:
        return a in self.gaz.ancestors(b) or b in self.gaz.ancestors(a)

    def curated_rule(self, rule: Rule) -> URIRef | None:
        for iri, kind, grantor, grantee, targets, weapons in self.curated.rules:
            if (kind, grantor, grantee) != (rule.kind, rule.grantor, rule.grantee):
                continue
            if bool(targets) != bool(rule.targets):
                continue
            if targets and not any(self._related(a, b) for a in targets for b in rule.targets):
                continue
            if (
                weapons
                and rule.weapons
                and not any(self._related(a, b) for a in weapons for b in rule.weapons)
            ):
                continue
            return iri
        return None

    # -- things
    def rule(self, rule: Rule) -> URIRef:
        curated = self.curated_rule(rule)
        if curated is not None:
            return curated
        target = "-".join(sorted(_slug(t) for t in rule.targets)) or (
            "unrestricted"
            if rule.unrestricted
            else "-".join(sorted(_slug(w) for w in rule.weapons)) or "any"
        )
        kind = rule.kind
        weapons = set(rule.weapons)
        if not weapons:
            weapons = {SGID["weapon-category/western-weapons"]}
        description = (
            _name(rule.action),
            tuple(sorted(weapons)),
            tuple(sorted(rule.excluded)),
            _name(rule.purpose) if rule.purpose else "",
            rule.unrestricted,
            rule.implicit,
        )
        digest = hashlib.sha1(repr(description).encode()).hexdigest()[:6]
        iri = SGID[
            f"{kind}/{_slug(rule.grantor)}-{_slug(rule.grantee)}-{target}-{self.month}-{digest}"
        ]
        if iri in self.used:
            return iri
        self.used.add(iri)
        cls = SG.Authorization if kind == "authorization" else SG.Prohibition
        verb = "lets" if kind == "authorization" else "forbids"
        against = (
            " against " + ", ".join(sorted(self.gaz.label(t) for t in rule.targets))
            if rule.targets
            else ""
        )
        except_ = (
            " except " + ", ".join(sorted(self.gaz.label(t) for t in rule.excluded))
            if rule.excluded
            else ""
        )
        self.add(iri, RDF.type, cls)
        self.add(
            iri,
            RDFS.label,
            str_literal(
                f"{self.gaz.label(rule.grantor)} {verb} {self.gaz.label(rule.grantee)} "
                f"use of {', '.join(sorted(self.gaz.label(w) for w in weapons))}"
                f"{against}"
                f"{except_}"
                f" ({self.month}, machine-extracted)",
                lang="en",
            ),
        )
        self.add(iri, SG.grantor, rule.grantor)
        self.add(iri, SG.grantee, rule.grantee)
        self.add(iri, SG.action, rule.action)
        for w in sorted(weapons):
            self.add(iri, SG.weaponScope, w)
        for t in sorted(rule.targets):
            self.add(iri, SG.targetScope, t)
        for e in sorted(rule.excluded):
            self.add(iri, SG.excludesWeapon, e)
        if rule.purpose is not None:
            self.add(iri, SG.purpose, rule.purpose)
        if rule.decided_by is not None:
            self.add(iri, SG.decidedBy, rule.decided_by)
        if rule.unrestricted:
            self.add(iri, SG.isUnrestricted, typed_literal(True))
        if rule.implicit:
            self.add(iri, SG.isImplicit, typed_literal(True))
        return iri

    def issue(self, *actors: URIRef) -> URIRef:
        states = {a for a in actors}
        for a in actors:
            entity = self.gaz.entities.get(a)
            if entity is not None:
                states |= entity.acts_for
        return US_ISSUE if US in states else WESTERN_ISSUE

    def stance(self, st: StanceX) -> URIRef:
        curated = self.curated.stances.get((st.holder, st.kind))
        if curated is not None:
            return curated
        iri = SGID[f"stance/{_slug(st.holder)}-{_name(st.kind).lower()}-{self.month}"]
        if iri in self.used:
            return iri
        self.used.add(iri)
        self.add(iri, RDF.type, SG.Stance)
        self.add(
            iri,
            RDFS.label,
            str_literal(
                f"{self.gaz.label(st.holder)}: {_name(st.kind)} ({self.month}, machine-extracted)",
                "en",
            ),
        )
        self.add(iri, SG.stanceHolder, st.holder)
        self.add(iri, SG.stanceKind, st.kind)
        for a in sorted(st.addressees):
            self.add(iri, SG.addressee, a)
        self.add(iri, SG.onIssue, self.issue(st.holder))
        return iri

    def rift(self, rift: RiftX) -> URIRef:
        sides = frozenset(rift.side_a | rift.side_b)
        for iri, curated_sides in self.curated.rifts:
            if curated_sides == sides:
                return iri
        a = "-".join(sorted(_slug(x) for x in rift.side_a))
        b = "-".join(sorted(_slug(x) for x in rift.side_b))
        iri = SGID[f"rift/{re.sub(r'[^a-z0-9]+', '-', f'{a}-vs-{b}')}-{self.month}"]
        if iri in self.used:
            return iri
        self.used.add(iri)
        self.add(iri, RDF.type, SG.Rift)
        self.add(
            iri,
            RDFS.label,
            str_literal(
                f"Rift: {', '.join(sorted(self.gaz.label(x) for x in rift.side_a))} vs "
                f"{', '.join(sorted(self.gaz.label(x) for x in rift.side_b))} "
                f"({self.month}, machine-extracted)",
                lang="en",
            ),
        )
        for x in sorted(rift.side_a):
            self.add(iri, SG.sideA, x)
        for x in sorted(rift.side_b):
            self.add(iri, SG.sideB, x)
        self.add(iri, SG.onIssue, self.issue(*rift.side_a, *rift.side_b))
        return iri

    def event(self, ev: EventX) -> URIRef:
        kind = {
            SG.Strike: "strike",
            SG.Delivery: "delivery",
            SG.Offensive: "offensive",
            SG.ControlPeriod: "control",
        }[ev.type]
        parts = [
            _slug(v)
            for key in sorted(ev.args)
            for v in sorted(ev.args[key], key=str)
            if isinstance(v, URIRef)
        ]
        iri = self.mint(kind, f"{self.doc.stem}-{'-'.join(parts[:4])}")
        self.add(iri, RDF.type, ev.type)
        self.add(
            iri,
            RDFS.label,
            str_literal(
                f"{kind} (extracted from {self.doc.stem}, sentence {ev.sentence + 1})", "en"
            ),
        )
        for prop, values in ev.args.items():
            for v in sorted(values, key=str):
                if isinstance(v, int):
                    self.add(iri, prop, typed_literal(v, XSD.nonNegativeInteger))
                else:
                    self.add(iri, prop, v)
        prop = SG.validDuring if ev.type == SG.ControlPeriod else SG.occurredDuring
        if ev.dates:
            self.add(iri, prop, self.interval(ev.dates[0]))
        else:
            self.add(iri, prop, self.unknown_interval())
        if ev.type == SG.Strike and not ev.args.get(SG.targetTerritory):
            sent = self.r.sentences[ev.sentence].text
            self.add(iri, SG.targetDescription, str_literal(sent[:160]))
        return iri

    def unknown_interval(self) -> URIRef:
        iri = SGID[f"interval/{self.doc.stem}-undated"]
        if iri not in self.used:
            self.used.add(iri)
            self.add(iri, RDF.type, SG.DateInterval)
            self.add(iri, RDFS.label, str_literal(f"undated in {self.doc.stem}", "en"))
            self.add(iri, SG.dateCertainty, SG.UnknownDate)
        return iri

    def disclosure(self, d: DisclosureX) -> URIRef:
        rule = self.thing(d.rule)
        kind = _name(d.kind)
        # document-local: its date comes from this document
        iri = SGID[
            f"disclosure/{self.doc.stem}-{_slug(rule)}-"
            f"{re.sub(r'(?<!^)(?=[A-Z])', '-', kind).lower()}"
        ]
        if iri in self.used:
            return iri
        self.used.add(iri)
        self.add(iri, RDF.type, SG.Disclosure)
        self.add(
            iri,
            RDFS.label,
            str_literal(
                f"{kind} of {self.gaz.label(d.rule.grantor)}'s decision "
                f"({self.month}, machine-extracted)",
                "en",
            ),
        )
        self.add(iri, SG.disclosureKind, d.kind)
        self.add(iri, SG.disclosed, rule)
        self.add(rule, SG.hasDisclosure, iri)
        if d.by is not None:
            self.add(iri, SG.disclosedBy, d.by)
        self.add(
            iri,
            SG.occurredDuring,
            self.interval(d.dates[0]) if d.dates else self.unknown_interval(),
        )
        return iri

    def thing(self, obj: object) -> URIRef:
        if id(obj) in self.iris:
            return self.iris[id(obj)]
        if isinstance(obj, Rule):
            iri = self.rule(obj)
        elif isinstance(obj, StanceX):
            iri = self.stance(obj)
        elif isinstance(obj, RiftX):
            iri = self.rift(obj)
        elif isinstance(obj, HoldingX):
            iri = obj.iri
        elif isinstance(obj, DisclosureX):
            iri = self.disclosure(obj)
        else:
            assert isinstance(obj, EventX)
            iri = self.event(obj)
        self.iris[id(obj)] = iri
        return iri

    def write(self) -> list[Triple]:
        graph = extracted_graph_iri(self.doc.stem)
        self.add(graph, RDF.type, SG.ExtractedGraph)
        self.add(
            graph,
            RDFS.label,
            str_literal(f"machine-extracted annotation of {self.doc.stem}", "en"),
        )
        self.add(graph, SG.aboutDocument, self.docs_iri)
        self.add(graph, DCTERMS.creator, str_literal(EXTRACTOR_VERSION))
        for iri in sorted(self.r.linked_entities):
            self.add(graph, DCTERMS.references, iri)
        for iri, (label, state) in sorted(self.r.extraction.anonymous.items()):
            self.add(iri, RDF.type, SG.AnonymousSource)
            self.add(iri, RDFS.label, str_literal(label, "en"))
            if state is not None:
                self.add(iri, SG.actsFor, state)
        for m in {m.iri: m for m in self.r.unknown}.values():
            self.add(m.iri, RDF.type, SG.Person)
            self.add(m.iri, RDFS.label, str_literal(m.text, "en"))
            self.add(m.iri, SKOS.editorialNote, str_literal(REVIEW_NOTE))
            self.add(m.iri, SG.reviewStatus, SG.NeedsReview)
        for d in self.r.dates:  # every resolved date expression of the document
            self.interval(d)
        by_sentence: dict[int, list[ClaimX]] = {}
        for claim in self.r.extraction.claims:
            by_sentence.setdefault(claim.sentence, []).append(claim)
        # the hot loop: a few hundred triples per document, appended directly
        add = self.triples.append
        doc_iri, stem = self.docs_iri, self.doc.stem
        version = str_literal(EXTRACTOR_VERSION)
        true = typed_literal(True)
        entities = self.gaz.entities
        for index, claims in sorted(by_sentence.items()):
            sent = self.r.sentences[index]
            evidence = SGID[f"evidence/{stem}-extracted-s{index + 1}"]
            summary_text = sent.text[:200]
            claim_iris = []
            for claim in claims:
                claimant_iri = claim.claimant
                ciri = self.mint("claim", f"{stem}-extracted-s{index + 1}-{_slug(claimant_iri)}")
                claim_iris.append(ciri)
                claimant = (
                    self.gaz.label(claimant_iri)
                    if claimant_iri in entities
                    else _slug(claimant_iri)
                )
                add((ciri, _TYPE, _CLAIM))
                add((ciri, _SUMMARY, str_literal(f"{claimant}: {summary_text}", "en")))
                add((ciri, _CLAIMANT, claimant_iri))
                add((ciri, _STATED_IN, doc_iri))
                add((ciri, _MODE, _MACHINE))
                add((ciri, _CONFIDENCE, _confidence(claim.asserts)))
                add((ciri, _VERSION, version))
                if claim.direct_quote:
                    add((ciri, _QUOTE, true))
                if claim.hedge:
                    add((ciri, _HEDGE, str_literal(claim.hedge)))
                if claim.date is not None:
                    add((ciri, _DURING, self.interval(claim.date)))
                for obj in claim.asserts:
                    add((ciri, _ASSERTS, self.thing(obj)))
                for order, (agent, cue) in enumerate(claim.chain, start=1):
                    step = new_iri(f"{ciri}-step-{order}")
                    add((ciri, _STEP, step))
                    add((step, _TYPE, _STEP_CLASS))
                    add((step, _STEP_ORDER, typed_literal(order, XSD.integer)))
                    add((step, _STEP_AGENT, agent))
                    if cue:
                        add((step, _CUE, str_literal(cue)))
                add((ciri, _EVIDENCE, evidence))
            target = new_iri(f"{evidence}-target")
            quote = new_iri(f"{evidence}-quote")
            position = new_iri(f"{evidence}-position")
            add((evidence, _TYPE, _ANNOTATION))
            add((evidence, _MOTIVATED_BY, _EVIDENCING))
            for ciri in claim_iris:
                add((evidence, _HAS_BODY, ciri))
            add((evidence, _HAS_TARGET, target))
            add((target, _TYPE, _SPECIFIC))
            add((target, _HAS_SOURCE, doc_iri))
            add((target, _HAS_SELECTOR, quote))
            add((target, _HAS_SELECTOR, position))
            add((quote, _TYPE, _QUOTE_SELECTOR))
            add((quote, _EXACT, str_literal(sent.text)))
            add((position, _TYPE, _POSITION_SELECTOR))
            add((position, _START, typed_literal(sent.start, XSD.nonNegativeInteger)))
            add((position, _END, typed_literal(sent.end, XSD.nonNegativeInteger)))
        return list(dict.fromkeys(self.triples))


def write_graph(result: ExtractResult, curated: CuratedIndex | None = None) -> list[Triple]:
    """The extracted graph's triples for one document."""
    return _Writer(result, curated).write()
