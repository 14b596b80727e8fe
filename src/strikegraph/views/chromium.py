"""Open a page in headless Chromium and report what a person would see — rendered state,
console errors, network requests and a screenshot — through the DevTools protocol.

The protocol runs over ``--remote-debugging-pipe`` (file descriptors 3 and 4 of the browser,
NUL-separated JSON), so nothing but the standard library is needed and no port is opened.
Used by the browser test of the interactive view page; ``find_chromium()`` says whether a
browser is installed (Debian's ``chromium`` package).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strikegraph import atomicio

__all__ = ["BrowserError", "PageReport", "find_chromium", "open_page"]

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """The browser could not be started or did not answer in time."""


@dataclass
class PageReport:
    """What happened while the page was open."""

    value: Any = None
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: bytes | None = None

    @property
    def errors(self) -> list[str]:
        """Every console error, uncaught exception and browser log error."""
        return [*self.console_errors, *self.exceptions, *self.log_errors]


def find_chromium() -> str | None:
    """The Chromium executable (``$CHROMIUM``, else ``chromium`` or ``chromium-browser``)."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else shutil.which(explicit)
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _Pipe:
    def __init__(self, write_fd: int, read_fd: int, process: subprocess.Popen[bytes]) -> None:
        self.write_fd = write_fd
        self.read_fd = read_fd
        self.process = process
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self.read_fd], [], [], min(remaining, 0.5))
            if not ready:
                if self.process.poll() is not None:
                    raise BrowserError(f"Chromium exited with code {self.process.returncode}")
                continue
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(raw.decode("utf-8"))  # type: ignore[no-any-return]

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})  # type: ignore[no-any-return]
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for index, event in enumerate(self.events):
            if event["method"] == method:
                return self.events.pop(index)
        while True:
            reply = self._read_message(deadline)
            if reply.get("method") == method:
                return reply
            if "method" in reply:
                self.events.append(reply)


def _describe_exception(details: dict[str, Any]) -> str:
    exception = details.get("exception") or {}
    text = exception.get("description") or details.get("text") or "exception"
    return f"{text} ({details.get('url', '')}:{details.get('lineNumber', '?')})"


def _console_text(params: dict[str, Any]) -> str:
    parts = []
    for arg in params.get("args", []):
        parts.append(str(arg.get("value", arg.get("description", arg.get("type", "")))))
    return " ".join(parts)


def open_page(
    url: str | os.PathLike[str],
    *,
    ready_expression: str = "window.strikegraphReady === true",
    probe: str | None = None,
    screenshot: str | os.PathLike[str] | None = None,
    width: int = 1400,
    height: int = 900,
    timeout: float = 60,
    executable: str | None = None,
) -> PageReport:
    """Load ``url`` (a path is turned into a ``file://`` URL), wait until ``ready_expression``
    is true, evaluate ``probe`` (its JSON-able value goes into the report), take a screenshot
    if asked, and return everything the browser reported on the way."""
    browser = executable or find_chromium()
    if browser is None:
        raise BrowserError("Chromium is not installed (apt-get install chromium)")
    target = str(url)
    if "://" not in target:
        target = Path(target).resolve().as_uri()
    report = PageReport()
    profile = tempfile.mkdtemp(prefix="strikegraph-chromium-")
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()

    def child_fds() -> None:  # runs in the child: the protocol wants fds 3 (in) and 4 (out)
        read_end = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        write_end = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.dup2(read_end, 3)
        os.dup2(write_end, 4)
        os.closerange(5, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 4096)

    command = [
        browser,
        *_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "about:blank",
    ]
    process = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=child_fds,  # noqa: PLW1509 - only moves file descriptors, before exec
        close_fds=False,  # child_fds keeps 0-4 and closes the rest itself
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    pipe = _Pipe(to_browser_w, from_browser_r, process)
    try:
        created = pipe.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
        attached = pipe.call(
            "Target.attachToTarget", {"targetId": created["targetId"], "flatten": True}
        )
        session = attached["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        pipe.call("Page.navigate", {"url": target}, session=session)
        pipe.wait_event("Page.loadEventFired", timeout)
        deadline = time.monotonic() + timeout
        while True:
            state = pipe.call(
                "Runtime.evaluate",
                {"expression": ready_expression, "returnByValue": True},
                session=session,
            )
            if state.get("result", {}).get("value") is True:
                break
            if time.monotonic() > deadline:
                raise BrowserError(f"the page never became ready ({ready_expression})")
            time.sleep(0.1)
        time.sleep(0.3)  # let the first frame paint
        if probe is not None:
            result = pipe.call(
                "Runtime.evaluate", {"expression": probe, "returnByValue": True}, session=session
            )
            if "exceptionDetails" in result:
                report.exceptions.append(
                    "probe: " + _describe_exception(result["exceptionDetails"])
                )
            report.value = result.get("result", {}).get("value")
        if screenshot is not None:
            shot = pipe.call("Page.captureScreenshot", {"format": "png"}, session=session)
            report.screenshot = base64.b64decode(shot["data"])
            atomicio.write_bytes(screenshot, report.screenshot)
        for event in pipe.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                report.console_errors.append(_console_text(params))
            elif method == "Runtime.exceptionThrown":
                report.exceptions.append(_describe_exception(params.get("exceptionDetails", {})))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                report.log_errors.append(
                    f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip()
                )
            elif method == "Network.requestWillBeSent":
                report.requests.append(params.get("request", {}).get("url", ""))
        with contextlib.suppress(BrowserError):
            pipe.call("Browser.close", timeout=10)
        return report
    finally:
        os.close(to_browser_w)
        os.close(from_browser_r)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        shutil.rmtree(profile, ignore_errors=True)
