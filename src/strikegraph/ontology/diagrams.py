"""Diagrams of the ontology's main patterns, drawn as SVG by code (no Graphviz needed).

A pattern lists its classes with grid positions and its edges. The edges are checked against
the ontology (:func:`validate_pattern`): an sg property must exist and its domain and range
must admit the classes it joins, so a diagram cannot drift from the vocabulary. Labels are the
terms' CURIEs; in the HTML documentation every sg node and edge links to the term's section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from strikegraph.ontology.files import NAMESPACE
from strikegraph.ontology.terms import Ontology, is_datatype

__all__ = ["PATTERNS", "Edge", "Pattern", "render_svg", "validate_pattern"]

_PREFIXES = {
    "sg": NAMESPACE,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
}

COL = 190.0  # px per grid column
ROW = 92.0  # px per grid row
NODE_H = 32.0
MARGIN = 30.0
CHAR_W = 7.0  # average glyph width of the 12 px sans-serif font, for box sizing


def expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(_PREFIXES[prefix] + local)


@dataclass(frozen=True)
class Edge:
    """``source --label--> target``; kind: property, subclass (hollow arrow), type (dashed 'a')."""

    source: str
    label: str
    target: str
    kind: str = "property"


@dataclass(frozen=True)
class Pattern:
    slug: str
    title: str
    description: str
    nodes: dict[str, tuple[float, float]]
    edges: tuple[Edge, ...]
    focus: tuple[str, ...] = field(default_factory=tuple)
    loop_side: str = "right"  # where self-loops are drawn: "right" or "left"


def _e(source: str, labels: str, target: str, kind: str = "property") -> list[Edge]:
    return [Edge(source, label.strip(), target, kind) for label in labels.split(",")]


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        slug="authorization",
        title="Authorization and prohibition",
        description=(
            "A weapons-use rule is n-ary: the grantor state, the deciding official, the grantee, "
            "the action, the weapon and target scopes with their exclusions, the purpose, the "
            "dates of decision and validity, the disclosures that made it known, and the rule it "
            "amends. sg:Authorization is an ODRL permission, sg:Prohibition an ODRL prohibition "
            "(see the alignment module)."
        ),
        nodes={
            "sg:UsePolicy": (3, 2),
            "sg:State": (1, 0),
            "sg:Person": (3, 0),
            "sg:Actor": (5, 0),
            "sg:Purpose": (0, 1.05),
            "sg:Action": (6, 1.05),
            "sg:Territory": (0, 3.1),
            "sg:WeaponType": (6, 2.3),
            "sg:SovereigntyView": (0.5, 4.5),
            "sg:Disclosure": (6, 3.6),
            "xsd:string": (1.9, 4.6),
            "sg:DateInterval": (4.6, 4.4),
            "sg:Authorization": (2.2, 5.6),
            "sg:Prohibition": (3.9, 5.6),
            "xsd:boolean": (2.2, 7),
        },
        edges=tuple(
            _e("sg:UsePolicy", "sg:grantor", "sg:State")
            + _e("sg:UsePolicy", "sg:decidedBy", "sg:Person")
            + _e("sg:UsePolicy", "sg:grantee", "sg:Actor")
            + _e("sg:UsePolicy", "sg:purpose", "sg:Purpose")
            + _e("sg:UsePolicy", "sg:action", "sg:Action")
            + _e("sg:UsePolicy", "sg:targetScope, sg:excludesTarget", "sg:Territory")
            + _e("sg:UsePolicy", "sg:weaponScope, sg:excludesWeapon", "sg:WeaponType")
            + _e("sg:UsePolicy", "sg:justifiedBy", "sg:SovereigntyView")
            + _e("sg:UsePolicy", "sg:hasDisclosure", "sg:Disclosure")
            + _e("sg:Disclosure", "sg:disclosed", "sg:UsePolicy")
            + _e("sg:UsePolicy", "sg:purposeDescription", "xsd:string")
            + _e("sg:UsePolicy", "sg:decidedDuring, sg:validDuring", "sg:DateInterval")
            + _e("sg:UsePolicy", "sg:amends", "sg:UsePolicy")
            + _e("sg:Authorization", "rdfs:subClassOf", "sg:UsePolicy", "subclass")
            + _e("sg:Prohibition", "rdfs:subClassOf", "sg:UsePolicy", "subclass")
            + _e("sg:Authorization", "sg:isUnrestricted, sg:isImplicit", "xsd:boolean")
        ),
        focus=("sg:UsePolicy", "sg:Authorization", "sg:Prohibition"),
        loop_side="left",
    ),
    Pattern(
        slug="office-holding",
        title="Office holding (officials)",
        description=(
            "An official is a person holding an office of a state for a period: the n-ary form "
            "of Wikidata's 'position held' (P39) statement with its start (P580) and end (P582) "
            "qualifiers. sg:holdsPosition and sg:holder are inverses."
        ),
        nodes={
            "sg:Person": (0, 0),
            "sg:OfficeHolding": (2, 1.5),
            "sg:Office": (4, 0),
            "sg:State": (2, -1.3),
            "xsd:date": (2, 2.8),
            "sg:Organisation": (0, -1.3),
        },
        edges=tuple(
            _e("sg:Person", "sg:holdsPosition", "sg:OfficeHolding")
            + _e("sg:OfficeHolding", "sg:holder", "sg:Person")
            + _e("sg:OfficeHolding", "sg:office", "sg:Office")
            + _e("sg:Office", "sg:officeOf", "sg:State")
            + _e("sg:OfficeHolding", "sg:heldFrom, sg:heldUntil", "xsd:date")
            + _e("sg:Person", "sg:actsFor", "sg:State")
            + _e("sg:Person", "sg:memberOf", "sg:Organisation")
        ),
        focus=("sg:OfficeHolding",),
    ),
    Pattern(
        slug="claim-evidence",
        title="Claim with attribution and evidence",
        description=(
            "Claims are not facts. A claim asserts a rule (or an event, stance, relationship, "
            "view, control period or office holding), names its claimant and the document that "
            "states it, the chain of sources through which the document has it (step 1 is the "
            "publisher), and W3C Web Annotations whose target is the exact span of the text "
            "(a quote selector and a position selector)."
        ),
        nodes={
            "sg:UsePolicy": (2, 0),
            "sg:Actor": (0, 1.2),
            "sg:Claim": (2, 1.2),
            "sg:Document": (5, 1.2),
            "sg:AttributionStep": (0, 2.8),
            "xsd:integer": (0, 4.2),
            "oa:Annotation": (2, 2.8),
            "sg:Evidencing": (1.2, 4.2),
            "oa:SpecificResource": (3.4, 4.2),
            "oa:TextQuoteSelector": (2.4, 5.6),
            "oa:TextPositionSelector": (4.5, 5.6),
        },
        edges=tuple(
            _e("sg:Claim", "sg:asserts", "sg:UsePolicy")
            + _e("sg:Claim", "sg:claimant", "sg:Actor")
            + _e("sg:Claim", "sg:statedIn", "sg:Document")
            + _e("sg:Claim", "sg:attributionStep", "sg:AttributionStep")
            + _e("sg:AttributionStep", "sg:stepAgent", "sg:Actor")
            + _e("sg:AttributionStep", "sg:stepOrder", "xsd:integer")
            + _e("sg:Claim", "sg:hasEvidence", "oa:Annotation")
            + _e("oa:Annotation", "oa:hasBody", "sg:Claim", "external")
            + _e("oa:Annotation", "oa:motivatedBy", "sg:Evidencing", "external")
            + _e("oa:Annotation", "oa:hasTarget", "oa:SpecificResource", "external")
            + _e("oa:SpecificResource", "oa:hasSource", "sg:Document", "external")
            + _e("oa:SpecificResource", "oa:hasSelector", "oa:TextQuoteSelector", "external")
            + _e("oa:SpecificResource", "oa:hasSelector", "oa:TextPositionSelector", "external")
        ),
        focus=("sg:Claim",),
    ),
    Pattern(
        slug="contested-territory",
        title="Contested territory: sovereignty views and control",
        description=(
            "Sovereignty is a matter of perspective: each sg:SovereigntyView records whether an "
            "actor considers a territory part of a state (the US does not consider Crimea "
            "Russian; Russia does). Control changes over time: a control period says who holds "
            "a territory, since which event, during which interval. sg:partOf is used only "
            "where containment is not in dispute."
        ),
        nodes={
            "xsd:boolean": (2, -0.3),
            "sg:Actor": (0, 1),
            "sg:SovereigntyView": (2, 1),
            "sg:State": (4.4, 1),
            "sg:Territory": (2, 2.5),
            "sg:ControlPeriod": (0, 3.8),
            "sg:DateInterval": (-1.6, 5),
            "sg:Event": (0, 5.2),
            "sg:Region": (1.6, 3.9),
            "sg:Settlement": (3.0, 3.9),
            "sg:Area": (4.4, 3.9),
        },
        edges=tuple(
            _e("sg:SovereigntyView", "sg:viewHolder", "sg:Actor")
            + _e("sg:SovereigntyView", "sg:sovereign", "sg:State")
            + _e("sg:SovereigntyView", "sg:viewedTerritory", "sg:Territory")
            + _e("sg:SovereigntyView", "sg:recognises", "xsd:boolean")
            + _e("sg:Territory", "sg:territoryOf", "sg:State")
            + _e("sg:Territory", "sg:partOf, sg:adjacentTo", "sg:Territory")
            + _e("sg:ControlPeriod", "sg:controller", "sg:Actor")
            + _e("sg:ControlPeriod", "sg:controlledTerritory", "sg:Territory")
            + _e("sg:ControlPeriod", "sg:establishedBy", "sg:Event")
            + _e("sg:ControlPeriod", "sg:validDuring", "sg:DateInterval")
            + _e("sg:Region", "rdfs:subClassOf", "sg:Territory", "subclass")
            + _e("sg:Settlement", "rdfs:subClassOf", "sg:Territory", "subclass")
            + _e("sg:Area", "rdfs:subClassOf", "sg:Territory", "subclass")
        ),
        focus=("sg:SovereigntyView", "sg:ControlPeriod"),
    ),
)


# --------------------------------------------------------------------------------------------
# Validation against the ontology
# --------------------------------------------------------------------------------------------


def _supers(graph: Graph, cls: URIRef) -> set[URIRef]:
    seen = {cls}
    stack = [cls]
    while stack:
        for parent in graph.objects(stack.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def validate_pattern(pattern: Pattern, ontology: Ontology) -> list[str]:
    """Problems of a pattern against the ontology (empty when every edge is sound)."""
    graph = ontology.graph
    problems = []
    for node in pattern.nodes:
        iri = expand(node)
        if str(iri).startswith(NAMESPACE) and iri not in ontology.terms:
            problems.append(f"{pattern.slug}: {node} is not defined")
    for edge in pattern.edges:
        for end in (edge.source, edge.target):
            if end not in pattern.nodes:
                problems.append(f"{pattern.slug}: {end} has no position")
        source, target = expand(edge.source), expand(edge.target)
        if edge.kind == "subclass":
            if (source, RDFS.subClassOf, target) not in graph:
                problems.append(
                    f"{pattern.slug}: {edge.source} is not a sub-class of {edge.target}"
                )
            continue
        if edge.kind == "type":
            if (source, RDF.type, target) not in graph:
                problems.append(f"{pattern.slug}: {edge.source} is not a {edge.target}")
            continue
        if edge.kind == "external":
            continue
        prop = ontology.terms.get(expand(edge.label))
        if prop is None or not prop.kind.endswith("property"):
            problems.append(f"{pattern.slug}: {edge.label} is not a property of the ontology")
            continue
        domains = {m for e in prop.domain for m in e.members}
        if domains and not (_supers(graph, source) & domains):
            problems.append(f"{pattern.slug}: {edge.source} is outside the domain of {edge.label}")
        ranges = {m for e in prop.range for m in e.members}
        if ranges and not (_supers(graph, target) & ranges):
            problems.append(f"{pattern.slug}: {edge.target} is outside the range of {edge.label}")
    return problems


# --------------------------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------------------------

_STYLE = """
.sgd text { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 12px; }
.sgd .node rect { fill: #eef4fb; stroke: #2f5d8a; stroke-width: 1.4; }
.sgd .node.focus rect { fill: #d5e6f7; stroke-width: 2.2; }
.sgd .node.external rect { fill: #f4f1ea; stroke: #8a7a4f; stroke-dasharray: 4 2; }
.sgd .node.literal rect { fill: #f3f3f3; stroke: #777; }
.sgd .node text { fill: #10263d; text-anchor: middle; dominant-baseline: central; }
.sgd .node.focus text { font-weight: bold; }
.sgd .edge path, .sgd .edge line { fill: none; stroke: #4a4a4a; stroke-width: 1.2; }
.sgd .edge.external path, .sgd .edge.external line { stroke: #8a7a4f; stroke-dasharray: 5 3; }
.sgd .edge.subclass path, .sgd .edge.subclass line { stroke: #2f5d8a; }
.sgd .edge text { fill: #222; text-anchor: middle; dominant-baseline: central;
  paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
.sgd .edge.external text { fill: #6b5b2f; }
.sgd a:hover text { text-decoration: underline; }
"""


def _width(label: str) -> float:
    return max(96.0, len(label) * CHAR_W + 22.0)


def _clip(cx: float, cy: float, w: float, h: float, tx: float, ty: float) -> tuple[float, float]:
    """The point where the segment from the box centre towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (w / 2) / abs(dx) if dx else math.inf,
        (h / 2) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def _link(curie: str, inline: bool, body: str) -> str:
    if not curie.startswith("sg:"):
        return body
    href = f"#{curie[3:]}" if inline else f"../index.html#{curie[3:]}"
    return f'<a href="{escape(href)}">{body}</a>'


def render_svg(pattern: Pattern, *, inline: bool = False) -> str:
    """The pattern as an SVG document (``inline``: links to ``#Term``, for embedding in the
    HTML page; otherwise to ``../index.html#Term``, for the standalone file)."""
    xs = [c for c, _ in pattern.nodes.values()]
    ys = [r for _, r in pattern.nodes.values()]
    min_x, min_y = min(xs), min(ys)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for name, (col, row) in pattern.nodes.items():
        cx = (col - min_x) * COL
        cy = (row - min_y) * ROW
        boxes[name] = (cx, cy, _width(name), NODE_H)
    # extents: (left, top, right, bottom) of everything drawn, for the viewBox
    extents = [(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2) for cx, cy, w, h in boxes.values()]

    grouped: dict[tuple[str, str, str], list[str]] = {}
    for edge in pattern.edges:
        grouped.setdefault((edge.source, edge.target, edge.kind), []).append(edge.label)
    pairs = {(s, t) for s, t, _ in grouped}

    parts = [
        f"<style>{_STYLE}</style>",
        "<defs>",
        f'<marker id="arrow-{pattern.slug}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#4a4a4a"/></marker>',
        f'<marker id="hollow-{pattern.slug}" viewBox="0 0 12 12" refX="11" refY="6" '
        'markerWidth="11" markerHeight="11" orient="auto-start-reverse">'
        '<path d="M0,0 L11,6 L0,12 z" fill="#ffffff" stroke="#2f5d8a"/></marker>',
        "</defs>",
    ]
    labels: list[str] = []
    edges: list[str] = []
    for (source, target, kind), names in grouped.items():
        sx, sy, sw, sh = boxes[source]
        tx, ty, tw, th = boxes[target]
        marker = f"hollow-{pattern.slug}" if kind == "subclass" else f"arrow-{pattern.slug}"
        css = f"edge {kind}"
        if source == target:  # a self loop beside the box
            sign = -1.0 if pattern.loop_side == "left" else 1.0
            x0 = sx + sign * sw / 2
            y0, y1 = sy - 6, sy + 6
            path = (
                f"M{x0:.1f},{y0:.1f} C{x0 + sign * 70:.1f},{y0 - 46:.1f} "
                f"{x0 + sign * 70:.1f},{y1 + 46:.1f} {x0:.1f},{y1:.1f}"
            )
            edges.append(f'<g class="{css}"><path d="{path}" marker-end="url(#{marker})"/></g>')
            widest = max(len(n) for n in names) * CHAR_W
            anchor_x = x0 + sign * (60 + widest / 2)
            for i, name in enumerate(names):
                y = sy + (i - (len(names) - 1) / 2) * 15
                body = f'<text x="{anchor_x:.1f}" y="{y:.1f}">{escape(name)}</text>'
                half = len(name) * CHAR_W / 2
                extents.append((anchor_x - half, y - 8, anchor_x + half, y + 8))
                labels.append(f'<g class="{css}">{_link(name, inline, body)}</g>')
            continue
        # parallel edges in both directions are drawn side by side
        offset = 7.0 if (target, source) in pairs else 0.0
        length = math.hypot(tx - sx, ty - sy) or 1.0
        nx, ny = -(ty - sy) / length * offset, (tx - sx) / length * offset
        x0, y0 = _clip(sx + nx, sy + ny, sw, sh, tx + nx, ty + ny)
        x1, y1 = _clip(tx + nx, ty + ny, tw, th, sx + nx, sy + ny)
        edges.append(
            f'<g class="{css}"><line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
            f'marker-end="url(#{marker})"/></g>'
        )
        if kind == "subclass":
            continue
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        if offset:  # move each label of a two-way pair to its own side of the lines
            ux, uy = nx / offset, ny / offset
            widest = max(len(n) for n in names) * CHAR_W
            shift = abs(ux) * (widest / 2 + 8) + abs(uy) * (len(names) * 8 + 4)
            mx, my = mx + ux * shift, my + uy * shift
        for i, name in enumerate(names):
            y = my + (i - (len(names) - 1) / 2) * 15
            body = f'<text x="{mx:.1f}" y="{y:.1f}">{escape(name)}</text>'
            half = len(name) * CHAR_W / 2
            extents.append((mx - half, y - 8, mx + half, y + 8))
            labels.append(f'<g class="{css}">{_link(name, inline, body)}</g>')
    for name, (cx, cy, w, h) in boxes.items():
        iri = expand(name)
        kinds = ["node"]
        if is_datatype(iri):
            kinds.append("literal")
        elif not name.startswith("sg:"):
            kinds.append("external")
        if name in pattern.focus:
            kinds.append("focus")
        body = (
            f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="{12 if is_datatype(iri) else 4}"/>'
            f'<text x="{cx:.1f}" y="{cy:.1f}">{escape(name)}</text>'
        )
        parts.append(f'<g class="{" ".join(kinds)}">{_link(name, inline, body)}</g>')
    parts += edges  # lines after boxes, so that no box hides an arrowhead
    parts += labels  # labels last, so that they sit on top of lines and boxes
    parts.append("</svg>")
    left = min(e[0] for e in extents) - MARGIN
    top = min(e[1] for e in extents) - MARGIN
    width = max(e[2] for e in extents) + MARGIN - left
    height = max(e[3] for e in extents) + MARGIN - top
    header = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sgd" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" '
        f'aria-labelledby="title-{pattern.slug}">',
        f'<title id="title-{pattern.slug}">{escape(pattern.title)}</title>',
    ]
    parts = header + parts
    return "\n".join(parts) + "\n"
