"""Median time of every named query on an on-disk store built from a synthetic corpus.

Issue #8 asks each named query to answer in <= 100 ms at 10^6 triples. This script is the
quick, repeatable check of that one figure (benchmarks/compare.py measures everything else):
it bulk-loads a corpus TriG written by benchmarks/corpus.py into an on-disk Oxigraph store
(reused on later runs), then times each query of queries/ - or of another folder, e.g. a copy
of the old queries for a before/after table - with the parameters compare.py uses, each in
its own process with a time limit, since Oxigraph cannot be interrupted from inside.

    nice -n 10 python3 benchmarks/query_speed.py --triples 1e6 --work /tmp/qs
    nice -n 10 python3 benchmarks/query_speed.py --trig /tmp/qs/corpus-7746.trig --runs 5
    python3 benchmarks/query_speed.py --trig /tmp/qs/corpus-7746.trig --views --runs 3

With ``--views`` it also times each networkx view (rows = edges; one view: ``--only
view/rifts``), which compare.py stops after its item timeout.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for _path in (ROOT / "src", BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

__all__ = ["build_store", "main", "time_query", "time_view"]

_DOCS = re.compile(r"corpus-(\d+)\.trig$")


def build_store(trig: Path, store_dir: Path, *, rebuild: bool = False) -> int:
    """Bulk-load ``trig`` into ``store_dir`` (as compare.py does) unless already there."""
    import pyoxigraph as ox

    if store_dir.exists() and not rebuild:
        return -1
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.flush()
    count = len(store)
    store.optimize()
    del store
    return count


def _time_runs(store_dir: Path, work: Callable[[Any], int], runs: int) -> dict[str, Any]:
    """Median wall time of ``runs`` calls of ``work(store)`` on the store opened read-only;
    ``work`` returns the size of its result (rows or edges)."""
    from strikegraph.store import open_store

    store = open_store(store_dir, read_only=True)
    times: list[float] = []
    size = 0
    try:
        for _ in range(runs):
            started = time.perf_counter()
            size = work(store)
            times.append(time.perf_counter() - started)
    finally:
        store.close()
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "runs_ms": [round(t * 1000, 1) for t in times],
        "rows": size,
    }


def time_query(
    store_dir: Path, queries_dir: Path, name: str, params: dict[str, str], runs: int
) -> dict[str, Any]:
    """Median wall time of ``runs`` runs of one named query (in this process)."""
    from strikegraph.queries import parse_query, run_query

    path = queries_dir / f"{name}.rq"
    query = parse_query(path.read_text(encoding="utf-8"), name, path)
    return _time_runs(store_dir, lambda store: len(run_query(store, query, params).rows), runs)


def time_view(store_dir: Path, name: str, runs: int) -> dict[str, Any]:
    """Median wall time of ``runs`` builds of one networkx view (in this process)."""
    from strikegraph.views import build_view

    def build(store: Any) -> int:
        return int(build_view(store, name, data_root=ROOT).number_of_edges())

    return _time_runs(store_dir, build, runs)


def _docs_of(trig: Path) -> int:
    match = _DOCS.search(trig.name)
    if match is None:
        raise SystemExit(f"{trig}: expected a file named corpus-DOCS.trig (benchmarks/corpus.py)")
    return int(match.group(1))


def _child(args: argparse.Namespace) -> None:
    job = json.loads(args.child)
    if job["name"].startswith("view/"):
        result = time_view(Path(job["store"]), job["name"][len("view/") :], job["runs"])
    else:
        result = time_query(
            Path(job["store"]), Path(job["queries"]), job["name"], job["params"], job["runs"]
        )
    print(json.dumps(result), flush=True)


def _run_child(job: dict[str, Any], timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(job)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout_s": timeout}
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--trig", type=Path, help="a corpus-DOCS.trig from benchmarks/corpus.py")
    source.add_argument("--triples", type=float, help="generate a corpus of about this size")
    parser.add_argument("--work", type=Path, default=Path("/tmp/strikegraph-query-speed"))
    parser.add_argument("--store", type=Path, help="store folder (default: next to the TriG)")
    parser.add_argument("--rebuild", action="store_true", help="reload the store")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries", help="a folder of .rq")
    parser.add_argument("--only", action="append", default=[], help="query name (repeatable)")
    parser.add_argument("--views", action="store_true", help="also time every networkx view")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return

    from compare import questions
    from corpus import docs_for_triples, generate

    if args.trig is not None:
        trig = args.trig
    else:
        docs = docs_for_triples(args.triples or 1e5)
        trig = args.work / f"corpus-{docs}.trig"
        if not trig.exists():
            generate(args.work, docs, args.seed)
    docs = _docs_of(trig)
    store_dir = args.store or trig.with_suffix(".store")
    started = time.perf_counter()
    loaded = build_store(trig, store_dir, rebuild=args.rebuild)
    if loaded >= 0:
        print(f"loaded {loaded} quads into {store_dir} in {time.perf_counter() - started:.1f} s")
    params = questions(docs, args.seed)["params"]
    names = args.only or sorted(p.stem for p in args.queries.glob("*.rq"))
    if args.views and not args.only:
        from strikegraph.views import view_names

        names += [f"view/{name}" for name in view_names()]
    print(f"{trig.name} ({docs} documents), store {store_dir}, queries from {args.queries}")
    print(f"{'query':<28} {'median ms':>10} {'rows':>6}  runs ms")
    results: dict[str, Any] = {}
    for name in names:
        job = {
            "store": str(store_dir),
            "queries": str(args.queries),
            "name": name,
            "params": params.get(name, {}),
            "runs": args.runs,
        }
        result = _run_child(job, args.timeout)
        results[name] = result
        if "median_ms" in result:
            runs = " ".join(f"{t:g}" for t in result["runs_ms"])
            print(f"{name:<28} {result['median_ms']:>10.1f} {result['rows']:>6}  {runs}")
        elif "timeout_s" in result:
            print(f"{name:<28} {'> ' + str(int(result['timeout_s'])) + ' s':>10}")
        else:
            print(f"{name:<28} {'error':>10}  {result['error']}")
        sys.stdout.flush()
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
