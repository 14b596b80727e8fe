"""Ingest throughput: documents per second, whole pipeline, into an on-disk store.

Generates N article variants from the seed and the dev articles (entities and dates
permuted: states, officials and weapons swapped for others of the same kind, publication
dates shifted), then times `strikegraph.ingest.ingest` end to end: reading text + sidecar,
extraction, graph writing, conversion of the graphs to pyoxigraph terms, SHACL validation
(batched, with the background loaded once: fastvalidate.OverlayValidator) and storage (one
transaction per ``--store-chunk`` documents) into an on-disk Oxigraph store. Prints each
stage in ms per document, the total, and the process's CPU time next to the wall time (on a
busy machine the wall time includes waiting for a core).

    python benchmarks/ingest_throughput.py [--docs 300] [--batch 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from strikegraph.extract.gazetteer import load_gazetteer  # noqa: E402
from strikegraph.ingest import ingest  # noqa: E402
from strikegraph.store import open_store  # noqa: E402

SOURCES = [
    ROOT / "graph" / "documents" / "article-001.txt",
    *sorted((ROOT / "tests" / "gold" / "dev-articles").glob("*.txt")),
]
SWAPS = [
    ("Biden", "Trump"),
    ("Blinken", "Sullivan"),
    ("Germany", "Poland"),
    ("German", "Polish"),
    ("France", "Italy"),
    ("French", "Italian"),
    ("Kharkiv", "Sumy"),
    ("Kharkov", "Sumy"),
    ("ATACMS", "HIMARS"),
    ("Storm Shadow", "SCALP"),
    ("Britain", "Canada"),
    ("British", "Canadian"),
    ("Lavrov", "Peskov"),
    ("Crimea", "Belgorod"),
    ("Kursk", "Bryansk"),
]


def make_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    texts = [
        (
            p.read_text(encoding="utf-8"),
            p.with_name(p.stem + ".meta.yaml").read_text(encoding="utf-8"),
        )
        for p in SOURCES
    ]
    out = []
    for i in range(n):
        text, meta = texts[i % len(texts)]
        for a, b in rng.sample(SWAPS, k=rng.randint(0, 5)):
            text = re.sub(rf"\b{re.escape(a)}\b", b, text)
        date = dt.date(2024, 5, 1) + dt.timedelta(days=rng.randint(0, 200))
        meta = re.sub(r"published: \S+", f"published: {date.isoformat()}", meta)
        meta = re.sub(r"revised: \S+", "revised: false", meta)
        path = folder / f"bench-{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        path.with_name(path.stem + ".meta.yaml").write_text(meta, encoding="utf-8")
        out.append(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--batch", type=int, default=200, help="documents per validation run")
    parser.add_argument(
        "--store-chunk", type=int, default=1, help="validated documents per store transaction"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpus and store here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="sg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir()
    files = make_corpus(corpus, args.docs)
    store_dir = work / "store"
    shutil.rmtree(store_dir, ignore_errors=True)

    t0 = time.perf_counter()
    load_gazetteer()
    t_gaz = time.perf_counter() - t0

    with open_store(store_dir) as store:
        t1 = time.perf_counter()
        cpu1 = time.process_time()
        timings: dict[str, float] = {}
        cpu_timings: dict[str, float] = {}
        reports = ingest(
            files,
            store,
            batch_size=args.batch,
            timings=timings,
            cpu_timings=cpu_timings,
            store_chunk=args.store_chunk,
        )
        elapsed = time.perf_counter() - t1
        cpu = time.process_time() - cpu1
        quads = store.triple_count()
    ok = sum(r.ok for r in reports)
    print(f"documents:        {len(files)} ({ok} stored, {len(files) - ok} failed)")
    print(f"gazetteer load:   {t_gaz:.2f} s (once per process, not counted)")
    print(f"ingest wall time: {elapsed:.2f} s  (extract + validate + store, on-disk store)")
    print(f"ingest CPU time:  {cpu:.2f} s  (this process; less than wall = waiting for a core)")
    print(f"throughput:       {len(files) / elapsed:.1f} documents/s")
    print(f"store quads:      {quads}")
    n = max(1, len(files))
    print("stage      wall ms/doc  CPU ms/doc  docs/s (wall, stage alone)")
    for stage, seconds in timings.items():
        rate = len(files) / seconds if seconds else 0.0
        print(
            f"  {stage:<9} {seconds * 1000 / n:9.2f}  {cpu_timings[stage] * 1000 / n:10.2f}"
            f"  {rate:8.1f}"
        )
    print(f"  {'total':<9} {elapsed * 1000 / n:9.2f}  {cpu * 1000 / n:10.2f}  {n / elapsed:8.1f}")
    print(f"CPU-bound throughput: {n / cpu:.1f} documents/s (what one free core would give)")
    for r in reports:
        if not r.ok:
            print("FAILED:", r.summary())
            break
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
