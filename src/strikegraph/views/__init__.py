"""Network views of the knowledge graph: build them by SPARQL, analyse, export and draw them.

>>> from strikegraph.views import build_view, analyze
>>> graph = build_view(store, "rifts", as_of="2024-05-30")   # a networkx.MultiDiGraph
>>> report = analyze(graph)                                   # an AnalysisReport

See :mod:`strikegraph.views.build` for what nodes and edges carry and how weights, dates and
filters work; :mod:`strikegraph.views.analysis`, :mod:`strikegraph.views.exports` and
:mod:`strikegraph.views.draw` for the rest.
"""

from __future__ import annotations

from strikegraph.views.analysis import AnalysisReport, analyze, signed_projection
from strikegraph.views.build import (
    RELATION_LABELS,
    VIEWS,
    ViewFilter,
    ViewSpec,
    build_view,
    dumps_list,
    loads_list,
    view_names,
)
from strikegraph.views.exports import EXPORT_FORMATS, export_view, read_export

__all__ = [
    "EXPORT_FORMATS",
    "RELATION_LABELS",
    "VIEWS",
    "AnalysisReport",
    "ViewFilter",
    "ViewSpec",
    "analyze",
    "build_view",
    "dumps_list",
    "export_view",
    "loads_list",
    "read_export",
    "signed_projection",
    "view_names",
]
