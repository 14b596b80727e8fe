"""``strikegraph ingest``: text documents -> source + extracted graphs, validated, stored.

Per document: read the text and its metadata (sidecar ``NAME.meta.yaml`` and/or flags),
run the extractor, write ``sgg:{doc}/source`` and ``sgg:{doc}/extracted``, validate them
with the SHACL shapes together with the ontology, the reference graphs and the store's
curated and source graphs (not the whole store), and store the document's two graphs in one
transaction. Ingest is all-or-nothing per document: documents are validated in batches
(one validation run per batch; the background is loaded once per ingest into
:class:`strikegraph.fastvalidate.OverlayValidator`); when a batch fails it is bisected until
every failing document is isolated, and a failing document stores nothing.

Each document's graphs are converted to pyoxigraph terms once (:class:`OxTerms`, a cache:
documents repeat predicates, classes and entities) and used by both validation and storage.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from strikegraph.documents import (
    SourceDocument,
    build_document,
    read_meta,
    read_text,
)
from strikegraph.errors import DataError, StoreError, StrikegraphError
from strikegraph.extract.gazetteer import Gazetteer, load_gazetteer
from strikegraph.extract.graph_writer import CuratedIndex, extracted_graph_iri, write_graph
from strikegraph.extract.pipeline import DocumentInput, ExtractResult, extract
from strikegraph.load import parse_file
from strikegraph.namespaces import DCTERMS, ONTOLOGY_GRAPH, OUTLETS_GRAPH, SG
from strikegraph.rdfterms import OxTerms, Quad, dataset_from_quads, to_ox
from strikegraph.resources import data_dir
from strikegraph.sparqltext import one_line
from strikegraph.store import Store, crash_point
from strikegraph.validate import ValidationReport, load_shapes, validate_dataset

__all__ = [
    "DocumentReport",
    "IngestOptions",
    "PreparedDocument",
    "curated_index",
    "document_trig",
    "ingest",
    "prepare",
    "resolve_paths",
]

Triple = tuple[Node, Node, Node]
OxTriple = tuple[Any, Any, Any]


@dataclass
class IngestOptions:
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    title: str | None = None


@dataclass
class PreparedDocument:
    source: SourceDocument
    result: ExtractResult
    extracted: list[Triple]

    @property
    def graphs(self) -> dict[URIRef, list[Triple]]:
        """The graphs the document owns: storing it replaces them."""
        return {
            self.source.graph: list(self.source.triples),
            extracted_graph_iri(self.source.stem): self.extracted,
        }

    @property
    def shared(self) -> dict[URIRef, list[Triple]]:
        """What the document adds to graphs it shares with others (the outlets it names):
        storing it adds these triples and removes none."""
        return {OUTLETS_GRAPH: list(self.source.outlets)} if self.source.outlets else {}

    @property
    def all_graphs(self) -> dict[URIRef, list[Triple]]:
        """Owned and shared graphs: what is validated and printed."""
        return {**self.graphs, **self.shared}


@dataclass
class DocumentReport:
    path: Path
    stem: str | None = None
    ok: bool = False
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)
    validation: ValidationReport | None = None

    def summary(self) -> str:
        if not self.ok:
            return f"{self.path}: FAILED: {self.error}"
        parts = ", ".join(f"{v} {k}" for k, v in self.counts.items())
        text = f"{self.stem}: {parts}"
        if self.review:
            text += f"; needs review: {', '.join(self.review)}"
        return text


def resolve_paths(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Files and folders (their ``*.txt``) -> text files, in order, without duplicates."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(path.glob("*.txt")))
        elif path.is_file():
            out.append(path)
        else:
            raise DataError(f"{path}: no such file or folder")
    return list(dict.fromkeys(out))


def _meta_for(path: Path, options: IngestOptions) -> tuple[dict[str, Any], Path]:
    meta_path = path.with_name(f"{path.stem}.meta.yaml")
    meta: dict[str, Any] = read_meta(meta_path) if meta_path.is_file() else {}
    if options.publisher is not None:
        meta["publisher"] = options.publisher
    if options.url is not None:
        meta["url"] = options.url
    if options.date is not None:
        meta["published"] = options.date
    if options.title is not None:
        meta["title"] = options.title
    return meta, meta_path


def _read_document(
    path: Path, options: IngestOptions
) -> tuple[SourceDocument, dt.date | None, URIRef | None]:
    if path.suffix != ".txt" and path.name.endswith(".meta.yaml"):
        raise DataError(f"{path}: give the text file, not its metadata")
    text = read_text(path)  # size limit, encoding (BOMs) and binary data: documents.py
    if not text.strip():
        raise DataError(f"{path}: the document text is empty")
    meta, meta_path = _meta_for(path, options)
    if "title" not in meta or meta.get("title") is None:
        first = text.strip().splitlines()[0].strip()
        meta["title"] = first[:200]
    source = build_document(path.stem, text, meta, meta_path)
    issued = next((o for s, p, o in source.triples if p == DCTERMS.issued), None)
    publisher = next((o for s, p, o in source.triples if p == DCTERMS.publisher), None)
    published = dt.date.fromisoformat(str(issued)) if issued is not None else None
    return source, published, publisher  # type: ignore[return-value]


def prepare(
    path: Path,
    options: IngestOptions | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    curated: CuratedIndex | None = None,
) -> PreparedDocument:
    """Read, extract and write the graphs of one document (no validation, no storage)."""
    source, published, publisher = _read_document(Path(path), options or IngestOptions())
    result = extract(
        DocumentInput(source.stem, source.text, published, publisher), gazetteer or load_gazetteer()
    )
    return PreparedDocument(source, result, write_graph(result, curated))


def document_trig(prepared: PreparedDocument) -> str:
    """The document's graphs as TriG (its own two and its additions to the outlets graph)."""
    from strikegraph.namespaces import bind_namespaces

    ds = Dataset()
    bind_namespaces(ds)
    for name, triples in prepared.all_graphs.items():
        g = ds.graph(name)
        for t in triples:
            g.add(t)
    return ds.serialize(format="trig")


# ----------------------------------------------------------------------------- store side

_CURATED_QUERY = """
PREFIX sg: <https://w3id.org/strikegraph/ontology#>
SELECT ?thing ?type ?a ?b ?p ?o WHERE {
  GRAPH ?g { ?thing a ?type ; ?p ?o .
    OPTIONAL { ?thing sg:grantor ?a ; sg:grantee ?b } }
  FILTER (STRENDS(STR(?g), "/curated"))
  FILTER (?type IN (sg:Authorization, sg:Prohibition, sg:Stance, sg:Rift))
  FILTER (?p IN (sg:targetScope, sg:weaponScope, sg:stanceHolder, sg:stanceKind,
                 sg:sideA, sg:sideB, rdf:type))
}
"""


def curated_index(store: Store) -> CuratedIndex:
    """Curated rules, stances and rifts of the store, for 'curated assertions win'."""
    index = CuratedIndex()
    if not store.exists():
        return index
    things: dict[URIRef, dict[str, Any]] = {}
    for thing, typ, a, b, p, o in store.query(
        _CURATED_QUERY.replace("rdf:type", f"<{RDF.type}>")
    ).rows:
        if thing is None:  # ?thing is not optional in the query: never unbound
            continue
        # curated rules, stances and rifts are named by IRIs
        entry = things.setdefault(cast(URIRef, thing), {"type": typ, "a": a, "b": b, "props": {}})
        entry["props"].setdefault(p, set()).add(o)
    for thing, entry in things.items():
        props = entry["props"]
        if entry["type"] in (SG.Authorization, SG.Prohibition) and entry["a"] is not None:
            kind = "authorization" if entry["type"] == SG.Authorization else "prohibition"
            index.rules.append(
                (
                    thing,
                    kind,
                    entry["a"],
                    entry["b"],
                    frozenset(props.get(SG.targetScope, ())),
                    frozenset(props.get(SG.weaponScope, ())),
                )
            )
        elif entry["type"] == SG.Stance:
            for holder in props.get(SG.stanceHolder, ()):
                for kind in props.get(SG.stanceKind, ()):
                    index.stances.setdefault((holder, kind), thing)
        elif entry["type"] == SG.Rift:
            index.rifts.append(
                (thing, frozenset(props.get(SG.sideA, set()) | props.get(SG.sideB, set())))
            )
    return index


def _background_quads(store: Store | None) -> list[Quad]:
    """Ontology + reference graphs from the project files, plus the store's curated graphs
    (rdflib terms: for the pyshacl fallback; :func:`_background_triples` is the fast path)."""
    from strikegraph.rdfterms import from_ox

    quads: list[Quad] = []
    ref = data_dir("graph") / "reference"
    for path in sorted(ref.glob("*.trig")):
        quads.extend(parse_file(path))
    bnodes: dict[str, Any] = {}
    for name, triples in _store_background(store):
        graph = URIRef(name.value)
        quads.extend(
            (from_ox(s, bnodes), from_ox(p, bnodes), from_ox(o, bnodes), graph)
            for s, p, o in triples
        )
    return quads


def _is_background(name: str) -> bool:
    """Graphs of the store that new documents are validated with: curated and source graphs,
    and the outlets graph (the types of outlets that other documents named)."""
    return name.endswith("/curated") or name.endswith("/source") or name == str(OUTLETS_GRAPH)


def _store_background(store: Store | None) -> Iterable[tuple[ox.NamedNode, list[OxTriple]]]:
    """The store's background graphs (:func:`_is_background`), graph by graph, as pyoxigraph
    triples."""
    if store is None or not store.exists():
        return
    if isinstance(store, Store):
        inner = store.oxigraph
        for name in inner.named_graphs():
            if isinstance(name, ox.NamedNode) and _is_background(name.value):
                yield (
                    name,
                    [
                        (q.subject, q.predicate, q.object)
                        for q in inner.quads_for_pattern(None, None, None, name)
                    ],
                )
        return
    terms = OxTerms()  # a remote store: only the generic API
    by_graph: dict[str, list[tuple[Node, Node, Node]]] = {}
    for s, p, o, g in store.quads():
        if g is not None and _is_background(str(g)):
            by_graph.setdefault(str(g), []).append((s, p, o))
    for name, triples in by_graph.items():
        yield ox.NamedNode(name), terms.triples(triples)


def _background_triples(store: Store | None, ontology: Any, terms: OxTerms) -> list[OxTriple]:
    """What every document is validated with, as pyoxigraph triples: the ontology, the
    reference graphs (minus any ontology graph in them, as validate_dataset_fast does when
    given the ontology) and the store's curated and source graphs."""
    out = terms.triples(ontology)
    ref = data_dir("graph") / "reference"
    for path in sorted(ref.glob("*.trig")):
        out.extend(
            terms.triples((s, p, o) for s, p, o, g in parse_file(path) if g != ONTOLOGY_GRAPH)
        )
    for _name, triples in _store_background(store):
        out.extend(triples)
    return out


def _validate(
    batch: list[PreparedDocument], background: list[Quad], shapes: Any, ontology: Any
) -> ValidationReport:
    """The reference path (a fresh dataset per batch): used when the fast validator cannot
    compile the shapes."""
    quads = list(background)
    for doc in batch:
        for name, triples in doc.all_graphs.items():
            quads.extend((s, p, o, name) for s, p, o in triples)
    dataset = dataset_from_quads(quads)
    if _FAST is not None:
        try:
            return _FAST(dataset, ontology=ontology)
        except Exception:  # noqa: BLE001 - a shape the fast validator cannot compile
            pass
    return validate_dataset(dataset, shapes=shapes, ontology=ontology)


try:  # the SHACL->SPARQL validator on Oxigraph, same results as pyshacl, much faster
    from strikegraph.fastvalidate import validate_dataset_fast as _FAST
except ImportError:  # pragma: no cover
    _FAST = None  # type: ignore[assignment]


def _validate_bisect(
    batch: list[PreparedDocument], check: Callable[[list[PreparedDocument]], ValidationReport]
) -> dict[str, ValidationReport]:
    """Failing documents (stem -> report) of a batch, found by bisection: a document fails
    when it fails on its own (with the background), and its report is that run's."""
    if not batch:
        return {}
    report = check(batch)
    if report.conforms:
        return {}
    if len(batch) == 1:
        return {batch[0].source.stem: report}
    mid = len(batch) // 2
    return {**_validate_bisect(batch[:mid], check), **_validate_bisect(batch[mid:], check)}


def _batch_checker(
    store: Store | None, terms: OxTerms, ox_graphs: dict[str, dict[Any, list[OxTriple]]]
) -> Callable[[list[PreparedDocument]], ValidationReport]:
    """One validator for the whole run: the fast overlay validator (background loaded once)
    when the shapes compile to SPARQL, else the reference path."""
    from strikegraph.validate import load_ontology

    ontology = load_ontology()
    try:
        from strikegraph.fastvalidate import OverlayValidator, UnsupportedShapeError

        validator = OverlayValidator(_background_triples(store, ontology, terms))
    except (ImportError, UnsupportedShapeError):
        shapes, _ = load_shapes()
        background = _background_quads(store)
        return lambda batch: _validate(batch, background, shapes, ontology)

    def check(batch: list[PreparedDocument]) -> ValidationReport:
        return validator.validate(
            t for doc in batch for triples in ox_graphs[doc.source.stem].values() for t in triples
        )

    return check


def _write(store: Store, docs: list[tuple[PreparedDocument, dict[Any, list[OxTriple]]]]) -> None:
    """Store the graphs of some documents in one transaction.

    New documents (none of their graphs in the store: the usual case) go in with one
    pyoxigraph ``extend`` (atomic, and without writing and parsing a SPARQL update); a
    document that replaces graphs goes through :meth:`Store.replace_graphs` (DROP + INSERT in
    one update). Remote and read-only stores always take ``replace_graphs``.
    """
    if isinstance(store, Store) and not store.read_only:
        inner = store.oxigraph
        owned = [to_ox(name) for doc, _ in docs for name in doc.graphs]
        if not any(inner.contains_named_graph(g) for g in owned):
            quads = [
                ox.Quad(s, p, o, g)
                for _, graphs in docs
                for g, triples in graphs.items()
                for s, p, o in triples
            ]
            crash_point("replace-graphs")
            try:
                inner.extend(quads)
            except (OSError, ValueError) as exc:
                raise StoreError(f"cannot store graphs: {one_line(exc)}") from exc
            return
    shared: dict[URIRef, list[Triple]] = {}
    for doc, _ in docs:
        for name, triples in doc.shared.items():
            shared.setdefault(name, []).extend(triples)
    store.replace_graphs(
        {name: t for doc, _ in docs for name, t in doc.graphs.items()}, additions=shared
    )


def _counts(prepared: PreparedDocument) -> dict[str, int]:
    ex = prepared.result.extraction
    return {
        "sentences": len(prepared.result.sentences),
        "mentions": len(prepared.result.mentions),
        "entities": len(prepared.result.linked_entities),
        "authorizations": sum(r.kind == "authorization" for r in ex.rules),
        "prohibitions": sum(r.kind == "prohibition" for r in ex.rules),
        "stances": len(ex.stances),
        "rifts": len(ex.rifts),
        "events": len(ex.events),
        "claims": len(ex.claims),
        "dates": len(prepared.result.dates),
    }


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    store: Store | None,
    options: IngestOptions | None = None,
    *,
    validate: bool = True,
    batch_size: int = 200,
    progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None,
    timings: dict[str, float] | None = None,
    cpu_timings: dict[str, float] | None = None,
    store_chunk: int = 1,
) -> list[DocumentReport]:
    """Ingest documents into the store; returns one report per document.

    A document that cannot be read, or whose graphs fail validation, stores nothing; the
    others are stored (the graphs of ``store_chunk`` documents in one transaction).
    ``timings`` and ``cpu_timings`` receive each stage's wall and CPU seconds (extract,
    convert, setup of the validator, validate, store).
    """
    options = options or IngestOptions()
    timings = timings if timings is not None else {}
    cpu_timings = cpu_timings if cpu_timings is not None else {}
    clock, cpu = time.perf_counter(), time.process_time()

    def lap(stage: str) -> None:
        nonlocal clock, cpu
        timings[stage] = time.perf_counter() - clock
        cpu_timings[stage] = time.process_time() - cpu
        clock, cpu = time.perf_counter(), time.process_time()

    files = resolve_paths(paths)
    gazetteer = load_gazetteer()
    curated = curated_index(store) if store is not None else CuratedIndex()
    reports: dict[Path, DocumentReport] = {}
    prepared: list[tuple[Path, PreparedDocument]] = []
    seen_stems: dict[str, Path] = {}
    iterator = progress(files) if progress is not None else files
    for path in iterator:
        report = reports[path] = DocumentReport(path=path)
        try:
            doc = prepare(path, options, gazetteer=gazetteer, curated=curated)
        except (StrikegraphError, OSError, ValueError) as exc:
            report.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            continue
        if doc.source.stem in seen_stems:
            report.error = (
                f"document name {doc.source.stem!r} also given as {seen_stems[doc.source.stem]}"
            )
            continue
        seen_stems[doc.source.stem] = path
        report.stem = doc.source.stem
        report.counts = _counts(doc)
        report.review = sorted({m.text for m in doc.result.unknown})
        prepared.append((path, doc))
    lap("extract")
    # Each document's graphs as pyoxigraph triples, once: validation and storage use them.
    terms = OxTerms()
    ox_graphs = {
        doc.source.stem: {terms.term(name): terms.triples(t) for name, t in doc.all_graphs.items()}
        for _, doc in prepared
    }
    lap("convert")
    failures: dict[str, ValidationReport] = {}
    check = _batch_checker(store, terms, ox_graphs) if validate and prepared else None
    lap("setup")  # once per run: compile the shapes, load the background
    if check is not None:
        for i in range(0, len(prepared), batch_size):
            failures.update(_validate_bisect([d for _, d in prepared[i : i + batch_size]], check))
    lap("validate")
    accepted: list[tuple[Path, PreparedDocument]] = []
    for path, doc in prepared:
        report = reports[path]
        if doc.source.stem in failures:
            report.validation = failures[doc.source.stem]
            report.error = f"does not conform to the shapes: {failures[doc.source.stem].summary()}"
            continue
        accepted.append((path, doc))
    # Storage: the graphs of ``store_chunk`` validated documents go in one transaction; if
    # that fails, each document is retried alone, so one bad write cannot sink the others.
    for i in range(0, len(accepted), store_chunk):
        chunk = accepted[i : i + store_chunk]
        if store is not None:
            try:
                _write(store, [(d, ox_graphs[d.source.stem]) for _, d in chunk])
            except StrikegraphError:
                for path, doc in chunk:
                    try:
                        _write(store, [(doc, ox_graphs[doc.source.stem])])
                    except StrikegraphError as exc:
                        reports[path].error = str(exc)
                        continue
                    reports[path].ok = True
                continue
        for path, _ in chunk:
            reports[path].ok = True
    lap("store")
    return [reports[p] for p in files]
