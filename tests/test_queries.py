"""The named queries of queries/*.rq: one test per query file, run on the seed graph.

Every query runs on both engines the package supports: Oxigraph (an in-memory ``Store``, the
production engine, timed) and rdflib's own SPARQL engine (the plain ``Dataset`` that
``load_project`` returns); both must give the same rows, so the queries stay portable.
The expected rows are the seed's: graph/curated/article-001.trig over graph/reference/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from strikegraph.load import load_project
from strikegraph.queries import get_query, run_query
from strikegraph.results import QueryResult
from strikegraph.sparqltext import variables
from strikegraph.store import Store, open_store

QUERIES = Path(__file__).resolve().parents[1] / "queries"
SGID = "https://w3id.org/strikegraph/id/"
PARAM = re.compile(r"^(__?)([A-Za-z0-9][A-Za-z0-9_]*?)(?:_(iri|date|integer|literal))?$")
#: Oxigraph runs each query on the seed in milliseconds; this leaves room for a loaded machine.
TIME_LIMIT = 0.5

KHARKIV = "authorization/us-kharkiv-counter-fire-2024"
CRIMEA = "authorization/us-crimea-strikes-not-forbidden"
DEEP = "prohibition/us-strikes-deep-inside-russia"
UK = "authorization/uk-use-as-it-sees-fit"
OFFICIAL = "unnamed US official (Politico, 30 May 2024)"
OFFICIAL_CHAIN = f"RT → Politico → {OFFICIAL}"


# --- running -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engines() -> tuple[Dataset, Store]:
    """The seed, loaded once: the rdflib Dataset and the same quads in an Oxigraph store."""
    dataset = load_project()
    store = open_store(memory=True)
    store.replace_all(dataset)
    return dataset, store


def _key(term: Node | None) -> tuple[str, str, str] | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return (str(term), str(term.datatype or ""), term.language or "")
    return (str(term), type(term).__name__, "")


def run(engines: tuple[Dataset, Store], name: str, **params: str) -> list[dict[str, object]]:
    """Run a named query on both engines, check they agree and Oxigraph is fast; rows as dicts.

    Values are plain Python strings (IRIs of sgid: things shortened to ``kind/slug``; IRI lists
    that aggregates return as text stay in full), booleans are bools, so
    expected rows can be written as literals; unbound columns are absent.
    """
    dataset, store = engines
    query = get_query(name)
    started = time.perf_counter()
    fast = run_query(store, query, params)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT, f"{name} took {elapsed:.3f}s on Oxigraph"
    portable = run_query(dataset, query, params)
    assert fast.variables == portable.variables
    assert [[_key(t) for t in row] for row in fast.rows] == [
        [_key(t) for t in row] for row in portable.rows
    ], f"{name}: rdflib and Oxigraph disagree"
    return _plain(fast)


def _plain(result: QueryResult) -> list[dict[str, object]]:
    rows = []
    for row in result.as_dicts():
        plain: dict[str, object] = {}
        for column, term in row.items():
            text = str(term)
            if isinstance(term, Literal) and isinstance(term.toPython(), bool):
                plain[column] = term.toPython()
            elif isinstance(term, URIRef) and text.startswith(SGID):
                plain[column] = text[len(SGID) :]
            else:
                plain[column] = text
        rows.append(plain)
    return rows


def cols(rows: list[dict[str, object]], *names: str) -> list[tuple[object, ...]]:
    """The given columns of every row, in row order (None where unbound)."""
    return [tuple(row.get(name) for name in names) for row in rows]


def split(value: object, separator: str) -> set[str]:
    return set(str(value).split(separator)) if value else set()


# --- headers -------------------------------------------------------------------------------------


def _header(path: Path) -> dict[str, object]:
    lines = [
        line.strip()[2:]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("#+")
    ]
    header = yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line for line in lines))
    assert isinstance(header, dict), f"{path.name}: no '#+ key: value' header"
    return header


def _one_key_maps(value: object, where: str) -> dict[str, object]:
    assert isinstance(value, list), f"{where} must be a YAML list"
    result: dict[str, object] = {}
    for entry in value:
        assert isinstance(entry, dict) and len(entry) == 1, f"{where}: '- name: value' entries"
        result.update(entry)
    return result


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_query_header(path: Path) -> None:
    """Every .rq has a grlc header whose params are exactly the ?_ variables of its body, plus
    ``asof`` (the optional as-of date every query takes, read or not by its body)."""
    header = _header(path)
    assert header.get("name") == path.stem
    assert isinstance(header.get("summary"), str) and header["summary"].strip()
    assert isinstance(header.get("description"), str) and len(header["description"]) > 80
    assert isinstance(header.get("tags"), list) and header["tags"]
    declared = _one_key_maps(header.get("params"), f"{path.name}: params")
    defaults = _one_key_maps(header.get("defaults"), f"{path.name}: defaults")
    assert all(isinstance(text, str) and text for text in declared.values())
    used: dict[str, bool] = {}
    for variable in variables(path.read_text(encoding="utf-8")):
        if (match := PARAM.match(variable)) is not None:
            used[match.group(2)] = match.group(1) == "_"
    assert used.get("asof") is not True, f"{path.name}: asof must be optional"
    used["asof"] = False
    assert set(declared) == set(used), f"{path.name}: params {sorted(declared)} vs {sorted(used)}"
    assert set(defaults) <= set(declared)
    assert all(name in defaults for name, required in used.items() if required), (
        f"{path.name}: a required parameter has no default"
    )
    parsed = get_query(path.stem)  # the package reads the same header
    assert parsed.name == path.stem and parsed.form == "SELECT"
    assert {p.name for p in parsed.params} == set(declared)
    asof = parsed.param("asof")
    assert asof is not None and (asof.type, asof.required) == ("date", False)
    assert asof.description == declared["asof"]


def test_every_query_has_its_test() -> None:
    stems = sorted(path.stem for path in QUERIES.glob("*.rq"))
    assert {
        "permitted-uses",
        "unrestricted-permissions",
        "pressure-on-decision-maker",
        "rifts",
        "claims-by-source",
        "weapon-systems",
        "territories",
        "timeline",
        "is-permitted",
    } <= set(stems)
    missing = [stem for stem in stems if f"test_{stem.replace('-', '_')}" not in globals()]
    assert not missing, f"queries without a test: {missing}"


# --- 1. permitted-uses -------------------------------------------------------------------------


def test_permitted_uses(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "permitted-uses")
    assert cols(rows, "rule", "kindLabel", "grantorLabel", "granteeLabel") == [
        (KHARKIV, "authorization", "United States", "Ukraine"),
        (CRIMEA, "authorization", "United States", "Ukraine"),
        (DEEP, "prohibition", "United States", "Ukraine"),
    ]
    kharkiv, crimea, deep = rows

    assert cols(
        [kharkiv],
        "actionLabel",
        "weaponScope",
        "targetScope",
        "purpose",
        "excludedWeapons",
        "excludedTargets",
        "isImplicit",
        "isUnrestricted",
        "decidedByLabel",
        "validFrom",
        "validUntil",
        "validityCertainty",
    ) == [
        (
            "use weapons",
            "US weapons",
            "Russian border area next to Kharkiv Oblast",
            "counter-fire",
            "ATACMS",
            None,
            False,
            False,
            "Joe Biden",
            "2024-04-30",
            None,
            "approximate date",
        )
    ]
    assert kharkiv["purposeDescription"] == (
        "hit back at Russian forces hitting them or preparing to hit them"
    )
    assert kharkiv["disclosures"] == (
        "US decision secretly communicated to Kyiv; US official tells Politico of the decision; "
        "White House confirms the decision in a written statement"
    )
    assert kharkiv["claimants"] == f"Politico; {OFFICIAL}; White House; RT"
    evidence = str(kharkiv["evidence"]).split(" | ")
    assert evidence[0] == (
        "RT → Politico: Biden ‘secretly’ allowing Ukraine to launch long-range strikes on Russia"
        " – Politico"
    )
    assert evidence[1].startswith(f"{OFFICIAL_CHAIN}: US President Joe Biden has given Kiev")
    assert evidence[2].startswith("RT → White House: Update: the White House later confirmed")
    assert evidence[4] == (
        "RT: Biden’s direction will allow Ukrainian forces to use long-range American weapons"
        " – but not the ATACMS missiles"
    )
    assert evidence[5] == "RT: to attack a band of Russian territory bordering Kharkov Region"
    assert len(evidence) == 6
    assert kharkiv["documents"] == SGID + "document/article-001"
    assert len(str(kharkiv["claims"]).split()) == 5

    assert cols(
        [crimea],
        "actionLabel",
        "weaponScope",
        "targetScope",
        "purpose",
        "isImplicit",
        "justifiedByLabel",
        "validityExpression",
        "claimants",
    ) == [
        (
            "strike targets",
            "US weapons",
            "Crimea",
            None,
            True,
            "The US does not consider Crimea Russian territory",
            "has not changed",
            "RT",
        )
    ]
    assert crimea["evidence"] == (
        "RT: The US does not consider Crimea to be Russian territory, and therefore does not"
        " forbid Ukraine from carrying out such strikes."
    )
    assert cols(
        [deep],
        "actionLabel",
        "weaponScope",
        "targetScope",
        "excludedWeapons",
        "isImplicit",
        "claimants",
    ) == [("strike targets", "US weapons", "deep inside Russia", None, False, OFFICIAL)]
    assert str(deep["evidence"]).startswith(f"{OFFICIAL_CHAIN}: The US official who spoke")

    # validon: on 1 April 2024 the Kharkiv decision (valid from about 30 April) was not yet in
    # force - as known today. As of 1 April (what was known then) nothing was known: the seed
    # was published on 30 May (more as-of cases in test_asof.py).
    before = run(engines, "permitted-uses", validon="2024-04-01")
    assert [row["rule"] for row in before] == [CRIMEA, DEEP]
    assert run(engines, "permitted-uses", asof="2024-04-01") == []
    # Another grantor: the UK rule only.
    uk = run(engines, "permitted-uses", grantor="state/united-kingdom")
    assert cols(uk, "rule", "weaponScope", "targetScope", "isUnrestricted") == [
        (UK, "British weapons", None, True)
    ]


# --- 2. unrestricted-permissions -------------------------------------------------------------


def test_unrestricted_permissions(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "unrestricted-permissions")
    quote = (
        "several NATO countries including Britain, France, and Germany, have already given"
        " Ukraine permission to use their weapons as it sees fit."
    )
    claim = "claim/article-001-rt-allies-permit-as-it-sees-fit"
    assert cols(
        rows,
        "grantorLabel",
        "rule",
        "weaponScope",
        "claim",
        "claimantLabel",
        "chain",
        "quote",
        "publisherLabel",
        "graph",
    ) == [
        (state, rule, weapons, claim, "RT", "RT", quote, "RT", "graph/article-001/curated")
        for state, rule, weapons in [
            ("France", "authorization/france-use-as-it-sees-fit", "French weapons"),
            ("Germany", "authorization/germany-use-as-it-sees-fit", "German weapons"),
            ("United Kingdom", UK, "British weapons"),
        ]
    ]
    assert all(row["document"] == "document/article-001" for row in rows)
    assert all(
        row["evidence"] == "evidence/article-001-rt-allies-permit-as-it-sees-fit" for row in rows
    )
    assert run(engines, "unrestricted-permissions", grantee="state/russia") == []


# --- 3. pressure-on-decision-maker -----------------------------------------------------------


def test_pressure_on_decision_maker(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "pressure-on-decision-maker")
    issue = "Ukraine's long-range strikes on Russia with US weapons"
    want = (
        "US Secretary of State Antony Blinken and senior Pentagon officials both want Biden to"
        " approve long-range strikes on Russia, according to the New York Times and Politico"
    )
    assert cols(rows, "holderLabel", "kindLabel", "issueLabel", "claimantLabel", "chain") == [
        ("(not named)", "pressure", issue, "RT", "RT"),
        ("Antony Blinken", "wants", issue, "Politico", "RT → Politico"),
        ("Antony Blinken", "wants", issue, "The New York Times", "RT → The New York Times"),
        (
            "Zelensky's senior officials",
            "wants",
            issue,
            "Zelensky's senior officials",
            "RT → The Washington Post → Zelensky's senior officials",
        ),
        ("senior Pentagon officials", "wants", issue, "Politico", "RT → Politico"),
        (
            "senior Pentagon officials",
            "wants",
            issue,
            "The New York Times",
            "RT → The New York Times",
        ),
    ]
    assert all(row["decisionMakerLabel"] == "Joe Biden" for row in rows)
    assert str(rows[0]["quote"]).startswith("Biden has come under pressure to allow Ukraine")
    assert [row["quote"] for row in rows[1:3] + rows[4:]] == [want] * 4
    assert str(rows[3]["argument"]).startswith("they could have held back Russia’s Kharkov")
    assert rows[1]["holder"] == "person/antony-blinken"
    # The issue filter takes narrower issues too; an unrelated issue keeps nothing.
    assert (
        len(
            run(
                engines,
                "pressure-on-decision-maker",
                issue="issue/strikes-in-russia-with-western-weapons",
            )
        )
        == 6
    )
    assert run(engines, "pressure-on-decision-maker", decisionmaker="person/antony-blinken") == []


# --- 4. rifts ---------------------------------------------------------------------------------


def test_rifts(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "rifts")
    quote = (
        "This public refusal has caused rifts within the Biden administration, and between the US"
        " and its allies."
    )
    cause = "Biden publicly refuses unrestricted use of US weapons against Russia"
    assert cols(
        rows,
        "rift",
        "sideA",
        "issueLabel",
        "scope",
        "causeLabel",
        "claimantLabel",
        "chain",
        "publisherLabel",
        "quote",
    ) == [
        (
            "rift/us-allies-weapons-restrictions",
            "United States",
            "strikes on Russian territory with Western weapons",
            "between the US and its allies",
            cause,
            "RT",
            "RT",
            "RT",
            quote,
        ),
        (
            "rift/biden-administration-long-range-strikes",
            "Joe Biden",
            "Ukraine's long-range strikes on Russia with US weapons",
            "within the Biden administration",
            cause,
            "RT",
            "RT",
            "RT",
            quote,
        ),
    ]
    assert split(rows[0]["sideB"], ", ") == {"France", "Germany", "United Kingdom"}
    assert split(rows[1]["sideB"], ", ") == {"Antony Blinken", "senior Pentagon officials"}
    assert split(rows[1]["sideBIris"], " ") == {
        SGID + "person/antony-blinken",
        SGID + "group/senior-pentagon-officials",
    }
    assert [r["rift"] for r in run(engines, "rifts", party="person/antony-blinken")] == [
        "rift/biden-administration-long-range-strikes"
    ]
    assert run(engines, "rifts", party="state/russia") == []


# --- 5. claims-by-source ----------------------------------------------------------------------


def test_claims_by_source(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "claims-by-source")
    politico, nyt, lavrov = "RT → Politico", "RT → The New York Times", "RT → Sergey Lavrov"
    assert [
        (c, str(k).removeprefix("claim/article-001-"), ch)
        for c, k, ch in cols(rows, "claimantLabel", "claim", "chain")
    ] == [
        ("Politico", "headline", politico),
        ("Politico", "politico-secret-communication", politico),
        ("Politico", "politico-blinken-pentagon-want-strikes", politico),
        ("RT", "rt-scope-excludes-atacms", "RT"),  # two evidence spans, in text order
        ("RT", "rt-atacms-deliveries", "RT"),
        ("RT", "rt-scope-excludes-atacms", "RT"),
        ("RT", "rt-russia-seized-towns", "RT"),
        ("RT", "rt-previous-staging-grounds", "RT"),
        ("RT", "rt-staging-grounds-lost", "RT"),
        ("RT", "rt-pressure-and-refusal", "RT"),
        ("RT", "rt-rifts", "RT"),
        ("RT", "rt-allies-permit-as-it-sees-fit", "RT"),
        ("RT", "rt-kyiv-angered", "RT"),
        ("RT", "rt-moscow-dismisses", "RT"),
        ("RT", "rt-atacms-crimea-strike", "RT"),
        ("RT", "rt-us-view-on-crimea", "RT"),
        ("Sergey Lavrov", "lavrov-outside-combat-zone", lavrov),  # the quote and "told reporters"
        ("Sergey Lavrov", "lavrov-outside-combat-zone", lavrov),
        ("Sergey Lavrov", "lavrov-civilian-targets", lavrov),
        ("The New York Times", "nyt-blinken-pentagon-want-strikes", nyt),
        ("White House", "white-house-confirmation", "RT → White House"),
        (
            "Zelensky's senior officials",
            "kyiv-officials-could-have-held-back",
            "RT → The Washington Post → Zelensky's senior officials",
        ),
        (OFFICIAL, "official-permission", OFFICIAL_CHAIN),
        (OFFICIAL, "official-counter-fire-quote", OFFICIAL_CHAIN),
        (OFFICIAL, "official-prohibition-unchanged", OFFICIAL_CHAIN),
    ]
    assert all(row["assertionModeLabel"] == "curated" for row in rows)
    assert all(row["graph"] == "graph/article-001/curated" for row in rows)
    assert all(
        row["publisherLabel"] == "RT" and row["documentIssued"] == "2024-05-30" for row in rows
    )
    scope = [row for row in rows if row["claim"] == "claim/article-001-rt-scope-excludes-atacms"]
    assert [row["quote"] for row in scope] == [
        "Biden’s direction will allow Ukrainian forces to use long-range American weapons – but"
        " not the ATACMS missiles",
        "to attack a band of Russian territory bordering Kharkov Region",
    ]
    by_claim = {str(row["claim"]).removeprefix("claim/article-001-"): row for row in rows}
    assert split(by_claim["official-permission"]["asserts"], "; ") == {
        "Joe Biden as President of the United States",
        "US authorization of counter-fire into Russia's border area next to Kharkiv (May 2024)",
        "US official tells Politico of the decision",
    }
    assert by_claim["rt-kyiv-angered"]["hedge"] == "reportedly"
    assert by_claim["lavrov-civilian-targets"]["isDirectQuote"] is True
    # source: claims Politico makes or relays (as a step of the chain).
    relayed = run(engines, "claims-by-source", source="organisation/politico")
    assert cols(relayed, "claimantLabel") == [("Politico",)] * 3 + [(OFFICIAL,)] * 3
    assert len(run(engines, "claims-by-source", source="organisation/rt")) == len(rows)


# --- 6. weapon-systems -------------------------------------------------------------------------


def test_weapon_systems(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "weapon-systems")
    us_rules = [KHARKIV, CRIMEA, DEEP]
    shown = cols(rows, "weaponLabel", "role", "related", "viaLabel", "partyLabel")
    assert [row for row in shown if row[0] == "ATACMS"] == [
        ("ATACMS", "in scope of", CRIMEA, "US weapons", "United States"),
        ("ATACMS", "in scope of", DEEP, "US weapons", "United States"),
        ("ATACMS", "excluded from", KHARKIV, None, "United States"),
        ("ATACMS", "delivered in", "delivery/us-atacms-to-ukraine-2024", None, "United States"),
        ("ATACMS", "used in", "strike/atacms-crimea-2024-05", None, "Armed Forces of Ukraine"),
    ]
    # HIMARS is known from the reference only; it is listed because US rules cover it.
    assert [row for row in shown if row[0] == "HIMARS"] == [
        ("HIMARS", "in scope of", rule, "US weapons", "United States")
        for rule in [KHARKIV, CRIMEA, DEEP]
    ]
    assert [row for row in shown if row[0] == "US weapons"] == [
        ("US weapons", "in scope of", rule, None, "United States") for rule in us_rules
    ] + [
        (
            "US weapons",
            "used in",
            "strike/lavrov-claimed-us-weapons-outside-combat-zone",
            None,
            "Ukraine",
        ),
        (
            "US weapons",
            "used in",
            "strike/lavrov-claimed-western-weapons-on-russian-civilians",
            None,
            "Ukraine",
        ),
    ]
    assert [row for row in shown if row[0] == "British weapons"] == [
        ("British weapons", "in scope of", UK, None, "United Kingdom")
    ]
    for category in ("artillery", "drones", "missiles"):
        assert [row for row in shown if row[0] == category] == [
            (
                category,
                "used in",
                "strike/ukraine-cross-border-strikes-from-northern-kharkiv",
                None,
                "Armed Forces of Ukraine",
            )
        ]
    by_key = {(row["weaponLabel"], row["role"], row["related"]): row for row in rows}
    atacms = by_key[("ATACMS", "excluded from", KHARKIV)]
    assert (atacms["weaponKindLabel"], atacms["suppliers"], atacms["relatedKindLabel"]) == (
        "weapon system",
        "United States",
        "authorization",
    )
    assert atacms["claimants"] == f"Politico; {OFFICIAL}; White House; RT"
    assert "but not the ATACMS missiles" in str(atacms["evidence"])
    strike = by_key[("ATACMS", "used in", "strike/atacms-crimea-2024-05")]
    assert strike["whenLabel"] == "one day before Lavrov spoke (19–25 May 2024)"
    assert strike["evidence"] == (
        "RT: One day before Lavrov spoke, Ukrainian forces used ATACMS missiles to kill two"
        " civilians in a strike on Crimea."
    )
    assert by_key[
        ("US weapons", "used in", "strike/lavrov-claimed-us-weapons-outside-combat-zone")
    ]["claimants"] == ("Sergey Lavrov")
    # Systems first, then categories; a weapon that only the reference knows appears only
    # through a rule's scope, and a reference weapon no rule covers does not appear at all.
    kinds = [row["weaponKindLabel"] for row in rows]
    assert kinds == sorted(kinds, reverse=True)
    in_documents = {"ATACMS", "US weapons", "Western weapons", "artillery", "drones", "missiles"}
    assert all(
        row["role"] == "in scope of" for row in rows if row["weaponLabel"] not in in_documents
    )
    assert not {"Shahed-136", "Iskander", "Kinzhal"} & {row["weaponLabel"] for row in rows}


# --- 7. territories ----------------------------------------------------------------------------


def test_territories(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "territories")
    settlements = "towns and villages of northern Kharkiv Oblast"
    reference = "graph/reference"
    curated = "graph/article-001/curated"
    assert cols(rows, "territoryLabel", "fact", "partyLabel", "claimantLabel", "graph") == [
        ("Belgorod", "part of", "Belgorod Oblast", None, reference),
        ("Belgorod", "part of", "Russian border area next to Kharkiv Oblast", None, reference),
        ("Crimea", "sovereignty view", "United States", "RT", curated),
        ("deep inside Russia", "part of", "territory of Russia", None, reference),
        ("Kharkiv Oblast", "part of", "territory of Ukraine", None, reference),
        (
            "Russian border area next to Kharkiv Oblast",
            "part of",
            "territory of Russia",
            None,
            reference,
        ),
        ("territory of Russia", "territory of", "Russia", None, reference),
        (settlements, "part of", "Kharkiv Oblast", None, reference),
        (settlements, "controlled by", "Ukraine", "RT", curated),
        (settlements, "controlled by", "Ukraine", "RT", curated),
        (settlements, "controlled by", "Russia", "RT", curated),
        (settlements, "controlled by", "Russia", "RT", curated),
    ]
    crimea = rows[2]
    assert cols([crimea], "sovereignLabel", "recognises", "chain", "statement") == [
        ("Russia", False, "RT", "view/us-crimea-not-russian")
    ]
    assert str(crimea["quote"]).startswith("The US does not consider Crimea to be Russian")
    assert cols(rows[8:], "from", "until", "dateCertainty", "establishedByLabel", "claim") == [
        (
            None,
            "2024-05-30",
            "inferred date",
            None,
            "claim/article-001-rt-previous-staging-grounds",
        ),
        (None, "2024-05-30", "inferred date", None, "claim/article-001-rt-staging-grounds-lost"),
        (
            "2024-04-30",
            None,
            "approximate date",
            "Russia's 2024 Kharkiv offensive",
            "claim/article-001-rt-russia-seized-towns",
        ),
        (
            "2024-04-30",
            None,
            "approximate date",
            "Russia's 2024 Kharkiv offensive",
            "claim/article-001-rt-staging-grounds-lost",
        ),
    ]
    assert rows[0]["source"] == "https://www.wikidata.org/"
    assert rows[0]["territoryKindLabel"] == "settlement"


# --- 8. timeline -----------------------------------------------------------------------------


def test_timeline(engines: tuple[Dataset, Store]) -> None:
    rows = run(engines, "timeline")
    inferred, approx, relative = "inferred date", "approximate date", "resolved relative date"
    a = "authorization/"
    assert [
        (nb, na, role, str(thing).split("/", 1)[1], cert)
        for nb, na, role, thing, cert in cols(
            rows, "notBefore", "notAfter", "dateRole", "thing", "dateCertainty"
        )
    ] == [
        (None, "2024-05-30", "decided", "france-use-as-it-sees-fit", inferred),
        (None, "2024-05-30", "decided", "germany-use-as-it-sees-fit", inferred),
        (None, "2024-05-30", "decided", "uk-use-as-it-sees-fit", inferred),
        (
            None,
            "2024-05-30",
            "occurred",
            "ukraine-cross-border-strikes-from-northern-kharkiv",
            inferred,
        ),
        (None, "2024-05-30", "valid", "ukraine-northern-kharkiv-settlements", inferred),
        (None, None, "valid", "france-use-as-it-sees-fit", inferred),
        (None, None, "valid", "germany-use-as-it-sees-fit", inferred),
        (None, None, "valid", "uk-use-as-it-sees-fit", inferred),
        (None, None, "valid", "us-crimea-strikes-not-forbidden", inferred),
        (None, None, "valid", "us-strikes-deep-inside-russia", inferred),
        ("2024-04-01", "2024-05-30", "occurred", "us-atacms-to-ukraine-2024", approx),
        ("2024-04-30", "2024-05-30", "decided", "us-kharkiv-counter-fire-2024", approx),
        ("2024-04-30", "2024-05-30", "occurred", "russia-kharkiv-2024", approx),
        ("2024-04-30", "2024-05-30", "occurred", "us-kharkiv-secret-communication", approx),
        ("2024-04-30", None, "valid", "russia-northern-kharkiv-settlements-2024", approx),
        ("2024-04-30", None, "valid", "us-kharkiv-counter-fire-2024", approx),
        ("2024-05-02", "2024-05-30", "occurred", "us-unrestricted-use-2024-05", approx),
        ("2024-05-02", "2024-05-30", "valid", "biden-refuses-unrestricted-use", approx),
        ("2024-05-19", "2024-05-25", "occurred", "atacms-crimea-2024-05", relative),
        (
            "2024-05-20",
            "2024-05-26",
            "occurred",
            "lavrov-claimed-us-weapons-outside-combat-zone",
            relative,
        ),
        (
            "2024-05-20",
            "2024-05-26",
            "occurred",
            "lavrov-claimed-western-weapons-on-russian-civilians",
            relative,
        ),
        ("2024-05-20", "2024-05-26", "stated", "article-001-lavrov-civilian-targets", relative),
        ("2024-05-20", "2024-05-26", "stated", "article-001-lavrov-outside-combat-zone", relative),
        (
            "2024-05-27",
            "2024-05-30",
            "stated",
            "article-001-kyiv-officials-could-have-held-back",
            relative,
        ),
        ("2024-05-30", "2024-05-30", "occurred", "us-kharkiv-politico-leak", relative),
        ("2024-05-30", "2024-05-30", "published", "article-001", approx),
        ("2024-05-30", "2024-05-30", "stated", "article-001-official-permission", relative),
        (
            "2024-05-30",
            "2024-05-30",
            "stated",
            "article-001-official-prohibition-unchanged",
            relative,
        ),
        ("2024-05-30", "2024-05-30", "stated", "article-001-official-counter-fire-quote", relative),
        ("2024-05-30", "2024-05-31", "occurred", "us-kharkiv-white-house-confirmation", approx),
        ("2024-05-30", "2024-05-31", "stated", "article-001-white-house-confirmation", approx),
    ]
    by_key = {(row["dateRole"], row["thing"]): row for row in rows}
    strike = by_key[("occurred", "strike/atacms-crimea-2024-05")]
    assert cols([strike], "what", "kindLabel", "dateExpression", "claimants") == [
        (
            "ATACMS strike on Crimea killing two civilians (May 2024)",
            "strike",
            "One day before Lavrov spoke",
            "RT",
        )
    ]
    assert str(strike["relativeToLabel"]).startswith("Lavrov: American weapons are already")
    lavrov = by_key[("stated", "claim/article-001-lavrov-outside-combat-zone")]
    assert lavrov["claimants"] == "Sergey Lavrov" and lavrov["kindLabel"] == "claim"
    assert str(lavrov["evidence"]).startswith("RT → Sergey Lavrov: “American weapons are already")
    document = by_key[("published", "document/article-001")]
    assert cols([document], "what", "claimants", "documents") == [
        (
            "Biden 'secretly' allowing Ukraine to launch long-range strikes on Russia – Politico",
            "RT",
            SGID + "document/article-001",
        )
    ]
    assert by_key[("decided", a + "us-kharkiv-counter-fire-2024")]["dateExpression"] == "recently"


# --- 9. is-permitted -------------------------------------------------------------------------


def test_is_permitted(engines: tuple[Dataset, Store]) -> None:
    """The defaults: counter-fire on Belgorod with HIMARS on 15 June 2024 - permitted."""
    rows = run(engines, "is-permitted")
    assert cols(
        rows,
        "verdict",
        "rule",
        "kindLabel",
        "grantorLabel",
        "weaponLabel",
        "targetLabel",
        "weaponExcluded",
        "targetExcluded",
        "purposeMatches",
        "validity",
        "validFrom",
    ) == [
        (
            "permits",
            KHARKIV,
            "authorization",
            "United States",
            "HIMARS",
            "Belgorod",
            False,
            False,
            True,
            "valid",
            "2024-04-30",
        )
    ]
    (row,) = rows
    assert (row["weaponScope"], row["targetScope"], row["purpose"]) == (
        "US weapons",
        "Russian border area next to Kharkiv Oblast",
        "counter-fire",
    )
    assert row["claimants"] == f"Politico; {OFFICIAL}; White House; RT"
    assert "for counter-fire purposes in Kharkov" in str(row["evidence"])
    # The individual checks.
    assert cols(
        run(engines, "is-permitted", purpose="sg:SelfDefence"), "verdict", "purposeMatches"
    ) == [("purpose mismatch", False)]
    assert cols(run(engines, "is-permitted", date="2024-04-01"), "verdict", "validity") == [
        ("not yet valid", "not yet valid")
    ]
    # A target outside every rule's scope (Kharkiv Oblast itself) and a weapon outside every
    # rule's scope (Russian Iskander) give no rows: no rule in the graph covers the use.
    assert run(engines, "is-permitted", target="territory/kharkiv-oblast") == []
    assert run(engines, "is-permitted", weapon="weapon/iskander") == []


CASES = {
    "belgorod-himars": ({}, [("permits", KHARKIV)]),
    "belgorod-atacms": ({"weapon": "weapon/atacms"}, [("excluded", KHARKIV)]),
    "deep-inside-russia": ({"target": "territory/russian-interior"}, [("forbids", DEEP)]),
    "crimea-atacms": (
        {"target": "territory/crimea", "weapon": "weapon/atacms"},
        [("permits", CRIMEA)],
    ),
    "belgorod-uk-weapons": ({"weapon": "weapon-category/uk-weapons"}, [("permits", UK)]),
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("belgorod-himars", id="belgorod-counter-fire-himars-permitted"),
        pytest.param("belgorod-atacms", id="belgorod-counter-fire-atacms-excluded"),
        pytest.param("deep-inside-russia", id="deep-inside-russia-forbidden"),
        pytest.param("crimea-atacms", id="crimea-atacms-not-forbidden"),
        pytest.param("belgorod-uk-weapons", id="belgorod-uk-weapons-unrestricted"),
    ],
)
def test_is_permitted_cases(engines: tuple[Dataset, Store], case: str) -> None:
    """The design's cases (counter-fire purpose, 15 June 2024, the query's defaults)."""
    params, expected = CASES[case]
    rows = run(engines, "is-permitted", **params)
    assert cols(rows, "verdict", "rule") == expected
    if case == "crimea-atacms":
        (row,) = rows
        assert row["isImplicit"] is True
        assert row["justifiedByLabel"] == "The US does not consider Crimea Russian territory"
        # No prohibition covers Crimea: the deep-strike ban is about Russia's interior only.
        assert not any(r["kindLabel"] == "prohibition" for r in rows)
    if case == "belgorod-atacms":
        assert (rows[0]["weaponExcluded"], rows[0]["targetExcluded"]) == (True, False)
        assert not any(r["verdict"] == "permits" for r in rows)
    if case == "deep-inside-russia":
        assert not any(r["verdict"] == "permits" for r in rows)
