"""Colours, legends and the node layout shared by the pictures, the HTML page and the exports.

Colours follow Paul Tol's colour-blind-safe palettes. Signs are told apart by line style as
well as colour (solid positive, dashed negative), so the pictures read in greyscale too.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np

__all__ = [
    "NEGATIVE",
    "POSITIVE",
    "TYPE_COLOURS",
    "camp_sides",
    "hex_to_rgb",
    "layout",
    "sign_colour",
    "type_colour",
]

POSITIVE = "#228833"
NEGATIVE = "#CC3311"

TYPE_COLOURS: dict[str, str] = {
    "State": "#0077BB",
    "Person": "#EE7733",
    "AnonymousSource": "#DDAA33",
    "Group": "#AA3377",
    "GovernmentBody": "#009988",
    "ArmedForces": "#996633",
    "Alliance": "#33BBEE",
    "MediaOutlet": "#777777",
    "Organisation": "#66CCAA",
    "Document": "#BBBBBB",
}
_OTHER = "#DDDDDD"


def type_colour(node_type: str | None) -> str:
    """The fill colour of a node of this ``type``."""
    return TYPE_COLOURS.get(node_type or "", _OTHER)


def sign_colour(sign: int) -> str:
    """Green for positive relations, red for negative ones."""
    return POSITIVE if int(sign) >= 0 else NEGATIVE


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` -> ``(r, g, b)``."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def camp_sides(view: nx.MultiDiGraph) -> dict[str, int]:
    """0/1 camp per node of a signed view (from the exact or approximate frustration split)."""
    from strikegraph.views.analysis import frustration, signed_projection

    if not view.number_of_edges():
        return {node: 0 for node in view}
    return frustration(signed_projection(view)).sides


def layout(
    view: nx.MultiDiGraph, sides: Mapping[str, int] | None = None
) -> dict[str, tuple[float, float]]:
    """Deterministic positions in [-1, 1]²: a spring layout in which positive ties pull harder
    than negative ones, spread so that no two nodes (and their labels) overlap. In a signed
    view camp A fills the left half and camp B the right half."""
    nodes = sorted(view.nodes)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if view.graph.get("signed") and sides is None:
        sides = camp_sides(view)
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    for u, v, data in view.edges(data=True):
        if u == v:
            continue
        pull = 1.0 if int(data.get("sign", 1)) >= 0 else 0.25
        if simple.has_edge(u, v):
            simple.edges[u, v]["pull"] = max(simple.edges[u, v]["pull"], pull)
        else:
            simple.add_edge(u, v, pull=pull)
    pairs = sorted({tuple(sorted((u, v))) for u, v in simple.edges()})
    fingerprint = (
        tuple(nodes),
        tuple(sorted((u, v, d["pull"]) for u, v, d in simple.edges(data=True))),
        tuple(sorted(sides.items())) if sides is not None else None,
    )
    if fingerprint in _CACHE:
        return dict(_CACHE[fingerprint])
    tries = 12 if len(pairs) <= 300 else 1
    best: tuple[int, int, dict[str, tuple[float, float]]] | None = None
    for attempt in range(tries):
        pos = _attempt(simple, nodes, sides, attempt)
        clutter = _crossings(pos, pairs) + 3 * _grazes(pos, pairs) if tries > 1 else 0
        if best is None or clutter < best[0]:
            best = (clutter, attempt, pos)
    assert best is not None
    result = {n: (round(best[2][n][0], 4), round(best[2][n][1], 4)) for n in nodes}
    if len(_CACHE) >= 32:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[fingerprint] = result
    return dict(result)


_CACHE: dict[Any, dict[str, tuple[float, float]]] = {}


def _attempt(
    simple: nx.Graph, nodes: list[str], sides: Mapping[str, int] | None, attempt: int
) -> dict[str, tuple[float, float]]:
    """One seeded spring layout, filled into the camp boxes and spread."""
    rng = random.Random(7 + attempt)
    initial = {}
    for i, node in enumerate(nodes):
        if attempt == 0:
            angle = 2 * math.pi * i / len(nodes)
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = rng.uniform(-1, 1), rng.uniform(-1, 1)
        if sides is not None:
            x = (-1.0 if sides.get(node, 0) == 0 else 1.0) + 0.3 * x
        initial[node] = (x + rng.uniform(-0.05, 0.05), y + rng.uniform(-0.05, 0.05))
    k = 3.0 / math.sqrt(len(nodes))
    raw = nx.spring_layout(
        simple, pos=initial, weight="pull", k=k, iterations=400, seed=7 + attempt
    )
    pos = {n: (float(p[0]), float(p[1])) for n, p in raw.items()}
    if sides is None:
        boxes = {n: (-1.0, 1.0) for n in nodes}
        pos = _fill(pos, nodes, (-1.0, 1.0))
    else:
        boxes = {}
        for side, box in ((0, (-1.0, -0.14)), (1, (0.14, 1.0))):
            members = [n for n in nodes if sides.get(n, 0) == side]
            pos.update(_fill(pos, members, box))
            boxes.update({n: box for n in members})
    return _spread(pos, boxes)


def _crossings(pos: Mapping[str, tuple[float, float]], pairs: list[tuple[str, str]]) -> int:
    """How many pairs of straight edges without a shared end cross."""

    def turn(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> bool:
        return (c[1] - a[1]) * (b[0] - a[0]) > (b[1] - a[1]) * (c[0] - a[0])

    count = 0
    for i, (a, b) in enumerate(pairs):
        p1, p2 = pos[a], pos[b]
        for c, d in pairs[i + 1 :]:
            if a in (c, d) or b in (c, d):
                continue
            q1, q2 = pos[c], pos[d]
            if turn(p1, q1, q2) != turn(p2, q1, q2) and turn(p1, p2, q1) != turn(p1, p2, q2):
                count += 1
    return count


def _grazes(pos: Mapping[str, tuple[float, float]], pairs: list[tuple[str, str]]) -> int:
    """How many (edge, node) pairs have the edge pass over or close by a node not its own."""
    count = 0
    for a, b in pairs:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy or 1e-9
        for node, (x, y) in pos.items():
            if node in (a, b):
                continue
            t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length))
            if math.hypot((x1 + t * dx - x) / 0.38, (y1 + t * dy - y) / 0.27) < 0.45:
                count += 1
    return count


def _fill(
    pos: Mapping[str, tuple[float, float]], members: list[str], box: tuple[float, float]
) -> dict[str, tuple[float, float]]:
    """Rescale the members' positions to fill ``box`` in x and [-1, 1] in y."""
    if not members:
        return {}
    xs = [pos[n][0] for n in members]
    ys = [pos[n][1] for n in members]
    low, high = box
    out = {}
    for n in members:
        x = (pos[n][0] - min(xs)) / (max(xs) - min(xs)) if max(xs) > min(xs) else 0.5
        y = (pos[n][1] - min(ys)) / (max(ys) - min(ys)) if max(ys) > min(ys) else 0.5
        out[n] = (low + x * (high - low), -1.0 + 2.0 * y)
    return out


def _spread(
    pos: dict[str, tuple[float, float]], boxes: Mapping[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Push apart nodes whose labelled discs would overlap (labels are wider than tall),
    keeping each node inside its horizontal box and [-1, 1] vertically."""
    nodes = list(pos)
    n = len(nodes)
    points = np.array([pos[node] for node in nodes], dtype=float)
    low = np.array([boxes[node][0] for node in nodes])
    high = np.array([boxes[node][1] for node in nodes])
    # a node with its label below it needs about 0.38 units of width and 0.3 of height
    scale = np.array([1 / 0.38, 1 / 0.3])
    minimum = 1.0 if n <= 40 else math.sqrt(40 / n)
    for _ in range(200 if n <= 200 else 60):
        delta = (points[:, None, :] - points[None, :, :]) * scale
        dist = np.sqrt((delta**2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        close = dist < minimum
        if not close.any():
            break
        safe = np.where(close & (dist > 0), dist, 1.0)
        push = (
            np.where(close, (minimum - np.where(close, dist, 0.0)) / 2 / safe, 0.0)[:, :, None]
            * delta
        )
        tie = (dist == 0) & close
        if tie.any():  # identical points: separate along a fixed, per-pair direction
            push += tie[:, :, None] * np.array([0.01, 0.007])
        step = push.sum(axis=1) / scale
        points += step
        if np.abs(step).max() < 1e-4:
            break
        points[:, 0] = np.clip(points[:, 0], low, high)
        points[:, 1] = np.clip(points[:, 1], -1.0, 1.0)
    return {node: (float(points[i, 0]), float(points[i, 1])) for i, node in enumerate(nodes)}
