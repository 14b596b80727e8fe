"""Run ``strikegraph serve`` in a child process on a free loopback port, until it is healthy.

The tests of the endpoint and the load benchmark both need a real server in its own process
(query workers, signals, timeouts behave as in production), started and stopped the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import httpx

__all__ = ["ServerProcess", "free_port", "running_server", "server_process"]


@dataclass(frozen=True)
class ServerProcess:
    """A running server: its base URL and the pid of its main process (for RSS sampling)."""

    url: str
    pid: int


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(
    store: str,
    *args: str,
    startup: float = 90.0,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """``python -m strikegraph.serve`` on a free loopback port; yields its base URL.

    Raises RuntimeError (with the server's output) if it exits or is not healthy within
    ``startup`` seconds; on leaving, the server's process group gets SIGTERM, then SIGKILL.
    """
    with server_process(store, *args, startup=startup, env=env) as server:
        yield server.url


@contextlib.contextmanager
def server_process(
    store: str,
    *args: str,
    startup: float = 90.0,
    env: Mapping[str, str] | None = None,
    attempts: int = 3,
) -> Iterator[ServerProcess]:
    """As :func:`running_server`, yielding the URL and the server's pid.

    The free port is only free when probed; if another process takes it before the server
    binds it (a race under parallel tests), the server exits with "address already in
    use" and is started again on another port, up to ``attempts`` times.
    """
    with contextlib.ExitStack() as stack:
        for attempt in range(attempts):
            try:
                server = stack.enter_context(_start(store, args, startup, env))
            except _PortTaken:
                if attempt == attempts - 1:
                    raise RuntimeError("no free port: the server could not bind") from None
                continue
            break
        yield server


class _PortTaken(RuntimeError):
    """The server exited because its port was taken meanwhile."""


@contextlib.contextmanager
def _start(
    store: str, args: tuple[str, ...], startup: float, env: Mapping[str, str] | None
) -> Iterator[ServerProcess]:
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
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
        env=dict(env) if env is not None else None,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                output = log.read().decode(errors="replace")
                if "address already in use" in output.lower():
                    raise _PortTaken(output)
                raise RuntimeError(f"the server exited: {output}")
            with contextlib.suppress(httpx.HTTPError, ValueError):
                health = httpx.get(base + "/health", timeout=2)
                # the pid check: another test's server may have taken the port meanwhile
                if health.status_code == 200 and health.json().get("pid") == process.pid:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start within {startup:g} s")
            time.sleep(0.3)
        yield ServerProcess(base, process.pid)
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
