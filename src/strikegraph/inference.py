"""The inferences the permissibility check needs, as SPARQL CONSTRUCT rules kept as data.

``graph/rules/*.rq`` holds one CONSTRUCT query per rule (sg:inCategory and sg:partOf are
transitive, sg:adjacentTo is symmetric: the three OWL characteristics the ontology declares and
the check relies on). :func:`infer` runs them to a fixpoint over the asserted triples of those
properties and returns only the triples that are not asserted anywhere; they are stored apart
from the asserted ones, in the named graph ``sgg:inferred``, which :func:`materialize` replaces
as a whole (so a build that calls it regenerates the graph rather than adding to it).

A CONSTRUCT per rule was chosen over running owlrl's full OWL-RL closure: owlrl would also
materialise hundreds of rdfs:domain/range typings and owl:sameAs consequences of the ontology
that no consumer wants, and its output cannot be told apart by rule. The rules here are small,
explainable (each inferred triple comes from one named rule) and run on any SPARQL engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from strikegraph.errors import DataError
from strikegraph.namespaces import SG, SGG
from strikegraph.rdfterms import iter_quads
from strikegraph.resources import data_dir
from strikegraph.store import Store

__all__ = [
    "INFERRED_GRAPH",
    "RULE_PROPERTIES",
    "Rule",
    "add_inferred",
    "infer",
    "load_rules",
    "materialize",
]

#: The named graph that holds inferred triples (never edited by hand; regenerated).
INFERRED_GRAPH = URIRef(str(SGG) + "inferred")
#: The properties the rules read; only their asserted triples are fed to the rules.
RULE_PROPERTIES = (SG.inCategory, SG.partOf, SG.adjacentTo)


@dataclass(frozen=True)
class Rule:
    """One CONSTRUCT rule from graph/rules/."""

    name: str
    path: Path | None
    sparql: str


def load_rules(data_root: str | os.PathLike[str] | None = None) -> list[Rule]:
    """The rules of ``graph/rules/*.rq``, sorted by name."""
    folder = data_dir("graph", data_root) / "rules"
    if not folder.is_dir():
        raise DataError(f"{folder}: the inference rules folder is missing")
    rules = []
    for path in sorted(folder.glob("*.rq")):
        try:
            rules.append(Rule(path.stem, path, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read: {exc}") from exc
    return rules


def _asserted(target: Store | Dataset | Graph) -> Graph:
    """The asserted triples of the rule properties (everything outside ``sgg:inferred``)."""
    graph = Graph()
    if isinstance(target, Store):
        quads = target.quads()
    elif isinstance(target, Dataset):
        quads = iter_quads(target)
    else:
        quads = ((s, p, o, None) for s, p, o in target)
    for s, p, o, g in quads:
        if p in RULE_PROPERTIES and g != INFERRED_GRAPH:
            graph.add((s, p, o))
    return graph


def infer(
    target: Store | Dataset | Graph,
    data_root: str | os.PathLike[str] | None = None,
    rules: list[Rule] | None = None,
) -> Graph:
    """Run the rules to a fixpoint; return the inferred triples that are not asserted."""
    asserted = _asserted(target)
    closure = Graph()
    for triple in asserted:
        closure.add(triple)
    rules = rules if rules is not None else load_rules(data_root)
    while True:
        new = []
        for rule in rules:
            try:
                result = closure.query(rule.sparql)
            except Exception as exc:  # rdflib raises assorted types for bad SPARQL
                raise DataError(f"rule {rule.name}: {' '.join(str(exc).split())}") from exc
            new += [t for t in result if t not in closure]  # type: ignore[operator, misc]
        if not new:
            break
        for added in new:
            closure.add(added)  # type: ignore[arg-type]
    inferred = Graph()
    for s, p, o in closure:
        if (s, p, o) not in asserted:
            inferred.add((s, p, o))
    return inferred


def materialize(store: Store, data_root: str | os.PathLike[str] | None = None) -> int:
    """Replace the store's ``sgg:inferred`` graph with freshly inferred triples; their count."""
    inferred = infer(store, data_root)
    store.replace_graphs({INFERRED_GRAPH: list(inferred)})
    return len(inferred)


def add_inferred(dataset: Dataset, data_root: str | os.PathLike[str] | None = None) -> int:
    """Replace ``sgg:inferred`` in an in-memory Dataset; the number of inferred triples."""
    inferred = infer(dataset, data_root)
    dataset.remove_graph(dataset.graph(INFERRED_GRAPH))
    graph = dataset.graph(INFERRED_GRAPH)
    for triple in inferred:
        graph.add(triple)
    return len(inferred)
