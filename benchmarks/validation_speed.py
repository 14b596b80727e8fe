"""Validation speed: the fast SPARQL validator (strikegraph.fastvalidate) against pyshacl.

    python benchmarks/validation_speed.py                 # 1e5 and 1e6 triples, pyshacl up to ~1e4
    python benchmarks/validation_speed.py --sizes 100000 --pyshacl-copies 1

A synthetic store is made by copying the seed's document graphs (article-001's curated and
source graphs) with renamed IRIs (every node that is a subject in them and not in the reference
or ontology graphs gets a ``-c{n}`` suffix; blank nodes are fresh per copy), next to one copy of
the reference graphs and the ontology. Each size runs in its own process so that peak memory
(max RSS) is per size.

Incremental: one more copy (its curated and source graphs) is added and validated with
``fastvalidate.validate_focus`` (five times; median), with the default thread pool and with
one thread, whose CPU time is printed too: on a busy machine the wall time includes waiting
for a core. ``validate_focus`` adds nothing to the store (checked after the runs).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

TEMPLATE_GRAPHS = (
    "https://w3id.org/strikegraph/id/graph/article-001/curated",
    "https://w3id.org/strikegraph/id/graph/article-001/source",
)


def seed_store() -> ox.Store:
    from strikegraph.load import load_project
    from strikegraph.rdfterms import iter_quads, to_ox_quad

    store = ox.Store()
    store.extend(to_ox_quad(q) for q in iter_quads(load_project(ROOT)))
    return store


class Copier:
    """Makes renamed copies of the template graphs."""

    def __init__(self, store: ox.Store) -> None:
        self.template = [
            q
            for g in TEMPLATE_GRAPHS
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
        ]
        shared = {
            q.subject
            for q in store.quads_for_pattern(None, None, None, None)
            if q.graph_name.value not in TEMPLATE_GRAPHS
        }
        self.local = {
            q.subject for q in self.template if isinstance(q.subject, ox.NamedNode)
        } - shared
        self.per_copy = len(self.template)

    def rename(self, term, n: int, bnodes: dict):
        if isinstance(term, ox.NamedNode) and term in self.local:
            return ox.NamedNode(f"{term.value}-c{n}")
        if isinstance(term, ox.BlankNode):
            return bnodes.setdefault(term.value, ox.BlankNode())
        return term

    def copy(self, n: int) -> list[ox.Quad]:
        bnodes: dict = {}
        return [
            ox.Quad(
                self.rename(q.subject, n, bnodes),
                q.predicate,
                self.rename(q.object, n, bnodes),
                ox.NamedNode(f"{q.graph_name.value}-c{n}"),
            )
            for q in self.template
        ]

    @staticmethod
    def graphs(n: int) -> list[str]:
        return [f"{g}-c{n}" for g in TEMPLATE_GRAPHS]


def build(target_triples: int) -> tuple[ox.Store, Copier, int]:
    store = seed_store()
    copier = Copier(store)
    copies = max(0, (target_triples - len(store)) // copier.per_copy)
    batch: list[ox.Quad] = []
    for n in range(1, copies + 1):
        batch.extend(copier.copy(n))
        if len(batch) > 200_000:
            store.extend(batch)
            batch = []
    store.extend(batch)
    return store, copier, copies


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_fast(size: int) -> dict:
    from strikegraph import fastvalidate as fv

    t0 = time.perf_counter()
    compiled = fv.compile_shapes(data_root=ROOT)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    store, copier, copies = build(size)
    t_build = time.perf_counter() - t0
    triples = len(store)
    t0 = time.perf_counter()
    inferred = fv.materialize_inferences(store, reset=True)
    t_infer = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = fv.validate_store(store, compiled, infer=False)
    t_check = time.perf_counter() - t0

    # Incremental: one new document (its curated and source graphs), valid, then broken.
    n = copies + 1
    new = copier.copy(n)
    timings = []
    one_core: list[tuple[float, float]] = []  # (wall, CPU) with one thread
    before = len(store)
    for _ in range(5):
        for q in new:
            store.remove(q)
        t0 = time.perf_counter()
        store.extend(new)
        inc = fv.validate_focus(store, copier.graphs(n), compiled)
        timings.append(time.perf_counter() - t0)
        t0, c0 = time.perf_counter(), time.process_time()
        fv.validate_focus(store, copier.graphs(n), compiled, threads=1)
        one_core.append((time.perf_counter() - t0, time.process_time() - c0))
    unchanged = len(store) == before + len(new)
    # Break it: drop the claim's statedIn in the new curated graph.
    stated = ox.NamedNode("https://w3id.org/strikegraph/ontology#statedIn")
    broken = [q for q in new if q.predicate == stated][0]
    store.remove(broken)
    t0 = time.perf_counter()
    inc_broken = fv.validate_focus(store, copier.graphs(n), compiled)
    t_broken = time.perf_counter() - t0
    return {
        "engine": "fast",
        "triples": triples,
        "inferred": inferred,
        "copies": copies,
        "compile_s": round(t_compile, 3),
        "build_s": round(t_build, 2),
        "full_infer_s": round(t_infer, 2),
        "full_check_s": round(t_check, 2),
        "full_total_s": round(t_infer + t_check, 2),
        "full_results": len(report.results),
        "incremental_ms_median": round(sorted(timings)[len(timings) // 2] * 1000, 1),
        "incremental_ms_all": [round(t * 1000, 1) for t in timings],
        "incremental_1thread_ms_median": round(sorted(w for w, _ in one_core)[2] * 1000, 1),
        "incremental_1thread_cpu_ms_median": round(sorted(c for _, c in one_core)[2] * 1000, 1),
        "store_unchanged_by_focus": unchanged,
        "incremental_results_valid": len(inc.results),
        "incremental_broken_ms": round(t_broken * 1000, 1),
        "incremental_broken_shapes": sorted({r.shape for r in inc_broken.results}),
        "max_rss_mib": round(rss_mib()),
    }


def run_pyshacl(copies: int) -> dict:
    from strikegraph import fastvalidate as fv
    from strikegraph.rdfterms import dataset_from_quads, from_ox_quad
    from strikegraph.validate import validate_dataset

    store = seed_store()
    copier = Copier(store)
    for n in range(1, copies + 1):
        store.extend(copier.copy(n))
    bnodes: dict = {}
    dataset = dataset_from_quads(
        from_ox_quad(q, bnodes) for q in store.quads_for_pattern(None, None, None, None)
    )
    t0 = time.perf_counter()
    report = validate_dataset(dataset, data_root=ROOT)
    t_py = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = fv.validate_dataset_fast(dataset, data_root=ROOT)
    t_fast = time.perf_counter() - t0
    same = {(str(r.focus_node), r.shape) for r in report.results} == {
        (str(r.focus_node), r.shape) for r in fast.results
    }
    return {
        "engine": "pyshacl",
        "triples": len(store),
        "copies": copies,
        "pyshacl_s": round(t_py, 2),
        "fast_dataset_s": round(t_fast, 2),
        "same_results": same,
        "results": len(report.results),
        "max_rss_mib": round(rss_mib()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--pyshacl-copies", type=int, nargs="*", default=[0, 3, 10])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, value = args.child.split(":")
        out = run_fast(int(value)) if kind == "fast" else run_pyshacl(int(value))
        print(json.dumps(out))
        return
    jobs = [f"fast:{s}" for s in args.sizes] + [f"pyshacl:{c}" for c in args.pyshacl_copies]
    for job in jobs:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", job], capture_output=True, text=True
        )
        if proc.returncode != 0:
            print(f"{job}: failed\n{proc.stderr[-3000:]}")
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        if row["engine"] == "fast":
            print(
                f"fast     {row['triples']:>9,} triples: full {row['full_total_s']:6.2f} s "
                f"(inference {row['full_infer_s']:.2f} s + checks {row['full_check_s']:.2f} s, "
                f"{row['full_results']} results), incremental one document "
                f"{row['incremental_ms_median']:.0f} ms median {row['incremental_ms_all']} "
                f"(one thread: {row['incremental_1thread_ms_median']:.0f} ms wall, "
                f"{row['incremental_1thread_cpu_ms_median']:.0f} ms CPU; store unchanged: "
                f"{row['store_unchanged_by_focus']}) "
                f"(broken copy: {row['incremental_broken_ms']:.0f} ms, "
                f"{row['incremental_broken_shapes']}), max RSS {row['max_rss_mib']} MiB"
            )
        else:
            print(
                f"pyshacl  {row['triples']:>9,} triples: {row['pyshacl_s']:7.2f} s "
                f"(fast on the same dataset: {row['fast_dataset_s']:.2f} s, same results: "
                f"{row['same_results']}), max RSS {row['max_rss_mib']} MiB"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
