"""Build the store from the data folders: load, validate, then replace the store atomically.

Validation runs before the store is touched, so a build that fails leaves the previous
store exactly as it was.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal

from strikegraph.errors import ValidationFailed
from strikegraph.load import load_project
from strikegraph.namespaces import ONTOLOGY_GRAPH, SG
from strikegraph.store import Store, open_store
from strikegraph.validate import ValidationReport, validate_dataset

__all__ = ["CLASS_COUNTS_QUERY", "BuildSummary", "build", "class_counts"]

CLASS_COUNTS_QUERY = f"""
SELECT ?class (COUNT(DISTINCT ?thing) AS ?instances) WHERE {{
  GRAPH ?graph {{ ?thing a ?class }}
  FILTER (?graph != <{ONTOLOGY_GRAPH}> && STRSTARTS(STR(?class), "{SG}"))
}}
GROUP BY ?class
ORDER BY ?class
"""


@dataclass
class BuildSummary:
    """What a build produced."""

    store_path: Path | None
    graph_triples: dict[str, int] = field(default_factory=dict)
    class_counts: dict[str, int] = field(default_factory=dict)
    validation: ValidationReport | None = None
    seconds: float = 0.0

    @property
    def total_triples(self) -> int:
        """Number of quads written."""
        return sum(self.graph_triples.values())


def class_counts(store: Store) -> dict[str, int]:
    """Instances per ``sg:`` class outside the ontology graph (one SPARQL query)."""
    result = store.query(CLASS_COUNTS_QUERY)
    counts: dict[str, int] = {}
    for cls, instances in result.rows:
        if cls is not None and isinstance(instances, Literal):
            counts[str(cls)] = int(instances.toPython())
    return counts


def _carry_over_ingested(store: Store, dataset: object) -> None:
    """Keep the graphs of ingested documents (``sgg:{doc}/extracted`` and the source graph
    of documents that are not in ``graph/documents``) across a rebuild, with the outlets
    graph's descriptions of the outlets those source graphs name."""
    from rdflib import URIRef
    from rdflib.term import Node

    from strikegraph.namespaces import DCTERMS, OUTLETS_GRAPH, SG, SGG

    if not store.exists():
        return
    project_graphs = {str(g.identifier) for g in dataset.graphs()}  # type: ignore[attr-defined]
    names = store.graph_names()
    ingested = {
        str(n)[len(str(SGG)) : -len("/extracted")]
        for n in names
        if str(n).startswith(str(SGG)) and str(n).endswith("/extracted")
    }
    keep = set()
    for stem in ingested:
        keep.add(f"{SGG}{stem}/extracted")
        if f"{SGG}{stem}/source" not in project_graphs:
            keep.add(f"{SGG}{stem}/source")
    named: set[object] = set()  # outlets named by the kept source graphs
    outlets: list[tuple[Node, Node, Node]] = []
    for s, p, o, g in store.quads():
        if str(g) in keep:
            dataset.graph(URIRef(str(g))).add((s, p, o))  # type: ignore[attr-defined]
            if p in (DCTERMS.publisher, SG.cites):
                named.add(o)
        elif g == OUTLETS_GRAPH:
            outlets.append((s, p, o))
    for s, p, o in outlets:
        if s in named:
            dataset.graph(OUTLETS_GRAPH).add((s, p, o))  # type: ignore[attr-defined]


def build(
    store_path: str | os.PathLike[str] | None = None,
    data_root: str | os.PathLike[str] | None = None,
    *,
    validate: bool = True,
    store: Store | None = None,
    engine: str = "pyshacl",
) -> BuildSummary:
    """Load the project, validate it (raising ``ValidationFailed``), and replace the store.

    ``store`` may be an already open (e.g. in-memory) store; otherwise the store at
    ``store_path`` (default location if ``None``) is opened for writing and closed again.
    ``engine`` picks the validator (see :func:`strikegraph.validate.validate_dataset`).
    """
    started = time.perf_counter()
    target = store if store is not None else open_store(store_path)
    try:
        dataset = load_project(data_root)
        _carry_over_ingested(target, dataset)
        report = validate_dataset(dataset, data_root=data_root, engine=engine) if validate else None
        if report is not None and not report.conforms:
            raise ValidationFailed(report)
        target.replace_all(dataset)
        return BuildSummary(
            store_path=target.path,
            graph_triples=target.graph_triple_counts(),
            class_counts=class_counts(target),
            validation=report,
            seconds=time.perf_counter() - started,
        )
    finally:
        if store is None:
            target.close()
