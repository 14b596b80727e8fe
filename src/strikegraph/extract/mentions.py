"""Find and link mentions: gazetteer matches resolved by context, plus unknown names."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rdflib import URIRef

from strikegraph.extract.gazetteer import Form, Gazetteer, normalise
from strikegraph.extract.sentences import Sentence

__all__ = ["Mention", "find_mentions", "find_unknown_names"]


@dataclass
class Mention:
    start: int
    end: int
    text: str
    iri: URIRef
    kind: str
    form_type: str
    sentence: int
    resolved_by: str = "gazetteer"  # gazetteer | coref | unknown


def _window(text: str, sentences: list[Sentence], sent: Sentence, which: str) -> str:
    if which == "document":
        return text
    if which == "paragraph":
        parts = [s.text for s in sentences if s.paragraph == sent.paragraph]
        return " ".join(parts)
    return sent.text


def _context_holds(
    form: Form,
    text: str,
    norm: str,
    start: int,
    end: int,
    sentences: list[Sentence],
    sent: Sentence,
    published: dt.date | None,
) -> bool:
    ctx = dict(form.context)
    window = normalise(_window(text, sentences, sent, ctx.get("window", "sentence")))
    if "near" in ctx and not any(normalise(w) in window for w in ctx["near"]):
        return False
    if "not_near" in ctx and any(normalise(w) in window for w in ctx["not_near"]):
        return False
    before = norm[max(0, start - 40) : start].rstrip()
    after = norm[end : end + 40].lstrip()
    checks = []
    if "preceded_by" in ctx:
        checks.append(
            any(
                re.search(rf"(?:^|\W){re.escape(normalise(w))}$", before)
                for w in ctx["preceded_by"]
            )
        )
    if "followed_by" in ctx:
        checks.append(
            any(re.match(rf"{re.escape(normalise(w))}(?:\W|$)", after) for w in ctx["followed_by"])
        )
    # disambiguation candidates list preceded_by and followed_by as alternatives
    if checks and not (any(checks) if form.type == "disambiguation" else all(checks)):
        return False
    if published is not None:
        if "valid_from" in ctx and published < dt.date.fromisoformat(str(ctx["valid_from"])):
            return False
        if "valid_until" in ctx and published > dt.date.fromisoformat(str(ctx["valid_until"])):
            return False
    return True


def _sentence_at(sentences: list[Sentence], offset: int) -> Sentence:
    for sent in sentences:
        if sent.start <= offset < sent.end:
            return sent
    return sentences[-1]


def find_mentions(
    text: str,
    sentences: list[Sentence],
    gazetteer: Gazetteer,
    published: dt.date | None = None,
) -> list[Mention]:
    norm = normalise(text)
    mentions: list[Mention] = []
    pos = 0
    while True:
        match = gazetteer.pattern.search(norm, pos)
        if match is None:
            break
        key = match.group(0)
        start, end = match.start(), match.end()
        sent = _sentence_at(sentences, start)
        candidates = [
            f for f in gazetteer.forms[key] if not f.case_sensitive or text[start:end] == f.text
        ]
        holding = [
            f
            for f in candidates
            if f.context and _context_holds(f, text, norm, start, end, sentences, sent, published)
        ]
        chosen: Form | None = None
        if holding:
            chosen = max(holding, key=lambda f: f.priority)
        elif key in gazetteer.defaults:
            chosen = next(
                (f for f in candidates if f.iri == gazetteer.defaults[key]), None
            ) or Form(text[start:end], gazetteer.defaults[key], "label")
        else:
            plain = [f for f in candidates if not f.context]
            if plain:
                chosen = plain[0]
        if chosen is None:
            # the longest form failed its context: retry a shorter match inside it
            pos = start + 1
            continue
        kind = gazetteer.kind(chosen.iri) or "unknown"
        # lower-case common-word forms ("the president") need their context or a capital
        mentions.append(
            Mention(start, end, text[start:end], chosen.iri, kind, chosen.type, sent.index)
        )
        pos = end
    return mentions


_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?)+\b")
_PERSON_CUES = re.compile(
    r"(?:spokesman|spokeswoman|spokesperson|minister|president|leader|chancellor|secretary|"
    r"ambassador|general|commander|official|adviser|advisor|head|chief|envoy|senator|mp)\s*,?\s*$",
    re.IGNORECASE,
)
_STOP_FIRST = {
    "The",
    "In",
    "On",
    "At",
    "But",
    "And",
    "However",
    "According",
    "Update",
    "Until",
    "Days",
    "Earlier",
    "Asked",
    "Telling",
    "Just",
    "One",
    "Some",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "They",
    "It",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "If",
    "As",
    "Left",
}


def find_unknown_names(
    text: str, sentences: list[Sentence], mentions: list[Mention]
) -> list[Mention]:
    """Capitalised multi-word names the gazetteer does not know, typed by context.

    Only names with a person cue (a title or role word before them, or a speech verb after)
    are reported, as ``kind == "person"``; they become new entities flagged for review.
    """
    covered = [(m.start, m.end) for m in mentions]
    found: list[Mention] = []
    for match in _NAME.finditer(text):
        start, end = match.start(), match.end()
        words = match.group(0).split()
        while words and words[0] in _STOP_FIRST:
            start += len(words[0]) + 1
            words = words[1:]
        if len(words) < 2:
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        before = text[max(0, start - 40) : start]
        after = text[end : end + 20]
        if not (
            _PERSON_CUES.search(before) or re.match(r"\s+(?:said|says|told|warned|added)\b", after)
        ):
            continue
        sent = _sentence_at(sentences, start)
        slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")
        found.append(
            Mention(
                start,
                end,
                text[start:end],
                URIRef(f"https://w3id.org/strikegraph/id/person/{slug}"),
                "person",
                "unknown",
                sent.index,
                "unknown",
            )
        )
    return found
