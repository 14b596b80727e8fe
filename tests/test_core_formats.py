"""Every result format parses back with a standard reader."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from strikegraph.formats import RESULT_FORMATS, render
from strikegraph.namespaces import SGID
from strikegraph.results import QueryResult

ROWS: list[tuple[object, ...]] = [
    (SGID["state/ukraine"], Literal("Ukraine", lang="en"), Literal(42), BNode("b1")),
    (URIRef("https://example.org/x"), Literal('comma, "quote"\nnew\tline'), None, None),
]
RESULT = QueryResult("SELECT", variables=["thing", "label", "n", "node"], rows=ROWS)  # type: ignore[arg-type]


def test_csv_parses_back() -> None:
    text = render(RESULT, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["thing", "label", "n", "node"]
    assert rows[1] == [str(SGID["state/ukraine"]), "Ukraine", "42", "_:b1"]
    assert rows[2] == ["https://example.org/x", 'comma, "quote"\nnew\tline', "", ""]
    assert text.endswith("\r\n")


def test_tsv_parses_back() -> None:
    lines = render(RESULT, "tsv").splitlines()
    assert lines[0].split("\t") == ["?thing", "?label", "?n", "?node"]
    assert lines[1].split("\t") == [
        f"<{SGID['state/ukraine']}>",
        '"Ukraine"@en',
        f'"42"^^<{XSD.integer}>',
        "_:b1",
    ]
    assert lines[2].split("\t") == [
        "<https://example.org/x>",
        r'"comma, \"quote\"\nnew\tline"',
        "",
        "",
    ]
    assert len(lines) == 3, "newlines and tabs inside values are escaped"


def test_json_parses_back() -> None:
    document = json.loads(render(RESULT, "json"))
    assert document["head"]["vars"] == ["thing", "label", "n", "node"]
    first, second = document["results"]["bindings"]
    assert first["thing"] == {"type": "uri", "value": str(SGID["state/ukraine"])}
    assert first["label"] == {"type": "literal", "value": "Ukraine", "xml:lang": "en"}
    assert first["n"] == {"type": "literal", "value": "42", "datatype": str(XSD.integer)}
    assert first["node"] == {"type": "bnode", "value": "b1"}
    assert set(second) == {"thing", "label"}, "unbound variables are left out"


def test_table_uses_curies() -> None:
    text = render(RESULT, "table")
    assert (
        "state:ukraine" in text
        and "Ukraine" in text
        and "Ukraine@en" not in text
        and "2 rows" in text
    )


def test_ask_in_every_format() -> None:
    result = QueryResult("ASK", boolean=True)
    assert json.loads(render(result, "json")) == {"head": {}, "boolean": True}
    assert list(csv.reader(io.StringIO(render(result, "csv")))) == [["boolean"], ["true"]]
    assert render(result, "tsv").splitlines()[1] == "true"
    assert render(result, "table").strip() == "true"


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
def test_graph_results_are_turtle(fmt: str) -> None:
    graph = Graph()
    graph.add((SGID["claim/a"], URIRef("https://example.org/p"), Literal("x")))
    text = render(QueryResult("CONSTRUCT", graph=graph), fmt)
    parsed = Graph().parse(data=text, format="turtle")
    assert len(parsed) == 1


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown result format"):
        render(RESULT, "xml")
