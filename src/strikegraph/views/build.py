"""Build the network views — networkx graphs of actors, rules and sources — by SPARQL.

Four views (see :data:`VIEWS`): ``rifts`` (a signed graph of actors), ``alliances``
(membership, alliance, aid and cooperation), ``authorizations`` (grantor -> grantee, one edge
per rule) and ``provenance`` (documents, publishers and the attribution chains of claims).
Each is built from the SPARQL files in ``queries/views/``: one query per view yields the
edges and the *premises* behind each (the rift, stance, rule or event that claims assert),
and a handful of shared queries (``claims``, ``evidence``, ``attribution``, ``intervals``,
``labels``, ``facts``, ``context``) supply the evidence, dates and labels. Python only joins,
counts and filters.

The relations of each view, and their signs, are listed in the header of its query file
(``queries/views/rifts.rq`` ...). In the rifts view, an authorization to use one's weapons
(``lets-use-weapons``) and a weapons delivery (``aids``) count as aid; prohibitions are left
to the authorizations view — a restriction inside an aid relationship is not hostility.

Every view is a :class:`networkx.MultiDiGraph`: two actors may be linked by several relations
(the US and the UK are allies *and* in a rift), each its own edge with its own key
(``relation:premise``). Symmetric relations (``rift``, ``ally``, ``shared-stance``) are one
edge with ``directed = False``; their direction carries no meaning.

Node attributes: ``iri``, ``label``, ``type`` (the most specific ``sg:`` class, e.g.
``State``, ``Person``, ``Group``) and ``wikidata`` where known. Node ids are the IRIs.

Edge attributes (all GraphML/GEXF-safe scalars; views add their own, e.g. the rule's
``weapon_scope``, ``excluded_weapons``, ``target_scope``, ``purpose``, ``decided_by`` and a
readable ``scope`` in the authorizations view, ``claim_count`` in the provenance view,
``context`` on context edges):

``relation``, ``label``
    the relation's name (``rift``, ``angered-by`` ...) and its human label (``angered by``);
``sign``
    ``+1`` (alliance, aid, agreement, affiliation) or ``-1`` (rift, anger, opposition,
    hostility, prohibition);
``weight``
    how many distinct independent sources support the edge (see *Weight* below);
``directed``
    whether the direction means something;
``sources``, ``source_iris``
    the supporting sources (claimants, or named graphs for plain background facts);
``claims``, ``quotes``, ``documents``, ``chains``, ``evidence``
    the supporting claims, their exact evidence quotes (W3C Web Annotation ``oa:exact``), the
    documents that state them, their attribution chains as text ("RT → Politico → unnamed US
    official"), and all of it per claim (summary, claimant, chain, document, publisher,
    publication date, quotes, hedge);
``premises``, ``premise_labels``, ``issue``, ``issue_label``
    the things the edge stands for and the issue it is about;
``valid_from``, ``valid_until``, ``reported``
    ISO dates: the span in which the relation held (absent = open or unknown) and the earliest
    day a supporting claim was made. Absent attributes are left out, never ``None``.

*Lists are JSON arrays serialised as strings* (``json.loads(G.edges[e]["sources"])``): every
export format can carry a string, JSON keeps items that contain commas or semicolons intact,
and the same value round-trips through GraphML, GEXF, DOT, Cytoscape.js and node-link JSON.
:func:`loads_list` parses one back.

Weight. The weight of a premise is the number of *distinct claimants* of the claims that
assert it (``sg:claimant`` of each ``sg:Claim`` that ``sg:asserts`` it; a claim without a
claimant counts as its own source). Two outlets reporting the same stance count twice; one
outlet reporting it in two sentences counts once. A premise that no claim asserts at all — a
background fact of the reference graphs — is supported by the named graphs that state it,
one source each. An edge inferred from two premises (``at-odds``, ``dismisses``,
``shared-stance``) is only as strong as its weaker premise: its weight is the minimum of the
two, while ``sources`` lists the sources of both. The context edges (``acts-for``,
``member-of``) count the claimants of the office holdings behind them plus the graphs that
state them. In the provenance view an edge's weight is the number of documents that show it.

Filters (:class:`ViewFilter`), applied in this order:

``source``
    keep only claims whose claimant, any agent of whose attribution chain, or whose document
    is this IRI; ``publisher`` keeps only claims in documents of this publisher. Edges whose
    premises lose all their claims disappear; background facts are dropped too, since they
    are not from that source — except the context edges, which are context, not evidence.
``as_of``
    keep edges that held on that day: from ``valid_from`` (or, when the start is unknown,
    from the day it was first reported — nothing is shown before there is evidence of it)
    to ``valid_until`` (open when unknown), bounds included. Edges inferred from two
    premises hold where both do. In the provenance view: documents published on or before
    the day.
``min_support``
    drop edges with a weight below it. Nodes left without edges are dropped.

Context edges come last: ``acts-for`` (rifts view) and ``member-of`` (alliances view), from
``sg:actsFor`` / ``sg:memberOf``, are added only for actors that a claim-backed relation
already put in the view — so that Blinken's and Biden's ties to the United States show the
rift inside the administration as an unbalanced triangle — plus, in the rifts view, for the
officials (persons holding an office of a state in the view) who are claimants of the view's
claims (Lavrov for Russia). They never bring in
an actor on their own, and they go through ``as_of`` (office terms) and ``min_support``.

Why ``dismisses`` links actors rather than an issue node: the rifts view is a signed graph
*of actors*, and its balance analysis needs every node to be a party that can be in a camp.
An issue node would be a different kind of thing with no camp, and an edge to it would be
invisible to the triangle and camp analysis. Dismissing a debate is read as standing against
those who press for the policy under debate: the actors who want or support that issue or a
sub-issue of it (``sg:subIssueOf*``) — Russia against Blinken, the senior Pentagon officials
and Zelensky's officials, not against the issue.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from strikegraph.errors import ParameterError, QueryError
from strikegraph.namespaces import SG, shorten
from strikegraph.queries import NamedQuery, parse_iri, parse_query, run_query
from strikegraph.rdfterms import sparql_term
from strikegraph.resources import data_dir
from strikegraph.results import sort_rows
from strikegraph.sparqltext import prepend_to_where, split_order_by
from strikegraph.store import Store

__all__ = [
    "RELATION_LABELS",
    "TYPE_ORDER",
    "VIEWS",
    "ViewFilter",
    "ViewSpec",
    "build_view",
    "dumps_list",
    "load_view_query",
    "loads_list",
    "parse_date",
    "view_names",
]

Target = Store | Dataset


@dataclass(frozen=True)
class ViewSpec:
    """A view: its query file, title, what it shows, whether it is signed, its context, and
    the classes (sg: local names) of every premise its query can give, if it names them: the
    view then reads only the claims about things of those classes (see :class:`Corpus`)."""

    name: str
    title: str
    description: str
    signed: bool
    context: tuple[str, ...] = ()
    premise_kinds: tuple[str, ...] = ()


VIEWS: dict[str, ViewSpec] = {
    "rifts": ViewSpec(
        "rifts",
        "Rifts and alignments between actors",
        "A signed graph of states, officials, groups and organisations: negative edges for "
        "rifts, anger, opposition and hostility, positive ones for alliance, aid, shared "
        "stances and acting for a state.",
        signed=True,
        context=("acts-for",),
    ),
    "alliances": ViewSpec(
        "alliances",
        "Alliances, membership, aid and cooperation",
        "Membership of organisations, alliances, weapons deliveries and permissions to use "
        "one's weapons, between states and organisations.",
        signed=False,
        context=("member-of",),
        premise_kinds=("Membership", "AllyRelation", "Delivery", "Authorization"),
    ),
    "authorizations": ViewSpec(
        "authorizations",
        "Weapons-use authorizations and prohibitions",
        "One edge per rule from the grantor state to the grantee, with its weapon and target "
        "scope, exclusions, purpose and deciding official; prohibitions are negative.",
        signed=False,
        premise_kinds=("Authorization", "Prohibition"),
    ),
    "provenance": ViewSpec(
        "provenance",
        "Provenance of the claims",
        "Documents, their publishers and cited outlets, and every link of the attribution "
        "chains through which the documents report their claims.",
        signed=False,
    ),
}

RELATION_LABELS: dict[str, str] = {
    "rift": "rift",
    "angered-by": "angered by",
    "opposes": "opposes",
    "at-odds": "at odds",
    "dismisses": "dismisses",
    "attacks": "attacks",
    "ally": "allies",
    "aids": "aids",
    "shared-stance": "shared stance",
    "acts-for": "acts for",
    "member-of": "member of",
    "lets-use-weapons": "lets use weapons",
    "authorizes": "authorizes",
    "prohibits": "prohibits",
    "published-by": "published by",
    "cites": "cites",
    "attributes-to": "attributes to",
}

#: Most specific first: a node's ``type`` is the first of these it has.
TYPE_ORDER: tuple[str, ...] = (
    "AnonymousSource",
    "Person",
    "Group",
    "Alliance",
    "MediaOutlet",
    "GovernmentBody",
    "ArmedForces",
    "Organisation",
    "State",
    "Document",
    "Claim",
    "Issue",
    "Actor",
)

_SHARED_QUERIES = ("claims", "evidence", "attribution", "intervals", "labels", "facts", "context")
_SG = str(SG)


def view_names() -> list[str]:
    """The names of the views, in their documented order."""
    return list(VIEWS)


_LIST_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_list(values: Iterable[Any]) -> str:
    """Serialise a list attribute the way every view does: a compact JSON array string."""
    return _LIST_ENCODER.encode(list(values))


def loads_list(value: str | None) -> list[Any]:
    """Parse a list attribute of a view (a JSON array string); ``None`` or ``""`` -> ``[]``."""
    if not value:
        return []
    parsed = json.loads(value)
    if not isinstance(parsed, list):
        raise ValueError(f"not a JSON array: {value[:60]!r}")
    return parsed


def parse_date(value: str | dt.date | None, what: str = "--as-of") -> dt.date | None:
    """Read an ISO day (``YYYY-MM-DD``); ``ParameterError`` on anything else."""
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"{what} expects a date (YYYY-MM-DD), got {value!r}") from None


def _parse_iri_option(value: str | URIRef | None, what: str) -> URIRef | None:
    if value is None or isinstance(value, URIRef):
        return value
    try:
        return parse_iri(value)
    except ValueError as exc:
        raise ParameterError(f"{what} {exc}") from None


@dataclass(frozen=True)
class ViewFilter:
    """What to keep in a view: see the module docstring for the exact semantics."""

    as_of: dt.date | None = None
    source: URIRef | None = None
    publisher: URIRef | None = None
    min_support: int = 1

    @classmethod
    def of(
        cls,
        as_of: str | dt.date | None = None,
        source: str | URIRef | None = None,
        publisher: str | URIRef | None = None,
        min_support: int | None = None,
    ) -> ViewFilter:
        """Build a filter from user input (ISO date, IRI/CURIE/kind-slug), checking it."""
        support = 1 if min_support is None else min_support
        if not isinstance(support, int) or isinstance(support, bool) or support < 0:
            raise ParameterError(f"--min-support expects a non-negative integer, got {support!r}")
        return cls(
            as_of=parse_date(as_of),
            source=_parse_iri_option(source, "--source"),
            publisher=_parse_iri_option(publisher, "--publisher"),
            min_support=support,
        )

    @property
    def by_source(self) -> bool:
        return self.source is not None or self.publisher is not None

    def describe(self) -> dict[str, str | int]:
        """The filter as graph attributes (unset parts left out)."""
        out: dict[str, str | int] = {"min_support": self.min_support}
        if self.as_of is not None:
            out["as_of"] = self.as_of.isoformat()
        if self.source is not None:
            out["source"] = str(self.source)
        if self.publisher is not None:
            out["publisher"] = str(self.publisher)
        return out


# --------------------------------------------------------------------------------------------
# Reading the query results
# --------------------------------------------------------------------------------------------


def load_view_query(name: str, data_root: str | os.PathLike[str] | None = None) -> NamedQuery:
    """``queries/views/NAME.rq`` as a :class:`NamedQuery` (its ``#+ summary:`` is required)."""
    path = data_dir("queries", data_root) / "views" / f"{name}.rq"
    if not path.is_file():
        raise QueryError(f"{path}: the view query is missing")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read: {exc}") from exc
    return parse_query(text, path.stem, Path(path))


def _rows(target: Target, query: NamedQuery) -> list[dict[str, Node]]:
    """The query's rows as dicts, in its ORDER BY order (sorted here, not by the engine:
    Oxigraph on disk sorts 130,000 rows in 8 s, Python in 0.3 s)."""
    text, order = split_order_by(query.text)
    if not order:
        return run_query(target, query).as_dicts()
    result = run_query(target, replace(query, text=text))
    result.rows = sort_rows(result.variables, result.rows, order)
    return result.as_dicts()


def _s(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _date(term: Node | None) -> dt.date | None:
    if term is None:
        return None
    value = term.toPython() if isinstance(term, Literal) else term
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(term)[:10])
    except ValueError:
        return None


def _int(term: Node | None) -> int | None:
    if term is None:
        return None
    try:
        return int(str(term))
    except ValueError:
        return None


def _bool(term: Node | None) -> bool | None:
    if term is None:
        return None
    return str(term).strip().lower() in ("true", "1")


@dataclass
class Claim:
    """One claim with everything a view edge shows about it."""

    iri: str
    claimant: str | None = None
    document: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    summary: str | None = None
    hedge: str | None = None
    mode: str | None = None
    confidence: float | None = None
    direct_quote: bool = False
    not_after: dt.date | None = None
    things: set[str] = field(default_factory=set)
    quotes: list[tuple[int, str]] = field(default_factory=list)
    chain: list[tuple[int, str, str | None]] = field(default_factory=list)

    @property
    def source_key(self) -> str:
        """What makes two claims independent: the claimant (else the claim itself)."""
        return self.claimant or self.iri

    @property
    def made_by(self) -> dt.date | None:
        """The latest day the claim can have been made: its own date, else publication."""
        return self.not_after or self.published

    def involves(self, iri: str) -> bool:
        return iri in (self.claimant, self.document) or any(a == iri for _, a, _ in self.chain)


@dataclass(frozen=True)
class Span:
    """A time span; ``None`` bounds are open or unknown."""

    start: dt.date | None = None
    end: dt.date | None = None
    expressions: tuple[str, ...] = ()

    def intersect(self, other: Span) -> Span:
        starts = [d for d in (self.start, other.start) if d is not None]
        ends = [d for d in (self.end, other.end) if d is not None]
        return Span(
            max(starts) if starts else None,
            min(ends) if ends else None,
            tuple(dict.fromkeys(self.expressions + other.expressions)),
        )


class Corpus:
    """The claims, labels, dates and fact graphs that every view joins its edges with.

    With ``premise_kinds`` (sg: class local names), only the claims, dates and fact graphs about
    things of those classes are read: the authorizations view needs the claims about 700
    rules, not the 23,000 claims of a 10^6-triple store (9.6 s -> 4 s). The classes are
    joined in each query, not listed thing by thing: on Oxigraph a VALUES list of a few
    thousand things took longer than reading everything.
    """

    def __init__(
        self,
        target: Target,
        data_root: str | os.PathLike[str] | None,
        premise_kinds: tuple[str, ...] = (),
    ) -> None:
        queries = {name: load_view_query(name, data_root) for name in _SHARED_QUERIES}
        if premise_kinds:
            for name in ("claims", "intervals", "facts"):
                queries[name] = _about_kinds(queries[name], premise_kinds, via_claim=False)
            for name in ("evidence", "attribution"):
                queries[name] = _about_kinds(queries[name], premise_kinds, via_claim=True)
        self.claims: dict[str, Claim] = {}
        self.asserting: dict[str, list[str]] = defaultdict(list)
        for row in _rows(target, queries["claims"]):
            iri = str(row["claim"])
            claim = self.claims.get(iri)
            if claim is None:
                confidence = row.get("confidence")
                claim = Claim(
                    iri=iri,
                    claimant=_s(row.get("claimant")),
                    document=_s(row.get("document")),
                    title=_s(row.get("title")),
                    publisher=_s(row.get("publisher")),
                    published=_date(row.get("published")),
                    summary=_s(row.get("summary")),
                    hedge=_s(row.get("hedge")),
                    mode=_s(row.get("mode")),
                    confidence=None if confidence is None else float(str(confidence)),
                    direct_quote=bool(_bool(row.get("isDirectQuote"))),
                    not_after=_date(row.get("claimNotAfter")),
                )
                self.claims[iri] = claim
            thing = str(row["thing"])
            if thing not in claim.things:
                claim.things.add(thing)
                self.asserting[thing].append(iri)
        for row in _rows(target, queries["evidence"]):
            claim = self.claims.get(str(row["claim"]))
            if claim is not None:
                start = _int(row.get("start"))
                item = (start if start is not None else 1 << 30, str(row["exact"]))
                if item not in claim.quotes:
                    claim.quotes.append(item)
        for row in _rows(target, queries["attribution"]):
            claim = self.claims.get(str(row["claim"]))
            order = _int(row.get("order"))
            if claim is not None and order is not None:
                claim.chain.append((order, str(row["agent"]), _s(row.get("cue"))))
        for claim in self.claims.values():
            claim.quotes.sort()
            claim.chain.sort(key=lambda step: step[0])

        self.labels: dict[str, str] = {}
        label_rank: dict[str, int] = {}
        self.types: dict[str, set[str]] = defaultdict(set)
        self.wikidata: dict[str, str] = {}
        for row in _rows(target, queries["labels"]):
            node = str(row["node"])
            label = row.get("label")
            if isinstance(label, Literal):
                rank = {"en": 0, None: 1}.get(label.language, 2)
                if rank < label_rank.get(node, 9) or (
                    rank == label_rank[node] and str(label) < self.labels[node]
                ):
                    self.labels[node] = str(label)
                    label_rank[node] = rank
            if row.get("type") is not None:
                self.types[node].add(str(row["type"]))
            if row.get("wikidata") is not None:
                self.wikidata.setdefault(node, str(row["wikidata"]))

        self.spans: dict[str, Span] = {}
        by_kind: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
        for row in _rows(target, queries["intervals"]):
            expression = _s(row.get("expression"))
            span = Span(
                _date(row.get("notBefore")),
                _date(row.get("notAfter")),
                (expression,) if expression else (),
            )
            by_kind[str(row["thing"])][str(row["when"])].append(span)
        for thing, kinds in by_kind.items():
            # validity wins; an event's time is when it occurred; a decision date is a last resort
            for when in ("validDuring", "occurredDuring", "decidedDuring"):
                spans = kinds.get(_SG + when)
                if spans:
                    self.spans[thing] = _hull(spans)
                    break

        self.graphs: dict[str, list[str]] = defaultdict(list)
        for row in _rows(target, queries["facts"]):
            graph = str(row["graph"])
            if graph not in self.graphs[str(row["thing"])]:
                self.graphs[str(row["thing"])].append(graph)
            if row.get("graphLabel") is not None:
                self.labels.setdefault(graph, str(row["graphLabel"]))

        self.context_rows = _rows(target, queries["context"])

    def label(self, iri: str | None) -> str:
        if iri is None:
            return ""
        return self.labels.get(iri) or shorten(iri)

    def type_of(self, iri: str) -> str:
        names = {t[len(_SG) :] for t in self.types.get(iri, ()) if t.startswith(_SG)}
        for name in TYPE_ORDER:
            if name in names:
                return name
        return sorted(names)[0] if names else "Resource"

    def span(self, thing: str) -> Span:
        return self.spans.get(thing, Span())


def _about_kinds(query: NamedQuery, kinds: tuple[str, ...], *, via_claim: bool) -> NamedQuery:
    """``query`` limited to rows whose ``?thing`` (``via_claim``: the thing its ``?claim``
    asserts) is an instance of one of ``kinds``."""
    listed = " ".join(sparql_term(SG[kind]) for kind in kinds)
    scope = f"VALUES ?__scopeKind {{ {listed} }} "
    if via_claim:
        asserts = sparql_term(SG.asserts)
        scope += f"?__scopeThing a ?__scopeKind . ?claim {asserts} ?__scopeThing ."
    else:
        scope += "?thing a ?__scopeKind ."
    return replace(query, text=prepend_to_where(query.text, scope))


def _hull(spans: list[Span]) -> Span:
    starts = [s.start for s in spans]
    ends = [s.end for s in spans]
    expressions = tuple(dict.fromkeys(e for s in spans for e in s.expressions))
    return Span(
        None if None in starts else min(d for d in starts if d is not None),
        None if None in ends else max(d for d in ends if d is not None),
        expressions,
    )


# --------------------------------------------------------------------------------------------
# Support, evidence and edges
# --------------------------------------------------------------------------------------------


@dataclass
class Support:
    """The claims (kept by the filter) and fact graphs behind one premise or edge."""

    claims: list[Claim] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)

    @property
    def weight(self) -> int:
        return len({c.source_key for c in self.claims}) + len(set(self.graphs))

    def merge(self, other: Support) -> Support:
        claims = {c.iri: c for c in [*self.claims, *other.claims]}
        return Support(list(claims.values()), list(dict.fromkeys([*self.graphs, *other.graphs])))


class _Builder:
    def __init__(self, corpus: Corpus, spec: ViewSpec, flt: ViewFilter) -> None:
        self.corpus = corpus
        self.spec = spec
        self.flt = flt
        self.kept = {
            iri
            for iri, claim in corpus.claims.items()
            if (flt.source is None or claim.involves(str(flt.source)))
            and (flt.publisher is None or claim.publisher == str(flt.publisher))
        }
        self.graph = nx.MultiDiGraph()
        # A claim supports many edges (a stance is in every shared-stance pair it makes):
        # its evidence record and chain text are built once.
        self._records: dict[tuple[str, str | None], str] = {}
        self._chains: dict[str, str] = {}

    # -- support -----------------------------------------------------------------------------

    def premise_support(self, premise: str, *, context: bool = False) -> Support:
        asserting = self.corpus.asserting.get(premise, [])
        if asserting:
            kept = [self.corpus.claims[c] for c in asserting if c in self.kept]
            return Support(kept, [])
        if self.flt.by_source and not context:
            return Support()
        return Support([], list(self.corpus.graphs.get(premise, [])))

    def reported(self, support: Support) -> dt.date | None:
        days = [c.made_by for c in support.claims if c.made_by is not None]
        return min(days) if days else None

    def holds(self, span: Span, reported: dt.date | None) -> bool:
        day = self.flt.as_of
        if day is None:
            return True
        start = span.start if span.start is not None else reported
        if start is not None and day < start:
            return False
        return span.end is None or day <= span.end

    # -- evidence attributes -----------------------------------------------------------------

    def claim_record(self, claim: Claim, premise: str | None) -> dict[str, Any]:
        c = self.corpus
        record: dict[str, Any] = {"claim": claim.iri}
        if premise is not None:
            record["premise"] = premise
        if claim.summary:
            record["summary"] = claim.summary
        if claim.claimant:
            record["claimant"] = claim.claimant
            record["claimant_label"] = c.label(claim.claimant)
        if claim.chain:
            record["chain"] = [
                {
                    "order": order,
                    "agent": agent,
                    "label": c.label(agent),
                    **({"cue": cue} if cue else {}),
                }
                for order, agent, cue in claim.chain
            ]
            record["chain_text"] = self.chain_text(claim)
        if claim.document:
            record["document"] = claim.document
            record["document_title"] = claim.title or c.label(claim.document)
        if claim.publisher:
            record["publisher"] = claim.publisher
            record["publisher_label"] = c.label(claim.publisher)
        if claim.published:
            record["published"] = claim.published.isoformat()
        if claim.quotes:
            record["quotes"] = [text for _, text in claim.quotes]
        if claim.hedge:
            record["hedge"] = claim.hedge
        if claim.mode:
            record["mode"] = shorten(claim.mode).removeprefix("sg:")
        if claim.confidence is not None:
            record["confidence"] = claim.confidence
        if claim.direct_quote:
            record["direct_quote"] = True
        return record

    def chain_text(self, claim: Claim) -> str:
        text = self._chains.get(claim.iri)
        if text is None:
            text = " → ".join(self.corpus.label(agent) for _, agent, _ in claim.chain)
            self._chains[claim.iri] = text
        return text

    def record_json(self, claim: Claim, premise: str | None) -> str:
        """:meth:`claim_record` as compact JSON, as :func:`dumps_list` writes each item."""
        key = (claim.iri, premise)
        text = self._records.get(key)
        if text is None:
            text = self._records[key] = _LIST_ENCODER.encode(self.claim_record(claim, premise))
        return text

    def evidence_attrs(
        self, support: Support, premise_of: Mapping[str, str | None]
    ) -> dict[str, Any]:
        c = self.corpus
        claims = sorted(
            support.claims,
            key=lambda cl: (
                cl.published or dt.date.max,
                cl.quotes[0][0] if cl.quotes else 1 << 30,
                cl.iri,
            ),
        )
        source_iris = sorted(
            {cl.claimant for cl in claims if cl.claimant} | set(support.graphs),
            key=lambda iri: (c.label(iri).lower(), iri),
        )
        anonymous = [cl.iri for cl in claims if not cl.claimant]
        quotes = list(dict.fromkeys(q for cl in claims for _, q in cl.quotes))
        documents = list(dict.fromkeys(cl.document for cl in claims if cl.document))
        chains = list(dict.fromkeys(self.chain_text(cl) for cl in claims if cl.chain))
        basis = "+".join(
            part
            for part, present in (("claims", bool(claims)), ("graphs", bool(support.graphs)))
            if present
        )
        return {
            "sources": dumps_list(
                [c.label(i) for i in source_iris] + [c.label(i) for i in anonymous]
            ),
            "source_iris": dumps_list(source_iris + anonymous),
            "claims": dumps_list(cl.iri for cl in claims),
            "quotes": dumps_list(quotes),
            "documents": dumps_list(documents),
            "chains": dumps_list(chains),
            "evidence": "["
            + ",".join(self.record_json(cl, premise_of.get(cl.iri)) for cl in claims)
            + "]",
            "basis": basis or "none",
        }

    # -- nodes and edges ---------------------------------------------------------------------

    def add_node(self, iri: str) -> None:
        if iri in self.graph:
            return
        attrs: dict[str, Any] = {
            "iri": iri,
            "label": self.corpus.label(iri),
            "type": self.corpus.type_of(iri),
        }
        if iri in self.corpus.wikidata:
            attrs["wikidata"] = self.corpus.wikidata[iri]
        self.graph.add_node(iri, **attrs)

    def add_edge(
        self,
        relation: str,
        source: str,
        target: str,
        key: str,
        *,
        sign: int,
        directed: bool,
        support: Support,
        weight: int,
        span: Span,
        premises: list[str],
        premise_of: Mapping[str, str | None],
        issue: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        c = self.corpus
        attrs: dict[str, Any] = {
            "relation": relation,
            "label": RELATION_LABELS.get(relation, relation),
            "sign": int(sign),
            "weight": int(weight),
            "directed": bool(directed),
            "premises": dumps_list(premises),
            "premise_labels": dumps_list(c.label(p) for p in premises),
        }
        if issue:
            attrs["issue"] = issue
            attrs["issue_label"] = c.label(issue)
        attrs.update(self.evidence_attrs(support, premise_of))
        if span.start is not None:
            attrs["valid_from"] = span.start.isoformat()
        if span.end is not None:
            attrs["valid_until"] = span.end.isoformat()
        reported = self.reported(support)
        if reported is not None:
            attrs["reported"] = reported.isoformat()
        if span.expressions:
            attrs["date_expressions"] = dumps_list(span.expressions)
        if extra:
            attrs.update({k: v for k, v in extra.items() if v is not None})
        self.add_node(source)
        self.add_node(target)
        self.graph.add_edge(source, target, key=key, **attrs)

    # -- relation views ------------------------------------------------------------------------

    def relation_edges(
        self, rows: list[dict[str, Node]], extras: Mapping[str, dict[str, Any]] | None = None
    ) -> None:
        seen: set[tuple[str, str, str]] = set()
        for row in rows:
            relation = str(row["relation"])
            source, target = str(row["source"]), str(row["target"])
            premises = [str(row["premise"])]
            if row.get("premise2") is not None:
                premises.append(str(row["premise2"]))
            key = f"{relation}:" + "+".join(shorten(p) for p in premises)
            if (source, target, key) in seen:
                continue
            seen.add((source, target, key))
            supports = [self.premise_support(p) for p in premises]
            weight = min(s.weight for s in supports)
            if weight == 0:
                continue
            support = supports[0]
            premise_of: dict[str, str | None] = {c.iri: premises[0] for c in supports[0].claims}
            for premise, extra_support in zip(premises[1:], supports[1:], strict=True):
                support = support.merge(extra_support)
                for cl in extra_support.claims:
                    premise_of.setdefault(cl.iri, premise)
            span = Span()
            effective = Span()
            for premise, premise_support in zip(premises, supports, strict=True):
                own = self.corpus.span(premise)
                span = span.intersect(own)
                if own.start is None:  # unknown start: it held once it was reported
                    own = Span(self.reported(premise_support), own.end)
                effective = effective.intersect(own)
            if not self.holds(effective, None):
                continue
            if weight < self.flt.min_support:
                continue
            self.add_edge(
                relation,
                source,
                target,
                key,
                sign=_int(row.get("sign")) or 1,
                directed=bool(_bool(row.get("directed"))),
                support=support,
                weight=weight,
                span=span,
                premises=premises,
                premise_of=premise_of,
                issue=_s(row.get("issue")),
                extra=(extras or {}).get(premises[0]),
            )

    def context_edges(self) -> None:
        if not self.spec.context:
            return
        primary_nodes = set(self.graph.nodes)
        speakers: dict[str, set[str]] = defaultdict(set)
        if "acts-for" in self.spec.context:
            for _, _, data in self.graph.edges(data=True):
                for claimant in loads_list(data.get("source_iris")):
                    if self.corpus.type_of(claimant) in ("Person", "AnonymousSource"):
                        speakers[claimant].add(data["relation"])
        grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
        for row in self.corpus.context_rows:
            relation = str(row["relation"])
            if relation not in self.spec.context:
                continue
            entry = grouped.setdefault(
                (relation, str(row["source"]), str(row["target"])),
                {"graphs": [], "holdings": {}},
            )
            graph = str(row["factGraph"])
            if graph not in entry["graphs"]:
                entry["graphs"].append(graph)
            if row.get("holding") is not None:
                entry["holdings"][str(row["holding"])] = Span(
                    _date(row.get("heldFrom")), _date(row.get("heldUntil"))
                )
        for (relation, source, target), entry in sorted(grouped.items()):
            official = bool(entry["holdings"])  # holds an office of the target state
            speaker = source in speakers and official and target in primary_nodes
            if source not in primary_nodes and not speaker:
                continue
            support = Support([], list(entry["graphs"]))
            premise_of: dict[str, str | None] = {}
            holdings: dict[str, Span] = entry["holdings"]
            for holding in holdings:
                claims = self.premise_support(holding, context=True).claims
                support = support.merge(Support(claims, []))
                for cl in claims:
                    premise_of.setdefault(cl.iri, holding)
            span = _hull(list(holdings.values())) if holdings else Span()
            if not self.holds(span, None):
                continue
            if support.weight < self.flt.min_support or support.weight == 0:
                continue
            self.add_edge(
                relation,
                source,
                target,
                relation,
                sign=1,
                directed=True,
                support=support,
                weight=support.weight,
                span=span,
                premises=sorted(holdings),
                premise_of=premise_of,
                extra={"context": True},
            )

    # -- authorizations ----------------------------------------------------------------------

    def rule_extras(self, rows: list[dict[str, Node]]) -> dict[str, dict[str, Any]]:
        c = self.corpus
        gathered: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        single: dict[str, dict[str, Any]] = defaultdict(dict)
        multi = (
            "weaponScope",
            "excludedWeapon",
            "targetScope",
            "excludedTarget",
            "disclosure",
            "amends",
        )
        for row in rows:
            rule = str(row["premise"])
            for name in multi:
                value = _s(row.get(name))
                if value is not None and value not in gathered[rule][name]:
                    gathered[rule][name].append(value)
            for name in (
                "kind",
                "action",
                "purpose",
                "purposeDescription",
                "decidedBy",
                "justifiedBy",
            ):
                if row.get(name) is not None:
                    single[rule].setdefault(name, str(row[name]))
            for name in ("isUnrestricted", "isImplicit"):
                if row.get(name) is not None:
                    single[rule][name] = bool(_bool(row[name])) or single[rule].get(name, False)
        extras: dict[str, dict[str, Any]] = {}
        for rule in set(gathered) | set(single):
            g, s = gathered[rule], single[rule]
            weapons = [c.label(w) for w in sorted(g["weaponScope"])]
            targets = [c.label(t) for t in sorted(g["targetScope"])]
            excluded_w = [c.label(w) for w in sorted(g["excludedWeapon"])]
            excluded_t = [c.label(t) for t in sorted(g["excludedTarget"])]
            scope = f"{', '.join(weapons) or 'any weapons'} → {', '.join(targets) or 'any target'}"
            conditions = []
            if s.get("purpose"):
                conditions.append(c.label(s["purpose"]).lower())
            if excluded_w or excluded_t:
                conditions.append("not " + ", ".join(excluded_w + excluded_t))
            if s.get("isUnrestricted"):
                conditions.append("as it sees fit")
            if s.get("isImplicit"):
                conditions.append("implicit")
            if conditions:
                scope += f" ({'; '.join(conditions)})"
            extras[rule] = {
                "rule": rule,
                "rule_label": c.label(rule),
                "rule_type": shorten(s.get("kind", "")).removeprefix("sg:") or None,
                "action": c.label(s["action"]) if s.get("action") else None,
                "weapon_scope": dumps_list(weapons),
                "weapon_scope_iris": dumps_list(sorted(g["weaponScope"])),
                "excluded_weapons": dumps_list(excluded_w),
                "target_scope": dumps_list(targets),
                "target_scope_iris": dumps_list(sorted(g["targetScope"])),
                "excluded_targets": dumps_list(excluded_t),
                "purpose": c.label(s["purpose"]) if s.get("purpose") else None,
                "purpose_description": s.get("purposeDescription"),
                "unrestricted": bool(s.get("isUnrestricted", False)),
                "implicit": bool(s.get("isImplicit", False)),
                "decided_by": c.label(s["decidedBy"]) if s.get("decidedBy") else None,
                "decided_by_iri": s.get("decidedBy"),
                "justified_by": c.label(s["justifiedBy"]) if s.get("justifiedBy") else None,
                "disclosures": dumps_list(c.label(d) for d in g["disclosure"]),
                "amends": dumps_list(g["amends"]) if g["amends"] else None,
                "scope": scope,
            }
        return extras

    # -- provenance --------------------------------------------------------------------------

    def provenance_edges(self, rows: list[dict[str, Node]]) -> None:
        c = self.corpus
        documents_with_claims: dict[str, list[Claim]] = defaultdict(list)
        for iri in sorted(self.kept):
            claim = c.claims[iri]
            if claim.document and self.document_in_time(claim.published):
                documents_with_claims[claim.document].append(claim)
        published: dict[str, dt.date | None] = {}
        for row in rows:
            published.setdefault(str(row["document"]), _date(row.get("published")))
        grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
        for row in rows:
            relation = str(row["relation"])
            source, target = str(row["source"]), str(row["target"])
            document = str(row["document"])
            if relation == "attributes-to":
                claim_iri = str(row["claim"])
                if claim_iri not in self.kept:
                    continue
                claims = [c.claims[claim_iri]]
                if not self.document_in_time(claims[0].published):
                    continue
            else:
                claims = documents_with_claims.get(document, [])
                if relation == "cites":
                    claims = [cl for cl in claims if cl.involves(target)]
                if self.flt.by_source and document not in documents_with_claims:
                    continue
                if not self.document_in_time(published.get(document)):
                    continue
            entry = grouped.setdefault((relation, source, target), {"documents": [], "claims": {}})
            if document not in entry["documents"]:
                entry["documents"].append(document)
            for claim in claims:
                entry["claims"][claim.iri] = claim
        for (relation, source, target), entry in sorted(grouped.items()):
            weight = len(entry["documents"])
            if weight < self.flt.min_support:
                continue
            support = Support(list(entry["claims"].values()), [])
            days = [day for d in entry["documents"] if (day := published.get(d)) is not None]
            span = Span(min(days) if days else None, None)
            self.add_edge(
                relation,
                source,
                target,
                relation,
                sign=1,
                directed=True,
                support=support,
                weight=weight,
                span=span,
                premises=[],
                premise_of={},
                extra={"claim_count": len(entry["claims"])},
            )
            data = self.graph.edges[source, target, relation]
            data["documents"] = dumps_list(entry["documents"])
            data["sources"] = dumps_list(c.label(d) for d in entry["documents"])
            data["source_iris"] = dumps_list(entry["documents"])
            data["basis"] = "documents"

    def document_in_time(self, published: dt.date | None) -> bool:
        if self.flt.as_of is None:
            return True
        return published is not None and published <= self.flt.as_of


def _coerce_target(target: Target | None, data_root: str | os.PathLike[str] | None) -> Target:
    if target is not None:
        return target
    from strikegraph.load import load_project

    return load_project(data_root)


def build_view(
    target: Target | None,
    view: str,
    *,
    as_of: str | dt.date | None = None,
    source: str | URIRef | None = None,
    publisher: str | URIRef | None = None,
    min_support: int | None = None,
    data_root: str | os.PathLike[str] | None = None,
    view_filter: ViewFilter | None = None,
) -> nx.MultiDiGraph:
    """Build one view as a :class:`networkx.MultiDiGraph` (see the module docstring).

    ``target`` is a :class:`~strikegraph.store.Store` or an rdflib ``Dataset`` (``None``:
    load the project's data folders in memory). Filters are given one by one or as a
    :class:`ViewFilter`. Raises ``ParameterError`` for an unknown view or bad filter values.
    """
    spec = VIEWS.get(view)
    if spec is None:
        raise ParameterError(f"unknown view '{view}' (use {', '.join(VIEWS)})")
    flt = view_filter or ViewFilter.of(as_of, source, publisher, min_support)
    target = _coerce_target(target, data_root)
    corpus = Corpus(target, data_root, spec.premise_kinds)
    builder = _Builder(corpus, spec, flt)
    query = load_view_query(view, data_root)
    rows = _rows(target, query)
    if view == "provenance":
        builder.provenance_edges(rows)
    elif view == "authorizations":
        builder.relation_edges(rows, builder.rule_extras(rows))
    else:
        builder.relation_edges(rows)
    builder.context_edges()
    graph = _sorted_copy(builder.graph)
    from strikegraph import __version__

    graph.graph.update(
        {
            "name": f"strikegraph-{view}",
            "view": view,
            "title": spec.title,
            "description": spec.description,
            "signed": spec.signed,
            "query": f"queries/views/{view}.rq",
            "weight_rule": "distinct independent sources: claimants of the claims asserting the "
            "relation (weaker premise for inferred edges; named graphs for unclaimed background "
            "facts; documents in the provenance view)",
            "list_encoding": "JSON arrays serialised as strings",
            "generator": f"strikegraph {__version__}",
            **flt.describe(),
        }
    )
    return graph


def _sorted_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with nodes and edges in a stable order (stable exports)."""
    out = nx.MultiDiGraph()
    for node in sorted(graph.nodes):
        out.add_node(node, **graph.nodes[node])
    edges = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (e[3]["relation"], e[0], e[1], e[2])
    )
    for u, v, k, data in edges:
        out.add_edge(u, v, key=k, **data)
    return out
