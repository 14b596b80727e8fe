"""The command line, through typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from strikegraph import __version__
from strikegraph.cli import app
from strikegraph.store import open_store

runner = CliRunner()


@pytest.fixture
def env(core_tree: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("STRIKEGRAPH_DATA_DIR", str(core_tree))
    monkeypatch.setenv("STRIKEGRAPH_STORE", str(store_path))
    return {"COLUMNS": "200"}


def _run(env: dict[str, str], *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env, input=stdin)


def _one_line_error(result, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("strikegraph: error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def _dump(path: Path) -> str:
    with open_store(path, read_only=True) as store:
        return store.dump_nquads()


def test_version(env: dict[str, str]) -> None:
    result = _run(env, "--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"strikegraph {__version__}"


def test_build_and_query(env: dict[str, str], store_path: Path) -> None:
    result = _run(env, "build")
    assert result.exit_code == 0, result.output
    assert "sgg:doc-a/source" in result.stdout and "sg:Authorization" in result.stdout
    assert "Validation: conforms" in result.stdout
    assert store_path.is_dir()

    table = _run(env, "query", "authorizations")
    assert table.exit_code == 0, table.output
    assert "authorization:us-ua-atacms" in table.stdout and "1 row" in table.stdout

    as_csv = _run(env, "query", "authorizations", "--param", "asof=2024-06-01", "--format", "csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["authorization", "grantor", "label", "issued"] and len(rows) == 2

    as_json = _run(env, "query", "documents", "-p", "minlength=1", "-f", "json")
    bindings = json.loads(as_json.stdout)["results"]["bindings"]
    assert bindings[0]["length"]["value"] == "186"

    as_tsv = _run(env, "query", "has-label", "-p", "label=Narnia", "-f", "tsv")
    assert as_tsv.stdout.splitlines() == ["?boolean", "false"]

    graph = _run(env, "query", "evidence", "-p", "thing=sgid:authorization/us-ua-atacms")
    assert len(Graph().parse(data=graph.stdout, format="turtle")) == 3

    stdin = _run(env, "query", "-", "-f", "csv", stdin="SELECT (COUNT(*) AS ?n) { ?s a sg:State }")
    assert stdin.stdout.splitlines()[1] == "3"


def test_query_file(env: dict[str, str], tmp_path: Path) -> None:
    assert _run(env, "build").exit_code == 0
    query = tmp_path / "states.rq"
    query.write_text("SELECT ?s WHERE { ?s a ?_class_iri } ORDER BY ?s\n")
    result = _run(env, "query", str(query), "-p", "class=sg:State", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 4


def test_queries_listing(env: dict[str, str]) -> None:
    result = _run(env, "queries")
    assert result.exit_code == 0
    for text in (
        "authorizations",
        "grantee (iri, default state/ukraine)",
        "asof? (date)",
        "has-label",
    ):
        assert text in result.stdout


def test_validate(env: dict[str, str], core_fixtures: Path) -> None:
    assert _run(env, "build").exit_code == 0
    good = _run(env, "validate")
    assert good.exit_code == 0 and good.stdout.startswith("Validation: conforms")

    bad_file = str(core_fixtures / "files" / "bad-authorization.trig")
    bad = _run(env, "validate", bad_file)
    assert bad.exit_code == 1
    assert "authorization:no-grantee" in bad.stdout
    assert "[Violation] sg:grantee: an authorization needs a grantee" in bad.stdout

    as_json = _run(env, "validate", bad_file, "--format", "json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["conforms"] is False

    good_file = str(core_fixtures / "files" / "good-authorization.ttl")
    assert _run(env, "validate", good_file).exit_code == 0


def test_export(env: dict[str, str], tmp_path: Path, store_path: Path) -> None:
    assert _run(env, "build").exit_code == 0
    with open_store(store_path, read_only=True) as store:
        quads = store.triple_count()
    result = _run(env, "export", "--format", "nquads")
    assert result.exit_code == 0
    assert len(result.stdout_bytes.decode().splitlines()) == quads
    target = tmp_path / "export" / "all.jsonld"
    result = _run(env, "export", "-f", "json-ld", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    dataset = Dataset()
    dataset.parse(target, format="json-ld")
    assert len(list(dataset.quads((None, None, None, None)))) == quads


def test_missing_store(env: dict[str, str], store_path: Path) -> None:
    for args in (("query", "authorizations"), ("export", "-f", "trig"), ("validate",)):
        _one_line_error(_run(env, *args), "run `strikegraph build` first")
    assert not store_path.exists(), "reading never creates a store"


def test_bad_inputs_are_one_line_errors(
    env: dict[str, str], core_tree: Path, store_path: Path
) -> None:
    assert _run(env, "build").exit_code == 0
    before = _dump(store_path)

    _one_line_error(_run(env, "query", "nope"), "unknown query 'nope'")
    _one_line_error(_run(env, "query", "evidence"), "missing required parameter 'thing'")
    _one_line_error(_run(env, "query", "authorizations", "-p", "who=x"), "unknown parameter 'who'")
    _one_line_error(_run(env, "query", "authorizations", "-p", "grantee"), "NAME=VALUE")
    _one_line_error(_run(env, "query", "authorizations", "-p", "asof=soon"), "expects a date")
    _one_line_error(_run(env, "query", "authorizations", "-f", "xml"), "unknown output format")
    _one_line_error(_run(env, "query", "-", stdin="SELECT * WHERE { ?s ?p }"), "malformed SPARQL")
    _one_line_error(_run(env, "export", "-f", "rdfxml"), "unknown export format")
    _one_line_error(_run(env, "validate", "/no/such/file.ttl"), "no such file")

    # Broken Turtle in the data: one line naming file and line, exit 2, store unchanged.
    (core_tree / "ontology" / "strikegraph.ttl").write_text(
        "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\n\nsg:Broken a .\n"
    )
    _one_line_error(_run(env, "build"), "strikegraph.ttl:3:")
    assert _dump(store_path) == before


def test_build_validation_failure(env: dict[str, str], core_tree: Path, store_path: Path) -> None:
    assert _run(env, "build").exit_code == 0
    before = _dump(store_path)
    curated = core_tree / "graph" / "curated" / "doc-a.trig"
    curated.write_text(curated.read_text().replace("oa:end 95", "oa:end 94"))
    result = _run(env, "build")
    assert result.exit_code == 1
    assert "sg:EvidenceSpanShape" in result.stdout
    assert "does not conform" in result.stderr
    assert _dump(store_path) == before
    assert _run(env, "build", "--no-validate").exit_code == 0
    assert _dump(store_path) != before


def test_locked_store(env: dict[str, str], store_path: Path) -> None:
    assert _run(env, "build").exit_code == 0
    with open_store(store_path):
        _one_line_error(_run(env, "build"), "store is locked by another writer (pid")
        assert _run(env, "query", "authorizations").exit_code == 0, "readers are not blocked"


def test_console_entry_point(env: dict[str, str], tmp_path: Path) -> None:
    """``main()`` as the console script runs it: real exit codes and streams."""
    import os
    import subprocess
    import sys

    import strikegraph

    src = Path(strikegraph.__file__).resolve().parents[1]
    child_env = dict(os.environ, PYTHONPATH=str(src), COLUMNS="200")
    code = "from strikegraph.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "query", "nope"],
        capture_output=True,
        text=True,
        env=child_env,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "strikegraph: error: unknown query 'nope' (available: authorizations, documents, "
        "evidence, has-label)"
    ]
    assert done.stdout == ""
    listing = subprocess.run(
        [sys.executable, "-c", code, "queries"],
        capture_output=True,
        text=True,
        env=child_env,
        timeout=120,
    )
    assert listing.returncode == 0 and "authorizations" in listing.stdout


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["query", "rifts", "--frmat", "csv"],
            "strikegraph: error: No such option: --frmat (Possible options: --format) "
            "(see 'strikegraph query --help')",
        ),
        (["nope"], "strikegraph: error: No such command 'nope'. (see 'strikegraph --help')"),
        (
            ["query"],
            "strikegraph: error: Missing argument 'query'. (see 'strikegraph query --help')",
        ),
        (
            ["ingest", "x.txt", "--date"],
            "strikegraph: error: Option '--date' requires an argument. "
            "(see 'strikegraph ingest --help')",
        ),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong flag, command or missing argument: one line on stderr, no usage box, exit 2."""
    from strikegraph.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [expected]
    assert captured.out == ""


def test_main_exit_codes_of_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    from strikegraph.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("strikegraph ")
    with pytest.raises(SystemExit) as stopped:
        main(["query", "--help"])
    assert stopped.value.code == 0
    assert "Run a named query" in capsys.readouterr().out
