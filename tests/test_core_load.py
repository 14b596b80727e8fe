"""Loading the data folders and single files."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal
from rdflib.namespace import OWL, RDFS

from strikegraph import resources
from strikegraph.errors import DataError, NetworkAccessError
from strikegraph.load import load_file, load_project
from strikegraph.namespaces import ONTOLOGY_GRAPH, SG, SGG, SKOS
from strikegraph.rdfterms import iter_quads

EXPECTED_GRAPHS = {
    ONTOLOGY_GRAPH,
    SGG["reference"],
    SGG["outlets"],  # the two outlets doc-a names, described once
    SGG["doc-a/source"],
    SGG["doc-a/curated"],
}


def _graphs(dataset: object) -> set[object]:
    return {g for *_, g in iter_quads(dataset)}  # type: ignore[arg-type]


def test_load_project_graphs(core_tree: Path) -> None:
    dataset = load_project(core_tree)
    assert _graphs(dataset) == EXPECTED_GRAPHS, "everything is in a named graph"
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    assert (SG.Authorization, RDFS.label, Literal("authorization", lang="en")) in ontology
    # Only ontology/strikegraph.ttl is loaded, not the other ontology modules.
    assert (SG.Authorization, RDFS.comment, Literal("from the alignment module")) not in dataset
    # Reads on the returned dataset see the union of its graphs.
    assert dataset.value(SG.State, RDFS.subClassOf) == SG.Actor


def test_data_root_from_environment(core_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(resources.DATA_DIR_ENV, str(core_tree))
    assert resources.data_root() == core_tree
    assert _graphs(load_project()) == EXPECTED_GRAPHS
    monkeypatch.setenv(resources.DATA_DIR_ENV, str(core_tree / "nope"))
    with pytest.raises(DataError, match="does not exist"):
        resources.data_root()


def test_checkout_root_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.DATA_DIR_ENV, raising=False)
    root = resources.data_root()
    assert (root / "ontology").is_dir()
    assert resources.ontology_file(root).name == "strikegraph.ttl"


def test_blank_nodes_of_two_files_stay_apart(core_tree: Path) -> None:
    for name in ("one", "two"):
        (core_tree / "graph" / "reference" / f"{name}.trig").write_text(
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            f"<https://w3id.org/strikegraph/id/graph/{name}> {{\n"
            f"  <https://w3id.org/strikegraph/id/thing/{name}> skos:note _:b .\n"
            f'  _:b skos:prefLabel "{name}" .\n'
            "}\n",
            encoding="utf-8",
        )
    dataset = load_project(core_tree)
    notes = {o for _, p, o, _ in iter_quads(dataset) if p == SKOS.note}
    assert len(notes) == 3 and all(isinstance(n, BNode) for n in notes)  # incl. entities.trig


def test_broken_turtle_names_file_and_line(core_tree: Path) -> None:
    broken = core_tree / "graph" / "curated" / "broken.trig"
    broken.write_text(
        "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\n"
        "<https://w3id.org/strikegraph/id/graph/broken> {\n"
        '  sg:a sg:b "unterminated .\n'
        "}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_project(core_tree)
    message = str(info.value)
    assert f"{broken}:3:" in message and "\n" not in message


def test_broken_ontology(core_tree: Path) -> None:
    (core_tree / "ontology" / "strikegraph.ttl").write_text("@prefix sg: <x> .\nsg:a sg:b .\n")
    with pytest.raises(DataError, match=r"strikegraph\.ttl:1:"):
        load_project(core_tree)
    (core_tree / "ontology" / "strikegraph.ttl").unlink()
    with pytest.raises(DataError, match="ontology file is missing"):
        load_project(core_tree)


def test_trig_must_name_its_graphs(core_tree: Path) -> None:
    (core_tree / "graph" / "reference" / "loose.trig").write_text(
        "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
    )
    with pytest.raises(DataError, match="outside any GRAPH block"):
        load_project(core_tree)


def test_trig_must_not_write_generated_graphs(core_tree: Path) -> None:
    (core_tree / "graph" / "curated" / "sneaky.trig").write_text(
        "<https://w3id.org/strikegraph/id/graph/doc-a/source> {\n"
        "  <https://example.org/a> <https://example.org/b> <https://example.org/c> .\n}\n"
    )
    with pytest.raises(DataError, match="generated graph"):
        load_project(core_tree)


@pytest.mark.parametrize(
    ("suffix", "content", "quads"),
    [
        (".ttl", '<http://e.org/a> <http://e.org/p> "x" .', 1),
        (".nt", '<http://e.org/a> <http://e.org/p> "x" .\n_:b <http://e.org/p> "y" .\n', 2),
        (".nq", '<http://e.org/a> <http://e.org/p> "x" <http://e.org/g> .\n', 1),
        (".trig", '<http://e.org/g> { <http://e.org/a> <http://e.org/p> "x", "y" }', 2),
        (".jsonld", '{"@id": "http://e.org/a", "http://e.org/p": "x"}', 1),
    ],
)
def test_load_file_by_suffix(tmp_path: Path, suffix: str, content: str, quads: int) -> None:
    path = tmp_path / f"data{suffix}"
    path.write_text(content, encoding="utf-8")
    assert len(list(iter_quads(load_file(path)))) == quads


def test_load_file_refuses_network_and_unknown_types(tmp_path: Path) -> None:
    with pytest.raises(NetworkAccessError, match="URLs are never fetched"):
        load_file("https://example.org/data.ttl")
    remote = tmp_path / "remote.jsonld"
    remote.write_text('{"@context": "https://schema.org/", "@id": "http://e.org/a", "name": "x"}')
    with pytest.raises(NetworkAccessError, match="remote.jsonld: the JSON-LD @context"):
        load_file(remote)
    odd = tmp_path / "data.rdfs"
    odd.write_text("<rdf:RDF/>")
    with pytest.raises(DataError, match="unknown RDF file type"):
        load_file(odd)
    with pytest.raises(DataError, match="no such file"):
        load_file(tmp_path / "missing.ttl")


def test_load_rdfxml(tmp_path: Path) -> None:
    path = tmp_path / "data.rdf"
    path.write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://e.org/"><rdf:Description rdf:about="http://e.org/a">'
        "<ex:p>x</ex:p></rdf:Description></rdf:RDF>"
    )
    assert len(list(iter_quads(load_file(path)))) == 1
    path.write_text("<rdf:RDF")
    with pytest.raises(DataError, match="data.rdf"):
        load_file(path)


def test_owl_terms_survive(core_tree: Path) -> None:
    dataset = load_project(core_tree)
    assert (SG.Authorization, None, OWL.Class) in dataset.graph(ONTOLOGY_GRAPH)
