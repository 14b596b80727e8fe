"""Building the store: summary, validation gate, failure leaves the store untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from strikegraph.build import build
from strikegraph.errors import DataError, StoreLockedError, ValidationFailed
from strikegraph.namespaces import ONTOLOGY_GRAPH, SG, SGG
from strikegraph.store import open_store


def _dump(path: Path) -> str:
    with open_store(path, read_only=True) as store:
        return store.dump_nquads()


def test_build_summary(core_tree: Path, store_path: Path) -> None:
    summary = build(store_path, core_tree)
    assert summary.store_path == store_path
    assert set(summary.graph_triples) == {
        str(ONTOLOGY_GRAPH),
        str(SGG["reference"]),
        str(SGG["outlets"]),
        str(SGG["doc-a/source"]),
        str(SGG["doc-a/curated"]),
    }
    assert summary.graph_triples[str(SGG["doc-a/source"])] == 15
    assert summary.graph_triples[str(SGG["outlets"])] == 4  # two outlets: type and label
    assert summary.total_triples == sum(summary.graph_triples.values())
    assert summary.class_counts == {
        str(SG.AnonymousSource): 1,
        str(SG.Authorization): 1,
        str(SG.Claim): 1,
        str(SG.Document): 1,
        str(SG.MediaOutlet): 2,
        str(SG.State): 3,
        str(SG.WeaponSystem): 1,
    }, "the ontology graph's own individuals are not counted"
    assert summary.validation is not None and summary.validation.conforms
    assert summary.seconds > 0
    with open_store(store_path, read_only=True) as store:
        assert store.triple_count() == summary.total_triples


def test_failed_validation_leaves_store_untouched(core_tree: Path, store_path: Path) -> None:
    build(store_path, core_tree)
    before = _dump(store_path)
    (core_tree / "graph" / "curated" / "bad.trig").write_text(
        "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\n"
        "<https://w3id.org/strikegraph/id/graph/bad/curated> {\n"
        "  <https://w3id.org/strikegraph/id/authorization/x> a sg:Authorization .\n}\n"
    )
    with pytest.raises(ValidationFailed) as info:
        build(store_path, core_tree)
    assert info.value.report.count("Violation") == 2  # no grantor, no grantee
    assert _dump(store_path) == before

    summary = build(store_path, core_tree, validate=False)
    assert summary.validation is None
    assert str(SGG["bad/curated"]) in summary.graph_triples
    assert _dump(store_path) != before


def test_broken_data_leaves_store_untouched(core_tree: Path, store_path: Path) -> None:
    build(store_path, core_tree)
    before = _dump(store_path)
    (core_tree / "graph" / "reference" / "entities.trig").write_text("this is not TriG\n")
    with pytest.raises(DataError, match=r"entities\.trig:1:"):
        build(store_path, core_tree)
    assert _dump(store_path) == before


def test_build_refuses_a_locked_store(core_tree: Path, store_path: Path) -> None:
    with open_store(store_path), pytest.raises(StoreLockedError):
        build(store_path, core_tree)


def test_build_into_memory_store(core_tree: Path) -> None:
    with open_store(memory=True) as store:
        summary = build(data_root=core_tree, store=store)
        assert summary.store_path is None
        assert store.triple_count() == summary.total_triples
