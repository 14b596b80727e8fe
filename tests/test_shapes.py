"""The SHACL shapes in validation/: the seed conforms, every broken fixture fails for its reason,
and every shape is broken by some fixture.

Fixtures live in tests/fixtures/shapes/*.trig. Each is self-contained (its own document, claim,
evidence and entities) and starts with a header naming what it breaks:

    # Breaks: an authorization has no grantor.
    # expect: sgsh:UsePolicy-grantor "has no grantor"

Each ``# expect:`` line names a shape (its IRI in the sgsh: namespace) and a substring of the
message its result must carry. A fixture must produce a result for every expect line, and no
result that no expect line accounts for: it fails for the reason it is named for and no other.
``# expect: nothing`` marks a valid baseline, which must produce no result at all.

Validation runs as the package runs it (``strikegraph.validate.validate_dataset``: pyshacl over
the union of the graphs, RDFS inference, the ontology as ont_graph, advanced=True). Validating
each fixture alone costs about a second (mostly the RDFS closure of the ontology), so the
fixtures are validated together in one run: each fixture's IRIs under
https://w3id.org/strikegraph/id/ are moved into a namespace of its own and its blank nodes are
skolemized into it, so that no two fixtures share a node, and every result is attributed to the
fixture its focus node belongs to. ``test_batch_matches_isolated_validation`` checks, on a
sample, that this gives the same results as validating the files one by one.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from strikegraph.load import load_file, load_project
from strikegraph.namespaces import SGID, shorten
from strikegraph.rdfterms import dataset_from_quads, iter_quads
from strikegraph.validate import (
    Result,
    ValidationReport,
    load_ontology,
    load_shapes,
    validate_dataset,
)

SGSH = "https://w3id.org/strikegraph/shapes#"
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
SEED_SECONDS = 30.0  # the seed validates in a few seconds; this only catches blow-ups

#: Property-shape parameters that make a property shape "key": cardinalities, enumerations,
#: required values and comparisons. Each key property shape must be broken by a fixture.
#: (Pure sh:class / sh:datatype / sh:nodeKind checks on optional properties are exempt: under
#: RDFS inference an sh:class check on a property with an rdfs:range cannot fail, see the
#: header of core-shapes.ttl.)
KEY_PARAMETERS = (
    SH.minCount,
    SH.maxCount,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH["in"],
    SH.hasValue,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.uniqueLang,
)
#: Node-level constraint parameters: a node shape with one of these must be broken directly.
NODE_PARAMETERS = (SH["or"], SH.xone, SH["not"], SH["and"], SH.sparql, SH["class"], SH.node)

_EXPECT = re.compile(r'^#\s*expect:\s*(?:(nothing)\b.*|sgsh:(\S+)\s+"(.*)"\s*)$')


@dataclass(frozen=True)
class Expectation:
    shape: str  # full IRI
    message: str

    def matches(self, result_shape: str, result_message: str) -> bool:
        return result_shape in (self.shape, shorten(self.shape)) and self.message in result_message


@dataclass(frozen=True)
class Fixture:
    path: Path
    expectations: tuple[Expectation, ...]
    valid: bool


def _read_fixture(path: Path) -> Fixture:
    expectations = []
    valid = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _EXPECT.match(line.strip())
        if match is None:
            continue
        if match.group(1):
            valid = True
        else:
            expectations.append(Expectation(SGSH + match.group(2), match.group(3)))
    if valid == bool(expectations):
        raise AssertionError(
            f"{path.name}: needs either '# expect: nothing' or one or more "
            "'# expect: sgsh:Shape \"message\"' lines in its header"
        )
    return Fixture(path, tuple(expectations), valid)


FIXTURE_FILES = sorted(FIXTURES.glob("*.trig")) + sorted(FIXTURES.glob("*.ttl"))


@cache
def _shapes() -> Graph:
    shapes, _ = load_shapes(ROOT)
    return shapes


@cache
def _ontology() -> Graph:
    return load_ontology(ROOT)


def _validate_file(path: Path) -> ValidationReport:
    return validate_dataset(load_file(path), shapes=_shapes(), ontology=_ontology())


def _scoped(term: object, stem: str) -> object:
    """Move a fixture's term into the fixture's own namespace (literals stay as they are)."""
    if isinstance(term, URIRef) and str(term).startswith(str(SGID)):
        return URIRef(f"{SGID}{stem}/{str(term)[len(str(SGID)) :]}")
    if isinstance(term, BNode):
        return URIRef(f"{SGID}{stem}/.well-known/genid/{term}")
    return term


def _owner(node: object) -> str | None:
    """The fixture a scoped node belongs to."""
    if isinstance(node, URIRef) and str(node).startswith(str(SGID)):
        return str(node)[len(str(SGID)) :].split("/", 1)[0]
    return None


@cache
def _batch() -> dict[str | None, list[Result]]:
    """Validate all fixtures in one run; results by fixture stem (None: no fixture's)."""
    quads = []
    for path in FIXTURE_FILES:
        for s, p, o, g in iter_quads(load_file(path)):
            quads.append(
                (
                    _scoped(s, path.stem),
                    p,
                    _scoped(o, path.stem),
                    _scoped(g, path.stem) if g else None,
                )
            )
    report = validate_dataset(dataset_from_quads(quads), shapes=_shapes(), ontology=_ontology())
    by_fixture: dict[str | None, list[Result]] = defaultdict(list)
    for result in report.results:
        by_fixture[_owner(result.focus_node)].append(result)
    return by_fixture


def _report_of(path: Path) -> ValidationReport:
    results = _batch().get(path.stem, [])
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results), results=list(results)
    )


def _describe(report: ValidationReport) -> str:
    return (
        "\n".join(
            f"  [{r.severity}] {r.shape} on {r.focus_node}: {r.message}" for r in report.results
        )
        or "  (no results)"
    )


# --------------------------------------------------------------------------------------------
# (i) the seed conforms
# --------------------------------------------------------------------------------------------


def test_seed_conforms() -> None:
    dataset = load_project(ROOT)
    start = time.perf_counter()
    report = validate_dataset(dataset, data_root=ROOT)
    elapsed = time.perf_counter() - start
    assert report.conforms, "the seed does not conform:\n" + _describe(report)
    assert not report.results, "the seed raises warnings:\n" + _describe(report)
    assert elapsed < SEED_SECONDS, f"validating the seed took {elapsed:.1f} s"


def test_shapes_files_are_loaded() -> None:
    _, files = load_shapes(ROOT)
    assert {"core-shapes.ttl", "sparql-rules.ttl"} <= set(files)


# --------------------------------------------------------------------------------------------
# (ii) every broken fixture fails, for its reason only
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_fixture(path: Path) -> None:
    fixture = _read_fixture(path)
    report = _report_of(path)
    if fixture.valid:
        assert report.conforms and not report.results, (
            f"{path.name} should be valid:\n" + _describe(report)
        )
        return
    assert report.results, f"{path.name} raised nothing"
    for expectation in fixture.expectations:
        hits = [r for r in report.results if expectation.matches(r.shape, r.message)]
        assert hits, (
            f"{path.name}: no result from {shorten(expectation.shape)} with a message containing "
            f"{expectation.message!r}; got:\n" + _describe(report)
        )
        severity = _severity(expectation.shape)
        assert {r.severity for r in hits} == {severity}, (
            f"{path.name}: {shorten(expectation.shape)} should report a {severity}"
        )
    unexpected = [
        r
        for r in report.results
        if not any(e.matches(r.shape, r.message) for e in fixture.expectations)
    ]
    assert not unexpected, f"{path.name} also fails for other reasons:\n" + "\n".join(
        f"  [{r.severity}] {r.shape} on {r.focus_node}: {r.message}" for r in unexpected
    )
    if any(_severity(e.shape) == "Violation" for e in fixture.expectations):
        assert not report.conforms
    else:  # Warning-only fixtures: the package validates with allow_warnings=True
        assert all(r.severity == "Warning" for r in report.results)


def test_no_result_outside_the_fixtures() -> None:
    stray = _batch().get(None, [])
    assert not stray, "results on nodes of no fixture:\n" + "\n".join(
        f"  [{r.severity}] {r.shape} on {r.focus_node}: {r.message}" for r in stray
    )


#: A sample of fixtures (valid baselines, core and SPARQL failures, blank-node focus nodes)
#: validated on their own, to check that batching changes nothing.
ISOLATION_SAMPLE = (
    "valid-authorization-with-disclosures",
    "grantor-is-a-weapon",
    "attribution-step-without-order",
    "evidence-offsets-wrong",
)


@pytest.mark.parametrize("stem", ISOLATION_SAMPLE)
def test_batch_matches_isolated_validation(stem: str) -> None:
    path = FIXTURES / f"{stem}.trig"
    alone = _validate_file(path)
    batched = _report_of(path)

    def summary(results: list[Result], scoped: bool) -> list[tuple[str, str, str]]:
        rows = []
        for r in results:
            message = r.message.replace(f"{SGID}{stem}/", str(SGID)) if scoped else r.message
            message = re.sub(r"\S*genid\S*|_:\S+|n[0-9a-f]{32}\S*", "<bnode>", message)
            rows.append((r.shape, r.severity, message))
        return sorted(rows)

    assert summary(batched.results, True) == summary(alone.results, False)
    assert batched.conforms == alone.conforms


def _severity(shape: str) -> str:
    severity = _shapes().value(URIRef(shape), SH.severity)
    names = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
    return names.get(severity, "Violation") if isinstance(severity, URIRef) else "Violation"


# --------------------------------------------------------------------------------------------
# (iii) every shape is broken by some fixture
# --------------------------------------------------------------------------------------------


def _named(shapes: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def _is_key(shapes: Graph, shape: Node) -> bool:
    return any(shapes.value(shape, p) is not None for p in KEY_PARAMETERS)


def _expected_shapes() -> set[str]:
    return {e.shape for path in FIXTURE_FILES for e in _read_fixture(path).expectations}


def test_every_node_shape_has_a_failing_fixture() -> None:
    """A node shape with a node-level constraint must be broken directly; one with key property
    shapes through at least one of them. (Node shapes with only sh:class/sh:datatype checks on
    optional properties, such as sgsh:PersonShape, cannot fail under RDFS inference.)"""
    shapes = _shapes()
    expected = _expected_shapes()
    missing = []
    for node_shape in sorted(_named(shapes, SH.NodeShape)):
        properties = set(shapes.objects(node_shape, SH.property))
        has_node_constraint = any(shapes.value(node_shape, p) is not None for p in NODE_PARAMETERS)
        if has_node_constraint:
            if str(node_shape) not in expected:
                missing.append(f"{shorten(str(node_shape))} (its node-level constraint)")
        elif (
            any(_is_key(shapes, p) for p in properties)
            and not {str(p) for p in properties} & expected
        ):
            missing.append(f"{shorten(str(node_shape))} (none of its property shapes)")
    assert not missing, "no fixture in tests/fixtures/shapes/ breaks:\n  " + "\n  ".join(missing)


def test_every_key_property_shape_has_a_failing_fixture() -> None:
    shapes = _shapes()
    expected = _expected_shapes()
    key = {shape for shape in _named(shapes, SH.PropertyShape) if _is_key(shapes, shape)}
    missing = sorted(shorten(str(s)) for s in key if str(s) not in expected)
    assert not missing, "no fixture in tests/fixtures/shapes/ breaks:\n  " + "\n  ".join(missing)


def test_expectations_name_existing_shapes() -> None:
    shapes = _shapes()
    known = {str(s) for s in _named(shapes, SH.NodeShape) | _named(shapes, SH.PropertyShape)}
    unknown = sorted(
        f"{path.name}: {shorten(e.shape)}"
        for path in FIXTURE_FILES
        for e in _read_fixture(path).expectations
        if e.shape not in known
    )
    assert not unknown, "fixtures expect shapes that do not exist:\n  " + "\n  ".join(unknown)


# --------------------------------------------------------------------------------------------
# The shapes files themselves
# --------------------------------------------------------------------------------------------


def _every_shape(shapes: Graph) -> set[URIRef]:
    return _named(shapes, SH.NodeShape) | _named(shapes, SH.PropertyShape)


def test_every_shape_has_name_message_and_severity() -> None:
    shapes = _shapes()
    lacking = []
    for shape in sorted(_every_shape(shapes)):
        for prop in (SH.name, SH.severity):
            if shapes.value(shape, prop) is None:
                lacking.append(f"{shorten(str(shape))} has no {shorten(str(prop))}")
        constraints = list(shapes.objects(shape, SH.sparql))
        if constraints:  # a SPARQL rule's message is on its constraint (see sparql-rules.ttl)
            for constraint in constraints:
                if shapes.value(constraint, SH.message) is None:
                    lacking.append(f"{shorten(str(shape))}: its sh:sparql has no sh:message")
        elif shapes.value(shape, SH.message) is None:
            lacking.append(f"{shorten(str(shape))} has no sh:message")
    assert not lacking, "\n".join(lacking)


def test_property_shapes_are_used() -> None:
    shapes = _shapes()
    used = set(shapes.objects(None, SH.property))
    unused = sorted(shorten(str(s)) for s in _named(shapes, SH.PropertyShape) if s not in used)
    assert not unused, "property shapes that no node shape uses: " + ", ".join(unused)


_SELECT = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?.*?\bWHERE\b", re.S | re.I)


_VALUES = re.compile(r"VALUES\s+\?(\w+)\s*\{([^}]*)\}")


def _query_body(query: str) -> str:
    """The query after its projection, with $this as ?this and VALUES lists as FILTER IN.

    SHACL forbids VALUES in a constraint's query, so a constraint says FILTER (?x IN (...))
    where its target says VALUES ?x { ... }; the two mean the same.
    """
    body = _SELECT.sub("", query, count=1).replace("$this", "?this")
    body = _VALUES.sub(
        lambda m: f"FILTER (?{m.group(1)} IN ({', '.join(m.group(2).split())}))", body
    )
    body = re.sub(r"\s*,\s*", ", ", body)
    return " ".join(body.split())


def test_sparql_rules_target_and_constraint_agree() -> None:
    """Each SPARQL rule selects its focus nodes with the pattern its constraint then checks.

    See the header of sparql-rules.ttl: the target finds the offending nodes in one query (fast)
    and the constraint re-runs the same pattern with $this bound to word the message. If the two
    drifted apart, a rule would silently report nothing.
    """
    shapes = _shapes()
    problems = []
    for shape in sorted(_named(shapes, SH.NodeShape)):
        constraints = list(shapes.objects(shape, SH.sparql))
        if not constraints:
            continue
        targets = [
            t for t in shapes.objects(shape, SH.target) if (t, RDF.type, SH.SPARQLTarget) in shapes
        ]
        if len(targets) != 1 or len(constraints) != 1:
            problems.append(f"{shorten(str(shape))}: needs one SPARQL target and one sh:sparql")
            continue
        target_query = str(shapes.value(targets[0], SH.select))
        constraint_query = str(shapes.value(constraints[0], SH.select))
        if _query_body(target_query) != _query_body(constraint_query):
            problems.append(f"{shorten(str(shape))}: target and constraint WHERE clauses differ")
        for node in (targets[0], constraints[0]):
            prefixes = shapes.value(node, SH.prefixes)
            if prefixes is None or shapes.value(prefixes, SH.declare) is None:
                problems.append(f"{shorten(str(shape))}: a query lacks sh:prefixes with sh:declare")
    assert not problems, "\n".join(problems)


def test_enumerations_list_ontology_individuals() -> None:
    """Every IRI in an sh:in list is an individual the ontology defines."""
    shapes = _shapes()
    ontology = _ontology()
    defined = set(ontology.subjects(RDF.type, None))
    unknown = sorted(
        f"{shorten(str(shape))}: {shorten(str(member))}"
        for shape, members in shapes.subject_objects(SH["in"])
        for member in Collection(shapes, members)
        if isinstance(member, URIRef) and member not in defined
    )
    assert not unknown, "sh:in names IRIs the ontology does not define:\n  " + "\n  ".join(unknown)
