"""Sentence segmentation with character offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

_ABBREVIATIONS = {
    "u.s",
    "u.k",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "lt",
    "col",
    "sgt",
    "no",
    "vs",
    "n",
    "jr",
}
# a sentence ends at . ! ? (optionally followed by closing quotes) before whitespace
_BOUNDARY = re.compile(r"[.!?][”\"’)]*(?=\s+[“\"‘(]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _last_word(line: str, begin: int, end: int) -> str:
    """The run of ASCII letters and dots ending at ``end`` (not before ``begin``): what
    ``re.search(r"([A-Za-z.]+)$", line[begin:end])`` finds, without rescanning the line."""
    i = end
    while i > begin and line[i - 1] in _WORD_CHARS:
        i -= 1
    return line[i:end]


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def split_sentences(text: str) -> list[Sentence]:
    """Lines are paragraphs; inside a line, split after sentence-final punctuation."""
    sentences: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(text.split("\n")):
        begin = 0
        for match in _BOUNDARY.finditer(line):
            if _last_word(line, begin, match.start()).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            s, e = _trim(text, offset + begin, offset + match.end())
            if e > s:
                sentences.append(Sentence(len(sentences), s, e, text[s:e], paragraph))
            begin = match.end()
        s, e = _trim(text, offset + begin, offset + len(line))
        if e > s:
            sentences.append(Sentence(len(sentences), s, e, text[s:e], paragraph))
        offset += len(line) + 1
    return sentences
