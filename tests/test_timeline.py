"""strikegraph.timeline and the CLI's `timeline`: ordered, with date certainty, sources, as-of."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from rdflib import Dataset
from reasoning_helpers import gold, with_documents
from typer.testing import CliRunner

from strikegraph.build import build
from strikegraph.cli_reasoning import register
from strikegraph.errors import ParameterError
from strikegraph.facts import short
from strikegraph.load import load_project
from strikegraph.queries import get_query, run_query
from strikegraph.store import open_store
from strikegraph.timeline import render_text, timeline, to_json


@pytest.fixture(scope="module")
def seed() -> Dataset:
    return load_project()


def test_timeline_is_ordered_with_certainty_and_sources(seed: Dataset) -> None:
    entries = timeline(seed)
    keys = [e.sort_key() for e in entries]
    assert keys == sorted(keys)
    by = {(e.role, short(e.thing)): e for e in entries}
    decided = by[("decided", "authorization:us-kharkiv-counter-fire-2024")]
    assert decided.interval.certainty == "approximate date"
    assert decided.interval.expression == "recently"
    assert (str(decided.interval.not_before), str(decided.interval.not_after)) == (
        "2024-04-30",
        "2024-05-30",
    )
    assert any(
        e.chain == "RT → Politico → unnamed US official (Politico, 30 May 2024)"
        for e in decided.evidence
    )
    strike = by[("occurred", "strike:atacms-crimea-2024-05")]
    assert strike.interval.certainty == "resolved relative date"
    published = by[("published", "document:article-001")]
    assert str(published.interval.not_before) == "2024-05-30"
    # reference sovereignty views come with their public sources
    view = by[("valid", "view:russia-crimea-russian")]
    assert view.sources and view.interval.certainty == "exact date"
    text = render_text(entries)
    assert "approximate date “recently”" in text
    assert json.loads(to_json(entries))[0]["dateRole"]


def test_timeline_as_of(seed: Dataset) -> None:
    entries = timeline(seed, "2024-05-15")
    assert all(
        e.interval.not_before is None or str(e.interval.not_before) <= "2024-05-15" for e in entries
    )
    by = {(e.role, short(e.thing)): e for e in entries}
    assert ("published", "document:article-001") not in by
    assert by[("valid", "authorization:us-kharkiv-counter-fire-2024")].status == "possibly in force"
    assert by[("valid", "prohibition:us-strikes-deep-inside-russia")].status == "in force"
    later = {(e.role, short(e.thing)): e for e in timeline(seed, "2024-06-15")}
    assert later[("valid", "authorization:us-kharkiv-counter-fire-2024")].status == "in force"
    assert later[("published", "document:article-001")].status == "happened"
    with pytest.raises(ParameterError):
        timeline(seed, "June")


def test_timeline_with_an_amendment() -> None:
    entries = timeline(with_documents(*gold("04-atacms-kursk")), "2024-12-01")
    by = {(e.role, short(e.thing)): e for e in entries}
    entry = by[("valid", "authorization:us-atacms-strikes-inside-russia-2024-11")]
    assert entry.amends == ["authorization:us-kharkiv-counter-fire-2024"]
    assert entry.status == "in force"
    assert "(amends authorization:us-kharkiv-counter-fire-2024)" in render_text(entries)


def test_timeline_query_asof(seed: Dataset) -> None:
    """The named query `timeline` takes the optional until parameter (what had begun by a day),
    on both engines."""
    store = open_store(memory=True)
    store.replace_all(seed)
    query = get_query("timeline")
    everything = run_query(store, query)
    early = run_query(store, query, {"until": "2024-05-15"})
    assert 0 < len(early) < len(everything)
    assert [list(r) for r in run_query(seed, query, {"until": "2024-05-15"}).rows] == [
        list(r) for r in early.rows
    ]
    rows = early.as_dicts()
    assert all("notBefore" not in r or str(r["notBefore"]) <= "2024-05-15" for r in rows)
    assert not any(str(r.get("dateRole")) == "published" for r in rows)


def test_cli_timeline(tmp_path: Path) -> None:
    path = tmp_path / "store"
    build(path, validate=False)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["timeline", "--store", str(path), "--as-of", "2024-05-15"])
    assert result.exit_code == 0, result.output
    assert "[possibly in force]" in result.output
    result = runner.invoke(app, ["timeline", "--store", str(path), "--format", "json"])
    assert json.loads(result.output)
    bad = runner.invoke(app, ["timeline", "--store", str(path), "--as-of", "soon"])
    assert bad.exit_code == 2 and "as-of expects YYYY-MM-DD" in bad.output
