"""The fast paths of ingest and incremental validation give the reference results.

* ``fastvalidate.OverlayValidator`` (background loaded once, each batch added to a scratch
  graph) reports what a fresh merged store (``validate_dataset_fast``) reports;
* ``ingest`` with batches of good and bad documents rejects exactly the bad ones, each with
  the report of validating it alone, stores the good ones, and re-ingesting replaces;
* ``validate_focus`` and ``validate_store`` leave the store's graphs unchanged, and focus
  validation of every graph of a broken fixture reports what full validation reports for
  the focus nodes.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

ROOT = Path(__file__).resolve().parents[1]
try:
    import strikegraph  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from strikegraph import fastvalidate as fv  # noqa: E402
from strikegraph import ingest as ingest_module  # noqa: E402
from strikegraph.ingest import PreparedDocument, ingest, prepare  # noqa: E402
from strikegraph.load import load_file, load_project  # noqa: E402
from strikegraph.namespaces import SG  # noqa: E402
from strikegraph.rdfterms import (  # noqa: E402
    OxTerms,
    dataset_from_quads,
    iter_quads,
    to_ox,
    to_ox_quad,
)
from strikegraph.store import open_store  # noqa: E402
from strikegraph.validate import ValidationReport, load_ontology  # noqa: E402

DEV = ROOT / "tests" / "gold" / "dev-articles"
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shapes").glob("*.trig")) + sorted(
    (ROOT / "tests" / "fixtures" / "shapes").glob("*.ttl")
)
RDFS_SUBCLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")


@cache
def _compiled() -> fv.CompiledShapes:
    return fv.compile_shapes(data_root=ROOT)


@cache
def _prepared() -> tuple[PreparedDocument, ...]:
    return tuple(prepare(path) for path in sorted(DEV.glob("*.txt")))


def _label(term: object) -> str:
    return "_:" if isinstance(term, BNode) else str(term)  # labels differ between runs


def _results(report: ValidationReport) -> set[tuple[str, str, str, str, str]]:
    return {
        (_label(r.focus_node), r.shape, r.constraint, _label(r.value), r.message)
        for r in report.results
    }


def _break(doc: PreparedDocument, how: str) -> PreparedDocument:
    """A copy of the document whose extracted graph violates the shapes."""
    extracted = list(doc.extracted)
    if how == "drop-statedIn":
        dropped = next(t for t in extracted if t[1] == SG.statedIn)
        extracted.remove(dropped)
    elif how == "bad-confidence":
        claim = next(t[0] for t in extracted if t[1] == SG.statedIn)
        extracted = [t for t in extracted if not (t[0] == claim and t[1] == SG.confidence)]
        extracted.append((claim, SG.confidence, Literal("very high")))
    else:  # pragma: no cover - a typo in a test
        raise ValueError(how)
    return PreparedDocument(doc.source, doc.result, extracted)


def _reference(background: list[Any], docs: list[PreparedDocument]) -> ValidationReport:
    """What the reference path reports: a fresh dataset of background + documents."""
    return ingest_module._validate(docs, background, None, load_ontology())


# -- the overlay validator -------------------------------------------------------------------


def _overlay(terms: OxTerms) -> fv.OverlayValidator:
    return fv.OverlayValidator(
        ingest_module._background_triples(None, load_ontology(), terms), _compiled()
    )


def _triples(terms: OxTerms, docs: list[PreparedDocument]) -> Iterator[Any]:
    for doc in docs:
        for triples in doc.all_graphs.values():
            yield from terms.triples(triples)


def test_overlay_validator_reports_what_a_fresh_store_reports() -> None:
    terms = OxTerms()
    validator = _overlay(terms)
    background = ingest_module._background_quads(None)
    good = list(_prepared())
    bad = [_break(good[0], "drop-statedIn"), _break(good[1], "bad-confidence")]
    for batch in (good, [bad[0]], [bad[1]], [*good[2:], *bad]):
        fast = validator.validate(_triples(terms, batch))
        reference = _reference(background, batch)
        assert fast.conforms == reference.conforms
        assert _results(fast) == _results(reference)
    # The scratch graph is gone after each call: the next batch sees the background only.
    assert validator.validate(_triples(terms, good[:1])).conforms


def test_overlay_validator_with_schema_triples_revalidates_from_scratch() -> None:
    """A batch that changes the RDFS schema changes every entailment: still the same report."""
    terms = OxTerms()
    validator = _overlay(terms)
    doc = _prepared()[0]
    # Make a weapon type a subclass of sg:Claim: its instances now need claim properties.
    schema = (SG.WeaponSystem, RDFS_SUBCLASS, SG.Claim)
    odd = PreparedDocument(doc.source, doc.result, [*doc.extracted, schema])
    fast = validator.validate(_triples(terms, [odd]))
    reference = _reference(ingest_module._background_quads(None), [odd])
    assert _results(fast) == _results(reference)
    assert not reference.conforms
    # ... and leaves nothing behind: a plain document is still valid afterwards.
    assert validator.validate(_triples(terms, [doc])).conforms


# -- ingest: batches, storage ----------------------------------------------------------------


@pytest.fixture()
def corpus(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    out = []
    for path in sorted(DEV.glob("*.txt")):
        out.append(Path(shutil.copy(path, folder / path.name)))
        meta = path.with_name(path.stem + ".meta.yaml")
        shutil.copy(meta, folder / meta.name)
    return out


def test_batch_validation_rejects_exactly_the_bad_documents(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = {corpus[1].stem: "drop-statedIn", corpus[3].stem: "bad-confidence"}
    real_prepare = ingest_module.prepare

    def prepare_with_faults(path: Path, *args: Any, **kwargs: Any) -> PreparedDocument:
        doc = real_prepare(path, *args, **kwargs)
        return _break(doc, bad[path.stem]) if path.stem in bad else doc

    monkeypatch.setattr(ingest_module, "prepare", prepare_with_faults)
    background = ingest_module._background_quads(None)
    with open_store(memory=True) as store:
        reports = ingest(corpus, store, batch_size=len(corpus))
        stored = {str(g) for g in store.graph_names()}
    failed = {r.stem for r in reports if not r.ok}
    assert failed == set(bad)
    for report in reports:
        doc = prepare_with_faults(report.path)
        graphs = {str(g) for g in doc.graphs}
        if report.ok:
            assert graphs <= stored
            continue
        assert not graphs & stored  # all or nothing
        # The rejected document's report is that of validating it alone.
        assert report.validation is not None
        alone = _reference(background, [doc])
        assert not alone.conforms
        assert _results(report.validation) == _results(alone)


def test_new_and_replaced_documents_store_the_same_graphs(corpus: list[Path]) -> None:
    """New documents go in with one pyoxigraph extend, re-ingested ones through
    replace_graphs: the store holds the same quads either way, without duplicates."""
    with open_store(memory=True) as store:
        assert all(r.ok for r in ingest(corpus, store, store_chunk=2))
        first = set(store.oxigraph.quads_for_pattern(None, None, None, None))
        assert all(r.ok for r in ingest(corpus, store, store_chunk=3))
        second = set(store.oxigraph.quads_for_pattern(None, None, None, None))
    assert len(first) == len(second) > 0

    def named(quads: set[ox.Quad]) -> set[ox.Quad]:
        return {q for q in quads if not any(isinstance(t, ox.BlankNode) for t in q)}

    assert named(first) == named(second)


def test_ox_terms_cache_converts_like_to_ox() -> None:
    terms = OxTerms()
    for term in (SG.Claim, Literal("1", datatype=SG.x), Literal("a", lang="en"), Literal("a")):
        assert terms.term(term) == to_ox(term)
        assert terms.term(term) is terms.term(term)


# -- incremental validation ------------------------------------------------------------------


def _snapshot(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, None))


def test_validate_focus_and_validate_store_leave_the_store_unchanged() -> None:
    store = ox.Store()
    store.extend(to_ox_quad(x) for x in iter_quads(load_project(ROOT)))
    before = _snapshot(store)
    graphs = [g.value for g in store.named_graphs() if g.value.endswith("/curated")]
    assert graphs
    fv.validate_focus(store, graphs, _compiled())
    assert _snapshot(store) == before
    fv.validate_store(store, _compiled())
    assert _snapshot(store) == before
    assert set(store.named_graphs()) == {q.graph_name for q in before}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_focus_on_every_graph_matches_full_validation(fixture: Path) -> None:
    """Every broken fixture, its graphs as the new graphs: incremental validation reports what
    full validation reports for the focus nodes."""
    dataset = dataset_from_quads(
        (s, p, o, g if g is not None else URIRef("urn:test:default"))
        for s, p, o, g in iter_quads(load_file(fixture))
    )
    store = ox.Store()
    store.extend(to_ox_quad((s, p, o, None)) for s, p, o in load_ontology(ROOT))
    store.extend(to_ox_quad(q) for q in iter_quads(dataset))
    fv.materialize_inferences(store)
    graphs = [g.value for g in store.named_graphs() if g.value != str(fv.INFERRED_GRAPH)]
    focus = {n.value for n in fv.focus_nodes(store, graphs)}
    full = fv.validate_store(store, _compiled(), infer=False)
    inc = fv.validate_focus(store, graphs, _compiled(), infer=False)
    expected = {
        (str(r.focus_node), r.shape, r.constraint, str(r.value))
        for r in full.results
        if str(r.focus_node) in focus
    }
    got = {(str(r.focus_node), r.shape, r.constraint, str(r.value)) for r in inc.results}
    assert got == expected


def test_an_outlet_named_by_many_documents_is_described_once(corpus: list[Path]) -> None:
    """The dev articles share one publisher: its type and label are stored once (in the
    outlets graph), not once per source graph, where every query joining on the publisher's
    label would get one row per document that names it. Re-ingesting adds nothing."""
    from strikegraph.namespaces import OUTLETS_GRAPH

    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    with open_store(memory=True) as store:
        for _ in range(2):
            assert all(r.ok for r in ingest(corpus, store, store_chunk=2))
            inner = store.oxigraph
            publishers = {
                q.object
                for q in inner.quads_for_pattern(
                    None, ox.NamedNode("http://purl.org/dc/terms/publisher"), None, None
                )
            }
            assert len(publishers) == 1
            (publisher,) = publishers
            stated = list(inner.quads_for_pattern(publisher, label, None, None))
            assert [q.graph_name.value for q in stated] == [str(OUTLETS_GRAPH)]


def test_the_stores_outlets_graph_is_part_of_the_validation_background(
    corpus: list[Path],
) -> None:
    """Documents already stored described their outlets in sgg:outlets only: a new document
    is validated with those descriptions, as it was when they sat in the source graphs."""
    from strikegraph.namespaces import OUTLETS_GRAPH

    with open_store(memory=True) as store:
        assert all(r.ok for r in ingest(corpus[:1], store))
        background = {
            name.value: triples for name, triples in ingest_module._store_background(store)
        }
    assert str(OUTLETS_GRAPH) in background
    mediaoutlet = to_ox(SG.MediaOutlet)
    assert any(o == mediaoutlet for _, _, o in background[str(OUTLETS_GRAPH)])
