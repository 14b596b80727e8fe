"""``strikegraph analyze``, ``export-view`` and ``draw``: through typer's CliRunner on a built
store, with one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner
from views_support import iri

from strikegraph.build import build
from strikegraph.cli_views import register
from strikegraph.views import read_export

runner = CliRunner()


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views-cli") / "store"
    build(path, validate=False)
    return path


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """A CLI with just the view commands (the main app registers them the same way)."""
    cli = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @cli.callback()
    def _main() -> None:
        """strikegraph views."""

    register(cli)
    return cli


def _run(app: typer.Typer, store: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--store", str(store)], env={"COLUMNS": "200"})


def _one_line_error(result, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("strikegraph: error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_analyze_text(app: typer.Typer, built_store: Path) -> None:
    result = _run(app, built_store, "analyze", "rifts")
    assert result.exit_code == 0, result.output
    for fragment in (
        "strikegraph analysis: rifts view",
        "Frustration index:",
        "Camp A:",
        "Between the camps",
        "Joe Biden",
    ):
        assert fragment in result.stdout


def test_analyze_json_with_filters(app: typer.Typer, built_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    result = _run(
        app,
        built_store,
        "analyze",
        "rifts",
        "--format",
        "json",
        "--as-of",
        "2024-05-30",
        "--min-support",
        "1",
        "--source",
        "organisation/rt",
        "--top",
        "3",
        "--output",
        str(output),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["view"] == "rifts" and len(data["centrality"]) == 3
    assert data["filters"] == {
        "as_of": "2024-05-30",
        "source": iri("organisation/rt"),
        "min_support": 1,
    }
    assert data["balance"]["camps"]["A"] and data["balance"]["camps"]["B"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "node-link", "dot"])
def test_export_view_to_stdout(app: typer.Typer, built_store: Path, fmt: str) -> None:
    result = _run(app, built_store, "export-view", "rifts", "--format", fmt)
    assert result.exit_code == 0, result.output
    graph = read_export(result.stdout, fmt)
    assert graph.has_edge(iri("person/volodymyr-zelensky"), iri("person/joe-biden"))


def test_export_view_to_file(app: typer.Typer, built_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "deep" / "alliances.graphml"
    result = _run(
        app,
        built_store,
        "export-view",
        "alliances",
        "-f",
        "graphml",
        "-o",
        str(target),
        "--publisher",
        "organisation/rt",
    )
    assert result.exit_code == 0 and result.stdout == ""
    graph = read_export(target.read_text(encoding="utf-8"), "graphml")
    assert graph.has_edge(iri("state/france"), iri("organisation/nato"))
    assert graph.graph["publisher"] == iri("organisation/rt")


def test_draw(app: typer.Typer, built_store: Path, tmp_path: Path) -> None:
    result = _run(app, built_store, "draw", "rifts", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.stdout.splitlines()]
    assert [p.name for p in written] == ["rifts.svg", "rifts.png", "rifts.html"]
    assert all(p.is_file() for p in written)
    single = tmp_path / "one" / "picture.png"
    result = _run(app, built_store, "draw", "authorizations", "-f", "png", "-o", str(single))
    assert result.exit_code == 0, result.output
    assert single.is_file() and result.stdout.strip() == str(single)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["analyze", "rift"],
            "unknown view 'rift' (use rifts, alliances, authorizations, provenance)",
        ),
        (["export-view", "nope", "--format", "dot"], "unknown view 'nope'"),
        (["draw", "nope"], "unknown view 'nope'"),
        (
            ["analyze", "rifts", "--as-of", "30/05/2024"],
            "--as-of expects a date (YYYY-MM-DD), got '30/05/2024'",
        ),
        (["analyze", "rifts", "--as-of", "2024-02-30"], "--as-of expects a date"),
        (["export-view", "rifts", "--format", "xml"], "unknown view export format 'xml'"),
        (["analyze", "rifts", "--format", "yaml"], "unknown report format 'yaml'"),
        (["draw", "rifts", "--format", "pdf"], "unknown picture format 'pdf'"),
        (["analyze", "rifts", "--source", "not an iri"], "--source expects an IRI"),
    ],
)
def test_bad_input_is_one_line(
    app: typer.Typer, built_store: Path, args: list[str], fragment: str
) -> None:
    _one_line_error(_run(app, built_store, *args), fragment)


def test_missing_store(app: typer.Typer, tmp_path: Path) -> None:
    _one_line_error(
        _run(app, tmp_path / "nothing", "analyze", "rifts"), "run `strikegraph build` first"
    )


def test_main_cli_registers_the_view_commands() -> None:
    from strikegraph.cli import app as main_app

    names = {command.name for command in main_app.registered_commands}
    if not {"analyze", "export-view", "draw"} <= names:
        pytest.skip("strikegraph.cli does not call strikegraph.cli_views.register(app) yet")
    result = runner.invoke(main_app, ["analyze", "--help"])
    assert result.exit_code == 0 and "--min-support" in result.stdout
