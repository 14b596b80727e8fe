"""The Starlette application: the SPARQL endpoint, the named-query API and the web pages.

Routes:

* ``GET|POST /sparql`` — SPARQL 1.1 Protocol (query; update when enabled); ``GET /sparql``
  without a query answers the service description (Turtle, N-Triples or JSON-LD);
* ``GET /api/queries`` — the named queries with their parameters (JSON);
* ``GET /api/queries/{name}?PARAM=VALUE...`` — run a named query (content negotiation as
  for /sparql);
* ``GET /`` — the SPARQL editor; ``GET /resource?iri=...`` — a resource page;
  ``GET /view/{name}`` — a network view drawn with Cytoscape.js; ``/static/...`` assets;
* ``GET /health``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from strikegraph.serve import pages
from strikegraph.serve.limits import (
    Limits,
    PoolBusy,
    QueryTimeout,
    WorkerCrashed,
    WorkerPool,
    nesting_depth,
)
from strikegraph.serve.protocol import (
    ProtocolError,
    negotiate,
    parse_request,
    service_iris,
    wants_html,
)
from strikegraph.serve.tasks import TaskError
from strikegraph.sparqltext import one_line, query_form

__all__ = ["ServeConfig", "UPDATE_TOKEN_ENV", "create_app"]

UPDATE_TOKEN_ENV = "STRIKEGRAPH_UPDATE_TOKEN"
STATIC = Path(__file__).resolve().parent / "static"
EXPOSED = ["X-Strikegraph-Truncated", "X-Strikegraph-Row-Limit", "X-Strikegraph-Rows", "Warning"]
VIEW_TIMEOUT = 60.0  # building a view is a whole-graph analysis, not a user query
log = logging.getLogger("strikegraph.serve")


@dataclass
class ServeConfig:
    """Everything the app needs; ``store`` is a store directory or a SPARQL endpoint URL."""

    store: str
    limits: Limits = field(default_factory=Limits)
    enable_update: bool = False
    update_token: str | None = None
    data_dir: str | None = None
    cors_origins: tuple[str, ...] = ("*",)
    public_url: str | None = None  # for the service description; default: the request URL


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(f"{message}\n", status_code=status, headers=headers)


class Endpoint:
    """State shared by the handlers: the config, the worker pool, the named queries."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.pool = WorkerPool(
            config.store, config.limits.workers, max_memory_mb=config.limits.max_memory_mb
        )
        self._writer: Any = None
        self._update_lock = asyncio.Lock()
        self._views: dict[str, str] = {}

    # -- life cycle --------------------------------------------------------------------------

    async def start(self) -> None:
        await self.pool.start()

    async def stop(self) -> None:
        await self.pool.close()
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()

    # -- helpers -----------------------------------------------------------------------------

    async def _task(self, kind: str, payload: dict[str, Any], timeout: float | None = None) -> Any:
        payload.setdefault("max_rows", self.config.limits.max_rows)
        if self.config.data_dir:
            payload.setdefault("data_dir", self.config.data_dir)
        return await self.pool.run(
            kind,
            payload,
            timeout=timeout if timeout is not None else self.config.limits.timeout,
            wait=self.config.limits.wait,
        )

    async def view_html(self, name: str) -> str:
        """A drawn view; built once (views are whole-graph analyses) until the data changes."""
        cached = self._views.get(name)
        if cached is None:
            timeout = max(self.config.limits.timeout, VIEW_TIMEOUT)
            cached = self._views[name] = await self._task("view", {"name": name}, timeout)
        return cached

    def _result_response(self, result: dict[str, Any], method: str = "GET") -> Response:
        headers = {"X-Strikegraph-Rows": str(result["count"]), "Vary": "Accept"}
        if result["truncated"]:
            limit = self.config.limits.max_rows
            headers["X-Strikegraph-Truncated"] = "true"
            headers["X-Strikegraph-Row-Limit"] = str(limit)
            headers["Warning"] = (
                f'199 strikegraph "result truncated to the first {limit} '
                f'{"rows" if result["kind"] in ("SELECT", "ASK") else "triples"}"'
            )
        body = b"" if method == "HEAD" else result["body"]
        return Response(body, media_type=result["content_type"], headers=headers)

    def _check_service(self, sparql: str) -> None:
        endpoints = service_iris(sparql)
        if not endpoints:
            return
        limits = self.config.limits
        if not limits.allow_service:
            raise ProtocolError(
                400,
                "SERVICE (federated query) is not allowed on this endpoint "
                "(start the server with --allow-service URL to allow an endpoint)",
            )
        for endpoint in endpoints:
            if endpoint is None:
                raise ProtocolError(400, "SERVICE with a variable endpoint is not allowed")
            if endpoint not in limits.service_allowlist:
                raise ProtocolError(400, f"SERVICE <{endpoint}> is not in the allowed list")

    def _check_load(self, sparql: str) -> None:
        """LOAD <url> would make the store fetch the URL: refused like SERVICE, by default."""
        from strikegraph.netguard import mentions_keyword

        if mentions_keyword(sparql, "LOAD") and not self.config.limits.allow_service:
            raise ProtocolError(400, "LOAD is not allowed on this endpoint (no network access)")

    def _check_size(self, text: str) -> None:
        if len(text.encode("utf-8")) > self.config.limits.max_query_bytes:
            raise ProtocolError(
                413, f"the request is larger than {self.config.limits.max_query_bytes} bytes"
            )

    def _check_depth(self, text: str) -> None:
        """Refuse deep nesting before any parser sees it (Oxigraph's would overflow its stack)."""
        limit = self.config.limits.max_depth
        if nesting_depth(text) > limit:
            raise ProtocolError(400, f"the query nests deeper than {limit} levels")

    def token_is_valid(self, request: Request) -> bool:
        """Whether the request carries the update token (decides how large a body may be)."""
        token = self.config.update_token
        if not self.config.enable_update or token is None:
            return False
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )

    async def run_query(
        self,
        sparql: str,
        accept: str | None,
        fmt: str | None,
        default_graphs: list[str],
        named_graphs: list[str],
        method: str = "GET",
    ) -> Response:
        self._check_size(sparql)
        self._check_depth(sparql)
        try:
            form = query_form(sparql)
        except Exception as exc:  # QueryError
            raise ProtocolError(400, f"malformed query: {one_line(exc)}") from exc
        kind = "select" if form in ("SELECT", "ASK") else "graph"
        chosen = negotiate(accept, kind, fmt)
        self._check_service(sparql)
        payload: dict[str, Any] = {
            "query": sparql,
            "default_graphs": default_graphs,
            "named_graphs": named_graphs,
            ("select_format" if kind == "select" else "graph_format"): chosen,
        }
        result = await self._task("sparql", payload)
        return self._result_response(result, method)

    # -- update ------------------------------------------------------------------------------

    def _authorise(self, request: Request) -> None:
        if not self.config.enable_update:
            raise ProtocolError(403, "SPARQL Update is disabled on this endpoint (read-only)")
        token = self.config.update_token
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if not header or scheme.lower() != "bearer" or not given.strip():
            raise ProtocolError(
                401,
                "SPARQL Update needs 'Authorization: Bearer <token>'",
                {"WWW-Authenticate": 'Bearer realm="strikegraph"'},
            )
        if token is None or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise ProtocolError(403, "the update token is not valid")

    def _writer_store(self) -> Any:
        if self._writer is None:
            from strikegraph.store import open_store

            self._writer = open_store(self.config.store)
        return self._writer

    def _apply_update(self, sparql: str) -> None:
        from strikegraph.remote import RemoteStore

        store = self._writer_store()
        if isinstance(store, RemoteStore):
            store.update(sparql)
            return
        from strikegraph.namespaces import PREFIXES

        inner = store.oxigraph
        try:
            inner.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise ProtocolError(400, f"malformed update: {one_line(exc)}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise ProtocolError(400, f"update failed: {one_line(exc)}") from exc
        inner.flush()

    async def run_update(self, request: Request, sparql: str) -> Response:
        self._authorise(request)
        self._check_depth(sparql)
        self._check_service(sparql)
        self._check_load(sparql)
        loop = asyncio.get_running_loop()
        async with self._update_lock:
            await loop.run_in_executor(None, self._apply_update, sparql)
            await self.pool.restart()  # workers read a snapshot: give them the new data
            self._views.clear()
        return Response(status_code=204)


# -- handlers --------------------------------------------------------------------------------


def _endpoint(request: Request) -> Endpoint:
    endpoint: Endpoint = request.app.state.endpoint
    return endpoint


async def _guard(coro: Any) -> Response:
    try:
        return await coro  # type: ignore[no-any-return]
    except ProtocolError as exc:
        return _error(exc.status, exc.message, exc.headers)
    except TaskError as exc:
        return _error(exc.status, exc.message)
    except QueryTimeout as exc:
        return _error(503, str(exc), {"Retry-After": "1"})
    except WorkerCrashed as exc:
        return _error(503, str(exc), {"Retry-After": "1"})
    except PoolBusy as exc:
        return _error(503, str(exc), {"Retry-After": "5"})


async def _read_body(request: Request, cap: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``cap`` bytes.

    A declared Content-Length over the cap is refused before a byte of the body is read;
    a chunked body is read only up to the cap. Nothing large is ever buffered.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ProtocolError(400, "the Content-Length header is not a number") from None
        if size > cap:
            raise ProtocolError(413, f"the request is larger than {cap} bytes")
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > cap:
            raise ProtocolError(413, f"the request is larger than {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def sparql_endpoint(request: Request) -> Response:
    async def handle() -> Response:
        endpoint = _endpoint(request)
        limits = endpoint.config.limits
        # only a client holding the update token may send an update-sized body
        cap = (
            max(limits.max_query_bytes, limits.max_update_bytes)
            if endpoint.token_is_valid(request)
            else limits.max_query_bytes
        )
        body = await _read_body(request, cap) if request.method == "POST" else b""
        parsed = parse_request(
            request.method, request.url.query, request.headers.get("content-type"), body
        )
        accept = request.headers.get("accept")
        if parsed.update is not None:
            return await endpoint.run_update(request, parsed.update)
        if parsed.query is None:
            if request.method == "POST":
                raise ProtocolError(400, "no 'query' or 'update' in the request")
            if wants_html(accept) and not parsed.format:
                return RedirectResponse("/", status_code=303)
            return pages.service_description(request, endpoint.config, accept, parsed.format)
        if not parsed.query.strip():
            raise ProtocolError(400, "the query is empty")
        return await endpoint.run_query(
            parsed.query,
            accept,
            parsed.format,
            parsed.default_graphs,
            parsed.named_graphs,
            request.method,
        )

    return await _guard(handle())


async def list_named(request: Request) -> Response:
    from strikegraph.queries import list_queries

    endpoint = _endpoint(request)
    try:
        queries = list_queries(endpoint.config.data_dir)
    except Exception as exc:
        return _error(500, f"cannot read the named queries: {one_line(exc)}")
    return JSONResponse([pages.query_info(q) for q in queries])


async def run_named(request: Request) -> Response:
    async def handle() -> Response:
        from strikegraph.queries import get_query

        endpoint = _endpoint(request)
        name = request.path_params["name"]
        params = {k: v for k, v in request.query_params.multi_items() if k != "format"}
        fmt = request.query_params.get("format")
        try:
            query = get_query(name, endpoint.config.data_dir)
        except Exception as exc:
            raise ProtocolError(404, one_line(exc)) from exc
        if "/" in name or name.endswith(".rq"):
            raise ProtocolError(404, f"unknown query '{name}'")
        kind = "select" if query.form in ("SELECT", "ASK") else "graph"
        chosen = negotiate(request.headers.get("accept"), kind, fmt)
        payload: dict[str, Any] = {
            "name": name,
            "params": params,
            ("select_format" if kind == "select" else "graph_format"): chosen,
        }
        result = await endpoint._task("named", payload)
        return endpoint._result_response(result, request.method)

    return await _guard(handle())


async def index(request: Request) -> Response:
    from strikegraph.queries import list_queries

    endpoint = _endpoint(request)
    try:
        queries = list_queries(endpoint.config.data_dir)
    except Exception:
        queries = []
    return HTMLResponse(pages.index_page(queries, endpoint.config))


async def resource(request: Request) -> Response:
    async def handle() -> Response:
        endpoint = _endpoint(request)
        iri = request.query_params.get("iri", "").strip()
        if not iri:
            raise ProtocolError(400, "give the resource as ?iri=...")
        if iri.startswith("<") and iri.endswith(">"):
            iri = iri[1:-1]
        if ":" not in iri:
            raise ProtocolError(400, f"not an absolute IRI: {iri!r}")
        from strikegraph.namespaces import expand_curie

        expanded = expand_curie(iri)
        if expanded is not None and "://" not in iri:
            iri = str(expanded)
        data = await endpoint._task("resource", {"iri": iri})
        if "application/json" in (request.headers.get("accept") or ""):
            return JSONResponse(data)
        return HTMLResponse(pages.resource_page(data))

    return await _guard(handle())


async def view(request: Request) -> Response:
    async def handle() -> Response:
        endpoint = _endpoint(request)
        name = request.path_params["name"]
        try:
            from strikegraph.views import VIEWS
        except ImportError:
            return HTMLResponse(pages.message_page("Views", "The network views are not installed."))
        if name not in VIEWS:
            raise ProtocolError(404, f"unknown view '{name}' (use {', '.join(VIEWS)})")
        page = await endpoint.view_html(name)
        return HTMLResponse(pages.with_nav(page))

    return await _guard(handle())


async def health(request: Request) -> Response:
    endpoint = _endpoint(request)
    return JSONResponse(
        {
            "status": "ok",
            "workers": endpoint.pool.size,
            "killed": endpoint.pool.killed,
            "pid": os.getpid(),  # lets a launcher tell its own server from another on the port
        }
    )


def create_app(config: ServeConfig) -> Starlette:
    """The ASGI app (workers start with the app's lifespan)."""
    endpoint = Endpoint(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await endpoint.start()
        try:
            yield
        finally:
            await endpoint.stop()

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST", "HEAD"]),
        Route("/api/queries", list_named, methods=["GET"]),
        Route("/api/queries/{name}", run_named, methods=["GET"]),
        Route("/resource", resource, methods=["GET"]),
        Route("/view/{name}", view, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            expose_headers=EXPOSED,
            max_age=600,
        )
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.endpoint = endpoint
    return app


def config_from_env(store: str, **kwargs: Any) -> ServeConfig:
    """A ServeConfig whose update token defaults to ``$STRIKEGRAPH_UPDATE_TOKEN``."""
    token = kwargs.pop("update_token", None) or os.environ.get(UPDATE_TOKEN_ENV)
    return ServeConfig(store=store, update_token=token, **kwargs)
