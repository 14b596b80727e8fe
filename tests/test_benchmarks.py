"""The benchmark corpus generator and the results report (benchmarks/corpus.py, compare.py).

The corpus must be deterministic (the same size and seed give the same bytes, so runs on two
machines measure the same data), conform to the SHACL shapes (otherwise the validation
benchmark measures error reporting), and give the named queries and `check` something to find.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from strikegraph.check import check
from strikegraph.facts import load_facts
from strikegraph.queries import get_query, list_queries, run_query
from strikegraph.store import open_store
from strikegraph.validate import validate_dataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

corpus = importlib.import_module("corpus")
compare = importlib.import_module("compare")

DOCS = 20


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return corpus.generate(tmp_path_factory.mktemp("corpus"), DOCS, seed=3, texts=True)


@pytest.fixture(scope="module")
def store(generated: Any) -> Any:
    opened = open_store(memory=True)
    opened.oxigraph.bulk_load(path=str(generated.path), format=ox.RdfFormat.TRIG)
    yield opened
    opened.close()


def test_same_size_and_seed_give_the_same_bytes(generated: Any, tmp_path: Path) -> None:
    again = corpus.generate(tmp_path, DOCS, seed=3, texts=True)
    assert _digest(again.path) == _digest(generated.path)
    first = sorted(p.name for p in generated.texts_dir.iterdir())
    assert first == sorted(p.name for p in again.texts_dir.iterdir())
    assert len(first) == 2 * DOCS
    other = corpus.generate(tmp_path / "other", DOCS, seed=4)
    assert _digest(other.path) != _digest(generated.path)


def test_corpus_conforms_to_the_shapes(store: Any) -> None:
    report = validate_dataset(store.dataset, data_root=ROOT, engine="fast")
    assert report.conforms, report.render_text()[:2000]


def test_documents_have_evidence_offsets_into_their_text(store: Any, generated: Any) -> None:
    rows = store.query(
        """SELECT ?text ?exact ?start ?end WHERE {
             ?doc sg:text ?text . ?target oa:hasSource ?doc ;
               oa:hasSelector [ oa:exact ?exact ] , [ oa:start ?start ; oa:end ?end ] .
             FILTER (STRSTARTS(STR(?doc), "https://w3id.org/strikegraph/id/document/syn-")) }"""
    ).rows
    assert len(rows) >= 2 * DOCS
    for text, exact, start, end in rows:
        assert str(text)[int(start) : int(end)] == str(exact)
    sidecar = (generated.texts_dir / "syn-000001.meta.yaml").read_text(encoding="utf-8")
    assert sidecar.startswith("title: ") and "published: 2022-03-01" in sidecar


def test_named_queries_and_check_find_the_synthetic_data(store: Any) -> None:
    asked = compare.questions(DOCS, 3)
    synthetic = 0
    for named in list_queries(ROOT):
        result = run_query(store, get_query(named.name, ROOT), asked["params"][named.name])
        synthetic += any("syn-" in str(v) for row in result.rows for v in row)
    assert synthetic >= 6  # most queries return rows about the generated world
    for question in asked["checks"].values():
        lazy = check(store, **question)
        eager = check(load_facts(store), **question)
        assert lazy.to_json() == eager.to_json()
        assert lazy.verdict in ("permitted", "forbidden", "unknown")


def test_results_markdown_and_plot_from_a_tiny_json(tmp_path: Path) -> None:
    size = {
        "target_triples": 10000,
        "triples": 10234,
        "docs": 12,
        "oxigraph": {
            "build": {"build_s": 0.1, "triples": 10234, "triples_per_s": 102340,
                      "bytes_per_triple": 210.0, "disk_bytes": 2_000_000, "rss_mib": 60},
            "query": {"queries": {"rifts": {"median_ms": 2.0, "rows": 3}},
                      "check": {"q1": {"median_ms": 5.0, "rows": 1}},
                      "views": {"rifts": {"timeout_s": 60}}, "rss_mib": 80},
            "validate": {"full_s": 0.5, "full_results": 0, "incremental_median_ms": 40.0,
                         "incremental_quads": 120, "incremental_results": 0, "rss_mib": 70},
            "export": {"export_s": 0.2, "quads": 10234, "rss_mib": 65},
            "cli": {"median_ms": 900.0, "bare_python_ms": 20.0},
        },
        "rdflib": {
            "main": {"build_s": 1.5, "export_s": 0.8, "rss_mib": 200,
                     "queries": {"rifts": {"median_ms": 50.0, "rows": 3}},
                     "check": {"q1": {"median_ms": 100.0}}, "views": {}},
            "validate": {"full_s": 9.0, "full_results": 0, "rss_mib": 150},
        },
    }  # fmt: skip
    results = {"command": "python benchmarks/compare.py --sizes 1e4", "sizes": [size],
               "machine": {"cpus": 2}, "settings": {"runs": 5, "rdflib_max_triples": 3e5,
                                                    "pyshacl_max_triples": 3e4}}  # fmt: skip
    source = tmp_path / "results.json"
    source.write_text(json.dumps(results), encoding="utf-8")
    markdown, png = tmp_path / "RESULTS.md", tmp_path / "plot.png"
    compare.main(
        ["--report-only", "--json", str(source), "--markdown", str(markdown), "--png", str(png)]
    )
    text = markdown.read_text(encoding="utf-8")
    assert "python benchmarks/compare.py --sizes 1e4" in text
    assert "| query `rifts` | 2.0 | 3 | 50.0 | 25.0× |" in text
    assert "| check `q1` | 5.0 | 1 | 100 | 20.0× |" in text
    assert "> 60000" in text  # the view that timed out
    assert "![time against size](plot.png)" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_deadline_stops_pure_python_work_and_leaves_no_alarm() -> None:
    import signal
    import time

    started = time.perf_counter()
    with pytest.raises(compare.ItemTimeout), compare._deadline(0.2):
        while True:
            pass
    assert time.perf_counter() - started < 5
    with compare._deadline(0.3) as rearm:  # re-armed after each run: three runs of 0.2 s pass
        for _ in range(3):
            until = time.perf_counter() + 0.2
            while time.perf_counter() < until:
                pass
            rearm()
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_query_speed_times_named_queries_and_views(tmp_path: Path) -> None:
    query_speed = importlib.import_module("query_speed")
    generated = corpus.generate(tmp_path, 8, seed=2)
    out = tmp_path / "speed.json"
    query_speed.main(
        [
            "--trig", str(generated.path), "--runs", "1", "--json", str(out),
            "--only", "rifts", "--only", "view/alliances",
        ]
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results) == {"rifts", "view/alliances"}
    assert results["view/alliances"]["rows"] > 0  # edges of the view
    assert all(result["median_ms"] > 0 for result in results.values())
