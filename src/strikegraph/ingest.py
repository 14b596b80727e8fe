"""``strikegraph ingest``: text documents -> source + extracted graphs, validated, stored.

Per document: read the text and its metadata (sidecar ``NAME.meta.yaml`` and/or flags),
run the extractor, write ``sgg:{doc}/source`` and ``sgg:{doc}/extracted``, validate them
with the SHACL shapes together with the ontology, the reference graphs and the store's
curated graphs (not the whole store), and replace the document's two graphs in one store
transaction. Ingest is all-or-nothing per document: documents are validated in batches
(one pyshacl run per batch); when a batch fails it is bisected until every failing
document is isolated, and a failing document stores nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from strikegraph.documents import (
    SourceDocument,
    build_document,
    read_meta,
    read_text,
)
from strikegraph.errors import DataError, StrikegraphError
from strikegraph.extract.gazetteer import Gazetteer, load_gazetteer
from strikegraph.extract.graph_writer import CuratedIndex, extracted_graph_iri, write_graph
from strikegraph.extract.pipeline import DocumentInput, ExtractResult, extract
from strikegraph.load import parse_file
from strikegraph.namespaces import DCTERMS, SG
from strikegraph.rdfterms import Quad, dataset_from_quads
from strikegraph.resources import data_dir
from strikegraph.store import Store
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
        return {
            self.source.graph: list(self.source.triples),
            extracted_graph_iri(self.source.stem): self.extracted,
        }


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
    raw = path.read_bytes() if path.is_file() else b""
    if b"\x00" in raw[:8192]:
        raise DataError(f"{path}: binary file, not a text document")
    text = read_text(path)
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
    """The document's two graphs as TriG."""
    from strikegraph.namespaces import bind_namespaces

    ds = Dataset()
    bind_namespaces(ds)
    for name, triples in prepared.graphs.items():
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
    """Ontology + reference graphs from the project files, plus the store's curated graphs."""
    quads: list[Quad] = []
    ref = data_dir("graph") / "reference"
    for path in sorted(ref.glob("*.trig")):
        quads.extend(parse_file(path))
    if store is not None and store.exists():
        curated = [
            g
            for g in store.graph_names()
            if str(g).endswith("/curated") or str(g).endswith("/source")
        ]
        for s, p, o, g in store.quads():
            if g in curated:
                quads.append((s, p, o, g))
    return quads


def _validate(
    batch: list[PreparedDocument], background: list[Quad], shapes: Any, ontology: Any
) -> ValidationReport:
    quads = list(background)
    for doc in batch:
        for name, triples in doc.graphs.items():
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
    batch: list[PreparedDocument], background: list[Quad], shapes: Any, ontology: Any
) -> dict[str, ValidationReport]:
    """Failing documents (stem -> report) of a batch, found by bisection."""
    if not batch:
        return {}
    report = _validate(batch, background, shapes, ontology)
    if report.conforms:
        return {}
    if len(batch) == 1:
        return {batch[0].source.stem: report}
    mid = len(batch) // 2
    return {
        **_validate_bisect(batch[:mid], background, shapes, ontology),
        **_validate_bisect(batch[mid:], background, shapes, ontology),
    }


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
    store_chunk: int = 1,
) -> list[DocumentReport]:
    """Ingest documents into the store; returns one report per document.

    A document that cannot be read, or whose graphs fail validation, stores nothing; the
    others are stored (each document's two graphs replaced in one transaction).
    """
    options = options or IngestOptions()
    clock = time.perf_counter()
    timings = timings if timings is not None else {}
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
    timings["extract"] = time.perf_counter() - clock
    clock = time.perf_counter()
    failures: dict[str, ValidationReport] = {}
    if validate and prepared:
        shapes, _ = load_shapes()
        from strikegraph.validate import load_ontology

        ontology = load_ontology()
        background = _background_quads(store)
        for i in range(0, len(prepared), batch_size):
            failures.update(
                _validate_bisect(
                    [d for _, d in prepared[i : i + batch_size]], background, shapes, ontology
                )
            )
    timings["validate"] = time.perf_counter() - clock
    clock = time.perf_counter()
    accepted: list[tuple[Path, PreparedDocument]] = []
    for path, doc in prepared:
        report = reports[path]
        if doc.source.stem in failures:
            report.validation = failures[doc.source.stem]
            report.error = f"does not conform to the shapes: {failures[doc.source.stem].summary()}"
            continue
        accepted.append((path, doc))
    # Storage: the graphs of several validated documents go in one update (one transaction);
    # if that fails, each document is retried alone, so one bad write cannot sink the others.
    for i in range(0, len(accepted), store_chunk):
        chunk = accepted[i : i + store_chunk]
        if store is not None:
            try:
                store.replace_graphs({name: t for _, d in chunk for name, t in d.graphs.items()})
            except StrikegraphError:
                for path, doc in chunk:
                    try:
                        store.replace_graphs(doc.graphs)
                    except StrikegraphError as exc:
                        reports[path].error = str(exc)
                        continue
                    reports[path].ok = True
                continue
        for path, _ in chunk:
            reports[path].ok = True
    timings["store"] = time.perf_counter() - clock
    return [reports[p] for p in files]
