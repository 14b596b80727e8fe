"""``strikegraph ontology docs``: every term documented, no broken anchors, sound diagrams."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from strikegraph.cli_ontology import register
from strikegraph.ontology.diagrams import PATTERNS, Edge, Pattern, render_svg, validate_pattern
from strikegraph.ontology.docs import DOWNLOADS, build_docs
from strikegraph.ontology.files import load_core
from strikegraph.ontology.terms import read_ontology


class Page(HTMLParser):
    """Collects ids, links and resource references of an HTML page, and each term section."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.resources: list[str] = []
        self.sections: dict[str, str] = {}
        self._stack: list[tuple[str, str | None]] = []
        self._text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.resources.append(values["src"] or "")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.resources.append(values.get("href") or "")
        if tag == "script":
            self.resources.append("<script>")
        term = (
            values.get("id") if tag == "section" and "term" in (values.get("class") or "") else None
        )
        if tag not in ("br", "meta", "link", "img", "input", "hr", "path", "line", "rect"):
            self._stack.append((tag, term))
            if term:
                self._text[term] = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "meta", "link", "img", "input", "hr", "path", "line", "rect"):
            return
        while self._stack:
            open_tag, term = self._stack.pop()
            if term:
                self.sections[term] = " ".join("".join(self._text.pop(term)).split())
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, term in self._stack:
            if term:
                self._text[term].append(data)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """strikegraph"""

    register(app)
    result = CliRunner().invoke(app, ["ontology", "docs", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "index.html" in result.output
    return out


@pytest.fixture(scope="module")
def page(docs: Path) -> Page:
    parser = Page()
    parser.feed((docs / "index.html").read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_every_term_is_documented_with_label_and_definition(page: Page) -> None:
    ontology = read_ontology(load_core())
    assert set(page.sections) == {term.local for term in ontology.terms.values()}
    for term in ontology.terms.values():
        text = page.sections[term.local]
        assert term.curie in text
        assert " ".join(term.definition.split()) in text, term.local
        assert str(term.iri) in text
        for example in term.examples:
            assert " ".join(example.split())[:40] in text, term.local


def test_ids_are_unique_and_no_anchor_is_broken(page: Page) -> None:
    assert len(page.ids) == len(set(page.ids))
    fragments = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert fragments
    broken = sorted({f for f in fragments if f not in set(page.ids)})
    assert broken == []


def test_every_relative_link_points_to_a_written_file(docs: Path, page: Page) -> None:
    relative = {h.split("#")[0] for h in page.hrefs if not h.startswith(("#", "http", "mailto:"))}
    assert relative >= set(DOWNLOADS)
    for link in relative:
        assert (docs / link).is_file(), link


def test_page_loads_nothing_from_elsewhere(page: Page) -> None:
    assert page.resources == []


def test_page_has_metadata_patterns_and_sections(page: Page) -> None:
    for section in (
        "metadata",
        "overview",
        "patterns",
        "class",
        "object-property",
        "datatype-property",
        "individual",
        "alignments",
        "namespaces",
        "json-ld-context",
        "changelog",
    ):
        assert section in page.ids, section
    for pattern in PATTERNS:
        assert f"pattern-{pattern.slug}" in page.ids


def test_downloads_are_the_ontology_in_each_format(docs: Path) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    core = load_core()
    for name, fmt in (
        ("strikegraph.ttl", "turtle"),
        ("strikegraph.owl", "xml"),
        ("strikegraph.jsonld", "json-ld"),
        ("strikegraph.nt", "nt"),
    ):
        assert isomorphic(core, Graph().parse(docs / name, format=fmt)), name


def test_diagram_files_are_svg_whose_links_reach_the_page(docs: Path, page: Page) -> None:
    for pattern in PATTERNS:
        root = ET.parse(docs / "diagrams" / f"{pattern.slug}.svg").getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        links = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
        assert links
        for link in links:
            assert link is not None and link.startswith("../index.html#")
            assert link.split("#")[1] in page.ids


def test_diagrams_agree_with_the_ontology() -> None:
    ontology = read_ontology(load_core())
    for pattern in PATTERNS:
        assert validate_pattern(pattern, ontology) == [], pattern.slug


def test_authorization_diagram_shows_every_property_of_a_rule() -> None:
    ontology = read_ontology(load_core())
    [pattern] = [p for p in PATTERNS if p.slug == "authorization"]
    shown = {e.label for e in pattern.edges}
    rule_classes = {"UsePolicy", "Authorization", "Prohibition"}
    for term in ontology.terms.values():
        if term.kind.endswith("property") and any(
            str(m).rsplit("#", 1)[-1] in rule_classes for e in term.domain for m in e.members
        ):
            assert term.curie in shown, term.curie


def test_a_diagram_edge_outside_the_domain_is_caught() -> None:
    ontology = read_ontology(load_core())
    wrong = Pattern(
        slug="wrong",
        title="wrong",
        description="",
        nodes={"sg:Claim": (0, 0), "sg:State": (1, 0), "sg:Nowhere": (2, 0)},
        edges=(
            Edge("sg:Claim", "sg:grantor", "sg:State"),
            Edge("sg:State", "sg:notAProperty", "sg:Claim"),
            Edge("sg:State", "rdfs:subClassOf", "sg:Claim", "subclass"),
        ),
    )
    problems = validate_pattern(wrong, ontology)
    assert any("outside the domain of sg:grantor" in p for p in problems)
    assert any("sg:notAProperty is not a property" in p for p in problems)
    assert any("not a sub-class" in p for p in problems)
    assert any("sg:Nowhere is not defined" in p for p in problems)
    assert "<svg" in render_svg(wrong)


def test_docs_are_deterministic(tmp_path: Path, docs: Path) -> None:
    build_docs(tmp_path)
    for name in ("index.html", "diagrams/authorization.svg", "strikegraph.owl"):
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name


def test_docs_command_reports_an_unwritable_output(tmp_path: Path) -> None:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """strikegraph"""

    register(app)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["ontology", "docs", "--output", str(blocker / "docs")])
    assert result.exit_code == 2
    assert "strikegraph: error:" in result.output


def test_the_main_cli_offers_the_ontology_commands(tmp_path: Path) -> None:
    from strikegraph.cli import app as main_app

    if "ontology" not in {group.name for group in main_app.registered_groups}:
        pytest.skip("strikegraph.cli does not call strikegraph.cli_ontology.register(app) yet")
    result = CliRunner().invoke(main_app, ["ontology", "docs", "--output", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d" / "index.html").is_file()
