"""strikegraph.check: permitted / forbidden / unknown, with rules, reasoning, evidence and
perspectives.

The seed cases of the design (counter-fire on Belgorod with HIMARS: yes; with ATACMS: no; deep
inside Russia: no; Crimea with ATACMS: not forbidden under the US view, Russia's view differs;
British weapons on Belgorod: yes), the amendment with dates (the November 2024 ATACMS decision of
gold document 04, and a made-up later document widening the US authorization), the inference
rules, and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from rdflib import Dataset
from reasoning_helpers import claim, gold, with_documents, write_document
from typer.testing import CliRunner

from strikegraph.build import build
from strikegraph.check import CLOSED_WORLD_ASSUMPTION, check
from strikegraph.cli_reasoning import register
from strikegraph.errors import ParameterError
from strikegraph.facts import load_facts, short
from strikegraph.inference import INFERRED_GRAPH, add_inferred, infer, materialize
from strikegraph.load import load_project
from strikegraph.namespaces import SG, SGID
from strikegraph.store import open_store

KHARKIV = "authorization:us-kharkiv-counter-fire-2024"
CRIMEA = "authorization:us-crimea-strikes-not-forbidden"
DEEP = "prohibition:us-strikes-deep-inside-russia"
UK = "authorization:uk-use-as-it-sees-fit"
ATACMS_2024_11 = "authorization:us-atacms-strikes-inside-russia-2024-11"


@pytest.fixture(scope="module")
def seed() -> Dataset:
    return load_project()


@pytest.fixture(scope="module")
def seed_facts(seed: Dataset):  # type: ignore[no-untyped-def]
    return load_facts(seed)


def rules_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [short(f.rule) for f in result.deciding]


# --- the five seed cases --------------------------------------------------------------------------


def test_belgorod_counter_fire_with_himars_is_permitted(seed_facts) -> None:  # type: ignore[no-untyped-def]
    result = check(
        seed_facts,
        "state/ukraine",
        "weapon/himars",
        "territory/belgorod",
        "counter-fire",
        "2024-06-15",
    )
    assert result.verdict == "permitted"
    assert rules_of(result) == [KHARKIV]
    steps = "\n".join(result.steps)
    assert "HIMARS is in long-range US weapons is in US weapons" in steps
    assert "Belgorod lies in Russian border area next to Kharkiv Oblast" in steps
    assert "borders Kharkiv Oblast" in steps
    assert "counter-fire matches" in steps
    assert "2024-06-15: in force" in steps
    quotes = [q for f in result.deciding for e in f.evidence for q in e.quotes]
    assert any("for counter-fire purposes in Kharkov" in q for q in quotes)
    assert any("but not the ATACMS missiles" in q for q in quotes)
    assert not result.perspectives and not result.assumptions
    # GMLRS, the rocket HIMARS fires, is another US long-range rocket system other than ATACMS.
    gmlrs = check(
        seed_facts,
        "state/ukraine",
        "weapon/gmlrs",
        "territory/belgorod",
        "sg:CounterFire",
        "2024-06-15",
    )
    assert gmlrs.verdict == "permitted"


def test_belgorod_counter_fire_with_atacms_is_forbidden_by_exclusion(seed_facts) -> None:  # type: ignore[no-untyped-def]
    result = check(
        seed_facts,
        "state/ukraine",
        "weapon/atacms",
        "territory/belgorod",
        "counter-fire",
        "2024-06-15",
    )
    assert result.verdict == "forbidden"
    assert rules_of(result) == [KHARKIV]
    assert result.deciding[0].status == "excluded" and result.deciding[0].role == "carve-out"
    assert "forbidden by exclusion" in result.summary
    steps = "\n".join(result.steps)
    assert "the rule excludes ATACMS: the weapon is carved out" in steps
    assert "the only authorization covering Belgorod" in steps
    assert "Belgorod is territory of Russia" in steps
    assert result.assumptions == [CLOSED_WORLD_ASSUMPTION]
    assert any(
        "but not the ATACMS missiles" in q for e in result.deciding[0].evidence for q in e.quotes
    )


@pytest.mark.parametrize("weapon", ["weapon-category/us-weapons", "weapon/himars", "weapon/atacms"])
def test_deep_inside_russia_with_us_weapons_is_forbidden(seed_facts, weapon: str) -> None:  # type: ignore[no-untyped-def]
    result = check(
        seed_facts, "state/ukraine", weapon, "territory/russian-interior", None, "2024-06-15"
    )
    assert result.verdict == "forbidden"
    assert rules_of(result) == [DEEP]
    assert any("has not changed" in q for e in result.deciding[0].evidence for q in e.quotes)


def test_crimea_with_atacms_is_not_forbidden_under_the_us_view_and_russia_differs(
    seed_facts,
) -> None:  # type: ignore[no-untyped-def]
    result = check(
        seed_facts, "state/ukraine", "weapon/atacms", "territory/crimea", None, "2024-06-15"
    )
    assert result.verdict == "permitted"
    assert rules_of(result) == [CRIMEA]
    assert DEEP not in rules_of(result)
    assert "it rests on “The US does not consider Crimea Russian territory”" in "\n".join(
        result.steps
    )
    assert result.contested
    by_holder = {tuple(p.holders): p for p in result.perspectives}
    us = by_holder[("United States",)]
    assert us.is_grantor_view and us.verdict == "permitted"
    assert us.reading == "Crimea is part of Ukraine, not of Russia"
    russia = by_holder[("Russia",)]
    assert russia.verdict == "forbidden" and russia.reading == "Crimea is part of Russia"
    assert "rests on a sovereignty view this perspective rejects" in russia.reason
    assert any(v["sources"] for v in russia.views)  # the Russian view cites its documents
    assert "under the view of Russia" in result.summary
    text = result.render_text()
    assert "Per sovereignty perspective" in text and "view:russia-crimea-russian" in text


def test_belgorod_with_british_weapons_is_permitted_per_the_article(seed_facts) -> None:  # type: ignore[no-untyped-def]
    result = check(
        seed_facts,
        "state/ukraine",
        "weapon-category/uk-weapons",
        "territory/belgorod",
        "counter-fire",
        "2024-06-15",
    )
    assert result.verdict == "permitted"
    assert rules_of(result) == [UK]
    assert "no target scope (unrestricted: “as it sees fit”)" in "\n".join(result.steps)
    (evidence,) = result.deciding[0].evidence
    assert evidence.chain == "RT"
    assert "use their weapons as it sees fit" in evidence.quotes[0]


def test_check_runs_on_a_store_and_on_a_dataset_alike(seed: Dataset) -> None:
    store = open_store(memory=True)
    store.replace_all(seed)
    on_store = check(
        store, "state/ukraine", "weapon/atacms", "territory/belgorod", "counter-fire", "2024-06-15"
    )
    on_dataset = check(
        seed, "state/ukraine", "weapon/atacms", "territory/belgorod", "counter-fire", "2024-06-15"
    )
    assert json.loads(on_store.to_json()) == json.loads(on_dataset.to_json())


def test_json_output(seed_facts) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(
        check(
            seed_facts,
            "sgid:state/ukraine",
            "weapon:himars",
            "territory/belgorod",
            "sg:CounterFire",
            "2024-06-15",
        ).to_json()
    )
    assert data["verdict"] == "permitted"
    assert data["question"] == {
        "grantee": "state:ukraine",
        "weapon": "weapon:himars",
        "target": "territory:belgorod",
        "purpose": "sg:CounterFire",
        "date": "2024-06-15",
    }
    assert data["decidingRules"][0]["rule"] == "authorization:us-kharkiv-counter-fire-2024"
    assert data["decidingRules"][0]["evidence"][0]["quotes"]


# --- uncertainty ---------------------------------------------------------------------------------


def test_uncertain_decision_date_gives_unknown(seed_facts) -> None:  # type: ignore[no-untyped-def]
    # The Kharkiv decision was taken "recently" (30 April - 30 May 2024): on 15 May it was possibly
    # in force; before 30 April it was not yet.
    may = check(
        seed_facts,
        "state/ukraine",
        "weapon/himars",
        "territory/belgorod",
        "counter-fire",
        "2024-05-15",
    )
    assert may.verdict == "unknown"
    assert "possibly not yet in force" in may.summary
    april = check(
        seed_facts,
        "state/ukraine",
        "weapon/himars",
        "territory/belgorod",
        "counter-fire",
        "2024-04-01",
    )
    assert april.verdict == "forbidden"  # not yet in force, and the closed-world default
    assert april.findings and any(f.status == "not yet in force" for f in april.findings)


def test_missing_purpose_and_date(seed_facts) -> None:  # type: ignore[no-untyped-def]
    result = check(seed_facts, "state/ukraine", "weapon/himars", "territory/belgorod")
    assert result.verdict == "unknown"  # the authorization is limited to counter-fire
    assert "limited to a purpose and none was given" in result.summary
    assert "No date was given: the rules' validity was not checked." in result.notes
    mismatch = check(
        seed_facts,
        "state/ukraine",
        "weapon/himars",
        "territory/belgorod",
        "self-defence",
        "2024-06-15",
    )
    assert mismatch.verdict == "forbidden"
    assert any(f.status == "purpose mismatch" for f in mismatch.findings)


def test_unknown_when_no_rule_of_the_supplier_is_recorded(seed_facts) -> None:  # type: ignore[no-untyped-def]
    result = check(
        seed_facts,
        "state/ukraine",
        "weapon/f-16",
        "territory/belgorod",
        "counter-fire",
        "2024-06-15",
    )
    assert result.verdict == "unknown"


def test_bad_or_unknown_iris_are_named(seed_facts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError, match="unknown weapon .*weapon/nonesuch"):
        check(seed_facts, "state/ukraine", "weapon/nonesuch", "territory/belgorod")
    with pytest.raises(ParameterError, match="target .* is not a territory"):
        check(seed_facts, "state/ukraine", "weapon/himars", "weapon/atacms")
    with pytest.raises(ParameterError, match="weapon expects an IRI"):
        check(seed_facts, "state/ukraine", "not an iri", "territory/belgorod")
    with pytest.raises(ParameterError, match="date expects"):
        check(
            seed_facts, "state/ukraine", "weapon/himars", "territory/belgorod", None, "15/06/2024"
        )
    with pytest.raises(ParameterError, match="unknown purpose"):
        check(seed_facts, "state/ukraine", "weapon/himars", "territory/belgorod", "revenge")


# --- amendments and dates -----------------------------------------------------------------------


def test_the_november_2024_atacms_decision_changes_the_answer_with_the_date() -> None:
    facts = load_facts(with_documents(*gold("04-atacms-kursk")))
    answers = {
        day: check(facts, "state/ukraine", "weapon/atacms", "territory/kursk-oblast", None, day)
        for day in ("2024-06-15", "2024-11-12", "2024-12-01")
    }
    assert answers["2024-06-15"].verdict == "forbidden"
    assert answers["2024-06-15"].assumptions == [CLOSED_WORLD_ASSUMPTION]
    assert answers["2024-11-12"].verdict == "unknown"  # decided 10-17 November: possibly in force
    assert "possibly not yet in force" in answers["2024-11-12"].summary
    assert answers["2024-12-01"].verdict == "permitted"
    assert rules_of(answers["2024-12-01"]) == [ATACMS_2024_11]
    quotes = [q for e in answers["2024-12-01"].deciding[0].evidence for q in e.quotes]
    assert any("ATACMS missiles for strikes inside Russia" in q for q in quotes)
    # The amendment lifts the ATACMS carve-out of the May decision near Kharkiv too.
    belgorod = check(
        facts, "state/ukraine", "weapon/atacms", "territory/belgorod", "counter-fire", "2024-12-01"
    )
    assert belgorod.verdict == "permitted"
    assert any("amends authorization:us-kharkiv-counter-fire-2024" in s for s in belgorod.steps)
    before = check(
        facts, "state/ukraine", "weapon/atacms", "territory/belgorod", "counter-fire", "2024-06-15"
    )
    assert before.verdict == "forbidden"


def test_a_later_document_widening_the_us_authorization(tmp_path: Path) -> None:
    """A made-up document of 20 September 2024: from 1 September, counter-fire with US weapons
    is allowed anywhere in Russia's Kursk Oblast (amending the May authorization)."""
    sentences = [
        "Washington widens Ukraine's permission to strike Russia",
        "Since 1 September, Ukraine may use US weapons for counter-fire against Russian forces "
        "anywhere in Kursk region, an official said.",
    ]
    body = """
interval:99-widening-from-sept a sg:DateInterval ; rdfs:label "from 1 September 2024"@en ;
    sg:notBefore "2024-09-01"^^xsd:date ; sg:dateExpression "Since 1 September" ;
    sg:dateCertainty sg:ExactDate .
interval:99-widening-decided a sg:DateInterval ; rdfs:label "1 September 2024"@en ;
    sg:notBefore "2024-09-01"^^xsd:date ; sg:notAfter "2024-09-01"^^xsd:date ;
    sg:dateExpression "Since 1 September" ; sg:dateCertainty sg:ExactDate .
authorization:us-kursk-counter-fire-2024-09 a sg:Authorization ;
    rdfs:label "US widens counter-fire to Kursk Oblast (September 2024)"@en ;
    sg:grantor state:united-states ; sg:grantee state:ukraine ; sg:action sg:UseWeapons ;
    sg:weaponScope weapon-category:us-weapons ; sg:excludesWeapon weapon:atacms ;
    sg:targetScope territory:kursk-oblast ; sg:purpose sg:CounterFire ;
    sg:decidedDuring interval:99-widening-decided ; sg:validDuring interval:99-widening-from-sept ;
    sg:amends authorization:us-kharkiv-counter-fire-2024 .
""" + claim(
        "99-widening",
        "99-widening",
        "authorization:us-kursk-counter-fire-2024-09",
        1,
        "An official: Ukraine may use US weapons for counter-fire anywhere in Kursk region.",
    )
    path = write_document(tmp_path, "99-widening", "2024-09-20", sentences, body)
    facts = load_facts(with_documents(path))
    august = check(
        facts, "state/ukraine", "weapon/himars", "territory/kursk", "counter-fire", "2024-08-15"
    )
    september = check(
        facts, "state/ukraine", "weapon/himars", "territory/kursk", "counter-fire", "2024-09-15"
    )
    assert august.verdict == "forbidden"
    assert any(f.status == "not yet in force" for f in august.findings)
    assert september.verdict == "permitted"
    assert rules_of(september) == ["authorization:us-kursk-counter-fire-2024-09"]
    assert any("Kursk lies in Kursk Oblast" in s for s in september.steps)
    assert september.deciding[0].evidence[0].quotes == [sentences[1]]
    # Belgorod is still covered by the May authorization, before and after.
    assert (
        check(
            facts,
            "state/ukraine",
            "weapon/himars",
            "territory/belgorod",
            "counter-fire",
            "2024-09-15",
        ).verdict
        == "permitted"
    )


def test_supplying_states_that_disagree_give_unknown_with_each_answer() -> None:
    """Storm Shadow (UK) vs M270 (UK and Germany) with gold 01 and 02 loaded."""
    facts = load_facts(with_documents(*gold("01-germany-permits", "02-cameron-kyiv")))
    storm = check(
        facts,
        "state/ukraine",
        "weapon/storm-shadow",
        "territory/belgorod",
        "counter-fire",
        "2024-06-15",
    )
    assert (
        storm.verdict == "forbidden"
    )  # the Storm Shadow ban is more specific than "as it sees fit"
    assert any("is more specific than" in s for s in storm.steps)
    # Before Germany's decision (while its ban held), German and British answers differ for M270.
    m270 = check(
        facts, "state/ukraine", "weapon/m270-mlrs", "territory/kursk", "counter-fire", "2024-05-31"
    )
    verdicts = {g.grantor_label: g.verdict for g in m270.grantors}
    # Germany's ban on Russian soil held until 31 May and is more specific than the seed's
    # "as it sees fit"; the UK's permission is unrestricted.
    assert verdicts == {"Germany": "forbidden", "United Kingdom": "permitted"}
    assert m270.verdict == "unknown" and "depends on which state supplied" in m270.summary
    assert "Per supplying state:" in m270.render_text()


# --- inference -----------------------------------------------------------------------------------


def test_inference_rules_closure_kept_apart(seed: Dataset) -> None:
    inferred = infer(seed)
    himars, us_weapons = SGID["weapon/himars"], SGID["weapon-category/us-weapons"]
    assert (himars, SG.inCategory, us_weapons) in inferred
    assert (SGID["territory/belgorod"], SG.partOf, SGID["territory/russia"]) in inferred
    assert (
        SGID["territory/kharkiv-oblast"],
        SG.adjacentTo,
        SGID["territory/belgorod-oblast"],
    ) in inferred
    # nothing asserted is repeated
    assert (
        SGID["weapon/atacms"],
        SG.inCategory,
        SGID["weapon-category/us-long-range-weapons"],
    ) not in inferred
    store = open_store(memory=True)
    store.replace_all(seed)
    count = materialize(store)
    assert count == len(inferred)
    assert store.graph_triple_counts()[str(INFERRED_GRAPH)] == count
    assert materialize(store) == count  # regenerated, not added to
    copy = with_documents()
    assert add_inferred(copy) == count and add_inferred(copy) == count
    assert len(copy.graph(INFERRED_GRAPH)) == count


# --- CLI -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reasoning-cli") / "store"
    build(path, validate=False)
    return path


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_cli_check(cli: typer.Typer, cli_store: Path) -> None:
    runner = CliRunner()
    args = [
        "check",
        "--grantee",
        "state/ukraine",
        "--weapon",
        "weapon/atacms",
        "--target",
        "territory/belgorod",
        "--purpose",
        "counter-fire",
        "--date",
        "2024-06-15",
        "--store",
        str(cli_store),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Verdict: FORBIDDEN — forbidden by exclusion" in result.output
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert json.loads(result.output)["verdict"] == "forbidden"
    bad = runner.invoke(
        cli,
        [
            "check",
            "--grantee",
            "state/ukraine",
            "--weapon",
            "weapon/nonesuch",
            "--target",
            "territory/belgorod",
            "--store",
            str(cli_store),
        ],
    )
    assert bad.exit_code == 2
    assert "unknown weapon" in bad.output and "weapon/nonesuch" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
