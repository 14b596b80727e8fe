"""Quality of the ontology: the OOPS! pitfall checks (each with a broken case), OWL 2 RL
consistency, round-trips, undefined and unknown terms, alignments, JSON-LD context, ODRL mapping.

tests/test_ontology_checks.py runs every SPARQL check on the ontology; here each check added
for an OOPS! pitfall also gets an ontology that breaks it, so that a check which can no longer
find anything fails instead of passing silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from strikegraph.errors import DataError
from strikegraph.ontology.export import (
    FORMATS,
    THING_KINDS,
    build_context,
    parse_serialized,
    render_context,
    serialize,
)
from strikegraph.ontology.files import (
    ALIGNMENTS_IRI,
    CORE_IRI,
    catalog,
    load_alignments,
    load_core,
    load_with_imports,
    resolve_import,
)
from strikegraph.ontology.quality import (
    list_checks,
    owl_rl_consistency,
    project_graph,
    round_trip,
    run_sparql_checks,
    sparql_terms,
    undefined_mentions,
    undefined_terms_in_graph,
    undefined_terms_in_queries,
    undefined_terms_in_shapes,
    unknown_external_terms,
)
from strikegraph.ontology.terms import read_ontology

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
SG = "https://w3id.org/strikegraph/ontology#"
PREFIXES = """
@prefix sg: <https://w3id.org/strikegraph/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# check name -> (Turtle that breaks it, the IRI the check must report in its first column)
BROKEN = {
    "unconnected-class": ('sg:Lonely a owl:Class ; rdfs:label "lonely"@en .', "Lonely"),
    "undeclared-inverse": (
        'sg:grantedBy a owl:ObjectProperty ; skos:definition "The inverse of sg:grantor."@en .',
        "grantedBy",
    ),
    "inverse-mismatch": (
        "sg:grantorOf a owl:ObjectProperty ; owl:inverseOf sg:grantor ;"
        " rdfs:domain sg:Territory ; rdfs:range sg:UsePolicy .",
        "grantorOf",
    ),
    "undefined-class-reference": (
        "sg:loose a owl:ObjectProperty ; rdfs:domain sg:UsePolicy ; rdfs:range sg:Nowhere .",
        "loose",
    ),
    "hierarchy-cycle": ("sg:Actor rdfs:subClassOf sg:State .", "Actor"),
    "multiple-domains-or-ranges": ("sg:grantor rdfs:range sg:Person .", "grantor"),
    "wrong-transitive": (
        "sg:liesIn a owl:ObjectProperty, owl:TransitiveProperty ;"
        " rdfs:domain sg:Settlement ; rdfs:range sg:State .",
        "liesIn",
    ),
    "wrong-symmetric": (
        "sg:borders a owl:ObjectProperty, owl:SymmetricProperty ;"
        " rdfs:domain sg:Territory ; rdfs:range sg:State .",
        "borders",
    ),
    "range-kind-mismatch": (
        "sg:grantorName a owl:ObjectProperty ; rdfs:domain sg:UsePolicy ; rdfs:range xsd:string .",
        "grantorName",
    ),
    "naming-convention": ("sg:weapon_system a owl:Class .", "weapon_system"),
    "merged-concepts": (
        'sg:WeaponOrTerritory a owl:Class ; rdfs:label "weapon or territory"@en .',
        "WeaponOrTerritory",
    ),
    "untyped-term": ("sg:Authorization rdfs:seeAlso sg:Grant .", "Grant"),
}

# Checks whose broken cases live in tests/test_ontology_checks.py.
COVERED_ELSEWHERE = {
    "header-complete",
    "missing-label",
    "missing-definition",
    "missing-defined-by",
    "missing-domain-or-range",
    "undefined-term",
}


def broken(extra: str) -> Graph:
    graph = load_core()
    graph.parse(data=PREFIXES + extra, format="turtle")
    return graph


def check_rows(graph: Graph, name: str) -> list[tuple[str, ...]]:
    checks = [c for c in list_checks(folder=ONTOLOGY_DIR / "checks") if c.name == name]
    assert checks, name
    [result] = run_sparql_checks(graph, None, checks=checks)
    return result.rows


# --------------------------------------------------------------------------------------------
# SPARQL checks
# --------------------------------------------------------------------------------------------


def test_every_check_has_a_broken_case() -> None:
    names = {c.name for c in list_checks(folder=ONTOLOGY_DIR / "checks")}
    assert names - COVERED_ELSEWHERE == set(BROKEN), "a check without a broken case"


def test_every_check_has_a_summary_and_description() -> None:
    for check in list_checks(folder=ONTOLOGY_DIR / "checks"):
        head = check.text.splitlines()[:2]
        assert head[0].startswith("#+ summary: "), check.name
        assert head[1].startswith("#+ description: "), check.name


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_passes_on_the_ontology(name: str) -> None:
    assert check_rows(load_core(), name) == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_catches_its_pitfall(name: str) -> None:
    extra, local = BROKEN[name]
    rows = check_rows(broken(extra), name)
    assert SG + local in {row[0] for row in rows}, rows


def test_undeclared_inverse_accepts_one_side() -> None:
    # sg:disclosed says it is the inverse of sg:hasDisclosure and declares it on its side only
    graph = load_core()
    assert (URIRef(SG + "disclosed"), OWL.inverseOf, URIRef(SG + "hasDisclosure")) in graph
    assert (URIRef(SG + "hasDisclosure"), OWL.inverseOf, None) not in graph
    assert check_rows(graph, "undeclared-inverse") == []


def test_inverse_mismatch_catches_self_inverse() -> None:
    rows = check_rows(broken("sg:adjacentTo owl:inverseOf sg:adjacentTo ."), "inverse-mismatch")
    assert any("own inverse" in row[2] for row in rows)


def test_wrong_transitive_accepts_a_range_below_the_domain() -> None:
    # sg:inCategory: domain sg:WeaponType, range sg:WeaponCategory, a sub-class of the domain
    assert check_rows(load_core(), "wrong-transitive") == []
    rows = check_rows(broken("sg:inCategory rdfs:range sg:Territory ."), "wrong-transitive")
    assert SG + "inCategory" in {row[0] for row in rows}


def test_checks_pass_with_the_alignments_merged() -> None:
    merged = load_core() + load_alignments()
    failing = [r.name for r in run_sparql_checks(merged, None) if not r.ok]
    assert failing == []


# --------------------------------------------------------------------------------------------
# OWL 2 RL reasoning
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    return project_graph()


def test_owl_rl_finds_no_inconsistency_in_ontology_and_seed_graph(seed_graph: Graph) -> None:
    before = len(seed_graph)
    result = owl_rl_consistency(seed_graph)
    assert len(seed_graph) == before  # reasoning works on a copy
    assert result.inferred_triples > 0
    assert result.consistent, (result.errors, result.nothing_members)


def test_owl_rl_finds_no_inconsistency_with_alignments(seed_graph: Graph) -> None:
    result = owl_rl_consistency(seed_graph + load_alignments())
    assert result.consistent, (result.errors, result.nothing_members)


def test_owl_rl_reports_disjoint_classes_sharing_a_member() -> None:
    graph = load_core() + Graph().parse(
        data=PREFIXES + "<https://w3id.org/strikegraph/id/weapon/atacms> a sg:WeaponSystem ;\n"
        "    sg:inCategory <https://w3id.org/strikegraph/id/weapon/atacms> .",
        format="turtle",
    )
    # sg:inCategory's range makes ATACMS a weapon category too, disjoint with weapon system
    result = owl_rl_consistency(graph)
    assert not result.consistent
    assert any("disjoint" in e.lower() for e in result.errors), result.errors


def test_owl_rl_reports_members_of_nothing() -> None:
    graph = load_core() + Graph().parse(
        data=PREFIXES + "sg:Impossible a owl:Class ; owl:equivalentClass owl:Nothing .\n"
        "<https://example.org/x> a sg:Impossible .",
        format="turtle",
    )
    result = owl_rl_consistency(graph)
    assert "https://example.org/x" in result.nothing_members


# --------------------------------------------------------------------------------------------
# Parsing and round-trips
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_core_round_trips_without_loss(fmt: str) -> None:
    graph = load_core()
    data = serialize(graph, fmt)
    assert isomorphic(graph, parse_serialized(data, fmt))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_alignments_round_trip_without_loss(fmt: str) -> None:
    assert round_trip(load_alignments(), [fmt]) == {fmt: True}


def test_turtle_source_parses_with_both_parsers() -> None:
    by_rdflib = Graph().parse(ONTOLOGY_DIR / "strikegraph.ttl", format="turtle")
    assert isomorphic(by_rdflib, load_core())  # load_core parses with pyoxigraph


def test_turtle_source_has_its_header_first() -> None:
    text = (ONTOLOGY_DIR / "strikegraph.ttl").read_text(encoding="utf-8")
    statements = [line for line in text.splitlines() if line and not line.startswith(("@", "#"))]
    assert statements[0] == "<https://w3id.org/strikegraph/ontology>"


# --------------------------------------------------------------------------------------------
# Terms used but not defined, terms their vocabularies do not define
# --------------------------------------------------------------------------------------------


def test_queries_use_only_defined_terms() -> None:
    assert undefined_terms_in_queries(load_core(), ROOT / "queries") == {}


def test_shapes_use_only_defined_terms() -> None:
    assert undefined_terms_in_shapes(load_core(), ROOT / "validation") == {}


def test_graph_files_use_only_defined_terms() -> None:
    assert undefined_terms_in_graph(load_core(), ROOT / "graph") == {}


def test_ontology_queries_use_only_defined_terms() -> None:
    assert undefined_terms_in_queries(load_core(), ONTOLOGY_DIR) == {}


def test_ontology_texts_name_only_defined_terms() -> None:
    assert undefined_mentions(load_core() + load_alignments()) == {}
    graph = broken('sg:Authorization skos:example "see sg:Permision"@en .')
    assert undefined_mentions(graph) == {SG + "Authorization": [SG + "Permision"]}


def test_sparql_terms_reads_prefixes_iris_and_skips_comments_and_strings() -> None:
    text = (
        "PREFIX s: <https://w3id.org/strikegraph/ontology#>\n"
        "# sg:InComment\n"
        "SELECT * { ?x s:grantor ?y ; <https://w3id.org/strikegraph/ontology#amends> ?z .\n"
        '  FILTER(?label = "sg:InString") ?a sg:grantee ?b . ?c a sg:Authorization. }'
    )
    assert sparql_terms(text) == {
        SG + "grantor",
        SG + "amends",
        SG + "grantee",
        SG + "Authorization",
    }


def test_undefined_terms_are_found_in_queries_shapes_and_graph_files(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "typo.rq").write_text(
        "PREFIX sg: <https://w3id.org/strikegraph/ontology#>\nSELECT * { ?r sg:grantorr ?s }\n"
    )
    (tmp_path / "validation").mkdir()
    (tmp_path / "validation" / "typo.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\n"
        "<https://example.org/s> sh:targetClass sg:Authorisation ;\n"
        '  sh:sparql [ sh:select "SELECT $this { $this sg:weaponScop ?w }" ] .\n'
    )
    (tmp_path / "graph" / "extra").mkdir(parents=True)
    (tmp_path / "graph" / "extra" / "typo.trig").write_text(
        "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\n"
        "<https://example.org/g> { <https://example.org/a> a sg:Stat . }\n"
    )
    core = load_core()
    assert undefined_terms_in_queries(core, tmp_path / "queries") == {"typo.rq": [SG + "grantorr"]}
    assert undefined_terms_in_shapes(core, tmp_path / "validation") == {
        "typo.ttl": [SG + "Authorisation", SG + "weaponScop"]
    }
    assert undefined_terms_in_graph(core, tmp_path / "graph") == {"extra/typo.trig": [SG + "Stat"]}


def test_external_terms_exist_in_their_vocabularies() -> None:
    assert unknown_external_terms(load_core() + load_alignments()) == []


def test_unknown_external_terms_are_reported() -> None:
    graph = broken(
        "@prefix odrl: <http://www.w3.org/ns/odrl/2/> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "sg:Authorization rdfs:subClassOf odrl:Permision .\n"
        "sg:hasEvidence rdfs:subPropertyOf oa:hasEvidence .\n"
        "sg:Actor rdfs:subClassOf prov:Agnt ."
    )
    assert unknown_external_terms(graph) == [
        "http://www.w3.org/ns/oa#hasEvidence",
        "http://www.w3.org/ns/odrl/2/Permision",
        "http://www.w3.org/ns/prov#Agnt",
    ]


# --------------------------------------------------------------------------------------------
# Header metadata, modules, catalog
# --------------------------------------------------------------------------------------------

HEADER = [
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/description",
    "http://purl.org/dc/terms/creator",
    "http://purl.org/dc/terms/license",
    "http://purl.org/dc/terms/issued",
    "http://purl.org/dc/terms/modified",
    "http://purl.org/dc/terms/created",
    "http://purl.org/dc/terms/bibliographicCitation",
    "http://www.w3.org/2002/07/owl#versionInfo",
    "http://www.w3.org/2002/07/owl#versionIRI",
    "http://www.w3.org/2002/07/owl#priorVersion",
    "http://purl.org/vocab/vann/preferredNamespacePrefix",
    "http://purl.org/vocab/vann/preferredNamespaceUri",
]


@pytest.mark.parametrize("predicate", HEADER)
def test_header_has_what_catalogues_expect(predicate: str) -> None:
    assert (CORE_IRI, URIRef(predicate), None) in load_core()


def test_every_term_has_label_definition_and_defined_by() -> None:
    ontology = read_ontology(load_core())
    assert len(ontology.terms) > 100
    for term in ontology.terms.values():
        assert term.label and term.definition, term.iri
        assert term.defined_by == [CORE_IRI], term.iri


def test_core_imports_nothing_and_alignments_import_the_core_by_iri() -> None:
    assert (None, OWL.imports, None) not in load_core()
    alignments = load_alignments()
    assert set(alignments.objects(ALIGNMENTS_IRI, OWL.imports)) == {CORE_IRI}


def test_alignment_module_follows_the_core_version() -> None:
    core_version = load_core().value(CORE_IRI, OWL.versionInfo)
    assert load_alignments().value(ALIGNMENTS_IRI, OWL.versionInfo) == core_version


def test_alignments_only_map_defined_terms_to_the_required_vocabularies() -> None:
    core, alignments = load_core(), load_alignments()
    defined = {s for s in core.subjects(RDF.type, None)}
    targets: set[str] = set()
    for s, _, o in alignments:
        if isinstance(s, URIRef) and str(s).startswith(SG):
            assert s in defined, s
            if isinstance(o, URIRef):
                targets.add(str(o))
    for namespace in (
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/ns/odrl/2/",
        "https://schema.org/",
        "http://www.w3.org/ns/oa#",
        "http://www.wikidata.org/entity/Q",
        "http://www.wikidata.org/prop/",
    ):
        assert any(t.startswith(namespace) for t in targets), namespace
    odrl = "http://www.w3.org/ns/odrl/2/"
    assert (
        URIRef(SG + "Authorization"),
        RDFS.subClassOf,
        URIRef(odrl + "Permission"),
    ) in alignments
    assert (URIRef(SG + "Prohibition"), RDFS.subClassOf, URIRef(odrl + "Prohibition")) in alignments


def test_catalog_maps_the_ontology_iris_to_local_files() -> None:
    table = catalog()
    assert table[str(CORE_IRI)] == (ONTOLOGY_DIR / "strikegraph.ttl").resolve()
    assert table[str(ALIGNMENTS_IRI)] == (ONTOLOGY_DIR / "strikegraph-alignments.ttl").resolve()
    version_iri = load_core().value(CORE_IRI, OWL.versionIRI)
    assert resolve_import(str(version_iri)) == table[str(CORE_IRI)]


def test_imports_are_resolved_locally_and_never_fetched() -> None:
    merged = load_with_imports(ONTOLOGY_DIR / "strikegraph-alignments.ttl")
    assert len(merged) == len(load_core() + load_alignments())
    with pytest.raises(DataError, match="never fetched"):
        resolve_import("https://example.org/some/remote/ontology")
    with pytest.raises(DataError, match="no local copy"):
        resolve_import(str(CORE_IRI) + "/0.0.1")


# --------------------------------------------------------------------------------------------
# JSON-LD context
# --------------------------------------------------------------------------------------------


def test_context_file_is_generated_from_the_ontology() -> None:
    assert (ONTOLOGY_DIR / "context.jsonld").read_text(encoding="utf-8") == render_context(), (
        "ontology/context.jsonld is stale: run "
        "`strikegraph ontology context -o ontology/context.jsonld`"
    )


def test_context_defines_every_term_with_its_type() -> None:
    context = build_context()["@context"]
    ontology = read_ontology(load_core())
    for term in ontology.terms.values():
        entry = context[term.local]
        if term.kind == "object-property":
            assert entry["@type"] in ("@id", "@vocab"), term.local
        elif term.kind == "datatype-property":
            assert entry["@id"] == term.curie
        else:
            assert entry == term.curie
    assert context["heldFrom"]["@type"] == "xsd:date"
    assert context["action"]["@type"] == "@vocab"
    assert "@type" not in context["claimSummary"]  # strings keep their language tags
    for kind in THING_KINDS:
        if kind not in ("office", "organisation"):  # those names are properties
            assert context[kind] == f"https://w3id.org/strikegraph/id/{kind}/"


def test_a_document_written_with_the_context_means_what_the_turtle_says() -> None:
    context = json.loads((ONTOLOGY_DIR / "context.jsonld").read_text(encoding="utf-8"))
    document = {
        "@context": context["@context"],
        "id": "authorization:example",
        "type": "Authorization",
        "label": {"@value": "an example", "@language": "en"},
        "grantor": "state:united-states",
        "grantee": "state:ukraine",
        "action": "UseWeapons",
        "purpose": "CounterFire",
        "weaponScope": "weapon-category:us-weapons",
        "isUnrestricted": "false",
        "validDuring": {
            "id": "interval:example",
            "type": "DateInterval",
            "notBefore": "2024-05-01",
        },
    }
    parsed = Graph().parse(data=json.dumps(document), format="json-ld")
    expected = Graph().parse(
        data=PREFIXES
        + """
        @prefix sgid: <https://w3id.org/strikegraph/id/> .
        sgid:authorization\\/example a sg:Authorization ;
            rdfs:label "an example"@en ;
            sg:grantor sgid:state\\/united-states ; sg:grantee sgid:state\\/ukraine ;
            sg:action sg:UseWeapons ; sg:purpose sg:CounterFire ;
            sg:weaponScope sgid:weapon-category\\/us-weapons ;
            sg:isUnrestricted false ;
            sg:validDuring sgid:interval\\/example .
        sgid:interval\\/example a sg:DateInterval ; sg:notBefore "2024-05-01"^^xsd:date .
        """,
        format="turtle",
    )
    assert isomorphic(parsed, expected), parsed.serialize(format="turtle")


def test_seed_data_round_trips_through_the_context() -> None:
    # rdflib's JSON-LD compaction drops the properties of blank nodes it cannot embed, so
    # the round-trip is checked on the IRI-only triples of the reference and curated graphs.
    from rdflib import BNode, Dataset

    context = build_context()["@context"]
    dataset = Dataset()
    for path in sorted((ROOT / "graph").glob("*/*.trig")):
        dataset.parse(path, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if not isinstance(s, BNode) and not isinstance(o, BNode):
            graph.add((s, p, o))
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    assert '"grantor": "state:united-states"' in text
    assert isomorphic(graph, Graph().parse(data=text, format="json-ld", context=context))


# --------------------------------------------------------------------------------------------
# ODRL mapping
# --------------------------------------------------------------------------------------------


def test_rules_map_to_odrl_permissions_prohibitions_and_constraints(seed_graph: Graph) -> None:
    query = (ONTOLOGY_DIR / "mappings" / "sg-to-odrl.rq").read_text(encoding="utf-8")
    odrl = Graph()
    for triple in seed_graph.query(query):
        odrl.add(triple)  # type: ignore[arg-type]
    assert unknown_external_terms(odrl) == []
    answer = odrl.query(
        """
        PREFIX odrl: <http://www.w3.org/ns/odrl/2/>
        PREFIX authorization: <https://w3id.org/strikegraph/id/authorization/>
        SELECT ?assigner ?assignee ?target ?territory ?purpose ?excluded WHERE {
          ?policy a odrl:Set ; odrl:conflict odrl:prohibit ;
                  odrl:permission authorization:us-kharkiv-counter-fire-2024 ;
                  odrl:prohibition ?exclusion .
          authorization:us-kharkiv-counter-fire-2024
              a odrl:Permission ; odrl:assigner ?assigner ; odrl:assignee ?assignee ;
              odrl:target ?target ;
              odrl:constraint [ odrl:leftOperand odrl:spatial ; odrl:operator odrl:isPartOf ;
                                odrl:rightOperand ?territory ] ,
                              [ odrl:leftOperand odrl:purpose ; odrl:operator odrl:eq ;
                                odrl:rightOperand ?purpose ] .
          ?exclusion a odrl:Prohibition ; odrl:target ?excluded .
        }
        """
    )
    rows = [tuple(str(v).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for v in row) for row in answer]  # type: ignore[union-attr]
    assert rows == [
        (
            "united-states",
            "ukraine",
            "us-weapons",
            "russian-border-area-near-kharkiv",
            "CounterFire",
            "atacms",
        )
    ]
    prohibition = URIRef(
        "https://w3id.org/strikegraph/id/prohibition/us-strikes-deep-inside-russia"
    )
    assert (prohibition, RDF.type, URIRef("http://www.w3.org/ns/odrl/2/Prohibition")) in odrl
