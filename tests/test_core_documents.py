"""Documents become source graphs with their exact text and metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from strikegraph.documents import document_files, load_document, organisation_iri, slugify
from strikegraph.errors import DataError
from strikegraph.load import load_project
from strikegraph.namespaces import DCTERMS, OA, SCHEMA, SG, SGG, SGID
from strikegraph.queries import run_query
from strikegraph.store import open_store

DOC = SGID["document/doc-a"]


def _write(folder: Path, stem: str, text: bytes | str, meta: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.txt"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    if meta is not None:
        (folder / f"{stem}.meta.yaml").write_text(meta, encoding="utf-8")
    return path


def test_fixture_document_triples(core_tree: Path) -> None:
    text_path = core_tree / "graph" / "documents" / "doc-a.txt"
    doc = load_document(text_path)
    triples = set(doc.triples)
    raw = text_path.read_bytes().decode("utf-8")

    assert doc.iri == DOC
    assert doc.graph == SGG["doc-a/source"]
    assert (DOC, RDF.type, SG.Document) in triples
    assert (DOC, RDF.type, SCHEMA.NewsArticle) in triples
    assert (DOC, DCTERMS.identifier, Literal("doc-a")) in triples
    assert (DOC, DCTERMS.title, Literal("Allies “quietly” allow strikes – report")) in triples
    assert (DOC, SG.publisherName, Literal("The Daily Example")) in triples
    publisher = SGID["organisation/the-daily-example"]
    wire = SGID["organisation/wire-service-intl"]
    assert (DOC, DCTERMS.publisher, publisher) in triples
    assert (
        DOC,
        SCHEMA.url,
        URIRef("https://news.example.org/2024/05/allies-allow-strikes"),
    ) in triples
    assert (DOC, DCTERMS.issued, Literal("2024-05-30", datatype=XSD.date)) in triples
    assert (DOC, SG.dateCertainty, SG.ApproximateDate) in triples
    assert (DOC, DCTERMS.language, Literal("en")) in triples
    assert (DOC, SG.revised, Literal(True)) in triples
    assert {o for s, p, o in triples if p == SG.cites} == {wire, publisher}
    # The outlets are described apart, for the shared outlets graph (once per outlet).
    outlets = set(doc.outlets)
    for org, name in ((publisher, "The Daily Example"), (wire, "Wire Service (Intl.)")):
        assert (org, RDF.type, SG.MediaOutlet) in outlets
        assert (org, RDFS.label, Literal(name)) in outlets
        assert not any(s == org for s, _, _ in triples)
    assert not any(p == SG.dateMissing for _, p, _ in triples)

    # The text is stored exactly, with its length in code points (not bytes, not UTF-16 units).
    assert (DOC, SG.text, Literal(raw)) in triples
    assert doc.text == raw and raw.endswith("confirmed.   \n") and raw.startswith("Allies")
    assert (DOC, SG.textLength, Literal(len(raw), datatype=XSD.integer)) in triples
    assert len(raw) < len(raw.encode("utf-8")) < len(raw.encode("utf-16-le"))
    assert len(doc.triples) == len(triples), "no duplicate triples"


def _selector_rows(target: object) -> list[tuple[object, ...]]:
    query = """
        SELECT ?exact ?start ?end (SUBSTR(?text, ?start + 1, ?end - ?start) AS ?span) WHERE {
          ?annotation oa:hasTarget ?target .
          ?target oa:hasSource ?doc ; oa:hasSelector ?q , ?p .
          ?q a oa:TextQuoteSelector ; oa:exact ?exact .
          ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
          ?doc sg:text ?text .
        }"""
    return run_query(target, query).rows  # type: ignore[arg-type]


def test_offsets_are_code_points_on_both_engines(core_tree: Path) -> None:
    dataset = load_project(core_tree)
    text = str(dataset.value(DOC, SG.text))
    exact = str(next(dataset.objects(None, OA.exact)))
    start = int(next(dataset.objects(None, OA.start)))
    assert text.index("🚀") < start, "an astral character precedes the span"
    assert text[start : start + len(exact)] == exact

    memory_rows = _selector_rows(dataset)
    with open_store(memory=True) as store:
        store.replace_all(dataset)
        oxigraph_rows = _selector_rows(store)
    for rows in (memory_rows, oxigraph_rows):
        assert len(rows) == 1
        exact_lit, _, _, span = rows[0]
        assert str(span) == str(exact_lit) == exact


def test_text_is_not_normalised(tmp_path: Path) -> None:
    text = "\ufeffFirst line\r\nSecond\tline  \r\n\n  e\u0301 vs \u00e9\n"
    path = _write(tmp_path, "crlf", text, "title: CRLF and BOM\n")
    doc = load_document(path)
    assert doc.text == text
    assert (doc.iri, SG.text, Literal(text)) in doc.triples
    assert (doc.iri, SG.textLength, Literal(len(text), datatype=XSD.integer)) in doc.triples


def test_missing_date_and_minimal_meta(tmp_path: Path) -> None:
    doc = load_document(_write(tmp_path, "bare", "x", "title: Only a title\n"))
    triples = set(doc.triples)
    assert (doc.iri, SG.dateMissing, Literal(True)) in triples
    assert (doc.iri, SG.dateCertainty, SG.UnknownDate) in triples
    assert not any(p in (DCTERMS.issued, DCTERMS.publisher, SG.cites) for _, p, _ in triples)


@pytest.mark.parametrize(
    ("meta", "fragment"),
    [
        ("- just\n- a list\n", "must be a mapping"),
        ("publisher: X\n", "'title' is required"),
        ("title: T\npublished: 2024-13-01\n", "'published'"),
        ("title: T\npublished: May 2024\n", "'published'"),
        ("title: T\npublished: 2024-05-30T10:00:00Z\n", "YYYY-MM-DD"),
        ("title: T\npublished: 2024-05-30\npublished_certainty: roughly\n", "published_certainty"),
        ("title: T\nrevised: yes please\n", "'revised'"),
        ("title: T\nurl: not a url\n", "'url'"),
        ("title: T\npublsher: typo\n", "unknown metadata key"),
        ("title: T\ncites: Politico\n", "'cites'"),
        ("title: T\ncites:\n  - {name: Politico}\n", "'cites'"),
        ("title: [unclosed\n", "invalid YAML"),
        ("title: ''\n", "'title'"),
        ("title: T\npublisher: '!!!'\n", "no letters or digits"),
    ],
)
def test_bad_meta_is_rejected(tmp_path: Path, meta: str, fragment: str) -> None:
    path = _write(tmp_path, "bad", "some text", meta)
    with pytest.raises(DataError) as info:
        load_document(path)
    assert fragment in str(info.value)
    assert "bad.meta.yaml" in str(info.value)


def test_yaml_error_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "yaml", "text", "title: fine\nlanguage: en\ncites: [a, b\n")
    with pytest.raises(DataError, match=r"yaml\.meta\.yaml:\d+: invalid YAML"):
        load_document(path)


def test_bad_text_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"latin\.txt:2: not valid UTF-8"):
        load_document(_write(tmp_path, "latin", b"ok\ncaf\xe9\n", "title: T\n"))
    with pytest.raises(DataError, match="empty"):
        load_document(_write(tmp_path, "empty", b"", "title: T\n"))
    with pytest.raises(DataError, match="missing metadata"):
        load_document(_write(tmp_path, "nometa", "text", None))


def test_orphan_meta_file(tmp_path: Path) -> None:
    (tmp_path / "lonely.meta.yaml").write_text("title: T\n", encoding="utf-8")
    with pytest.raises(DataError, match="no matching text file lonely.txt"):
        document_files(tmp_path)


def test_slugs() -> None:
    assert slugify("The New York Times") == "the-new-york-times"
    assert slugify("  RT ") == "rt"
    assert slugify("Wire Service (Intl.)") == "wire-service-intl"
    assert slugify("Süddeutsche Zeitung") == "s-ddeutsche-zeitung"
    assert organisation_iri("Politico") == SGID["organisation/politico"]
