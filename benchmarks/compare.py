"""strikegraph on the embedded Oxigraph store against plain rdflib in memory, at several sizes.

    python benchmarks/compare.py --sizes 1e4,1e5,1e6

For each size (in triples) a synthetic corpus is generated (benchmarks/corpus.py, cached in
--work) and then, on each engine, timed: build (load + index, bulk triples/s), every named
query (median of --runs), `check` (three typical questions), every networkx view, full SHACL
validation (fast engine on Oxigraph; pyshacl on rdflib only up to --pyshacl-max triples),
incremental validation of one new document (strikegraph.fastvalidate.validate_focus), export
(N-Quads), the CLI's cold start for `strikegraph query NAME` against the persisted store (a
fresh process, wall time), bytes per stored triple on disk, and peak memory. Each group of
measurements runs in its own process and reports its own max RSS (Rust allocations included,
unlike tracemalloc). rdflib is skipped above --rdflib-max triples (its load and queries take
minutes there); the output says so. Results go to a JSON file, and benchmarks/RESULTS.md and
benchmarks/compare.png are generated from it (also on their own with --report-only).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

__all__ = ["main", "plot", "render_markdown"]

DEFAULT_SIZES = "1e4,1e5,1e6"
RDFLIB_MAX = 3e4
PYSHACL_MAX = 3e4
#: A query, check or view that runs longer than this is stopped and reported as timed out.
ITEM_TIMEOUT_S = 30.0
#: A timed item is repeated only while the runs so far stay under this budget.
REPEAT_BUDGET_S = 20.0


# -- the questions each engine is asked ------------------------------------------------------------


def questions(docs: int, seed: int) -> dict[str, Any]:
    """Named-query parameters and `check` questions that hit the synthetic data."""
    from corpus import make_world

    world = make_world(docs, seed)
    conflict = world.conflicts[0]
    supplier = conflict.suppliers[0]
    g, a = conflict.grantee, conflict.attacker
    president = supplier.holder("president", dt.date(2024, 6, 1)).person
    sgid = "https://w3id.org/strikegraph/id/"

    def iri(curie: str) -> str:
        kind, slug = curie.split(":", 1)
        return f"{sgid}{kind}/{slug}"

    weapon = supplier.long_range[0] if supplier.long_range else supplier.weapons[0]
    outlet = f"organisation:{world.outlets[0][0]}"
    params: dict[str, dict[str, str]] = {
        "claims-by-source": {"source": iri(outlet)},
        "is-permitted": {
            "grantee": iri(g.iri),
            "weapon": iri(weapon),
            "target": iri(a.settlements[0]),
            "purpose": "https://w3id.org/strikegraph/ontology#CounterFire",
            "date": "2024-06-15",
        },
        "permitted-uses": {"grantee": iri(g.iri), "grantor": iri(supplier.iri)},
        "pressure-on-decision-maker": {"decisionmaker": iri(president)},
        "rifts": {"party": iri(supplier.iri)},
        "territories": {},
        "timeline": {"asof": "2024-06-15"},
        "unrestricted-permissions": {"grantee": iri(g.iri)},
        "weapon-systems": {},
    }
    checks = {
        "weapon-system, border town, counter-fire, dated": {
            "grantee": iri(g.iri),
            "weapon": iri(weapon),
            "target": iri(a.settlements[0]),
            "purpose": "CounterFire",
            "date": "2024-06-15",
        },
        "category, whole territory, dated": {
            "grantee": iri(g.iri),
            "weapon": iri(supplier.category),
            "target": iri(a.land),
            "date": "2025-06-01",
        },
        "weapon-system, region, undated": {
            "grantee": iri(g.iri),
            "weapon": iri(supplier.weapons[-1]),
            "target": iri(a.regions[1]),
        },
    }
    return {"params": params, "checks": checks}


# -- measuring -------------------------------------------------------------------------------------


def timed(
    func: Callable[[], Any], runs: int, after_run: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Median wall time of up to ``runs`` calls (fewer when slow), and the last result size.
    ``after_run`` is called after each call (the query child reports progress with it)."""
    times: list[float] = []
    size: int | None = None
    for _ in range(runs):
        started = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - started)
        size = _size(out)
        if after_run is not None:
            after_run()
        if sum(times) > REPEAT_BUDGET_S:
            break
    return {
        "median_ms": round(statistics.median(times) * 1000, 2),
        "runs_ms": [round(t * 1000, 1) for t in times],
        "rows": size,
    }


def _size(out: Any) -> int | None:
    rows = getattr(out, "rows", None)
    if rows is not None:
        return len(rows)
    if hasattr(out, "number_of_edges"):
        return int(out.number_of_edges())
    if hasattr(out, "verdict"):
        return 1
    if isinstance(out, int):
        return out
    return None


def rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# -- child tasks (each runs in its own process) ----------------------------------------------------


def task_ox_build(job: dict[str, Any]) -> dict[str, Any]:
    """Bulk-load the TriG into a fresh on-disk store: load + index, as `strikegraph build` does."""
    import pyoxigraph as ox

    store_dir = Path(job["store"])
    if store_dir.exists():
        shutil.rmtree(store_dir)
    started = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=job["trig"], format=ox.RdfFormat.TRIG)
    store.flush()
    seconds = time.perf_counter() - started
    triples = len(store)
    store.optimize()
    del store
    disk = dir_bytes(store_dir)
    return {
        "build_s": round(seconds, 3),
        "triples": triples,
        "triples_per_s": round(triples / seconds),
        "disk_bytes": disk,
        "bytes_per_triple": round(disk / triples, 1),
        "rss_mib": rss_mib(),
    }


def query_items(job: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(group, name, arguments) of every named query, `check` question and view."""
    from strikegraph.queries import list_queries
    from strikegraph.views import view_names

    asked = questions(job["docs"], job["seed"])
    items: list[tuple[str, str, Any]] = []
    for named in list_queries(ROOT):
        items.append(("queries", named.name, asked["params"].get(named.name, {})))
    for label, question in asked["checks"].items():
        items.append(("check", label, question))
    for name in view_names():
        items.append(("views", name, None))
    return items


def _query_work(target: Any, job: dict[str, Any]) -> None:
    """Named queries, check and views on a Store or an rdflib Dataset, one JSON line each.

    A ``{"start": key}`` line goes out before each item, so that the parent can stop an item
    that runs too long (Oxigraph's Rust code cannot be interrupted from inside the process)
    and start a new child that skips it.
    """
    runs = job["runs"]
    skip = set(job.get("skip", []))
    deadline = job.get("deadline_s")
    for group, name, arguments in query_items(job):
        key = f"{group}/{name}"
        if key in skip:
            continue
        print(json.dumps({"start": key}), flush=True)
        try:
            with _deadline(deadline) as rearm:
                result = _measure_item(target, group, name, arguments, runs, key, rearm)
        except ItemTimeout:
            result = {"timeout_s": deadline}
        except Exception as exc:  # noqa: BLE001 - a failing item is reported, not fatal
            result = {"error": f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"}
        print(json.dumps({"item": key, "result": result}), flush=True)


class ItemTimeout(BaseException):
    """An item ran past its deadline (raised by a SIGALRM handler; a BaseException, so that
    the library's own `except Exception` does not turn it into a query error)."""


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[Callable[[], None]]:
    """Stop pure-Python work (rdflib) after ``seconds`` with :class:`ItemTimeout`, so that the
    child carries on with the next item instead of being killed and reloading the data (a
    minute per reload at 10^6 triples). Oxigraph's Rust code cannot be interrupted this way:
    its items are stopped by the parent (see :func:`run_items`). Yields a function that starts
    the deadline afresh (after each run of an item)."""
    if not seconds:
        yield lambda: None
        return

    def expire(signum: int, frame: Any) -> None:
        raise ItemTimeout

    def rearm() -> None:
        signal.setitimer(signal.ITIMER_REAL, seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    rearm()
    try:
        yield rearm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _measure_item(
    target: Any,
    group: str,
    name: str,
    arguments: Any,
    runs: int,
    key: str,
    rearm: Callable[[], None],
) -> dict[str, Any]:
    """Time one item. After each run a ``{"run": key}`` line tells the parent that the item
    is alive and the deadline starts afresh: the timeout is per run, not per item (a 3 s
    query run four times is not slow)."""
    from strikegraph.check import check
    from strikegraph.queries import get_query, run_query
    from strikegraph.views import build_view

    def alive() -> None:
        print(json.dumps({"run": key}), flush=True)
        rearm()

    if group == "queries":
        query = get_query(name, ROOT)
        return timed(lambda q=query, p=arguments: run_query(target, q, p), runs, alive)
    if group == "check":
        result = timed(lambda q=arguments: check(target, **q), runs, alive)
        result["verdict"] = check(target, **arguments).verdict
        return result
    return timed(lambda n=name: build_view(target, n, data_root=ROOT), max(1, runs // 2), alive)


def task_ox_query(job: dict[str, Any]) -> dict[str, Any]:
    from strikegraph.store import open_store

    started = time.perf_counter()
    store = open_store(job["store"], read_only=True)
    opened = time.perf_counter() - started
    _query_work(store, job)
    store.close()
    return {"open_ms": round(opened * 1000, 1), "rss_mib": rss_mib()}


def task_ox_validate(job: dict[str, Any]) -> dict[str, Any]:
    """Full validation (fast engine) of the store, then one new document incrementally."""
    import pyoxigraph as ox

    from strikegraph import fastvalidate as fv

    compiled = fv.compile_shapes(data_root=ROOT)
    store = ox.Store()
    store.bulk_load(path=job["trig"], format=ox.RdfFormat.TRIG)
    # The corpus's last document plays the new one: the store is validated without it, then
    # it is added and what it touches is validated.
    stem = f"syn-{job['docs']:06d}"
    graphs = [f"{SGG}{stem}/source", f"{SGG}{stem}/curated"]
    quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    for g in graphs:
        store.remove_graph(ox.NamedNode(g))
    started = time.perf_counter()
    report = fv.validate_store(store, compiled, infer=True)
    full = time.perf_counter() - started
    times = []
    results = 0
    for run in range(min(job["runs"], 3)):
        # validate_focus needs a current inferred graph; validate_store leaves it incomplete
        # (see H4's NOTE), and after removing data the contract is a reset. Not timed.
        fv.materialize_inferences(store, reset=True)
        started = time.perf_counter()
        store.extend(quads)
        inc = fv.validate_focus(store, graphs, compiled)
        times.append(time.perf_counter() - started)
        results = len(inc.results)
        if run < min(job["runs"], 3) - 1:
            for g in graphs:
                store.remove_graph(ox.NamedNode(g))
    return {
        "full_s": round(full, 2),
        "full_results": len(report.results),
        "incremental_median_ms": round(statistics.median(times) * 1000, 1),
        "incremental_runs_ms": [round(t * 1000, 1) for t in times],
        "incremental_quads": len(quads),
        "incremental_results": results,
        "rss_mib": rss_mib(),
    }


def task_ox_export(job: dict[str, Any]) -> dict[str, Any]:
    from strikegraph.export import export
    from strikegraph.store import open_store

    store = open_store(job["store"], read_only=True)
    target = Path(job["work"]) / "export-ox.nq"
    started = time.perf_counter()
    count = export(store, "nquads", target)
    seconds = time.perf_counter() - started
    store.close()
    size = target.stat().st_size
    target.unlink()
    return {"export_s": round(seconds, 2), "quads": count, "bytes": size, "rss_mib": rss_mib()}


def _rdflib_dataset(job: dict[str, Any]) -> tuple[Any, float]:
    from rdflib import Dataset

    from strikegraph.namespaces import bind_namespaces

    dataset = Dataset()
    started = time.perf_counter()
    dataset.parse(job["trig"], format="trig")
    seconds = time.perf_counter() - started
    bind_namespaces(dataset)
    return dataset, seconds


def task_rd_build(job: dict[str, Any]) -> dict[str, Any]:
    """What a user without strikegraph's store would do: rdflib Dataset.parse, serialize."""
    dataset, seconds = _rdflib_dataset(job)
    triples = len(dataset)
    out: dict[str, Any] = {
        "build_s": round(seconds, 2),
        "triples": triples,
        "triples_per_s": round(triples / seconds),
        "rss_after_load_mib": rss_mib(),
    }
    target = Path(job["work"]) / "export-rdflib.nq"
    started = time.perf_counter()
    dataset.serialize(destination=str(target), format="nquads")
    out["export_s"] = round(time.perf_counter() - started, 2)
    target.unlink()
    out["rss_mib"] = rss_mib()
    return out


def task_rd_query(job: dict[str, Any]) -> dict[str, Any]:
    dataset, _ = _rdflib_dataset(job)
    _query_work(dataset, job)
    return {"rss_mib": rss_mib()}


def task_pyshacl(job: dict[str, Any]) -> dict[str, Any]:
    from rdflib import Dataset

    from strikegraph.validate import validate_dataset

    dataset = Dataset()
    dataset.parse(job["trig"], format="trig")
    started = time.perf_counter()
    report = validate_dataset(dataset, data_root=ROOT, engine="pyshacl")
    return {
        "full_s": round(time.perf_counter() - started, 2),
        "full_results": len(report.results),
        "rss_mib": rss_mib(),
    }


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "ox-build": task_ox_build,
    "ox-query": task_ox_query,
    "ox-validate": task_ox_validate,
    "ox-export": task_ox_export,
    "rd-build": task_rd_build,
    "rd-query": task_rd_query,
    "pyshacl": task_pyshacl,
}
SGG = "https://w3id.org/strikegraph/id/graph/"


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(BENCH)])}


def run_child(task: str, job: dict[str, Any]) -> dict[str, Any]:
    """Run one task in a fresh interpreter; its JSON result is the last line of stdout."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", task, json.dumps(job)],
        capture_output=True,
        text=True,
        env=_child_env(),
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_items(task: str, job: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run a query task item by item; an item silent for ``timeout`` s is killed, recorded
    as timed out, and a new child carries on with the rest. Max RSS is over all children."""
    import selectors

    out: dict[str, Any] = {"queries": {}, "check": {}, "views": {}, "rss_mib": 0.0}
    skip: list[str] = []
    while True:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", task, json.dumps({**job, "skip": skip})],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            env=_child_env(),
        )
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        selector = selectors.DefaultSelector()
        selector.register(fd, selectors.EVENT_READ)
        current: str | None = None
        timed_out = False
        last: dict[str, Any] = {}
        pending = b""
        while True:
            # Raw reads and our own line splitting: a buffered reader could hold a line that
            # select() then never reports.
            # Loading the data (before the first item) may take longer than one item.
            if not selector.select(timeout if current is not None else max(timeout, 900.0)):
                timed_out = True
                break
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                message = json.loads(line)
                if "start" in message:
                    current = message["start"]
                elif "run" in message:
                    pass  # one more run of the current item finished: it is not stuck
                elif "item" in message:
                    group, name = message["item"].split("/", 1)
                    out[group][name] = message["result"]
                    skip.append(message["item"])
                    current = None
                else:
                    last = message
        selector.close()
        if timed_out and current is not None:
            proc.kill()
            proc.wait()
            group, name = current.split("/", 1)
            out[group][name] = {"timeout_s": timeout}
            skip.append(current)
            log(f"    {current}: stopped after {timeout:.0f} s")
            continue
        if timed_out:  # silent outside any item (loading): give up on this task
            proc.kill()
            out["error"] = f"no progress for {timeout:.0f} s outside any item"
        proc.wait()
        out["rss_mib"] = max(out["rss_mib"], last.get("rss_mib", 0.0))
        for key in ("open_ms",):
            if key in last:
                out[key] = last[key]
        if proc.returncode != 0 and not last:
            out["error"] = f"child exited with {proc.returncode}"
        return out


def cli_cold_start(
    store: Path, params: dict[str, str], runs: int, timeout: float
) -> dict[str, Any]:
    """Wall time of `strikegraph query permitted-uses` as a fresh process (median)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [
        sys.executable,
        "-m",
        "strikegraph",
        "query",
        "permitted-uses",
        "--store",
        str(store),
    ]
    for key, value in params.items():
        command += ["-p", f"{key}={value}"]
    command += ["-f", "csv"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"timeout_s": timeout}
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip()[-300:]}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python_s = time.perf_counter() - started
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "runs_ms": [round(t * 1000, 1) for t in times],
        "bare_python_ms": round(python_s * 1000, 1),
        "command": "python -m strikegraph query permitted-uses --store STORE -p ... -f csv",
    }


# -- the run ---------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    import pyoxigraph
    import rdflib

    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gib": round(mem / 2**30, 1),
        "python": platform.python_version(),
        "pyoxigraph": getattr(pyoxigraph, "__version__", "?"),
        "rdflib": rdflib.__version__,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from corpus import docs_for_triples, generate

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "command": " ".join(["python", "benchmarks/compare.py", *sys.argv[1:]]),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "runs": args.runs,
            "seed": args.seed,
            "rdflib_max_triples": args.rdflib_max,
            "pyshacl_max_triples": args.pyshacl_max,
            "item_timeout_s": args.item_timeout,
        },
        "sizes": [],
    }
    for target in [float(s) for s in args.sizes.split(",") if s]:
        docs = docs_for_triples(target)
        trig = work / f"corpus-{docs}.trig"
        row: dict[str, Any] = {"target_triples": int(target), "docs": docs}
        started = time.perf_counter()
        if not trig.exists():
            generate(work, docs, args.seed)
        row["corpus_s"] = round(time.perf_counter() - started, 2)
        row["corpus_bytes"] = trig.stat().st_size
        job = {
            "trig": str(trig),
            "store": str(work / f"store-{docs}"),
            "work": str(work),
            "docs": docs,
            "seed": args.seed,
            "runs": args.runs,
        }
        log(f"size {target:.0e}: {docs} documents, {trig.stat().st_size / 1e6:.0f} MB TriG")
        ox_row: dict[str, Any] = {}
        for task in ("ox-build", "ox-query", "ox-validate", "ox-export"):
            if task == "ox-query":
                ox_row["query"] = run_items(task, job, args.item_timeout)
            else:
                ox_row[task.split("-")[1]] = run_child(task, job)
            log(f"  oxigraph {task}: {_brief(ox_row[task.split('-')[1]])}")
        row["triples"] = ox_row["build"].get("triples")
        params = questions(docs, args.seed)["params"]["permitted-uses"]
        ox_row["cli"] = cli_cold_start(Path(job["store"]), params, args.cli_runs, args.item_timeout)
        in_process = ox_row["query"]["queries"].get("permitted-uses", {}).get("median_ms")
        if in_process and "median_ms" in ox_row["cli"]:
            # What a fresh process adds to the query itself: imports, opening the store.
            ox_row["cli"]["overhead_ms"] = round(ox_row["cli"]["median_ms"] - in_process, 1)
        log(f"  oxigraph cli: {_brief(ox_row['cli'])}")
        row["oxigraph"] = ox_row
        triples = row["triples"] or target
        if triples <= args.rdflib_max:
            rd_row: dict[str, Any] = {"main": run_child("rd-build", job)}
            # rdflib is stopped inside its child (SIGALRM) a little before the parent would
            # kill it, so that one slow item does not cost a reload of the data.
            rd_job = {**job, "deadline_s": args.item_timeout}
            rd_row["main"].update(run_items("rd-query", rd_job, args.item_timeout + 30))
            log(f"  rdflib: {_brief(rd_row['main'])}")
            if triples <= args.pyshacl_max:
                rd_row["validate"] = run_child("pyshacl", job)
                log(f"  pyshacl: {_brief(rd_row['validate'])}")
            else:
                rd_row["validate"] = {
                    "skipped": f"pyshacl only up to {args.pyshacl_max:.0e} triples"
                }
            row["rdflib"] = rd_row
        else:
            row["rdflib"] = {"skipped": f"rdflib only up to {args.rdflib_max:.0e} triples"}
            log(f"  rdflib: skipped above {args.rdflib_max:.0e} triples")
        results["sizes"].append(row)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        if not args.keep:
            shutil.rmtree(job["store"], ignore_errors=True)
    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return results


def _brief(row: dict[str, Any]) -> str:
    keys = ("error", "build_s", "triples_per_s", "full_s", "incremental_median_ms", "export_s")
    parts = [f"{k}={row[k]}" for k in keys if k in row]
    if "median_ms" in row:
        parts.append(f"median_ms={row['median_ms']}")
    if "rss_mib" in row:
        parts.append(f"rss={row['rss_mib']} MiB")
    return ", ".join(parts) or "done"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the report ------------------------------------------------------------------------------------


def _ms(entry: dict[str, Any] | None) -> float | None:
    if not entry:
        return None
    return entry.get("median_ms")


def _ms_or_cutoff(entry: dict[str, Any] | None) -> float | None:
    """The median, or the cut-off for an item that was stopped (a lower bound)."""
    if entry and "timeout_s" in entry:
        return float(entry["timeout_s"]) * 1000
    return _ms(entry)


def _fmt_ms(value: float | None, entry: dict[str, Any] | None = None) -> str:
    if value is None:
        if entry and "timeout_s" in entry:
            return f"> {entry['timeout_s'] * 1000:.0f}"
        return "–"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(
    fast: float | None,
    slow: float | None,
    slow_entry: dict[str, Any] | None = None,
    fast_entry: dict[str, Any] | None = None,
) -> str:
    if fast and slow:
        return f"{slow / fast:,.1f}×"
    if fast and slow_entry and "timeout_s" in slow_entry:
        return f"> {slow_entry['timeout_s'] * 1000 / fast:,.0f}×"
    if slow and fast_entry and "timeout_s" in fast_entry:  # rdflib finished, Oxigraph did not
        return f"< {slow / (fast_entry['timeout_s'] * 1000):,.2f}×"
    return "–"


def _s_as_ms(seconds: float | None) -> str:
    return "–" if seconds is None else _fmt_ms(seconds * 1000)


def render_markdown(results: dict[str, Any], plot_name: str | None = "compare.png") -> str:
    """benchmarks/RESULTS.md from the JSON results."""
    m = results.get("machine", {})
    lines = [
        "# Benchmarks: embedded Oxigraph store vs. plain rdflib in memory",
        "",
        "Generated by `benchmarks/compare.py` from its JSON results; do not edit by hand.",
        "",
        f"Command: `{results.get('command', '')}`",
        "",
        f"Machine: {m.get('platform', '?')}, {m.get('cpus', '?')} CPUs, "
        f"{m.get('memory_gib', '?')} GiB RAM, Python {m.get('python', '?')}, "
        f"pyoxigraph {m.get('pyoxigraph', '?')}, rdflib {m.get('rdflib', '?')}; "
        f"load average at start {m.get('load_average', '?')}. "
        f"Run {results.get('started', '?')} – {results.get('finished', '?')}.",
        "",
    ]
    s = results.get("settings", {})
    lines += [
        f"Times are medians of up to {s.get('runs', '?')} runs (fewer when one run is slow); "
        f"rdflib runs only up to {s.get('rdflib_max_triples', 0):.0e} triples and pyshacl only "
        f"up to {s.get('pyshacl_max_triples', 0):.0e} "
        "triples; a query, check or view (either engine) is stopped when one run takes "
        f"longer than {s.get('item_timeout_s', '?')} s. Peak memory is the max RSS of the process "
        "that ran the step (each group of steps runs in its own process). Ratio = rdflib / "
        "Oxigraph.",
        "",
    ]
    notes = results.get("notes") or []
    if notes:
        lines += ["Notes:", "", *(f"- {note}" for note in notes), ""]
    if plot_name:
        lines += [f"![time against size]({plot_name})", ""]
    sizes = results.get("sizes", [])
    lines += [
        "## Overview",
        "",
        "| triples | documents | build Oxigraph (s) | triples/s | bytes/triple on disk | "
        "build rdflib (s) | full SHACL fast (s) | incremental (ms) | export (s) | "
        "CLI cold start (ms) | peak RSS Oxigraph query (MiB) | peak RSS rdflib (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sizes:
        ox_ = row.get("oxigraph", {})
        b, v, e, c, q = (ox_.get(k, {}) for k in ("build", "validate", "export", "cli", "query"))
        rd = row.get("rdflib", {}).get("main", {})
        lines.append(
            f"| {row.get('triples') or row.get('target_triples'):,} | {row.get('docs'):,} | "
            f"{b.get('build_s', '–')} | {b.get('triples_per_s', 0):,} | "
            f"{b.get('bytes_per_triple', '–')} | {rd.get('build_s', '–')} | "
            f"{v.get('full_s', '–')} | {v.get('incremental_median_ms', '–')} | "
            f"{e.get('export_s', '–')} | {_fmt_ms(c.get('median_ms'), c)} | "
            f"{q.get('rss_mib', '–')} | "
            f"{rd.get('rss_mib', '–')} |"
        )
    lines.append("")
    for row in sizes:
        n = row.get("triples") or row.get("target_triples")
        ox_ = row.get("oxigraph", {})
        rd_all = row.get("rdflib", {})
        rd = rd_all.get("main", {})
        lines += [f"## {n:,} triples ({row.get('docs'):,} documents)", ""]
        if "skipped" in rd_all:
            lines += [f"rdflib: skipped ({rd_all['skipped']}).", ""]
        lines += [
            "| step | Oxigraph median (ms) | rows | rdflib median (ms) | ratio |",
            "|---|---:|---:|---:|---:|",
        ]
        q = ox_.get("query", {})
        for group in ("queries", "check", "views"):
            for name, entry in q.get(group, {}).items():
                other = rd.get(group, {}).get(name)
                label = {"queries": "query", "check": "check", "views": "view"}[group]
                lines.append(
                    f"| {label} `{name}` | {_fmt_ms(_ms(entry), entry)} | "
                    f"{entry.get('rows', '–')} | {_fmt_ms(_ms(other), other)} | "
                    f"{_ratio(_ms(entry), _ms(other), other, entry)} |"
                )
        b = ox_.get("build", {})
        v = ox_.get("validate", {})
        e = ox_.get("export", {})
        rv = rd_all.get("validate", {})
        lines += [
            f"| build (load + index) | {b.get('build_s', 0) * 1000:,.0f} | "
            f"{b.get('triples', '–')} | "
            f"{_s_as_ms(rd.get('build_s'))} | "
            f"{_ratio(b.get('build_s'), rd.get('build_s'))} |",
            f"| full SHACL validation (fast engine / pyshacl) | "
            f"{v.get('full_s', 0) * 1000:,.0f} | {v.get('full_results', '–')} results | "
            f"{_s_as_ms(rv.get('full_s')) if rv.get('full_s') else rv.get('skipped', '–')} | "
            f"{_ratio(v.get('full_s'), rv.get('full_s'))} |",
            f"| incremental validation, one new document ({v.get('incremental_quads', '?')} "
            f"quads) | {v.get('incremental_median_ms', '–')} | "
            f"{v.get('incremental_results', '–')} results | – | – |",
            f"| export N-Quads | {e.get('export_s', 0) * 1000:,.0f} | {e.get('quads', '–')} | "
            f"{_s_as_ms(rd.get('export_s'))} | "
            f"{_ratio(e.get('export_s'), rd.get('export_s'))} |",
            f"| CLI cold start `strikegraph query permitted-uses`, wall (of which start-up "
            f"overhead beyond the query: {ox_.get('cli', {}).get('overhead_ms', '–')} ms; bare "
            f"python: {ox_.get('cli', {}).get('bare_python_ms', '?')} ms) | "
            f"{_fmt_ms(ox_.get('cli', {}).get('median_ms'), ox_.get('cli'))} | – | – | – |",
            "",
            "Peak memory (max RSS, MiB): Oxigraph build "
            f"{b.get('rss_mib', '–')}, queries+check+views {q.get('rss_mib', '–')}, "
            f"validation {v.get('rss_mib', '–')}, export {e.get('rss_mib', '–')}; "
            f"rdflib load {rd.get('rss_after_load_mib', '–')}, load+queries+check+views+export "
            f"{rd.get('rss_mib', '–')}, pyshacl {rv.get('rss_mib', '–')}. "
            f"On disk: {b.get('disk_bytes', 0) / 2**20:,.1f} MiB, "
            f"{b.get('bytes_per_triple', '–')} bytes per triple.",
            "",
        ]
        errors = [
            f"{k}: {ox_[k]['error']}" for k in ox_ if isinstance(ox_[k], dict) and "error" in ox_[k]
        ]
        if errors:
            lines += ["Errors: " + "; ".join(errors), ""]
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    """Time against size (log-log), one line per step and engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = results.get("sizes", [])
    series: dict[str, list[tuple[int, float]]] = {}

    def add(name: str, triples: int, ms: float | None) -> None:
        if ms:
            series.setdefault(name, []).append((triples, ms / 1000))

    for row in sizes:
        n = row.get("triples") or row.get("target_triples")
        ox_ = row.get("oxigraph", {})
        rd = row.get("rdflib", {}).get("main", {})
        q = ox_.get("query", {})
        add("build (Oxigraph)", n, (ox_.get("build", {}).get("build_s") or 0) * 1000)
        add("build (rdflib)", n, (rd.get("build_s") or 0) * 1000)
        for engine, source in (("Oxigraph", q), ("rdflib", rd)):
            for group, label in (
                ("queries", "named queries"),
                ("check", "check"),
                ("views", "views"),
            ):
                times = [_ms_or_cutoff(e) for e in source.get(group, {}).values()]
                times = [x for x in times if x]
                if times:
                    add(f"{label}, median ({engine})", n, statistics.median(times))
        add("full SHACL, fast engine", n, (ox_.get("validate", {}).get("full_s") or 0) * 1000)
        add("incremental validation", n, ox_.get("validate", {}).get("incremental_median_ms"))
        add("CLI cold start", n, _ms_or_cutoff(ox_.get("cli")))
    fig, ax = plt.subplots(figsize=(9, 6))
    ax.set_prop_cycle(color=[plt.get_cmap("tab20")(i) for i in range(20)])
    for name, points in series.items():
        xs, ys = zip(*sorted(points), strict=True)
        ax.plot(xs, ys, marker="o", linestyle="--" if "rdflib" in name else "-", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples in the store")
    ax.set_ylabel("seconds")
    ax.set_title(
        "strikegraph: Oxigraph store (solid) vs. rdflib in memory (dashed)\n"
        "medians over the named queries / checks / views; a stopped item counts at the cut-off",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(results: dict[str, Any], markdown: Path, png: Path) -> None:
    plot(results, png)
    markdown.write_text(render_markdown(results, png.name), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="triples, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rdflib-max", type=float, default=RDFLIB_MAX)
    parser.add_argument("--pyshacl-max", type=float, default=PYSHACL_MAX)
    parser.add_argument("--work", default="/tmp/strikegraph-bench")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json")
    parser.add_argument("--markdown", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--png", type=Path, default=BENCH / "compare.png")
    parser.add_argument("--item-timeout", type=float, default=ITEM_TIMEOUT_S)
    parser.add_argument("--keep", action="store_true", help="keep the stores in --work")
    parser.add_argument("--report-only", action="store_true", help="regenerate from --json")
    parser.add_argument("--note", action="append", default=[], help="a note for RESULTS.md")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        task, job = args.child
        print(json.dumps(TASKS[task](json.loads(job))))
        return
    results = json.loads(args.json.read_text(encoding="utf-8")) if args.report_only else run(args)
    if args.note:
        results["notes"] = [*results.get("notes", []), *args.note]
    if not args.report_only or args.note:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    write_report(results, args.markdown, args.png)
    log(f"wrote {args.json}, {args.markdown}, {args.png}")


if __name__ == "__main__":
    main()
