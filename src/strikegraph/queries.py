"""grlc-style named queries: ``queries/NAME.rq``, a ``#+`` YAML header, ``?_param`` variables.

A variable ``?_NAME[_TYPE]`` is a required parameter, ``?__NAME[_TYPE]`` an optional one;
TYPE is ``iri``, ``date``, ``integer`` or ``literal`` (the default). Values are bound by a
VALUES block at the start of the WHERE group, so FILTERs see them on every engine.
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

import yaml
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node, Variable

from strikegraph.engine import execute_dataset
from strikegraph.errors import ParameterError, QueryError
from strikegraph.namespaces import PREFIXES, SGID, expand_curie
from strikegraph.resources import data_dir
from strikegraph.results import QueryResult
from strikegraph.sparqltext import inject_values, query_form, variables
from strikegraph.store import Store

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "QueryParam",
    "bind_parameters",
    "get_query",
    "list_queries",
    "parse_iri",
    "parse_query",
    "run_query",
]

PARAM_TYPES = ("iri", "date", "integer", "literal")
_PARAM_VARIABLE = re.compile(r"^(__?)([A-Za-z0-9][A-Za-z0-9_]*?)(?:_(iri|date|integer|literal))?$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SHORTHAND = re.compile(r"^[a-z][a-z0-9-]*/[^\s/][^\s]*$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class QueryParam:
    """One parameter: its user-facing name, SPARQL variable, type and documentation."""

    name: str
    variable: str
    type: str
    required: bool
    default: str | None = None
    description: str | None = None


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
            bindings[Variable(param.variable)] = _convert(param, value)
        except ValueError as exc:
            raise ParameterError(f"parameter '{param.name}' {exc}") from exc
    return bindings


def run_query(
    target: Store | Dataset,
    query: NamedQuery | str,
    params: Mapping[str, str] | None = None,
) -> QueryResult:
    """Bind ``params`` into ``query`` (a NamedQuery or SPARQL text) and run it on ``target``."""
    named = (
        query
        if isinstance(query, NamedQuery)
        else parse_query(query, "<query>", require_summary=False)
    )
    sparql = inject_values(named.text, bind_parameters(named, params))
    if isinstance(target, Dataset):
        return execute_dataset(target, sparql)
    return target.query(sparql)  # a Store, or a RemoteStore (same interface)
