"""RemoteStore: configuration, term handling, and the Update protocol against `serve` itself.

`strikegraph serve --enable-update` is a SPARQL 1.1 Query + Update server, so the remote
store's whole write/read path is exercised here without any third-party server (the
Virtuoso test does the same against Virtuoso).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from reasoning_helpers import gold, with_documents
from serve_support import running_server

from strikegraph.build import build
from strikegraph.errors import StoreError
from strikegraph.queries import list_queries, run_query, visible_graphs
from strikegraph.remote import (
    GENID,
    RemoteConfig,
    RemoteStore,
    is_remote_spec,
    load_config,
    skolemize,
)
from strikegraph.store import Store, open_store


def test_remote_specs() -> None:
    for spec in (
        "http://h:1/sparql",
        "https://h/sparql",
        "sparql+http://h:1/q",
        "sparql+https://h/q",
        str(Path("http://h:1/sparql")),
    ):
        assert is_remote_spec(spec), spec
    for spec in ("/tmp/store", "store", None, "httpfoo"):
        assert not is_remote_spec(spec), spec
    opened = open_store("sparql+http://127.0.0.1:9/sparql", read_only=True)
    assert isinstance(opened, RemoteStore) and opened.url == "http://127.0.0.1:9/sparql"
    opened.close()
    # pathlib collapses '//' (typer hands --store over as a Path)
    opened = open_store(Path("http://127.0.0.1:9/sparql"), read_only=True)
    assert isinstance(opened, RemoteStore) and opened.url == "http://127.0.0.1:9/sparql"
    opened.close()


def test_store_selection_by_env_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIKEGRAPH_STORE", "http://127.0.0.1:9/sparql")
    with open_store(read_only=True) as opened:
        assert isinstance(opened, RemoteStore)
    monkeypatch.delenv("STRIKEGRAPH_STORE")
    config = tmp_path / "strikegraph.toml"
    config.write_text(
        '[store]\nquery = "http://127.0.0.1:9/sparql"\nupdate = "http://127.0.0.1:9/update"\n'
        'gsp = "http://127.0.0.1:9/gsp"\npassword_env = "MY_PW"\nuser_env = "MY_USER"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MY_USER", "u")
    monkeypatch.setenv("MY_PW", "p")
    monkeypatch.chdir(tmp_path)
    loaded = load_config()
    assert loaded == RemoteConfig(
        query="http://127.0.0.1:9/sparql",
        update="http://127.0.0.1:9/update",
        gsp="http://127.0.0.1:9/gsp",
        user="u",
        password="p",
    )
    with open_store(read_only=True) as opened:
        assert isinstance(opened, RemoteStore)
    monkeypatch.setenv("STRIKEGRAPH_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(StoreError):
        load_config()


def test_skolemize() -> None:
    assert skolemize(BNode("b1")) == URIRef(GENID + "b1")
    assert skolemize(Literal("x", datatype=XSD.string)) == Literal("x")
    big = skolemize(Literal(2**70))
    assert isinstance(big, Literal) and big.datatype == XSD.decimal
    assert skolemize(Literal(5)) == Literal(5)


@pytest.fixture(scope="module")
def writable_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteConfig]:
    empty = tmp_path_factory.mktemp("remote-empty") / "store"
    with Store(empty) as store:
        store.replace_all([])
    with running_server(
        str(empty), "--workers", "1", "--enable-update", "--update-token", "tok"
    ) as url:
        yield RemoteConfig(query=url + "/sparql", token="tok")


def test_build_query_and_replace_through_the_update_protocol(
    writable_endpoint: RemoteConfig, tmp_path_factory: pytest.TempPathFactory
) -> None:
    remote = RemoteStore(writable_endpoint)
    summary = build(writable_endpoint.query, validate=False, store=remote)
    local_path = tmp_path_factory.mktemp("remote-local") / "store"
    build(local_path, validate=False)  # right after, from the same working tree
    with open_store(local_path, read_only=True) as local:
        assert summary.graph_triples == local.graph_triple_counts()
        assert remote.graph_names() == local.graph_names()
        assert remote.dump_nquads().count("\n") == local.triple_count()
        for query in list_queries():
            expected = run_query(local, query)
            got = run_query(remote, query)
            assert got.variables == expected.variables, query.name
            assert sorted(map(repr, got.rows)) == sorted(map(repr, expected.rows)), query.name
    graph = URIRef("https://w3id.org/strikegraph/id/graph/test/extra")
    remote.replace_graphs({graph: [(URIRef("urn:a"), URIRef("urn:b"), BNode("x"))]})
    assert graph in remote.graph_names()
    rows = remote.query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <urn:a> <urn:b> ?o }} }}").rows
    assert len(rows) == 1 and isinstance(rows[0][0], BNode)  # skolem IRI back to a blank node
    # additions (shared graphs such as the outlets) add to a graph and remove nothing from it
    remote.replace_graphs({}, additions={graph: [(URIRef("urn:a"), URIRef("urn:b"), Literal("c"))]})
    rows = remote.query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <urn:a> <urn:b> ?o }} }}").rows
    assert len(rows) == 2 and Literal("c") in {row[0] for row in rows}
    remote.replace_graphs({graph: []})
    assert graph not in remote.graph_names()
    remote.close()
    readonly = RemoteStore(writable_endpoint, read_only=True)
    with pytest.raises(StoreError):
        readonly.replace_graphs({graph: []})
    readonly.close()


def test_asof_sends_the_visible_graphs(writable_endpoint: RemoteConfig) -> None:
    """As of a day, a remote query runs on the graphs of the documents issued by then (sent as
    default-graph-uri/named-graph-uri), with the rows of the embedded store."""
    dataset = with_documents(*gold("04-atacms-kursk"))
    remote = RemoteStore(writable_endpoint)
    remote.replace_all(dataset)
    local = open_store(memory=True)
    local.replace_all(dataset)
    for day in ("2024-05-01", "2024-06-15", "2024-12-01"):
        assert visible_graphs(remote, dt.date.fromisoformat(day)) == visible_graphs(
            local, dt.date.fromisoformat(day)
        )
    counts = {}
    for query in list_queries():
        for day in ("2024-06-15", "2024-12-01"):
            expected = run_query(local, query, {"asof": day})
            got = run_query(remote, query, {"asof": day})
            assert got.variables == expected.variables, query.name
            assert sorted(map(repr, got.rows)) == sorted(map(repr, expected.rows)), query.name
            counts[query.name, day] = len(got.rows)
    # The November document (gold 04) is only seen as of December.
    assert counts["claims-by-source", "2024-06-15"] < counts["claims-by-source", "2024-12-01"]
    assert run_query(remote, "SELECT * WHERE { ?s ?p ?o }", {"asof": "2024-05-01"}).rows
    remote.close()


def test_wrong_token_is_refused(writable_endpoint: RemoteConfig) -> None:
    bad = RemoteStore(RemoteConfig(query=writable_endpoint.query, token="nope"))
    with pytest.raises(StoreError, match="403"):
        bad.update("DROP SILENT GRAPH <urn:x>")
    bad.close()
