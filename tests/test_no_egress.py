"""No outbound network, ever, unless allowed: every vector points at a loopback listener.

Each test aims one way of making strikegraph (or the libraries under it) open a connection
at a TCP listener on 127.0.0.1 and asserts both the one-line refusal and that the listener
was never contacted. Without the guards in :mod:`strikegraph.netguard` these connections do
happen: pyoxigraph and rdflib both run SERVICE over HTTP, rdflib downloads ``FROM`` graphs,
remote JSON-LD contexts and URLs given to ``Graph.parse``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from typer.testing import CliRunner

from strikegraph.cli import app
from strikegraph.engine import execute_dataset, execute_oxigraph
from strikegraph.errors import DataError, NetworkAccessError, QueryError
from strikegraph.load import load_file, parse_file
from strikegraph.netguard import ALLOW_NETWORK_ENV, guard_update, mentions_keyword


class Listener:
    """A TCP listener on an ephemeral loopback port that counts (and drops) connections."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()  # the client sees a dropped connection at once, never hangs

    def close(self) -> int:
        """Stop and return the number of connections ever made (including unaccepted ones)."""
        if self._stop.is_set():
            return self.connections
        time.sleep(0.05)
        self._stop.set()
        self._thread.join()
        self.sock.setblocking(False)
        with contextlib.suppress(OSError):
            while True:
                self.sock.accept()[0].close()
                self.connections += 1
        self.sock.close()
        return self.connections


@pytest.fixture
def listener(monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener]:
    monkeypatch.delenv(ALLOW_NETWORK_ENV, raising=False)
    server = Listener()
    try:
        yield server
    finally:
        server.close()


def _assert_untouched(server: Listener) -> None:
    assert server.close() == 0, "the listener was contacted: strikegraph reached the network"


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from strikegraph.build import build

    target = tmp_path_factory.mktemp("egress") / "store"
    build(target, validate=False)
    return target


def _one_line_error(result: object) -> str:
    output = getattr(result, "stderr", "") or getattr(result, "output", "")
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


# -- SPARQL SERVICE --------------------------------------------------------------------------


def _service_query(server: Listener, keyword: str = "SERVICE") -> str:
    return f"SELECT * WHERE {{ {keyword} <{server.base}/sparql> {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize("keyword", ["SERVICE", "service", "\\u0053ERVICE"])
def test_service_on_oxigraph_is_refused(listener: Listener, keyword: str) -> None:
    import pyoxigraph as ox

    with pytest.raises(NetworkAccessError, match="SERVICE .* refused"):
        execute_oxigraph(ox.Store(), _service_query(listener, keyword))
    _assert_untouched(listener)


def test_service_hidden_behind_a_literal_is_refused(listener: Listener) -> None:
    import pyoxigraph as ox

    # Oxigraph reads "1SERVICE" as the integer 1 and the keyword SERVICE
    query = f"SELECT * WHERE {{ ?s ?p 1SERVICE <{listener.base}/s> {{ ?a ?b ?c }} }}"
    with pytest.raises(NetworkAccessError):
        execute_oxigraph(ox.Store(), query)
    _assert_untouched(listener)


def test_service_on_rdflib_is_refused(listener: Listener) -> None:
    with pytest.raises(NetworkAccessError, match="SERVICE"):
        execute_dataset(Dataset(), _service_query(listener, "\\u0053ERVICE"))
    _assert_untouched(listener)


def test_rdflib_from_names_a_graph_and_downloads_nothing(listener: Listener) -> None:
    dataset = Dataset()
    graph = URIRef(f"{listener.base}/g")
    dataset.graph(graph).add((URIRef("http://e.org/a"), URIRef("http://e.org/p"), Literal("x")))
    result = execute_dataset(dataset, f"SELECT ?o FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert [str(row[0]) for row in result.rows] == ["x"]
    # a graph the dataset does not have: rdflib would download it (SPARQL_LOAD_GRAPHS)
    missing = f"SELECT ?o FROM <{listener.base}/missing> FROM NAMED <{listener.base}/n> "
    assert execute_dataset(dataset, missing + "WHERE { ?s ?p ?o }").rows == []
    _assert_untouched(listener)


def test_service_is_allowed_only_with_the_opt_in(
    listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyoxigraph as ox

    monkeypatch.setenv(ALLOW_NETWORK_ENV, "1")
    with pytest.raises(QueryError):  # the listener drops the connection: the query fails
        execute_oxigraph(ox.Store(), _service_query(listener))
    assert listener.close() >= 1  # the opt-in really lets the request through


def test_keyword_detection_is_conservative_but_ignores_names() -> None:
    assert mentions_keyword("SELECT * WHERE { ?s ?p [ ?a ?b ]SERVICE <x:y> {} }", "SERVICE")
    assert mentions_keyword("SELECT * WHERE { ?s ?p trueSERVICE <x:y> {} }", "SERVICE")
    assert not mentions_keyword('SELECT * { ?s ex:service "SERVICE" } # SERVICE', "SERVICE")
    assert not mentions_keyword("SELECT ?service { ?service <http://e/SERVICE> ?o }", "SERVICE")


def test_update_load_is_refused(listener: Listener) -> None:
    import pyoxigraph as ox

    update = f"LOAD <{listener.base}/x.ttl>"
    with pytest.raises(NetworkAccessError, match="LOAD"):
        guard_update(update)
        ox.Store().update(update)
    _assert_untouched(listener)


def test_cli_query_file_with_service(listener: Listener, built_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "remote.rq"
    query.write_text(_service_query(listener), encoding="utf-8")
    result = CliRunner().invoke(app, ["query", str(query), "--store", str(built_store)])
    assert result.exit_code == 2
    assert "SERVICE (federated query) is refused" in _one_line_error(result)
    _assert_untouched(listener)


def test_cli_query_stdin_with_service(listener: Listener, built_store: Path) -> None:
    result = CliRunner().invoke(
        app, ["query", "-", "--store", str(built_store)], input=_service_query(listener)
    )
    assert result.exit_code == 2, result.output
    assert "refused" in _one_line_error(result)
    _assert_untouched(listener)


# -- files: URLs, JSON-LD contexts, XML entities, owl:imports --------------------------------


def test_load_file_of_a_url(listener: Listener) -> None:
    for location in (f"{listener.base}/x.ttl", Path(f"{listener.base}/x.ttl")):
        with pytest.raises(NetworkAccessError, match="URLs are never fetched"):
            load_file(location)
        with pytest.raises(NetworkAccessError):
            parse_file(Path(location))
    _assert_untouched(listener)


def test_jsonld_remote_context(listener: Listener, tmp_path: Path) -> None:
    doc = tmp_path / "remote.jsonld"
    for context in (
        f'"{listener.base}/ctx.jsonld"',
        f'["{listener.base}/ctx.jsonld", {{"name": "http://schema.org/name"}}]',
        f'{{"@import": "{listener.base}/ctx.jsonld"}}',
    ):
        doc.write_text(f'{{"@context": {context}, "@id": "http://e.org/a", "name": "x"}}')
        with pytest.raises(NetworkAccessError, match="remote.jsonld: the JSON-LD @context"):
            load_file(doc)
    _assert_untouched(listener)


def test_jsonld_inline_context_still_loads(tmp_path: Path) -> None:
    doc = tmp_path / "inline.jsonld"
    doc.write_text(
        '{"@context": {"name": "http://schema.org/name"}, "@id": "http://e.org/a", "name": "x"}'
    )
    assert len(load_file(doc)) == 1


def _xxe(server: Listener) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{server.base}/e">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://e.org/">\n'
        '  <rdf:Description rdf:about="http://e.org/a"><ex:p>&x;</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    )


def test_rdfxml_external_entity(listener: Listener, tmp_path: Path) -> None:
    doc = tmp_path / "xxe.rdf"
    doc.write_text(_xxe(listener))
    with pytest.raises(NetworkAccessError, match="xxe.rdf: the XML declares an external entity"):
        load_file(doc)
    plain = tmp_path / "plain.owl"
    plain.write_text(_xxe(listener).replace(_xxe(listener).splitlines()[1], "").replace("&x;", "y"))
    assert len(load_file(plain)) == 1  # RDF/XML without a DOCTYPE loads
    _assert_untouched(listener)


def test_owl_imports_are_never_fetched(listener: Listener, tmp_path: Path) -> None:
    from strikegraph.ontology.files import load_with_imports

    onto = tmp_path / "o.ttl"
    onto.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://e.org/o> a owl:Ontology ; owl:imports <{listener.base}/o.ttl> .\n"
    )
    with pytest.raises(DataError, match="never fetched over the network"):
        load_with_imports(onto)
    result = CliRunner().invoke(app, ["validate", str(onto)])  # pyshacl: no do_owl_imports
    assert result.exit_code == 0, result.output
    _assert_untouched(listener)


@pytest.mark.parametrize("kind", ["url", "jsonld", "rdfxml"])
def test_cli_validate_refuses_remote_inputs(listener: Listener, tmp_path: Path, kind: str) -> None:
    if kind == "url":
        target = f"{listener.base}/x.ttl"
    elif kind == "jsonld":
        path = tmp_path / "c.jsonld"
        path.write_text(f'{{"@context": "{listener.base}/c", "@id": "http://e.org/a"}}')
        target = str(path)
    else:
        path = tmp_path / "x.rdf"
        path.write_text(_xxe(listener))
        target = str(path)
    result = CliRunner().invoke(app, ["validate", target])
    assert result.exit_code == 2
    assert "never fetched" in _one_line_error(result)
    _assert_untouched(listener)


def test_cli_build_with_a_remote_import(
    listener: Listener, tmp_path: Path, core_tree: Path
) -> None:
    ontology = core_tree / "ontology" / "strikegraph.ttl"
    ontology.write_text(
        ontology.read_text(encoding="utf-8")
        + "\n<https://w3id.org/strikegraph/ontology> <http://www.w3.org/2002/07/owl#imports> "
        f"<{listener.base}/o.ttl> .\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["build", "--store", str(store), "--data-dir", str(core_tree)])
    assert result.exit_code == 0, result.output  # the import is data, never followed
    _assert_untouched(listener)


# -- the HTTP endpoint -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(built_store: Path) -> Iterator[object]:
    with warnings.catch_warnings():  # starlette's notice about httpx
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from strikegraph.serve.app import ServeConfig, create_app
    from strikegraph.serve.limits import Limits

    config = ServeConfig(store=str(built_store), limits=Limits(workers=1, timeout=10))
    with TestClient(create_app(config)) as client:
        yield client


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p 1SERVICE <{base}/sparql> {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ ?s ?p [ ?a ?b ]SERVICE <{base}/sparql> {{ ?c ?d ?e }} }}",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
def test_endpoint_refuses_service(
    listener: Listener, endpoint: object, template: str, method: str
) -> None:
    query = template.format(base=listener.base)
    client = endpoint
    if method == "GET":
        response = client.get("/sparql", params={"query": query})  # type: ignore[attr-defined]
    elif method == "POST-form":
        response = client.post("/sparql", data={"query": query})  # type: ignore[attr-defined]
    else:
        response = client.post(  # type: ignore[attr-defined]
            "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 400, response.text
    assert "SERVICE" in response.text or "malformed" in response.text
    assert len(response.text.strip().splitlines()) == 1
    _assert_untouched(listener)
    ok = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})  # type: ignore[attr-defined]
    assert ok.status_code == 200


def test_endpoint_refuses_an_authorised_load(
    listener: Listener, built_store: Path, tmp_path: Path
) -> None:
    """Even with the update token, LOAD <url> is refused: the store would fetch the URL."""
    import shutil

    with warnings.catch_warnings():  # starlette's notice about httpx
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from strikegraph.serve.app import ServeConfig, create_app
    from strikegraph.serve.limits import Limits

    private = tmp_path / "store"
    shutil.copytree(built_store, private)
    config = ServeConfig(
        store=str(private),
        limits=Limits(workers=1, timeout=10),
        enable_update=True,
        update_token="s3cret",
    )
    with TestClient(create_app(config)) as client:
        response = client.post(
            "/sparql",
            data={"update": f"LOAD <{listener.base}/x.ttl>"},
            headers={"Authorization": "Bearer s3cret"},
        )
    assert response.status_code == 400, response.text
    assert "LOAD is not allowed" in response.text
    _assert_untouched(listener)
