"""Publishing the strikegraph ontology: files, documentation, exports, quality checks, versions.

* :mod:`~strikegraph.ontology.files` locates the ontology files (checkout or installed wheel)
  and loads them, resolving ``owl:imports`` through the local catalog only;
* :mod:`~strikegraph.ontology.terms` reads the terms from the ontology graph;
* :mod:`~strikegraph.ontology.export` writes Turtle, RDF/XML, JSON-LD and N-Triples, and the
  JSON-LD context;
* :mod:`~strikegraph.ontology.docs` builds the HTML documentation with pattern diagrams;
* :mod:`~strikegraph.ontology.quality` runs the SPARQL checks, OWL 2 RL reasoning and the
  round-trip and undefined-term checks;
* :mod:`~strikegraph.ontology.versioning` compares the ontology with its frozen releases.
"""

from __future__ import annotations

from strikegraph.ontology.files import (
    ALIGNMENTS_IRI,
    CORE_IRI,
    NAMESPACE,
    load_alignments,
    load_core,
    load_with_imports,
    resolve_import,
)

__all__ = [
    "ALIGNMENTS_IRI",
    "CORE_IRI",
    "NAMESPACE",
    "load_alignments",
    "load_core",
    "load_with_imports",
    "resolve_import",
]
