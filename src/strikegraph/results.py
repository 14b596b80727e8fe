"""The materialised result of a SPARQL query, independent of the engine that produced it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = ["QueryResult", "order_key", "sort_rows"]

_NUMERIC_TYPES = (
    "integer decimal float double int long short byte nonNegativeInteger positiveInteger "
    "nonPositiveInteger negativeInteger unsignedInt unsignedLong unsignedShort unsignedByte"
)
_NUMERIC = {str(XSD[name]) for name in _NUMERIC_TYPES.split()}  # noqa: SIM905


def order_key(term: Node | None) -> tuple[Any, ...]:
    """A sort key that orders terms as SPARQL's ORDER BY does (SPARQL 1.1, section 15.1):
    unbound, then blank nodes, then IRIs, then literals; numbers by value, other literals by
    their text (ISO dates and times sort by their text as by their value)."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal):
        if term.datatype is not None and str(term.datatype) in _NUMERIC:
            try:
                number = Decimal(str(term).strip())
            except InvalidOperation:
                number = None
            if number is not None and not number.is_nan():
                return (3, 0, number, str(term))
        return (3, 1, str(term), term.language or "", str(term.datatype or ""))
    return (4, str(term))


def sort_rows(
    variables: Sequence[str], rows: list[tuple[Node | None, ...]], order: Sequence[str]
) -> list[tuple[Node | None, ...]]:
    """``rows`` ordered by the variables ``order``, then by every other column (a total order,
    so that the result does not depend on the engine)."""
    position = {name: index for index, name in enumerate(variables)}
    columns = [position[name] for name in order if name in position]
    columns += [index for index in range(len(variables)) if index not in columns]
    keys: dict[Node | None, tuple[Any, ...]] = {}  # terms repeat across rows: key each once

    def key_of(term: Node | None) -> tuple[Any, ...]:
        found = keys.get(term)
        if found is None:
            found = keys[term] = order_key(term)
        return found

    return sorted(rows, key=lambda row: tuple(key_of(row[index]) for index in columns))


@dataclass
class QueryResult:
    """SELECT rows, an ASK boolean or a CONSTRUCT/DESCRIBE graph (plain literals, no xsd:string)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __len__(self) -> int:
        if self.kind == "SELECT":
            return len(self.rows)
        if self.graph is not None:
            return len(self.graph)
        return 1

    def as_dicts(self) -> list[dict[str, Node]]:
        """SELECT rows as ``{variable: term}`` dicts without the unbound variables."""
        return [
            {
                name: value
                for name, value in zip(self.variables, row, strict=True)
                if value is not None
            }
            for row in self.rows
        ]
