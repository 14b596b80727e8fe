"""The fast SPARQL validator (strikegraph.fastvalidate) gives pyshacl's results.

Compared as sets of (focus node, source shape) pairs, plus conformance, on the seed, on every
fixture of tests/fixtures/shapes/ and on the gold graphs of tests/gold/dev-articles/ (alone and
with the seed). Then: incremental validation of one document graph, and unsupported features.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
try:
    import strikegraph  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from strikegraph import fastvalidate as fv  # noqa: E402
from strikegraph.load import load_file, load_project  # noqa: E402
from strikegraph.rdfterms import dataset_from_quads, iter_quads, to_ox_quad  # noqa: E402
from strikegraph.validate import (  # noqa: E402
    ValidationReport,
    load_ontology,
    load_shapes,
    validate_dataset,
)

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shapes").glob("*.trig")) + sorted(
    (ROOT / "tests" / "fixtures" / "shapes").glob("*.ttl")
)
GOLD = sorted((ROOT / "tests" / "gold" / "dev-articles").glob("*.trig"))
SG = "https://w3id.org/strikegraph/ontology#"


@cache
def _shapes() -> Graph:
    return load_shapes(ROOT)[0]


@cache
def _ontology() -> Graph:
    return load_ontology(ROOT)


@cache
def _compiled() -> fv.CompiledShapes:
    return fv.compile_shapes(_shapes())


def _pairs(report: ValidationReport) -> set[tuple[str, str]]:
    return {(str(r.focus_node), r.shape) for r in report.results}


def _assert_same(dataset, ontology=None) -> ValidationReport:  # type: ignore[no-untyped-def]
    reference = validate_dataset(dataset, shapes=_shapes(), ontology=ontology, data_root=ROOT)
    fast = fv.validate_dataset_fast(dataset, ontology=ontology, compiled=_compiled())
    assert _pairs(fast) == _pairs(reference), (
        f"only pyshacl: {sorted(_pairs(reference) - _pairs(fast))}\n"
        f"only fast: {sorted(_pairs(fast) - _pairs(reference))}"
    )
    assert fast.conforms == reference.conforms
    return fast


def test_seed_same_as_pyshacl() -> None:
    report = _assert_same(load_project(ROOT))
    assert report.conforms


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_same_as_pyshacl(path: Path) -> None:
    _assert_same(load_file(path), ontology=_ontology())


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_gold_alone_same_as_pyshacl(path: Path) -> None:
    _assert_same(load_file(path))


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_gold_with_seed_same_as_pyshacl(path: Path) -> None:
    quads = list(iter_quads(load_project(ROOT))) + list(iter_quads(load_file(path)))
    _assert_same(dataset_from_quads(quads))


# --------------------------------------------------------------------------------------------
# Incremental mode
# --------------------------------------------------------------------------------------------

CURATED = "https://w3id.org/strikegraph/id/graph/article-001/curated"
SOURCE = "https://w3id.org/strikegraph/id/graph/article-001/source"


def _seed_with_copy() -> tuple[ox.Store, list[str], list[ox.Quad]]:
    """The seed plus a renamed copy of article-001's two graphs (the 'new document')."""
    store = ox.Store()
    store.extend(to_ox_quad(q) for q in iter_quads(load_project(ROOT)))
    template = [
        q
        for g in (CURATED, SOURCE)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    ]
    shared = {
        q.subject
        for q in store.quads_for_pattern(None, None, None, None)
        if q.graph_name.value not in (CURATED, SOURCE)
    }
    local = {q.subject for q in template if isinstance(q.subject, ox.NamedNode)} - shared
    bnodes: dict[str, ox.BlankNode] = {}

    def rename(term):  # type: ignore[no-untyped-def]
        if isinstance(term, ox.NamedNode) and term in local:
            return ox.NamedNode(term.value + "-new")
        if isinstance(term, ox.BlankNode):
            return bnodes.setdefault(term.value, ox.BlankNode())
        return term

    copy = [
        ox.Quad(
            rename(q.subject),
            q.predicate,
            rename(q.object),
            ox.NamedNode(q.graph_name.value + "-new"),
        )
        for q in template
    ]
    fv.materialize_inferences(store, reset=True)
    return store, [CURATED + "-new", SOURCE + "-new"], copy


def test_incremental_valid_document() -> None:
    store, graphs, copy = _seed_with_copy()
    store.extend(copy)
    report = fv.validate_focus(store, graphs, _compiled())
    assert report.conforms and not report.results
    assert not store.contains_named_graph(ox.NamedNode("urn:x-strikegraph:focus"))


def test_incremental_finds_violation_in_new_graph_only() -> None:
    store, graphs, copy = _seed_with_copy()
    stated_in = ox.NamedNode(SG + "statedIn")
    dropped = next(q for q in copy if q.predicate == stated_in)
    store.extend(q for q in copy if q != dropped)
    # And break the seed's own graph too: incremental mode must not report it.
    seed_claim = next(
        q for q in store.quads_for_pattern(None, stated_in, None, ox.NamedNode(CURATED))
    )
    store.remove(seed_claim)
    report = fv.validate_focus(store, graphs, _compiled())
    assert not report.conforms
    focus = {str(r.focus_node) for r in report.results if r.shape.endswith("Claim-statedIn")}
    assert focus == {dropped.subject.value}
    assert seed_claim.subject.value not in {str(r.focus_node) for r in report.results}
    # The full validation sees both.
    full = fv.validate_store(store, _compiled())
    full_focus = {str(r.focus_node) for r in full.results if r.shape.endswith("Claim-statedIn")}
    assert full_focus == {dropped.subject.value, seed_claim.subject.value}


def test_incremental_matches_full_on_the_new_graphs() -> None:
    """Break a few things in the new document: the focus run reports what the full run reports
    for the new graphs' nodes."""
    store, graphs, copy = _seed_with_copy()
    drop = {ox.NamedNode(SG + p) for p in ("claimant", "textLength", "stepOrder")}
    store.extend(q for q in copy if q.predicate not in drop)
    inc = fv.validate_focus(store, graphs, _compiled())
    full = fv.validate_store(store, _compiled())
    new_nodes = {q.subject.value for q in copy} | {
        q.object.value for q in copy if not isinstance(q.object, ox.Literal)
    }
    expected = {p for p in _pairs(full) if p[0] in new_nodes}
    assert expected and _pairs(inc) == expected


# --------------------------------------------------------------------------------------------
# Unsupported features
# --------------------------------------------------------------------------------------------

_PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""


@pytest.mark.parametrize(
    "body",
    [
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path ex:p ; sh:equals ex:q ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path ex:p ; sh:disjoint ex:q ] .",
        "ex:S a sh:NodeShape ; sh:target [ a ex:CustomTarget ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .",
    ],
)
def test_unsupported_feature_raises(body: str) -> None:
    graph = Graph().parse(data=_PREFIXES + body, format="turtle")
    with pytest.raises(fv.UnsupportedShapeError):
        fv.compile_shapes(graph)


def test_supported_toy_shape_compiles_and_runs() -> None:
    graph = Graph().parse(
        data=_PREFIXES
        + """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
             sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:pattern "^a" ] .""",
        format="turtle",
    )
    compiled = fv.compile_shapes(graph)
    store = ox.Store()
    ex = "http://example.org/"
    store.add(
        ox.Quad(
            ox.NamedNode(ex + "x"), fv._RDF_TYPE, ox.NamedNode(ex + "C"), ox.NamedNode(ex + "g")
        )
    )
    store.add(
        ox.Quad(
            ox.NamedNode(ex + "y"), fv._RDF_TYPE, ox.NamedNode(ex + "C"), ox.NamedNode(ex + "g")
        )
    )
    store.add(
        ox.Quad(
            ox.NamedNode(ex + "y"), ox.NamedNode(ex + "p"), ox.Literal("bc"), ox.NamedNode(ex + "g")
        )
    )
    report = fv.validate_store(store, compiled)
    assert {(str(r.focus_node), r.constraint) for r in report.results} == {
        (ex + "x", "sh:MinCountConstraintComponent"),
        (ex + "y", "sh:PatternConstraintComponent"),
    }
