"""The SPARQL 1.1 Protocol endpoint: formats, negotiation, errors, limits, update, CORS."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from serve_support import copy_store, running_server, seed_store

from strikegraph.formats import render
from strikegraph.queries import list_queries, run_query
from strikegraph.serve.protocol import negotiate, parse_accept, service_iris
from strikegraph.store import open_store

SG = "https://w3id.org/strikegraph/ontology#"
STATES = f"SELECT ?s ?l WHERE {{ ?s a <{SG}State> ; rdfs:label ?l }} ORDER BY ?s"
SRX = "{http://www.w3.org/2005/sparql-results#}"
SPARQL_UPDATE = "application/sparql-update"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_store(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[str]:
    # a generous time limit: under a loaded machine a resource page (five queries) can take
    # seconds; the time limit itself is tested in test_hostile_queries.py with its own server
    with running_server(
        str(store), "--workers", "2", "--timeout", "30", "--max-rows", "200"
    ) as url:
        yield url


@pytest.fixture(scope="module")
def update_server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    private = copy_store(store, tmp_path_factory.mktemp("update") / "store")
    with running_server(
        str(private), "--workers", "1", "--enable-update", "--update-token", "s3cret"
    ) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def _expected_states(store: Path) -> list[tuple[str, str]]:
    with open_store(store, read_only=True) as opened:
        result = opened.query(STATES)
    return [(str(s), str(label)) for s, label in result.rows]


# -- unit level ------------------------------------------------------------------------------


def test_accept_q_values_are_ranked() -> None:
    ranked = parse_accept("text/csv;q=0.5, application/sparql-results+xml, */*;q=0.1")
    assert [m for m, _ in ranked] == ["application/sparql-results+xml", "text/csv", "*/*"]
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", "select") == "xml"
    assert negotiate("text/html, */*;q=0.8", "select") == "json"
    assert negotiate("text/html, */*;q=0.8", "graph") == "turtle"
    assert negotiate(None, "select", "tsv") == "tsv"


def test_service_is_found_by_parsing_not_by_text() -> None:
    assert service_iris('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE <http://x/>') == []
    assert service_iris("SELECT * WHERE { ?s sg:SERVICE ?o }") == []
    found = service_iris(
        "PREFIX e: <http://e.example/> SELECT * WHERE { SERVICE SILENT e:sparql { ?s ?p ?o } "
        "SERVICE ?where { ?a ?b ?c } }"
    )
    assert found == ["http://e.example/sparql", None]


# -- result formats --------------------------------------------------------------------------


def test_select_in_every_format_by_accept(client: httpx.Client, store: Path) -> None:
    expected = _expected_states(store)
    assert expected
    r = client.get(
        "/sparql", params={"query": STATES}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    doc = r.json()
    assert doc["head"]["vars"] == ["s", "l"]
    got = [(b["s"]["value"], b["l"]["value"]) for b in doc["results"]["bindings"]]
    assert got == expected
    assert doc["results"]["bindings"][0]["l"]["xml:lang"] == "en"

    r = client.get(
        "/sparql", params={"query": STATES}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(r.content)
    names = [v.get("name") for v in root.iter(SRX + "variable")]
    assert names == ["s", "l"]
    rows = []
    for result in root.iter(SRX + "result"):
        values = {b.get("name"): next(iter(b)).text for b in result}
        rows.append((values["s"], values["l"]))
    assert rows == expected

    r = client.get("/sparql", params={"query": STATES}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(r.text)))
    assert table[0] == ["s", "l"]
    assert [tuple(row) for row in table[1:]] == expected

    r = client.get(
        "/sparql", params={"query": STATES}, headers={"Accept": "text/tab-separated-values"}
    )
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    lines = r.text.rstrip("\n").split("\n")
    assert lines[0] == "?s\t?l"
    assert lines[1] == f'<{expected[0][0]}>\t"{expected[0][1]}"@en'


def test_get_form_post_and_direct_post_agree(client: httpx.Client) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    by_get = client.get("/sparql", params={"query": STATES}, headers=accept).json()
    by_form = client.post("/sparql", data={"query": STATES}, headers=accept).json()
    by_body = client.post(
        "/sparql",
        content=STATES.encode(),
        headers={**accept, "Content-Type": "application/sparql-query"},
    ).json()
    assert by_get == by_form == by_body


def test_format_parameter_and_q_values(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": STATES, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get(
        "/sparql",
        params={"query": STATES},
        headers={"Accept": "text/csv;q=0.4, application/sparql-results+xml;q=0.9"},
    )
    assert r.headers["content-type"].startswith("application/sparql-results+xml")


def test_ask(client: httpx.Client) -> None:
    ask = f"ASK {{ ?x a <{SG}Authorization> }}"
    assert client.get("/sparql", params={"query": ask}).json() == {"head": {}, "boolean": True}
    r = client.get(
        "/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert ET.fromstring(r.content).find(SRX + "boolean").text == "true"  # type: ignore[union-attr]


def test_construct_and_describe_in_rdf_formats(client: httpx.Client, store: Path) -> None:
    pattern = f"?s a <{SG}State> ; rdfs:label ?l"
    construct = f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}"
    with open_store(store, read_only=True) as opened:
        expected = opened.query(construct).graph
    assert expected is not None and len(expected) > 10
    for accept, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ):
        r = client.post("/sparql", data={"query": construct}, headers={"Accept": accept})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(accept)
        graph = Graph().parse(data=r.text, format=fmt)
        assert set(graph) == set(expected), accept
    ukraine = URIRef("https://w3id.org/strikegraph/id/state/ukraine")
    r = client.get(
        "/sparql", params={"query": f"DESCRIBE <{ukraine}>"}, headers={"Accept": "text/turtle"}
    )
    graph = Graph().parse(data=r.text, format="turtle")
    assert (ukraine, RDF.type, URIRef(SG + "State")) in graph


def test_named_queries_over_http_match_the_cli(client: httpx.Client, store: Path) -> None:
    queries = client.get("/api/queries").json()
    assert {q["name"] for q in queries} == {q.name for q in list_queries()}
    with open_store(store, read_only=True) as opened:
        for query in list_queries():
            if query.form not in ("SELECT", "ASK"):
                continue
            expected = json.loads(render(run_query(opened, query), "json"))
            r = client.get(
                f"/api/queries/{query.name}", headers={"Accept": "application/sparql-results+json"}
            )
            assert r.status_code == 200, (query.name, r.text)
            assert r.json() == expected, query.name


def test_named_query_parameters(client: httpx.Client) -> None:
    r = client.get("/api/queries/is-permitted", params={"nosuch": "x"})
    assert r.status_code == 400
    assert "unknown parameter" in r.text
    r = client.get("/api/queries/no-such-query")
    assert r.status_code == 404


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "text"),
    [
        ("GET", {"params": {"query": "SELECT WHERE {"}}, 400, "malformed"),
        ("GET", {"params": {"query": "   "}}, 400, "empty"),
        ("GET", {"params": {"query": "not sparql at all"}}, 400, "malformed"),
        (
            "GET",
            {"params": {"query": "SELECT * WHERE { ?s ?p ?o }", "format": "pdf"}},
            400,
            "unknown format",
        ),
        (
            "GET",
            {"params": {"query": "SELECT * WHERE {?s ?p ?o}"}, "headers": {"Accept": "image/png"}},
            406,
            "cannot produce",
        ),
        (
            "POST",
            {"content": b"SELECT * {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "unsupported Content-Type",
        ),
        (
            "POST",
            {"content": b"x=1", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            400,
            "no 'query'",
        ),
        ("PUT", {"content": b"x"}, 405, ""),
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than once"),
        (
            "GET",
            {
                "params": {
                    "query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
                }
            },
            400,
            "SERVICE",
        ),
        ("GET", {"params": {"update": "DROP ALL"}}, 400, "POST"),
        ("POST", {"data": {"update": "DROP ALL"}}, 403, "disabled"),
        (
            "POST",
            {"data": {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 200_000}},
            413,
            "larger",
        ),
    ],
)
def test_bad_requests_get_the_right_4xx(
    client: httpx.Client, method: str, kwargs: dict, status: int, text: str
) -> None:
    r = client.request(method, "/sparql", **kwargs)
    assert r.status_code == status, r.text
    assert text in r.text


def test_result_cap_truncates_and_says_so(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 200
    assert r.headers["x-strikegraph-truncated"] == "true"
    assert r.headers["x-strikegraph-row-limit"] == "200"
    assert "truncated" in r.headers["warning"]
    small = client.get("/sparql", params={"query": STATES})
    assert "x-strikegraph-truncated" not in small.headers


def test_service_description(client: httpx.Client) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = list(graph.objects(None, URIRef(sd + "endpoint")))
    assert [str(e) for e in endpoints] == [str(client.base_url) + "/sparql"]
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in graph
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    browser = client.get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303


def test_cors(client: httpx.Client) -> None:
    r = client.options(
        "/sparql",
        headers={
            "Origin": "http://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] in ("*", "http://example.org")
    r = client.get("/sparql", params={"query": STATES}, headers={"Origin": "http://example.org"})
    assert r.headers["access-control-allow-origin"] in ("*", "http://example.org")
    assert "x-strikegraph-truncated" in r.headers["access-control-expose-headers"].lower()


# -- pages -----------------------------------------------------------------------------------


def test_resource_page_shows_labels_types_properties_and_evidence(client: httpx.Client) -> None:
    iri = "https://w3id.org/strikegraph/id/authorization/us-kharkiv-counter-fire-2024"
    r = client.get("/resource", params={"iri": iri})
    assert r.status_code == 200
    page = r.text
    assert "US authorization of counter-fire" in page
    assert "Types:" in page and "Incoming links" in page and "Evidence" in page
    assert "counter-fire purposes in Kharkov" in page  # an evidence quote
    assert client.get("/resource", params={"iri": "not an iri"}).status_code == 400
    unknown = client.get("/resource", params={"iri": "urn:nothing:here"})
    assert unknown.status_code == 200 and "Nothing is known" in unknown.text


def test_index_and_view_pages(client: httpx.Client) -> None:
    page = client.get("/").text
    assert 'id="named"' in page and "permitted-uses" in page
    assert "cdn" not in page.lower() and "https://" not in page.split("<script id=")[0]
    assert client.get("/static/app.js").status_code == 200
    view = client.get("/view/rifts")
    assert view.status_code == 200
    assert "cytoscape" in view.text.lower()
    assert client.get("/view/nosuch").status_code == 404


# -- update ----------------------------------------------------------------------------------


def test_update_needs_the_token(update_server: str) -> None:
    insert = 'INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> "c" } }'
    ask = 'ASK { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> "c" } }'
    with httpx.Client(base_url=update_server, timeout=60) as c:
        r = c.post("/sparql", data={"update": insert})
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        r = c.post("/sparql", data={"update": insert}, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 403
        assert c.get("/sparql", params={"query": ask}).json()["boolean"] is False
        r = c.post(
            "/sparql",
            content=insert.encode(),
            headers={"Authorization": "Bearer s3cret", "Content-Type": "application/sparql-update"},
        )
        assert r.status_code == 204, r.text
        assert c.get("/sparql", params={"query": ask}).json()["boolean"] is True
        r = c.post(
            "/sparql", data={"update": "INSERT DATA {"}, headers={"Authorization": "Bearer s3cret"}
        )
        assert r.status_code == 400
        # only the token holder may send an update-sized body: without it the query limit
        # (100 kB) applies, before the body is read
        big = 'INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:big> "%s" } }' % (
            "x" * 200_000
        )
        r = c.post("/sparql", content=big.encode(), headers={"Content-Type": SPARQL_UPDATE})
        assert r.status_code == 413
        r = c.post(
            "/sparql",
            content=big.encode(),
            headers={"Content-Type": SPARQL_UPDATE, "Authorization": "Bearer s3cret"},
        )
        assert r.status_code == 204, r.text
        sd = c.get("/sparql", headers={"Accept": "text/turtle"}).text
        assert "SPARQL11Update" in sd
    assert Literal("c")  # keep the import honest
