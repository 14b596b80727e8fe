"""Relative date expressions resolved against the publication date, as intervals."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DateMention", "find_dates"]

_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    not_before: dt.date | None
    not_after: dt.date | None
    certainty: str  # ResolvedRelativeDate | ApproximateDate | InferredDate | ExactDate


def _month_interval(year: int, month: int, part: str | None) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    if part == "early":
        return first, dt.date(year, month, 10)
    if part == "mid":
        return dt.date(year, month, 11), dt.date(year, month, 20)
    if part == "late":
        return dt.date(year, month, 21), last
    return first, last


# Matched against the lower-cased text (same length, so offsets are the text's). A month
# after "early"/"mid"/"late" may follow a space or hyphen ("mid-April"); a bare month starts
# at the month name (the expression never starts with whitespace).
_PATTERN = re.compile(
    r"\b(?:(?P<on>on\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?P<lastweek>last\s+week)|(?P<thisweek>this\s+week)"
    r"|(?P<recentweeks>in\s+recent\s+weeks|in\s+the\s+past\s+few\s+weeks)"
    r"|(?P<since>since\s+)?(?:(?P<part>early|mid|late)[\s-]*)?(?P<month>"
    + "|".join(_MONTHS)
    + r")(?:\s+(?P<year>\d{4}))?"
    r"|(?P<daysearlier>days\s+earlier)|(?P<recently>recently)"
    r"|(?P<formonths>for\s+months)|(?P<earlieryear>earlier\s+in\s+the\s+year)"
    r"|(?P<untilnow>until\s+now|so\s+far|to\s+date|still))\b"
)
# Every expression _PATTERN matches contains one of these words, at most _MAX_PREFIX
# characters after its start ("in the past few weeks", "since early April"): the text is
# searched for the words with str.find (fast), and _PATTERN is tried only at the word
# starts shortly before each. This gives the matches finditer would, several times faster
# than letting the regex engine try every alternative at every word boundary.
_KEYWORDS = (
    "day",
    "week",
    "recently",
    "months",
    "earlier",
    "now",
    "far",
    "date",
    "still",
    *_MONTHS,
)
_MAX_PREFIX = 40


def _lower(text: str) -> str:
    """``text.lower()`` of the same length (characters whose lower case is longer kept)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _matches(
    low: str, pattern: re.Pattern[str], keywords: tuple[str, ...], max_prefix: int
) -> list[re.Match[str]]:
    """``list(pattern.finditer(low))``, trying the pattern only near keyword hits.

    ``pattern`` starts with ``\\b`` before a word character, and each of its matches holds
    one of ``keywords`` at most ``max_prefix`` characters after the match's start.
    """
    hits: list[int] = []
    for word in keywords:
        pos = low.find(word)
        while pos >= 0:
            hits.append(pos)
            pos = low.find(word, pos + 1)
    hits.sort()
    found: list[re.Match[str]] = []
    last_end = 0
    for hit in hits:
        if hit < last_end:
            continue
        for p in range(max(last_end, hit - max_prefix), hit + 1):
            # a match starts with a word character at a word start
            if not low[p].isalnum() or (p > 0 and (low[p - 1].isalnum() or low[p - 1] == "_")):
                continue
            m = pattern.match(low, p)
            if m is not None:
                found.append(m)
                last_end = m.end()
                break
    return found


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Date expressions in the text; without a publication date nothing can be resolved."""
    if published is None:
        return []
    found: list[DateMention] = []
    low = _lower(text)
    for m in _matches(low, _PATTERN, _KEYWORDS, _MAX_PREFIX):
        g = m.groupdict()
        nb: dt.date | None
        na: dt.date | None
        certainty = "ResolvedRelativeDate"
        if g["weekday"]:
            if not g["on"] and text[m.start() - 1 : m.start()] not in (" ", ","):
                continue
            back = (published.weekday() - _DAYS.index(g["weekday"])) % 7
            nb = na = published - dt.timedelta(days=back)
        elif g["lastweek"]:
            monday = published - dt.timedelta(days=published.weekday() + 7)
            nb, na = monday, monday + dt.timedelta(days=6)
        elif g["thisweek"]:
            nb, na = published - dt.timedelta(days=published.weekday()), published
        elif g["recentweeks"]:
            nb, na, certainty = published - dt.timedelta(days=28), published, "ApproximateDate"
        elif g["month"]:
            if g["month"] == "may" and not (g["since"] or g["part"] or g["year"]):
                continue  # the modal verb
            month = _MONTHS.index(g["month"]) + 1
            year = int(g["year"]) if g["year"] else published.year - (month > published.month)
            nb, na = _month_interval(year, month, g["part"] or None)
            certainty = "ApproximateDate" if g["part"] else "ResolvedRelativeDate"
            if g["since"]:
                na = published
        elif g["daysearlier"]:
            nb, na, certainty = (
                published - dt.timedelta(days=7),
                published - dt.timedelta(days=1),
                "ApproximateDate",
            )
        elif g["recently"]:
            nb, na, certainty = published - dt.timedelta(days=30), published, "ApproximateDate"
        elif g["formonths"]:
            nb, na, certainty = None, published, "InferredDate"
        elif g["untilnow"]:
            # "until now", "so far", "still refuses": a state of affairs as of publication
            nb, na, certainty = None, published, "InferredDate"
        elif g["earlieryear"]:
            nb, na, certainty = dt.date(published.year, 1, 1), published, "ApproximateDate"
        else:
            continue
        found.append(DateMention(m.start(), m.end(), text[m.start() : m.end()], nb, na, certainty))
    # "one day before <event>": the nearest date expression before, shifted (both bounds)
    for m in _matches(low, _SHIFT, ("before", "after"), _SHIFT_PREFIX):
        anchors = [d for d in found if d.end <= m.start()] or [
            d for d in found if d.start >= m.end()
        ]
        if not anchors:
            continue
        anchor = anchors[-1] if anchors[-1].end <= m.start() else anchors[0]
        n = _COUNT.get(m.group("n"), 1) if not m.group("n").isdigit() else int(m.group("n"))
        delta = dt.timedelta(days=n if m.group("unit").startswith("day") else 7 * n)
        offset = -delta if m.group("dir") == "before" else delta
        nb = anchor.not_before + offset if anchor.not_before is not None else None
        na = anchor.not_after + offset if anchor.not_after is not None else None
        found.append(
            DateMention(
                m.start(),
                m.end(),
                text[m.start() : m.end()],
                nb,
                na,
                "ResolvedRelativeDate",
            )
        )
    return sorted(found, key=lambda d: d.start)


_COUNT = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SHIFT = re.compile(
    r"\b(?P<n>one|a|two|three|four|five|\d+)\s+(?P<unit>days?|weeks?)\s+(?P<dir>before|after)\b"
)
# "five weeks before": the longest number word and unit, with room for a few spaces
_SHIFT_PREFIX = 24
