"""The timeline: every dated event, decision, rule validity, statement and publication, in order.

Each entry carries its interval (earliest and latest possible dates), how certain the dating is
(exact, resolved relative, approximate, inferred), the source's own words ("last week") and the
sources (claims with attribution chain and quote; for reference things, dcterms:source links).
Entries are ordered by earliest date (open starts first), then latest date (open ends last).

"As of" a date: only entries that had begun by that date are kept, and for the validity of rules,
stances, views and control periods the entry says whether it was in force on that date
("in force", "possibly in force" while the decision's date is uncertain, "ended").
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from strikegraph.errors import ParameterError
from strikegraph.facts import Evidence, Facts, Interval, load_facts, short
from strikegraph.namespaces import SG
from strikegraph.store import Store

__all__ = ["TimelineEntry", "timeline", "render_text", "to_json"]

_ROLES = {SG.occurredDuring: "occurred", SG.decidedDuring: "decided", SG.validDuring: "valid"}
_MAX = dt.date.max


@dataclass
class TimelineEntry:
    """One dated thing in one date role."""

    thing: Node
    label: str
    kind: str
    role: str  # occurred | stated | decided | valid | published
    interval: Interval
    status: str | None = None  # as of: in force | possibly in force | ended | happened
    evidence: list[Evidence] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    amends: list[str] = field(default_factory=list)

    def sort_key(self) -> tuple[Any, ...]:
        start = self.interval.not_before or dt.date.min
        end = self.interval.not_after or _MAX
        return (start, end, self.role, self.label.lower(), str(self.thing))

    def to_json(self) -> dict[str, Any]:
        return {
            "thing": short(self.thing),
            "label": self.label,
            "kind": self.kind,
            "dateRole": self.role,
            **self.interval.to_json(),
            "statusAsOf": self.status,
            "amends": self.amends,
            "sources": self.sources,
            "evidence": [e.to_json() for e in self.evidence],
        }


def _kind(facts: Facts, thing: Node) -> str:
    names = sorted(facts.label(t) for t in facts.types(thing) if str(t).startswith(str(SG)))
    return names[0] if names else ""


def _status(facts: Facts, entry: TimelineEntry, as_of: dt.date) -> str:
    iv = entry.interval
    if entry.role != "valid":
        if iv.not_after is not None and iv.not_after <= as_of:
            return "happened"
        return "possibly happened" if iv.not_before is None or iv.not_before <= as_of else "not yet"
    if iv.not_after is not None and as_of > iv.not_after:
        return "ended"
    decided = facts.interval(facts.value(entry.thing, SG.decidedDuring))
    if decided and decided.not_after and as_of < decided.not_after:
        return "possibly in force"
    return "in force"


def timeline(
    target: Store | Dataset | Facts,
    as_of: str | dt.date | None = None,
    *,
    data_root: str | os.PathLike[str] | None = None,
) -> list[TimelineEntry]:
    """The dated entries in order; with ``as_of`` only those begun by then, with their status."""
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of.strip())
        except ValueError:
            raise ParameterError(f"as-of expects YYYY-MM-DD, got {as_of!r}") from None
    facts = load_facts(target, data_root)
    entries: list[TimelineEntry] = []
    for prop, role in _ROLES.items():
        for interval_iri, things in facts.pos.get(prop, {}).items():
            interval = facts.interval(interval_iri)
            if interval is None:
                continue
            for thing in things:
                is_claim = facts.is_a(thing, SG.Claim)
                entry = TimelineEntry(
                    thing=thing,
                    label=facts.label(thing),
                    kind=_kind(facts, thing),
                    role="stated" if is_claim and role == "occurred" else role,
                    interval=interval,
                    evidence=[facts.claim_evidence(thing)] if is_claim else facts.evidence(thing),
                    sources=facts.sources(thing),
                    amends=sorted(short(a) for a in facts.objects(thing, SG.amends)),
                )
                entries.append(entry)
    for document in facts.subjects(RDF.type, SG.Document):
        issued = facts.value(document, DCTERMS.issued)
        if issued is None:
            continue
        day = dt.date.fromisoformat(str(issued)[:10])
        certainty = facts.value(document, SG.dateCertainty)
        title = facts.value(document, DCTERMS.title)
        publisher = facts.value(document, DCTERMS.publisher)
        entries.append(
            TimelineEntry(
                thing=document,
                label=str(title) if title is not None else facts.label(document),
                kind="document",
                role="published",
                interval=Interval(
                    iri=None,
                    not_before=day,
                    not_after=day,
                    expression=None,
                    certainty=facts.label(certainty) if certainty is not None else None,
                ),
                sources=[facts.label(publisher)] if publisher is not None else [],
            )
        )
    if as_of is not None:
        kept = []
        for entry in entries:
            if entry.interval.not_before is not None and entry.interval.not_before > as_of:
                continue
            if (
                entry.interval.not_before is None
                and entry.interval.not_after is not None
                and entry.role != "valid"
                and entry.interval.not_after > as_of
            ):
                # could have happened after as_of: keep only what surely began by then
                continue
            entry.status = _status(facts, entry, as_of)
            kept.append(entry)
        entries = kept
    return sorted(entries, key=TimelineEntry.sort_key)


def render_text(entries: list[TimelineEntry]) -> str:
    lines = []
    for e in entries:
        iv = e.interval
        lo = iv.not_before.isoformat() if iv.not_before else "…"
        hi = iv.not_after.isoformat() if iv.not_after else "…"
        when = lo if iv.not_before and iv.not_before == iv.not_after else f"{lo} – {hi}"
        certainty = iv.certainty or "certainty not recorded"
        expr = f" “{iv.expression}”" if iv.expression else ""
        status = f" [{e.status}]" if e.status else ""
        amends = f" (amends {', '.join(e.amends)})" if e.amends else ""
        lines.append(f"{when:<25} {e.role:<9} {e.label}{amends}{status}")
        lines.append(f"{'':<25} {'':<9} {certainty}{expr}; {short(e.thing)}")
        srcs = sorted({f"{ev.chain} [{short(ev.document)}]" for ev in e.evidence}) + e.sources
        if srcs:
            lines.append(f"{'':<25} {'':<9} sources: {'; '.join(srcs)}")
    return "\n".join(lines) + ("\n" if lines else "")


def to_json(entries: list[TimelineEntry], indent: int | None = 2) -> str:
    return json.dumps([e.to_json() for e in entries], indent=indent, ensure_ascii=False)
