"""Analyse a view: structural balance and camps for signed graphs; centrality, communities
and components for every view. :func:`analyze` returns an :class:`AnalysisReport` that renders
as readable text or JSON.

Signed analysis works on the *signed projection* (:func:`signed_projection`): one undirected
edge per pair of actors, whose sign is the sign of the sum of ``sign * weight`` over all the
relations between them. A pair with as much positive as negative support (the United States
and the United Kingdom are allies *and* in a rift) is counted as **negative** and flagged as
*mixed*: a rift reported alongside a standing alliance is the news, the alliance the
background. Balance theory then asks how far the signs can be explained by two camps —
friends inside a camp, enemies across:

* a triangle is *balanced* when the product of its three signs is positive;
* the *frustration index* is the least number of pairs whose sign contradicts a split of the
  actors into two camps (0 = perfectly balanced). It is computed exactly by trying every
  split of each connected component of up to :data:`EXACT_LIMIT` actors, and approximated
  by a multi-start local search (node flips until no flip helps) above that;
* the *camps* are the split that attains it (ties broken by the smaller weighted
  frustration, then by a stable order); camp A is the larger side of each component;
* an actor *sits between the camps* when some of its ties contradict its camp — a positive
  tie across, or a negative one inside — and is a *swing* actor when moving it to the other
  camp would not make the frustration worse.

Centrality and communities use the unsigned projection (one undirected edge per pair,
``weight`` = total support): degree centrality, weighted degree (``strength``), betweenness
(shortest paths by hops, normalised) and Louvain communities (``seed=0``, on positive ties
only when the view is signed, since modularity needs non-negative weights).
"""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["EXACT_LIMIT", "AnalysisReport", "analyze", "frustration", "signed_projection"]

#: Components up to this many nodes get the exact frustration index (2**(n-1) splits).
EXACT_LIMIT = 20
_LOCAL_SEARCH_RESTARTS = 64


def _label(graph: nx.Graph, node: str) -> str:
    return str(graph.nodes[node].get("label") or node)


def signed_projection(view: nx.MultiDiGraph) -> nx.Graph:
    """One undirected edge per pair: ``sign``, ``weight`` (total support), ``relations``.

    ``positive`` / ``negative`` are the summed weights of each sign; ``mixed`` is true when
    both are present. Ties count as negative (see the module docstring).
    """
    out = nx.Graph()
    for node, data in view.nodes(data=True):
        out.add_node(node, **data)
    for u, v, data in view.edges(data=True):
        if u == v:
            continue
        if not out.has_edge(u, v):
            out.add_edge(u, v, positive=0, negative=0, relations=[])
        edge = out.edges[u, v]
        weight = int(data.get("weight", 1))
        if int(data.get("sign", 1)) >= 0:
            edge["positive"] += weight
        else:
            edge["negative"] += weight
        edge["relations"].append(
            {"relation": data.get("relation"), "sign": int(data.get("sign", 1)), "weight": weight}
        )
    for _, _, edge in out.edges(data=True):
        net = edge["positive"] - edge["negative"]
        edge["sign"] = 1 if net > 0 else -1
        edge["weight"] = edge["positive"] + edge["negative"]
        edge["mixed"] = edge["positive"] > 0 and edge["negative"] > 0
    return out


def _unsigned_projection(view: nx.MultiDiGraph, positive_only: bool) -> nx.Graph:
    out = nx.Graph()
    out.add_nodes_from(view.nodes(data=True))
    for u, v, data in view.edges(data=True):
        if u == v or (positive_only and int(data.get("sign", 1)) < 0):
            continue
        weight = int(data.get("weight", 1))
        if out.has_edge(u, v):
            out.edges[u, v]["weight"] += weight
            out.edges[u, v]["relations"] += 1
        else:
            out.add_edge(u, v, weight=weight, relations=1)
    return out


# --------------------------------------------------------------------------------------------
# Frustration
# --------------------------------------------------------------------------------------------


@dataclass
class Frustration:
    """The best two-camp split found: side 0/1 per node, frustrated pair count and weight."""

    sides: dict[str, int]
    index: int
    weighted: int
    exact: bool
    optimal_splits: int | None


def _exact(nodes: list[str], edges: list[tuple[int, int, int, int]]) -> Frustration:
    n = len(nodes)
    masks = np.arange(1 << max(n - 1, 0), dtype=np.uint32)
    sides = [np.zeros(masks.shape, dtype=np.uint8)]
    sides += [((masks >> (i - 1)) & 1).astype(np.uint8) for i in range(1, n)]
    counts = np.zeros(masks.shape, dtype=np.int32)
    weights = np.zeros(masks.shape, dtype=np.int64)
    for i, j, sign, weight in edges:
        differ = sides[i] ^ sides[j]
        bad = differ if sign > 0 else (1 - differ)
        counts += bad
        weights += bad.astype(np.int64) * weight
    best = int(counts.min()) if len(counts) else 0
    tied = np.flatnonzero(counts == best)
    best_weight = int(weights[tied].min()) if len(tied) else 0
    choice = int(tied[np.flatnonzero(weights[tied] == best_weight)[0]]) if len(tied) else 0
    split = {nodes[0]: 0} | {nodes[i]: (choice >> (i - 1)) & 1 for i in range(1, n)}
    return Frustration(split, best, best_weight, True, int(len(tied)))


def _cost(side: list[int], edges: list[tuple[int, int, int, int]]) -> tuple[int, int]:
    count = weight = 0
    for i, j, sign, w in edges:
        if (side[i] != side[j]) == (sign > 0):
            count += 1
            weight += w
    return count, weight


def _local_search(nodes: list[str], edges: list[tuple[int, int, int, int]]) -> Frustration:
    n = len(nodes)
    adjacency: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for i, j, sign, w in edges:
        adjacency[i].append((j, sign, w))
        adjacency[j].append((i, sign, w))
    rng = random.Random(0)
    best: tuple[int, int] | None = None
    best_side: list[int] = [0] * n
    for restart in range(_LOCAL_SEARCH_RESTARTS):
        side = [0] * n if restart == 0 else [rng.randint(0, 1) for _ in range(n)]
        improved = True
        while improved:
            improved = False
            for node in rng.sample(range(n), n):
                gain = 0
                for other, sign, _ in adjacency[node]:
                    frustrated = (side[node] != side[other]) == (sign > 0)
                    gain += 1 if frustrated else -1
                if gain > 0:
                    side[node] ^= 1
                    improved = True
        cost = _cost(side, edges)
        if best is None or cost < best:
            best, best_side = cost, side[:]
    assert best is not None
    if best_side and best_side[0] == 1:
        best_side = [1 - s for s in best_side]
    return Frustration(dict(zip(nodes, best_side, strict=True)), best[0], best[1], False, None)


def frustration(signed: nx.Graph, exact_limit: int = EXACT_LIMIT) -> Frustration:
    """The frustration index of a signed projection, component by component."""
    sides: dict[str, int] = {}
    index = weighted = 0
    exact = True
    splits: int | None = 1
    for component in sorted(nx.connected_components(signed), key=lambda c: sorted(c)):
        nodes = sorted(component)
        position = {node: i for i, node in enumerate(nodes)}
        edges = [
            (position[u], position[v], int(d["sign"]), int(d["weight"]))
            for u, v, d in signed.subgraph(nodes).edges(data=True)
        ]
        part = _exact(nodes, edges) if len(nodes) <= exact_limit else _local_search(nodes, edges)
        ones = [node for node in nodes if part.sides[node] == 1]
        if len(ones) * 2 > len(nodes):  # camp A (side 0) is the larger side
            part.sides = {node: 1 - side for node, side in part.sides.items()}
        sides.update(part.sides)
        index += part.index
        weighted += part.weighted
        exact = exact and part.exact
        splits = (
            None
            if (splits is None or part.optimal_splits is None)
            else splits * part.optimal_splits
        )
    return Frustration(sides, index, weighted, exact, splits)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


@dataclass
class AnalysisReport:
    """What :func:`analyze` found; ``to_dict()`` is the JSON form, ``render_text()`` the text."""

    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def to_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2) + "\n"

    def render_text(self) -> str:
        return _render(self.data)


def _triangles(signed: nx.Graph) -> list[dict[str, Any]]:
    found = []
    for u in sorted(signed):
        for v, w in itertools.combinations(sorted(signed[u]), 2):
            if not (u < v < w and signed.has_edge(v, w)):
                continue
            signs = [
                signed.edges[u, v]["sign"],
                signed.edges[u, w]["sign"],
                signed.edges[v, w]["sign"],
            ]
            found.append(
                {
                    "nodes": [u, v, w],
                    "labels": [_label(signed, x) for x in (u, v, w)],
                    "signs": "".join("+" if s > 0 else "-" for s in signs),
                    "balanced": signs[0] * signs[1] * signs[2] > 0,
                }
            )
    return found


def _balance(view: nx.MultiDiGraph) -> dict[str, Any]:
    signed = signed_projection(view)
    part = frustration(signed)
    pairs = signed.number_of_edges()
    triangles = _triangles(signed)
    balanced = sum(1 for t in triangles if t["balanced"])
    frustrated = []
    for u, v, d in sorted(
        signed.edges(data=True), key=lambda e: (_label(signed, e[0]), _label(signed, e[1]))
    ):
        if (part.sides[u] != part.sides[v]) == (d["sign"] > 0):
            frustrated.append(
                {
                    "nodes": [u, v],
                    "labels": [_label(signed, u), _label(signed, v)],
                    "sign": d["sign"],
                    "relations": sorted({r["relation"] for r in d["relations"]}),
                    "camps": ["AB"[part.sides[u]], "AB"[part.sides[v]]],
                }
            )
    between = []
    for node in signed:
        ties: Counter[str] = Counter()
        for other in signed[node]:
            same = part.sides[node] == part.sides[other]
            sign = signed.edges[node, other]["sign"]
            ties[("positive" if sign > 0 else "negative") + ("_same" if same else "_other")] += 1
        contradicting = ties["positive_other"] + ties["negative_same"]
        agreeing = ties["positive_same"] + ties["negative_other"]
        if contradicting:
            between.append(
                {
                    "node": node,
                    "label": _label(signed, node),
                    "camp": "AB"[part.sides[node]],
                    "contradicting_ties": contradicting,
                    "agreeing_ties": agreeing,
                    "positive_across": sorted(
                        _label(signed, o)
                        for o in signed[node]
                        if part.sides[o] != part.sides[node] and signed.edges[node, o]["sign"] > 0
                    ),
                    "negative_inside": sorted(
                        _label(signed, o)
                        for o in signed[node]
                        if part.sides[o] == part.sides[node] and signed.edges[node, o]["sign"] < 0
                    ),
                    "swing": contradicting >= agreeing,
                }
            )
    between.sort(
        key=lambda b: (
            -b["contradicting_ties"] / (b["contradicting_ties"] + b["agreeing_ties"]),
            b["label"],
        )
    )
    camps = {
        camp: sorted(
            (
                {"node": n, "label": _label(signed, n), "type": signed.nodes[n].get("type")}
                for n in signed
                if part.sides[n] == side
            ),
            key=lambda x: x["label"],
        )
        for camp, side in (("A", 0), ("B", 1))
    }
    return {
        "pairs": pairs,
        "positive_pairs": sum(1 for *_, d in signed.edges(data=True) if d["sign"] > 0),
        "negative_pairs": sum(1 for *_, d in signed.edges(data=True) if d["sign"] < 0),
        "mixed_pairs": [
            {
                "nodes": [u, v],
                "labels": [_label(signed, u), _label(signed, v)],
                "relations": sorted(
                    f"{r['relation']} ({'+' if r['sign'] > 0 else '-'}{r['weight']})"
                    for r in d["relations"]
                ),
            }
            for u, v, d in signed.edges(data=True)
            if d["mixed"]
        ],
        "tie_rule": "a pair's sign is the sign of the summed sign*weight of its relations; "
        "ties count as negative",
        "triangles": {
            "total": len(triangles),
            "balanced": balanced,
            "unbalanced": len(triangles) - balanced,
            "balanced_ratio": round(balanced / len(triangles), 4) if triangles else None,
            "list": triangles,
        },
        "frustration": {
            "index": part.index,
            "weighted": part.weighted,
            "method": "exact" if part.exact else "local search (approximation)",
            "optimal_splits": part.optimal_splits,
            "balance_degree": round(1 - part.index / pairs, 4) if pairs else None,
            "frustrated_pairs": frustrated,
        },
        "camps": camps,
        "between": between,
    }


def analyze(view: nx.MultiDiGraph, top: int | None = None) -> AnalysisReport:
    """Analyse a view built by :func:`strikegraph.views.build_view` (any networkx graph with
    the same ``sign``/``weight``/``relation`` edge attributes works)."""
    view = view if view.is_multigraph() and view.is_directed() else nx.MultiDiGraph(view)
    signed = bool(view.graph.get("signed")) or any(
        int(d.get("sign", 1)) < 0 for *_, d in view.edges(data=True)
    )
    signed = bool(view.graph.get("signed", signed))
    unsigned = _unsigned_projection(view, positive_only=False)
    relations = Counter(d.get("relation") for *_, d in view.edges(data=True))
    signs = Counter(
        "positive" if int(d.get("sign", 1)) >= 0 else "negative" for *_, d in view.edges(data=True)
    )

    degree = nx.degree_centrality(unsigned) if len(unsigned) > 1 else {n: 0.0 for n in unsigned}
    betweenness = nx.betweenness_centrality(unsigned, normalized=True)
    multi_degree = dict(view.degree())
    centrality = [
        {
            "node": node,
            "label": _label(view, node),
            "type": view.nodes[node].get("type"),
            "degree": unsigned.degree(node),
            "relations": multi_degree.get(node, 0),
            "strength": unsigned.degree(node, weight="weight"),
            "degree_centrality": round(degree[node], 4),
            "betweenness": round(betweenness[node], 4),
        }
        for node in view
    ]
    centrality.sort(
        key=lambda c: (-c["betweenness"], -c["degree_centrality"], -c["strength"], c["label"])
    )
    if top is not None:
        centrality = centrality[:top]

    community_graph = _unsigned_projection(view, positive_only=signed)
    if community_graph.number_of_edges():
        groups = nx.community.louvain_communities(community_graph, weight="weight", seed=0)
        modularity = nx.community.modularity(community_graph, groups, weight="weight")
    else:
        groups, modularity = [{n} for n in community_graph], 0.0
    groups = sorted(
        (sorted(g, key=lambda n: _label(view, n)) for g in groups),
        key=lambda g: (-len(g), _label(view, g[0])),
    )
    components = sorted(
        (sorted(c, key=lambda n: _label(view, n)) for c in nx.weakly_connected_components(view)),
        key=lambda c: (-len(c), _label(view, c[0])),
    )
    data: dict[str, Any] = {
        "view": view.graph.get("view", view.graph.get("name", "")),
        "title": view.graph.get("title", ""),
        "filters": {
            key: view.graph[key]
            for key in ("as_of", "source", "publisher", "min_support")
            if key in view.graph
        },
        "signed": signed,
        "nodes": view.number_of_nodes(),
        "edges": view.number_of_edges(),
        "pairs": unsigned.number_of_edges(),
        "relations": dict(sorted(relations.items())),
        "signs": {"positive": signs["positive"], "negative": signs["negative"]},
        "density": round(nx.density(unsigned), 4) if len(unsigned) > 1 else 0.0,
        "components": [
            {"size": len(c), "nodes": c, "labels": [_label(view, n) for n in c]} for c in components
        ],
        "centrality": centrality,
        "communities": {
            "method": "louvain (seed 0)",
            "edges": "positive ties" if signed else "all ties",
            "modularity": round(modularity, 4),
            "groups": [
                {"size": len(g), "nodes": g, "labels": [_label(view, n) for n in g]} for g in groups
            ],
        },
    }
    if signed and view.number_of_edges():
        data["balance"] = _balance(view)
    return AnalysisReport(data)


# --------------------------------------------------------------------------------------------
# Text rendering
# --------------------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    right = right or set()
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def _render(d: dict[str, Any]) -> str:
    lines: list[str] = []
    title = f"strikegraph analysis: {d['view']} view"
    lines += [title, "=" * len(title)]
    if d.get("title"):
        lines.append(d["title"])
    filters = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in d["filters"].items())
    lines.append(f"Filters: {filters or 'none'}")
    lines.append(
        f"{d['nodes']} nodes, {d['edges']} relations ({d['signs']['positive']} positive, "
        f"{d['signs']['negative']} negative) over {d['pairs']} linked pairs; density {d['density']}"
    )
    lines.append("Relations: " + ", ".join(f"{k} {v}" for k, v in d["relations"].items()))
    lines.append("")

    balance = d.get("balance")
    if balance:
        lines += ["Structural balance", "------------------"]
        tri = balance["triangles"]
        ratio = "n/a" if tri["balanced_ratio"] is None else f"{tri['balanced_ratio']:.0%}"
        lines.append(
            f"Signed pairs: {balance['pairs']} ({balance['positive_pairs']} positive, "
            f"{balance['negative_pairs']} negative, "
            f"{len(balance['mixed_pairs'])} mixed counted as negative)"
        )
        lines.append(
            f"Triangles: {tri['total']} — {tri['balanced']} balanced, "
            f"{tri['unbalanced']} unbalanced ({ratio} balanced)"
        )
        for t in tri["list"]:
            if not t["balanced"]:
                lines.append(f"  unbalanced {t['signs']}: {' / '.join(t['labels'])}")
        fr = balance["frustration"]
        splits = (
            "" if fr["optimal_splits"] is None else f", {fr['optimal_splits']} optimal split(s)"
        )
        lines.append(
            f"Frustration index: {fr['index']} of {balance['pairs']} pairs "
            f"(weighted {fr['weighted']}; {fr['method']}{splits}); "
            f"balance degree {fr['balance_degree']}"
        )
        for f in fr["frustrated_pairs"]:
            sign = "+" if f["sign"] > 0 else "-"
            lines.append(
                f"  frustrated {sign}: {f['labels'][0]} ({f['camps'][0]}) — "
                f"{f['labels'][1]} ({f['camps'][1]}): {', '.join(f['relations'])}"
            )
        for m in balance["mixed_pairs"]:
            lines.append(
                f"  mixed: {m['labels'][0]} — {m['labels'][1]}: {', '.join(m['relations'])}"
            )
        lines.append("")
        lines += ["Camps (the two-camp split that best explains the signs)", "-" * 56]
        for camp in ("A", "B"):
            members = ", ".join(m["label"] for m in balance["camps"][camp])
            lines.append(f"Camp {camp}: {members or '(empty)'}")
        lines.append("")
        lines += ["Between the camps", "-----------------"]
        if not balance["between"]:
            lines.append("nobody: every tie agrees with the camps")
        for b in balance["between"]:
            parts = []
            if b["positive_across"]:
                parts.append("positive ties across to " + ", ".join(b["positive_across"]))
            if b["negative_inside"]:
                parts.append("negative ties inside to " + ", ".join(b["negative_inside"]))
            swing = " [swing]" if b["swing"] else ""
            lines.append(
                f"{b['label']} (camp {b['camp']}, {b['contradicting_ties']} of "
                f"{b['contradicting_ties'] + b['agreeing_ties']} ties contradict){swing}: "
                + "; ".join(parts)
            )
        lines.append("")

    lines += ["Centrality", "----------"]
    rows = [
        [
            c["label"],
            str(c["type"] or ""),
            str(c["degree"]),
            str(c["relations"]),
            str(c["strength"]),
            f"{c['degree_centrality']:.3f}",
            f"{c['betweenness']:.3f}",
        ]
        for c in d["centrality"]
    ]
    lines += _table(
        ["node", "type", "degree", "relations", "strength", "degree c.", "betweenness"],
        rows,
        right={2, 3, 4, 5, 6},
    )
    lines.append("")
    com = d["communities"]
    lines += ["Communities", "-----------"]
    lines.append(f"{com['method']} on {com['edges']}; modularity {com['modularity']}")
    for i, g in enumerate(com["groups"], 1):
        lines.append(f"  {i}. {', '.join(g['labels'])}")
    lines.append("")
    lines += ["Components", "----------"]
    lines.append(f"{len(d['components'])} weakly connected component(s)")
    for i, c in enumerate(d["components"], 1):
        lines.append(f"  {i}. ({c['size']}) {', '.join(c['labels'])}")
    return "\n".join(lines) + "\n"
