"""A remote SPARQL 1.1 store (Query + Update + optionally Graph Store HTTP protocols).

:class:`RemoteStore` has the same interface as :class:`strikegraph.store.Store` (``query``,
``graph_names``, ``triple_count``, ``graph_triple_counts``, ``quads``, ``dataset``,
``replace_all``, ``replace_graphs``, ``dump_nquads``, ``exists``, ``close``), so every
command can run on Virtuoso, Fuseki, GraphDB or any other SPARQL 1.1 server.

Choosing the store (see :func:`store_spec` and :func:`strikegraph.store.open_store`):

Credentials never go in the file: Basic auth from ``$STRIKEGRAPH_STORE_USER`` /
``$STRIKEGRAPH_STORE_PASSWORD`` and a Bearer token from ``$STRIKEGRAPH_STORE_TOKEN`` (or the
variables the file names).

* ``--store http://host:port/sparql`` or ``sparql+http://host:port/sparql`` (``sparql+https``
  too): query and update at that URL, no Graph Store endpoint;
* ``$STRIKEGRAPH_STORE`` holding such a URL;
* a ``strikegraph.toml`` (``$STRIKEGRAPH_CONFIG``, else ``./strikegraph.toml``)::

      [store]
      query = "http://127.0.0.1:18890/sparql"
      update = "http://127.0.0.1:18890/sparql"           # default: query
      gsp = "http://127.0.0.1:18890/sparql-graph-crud"   # optional
      user_env = "STRIKEGRAPH_STORE_USER"                # names of env vars, never secrets
      password_env = "STRIKEGRAPH_STORE_PASSWORD"
      token_env = "STRIKEGRAPH_STORE_TOKEN"                # Bearer token, if the server wants one
      timeout = 120
      graph_prefix = "https://w3id.org/strikegraph/"
      dataset = "explicit"                               # or "union" (see RemoteConfig)

Portable by construction, and tested against Virtuoso 7.2 (scripts/virtuoso/NOTES.md):

* queries go as URL-encoded POST (Virtuoso hangs on ``application/sparql-query`` bodies and
  cuts long GET lines) and ask for SPARQL JSON results;
* the dataset is explicit: ``default-graph-uri`` and ``named-graph-uri`` list the project's
  graphs (the IRIs under ``graph_prefix``), which gives the embedded store's union default
  graph without the server's own system graphs;
* writes go into named graphs only; blank nodes are skolemized to
  ``https://w3id.org/strikegraph/.well-known/genid/...`` IRIs (Virtuoso refuses blank nodes in
  ``INSERT DATA``) and turned back into blank nodes when read; ``^^xsd:string`` is never
  written; ``INSERT DATA`` operations carry at most 4 000 triples; Graph Store ``PUT`` is used
  per graph when a GSP endpoint is configured and no literal exceeds 60 000 UTF-8 bytes;
* stored booleans that come back as ``"1"``/``"0"`` are canonicalised.

A remote replace is not atomic (there is no cross-request transaction in the protocols): it
writes every new graph first and drops the graphs that disappeared last.
"""

from __future__ import annotations

import base64
import json
import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node, Variable

from strikegraph.errors import QueryError, StoreError
from strikegraph.namespaces import PREFIXES, bind_namespaces
from strikegraph.rdfterms import Quad, dataset_from_quads, iter_quads, sparql_term
from strikegraph.results import QueryResult
from strikegraph.sparqltext import inject_values, one_line, query_form

if TYPE_CHECKING:
    import httpx


def _httpx() -> Any:
    """httpx, imported when a remote store is used: the CLI's local commands start faster."""
    import httpx

    return httpx


__all__ = [
    "CONFIG_ENV",
    "GENID",
    "RemoteConfig",
    "RemoteStore",
    "is_remote_spec",
    "load_config",
    "open_remote",
]

CONFIG_ENV = "STRIKEGRAPH_CONFIG"
GENID = "https://w3id.org/strikegraph/.well-known/genid/"
DEFAULT_GRAPH_PREFIX = "https://w3id.org/strikegraph/"
CHUNK = 4000
GSP_LITERAL_LIMIT = 60_000
_JSON = "application/sparql-results+json"
_NT = "application/n-triples"
_XSD_BOOLEAN = str(XSD.boolean)
_XSD_STRING = str(XSD.string)
_SCHEMES = ("http://", "https://", "sparql+http://", "sparql+https://")


@dataclass(frozen=True)
class RemoteConfig:
    """Where the remote store lives and how to talk to it."""

    query: str
    update: str | None = None
    gsp: str | None = None
    user: str | None = None
    password: str | None = None
    token: str | None = None  # sent as "Authorization: Bearer" (e.g. strikegraph serve)
    timeout: float = 120.0
    graph_prefix: str = DEFAULT_GRAPH_PREFIX
    # "explicit": send default-graph-uri/named-graph-uri listing the project's graphs (works on
    # Virtuoso and any server that honours the protocol's dataset parameters); "union": send
    # none and rely on the server's union default graph (Fuseki with tdb2:unionDefaultGraph,
    # GraphDB's default behaviour).
    dataset: str = "explicit"

    def describe(self) -> str:
        return self.query


def is_remote_spec(spec: object) -> bool:
    """Whether a --store value names a SPARQL endpoint rather than a directory."""
    if spec is None:
        return False
    text = str(spec)
    # pathlib collapses "http://h" into "http:/h": accept that form too
    return text.startswith(_SCHEMES) or text.startswith(("http:/", "https:/", "sparql+http"))


def _normalise_url(text: str) -> str:
    for scheme in ("sparql+http", "sparql+https", "https", "http"):
        for sep in ("://", ":/"):
            if text.startswith(scheme + sep):
                rest = text[len(scheme) + len(sep) :]
                return f"{scheme.removeprefix('sparql+')}://{rest}"
    return text


def load_config(path: str | os.PathLike[str] | None = None) -> RemoteConfig | None:
    """The ``[store]`` table of ``strikegraph.toml`` (``None`` if there is no such file/table)."""
    candidate = Path(path) if path is not None else None
    if candidate is None:
        env = os.environ.get(CONFIG_ENV)
        candidate = Path(env) if env else Path.cwd() / "strikegraph.toml"
    if not candidate.is_file():
        if path is not None or os.environ.get(CONFIG_ENV):
            raise StoreError(f"{candidate}: no such configuration file")
        return None
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(f"{candidate}: cannot read the configuration: {one_line(exc)}") from exc
    table = data.get("store")
    if not isinstance(table, dict) or not table.get("query"):
        return None
    user = os.environ.get(str(table.get("user_env", "STRIKEGRAPH_STORE_USER")))
    password = os.environ.get(str(table.get("password_env", "STRIKEGRAPH_STORE_PASSWORD")))
    token = os.environ.get(str(table.get("token_env", "STRIKEGRAPH_STORE_TOKEN")))
    return RemoteConfig(
        query=_normalise_url(str(table["query"])),
        update=_normalise_url(str(table["update"])) if table.get("update") else None,
        gsp=_normalise_url(str(table["gsp"])) if table.get("gsp") else None,
        user=user,
        password=password,
        token=token,
        timeout=float(table.get("timeout", 120)),
        graph_prefix=str(table.get("graph_prefix", DEFAULT_GRAPH_PREFIX)),
        dataset=_dataset_mode(table.get("dataset", "explicit"), candidate),
    )


def _dataset_mode(value: object, where: Path) -> str:
    if value not in ("explicit", "union"):
        raise StoreError(f'{where}: [store] dataset must be "explicit" or "union"')
    return str(value)


def open_remote(
    spec: str | os.PathLike[str] | RemoteConfig, *, read_only: bool = False
) -> RemoteStore:
    """A RemoteStore for a URL (``http(s)://``, ``sparql+http(s)://``) or a RemoteConfig.

    Credentials come from ``$STRIKEGRAPH_STORE_USER`` / ``$STRIKEGRAPH_STORE_PASSWORD``.
    """
    if isinstance(spec, RemoteConfig):
        return RemoteStore(spec, read_only=read_only)
    url = _normalise_url(str(spec))
    return RemoteStore(
        RemoteConfig(
            query=url,
            user=os.environ.get("STRIKEGRAPH_STORE_USER"),
            password=os.environ.get("STRIKEGRAPH_STORE_PASSWORD"),
            token=os.environ.get("STRIKEGRAPH_STORE_TOKEN"),
        ),
        read_only=read_only,
    )


# -- term conversion ---------------------------------------------------------------------------


def skolemize(term: Node) -> Node:
    """Blank node -> well-known genid IRI; xsd:string literal -> plain literal."""
    if isinstance(term, BNode):
        return URIRef(GENID + str(term))
    if (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype) == _XSD_STRING
    ):
        return Literal(str(term))
    if isinstance(term, Literal) and term.datatype == XSD.integer:
        try:
            if abs(int(str(term))) >= 2**63:  # Virtuoso corrupts integers beyond int64
                return Literal(str(term).strip(), datatype=XSD.decimal)
        except ValueError:
            pass
    return term


def _unskolem(term: Node) -> Node:
    if isinstance(term, URIRef) and str(term).startswith(GENID):
        return BNode(str(term)[len(GENID) :])
    return term


def _from_json(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return _unskolem(URIRef(text))
    if kind == "bnode":
        return BNode(text.replace("nodeID://", "virt-"))
    lang = value.get("xml:lang")
    if lang:
        return Literal(text, lang=lang)
    datatype = value.get("datatype")
    if datatype is None or datatype == _XSD_STRING:
        return Literal(text)
    if datatype == _XSD_BOOLEAN and text in ("1", "0"):
        text = "true" if text == "1" else "false"
    return Literal(text, datatype=URIRef(datatype), normalize=False)


def _declared_prefixes(sparql: str) -> set[str]:
    from strikegraph.sparqltext import tokens

    found: set[str] = set()
    toks = list(tokens(sparql))
    for index, token in enumerate(toks[:-1]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            found.add(toks[index + 1].text.rstrip(":"))
    return found


def _with_prefixes(sparql: str) -> str:
    declared = _declared_prefixes(sparql)
    missing = "".join(
        f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items() if name not in declared
    )
    return missing + sparql


class RemoteStore:
    """A SPARQL 1.1 server used like the embedded :class:`~strikegraph.store.Store`."""

    def __init__(self, config: RemoteConfig, *, read_only: bool = False) -> None:
        self.config = config
        self.read_only = read_only
        self.path: Path | None = None
        self.url = config.query
        auth = None
        if config.user is not None:
            auth = _httpx().BasicAuth(config.user, config.password or "")
        headers = {"Authorization": f"Bearer {config.token}"} if config.token else None
        self._client = _httpx().Client(
            timeout=config.timeout, auth=auth, headers=headers, follow_redirects=True
        )
        self._graphs: list[URIRef] | None = None
        self._dataset: Dataset | None = None
        self._closed = False

    # -- life cycle ------------------------------------------------------------------------------

    def close(self) -> None:
        if not self._closed:
            self._client.close()
            self._closed = True

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<RemoteStore {self.config.query} {'read-only' if self.read_only else 'read-write'}>"
        )

    def _check(self) -> None:
        if self._closed:
            raise StoreError("the store has been closed")

    # -- HTTP ------------------------------------------------------------------------------------

    def _post(self, url: str, data: Any, accept: str) -> httpx.Response:
        self._check()
        try:
            response = self._client.post(
                url,
                content=urlencode(data).encode("ascii"),
                headers={
                    "Accept": accept,
                    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                },
            )
        except _httpx().HTTPError as exc:
            raise StoreError(f"cannot reach {url}: {one_line(exc)}") from exc
        if response.status_code >= 400:
            message = response.content.decode("utf-8", "replace")  # Virtuoso: no charset
            kind = QueryError if response.status_code < 500 or "SP030" in message else StoreError
            raise kind(f"{url} answered {response.status_code}: {one_line(message)[:500]}")
        return response

    def _dataset_params(self, graphs: Sequence[URIRef]) -> list[tuple[str, str]]:
        params = [("default-graph-uri", str(g)) for g in graphs]
        params += [("named-graph-uri", str(g)) for g in graphs]
        return params

    def _raw_query(
        self,
        sparql: str,
        *,
        dataset: bool = True,
        accept: str | None = None,
        graphs: Sequence[URIRef] | None = None,
    ) -> httpx.Response:
        form = query_form(sparql)
        data: list[tuple[str, str]] = [("query", _with_prefixes(sparql))]
        if graphs is not None:  # a chosen dataset is always sent, in "union" mode too
            graphs = list(graphs) or [URIRef(GENID + "empty-dataset")]
            data += self._dataset_params(graphs)
        elif dataset and self.config.dataset == "explicit":
            graphs = self.graph_names()
            if not graphs:  # an empty dataset: query a graph that cannot exist
                graphs = [URIRef(GENID + "empty-dataset")]
            data += self._dataset_params(graphs)
        if accept is None:
            accept = _JSON if form in ("SELECT", "ASK") else f"{_NT}, text/plain;q=0.9"
        return self._post(self.config.query, data, accept)

    # -- reading ---------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        init_bindings: Mapping[str | Variable, Node] | None = None,
        *,
        graphs: Sequence[URIRef] | None = None,
    ) -> QueryResult:
        """Run a query over the union of the project's graphs (or of ``graphs`` only, sent as
        ``default-graph-uri``/``named-graph-uri``); results are materialised."""
        if init_bindings:
            sparql = inject_values(sparql, {Variable(k): v for k, v in init_bindings.items()})
        form = query_form(sparql)
        response = self._raw_query(sparql, graphs=graphs)
        if form in ("SELECT", "ASK"):
            try:
                document = json.loads(response.content.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise QueryError(f"unreadable SPARQL JSON results: {one_line(exc)}") from exc
            if "boolean" in document:
                return QueryResult("ASK", boolean=bool(document["boolean"]))
            names = list(document.get("head", {}).get("vars", []))
            rows = [
                tuple(_from_json(binding[name]) if name in binding else None for name in names)
                for binding in document.get("results", {}).get("bindings", [])
            ]
            return QueryResult("SELECT", variables=names, rows=rows)
        graph = Graph()
        bind_namespaces(graph)
        for s, p, o in self._parse_triples(response):
            graph.add((s, p, o))
        return QueryResult(form, graph=graph)

    def _parse_triples(self, response: httpx.Response) -> Iterator[tuple[Node, Node, Node]]:
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml"}.get(content_type, "nt")
        parsed = Graph()
        try:
            parsed.parse(data=response.content.decode("utf-8"), format=fmt)
        except Exception as exc:  # rdflib raises assorted types
            raise QueryError(f"unreadable RDF from the store: {one_line(exc)}") from exc
        for s, p, o in parsed:
            yield _unskolem(s), _unskolem(p), _plain(_unskolem(o))

    def exists(self) -> bool:
        self._check()
        return True

    def graph_names(self) -> list[URIRef]:
        """The project's named graphs (IRIs under ``graph_prefix``), sorted; cached."""
        if self._graphs is None:
            prefix = self.config.graph_prefix.replace("\\", "\\\\").replace('"', '\\"')
            sparql = (
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
            )
            response = self._raw_query(sparql, dataset=False)
            document = json.loads(response.content.decode("utf-8"))
            names = {
                URIRef(b["g"]["value"])
                for b in document["results"]["bindings"]
                if "g" in b and b["g"].get("type") == "uri"
            }
            self._graphs = sorted(names)
        return list(self._graphs)

    def graph_triple_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        graphs = self.graph_names()
        if not graphs:
            return counts
        values = " ".join(sparql_term(g) for g in graphs)
        result = self._select_no_dataset(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } }"
            " GROUP BY ?g"
        )
        for row in result:
            counts[row["g"]["value"]] = int(row["n"]["value"])
        return dict(sorted(counts.items()))

    def _select_no_dataset(self, sparql: str) -> list[dict[str, Any]]:
        response = self._raw_query(sparql, dataset=False)
        bindings: list[dict[str, Any]] = json.loads(response.content.decode("utf-8"))["results"][
            "bindings"
        ]
        return bindings

    def triple_count(self) -> int:
        return sum(self.graph_triple_counts().values())

    def graph_triples(self, name: URIRef) -> list[tuple[Node, Node, Node]]:
        """Every triple of one named graph (fetched by CONSTRUCT as N-Triples)."""
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {sparql_term(name)} {{ ?s ?p ?o }} }}"
        response = self._raw_query(sparql, dataset=False)
        return list(self._parse_triples(response))

    def quads(self) -> Iterator[Quad]:
        for name in self.graph_names():
            for s, p, o in self.graph_triples(name):
                yield s, p, o, name

    @property
    def dataset(self) -> Dataset:
        """A local, in-memory copy of the project's graphs (for validation and exports)."""
        if self._dataset is None:
            self._dataset = dataset_from_quads(self.quads())
            bind_namespaces(self._dataset)
        return self._dataset

    def dump_nquads(self) -> str:
        lines = sorted(
            f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)} {sparql_term(g)} ."  # type: ignore[arg-type]
            for s, p, o, g in self.quads()
        )
        return "".join(line + "\n" for line in lines)

    # -- writing ---------------------------------------------------------------------------------

    def _require_writable(self) -> None:
        self._check()
        if self.read_only:
            raise StoreError("the store was opened read-only")

    def _invalidate(self) -> None:
        self._graphs = None
        self._dataset = None

    def update(self, sparql: str) -> None:
        """Send one SPARQL Update request."""
        self._require_writable()
        url = self.config.update or self.config.query
        self._check()
        try:
            response = self._client.post(
                url,
                content=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except _httpx().HTTPError as exc:
            raise StoreError(f"cannot reach {url}: {one_line(exc)}") from exc
        if response.status_code >= 400:
            message = response.content.decode("utf-8", "replace")
            raise StoreError(f"update failed ({response.status_code}): {one_line(message)[:500]}")

    def _put_graph_gsp(self, name: URIRef, triples: list[tuple[Node, Node, Node]]) -> None:
        assert self.config.gsp is not None
        body = "".join(
            f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)} .\n" for s, p, o in triples
        ).encode("utf-8")
        try:
            response = self._client.put(
                self.config.gsp,
                params={"graph": str(name)},
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
        except _httpx().HTTPError as exc:
            raise StoreError(f"cannot reach {self.config.gsp}: {one_line(exc)}") from exc
        if response.status_code >= 400:
            message = response.content.decode("utf-8", "replace")
            raise StoreError(
                f"Graph Store PUT of {name} failed ({response.status_code}): "
                f"{one_line(message)[:500]}"
            )

    def _insert_graph(
        self, name: URIRef, triples: list[tuple[Node, Node, Node]], *, replace: bool = True
    ) -> None:
        """INSERT DATA the (skolemized) triples into the graph in chunks; with ``replace``,
        drop the graph first (in the same first request)."""
        iri = sparql_term(name)
        operations = [f"DROP SILENT GRAPH {iri}"] if replace else []
        for start in range(0, len(triples), CHUNK):
            chunk = triples[start : start + CHUNK]
            body = " .\n".join(
                f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)}" for s, p, o in chunk
            )
            operations.append(f"INSERT DATA {{ GRAPH {iri} {{\n{body} .\n}} }}")
        # a few operations per request: fewer round trips, still small requests
        for start in range(0, len(operations), 5):
            self.update(" ;\n".join(operations[start : start + 5]))

    def _add_to_graph(self, name: URIRef, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add triples to a shared graph, removing nothing from it."""
        rows = [(skolemize(s), skolemize(p), skolemize(o)) for s, p, o in triples]
        self._insert_graph(name, rows, replace=False)

    def _write_graph(self, name: URIRef, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        rows = [(skolemize(s), skolemize(p), skolemize(o)) for s, p, o in triples]
        if not rows:
            self.update(f"DROP SILENT GRAPH {sparql_term(name)}")
            return
        long_literal = any(
            isinstance(o, Literal) and len(str(o).encode("utf-8")) > GSP_LITERAL_LIMIT
            for _, _, o in rows
        )
        if self.config.gsp and not long_literal:
            self._put_graph_gsp(name, rows)
        else:
            self._insert_graph(name, rows)

    def replace_all(self, dataset: Dataset | Iterable[Quad]) -> int:
        """Replace the project's graphs with ``dataset``; returns the number of quads written.

        Default-graph quads are refused (Virtuoso has no writable default graph): load them
        into a named graph.
        """
        self._require_writable()
        quads = iter_quads(dataset) if isinstance(dataset, Dataset) else iter(dataset)
        per_graph: dict[URIRef, list[tuple[Node, Node, Node]]] = {}
        for s, p, o, g in quads:
            if g is None:
                raise StoreError("a remote store takes named graphs only (a quad has none)")
            per_graph.setdefault(URIRef(str(g)), []).append((s, p, o))
        old = set(self.graph_names())
        count = 0
        try:
            for name, triples in per_graph.items():
                self._write_graph(name, triples)
                count += len(triples)
            for name in sorted(old - set(per_graph)):
                self.update(f"DROP SILENT GRAPH {sparql_term(name)}")
        finally:
            self._invalidate()
        return count

    def replace_graphs(
        self,
        graphs: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]],
        additions: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]] | None = None,
    ) -> None:
        """Replace some named graphs (an empty iterable drops the graph) and add ``additions``
        to others without removing anything from them (shared graphs such as the outlets)."""
        self._require_writable()
        try:
            for name, triples in graphs.items():
                self._write_graph(URIRef(name), triples)
            for name, triples in (additions or {}).items():
                self._add_to_graph(URIRef(name), triples)
        finally:
            self._invalidate()

    def drop_all(self) -> None:
        """Drop every project graph (those under ``graph_prefix``)."""
        self._require_writable()
        try:
            for name in self.graph_names():
                self.update(f"DROP SILENT GRAPH {sparql_term(name)}")
        finally:
            self._invalidate()


def _plain(term: Node) -> Node:
    if (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype) == _XSD_STRING
    ):
        return Literal(str(term))
    if (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype) == _XSD_BOOLEAN
        and str(term) in ("1", "0")
    ):
        return Literal("true" if str(term) == "1" else "false", datatype=XSD.boolean)
    return term


def basic_auth_header(user: str, password: str) -> str:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
