"""Load benchmark for `strikegraph serve`: concurrent clients on named queries and resource pages.

Starts the server on a free loopback port over a store (default: the seed, built into a
temporary directory), runs N concurrent clients until a request count or a time limit is
reached, and reports throughput, p50/p99 latency and errors, overall and per kind.

    python benchmarks/serve_load.py                       # 16 clients, 800 requests, <= 120 s
    python benchmarks/serve_load.py --clients 16 --requests 2000 --duration 60 --workers 4
    python benchmarks/serve_load.py --url http://127.0.0.1:8000   # an already running server
    python benchmarks/serve_load.py --json report.json

Only loopback URLs are accepted. Exit code 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from strikegraph.serve.launch import running_server

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _targets(url: str, resources: int) -> list[tuple[str, str]]:
    """(kind, path) pairs: every named SELECT query with its defaults, and resource pages."""
    with httpx.Client(base_url=url, timeout=60) as client:
        queries = client.get("/api/queries").json()
        targets = [
            ("named", f"/api/queries/{q['name']}")
            for q in queries
            if all(not p["required"] or p["default"] is not None for p in q["params"])
        ]
        sparql = (
            "SELECT DISTINCT ?s WHERE { ?s a ?t . FILTER(isIRI(?s) && "
            'STRSTARTS(STR(?s), "https://w3id.org/strikegraph/id/")) } ORDER BY ?s LIMIT '
            f"{resources}"
        )
        rows = client.get("/sparql", params={"query": sparql}).json()["results"]["bindings"]
    targets += [
        ("resource", "/resource?iri=" + httpx.QueryParams({"x": r["s"]["value"]})["x"])
        for r in rows
    ]
    return targets


async def _load(
    url: str, targets: list[tuple[str, str]], clients: int, requests: int, duration: float
) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {"named": [], "resource": []}
    errors: list[str] = []
    counter = 0
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def one_client(index: int) -> None:
            nonlocal counter
            while counter < requests and time.monotonic() < deadline:
                kind, path = targets[counter % len(targets)]
                counter += 1
                started = time.perf_counter()
                try:
                    response = await client.get(
                        path,
                        params=None,
                        headers={"Accept": "application/sparql-results+json"}
                        if kind == "named"
                        else {"Accept": "text/html"},
                    )
                    await response.aread()
                    if response.status_code != 200:
                        errors.append(f"{response.status_code} {path}: {response.text[:200]}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__} {path}: {exc}")
                latencies[kind].append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one_client(i) for i in range(clients)))
        elapsed = time.perf_counter() - started

    every = latencies["named"] + latencies["resource"]

    def summary(values: list[float]) -> dict[str, float | int]:
        return {
            "requests": len(values),
            "p50_ms": round(_percentile(values, 0.50) * 1000, 1),
            "p99_ms": round(_percentile(values, 0.99) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else float("nan"),
        }

    return {
        "clients": clients,
        "requests": len(every),
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(every) / elapsed, 1) if elapsed else 0.0,
        **{k: v for k, v in summary(every).items() if k != "requests"},
        "errors": len(errors),
        "error_samples": errors[:5],
        "by_kind": {kind: summary(values) for kind, values in latencies.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running server (loopback only)")
    parser.add_argument("--store", help="store to serve [default: the seed, built into a tmp dir]")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=800, help="stop after this many")
    parser.add_argument("--duration", type=float, default=120.0, help="... or after this many s")
    parser.add_argument("--workers", type=int, default=4, help="server query workers")
    parser.add_argument("--timeout", type=float, default=30.0, help="server per-query timeout")
    parser.add_argument("--resources", type=int, default=40, help="distinct resource pages")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        if args.url:
            host = urlsplit(args.url).hostname or ""
            if host not in LOOPBACK:
                parser.error("--url must be a loopback address")
            url = args.url.rstrip("/")
        else:
            store = args.store
            if store is None:
                from strikegraph.build import build

                folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="sg-load-"))
                store = str(Path(folder) / "store")
                build(store, validate=False)
            server = running_server(
                store, "--workers", str(args.workers), "--timeout", str(args.timeout), startup=120
            )
            try:
                url = stack.enter_context(server)
            except RuntimeError as exc:  # the server exited or never became healthy
                raise SystemExit(str(exc)) from None
        targets = _targets(url, args.resources)
        # warm-up: every target once (views of the page cache, worker imports)
        asyncio.run(_load(url, targets, min(args.clients, 4), len(targets), args.duration))
        report = asyncio.run(_load(url, targets, args.clients, args.requests, args.duration))
    report["targets"] = {
        "named": sum(1 for k, _ in targets if k == "named"),
        "resource": sum(1 for k, _ in targets if k == "resource"),
    }
    report["server_workers"] = None if args.url else args.workers
    print(
        f"{report['requests']} requests, {report['clients']} clients, {report['seconds']} s: "
        f"{report['throughput_rps']} req/s, p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms, "
        f"errors {report['errors']}"
    )
    for kind, values in report["by_kind"].items():
        print(
            f"  {kind:9} {values['requests']:5} requests  p50 {values['p50_ms']} ms  "
            f"p99 {values['p99_ms']} ms"
        )
    for sample in report["error_samples"]:
        print("  error:", sample)
    if args.json:
        from strikegraph.atomicio import write_text

        write_text(args.json, json.dumps(report, indent=2) + "\n")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
