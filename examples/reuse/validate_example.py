"""Validate another project's data with the strikegraph ontology and shapes, as installed.

This folder plays "another project": it extends the strikegraph ontology for the 1982
Falklands War (falklands.ttl), has shapes of its own (falklands-shapes.ttl) and sample data
(data/falklands-1982.trig). The script

1. loads its extension ontology and resolves its ``owl:imports`` of strikegraph to the file
   shipped inside the installed ``strikegraph`` package (``strikegraph/data/ontology/...``,
   found through ``strikegraph.resources``): nothing is fetched over the network;
2. merges strikegraph's SHACL shapes (``validation/*.ttl`` of the package) with its own;
3. validates its data against them (RDFS inference with the merged ontology, so that
   ``fk:RulesOfEngagementChange`` instances are checked as ``sg:Authorization`` ones);
4. prints the report and exits 0 if the data conforms, 1 if not.

Run it with ``python examples/reuse/validate_example.py`` (add ``--data FILE`` to validate
another file, ``--json`` for a JSON report). It needs only ``pip install strikegraph``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Graph

from strikegraph.errors import StrikegraphError
from strikegraph.load import load_file
from strikegraph.ontology import CORE_IRI, load_with_imports
from strikegraph.resources import data_dir, ontology_file
from strikegraph.validate import load_shapes, validate_dataset

HERE = Path(__file__).resolve().parent
EXTENSION = HERE / "falklands.ttl"
EXTENSION_IRI = "https://example.org/falklands/ontology"
SHAPES = HERE / "falklands-shapes.ttl"
DATA = HERE / "data" / "falklands-1982.trig"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the RDF file to validate")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    # 1. Our ontology plus everything it imports, resolved locally (the strikegraph core comes
    #    from the installed package's data folder).
    ontology = load_with_imports(EXTENSION, extra={EXTENSION_IRI: EXTENSION})
    print(f"strikegraph ontology: {ontology_file()}", file=sys.stderr)
    if (CORE_IRI, None, None) not in ontology:
        print("the strikegraph ontology was not imported", file=sys.stderr)
        return 2

    # 2. strikegraph's shapes (validation/*.ttl in the package) and ours.
    shapes, shape_files = load_shapes()
    shapes += Graph().parse(SHAPES, format="turtle")
    print(
        f"shapes: {', '.join(shape_files)} from {data_dir('validation')}, and {SHAPES.name}",
        file=sys.stderr,
    )

    # 3. Validate our data.
    try:
        data = load_file(args.data)
    except StrikegraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = validate_dataset(data, shapes=shapes, ontology=ontology)
    print(report.to_json() if args.json else report.render_text(), end="")
    return 0 if report.conforms else 1


if __name__ == "__main__":
    raise SystemExit(main())
