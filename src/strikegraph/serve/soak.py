"""Soak the endpoint: concurrent well-formed load with hostile requests mixed in, and the
server's memory sampled throughout.

Used by ``benchmarks/soak.py`` (minutes) and ``tests/test_soak.py`` (seconds). Everything
is bounded: by a duration and a request count, and to loopback URLs. The report says how
many well-formed requests were sent, answered and failed; which hostile requests were sent
and what status each kind got (and whether that is the expected one); and the resident
memory (``VmRSS`` from ``/proc/PID/status``) of the server process and of its query
workers, sampled over time. A well-formed request fails if it gets anything but 200; a
hostile one fails if it gets another status than its kind's expected one.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = ["HOSTILE", "SoakReport", "rss_kib", "soak"]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SG = "https://w3id.org/strikegraph/ontology#"

# well-formed SPARQL sent by GET and POST besides the named queries and resource pages
QUERIES = [
    f"SELECT ?s ?l WHERE {{ ?s a <{SG}State> ; rdfs:label ?l }} ORDER BY ?s",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a <{SG}Authorization> }}",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"CONSTRUCT {{ ?s rdfs:label ?l }} WHERE {{ ?s a <{SG}State> ; rdfs:label ?l }}",
    f"ASK {{ ?x a <{SG}Prohibition> }}",
]


@dataclass(frozen=True)
class Hostile:
    """A hostile request and the status it must get."""

    name: str
    expect: int
    method: str
    data: dict[str, str] | None = None
    content: bytes | None = None
    headers: dict[str, str] | None = None


def _deep(levels: int) -> str:
    return "SELECT * WHERE " + "{" * levels + " ?s ?p ?o " + "}" * levels


HOSTILE = [
    Hostile(
        "runaway",
        503,
        "POST",
        data={
            "query": "SELECT (COUNT(*) AS ?c) WHERE "
            "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
        },
    ),
    Hostile("deep", 400, "POST", data={"query": _deep(5000)}),
    Hostile(
        "enormous",
        413,
        "POST",
        content=b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 10_000_000,
        headers={"Content-Type": "application/sparql-query"},
    ),
    Hostile(
        "huge-result",
        200,
        "POST",
        data={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"},
    ),
    Hostile("malformed", 400, "POST", data={"query": "SELECT * WHERE { ?s ?p"}),
    Hostile("update-no-token", 403, "POST", data={"update": "DROP ALL"}),
    Hostile(
        "service",
        400,
        "POST",
        data={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},
    ),
]


# -- memory ----------------------------------------------------------------------------------


def rss_kib(pid: int) -> int | None:
    """Resident memory of a process in KiB (``VmRSS``), or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children(pid: int) -> list[int]:
    """The direct children of a process."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(x) for x in task.read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: the query workers are children of the fork server."""
    found: list[int] = []
    pending = children(pid)
    while pending:
        child = pending.pop()
        found.append(child)
        pending += children(child)
    return found


class _Sampler(threading.Thread):
    """Samples the server's and its workers' RSS every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, int, int]] = []  # (t, server KiB, workers KiB)
        self._halt = threading.Event()
        self._origin = time.monotonic()

    def sample(self) -> tuple[float, int, int] | None:
        server = rss_kib(self.pid)
        if server is None:
            return None
        workers = sum(rss_kib(child) or 0 for child in descendants(self.pid))
        point = (time.monotonic() - self._origin, server, workers)
        self.samples.append(point)
        return point

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


# -- load ------------------------------------------------------------------------------------


@dataclass
class SoakReport:
    """What a soak did and saw; ``ok`` says whether it met its bounds."""

    seconds: float = 0.0
    clients: int = 0
    well_formed_sent: int = 0
    well_formed_ok: int = 0
    well_formed_errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    hostile_sent: int = 0
    hostile_statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    hostile_unexpected: int = 0
    hostile_samples: list[str] = field(default_factory=list)
    latency_p50_ms: float = 0.0
    latency_p99_ms: float = 0.0
    rss_start_mib: float = 0.0  # server process, after warm-up
    rss_peak_mib: float = 0.0
    rss_end_mib: float = 0.0
    rss_bound_mib: float = 0.0  # start + allowed growth
    workers_rss_peak_mib: float = 0.0  # all processes below the server (workers, fork server)
    rss_samples: list[tuple[float, float, float]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.well_formed_errors == 0
            and self.hostile_unexpected == 0
            and self.rss_peak_mib <= self.rss_bound_mib
        )

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["ok"] = self.ok
        return data

    def summary(self) -> str:
        lines = [
            f"soak: {self.seconds:.1f} s, {self.clients} clients",
            f"  well-formed: {self.well_formed_sent} sent, {self.well_formed_ok} ok, "
            f"{self.well_formed_errors} errors (p50 {self.latency_p50_ms:.0f} ms, "
            f"p99 {self.latency_p99_ms:.0f} ms)",
            f"  hostile: {self.hostile_sent} sent, {self.hostile_unexpected} with an "
            "unexpected status",
        ]
        for name, statuses in sorted(self.hostile_statuses.items()):
            counted = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
            lines.append(f"    {name:16} {counted}")
        lines.append(
            f"  server RSS: {self.rss_start_mib:.1f} MiB after warm-up, peak "
            f"{self.rss_peak_mib:.1f} MiB, end {self.rss_end_mib:.1f} MiB "
            f"(bound {self.rss_bound_mib:.1f} MiB); workers peak "
            f"{self.workers_rss_peak_mib:.1f} MiB together (with the fork server)"
        )
        lines += [f"  error: {sample}" for sample in self.error_samples]
        lines += [f"  unexpected: {sample}" for sample in self.hostile_samples]
        lines.append("  result: " + ("PASS" if self.ok else "FAIL"))
        return "\n".join(lines)


def _targets(client: httpx.Client, resources: int) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, params) of the well-formed requests."""
    named: list[tuple[str, str, dict[str, str]]] = [
        ("GET", f"/api/queries/{q['name']}", {})
        for q in client.get("/api/queries").json()
        if all(not p["required"] or p["default"] is not None for p in q["params"])
    ]
    listing = (
        "SELECT DISTINCT ?s WHERE { ?s a ?t . FILTER(isIRI(?s) && "
        'STRSTARTS(STR(?s), "https://w3id.org/strikegraph/id/")) } ORDER BY ?s LIMIT '
        f"{resources}"
    )
    rows = client.get("/sparql", params={"query": listing}).json()["results"]["bindings"]
    pages = [("GET", "/resource", {"iri": row["s"]["value"]}) for row in rows]
    sparql = [("GET", "/sparql", {"query": q}) for q in QUERIES]
    sparql += [("POST", "/sparql", {"query": q}) for q in QUERIES]
    # interleave the kinds so that every stretch of the run mixes them
    mixed = [x for group in itertools.zip_longest(named, pages, sparql) for x in group if x]
    return mixed


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _run(
    url: str,
    targets: list[tuple[str, str, dict[str, str]]],
    hostile: list[Hostile],
    *,
    clients: int,
    hostile_clients: int,
    requests: int,
    duration: float,
    report: SoakReport,
    hostile_pause: float,
) -> list[float]:
    deadline = time.monotonic() + duration
    latencies: list[float] = []
    sent = itertools.count()
    statuses: dict[str, Counter[int]] = {h.name: Counter() for h in hostile}
    limits = httpx.Limits(max_connections=clients + hostile_clients + 2)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def well_formed() -> None:
            while time.monotonic() < deadline:
                index = next(sent)
                if index >= requests:
                    return
                method, path, params = targets[index % len(targets)]
                started = time.perf_counter()
                report.well_formed_sent += 1
                try:
                    if method == "GET":
                        response = await client.get(path, params=params)
                    else:
                        response = await client.post(path, data=params)
                except httpx.HTTPError as exc:
                    report.well_formed_errors += 1
                    report.error_samples.append(f"{type(exc).__name__} {method} {path}: {exc}")
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code == 200:
                    report.well_formed_ok += 1
                else:
                    report.well_formed_errors += 1
                    report.error_samples.append(
                        f"{response.status_code} {method} {path}: {response.text[:160].strip()}"
                    )

        async def attacker(offset: int) -> None:
            for index in itertools.count(offset):
                if time.monotonic() >= deadline:
                    return
                kind = hostile[index % len(hostile)]
                report.hostile_sent += 1
                try:
                    response = await client.request(
                        kind.method,
                        "/sparql",
                        data=kind.data,
                        content=kind.content,
                        headers=kind.headers,
                    )
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0  # the connection was dropped
                statuses[kind.name][status] += 1
                if status != kind.expect:
                    report.hostile_unexpected += 1
                    text = response.text[:160].strip() if status else "connection dropped"
                    report.hostile_samples.append(f"{kind.name} got {status}: {text}")
                await asyncio.sleep(hostile_pause)

        await asyncio.gather(
            *(well_formed() for _ in range(clients)),
            *(attacker(i * 3) for i in range(hostile_clients)),
        )
    report.hostile_statuses = {
        name: {str(status): n for status, n in counts.items()}
        for name, counts in statuses.items()
        if counts
    }
    del report.error_samples[5:]
    del report.hostile_samples[5:]
    return latencies


def soak(
    url: str,
    pid: int,
    *,
    clients: int = 8,
    hostile_clients: int = 1,
    requests: int = 100_000,
    duration: float = 60.0,
    warmup: float = 5.0,
    rss_growth_mib: float = 64.0,
    sample_interval: float = 0.5,
    hostile_pause: float = 0.2,
    resources: int = 40,
) -> SoakReport:
    """Soak the server at ``url`` (main process ``pid``); see the module docstring.

    A warm-up (every target once, every hostile kind once, then ``warmup`` seconds of the
    mixed load) comes first, so that caches, imports and worker respawns are paid before
    the starting RSS is taken. The bound: peak server RSS <= start + ``rss_growth_mib``.
    """
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"the soak only runs against loopback, not {host!r}")
    with httpx.Client(base_url=url, timeout=120) as client:
        targets = _targets(client, resources)
    report = SoakReport(clients=clients)
    sampler = _Sampler(pid, sample_interval)
    warm = SoakReport()
    asyncio.run(
        _run(
            url,
            targets,
            HOSTILE,
            clients=clients,
            hostile_clients=hostile_clients,
            requests=len(targets) + int(warmup * 1000),
            duration=warmup,
            report=warm,
            hostile_pause=hostile_pause,
        )
    )
    first = sampler.sample()
    if first is None:
        raise RuntimeError(f"the server (pid {pid}) is gone")
    sampler.start()
    started = time.monotonic()
    try:
        latencies = asyncio.run(
            _run(
                url,
                targets,
                HOSTILE,
                clients=clients,
                hostile_clients=hostile_clients,
                requests=requests,
                duration=duration,
                report=report,
                hostile_pause=hostile_pause,
            )
        )
    finally:
        sampler.stop()
        sampler.sample()
    report.seconds = time.monotonic() - started
    report.latency_p50_ms = _percentile(latencies, 0.5) * 1000
    report.latency_p99_ms = _percentile(latencies, 0.99) * 1000
    samples = sampler.samples
    report.rss_samples = [
        (round(t, 1), round(s / 1024, 1), round(w / 1024, 1)) for t, s, w in samples
    ]
    report.rss_start_mib = first[1] / 1024
    report.rss_peak_mib = max(s for _, s, _ in samples) / 1024
    report.rss_end_mib = samples[-1][1] / 1024
    report.rss_bound_mib = report.rss_start_mib + rss_growth_mib
    report.workers_rss_peak_mib = max(w for _, _, w in samples) / 1024
    return report
