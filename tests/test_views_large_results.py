"""The views' queries on many rows: the builder sorts rows itself (Oxigraph on disk sorts
slowly), and stance pairs are joined as subqueries (joined as one group they were quadratic).

Both must leave the answers as they were: the same rows in the same order as the engine's
ORDER BY, and the same stance pairs as a plain join of the stances written in Python.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from strikegraph.queries import run_query
from strikegraph.results import order_key, sort_rows
from strikegraph.sparqltext import split_order_by
from strikegraph.store import open_store
from strikegraph.views.build import _rows, load_view_query

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402  (benchmarks/ is not a package)

SG = "https://w3id.org/strikegraph/ontology#"
VIEW_QUERIES = sorted(p.stem for p in (ROOT / "queries" / "views").glob("*.rq"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    generated = corpus.generate(tmp_path_factory.mktemp("corpus"), 40, seed=5)
    opened = open_store(memory=True)
    opened.oxigraph.bulk_load(path=str(generated.path), format=ox.RdfFormat.TRIG)
    yield opened
    opened.close()


def test_split_order_by_takes_only_a_final_list_of_variables() -> None:
    text = "SELECT * WHERE { ?a ?b ?c } ORDER BY ?a $b"
    assert split_order_by(text) == ("SELECT * WHERE { ?a ?b ?c }\n", ["a", "b"])
    for unchanged in (
        "SELECT * WHERE { ?a ?b ?c } ORDER BY DESC(?a)",
        "SELECT * WHERE { ?a ?b ?c } ORDER BY ?a LIMIT 3",
        "SELECT * WHERE { ?a ?b ?c } ORDER BY LCASE(STR(?a)) ?b",
        "SELECT * WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a } }",
        "SELECT * WHERE { ?a ?b ?c } # ORDER BY ?a",
    ):
        assert split_order_by(unchanged) == (unchanged, [])


def test_order_key_follows_sparql_order() -> None:
    ordered = [
        None,
        BNode("b"),
        URIRef("http://example.org/a"),
        URIRef("http://example.org/b"),
        Literal(2),
        Literal("10", datatype=XSD.integer),
        Literal("10.5", datatype=XSD.decimal),
        Literal("2024-01-02", datatype=XSD.date),
        Literal("2024-11-02", datatype=XSD.date),
        Literal("Alpha"),
        Literal("alpha"),
    ]
    assert sorted(reversed(ordered), key=order_key) == ordered
    assert order_key(Literal("NaN", datatype=XSD.double))[1] == 1  # not a comparable number
    assert order_key(Literal("7", datatype=XSD.integer))[2] == Decimal(7)


def test_sort_rows_breaks_ties_on_the_other_columns() -> None:
    a, b = URIRef("http://example.org/a"), URIRef("http://example.org/b")
    rows = [(b, Literal(2)), (a, Literal(10)), (b, Literal(1)), (a, None)]
    expected = [(a, None), (a, Literal(10)), (b, Literal(1)), (b, Literal(2))]
    assert sort_rows(["s", "n"], rows, ["s"]) == expected


@pytest.mark.parametrize("name", VIEW_QUERIES)
def test_view_rows_come_in_the_engines_order(store: Any, name: str) -> None:
    query = load_view_query(name, ROOT)
    ours = _rows(store, query)
    engine = run_query(store, query).as_dicts()
    assert Counter(map(_frozen, ours)) == Counter(map(_frozen, engine))
    _, order = split_order_by(query.text)
    if order:
        assert [[row.get(v) for v in order] for row in ours] == [
            [row.get(v) for v in order] for row in engine
        ]


def test_stance_pairs_are_those_of_a_plain_join(store: Any) -> None:
    stances = store.query(
        """SELECT ?stance ?kind ?holder ?issue ?addressee WHERE {
             ?stance a sg:Stance ; sg:stanceKind ?kind ; sg:stanceHolder ?holder ;
                     sg:onIssue ?issue .
             OPTIONAL { ?stance sg:addressee ?addressee } }"""
    ).rows
    side = {SG + "Wants": 1, SG + "Supports": 1, SG + "Refuses": 2, SG + "Opposes": 2}
    shared, at_odds = set(), set()
    for s1, k1, h1, i1, a1 in stances:
        for s2, k2, h2, i2, _ in stances:
            if i1 != i2 or side.get(str(k1)) is None or side.get(str(k2)) is None:
                continue
            if side[str(k1)] == side[str(k2)] and str(h1) < str(h2):
                shared.add((str(h1), str(h2), str(s1), str(s2), str(i1)))
            if side[str(k1)] == 1 and side[str(k2)] == 2 and a1 == h2 and h1 != h2:
                at_odds.add((str(h1), str(h2), str(s1), str(s2), str(i1)))
    assert shared and at_odds  # the synthetic corpus has both kinds of pair
    rows = _rows(store, load_view_query("rifts", ROOT))
    found: dict[str, set[tuple[str, ...]]] = {"shared-stance": set(), "at-odds": set()}
    for row in rows:
        if str(row["relation"]) in found:
            key = ("source", "target", "premise", "premise2", "issue")
            found[str(row["relation"])].add(tuple(str(row[k]) for k in key))
    assert found["shared-stance"] == shared
    assert found["at-odds"] == at_odds


def _frozen(row: dict[str, Any]) -> frozenset[tuple[str, Any]]:
    return frozenset(row.items())


def test_listing_queries_give_evidence_for_every_asserted_row(store: Any) -> None:
    """weapon-systems and territories aggregate evidence in subqueries scoped to the things
    they list: no asserted rule, delivery, strike, control period or view may lose it."""
    from strikegraph.queries import get_query

    asserted = {
        str(row[0]) for row in store.query("SELECT DISTINCT ?t WHERE { ?c sg:asserts ?t }").rows
    }
    weapons = run_query(store, get_query("weapon-systems", ROOT), {})
    column = weapons.variables.index
    checked = 0
    for row in weapons.rows:
        if str(row[column("related")]) in asserted:
            assert row[column("evidence")] and row[column("claims")], row
            checked += 1
    territories = run_query(store, get_query("territories", ROOT), {})
    column = territories.variables.index
    for row in territories.rows:
        if row[column("claim")] is not None:
            assert row[column("chain")] and row[column("quote")], row
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("name", ["alliances", "authorizations"])
def test_views_that_name_their_premise_kinds_read_only_those_claims(
    store: Any, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view with premise_kinds reads the claims about things of those classes only; the
    view must come out the same as when it reads every claim, and every premise its query
    gives must be of one of those classes (a new kind of edge needs its class listed)."""
    import dataclasses

    from strikegraph.views import build as view_build

    spec = view_build.VIEWS[name]
    assert spec.premise_kinds
    kinds = {SG + kind for kind in spec.premise_kinds}
    premises = {
        str(row[key])
        for row in _rows(store, load_view_query(name, ROOT))
        for key in ("premise", "premise2")
        if key in row
    }
    typed = store.query("SELECT ?thing ?kind WHERE { ?thing a ?kind }").rows
    of_kind = {str(thing) for thing, kind in typed if str(kind) in kinds}
    assert premises and premises <= of_kind
    for as_of in (None, "2023-06-01"):
        scoped = view_build.build_view(store, name, as_of=as_of, data_root=ROOT)
        with monkeypatch.context() as patched:
            patched.setitem(view_build.VIEWS, name, dataclasses.replace(spec, premise_kinds=()))
            whole = view_build.build_view(store, name, as_of=as_of, data_root=ROOT)
        assert scoped.number_of_edges() > 0
        assert list(scoped.nodes(data=True)) == list(whole.nodes(data=True))
        assert list(scoped.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
