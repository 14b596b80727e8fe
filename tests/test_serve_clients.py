"""Real SPARQL clients that know nothing of strikegraph get the CLI's answers from `serve`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from serve_support import running_server, seed_store
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from typer.testing import CliRunner

from strikegraph.cli import app as cli_app
from strikegraph.queries import bind_parameters, get_query, list_queries
from strikegraph.sparqltext import inject_values


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_store(tmp_path_factory.mktemp("clients"))


@pytest.fixture(scope="module")
def endpoint(store: Path) -> Iterator[str]:
    with running_server(str(store), "--workers", "2") as url:
        yield url + "/sparql"


def _cli_json(store: Path, name: str) -> dict:
    result = CliRunner().invoke(cli_app, ["query", name, "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _bindings_as_tuples(doc: dict) -> list[tuple]:
    names = doc["head"]["vars"]
    return [
        tuple(
            (
                b[n]["type"].replace("typed-literal", "literal"),
                b[n]["value"],
                b[n].get("xml:lang"),
                b[n].get("datatype"),
            )
            if n in b
            else None
            for n in names
        )
        for b in doc["results"]["bindings"]
    ]


def _select_names() -> list[str]:
    return [q.name for q in list_queries() if q.form == "SELECT"]


def _bound_text(name: str) -> str:
    query = get_query(name)
    return inject_values(query.text, bind_parameters(query, {}))


@pytest.mark.parametrize("name", _select_names())
def test_sparqlwrapper_json_matches_the_cli(endpoint: str, store: Path, name: str) -> None:
    expected = _cli_json(store, name)
    client = SPARQLWrapper(endpoint)
    client.setQuery(_bound_text(name))
    # SPARQLWrapper guesses the query form with a regex, which some of the commented named
    # queries fool into "ADD" (an update); say what it is, as a client of such text would
    client.queryType = "SELECT"
    client.setReturnFormat(JSON)
    got = client.query().convert()
    assert got["head"]["vars"] == expected["head"]["vars"]
    assert _bindings_as_tuples(got) == _bindings_as_tuples(expected)


def test_sparqlwrapper_post_xml_and_csv(endpoint: str, store: Path) -> None:
    expected = _cli_json(store, "unrestricted-permissions")
    rows = _bindings_as_tuples(expected)
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(_bound_text("unrestricted-permissions"))
    client.queryType = "SELECT"
    client.setReturnFormat(XML)
    document = client.query().convert()  # an xml.dom.minidom Document
    results = document.getElementsByTagName("result")
    assert len(results) == len(rows)
    client.setReturnFormat(CSV)
    text = client.query().convert().decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == expected["head"]["vars"]
    assert [tuple(r) for r in table[1:]] == [
        tuple("" if cell is None else cell[1] for cell in row) for row in rows
    ]


def test_sparqlwrapper_construct_turtle(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(
        "CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
        "?s a <https://w3id.org/strikegraph/ontology#State> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    graph = Graph().parse(data=data, format="turtle")
    assert (URIRef("https://w3id.org/strikegraph/id/state/ukraine"), None, None) in graph


def _term_key(term: object) -> tuple:
    if term is None:
        return ("",)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        return ("literal", str(term), term.language, str(term.datatype) if term.datatype else None)
    return ("uri", str(term))


@pytest.mark.parametrize("name", _select_names())
def test_rdflib_sparqlstore_matches_the_cli(endpoint: str, store: Path, name: str) -> None:
    expected = _cli_json(store, name)
    remote = SPARQLStore(query_endpoint=endpoint, returnFormat="json")
    graph = Graph(store=remote)
    result = graph.query(_bound_text(name))
    names = [str(v) for v in result.vars or []]
    assert names == expected["head"]["vars"]
    got = [tuple(_term_key(row[i]) for i in range(len(names))) for row in result]  # type: ignore[index]
    want = [
        tuple(
            ("",)
            if cell is None
            else ("uri", cell[1])
            if cell[0] == "uri"
            else ("bnode",)
            if cell[0] == "bnode"
            else ("literal", cell[1], cell[2], cell[3])
            for cell in row
        )
        for row in _bindings_as_tuples(expected)
    ]
    assert got == want


def test_rdflib_sparqlstore_ask_and_post(endpoint: str) -> None:
    remote = SPARQLStore(query_endpoint=endpoint, method="POST_FORM", returnFormat="xml")
    graph = Graph(store=remote)
    answer = graph.query("ASK { ?x a <https://w3id.org/strikegraph/ontology#Prohibition> }")
    assert answer.askAnswer is True
