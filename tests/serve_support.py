"""Helpers for the serve/remote tests: a seed store built once, servers in subprocesses."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

_SEED: dict[str, Path] = {}


def seed_store(base: Path) -> Path:
    """The seed built (without validation: test_core_* cover it) into a store, once per run."""
    if "path" not in _SEED:
        from strikegraph.build import build

        target = base / "seed-store"
        build(target, validate=False)
        _SEED["path"] = target
    return _SEED["path"]


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(store: str, *args: str, startup: float = 90.0) -> Iterator[str]:
    """``python -m strikegraph.serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    env = dict(os.environ)
    env.pop("STRIKEGRAPH_UPDATE_TOKEN", None)
    log = tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "strikegraph.serve",
            "--store",
            store,
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server exited: {log.read().decode(errors='replace')}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in time")
            time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        log.close()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
