"""Two writers at once are serialised or refused, never interleaved; a dead writer's lock
does not block the next one; file outputs are replaced whole (strikegraph.atomicio)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from strikegraph import atomicio
from strikegraph.build import build
from strikegraph.errors import StoreLockedError
from strikegraph.ingest import ingest
from strikegraph.store import CRASH_ENV, LOCK_WAIT_ENV, open_store

DEV = Path(__file__).resolve().parent / "gold" / "dev-articles"
STEMS = ["01-germany-permits", "02-cameron-kyiv", "03-macron-meseberg", "04-atacms-kursk"]

HOLDER = textwrap.dedent(
    """
    import sys, time
    from strikegraph.store import open_store
    store = open_store(sys.argv[1])
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("concurrency-seed") / "store"
    build(path, validate=False)
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("concurrency-docs")
    for stem in STEMS:
        for ext in (".txt", ".meta.yaml"):
            shutil.copyfile(DEV / f"{stem}{ext}", folder / f"{stem}{ext}")
    return [folder / f"{stem}.txt" for stem in STEMS]


@pytest.fixture
def store_path(seed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(seed, tmp_path / "store"))


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (CRASH_ENV, LOCK_WAIT_ENV)}
    env.update(extra)
    return env


@pytest.fixture
def holder(store_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A live process holding the writer lock until the test ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store_path), "600"],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    try:
        yield process
    finally:
        process.kill()
        process.wait(10)


def _ingest_cli(paths: list[Path], store: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "strikegraph", "ingest", *map(str, paths), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(**env),
    )


def test_second_writer_is_refused_with_one_line(
    store_path: Path, docs: list[Path], holder: subprocess.Popen[str]
) -> None:
    with open_store(store_path, read_only=True) as store:
        before = store.dump_nquads()
    started = time.monotonic()
    loser = _ingest_cli(docs[:1], store_path)
    out, err = loser.communicate(timeout=120)
    assert loser.returncode != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "locked by another writer" in lines[0] and f"pid {holder.pid}" in lines[0]
    assert time.monotonic() - started < 60
    with open_store(store_path, read_only=True) as store:
        assert store.dump_nquads() == before  # nothing written by the loser


def test_second_writer_waits_for_the_lock_when_asked(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With $STRIKEGRAPH_LOCK_WAIT the second writer waits for the first, then proceeds."""
    monkeypatch.setenv(LOCK_WAIT_ENV, "30")
    first = open_store(store_path)
    opened: list[float] = []

    def second() -> None:
        with open_store(store_path):
            opened.append(time.monotonic())

    waiter = threading.Thread(target=second)
    waiter.start()
    time.sleep(0.5)
    assert not opened  # still waiting
    released = time.monotonic()
    first.close()
    waiter.join(30)
    assert opened and opened[0] >= released


def test_same_process_second_writer_is_refused(store_path: Path) -> None:
    with (
        open_store(store_path),
        pytest.raises(StoreLockedError, match="locked by another writer"),
    ):
        open_store(store_path)
    with open_store(store_path):  # released on close
        pass


def test_lock_of_a_killed_writer_does_not_block(store_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store_path), "600"],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    lock_file = store_path.with_name(store_path.name + ".lock")
    assert lock_file.read_text().strip() == str(process.pid)  # the stale pid is still there
    started = time.monotonic()
    with open_store(store_path) as store:  # no wait configured: must succeed at once
        assert store.exists()
    assert time.monotonic() - started < 5


def test_two_ingests_at_once_are_serialised(
    seed: Path, store_path: Path, docs: list[Path], tmp_path: Path
) -> None:
    """Both finish (one waits for the other); the result is what running them in turn gives."""
    first = _ingest_cli(docs[:1], store_path, **{LOCK_WAIT_ENV: "120"})
    second = _ingest_cli(docs[1:2], store_path, **{LOCK_WAIT_ENV: "120"})
    for process in (first, second):
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
    reference = Path(shutil.copytree(seed, tmp_path / "reference"))
    with open_store(reference) as store:
        assert all(r.ok for r in ingest(docs[:2], store))
        expected = store.dump_nquads()
    with open_store(store_path, read_only=True) as store:
        assert store.dump_nquads() == expected


# -- file outputs ----------------------------------------------------------------------------


def test_atomic_writes_never_show_a_partial_file(tmp_path: Path) -> None:
    """Two writers and a reader on one output: the reader only ever sees a whole version.

    (With a plain ``write_text`` the reader sees empty or cut files within a few rounds.)
    """
    target = tmp_path / "out.ttl"
    versions = [("a" * 400_000).encode(), ("b" * 300_000).encode()]
    atomicio.write_bytes(target, versions[0])
    seen: set[int] = set()
    stop = threading.Event()

    def writer(data: bytes) -> None:
        while not stop.is_set():
            atomicio.write_bytes(target, data, fsync=False)

    def reader() -> None:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            data = target.read_bytes()
            assert data in versions, f"partial file of {len(data)} bytes"
            seen.add(len(data))
        stop.set()

    threads = [threading.Thread(target=writer, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    try:
        reader()
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert seen == {len(v) for v in versions}
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]  # no temporary file left


def test_failed_atomic_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "view.svg"
    atomicio.write_text(target, "old")
    with pytest.raises(RuntimeError), atomicio.atomic_open(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("the renderer failed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["view.svg"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
