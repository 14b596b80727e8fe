"""Unknown names become entities flagged for review; curated assertions win over extracted ones."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from strikegraph.build import build
from strikegraph.extract.graph_writer import REVIEW_NOTE
from strikegraph.ingest import IngestOptions, ingest, prepare
from strikegraph.namespaces import SG, SGG
from strikegraph.resources import data_dir
from strikegraph.store import open_store

ID = "https://w3id.org/strikegraph/id/"


def test_unknown_name_is_flagged_for_review(tmp_path: Path) -> None:
    doc = tmp_path / "unknown.txt"
    doc.write_text(
        "Defence spokesman Hans Mustermann said Berlin has given Kyiv permission to use German "
        "weapons against targets in Russia.\n",
        encoding="utf-8",
    )
    prepared = prepare(doc, IngestOptions(publisher="Example News", date="2024-06-01"))
    graph = Graph()
    for t in prepared.extracted:
        graph.add(t)
    person = URIRef(ID + "person/hans-mustermann")
    assert (person, RDF.type, SG.Person) in graph
    assert (person, SKOS.editorialNote, Literal(REVIEW_NOTE)) in graph
    assert (person, SG.reviewStatus, SG.NeedsReview) in graph
    assert any(graph.subjects(SG.claimant, person))
    with open_store(tmp_path / "store") as store:
        report = ingest([doc], store, IngestOptions(publisher="Example News", date="2024-06-01"))[0]
    assert report.ok, report.error
    assert report.review == ["Hans Mustermann"]


def test_curated_rule_iri_is_reused(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    build(store_dir)
    seed = data_dir("graph") / "documents" / "article-001.txt"
    with open_store(store_dir) as store:
        assert all(r.ok for r in ingest([seed], store))
        extracted = Graph()
        name = SGG["article-001/extracted"]
        for s, p, o, g in store.quads():
            if g == name:
                extracted.add((s, p, o))
    curated = URIRef(ID + "authorization/us-kharkiv-counter-fire-2024")
    assert any(extracted.subjects(SG.asserts, curated))
    # the extracted graph adds claims and evidence, not a second description
    assert (curated, RDF.type, SG.Authorization) not in extracted
    assert not list(extracted.subjects(RDF.type, SG.Authorization)) or all(
        s != curated for s in extracted.subjects(RDF.type, SG.Authorization)
    )
    claims = list(extracted.subjects(SG.assertionMode, SG.MachineExtracted))
    assert claims and all(extracted.value(c, SG.confidence) is not None for c in claims)
