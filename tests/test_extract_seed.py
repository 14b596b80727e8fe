"""The extractor on the seed text alone reproduces its curated rules, stances and rifts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from strikegraph.evaluate import evaluate_files
from strikegraph.extract.dates import find_dates
from strikegraph.extract.gazetteer import load_gazetteer
from strikegraph.extract.mentions import find_mentions
from strikegraph.extract.sentences import split_sentences
from strikegraph.resources import data_dir

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/strikegraph/id/"


def _seed_gold(tmp_path: Path) -> Path:
    docs = data_dir("graph") / "documents"
    for name in ("article-001.txt", "article-001.meta.yaml"):
        (tmp_path / name).write_bytes((docs / name).read_bytes())
    gold = tmp_path / "article-001.trig"
    gold.write_bytes((data_dir("graph") / "curated" / "article-001.trig").read_bytes())
    return gold


def test_seed_targets(tmp_path: Path) -> None:
    scores = evaluate_files([_seed_gold(tmp_path)])["article-001"]
    for kind in ("authorizations", "prohibitions", "stances", "rifts"):
        assert scores[kind].precision >= 0.8, (kind, scores[kind])
        assert scores[kind].recall >= 0.8, (kind, scores[kind])
    assert scores["entities"].f1 >= 0.9


def test_sentences_keep_offsets() -> None:
    text = (data_dir("graph") / "documents" / "article-001.txt").read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) == 18
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_mentions_variants_and_metonyms() -> None:
    text = (
        "Moscow said Kiev may use American weapons. "
        "The Pentagon and Zelenskyy disagree in Kharkov Region."
    )
    sentences = split_sentences(text)
    found = {
        (m.text, m.iri.removeprefix(ID))
        for m in find_mentions(text, sentences, load_gazetteer(), dt.date(2024, 5, 30))
    }
    assert ("Moscow", "state/russia") in found
    assert ("Kiev", "state/ukraine") in found
    assert ("American weapons", "weapon-category/us-weapons") in found
    assert ("The Pentagon", "organisation/us-department-of-defense") in found
    assert ("Zelenskyy", "person/volodymyr-zelensky") in found
    assert ("Kharkov Region", "territory/kharkiv-oblast") in found
    for m in find_mentions(text, sentences, load_gazetteer(), None):
        assert text[m.start : m.end] == m.text


def test_relative_dates() -> None:
    text = "He spoke on Thursday; last week and since early April, in recent weeks."
    got = {d.text: (d.not_before, d.not_after) for d in find_dates(text, dt.date(2024, 5, 30))}
    assert got["on Thursday"] == (dt.date(2024, 5, 30), dt.date(2024, 5, 30))
    assert got["last week"] == (dt.date(2024, 5, 20), dt.date(2024, 5, 26))
    assert got["since early April"] == (dt.date(2024, 4, 1), dt.date(2024, 5, 30))
    assert got["in recent weeks"] == (dt.date(2024, 5, 2), dt.date(2024, 5, 30))
    assert find_dates(text, None) == []
