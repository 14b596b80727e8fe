"""A longer fuzz run: the properties of tests/test_fuzz.py with many more examples.

Runs each property in rounds of ``--chunk`` examples, round-robin, until ``--seconds`` have
passed, then prints, per property, the inputs tried and the failures found (each failure once,
with Hypothesis' shrunk falsifying example). Exit status 1 when anything failed.

    nice -n 10 python3 benchmarks/fuzz.py --seconds 240
    python3 benchmarks/fuzz.py --seconds 30 --only loader,request-parsing

The endpoint property starts the app in-process (one query worker) on a store built from the
project's data into a temporary folder; nothing listens on a network port.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_fuzz as props  # noqa: E402 - the properties live with the tests


@dataclass
class Tally:
    """What one property saw."""

    tried: int = 0
    accepted: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # first line -> falsifying example


@contextlib.contextmanager
def endpoint_client() -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from strikegraph.build import build
    from strikegraph.serve.app import ServeConfig, create_app
    from strikegraph.serve.limits import Limits

    with tempfile.TemporaryDirectory(prefix="strikegraph-fuzz-store-") as folder:
        store = Path(folder) / "store"
        build(store, validate=False)
        config = ServeConfig(store=str(store), limits=Limits(workers=1, timeout=10))
        with TestClient(create_app(config)) as client:
            yield client


def properties(client: Any) -> dict[str, tuple[tuple[st.SearchStrategy[Any], ...], Callable]]:
    """name -> (strategies, check); the check returns True when the input was 'accepted'."""
    table: dict[str, tuple[tuple[st.SearchStrategy[Any], ...], Callable]] = {
        "ingest": ((props.texts(),), props.check_ingest),
        "read-bytes": ((st.binary(max_size=2000),), props.check_read_bytes),
        "loader": ((props.rdf_inputs(),), lambda case: props.check_loader(*case)),
        "request-parsing": (
            (
                props.methods(),
                props.query_strings(),
                props.content_types(),
                props.bodies(),
                props.accepts(),
            ),
            props.check_request_parsing,
        ),
    }
    if client is not None:
        table["endpoint"] = (
            (
                props.methods(),
                props.query_strings(),
                props.content_types(),
                props.bodies(),
                st.one_of(st.none(), props.header_text()),
            ),
            lambda *args: props.check_endpoint(client, *args) < 400,
        )
    return table


def run_chunk(
    strategies: tuple[st.SearchStrategy[Any], ...], check: Callable, tally: Tally, examples: int
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(st.tuples(*strategies))
    def run(args: tuple[Any, ...]) -> None:
        tally.tried += 1
        if check(*args):
            tally.accepted += 1

    try:
        run()
    except Exception as exc:  # noqa: BLE001 - a property failed: record it, keep fuzzing
        first = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        notes = " | ".join(getattr(exc, "__notes__", []))[:600]
        tally.failures.setdefault(first, notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    parser.add_argument("--chunk", type=int, default=100, help="examples per round")
    parser.add_argument("--only", default="", help="comma-separated property names")
    args = parser.parse_args(argv)
    wanted = {name for name in args.only.split(",") if name}
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        client = None
        if not wanted or "endpoint" in wanted:
            client = stack.enter_context(endpoint_client())
        table = properties(client)
        names = [name for name in table if not wanted or name in wanted]
        tallies = {name: Tally() for name in names}
        deadline = start + args.seconds
        while time.perf_counter() < deadline:
            for name in names:
                if time.perf_counter() >= deadline:
                    break
                strategies, check = table[name]
                run_chunk(strategies, check, tallies[name], args.chunk)
    elapsed = time.perf_counter() - start
    print(f"fuzz run: {elapsed:.0f} s (budget {args.seconds:.0f} s, rounds of {args.chunk})")
    print(f"{'property':<18}{'inputs tried':>14}{'accepted':>10}{'failures':>10}")
    failed = 0
    for name, tally in tallies.items():
        print(f"{name:<18}{tally.tried:>14}{tally.accepted:>10}{len(tally.failures):>10}")
        failed += len(tally.failures)
    for name, tally in tallies.items():
        for first, notes in tally.failures.items():
            print(f"\nFAILURE in {name}: {first}\n  {notes}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
