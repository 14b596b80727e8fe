"""Extraction-stage speed: milliseconds per document for extract() + write_graph().

The texts (the seed article and the dev articles) and their metadata are read once; the
loop then times only what ``strikegraph.ingest.prepare`` does after reading the file:
``extract`` (sentences, mentions, coreference, dates, relations) and ``write_graph``
(the extracted graph's triples). The gazetteer is built once before timing, as ingest does.

    python benchmarks/extract_speed.py [--rounds 50] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from strikegraph.extract.gazetteer import load_gazetteer  # noqa: E402
from strikegraph.extract.graph_writer import write_graph  # noqa: E402
from strikegraph.extract.pipeline import DocumentInput, extract  # noqa: E402
from strikegraph.ingest import IngestOptions, prepare  # noqa: E402

SOURCES = [
    ROOT / "graph" / "documents" / "article-001.txt",
    *sorted((ROOT / "tests" / "gold" / "dev-articles").glob("*.txt")),
]


def inputs() -> list[DocumentInput]:
    """The documents as ``prepare`` hands them to the extractor (text, date, publisher)."""
    out = []
    for path in SOURCES:
        doc = prepare(path, IngestOptions()).result.doc
        out.append(doc)
    return out


def run(docs: list[DocumentInput], rounds: int) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds) of each pass over ``docs``."""
    gaz = load_gazetteer()
    times = []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for doc in docs:
            write_graph(extract(doc, gaz))
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def _ms(seconds: float, n: int) -> str:
    return f"{1000 * seconds / n:6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="passes over the documents")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (with --profile)")
    args = parser.parse_args()
    docs = inputs()
    run(docs, 2)  # warm-up: gazetteer, regex and term caches
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(docs, args.rounds)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)
        return
    times = run(docs, args.rounds)
    n = len(docs)
    walls = sorted(t[0] for t in times)
    cpus = sorted(t[1] for t in times)
    print(f"documents: {n} x {args.rounds} rounds (extract + write_graph, no file reading)")
    print("ms per document      median   best")
    print(f"  wall clock         {_ms(walls[len(walls) // 2], n)} {_ms(walls[0], n)}")
    print(f"  CPU (this process) {_ms(cpus[len(cpus) // 2], n)} {_ms(cpus[0], n)}")
    print(f"documents per second (median wall): {n / walls[len(walls) // 2]:.0f}")
    print("per document, best CPU ms:")
    for doc in docs:
        single = run([doc], max(3, args.rounds // 5))
        print(f"  {doc.stem:<22} {_ms(min(t[1] for t in single), 1)}")


if __name__ == "__main__":
    main()
