"""Find and link mentions: gazetteer matches resolved by context, plus unknown names."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from rdflib import URIRef

from strikegraph.extract.gazetteer import Form, Gazetteer, normalise
from strikegraph.extract.sentences import Sentence

__all__ = ["Mention", "find_mentions", "find_unknown_names"]


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str
    iri: URIRef
    kind: str
    form_type: str
    sentence: int
    resolved_by: str = "gazetteer"  # gazetteer | coref | unknown


@dataclass(frozen=True)
class _FormContext:
    """A form's context conditions, prepared once: normalised words, compiled patterns."""

    window: str
    near: tuple[str, ...] | None
    not_near: tuple[str, ...] | None
    preceded_by: tuple[str, ...] | None
    followed_by: tuple[str, ...] | None
    valid_from: dt.date | None
    valid_until: dt.date | None


def _prepare(form: Form) -> _FormContext:
    ctx = dict(form.context)

    def words(key: str) -> tuple[str, ...] | None:
        return tuple(normalise(w) for w in ctx[key]) if key in ctx else None

    return _FormContext(
        window=ctx.get("window", "sentence"),
        near=tuple(normalise(w) for w in ctx["near"]) if "near" in ctx else None,
        not_near=tuple(normalise(w) for w in ctx["not_near"]) if "not_near" in ctx else None,
        preceded_by=words("preceded_by"),
        followed_by=words("followed_by"),
        valid_from=dt.date.fromisoformat(str(ctx["valid_from"])) if "valid_from" in ctx else None,
        valid_until=(
            dt.date.fromisoformat(str(ctx["valid_until"])) if "valid_until" in ctx else None
        ),
    )


def _is_word_char(ch: str) -> bool:
    """``\\w`` for one character (str patterns: Unicode letters and digits, and "_")."""
    return ch.isalnum() or ch == "_"


def _ends_with_word(before: str, word: str) -> bool:
    """``re.search(r"(?:^|\\W)" + re.escape(word) + "$", before)`` for a right-stripped
    ``before``, without the regex: ``word`` ends it, after a non-word character or nothing."""
    if not word or not before.endswith(word):
        return bool(not word and (not before or not _is_word_char(before[-1])))
    i = len(before) - len(word)
    return i == 0 or not _is_word_char(before[i - 1])


def _starts_with_word(after: str, word: str) -> bool:
    """``re.match(re.escape(word) + r"(?:\\W|$)", after)`` without the regex."""
    if not after.startswith(word):
        return False
    n = len(word)
    return n == len(after) or not _is_word_char(after[n]) or after[n:] == "\n"


def _form_context(gazetteer: Gazetteer, form: Form) -> _FormContext:
    cache: dict[Form, _FormContext] = gazetteer.__dict__.setdefault("_form_contexts", {})
    prepared = cache.get(form)
    if prepared is None:
        prepared = cache[form] = _prepare(form)
    return prepared


class _Windows:
    """Normalised context windows of one document (sentence, paragraph, document), cached."""

    def __init__(self, text: str, norm: str, sentences: list[Sentence]) -> None:
        self.text = text
        self.norm = norm
        self.sentences = sentences
        self.cache: dict[tuple[str, int], str] = {}

    def get(self, sent: Sentence, which: str) -> str:
        if which == "document":
            return self.norm
        key = (which, sent.paragraph if which == "paragraph" else sent.index)
        window = self.cache.get(key)
        if window is None:
            if which == "paragraph":
                parts = [s.text for s in self.sentences if s.paragraph == sent.paragraph]
                window = normalise(" ".join(parts))
            else:
                window = normalise(sent.text)
            self.cache[key] = window
        return window


def _context_holds(
    form: Form,
    prepared: _FormContext,
    windows: _Windows,
    start: int,
    end: int,
    sent: Sentence,
    published: dt.date | None,
) -> bool:
    window = windows.get(sent, prepared.window)
    if prepared.near is not None and not any(w in window for w in prepared.near):
        return False
    if prepared.not_near is not None and any(w in window for w in prepared.not_near):
        return False
    norm = windows.norm
    checks = []
    if prepared.preceded_by is not None:
        before = norm[max(0, start - 40) : start].rstrip()
        checks.append(any(_ends_with_word(before, w) for w in prepared.preceded_by))
    if prepared.followed_by is not None:
        after = norm[end : end + 40].lstrip()
        checks.append(any(_starts_with_word(after, w) for w in prepared.followed_by))
    # disambiguation candidates list preceded_by and followed_by as alternatives
    if checks and not (any(checks) if form.type == "disambiguation" else all(checks)):
        return False
    if published is not None:
        if prepared.valid_from is not None and published < prepared.valid_from:
            return False
        if prepared.valid_until is not None and published > prepared.valid_until:
            return False
    return True


def _sentence_at(sentences: list[Sentence], offset: int) -> Sentence:
    for sent in sentences:
        if sent.start <= offset < sent.end:
            return sent
    return sentences[-1]


def _plain_choices(gazetteer: Gazetteer) -> dict[str, Form]:
    """The form chosen for each text whose forms need no check (no context, no case).

    For such a text nothing about the occurrence matters: the choice is the default
    disambiguation form if there is one, else the first form. Computed once per gazetteer.
    """
    cache: dict[str, Form] | None = gazetteer.__dict__.get("_plain_choices")
    if cache is not None:
        return cache
    cache = {}
    for key, forms in gazetteer.forms.items():
        if any(f.context or f.case_sensitive for f in forms):
            continue
        default = gazetteer.defaults.get(key)
        if default is not None:
            chosen = next((f for f in forms if f.iri == default), None) or Form(
                "", default, "label"
            )
            if chosen.text == "":
                continue  # the synthesised form carries the occurrence's text: not cacheable
        else:
            chosen = forms[0]
        cache[key] = chosen
    gazetteer.__dict__["_plain_choices"] = cache
    return cache


def find_mentions(
    text: str,
    sentences: list[Sentence],
    gazetteer: Gazetteer,
    published: dt.date | None = None,
) -> list[Mention]:
    norm = normalise(text)
    windows = _Windows(text, norm, sentences)
    plain_choices = _plain_choices(gazetteer)
    starts = [s.start for s in sentences]
    mentions: list[Mention] = []
    pos = 0
    search = gazetteer.pattern.search
    while True:
        match = search(norm, pos)
        if match is None:
            break
        key = match.group(0)
        start, end = match.span()
        # the sentence holding the match (the last one when the match is past every end)
        i = bisect.bisect_right(starts, start) - 1
        sent = (
            sentences[i] if i >= 0 and start < sentences[i].end else _sentence_at(sentences, start)
        )
        chosen: Form | None = plain_choices.get(key)
        if chosen is not None:
            mentions.append(
                Mention(
                    start,
                    end,
                    text[start:end],
                    chosen.iri,
                    gazetteer.kind(chosen.iri) or "unknown",
                    chosen.type,
                    sent.index,
                )
            )
            pos = end
            continue
        candidates = [
            f for f in gazetteer.forms[key] if not f.case_sensitive or text[start:end] == f.text
        ]
        holding = [
            f
            for f in candidates
            if f.context
            and _context_holds(f, _form_context(gazetteer, f), windows, start, end, sent, published)
        ]
        if holding:
            chosen = max(holding, key=lambda f: f.priority)
        elif key in gazetteer.defaults:
            chosen = next(
                (f for f in candidates if f.iri == gazetteer.defaults[key]), None
            ) or Form(text[start:end], gazetteer.defaults[key], "label")
        else:
            plain = [f for f in candidates if not f.context]
            chosen = plain[0] if plain else None
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


# (?=[A-Z]) first: the regex engine then skips to capitals instead of trying every boundary
_NAME = re.compile(
    r"(?=[A-Z])\b(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?)+\b"
)
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
    covered = sorted((m.start, m.end) for m in mentions)
    starts = [s for s, _ in covered]
    # the longest end among the spans starting before each one (spans may overlap)
    reach = []
    longest = -1
    for _, e in covered:
        longest = max(longest, e)
        reach.append(longest)
    found: list[Mention] = []
    for match in _NAME.finditer(text):
        start, end = match.start(), match.end()
        words = match.group(0).split()
        while words and words[0] in _STOP_FIRST:
            start += len(words[0]) + 1
            words = words[1:]
        if len(words) < 2:
            continue
        # a covered span starting before `end` reaches past `start`
        i = bisect.bisect_left(starts, end) - 1
        if i >= 0 and reach[i] > start:
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
