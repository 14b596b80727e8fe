"""The extraction pipeline for one document: text -> mentions -> relations -> result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import URIRef

from strikegraph.extract.coref import resolve_references
from strikegraph.extract.dates import DateMention, find_dates
from strikegraph.extract.gazetteer import Gazetteer, load_gazetteer
from strikegraph.extract.mentions import Mention, find_mentions, find_unknown_names
from strikegraph.extract.relations import Extraction, code_relations
from strikegraph.extract.sentences import Sentence, split_sentences

__all__ = ["DocumentInput", "ExtractResult", "extract"]


@dataclass(frozen=True)
class DocumentInput:
    stem: str
    text: str
    published: dt.date | None = None
    publisher: URIRef | None = None


@dataclass
class ExtractResult:
    doc: DocumentInput
    sentences: list[Sentence]
    mentions: list[Mention]
    unknown: list[Mention]
    dates: list[DateMention]
    extraction: Extraction
    gazetteer: Gazetteer = field(repr=False)

    @property
    def linked_entities(self) -> set[URIRef]:
        return {m.iri for m in self.mentions if m.resolved_by != "unknown"}


def extract(doc: DocumentInput, gazetteer: Gazetteer | None = None) -> ExtractResult:
    gaz = gazetteer or load_gazetteer()
    sentences = split_sentences(doc.text)
    if not sentences:
        return ExtractResult(doc, [], [], [], [], Extraction(), gaz)
    mentions = find_mentions(doc.text, sentences, gaz, doc.published)
    mentions += resolve_references(doc.text, sentences, mentions, gaz)
    unknown = find_unknown_names(doc.text, sentences, mentions)
    mentions = sorted(mentions + unknown, key=lambda m: m.start)
    dates = find_dates(doc.text, doc.published)
    extraction = code_relations(
        doc.text, sentences, mentions, dates, gaz, doc.publisher, doc.stem, doc.published
    )
    return ExtractResult(doc, sentences, mentions, unknown, dates, extraction, gaz)
