"""grlc-style named queries: ``queries/NAME.rq``, a ``#+`` YAML header, ``?_param`` variables.

A variable ``?_NAME[_TYPE]`` is a required parameter, ``?__NAME[_TYPE]`` an optional one;
TYPE is ``iri``, ``date``, ``integer`` or ``literal`` (the default). Values are bound by a
VALUES block at the start of the WHERE group, so FILTERs see them on every engine.

Every query also takes ``asof`` (an optional date), whether or not its text uses it: the query
then sees only what the graph knew on that day - the named graphs of documents issued on or
before it (``dcterms:issued`` in the document's source graph), plus every graph that is not a
document's (ontology, reference). See :func:`visible_graphs`. A query whose text also reads
``?__asof_date`` (permitted-uses, timeline) applies its own filter on top, e.g. on validity.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node, Variable

from strikegraph.engine import execute_dataset, execute_oxigraph
from strikegraph.errors import ParameterError, QueryError
from strikegraph.namespaces import PREFIXES, SG, SGG, SGID, expand_curie
from strikegraph.rdfterms import ox_store_of
from strikegraph.remote import RemoteStore
from strikegraph.resources import data_dir
from strikegraph.results import QueryResult
from strikegraph.sparqltext import inject_values, query_form, variables
from strikegraph.store import Store

__all__ = [
    "ASOF",
    "PARAM_TYPES",
    "NamedQuery",
    "as_of_day",
    "QueryParam",
    "bind_parameters",
    "get_query",
    "list_queries",
    "parse_iri",
    "parse_query",
    "run_query",
    "visible_graphs",
]

PARAM_TYPES = ("iri", "date", "integer", "literal")
_PARAM_VARIABLE = re.compile(r"^(__?)([A-Za-z0-9][A-Za-z0-9_]*?)(?:_(iri|date|integer|literal))?$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SHORTHAND = re.compile(r"^[a-z][a-z0-9-]*/[^\s/][^\s]*$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The parameter every query takes: "what the graph knew as of this day".
ASOF = "asof"
_ASOF_VARIABLE = "__asof_date"
_ASOF_DESCRIPTION = (
    "optional day (YYYY-MM-DD); answer with what the graph knew then: only documents issued "
    "on or before it"
)
#: Derived from every graph at build time, so it may hold later documents' knowledge; "as of"
#: queries leave it out (the named queries walk sg:inCategory/sg:partOf paths themselves).
_INFERRED = URIRef(str(SGG) + "inferred")
#: The two facts that tie a graph to a document and a document to its issue date.
_DOCUMENT_FACTS = f"""SELECT ?g ?s ?p ?o WHERE {{
  {{ GRAPH ?g {{ ?s <{DCTERMS.issued}> ?o }} BIND(<{DCTERMS.issued}> AS ?p) }}
  UNION {{ GRAPH ?g {{ ?s <{SG.aboutDocument}> ?o }} BIND(<{SG.aboutDocument}> AS ?p) }}
}}"""


@dataclass(frozen=True)
class QueryParam:
    """One parameter: its user-facing name, SPARQL variable, type and documentation."""

    name: str
    variable: str
    type: str
    required: bool
    default: str | None = None
    description: str | None = None
    #: False for ``asof`` in a query whose text does not read it: it only chooses the graphs.
    in_text: bool = True


@dataclass(frozen=True)
class NamedQuery:
    """A query text with its grlc-style metadata."""

    name: str
    path: Path | None
    summary: str
    description: str | None
    tags: tuple[str, ...]
    params: tuple[QueryParam, ...]
    text: str

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, DESCRIBE or ASK."""
        return query_form(self.text)

    def param(self, name: str) -> QueryParam | None:
        """The parameter called ``name`` (or whose variable is ``name``), if any."""
        key = name.lstrip("?$")
        return next((p for p in self.params if key in (p.name, p.variable)), None)


def _header(text: str, where: str) -> dict[str, Any]:
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#+"):
            rest = stripped[2:]
            lines.append(rest[1:] if rest.startswith(" ") else rest)
    if not lines:
        return {}
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc
        raise QueryError(f"{where}: invalid '#+' header: {' '.join(str(problem).split())}") from exc
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise QueryError(f"{where}: the '#+' header must be YAML 'key: value' lines")
    return header


def _one_key_maps(value: object, key: str, where: str) -> dict[str, Any]:
    """Read ``- name: value`` lists (or a plain mapping) into a dict."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if not isinstance(value, list):
        raise QueryError(f"{where}: '{key}' must be a list of '- name: value' entries")
    result: dict[str, Any] = {}
    for entry in value:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise QueryError(f"{where}: each '{key}' entry must be one 'name: value' pair")
        ((name, item),) = entry.items()
        result[str(name)] = item
    return result


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _params(text: str, header: dict[str, Any], where: str) -> tuple[QueryParam, ...]:
    defaults = _one_key_maps(header.get("defaults"), "defaults", where)
    descriptions = _one_key_maps(header.get("params"), "params", where)
    found: dict[str, QueryParam] = {}
    for variable in variables(text):
        match = _PARAM_VARIABLE.match(variable)
        if match is None:
            continue
        underscores, name, kind = match.groups()
        param = QueryParam(
            name=name,
            variable=variable,
            type=kind or "literal",
            required=underscores == "_",
            default=_scalar(defaults[name]) if defaults.get(name) is not None else None,
            description=None if descriptions.get(name) is None else str(descriptions[name]),
        )
        if name in found and found[name].variable != variable:
            raise QueryError(
                f"{where}: parameter '{name}' is written both as ?{found[name].variable} "
                f"and ?{variable}"
            )
        found[name] = param
    if ASOF in found:
        if found[ASOF].variable != _ASOF_VARIABLE:
            raise QueryError(
                f"{where}: '{ASOF}' is the optional as-of date of every query: "
                f"write it ?{_ASOF_VARIABLE}, not ?{found[ASOF].variable}"
            )
    else:
        found[ASOF] = QueryParam(
            name=ASOF,
            variable=_ASOF_VARIABLE,
            type="date",
            required=False,
            default=_scalar(defaults[ASOF]) if defaults.get(ASOF) is not None else None,
            description=str(descriptions.get(ASOF) or _ASOF_DESCRIPTION),
            in_text=False,
        )
    for key, label in ((defaults, "defaults"), (descriptions, "params")):
        unknown = sorted(set(key) - set(found))
        if unknown:
            raise QueryError(
                f"{where}: '{label}' names {', '.join(unknown)}, which the query does not use "
                f"(parameters: {', '.join(found) or 'none'})"
            )
    return tuple(found.values())


def parse_query(
    text: str, name: str, path: Path | None = None, *, require_summary: bool = True
) -> NamedQuery:
    """Parse a query text and its ``#+`` header into a :class:`NamedQuery`."""
    where = str(path) if path is not None else name
    header = _header(text, where)
    summary = header.get("summary")
    if summary is None and require_summary:
        raise QueryError(f"{where}: the '#+ summary:' line is required")
    tags = header.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list):
        raise QueryError(f"{where}: 'tags' must be a list")
    query_form(text)  # fail early on a file that is not a query at all
    return NamedQuery(
        name=str(header.get("name") or name),
        path=path,
        summary="" if summary is None else " ".join(str(summary).split()),
        description=None if header.get("description") is None else str(header["description"]),
        tags=tuple(str(tag) for tag in tags),
        params=_params(text, header, where),
        text=text,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read: {exc}") from exc


def list_queries(data_root: str | os.PathLike[str] | None = None) -> list[NamedQuery]:
    """Every ``queries/*.rq``, sorted by name."""
    folder = data_dir("queries", data_root)
    if not folder.is_dir():
        return []
    queries = [parse_query(_read(path), path.stem, path) for path in sorted(folder.glob("*.rq"))]
    return sorted(queries, key=lambda q: q.name)


def get_query(
    name_or_path: str | os.PathLike[str], data_root: str | os.PathLike[str] | None = None
) -> NamedQuery:
    """A query by name (from queries/), by path to a .rq file, or ``-`` for stdin."""
    if str(name_or_path) == "-":
        return parse_query(sys.stdin.read(), "<stdin>", require_summary=False)
    candidate = Path(name_or_path)
    looks_like_path = (
        isinstance(name_or_path, os.PathLike)
        or candidate.suffix == ".rq"
        or (os.sep in str(name_or_path))
    )
    if looks_like_path:
        if not candidate.is_file():
            raise QueryError(f"{candidate}: no such query file")
        return parse_query(_read(candidate), candidate.stem, candidate, require_summary=False)
    name = str(name_or_path)
    folder = data_dir("queries", data_root)
    direct = folder / f"{name}.rq"
    if direct.is_file():
        return parse_query(_read(direct), name, direct)
    available = list_queries(data_root)
    for query in available:
        if query.name == name:
            return query
    names = ", ".join(q.name for q in available) or "none"
    raise QueryError(f"unknown query '{name}' (available: {names})")


def parse_iri(value: str) -> URIRef:
    """Read an IRI given as ``<iri>``, a full IRI, a CURIE (``sgid:state/x``) or ``kind/slug``."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
        iri = URIRef(text)
    elif (expanded := expand_curie(text)) is not None:
        iri = expanded
    elif "://" in text or text.startswith("urn:"):
        iri = URIRef(text)
    elif _SHORTHAND.match(text):
        iri = SGID[text]
    else:
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise ValueError(
            f"expects an IRI (<iri>, a full IRI, a CURIE with one of {known} or kind/slug), "
            f"got {value!r}"
        )
    if not _ABSOLUTE.match(str(iri)) or _IRI_FORBIDDEN.search(str(iri)):
        raise ValueError(f"expects an IRI, got {value!r}")
    return iri


def _convert(param: QueryParam, value: str) -> Node:
    if param.type == "iri":
        return parse_iri(value)
    if param.type == "date":
        if not _DATE.match(value.strip()):
            raise ValueError(f"expects a date (YYYY-MM-DD), got {value!r}")
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expects a date (YYYY-MM-DD), got {value!r}") from None
        return Literal(day.isoformat(), datatype=XSD.date)
    if param.type == "integer":
        if not _INTEGER.match(value.strip()):
            raise ValueError(f"expects an integer, got {value!r}")
        return Literal(int(value.strip()), datatype=XSD.integer)
    return Literal(value)


def bind_parameters(
    query: NamedQuery, values: Mapping[str, str] | None = None
) -> dict[Variable, Node]:
    """Turn ``{name: text}`` into variable bindings, applying defaults and checking types."""
    values = dict(values or {})
    bindings: dict[Variable, Node] = {}
    for key in values:
        if query.param(key) is None:
            valid = ", ".join(p.name for p in query.params) or "none"
            raise ParameterError(
                f"unknown parameter '{key}' for query {query.name} (valid: {valid})"
            )
    given = {query.param(key).name: value for key, value in values.items()}  # type: ignore[union-attr]
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is None:
            if param.required:
                raise ParameterError(
                    f"missing required parameter '{param.name}' for query {query.name} "
                    f"(use --param {param.name}=VALUE)"
                )
            continue
        try:
            term = _convert(param, value)
        except ValueError as exc:
            raise ParameterError(f"parameter '{param.name}' {exc}") from exc
        if param.in_text:
            bindings[Variable(param.variable)] = term
    return bindings


def as_of_day(query: NamedQuery, values: Mapping[str, str] | None = None) -> dt.date | None:
    """The ``asof`` day given in ``values`` (or by the header's default), checked; else None."""
    given = {p.name: v for k, v in (values or {}).items() if (p := query.param(k)) is not None}
    param = query.param(ASOF)
    text = given.get(ASOF, param.default if param is not None else None)
    if param is None or text is None:
        return None
    try:
        return dt.date.fromisoformat(str(_convert(param, text)))
    except ValueError as exc:
        raise ParameterError(f"parameter '{ASOF}' {exc}") from exc


def _day(term: Node | None) -> dt.date | None:
    """A dcterms:issued value as a date (xsd:date, xsd:dateTime or text starting YYYY-MM-DD)."""
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", str(term or ""))
    try:
        return dt.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


def _graph_names(target: Store | Dataset | RemoteStore) -> list[URIRef]:
    if isinstance(target, Dataset):
        inner = ox_store_of(target)
        if inner is not None:
            return sorted(
                URIRef(g.value) for g in inner.named_graphs() if isinstance(g, ox.NamedNode)
            )
        return sorted(
            {g.identifier for g in target.graphs() if isinstance(g.identifier, URIRef)}
            - {DATASET_DEFAULT_GRAPH_ID}
        )
    return target.graph_names()


def visible_graphs(target: Store | Dataset | RemoteStore, day: dt.date) -> list[URIRef]:
    """The named graphs of ``target`` that make up what the graph knew on ``day``.

    A document's graphs (its ``sgg:{doc}/source``, and every graph that is ``sg:aboutDocument``
    it or is named ``sgg:{doc}/...`` beside that source graph: curated, extracted) are visible
    when the document's ``dcterms:issued`` (in its source graph) is on or before ``day``; a
    document without a readable issue date is never visible, since nothing shows it was known.
    Graphs that belong to no document (ontology, reference, and the outlets graph, which
    says only who the outlets are) are always visible, except ``sgg:inferred``, which is
    derived from all the others.
    """
    names = _graph_names(target)
    facts = _run(target, _DOCUMENT_FACTS, None)
    issued_in: dict[Node, dict[Node, dt.date | None]] = {}
    about: dict[Node, Node] = {}
    for g, s, p, o in facts.rows:
        if p == DCTERMS.issued and g is not None and s is not None:
            issued_in.setdefault(g, {})[s] = _day(o)
        elif p == SG.aboutDocument and g is not None and s == g and o is not None:
            about[g] = o
    sources = {g: docs for g, docs in issued_in.items() if _is_source_graph(g)}
    document_day: dict[Node, dt.date | None] = {}
    for docs in sources.values():
        for doc, day_issued in docs.items():
            document_day[doc] = day_issued

    def issued(graph: URIRef) -> tuple[bool, dt.date | None]:
        """(whether the graph is a document's, that document's issue date)."""
        if graph in sources:
            days = list(sources[graph].values())
            return True, None if None in days else max(days)  # type: ignore[type-var]
        if graph in about:
            doc = about[graph]
            if doc in document_day:
                return True, document_day[doc]
            stated = [d for docs in issued_in.values() for s, d in docs.items() if s == doc]
            return True, stated[0] if len(set(stated)) == 1 else None
        text = str(graph)
        if text.startswith(str(SGG)) and "/" in text[len(str(SGG)) :]:
            source = URIRef(text.rsplit("/", 1)[0] + "/source")
            if source in sources:
                return issued(source)
        return False, None

    visible = []
    for graph in names:
        if graph == _INFERRED:
            continue
        is_document, when = issued(graph)
        if not is_document or (when is not None and when <= day):
            visible.append(graph)
    return visible


def _is_source_graph(graph: Node) -> bool:
    text = str(graph)
    return isinstance(graph, URIRef) and text.startswith(str(SGG)) and text.endswith("/source")


def _run(
    target: Store | Dataset | RemoteStore, sparql: str, graphs: list[URIRef] | None
) -> QueryResult:
    """Run SPARQL text on any target, on the union of every graph or on ``graphs`` only."""
    if isinstance(target, Dataset):
        return execute_dataset(target, sparql, graphs)
    if isinstance(target, RemoteStore):
        return target.query(sparql, graphs=graphs)
    if graphs is None or not target.exists():
        return target.query(sparql)
    return execute_oxigraph(target.oxigraph, sparql, graphs)


def run_query(
    target: Store | Dataset | RemoteStore,
    query: NamedQuery | str,
    params: Mapping[str, str] | None = None,
) -> QueryResult:
    """Bind ``params`` into ``query`` (a NamedQuery or SPARQL text) and run it on ``target``.

    With ``asof``, the query runs on :func:`visible_graphs` only (its default graph and its
    named graphs), on every engine: Oxigraph, rdflib and a remote SPARQL endpoint.
    """
    named = (
        query
        if isinstance(query, NamedQuery)
        else parse_query(query, "<query>", require_summary=False)
    )
    sparql = inject_values(named.text, bind_parameters(named, params))
    day = as_of_day(named, params)
    return _run(target, sparql, None if day is None else visible_graphs(target, day))
