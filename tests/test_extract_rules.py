"""Relation rules on short texts: deciding official, counterfactual wants, threats, dates."""

from __future__ import annotations

import datetime as dt

from rdflib import URIRef

from strikegraph.extract.gazetteer import load_gazetteer
from strikegraph.extract.graph_writer import write_graph
from strikegraph.extract.pipeline import DocumentInput, ExtractResult, extract
from strikegraph.namespaces import SG, SGID

PUBLISHED = dt.date(2024, 5, 30)


def _extract(text: str) -> ExtractResult:
    publisher = URIRef("https://example.org/publisher")
    return extract(DocumentInput("t", text, PUBLISHED, publisher), load_gazetteer())


def test_decided_by_is_the_official_who_gives_permission() -> None:
    result = _extract(
        "US President Joe Biden has given Kiev permission to use American weapons against "
        "targets in Russia."
    )
    (rule,) = result.extraction.rules
    assert rule.decided_by == SGID["person/joe-biden"]
    triples = write_graph(result)
    assert any(p == SG.decidedBy and o == SGID["person/joe-biden"] for _, p, o in triples)


def test_a_spokesman_who_reports_the_decision_did_not_make_it() -> None:
    result = _extract(
        "Berlin has given Kyiv permission to use German weapons against targets on Russian "
        "territory, government spokesman Steffen Hebestreit said on Friday."
    )
    assert result.extraction.rules
    assert all(r.decided_by is None for r in result.extraction.rules)


def test_counterfactual_permission_is_the_speakers_wish() -> None:
    result = _extract(
        "Biden's refusal angered Vladimir Zelensky, who told the Washington Post that they "
        "could have held back the offensive if they had permission to strike Russia."
    )
    stances = {(s.holder, s.kind) for s in result.extraction.stances}
    assert (SGID["person/volodymyr-zelensky"], SG.Wants) in stances


def test_a_threat_against_states_is_a_rift() -> None:
    result = _extract(
        "Dmitry Medvedev warned that Ukraine and its NATO allies would receive a devastating "
        "response."
    )
    rifts = [(r.side_a, r.side_b) for r in result.extraction.rifts]
    assert ({SGID["state/russia"]}, {SGID["state/ukraine"], SGID["organisation/nato"]}) in rifts


def test_present_perfect_delivery_happened_before_publication() -> None:
    result = _extract("Britain has supplied Storm Shadow cruise missiles to Ukraine.")
    (delivery,) = [e for e in result.extraction.events if e.type == SG.Delivery]
    (when,) = delivery.dates
    assert (when.not_before, when.not_after, when.certainty) == (
        None,
        PUBLISHED,
        "InferredDate",
    )


def test_an_adjective_is_not_a_delivery() -> None:
    result = _extract(
        "Biden has authorized Ukraine to use US-supplied ATACMS missiles for strikes inside Russia."
    )
    assert not [e for e in result.extraction.events if e.type == SG.Delivery]


def test_strike_target_after_the_article() -> None:
    result = _extract(
        "Russia has prepared and carried out attacks on the Kharkiv region from Russian territory."
    )
    (strike,) = [e for e in result.extraction.events if e.type == SG.Strike]
    targets = strike.args[SG.targetTerritory]
    assert any(isinstance(t, URIRef) and "kharkiv" in str(t) for t in targets)


def test_speaker_in_apposition_and_not_a_demonym() -> None:
    result = _extract(
        "In Moscow, Dmitry Medvedev, the deputy head of Russia's Security Council, warned that "
        "Ukraine would receive a devastating response. NATO Secretary General Jens Stoltenberg "
        "welcomed the American decision and said Ukraine has the right to hit targets in Russia."
    )
    claimants = {c.claimant for c in result.extraction.claims}
    assert SGID["person/dmitry-medvedev"] in claimants
    assert SGID["person/jens-stoltenberg"] in claimants
    assert SGID["state/united-states"] not in claimants
