"""Pronouns and short references resolved to the last fitting mention."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from strikegraph.extract.gazetteer import Gazetteer, normalise
from strikegraph.extract.mentions import Mention
from strikegraph.extract.sentences import Sentence

__all__ = ["resolve_references"]

_REFS = re.compile(
    r"\b(?P<pron>he|she|him|her)\b"
    r"|\b(?P<poss>his|her)\s+(?P<group>senior officials|officials|aides)\b"
    r"|\b(?P<short>the (?:president|chancellor|minister|spokesman|spokeswoman"
    r"|secretary|foreign secretary))\b"
    r"|\b(?P<ministry>the ministry)\b",
    re.IGNORECASE,
)
# the same, for lower-case text: \b checked once, then only where h, s or t start a word
_REFS_LOWER = re.compile(
    r"(?=[hst])\b(?:(?P<pron>he|she|him|her)\b"
    r"|(?P<poss>his|her)\s+(?P<group>senior officials|officials|aides)\b"
    r"|(?P<short>the (?:president|chancellor|minister|spokesman|spokeswoman"
    r"|secretary|foreign secretary))\b"
    r"|(?P<ministry>the ministry)\b)"
)


def resolve_references(
    text: str, sentences: list[Sentence], mentions: list[Mention], gazetteer: Gazetteer
) -> list[Mention]:
    """Extra mentions for pronouns and short references (never overlapping a gazetteer match).

    Candidates are searched backwards: first the references already resolved (latest
    first), then the gazetteer mentions ending before the reference (latest first).
    """
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    ends = [m.end for m in ordered]
    # gazetteer mentions do not overlap, so ends grow with starts; without that guarantee
    # (other callers) fall back to checking every mention
    disjoint = all(a <= b for a, b in zip(ends, starts[1:], strict=False))
    sent_starts = [s.start for s in sentences]
    extra: list[Mention] = []

    def candidates(start: int) -> Iterator[Mention]:
        yield from reversed(extra)
        if disjoint:
            for i in range(bisect.bisect_right(ends, start) - 1, -1, -1):
                yield ordered[i]
        else:
            yield from reversed([m for m in ordered if m.end <= start])

    # the lower-cased copy (same length, so the same offsets) matches without IGNORECASE,
    # which the regex engine scans much faster
    norm = normalise(text)
    for match in _REFS_LOWER.finditer(norm) if len(norm) == len(text) else _REFS.finditer(text):
        start, end = match.start(), match.end()
        if disjoint:
            i = bisect.bisect_left(starts, end) - 1
            if i >= 0 and ends[i] > start:
                continue
        elif any(m.start < end and start < m.end for m in ordered):
            continue
        before = candidates(start)
        i = bisect.bisect_right(sent_starts, start) - 1
        sent = (
            sentences[i]
            if i >= 0 and start < sentences[i].end
            else next((s for s in sentences if s.start <= start < s.end), sentences[-1])
        )
        target = None
        if match.group("pron"):
            target = next((m for m in before if m.kind == "person"), None)
        elif match.group("poss"):
            person = next((m for m in before if m.kind == "person"), None)
            if person is not None:
                surname = gazetteer.label(person.iri).split()[-1]
                key = normalise(f"{surname}'s {match.group('group')}")
                forms = gazetteer.forms.get(key) or gazetteer.forms.get(
                    normalise(f"{surname}'s senior officials")
                )
                if forms:
                    extra.append(
                        Mention(
                            start,
                            end,
                            text[start:end],
                            forms[0].iri,
                            "group",
                            "coref",
                            sent.index,
                            "coref",
                        )
                    )
                continue
        elif match.group("short"):
            word = match.group("short").split()[-1].lower()
            for m in before:
                entity = gazetteer.entities.get(m.iri)
                if (
                    m.kind == "person"
                    and entity is not None
                    and any(word in o[0].lower() for o in entity.offices)
                ):
                    target = m
                    break
        elif match.group("ministry"):
            target = next(
                (
                    m
                    for m in before
                    if m.kind == "organisation" and "ministry" in gazetteer.label(m.iri).lower()
                ),
                None,
            )
        if target is not None:
            extra.append(
                Mention(
                    start,
                    end,
                    text[start:end],
                    target.iri,
                    target.kind,
                    "coref",
                    sent.index,
                    "coref",
                )
            )
    return extra
