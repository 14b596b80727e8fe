"""The network views built by SPARQL from the seed: what they show, with which evidence,
weights and dates, and how the filters work."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import networkx as nx
import pytest
from views_support import edges_between, iri, seed_dataset, seed_store, seed_view, sources

from strikegraph.errors import ParameterError, QueryError
from strikegraph.queries import parse_query
from strikegraph.resources import data_dir
from strikegraph.views import VIEWS, ViewFilter, build_view, loads_list

BIDEN = iri("person/joe-biden")
BLINKEN = iri("person/antony-blinken")
PENTAGON = iri("group/senior-pentagon-officials")
ZELENSKY = iri("person/volodymyr-zelensky")
KYIV_OFFICIALS = iri("group/zelensky-senior-officials")
LAVROV = iri("person/sergey-lavrov")
US, UK, FRANCE, GERMANY = (
    iri(f"state/{s}") for s in ("united-states", "united-kingdom", "france", "germany")
)
RUSSIA, UKRAINE = iri("state/russia"), iri("state/ukraine")
LISTS = (
    "sources",
    "source_iris",
    "claims",
    "quotes",
    "documents",
    "chains",
    "evidence",
    "premises",
)


def test_every_view_has_a_query_file_with_a_summary() -> None:
    folder = data_dir("queries") / "views"
    for name in VIEWS:
        path = folder / f"{name}.rq"
        query = parse_query(path.read_text(encoding="utf-8"), name, path)
        assert query.summary and query.form == "SELECT"
    for path in sorted(folder.glob("*.rq")):  # the shared ones too
        assert parse_query(path.read_text(encoding="utf-8"), path.stem, path).summary


def test_rifts_view_is_a_signed_multidigraph_of_actors() -> None:
    view = seed_view("rifts")
    assert isinstance(view, nx.MultiDiGraph)
    assert view.graph["view"] == "rifts" and view.graph["signed"] is True
    for node, data in view.nodes(data=True):
        assert data["iri"] == node and data["label"] and data["type"]
        assert data["type"] in {
            "State",
            "Person",
            "Group",
            "ArmedForces",
            "GovernmentBody",
            "AnonymousSource",
        }
    assert view.nodes[BIDEN]["label"] == "Joe Biden" and view.nodes[BIDEN]["type"] == "Person"
    assert view.nodes[PENTAGON]["type"] == "Group"
    assert view.nodes[US]["wikidata"] == "http://www.wikidata.org/entity/Q30"
    for *_, data in view.edges(data=True):
        assert data["sign"] in (1, -1)
        assert isinstance(data["weight"], int) and data["weight"] >= 1
        assert isinstance(data["directed"], bool)
        for name in LISTS:
            assert isinstance(loads_list(data[name]), list)
        assert all(value is not None for value in data.values())


def test_the_president_is_at_odds_with_blinken_and_the_pentagon() -> None:
    view = seed_view("rifts")
    for other in (BLINKEN, PENTAGON):
        rift = edges_between(view, BIDEN, other, "rift")
        assert len(rift) == 1 and rift[0]["sign"] == -1 and rift[0]["directed"] is False
        assert sources(rift[0]) == ["RT"]
        assert rift[0]["issue"] == iri("issue/us-long-range-strikes-in-russia")
        assert any(
            "rifts within the Biden administration" in q for q in loads_list(rift[0]["quotes"])
        )
        (odds,) = edges_between(view, BIDEN, other, "at-odds")
        assert view.has_edge(other, BIDEN)  # the one who wants -> the one who refuses
        assert odds["sign"] == -1 and odds["weight"] == 1  # the refusal has one source: RT
        assert set(sources(odds)) == {"The New York Times", "Politico", "RT"}
        assert any(
            "both want Biden to approve long-range strikes" in q for q in loads_list(odds["quotes"])
        )


def test_the_us_is_at_odds_with_allies_that_allow_unrestricted_use() -> None:
    view = seed_view("rifts")
    for ally in (UK, FRANCE, GERMANY):
        (rift,) = edges_between(view, US, ally, "rift")
        assert rift["sign"] == -1 and sources(rift) == ["RT"]
        assert any("between the US and its allies" in q for q in loads_list(rift["quotes"]))
        (allies,) = edges_between(view, US, ally, "ally")
        assert allies["sign"] == 1
        (permission,) = edges_between(view, ally, UKRAINE, "lets-use-weapons")
        assert any("as it sees fit" in q for q in loads_list(permission["quotes"]))


def test_zelensky_and_his_officials_are_angered_at_the_president() -> None:
    view = seed_view("rifts")
    for angry in (ZELENSKY, KYIV_OFFICIALS):
        assert view.has_edge(angry, BIDEN)
        (anger,) = edges_between(view, angry, BIDEN, "angered-by")
        assert anger["sign"] == -1 and anger["directed"] is True and sources(anger) == ["RT"]
        (record,) = loads_list(anger["evidence"])
        assert record["hedge"] == "reportedly"
        assert record["chain_text"] == "RT"
        assert record["quotes"] == [
            "In Kiev, Biden’s refusal has reportedly angered Vladimir Zelensky "
            "and his senior officials"
        ]
    (odds,) = edges_between(view, KYIV_OFFICIALS, BIDEN, "at-odds")
    chains = loads_list(odds["chains"])
    assert "RT → The Washington Post → Zelensky's senior officials" in chains


def test_russia_dismisses_the_debate_and_lavrov_speaks_for_it() -> None:
    view = seed_view("rifts")
    for target in (BLINKEN, PENTAGON, KYIV_OFFICIALS):
        (dismissal,) = edges_between(view, RUSSIA, target, "dismisses")
        assert view.has_edge(RUSSIA, target) and dismissal["sign"] == -1
        assert "RT" in sources(dismissal)
        assert any("Moscow has dismissed the debate" in q for q in loads_list(dismissal["quotes"]))
    (acts,) = edges_between(view, LAVROV, RUSSIA, "acts-for")
    assert acts["context"] is True and acts["valid_from"] == "2004-03-09"
    assert set(sources(acts)) == {"Sergey Lavrov", "strikegraph reference knowledge"}
    (attack,) = [d for d in view[UKRAINE][RUSSIA].values() if d["relation"] == "attacks"]
    assert sources(attack) == ["Sergey Lavrov"]
    assert loads_list(attack["chains"]) == ["RT → Sergey Lavrov"]


def test_weight_counts_distinct_claimants() -> None:
    view = seed_view("rifts")
    (shared,) = edges_between(view, BLINKEN, PENTAGON, "shared-stance")
    assert shared["weight"] == 2 and set(sources(shared)) == {"The New York Times", "Politico"}
    (blinken_us,) = edges_between(view, BLINKEN, US, "acts-for")  # NYT, Politico + reference
    assert blinken_us["weight"] == 3 and blinken_us["basis"] == "claims+graphs"
    kharkiv = [
        d
        for d in edges_between(view, US, UKRAINE, "lets-use-weapons")
        if iri("authorization/us-kharkiv-counter-fire-2024") in loads_list(d["premises"])
    ]
    assert kharkiv[0]["weight"] == 4  # Politico, the unnamed official, the White House, RT
    assert len(loads_list(kharkiv[0]["claims"])) == 5  # two claims by the same official count once


def test_dates_on_edges() -> None:
    view = seed_view("rifts")
    (odds,) = edges_between(view, BLINKEN, BIDEN, "at-odds")
    assert (odds["valid_from"], odds["valid_until"], odds["reported"]) == (
        "2024-05-02",
        "2024-05-30",
        "2024-05-30",
    )
    (aid,) = edges_between(view, US, UKRAINE, "aids")
    assert (aid["valid_from"], aid["valid_until"]) == ("2024-04-01", "2024-05-30")
    assert "since early April" in loads_list(aid["date_expressions"])
    (biden_us,) = edges_between(view, BIDEN, US, "acts-for")
    assert (biden_us["valid_from"], biden_us["valid_until"]) == ("2021-01-20", "2025-01-20")


def test_as_of_keeps_what_held_on_that_day() -> None:
    early = build_view(seed_store(), "rifts", as_of="2024-05-10")
    relations = {d["relation"] for *_, d in early.edges(data=True)}
    # the Kharkiv offensive and the ATACMS deliveries were under way; the rifts not yet reported
    assert relations == {"attacks", "aids", "lets-use-weapons"}
    assert early.has_edge(RUSSIA, UKRAINE) and not early.has_node(BIDEN)
    on_the_day = build_view(seed_store(), "rifts", as_of=dt.date(2024, 5, 30))
    assert edges_between(on_the_day, BIDEN, BLINKEN, "rift")
    later = build_view(seed_store(), "rifts", as_of="2026-01-01")
    assert not edges_between(later, BIDEN, US, "acts-for")  # his term ended 2025-01-20
    assert edges_between(later, ZELENSKY, UKRAINE, "acts-for")  # his term is open-ended
    assert not later.has_node(LAVROV)  # his only claim here is about a strike of May 2024
    assert later.graph["as_of"] == "2026-01-01"


def test_source_and_publisher_filters() -> None:
    politico = build_view(seed_store(), "rifts", source="organisation/politico")
    primary = [d for *_, d in politico.edges(data=True) if not d.get("context")]
    assert primary and all("Politico" in sources(d) for d in primary)
    assert edges_between(politico, BLINKEN, PENTAGON, "shared-stance")
    assert not edges_between(politico, US, UK, "rift")  # RT's own narration
    assert politico.graph["source"] == iri("organisation/politico")
    lavrov = build_view(seed_store(), "rifts", source=LAVROV)
    assert {d["relation"] for *_, d in lavrov.edges(data=True) if not d.get("context")} == {
        "attacks"
    }
    rt = build_view(seed_store(), "rifts", publisher="organisation/rt")
    assert rt.number_of_edges() == seed_view("rifts").number_of_edges()  # RT published the seed
    nobody = build_view(seed_store(), "rifts", publisher="organisation/tass")
    assert nobody.number_of_nodes() == 0


def test_min_support() -> None:
    strong = build_view(seed_store(), "rifts", min_support=2)
    assert strong.number_of_edges() > 0
    assert all(d["weight"] >= 2 for *_, d in strong.edges(data=True))
    assert edges_between(strong, BLINKEN, PENTAGON, "shared-stance")
    assert not edges_between(strong, BIDEN, BLINKEN, "rift")
    assert all(strong.degree(n) > 0 for n in strong)
    assert build_view(seed_store(), "rifts", min_support=99).number_of_nodes() == 0


def test_both_engines_build_the_same_view() -> None:
    on_rdflib = build_view(seed_dataset(), "rifts")
    on_oxigraph = seed_view("rifts")
    assert sorted(on_rdflib.nodes(data=True)) == sorted(on_oxigraph.nodes(data=True))
    assert sorted(on_rdflib.edges(keys=True, data=True), key=str) == sorted(
        on_oxigraph.edges(keys=True, data=True), key=str
    )


def test_alliances_view() -> None:
    view = seed_view("alliances")
    nato = iri("organisation/nato")
    for member in (UK, FRANCE, GERMANY):
        (membership,) = edges_between(view, member, nato, "member-of")
        assert view.has_edge(member, nato) and sources(membership) == ["RT"]
    assert edges_between(view, US, UKRAINE, "aids")
    assert len(edges_between(view, US, UKRAINE, "lets-use-weapons")) == 2
    assert all(d["sign"] == 1 for *_, d in view.edges(data=True))
    assert view.graph["signed"] is False


def test_authorizations_view_carries_scope_on_the_edge() -> None:
    view = seed_view("authorizations")
    rules = {loads_list(d["premises"])[0]: d for *_, d in view.edges(data=True)}
    kharkiv = rules[iri("authorization/us-kharkiv-counter-fire-2024")]
    assert view.has_edge(US, UKRAINE)
    assert kharkiv["relation"] == "authorizes" and kharkiv["sign"] == 1
    assert loads_list(kharkiv["weapon_scope"]) == ["US weapons"]
    assert loads_list(kharkiv["excluded_weapons"]) == ["ATACMS"]
    assert loads_list(kharkiv["target_scope"]) == ["Russian border area next to Kharkiv Oblast"]
    assert kharkiv["purpose"] == "counter-fire" or "counter" in kharkiv["purpose"].lower()
    assert kharkiv["decided_by"] == "Joe Biden" and kharkiv["unrestricted"] is False
    assert "not ATACMS" in kharkiv["scope"]
    deep = rules[iri("prohibition/us-strikes-deep-inside-russia")]
    assert deep["relation"] == "prohibits" and deep["sign"] == -1
    assert loads_list(deep["target_scope"]) == ["deep inside Russia"]
    crimea = rules[iri("authorization/us-crimea-strikes-not-forbidden")]
    assert crimea["implicit"] is True
    uk = rules[iri("authorization/uk-use-as-it-sees-fit")]
    assert uk["unrestricted"] is True and "as it sees fit" in uk["scope"]


def test_provenance_view_shows_attribution_chains() -> None:
    view = seed_view("provenance")
    document = iri("document/article-001")
    rt, politico = iri("organisation/rt"), iri("organisation/politico")
    official = iri("person/us-official-politico-2024-05-30")
    assert view.nodes[document]["type"] == "Document"
    assert (
        view.has_edge(document, rt)
        and next(iter(view[document][rt].values()))["relation"] == "published-by"
    )
    for cited in ("politico", "the-new-york-times", "the-washington-post"):
        assert view.has_edge(document, iri(f"organisation/{cited}"))
    link = view.edges[rt, politico, "attributes-to"]
    assert link["weight"] == 1 and link["claim_count"] >= 5
    assert view.has_edge(politico, official)
    chains = loads_list(view.edges[politico, official, "attributes-to"]["chains"])
    assert chains == ["RT → Politico → unnamed US official (Politico, 30 May 2024)"]
    before = build_view(seed_store(), "provenance", as_of="2024-05-01")
    assert before.number_of_nodes() == 0  # the only document is of 30 May 2024


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": "2024-5-30"}, "--as-of expects a date"),
        ({"as_of": "yesterday"}, "--as-of expects a date"),
        ({"source": "not an iri"}, "--source expects an IRI"),
        ({"publisher": "x y"}, "--publisher expects an IRI"),
        ({"min_support": -1}, "--min-support expects a non-negative integer"),
    ],
)
def test_bad_filters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        build_view(seed_store(), "rifts", **kwargs)  # type: ignore[arg-type]


def test_unknown_view() -> None:
    with pytest.raises(ParameterError, match=r"unknown view 'rift' \(use rifts, alliances"):
        build_view(seed_store(), "rift")


def test_missing_view_query(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    with pytest.raises(QueryError, match="the view query is missing"):
        build_view(seed_store(), "rifts", data_root=tmp_path)


def test_filter_object() -> None:
    flt = ViewFilter.of("2024-05-30", "organisation/politico", None, 2)
    assert flt.describe() == {
        "min_support": 2,
        "as_of": "2024-05-30",
        "source": iri("organisation/politico"),
    }
    view = build_view(seed_store(), "rifts", view_filter=flt)
    assert all(d["weight"] >= 2 for *_, d in view.edges(data=True))


def test_evidence_records_are_complete() -> None:
    view = seed_view("rifts")
    (anger,) = edges_between(view, ZELENSKY, BIDEN, "angered-by")
    (record,) = json.loads(anger["evidence"])
    assert record["claim"] == iri("claim/article-001-rt-kyiv-angered")
    assert record["claimant"] == iri("organisation/rt") and record["claimant_label"] == "RT"
    assert record["document"] == iri("document/article-001")
    assert record["publisher_label"] == "RT" and record["published"] == "2024-05-30"
    assert record["chain"] == [{"order": 1, "agent": iri("organisation/rt"), "label": "RT"}]
    assert record["premise"] == iri("stance/zelensky-angered-by-biden-refusal")
    assert record["mode"] == "Curated"
