"""Quality checks of the ontology, as run by ``strikegraph ontology check`` and the tests.

* the SPARQL checks of ``ontology/checks/`` (labels, definitions, header, and the OOPS!
  pitfalls), on the ontology, and ``undefined-term`` on the whole project dataset;
* OWL 2 RL reasoning (owlrl) over ontology + reference + curated + document graphs: an
  inconsistency shows as a member of owl:Nothing or as one of owlrl's error triples;
* sg terms used in queries/ and validation/ (and named in the ontology's own texts) that the
  ontology does not define; external terms that their vocabularies do not define;
* Turtle, RDF/XML, JSON-LD and N-Triples round-trips without loss;
* the version against the frozen releases (:mod:`strikegraph.ontology.versioning`).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import (
    DCTERMS,
    ODRL2,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    VANN,
    XSD,
)

from strikegraph.errors import DataError
from strikegraph.load import load_project, parse_file
from strikegraph.namespaces import ONTOLOGY_GRAPH, PREFIXES
from strikegraph.ontology.export import FORMATS, parse_serialized, serialize
from strikegraph.ontology.files import (
    NAMESPACE,
    checks_dir,
    load_alignments,
    load_core,
    releases_dir,
)
from strikegraph.ontology.versioning import VersionReport, check_versions
from strikegraph.rdfterms import union_graph
from strikegraph.resources import data_dir

__all__ = [
    "DATASET_CHECKS",
    "CheckResult",
    "QualityReport",
    "ReasoningResult",
    "SparqlCheck",
    "defined_terms",
    "list_checks",
    "owl_rl_consistency",
    "project_graph",
    "round_trip",
    "run_quality",
    "run_sparql_checks",
    "sparql_terms",
    "undefined_mentions",
    "undefined_terms_in_graph",
    "undefined_terms_in_queries",
    "undefined_terms_in_shapes",
    "unknown_external_terms",
]

Root = str | os.PathLike[str] | None

#: Checks that run over the whole dataset (ontology in its named graph, data in the others)
#: rather than over the ontology alone. A check can also say ``#+ scope: dataset``.
DATASET_CHECKS = frozenset({"undefined-term"})

_HEADER = re.compile(r"^#\+\s*(\w+):\s*(.*)$")


@dataclass(frozen=True)
class SparqlCheck:
    """One ``ontology/checks/*.rq`` file."""

    name: str
    path: Path
    summary: str
    scope: str  # "ontology" or "dataset"

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def list_checks(data_root: Root = None, folder: Path | None = None) -> list[SparqlCheck]:
    """The SPARQL checks, sorted by name."""
    folder = folder if folder is not None else checks_dir(data_root)
    checks = []
    for path in sorted(folder.glob("*.rq")):
        headers: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _HEADER.match(line)
            if not match:
                break
            headers[match[1]] = match[2].strip()
        scope = headers.get("scope") or ("dataset" if path.stem in DATASET_CHECKS else "ontology")
        checks.append(SparqlCheck(path.stem, path, headers.get("summary", ""), scope))
    return checks


@dataclass
class CheckResult:
    """The rows a check found (each row is a violation)."""

    name: str
    summary: str
    scope: str
    columns: list[str]
    rows: list[tuple[str, ...]]

    @property
    def ok(self) -> bool:
        return not self.rows


def _run(graph: Graph | Dataset, check: SparqlCheck) -> CheckResult:
    result = graph.query(check.text)
    columns = [str(v) for v in (result.vars or [])]
    rows = [tuple("" if v is None else str(v) for v in row) for row in result]  # type: ignore[union-attr]
    return CheckResult(check.name, check.summary, check.scope, columns, rows)


def run_sparql_checks(
    ontology: Graph,
    dataset: Dataset | None = None,
    *,
    data_root: Root = None,
    checks: Iterable[SparqlCheck] | None = None,
) -> list[CheckResult]:
    """Run the checks: ontology-scope ones on ``ontology``, dataset-scope ones on ``dataset``
    (skipped when it is ``None``)."""
    results = []
    for check in checks if checks is not None else list_checks(data_root):
        if check.scope == "dataset":
            if dataset is not None:
                results.append(_run(dataset, check))
        else:
            results.append(_run(ontology, check))
    return results


# --------------------------------------------------------------------------------------------
# OWL 2 RL reasoning
# --------------------------------------------------------------------------------------------


@dataclass
class ReasoningResult:
    """What OWL 2 RL reasoning found: members of owl:Nothing and owlrl's error messages."""

    input_triples: int
    inferred_triples: int
    nothing_members: list[str]
    errors: list[str]
    seconds: float

    @property
    def consistent(self) -> bool:
        return not self.nothing_members and not self.errors


def owl_rl_consistency(graph: Graph) -> ReasoningResult:
    """Run owlrl's OWL 2 RL closure on a copy of ``graph`` and report inconsistencies.

    owlrl marks a clash (disjoint classes sharing a member, a functional property with two
    different values declared owl:differentFrom, an ill-typed literal...) by adding a node of
    type ``owlrl:ErrorMessage`` with its text, or by inferring a member of owl:Nothing.
    """
    from owlrl import DeductiveClosure, OWLRL_Semantics
    from owlrl.Namespaces import ERRNS

    work = Graph()
    work += graph
    before = len(work)
    started = time.perf_counter()
    DeductiveClosure(OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    seconds = time.perf_counter() - started
    nothing = sorted(str(s) for s in work.subjects(RDF.type, OWL.Nothing))
    errors = sorted(
        str(message)
        for node in work.subjects(RDF.type, ERRNS.ErrorMessage)
        for message in work.objects(node, ERRNS.error)
    )
    return ReasoningResult(before, len(work) - before, nothing, errors, seconds)


_RDF_SUFFIXES = (".trig", ".ttl", ".nq", ".nt", ".jsonld")


def _extra_graph_files(data_root: Root = None) -> list[Path]:
    """RDF files under graph/ that :func:`strikegraph.load.load_project` does not load
    (anything outside graph/reference/ and graph/curated/, such as graph/perspectives/)."""
    folder = data_dir("graph", data_root)
    if not folder.is_dir():
        return []
    skip = {folder / "reference", folder / "curated"}
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix in _RDF_SUFFIXES and path.parent not in skip and path.parent != folder
    )


def project_graph(
    data_root: Root = None, *, with_alignments: bool = False, dataset: Dataset | None = None
) -> Graph:
    """Ontology + every graph of graph/ (reference, curated, document sources, perspectives...)
    as one Graph: what OWL 2 RL reasoning runs on."""
    graph = union_graph(dataset if dataset is not None else load_project(data_root))
    for path in _extra_graph_files(data_root):
        graph.addN((s, p, o, graph) for s, p, o, _ in parse_file(path))
    if with_alignments:
        graph += load_alignments(data_root)
    return graph


# --------------------------------------------------------------------------------------------
# Terms used but not defined
# --------------------------------------------------------------------------------------------


def defined_terms(ontology: Graph) -> set[str]:
    """The sg IRIs the ontology declares (anything with an rdf:type)."""
    return {
        str(s)
        for s in ontology.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(NAMESPACE)
    }


_TOKENS = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\s]*>)"""
    r"""|(?P<string>\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<comment>\#[^\n]*)"""
)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)
_PNAME = re.compile(r"(?<![\w:$?<@-])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*(?:\.[\w-]+)*)")


def sparql_terms(text: str, prefixes: dict[str, str] | None = None) -> set[str]:
    """The sg IRIs a SPARQL text uses (full IRIs and prefixed names; comments and strings are
    skipped). Prefixes declared in the text override ``prefixes`` (default: strikegraph's)."""
    table = dict(PREFIXES if prefixes is None else prefixes)
    for prefix, iri in _PREFIX_DECL.findall(text):
        table[prefix or ""] = iri
    found: set[str] = set()

    def blank(match: re.Match[str]) -> str:
        if match.lastgroup == "iri":
            iri = match.group()[1:-1]
            if iri.startswith(NAMESPACE) and iri != NAMESPACE:
                found.add(iri)
        return " " * len(match.group())

    stripped = _TOKENS.sub(blank, text)
    stripped = _PREFIX_DECL.sub(" ", stripped)
    for prefix, local in _PNAME.findall(stripped):
        namespace = table.get(prefix or "")
        if namespace == NAMESPACE:
            found.add(namespace + local.rstrip("."))
    return found


def undefined_terms_in_queries(ontology: Graph, folder: Path) -> dict[str, list[str]]:
    """file name -> sg IRIs the ``*.rq`` files there use but the ontology does not define."""
    defined = defined_terms(ontology)
    result: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.rq")) if folder.is_dir() else []:
        missing = sorted(sparql_terms(path.read_text(encoding="utf-8")) - defined)
        if missing:
            result[path.relative_to(folder).as_posix()] = missing
    return result


def undefined_terms_in_graph(ontology: Graph, folder: Path) -> dict[str, list[str]]:
    """file name -> sg IRIs that the RDF files (any position) and SPARQL rules (``*.rq``) under
    ``folder`` use but the ontology does not define."""
    defined = defined_terms(ontology)
    result: dict[str, list[str]] = {}
    if not folder.is_dir():
        return result
    for path in sorted(folder.rglob("*")):
        if path.suffix in _RDF_SUFFIXES:
            used = {
                str(node)
                for quad in parse_file(path)
                for node in quad[:3]
                if isinstance(node, URIRef) and str(node).startswith(NAMESPACE)
            }
        elif path.suffix == ".rq":
            used = sparql_terms(path.read_text(encoding="utf-8"))
        else:
            continue
        missing = sorted(used - defined)
        if missing:
            result[path.relative_to(folder).as_posix()] = missing
    return result


def _shape_prefixes(shapes: Graph) -> dict[str, str]:
    table = dict(PREFIXES)
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            table[str(prefix)] = str(namespace)
    return table


def undefined_terms_in_shapes(ontology: Graph, folder: Path) -> dict[str, list[str]]:
    """file name -> sg IRIs the SHACL files there use (in triples or in their SPARQL) but the
    ontology does not define."""
    defined = defined_terms(ontology)
    result: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.ttl")) if folder.is_dir() else []:
        shapes = Graph()
        shapes.addN((s, p, o, shapes) for s, p, o, _ in parse_file(path))
        prefixes = _shape_prefixes(shapes)
        used: set[str] = set()
        for triple in shapes:
            for node in triple:
                if isinstance(node, URIRef) and str(node).startswith(NAMESPACE):
                    used.add(str(node))
        for predicate in (SH.select, SH.ask, SH.construct, SH.update):
            for text in shapes.objects(None, predicate):
                used |= sparql_terms(str(text), prefixes)
        missing = sorted(used - defined)
        if missing:
            result[path.relative_to(folder).as_posix()] = missing
    return result


_MENTION = re.compile(r"(?<![\w:/#-])sg:([A-Za-z_][A-Za-z0-9_]*)")


def undefined_mentions(graph: Graph) -> dict[str, list[str]]:
    """term -> ``sg:X`` names its labels, definitions, comments and examples mention that the
    ontology does not define (text that has drifted from the vocabulary)."""
    defined = defined_terms(graph)
    result: dict[str, set[str]] = {}
    for s, _, o in graph.triples((None, None, None)):
        if not isinstance(o, Literal) or not isinstance(s, (URIRef, BNode)):
            continue
        for local in _MENTION.findall(str(o)):
            if NAMESPACE + local not in defined:
                result.setdefault(str(s), set()).add(NAMESPACE + local)
    return {k: sorted(v) for k, v in sorted(result.items())}


# Terms of the W3C Web Annotation vocabulary (rdflib ships no closed namespace for it).
OA_TERMS = frozenset(
    [
        "Annotation",
        "Choice",
        "CssSelector",
        "CssStyle",
        "DataPositionSelector",
        "Direction",
        "FragmentSelector",
        "HttpRequestState",
        "Motivation",
        "RangeSelector",
        "ResourceSelection",
        "Selector",
        "SpecificResource",
        "State",
        "Style",
        "SvgSelector",
        "TextPositionSelector",
        "TextQuoteSelector",
        "TextualBody",
        "TimeState",
        "XPathSelector",
        "annotationService",
        "bodyValue",
        "cachedSource",
        "canonical",
        "end",
        "exact",
        "hasBody",
        "hasEndSelector",
        "hasPurpose",
        "hasScope",
        "hasSelector",
        "hasSource",
        "hasStartSelector",
        "hasState",
        "hasTarget",
        "motivatedBy",
        "prefix",
        "processingLanguage",
        "refinedBy",
        "renderedVia",
        "sourceDate",
        "sourceDateEnd",
        "sourceDateStart",
        "start",
        "styleClass",
        "styledBy",
        "suffix",
        "textDirection",
        "via",
        "assessing",
        "bookmarking",
        "classifying",
        "commenting",
        "describing",
        "editing",
        "highlighting",
        "identifying",
        "linking",
        "moderating",
        "questioning",
        "replying",
        "tagging",
        "ltrDirection",
        "rtlDirection",
        "PreferContainedDescriptions",
        "PreferContainedIRIs",
    ]
)
_CLOSED_NAMESPACES = (DCTERMS, ODRL2, OWL, PROV, RDF, RDFS, SDO, SKOS, VANN, XSD)
_OA = "http://www.w3.org/ns/oa#"


def unknown_external_terms(graph: Graph) -> list[str]:
    """IRIs in a namespace whose terms are known (PROV-O, ODRL 2.2, schema.org, OA, SKOS,
    Dublin Core, VANN, RDF, RDFS, OWL, XSD) that the vocabulary does not define: a typo, or a
    term invented in someone else's namespace (OOPS! P40, namespace hijacking)."""
    unknown: set[str] = set()
    for triple in graph:
        for node in triple:
            if not isinstance(node, URIRef):
                continue
            text = str(node)
            if text.startswith(_OA):
                if text[len(_OA) :] not in OA_TERMS:
                    unknown.add(text)
                continue
            for namespace in _CLOSED_NAMESPACES:
                base = str(namespace._NS)  # type: ignore[attr-defined]
                if text.startswith(base) and text != base:
                    if node not in namespace:
                        unknown.add(text)
                    break
    return sorted(unknown)


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------


def round_trip(graph: Graph, formats: Iterable[str] = tuple(FORMATS)) -> dict[str, bool]:
    """format -> whether serializing and parsing back gives an isomorphic graph."""
    return {fmt: isomorphic(graph, parse_serialized(serialize(graph, fmt), fmt)) for fmt in formats}


# --------------------------------------------------------------------------------------------
# Everything together
# --------------------------------------------------------------------------------------------


@dataclass
class QualityReport:
    """The outcome of :func:`run_quality`."""

    checks: list[CheckResult] = field(default_factory=list)
    reasoning: ReasoningResult | None = None
    reasoning_with_alignments: ReasoningResult | None = None
    undefined: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    external: list[str] = field(default_factory=list)
    round_trips: dict[str, dict[str, bool]] = field(default_factory=dict)
    versions: VersionReport | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures()

    def failures(self) -> list[str]:
        failed = [
            f"check {c.name}: {len(c.rows)} row(s): "
            + "; ".join(" ".join(v for v in row if v) for row in c.rows[:5])
            for c in self.checks
            if not c.ok
        ]
        for name, result in (
            ("ontology + seed graph", self.reasoning),
            ("ontology + alignments + seed graph", self.reasoning_with_alignments),
        ):
            if result is not None and not result.consistent:
                failed.append(
                    f"OWL 2 RL over {name} is inconsistent: "
                    + "; ".join(
                        result.errors + [f"{m} a owl:Nothing" for m in result.nothing_members]
                    )
                )
        for area, files in self.undefined.items():
            for where, terms in files.items():
                failed.append(f"undefined sg terms in {area} {where}: {', '.join(terms)}")
        if self.external:
            failed.append(f"terms their vocabularies do not define: {', '.join(self.external)}")
        for module, results in self.round_trips.items():
            lost = [fmt for fmt, ok in results.items() if not ok]
            if lost:
                failed.append(f"{module} does not round-trip through {', '.join(lost)}")
        if self.versions is not None:
            failed += [f"versioning: {p}" for p in self.versions.problems]
        return failed + self.problems

    def render_text(self) -> str:
        lines = []
        for check in self.checks:
            mark = "ok  " if check.ok else "FAIL"
            lines.append(f"{mark} check {check.name} ({check.scope}): {check.summary}")
            for row in check.rows[:20]:
                lines.append("       " + "  ".join(v for v in row if v))
        for name, result in (
            ("ontology + seed graph", self.reasoning),
            ("ontology + alignments + seed graph", self.reasoning_with_alignments),
        ):
            if result is not None:
                mark = "ok  " if result.consistent else "FAIL"
                lines.append(
                    f"{mark} OWL 2 RL consistency over {name}: {result.input_triples} triples, "
                    f"{result.inferred_triples} inferred in {result.seconds:.1f} s"
                )
                lines += [f"       {e}" for e in result.errors]
                lines += [f"       {m} a owl:Nothing" for m in result.nothing_members]
        for area, files in self.undefined.items():
            mark = "ok  " if not files else "FAIL"
            lines.append(f"{mark} no undefined sg terms in {area}")
            for where, terms in files.items():
                lines.append(f"       {where}: {', '.join(terms)}")
        mark = "ok  " if not self.external else "FAIL"
        lines.append(f"{mark} every external term is defined by its vocabulary")
        lines += [f"       {t}" for t in self.external]
        for module, results in self.round_trips.items():
            mark = "ok  " if all(results.values()) else "FAIL"
            detail = ", ".join(f"{fmt} {'ok' if ok else 'LOSSY'}" for fmt, ok in results.items())
            lines.append(f"{mark} {module} round-trips: {detail}")
        if self.versions is not None:
            mark = "ok  " if self.versions.ok else "FAIL"
            against = (
                f" against release {self.versions.compared_with}"
                if self.versions.compared_with
                else ""
            )
            lines.append(f"{mark} version {self.versions.version}{against}")
            lines += [f"       {p}" for p in self.versions.problems]
        lines += [f"FAIL {p}" for p in self.problems]
        failures = self.failures()
        lines.append(
            "ontology quality: all checks pass"
            if not failures
            else f"ontology quality: {len(failures)} problem(s)"
        )
        return "\n".join(lines) + "\n"


def run_quality(data_root: Root = None, *, reasoning: bool = True) -> QualityReport:
    """Run every check of this module on the project's ontology and data."""
    report = QualityReport()
    core = load_core(data_root)
    alignments = load_alignments(data_root)
    merged = Graph()
    merged += core
    merged += alignments
    dataset = load_project(data_root)
    report.checks = run_sparql_checks(core, dataset, data_root=data_root)
    for check in run_sparql_checks(merged, None, data_root=data_root):
        if not check.ok:
            check.name = f"{check.name} (with alignments)"
            report.checks.append(check)
    if reasoning:
        seed = project_graph(data_root, dataset=dataset)
        report.reasoning = owl_rl_consistency(seed)
        seed += alignments
        report.reasoning_with_alignments = owl_rl_consistency(seed)
    ontology_folder = data_dir("ontology", data_root)
    report.undefined = {
        "graph/": undefined_terms_in_graph(core, data_dir("graph", data_root)),
        "queries/": undefined_terms_in_queries(core, data_dir("queries", data_root)),
        "validation/": undefined_terms_in_shapes(core, data_dir("validation", data_root)),
        "ontology/ queries": undefined_terms_in_queries(core, ontology_folder),
        "ontology texts": undefined_mentions(merged),
    }
    report.external = unknown_external_terms(merged)
    report.round_trips = {"core": round_trip(core), "alignments": round_trip(alignments)}
    try:
        report.versions = check_versions(core, releases_dir(data_root))
    except DataError as exc:
        report.problems.append(str(exc))
    if not any(True for _ in dataset.graph(ONTOLOGY_GRAPH).triples((None, None, None))):
        report.problems.append("the project dataset has no ontology graph")
    return report
