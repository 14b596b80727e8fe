"""Ingest: idempotent re-ingest, all-or-nothing failures, dry-run TriG, CLI errors,
build carry-over."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from rdflib import Dataset
from typer.testing import CliRunner

from strikegraph.build import build
from strikegraph.cli_ingest import register
from strikegraph.ingest import IngestOptions, ingest
from strikegraph.store import open_store

DEV = Path(__file__).resolve().parent / "gold" / "dev-articles"


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps ingest a sub-command
        pass

    return app


def _copy(tmp_path: Path, stem: str) -> Path:
    for ext in (".txt", ".meta.yaml"):
        (tmp_path / f"{stem}{ext}").write_bytes((DEV / f"{stem}{ext}").read_bytes())
    return tmp_path / f"{stem}.txt"


def test_reingest_replaces_instead_of_duplicating(tmp_path: Path) -> None:
    doc = _copy(tmp_path, "01-germany-permits")
    with open_store(tmp_path / "store") as store:
        assert all(r.ok for r in ingest([doc], store))
        first = store.dump_nquads()
        assert "01-germany-permits/extracted" in first
        assert all(r.ok for r in ingest([doc], store))
        assert store.dump_nquads() == first


def test_failed_ingest_leaves_store_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _copy(tmp_path, "01-germany-permits")
    other = _copy(tmp_path, "04-atacms-kursk")
    with open_store(tmp_path / "store") as store:
        assert all(r.ok for r in ingest([doc], store))
        before = store.dump_nquads()
        # a document whose extracted graph breaks a shape: a claim with an out-of-range confidence
        import strikegraph.ingest as ing

        real = ing.write_graph

        def broken(result, curated=None):  # type: ignore[no-untyped-def]
            triples = real(result, curated)
            if result.doc.stem == "04-atacms-kursk":
                from decimal import Decimal

                from rdflib import Literal
                from rdflib.namespace import XSD

                from strikegraph.namespaces import SG

                triples = [
                    (s, p, Literal(Decimal("7"), datatype=XSD.decimal) if p == SG.confidence else o)
                    for s, p, o in triples
                ]
            return triples

        monkeypatch.setattr(ing, "write_graph", broken)
        reports = ingest([other], store)
        assert not reports[0].ok and "conform" in (reports[0].error or "")
        assert store.dump_nquads() == before
        # unreadable input: nothing stored either
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"\xff\xfe\x00binary")
        assert not ingest([bad], store)[0].ok
        assert store.dump_nquads() == before


def test_dry_run_prints_parseable_trig(tmp_path: Path) -> None:
    doc = _copy(tmp_path, "02-cameron-kyiv")
    result = CliRunner().invoke(
        _app(), ["ingest", str(doc), "--dry-run", "--store", str(tmp_path / "s")]
    )
    assert result.exit_code == 0, result.output
    ds = Dataset()
    ds.parse(data=result.stdout, format="trig")
    names = {str(g.identifier) for g in ds.graphs()}
    assert any(n.endswith("02-cameron-kyiv/extracted") for n in names)
    assert not (tmp_path / "s").exists()


def test_flags_without_sidecar_and_missing_date(tmp_path: Path) -> None:
    doc = tmp_path / "plain.txt"
    doc.write_text(
        "Berlin has given Kyiv permission to use German weapons against targets in Russia.\n",
        encoding="utf-8",
    )
    with open_store(tmp_path / "store") as store:
        reports = ingest(
            [doc], store, IngestOptions(publisher="Example News", url="https://example.org/a")
        )
        assert reports[0].ok, reports[0].error
        assert reports[0].counts["authorizations"] == 1
        assert "dateMissing" in store.dump_nquads()


@pytest.mark.parametrize(
    "content, args",
    [
        (b"", []),
        (b"\x00\x01\x02binary", []),
        (b"\xff\xfeabc", []),
        (b"fine text.", ["--date", "31-05-2024"]),
        (b"fine text.", ["--bogus"]),
    ],
)
def test_cli_bad_input_one_line_error(tmp_path: Path, content: bytes, args: list[str]) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_bytes(content)
    result = CliRunner().invoke(_app(), ["ingest", str(doc), "--store", str(tmp_path / "s"), *args])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and len(lines) <= 2 or result.exit_code == 2


def test_build_carries_over_ingested_graphs(tmp_path: Path) -> None:
    doc = _copy(tmp_path, "03-macron-meseberg")
    store_dir = tmp_path / "store"
    build(store_dir)
    with open_store(store_dir) as store:
        assert all(r.ok for r in ingest([doc], store))
    build(store_dir)
    with open_store(store_dir) as store:
        names = {str(n) for n in store.graph_names()}
    assert any(n.endswith("03-macron-meseberg/extracted") for n in names)
    assert any(n.endswith("03-macron-meseberg/source") for n in names)
