"""HTML documentation of the ontology, generated from the ontology itself.

``strikegraph ontology docs --output DIR`` writes:

* ``index.html``: the header metadata, the pattern diagrams, one section per class, property
  and named individual (anchor = local name, so ``…/ontology#Authorization`` and
  ``index.html#Authorization`` name the same term), the alignments, namespaces, the JSON-LD
  context and the changelog. No external script, font or style sheet is loaded;
* ``diagrams/{pattern}.svg``: the pattern diagrams as standalone files;
* the release artifacts linked from the page: the Turtle source, RDF/XML, JSON-LD and
  N-Triples serializations, the alignment module, the JSON-LD context and the changelog.

pyLODE was tried first and set aside: its current release (3.4.1) fails to import when
installed from a wheel (it reads its own pyproject.toml at import time), it pulls in an HTTP
client, and it has no place for pattern diagrams or examples.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS, VANN
from rdflib.term import Node

from strikegraph import atomicio
from strikegraph.errors import DataError
from strikegraph.ontology.diagrams import PATTERNS, render_svg, validate_pattern
from strikegraph.ontology.export import SGID, THING_KINDS, build_context, serialize
from strikegraph.ontology.files import (
    NAMESPACE,
    alignments_file,
    changelog_file,
    context_file,
    core_file,
    load_alignments,
    load_core,
)
from strikegraph.ontology.terms import KINDS, ClassExpression, Ontology, read_ontology

__all__ = ["DocsSummary", "build_docs", "render_html"]

BIBO_STATUS = URIRef("http://purl.org/ontology/bibo/status")

#: prefix -> namespace, for showing external IRIs as CURIEs (longest namespace wins).
DISPLAY_PREFIXES = {
    "sg": NAMESPACE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "vann": "http://purl.org/vocab/vann/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "schema": "https://schema.org/",
    "bibo": "http://purl.org/ontology/bibo/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
}
_BY_LENGTH = sorted(DISPLAY_PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)

MAPPING_PREDICATES = {
    RDFS.subClassOf: "sub-class of",
    RDFS.subPropertyOf: "sub-property of",
    OWL.equivalentClass: "equivalent class",
    OWL.equivalentProperty: "equivalent property",
    SKOS.exactMatch: "exact match",
    SKOS.closeMatch: "close match",
    SKOS.broadMatch: "broad match",
    SKOS.narrowMatch: "narrow match",
    SKOS.relatedMatch: "related match",
}

#: file name -> (what it is, media type); the docs command writes each of them.
DOWNLOADS = {
    "strikegraph.ttl": ("Turtle (the source)", "text/turtle"),
    "strikegraph.owl": ("RDF/XML", "application/rdf+xml"),
    "strikegraph.jsonld": ("JSON-LD", "application/ld+json"),
    "strikegraph.nt": ("N-Triples", "application/n-triples"),
    "strikegraph-alignments.ttl": ("alignment module (Turtle)", "text/turtle"),
    "context.jsonld": ("JSON-LD context", "application/ld+json"),
    "CHANGELOG.md": ("changelog", "text/markdown"),
}


def curie(iri: Node) -> str:
    text = str(iri)
    for prefix, namespace in _BY_LENGTH:
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


class Linker:
    """Turns IRIs and texts into HTML with links to the terms' sections."""

    def __init__(self, ontology: Ontology) -> None:
        self.ontology = ontology

    def iri(self, node: Node) -> Markup:
        if node == self.ontology.iri:
            return Markup('<a href="#metadata"><code>{}</code></a>').format(str(node))
        if (
            isinstance(node, URIRef)
            and str(node).startswith(NAMESPACE)
            and node in self.ontology.terms
        ):
            term = self.ontology.terms[node]
            return Markup('<a href="#{}" title="{}"><code>{}</code></a>').format(
                term.local, term.label, term.curie
            )
        if isinstance(node, URIRef):
            return Markup('<a href="{}" class="external"><code>{}</code></a>').format(
                str(node), curie(node)
            )
        return Markup("<code>{}</code>").format(str(node))

    def expression(self, expression: ClassExpression) -> Markup:
        parts = [self.iri(m) for m in expression.members]
        if expression.union:
            return Markup(" or ").join(parts)
        return parts[0]

    def node(self, graph: Graph, node: Node) -> Markup:
        """An IRI, or a blank node class/property expression the ontology uses."""
        if isinstance(node, BNode):
            inverse = graph.value(node, OWL.inverseOf)
            if inverse is not None:
                return Markup("inverse of ") + self.iri(inverse)
            expression = _expression(graph, node)
            if expression is not None:
                return self.expression(expression)
            return Markup("<em>an anonymous expression</em>")
        return self.iri(node)

    def text(self, text: str) -> Markup:
        """Escaped text in which ``sg:Term`` names link to their sections."""

        def link(match: re.Match[str]) -> str:
            iri = URIRef(NAMESPACE + match[1])
            if iri in self.ontology.terms:
                return f'<a href="#{match[1]}"><code>sg:{match[1]}</code></a>'
            return match[0]

        escaped = str(escape(text, quote=False))
        return Markup(re.sub(r"(?<![\w:/#-])sg:([A-Za-z_][A-Za-z0-9_]*)", link, escaped))

    def paragraphs(self, text: str) -> Markup:
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        return Markup("").join(
            Markup("<p>{}</p>").format(self.text(" ".join(b.split()))) for b in blocks
        )


def _expression(graph: Graph, node: Node) -> ClassExpression | None:
    from rdflib.collection import Collection

    union = graph.value(node, OWL.unionOf)
    if union is None:
        return None
    return ClassExpression(
        tuple(m for m in Collection(graph, union) if isinstance(m, URIRef)), True
    )


@dataclass
class Mapping:
    relation: str
    target: Markup


def _alignments(alignments: Graph, linker: Linker) -> dict[URIRef, list[Mapping]]:
    result: dict[URIRef, list[Mapping]] = {}
    for predicate, relation in MAPPING_PREDICATES.items():
        for s, o in alignments.subject_objects(predicate):
            if isinstance(s, URIRef) and str(s).startswith(NAMESPACE):
                result.setdefault(s, []).append(Mapping(relation, linker.node(alignments, o)))
    for mappings in result.values():
        mappings.sort(
            key=lambda m: (list(MAPPING_PREDICATES.values()).index(m.relation), str(m.target))
        )
    return result


def _header_rows(ontology: Ontology, linker: Linker) -> list[tuple[str, Markup]]:
    iri = ontology.iri

    def values(predicate: URIRef) -> Markup:
        nodes = ontology.header(predicate)
        return Markup(", ").join(
            linker.iri(n) if isinstance(n, URIRef) else Markup("{}").format(str(n)) for n in nodes
        )

    rows = [
        ("IRI", linker.iri(iri)),
        ("Version", Markup("{}").format(ontology.version)),
        ("Version IRI", values(OWL.versionIRI)),
        ("Prior version", values(OWL.priorVersion)),
        ("Backward compatible with", values(OWL.backwardCompatibleWith)),
        ("Status", values(BIBO_STATUS)),
        ("Created", values(DCTERMS.created)),
        ("Issued", values(DCTERMS.issued)),
        ("Modified", values(DCTERMS.modified)),
        ("Creators", values(DCTERMS.creator)),
        ("Publisher", values(DCTERMS.publisher)),
        ("License", values(DCTERMS.license)),
        ("Rights", values(DCTERMS.rights)),
        ("Preferred prefix", values(VANN.preferredNamespacePrefix)),
        ("Namespace", values(VANN.preferredNamespaceUri)),
        ("Cite as", values(DCTERMS.bibliographicCitation)),
        ("See also", values(RDFS.seeAlso)),
    ]
    return [(name, value) for name, value in rows if str(value)]


def _markdown(text: str) -> Markup:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).render(text)
    # headings of the changelog sit below the page's own h2
    html = re.sub(r"<(/?)h([1-4])>", lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", html)
    return Markup(html)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("strikegraph.ontology", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_html(
    core: Graph | None = None,
    alignments: Graph | None = None,
    *,
    changelog: str = "",
    generated: str | None = None,
    data_root: str | os.PathLike[str] | None = None,
) -> str:
    """The documentation page as HTML text."""
    core = core if core is not None else load_core(data_root)
    alignments = alignments if alignments is not None else load_alignments(data_root)
    ontology = read_ontology(core)
    linker = Linker(ontology)
    problems = [p for pattern in PATTERNS for p in validate_pattern(pattern, ontology)]
    if problems:
        raise DataError("the pattern diagrams do not match the ontology: " + "; ".join(problems))
    mappings = _alignments(alignments, linker)
    sections = [
        (kind, heading, ontology.by_kind(kind))
        for kind, (_, heading) in KINDS.items()
        if ontology.by_kind(kind)
    ]
    alignment_rows = [
        (ontology.terms[iri], mapping)
        for iri in sorted(mappings, key=lambda i: str(i).lower())
        if iri in ontology.terms
        for mapping in mappings[iri]
    ]
    context = build_context(core)["@context"]
    clashing = [k for k in THING_KINDS if context.get(k) != f"{SGID}{k}/"]
    alignment_ontology = next(iter(sorted(alignments.subjects(None, OWL.Ontology), key=str)), None)
    alignment_comment = (
        " ".join(str(c) for c in alignments.objects(alignment_ontology, RDFS.comment))
        if alignment_ontology is not None
        else ""
    )
    template = _environment().get_template("ontology.html.j2")
    return template.render(
        ontology=ontology,
        title=ontology.header_text(DCTERMS.title) or "strikegraph ontology",
        description=linker.paragraphs(ontology.header_text(DCTERMS.description)),
        notes=linker.paragraphs(ontology.header_text(RDFS.comment)),
        header_rows=_header_rows(ontology, linker),
        sections=sections,
        patterns=[(p, Markup(render_svg(p, inline=True))) for p in PATTERNS],
        link=linker.iri,
        expression=linker.expression,
        text=linker.text,
        mappings=mappings,
        alignment_rows=alignment_rows,
        alignment_comment=linker.paragraphs(alignment_comment),
        namespaces=sorted(DISPLAY_PREFIXES.items()),
        context_terms=len([k for k in context if not k.startswith("@")]),
        clashing_kinds=clashing,
        downloads=DOWNLOADS,
        changelog=_markdown(changelog) if changelog else Markup(""),
        generated=generated,
        is_example_code=lambda e: "\n" in e,
        literal=lambda v: isinstance(v, Literal),
    )


@dataclass
class DocsSummary:
    """What :func:`build_docs` wrote."""

    output: Path
    files: list[Path]
    terms: int


def _atomic_write(path: Path, data: bytes) -> None:
    atomicio.write_bytes(path, data)


def build_docs(
    output: str | os.PathLike[str],
    *,
    data_root: str | os.PathLike[str] | None = None,
    timestamp: bool = False,
) -> DocsSummary:
    """Write the documentation and the release artifacts into ``output`` (created if needed).

    The output is deterministic unless ``timestamp`` adds the generation time to the page.
    """
    out = Path(output)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "diagrams").mkdir(exist_ok=True)
    except OSError as exc:
        raise DataError(f"{out}: cannot create the output folder: {exc.strerror or exc}") from exc
    core = load_core(data_root)
    alignments = load_alignments(data_root)
    changelog_path = changelog_file(data_root)
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else ""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC") if timestamp else None
    html = render_html(core, alignments, changelog=changelog, generated=generated)
    written: list[Path] = []

    def write(name: str, data: bytes) -> None:
        path = out / name
        _atomic_write(path, data)
        written.append(path)

    write("index.html", html.encode("utf-8"))
    for pattern in PATTERNS:
        write(f"diagrams/{pattern.slug}.svg", render_svg(pattern).encode("utf-8"))
    write("strikegraph.ttl", core_file(data_root).read_bytes())
    write("strikegraph.owl", serialize(core, "xml"))
    write("strikegraph.jsonld", serialize(core, "json-ld"))
    write("strikegraph.nt", serialize(core, "nt"))
    write("strikegraph-alignments.ttl", alignments_file(data_root).read_bytes())
    context_path = context_file(data_root)
    if context_path.is_file():
        write("context.jsonld", context_path.read_bytes())
    else:
        from strikegraph.ontology.export import render_context

        write("context.jsonld", render_context(core).encode("utf-8"))
    if changelog_path.is_file():
        shutil.copyfile(changelog_path, out / "CHANGELOG.md")
        written.append(out / "CHANGELOG.md")
    terms = len(read_ontology(core).terms)
    return DocsSummary(out, written, terms)
