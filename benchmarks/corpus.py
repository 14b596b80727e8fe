"""A synthetic strikegraph corpus at any size: reference world + documents with curated graphs.

The seed holds one article; benchmarks need thousands. This module makes a *world* (many
states at war or supplying weapons, their territories, offices whose holders change over time,
weapon systems in supplier categories, media outlets) and then a stream of dated documents
that report on it the way article-001 does: authorizations and prohibitions that are amended
over time, disclosures, deliveries, strikes, control periods, stances, pressure and rifts, each
asserted by claims with attribution chains and W3C Web Annotation evidence whose offsets point
into the document's generated text. Everything uses the project's vocabulary and IRI scheme
(docs/architecture.md) and conforms to the SHACL shapes in validation/.

Output is one TriG file per size, written as a stream (a document at a time), holding the
project's own data (ontology, reference, perspectives, the seed article) plus a synthetic
reference graph (``sgg:synthetic-reference``) plus the documents' source and curated graphs.
Optionally each document's text and ``.meta.yaml`` sidecar are written too, for ingest.

    python benchmarks/corpus.py --docs 1000 --out /tmp/corpus          # corpus-1000.trig
    python benchmarks/corpus.py --triples 1e6 --out /tmp/corpus --texts # texts + sidecars too

The same (docs, seed) always gives byte-identical output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from strikegraph.documents import slugify  # noqa: E402
from strikegraph.namespaces import PREFIXES  # noqa: E402

__all__ = [
    "CorpusStats",
    "World",
    "docs_for_triples",
    "generate",
    "iter_documents",
    "make_world",
]

SG = PREFIXES["sg"]
SGID = PREFIXES["sgid"]
SGG = PREFIXES["sgg"]
SYNTHETIC_GRAPH = f"{SGG}synthetic-reference"
START = dt.date(2022, 3, 1)
END = dt.date(2025, 12, 31)
#: Measured average number of quads per generated document (source + curated graph); used to
#: turn a triple budget into a number of documents.
TRIPLES_PER_DOC = 128
#: Quads of the project data plus the smallest synthetic reference graph.
BASE_TRIPLES = 8_500

_SYLLABLES = (
    "al", "bar", "cor", "dan", "el", "fa", "gor", "hal", "is", "jun", "kal", "lor", "mar",
    "nor", "os", "pel", "quin", "ros", "sal", "tor", "ul", "var", "wen", "xan", "yor", "zan",
)  # fmt: skip
_STATE_ENDINGS = ("ia", "land", "stan", "ora", "ence", "avia")
_FIRST = (
    "Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Karin", "Luca", "Marta", "Nils", "Olga", "Pavel", "Rosa", "Stefan", "Tara", "Viktor",
)  # fmt: skip
_OFFICES = (
    ("president", "President of {state}"),
    ("foreign-minister", "Foreign Minister of {state}"),
    ("defence-minister", "Defence Minister of {state}"),
)
_KINDS = ("rule", "rule", "rule", "stance", "rift", "strike", "delivery", "control", "view")


def _lit(text: str) -> str:
    """A Turtle string literal (JSON string escapes are valid Turtle escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


# -- the world -------------------------------------------------------------------------------------


@dataclass
class Holding:
    """One term of one person in one office."""

    iri: str
    person: str
    office: str
    start: dt.date
    end: dt.date | None


@dataclass
class State:
    """A state with its land, offices, officials, weapons and media."""

    slug: str
    name: str
    regions: list[str] = field(default_factory=list)
    settlements: list[str] = field(default_factory=list)
    holdings: dict[str, list[Holding]] = field(default_factory=dict)
    weapons: list[str] = field(default_factory=list)
    long_range: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return f"state:{self.slug}"

    @property
    def land(self) -> str:
        return f"territory:{self.slug}"

    @property
    def category(self) -> str:
        return f"weapon-category:{self.slug}-weapons"

    @property
    def long_range_category(self) -> str:
        return f"weapon-category:{self.slug}-long-range-weapons"

    def border_area(self, other: State) -> str:
        return f"territory:{self.slug}-border-area-near-{other.slug}"

    def holder(self, office: str, day: dt.date) -> Holding:
        """Who held ``office`` on ``day`` (the first holder before the first term)."""
        terms = self.holdings[office]
        for term in terms:
            if term.start <= day and (term.end is None or day < term.end):
                return term
        return terms[0]


@dataclass
class Conflict:
    """A defending state (the grantee), its attacker, and the states that supply it."""

    grantee: State
    attacker: State
    suppliers: list[State]


@dataclass
class World:
    """Everything the documents talk about."""

    states: list[State]
    conflicts: list[Conflict]
    outlets: list[tuple[str, str]]  # (slug, name)
    persons: dict[str, str]  # person iri -> label
    labels: dict[str, str] = field(default_factory=dict)  # territory / weapon iri -> label


def make_world(docs: int, seed: int) -> World:
    """States, land, offices, weapons and outlets; more of each for bigger corpora."""
    rng = random.Random(f"world-{seed}")
    n_states = max(12, min(240, 12 + docs // 60))
    states: list[State] = []
    used: set[str] = set()
    for i in range(n_states):
        name = _name(rng) + rng.choice(_STATE_ENDINGS)
        slug = f"syn-{name.lower()}"
        if slug in used:
            slug = f"{slug}-{i}"
        used.add(slug)
        states.append(State(slug=slug, name=name))
    persons: dict[str, str] = {}
    for state in states:
        for j in range(rng.randint(3, 6)):
            region = f"territory:{state.slug}-r{j}"
            state.regions.append(region)
            for k in range(rng.randint(1, 3)):
                state.settlements.append(f"{region}-s{k}")
        # Offices change hands every one to two years; some people move between offices.
        pool: list[str] = []
        for office, _ in _OFFICES:
            terms: list[Holding] = []
            day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
            first = True
            while first or day < END:
                if pool and rng.random() < 0.3:
                    person = rng.choice(pool)
                else:
                    person = f"person:{state.slug}-{rng.choice(_FIRST).lower()}-{len(persons)}"
                    persons[person] = f"{person.split('-')[-2].capitalize()} {_name(rng)}"
                pool.append(person)
                end = day + dt.timedelta(days=rng.randint(360, 900))
                slug = f"{person.split(':', 1)[1]}-{office}-{day.year}-{len(terms)}"
                terms.append(Holding(f"holding:{slug}", person, office, day, end))
                day = end
                first = False
            terms[-1].end = None
            state.holdings[office] = terms
        for j in range(rng.randint(2, 4)):
            weapon = f"weapon:{state.slug}-{_name(rng, 1).lower()}-{j}"
            state.weapons.append(weapon)
            if j % 2 == 0:
                state.long_range.append(weapon)
    conflicts = []
    for i in range(0, n_states - 1, 6):
        grantee, attacker = states[i], states[i + 1]
        others = [s for s in states if s not in (grantee, attacker)]
        suppliers = rng.sample(others, k=min(len(others), rng.randint(3, 6)))
        conflicts.append(Conflict(grantee, attacker, suppliers))
    names = [f"{_name(rng)} News {i}" for i in range(max(8, min(400, 8 + docs // 200)))]
    # The publisher's IRI is derived from its name exactly as the document loader does it.
    outlets = [(slugify(name), name) for name in names]
    labels: dict[str, str] = {}
    for state in states:
        for j, region in enumerate(state.regions):
            labels[region] = f"{state.name} region {j}"
        for settlement in state.settlements:
            labels[settlement] = f"{_name(rng)}{rng.choice(('ovo', 'sk', 'burg', 'ville'))}"
        for weapon in state.weapons:
            labels[weapon] = weapon.rsplit("-", 2)[-2].upper()
    return World(states, conflicts, outlets, persons, labels)


def _reference_lines(world: World) -> Iterator[str]:
    """The synthetic reference graph, Turtle statements one at a time."""
    yield f"<{SYNTHETIC_GRAPH}> {{"
    yield (
        f"<{SYNTHETIC_GRAPH}> rdfs:label {_lit('synthetic reference knowledge (benchmarks)')}@en ."
    )
    ring = world.states
    for i, state in enumerate(ring):
        neighbour = ring[(i + 1) % len(ring)]
        yield f"{state.iri} a sg:State ; rdfs:label {_lit(state.name)}@en ."
        yield (
            f"{state.land} a sg:Territory ; rdfs:label {_lit('territory of ' + state.name)}@en ;"
            f" sg:territoryOf {state.iri} ; sg:adjacentTo {neighbour.land} ."
        )
        for region in state.regions:
            yield (
                f"{region} a sg:Region ; rdfs:label {_lit(world.labels[region])}@en ;"
                f" sg:partOf {state.land} ."
            )
        yield f"{state.regions[0]} sg:adjacentTo {neighbour.regions[-1]} ."
        for settlement in state.settlements:
            region = settlement.rsplit("-s", 1)[0]
            yield (
                f"{settlement} a sg:Settlement ; rdfs:label {_lit(world.labels[settlement])}@en ;"
                f" sg:partOf {region} ."
            )
        for office, label in _OFFICES:
            yield (
                f"office:{state.slug}-{office} a sg:Office ;"
                f" rdfs:label {_lit(label.format(state=state.name))}@en ;"
                f" sg:officeOf {state.iri} ."
            )
            for term in state.holdings[office]:
                until = f" ; sg:heldUntil {_date(term.end)}" if term.end else ""
                who = world.persons[term.person]
                yield (
                    f"{term.iri} a sg:OfficeHolding ;"
                    f" rdfs:label {_lit(f'{who} as {label.format(state=state.name)}')}@en ;"
                    f" sg:holder {term.person} ; sg:office office:{state.slug}-{office} ;"
                    f" sg:heldFrom {_date(term.start)}{until} ."
                )
                yield f"{term.person} sg:holdsPosition {term.iri} ."
        yield (
            f"{state.category} a sg:WeaponCategory ;"
            f" rdfs:label {_lit(state.name + ' weapons')}@en ;"
            f" sg:inCategory weapon-category:western-weapons ; sg:suppliedBy {state.iri} ."
        )
        yield (
            f"{state.long_range_category} a sg:WeaponCategory ;"
            f" rdfs:label {_lit('long-range ' + state.name + ' weapons')}@en ;"
            f" sg:inCategory {state.category} ; sg:suppliedBy {state.iri} ;"
            " sg:isLongRange true ."
        )
        for weapon in state.weapons:
            lr = weapon in state.long_range
            category = state.long_range_category if lr else state.category
            kind = "weapon-category:missiles" if lr else "weapon-category:artillery"
            yield (
                f"{weapon} a sg:WeaponSystem ;"
                f" rdfs:label {_lit(world.labels[weapon])}@en ;"
                f" sg:inCategory {category} , {kind} ; sg:suppliedBy {state.iri} ;"
                f" sg:isLongRange {_bool(lr)} ."
            )
    for person, label in world.persons.items():
        state_slug = person.split(":", 1)[1].rsplit("-", 2)[0]
        yield (
            f"{person} a sg:Person ; rdfs:label {_lit(label)}@en ; sg:actsFor state:{state_slug} ."
        )
    for conflict in world.conflicts:
        g, a = conflict.grantee, conflict.attacker
        for area, owner, other in ((a.border_area(g), a, g), (g.border_area(a), g, a)):
            yield (
                f"{area} a sg:Area ;"
                f" rdfs:label {_lit(f'{owner.name} border area next to {other.name}')}@en ;"
                f" sg:partOf {owner.land} ; sg:adjacentTo {other.regions[0]} ."
            )
        yield f"{a.settlements[0]} sg:partOf {a.border_area(g)} ."
        yield (
            f"issue:{g.slug}-strikes-in-{a.slug} a sg:Issue ;"
            f" rdfs:label {_lit(f'strikes inside {a.name} with supplied weapons')}@en ."
        )
        yield (
            f"organisation:armed-forces-of-{g.slug} a sg:ArmedForces ;"
            f" rdfs:label {_lit(f'Armed Forces of {g.name}')}@en ; sg:actsFor {g.iri} ."
        )
    for slug, name in world.outlets:
        yield f"organisation:{slug} a sg:MediaOutlet ; rdfs:label {_lit(name)}@en ."
    yield "}"


# -- documents -------------------------------------------------------------------------------------


@dataclass
class Rule:
    """A rule in a (grantor, grantee) chain of amendments."""

    iri: str
    label: str
    doc: str


@dataclass
class _Claim:
    slug: str
    summary: str
    claimant: str
    asserts: list[str]
    sentence: str
    chain: list[tuple[str, str | None]]  # (agent, cue)
    quote: bool = False

    @classmethod
    def narrated(
        cls, slug: str, outlet: str, summary: str, asserts: list[str], sentence: str
    ) -> _Claim:
        """A claim the outlet makes in its own narration: the claimant and the whole chain."""
        return cls(slug, summary, outlet, asserts, sentence, chain=[(outlet, None)])


@dataclass
class Document:
    """One generated document: its stem, text, sidecar metadata and curated Turtle body."""

    stem: str
    published: dt.date
    text: str
    meta: dict[str, object]
    curated: str
    source: str


class _Writer:
    """Generates documents one by one; keeps only the rule chains and recent things."""

    def __init__(self, world: World, docs: int, seed: int) -> None:
        self.world = world
        self.docs = docs
        self.rng = random.Random(f"docs-{seed}")
        self.chains: dict[tuple[str, str], list[Rule]] = {}
        self.recent_stances: dict[str, list[str]] = {}
        self.names = {f"organisation:{slug}": name for slug, name in world.outlets}

    def label(self, iri: str) -> str:
        """A place's or weapon's label for the text."""
        return self.world.labels[iri]

    def name(self, iri: str) -> str:
        """A media outlet's name for the text."""
        return self.names[iri]

    def published(self, index: int) -> dt.date:
        span = (END - START).days
        return START + dt.timedelta(days=(index * span) // max(1, self.docs))

    def document(self, index: int) -> Document:
        rng = self.rng
        stem = f"syn-{index + 1:06d}"
        day = self.published(index)
        conflict = rng.choice(self.world.conflicts)
        outlet_slug, outlet_name = rng.choice(self.world.outlets)
        cited_slug, cited_name = rng.choice(self.world.outlets)
        outlet = f"organisation:{outlet_slug}"
        cited = f"organisation:{cited_slug}"
        body: list[str] = []
        claims: list[_Claim] = []
        iv = f"interval:{stem}"
        body.append(
            f"{iv}-day a sg:DateInterval ; rdfs:label {_lit(day.strftime('%d %B %Y'))}@en ;"
            f" sg:notBefore {_date(day)} ; sg:notAfter {_date(day)} ;"
            ' sg:dateExpression "on the day" ; sg:dateCertainty sg:ExactDate .'
        )
        before = day - dt.timedelta(days=30)
        body.append(
            f"{iv}-recently a sg:DateInterval "
            f"; rdfs:label {_lit('the month before ' + str(day))}@en ;"
            f" sg:notBefore {_date(before)} ; sg:notAfter {_date(day)} ;"
            ' sg:dateExpression "recently" ; sg:dateCertainty sg:ApproximateDate .'
        )
        kinds = [rng.choice(_KINDS) for _ in range(rng.randint(1, 3))]
        for n, kind in enumerate(kinds):
            getattr(self, f"_{kind}")(stem, n, day, conflict, outlet, cited, body, claims)
        # An official quoted on the conflict: the claim also asserts the office holding.
        speaker = conflict.grantee.holder("foreign-minister", day)
        who = self.world.persons[speaker.person]
        claims.append(
            _Claim(
                slug=f"{stem}-minister",
                summary=f"{who} urges more help for {conflict.grantee.name}.",
                claimant=speaker.person,
                asserts=[speaker.iri],
                sentence=(
                    "“We need more help now,” said "
                    f"{who}, {conflict.grantee.name}’s foreign minister."
                ),
                chain=[(outlet, None), (speaker.person, "said")],
                quote=True,
            )
        )
        # The text: a headline, then one sentence per claim, each on its own line.
        headline = claims[0].summary
        lines = [headline]
        offsets: list[tuple[int, int]] = []
        pos = len(headline) + 1
        for claim in claims:
            offsets.append((pos, pos + len(claim.sentence)))
            lines.append(claim.sentence)
            pos += len(claim.sentence) + 1
        text = "\n".join(lines) + "\n"
        for claim, (start, end) in zip(claims, offsets, strict=True):
            body.append(self._claim_turtle(stem, claim, start, end))
        graph = f"{SGG}{stem}/curated"
        curated = (
            f"<{graph}> {{\n<{graph}> a sg:CuratedGraph ;"
            f" rdfs:label {_lit('curated annotation of ' + stem)}@en ;"
            f" sg:aboutDocument document:{stem} .\n" + "\n".join(body) + "\n}\n"
        )
        meta: dict[str, object] = {
            "title": headline,
            "publisher": outlet_name,
            "url": f"https://example.org/{outlet_slug}/{stem}",
            "language": "en",
            "published": day.isoformat(),
            "cites": [{"publisher": cited_name}],
        }
        source = self._source_turtle(stem, text, meta)
        return Document(stem, day, text, meta, curated, source)

    # -- the things a document can report ---------------------------------------------------------

    def _rule(self, stem, n, day, c: Conflict, outlet, cited, body, claims) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        grantor = rng.choice(c.suppliers)
        key = (grantor.slug, c.grantee.slug)
        chain = self.chains.setdefault(key, [])
        president = grantor.holder("president", day)
        if chain and (len(chain) >= 6 or rng.random() < 0.6):
            rule = chain[-1]  # re-report the rule in force
            claims.append(
                _Claim(
                    slug=f"{stem}-rule-{n}",
                    summary=f"{self.name(cited)} reports that {rule.label}.",
                    claimant=cited,
                    asserts=[rule.iri],
                    sentence=f"According to {self.name(cited)}, {rule.label}.",
                    chain=[(outlet, None), (cited, "according to")],
                )
            )
            return
        step = len(chain)
        a, g = c.attacker, c.grantee
        slug = f"{grantor.slug}-{g.slug}-{step}"
        validity = f"interval:{stem}-validity-{n}"
        body.append(
            f"{validity} a sg:DateInterval ; rdfs:label {_lit('from the decision onwards')}@en ;"
            f" sg:notBefore {_date(day - dt.timedelta(days=30))} ;"
            ' sg:dateExpression "recently decided" ; sg:dateCertainty sg:ApproximateDate .'
        )
        amends = f" ; sg:amends {chain[-1].iri}" if chain else ""
        if step == 0:
            iri = f"prohibition:{slug}"
            label = f"{grantor.name} forbids {g.name} strikes inside {a.name} with its weapons"
            body.append(
                f"{iri} a sg:Prohibition ; rdfs:label {_lit(label)}@en ;"
                f" sg:grantor {grantor.iri} ; sg:grantee {g.iri} ; sg:action sg:StrikeTargets ;"
                f" sg:weaponScope {grantor.category} ; sg:targetScope {a.land} ;"
                f" sg:validDuring {validity} ; sg:hasDisclosure disclosure:{stem}-{n} ."
            )
        elif step >= 4:
            iri = f"authorization:{slug}"
            label = f"{grantor.name} lets {g.name} use its weapons as it sees fit"
            body.append(
                f"{iri} a sg:Authorization ; rdfs:label {_lit(label)}@en ;"
                f" sg:grantor {grantor.iri} ; sg:grantee {g.iri} ; sg:action sg:UseWeapons ;"
                f" sg:weaponScope {grantor.category} ; sg:isUnrestricted true ;"
                f" sg:decidedBy {president.person} ; sg:decidedDuring interval:{stem}-recently ;"
                f" sg:validDuring {validity}{amends} ; sg:hasDisclosure disclosure:{stem}-{n} ."
            )
        else:
            iri = f"authorization:{slug}"
            target = a.border_area(g) if step < 3 else a.land
            label = (
                f"{grantor.name} authorizes {g.name} counter-fire into {a.name}"
                f" ({'border area' if step < 3 else 'whole territory'}, step {step})"
            )
            exclude = (
                f" ; sg:excludesWeapon {grantor.long_range[0]}"
                if grantor.long_range and step < 3
                else ""
            )
            body.append(
                f"{iri} a sg:Authorization ; rdfs:label {_lit(label)}@en ;"
                f" sg:grantor {grantor.iri} ; sg:grantee {g.iri} ; sg:action sg:UseWeapons ;"
                f" sg:weaponScope {grantor.category}{exclude} ; sg:targetScope {target} ;"
                f" sg:purpose sg:CounterFire ;"
                f' sg:purposeDescription "hit back at forces attacking them" ;'
                f" sg:decidedBy {president.person} ; sg:decidedDuring interval:{stem}-recently ;"
                f" sg:validDuring {validity}{amends} ; sg:hasDisclosure disclosure:{stem}-{n} ."
            )
        chain.append(Rule(iri, label, stem))
        who = self.world.persons[president.person]
        disclosure = f"disclosure:{stem}-{n}"
        body.append(
            f"{disclosure} a sg:Disclosure ; rdfs:label {_lit('announcement of ' + label)}@en ;"
            f" sg:disclosureKind sg:PublicConfirmation ; sg:disclosed {iri} ;"
            f" sg:disclosedBy {grantor.iri} ; sg:occurredDuring interval:{stem}-day ."
        )
        claims.append(
            _Claim(
                slug=f"{stem}-rule-{n}",
                summary=f"{self.name(cited)}: {label} (decided by {who}).",
                claimant=cited,
                asserts=[iri, disclosure, president.iri],
                sentence=f"{who} has decided: {label}, {self.name(cited)} reported.",
                chain=[(outlet, None), (cited, "reported")],
            )
        )

    def _stance(self, stem, n, day, c: Conflict, outlet, cited, body, claims) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        supplier = rng.choice(c.suppliers)
        president = supplier.holder("president", day).person
        minister = supplier.holder("defence-minister", day).person
        issue = f"issue:{c.grantee.slug}-strikes-in-{c.attacker.slug}"
        refuses = f"stance:{stem}-refuses-{n}"
        wants = f"stance:{stem}-wants-{n}"
        pressure = f"pressure:{stem}-{n}"
        pname, mname = self.world.persons[president], self.world.persons[minister]
        body.append(
            f"{refuses} a sg:Stance ; rdfs:label {_lit(pname + ' refuses deep strikes')}@en ;"
            f" sg:stanceHolder {president} ; sg:stanceKind sg:Refuses ; sg:onIssue {issue} ;"
            f" sg:isPublic true ; sg:validDuring interval:{stem}-recently ."
        )
        body.append(
            f"{wants} a sg:Stance ; rdfs:label {_lit(mname + ' wants deep strikes allowed')}@en ;"
            f" sg:stanceHolder {minister} ; sg:stanceKind sg:Wants ; sg:addressee {president} ;"
            f" sg:onIssue {issue} ."
        )
        body.append(
            f"{pressure} a sg:Pressure ; rdfs:label {_lit('pressure on ' + pname)}@en ;"
            f" sg:pressureTarget {president} ; sg:onIssue {issue} ;"
            f" sg:occurredDuring interval:{stem}-recently ."
        )
        self.recent_stances.setdefault(supplier.slug, []).append(refuses)
        claims.append(
            _Claim.narrated(
                outlet=outlet,
                slug=f"{stem}-stance-{n}",
                summary=f"{mname} wants {pname} to allow strikes; {pname} refuses.",
                asserts=[refuses, wants, pressure],
                sentence=(
                    f"{mname} wants {pname} to allow strikes "
                    f"inside {c.attacker.name}, but {pname} still refuses."
                ),
            )
        )

    def _rift(self, stem, n, day, c: Conflict, outlet, cited, body, claims) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        a, b = rng.sample(c.suppliers, 2) if len(c.suppliers) > 1 else (c.suppliers[0], c.grantee)
        issue = f"issue:{c.grantee.slug}-strikes-in-{c.attacker.slug}"
        rift = f"rift:{stem}-{n}"
        alliance = f"alliance:{stem}-{n}"
        caused = self.recent_stances.get(a.slug, [])
        cause = f" ; sg:causedBy {caused[-1]}" if caused else ""
        label = f"rift between {a.name} and {b.name} over strikes inside {c.attacker.name}"
        body.append(
            f"{rift} a sg:Rift ; rdfs:label {_lit(label)}@en ; sg:sideA {a.iri} ;"
            f" sg:sideB {b.iri} ; sg:onIssue {issue} ;"
            f' sg:riftScope "between allies"{cause} .'
        )
        body.append(
            f"{alliance} a sg:AllyRelation ; rdfs:label {_lit(f'{a.name} and {b.name}')}@en ;"
            f" sg:party {a.iri} , {b.iri} , {c.grantee.iri} ."
        )
        claims.append(
            _Claim.narrated(
                outlet=outlet,
                slug=f"{stem}-rift-{n}",
                summary=f"{self.name(outlet)}: a {label}.",
                asserts=[rift, alliance],
                sentence=(
                    f"The allies {a.name} and {b.name} "
                    f"are split over strikes inside {c.attacker.name}."
                ),
            )
        )

    def _strike(self, stem, n, day, c: Conflict, outlet, cited, body, claims) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        supplier = rng.choice(c.suppliers)
        weapon = rng.choice(supplier.weapons)
        target = rng.choice(c.attacker.settlements)
        strike = f"strike:{stem}-{n}"
        deaths = rng.randint(0, 5)
        label = f"{c.grantee.name} strike on {self.label(target)} with {self.label(weapon)}"
        body.append(
            f"{strike} a sg:Strike ; rdfs:label {_lit(label)}@en ;"
            f" sg:attacker organisation:armed-forces-of-{c.grantee.slug} ;"
            f" sg:weaponUsed {weapon} ; sg:targetTerritory {target} ;"
            f' sg:civilianDeaths "{deaths}"^^xsd:nonNegativeInteger ;'
            f" sg:occurredDuring interval:{stem}-recently ."
        )
        claims.append(
            _Claim.narrated(
                outlet=outlet,
                slug=f"{stem}-strike-{n}",
                summary=f"{self.name(outlet)}: {label}.",
                asserts=[strike],
                sentence=(
                    f"Forces of {c.grantee.name} struck {self.label(target)} "
                    f"with {self.label(weapon)}, killing {deaths}."
                ),
            )
        )

    def _delivery(self, stem, n, day, c: Conflict, outlet, cited, body, claims) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        supplier = rng.choice(c.suppliers)
        weapon = rng.choice(supplier.weapons)
        delivery = f"delivery:{stem}-{n}"
        label = f"{supplier.name} delivers {self.label(weapon)} to {c.grantee.name}"
        body.append(
            f"{delivery} a sg:Delivery ; rdfs:label {_lit(label)}@en ;"
            f" sg:deliveredWeapon {weapon} ; sg:supplier {supplier.iri} ;"
            f" sg:recipient {c.grantee.iri} ; sg:disclosureKind sg:Undisclosed ;"
            f" sg:occurredDuring interval:{stem}-recently ."
        )
        claims.append(
            _Claim(
                slug=f"{stem}-delivery-{n}",
                summary=f"{self.name(cited)}: {label}.",
                claimant=cited,
                asserts=[delivery],
                sentence=(
                    f"{supplier.name} has quietly shipped "
                    f"{self.label(weapon)} to {c.grantee.name}, {self.name(cited)} says."
                ),
                chain=[(outlet, None), (cited, "says")],
            )
        )

    def _control(self, stem, n, day, c: Conflict, outlet, cited, body, claims) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        place = rng.choice(c.grantee.settlements)
        offensive = f"offensive:{stem}-{n}"
        control = f"control:{stem}-{n}"
        body.append(
            f"{offensive} a sg:Offensive ; rdfs:label {_lit(c.attacker.name + ' offensive')}@en ;"
            f" sg:attacker {c.attacker.iri} ; sg:targetTerritory {place} ;"
            f" sg:occurredDuring interval:{stem}-recently ."
        )
        body.append(
            f"{control} a sg:ControlPeriod ;"
            f" rdfs:label {_lit(c.attacker.name + ' control of ' + self.label(place))}@en ;"
            f" sg:controlledTerritory {place} ; sg:controller {c.attacker.iri} ;"
            f" sg:establishedBy {offensive} ; sg:validDuring interval:{stem}-recently ."
        )
        claims.append(
            _Claim.narrated(
                outlet=outlet,
                slug=f"{stem}-control-{n}",
                summary=f"{self.name(outlet)}: {c.attacker.name} seized {self.label(place)}.",
                asserts=[offensive, control],
                sentence=f"{c.attacker.name} recently seized {self.label(place)}.",
            )
        )

    def _view(self, stem, n, day, c: Conflict, outlet, cited, body, claims) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        holder = rng.choice(c.suppliers)
        region = c.grantee.regions[-1]
        view = f"view:{stem}-{n}"
        label = f"{holder.name} does not recognise {c.attacker.name} over {self.label(region)}"
        body.append(
            f"{view} a sg:SovereigntyView ; rdfs:label {_lit(label)}@en ;"
            f" sg:viewHolder {holder.iri} ; sg:viewedTerritory {region} ;"
            f" sg:sovereign {c.attacker.iri} ; sg:recognises false ."
        )
        claims.append(
            _Claim.narrated(
                outlet=outlet,
                slug=f"{stem}-view-{n}",
                summary=(
                    f"{holder.name} does not consider "
                    f"{self.label(region)} part of {c.attacker.name}."
                ),
                asserts=[view],
                sentence=(
                    f"{holder.name} does not consider "
                    f"{self.label(region)} to be territory of {c.attacker.name}."
                ),
            )
        )

    # -- claims, evidence, source graph -----------------------------------------------------------

    @staticmethod
    def _claim_turtle(stem: str, claim: _Claim, start: int, end: int) -> str:
        steps = " ,\n    ".join(
            f"[ a sg:AttributionStep ; sg:stepOrder {i} ; sg:stepAgent {agent}"
            + (f" ; sg:attributionCue {_lit(cue)}" if cue else "")
            + " ]"
            for i, (agent, cue) in enumerate(claim.chain, start=1)
        )
        quote = " ; sg:isDirectQuote true" if claim.quote else ""
        return (
            f"claim:{claim.slug} a sg:Claim ; sg:claimSummary {_lit(claim.summary)}@en ;"
            f" sg:claimant {claim.claimant} ; sg:statedIn document:{stem} ;"
            f" sg:assertionMode sg:Curated{quote} ; sg:asserts {' , '.join(claim.asserts)} ;\n"
            f"    sg:attributionStep {steps} ;\n"
            f"    sg:hasEvidence evidence:{claim.slug} .\n"
            f"evidence:{claim.slug} a oa:Annotation ; oa:motivatedBy sg:Evidencing ;"
            f" oa:hasBody claim:{claim.slug} ;\n"
            f"    oa:hasTarget [ a oa:SpecificResource ; oa:hasSource document:{stem} ;"
            f" oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {_lit(claim.sentence)} ] ,"
            f" [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} ] ] ."
        )

    @staticmethod
    def _source_turtle(stem: str, text: str, meta: dict[str, object]) -> str:
        """The source graph exactly as strikegraph.documents.build_document makes it."""
        from strikegraph.documents import build_document

        document = build_document(stem, text, meta, Path(f"{stem}.meta.yaml"))
        lines = " .\n".join(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in document.triples)
        return f"<{document.graph}> {{\n{lines} .\n}}\n"


def _meta_yaml(meta: dict[str, object]) -> str:
    """The sidecar in the format of graph/documents/article-001.meta.yaml."""
    cites = meta.get("cites") or []
    lines = [
        f"title: {_lit(str(meta['title']))}",
        f"publisher: {_lit(str(meta['publisher']))}",
        f"url: {meta['url']}",
        f"language: {meta['language']}",
        f"published: {meta['published']}",
        "published_certainty: exact",
        "revised: false",
        "cites:",
        *(f"  - publisher: {_lit(str(c['publisher']))}" for c in cites),  # type: ignore[index]
    ]
    return "\n".join(lines) + "\n"


# -- writing ---------------------------------------------------------------------------------------


@dataclass
class CorpusStats:
    """What one generation wrote."""

    path: Path
    docs: int
    seed: int
    bytes: int
    first_published: str
    last_published: str
    texts_dir: Path | None = None


def docs_for_triples(triples: float) -> int:
    """How many documents give about ``triples`` quads in total (with the project base)."""
    return max(1, int((triples - BASE_TRIPLES) / TRIPLES_PER_DOC))


def iter_documents(docs: int, seed: int = 1) -> Iterator[Document]:
    """The documents of a corpus, in publication order (deterministic by ``docs`` and seed)."""
    writer = _Writer(make_world(docs, seed), docs, seed)
    for index in range(docs):
        yield writer.document(index)


def _prefix_block() -> str:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())


def _project_base(out: IO[str]) -> None:
    """The project's own data (ontology, reference, perspectives, seed article) as TriG."""
    import pyoxigraph as ox

    from strikegraph.load import load_project
    from strikegraph.rdfterms import iter_quads, to_ox_quad

    quads = [to_ox_quad(q) for q in iter_quads(load_project(ROOT))]
    data = ox.serialize(_stable_blank_nodes(quads), format=ox.RdfFormat.TRIG) or b""
    out.write(data.decode("utf-8"))


def _stable_blank_nodes(quads: list[Any]) -> list[Any]:
    """The quads with blank nodes named by a hash of their surroundings, sorted.

    Parsing gives blank nodes random labels; naming each by what it is linked to (refined a
    few rounds, as in colour refinement) makes the output the same bytes on every run.
    """
    import hashlib

    import pyoxigraph as ox

    blank = [t for q in quads for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
    names: dict[Any, str] = dict.fromkeys(blank, "")

    def sig(term: Any) -> str:
        return "_" + names[term] if isinstance(term, ox.BlankNode) else str(term)

    for _ in range(4):
        parts: dict[Any, list[str]] = {b: [] for b in names}
        for q in quads:
            if q.subject in parts:
                parts[q.subject].append(f"{q.predicate} {sig(q.object)} {q.graph_name}")
            if q.object in parts:
                parts[q.object].append(f"^{sig(q.subject)} {q.predicate} {q.graph_name}")
        names = {
            b: hashlib.sha1("\n".join(sorted(p)).encode()).hexdigest()[:20]
            for b, p in parts.items()
        }
    nodes = {b: ox.BlankNode(f"b{name}") for b, name in names.items()}

    def fix(term: Any) -> Any:
        return nodes[term] if isinstance(term, ox.BlankNode) else term

    renamed = [ox.Quad(fix(q.subject), q.predicate, fix(q.object), q.graph_name) for q in quads]
    return sorted(
        set(renamed),
        key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
    )


def generate(
    out_dir: Path,
    docs: int,
    seed: int = 1,
    *,
    texts: bool = False,
    include_project: bool = True,
) -> CorpusStats:
    """Write ``out_dir/corpus-{docs}.trig`` (streamed) and, with ``texts``, the documents'
    ``.txt`` and ``.meta.yaml`` files under ``out_dir/documents-{docs}/``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"corpus-{docs}.trig"
    texts_dir = out_dir / f"documents-{docs}" if texts else None
    if texts_dir is not None:
        texts_dir.mkdir(parents=True, exist_ok=True)
    world = make_world(docs, seed)
    writer = _Writer(world, docs, seed)
    first = last = ""
    with path.open("w", encoding="utf-8") as out:
        out.write(f"# strikegraph synthetic corpus: {docs} documents, seed {seed}\n")
        out.write(_prefix_block())
        if include_project:
            _project_base(out)
        for line in _reference_lines(world):
            out.write(line + "\n")
        for index in range(docs):
            doc = writer.document(index)
            out.write(doc.source)
            out.write(doc.curated)
            first = first or doc.published.isoformat()
            last = doc.published.isoformat()
            if texts_dir is not None:
                (texts_dir / f"{doc.stem}.txt").write_text(doc.text, encoding="utf-8")
                (texts_dir / f"{doc.stem}.meta.yaml").write_text(
                    _meta_yaml(doc.meta), encoding="utf-8"
                )
    return CorpusStats(path, docs, seed, path.stat().st_size, first, last, texts_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--docs", type=int, help="number of documents")
    size.add_argument("--triples", type=float, help="approximate number of triples (e.g. 1e6)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/corpus"))
    parser.add_argument("--texts", action="store_true", help="also write .txt + .meta.yaml")
    args = parser.parse_args(argv)
    docs = args.docs if args.docs is not None else docs_for_triples(args.triples)
    stats = generate(args.out, docs, args.seed, texts=args.texts)
    print(
        f"{stats.path}: {stats.docs} documents ({stats.first_published} .. "
        f"{stats.last_published}), {stats.bytes / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
