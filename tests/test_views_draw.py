"""Pictures of the views: the SVG/PNG with its legend, and the standalone interactive page —
opened in headless Chromium, which must draw the graph with no console error and no network."""

from __future__ import annotations

import os
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from views_support import iri, seed_view

from strikegraph.errors import ParameterError
from strikegraph.views import analyze
from strikegraph.views.chromium import find_chromium, open_page
from strikegraph.views.draw import CYTOSCAPE_VERSION, draw_static, draw_view, render_html

ARTIFACTS = Path(__file__).resolve().parents[1] / "out" / "test-artifacts"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_static_picture_has_legend_and_labels(tmp_path: Path) -> None:
    view = seed_view("rifts")
    report = analyze(view).to_dict()
    svg, png = draw_static(view, [tmp_path / "rifts.svg", tmp_path / "rifts.png"], report)
    width, height = _png_size(png)
    assert width >= 2000 and height >= 1200
    text = svg.read_text(encoding="utf-8")
    ET.fromstring(text.encode("utf-8"))  # well-formed XML
    words = " ".join(re.findall(r">([^<>]+)<", text))
    for expected in (
        "Joe Biden",
        "Antony Blinken",
        "senior Pentagon",
        "Sergey Lavrov",
        "Camp A",
        "Camp B",
        "Nodes (type)",
        "Edges (label = relation)",
        "state",
        "person",
        "rift",
        "angered by",
        "dismisses",
        "at odds",
        "independent source",
    ):
        assert expected in words, expected
    assert not re.search(r'(href|src)="https?:', text)  # nothing external to load


def test_draw_view_writes_all_three(tmp_path: Path) -> None:
    written = draw_view(seed_view("authorizations"), tmp_path, "auth")
    assert [p.name for p in written] == ["auth.svg", "auth.png", "auth.html"]
    assert all(p.stat().st_size > 1000 for p in written)
    only_html = draw_view(seed_view("provenance"), tmp_path / "sub", formats=["HTML"])
    assert [p.name for p in only_html] == ["provenance.html"]
    with pytest.raises(ParameterError, match="unknown picture format 'pdf'"):
        draw_view(seed_view("rifts"), tmp_path, formats=["pdf"])
    with pytest.raises(ParameterError, match=r"must be a \.svg or \.png file"):
        draw_static(seed_view("rifts"), [tmp_path / "x.jpg"])


def test_html_page_is_self_contained() -> None:
    view = seed_view("rifts")
    page = render_html(view, analyze(view).to_dict())
    assert page.startswith("<!DOCTYPE html>")
    assert f'$h.version="{CYTOSCAPE_VERSION}"' in page  # the bundled library itself
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)  # nothing to fetch
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing
    assert page.count("<script") == 3 and page.count("</script>") == 3  # no early close in data
    assert "@@" not in page.replace("@@TITLE@@", "")[:2000]
    assert "Joe Biden" in page and "Moscow has dismissed the debate" in page


def _browser_or_skip() -> str:
    browser = find_chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return browser


PROBE = """(() => {
  const before = document.getElementById('details').textContent;
  const edge = cy.edges().filter(e => e.data('relation') === 'angered-by'
      && e.data('source').endsWith('/volodymyr-zelensky'))[0];
  edge.emit('tap');
  const afterEdge = document.getElementById('details').textContent;
  const node = cy.getElementById('%s');
  node.emit('tap');
  const afterNode = document.getElementById('details').textContent;
  const box = cy.elements().renderedBoundingBox();
  const canvas = document.querySelector('#cy canvas');
  return {
    nodes: cy.nodes().length, edges: cy.edges().length,
    visibleNodes: cy.nodes(':visible').length,
    labels: cy.nodes().map(n => n.data('label')),
    box: [box.w, box.h], canvas: canvas ? [canvas.width, canvas.height] : null,
    before, afterEdge, afterNode,
    legend: document.getElementById('legend').textContent,
  };
})()"""


def test_html_page_renders_in_chromium(tmp_path: Path) -> None:
    browser = _browser_or_skip()
    view = seed_view("rifts")
    page = tmp_path / "rifts.html"
    page.write_text(render_html(view, analyze(view).to_dict()), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "rifts-page.png"
    report = open_page(
        page, probe=PROBE % iri("person/joe-biden"), screenshot=screenshot, executable=browser
    )
    assert report.errors == [], report.errors
    assert all(url.startswith(("file:", "data:")) for url in report.requests), report.requests
    value = report.value
    assert value["nodes"] == view.number_of_nodes() and value["edges"] == view.number_of_edges()
    assert value["visibleNodes"] == view.number_of_nodes()
    assert "Joe Biden" in value["labels"] and "Sergey Lavrov" in value["labels"]
    assert value["box"][0] > 300 and value["box"][1] > 200  # drawn at a readable size
    assert value["canvas"] and value["canvas"][0] > 0
    assert "Click a node or an edge" in value["before"]
    assert (
        "angered by" in value["afterEdge"]
        and "reportedly angered Vladimir Zelensky" in value["afterEdge"]
    )
    assert "RT" in value["afterEdge"] and "Attribution: RT" in value["afterEdge"]
    assert "Joe Biden" in value["afterNode"] and "relations" in value["afterNode"]
    assert "positive:" in value["legend"] and "negative:" in value["legend"]
    assert _png_size(screenshot) == (1400, 900)
    assert screenshot.stat().st_size > 20_000  # not a blank page


def test_chromium_reports_console_errors(tmp_path: Path) -> None:
    browser = _browser_or_skip()
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><script>console.error('boom');"
        "window.strikegraphReady = true; setTimeout(() => { throw new Error('late'); }, 0);"
        "</script></body></html>",
        encoding="utf-8",
    )
    report = open_page(page, probe="1 + 1", executable=browser)
    assert report.value == 2
    assert any("boom" in e for e in report.console_errors)
    assert any("late" in e for e in report.exceptions)
