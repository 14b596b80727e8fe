"""Eval metrics on a tiny hand-made gold/extracted pair."""

from __future__ import annotations

from rdflib import Graph

from strikegraph.evaluate import Score, evaluate_graphs

PREFIXES = """
@prefix sg: <https://w3id.org/strikegraph/ontology#> .
@prefix state: <https://w3id.org/strikegraph/id/state/> .
@prefix person: <https://w3id.org/strikegraph/id/person/> .
@prefix weapon: <https://w3id.org/strikegraph/id/weapon/> .
@prefix wc: <https://w3id.org/strikegraph/id/weapon-category/> .
@prefix territory: <https://w3id.org/strikegraph/id/territory/> .
@prefix x: <https://example.org/> .
"""

GOLD = (
    PREFIXES
    + """
x:a1 a sg:Authorization ; sg:grantor state:united-states ; sg:grantee state:ukraine ;
  sg:weaponScope wc:us-weapons ; sg:excludesWeapon weapon:atacms ;
  sg:targetScope territory:russian-border-area-near-kharkiv .
x:a2 a sg:Authorization ; sg:grantor state:france ; sg:grantee state:ukraine ;
  sg:weaponScope wc:french-weapons .
x:s1 a sg:Stance ; sg:stanceHolder person:antony-blinken ; sg:stanceKind sg:Wants .
x:s2 a sg:Stance ; sg:stanceHolder person:joe-biden ; sg:stanceKind sg:Refuses .
"""
)

EXTRACTED = (
    PREFIXES
    + """
x:b1 a sg:Authorization ; sg:grantor state:united-states ; sg:grantee state:ukraine ;
  sg:weaponScope wc:us-long-range-weapons ; sg:excludesWeapon weapon:atacms ;
  sg:targetScope territory:russian-border-area-near-kharkiv .
x:b2 a sg:Authorization ; sg:grantor state:germany ; sg:grantee state:ukraine ;
  sg:weaponScope wc:german-weapons .
x:b3 a sg:Authorization ; sg:grantor state:france ; sg:grantee state:ukraine ;
  sg:weaponScope wc:french-weapons ; sg:excludesWeapon weapon:scalp-eg .
x:t1 a sg:Stance ; sg:stanceHolder person:antony-blinken ; sg:stanceKind sg:Wants .
"""
)


def test_metrics_on_hand_made_pair() -> None:
    scores = evaluate_graphs(
        Graph().parse(data=GOLD, format="turtle"), Graph().parse(data=EXTRACTED, format="turtle")
    )
    auth = scores["authorizations"]
    # b1 matches a1 (us-long-range-weapons is inside us-weapons); b3 has an extra exclusion
    assert (auth.tp, auth.n_gold, auth.n_extracted) == (1, 2, 3)
    assert auth.precision == 1 / 3 and auth.recall == 1 / 2
    assert abs(auth.f1 - 0.4) < 1e-9
    st = scores["stances"]
    assert (st.tp, st.precision, st.recall) == (1, 1.0, 0.5)
    ent = scores["entities"]
    assert (ent.tp, ent.n_gold, ent.n_extracted) == (7, 9, 11)  # reference entities
    assert scores["rifts"].precision == 1.0 and scores["rifts"].recall == 1.0  # none on both sides


def test_score_edge_cases() -> None:
    assert Score(0, 0, 0).f1 == 1.0
    assert Score(0, 2, 0).precision == 0.0 and Score(0, 2, 0).recall == 0.0
