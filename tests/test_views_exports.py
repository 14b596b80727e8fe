"""Every export format round-trips: read back with networkx's readers (pydot for DOT), the
nodes, edges (with their keys) and all their attributes equal the view's."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx
import pytest
from views_support import iri, seed_view

from strikegraph.errors import ParameterError
from strikegraph.views import EXPORT_FORMATS, export_view, read_export
from strikegraph.views.style import NEGATIVE, POSITIVE, hex_to_rgb, type_colour

VIEWS = ("rifts", "alliances", "authorizations", "provenance")


def _same(fmt: str, expected: Any, actual: Any) -> bool:
    """Equal up to what the format can say: DOT has only strings, GEXF weights are floats."""
    if fmt == "dot":
        text = ("true" if expected else "false") if isinstance(expected, bool) else str(expected)
        return actual == text
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return bool(expected == actual)


def _assert_round_trip(view: nx.MultiDiGraph, fmt: str) -> nx.MultiDiGraph:
    text = export_view(view, fmt)
    back = read_export(text, fmt)
    assert set(back.nodes) == set(view.nodes), fmt
    for node, data in view.nodes(data=True):
        for name, value in data.items():
            assert name in back.nodes[node], (fmt, node, name)
            assert _same(fmt, value, back.nodes[node][name]), (
                fmt,
                node,
                name,
                value,
                back.nodes[node][name],
            )
    expected_edges = {(u, v, k) for u, v, k in view.edges(keys=True)}
    actual_edges = {(u, v, str(k)) for u, v, k in back.edges(keys=True)}
    assert actual_edges == expected_edges, fmt
    assert back.number_of_edges() == view.number_of_edges()
    for u, v, key, data in view.edges(keys=True, data=True):
        got = back.edges[u, v, key]
        for name, value in data.items():
            assert name in got, (fmt, key, name)
            assert _same(fmt, value, got[name]), (fmt, key, name, value, got[name])
        if fmt != "dot":
            assert json.loads(got["evidence"]) == json.loads(data["evidence"])
    return back


@pytest.mark.parametrize("view_name", VIEWS)
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_round_trip(view_name: str, fmt: str) -> None:
    view = seed_view(view_name)
    assert view.number_of_edges() > 0
    back = _assert_round_trip(view, fmt)
    if fmt in ("graphml", "node-link", "cytoscape", "dot"):
        for name in ("view", "title", "min_support", "list_encoding"):
            assert _same(fmt, view.graph[name], back.graph[name]), (fmt, name)


def _tricky_view() -> nx.MultiDiGraph:
    view = nx.MultiDiGraph(
        view="tricky", title='Quotes "and" \\ backslashes', signed=True, min_support=1
    )
    a, b = "https://example.org/a?x=1&y=<2>", "urn:example:b c"
    view.add_node(a, iri=a, label='Dr. "A" \\ Ü', type="Person")
    view.add_node(b, iri=b, label="</script><b>B</b>\nnew line", type="State")
    view.add_edge(
        a,
        b,
        key="rift:1",
        relation="rift",
        label="rift",
        sign=-1,
        weight=2,
        directed=False,
        sources=json.dumps(['Say "no"', "a;b,c", "back\\slash"]),
        evidence="[]",
        quotes=json.dumps(['“curly” and "straight" quotes\n— and a dash']),
    )
    view.add_edge(
        b,
        a,
        key="ally:1",
        relation="ally",
        label="allies",
        sign=1,
        weight=1,
        directed=True,
        evidence="[]",
    )
    return view


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_round_trip_of_awkward_text(fmt: str) -> None:
    _assert_round_trip(_tricky_view(), fmt)


def test_gexf_has_labels_colours_and_weights() -> None:
    view = seed_view("rifts")
    root = ET.fromstring(export_view(view, "gexf").encode("utf-8"))
    ns = {"g": "http://www.gexf.net/1.2draft", "viz": "http://www.gexf.net/1.2draft/viz"}
    nodes = {n.get("id"): n for n in root.iterfind(".//g:node", ns)}
    biden = nodes[iri("person/joe-biden")]
    assert biden.get("label") == "Joe Biden"
    colour = biden.find("viz:color", ns)
    assert colour is not None and (
        int(colour.get("r", "")),
        int(colour.get("g", "")),
        int(colour.get("b", "")),
    ) == hex_to_rgb(type_colour("Person"))
    assert biden.find("viz:position", ns) is not None and biden.find("viz:size", ns) is not None
    edges = list(root.iterfind(".//g:edge", ns))
    assert len(edges) == view.number_of_edges()
    rgb = {hex_to_rgb(POSITIVE): 1, hex_to_rgb(NEGATIVE): -1}
    for edge in edges:
        assert edge.get("label") and float(edge.get("weight", "0")) >= 1
        c = edge.find("viz:color", ns)
        assert (
            c is not None and (int(c.get("r", "")), int(c.get("g", "")), int(c.get("b", ""))) in rgb
        )
    ids = [e.get("id") for e in edges]
    assert len(set(ids)) == len(ids)


def test_graphml_declares_typed_keys() -> None:
    root = ET.fromstring(export_view(seed_view("rifts"), "graphml").encode("utf-8"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iterfind("g:key", ns)
    }
    assert keys[("edge", "sign")] in ("int", "long") and keys[("edge", "weight")] in ("int", "long")
    assert keys[("edge", "directed")] == "boolean" and keys[("edge", "sources")] == "string"
    assert keys[("node", "label")] == "string"
    graph = root.find("g:graph", ns)
    assert graph is not None and graph.get("edgedefault") == "directed"


def test_cytoscape_elements_are_ready_for_cytoscape_js() -> None:
    view = seed_view("rifts")
    data = json.loads(export_view(view, "cytoscape"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert len(nodes) == view.number_of_nodes() and len(edges) == view.number_of_edges()
    assert all("position" in n and n["data"]["colour"].startswith("#") for n in nodes)
    assert {e["classes"] for e in edges} == {"positive", "negative"}
    ids = [e["data"]["id"] for e in edges] + [n["data"]["id"] for n in nodes]
    assert len(set(ids)) == len(ids)
    assert data["directed"] is True and data["multigraph"] is True


def test_node_link_is_d3_shaped() -> None:
    data = json.loads(export_view(seed_view("rifts"), "node-link"))
    assert {"nodes", "edges", "graph", "directed", "multigraph"} <= set(data)
    assert {"id", "label", "type", "iri"} <= set(data["nodes"][0])
    assert {"source", "target", "key", "relation", "sign", "weight"} <= set(data["edges"][0])


def test_dot_is_styled_for_graphviz() -> None:
    text = export_view(seed_view("rifts"), "dot")
    assert text.startswith('digraph "strikegraph-rifts" {')
    assert 'style="dashed"' in text and 'style="solid"' in text and 'dir="none"' in text
    assert f'color="{NEGATIVE}"' in text and f'fillcolor="{type_colour("State")}"' in text


def test_unknown_format() -> None:
    with pytest.raises(
        ParameterError, match=r"unknown view export format 'xml' \(use graphml, gexf"
    ):
        export_view(seed_view("rifts"), "xml")
    assert export_view(seed_view("rifts"), "D3") == export_view(seed_view("rifts"), "node-link")
