"""Pronouns and short references resolved to the last fitting mention."""

from __future__ import annotations

import re

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


def resolve_references(
    text: str, sentences: list[Sentence], mentions: list[Mention], gazetteer: Gazetteer
) -> list[Mention]:
    """Extra mentions for pronouns and short references (never overlapping a gazetteer match)."""
    covered = [(m.start, m.end) for m in mentions]
    ordered = sorted(mentions, key=lambda m: m.start)
    extra: list[Mention] = []
    for match in _REFS.finditer(text):
        start, end = match.start(), match.end()
        if any(s < end and start < e for s, e in covered):
            continue
        before = [m for m in ordered + extra if m.end <= start]
        sent = next((s for s in sentences if s.start <= start < s.end), sentences[-1])
        target = None
        if match.group("pron"):
            target = next((m for m in reversed(before) if m.kind == "person"), None)
        elif match.group("poss"):
            person = next((m for m in reversed(before) if m.kind == "person"), None)
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
            for m in reversed(before):
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
                    for m in reversed(before)
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
