"""strikegraph.conflicts and the CLI's `conflicts`: pairs of assertions from different documents
that cannot both hold, each with both sources, quotes and a sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from reasoning_helpers import claim, gold, with_documents, write_document
from typer.testing import CliRunner

from strikegraph.build import build
from strikegraph.cli_reasoning import register
from strikegraph.conflicts import find_conflicts, render_text, to_json
from strikegraph.facts import short
from strikegraph.load import load_project

ALL_GOLD = ("01-germany-permits", "02-cameron-kyiv", "03-macron-meseberg", "04-atacms-kursk")


def pairs(conflicts):  # type: ignore[no-untyped-def]
    return {
        (c.kind, short(c.a.rule), short(c.a.document), short(c.b.rule), short(c.b.document))
        for c in conflicts
    }


def test_seed_alone_has_no_conflicts() -> None:
    assert find_conflicts(load_project()) == []


@pytest.fixture(scope="module")
def seed_and_gold():  # type: ignore[no-untyped-def]
    return find_conflicts(with_documents(*gold(*ALL_GOLD)))


def test_germany_as_it_sees_fit_vs_border_area_only(seed_and_gold) -> None:  # type: ignore[no-untyped-def]
    (c,) = [c for c in seed_and_gold if c.kind == "unrestricted-vs-restricted"]
    assert short(c.a.rule) == "authorization:germany-use-as-it-sees-fit"
    assert short(c.a.document) == "document:article-001"
    assert short(c.b.rule) == "authorization:germany-russian-border-area-2024"
    assert short(c.b.document) == "document:01-germany-permits"
    assert (
        "as it sees fit" in c.sentence
        and "only against Russian border area next to Kharkiv Oblast" in c.sentence
    )
    assert any("use their weapons as it sees fit" in q for e in c.a.evidence for q in e.quotes)
    assert any("Berlin has given Kyiv permission" in q for e in c.b.evidence for q in e.quotes)


def test_seed_and_gold_conflicts(seed_and_gold) -> None:  # type: ignore[no-untyped-def]
    found = pairs(seed_and_gold)
    assert (
        "permitted-vs-forbidden",
        "authorization:germany-use-as-it-sees-fit",
        "document:article-001",
        "prohibition:germany-no-german-weapons-on-russian-soil",
        "document:01-germany-permits",
    ) in found
    assert (
        "permitted-vs-forbidden",
        "authorization:uk-use-as-it-sees-fit",
        "document:article-001",
        "prohibition:uk-storm-shadow-on-russian-territory",
        "document:02-cameron-kyiv",
    ) in found
    # amendments are not conflicts: 04's ATACMS decision amends the May authorization, and
    # Germany's border-area permission amends its earlier ban
    assert not any(
        {short(c.a.rule), short(c.b.rule)}
        == {
            "authorization:us-atacms-strikes-inside-russia-2024-11",
            "authorization:us-kharkiv-counter-fire-2024",
        }
        for c in seed_and_gold
    )
    assert not any(
        {short(c.a.rule), short(c.b.rule)}
        == {
            "authorization:germany-russian-border-area-2024",
            "prohibition:germany-no-german-weapons-on-russian-soil",
        }
        for c in seed_and_gold
    )
    for c in seed_and_gold:
        assert c.a.document != c.b.document
        assert c.sentence.endswith(".")
        assert c.a.evidence and c.b.evidence  # both sides quoted
    text = render_text(seed_and_gold)
    assert "[unrestricted-vs-restricted]" in text and "A: document:article-001" in text
    assert json.loads(to_json(seed_and_gold))[0]["a"]["evidence"]


def test_a_contradicting_document(tmp_path: Path) -> None:
    """A made-up report: the May decision included ATACMS and was taken in March; and Germany's
    ban on Russian soil is still in force in late June."""
    sentences = [
        "Biden's May order covered ATACMS too, officials say",
        "The permission to strike near Kharkiv has included ATACMS missiles from the start, two "
        "officials said.",
        "Biden took the decision in early March, they added.",
        "Germany still refuses to let Kyiv use its weapons on Russian soil, a German official "
        "said on 25 June.",
    ]
    body = (
        """
interval:98-early-march a sg:DateInterval ; rdfs:label "early March 2024"@en ;
    sg:notBefore "2024-03-01"^^xsd:date ; sg:notAfter "2024-03-10"^^xsd:date ;
    sg:dateExpression "in early March" ; sg:dateCertainty sg:ApproximateDate .
interval:98-still-in-june a sg:DateInterval ; rdfs:label "still on 25 June 2024"@en ;
    sg:notBefore "2024-06-25"^^xsd:date ;
    sg:dateExpression "still refuses" ; sg:dateCertainty sg:ResolvedRelativeDate .
authorization:us-kharkiv-counter-fire-2024 a sg:Authorization ;
    sg:grantor state:united-states ; sg:grantee state:ukraine ; sg:action sg:UseWeapons ;
    sg:weaponScope weapon:atacms ; sg:targetScope territory:russian-border-area-near-kharkiv ;
    sg:decidedDuring interval:98-early-march .
prohibition:germany-no-german-weapons-on-russian-soil a sg:Prohibition ;
    sg:grantor state:germany ; sg:grantee state:ukraine ; sg:action sg:UseWeapons ;
    sg:weaponScope weapon-category:german-weapons ; sg:targetScope territory:russia ;
    sg:validDuring interval:98-still-in-june .
"""
        + claim(
            "98-atacms-included",
            "98-contradiction",
            "authorization:us-kharkiv-counter-fire-2024",
            1,
            "Officials: the May permission included ATACMS.",
        )
        + claim(
            "98-decided-in-march",
            "98-contradiction",
            "authorization:us-kharkiv-counter-fire-2024",
            2,
            "Officials: the decision was taken in early March.",
        )
        + claim(
            "98-germany-still-refuses",
            "98-contradiction",
            "prohibition:germany-no-german-weapons-on-russian-soil",
            3,
            "A German official: Germany still refuses use on Russian soil.",
        )
    )
    path = write_document(tmp_path, "98-contradiction", "2024-06-26", sentences, body)
    conflicts = find_conflicts(with_documents(*gold("01-germany-permits"), path))
    kinds = {
        c.kind: c
        for c in conflicts
        if "98-contradiction" in {short(c.a.document)[9:], short(c.b.document)[9:]}
    }
    included = kinds["weapon-included-vs-excluded"]
    assert {short(included.a.document), short(included.b.document)} == {
        "document:article-001",
        "document:98-contradiction",
    }
    quotes = [q for side in (included.a, included.b) for e in side.evidence for q in e.quotes]
    assert any("but not the ATACMS missiles" in q for q in quotes)
    assert sentences[1] in quotes
    assert "excludes ATACMS" in included.sentence and "covers ATACMS" in included.sentence
    dates = kinds["decision-dates-differ"]
    assert (
        "2024-04-30 – 2024-05-30" in dates.sentence and "2024-03-01 – 2024-03-10" in dates.sentence
    )
    ended = kinds["in-force-vs-ended"]
    assert short(ended.a.document) == "document:01-germany-permits"
    assert "held only until 2024-05-31" in ended.sentence
    assert any(
        "Until now the German government had refused" in q
        for e in ended.a.evidence
        for q in e.quotes
    )
    assert any(sentences[3] == q for e in ended.b.evidence for q in e.quotes)


def test_cli_conflicts(tmp_path: Path) -> None:
    path = tmp_path / "store"
    build(path, validate=False)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["conflicts", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == "No conflicts found.\n"
    result = runner.invoke(app, ["conflicts", "--store", str(path), "--format", "json"])
    assert json.loads(result.output) == []
    missing = runner.invoke(app, ["conflicts", "--store", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no store at" in missing.output
