"""Pictures of a view: a static SVG/PNG with a legend (matplotlib), and a standalone
interactive HTML page (Cytoscape.js, bundled: the page loads nothing from the network).

Both use the same deterministic layout (:func:`strikegraph.views.style.layout`); in a signed
view camp A is drawn on the left and camp B on the right. In the static picture the relations
between two actors are grouped by sign and direction: one line per group, labelled with the
relations it stands for, green and solid for positive, red and dashed for negative, as wide
as the number of independent sources behind it, with an arrow where the relation has a
direction; a pale yellow underlay marks ties that contradict the camps.
"""

from __future__ import annotations

import json
import math
import os
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from strikegraph import atomicio
from strikegraph.errors import ParameterError
from strikegraph.views.style import (
    NEGATIVE,
    POSITIVE,
    TYPE_COLOURS,
    camp_sides,
    layout,
    sign_colour,
    type_colour,
)

__all__ = [
    "CYTOSCAPE_VERSION",
    "DRAW_FORMATS",
    "draw_static",
    "draw_view",
    "render_html",
    "write_html",
]

CYTOSCAPE_VERSION = "3.34.4"
DRAW_FORMATS: tuple[str, ...] = ("svg", "png", "html")
_TYPE_LABELS = {
    "State": "state",
    "Person": "person",
    "AnonymousSource": "unnamed source",
    "Group": "group of officials",
    "GovernmentBody": "government body",
    "ArmedForces": "armed forces",
    "Alliance": "alliance",
    "MediaOutlet": "media outlet",
    "Organisation": "organisation",
    "Document": "document",
}


def _asset(name: str) -> str:
    return resources.files("strikegraph.views").joinpath("html", name).read_text(encoding="utf-8")


def _summary_lines(view: nx.MultiDiGraph, report: Mapping[str, Any] | None) -> list[str]:
    lines = [f"{view.number_of_nodes()} nodes, {view.number_of_edges()} relations"]
    balance = (report or {}).get("balance")
    if balance:
        fr = balance["frustration"]
        tri = balance["triangles"]
        lines.append(
            f"Structural balance: {tri['balanced']} of {tri['total']} triangles balanced; "
            f"frustration index {fr['index']} of {balance['pairs']} pairs ({fr['method']})."
        )
        for camp in ("A", "B"):
            lines.append(f"Camp {camp}: " + ", ".join(m["label"] for m in balance["camps"][camp]))
        if balance["between"]:
            lines.append("Between the camps: " + ", ".join(b["label"] for b in balance["between"]))
    return lines


def _filters_text(view: nx.MultiDiGraph) -> str:
    parts = []
    for key in ("as_of", "source", "publisher"):
        if view.graph.get(key):
            parts.append(f"{key.replace('_', ' ')} {view.graph[key]}")
    if int(view.graph.get("min_support", 1) or 1) > 1:
        parts.append(f"min. {view.graph['min_support']} sources")
    return "; ".join(parts)


def _legend_data(view: nx.MultiDiGraph) -> dict[str, Any]:
    types = sorted(
        {d.get("type", "Resource") for _, d in view.nodes(data=True)},
        key=lambda t: (list(TYPE_COLOURS).index(t) if t in TYPE_COLOURS else 99, t),
    )
    by_sign: dict[int, list[str]] = defaultdict(list)
    for *_, d in view.edges(data=True):
        sign = 1 if int(d.get("sign", 1)) >= 0 else -1
        if d.get("label") not in by_sign[sign]:
            by_sign[sign].append(d.get("label"))
    signs = [
        {
            "sign": s,
            "label": ("positive: " if s > 0 else "negative: ") + ", ".join(sorted(by_sign[s])),
        }
        for s in (1, -1)
        if by_sign[s]
    ]
    return {
        "types": [
            {"type": t, "label": _TYPE_LABELS.get(t, t), "colour": type_colour(t)} for t in types
        ],
        "signs": signs,
        "note": "Line width: number of independent sources. Arrows: who acts towards whom.",
    }


# --------------------------------------------------------------------------------------------
# The interactive page
# --------------------------------------------------------------------------------------------


def render_html(
    view: nx.MultiDiGraph,
    report: Mapping[str, Any] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> str:
    """A standalone HTML page (scripts and data inlined) that draws ``view``."""
    from strikegraph.views.exports import cytoscape_elements

    sides = camp_sides(view) if view.graph.get("signed") else None
    positions = positions or layout(view, sides)
    elements = cytoscape_elements(view, positions)
    degrees = dict(nx.Graph(view.to_undirected()).degree())
    for element in elements["elements"]["nodes"]:
        node = element["data"]["id"]
        element["data"]["size"] = 24 + 5 * degrees.get(node, 0)
        if sides is not None:
            element["data"]["camp"] = "AB"[sides.get(node, 0)]
    payload = {
        "elements": elements,
        "legend": _legend_data(view),
        "summary": _summary_lines(view, report),
    }
    data = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")
    title = f"strikegraph — {view.graph.get('title') or view.graph.get('view', 'view')}"
    subtitle = (
        f"{view.graph.get('view', '')} view · {view.number_of_nodes()} nodes, "
        f"{view.number_of_edges()} relations"
    )
    filters = _filters_text(view)
    if filters:
        subtitle += f" · {filters}"
    subtitle += " · click a node or an edge for its evidence"
    page = _asset("template.html")
    replacements = {
        "@@TITLE@@": _escape(title),
        "@@SUBTITLE@@": _escape(subtitle),
        "@@GENERATOR@@": _escape(
            f"{view.graph.get('generator', 'strikegraph')}; Cytoscape.js {CYTOSCAPE_VERSION}"
        ),
        "@@CSS@@": _asset("page.css"),
        "@@CYTOSCAPE@@": _asset("cytoscape.min.js"),
        "@@DATA@@": data,
        "@@APP@@": _asset("page.js"),
    }
    for marker in ("@@TITLE@@", "@@SUBTITLE@@", "@@GENERATOR@@", "@@CSS@@", "@@DATA@@", "@@APP@@"):
        page = page.replace(marker, replacements[marker])
    # last, and only once: the library text is not searched for markers
    return page.replace("@@CYTOSCAPE@@", replacements["@@CYTOSCAPE@@"], 1)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def write_html(
    view: nx.MultiDiGraph, path: str | os.PathLike[str], report: Mapping[str, Any] | None = None
) -> Path:
    """Write the interactive page to ``path`` and return it."""
    return atomicio.write_text(path, render_html(view, report))


# --------------------------------------------------------------------------------------------
# The static picture
# --------------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 20) -> str:
    return "\n".join(textwrap.wrap(text, width=width)) or text


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _edge_groups(view: nx.MultiDiGraph) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Per unordered pair (a < b): one group per (sign, direction) with its relations."""
    groups: dict[tuple[str, str], dict[tuple[int, str], dict[str, Any]]] = defaultdict(dict)
    for u, v, d in view.edges(data=True):
        if u == v:
            continue
        a, b = sorted((u, v))
        sign = 1 if int(d.get("sign", 1)) >= 0 else -1
        direction = "none" if not d.get("directed", True) else ("ab" if (u, v) == (a, b) else "ba")
        group = groups[(a, b)].setdefault(
            (sign, direction), {"sign": sign, "direction": direction, "labels": [], "weight": 0}
        )
        group["labels"].append(str(d.get("label") or d.get("relation")))
        group["weight"] += int(d.get("weight", 1))
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for pair, by_key in groups.items():
        ordered = sorted(by_key.values(), key=lambda g: (-g["sign"], g["direction"]))
        for group in ordered:
            counts: dict[str, int] = {}
            for label in group["labels"]:
                counts[label] = counts.get(label, 0) + 1
            group["text"] = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items())
        out[pair] = ordered
    return out


def _rads(count: int) -> list[float]:
    if count == 1:
        return [0.0]
    step = 0.22
    return [step * (i - (count - 1) / 2) for i in range(count)]


_LABEL_TS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8)


def _label_spot(
    start: Sequence[float],
    end: Sequence[float],
    rad: float,
    nodes: Sequence[tuple[float, float, float]],
    placed: list[tuple[float, float]],
) -> tuple[float, float]:
    """Where on a (curved) edge to put its label, in display coordinates: the point of the
    ``arc3`` Bezier curve nearest its middle that stays clear of nodes and earlier labels."""
    (x1, y1), (x2, y2) = start, end
    cx = (x1 + x2) / 2 + rad * (y2 - y1)
    cy = (y1 + y2) / 2 - rad * (x2 - x1)
    best: tuple[float, tuple[float, float]] | None = None
    for t in _LABEL_TS:
        x = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t**2 * x2
        y = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t**2 * y2
        clear_nodes = min((math.hypot(x - nx_, y - ny_) - r for nx_, ny_, r in nodes), default=1e9)
        clear_labels = min((math.hypot((x - lx) / 2.2, y - ly) for lx, ly in placed), default=1e9)
        clearance = min(clear_nodes - 14, clear_labels - 16)
        if clearance >= 0:
            best = (clearance, (x, y))
            break
        if best is None or clearance > best[0]:
            best = (clearance, (x, y))
    assert best is not None
    placed.append(best[1])
    return best[1]


def draw_static(
    view: nx.MultiDiGraph,
    outputs: Sequence[str | os.PathLike[str]],
    report: Mapping[str, Any] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> list[Path]:
    """Draw ``view`` with a legend into each of ``outputs`` (``.svg`` and/or ``.png`` files)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    paths = [Path(p) for p in outputs]
    for path in paths:
        if path.suffix.lower() not in (".svg", ".png"):
            raise ParameterError(f"{path}: a picture must be a .svg or .png file")
    signed = bool(view.graph.get("signed"))
    sides = camp_sides(view) if signed else None
    positions = dict(positions or layout(view, sides))
    frustrated: set[tuple[str, str]] = set()
    if report and report.get("balance"):
        for pair in report["balance"]["frustration"]["frustrated_pairs"]:
            frustrated.add(tuple(sorted(pair["nodes"])))  # type: ignore[arg-type]

    plt.rcParams.update(
        {"svg.fonttype": "none", "svg.hashsalt": "strikegraph", "font.family": "DejaVu Sans"}
    )
    fig = plt.figure(figsize=(17, 10.5), dpi=100)
    ax = fig.add_axes((0.01, 0.02, 0.72, 0.86))
    legend_ax = fig.add_axes((0.74, 0.02, 0.25, 0.86))
    legend_ax.axis("off")
    ax.axis("off")
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-1.22, 1.22)

    degrees = dict(nx.Graph(view.to_undirected()).degree())
    sizes = {n: 500 + 160 * degrees.get(n, 0) for n in view}
    radius_pts = {n: math.sqrt(s) / 2 for n, s in sizes.items()}

    if sides is not None and view.number_of_nodes():
        left = [positions[n][0] for n in view if sides.get(n, 0) == 0]
        right = [positions[n][0] for n in view if sides.get(n, 0) == 1]
        if left and right and max(left) < min(right):
            divide = (max(left) + min(right)) / 2
            ax.axvline(divide, color="#999999", linestyle=(0, (2, 4)), linewidth=1, zorder=0)
            ax.text(
                (divide - 1.25) / 2,
                1.17,
                "Camp A",
                ha="center",
                va="center",
                fontsize=14,
                color="#555555",
                fontweight="bold",
            )
            ax.text(
                (divide + 1.25) / 2,
                1.17,
                "Camp B",
                ha="center",
                va="center",
                fontsize=14,
                color="#555555",
                fontweight="bold",
            )

    fig.canvas.draw()  # fixes the transforms used to place labels on curved edges
    to_display = ax.transData.transform
    to_data = ax.transData.inverted().transform
    points_to_px = fig.dpi / 72
    node_spots = [(*to_display(positions[n]), radius_pts[n] * points_to_px) for n in view]
    for n in view:  # the node's label, below it, is an obstacle too
        x, y = to_display(positions[n])
        node_spots.append((x, y - (radius_pts[n] + 14) * points_to_px, 22 * points_to_px))
    label_spots: list[tuple[float, float]] = []
    for (a, b), groups in sorted(_edge_groups(view).items()):
        rads = _rads(len(groups))
        pa, pb = positions[a], positions[b]
        for group, rad in zip(groups, rads, strict=True):
            colour = sign_colour(group["sign"])
            style = {"ab": "-|>", "ba": "<|-", "none": "-"}[group["direction"]]
            width = min(1.2 + 1.1 * group["weight"], 8.0)
            common: dict[str, Any] = {
                "connectionstyle": f"arc3,rad={rad}",
                "shrinkA": radius_pts[a] + 2,
                "shrinkB": radius_pts[b] + 2,
                "mutation_scale": 16,
            }
            if (a, b) in frustrated:
                ax.add_patch(
                    FancyArrowPatch(
                        pa,
                        pb,
                        arrowstyle="-",
                        color="#FFE066",
                        linewidth=width + 9,
                        alpha=0.9,
                        zorder=1,
                        **common,
                    )
                )
            ax.add_patch(
                FancyArrowPatch(
                    pa,
                    pb,
                    arrowstyle=style,
                    color=colour,
                    linewidth=width,
                    linestyle="solid" if group["sign"] > 0 else (0, (4, 2.5)),
                    alpha=0.9,
                    zorder=2,
                    **common,
                )
            )
            (x1, y1), (x2, y2) = to_display(pa), to_display(pb)
            spot = _label_spot((x1, y1), (x2, y2), rad, node_spots, label_spots)
            lx, ly = to_data(spot)
            ax.text(
                lx,
                ly,
                _wrap(group["text"], 22),
                fontsize=8.5,
                color=colour,
                ha="center",
                va="center",
                zorder=4,
                bbox={
                    "boxstyle": "round,pad=0.18",
                    "facecolor": "white",
                    "edgecolor": "none",
                    "alpha": 0.85,
                },
            )

    nodes = sorted(view.nodes)
    ax.scatter(
        [positions[n][0] for n in nodes],
        [positions[n][1] for n in nodes],
        s=[sizes[n] for n in nodes],
        c=[type_colour(view.nodes[n].get("type")) for n in nodes],
        edgecolors="#222222",
        linewidths=1.4,
        zorder=3,
    )
    for n in nodes:
        x, y = positions[n]
        offset = radius_pts[n] + 3
        ax.annotate(
            _wrap(_shorten(str(view.nodes[n].get("label") or n), 64), 22),
            (x, y),
            xytext=(0, -offset),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=10.5,
            fontweight="bold",
            zorder=5,
            bbox={
                "boxstyle": "round,pad=0.2",
                "facecolor": "white",
                "edgecolor": "#cccccc",
                "alpha": 0.9,
            },
        )

    title = f"strikegraph — {view.graph.get('view', '')} view: {view.graph.get('title', '')}"
    fig.text(0.01, 0.965, title, fontsize=17, fontweight="bold", va="center")
    subtitle = f"{view.number_of_nodes()} nodes, {view.number_of_edges()} relations"
    balance = (report or {}).get("balance")
    if balance:
        fr = balance["frustration"]
        tri = balance["triangles"]
        subtitle += (
            f" · {tri['balanced']} of {tri['total']} triangles balanced · frustration index"
            f" {fr['index']} of {balance['pairs']} pairs · camps split to explain the signs best"
        )
    filters = _filters_text(view)
    if filters:
        subtitle += f" · {filters}"
    fig.text(0.01, 0.925, subtitle, fontsize=11.5, color="#444444", va="center")

    legend = _legend_data(view)
    handles: list[Any] = [
        Patch(facecolor=t["colour"], edgecolor="#222222", label=t["label"]) for t in legend["types"]
    ]
    node_legend = legend_ax.legend(
        handles=handles,
        title="Nodes (type)",
        loc="upper left",
        frameon=False,
        fontsize=11,
        title_fontsize=12,
        alignment="left",
    )
    legend_ax.add_artist(node_legend)
    edge_handles: list[Any] = []
    for s in legend["signs"]:
        positive = s["sign"] > 0
        edge_handles.append(
            Line2D(
                [0],
                [0],
                color=POSITIVE if positive else NEGATIVE,
                linewidth=3,
                linestyle="solid" if positive else (0, (4, 2.5)),
                label=_wrap(s["label"], 34),
            )
        )
    for weight in (1, 2, 4):
        edge_handles.append(
            Line2D(
                [0],
                [0],
                color="#666666",
                linewidth=min(1.2 + 1.1 * weight, 8.0),
                label=f"{weight} independent source{'s' if weight > 1 else ''}",
            )
        )
    if frustrated:
        edge_handles.append(
            Line2D(
                [0],
                [0],
                color="#FFE066",
                linewidth=9,
                label=_wrap("tie that contradicts the camps (frustrated)", 34),
            )
        )
    legend_ax.legend(
        handles=edge_handles,
        title="Edges (label = relation)",
        loc="upper left",
        bbox_to_anchor=(0, 0.6),
        frameon=False,
        fontsize=11,
        title_fontsize=12,
        alignment="left",
        handlelength=3,
    )
    notes = [
        "Arrows point from the one who acts to",
        "the one the relation is directed at;",
        "symmetric relations have no arrow.",
    ]
    if balance:
        notes += ["", "Camps: the two-camp split with the", "fewest ties that contradict it."]
    legend_ax.text(
        0.0,
        0.08,
        "\n".join(notes),
        fontsize=10,
        color="#444444",
        va="bottom",
        transform=legend_ax.transAxes,
    )

    metadata = {"svg": {"Date": None, "Creator": "strikegraph"}, "png": {"Software": "strikegraph"}}
    for path in paths:
        kind = path.suffix.lower().lstrip(".")
        with atomicio.atomic_open(path) as handle:
            fig.savefig(
                handle,
                format=kind,
                dpi=150 if kind == "png" else 100,
                metadata=metadata[kind],
                facecolor="white",
            )
    plt.close(fig)
    return paths


def draw_view(
    view: nx.MultiDiGraph,
    output_dir: str | os.PathLike[str] = ".",
    stem: str | None = None,
    formats: Iterable[str] = DRAW_FORMATS,
    report: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write ``{stem}.svg``, ``.png`` and/or ``.html`` of ``view`` into ``output_dir``."""
    chosen = []
    for fmt in formats:
        name = fmt.lower().strip().lstrip(".")
        if name not in DRAW_FORMATS:
            raise ParameterError(f"unknown picture format '{fmt}' (use {', '.join(DRAW_FORMATS)})")
        if name not in chosen:
            chosen.append(name)
    if report is None and view.graph.get("signed"):
        from strikegraph.views.analysis import analyze

        report = analyze(view).to_dict()
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = stem or str(view.graph.get("view") or "view")
    sides = camp_sides(view) if view.graph.get("signed") else None
    positions = layout(view, sides)
    written: list[Path] = []
    pictures = [folder / f"{stem}.{fmt}" for fmt in chosen if fmt in ("svg", "png")]
    if pictures:
        written += draw_static(view, pictures, report, positions)
    if "html" in chosen:
        path = folder / f"{stem}.html"
        atomicio.write_text(path, render_html(view, report, positions))
        written.append(path)
    return written
