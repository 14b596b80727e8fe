"""Semantic versions of the ontology against its frozen releases (ontology/releases/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS
from typer.testing import CliRunner

from strikegraph.cli_ontology import register
from strikegraph.errors import DataError
from strikegraph.ontology.files import CORE_IRI, load_core
from strikegraph.ontology.versioning import (
    breaking_allowed,
    changelog_versions,
    check_versions,
    compare,
    load_snapshot,
    parse_version,
    signatures,
    snapshots,
    write_snapshot,
)

ROOT = Path(__file__).resolve().parents[1]
RELEASES = ROOT / "ontology" / "releases"
SG = "https://w3id.org/strikegraph/ontology#"


def with_version(graph: Graph, version: str) -> Graph:
    graph.set((CORE_IRI, OWL.versionInfo, Literal(version)))
    return graph


def without_term(graph: Graph, local: str) -> Graph:
    term = URIRef(SG + local)
    graph.remove((term, None, None))
    graph.remove((None, None, term))
    return graph


def test_the_ontology_matches_its_releases() -> None:
    report = check_versions(load_core(), RELEASES)
    assert report.problems == []


def test_current_version_is_released_and_listed_in_the_changelog() -> None:
    graph = load_core()
    version = str(graph.value(CORE_IRI, OWL.versionInfo))
    parse_version(version)
    assert (RELEASES / f"{version}.terms.json").is_file()
    versions = changelog_versions(ROOT / "ontology" / "CHANGELOG.md")
    assert versions[0] == version
    assert versions == sorted(versions, key=parse_version, reverse=True)
    assert {d["version"] for d in snapshots(RELEASES)} == set(versions)


def test_version_iris_follow_the_versions() -> None:
    graph = load_core()
    version = str(graph.value(CORE_IRI, OWL.versionInfo))
    assert graph.value(CORE_IRI, OWL.versionIRI) == URIRef(f"{CORE_IRI}/{version}")
    versions = changelog_versions(ROOT / "ontology" / "CHANGELOG.md")
    if len(versions) > 1:
        assert graph.value(CORE_IRI, OWL.priorVersion) == URIRef(f"{CORE_IRI}/{versions[1]}")
    citation = str(graph.value(CORE_IRI, URIRef("http://purl.org/dc/terms/bibliographicCitation")))
    assert version in citation


def test_snapshots_record_their_version_iri() -> None:
    for path in sorted(RELEASES.glob("*.terms.json")):
        document = load_snapshot(path)
        assert path.name == f"{document['version']}.terms.json"
        assert document["versionIRI"] == f"{CORE_IRI}/{document['version']}"


def test_a_simulated_removal_without_a_major_version_fails() -> None:
    current = str(load_core().value(CORE_IRI, OWL.versionInfo))
    report = check_versions(without_term(load_core(), "amends"), RELEASES)
    assert not report.ok
    assert any("removed" in p and SG + "amends" in p for p in report.problems), report.problems
    # a patch bump does not make it right
    major, minor, patch = parse_version(current)
    patched = without_term(with_version(load_core(), f"{major}.{minor}.{patch + 1}"), "amends")
    report = check_versions(patched, RELEASES)
    assert not report.ok
    assert any("needs a major version" in p for p in report.problems)


def test_a_removal_with_a_major_version_passes() -> None:
    major, minor, _patch = parse_version(str(load_core().value(CORE_IRI, OWL.versionInfo)))
    next_major = f"{major + 1}.0.0"
    next_minor = f"{major}.{minor + 1}.0"  # while major is 0, the minor plays the major's part
    for version in (next_major, next_minor) if major == 0 else (next_major,):
        graph = without_term(with_version(load_core(), version), "amends")
        report = check_versions(graph, RELEASES)
        assert report.ok, (version, report.problems)
        assert SG + "amends" in report.changes.removed


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("domain", "domain"),
        ("range", "range"),
        ("super", "super"),
        ("definition", "definition_sha256"),
        ("characteristic", "characteristics"),
    ],
)
def test_a_change_of_meaning_without_a_major_version_fails(change: str, field: str) -> None:
    graph = load_core()
    grantor = URIRef(SG + "grantor")
    if change == "domain":
        graph.set((grantor, RDFS.domain, URIRef(SG + "Authorization")))
    elif change == "range":
        graph.set((grantor, RDFS.range, URIRef(SG + "Actor")))
    elif change == "super":
        graph.add((grantor, RDFS.subPropertyOf, URIRef(SG + "party")))
    elif change == "definition":
        graph.set(
            (grantor, SKOS.definition, Literal("The state that benefits from the rule.", lang="en"))
        )
    else:
        graph.add(
            (
                grantor,
                URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                OWL.FunctionalProperty,
            )
        )
    report = check_versions(graph, RELEASES)
    assert not report.ok
    changes = compare(
        json.loads((RELEASES / f"{report.version}.terms.json").read_text())["terms"],
        signatures(graph),
    )
    assert field in changes.changed[SG + "grantor"]


def test_wording_and_examples_are_not_changes_of_meaning() -> None:
    graph = load_core()
    actor = URIRef(SG + "Actor")
    definition = graph.value(actor, SKOS.definition)
    graph.set(
        (
            actor,
            SKOS.definition,
            Literal("  " + str(definition).replace(" ", "  ") + " ", lang="en"),
        )
    )
    graph.add((actor, SKOS.example, Literal("another example", lang="en")))
    graph.set((actor, RDFS.label, Literal("party", lang="en")))
    assert check_versions(graph, RELEASES).ok


def test_a_new_term_needs_a_minor_version() -> None:
    def added(version: str) -> Graph:
        graph = with_version(load_core(), version)
        graph.add(
            (
                URIRef(SG + "Ceasefire"),
                URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                OWL.Class,
            )
        )
        return graph

    current = parse_version(str(load_core().value(CORE_IRI, OWL.versionInfo)))
    report = check_versions(added(".".join(map(str, current))), RELEASES)
    assert not report.ok
    patch = f"{current[0]}.{current[1]}.{current[2] + 1}"
    assert any(
        "at least a minor version" in p for p in check_versions(added(patch), RELEASES).problems
    )
    minor = f"{current[0]}.{current[1] + 1}.0"
    assert check_versions(added(minor), RELEASES).ok


def test_a_version_older_than_a_release_fails() -> None:
    report = check_versions(with_version(load_core(), "0.0.9"), RELEASES)
    assert any("older than the released" in p for p in report.problems)


def test_breaking_allowed_rules() -> None:
    assert breaking_allowed((1, 4, 2), (2, 0, 0))
    assert not breaking_allowed((1, 4, 2), (1, 5, 0))
    assert breaking_allowed((0, 1, 1), (0, 2, 0))
    assert not breaking_allowed((0, 1, 1), (0, 1, 2))
    assert not breaking_allowed((2, 0, 0), (1, 9, 9))
    with pytest.raises(DataError):
        parse_version("v1.0")


def test_snapshot_command_freezes_a_release_and_refuses_to_rewrite_it(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "ontology").mkdir(parents=True)
    (tree / "ontology" / "strikegraph.ttl").write_bytes(
        (ROOT / "ontology" / "strikegraph.ttl").read_bytes()
    )
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """strikegraph"""

    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["ontology", "snapshot", "--data-dir", str(tree)])
    assert result.exit_code == 0, result.output
    version = str(load_core().value(CORE_IRI, OWL.versionInfo))
    written = tree / "ontology" / "releases" / f"{version}.terms.json"
    assert json.loads(written.read_text()) == json.loads((RELEASES / written.name).read_text())
    # the same version with other terms is refused
    text = (tree / "ontology" / "strikegraph.ttl").read_text()
    (tree / "ontology" / "strikegraph.ttl").write_text(
        text.replace(
            'rdfs:label "amends"@en ;', 'rdfs:label "amends"@en ; rdfs:subPropertyOf sg:causedBy ;'
        )
    )
    result = runner.invoke(app, ["ontology", "snapshot", "--data-dir", str(tree)])
    assert result.exit_code == 2
    assert "already released" in result.output
    with pytest.raises(DataError):
        write_snapshot(
            Graph().parse(tree / "ontology" / "strikegraph.ttl"), tree / "ontology" / "releases"
        )
