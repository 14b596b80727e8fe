"""A writer killed by SIGKILL mid-ingest or mid-build leaves a consistent store; a rerun
finishes the job.

The kills are real (a ``strikegraph`` subprocess dies by SIGKILL): either at a named point
inside the write (``$STRIKEGRAPH_TEST_CRASH_AT``, see :func:`strikegraph.store.crash_point`)
or after a delay, wherever the process happens to be. After each kill the store must open,
validate, hold every document's graphs either completely or not at all, and a rerun must
give what an uninterrupted run gives (compared graph by graph, blank nodes canonicalised).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from strikegraph.build import build
from strikegraph.ingest import ingest
from strikegraph.store import CRASH_ENV, open_store
from strikegraph.validate import validate_dataset

DEV = Path(__file__).resolve().parent / "gold" / "dev-articles"
STEMS = ["01-germany-permits", "02-cameron-kyiv", "03-macron-meseberg", "04-atacms-kursk"]
OLD_ONLY = URIRef("urn:test:crash:old-only")  # a graph the next build drops: tells old from new

Snapshot = dict[str, frozenset[str]]


_CANONICAL: dict[frozenset[str], frozenset[str]] = {}


def _canonical(lines: frozenset[str]) -> frozenset[str]:
    """The graph's lines with blank nodes relabelled canonically (memoised: it is slow)."""
    if not any("_:" in line for line in lines):
        return lines
    if lines not in _CANONICAL:
        graph = Graph().parse(data="\n".join(lines), format="nt")
        text = to_canonical_graph(graph).serialize(format="nt")
        _CANONICAL[lines] = frozenset(line for line in text.splitlines() if line.strip())
    return _CANONICAL[lines]


def _snapshot(store_path: Path) -> Snapshot:
    """Every named graph as a set of N-Triples lines (blank nodes canonicalised)."""
    with open_store(store_path, read_only=True) as store:
        inner = store.oxigraph
        raw: dict[str, frozenset[str]] = {}
        for name in inner.named_graphs():
            triples = (q.triple for q in inner.quads_for_pattern(None, None, None, name))
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            raw[name.value] = frozenset((data or b"").decode("utf-8").splitlines())
    return {name: _canonical(lines) for name, lines in raw.items()}


def _doc_graphs(snapshot: Snapshot, stem: str) -> Snapshot:
    return {name: lines for name, lines in snapshot.items() if f"/{stem}/" in name}


def _leftovers(store_path: Path) -> list[str]:
    return sorted(
        p.name for p in store_path.parent.iterdir() if p.name.startswith(f".{store_path.name}.")
    )


def _cli(*args: str, crash_at: str | None = None) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop(CRASH_ENV, None)
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.Popen(
        [sys.executable, "-m", "strikegraph", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _assert_validates(store_path: Path) -> None:
    """`strikegraph validate` (the CLI, a fresh process) passes on the store."""
    done = subprocess.run(
        [sys.executable, "-m", "strikegraph", "validate", "--engine", "fast"]
        + ["--store", str(store_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed store plus a graph that only the old version has."""
    path = tmp_path_factory.mktemp("crash-seed") / "store"
    build(path, validate=False)
    with open_store(path) as store:
        store.replace_graphs({OLD_ONLY: [(OLD_ONLY, OLD_ONLY, OLD_ONLY)]})
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("crash-docs")
    for stem in STEMS:
        for ext in (".txt", ".meta.yaml"):
            shutil.copyfile(DEV / f"{stem}{ext}", folder / f"{stem}{ext}")
    return [folder / f"{stem}.txt" for stem in STEMS]


@pytest.fixture(scope="module")
def rebuilt(seed: Path, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """What an uninterrupted build over the seed store gives."""
    path = shutil.copytree(seed, tmp_path_factory.mktemp("crash-rebuilt") / "store")
    build(path, validate=False)
    return _snapshot(path)


@pytest.fixture(scope="module")
def ingested(seed: Path, docs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """What an uninterrupted ingest of the four documents into the seed store gives."""
    path = shutil.copytree(seed, tmp_path_factory.mktemp("crash-ingested") / "store")
    with open_store(path) as store:
        assert all(r.ok for r in ingest(docs, store))
    return _snapshot(path)


def _copy(seed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(seed, tmp_path / "store"))


# -- build -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "expect"),
    [("build-written", "old"), ("build-swapped", "new")],
)
def test_build_killed_at_the_swap_leaves_old_or_new(
    seed: Path, rebuilt: Snapshot, tmp_path: Path, point: str, expect: str
) -> None:
    store_path = _copy(seed, tmp_path)
    before = _snapshot(store_path)
    process = _cli("build", "--no-validate", "--store", str(store_path), crash_at=point)
    assert process.wait(120) == -signal.SIGKILL, process.stderr.read() if process.stderr else ""
    after = _snapshot(store_path)  # a reader opens it as it was left
    assert after == (before if expect == "old" else rebuilt)
    if expect == "old":
        _assert_validates(store_path)  # the CLI, in a fresh process
    else:
        with open_store(store_path, read_only=True) as store:
            assert validate_dataset(store.dataset, engine="fast").conforms
    build(store_path, validate=False)  # the next run
    assert _snapshot(store_path) == rebuilt
    assert _leftovers(store_path) == []


def test_build_killed_at_random_moments(seed: Path, rebuilt: Snapshot, tmp_path: Path) -> None:
    """Wherever a build dies (loading, writing the new store, swapping), old or new survives."""
    store_path = _copy(seed, tmp_path)
    before = _snapshot(store_path)
    for delay in (0.5, 1.4):
        process = _cli("build", "--no-validate", "--store", str(store_path))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        state = _snapshot(store_path)
        assert state in (before, rebuilt), f"half-built store after a kill at {delay} s"
        before = state
    build(store_path, validate=False)
    assert _snapshot(store_path) == rebuilt
    assert _leftovers(store_path) == []


# -- ingest ----------------------------------------------------------------------------------


def test_ingest_killed_between_documents(
    seed: Path, docs: list[Path], ingested: Snapshot, tmp_path: Path
) -> None:
    store_path = _copy(seed, tmp_path)
    # dies just before the third document's transaction
    process = _cli(
        "ingest", *map(str, docs), "--store", str(store_path), crash_at="replace-graphs:3"
    )
    assert process.wait(120) == -signal.SIGKILL, process.stderr.read() if process.stderr else ""
    state = _snapshot(store_path)
    for stem in STEMS[:2]:
        assert _doc_graphs(state, stem) == _doc_graphs(ingested, stem)
    for stem in STEMS[2:]:
        assert _doc_graphs(state, stem) == {}
    _assert_validates(store_path)
    with open_store(store_path) as store:  # the next run
        assert all(r.ok for r in ingest(docs, store))
    assert _snapshot(store_path) == ingested


def test_ingest_killed_at_random_moments(
    seed: Path, docs: list[Path], ingested: Snapshot, tmp_path: Path
) -> None:
    store_path = _copy(seed, tmp_path)
    for delay in (1.0, 2.2):
        process = _cli("ingest", *map(str, docs), "--store", str(store_path))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        state = _snapshot(store_path)
        for stem in STEMS:
            assert _doc_graphs(state, stem) in ({}, _doc_graphs(ingested, stem)), (
                f"{stem} half-stored after a kill at {delay} s"
            )
        with open_store(store_path, read_only=True) as store:
            assert validate_dataset(store.dataset, engine="fast").conforms
    with open_store(store_path) as store:
        assert all(r.ok for r in ingest(docs, store))
    assert _snapshot(store_path) == ingested
