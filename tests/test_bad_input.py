"""Bad documents and data: one clear line, a non-zero exit, and the store exactly as before.

Every case runs the real command line (typer's CliRunner) against a store built in a temporary
folder, and compares the store's dump (every quad, as sorted N-Quads) before and after.
"""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from strikegraph.build import build
from strikegraph.cli import app
from strikegraph.documents import MAX_DOCUMENT_BYTES, read_text
from strikegraph.errors import DataError
from strikegraph.resources import DATA_DIR_ENV, data_root
from strikegraph.store import open_store

GOOD = (
    "Berlin has given Kyiv permission to use German weapons against targets in Russia, "
    "a government spokesman said on Friday.\n"
)
CYRILLIC = "Берлін дозволив Києву використовувати німецьку зброю.\n"


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's data built into a store once; each test works on its own copy."""
    target = tmp_path_factory.mktemp("bad-input") / "store"
    build(target, validate=False)
    return target


@pytest.fixture
def store(seed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(seed, tmp_path / "store"))


def dump(store: Path) -> str:
    with open_store(store, read_only=True) as opened:
        return opened.dump_nquads()


def run(args: list[str]) -> tuple[int, list[str]]:
    """Exit code and the non-empty lines of stderr."""
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, [line for line in result.stderr.splitlines() if line.strip()]


def assert_refused(store: Path, args: list[str], reason: str, code: int | None = None) -> str:
    """Run ``args``; the error names ``reason`` on one line; the store does not change."""
    before = dump(store)
    exit_code, lines = run(args)
    assert exit_code != 0 if code is None else exit_code == code, lines
    matching = [line for line in lines if reason in line]
    assert matching, f"no line says {reason!r}: {lines}"
    assert len(lines) <= 2, lines  # ingest: the document's line, then the summary line
    assert dump(store) == before
    return matching[0]


# -- documents given to ingest ---------------------------------------------------------------


def _doc(tmp_path: Path, content: bytes, name: str = "doc") -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(content)
    (tmp_path / f"{name}.meta.yaml").write_text("title: A test\npublished: 2024-05-31\n")
    return path


def _ingest(store: Path, doc: Path) -> list[str]:
    return ["ingest", str(doc), "--store", str(store)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the document text is empty"),
        (b" \n\t\n", "the document text is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data (a NUL byte at offset 8)"),
        (GOOD.encode("utf-16-le"), "binary data"),  # UTF-16 without a byte-order mark
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16-LE"),  # a lone surrogate
        (b"Kyiv\x00said", "NUL"),
    ],
    ids=["empty", "blank", "png", "utf16-no-bom", "utf16-broken", "nul"],
)
def test_unreadable_documents(store: Path, tmp_path: Path, content: bytes, reason: str) -> None:
    assert_refused(store, _ingest(store, _doc(tmp_path, content)), reason)


def test_windows_1251_names_the_first_bad_byte(store: Path, tmp_path: Path) -> None:
    text = "Kyiv, 31 May.\n" + CYRILLIC
    doc = _doc(tmp_path, text.encode("cp1251"))
    offset = len(b"Kyiv, 31 May.\n")
    line = assert_refused(store, _ingest(store, doc), f"not valid UTF-8 (byte offset {offset})")
    assert "doc.txt:2:" in line and "iconv" in line


def test_huge_document_is_refused_before_reading(store: Path, tmp_path: Path) -> None:
    doc = _doc(tmp_path, b"")
    chunk = GOOD.encode() * 1024
    with doc.open("wb") as handle:  # 30 MiB of text, written in tmp_path only
        for _ in range(30 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
    assert doc.stat().st_size > 6 * MAX_DOCUMENT_BYTES
    line = assert_refused(store, _ingest(store, doc), "MiB is more than a document may have")
    assert "(5 MiB)" in line


@pytest.mark.parametrize("bom", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_are_decoded(tmp_path: Path, bom: str) -> None:
    text = GOOD + CYRILLIC
    encoded = text.encode(bom) if bom != "utf-16-be" else codecs.BOM_UTF16_BE + text.encode(bom)
    doc = _doc(tmp_path, encoded)
    assert read_text(doc) == "\ufeff" + text  # the mark stays, as with UTF-8: text is verbatim
    exit_code, _ = run(["ingest", str(doc), "--dry-run"])
    assert exit_code == 0
    result = CliRunner().invoke(app, ["ingest", str(doc), "--dry-run"])
    assert "Берлін дозволив Києву" in result.stdout


def test_read_text_limit_and_messages(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"a" * (MAX_DOCUMENT_BYTES + 1))
    with pytest.raises(DataError, match="more than a document may have"):
        read_text(path)
    path.write_bytes(b"a" * MAX_DOCUMENT_BYTES)
    assert len(read_text(path)) == MAX_DOCUMENT_BYTES


# -- broken RDF and shapes violations on the build and validate paths ------------------------


def _tree(tmp_path: Path) -> Path:
    source = Path(__file__).resolve().parent / "fixtures" / "core" / "tree"
    return Path(shutil.copytree(source, tmp_path / "tree"))


def _build(store: Path, tree: Path) -> list[str]:
    return ["build", "--store", str(store), "--data-dir", str(tree)]


BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "broken-turtle": (
        lambda tree: (tree / "ontology" / "strikegraph.ttl").write_text(
            "@prefix sg: <https://w3id.org/strikegraph/ontology#> .\nsg:A a sg:B ;; sg:C .\n"
            "sg:D a \n"
        ),
        "strikegraph.ttl:",
    ),
    "broken-trig": (
        lambda tree: (tree / "graph" / "curated" / "broken.trig").write_text(
            '<http://e.org/g> { <http://e.org/a> <http://e.org/p> "unterminated }\n'
        ),
        "broken.trig:1:",
    ),
    "binary-trig": (
        lambda tree: (tree / "graph" / "curated" / "blob.trig").write_bytes(b"\x00\xff\xfe\x89"),
        "blob.trig",
    ),
    "triples-outside-graphs": (
        lambda tree: (tree / "graph" / "curated" / "loose.trig").write_text(
            "<http://e.org/a> <http://e.org/p> <http://e.org/o> .\n"
        ),
        "outside any GRAPH block",
    ),
    "bad-document-encoding": (
        lambda tree: (tree / "graph" / "documents" / "doc-a.txt").write_bytes(
            CYRILLIC.encode("cp1251")
        ),
        "not valid UTF-8 (byte offset 0)",
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_build_with_broken_data(store: Path, tmp_path: Path, case: str) -> None:
    tree = _tree(tmp_path)
    breakage, reason = BREAKAGES[case]
    breakage(tree)
    assert_refused(store, _build(store, tree), reason, code=2)


VIOLATION = """\
@prefix sg:   <https://w3id.org/strikegraph/ontology#> .
@prefix sgid: <https://w3id.org/strikegraph/id/> .
<https://w3id.org/strikegraph/id/graph/extra/curated> {
    sgid:authorization\\/no-grantee a sg:Authorization ;
        sg:grantor sgid:state\\/united-states .
}
"""


def test_build_with_a_shapes_violation(store: Path, tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    (tree / "graph" / "curated" / "extra.trig").write_text(VIOLATION)
    before = dump(store)
    result = CliRunner().invoke(app, _build(store, tree))
    assert result.exit_code == 1
    assert "an authorization needs a grantee" in result.stdout  # the report
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "does not conform" in errors[0], errors
    assert dump(store) == before


def test_validate_broken_and_violating_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e.org/a> <http://e.org/p> .\n")
    code, lines = run(["validate", str(broken)])
    assert code == 2 and len(lines) == 1 and "broken.ttl:1:" in lines[0], lines
    bad = tmp_path / "bad.trig"
    bad.write_text(VIOLATION)
    result = CliRunner().invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "Violation" in result.stdout or "violation" in result.stdout


# -- the lexicon -----------------------------------------------------------------------------


def _data_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    for folder in ("ontology", "graph", "queries", "validation"):
        shutil.copytree(data_root() / folder, root / folder)
    return root


LEXICON_BREAKAGES = {
    "unknown-prefix": ({"nosuchprefix:Thing": {"kind": "state", "forms": ["Thingland"]}}, "prefix"),
    "bad-iri": ({"state:bad iri<>": {"kind": "state", "forms": ["spokesman"]}}, "bad iri"),
}


@pytest.mark.parametrize("case", sorted(LEXICON_BREAKAGES))
def test_lexicon_entry_with_a_bad_iri(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    root = _data_copy(tmp_path)
    lexicon_path = root / "graph" / "lexicon.yaml"
    lexicon = yaml.safe_load(lexicon_path.read_text(encoding="utf-8"))
    entries, reason = LEXICON_BREAKAGES[case]
    lexicon["entities"].update(entries)
    lexicon_path.write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(root))
    doc = _doc(tmp_path, GOOD.encode())
    line = assert_refused(store, _ingest(store, doc), reason)
    assert "lexicon.yaml" in line


def test_unreadable_lexicon(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _data_copy(tmp_path)
    (root / "graph" / "lexicon.yaml").write_text("entities: [unclosed\n")
    monkeypatch.setenv(DATA_DIR_ENV, str(root))
    doc = _doc(tmp_path, GOOD.encode())
    assert_refused(store, _ingest(store, doc), "cannot read the lexicon")


# -- RDF/XML entity bombs --------------------------------------------------------------------

_RDFXML = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e.org/">'
    '<rdf:Description rdf:about="http://e.org/a"><ex:p>BODY</ex:p></rdf:Description></rdf:RDF>'
)
_LAUGHS = '<!ENTITY a0 "lol">' + "".join(
    f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
)
BOMBS = {
    "billion-laughs": f"<!DOCTYPE r [{_LAUGHS}]>" + _RDFXML.replace("BODY", "&a9;"),
    "quadratic": f'<!DOCTYPE r [<!ENTITY big "{"x" * 100_000}">]>'
    + _RDFXML.replace("BODY", "&big;" * 1000),
}


def _limited_memory() -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_rdfxml_entity_bomb_is_refused(tmp_path: Path, case: str) -> None:
    """In a child process with capped memory: unguarded, oxrdfxml aborts the whole process."""
    import os
    import subprocess
    import sys

    path = tmp_path / f"{case}.rdf"
    path.write_text('<?xml version="1.0"?>\n' + BOMBS[case])
    src = str(Path(__file__).resolve().parents[1] / "src")
    paths = [p for p in (os.environ.get("PYTHONPATH", ""), src) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    result = subprocess.run(
        [sys.executable, "-m", "strikegraph", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        preexec_fn=_limited_memory,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr[-500:]
    assert len(lines) == 1 and "entity-expansion attack guard" in lines[0], lines


def test_plain_internal_entities_still_load(tmp_path: Path) -> None:
    path = tmp_path / "protege.owl"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        '  <!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n'
        '  <!ENTITY ex "http://e.org/" >\n]>\n'
        + _RDFXML.replace('"http://e.org/a"', '"&ex;a"').replace("BODY", "&owl;")
    )
    from strikegraph.load import load_file

    objects = [str(quad[2]) for quad in load_file(path).quads()]
    assert objects == ["http://www.w3.org/2002/07/owl#"]


def test_deeply_nested_rdfxml_is_refused(tmp_path: Path) -> None:
    depth = 5000  # oxrdfxml's time grows with the square of the depth (20 000: 14 s)
    path = tmp_path / "deep.rdf"
    path.write_text(
        _RDFXML.replace(
            "BODY", "<rdf:Description><ex:p>" * depth + "</ex:p></rdf:Description>" * depth
        )
    )
    code, lines = run(["validate", str(path)])
    assert code == 2 and len(lines) == 1, lines
    assert "deep.rdf: the XML is nested more than 256 elements deep" in lines[0]
