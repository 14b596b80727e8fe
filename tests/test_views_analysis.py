"""Structural balance, camps, centrality and communities: on small graphs whose answers are
known by hand, exact against approximate frustration on random graphs, and on the seed."""

from __future__ import annotations

import itertools
import json
import random

import networkx as nx
import pytest
from views_support import iri, seed_view

from strikegraph.views import analyze, signed_projection
from strikegraph.views.analysis import frustration


def _signed(
    edges: list[tuple[str, str, int]], *, weights: dict[tuple[str, str], int] | None = None
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(signed=True, view="test")
    for u, v, sign in edges:
        for node in (u, v):
            graph.add_node(node, label=node.upper(), type="State")
        weight = (weights or {}).get((u, v), 1)
        graph.add_edge(
            u,
            v,
            key=f"r{u}{v}{sign}",
            relation="rift" if sign < 0 else "ally",
            sign=sign,
            weight=weight,
        )
    return graph


def test_balanced_triangle_and_camps() -> None:
    # a and b are friends, both enemies of c: balanced, camps {a, b} and {c}
    report = analyze(_signed([("a", "b", 1), ("a", "c", -1), ("b", "c", -1)])).to_dict()
    balance = report["balance"]
    assert balance["triangles"] == {
        "total": 1,
        "balanced": 1,
        "unbalanced": 0,
        "balanced_ratio": 1.0,
        "list": [
            {"nodes": ["a", "b", "c"], "labels": ["A", "B", "C"], "signs": "+--", "balanced": True}
        ],
    }
    assert balance["frustration"]["index"] == 0 and balance["frustration"]["method"] == "exact"
    assert [m["node"] for m in balance["camps"]["A"]] == ["a", "b"]
    assert [m["node"] for m in balance["camps"]["B"]] == ["c"]
    assert balance["between"] == []


def test_unbalanced_triangle_has_frustration_one() -> None:
    # everybody's enemy: three negative ties cannot be split into two camps
    report = analyze(_signed([("a", "b", -1), ("b", "c", -1), ("a", "c", -1)])).to_dict()
    balance = report["balance"]
    assert balance["triangles"]["unbalanced"] == 1
    assert balance["frustration"]["index"] == 1
    assert balance["frustration"]["optimal_splits"] == 3
    assert len(balance["frustration"]["frustrated_pairs"]) == 1
    assert len(balance["between"]) == 2  # the two ends of the frustrated tie


def test_weighted_tie_break_keeps_the_strong_tie() -> None:
    # one of the three ties of an all-negative triangle must be frustrated: the weakest
    graph = _signed(
        [("a", "b", -1), ("b", "c", -1), ("a", "c", -1)], weights={("a", "b"): 5, ("b", "c"): 3}
    )
    balance = analyze(graph).to_dict()["balance"]
    assert balance["frustration"]["weighted"] == 1
    (pair,) = balance["frustration"]["frustrated_pairs"]
    assert pair["nodes"] == ["a", "c"]


def test_mixed_pairs_count_as_negative() -> None:
    graph = _signed([("a", "b", 1), ("a", "b", -1)])
    projection = signed_projection(graph)
    edge = projection.edges["a", "b"]
    assert (edge["sign"], edge["mixed"], edge["positive"], edge["negative"]) == (-1, True, 1, 1)
    graph.add_edge("a", "b", key="extra", relation="ally", sign=1, weight=1)
    assert signed_projection(graph).edges["a", "b"]["sign"] == 1


def _brute_force(graph: nx.Graph) -> int:
    nodes = sorted(graph)
    best = None
    for bits in itertools.product((0, 1), repeat=len(nodes)):
        side = dict(zip(nodes, bits, strict=True))
        cost = sum(
            1 for u, v, d in graph.edges(data=True) if (side[u] != side[v]) == (d["sign"] > 0)
        )
        best = cost if best is None else min(best, cost)
    return best or 0


@pytest.mark.parametrize("seed", range(6))
def test_exact_and_local_search_agree_with_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    graph = nx.Graph()
    nodes = [f"n{i}" for i in range(9)]
    graph.add_nodes_from(nodes)
    for u, v in itertools.combinations(nodes, 2):
        if rng.random() < 0.45:
            graph.add_edge(u, v, sign=rng.choice((1, -1)), weight=rng.randint(1, 3))
    expected = _brute_force(graph)
    exact = frustration(graph)
    approximate = frustration(graph, exact_limit=0)
    assert exact.exact and exact.index == expected
    assert not approximate.exact
    assert approximate.index == expected  # small graphs: the local search finds the optimum
    for part in (exact, approximate):
        cost = sum(
            1
            for u, v, d in graph.edges(data=True)
            if (part.sides[u] != part.sides[v]) == (d["sign"] > 0)
        )
        assert cost == part.index


def test_components_are_split_independently() -> None:
    graph = _signed([("a", "b", -1), ("c", "d", -1), ("d", "e", 1)])
    report = analyze(graph).to_dict()
    assert [c["size"] for c in report["components"]] == [3, 2]
    assert report["balance"]["frustration"]["index"] == 0
    camps = {
        camp: {m["node"] for m in members} for camp, members in report["balance"]["camps"].items()
    }
    assert camps["A"] >= {"d", "e"} and "c" in camps["B"]


def test_centrality_and_communities_on_a_path() -> None:
    graph = nx.MultiDiGraph(signed=False, view="path")
    for node in "abcde":
        graph.add_node(node, label=node, type="State")
    for u, v in ("ab", "bc", "cd", "de"):
        graph.add_edge(u, v, key="k", relation="ally", sign=1, weight=1)
    report = analyze(graph).to_dict()
    assert "balance" not in report
    top = report["centrality"][0]
    assert top["node"] == "c" and top["betweenness"] == pytest.approx(4 / 6, abs=1e-3)
    assert {c["node"]: c["degree"] for c in report["centrality"]}["a"] == 1
    assert sum(g["size"] for g in report["communities"]["groups"]) == 5
    assert report["components"] == [{"size": 5, "nodes": list("abcde"), "labels": list("abcde")}]


def test_empty_view() -> None:
    report = analyze(nx.MultiDiGraph(signed=True, view="empty"))
    assert report.to_dict()["nodes"] == 0
    assert "0 nodes" in report.render_text()


def test_seed_rifts_analysis() -> None:
    report = analyze(seed_view("rifts"))
    data = report.to_dict()
    balance = data["balance"]
    # the rift inside the administration: Biden and Blinken (and the Pentagon officials)
    # both act for the United States but are at odds: an unbalanced triangle
    unbalanced = [set(t["nodes"]) for t in balance["triangles"]["list"] if not t["balanced"]]
    assert {
        iri("person/joe-biden"),
        iri("person/antony-blinken"),
        iri("state/united-states"),
    } in unbalanced
    assert balance["frustration"]["method"] == "exact"
    assert balance["frustration"]["index"] >= 1
    assert (
        balance["triangles"]["total"]
        == balance["triangles"]["balanced"] + balance["triangles"]["unbalanced"]
    )
    camps = {camp: {m["node"] for m in members} for camp, members in balance["camps"].items()}
    # those who press for strikes on Russia stand together, against the President and Russia
    pressing = {
        iri(x)
        for x in (
            "person/antony-blinken",
            "group/senior-pentagon-officials",
            "group/zelensky-senior-officials",
            "person/volodymyr-zelensky",
        )
    }
    side = "A" if iri("person/antony-blinken") in camps["A"] else "B"
    other = "B" if side == "A" else "A"
    assert pressing <= camps[side]
    assert {iri("person/joe-biden"), iri("state/russia")} <= camps[other]
    assert {iri("state/united-kingdom"), iri("state/france"), iri("state/germany")} <= camps[side]
    between = {b["node"] for b in balance["between"]}
    assert (
        iri("state/united-states") in between
    )  # its President in one camp, its officials in the other
    assert {m["labels"][0] for m in balance["mixed_pairs"]} | {
        m["labels"][1] for m in balance["mixed_pairs"]
    } >= {"United States"}
    assert data["components"][0]["size"] == data["nodes"]
    assert data["centrality"][0]["label"] in {"United States", "Ukraine"}


def test_report_renders_as_text_and_json() -> None:
    report = analyze(seed_view("rifts"), top=5)
    text = report.render_text()
    for heading in (
        "Structural balance",
        "Frustration index:",
        "Camp A:",
        "Camp B:",
        "Between the camps",
        "Centrality",
        "Communities",
        "Components",
    ):
        assert heading in text
    assert "Joe Biden" in text and "unbalanced" in text
    data = json.loads(report.to_json())
    assert data["view"] == "rifts" and len(data["centrality"]) == 5
    assert data["filters"] == {"min_support": 1}


@pytest.mark.parametrize("view", ["alliances", "authorizations", "provenance"])
def test_unsigned_views_get_centrality_and_communities(view: str) -> None:
    data = analyze(seed_view(view)).to_dict()
    assert "balance" not in data and data["signed"] is False
    assert data["nodes"] == seed_view(view).number_of_nodes()
    assert data["communities"]["groups"] and data["components"]
    assert "Structural balance" not in analyze(seed_view(view)).render_text()
