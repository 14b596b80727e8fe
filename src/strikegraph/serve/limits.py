"""Query limits and the worker pool that enforces them.

pyoxigraph has no query timeout and cannot be interrupted from Python, so every query runs
in a worker *process*: on timeout the worker is killed (SIGKILL, which really stops the
Rust code) and replaced. Workers open the store read-only, run the query, stream at most
``max_rows`` solutions (``max_rows + 1`` are read to know whether the result was
truncated) and serialise the answer themselves, so the server process only moves bytes.

Hostile queries are bounded on every axis: time (the worker is killed), memory (each
worker runs under ``RLIMIT_DATA``, so a query that builds a gigantic string dies alone
instead of starving the machine), nesting (checked before any parser sees the text:
Oxigraph's recursive parser overflows its stack, and rdflib's raises RecursionError),
size (bodies are refused before they are read) and waiting (a request that finds every
worker busy for longer than the query timeout gets 503 rather than queueing forever).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import os
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

__all__ = [
    "Limits",
    "PoolBusy",
    "QueryTimeout",
    "WorkerCrashed",
    "WorkerPool",
    "nesting_depth",
]


@dataclass(frozen=True)
class Limits:
    """Per-query limits of the endpoint."""

    timeout: float = 10.0  # seconds of query execution (and serialisation)
    max_rows: int = 10_000  # solutions (SELECT) or triples (CONSTRUCT/DESCRIBE)
    max_query_bytes: int = 100_000  # size of the query text
    max_update_bytes: int = 64_000_000  # size of an (authenticated) update request
    workers: int = 4  # worker processes
    max_depth: int = 100  # nesting of { } ( ) [ ] in the query text
    max_memory_mb: int = 2048  # data segment of a worker process (0: no limit)
    max_wait: float | None = None  # seconds a request may wait for a worker (None: 2 x timeout)

    @property
    def wait(self) -> float:
        """How long a request may wait for a free worker before it gets 503."""
        return self.max_wait if self.max_wait is not None else 2 * self.timeout

    allow_service: bool = False  # SERVICE is refused unless this is set ...
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)  # ... and the IRI listed


class QueryTimeout(Exception):
    """The query ran longer than the limit and its worker was killed."""


class WorkerCrashed(Exception):
    """The worker died while running the task."""


class PoolBusy(Exception):
    """Every worker stayed busy for longer than the request may wait."""


_OPEN = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}


def nesting_depth(sparql: str) -> int:
    """The deepest nesting of ``{ } ( ) [ ]`` outside strings, IRIs and comments."""
    from strikegraph.sparqltext import tokens

    depth = deepest = 0
    for token in tokens(sparql):
        if token.kind in ("string", "iri", "var"):
            continue
        for char in token.text:  # "[" and "]" may come glued to a word token
            step = _OPEN.get(char)
            if step is not None:
                depth = max(0, depth + step)
                deepest = max(deepest, depth)
    return deepest


def _limit_memory(megabytes: int) -> None:  # pragma: no cover - subprocess
    """Cap the worker's data segment (heap and private mappings) at ``megabytes``.

    An allocation beyond it fails: Rust aborts the worker, Python raises MemoryError;
    either way only this worker dies and the pool replaces it.
    """
    if megabytes <= 0:
        return
    import resource

    cap = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


def _worker_main(
    conn: Connection, store_spec: str, max_memory_mb: int = 0
) -> None:  # pragma: no cover - subprocess
    from strikegraph.serve import tasks

    context = tasks.WorkerContext(store_spec)
    _limit_memory(max_memory_mb)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        kind, payload = message
        try:
            result = ("ok", tasks.run(context, kind, payload))
        except Exception as exc:  # report every failure to the parent, never die
            result = ("error", tasks.describe_error(exc))
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            break
    context.close()


# Modules every worker needs, imported once by the fork server: a worker replacing a killed
# one then starts in tens of milliseconds instead of seconds (with "spawn" every worker
# imports rdflib, networkx and the views anew), so a runaway query costs its pool little.
_PRELOAD = [
    "__main__",
    "strikegraph.serve.tasks",
    "strikegraph.queries",
    "strikegraph.views",
    "strikegraph.views.draw",
    "rdflib.plugins.serializers.turtle",
    "rdflib.plugins.serializers.jsonld",
]


def _context() -> Any:
    """A "forkserver" context with the heavy imports preloaded (else "spawn").

    Not "fork": the server process has threads (an event loop, executors), and forking a
    threaded process can copy a held lock into the child. The fork server is a fresh,
    single-threaded interpreter.
    """
    try:
        ctx = mp.get_context("forkserver")
    except ValueError:  # pragma: no cover - platforms without fork
        return mp.get_context("spawn")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class _Worker:
    def __init__(self, ctx: Any, store_spec: str, max_memory_mb: int = 0) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.process = ctx.Process(
            target=_worker_main, args=(child, store_spec, max_memory_mb), daemon=True
        )
        self.process.start()
        child.close()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """A fixed number of worker processes, each serving one task at a time."""

    def __init__(self, store_spec: str, size: int = 4, max_memory_mb: int = 0) -> None:
        self.store_spec = store_spec
        self.size = max(1, size)
        self.max_memory_mb = max_memory_mb
        self._ctx = _context()
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0
        self._respawning: set[asyncio.Task[None]] = set()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.store_spec, self.max_memory_mb)
        with self._lock:
            self._all.add(worker)
        return worker

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())
        # warm up: every worker opens the store once before the first request
        await asyncio.gather(*(self.run("ping", {}, timeout=120) for _ in range(self.size)))

    async def restart(self) -> None:
        """Make every worker reopen the store (after an update, so that they see the new data).

        Each worker is taken when idle, so queries keep running meanwhile.
        """
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        taken: list[_Worker] = []
        try:
            while len(taken) < self.size:
                taken.append(await self._idle.get())
            for worker in taken:
                worker.conn.send(("reopen", {}))
            for worker in taken:
                await loop.run_in_executor(None, worker.conn.poll, 120)
                worker.conn.recv()
        finally:
            for worker in taken:
                self._idle.put_nowait(worker)

    async def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()

        def stop_all() -> None:
            for worker in workers:
                worker.stop()

        await asyncio.get_running_loop().run_in_executor(None, stop_all)

    async def run(
        self, kind: str, payload: dict[str, Any], *, timeout: float, wait: float | None = None
    ) -> Any:
        """Run a task in a worker; raise QueryTimeout (worker killed) or the task's error.

        Waits at most ``wait`` seconds (default: ``timeout``) for a free worker, then raises
        PoolBusy: with every worker held by slow queries, a request is refused in bounded
        time instead of queueing without end.
        """
        assert self._idle is not None, "start() the pool first"
        patience = timeout if wait is None else wait
        try:
            worker = await asyncio.wait_for(self._idle.get(), patience)
        except TimeoutError as exc:
            raise PoolBusy(
                f"all {self.size} query workers stayed busy for {patience:g} s; try again later"
            ) from exc
        loop = asyncio.get_running_loop()
        replace = False
        try:
            started = time.monotonic()
            try:
                worker.conn.send((kind, payload))
            except (BrokenPipeError, OSError) as exc:
                replace = True
                raise WorkerCrashed("the query worker is gone") from exc
            remaining = max(0.01, timeout - (time.monotonic() - started))
            ready = await loop.run_in_executor(None, worker.conn.poll, remaining)
            if not ready:
                replace = True
                self.killed += 1
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            try:
                status, value = worker.conn.recv()
            except (EOFError, OSError) as exc:
                replace = True
                raise WorkerCrashed("the query worker died while running the query") from exc
            if status == "error":
                raise value
            return value
        finally:
            if replace:
                worker.kill()
                with self._lock:
                    self._all.discard(worker)
                # a fresh worker joins the pool only once it has opened the store, so that
                # its start-up time is not charged to the next query's deadline
                task = loop.create_task(self._respawn())
                self._respawning.add(task)
                task.add_done_callback(self._respawning.discard)
            elif self._idle is not None:
                self._idle.put_nowait(worker)

    async def _respawn(self) -> None:
        loop = asyncio.get_running_loop()
        for _attempt in range(3):
            worker = await loop.run_in_executor(None, self._spawn)
            try:
                worker.conn.send(("ping", {}))
                if await loop.run_in_executor(None, worker.conn.poll, 120):
                    worker.conn.recv()
                    if self._idle is not None:
                        self._idle.put_nowait(worker)
                    return
            except (EOFError, OSError):
                pass
            worker.kill()
            with self._lock:
                self._all.discard(worker)


def cpu_default_workers() -> int:
    return max(2, min(8, os.cpu_count() or 2))
