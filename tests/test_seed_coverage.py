"""Every fact-bearing sentence of the seed article is represented in its curated graph.

The seed text is split into sentences; each must be covered by the evidence span of at
least one claim, and each claim must assert something. `SENTENCE_ASSERTIONS` is the
reviewed list of which things each sentence gives rise to: it documents the mapping
and fails when the curated graph drops or moves one.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Dataset

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "graph" / "documents" / "article-001.txt").read_text(encoding="utf-8")
ID = "https://w3id.org/strikegraph/id/"

# Sentence start (as it appears in the text) -> things asserted by claims whose evidence
# lies in that sentence (IRIs relative to https://w3id.org/strikegraph/id/).
SENTENCE_ASSERTIONS: dict[str, set[str]] = {
    "Biden ‘secretly’ allowing": {
        "authorization/us-kharkiv-counter-fire-2024",
        "disclosure/us-kharkiv-secret-communication",
    },
    "US President Joe Biden has given": {
        "authorization/us-kharkiv-counter-fire-2024",
        "disclosure/us-kharkiv-politico-leak",
        "holding/joe-biden-president-of-the-united-states",
    },
    "Update: the White House": {
        "authorization/us-kharkiv-counter-fire-2024",
        "disclosure/us-kharkiv-white-house-confirmation",
    },
    "“The president recently directed": {"authorization/us-kharkiv-counter-fire-2024"},
    "According to Politico": {"disclosure/us-kharkiv-secret-communication"},
    "In practice, Biden’s direction": {
        "authorization/us-kharkiv-counter-fire-2024",
        "delivery/us-atacms-to-ukraine-2024",
        "control/russia-northern-kharkiv-settlements-2024",
        "offensive/russia-kharkiv-2024",
    },
    "Ukraine had previously used": {
        "strike/ukraine-cross-border-strikes-from-northern-kharkiv",
        "control/ukraine-northern-kharkiv-settlements",
    },
    "However, Russia’s push": {
        "offensive/russia-kharkiv-2024",
        "control/russia-northern-kharkiv-settlements-2024",
        "control/ukraine-northern-kharkiv-settlements",
        "strike/ukraine-cross-border-strikes-from-northern-kharkiv",
    },
    "The US official who spoke": {"prohibition/us-strikes-deep-inside-russia"},
    "Biden has come under pressure": {
        "pressure/us-unrestricted-use-2024-05",
        "stance/biden-refuses-unrestricted-use",
    },
    "This public refusal": {
        "rift/biden-administration-long-range-strikes",
        "rift/us-allies-weapons-restrictions",
        "alliance/us-and-european-allies",
    },
    "US Secretary of State Antony Blinken": {
        "stance/blinken-wants-long-range-strikes",
        "stance/pentagon-officials-want-long-range-strikes",
        "holding/antony-blinken-us-secretary-of-state",
        "authorization/uk-use-as-it-sees-fit",
        "authorization/france-use-as-it-sees-fit",
        "authorization/germany-use-as-it-sees-fit",
        "membership/united-kingdom-nato",
        "membership/france-nato",
        "membership/germany-nato",
    },
    "In Kiev, Biden’s refusal": {
        "stance/zelensky-angered-by-biden-refusal",
        "stance/zelensky-officials-angered-by-biden-refusal",
        "stance/zelensky-officials-want-cross-border-strikes",
        "offensive/russia-kharkiv-2024",
    },
    "Moscow has dismissed": {"stance/russia-dismisses-western-strikes-debate"},
    "“American weapons are already": {
        "strike/lavrov-claimed-us-weapons-outside-combat-zone",
        "holding/sergey-lavrov-russian-foreign-minister",
    },
    "“We proceed from the fact": {
        "strike/lavrov-claimed-western-weapons-on-russian-civilians",
    },
    "One day before Lavrov spoke": {"strike/atacms-crimea-2024-05"},
    "The US does not consider Crimea": {
        "view/us-crimea-not-russian",
        "authorization/us-crimea-strikes-not-forbidden",
    },
}

EVIDENCE_QUERY = """
PREFIX sg: <https://w3id.org/strikegraph/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?claim ?thing ?start ?end WHERE {
  ?claim a sg:Claim ; sg:asserts ?thing ; sg:hasEvidence ?annotation .
  ?annotation oa:hasTarget/oa:hasSelector ?selector .
  ?selector a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
}
"""


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split at line breaks and after '.', '?' or a closing quote + space."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for boundary in re.finditer(r"(?<=[.?!])[”’]?\s+(?=[A-Z“‘])", line.group()):
            end = line.start() + boundary.start()
            if text[end - 1] not in ".?!":  # keep a closing quote with its sentence
                end += 1
            spans.append((start, end))
            start = line.start() + boundary.end()
        spans.append((start, line.end()))
    return spans


def load_curated() -> Dataset:
    dataset = Dataset(default_union=True)
    for trig in sorted((ROOT / "graph").glob("*/*.trig")):
        dataset.parse(trig, format="trig")
    return dataset


def assertions_by_sentence() -> dict[str, set[str]]:
    spans = sentences(TEXT)
    found: dict[str, set[str]] = {TEXT[s:e][:60]: set() for s, e in spans}
    for _claim, thing, start, end in load_curated().query(EVIDENCE_QUERY):
        for s, e in spans:
            if int(start) < e and int(end) > s:  # the evidence overlaps the sentence
                found[TEXT[s:e][:60]].add(str(thing).removeprefix(ID))
    return found


def test_sentence_splitter_finds_every_sentence() -> None:
    spans = sentences(TEXT)
    assert len(spans) == len(SENTENCE_ASSERTIONS) == 18
    for (start, end), opening in zip(spans, SENTENCE_ASSERTIONS, strict=True):
        assert TEXT[start:end].startswith(opening)


def test_every_sentence_is_represented() -> None:
    found = assertions_by_sentence()
    empty = [sentence for sentence, things in found.items() if not things]
    assert empty == []


def test_sentence_to_assertion_mapping() -> None:
    found = assertions_by_sentence()
    for opening, expected in SENTENCE_ASSERTIONS.items():
        (sentence,) = [s for s in found if s.startswith(opening[:60])]
        assert found[sentence] == expected, opening
