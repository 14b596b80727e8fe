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


_PATTERN = re.compile(
    r"\b(?:(?P<on>on\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?P<lastweek>last\s+week)|(?P<thisweek>this\s+week)"
    r"|(?P<recentweeks>in\s+recent\s+weeks|in\s+the\s+past\s+few\s+weeks)"
    r"|(?P<since>since\s+)?(?P<part>early|mid|late)?[\s-]*(?P<month>"
    + "|".join(_MONTHS)
    + r")(?:\s+(?P<year>\d{4}))?"
    r"|(?P<daysearlier>days\s+earlier)|(?P<recently>recently)"
    r"|(?P<formonths>for\s+months)|(?P<earlieryear>earlier\s+in\s+the\s+year))\b",
    re.IGNORECASE,
)


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Date expressions in the text; without a publication date nothing can be resolved."""
    if published is None:
        return []
    found: list[DateMention] = []
    for m in _PATTERN.finditer(text):
        g = m.groupdict()
        nb: dt.date | None
        na: dt.date | None
        certainty = "ResolvedRelativeDate"
        if g["weekday"]:
            if not g["on"] and text[m.start() - 1 : m.start()] not in (" ", ","):
                continue
            back = (published.weekday() - _DAYS.index(g["weekday"].lower())) % 7
            nb = na = published - dt.timedelta(days=back)
        elif g["lastweek"]:
            monday = published - dt.timedelta(days=published.weekday() + 7)
            nb, na = monday, monday + dt.timedelta(days=6)
        elif g["thisweek"]:
            nb, na = published - dt.timedelta(days=published.weekday()), published
        elif g["recentweeks"]:
            nb, na, certainty = published - dt.timedelta(days=28), published, "ApproximateDate"
        elif g["month"]:
            if g["month"].lower() == "may" and not (g["since"] or g["part"] or g["year"]):
                continue  # the modal verb
            month = _MONTHS.index(g["month"].lower()) + 1
            year = int(g["year"]) if g["year"] else published.year - (month > published.month)
            nb, na = _month_interval(year, month, (g["part"] or "").lower() or None)
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
        elif g["earlieryear"]:
            nb, na, certainty = dt.date(published.year, 1, 1), published, "ApproximateDate"
        else:
            continue
        found.append(DateMention(m.start(), m.end(), m.group(0), nb, na, certainty))
    # "one day before <event>": the nearest date expression before, shifted (both bounds)
    for m in _SHIFT.finditer(text):
        anchors = [d for d in found if d.end <= m.start()] or [
            d for d in found if d.start >= m.end()
        ]
        if not anchors:
            continue
        anchor = anchors[-1] if anchors[-1].end <= m.start() else anchors[0]
        n = _COUNT.get(m.group("n").lower(), 1) if not m.group("n").isdigit() else int(m.group("n"))
        delta = dt.timedelta(days=n if m.group("unit").lower().startswith("day") else 7 * n)
        offset = -delta if m.group("dir").lower() == "before" else delta
        nb = anchor.not_before + offset if anchor.not_before is not None else None
        na = anchor.not_after + offset if anchor.not_after is not None else None
        found.append(
            DateMention(
                m.start(),
                m.end(),
                m.group(0),
                nb,
                na,
                "ResolvedRelativeDate",
            )
        )
    return sorted(found, key=lambda d: d.start)


_COUNT = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SHIFT = re.compile(
    r"\b(?P<n>one|a|two|three|four|five|\d+)\s+(?P<unit>days?|weeks?)\s+(?P<dir>before|after)\b",
    re.IGNORECASE,
)
