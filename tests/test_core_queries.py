"""Named queries: headers, parameters, binding semantics and errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef, Variable
from rdflib.namespace import XSD

from strikegraph.errors import ParameterError, QueryError
from strikegraph.load import load_project
from strikegraph.namespaces import SGID, WD
from strikegraph.queries import bind_parameters, get_query, list_queries, parse_query, run_query
from strikegraph.sparqltext import inject_values, query_form, variables
from strikegraph.store import Store, open_store

AUTH = SGID["authorization/us-ua-atacms"]


@pytest.fixture
def targets(core_tree: Path) -> list[object]:
    """The same data in rdflib's in-memory engine and in an Oxigraph store."""
    dataset = load_project(core_tree)
    store = open_store(memory=True)
    store.replace_all(dataset)
    return [dataset, store]


def test_list_queries(core_tree: Path) -> None:
    queries = {q.name: q for q in list_queries(core_tree)}
    assert sorted(queries) == ["authorizations", "documents", "evidence", "has-label"]
    auth = queries["authorizations"]
    assert auth.summary == "Authorizations granted to a state, with their grantor"
    assert auth.tags == ("rules",) and auth.form == "SELECT"
    assert "published on or before" in (auth.description or "")
    grantee, asof = auth.params
    assert (grantee.name, grantee.variable, grantee.type, grantee.required) == (
        "grantee",
        "_grantee_iri",
        "iri",
        True,
    )
    assert grantee.default == "state/ukraine"
    assert grantee.description == "the state that receives the permission"
    assert (asof.name, asof.type, asof.required, asof.default) == ("asof", "date", False, None)
    assert queries["documents"].params[0].type == "integer"
    assert queries["has-label"].params[0].type == "literal"
    assert queries["evidence"].form == "CONSTRUCT"


def test_defaults_and_required(core_tree: Path) -> None:
    auth = get_query("authorizations", core_tree)
    assert bind_parameters(auth, {}) == {Variable("_grantee_iri"): SGID["state/ukraine"]}
    evidence = get_query("evidence", core_tree)
    with pytest.raises(ParameterError, match="missing required parameter 'thing'"):
        bind_parameters(evidence, {})
    with pytest.raises(ParameterError, match=r"unknown parameter 'grante'.*valid: grantee, asof"):
        bind_parameters(auth, {"grante": "state/ukraine"})
    # The variable name is accepted as well as the parameter name.
    assert (
        bind_parameters(auth, {"_grantee_iri": "state/russia"})[Variable("_grantee_iri")]
        == (SGID["state/russia"])
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("state/ukraine", SGID["state/ukraine"]),
        ("sgid:state/ukraine", SGID["state/ukraine"]),
        ("<https://w3id.org/strikegraph/id/state/ukraine>", SGID["state/ukraine"]),
        ("https://w3id.org/strikegraph/id/state/ukraine", SGID["state/ukraine"]),
        ("wd:Q212", WD["Q212"]),
        ("urn:example:x", URIRef("urn:example:x")),
    ],
)
def test_iri_shorthands(core_tree: Path, value: str, expected: URIRef) -> None:
    auth = get_query("authorizations", core_tree)
    assert bind_parameters(auth, {"grantee": value})[Variable("_grantee_iri")] == expected


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("grantee", "Ukraine", "expects an IRI"),
        ("grantee", "nope:thing", "expects an IRI"),
        ("grantee", "<https://example.org/has space>", "expects an IRI"),
        ("asof", "30/05/2024", "expects a date"),
        ("asof", "2024-02-30", "expects a date"),
    ],
)
def test_invalid_values(core_tree: Path, name: str, value: str, fragment: str) -> None:
    auth = get_query("authorizations", core_tree)
    with pytest.raises(ParameterError, match=fragment):
        bind_parameters(auth, {name: value})


def test_typed_values(core_tree: Path) -> None:
    docs = get_query("documents", core_tree)
    assert bind_parameters(docs, {"minlength": "+10"}) == {
        Variable("__minlength_integer"): Literal(10, datatype=XSD.integer)
    }
    with pytest.raises(ParameterError, match="expects an integer"):
        bind_parameters(docs, {"minlength": "ten"})
    auth = get_query("authorizations", core_tree)
    bound = bind_parameters(auth, {"asof": "2024-05-30"})
    assert bound[Variable("__asof_date")] == Literal("2024-05-30", datatype=XSD.date)


def test_optional_parameter_is_seen_by_filters_on_both_engines(
    core_tree: Path, targets: list[object]
) -> None:
    auth = get_query("authorizations", core_tree)
    for target in targets:
        rows = run_query(target, auth, {}).rows  # type: ignore[arg-type]
        assert [row[0] for row in rows] == [AUTH], target
        assert run_query(target, auth, {"asof": "2024-05-30"}).rows == rows  # type: ignore[arg-type]
        assert run_query(target, auth, {"asof": "2024-05-29"}).rows == []  # type: ignore[arg-type]
        assert run_query(target, auth, {"grantee": "state/russia"}).rows == []  # type: ignore[arg-type]
        docs = get_query("documents", core_tree)
        assert len(run_query(target, docs, {"minlength": "186"}).rows) == 1  # type: ignore[arg-type]
        assert run_query(target, docs, {"minlength": "187"}).rows == []  # type: ignore[arg-type]
        label = get_query("has-label", core_tree)
        assert run_query(target, label, {}).boolean is True  # type: ignore[arg-type]
        assert run_query(target, label, {"label": "Narnia"}).boolean is False  # type: ignore[arg-type]
        graph = run_query(
            target, get_query("evidence", core_tree), {"thing": "authorization/us-ua-atacms"}
        ).graph  # type: ignore[arg-type]  # noqa: E501
        assert graph is not None and len(graph) == 3
    if isinstance(targets[1], Store):
        targets[1].close()


def test_both_engines_agree(targets: list[object]) -> None:
    query = "SELECT ?s ?label WHERE { ?s a sg:State ; rdfs:label ?label } ORDER BY ?s"
    memory, oxigraph = (run_query(t, query).rows for t in targets)  # type: ignore[arg-type]
    assert memory == oxigraph and len(memory) == 3


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p }", "SELEKT ?s WHERE { ?s ?p ?o }"])
def test_malformed_sparql(targets: list[object], text: str) -> None:
    for target in targets:
        with pytest.raises(QueryError) as info:
            run_query(target, text)  # type: ignore[arg-type]
        assert "\n" not in str(info.value)


def test_get_query_by_name_path_and_stdin(
    core_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(QueryError, match=r"unknown query 'nope' \(available: authorizations, "):
        get_query("nope", core_tree)
    adhoc = tmp_path / "adhoc.rq"
    adhoc.write_text("SELECT ?s WHERE { ?s a ?_class_iri }\n")
    query = get_query(str(adhoc))
    assert query.name == "adhoc" and query.summary == "" and query.params[0].name == "class"
    with pytest.raises(QueryError, match="no such query file"):
        get_query(str(tmp_path / "missing.rq"))
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { ?s ?p ?o }"))
    assert get_query("-").form == "ASK"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "summary"),
        ("#+ summary: x\n#+ defaults:\n#+   - nothere: 1\nSELECT * { ?s ?p ?o }", "nothere"),
        ("#+ summary: x\n#+ params: [oops\nSELECT * { ?s ?p ?o }", r"invalid '#\+' header"),
        ("#+ summary: x\nSELECT * { ?s ?p ?_a . ?s ?p ?_a_iri }", "written both"),
        ("#+ summary: x\nINSERT DATA { <a:b> <a:c> <a:d> }", "not a SPARQL query"),
    ],
)
def test_bad_query_files(text: str, fragment: str) -> None:
    with pytest.raises(QueryError, match=fragment):
        parse_query(text, "bad")


def test_values_injection_is_placed_in_the_where_group() -> None:
    binding = {Variable("_x"): URIRef("https://example.org/x")}
    construct = '# a comment with { braces }\nCONSTRUCT { ?s <p:q> "{" } WHERE { ?s ?p ?_x }'
    injected = inject_values(construct, binding)
    assert injected.endswith("WHERE { VALUES (?_x) { (<https://example.org/x>) } ?s ?p ?_x }")
    select = "SELECT (EXISTS { ?a ?b ?c } AS ?e) ?_x WHERE { ?_x ?p ?o }"
    assert "WHERE { VALUES (?_x)" in inject_values(select, binding)
    with pytest.raises(QueryError, match="short form"):
        inject_values("CONSTRUCT WHERE { ?s ?p ?_x }", binding)
    assert variables('SELECT ?a WHERE { ?a <p:b> "?notavar" ; <p:c> $b } # ?c') == ["a", "b"]
    assert query_form("PREFIX ask: <p:> select * { ?s ?p ?o }") == "SELECT"


def test_values_injection_reaches_subqueries_that_name_the_parameter() -> None:
    """A parameter is one constant in the whole query: a subquery that names it (to aggregate
    only the rows about it) gets its own VALUES block, in its own WHERE group only (not in
    front of a sub-select inside it), and not where it projects the parameter."""
    binding = {Variable("_g"): URIRef("https://example.org/g")}
    values = "VALUES (?_g) { (<https://example.org/g>) }"
    text = (
        "SELECT ?r ?n WHERE { ?r <p:a> ?_g . "
        "OPTIONAL { SELECT ?r (COUNT(?x) AS ?n) WHERE { "
        "{ SELECT ?r ?x WHERE { ?r <p:a> ?_g ; <p:b> ?x } ORDER BY ?x } } GROUP BY ?r } "
        "OPTIONAL { SELECT ?r ?_g WHERE { ?r <p:c> ?_g } } "
        "OPTIONAL { SELECT ?r WHERE { ?r <p:d> ?o } } }"
    )
    injected = inject_values(text, binding)
    assert injected.count(values) == 2
    assert f"SELECT ?r ?n WHERE {{ {values} ?r <p:a> ?_g" in injected
    assert f"{{ SELECT ?r ?x WHERE {{ {values} ?r <p:a> ?_g ; <p:b> ?x }}" in injected
    assert "GROUP BY ?r } OPTIONAL { SELECT ?r ?_g WHERE { ?r <p:c> ?_g } }" in injected
    assert "SELECT ?r (COUNT(?x) AS ?n) WHERE { {" in injected


def test_literal_parameter_escaping(targets: list[object]) -> None:
    query = '#+ summary: t\nASK { FILTER (?_text = "a \\"quoted\\" {brace}\\n") }'
    for target in targets:
        result = run_query(target, query, {"text": 'a "quoted" {brace}\n'})  # type: ignore[arg-type]
        assert result.boolean is True
