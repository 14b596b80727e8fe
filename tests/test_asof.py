"""Every named query asked "as of" a day: it sees only what the graph knew then.

The graph here is the seed (article-001, issued 30 May 2024) plus two later documents: a
made-up one of 20 September 2024 (a Dutch "as it sees fit" permission for F-16s and NATO
pressure on Biden) and gold document 04 of 17 November 2024 (the US ATACMS authorization for
strikes inside Russia). For every query in queries/, as of a day between the seed and the later
documents the rows are exactly the seed's (the same query on a store holding only the seed); as
of a day after them, exactly those of the whole graph, which include the later documents' rows;
as of a day before the seed, none. Those comparisons run on Oxigraph; rdflib's engine
(about a minute per day for all of them) must give the same rows for every query before the
seed and for two queries in between (tests/test_queries.py already holds the two engines to
the same rows on the seed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node
from reasoning_helpers import claim, gold, with_documents, write_document
from typer.testing import CliRunner

from strikegraph.cli import app
from strikegraph.errors import ParameterError, QueryError
from strikegraph.load import load_project
from strikegraph.queries import (
    as_of_day,
    bind_parameters,
    get_query,
    list_queries,
    parse_query,
    run_query,
    visible_graphs,
)
from strikegraph.results import QueryResult
from strikegraph.store import Store, open_store

QUERIES = Path(__file__).resolve().parents[1] / "queries"
SGID = "https://w3id.org/strikegraph/id/"
SGG = SGID + "graph/"
BEFORE_SEED = "2024-05-01"  # nothing known yet: the seed was issued on 30 May 2024
SEED_ONLY = "2024-06-15"  # the seed, not yet the later documents
BETWEEN = "2024-10-01"  # the seed and the made-up September document, not yet gold 04
LATER = "2024-12-01"  # everything

DUTCH = "authorization/netherlands-f-16-as-it-sees-fit"
RUTTE = "pressure/rutte-presses-biden-2024-09"
ATACMS = "authorization/us-atacms-strikes-inside-russia-2024-11"


def _september_document(folder: Path) -> Path:
    """A made-up document of 20 September 2024 (pressure: and issue: IRIs written in full,
    the helpers declare no prefix for them)."""
    sentences = [
        "The Netherlands lets Ukraine use its F-16s as it sees fit",
        "Ukraine may use the Dutch F-16 jets as it sees fit, also over Russia, the minister said.",
        "NATO's Mark Rutte pressed Joe Biden to lift the limits on US long-range weapons.",
    ]
    body = f"""
<{SGID}{DUTCH}> a sg:Authorization ;
    rdfs:label "The Netherlands lets Ukraine use Dutch F-16s as it sees fit"@en ;
    sg:grantor state:netherlands ; sg:grantee state:ukraine ; sg:action sg:UseWeapons ;
    sg:weaponScope weapon:f-16 ; sg:isUnrestricted true .
<{SGID}{RUTTE}> a sg:Pressure ;
    rdfs:label "Rutte presses Biden to lift the limits on US long-range weapons"@en ;
    sg:pressureTarget person:joe-biden ; sg:exertedBy person:mark-rutte ;
    sg:onIssue <{SGID}issue/us-long-range-strikes-in-russia> .
"""
    body += claim("98-asof-dutch", "98-asof", f"<{SGID}{DUTCH}>", 1, "Dutch F-16s, as it sees fit")
    body += claim("98-asof-rutte", "98-asof", f"<{SGID}{RUTTE}>", 2, "Rutte presses Biden")
    return write_document(folder, "98-asof", "2024-09-20", sentences, body)


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Dataset, Store]]:
    """The seed alone and the seed with both later documents, on rdflib and on Oxigraph."""
    seed = load_project()
    later = with_documents(
        _september_document(tmp_path_factory.mktemp("asof")),
        *gold("04-atacms-kursk"),
        base=seed,
    )
    out = {}
    for name, dataset in (("seed", seed), ("later", later)):
        store = open_store(memory=True)
        store.replace_all(dataset)
        out[name] = (dataset, store)
    return out


def _key(term: Node | None) -> tuple[str, str, str] | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return (str(term), str(term.datatype or ""), term.language or "")
    return (str(term), type(term).__name__, "")


def _rows(result: QueryResult) -> list[list[tuple[str, str, str] | None]]:
    return [[_key(t) for t in row] for row in result.rows]


def run(engines: tuple[Dataset, Store], name: str, params: dict[str, str]) -> QueryResult:
    """Run on Oxigraph."""
    return run_query(engines[1], get_query(name), params)


def run_both(engines: tuple[Dataset, Store], name: str, params: dict[str, str]) -> QueryResult:
    """Run on Oxigraph and on rdflib; they must agree."""
    dataset, store = engines
    query = get_query(name)
    fast = run_query(store, query, params)
    portable = run_query(dataset, query, params)
    assert fast.variables == portable.variables
    assert _rows(fast) == _rows(portable), f"{name} {params}: rdflib and Oxigraph disagree"
    return fast


def _values(result: QueryResult, column: str) -> set[str]:
    return {str(row[column]) for row in result.as_dicts() if column in row}


# For each query: parameters that make the later documents matter, and a column and value that
# only the later documents bring.
CASES: dict[str, tuple[dict[str, str], str, str]] = {
    "claims-by-source": ({}, "claim", SGID + "claim/04-atacms-kursk-official-authorization"),
    "is-permitted": (
        {"weapon": "weapon/atacms", "target": "territory/russian-interior", "date": "2024-11-20"},
        "rule",
        SGID + ATACMS,
    ),
    "permitted-uses": ({}, "rule", SGID + ATACMS),
    "pressure-on-decision-maker": ({}, "item", SGID + RUTTE),
    "rifts": ({}, "document", SGID + "document/04-atacms-kursk"),
    "territories": ({}, "graph", SGG + "04-atacms-kursk/curated"),
    "timeline": ({}, "thing", SGID + "document/04-atacms-kursk"),
    "unrestricted-permissions": ({}, "rule", SGID + DUTCH),
    "weapon-systems": ({}, "related", SGID + ATACMS),
}


#: The parameters that apply the validity cut of asof alone, on LATER.
VALID_ON = {"permitted-uses": {"validon": LATER}, "timeline": {"until": LATER}}


def test_every_query_has_an_asof_case() -> None:
    assert sorted(CASES) == sorted(path.stem for path in QUERIES.glob("*.rq"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_as_of(graphs: dict[str, tuple[Dataset, Store]], name: str) -> None:
    params, column, marker = CASES[name]
    later = graphs["later"]
    everything = run(later, name, params)
    assert marker in _values(everything, column), f"{name}: the later documents add nothing"
    # Between the seed and the later documents: exactly what the seed alone gives.
    seed_rows = _rows(run(graphs["seed"], name, {**params, "asof": SEED_ONLY}))
    seed_only = run(later, name, {**params, "asof": SEED_ONLY})
    assert seed_only.rows, f"{name}: no rows as of {SEED_ONLY}"
    assert _rows(seed_only) == seed_rows
    assert marker not in _values(seed_only, column)
    # After the later documents: everything the graph holds (with the validity cut of
    # permitted-uses and timeline on that day). Sorted: with two documents, permitted-uses has
    # two rows for the Kharkiv rule (two purposeDescriptions) that its ORDER BY leaves tied.
    assert sorted(map(repr, _rows(run(later, name, {**params, "asof": LATER})))) == sorted(
        map(repr, _rows(run(later, name, {**params, **VALID_ON.get(name, {})})))
    )
    # Before the seed: nothing any document says, on rdflib too.
    assert run_both(later, name, {**params, "asof": BEFORE_SEED}).rows == []


@pytest.mark.parametrize("name", ["unrestricted-permissions", "pressure-on-decision-maker"])
def test_query_as_of_on_rdflib(graphs: dict[str, tuple[Dataset, Store]], name: str) -> None:
    """rdflib's engine sees the same graphs: the September document, not yet gold 04."""
    params, column, marker = CASES[name]
    between = run_both(graphs["later"], name, {**params, "asof": BETWEEN})
    assert marker in _values(between, column)
    assert SGID + "document/04-atacms-kursk" not in _values(between, "document")


def test_a_document_counts_from_its_issue_day(graphs: dict[str, tuple[Dataset, Store]]) -> None:
    """The September document is known from 20 September on, gold 04 from 17 November."""
    later = graphs["later"]
    between = run(later, "unrestricted-permissions", {"asof": BETWEEN})
    assert SGID + DUTCH in _values(between, "rule")
    assert run(later, "unrestricted-permissions", {"asof": "2024-09-19"}).rows == (
        run(later, "unrestricted-permissions", {"asof": SEED_ONLY}).rows
    )
    assert SGID + DUTCH in _values(
        run(later, "unrestricted-permissions", {"asof": "2024-09-20"}), "rule"
    )
    pressure = run(later, "pressure-on-decision-maker", {"asof": BETWEEN})
    assert SGID + RUTTE in _values(pressure, "item")
    uses = run(later, "permitted-uses", {"asof": "2024-11-16"})
    assert SGID + ATACMS not in _values(uses, "rule")
    assert SGID + ATACMS in _values(run(later, "permitted-uses", {"asof": "2024-11-17"}), "rule")


def test_visible_graphs(graphs: dict[str, tuple[Dataset, Store]]) -> None:
    dataset, store = graphs["later"]
    for target in (dataset, store, store.dataset):  # rdflib, Oxigraph, rdflib over Oxigraph
        names = [str(g).removeprefix(SGG) for g in visible_graphs(target, dt.date(2024, 10, 1))]
        assert names == [
            "98-asof/curated",
            "98-asof/source",
            "article-001/curated",
            "article-001/source",
            "outlets",
            "reference",
            "https://w3id.org/strikegraph/ontology",
        ]
        early = visible_graphs(target, dt.date(2024, 5, 1))
        assert [str(g).removeprefix(SGG) for g in early] == [
            "outlets",  # who the outlets are is reference knowledge, always visible
            "reference",
            "https://w3id.org/strikegraph/ontology",
        ]
    rows = run_query(store.dataset, get_query("rifts"), {"asof": SEED_ONLY}).rows
    assert rows == run(graphs["seed"], "rifts", {}).rows


def test_validity_and_knowledge_combine(graphs: dict[str, tuple[Dataset, Store]]) -> None:
    """permitted-uses and timeline keep their validity cut; validon/until apply it alone."""
    later = graphs["later"]
    kharkiv = SGID + "authorization/us-kharkiv-counter-fire-2024"
    # Known today, in force on 1 April 2024: not Kharkiv (valid from about 30 April).
    april = _values(run(later, "permitted-uses", {"validon": "2024-04-01"}), "rule")
    assert kharkiv not in april and SGID + "prohibition/us-strikes-deep-inside-russia" in april
    # Known on 1 December, in force on 1 June: not the November ATACMS authorization.
    june = _values(run(later, "permitted-uses", {"asof": LATER, "validon": "2024-06-01"}), "rule")
    assert kharkiv in june and SGID + ATACMS not in june
    # Known in June, what had begun by 15 May: the seed's early rows, not its publication.
    timeline = run(later, "timeline", {"asof": SEED_ONLY, "until": "2024-05-15"}).as_dicts()
    assert timeline and all(str(r.get("notBefore", "")) <= "2024-05-15" for r in timeline)
    assert not any(str(r["dateRole"]) == "published" for r in timeline)


@pytest.mark.parametrize("value", ["2024-13-01", "June", "2024-06-31", "01/06/2024", ""])
def test_malformed_asof(graphs: dict[str, tuple[Dataset, Store]], value: str) -> None:
    query = get_query("rifts")
    with pytest.raises(ParameterError, match="parameter 'asof' expects a date"):
        bind_parameters(query, {"asof": value})
    with pytest.raises(ParameterError, match="parameter 'asof' expects a date"):
        run_query(graphs["seed"][1], query, {"asof": value})


def test_malformed_asof_on_the_command_line(tmp_path: Path) -> None:
    with Store(tmp_path / "store") as store:
        store.replace_all([(URIRef("urn:x:s"), URIRef("urn:x:p"), URIRef("urn:x:o"), URIRef(SGG))])
    result = CliRunner().invoke(
        app,
        ["query", "territories", "--param", "asof=31-05-2024", "--store", str(tmp_path / "store")],
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "parameter 'asof' expects a date" in lines[0]


def test_every_query_declares_asof() -> None:
    for query in list_queries():
        asof = query.param("asof")
        assert asof is not None and (asof.type, asof.required) == ("date", False), query.name
        assert asof.description and "issued on or before" in asof.description, query.name


def test_asof_on_ad_hoc_queries(graphs: dict[str, tuple[Dataset, Store]]) -> None:
    """A query without a header takes asof too; the reserved name must be an optional date."""
    text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    adhoc = parse_query(text, "adhoc", require_summary=False)
    assert [p.name for p in adhoc.params] == ["asof"]
    assert as_of_day(adhoc, {}) is None
    for target in graphs["later"]:
        early = run_query(target, adhoc, {"asof": BEFORE_SEED})  # type: ignore[arg-type]
        assert [str(row[0]).removeprefix(SGG) for row in early.rows] == [
            "outlets",
            "reference",
            "https://w3id.org/strikegraph/ontology",
        ]
    with pytest.raises(QueryError, match="write it .__asof_date"):
        parse_query("SELECT ?s WHERE { ?s ?p ?_asof }", "bad", require_summary=False)


@pytest.mark.parametrize("day", [BETWEEN, LATER])
def test_asof_on_a_copy_of_many_graphs_gives_the_same_rows(
    graphs: dict[str, tuple[Dataset, Store]], day: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more visible graphs than Oxigraph's dataset lists handle well, the query runs on
    an in-memory copy of those graphs: every named query gives the rows of the listed way."""
    from strikegraph import engine

    later = graphs["later"]
    listed = {q.name: run(later, q.name, {"asof": day}).rows for q in list_queries()}
    monkeypatch.setattr(engine, "MAX_LISTED_GRAPHS", 0)
    copied = {q.name: run(later, q.name, {"asof": day}).rows for q in list_queries()}
    assert copied == listed
    assert any(listed.values())
