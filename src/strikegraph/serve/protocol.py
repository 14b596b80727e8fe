"""SPARQL 1.1 Protocol: read a request into an operation, negotiate the result format.

* query via GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) or POST
  ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` as parameters;
* update via POST form (``update=``) or POST ``application/sparql-update``;
* formats by ``Accept`` (with q-values) or, as a convenience, ``format=`` (json, xml, csv, tsv,
  turtle, ntriples, jsonld);
* SERVICE is found by parsing the query (rdflib's SPARQL grammar), not by a regex.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from strikegraph.netguard import mentions_keyword

__all__ = [
    "ProtocolError",
    "SparqlRequest",
    "negotiate",
    "parse_accept",
    "service_iris",
]

SELECT_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
}
FORMAT_ALIASES = {
    "json": ("json", "jsonld"),
    "srj": ("json", None),
    "xml": ("xml", None),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
}


class ProtocolError(Exception):
    """A request the protocol does not allow: carries the HTTP status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class SparqlRequest:
    """What the client asked for."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    using_graphs: list[str] = field(default_factory=list)
    format: str | None = None  # the format= convenience parameter


def _graph_iri(key: str, value: str) -> str:
    """A graph IRI parameter, checked here so that a bad one is a 400, not a worker's 500."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ProtocolError(400, f"{key} is not a valid IRI: {value!r}") from exc
    return value


def _collect(pairs: list[tuple[str, str]], request: SparqlRequest) -> None:
    for key, value in pairs:
        if key == "query":
            if request.query is not None:
                raise ProtocolError(400, "the 'query' parameter is given more than once")
            request.query = value
        elif key == "update":
            if request.update is not None:
                raise ProtocolError(400, "the 'update' parameter is given more than once")
            request.update = value
        elif key == "default-graph-uri":
            request.default_graphs.append(_graph_iri(key, value))
        elif key == "named-graph-uri":
            request.named_graphs.append(_graph_iri(key, value))
        elif key in ("using-graph-uri", "using-named-graph-uri"):
            request.using_graphs.append(_graph_iri(key, value))
        elif key == "format":
            request.format = value


def parse_request(
    method: str, query_string: str, content_type: str | None, body: bytes
) -> SparqlRequest:
    """Read a /sparql request (raises ProtocolError with the right 4xx)."""
    request = SparqlRequest()
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=False)
    except ValueError as exc:
        raise ProtocolError(400, f"unreadable query string: {exc}") from exc
    media = (content_type or "").split(";")[0].strip().lower()
    if method in ("GET", "HEAD"):
        _collect(pairs, request)
        if request.update is not None:
            raise ProtocolError(400, "SPARQL Update must be sent by POST")
        return request
    if method != "POST":
        raise ProtocolError(405, f"method {method} is not allowed", {"Allow": "GET, POST"})
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, "the request body is not UTF-8") from exc
    if media == "application/x-www-form-urlencoded":
        form = parse_qsl(text, keep_blank_values=True)
        _collect(form, request)
        # the protocol puts everything in the body; format= may still ride on the URL
        for key, value in pairs:
            if key == "format":
                request.format = value
        if request.query is not None and request.update is not None:
            raise ProtocolError(400, "a request carries either 'query' or 'update', not both")
    elif media == "application/sparql-query":
        _collect([(k, v) for k, v in pairs if k != "query"], request)
        request.query = text
    elif media == "application/sparql-update":
        _collect([(k, v) for k, v in pairs if k not in ("query", "update")], request)
        request.update = text
    elif not media:
        raise ProtocolError(
            415,
            "POST needs a Content-Type: application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update",
        )
    else:
        raise ProtocolError(
            415,
            f"unsupported Content-Type {media!r} (use application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update)",
        )
    return request


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first (stable for equal q)."""
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, max(0.0, min(1.0, q)), index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges if q > 0]


def negotiate(accept: str | None, kind: str, fmt: str | None = None) -> str:
    """The format key for a result of ``kind`` ("select" for SELECT/ASK, "graph" otherwise).

    ``fmt`` (the ``format=`` parameter) wins when it fits the query form. Raises
    ProtocolError(406) when nothing in Accept can be produced.
    """
    table = SELECT_MEDIA if kind == "select" else GRAPH_MEDIA
    default = "json" if kind == "select" else "turtle"
    if fmt:
        alias = FORMAT_ALIASES.get(fmt.lower())
        if alias is None:
            raise ProtocolError(400, f"unknown format {fmt!r} (use {', '.join(FORMAT_ALIASES)})")
        chosen = alias[0] if kind == "select" else alias[1]
        if chosen is None:
            raise ProtocolError(
                406,
                f"format {fmt!r} does not fit a {'SELECT/ASK' if kind == 'select' else 'graph'} "
                "result",
            )
        return chosen
    for media, _q in parse_accept(accept):
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            if media == "text/*":
                return "csv" if kind == "select" else "turtle"
            return default
    offered = ", ".join(sorted(set(table)))
    raise ProtocolError(406, f"cannot produce any of the accepted types (offered: {offered})")


def wants_html(accept: str | None) -> bool:
    """Whether a browser asks for a page (text/html ranked above the RDF types)."""
    for media, _q in parse_accept(accept):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in SELECT_MEDIA or media in GRAPH_MEDIA or media == "*/*":
            return False
    return False


def mentions_service(sparql: str) -> bool:
    """Whether the SERVICE keyword occurs as a token (outside strings, IRIs and comments).

    Conservative (see :func:`strikegraph.netguard.mentions_keyword`): ``1SERVICE``,
    ``]SERVICE`` and ``\\u0053ERVICE`` count, because Oxigraph or rdflib read them as SERVICE.
    """
    return mentions_keyword(sparql, "SERVICE")


def service_iris(sparql: str) -> list[str | None]:
    """The endpoint of every SERVICE clause (``None`` for ``SERVICE ?var``).

    The query is parsed with rdflib's SPARQL grammar and the parse tree walked, so strings,
    comments and IRIs that contain the word "SERVICE" are not mistaken for the keyword.
    Raises ProtocolError(400) when the query mentions SERVICE but cannot be parsed.
    """
    if not mentions_service(sparql):
        return []
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    from strikegraph.namespaces import PREFIXES

    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    try:
        tree = parseQuery(prologue + sparql)
    except ParseException as exc:
        raise ProtocolError(400, f"malformed query: {' '.join(str(exc).split())}") from exc
    prefixes = dict(PREFIXES)
    found: list[str | None] = []

    def resolve(term: object) -> str | None:
        if isinstance(term, URIRef):
            return str(term)
        if isinstance(term, Variable):
            return None
        if isinstance(term, CompValue) and term.name == "pname":
            base = prefixes.get(term.get("prefix") or "", "")
            return base + (term.get("localname") or "")
        return None

    def walk(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "PrefixDecl":
                prefixes[node.get("prefix") or ""] = str(node.get("iri"))
            if node.name == "ServiceGraphPattern":
                found.append(resolve(node.get("term")))
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
        elif hasattr(node, "asList") and not isinstance(node, str):
            for item in node:  # type: ignore[attr-defined]
                walk(item)

    walk(tree)
    return found
