"""Turn ``graph/documents/{doc}.txt`` + ``{doc}.meta.yaml`` into the ``sgg:{doc}/source`` graph.

The text is stored verbatim in ``sg:text`` because evidence annotations point into it by
code-point offsets: any stripping or normalisation would silently break every selector.

What counts as a readable document (:func:`read_text`): at most :data:`MAX_DOCUMENT_BYTES`
(5 MiB) on disk, UTF-8, or UTF-16/UTF-32 *with* a byte-order mark (the mark stays in the text
as U+FEFF, verbatim), no NUL characters, not empty. Anything else is refused with one line
that says why (for text in another encoding, such as Windows-1251, the offset of the first
byte that is not UTF-8): we never guess an encoding, because a wrong guess silently corrupts
the text the evidence offsets point into.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from strikegraph.errors import DataError
from strikegraph.namespaces import DCTERMS, SCHEMA, SG, SGG, SGID

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "META_KEYS",
    "SourceDocument",
    "build_document",
    "check_meta",
    "document_files",
    "document_iri",
    "load_document",
    "organisation_iri",
    "read_meta",
    "read_text",
    "slugify",
    "source_graph_iri",
]

META_KEYS = frozenset(
    {
        "title",
        "publisher",
        "url",
        "language",
        "published",
        "published_certainty",
        "revised",
        "cites",
    }
)
_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_ABSOLUTE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]+$')
_CERTAINTY = {"exact": SG.ExactDate, "approximate": SG.ApproximateDate}

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
"""Largest document file read (a news article is tens of kB; this leaves room for reports)."""

# Longest BOM first: the UTF-32-LE mark starts with the UTF-16-LE one. The explicit-endian
# codecs keep the mark as U+FEFF, as UTF-8 decoding does: the text is kept verbatim.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class SourceDocument:
    """One document: its IRI, its source graph IRI, its text and the graph's triples.

    ``outlets`` describes the media outlets the metadata names (type and label). They belong
    in the shared :data:`~strikegraph.namespaces.OUTLETS_GRAPH`, not in the source graph: one
    description per outlet, whichever documents name it (see there why).
    """

    stem: str
    iri: URIRef
    graph: URIRef
    text: str
    triples: tuple[Triple, ...]
    outlets: tuple[Triple, ...] = ()


def slugify(name: str) -> str:
    """Lower-case ``name`` and turn runs of characters other than a-z and 0-9 into ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def document_iri(stem: str) -> URIRef:
    """``sgid:document/{stem}``."""
    return SGID[f"document/{stem}"]


def source_graph_iri(stem: str) -> URIRef:
    """``sgg:{stem}/source``."""
    return SGG[f"{stem}/source"]


def organisation_iri(name: str) -> URIRef:
    """``sgid:organisation/{slug}`` for a publisher name."""
    slug = slugify(name)
    if not slug:
        raise ValueError(f"publisher name {name!r} has no letters or digits")
    return SGID[f"organisation/{slug}"]


def document_files(folder: Path) -> list[Path]:
    """The ``*.txt`` files of a documents folder, sorted; orphan meta files are an error."""
    if not folder.is_dir():
        return []
    texts = sorted(folder.glob("*.txt"))
    stems = {path.stem for path in texts}
    for meta in sorted(folder.glob("*.meta.yaml")):
        stem = meta.name[: -len(".meta.yaml")]
        if stem not in stems:
            raise DataError(f"{meta}: no matching text file {stem}.txt")
    return texts


def _decode(raw: bytes, path: Path) -> str:
    codec = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    if codec is None:
        nul = raw.find(b"\x00")
        if nul >= 0:
            raise DataError(
                f"{path}: binary data (a NUL byte at offset {nul}), not a text document "
                "(UTF-16 text needs a byte-order mark)"
            )
        codec = "utf-8"
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        if codec != "utf-8":
            name = codec.upper()
            raise DataError(f"{path}: not valid {name} (byte offset {exc.start})") from exc
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}:{line}: not valid UTF-8 (byte offset {exc.start}); another encoding? "
            "convert the file to UTF-8 (e.g. iconv -f WINDOWS-1251 -t UTF-8)"
        ) from exc
    if "\x00" in text:
        raise DataError(f"{path}: the text contains NUL characters, not a text document")
    return text


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DataError(
                f"{path}: {size / 1024 / 1024:.1f} MiB is more than a document may have "
                f"({MAX_DOCUMENT_BYTES // 1024 // 1024} MiB); split it into several documents"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    text = _decode(raw, path)
    if not text:
        raise DataError(f"{path}: the document text is empty")
    return text


class _MetaLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader without implicit timestamps: dates stay strings and are checked by us."""


_MetaLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in getattr(
        yaml, "CSafeLoader", yaml.SafeLoader
    ).yaml_implicit_resolvers.items()
}


def _read_meta(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError(f"{path}: missing metadata file for {path.name[: -len('.meta.yaml')]}.txt")
    try:
        content = path.read_text(encoding="utf-8")
        meta = yaml.load(content, Loader=_MetaLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 (byte offset {exc.start})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError(f"{path}{where}: invalid YAML: {' '.join(str(problem).split())}") from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not isinstance(meta, dict):
        raise DataError(f"{path}: metadata must be a mapping of keys to values")
    unknown = sorted(str(key) for key in meta if key not in META_KEYS)
    if unknown:
        raise DataError(
            f"{path}: unknown metadata key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(META_KEYS))})"
        )
    return meta


def _string(meta: dict[str, Any], key: str, path: Path) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{path}: '{key}' must be a non-empty string, got {value!r}")
    return value


def _date(value: object, path: Path) -> dt.date:
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise DataError(f"{path}: 'published' must be a date (YYYY-MM-DD), got {value!r}")


def _organisation(name: str, path: Path) -> URIRef:
    try:
        return organisation_iri(name)
    except ValueError as exc:
        raise DataError(f"{path}: {exc}") from exc


def _cited_names(meta: dict[str, Any], path: Path) -> list[str]:
    cites = meta.get("cites")
    if cites is None:
        return []
    if not isinstance(cites, list):
        raise DataError(f"{path}: 'cites' must be a list of {{publisher: name}} entries")
    names = []
    for entry in cites:
        name = entry.get("publisher") if isinstance(entry, dict) else entry
        if isinstance(entry, dict) and set(entry) - {"publisher"}:
            raise DataError(f"{path}: a 'cites' entry may only have the key 'publisher': {entry!r}")
        if not isinstance(name, str) or not name.strip():
            raise DataError(f"{path}: each 'cites' entry needs a publisher name, got {entry!r}")
        names.append(name)
    return names


def load_document(text_path: Path) -> SourceDocument:
    """Read one document and its metadata and return its source-graph triples."""
    text_path = Path(text_path)
    stem = text_path.stem
    if not _STEM.match(stem):
        raise DataError(f"{text_path}: file name must match [A-Za-z0-9][A-Za-z0-9._-]*")
    meta_path = text_path.with_name(f"{stem}.meta.yaml")
    meta = _read_meta(meta_path)
    text = _read_text(text_path)
    return build_document(stem, text, meta, meta_path)


def check_meta(meta: dict[str, Any], where: Path) -> dict[str, Any]:
    """Reject unknown metadata keys (as a sidecar file would be)."""
    unknown = sorted(str(key) for key in meta if key not in META_KEYS)
    if unknown:
        raise DataError(
            f"{where}: unknown metadata key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(META_KEYS))})"
        )
    return meta


def read_meta(path: Path) -> dict[str, Any]:
    """Read and check a ``{doc}.meta.yaml`` file (``DataError`` if malformed)."""
    return _read_meta(path)


def read_text(path: Path) -> str:
    """Read a document text (``DataError`` if too big, binary, not UTF-8/16/32, or empty)."""
    return _read_text(path)


def build_document(stem: str, text: str, meta: dict[str, Any], meta_path: Path) -> SourceDocument:
    """The source graph of a document from its text and metadata mapping."""
    if not _STEM.match(stem):
        raise DataError(f"{meta_path}: document name must match [A-Za-z0-9][A-Za-z0-9._-]*")
    check_meta(meta, meta_path)
    doc = document_iri(stem)
    triples: list[Triple] = [
        (doc, RDF.type, SG.Document),
        (doc, RDF.type, SCHEMA.NewsArticle),
        (doc, DCTERMS.identifier, Literal(stem)),
        (doc, SG.text, Literal(text)),
        (doc, SG.textLength, Literal(len(text), datatype=XSD.integer)),
    ]

    title = _string(meta, "title", meta_path)
    if title is None:
        raise DataError(f"{meta_path}: 'title' is required")
    triples.append((doc, DCTERMS.title, Literal(title)))

    outlets: dict[URIRef, str] = {}
    publisher = _string(meta, "publisher", meta_path)
    if publisher is not None:
        org = _organisation(publisher, meta_path)
        outlets.setdefault(org, publisher)
        triples += [(doc, SG.publisherName, Literal(publisher)), (doc, DCTERMS.publisher, org)]

    url = _string(meta, "url", meta_path)
    if url is not None:
        if not _ABSOLUTE_IRI.match(url):
            raise DataError(f"{meta_path}: 'url' must be an absolute IRI, got {url!r}")
        triples.append((doc, SCHEMA.url, URIRef(url)))

    certainty_name = meta.get("published_certainty", "exact")
    if certainty_name not in _CERTAINTY:
        raise DataError(
            f"{meta_path}: 'published_certainty' must be 'exact' or 'approximate', "
            f"got {certainty_name!r}"
        )
    if meta.get("published") is None:
        triples += [
            (doc, SG.dateMissing, Literal(True)),
            (doc, SG.dateCertainty, SG.UnknownDate),
        ]
    else:
        issued = _date(meta["published"], meta_path)
        triples += [
            (doc, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)),
            (doc, SG.dateCertainty, _CERTAINTY[certainty_name]),
        ]

    language = _string(meta, "language", meta_path)
    if language is not None:
        if not _LANGUAGE.match(language):
            raise DataError(f"{meta_path}: 'language' must be a language tag, got {language!r}")
        triples.append((doc, DCTERMS.language, Literal(language)))

    if "revised" in meta and meta["revised"] is not None:
        if not isinstance(meta["revised"], bool):
            raise DataError(
                f"{meta_path}: 'revised' must be true or false, got {meta['revised']!r}"
            )
        triples.append((doc, SG.revised, Literal(meta["revised"])))

    for name in _cited_names(meta, meta_path):
        org = _organisation(name, meta_path)
        outlets.setdefault(org, name)
        triples.append((doc, SG.cites, org))

    described = [
        triple
        for org, name in outlets.items()
        for triple in ((org, RDF.type, SG.MediaOutlet), (org, RDFS.label, Literal(name)))
    ]
    return SourceDocument(
        stem=stem,
        iri=doc,
        graph=source_graph_iri(stem),
        text=text,
        triples=tuple(dict.fromkeys(triples)),
        outlets=tuple(described),
    )
