"""Helpers for the reasoning tests: the project plus chosen gold documents, in memory."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from strikegraph.documents import load_document
from strikegraph.load import load_project, parse_file
from strikegraph.namespaces import bind_namespaces
from strikegraph.rdfterms import dataset_from_quads, iter_quads

GOLD = Path(__file__).resolve().parent / "gold" / "dev-articles"


def with_documents(*paths: Path, base: Dataset | None = None) -> Dataset:
    """The project (or ``base``) plus documents given as ``.trig`` annotation paths; each
    document's source graph is built from the ``.txt``/``.meta.yaml`` beside it, as load.py does
    for graph/documents/."""
    quads = list(iter_quads(base if base is not None else load_project()))
    for trig in paths:
        trig = Path(trig)
        quads += parse_file(trig)
        text = trig.with_suffix(".txt")
        if text.is_file():
            document = load_document(text)
            quads += [(s, p, o, document.graph) for s, p, o in document.triples]
    dataset = dataset_from_quads(quads)
    bind_namespaces(dataset)
    return dataset


def gold(*stems: str) -> list[Path]:
    return [GOLD / f"{stem}.trig" for stem in stems]


PREFIXES = (
    "\n".join(
        f"@prefix {kind}: <https://w3id.org/strikegraph/id/{kind}/> ."
        for kind in (
            "authorization",
            "claim",
            "document",
            "evidence",
            "interval",
            "organisation",
            "prohibition",
            "state",
            "territory",
            "weapon",
            "weapon-category",
            "person",
        )
    )
    + """
@prefix sg:  <https://w3id.org/strikegraph/ontology#> .
@prefix oa:  <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
)


def write_document(
    folder: Path, stem: str, published: str, sentences: list[str], body: str
) -> Path:
    """Write ``{stem}.txt``/``.meta.yaml``/``.trig`` for a made-up document.

    ``sentences`` are the lines of the text; in ``body`` (TriG statements inside the document's
    curated graph) ``{evidence:N}`` expands to a Web Annotation target on sentence N with its exact
    quote and code-point offsets, and ``{doc}`` to the document's IRI.
    """
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(sentences) + "\n"
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    (folder / f"{stem}.meta.yaml").write_text(
        f"title: Test document {stem}\npublisher: strikegraph development set\n"
        f"published: {published}\nlanguage: en\n",
        encoding="utf-8",
    )
    doc = f"document:{stem}"

    def target(n: int) -> str:
        exact = sentences[n]
        start = text.index(exact)
        quoted = exact.replace("\\", "\\\\").replace('"', '\\"')
        return (
            f"[ a oa:SpecificResource ; oa:hasSource {doc} ; oa:hasSelector "
            f'[ a oa:TextQuoteSelector ; oa:exact "{quoted}" ] , '
            f"[ a oa:TextPositionSelector ; oa:start {start} ; oa:end {start + len(exact)} ] ]"
        )

    for n in range(len(sentences)):
        body = body.replace(f"{{evidence:{n}}}", target(n))
    body = body.replace("{doc}", doc)
    graph = f"<https://w3id.org/strikegraph/id/graph/{stem}/curated>"
    trig = (
        f"{PREFIXES}\n{graph} {{\n{graph} a sg:CuratedGraph ; sg:aboutDocument {doc} .\n"
        f"{body}\n}}\n"
    )
    path = folder / f"{stem}.trig"
    path.write_text(trig, encoding="utf-8")
    return path


def claim(name: str, doc: str, asserts: str, evidence_n: int, summary: str) -> str:
    """A curated claim by the publisher with one evidence annotation (TriG text)."""
    return f"""
claim:{name} a sg:Claim ;
    sg:claimSummary "{summary}"@en ;
    sg:claimant organisation:strikegraph-development-set ;
    sg:statedIn document:{doc} ;
    sg:assertionMode sg:Curated ;
    sg:asserts {asserts} ;
    sg:attributionStep [ a sg:AttributionStep ; sg:stepOrder 1 ;
                         sg:stepAgent organisation:strikegraph-development-set ] ;
    sg:hasEvidence evidence:{name} .
evidence:{name} a oa:Annotation ; oa:motivatedBy sg:Evidencing ; oa:hasBody claim:{name} ;
    oa:hasTarget {{evidence:{evidence_n}}} .
"""
