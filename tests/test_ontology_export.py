"""``strikegraph ontology export`` and ``context``: formats, modules, files and stdout, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from strikegraph.cli_ontology import register
from strikegraph.ontology.export import FORMATS, export_ontology, render_context, serialize
from strikegraph.ontology.files import load_alignments, load_core

ROOT = Path(__file__).resolve().parents[1]
RDFLIB_FORMAT = {"turtle": "turtle", "xml": "xml", "json-ld": "json-ld", "nt": "nt"}


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """strikegraph"""

    register(app)
    return app


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_to_a_file_in_each_format(app: typer.Typer, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "release" / f"strikegraph{FORMATS[fmt].suffix}"
    result = CliRunner().invoke(app, ["ontology", "export", "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert isomorphic(load_core(), Graph().parse(out, format=RDFLIB_FORMAT[fmt]))
    assert not list(out.parent.glob(".*.tmp"))


@pytest.mark.parametrize("fmt", ["nt", "json-ld", "XML", "ttl"])
def test_export_to_stdout(app: typer.Typer, fmt: str) -> None:
    result = CliRunner().invoke(app, ["ontology", "export", "-f", fmt])
    assert result.exit_code == 0, result.output
    name = {"XML": "xml", "ttl": "turtle"}.get(fmt, fmt)
    assert isomorphic(
        load_core(), Graph().parse(data=result.stdout_bytes, format=RDFLIB_FORMAT[name])
    )


def test_turtle_export_of_the_core_is_the_source_file(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["ontology", "export", "--format", "turtle"])
    assert result.stdout_bytes == (ROOT / "ontology" / "strikegraph.ttl").read_bytes()


def test_export_of_the_alignments_and_of_both(app: typer.Typer) -> None:
    runner = CliRunner()
    alignments = runner.invoke(app, ["ontology", "export", "-f", "nt", "--module", "alignments"])
    assert isomorphic(load_alignments(), Graph().parse(data=alignments.stdout_bytes, format="nt"))
    both = runner.invoke(app, ["ontology", "export", "-f", "nt", "--module", "all"])
    assert isomorphic(
        load_core() + load_alignments(), Graph().parse(data=both.stdout_bytes, format="nt")
    )


def test_exports_are_reproducible() -> None:
    for fmt in FORMATS:
        assert serialize(load_core(), fmt) == serialize(load_core(), fmt), fmt


def test_json_ld_export_is_self_contained() -> None:
    document = json.loads(serialize(load_core(), "json-ld"))
    assert isinstance(document["@context"], dict)  # inline: nothing to fetch
    assert document["@context"]["sg"] == "https://w3id.org/strikegraph/ontology#"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "rdfa"], "unknown ontology format 'rdfa'"),
        (["--format", "nt", "--module", "extras"], "unknown ontology module 'extras'"),
    ],
)
def test_export_errors_are_one_line_with_exit_code_2(
    app: typer.Typer, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["ontology", "export", *args])
    assert result.exit_code == 2
    assert result.output.startswith("strikegraph: error: ")
    assert message in result.output


def test_export_reports_an_unwritable_output(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(Exception, match="cannot write|Not a directory|File exists"):
        export_ontology("nt", blocker / "sub" / "out.nt")


def test_export_with_a_missing_ontology(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "ontology").mkdir()
    result = CliRunner().invoke(
        app, ["ontology", "export", "-f", "nt", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "ontology file is missing" in result.output


def test_context_command_prints_the_context_file(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ontology", "context"])
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8")
    out = tmp_path / "context.jsonld"
    assert CliRunner().invoke(app, ["ontology", "context", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == render_context()


def test_check_command_passes(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["ontology", "check", "--no-reasoning"])
    assert result.exit_code == 0, result.output
    assert "ontology quality: all checks pass" in result.output


def test_check_command_fails_on_a_broken_ontology(app: typer.Typer, tmp_path: Path) -> None:
    import shutil

    tree = tmp_path / "tree"
    for folder in ("ontology", "queries", "validation"):
        shutil.copytree(ROOT / folder, tree / folder)
    (tree / "graph").mkdir()
    core = tree / "ontology" / "strikegraph.ttl"
    core.write_text(
        core.read_text(encoding="utf-8") + "\nsg:Orphan a owl:Class .\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        app, ["ontology", "check", "--no-reasoning", "--data-dir", str(tree)]
    )
    assert result.exit_code == 1
    assert "FAIL check unconnected-class" in result.output
    assert "FAIL version" in result.output  # a new term without a new version
