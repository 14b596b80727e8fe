"""Exports round-trip: every format parses back with the same number of quads or triples."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from strikegraph.build import build
from strikegraph.errors import StrikegraphError
from strikegraph.export import EXPORT_FORMATS, export
from strikegraph.load import load_project
from strikegraph.store import open_store

RDFLIB_FORMATS = {
    "trig": "trig",
    "nquads": "nquads",
    "turtle": "turtle",
    "ntriples": "nt",
    "json-ld": "json-ld",
}


@pytest.fixture
def built(core_tree: Path, store_path: Path) -> Path:
    build(store_path, core_tree)
    return store_path


def _count(data: bytes, fmt: str) -> int:
    if fmt in ("turtle", "ntriples"):
        return len(Graph().parse(data=data, format=RDFLIB_FORMATS[fmt]))
    dataset = Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[fmt])
    return len(list(dataset.quads((None, None, None, None))))


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_round_trip(built: Path, fmt: str) -> None:
    with open_store(built, read_only=True) as store:
        quads = store.triple_count()
        triples = len(store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }").rows)
        buffer = io.BytesIO()
        written = export(store, fmt, buffer)
    data = buffer.getvalue()
    expected = triples if fmt in ("turtle", "ntriples") else quads
    assert written == expected
    assert _count(data, fmt) == expected
    if fmt == "json-ld":
        assert b'"@context"' in data and b'"sgid": "https://w3id.org/strikegraph/id/"' in data
        assert b'"@id": "document:doc-a"' in data, "compacted with the local context"


def test_named_graphs_are_preserved(built: Path) -> None:
    with open_store(built, read_only=True) as store:
        buffer = io.BytesIO()
        export(store, "trig", buffer)
    dataset = Dataset()
    dataset.parse(data=buffer.getvalue(), format="trig")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/strikegraph/id/graph/doc-a/source" in names


def test_export_of_in_memory_dataset(core_tree: Path) -> None:
    dataset = load_project(core_tree)
    buffer = io.BytesIO()
    assert export(dataset, "nquads", buffer) == len(list(dataset.quads()))


def test_output_file_is_atomic_and_deterministic(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "graph.trig"
    with open_store(built, read_only=True) as store:
        export(store, "trig", target)
        first = target.read_bytes()
        export(store, "trig", target)
        assert target.read_bytes() == first, "same data, same bytes"

        module = sys.modules["strikegraph.export"]  # the package attribute is the function

        def explode(*args: object) -> int:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(module, "_serialize", explode)
        with pytest.raises(StrikegraphError, match="cannot write"):
            export(store, "trig", target)
    assert target.read_bytes() == first, "a failed export leaves the old file"
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.trig"]


def test_unknown_export_format(built: Path) -> None:
    with (
        open_store(built, read_only=True) as store,
        pytest.raises(StrikegraphError, match="unknown export"),
    ):
        export(store, "rdfxml", io.BytesIO())


def test_nquads_from_a_store_are_the_sorted_quads(tmp_path: Path) -> None:
    """The store's N-Quads come from Oxigraph's own writer with lines sorted as bytes: the
    same bytes as writing every quad sorted by (graph, subject, predicate, object) text,
    whatever the terms (prefixes of one another, blank nodes, escapes, non-ASCII)."""
    import pyoxigraph as ox

    store = open_store(tmp_path / "store")
    subjects = [
        ox.NamedNode("http://x/a"),
        ox.NamedNode("http://x/ab"),
        ox.NamedNode("http://x/é"),
        ox.BlankNode("b1"),
        ox.BlankNode("b10"),
    ]
    xsd = "http://www.w3.org/2001/XMLSchema#"
    objects = [
        ox.Literal("é"),
        ox.Literal("e"),
        ox.Literal("e", language="en"),
        ox.Literal("e", datatype=ox.NamedNode(xsd + "token")),
        ox.Literal('tab\tnew\nline "q" a\\b'),
        ox.Literal("1", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("😀 a b ."),
        ox.Literal(""),
        ox.NamedNode("http://x/a"),
        ox.BlankNode("b1"),
    ]
    graphs = [ox.DefaultGraph(), ox.NamedNode("http://g/ü"), ox.NamedNode("http://g/1")]
    quads = [
        ox.Quad(s, ox.NamedNode(p), o, g)
        for s in subjects
        for p in ("http://p/é", "http://p/a")
        for o in objects
        for g in graphs
    ]
    store.oxigraph.extend(quads)

    def key(quad: ox.Quad) -> tuple[str, ...]:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        return (graph, str(quad.subject), str(quad.predicate), str(quad.object))

    expected = ox.serialize(sorted(quads, key=key), format=ox.RdfFormat.N_QUADS)
    written = io.BytesIO()
    assert export(store, "nquads", written) == len(quads)
    assert written.getvalue() == expected
    store.close()
