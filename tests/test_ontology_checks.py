"""The SPARQL checks in ontology/checks/ run on the ontology (and the data) and find nothing.

Each check also gets a deliberately broken input, so that a check that can no longer
find anything fails here instead of passing silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "ontology" / "checks"
ONTOLOGY_FILE = ROOT / "ontology" / "strikegraph.ttl"
ONTOLOGY_GRAPH = URIRef("https://w3id.org/strikegraph/ontology")
ONTOLOGY_ONLY_CHECKS = sorted(p for p in CHECKS.glob("*.rq") if p.stem != "undefined-term")

BROKEN_ONTOLOGY_ADDITIONS = {
    # A class with nothing but a type: no label, no definition, no isDefinedBy.
    "missing-label": "sg:Bare a owl:Class .",
    "missing-definition": 'sg:Bare a owl:Class ; rdfs:label "bare"@en .',
    "missing-defined-by": 'sg:Bare a owl:Class ; rdfs:label "bare"@en ; skos:definition "x"@en .',
    "missing-domain-or-range": 'sg:loose a owl:ObjectProperty ; rdfs:label "loose"@en .',
}


def run_check(graph: Graph | Dataset, check: Path) -> list[tuple]:
    return [tuple(row) for row in graph.query(check.read_text(encoding="utf-8"))]


def ontology_graph(extra_turtle: str = "") -> Graph:
    graph = Graph().parse(ONTOLOGY_FILE)
    if extra_turtle:
        prefixes = (
            "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\n"
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        )
        graph.parse(data=prefixes + extra_turtle, format="turtle")
    return graph


def test_every_check_has_a_summary_header() -> None:
    checks = sorted(CHECKS.glob("*.rq"))
    assert len(checks) >= 6
    for check in checks:
        first = check.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#+ summary: "), check.name


@pytest.mark.parametrize("check", ONTOLOGY_ONLY_CHECKS, ids=lambda p: p.stem)
def test_ontology_passes_check(check: Path) -> None:
    assert run_check(ontology_graph(), check) == []


@pytest.mark.parametrize("name", sorted(BROKEN_ONTOLOGY_ADDITIONS))
def test_check_catches_broken_ontology(name: str) -> None:
    rows = run_check(ontology_graph(BROKEN_ONTOLOGY_ADDITIONS[name]), CHECKS / f"{name}.rq")
    flagged = {str(row[0]) for row in rows}
    assert flagged & {
        "https://w3id.org/strikegraph/ontology#Bare",
        "https://w3id.org/strikegraph/ontology#loose",
    }


def test_check_catches_missing_header_field() -> None:
    graph = ontology_graph()
    graph.remove((ONTOLOGY_GRAPH, URIRef("http://purl.org/dc/terms/license"), None))
    rows = run_check(graph, CHECKS / "header-complete.rq")
    assert [str(row[0]) for row in rows] == ["http://purl.org/dc/terms/license"]


def project_dataset() -> Dataset:
    dataset = Dataset()
    dataset.graph(ONTOLOGY_GRAPH).parse(ONTOLOGY_FILE)
    for trig in sorted((ROOT / "graph").glob("*/*.trig")):
        dataset.parse(trig, format="trig")
    return dataset


def test_data_uses_only_defined_terms() -> None:
    assert run_check(project_dataset(), CHECKS / "undefined-term.rq") == []


def test_undefined_term_check_catches_a_typo() -> None:
    dataset = project_dataset()
    dataset.graph(URIRef("https://w3id.org/strikegraph/id/graph/typo")).parse(
        data="<https://w3id.org/strikegraph/id/state/x> "
        "<https://w3id.org/strikegraph/ontology#grantorr> "
        "<https://w3id.org/strikegraph/id/state/y> .",
        format="turtle",
    )
    rows = run_check(dataset, CHECKS / "undefined-term.rq")
    assert [str(row[0]) for row in rows] == ["https://w3id.org/strikegraph/ontology#grantorr"]
