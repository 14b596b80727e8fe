"""The materialised result of a SPARQL query, independent of the engine that produced it."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.term import Node

__all__ = ["QueryResult"]


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
