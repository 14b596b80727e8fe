"""Export a view to GraphML, GEXF, Cytoscape.js JSON, node-link JSON (D3) or DOT — and read
each back (:func:`read_export`), which the round-trip tests use.

Every format carries every node and edge attribute of the view (lists are JSON strings, see
:mod:`strikegraph.views.build`), the edge keys, and the graph attributes where the format has
a place for them (all but GEXF and DOT's attribute-less graph level, where they become
``graph [...]`` attributes). On top of the view's own attributes:

* GEXF: ``viz`` colours — nodes by type, edges by sign — node sizes by degree, edge
  thickness by weight and node positions from the shared layout, so Gephi opens it laid out,
  labelled and coloured; the edge key again as ``edge_key`` (Gephi shows it; networkx's
  reader forgets keys when there are no parallel edges);
* Cytoscape.js: ``position`` per node and ``classes`` (``positive``/``negative``, the node
  type), the same elements the interactive page draws;
* DOT: ``fillcolor``/``color``/``style``/``penwidth`` for Graphviz; every attribute value is
  a quoted string (DOT has no other type) with ``\\`` and ``"`` escaped.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Mapping
from typing import Any

import networkx as nx

from strikegraph.errors import ParameterError
from strikegraph.views.style import hex_to_rgb, layout, sign_colour, type_colour

__all__ = [
    "EXPORT_FORMATS",
    "MEDIA_TYPES",
    "check_format",
    "cytoscape_elements",
    "export_view",
    "read_export",
]

EXPORT_FORMATS: tuple[str, ...] = ("graphml", "gexf", "cytoscape", "node-link", "dot")
MEDIA_TYPES: dict[str, str] = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "cytoscape": "application/json",
    "node-link": "application/json",
    "dot": "text/vnd.graphviz",
}
_ALIASES = {
    "nodelink": "node-link",
    "d3": "node-link",
    "json": "node-link",
    "cyjs": "cytoscape",
    "gv": "dot",
}


def check_format(fmt: str) -> str:
    """The canonical name of an export format (aliases: d3, json, cyjs, gv), or
    ``ParameterError``."""
    name = fmt.lower().strip()
    name = _ALIASES.get(name, name)
    if name not in EXPORT_FORMATS:
        raise ParameterError(
            f"unknown view export format '{fmt}' (use {', '.join(EXPORT_FORMATS)})"
        )
    return name


def _scalar_graph_attrs(graph: nx.Graph) -> dict[str, Any]:
    return {k: v for k, v in graph.graph.items() if isinstance(v, str | int | float | bool)}


def export_view(
    view: nx.MultiDiGraph, fmt: str, positions: Mapping[str, tuple[float, float]] | None = None
) -> str:
    """Serialise ``view`` in ``fmt`` (one of :data:`EXPORT_FORMATS`) and return the text."""
    name = check_format(fmt)
    if name == "graphml":
        return _graphml(view)
    if name == "gexf":
        return _gexf(view, positions or layout(view))
    if name == "cytoscape":
        return (
            json.dumps(
                cytoscape_elements(view, positions or layout(view)), ensure_ascii=False, indent=1
            )
            + "\n"
        )
    if name == "node-link":
        data = nx.node_link_data(view, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    return _dot(view)


# -- GraphML ----------------------------------------------------------------------------------


def _graphml(view: nx.MultiDiGraph) -> str:
    graph = view.copy()
    graph.graph = _scalar_graph_attrs(view)
    return "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)) + "\n"


# -- GEXF -------------------------------------------------------------------------------------


def _viz_colour(colour: str, alpha: float = 1.0) -> dict[str, Any]:
    r, g, b = hex_to_rgb(colour)
    return {"r": r, "g": g, "b": b, "a": alpha}


def _gexf(view: nx.MultiDiGraph, positions: Mapping[str, tuple[float, float]]) -> str:
    graph = nx.MultiDiGraph()
    degrees = dict(nx.Graph(view.to_undirected()).degree())
    for node, data in view.nodes(data=True):
        x, y = positions.get(node, (0.0, 0.0))
        viz = {
            "color": _viz_colour(type_colour(data.get("type"))),
            "size": 10.0 + 4.0 * degrees.get(node, 0),
            "position": {"x": round(400 * x, 2), "y": round(-300 * y, 2), "z": 0.0},
        }
        graph.add_node(node, **data, viz=viz)
    for index, (u, v, key, data) in enumerate(view.edges(keys=True, data=True)):
        viz = {
            "color": _viz_colour(sign_colour(data.get("sign", 1)), 0.9),
            "thickness": 1.0 + float(data.get("weight", 1)),
        }
        # the key also as a plain attribute: networkx's reader loses keys without parallel edges
        graph.add_edge(u, v, key=key, id=f"e{index}", edge_key=key, **data, viz=viz)
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


# -- Cytoscape.js -----------------------------------------------------------------------------


def cytoscape_elements(
    view: nx.MultiDiGraph, positions: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, Any]:
    """The view as Cytoscape.js JSON: ``{"data", "directed", "multigraph", "elements"}``.

    The shape is what ``networkx.cytoscape_data`` writes (so ``networkx.cytoscape_graph``
    reads it back), plus an ``id`` per edge, a ``position`` per node (scaled for the
    screen) and ``classes`` for styling.
    """
    data = nx.cytoscape_data(view, name="label", ident="id")
    data["data"] = _scalar_graph_attrs(view)
    positions = positions or {}
    for element in data["elements"]["nodes"]:
        node = element["data"]["id"]
        element["data"]["colour"] = type_colour(view.nodes[node].get("type"))
        element["classes"] = str(view.nodes[node].get("type", "Resource"))
        if node in positions:
            x, y = positions[node]
            element["position"] = {"x": round(420 * x, 1), "y": round(-320 * y, 1)}
    for index, element in enumerate(data["elements"]["edges"]):
        edge = element["data"]
        edge["id"] = f"e{index}"
        edge["colour"] = sign_colour(edge.get("sign", 1))
        element["classes"] = "positive" if int(edge.get("sign", 1)) >= 0 else "negative"
    return data


# -- DOT --------------------------------------------------------------------------------------


def _dot_value(value: Any) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _dot_attrs(attrs: Mapping[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        key = name if _DOT_ID.match(name) else _dot_value(name)
        parts.append(f"{key}={_dot_value(value)}")
    return ", ".join(parts)


def _dot(view: nx.MultiDiGraph) -> str:
    name = str(view.graph.get("name") or "strikegraph")
    lines = [f"digraph {_dot_value(name)} {{"]
    graph_attrs = {k: v for k, v in _scalar_graph_attrs(view).items() if k != "name"}
    graph_attrs.setdefault("label", view.graph.get("title", name))
    styling = {"overlap": "false", "splines": "true", "fontname": "Helvetica"}
    lines.append(f"  graph [{_dot_attrs({**graph_attrs, **styling})}];")
    lines.append('  node [shape="ellipse", style="filled", fontname="Helvetica", fontsize="11"];')
    lines.append('  edge [fontname="Helvetica", fontsize="9"];')
    for node, data in view.nodes(data=True):
        attrs = {**data, "fillcolor": type_colour(data.get("type"))}
        lines.append(f"  {_dot_value(node)} [{_dot_attrs(attrs)}];")
    for u, v, key, data in view.edges(keys=True, data=True):
        sign = int(data.get("sign", 1))
        attrs = {
            "key": key,
            **data,
            "color": sign_colour(sign),
            "fontcolor": sign_colour(sign),
            "style": "solid" if sign >= 0 else "dashed",
            "penwidth": 1.0 + float(data.get("weight", 1)),
        }
        if not data.get("directed", True):
            attrs["dir"] = "none"
        lines.append(f"  {_dot_value(u)} -> {_dot_value(v)} [{_dot_attrs(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- reading back -----------------------------------------------------------------------------


def read_export(text: str, fmt: str) -> nx.MultiDiGraph:
    """Parse an export with networkx's own readers (pydot for DOT) into a MultiDiGraph.

    Values come back as the readers give them (GEXF weights as floats, DOT values as
    strings); :mod:`tests.test_views_exports` compares them with the view.
    """
    name = check_format(fmt)
    if name == "graphml":
        graph = nx.parse_graphml(text, node_type=str, edge_key_type=str, force_multigraph=True)
    elif name == "gexf":
        graph = nx.read_gexf(io.BytesIO(text.encode("utf-8")), node_type=str)
        multi = nx.MultiDiGraph()  # the reader drops to a DiGraph without parallel edges
        multi.graph.update(graph.graph)
        multi.add_nodes_from(graph.nodes(data=True))
        for u, v, data in graph.edges(data=True):
            attrs = dict(data)
            multi.add_edge(u, v, key=attrs.pop("edge_key", None), **attrs)
        graph = multi
    elif name == "cytoscape":
        graph = nx.cytoscape_graph(json.loads(text), name="label", ident="id")
    elif name == "node-link":
        graph = nx.node_link_graph(json.loads(text), edges="edges")
    else:
        import pydot

        with warnings.catch_warnings():  # pydot's parser uses pyparsing's old method names
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = pydot.graph_from_dot_data(text)
        if not parsed:
            raise ValueError("not a DOT graph")
        dot = parsed[0]
        raw = nx.nx_pydot.from_pydot(dot)
        graph = nx.MultiDiGraph()
        for default in dot.get_graph_defaults():
            graph.graph.update({k: _undot(v) for k, v in default.items()})
        graph.graph["name"] = _undot(dot.get_name())
        for node, data in raw.nodes(data=True):
            graph.add_node(_undot(node), **{k: _undot(v) for k, v in data.items()})
        for u, v, key, data in raw.edges(keys=True, data=True):
            attrs = {k: _undot(v) for k, v in data.items()}
            graph.add_edge(_undot(u), _undot(v), key=_undot(str(key)), **attrs)
        return graph
    return graph if isinstance(graph, nx.MultiDiGraph) else nx.MultiDiGraph(graph)


_DOT_ESCAPE = re.compile(r'\\(["\\n])')


def _undot(value: Any) -> str:
    """A DOT value as text: outer quotes removed, ``\\"``, ``\\\\`` and ``\\n`` unescaped."""
    text = str(value)
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
        text = _DOT_ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)
    return text
