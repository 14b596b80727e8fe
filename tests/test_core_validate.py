"""SHACL validation over the union of graphs, and the typed report."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from strikegraph.load import load_project
from strikegraph.namespaces import SGID
from strikegraph.store import open_store
from strikegraph.validate import validate_dataset, validate_files


def test_fixture_conforms(core_tree: Path) -> None:
    report = validate_dataset(load_project(core_tree), data_root=core_tree)
    assert report.conforms and report.results == []
    assert report.shapes_files == ["shapes.ttl"]
    assert report.render_text().startswith("Validation: conforms")


def test_store_content_validates_like_the_dataset(core_tree: Path) -> None:
    with open_store(memory=True) as store:
        store.replace_all(load_project(core_tree))
        report = validate_dataset(store.dataset, data_root=core_tree)
    assert report.conforms and report.results == []


def test_cross_graph_evidence_check(core_tree: Path) -> None:
    """The annotation lives in the curated graph, the text in the source graph."""
    curated = core_tree / "graph" / "curated" / "doc-a.trig"
    curated.write_text(curated.read_text().replace("oa:start 66", "oa:start 65"))
    report = validate_dataset(load_project(core_tree), data_root=core_tree)
    assert not report.conforms
    (result,) = report.results
    assert result.focus_node == SGID["evidence/doc-a-1"]
    assert result.shape == "sg:EvidenceSpanShape"
    assert result.severity == "Violation"
    assert result.message == "the selectors do not match the document text"
    assert result.value == Literal("allowed Ukraine to use ATACMS")


def test_sparql_constraint_per_focus_node(core_tree: Path) -> None:
    """Each SPARQL text is parsed once and reused with a different $this per focus node."""
    curated = core_tree / "graph" / "curated" / "doc-a.trig"
    text = curated.read_text()
    second = (
        text[
            text.index("    <https://w3id.org/strikegraph/id/evidence/doc-a-1>") : text.rindex("}")
        ]
        .replace("evidence/doc-a-1", "evidence/doc-a-2")
        .replace("oa:start 66", "oa:start 60")
    )
    curated.write_text(text[: text.rindex("}")] + second + "}\n")
    report = validate_dataset(load_project(core_tree), data_root=core_tree)
    assert [r.focus_node for r in report.results] == [SGID["evidence/doc-a-2"]]
    curated.write_text(curated.read_text().replace("oa:start 66", "oa:start 65"))
    report = validate_dataset(load_project(core_tree), data_root=core_tree)
    assert sorted(str(r.focus_node) for r in report.results) == [
        str(SGID["evidence/doc-a-1"]),
        str(SGID["evidence/doc-a-2"]),
    ]


def test_warnings_do_not_break_conformance(core_tree: Path) -> None:
    dataset = load_project(core_tree)
    russia = SGID["state/russia"]
    dataset.remove((russia, RDFS.label, None, None))
    report = validate_dataset(dataset, data_root=core_tree)
    assert report.conforms
    (warning,) = report.results
    assert (warning.focus_node, warning.severity, warning.path) == (russia, "Warning", "rdfs:label")
    assert warning.shape == "sg:StateLabelShape › property rdfs:label"
    assert report.summary() == "conforms (1 warning)"


def test_inference_uses_the_ontology(core_tree: Path) -> None:
    """anonymous-us-official is only typed sg:AnonymousSource; sh:class sg:Actor needs RDFS."""
    dataset = load_project(core_tree)
    official = SGID["person/anonymous-us-official"]
    types = set(
        dataset.objects(official, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
    )
    assert URIRef("https://w3id.org/strikegraph/ontology#Actor") not in types
    assert validate_dataset(dataset, data_root=core_tree).conforms


def test_bad_file_report(core_tree: Path, core_fixtures: Path) -> None:
    report = validate_files(
        [core_fixtures / "files" / "bad-authorization.trig"], data_root=core_tree
    )
    assert not report.conforms
    (result,) = report.results
    assert result.focus_node == SGID["authorization/no-grantee"]
    assert result.shape == "sg:AuthorizationShape › property sg:grantee"
    assert result.path == "sg:grantee"
    assert result.message == "an authorization needs a grantee"
    assert result.constraint == "sh:MinCountConstraintComponent"
    text = report.render_text()
    lines = text.splitlines()
    assert lines[0] == "Validation: does not conform (1 violation)"
    focus = lines.index("authorization:no-grantee")
    assert lines[focus + 1] == "  sg:AuthorizationShape › property sg:grantee"
    assert lines[focus + 2].startswith(
        "    [Violation] sg:grantee: an authorization needs a grantee"
    )
    document = json.loads(report.to_json())
    assert document["conforms"] is False and document["counts"]["Violation"] == 1
    assert document["results"][0]["focus_node"] == str(SGID["authorization/no-grantee"])


def _claim_file(folder: Path, claimant: str) -> Path:
    path = folder / "claim.ttl"
    path.write_text(
        "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\n"
        "<https://w3id.org/strikegraph/id/claim/x> a sg:Claim ;\n"
        f"{claimant}"
        "  sg:statedIn <https://w3id.org/strikegraph/id/document/d> .\n"
        "<https://w3id.org/strikegraph/id/document/d> a sg:Document ; sg:text 'x' .\n"
    )
    return path


def test_named_blank_shape_and_good_file(core_tree: Path, core_fixtures: Path) -> None:
    good = core_fixtures / "files" / "good-authorization.ttl"
    assert validate_files([good], data_root=core_tree).conforms
    report = validate_files([_claim_file(core_tree, "")], data_root=core_tree)
    assert not report.conforms
    assert [r.shape for r in report.results] == ["claimant is an actor"]


def test_rdfs_range_inference_satisfies_sh_class(core_tree: Path) -> None:
    """A quirk worth knowing: with inference="rdfs", ``sg:claimant rdfs:range sg:Actor``
    types any claimant as an actor, so ``sh:class sg:Actor`` on that path cannot fail."""
    untyped = "  sg:claimant <https://w3id.org/strikegraph/id/thing/not-an-actor> ;\n"
    assert validate_files([_claim_file(core_tree, untyped)], data_root=core_tree).conforms
