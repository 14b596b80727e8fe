"""Drive the web page in headless Chromium: run a named query, see the rows, open a resource.

Uses Debian's ``chromium`` through Playwright (``executable_path``; never ``playwright
install``). Runs in CI (``CI`` set); elsewhere it is skipped when chromium or playwright is
missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_support import in_ci, running_server, seed_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None  # type: ignore[assignment]

if not in_ci() and (sync_playwright is None or not Path(CHROMIUM).exists()):
    pytest.skip(
        "chromium or playwright is not installed (CI runs this test)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = seed_store(tmp_path_factory.mktemp("browser"))
    with running_server(str(store), "--workers", "2") as url:
        yield url


@pytest.fixture(scope="module")
def page(site: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    assert sync_playwright is not None, "pip install playwright (CI must have it)"
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS
        )
        try:
            # nothing may come from outside the server: no CDN, no fonts, no analytics
            outside: list[str] = []
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(site) or route.request.url.startswith("data:")
                    else (outside.append(route.request.url), route.abort())
                ),
            )
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            errors: list[str] = []
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
            yield tab
            assert not errors, errors
            assert not outside, outside
        finally:
            context.close()


def test_named_query_rows_and_resource_page(site: str, page: object) -> None:
    tab = page  # a playwright Page
    tab.goto(site + "/")  # type: ignore[attr-defined]
    tab.select_option("#named", "permitted-uses")  # type: ignore[attr-defined]
    assert "permitted-uses" in tab.input_value("#query") or "SELECT" in tab.input_value("#query")  # type: ignore[attr-defined]
    tab.click("#run")  # type: ignore[attr-defined]
    tab.wait_for_selector("#results-table tbody tr")  # type: ignore[attr-defined]
    rows = tab.locator("#results-table tbody tr")  # type: ignore[attr-defined]
    assert rows.count() >= 1
    assert "row" in tab.text_content("#status")  # type: ignore[attr-defined]
    table_text = tab.text_content("#results-table")  # type: ignore[attr-defined]
    assert "counter-fire" in table_text
    link = tab.locator(  # type: ignore[attr-defined]
        "#results-table a[href*='authorization%2Fus-kharkiv-counter-fire-2024']"
    ).first
    link.click()
    tab.wait_for_selector("#resource-title")  # type: ignore[attr-defined]
    assert "/resource?iri=" in tab.url  # type: ignore[attr-defined]
    assert "counter-fire" in tab.text_content("#resource-title")  # type: ignore[attr-defined]
    body = tab.text_content("main")  # type: ignore[attr-defined]
    assert "Evidence" in body and "Incoming links" in body


def test_parameterised_query_and_error_message(site: str, page: object) -> None:
    tab = page
    tab.goto(site + "/?query=is-permitted")  # type: ignore[attr-defined]
    tab.wait_for_selector("#params input")  # type: ignore[attr-defined]
    tab.fill("#query", "SELECT WHERE {")  # type: ignore[attr-defined]
    tab.click("#run")  # type: ignore[attr-defined]
    tab.wait_for_selector("pre.error")  # type: ignore[attr-defined]
    assert "400" in tab.text_content("#status")  # type: ignore[attr-defined]


def test_rifts_view_is_drawn(site: str, page: object) -> None:
    tab = page
    tab.goto(site + "/view/rifts")  # type: ignore[attr-defined]
    tab.wait_for_selector("canvas")  # type: ignore[attr-defined]  # cytoscape draws on canvases
    assert tab.locator("canvas").count() >= 1  # type: ignore[attr-defined]
