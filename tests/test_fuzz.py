"""Property-based fuzzing: ingest, the RDF loaders and the endpoint's request parsing.

Each property is a plain ``check_*`` function so that ``benchmarks/fuzz.py`` can run the very
same properties with many more examples for a bounded time. The tests here keep
``max_examples`` modest so the file runs in well under 30 s.

Properties:

* arbitrary text given to ``strikegraph ingest`` (read, extract, write the graphs) either
  gives a document or raises a :class:`StrikegraphError`, never anything else;
* what ingest accepts round-trips: its TriG parses back (with rdflib and with our loader)
  into graphs isomorphic to the ones it wrote;
* the Turtle/TriG/N-Quads/JSON-LD/RDF-XML loader, on arbitrary or mutated bytes, raises only
  :class:`DataError` (of which ``NetworkAccessError`` is a sibling: also ours);
* the endpoint's request parsing (query string, form bodies, Accept, Content-Type) answers
  every request with a 4xx at worst, never a 5xx.
"""

from __future__ import annotations

import tempfile
import warnings
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from strikegraph.errors import StrikegraphError
from strikegraph.extract.gazetteer import load_gazetteer
from strikegraph.ingest import IngestOptions, document_trig, prepare
from strikegraph.load import parse_file
from strikegraph.serve.protocol import (
    ProtocolError,
    negotiate,
    parse_accept,
    parse_request,
    service_iris,
    wants_html,
)

# derandomize: the suite runs the same examples every time (a stable result); the random
# exploration is benchmarks/fuzz.py's job.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_WORK = Path(tempfile.mkdtemp(prefix="strikegraph-fuzz-"))

# -- strategies ------------------------------------------------------------------------------

ACTORS = ["Germany", "Berlin", "Kyiv", "Ukraine", "the United States", "Washington", "Scholz"]
ACTORS += ["Biden", "Russia", "Moscow", "France", "Macron", "London", "the Pentagon", "NATO"]
VERBS = ["has allowed", "allowed", "permitted", "has banned", "refuses to let", "authorised"]
VERBS += ["gave permission to", "does not allow", "will let", "lifted restrictions on"]
WEAPONS = ["German weapons", "ATACMS", "Storm Shadow missiles", "HIMARS", "long-range missiles"]
TARGETS = ["targets in Russia", "Russian territory", "Kursk", "Crimea", "the Belgorod region"]


@st.composite
def news_sentences(draw: st.DrawFn) -> str:
    grantor, grantee = draw(st.sampled_from(ACTORS)), draw(st.sampled_from(ACTORS))
    verb, weapon = draw(st.sampled_from(VERBS)), draw(st.sampled_from(WEAPONS))
    target = draw(st.sampled_from(TARGETS))
    said = draw(st.sampled_from(["", ", a spokesman said", ", officials said on 3 June 2024"]))
    return f"{grantor} {verb} {grantee} to use {weapon} against {target}{said}."


def texts() -> st.SearchStrategy[str]:
    """Arbitrary text, news-like text, and news-like text with arbitrary noise mixed in."""
    noise = st.text(max_size=40)
    return st.one_of(
        st.text(max_size=300),
        st.lists(news_sentences(), min_size=1, max_size=4).map(" ".join),
        st.lists(st.one_of(news_sentences(), noise), min_size=1, max_size=6).map("\n".join),
    )


SEEDS: dict[str, bytes] = {
    ".ttl": b'@prefix ex: <http://e.org/> .\nex:a ex:p "x"@en , 1.5 ; ex:q [ ex:r ex:b ] .\n',
    ".trig": b"@prefix ex: <http://e.org/> .\nex:g { ex:a ex:p ( 1 2 ) ; ex:q true . }\n",
    ".nq": b'<http://e.org/a> <http://e.org/p> "x"^^<http://e.org/t> <http://e.org/g> .\n',
    ".jsonld": b'{"@context": {"p": "http://e.org/p"}, "@id": "http://e.org/a", "p": "x"}',
    ".rdf": b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:ex="http://e.org/"><rdf:Description rdf:about="http://e.org/a">'
    b"<ex:p>x</ex:p></rdf:Description></rdf:RDF>",
    ".owl": b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://e.org/" > ]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e.org/">'
    b'<rdf:Description rdf:about="&ex;a"><ex:p rdf:parseType="Literal"><b>x</b></ex:p>'
    b"</rdf:Description></rdf:RDF>",
}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[suffix])
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        byte = draw(st.sampled_from([0, 10, 34, 46, 58, 60, 62, 64, 92, 123, 125, 255, 0xC3]))
        if action == "insert" or not data:
            data.insert(position, byte)
        elif action == "delete":
            del data[min(position, len(data) - 1)]
        else:
            data[min(position, len(data) - 1)] = byte
    return suffix, bytes(data)


def rdf_inputs() -> st.SearchStrategy[tuple[str, bytes]]:
    return st.one_of(mutated(), st.tuples(st.sampled_from(sorted(SEEDS)), st.binary(max_size=200)))


MEDIA = [
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded; charset=latin-1",
]
QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 2",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <http://e.org/a>",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }",
]


def query_strings() -> st.SearchStrategy[str]:
    keys = st.sampled_from(["query", "update", "format", "default-graph-uri", "named-graph-uri"])
    values = st.one_of(st.sampled_from(QUERIES), st.text(max_size=40))
    pair = st.tuples(keys, values).map(lambda kv: f"{kv[0]}={_quote(kv[1])}")
    return st.one_of(st.text(max_size=60), st.lists(pair, max_size=4).map("&".join))


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def accepts() -> st.SearchStrategy[str | None]:
    media = st.sampled_from(
        ["*/*", "text/*", "application/json", "text/csv", "text/turtle", "text/html", "a/b", ""]
    )
    one = st.tuples(media, st.one_of(st.just(""), st.text(max_size=6))).map(
        lambda mq: f"{mq[0]};q={mq[1]}" if mq[1] else mq[0]
    )
    return st.one_of(st.none(), st.text(max_size=40), st.lists(one, max_size=4).map(",".join))


# -- properties ------------------------------------------------------------------------------

_COUNTER = iter(range(10**12))


def _document(text: str) -> Path:
    path = _WORK / f"doc-{next(_COUNTER)}.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def check_ingest(text: str) -> bool:
    """Extraction + graph writing never crash; what is accepted round-trips. True if accepted."""
    path = _document(text)
    try:
        prepared = prepare(path, IngestOptions(publisher="Example News"), gazetteer=_gazetteer())
    except StrikegraphError:
        return False
    finally:
        path.unlink()
    trig = document_trig(prepared)
    parsed = Dataset()
    parsed.parse(data=trig, format="trig")
    ours = _WORK / f"round-{next(_COUNTER)}.trig"
    ours.write_text(trig, encoding="utf-8")
    try:
        loaded = parse_file(ours)
    finally:
        ours.unlink()
    by_graph: dict[Any, Graph] = defaultdict(Graph)
    for s, p, o, g in loaded:
        by_graph[g].add((s, p, o))
    for name, triples in prepared.graphs.items():
        expected = Graph()
        for triple in triples:
            expected.add(triple)
        assert isomorphic(expected, parsed.graph(name)), f"rdflib round-trip differs: {name}"
        assert isomorphic(expected, by_graph[name]), f"our loader's round-trip differs: {name}"
    return True


def check_read_bytes(data: bytes) -> None:
    """Reading arbitrary bytes as a document gives text or a StrikegraphError."""
    path = _WORK / f"raw-{next(_COUNTER)}.txt"
    path.write_bytes(data)
    (path.with_name(f"{path.stem}.meta.yaml")).write_text("title: fuzz\n")
    try:
        prepare(path, gazetteer=_gazetteer())
    except StrikegraphError:
        pass
    finally:
        path.unlink()
        path.with_name(f"{path.stem}.meta.yaml").unlink()


def check_loader(suffix: str, data: bytes) -> None:
    """The RDF loader raises only our errors, whatever the bytes."""
    path = _WORK / f"data-{next(_COUNTER)}{suffix}"
    path.write_bytes(data)
    try:
        parse_file(path)
    except StrikegraphError:
        pass
    finally:
        path.unlink()


def check_request_parsing(
    method: str, query: str, content_type: str | None, body: bytes, accept: str | None
) -> None:
    """Request parsing and negotiation raise only ProtocolError with a 4xx status."""
    for call in (
        lambda: parse_request(method, query, content_type, body),
        lambda: negotiate(accept, "select", None),
        lambda: negotiate(accept, "graph", query[:10] or None),
        lambda: service_iris(body.decode("utf-8", "replace")),
    ):
        try:
            call()
        except ProtocolError as exc:
            assert 400 <= exc.status < 500, (exc.status, exc.message)
    parse_accept(accept)
    wants_html(accept)


def check_endpoint(
    client: Any, method: str, query: str, content_type: str | None, body: bytes, accept: str | None
) -> int:
    """A whole request through the app: never a 5xx (503 = overloaded/timeout is allowed)."""
    headers: dict[str, bytes] = {}  # bytes: any latin-1 text travels as the client sent it
    if content_type is not None:
        headers["content-type"] = content_type.encode("latin-1", "replace")
    if accept is not None:
        headers["accept"] = accept.encode("latin-1", "replace")
    from urllib.parse import quote

    target = f"/sparql?{quote(query, safe='=&%+;/?:@')}"  # any text, as a client would send it
    response = client.request(method, target, content=body, headers=headers)
    assert response.status_code < 500 or response.status_code == 503, (
        response.status_code,
        response.text[:200],
    )
    return int(response.status_code)


_GAZETTEER: list[Any] = []


def _gazetteer() -> Any:
    if not _GAZETTEER:
        _GAZETTEER.append(load_gazetteer())
    return _GAZETTEER[0]


def header_text() -> st.SearchStrategy[str]:
    """Text that can travel in an HTTP header (latin-1, no line breaks)."""
    return st.text(
        st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=40
    )


def methods() -> st.SearchStrategy[str]:
    return st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"])


def content_types() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(MEDIA), header_text())


def bodies() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=80),
        st.sampled_from(QUERIES).map(str.encode),
        st.sampled_from(QUERIES).map(lambda q: f"query={_quote(q)}".encode()),
        query_strings().map(lambda s: s.encode("utf-8")),
    )


# -- tests -----------------------------------------------------------------------------------


@FUZZ
@given(texts())
def test_ingest_never_crashes_and_round_trips(text: str) -> None:
    check_ingest(text)


def test_news_like_text_is_accepted_and_round_trips() -> None:
    text = "Germany has allowed Ukraine to use German weapons against targets in Russia."
    assert check_ingest(text)


@FUZZ
@given(st.binary(max_size=300))
def test_reading_arbitrary_bytes(data: bytes) -> None:
    check_read_bytes(data)


@FUZZ
@given(rdf_inputs())
def test_loader_raises_only_our_errors(case: tuple[str, bytes]) -> None:
    check_loader(*case)


@settings(FUZZ, max_examples=100)
@given(methods(), query_strings(), content_types(), bodies(), accepts())
def test_request_parsing_never_5xx(
    method: str, query: str, content_type: str | None, body: bytes, accept: str | None
) -> None:
    check_request_parsing(method, query, content_type, body, accept)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with warnings.catch_warnings():  # starlette's notice about httpx
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from strikegraph.build import build
    from strikegraph.serve.app import ServeConfig, create_app
    from strikegraph.serve.limits import Limits

    store = tmp_path_factory.mktemp("fuzz") / "store"
    build(store, validate=False)
    config = ServeConfig(store=str(store), limits=Limits(workers=1, timeout=10))
    with TestClient(create_app(config)) as test_client:
        yield test_client


def test_endpoint_never_5xx(client: Any) -> None:
    @settings(FUZZ, max_examples=40)
    @given(
        methods(),
        query_strings(),
        content_types(),
        bodies(),
        st.one_of(st.none(), header_text()),
    )
    def run(
        method: str, query: str, content_type: str | None, body: bytes, accept: str | None
    ) -> None:
        check_endpoint(client, method, query, content_type, body, accept)

    run()
    assert client.get("/sparql", params={"query": QUERIES[0]}).status_code == 200


@pytest.mark.parametrize("key", ["default-graph-uri", "named-graph-uri"])
def test_endpoint_invalid_graph_iri_is_a_400(client: Any, key: str) -> None:
    """Found by benchmarks/fuzz.py: a graph IRI with a space used to crash the worker (500)."""
    response = client.get("/sparql", params={"query": QUERIES[0], key: "not an IRI"})
    assert response.status_code == 400, response.text
    assert "not a valid IRI" in response.text
