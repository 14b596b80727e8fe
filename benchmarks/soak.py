"""Soak benchmark for `strikegraph serve`: concurrent load with hostile requests mixed in.

Starts the server on a free loopback port over a store (default: the seed, built into a
temporary directory), warms it up, then runs ``--clients`` well-formed clients (named
queries, resource pages, SPARQL by GET and POST) and ``--hostile-clients`` attackers
(runaway, deeply nested, 10 MB, huge-result, malformed, SERVICE and token-less update
requests) until ``--duration`` seconds or ``--requests`` well-formed requests. The server
process's RSS (VmRSS) is sampled every ``--interval`` seconds.

    python benchmarks/soak.py                    # 120 s, 8 clients + 2 attackers, 4 workers
    python benchmarks/soak.py --duration 300 --clients 16 --json soak.json

Loopback only. Exit code 1 if a well-formed request failed, a hostile request got an
unexpected status, or the server's peak RSS passed start + ``--rss-growth`` MiB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
from pathlib import Path

from strikegraph.serve.launch import server_process
from strikegraph.serve.soak import soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="store to serve [default: the seed, built into a tmp dir]")
    parser.add_argument("--clients", type=int, default=8, help="well-formed clients")
    parser.add_argument("--hostile-clients", type=int, default=2, help="attacking clients")
    parser.add_argument("--requests", type=int, default=1_000_000, help="well-formed cap")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of soak")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of warm-up load")
    parser.add_argument("--workers", type=int, default=4, help="server query workers")
    parser.add_argument("--timeout", type=float, default=3.0, help="server per-query timeout")
    parser.add_argument("--max-rows", type=int, default=1000, help="server result cap")
    parser.add_argument("--rss-growth", type=float, default=64.0, help="allowed MiB of growth")
    parser.add_argument("--interval", type=float, default=1.0, help="RSS sampling period (s)")
    parser.add_argument("--json", type=Path, help="also write the report (with samples) here")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        store = args.store
        if store is None:
            from strikegraph.build import build

            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="sg-soak-"))
            store = str(Path(folder) / "store")
            build(store, validate=False)
        try:
            server = stack.enter_context(
                server_process(
                    store,
                    "--workers",
                    str(args.workers),
                    "--timeout",
                    str(args.timeout),
                    "--max-rows",
                    str(args.max_rows),
                    "--log-level",
                    "warning",
                    startup=120,
                )
            )
        except RuntimeError as exc:  # the server exited or never became healthy
            raise SystemExit(str(exc)) from None
        report = soak(
            server.url,
            server.pid,
            clients=args.clients,
            hostile_clients=args.hostile_clients,
            requests=args.requests,
            duration=args.duration,
            warmup=args.warmup,
            rss_growth_mib=args.rss_growth,
            sample_interval=args.interval,
        )
    print(report.summary())
    print(
        f"  (server: {args.workers} workers, {args.timeout:g} s query timeout, "
        f"{args.max_rows} rows cap)"
    )
    if args.json:
        from strikegraph.atomicio import write_text

        write_text(args.json, json.dumps(report.as_dict(), indent=1) + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
