"""The extractor's fast paths give the same answers as the plain constructions they replace.

Each speed-up (trie regex for the gazetteer, keyword-windowed date scan, word gates before
relation patterns, string checks instead of context regexes, cheap RDF terms) is checked
against the straightforward version on the dev texts and on generated strings.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from strikegraph.extract import dates, relations
from strikegraph.extract.gazetteer import load_gazetteer, normalise
from strikegraph.extract.mentions import _ends_with_word, _starts_with_word
from strikegraph.extract.terms import SG, SGID, new_iri, str_literal, typed_literal
from strikegraph.namespaces import SG as RDFLIB_SG
from strikegraph.namespaces import SGID as RDFLIB_SGID
from strikegraph.resources import data_dir

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    (data_dir("graph") / "documents" / "article-001.txt").read_text(encoding="utf-8"),
    *(
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "tests" / "gold" / "dev-articles").glob("*.txt"))
    ),
]


def _spans(matches: list[re.Match[str]] | list[re.Match[str] | None]) -> list[object]:
    return [(m.span(), m.group(0)) if m is not None else None for m in matches]


def test_trie_gazetteer_regex_matches_like_the_flat_alternation() -> None:
    gaz = load_gazetteer()
    flat = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(re.escape(t) for t in sorted(gaz.forms, key=len, reverse=True))
        + r")(?![\w])"
    )
    rng = random.Random(11)
    keys = list(gaz.forms)
    samples = [normalise(t) for t in TEXTS] + [
        rng.choice([" ", "-", "'s ", ", "]).join(rng.choice(keys) for _ in range(4))
        + rng.choice(["", "x", " a", "-b"])
        for _ in range(300)
    ]
    for text in samples:
        for pos in range(0, len(text), 5):
            assert _spans([gaz.pattern.search(text, pos)]) == _spans([flat.search(text, pos)])


def test_windowed_date_scan_equals_finditer() -> None:
    rng = random.Random(3)
    words = re.findall(
        r"\S+",
        "on Monday Thursday last week this week in recent weeks since early April mid-May "
        "late June may use May 2023 days earlier recently for months earlier in the year one "
        "day before two weeks after 3 days before until now so far still the and said, Sunday.",
    )
    samples = [t.lower() for t in TEXTS] + [
        " ".join(rng.choice(words) for _ in range(12)).lower() for _ in range(2000)
    ]
    for low in samples:
        assert _spans(dates._matches(low, dates._PATTERN, dates._KEYWORDS, dates._MAX_PREFIX)) == (
            _spans(list(dates._PATTERN.finditer(low)))
        )
        assert _spans(dates._matches(low, dates._SHIFT, ("before", "after"), 24)) == _spans(
            list(dates._SHIFT.finditer(low))
        )


def test_date_expressions_and_until_now() -> None:
    published = dt.date(2024, 11, 17)
    found = {
        d.text: (d.not_before, d.not_after, d.certainty)
        for d in dates.find_dates(
            "Ukraine seized territory in August. Until now it had refused; it still refuses.",
            published,
        )
    }
    # a bare month starts at the month name (it used to take the space before it)
    assert found["August"] == (dt.date(2024, 8, 1), dt.date(2024, 8, 31), "ResolvedRelativeDate")
    assert found["Until now"] == (None, published, "InferredDate")
    assert found["still"] == (None, published, "InferredDate")


def test_context_word_checks_equal_their_regexes() -> None:
    rng = random.Random(5)
    alphabet = ["a", "b", " ", "-", "_", "é", "\n", "1", ".", "’"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        word = rng.choice(["a", "ab", "b a", "a-", "-"])
        before = text.rstrip()
        assert _ends_with_word(before, word) == bool(
            re.search(r"(?:^|\W)" + re.escape(word) + "$", before)
        )
        assert _starts_with_word(text, word) == bool(re.match(re.escape(word) + r"(?:\W|$)", text))


def test_word_gates_admit_every_sentence_their_patterns_match() -> None:
    """A gate may only skip sentences in which its pattern cannot match."""
    phrases = [
        "Berlin has given Kyiv permission to use them",
        "Washington quietly allowed Ukrainian forces to use weapons",
        "it authorised strikes",
        "Kyiv may use the missiles",
        "the prohibition on strikes",
        "a ban on strikes",
        "they remain barred from use",
        "Berlin refused to let Kyiv use them",
        "the change does not cover Storm Shadow",
        "Scholz wants Kyiv to win",
        "she urged Scholz to reject it",
        "they called on Biden to act",
        "Biden still refuses",
        "the refusal angered Zelensky",
        "Moscow dismissed the debate",
        "Stoltenberg welcomed the decision",
        "Ukraine should be allowed to strike",
        "Kyiv has the right to defend itself",
        "Medvedev warned Ukraine",
        "Peskov condemned the remarks",
        "they could have held back the offensive if they had permission to strike",
        "the deal drew criticism at home",
        "they are at odds over it",
        "ATACMS were used to strike targets",
        "missiles used to kill two civilians",
        "Britain has supplied tanks",
        "the missiles were handed over",
        "Russia's push into Kharkiv",
        "Russia seized dozens of towns",
        "the decision was quietly communicated to Kyiv",
        "the White House confirmed the decision",
        "Macron said Kyiv should not be allowed to hit other targets",
        "Scholz said Ukraine has every possibility to do so",
        "the ministry summoned the British ambassador",
        "Peskov called them a direct escalation",
        "the decision would add fuel to the fire",
        "Zakharova called the statement absolutely crazy",
    ]
    pairs: list[tuple[re.Pattern[str], frozenset[str], tuple[str, ...]]] = [
        (relations._AUTH, relations._RULE_WORDS, relations._RULE_PARTS),
        (relations._PROHIB, relations._RULE_WORDS, relations._RULE_PARTS),
        (relations._RIFT, relations._RIFT_WORDS, ()),
        (relations._ATTACK, relations._ATTACK_WORDS, ()),
        (relations._DELIVERY, relations._DELIVERY_WORDS, ()),
        (relations._OFFENSIVE, relations._OFFENSIVE_WORDS, ()),
        (relations._SEIZE, relations._SEIZE_WORDS, ()),
        (relations._CONFIRM, relations._DISCLOSURE_WORDS, ()),
        (relations._SECRET, relations._DISCLOSURE_WORDS, ()),
        (relations._SAY, relations._SAY_WORDS, ()),
    ]
    pairs += [
        (pattern, words, parts)
        for (pattern, _, _), (words, parts) in zip(
            relations._STANCES, relations._STANCE_GATES, strict=True
        )
    ]
    sentences = [s for t in TEXTS for s in re.split(r"(?<=[.!?])\s+", t)] + phrases
    matched = set()
    for sentence in sentences:
        norm = relations._norm(sentence)
        words = frozenset(relations._LETTERS.findall(norm))
        for i, (pattern, gate, parts) in enumerate(pairs):
            if pattern.search(norm):
                matched.add(i)
                assert not words.isdisjoint(gate) or any(p in norm for p in parts), (
                    pattern.pattern,
                    sentence,
                )
    assert matched == set(range(len(pairs)))  # every pattern was exercised


def test_cheap_terms_equal_rdflib_terms() -> None:
    assert SG.Authorization == RDFLIB_SG.Authorization
    assert hash(SG.Authorization) == hash(RDFLIB_SG.Authorization)
    assert SGID["state/ukraine"] == RDFLIB_SGID["state/ukraine"]
    assert type(SGID["state/ukraine"]) is URIRef
    assert new_iri("https://example.org/a") == URIRef("https://example.org/a")
    for mine, theirs in [
        (str_literal("Kyiv", "en"), Literal("Kyiv", lang="en")),
        (str_literal("Kyiv"), Literal("Kyiv")),
        (typed_literal(True), Literal(True)),
        (typed_literal(3, XSD.integer), Literal(3, datatype=XSD.integer)),
        (typed_literal(Decimal("0.7"), XSD.decimal), Literal(Decimal("0.7"), datatype=XSD.decimal)),
        (typed_literal("2024-05-30", XSD.date), Literal("2024-05-30", datatype=XSD.date)),
    ]:
        assert mine == theirs and hash(mine) == hash(theirs)
        assert (mine.language, mine.datatype, mine.value, mine.ill_typed) == (
            theirs.language,
            theirs.datatype,
            theirs.value,
            theirs.ill_typed,
        )
    # equal values of different types or lexical forms never share a cached literal
    assert typed_literal(1, XSD.integer) is not typed_literal(True)
    assert str(typed_literal(Decimal("0.70"), XSD.decimal)) == str(
        Literal(Decimal("0.70"), datatype=XSD.decimal)
    )
