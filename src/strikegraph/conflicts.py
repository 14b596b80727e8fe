"""Contradictions: pairs of assertions from different documents that cannot both hold.

Each named graph of a document (``sgg:{doc}/curated`` or ``/extracted``) is one source's account
of the rules. Rules have one IRI however many documents speak of them, so the same rule can be
described differently by two documents; and two rules of one grantor can contradict each other
when neither is said to amend the other. The kinds found:

``weapon-included-vs-excluded``
    one document says a rule (or a grantor's authorization for a target) excludes a weapon,
    another that a rule of the same grantor for an overlapping target covers exactly that weapon
    (or one inside it), and neither rule amends the other.
``unrestricted-vs-restricted``
    one document says a grantor lets the grantee use its weapons "as it sees fit", another that
    the same grantor's permission for overlapping weapons is limited (to a target area, a purpose,
    or with exclusions), over overlapping time, without an amendment linking them.
``permitted-vs-forbidden``
    one document has a grantor permit a use that another document has the same grantor forbid
    (overlapping weapons, targets and time, no amendment between the two rules).
``decision-dates-differ``
    two documents date the decision that set one rule (sg:decidedDuring) to intervals that do not
    overlap, or give its validity start dates that do not overlap.
``in-force-vs-ended``
    one document says a rule ended by a date (validity sg:notAfter), another (published later)
    that it is in force after that date.

Pairs linked by sg:amends (in either direction, transitively) are amendments, not conflicts:
the later rule widens or narrows the earlier one (see strikegraph.check).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset, Literal
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from strikegraph.facts import Evidence, Facts, Interval, load_facts, short
from strikegraph.namespaces import SG
from strikegraph.store import Store

__all__ = ["Conflict", "ConflictSide", "find_conflicts", "render_text", "to_json"]


@dataclass
class ConflictSide:
    """What one source says."""

    rule: Node
    rule_label: str
    document: Node | None
    graph: Node | None
    statement: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": short(self.rule),
            "ruleLabel": self.rule_label,
            "document": short(self.document),
            "graph": short(self.graph),
            "statement": self.statement,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass
class Conflict:
    kind: str
    sentence: str
    a: ConflictSide
    b: ConflictSide

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sentence": self.sentence,
            "a": self.a.to_json(),
            "b": self.b.to_json(),
        }


def _poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


class _Finder:
    def __init__(self, facts: Facts) -> None:
        self.f = facts
        self.rules = sorted(
            {
                r
                for cls in (SG.Authorization, SG.Prohibition)
                for r in facts.subjects(RDF.type, cls)
            },
            key=str,
        )

    # -- per-document statements -----------------------------------------------------------------

    def doc_graphs(self, rule: Node) -> dict[Node, set[Node | None]]:
        """document -> the graphs (of that document) that describe the rule."""
        out: dict[Node, set[Node | None]] = {}
        for p, objects in self.f.spo.get(rule, {}).items():
            for o in objects:
                for g in self.f.graphs_of(rule, p, o):
                    doc = self.f.document_of_graph(g)
                    if doc is not None:
                        out.setdefault(doc, set()).add(g)
        return out

    def said(self, rule: Node, p: Node, doc: Node) -> set[Node]:
        """The values of ``p`` for ``rule`` stated in the graphs of ``doc``."""
        values = set()
        for o in self.f.objects(rule, p):
            if any(self.f.document_of_graph(g) == doc for g in self.f.graphs_of(rule, p, o)):
                values.add(o)
        return values

    def side(self, rule: Node, doc: Node, statement: str) -> ConflictSide:
        graphs = self.doc_graphs(rule).get(doc, set())
        graph = sorted(graphs, key=str)[0] if graphs else None
        evidence = [e for e in self.f.evidence(rule) if e.document == doc]
        return ConflictSide(rule, self.f.label(rule), doc, graph, statement, evidence)

    def published(self, doc: Node) -> str:
        issued = self.f.value(doc, DCTERMS.issued)
        return str(issued) if issued is not None else "undated"

    def doc_name(self, doc: Node) -> str:
        title = self.f.value(doc, DCTERMS.title)
        return (
            f"{short(doc)} ({self.published(doc)})"
            if title is None
            else f"{short(doc)} (“{title}”, {self.published(doc)})"
        )

    # -- relations ---------------------------------------------------------------------------------

    def amend_linked(self, a: Node, b: Node) -> bool:
        return b in self.f.ancestors(a, SG.amends) or a in self.f.ancestors(b, SG.amends)

    def inside(self, x: Node, y: Node, prop: Node) -> bool:
        return y in self.f.ancestors(x, prop)

    def weapons_overlap(self, a: set[Node], b: set[Node]) -> bool:
        return any(
            self.inside(x, y, SG.inCategory) or self.inside(y, x, SG.inCategory)
            for x in a
            for y in b
        )

    def targets_overlap(self, a: set[Node], b: set[Node]) -> bool:
        if not a or not b:
            return True
        for x in a:
            for y in b:
                if self.inside(x, y, SG.partOf) or self.inside(y, x, SG.partOf):
                    return True
                if self.f.descendants(x, SG.partOf) & self.f.descendants(y, SG.partOf):
                    return True
        return False

    def validity(self, rule: Node, doc: Node | None = None) -> Interval | None:
        values = (
            self.said(rule, SG.validDuring, doc)
            if doc is not None
            else self.f.objects(rule, SG.validDuring)
        )
        iv = sorted(values, key=str)
        return self.f.interval(iv[0]) if iv else None

    @staticmethod
    def time_overlap(a: Interval | None, b: Interval | None) -> bool:
        if a is None or b is None:
            return True
        if a.not_after and b.not_before and a.not_after < b.not_before:
            return False
        return not (b.not_after and a.not_before and b.not_after < a.not_before)

    def restricted(self, rule: Node, doc: Node) -> list[str]:
        bits = []
        for t in sorted(self.said(rule, SG.targetScope, doc), key=str):
            bits.append(f"only against {self.f.label(t)}")
        for p in sorted(self.said(rule, SG.purpose, doc), key=str):
            bits.append(f"only for {self.f.label(p)}")
        for x in sorted(self.said(rule, SG.excludesWeapon, doc), key=str):
            bits.append(f"not {self.f.label(x)}")
        return bits

    def unrestricted(self, rule: Node, doc: Node) -> bool:
        return any(
            isinstance(v, Literal) and v.toPython() is True
            for v in self.said(rule, SG.isUnrestricted, doc)
        )

    # -- the kinds -------------------------------------------------------------------------------

    def find(self) -> list[Conflict]:
        found: list[Conflict] = []
        statements = []  # (rule, doc)
        for rule in self.rules:
            for doc in sorted(self.doc_graphs(rule), key=str):
                statements.append((rule, doc))
        for i, (ra, da) in enumerate(statements):
            for rb, db in statements[i + 1 :] + statements[:i]:
                if da == db:
                    continue
                found += self.pair(ra, da, rb, db)
        # de-duplicate unordered pairs of the same kind
        unique: dict[tuple[Any, ...], Conflict] = {}
        for c in found:
            key = (
                c.kind,
                frozenset(
                    {
                        (c.a.rule, c.a.document, c.a.statement),
                        (c.b.rule, c.b.document, c.b.statement),
                    }
                ),
            )
            unique.setdefault(key, c)
        return sorted(
            unique.values(),
            key=lambda c: (c.kind, short(c.a.rule), short(c.a.document), short(c.b.document)),
        )

    def pair(self, ra: Node, da: Node, rb: Node, db: Node) -> list[Conflict]:
        f = self.f
        out: list[Conflict] = []
        grantor_a, grantor_b = f.value(ra, SG.grantor), f.value(rb, SG.grantor)
        if grantor_a != grantor_b or f.value(ra, SG.grantee) != f.value(rb, SG.grantee):
            return out
        linked = ra != rb and self.amend_linked(ra, rb)
        auth_a, auth_b = f.is_a(ra, SG.Authorization), f.is_a(rb, SG.Authorization)
        ws_a, ws_b = self.said(ra, SG.weaponScope, da), self.said(rb, SG.weaponScope, db)
        # for target/time comparisons use the rule as a whole (any document's description)
        ts_a, ts_b = f.objects(ra, SG.targetScope), f.objects(rb, SG.targetScope)
        va, vb = self.validity(ra), self.validity(rb)
        g = f.label(grantor_a)

        # 1. weapon included vs excluded
        if auth_a and auth_b and not linked:
            for excluded in sorted(self.said(ra, SG.excludesWeapon, da), key=str):
                included = [w for w in ws_b if self.inside(w, excluded, SG.inCategory)]
                if included and self.targets_overlap(ts_a, ts_b) and self.time_overlap(va, vb):
                    w = included[0]
                    same = "the same rule" if ra == rb else f"{_poss(g)} authorization {short(rb)}"
                    out.append(
                        Conflict(
                            "weapon-included-vs-excluded",
                            f"{self.doc_name(da)} says {short(ra)} excludes {f.label(excluded)}, "
                            "but "
                            f"{self.doc_name(db)} says {same} covers {f.label(w)}"
                            + ("" if w == excluded else f", which is {f.label(excluded)}")
                            + "; both cannot hold unless a later decision changed it, and none "
                            "is recorded as amending it.",
                            self.side(ra, da, f"excludes {f.label(excluded)}"),
                            self.side(rb, db, f"covers {f.label(w)}"),
                        )
                    )
        # 2. unrestricted vs restricted permission
        if (
            auth_a
            and auth_b
            and ra != rb
            and not linked
            and self.unrestricted(ra, da)
            and not self.unrestricted(rb, db)
            and self.weapons_overlap(ws_a, ws_b)
            and self.time_overlap(va, vb)
        ):
            limits = self.restricted(rb, db)
            if limits:
                out.append(
                    Conflict(
                        "unrestricted-vs-restricted",
                        f"{self.doc_name(da)} says {g} lets {f.label(f.value(ra, SG.grantee))} use "
                        f"{', '.join(f.label(w) for w in sorted(ws_a, key=str))} as it sees fit "
                        f"({short(ra)}), but "
                        f"{self.doc_name(db)} says {_poss(g)} permission is limited "
                        f"({'; '.join(limits)}; {short(rb)}); "
                        "an unrestricted and a restricted permission of the same state for the "
                        "same weapons "
                        "cannot both describe its policy at the same time.",
                        self.side(ra, da, "unrestricted (“as it sees fit”)"),
                        self.side(rb, db, "restricted: " + "; ".join(limits)),
                    )
                )
        # 3. permitted vs forbidden
        if (
            auth_a
            and not auth_b
            and ra != rb
            and not linked
            and self.weapons_overlap(ws_a, ws_b)
            and self.targets_overlap(ts_a, ts_b)
            and self.time_overlap(va, vb)
        ):
            excluded_weapons = f.objects(ra, SG.excludesWeapon)
            carved = any(self.inside(w, x, SG.inCategory) for w in ws_b for x in excluded_weapons)
            # a permission narrower than the prohibition is an exception to it, not a contradiction,
            # when the permission states a target scope inside the prohibition's
            exception = (
                bool(ts_a)
                and bool(ts_b)
                and all(any(self.inside(x, y, SG.partOf) for y in ts_b) for x in ts_a)
            )
            disjoint_targets = bool(ts_a) and bool(ts_b) and not self.targets_overlap(ts_a, ts_b)
            if not carved and not exception and not disjoint_targets:
                what = ", ".join(f.label(w) for w in sorted(ws_b, key=str))
                where = ", ".join(f.label(t) for t in sorted(ts_b, key=str)) or "any target"
                out.append(
                    Conflict(
                        "permitted-vs-forbidden",
                        f"{self.doc_name(da)} says {g} permits the use of "
                        f"{', '.join(f.label(w) for w in sorted(ws_a, key=str))}"
                        + (" as it sees fit" if self.unrestricted(ra, da) else "")
                        + f" ({short(ra)}), but {self.doc_name(db)} says {g} forbids {what} "
                        f"against {where} "
                        f"({short(rb)}) over an overlapping period; both cannot hold and neither "
                        "rule is recorded "
                        "as amending the other.",
                        self.side(ra, da, "permits"),
                        self.side(rb, db, f"forbids {what} against {where}"),
                    )
                )
        # 4. decision dates differ / 5. in force vs ended (same rule only)
        if ra == rb:
            ia = [f.interval(i) for i in sorted(self.said(ra, SG.decidedDuring, da), key=str)]
            ib = [f.interval(i) for i in sorted(self.said(rb, SG.decidedDuring, db), key=str)]
            for x in ia:
                for y in ib:
                    if x is None or y is None or x.iri == y.iri or self.time_overlap(x, y):
                        continue
                    out.append(
                        Conflict(
                            "decision-dates-differ",
                            f"{self.doc_name(da)} dates the decision that set {short(ra)} to "
                            f"{x.describe()}, but "
                            f"{self.doc_name(db)} dates it to {y.describe()}; the intervals do "
                            "not overlap, "
                            "so one decision cannot have been made at both times.",
                            self.side(ra, da, f"decided {x.describe()}"),
                            self.side(rb, db, f"decided {y.describe()}"),
                        )
                    )
            end = self.validity(ra, da)
            later = self.validity(rb, db)
            if (
                end is not None
                and end.not_after is not None
                and later is not None
                and (later.not_after is None or later.not_after > end.not_after)
                and (
                    (later.not_before is not None and later.not_before > end.not_after)
                    or self.published(db) > end.not_after.isoformat()
                )
            ):
                out.append(
                    Conflict(
                        "in-force-vs-ended",
                        f"{self.doc_name(da)} says {short(ra)} held only until "
                        f"{end.not_after.isoformat()} "
                        f"(“{end.expression or ''}”), but {self.doc_name(db)} says it is in "
                        "force "
                        f"{later.describe()}, after it ended; one of them must be wrong or a "
                        "revocation/renewal is missing.",
                        self.side(ra, da, f"ended by {end.not_after.isoformat()}"),
                        self.side(rb, db, f"in force {later.describe()}"),
                    )
                )
        return out


def find_conflicts(
    target: Store | Dataset | Facts, *, data_root: str | os.PathLike[str] | None = None
) -> list[Conflict]:
    """Every conflict between documents' accounts of the rules, each with a sentence."""
    return _Finder(load_facts(target, data_root, perspectives=False)).find()


def render_text(conflicts: list[Conflict]) -> str:
    if not conflicts:
        return "No conflicts found.\n"
    lines = []
    for n, c in enumerate(conflicts, 1):
        lines.append(f"{n}. [{c.kind}] {c.sentence}")
        for tag, side in (("A", c.a), ("B", c.b)):
            lines.append(f"   {tag}: {short(side.document)} — {short(side.rule)}: {side.statement}")
            for e in side.evidence:
                lines.append(f"      {e.line()}")
            if not side.evidence:
                lines.append("      (no claim in this document quotes it)")
    return "\n".join(lines) + "\n"


def to_json(conflicts: list[Conflict], indent: int | None = 2) -> str:
    return json.dumps([c.to_json() for c in conflicts], indent=indent, ensure_ascii=False)
