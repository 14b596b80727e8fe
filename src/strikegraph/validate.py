"""SHACL validation of the whole graph, with a typed, readable report.

pyshacl validates each named graph of a Dataset on its own, which breaks shapes that follow
links across graphs (a claim in a curated graph pointing at a document in its source
graph). So we validate the union of all graphs as one Graph, with the ontology as
``ont_graph`` for RDFS inference.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from strikegraph.errors import DataError, ParameterError
from strikegraph.load import load_file, parse_file
from strikegraph.namespaces import ONTOLOGY_GRAPH, bind_namespaces, shorten
from strikegraph.rdfterms import Quad, dataset_from_quads, iter_quads
from strikegraph.resources import data_dir, ontology_file

__all__ = [
    "VALIDATION_ENGINES",
    "Result",
    "ValidationReport",
    "load_ontology",
    "load_shapes",
    "validate_dataset",
    "validate_files",
]

#: pyshacl is the reference; "fast" compiles the shapes to SPARQL on Oxigraph.
VALIDATION_ENGINES = ("pyshacl", "fast")

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class _PreparingGraph(Graph):
    """A Graph that parses each distinct SPARQL text once.

    pyshacl runs every SHACL-SPARQL constraint once per focus node with the same text and a
    different ``$this``; rdflib re-parses the text each time, and parsing dominated
    validation time (about 3/4 of it on the project data). Prepared queries are meant to
    be reused with different ``initBindings``, so results are unchanged.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[tuple[str, tuple[tuple[str, str], ...]], Query] = {}

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str):
            namespaces = dict(initNs) if initNs is not None else dict(self.namespaces())
            key = (query_object, tuple(sorted((k, str(v)) for k, v in namespaces.items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = self._prepared[key] = prepareQuery(query_object, initNs=namespaces)
            query_object = prepared
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


@dataclass(frozen=True)
class Result:
    """One SHACL validation result."""

    focus_node: Node
    shape: str
    path: str | None
    value: Node | None
    severity: str
    message: str
    constraint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (terms as N-Triples-like strings)."""
        return {
            "focus_node": _term_text(self.focus_node, curie=False),
            "shape": self.shape,
            "path": self.path,
            "value": None if self.value is None else _term_text(self.value, curie=False),
            "severity": self.severity,
            "message": self.message,
            "constraint": self.constraint,
        }


@dataclass
class ValidationReport:
    """The outcome of a validation: conformance and the list of results."""

    conforms: bool
    results: list[Result] = field(default_factory=list)
    shapes_files: list[str] = field(default_factory=list)

    def count(self, severity: str) -> int:
        """Number of results of a severity (Violation, Warning or Info)."""
        return sum(1 for r in self.results if r.severity == severity)

    def summary(self) -> str:
        """One line: conformance and counts per severity."""
        verdict = "conforms" if self.conforms else "does not conform"
        counts = [
            f"{n} {name.lower()}{'s' if n != 1 else ''}"
            for name in ("Violation", "Warning", "Info")
            if (n := self.count(name))
        ]
        return f"{verdict}" + (f" ({', '.join(counts)})" if counts else "")

    def render_text(self) -> str:
        """The results grouped by focus node, then by shape."""
        lines = [f"Validation: {self.summary()}"]
        groups: dict[str, dict[str, list[Result]]] = {}
        for result in sorted(self.results, key=_result_key):
            focus = _term_text(result.focus_node)
            groups.setdefault(focus, {}).setdefault(result.shape, []).append(result)
        for focus, shapes in groups.items():
            lines.append("")
            lines.append(focus)
            for shape, results in shapes.items():
                lines.append(f"  {shape}")
                for result in results:
                    where = f" {result.path}:" if result.path else ""
                    value = (
                        f" (value: {_term_text(result.value)})" if result.value is not None else ""
                    )
                    lines.append(f"    [{result.severity}]{where} {result.message}{value}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The report as JSON."""
        document = {
            "conforms": self.conforms,
            "counts": {name: self.count(name) for name in ("Violation", "Warning", "Info")},
            "results": [r.to_dict() for r in sorted(self.results, key=_result_key)],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _result_key(result: Result) -> tuple[str, str, str, str]:
    return (_term_text(result.focus_node), result.shape, result.path or "", result.message)


def _term_text(term: Node, *, curie: bool = True) -> str:
    if isinstance(term, URIRef):
        return shorten(str(term)) if curie else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if len(text) > 80 and curie:
            text = text[:76] + '..."'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{shorten(str(term.datatype)) if curie else str(term.datatype)}"
        return text
    return str(term)


def _render_path(graph: Graph, node: Node) -> str:
    """A SHACL property path in SPARQL-like syntax."""
    if isinstance(node, URIRef):
        return shorten(str(node))
    if (graph.value(node, RDF.first)) is not None:
        return "/".join(_render_path(graph, item) for item in Collection(graph, node))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, predicate)
        if inner is not None:
            return template.format(_render_path(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return (
            "("
            + "|".join(_render_path(graph, item) for item in Collection(graph, alternatives))
            + ")"
        )
    return "_:path"


def _describe_shape(shapes: Graph, shape: Node) -> str:
    """The shape's IRI as a CURIE, or a readable description of a blank-node shape."""
    if isinstance(shape, URIRef):
        return shorten(str(shape))
    for predicate in (SH.name, RDFS.label):
        label = shapes.value(shape, predicate)
        if label is not None:
            return str(label)
    path = shapes.value(shape, SH.path)
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    described = f"property {_render_path(shapes, path)}" if path is not None else "anonymous shape"
    if parent is not None:
        return f"{_describe_shape(shapes, parent)} › {described}"
    return described


def _severity(node: Node | None) -> str:
    if isinstance(node, URIRef) and node in _SEVERITIES:
        return _SEVERITIES[node]
    return shorten(str(node))


def _parse_results(results: Graph, shapes: Graph) -> list[Result]:
    parsed = []
    for node in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(node, SH.focusNode)
        shape = results.value(node, SH.sourceShape)
        path = results.value(node, SH.resultPath)
        severity = results.value(node, SH.resultSeverity)
        component = results.value(node, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in results.objects(node, SH.resultMessage))
        constraint = shorten(str(component)) if component is not None else None
        parsed.append(
            Result(
                focus_node=focus if focus is not None else URIRef(""),
                shape=_describe_shape(shapes, shape) if shape is not None else "unknown shape",
                path=_render_path(results, path) if path is not None else None,
                value=results.value(node, SH.value),
                severity=_severity(severity),
                message="; ".join(messages) or (constraint or "constraint not met"),
                constraint=constraint,
            )
        )
    return parsed


def load_shapes(data_root: str | os.PathLike[str] | None = None) -> tuple[Graph, list[str]]:
    """All ``validation/*.ttl`` merged into one graph, and the files' names."""
    folder = data_dir("validation", data_root)
    files = sorted(folder.glob("*.ttl")) if folder.is_dir() else []
    shapes = Graph()
    bind_namespaces(shapes)
    for path in files:
        shapes.addN((s, p, o, shapes) for s, p, o, _ in parse_file(path))
    return shapes, [path.name for path in files]


def load_ontology(data_root: str | os.PathLike[str] | None = None) -> Graph:
    """``ontology/strikegraph.ttl`` as a Graph."""
    path = ontology_file(data_root)
    if not path.is_file():
        raise DataError(f"{path}: the ontology file is missing")
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o, _ in parse_file(path))
    return graph


def validate_dataset(
    dataset: Dataset,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    *,
    data_root: str | os.PathLike[str] | None = None,
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate the union of the dataset's graphs against the shapes.

    ``shapes`` defaults to ``validation/*.ttl``; ``ontology`` to the dataset's ontology graph,
    or ``ontology/strikegraph.ttl`` when the dataset has none. ``engine="fast"`` compiles the
    shapes to SPARQL run on Oxigraph (:mod:`strikegraph.fastvalidate`, same results, much
    faster); pyshacl stays the default as the reference implementation.
    """
    if engine not in VALIDATION_ENGINES:
        raise ParameterError(
            f"unknown validation engine '{engine}' (use {', '.join(VALIDATION_ENGINES)})"
        )
    if engine == "fast":
        from strikegraph.fastvalidate import validate_dataset_fast

        return validate_dataset_fast(dataset, shapes, ontology, data_root=data_root)
    shapes_files: list[str] = []
    if shapes is None:
        shapes, shapes_files = load_shapes(data_root)
    if ontology is None:
        ontology = Graph()
        ontology.addN(
            (s, p, o, ontology) for s, p, o, g in iter_quads(dataset) if g == ONTOLOGY_GRAPH
        )
        if len(ontology) == 0:
            ontology = load_ontology(data_root)
    data = _PreparingGraph()
    data.addN((s, p, o, data) for s, p, o, g in iter_quads(dataset) if g != ONTOLOGY_GRAPH)
    conforms, results_graph, _ = pyshacl.validate(
        data,
        inplace=True,  # ``data`` is our private copy; cloning it would lose the query cache
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    assert isinstance(results_graph, Graph)
    return ValidationReport(
        conforms=bool(conforms),
        results=_parse_results(results_graph, shapes),
        shapes_files=shapes_files,
    )


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    data_root: str | os.PathLike[str] | None = None,
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate some RDF files together, with only the ontology besides them."""
    quads: list[Quad] = []
    for path in paths:
        quads.extend(iter_quads(load_file(Path(path))))
    return validate_dataset(
        dataset_from_quads(quads),
        ontology=load_ontology(data_root),
        data_root=data_root,
        engine=engine,
    )
