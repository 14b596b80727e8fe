"""The embedded Oxigraph store: open, query, replace atomically, lock writers.

A build never edits the live store: it writes a complete new store in a sibling directory
and swaps the two (one atomic ``renameat2(RENAME_EXCHANGE)`` where the kernel and file
system offer it, else two renames that the next open finishes or undoes), so a crash or an
error leaves the previous store intact. Ingest replaces a document's graphs in one Oxigraph
transaction. Writers hold an ``fcntl.flock`` on ``<store>.lock`` so two writers cannot
interleave; the kernel drops the lock when its holder dies, even by SIGKILL, so a crashed
writer never blocks the next one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import gc
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, URIRef
from rdflib.term import Node, Variable

from strikegraph.engine import execute_oxigraph
from strikegraph.errors import StoreError, StoreLockedError
from strikegraph.namespaces import bind_namespaces
from strikegraph.rdfterms import Quad, iter_quads, sparql_term, to_ox_quad
from strikegraph.results import QueryResult
from strikegraph.sparqltext import inject_values, one_line

__all__ = [
    "CRASH_ENV",
    "LOCK_WAIT_ENV",
    "STORE_ENV",
    "Store",
    "default_store_path",
    "open_store",
    "remote_choice",
]

STORE_ENV = "STRIKEGRAPH_STORE"
LOCK_WAIT_ENV = "STRIKEGRAPH_LOCK_WAIT"  # seconds a writer waits for the lock (default 0)
CRASH_ENV = "STRIKEGRAPH_TEST_CRASH_AT"  # test hook, see crash_point()
_ROCKSDB_MARKERS = ("CURRENT", "IDENTITY")

Triple = tuple[Node, Node, Node]


def default_store_path() -> Path:
    """``$STRIKEGRAPH_STORE``, else ``$XDG_DATA_HOME/strikegraph/store``."""
    explicit = os.environ.get(STORE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg).expanduser() / "strikegraph" / "store"


class _StrikegraphOxigraphStore(OxigraphStore):
    """oxrdflib's store, but refusing use after close instead of silently creating a new one."""

    @property
    def _inner(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store has been closed")
        return self._store


def _looks_like_store(path: Path) -> bool:
    return all((path / marker).exists() for marker in _ROCKSDB_MARKERS)


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


_CRASH_COUNTS: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Test hook: SIGKILL this process at the named point of a write.

    ``$STRIKEGRAPH_TEST_CRASH_AT`` = ``NAME`` or ``NAME:N`` (the N-th time the point is
    reached) makes a write die exactly there, so tests/test_crash_safety.py can prove that a
    writer killed at that moment leaves a consistent store. Points: ``build-written`` (new
    store complete, not yet swapped in), ``build-swapped`` (swapped in, old copy not yet
    removed), ``replace-graphs`` (before an ingest transaction). Unset: does nothing.
    """
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    _CRASH_COUNTS[name] = _CRASH_COUNTS.get(name, 0) + 1
    if _CRASH_COUNTS[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the C library, kernel or file system cannot do it; the caller then
    falls back to two renames (and :meth:`Store._recover` mends a crash between them).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(first))


def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, "0") or 0))
    except ValueError:
        return 0.0


class _WriterLock:
    """An exclusive ``flock`` on ``<store>.lock`` that records the holder's pid.

    ``flock`` belongs to the open file, so the kernel releases it when the holder exits in
    any way (SIGKILL included): a stale pid in the file never blocks anyone. A second writer
    waits up to ``wait`` seconds (default ``$STRIKEGRAPH_LOCK_WAIT``, else 0), then fails.
    """

    def __init__(self, store_path: Path, wait: float | None = None) -> None:
        self.path = store_path.with_name(store_path.name + ".lock")
        self.wait = _lock_wait() if wait is None else wait
        self._handle: IO[str] | None = None

    def try_acquire(self) -> bool:
        """Take the lock if it is free right now (no waiting)."""
        try:
            self.acquire(wait=0.0)
        except StoreLockedError:
            return False
        return True

    def acquire(self, wait: float | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        patience = self.wait if wait is None else wait
        deadline = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if time.monotonic() < deadline:
                    time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
                    continue
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                waited = f"; waited {patience:g} s" if patience else ""
                raise StoreLockedError(
                    f"store is locked by another writer (pid {holder}){waited}; "
                    f"try again when it has finished (or set ${LOCK_WAIT_ENV} to wait)"
                ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.seek(0)
                self._handle.truncate()
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class Store:
    """An rdflib ``Dataset`` over Oxigraph (on disk, or in memory for tests).

    Queries go straight to pyoxigraph with the union of all graphs as default graph; the
    rdflib view (:attr:`dataset`) is there for code that wants the rdflib API.
    """

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._ox: ox.Store | None = None
        self._dataset: Dataset | None = None
        self._wrapper: _StrikegraphOxigraphStore | None = None
        self._lock: _WriterLock | None = None
        self._closed = False
        if path is None:
            self._ox = ox.Store()
        elif read_only:
            self._ox = self._open_read_only(path)
        else:
            self._lock = _WriterLock(path)
            self._lock.acquire()
            try:
                self._recover()
            except BaseException:
                self._lock.release()
                raise

    # -- opening and closing ---------------------------------------------------------------

    def _open_read_only(self, path: Path) -> ox.Store:
        if not path.exists() and self._siblings("old"):
            self._mend_for_reader(path)
        if not path.is_dir() or not _looks_like_store(path):
            raise StoreError(f"no store at {path}: run `strikegraph build` first")
        try:
            return ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {one_line(exc)}") from exc

    def _siblings(self, tag: str) -> list[Path]:
        assert self.path is not None
        return sorted(self.path.parent.glob(f".{self.path.name}.{tag}-*"))

    def _mend_for_reader(self, path: Path) -> None:
        """A writer died between the two renames of a swap: put the store back before reading.

        Only with the writer lock (a live writer is mid-swap otherwise: wait for it briefly).
        """
        lock = _WriterLock(path, wait=5.0)
        try:
            lock.acquire()
        except StoreLockedError:
            return
        try:
            self._recover()
        finally:
            lock.release()

    def _recover(self) -> None:
        """Finish or undo a swap interrupted by a crash (we hold the writer lock)."""
        assert self.path is not None
        backups = self._siblings("old")
        if not self.path.exists() and backups:
            os.rename(backups[-1], self.path)
            backups = backups[:-1]
        for leftover in [*backups, *self._siblings("new")]:
            _remove_tree(leftover)
        for leftover in self.path.parent.glob(f".{self.path.name}.nq-*"):
            leftover.unlink(missing_ok=True)

    def _inner(self) -> ox.Store:
        """The pyoxigraph store, opened lazily (writers only open it when they need it)."""
        if self._closed:
            raise StoreError("the store has been closed")
        if self._ox is None:
            assert self.path is not None
            if self.path.exists() and not self.path.is_dir():
                raise StoreError(f"{self.path} is not a directory")
            if self.path.is_dir() and any(self.path.iterdir()) and not _looks_like_store(self.path):
                raise StoreError(f"{self.path} exists and is not a strikegraph store")
            try:
                self._ox = ox.Store(str(self.path))
            except OSError as exc:
                raise StoreError(f"cannot open the store at {self.path}: {one_line(exc)}") from exc
        return self._ox

    def _drop_handles(self) -> None:
        """Release the pyoxigraph store so that RocksDB closes (and unlocks) its directory."""
        if self._wrapper is not None:
            self._wrapper._store = None
        self._wrapper = None
        self._dataset = None
        self._ox = None
        gc.collect()

    def close(self) -> None:
        """Close the store and release the writer lock. Idempotent."""
        if self._closed:
            return
        if self._ox is not None and not self.read_only and self.path is not None:
            with contextlib.suppress(OSError):
                self._ox.flush()
        self._drop_handles()
        self._closed = True
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = "memory" if self.path is None else str(self.path)
        mode = "read-only" if self.read_only else "read-write"
        return f"<Store {where} {mode}>"

    # -- reading -----------------------------------------------------------------------------

    @property
    def dataset(self) -> Dataset:
        """An rdflib Dataset (``default_union=True``) over this store."""
        if self._dataset is None:
            self._wrapper = _StrikegraphOxigraphStore(store=self._inner())
            self._dataset = Dataset(store=self._wrapper, default_union=True)
            bind_namespaces(self._dataset)
        return self._dataset

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        return self._inner()

    def exists(self) -> bool:
        """Whether there is a store on disk (always true in memory)."""
        if self._closed:
            raise StoreError("the store has been closed")
        return self.path is None or self._ox is not None or _looks_like_store(self.path)

    def query(
        self, sparql: str, init_bindings: Mapping[str | Variable, Node] | None = None
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs; results are fully materialised.

        ``init_bindings`` pre-bind variables through a VALUES block (see
        :func:`strikegraph.sparqltext.inject_values`), not through Oxigraph substitutions.
        """
        if init_bindings:
            sparql = inject_values(sparql, {Variable(k): v for k, v in init_bindings.items()})
        return execute_oxigraph(self._empty_if_missing(), sparql)

    def _empty_if_missing(self) -> ox.Store:
        if self.path is not None and not self.read_only and not self.exists():
            return ox.Store()  # a writer that has not built anything yet: nothing to see
        return self._inner()

    def graph_names(self) -> list[URIRef]:
        """The named graphs, sorted."""
        if not self.exists():
            return []
        names = (g for g in self._inner().named_graphs() if isinstance(g, ox.NamedNode))
        return sorted(URIRef(g.value) for g in names)

    def triple_count(self) -> int:
        """Number of quads in the store."""
        return len(self._inner()) if self.exists() else 0

    def is_empty(self) -> bool:
        """Whether the store holds no quad (one index lookup, unlike :meth:`triple_count`)."""
        if not self.exists():
            return True
        return next(iter(self._inner().quads_for_pattern(None, None, None, None)), None) is None

    def graph_triple_counts(self) -> dict[str, int]:
        """Number of triples in each named graph (and ``""`` for the default graph, if used)."""
        if not self.exists():
            return {}
        inner = self._inner()
        counts: dict[str, int] = {}
        per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        for graph, count in inner.query(per_graph):  # type: ignore[union-attr,misc]
            counts[graph.value] = int(count.value)
        default = next(iter(inner.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
        if default is not None:
            counts[""] = sum(
                1 for _ in inner.quads_for_pattern(None, None, None, ox.DefaultGraph())
            )
        return dict(sorted(counts.items()))

    def quads(self) -> Iterator[Quad]:
        """Every quad as rdflib terms (graph ``None`` = default graph)."""
        if not self.exists():
            return iter(())
        return iter_quads(self.dataset)

    def dump_nquads(self) -> str:
        """The whole store as sorted N-Quads (stable text for before/after comparisons)."""
        if not self.exists():
            return ""
        data = ox.serialize(
            self._inner().quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS
        )
        lines = sorted((data or b"").decode("utf-8").splitlines())
        return "".join(line + "\n" for line in lines)

    # -- writing -----------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self._closed:
            raise StoreError("the store has been closed")
        if self.read_only:
            raise StoreError("the store was opened read-only")

    def replace_all(self, dataset: Dataset | Iterable[Quad]) -> int:
        """Replace the whole content atomically; returns the number of quads written."""
        self._require_writable()
        quads = iter_quads(dataset) if isinstance(dataset, Dataset) else iter(dataset)
        if self.path is None:
            fresh = ox.Store()
            try:
                fresh.extend(to_ox_quad(q) for q in quads)
            except (OSError, ValueError, TypeError) as exc:
                raise StoreError(f"cannot write the store: {one_line(exc)}") from exc
            self._drop_handles()
            self._ox = fresh
            return len(fresh)
        return self._replace_on_disk(quads)

    def _write_nquads(self, quads: Iterator[Quad], target: IO[bytes]) -> int:
        count = 0
        batch: list[ox.Quad] = []
        for quad in quads:
            batch.append(to_ox_quad(quad))
            if len(batch) >= 50_000:
                target.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b"")
                count += len(batch)
                batch = []
        if batch:
            target.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b"")
            count += len(batch)
        return count

    def _build_new(self, quads: Iterator[Quad], new_dir: Path) -> int:
        """Bulk-load the quads into a fresh store at ``new_dir``; returns its quad count."""
        assert self.path is not None
        with tempfile.NamedTemporaryFile(
            "wb", dir=self.path.parent, prefix=f".{self.path.name}.nq-", suffix=".nq", delete=False
        ) as handle:
            nquads = Path(handle.name)
            try:
                self._write_nquads(quads, handle)
            except BaseException:
                handle.close()
                nquads.unlink(missing_ok=True)
                raise
        try:
            fresh = ox.Store(str(new_dir))
            fresh.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
            fresh.flush()
            count = len(fresh)
            del fresh
            gc.collect()
            return count
        finally:
            nquads.unlink(missing_ok=True)

    def _replace_on_disk(self, quads: Iterator[Quad]) -> int:
        assert self.path is not None
        path = self.path
        if path.exists() and (
            not path.is_dir() or (any(path.iterdir()) and not _looks_like_store(path))
        ):
            raise StoreError(
                f"{path} exists and is not a strikegraph store; refusing to replace it"
            )
        token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        new_dir = path.with_name(f".{path.name}.new-{token}")
        old_dir = path.with_name(f".{path.name}.old-{token}")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            count = self._build_new(quads, new_dir)
        except BaseException as exc:
            _remove_tree(new_dir)
            if isinstance(exc, (OSError, ValueError, TypeError, SyntaxError)):
                raise StoreError(f"cannot write the new store: {one_line(exc)}") from exc
            raise
        crash_point("build-written")
        self._drop_handles()
        had_old = path.exists()
        try:
            if had_old and _exchange(new_dir, path):
                old_dir = new_dir  # the previous store now lives there
            else:
                if had_old:
                    os.rename(path, old_dir)
                os.rename(new_dir, path)
        except OSError as exc:
            if had_old and not path.exists() and old_dir.exists():
                os.rename(old_dir, path)
            _remove_tree(new_dir)
            raise StoreError(f"cannot swap in the new store: {one_line(exc)}") from exc
        crash_point("build-swapped")
        _remove_tree(old_dir)
        return count

    def replace_graphs(
        self,
        graphs: Mapping[URIRef, Iterable[Triple]],
        additions: Mapping[URIRef, Iterable[Triple]] | None = None,
    ) -> None:
        """Replace some named graphs in one transaction (an empty iterable drops the graph),
        and add ``additions`` to other graphs (shared ones, such as the outlets graph) in the
        same transaction without removing anything from them.

        pyoxigraph exposes no transaction object, but one SPARQL Update request runs in a
        single transaction, so DROP + INSERT DATA in one request is all-or-nothing.
        """
        self._require_writable()
        if not graphs and not additions:
            return
        parts: list[str] = []
        inserts: list[str] = []
        writes = [(name, triples, True) for name, triples in graphs.items()]
        writes += [(name, triples, False) for name, triples in (additions or {}).items()]
        try:
            for name, triples, replace in writes:
                iri = sparql_term(URIRef(name))
                if replace:
                    parts.append(f"DROP SILENT GRAPH {iri}")
                body = " .\n".join(
                    f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)}" for s, p, o in triples
                )
                if body:
                    inserts.append(f"GRAPH {iri} {{\n{body} .\n}}")
        except (TypeError, ValueError) as exc:
            raise StoreError(f"cannot write graphs: {one_line(exc)}") from exc
        if inserts:
            parts.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        crash_point("replace-graphs")
        try:
            self._inner().update(" ;\n".join(parts))
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"cannot replace graphs: {one_line(exc)}") from exc


def open_store(
    path: str | os.PathLike[str] | None = None,
    *,
    memory: bool = False,
    read_only: bool = False,
) -> Store:
    """Open the store at ``path`` (default :func:`default_store_path`), or one in memory.

    Read-write opens take the writer lock (``StoreLockedError`` if another writer has it);
    read-only opens need an existing store and take no lock.
    """
    if memory:
        return Store(None)
    remote = remote_choice(path)
    if remote is not None:
        from strikegraph.remote import open_remote

        return open_remote(remote, read_only=read_only)  # type: ignore[arg-type,return-value]
    return Store(
        Path(path).expanduser() if path is not None else default_store_path(), read_only=read_only
    )


def open_built_store(path: str | os.PathLike[str] | None = None) -> Store:
    """Open an existing, non-empty store (embedded or remote) for reading.

    Every reading command needs the same guidance when there is nothing to read yet, so it
    lives here rather than in each command module.
    """
    store = open_store(path, read_only=True)
    empty = store.is_empty() if isinstance(store, Store) else store.triple_count() == 0
    if empty:
        where = getattr(store, "url", None) or getattr(store, "path", None) or "the store"
        store.close()
        raise StoreError(f"the store at {where} is empty: run `strikegraph build` first")
    return store


def remote_choice(path: str | os.PathLike[str] | None) -> object | None:
    """A remote store spec (URL or RemoteConfig) chosen by ``path``, the env or strikegraph.toml.

    An explicit directory wins; then ``$STRIKEGRAPH_STORE`` (a URL there selects a remote
    store); then a ``[store]`` table in ``strikegraph.toml``. ``None``: the embedded store.
    """
    from strikegraph.remote import is_remote_spec, load_config

    if path is not None:
        return str(path) if is_remote_spec(path) else None
    explicit = os.environ.get(STORE_ENV)
    if explicit:
        return explicit if is_remote_spec(explicit) else None
    return load_config()
