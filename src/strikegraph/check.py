"""Is a hypothetical use of weapons permitted? Competency question 9, with its reasoning.

``check(target, grantee, weapon, target_territory, purpose=None, date=None)`` answers
**permitted**, **forbidden** or **unknown** and says why: the rules that decide it, every
reasoning step (the weapon is in this category, the target lies in that area which borders
this region, the date is within the validity, this later rule amends that one), the evidence
(claims with attribution chains and exact quotes) and, where sovereignty is contested or the
supplying states disagree, one answer per perspective.

How a rule is read
  A rule of grantor S for the grantee *covers* the use when the weapon is inside its weapon
  scope (sg:inCategory*, any of its scopes) and the target inside its target scope (sg:partOf*;
  no target scope = anywhere). It *applies* when, in addition, neither the weapon nor the target
  is carved out (sg:excludesWeapon / sg:excludesTarget), the purpose matches (no purpose given
  for a purpose-limited rule = not known), the date is within its validity, and an implicit rule's
  justification (sg:justifiedBy a sovereignty view) holds in the perspective.

Time
  A rule is in force from the start of its sg:validDuring interval. When the decision itself is
  dated only within an interval (sg:decidedDuring notBefore..notAfter), the rule is *possibly*
  in force between the earliest start and the latest decision date: a use dated there is
  "unknown", not "permitted". It is no longer in force after its validity's sg:notAfter. Without
  a date, validity is not checked (and the answer says so).

Precedence
  A rule that sg:amends an earlier one decides over it where both apply (lex posterior: the
  amendment widens or narrows the earlier rule from its own start). Between an authorization and
  a prohibition of the same grantor that are not linked by sg:amends, the strictly more specific
  one decides (lex specialis: narrower weapon scope and narrower or equal target scope); if
  neither is more specific the grantor's own rules conflict and the answer is "unknown".

The closed-world default (an explicit assumption, reported in every answer it decides)
  A grantor's weapons may be used on the territory of a state other than the grantee only
  where an authorization of that grantor permits it. This reads the seed's situation: the US
  forbade use on Russian territory until it authorized the Kharkiv border area (RT: Biden "still
  refuses to grant" unrestricted use; the official: the "prohibition on strikes deep inside
  Russian territory" is unchanged), so a use on Russian territory that no authorization covers
  is answered "forbidden (no authorization covers it)", and one carved out of the only covering
  authorization "forbidden (excluded from the only authorization)". The default is applied only to
  grantors with at least one recorded rule for the grantee covering the weapon; for other
  grantors, and for targets on the grantee's own territory that no rule covers, the answer is
  "unknown". It is not stored as a rule in the graph: no document states it.

Perspectives
  Sovereignty is a matter of view (sg:SovereigntyView). Containment is computed per view
  holder: uncontested sg:partOf plus "X is part of state S" for the holder's views that recognise
  S. The grantor's own view decides the overall answer (the grantor says what its rules mean);
  the answers under the other holders' views are reported beside it, grouped by what they say.
  Where several states supply the weapon and their answers differ, the overall answer is
  "unknown" and each state's answer is given.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from strikegraph.errors import ParameterError
from strikegraph.facts import Evidence, Facts, Interval, load_facts, short
from strikegraph.namespaces import SG
from strikegraph.queries import parse_iri
from strikegraph.store import Store

__all__ = [
    "CLOSED_WORLD_ASSUMPTION",
    "CheckResult",
    "GrantorAnswer",
    "Perspective",
    "RuleFinding",
    "check",
]

PERMITTED, FORBIDDEN, UNKNOWN = "permitted", "forbidden", "unknown"

CLOSED_WORLD_ASSUMPTION = (
    "Closed-world default: a grantor's weapons may be used on the territory of a state other "
    "than the grantee only where an authorization of that grantor permits it (the seed reports "
    "the US refusing unrestricted use and keeping its prohibition on strikes deep inside Russia; "
    "no document states the default as a rule, so it is an assumption of the check, not data)."
)


# -- result types ------------------------------------------------------------------------------


@dataclass
class RuleFinding:
    """How one rule bears on the use."""

    rule: Node
    label: str
    kind: str  # "authorization" | "prohibition"
    grantor: Node | None
    status: str  # applies | possibly applies | excluded | purpose mismatch | not yet in force | ...
    certain: bool
    steps: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    validity: Interval | None = None
    decided: Interval | None = None
    role: str = ""  # decides | overridden | carve-out | not applicable | ...

    @property
    def effect(self) -> str:
        return PERMITTED if self.kind == "authorization" else FORBIDDEN

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": short(self.rule),
            "label": self.label,
            "kind": self.kind,
            "grantor": short(self.grantor),
            "status": self.status,
            "certain": self.certain,
            "role": self.role,
            "steps": self.steps,
            "validity": self.validity.to_json() if self.validity else None,
            "decided": self.decided.to_json() if self.decided else None,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass
class GrantorAnswer:
    """The answer under one grantor's rules in one sovereignty perspective."""

    grantor: Node
    grantor_label: str
    verdict: str
    reason: str
    deciding: list[RuleFinding]
    findings: list[RuleFinding]
    steps: list[str]
    assumption: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "grantor": short(self.grantor),
            "grantorLabel": self.grantor_label,
            "verdict": self.verdict,
            "reason": self.reason,
            "decidingRules": [short(f.rule) for f in self.deciding],
            "steps": self.steps,
            "assumption": self.assumption,
        }


@dataclass
class Perspective:
    """An answer under one sovereignty reading (the view holders who share it)."""

    holders: list[str]
    reading: str
    verdict: str
    reason: str
    is_grantor_view: bool
    views: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "holders": self.holders,
            "reading": self.reading,
            "verdict": self.verdict,
            "reason": self.reason,
            "isGrantorView": self.is_grantor_view,
            "views": self.views,
        }


@dataclass
class CheckResult:
    """The answer to one check, with everything needed to explain it."""

    grantee: URIRef
    weapon: URIRef
    target: URIRef
    purpose: URIRef | None
    date: dt.date | None
    verdict: str
    summary: str
    deciding: list[RuleFinding]
    steps: list[str]
    findings: list[RuleFinding]
    grantors: list[GrantorAnswer]
    perspectives: list[Perspective]
    assumptions: list[str]
    notes: list[str]
    labels: dict[str, str]

    @property
    def contested(self) -> bool:
        return (
            len({p.verdict for p in self.perspectives}) > 1
            or len({g.verdict for g in self.grantors}) > 1
        )

    def to_json(self, indent: int | None = 2) -> str:
        data = {
            "question": {
                "grantee": short(self.grantee),
                "weapon": short(self.weapon),
                "target": short(self.target),
                "purpose": short(self.purpose) if self.purpose else None,
                "date": self.date.isoformat() if self.date else None,
            },
            "verdict": self.verdict,
            "summary": self.summary,
            "contested": self.contested,
            "decidingRules": [f.to_json() for f in self.deciding],
            "reasoning": self.steps,
            "grantors": [g.to_json() for g in self.grantors],
            "perspectives": [p.to_json() for p in self.perspectives],
            "assumptions": self.assumptions,
            "notes": self.notes,
            "rules": [f.to_json() for f in self.findings],
        }
        return json.dumps(data, indent=indent, ensure_ascii=False)

    def render_text(self) -> str:
        lab = self.labels
        lines = [
            f"Use: {lab['grantee']} uses {lab['weapon']} against {lab['target']}"
            + (f" for {lab['purpose']}" if self.purpose else "")
            + (f" on {self.date.isoformat()}" if self.date else " (no date: validity not checked)"),
            f"Verdict: {self.verdict.upper()} — {self.summary}",
        ]
        if self.deciding:
            lines.append("Deciding rules:")
            for f in self.deciding:
                lines.append(f"  - {short(f.rule)} ({f.kind}, {f.status}): {f.label}")
        lines.append("Reasoning:")
        lines += [f"  {i}. {step}" for i, step in enumerate(self.steps, 1)]
        if len(self.grantors) > 1:
            lines.append("Per supplying state:")
            for g in self.grantors:
                lines.append(f"  - {g.grantor_label}: {g.verdict} — {g.reason}")
        if self.perspectives:
            lines.append("Per sovereignty perspective:")
            for p in self.perspectives:
                who = ", ".join(p.holders)
                mark = " (the grantor's view)" if p.is_grantor_view else ""
                lines.append(f"  - {who}{mark}: {p.reading} → {p.verdict} — {p.reason}")
                for v in p.views:
                    src = "; ".join(v.get("sources") or []) or "; ".join(
                        e.get("quotes", [""])[0] for e in v.get("evidence", []) if e.get("quotes")
                    )
                    lines.append(
                        f"      view {v['view']}: {v['label']}" + (f" [{src}]" if src else "")
                    )
        evidence = [(f, e) for f in self.deciding for e in f.evidence]
        if evidence:
            lines.append("Evidence:")
            for f, e in evidence:
                lines.append(f"  - {short(f.rule)}: {e.line()}")
        if self.assumptions:
            lines.append("Assumptions:")
            lines += [f"  - {a}" for a in self.assumptions]
        if self.notes:
            lines.append("Notes:")
            lines += [f"  - {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


# -- the reasoning -------------------------------------------------------------------------------


def _parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(f"date expects YYYY-MM-DD, got {value!r}") from None


def _resolve_purpose(facts: Facts, value: str | Node | None) -> URIRef | None:
    if value is None or value == "":
        return None
    if isinstance(value, URIRef):
        iri = value
    else:
        text = str(value).strip()
        try:
            iri = parse_iri(text)
        except ValueError:
            iri = None
        if iri is None or not facts.has_subject(iri):
            # Accept a purpose's name: counter-fire, CounterFire, self-defence ...
            wanted = text.lower().replace("_", "-").replace(" ", "-")
            for purpose in facts.subjects(
                URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SG.Purpose
            ):
                names = {facts.label(purpose).lower().replace(" ", "-"), short(purpose).lower()}
                local = str(purpose).rsplit("#", 1)[-1]
                names.add(local.lower())
                names.add("".join("-" + c.lower() if c.isupper() else c for c in local).strip("-"))
                if wanted in names or wanted.replace("-", "") in {
                    n.replace("-", "") for n in names
                }:
                    return URIRef(str(purpose))
            if iri is None:
                raise ParameterError(f"purpose: unknown purpose {text!r}")
    if iri is None or not facts.has_subject(iri):
        raise ParameterError(f"unknown purpose <{iri}> ({short(iri)}): not in the graph")
    return iri


class _Checker:
    def __init__(
        self,
        facts: Facts,
        grantee: URIRef,
        weapon: URIRef,
        target: URIRef,
        purpose: URIRef | None,
        date: dt.date | None,
    ) -> None:
        self.f = facts
        self.grantee = grantee
        self.weapon = weapon
        self.target = target
        self.purpose = purpose
        self.date = date
        self.weapon_up = facts.ancestors(weapon, SG.inCategory)
        self.weapon_down = facts.descendants(weapon, SG.inCategory)

    # -- territory, per perspective --------------------------------------------------------------

    def views_on(self, territory: Node) -> list[Node]:
        return sorted(self.f.subjects(SG.viewedTerritory, territory), key=str)

    def view_in_force(self, view: Node) -> bool:
        interval = self.f.interval(self.f.value(view, SG.validDuring))
        if self.date is None or interval is None:
            return True
        if interval.not_before and self.date < interval.not_before:
            return False
        return not (interval.not_after and self.date > interval.not_after)

    def land_of(self, state: Node) -> set[Node]:
        return self.f.subjects(SG.territoryOf, state)

    def extra_edges(self, holder: Node | None) -> dict[Node, set[Node]]:
        """partOf edges that the holder's sovereignty views add."""
        edges: dict[Node, set[Node]] = {}
        if holder is None:
            return edges
        for view in self.f.subjects(SG.viewHolder, holder):
            if not self.f.is_a(view, SG.SovereigntyView) or not self.view_in_force(view):
                continue
            recognises = self.f.value(view, SG.recognises)
            if not (isinstance(recognises, Literal) and recognises.toPython() is True):
                continue
            for territory in self.f.objects(view, SG.viewedTerritory):
                for state in self.f.objects(view, SG.sovereign):
                    edges.setdefault(territory, set()).update(self.land_of(state))
        return edges

    def target_up(self, holder: Node | None) -> dict[Node, list[Node]]:
        return self.f.ancestors(self.target, SG.partOf, self.extra_edges(holder))

    def contested_territories(self) -> list[Node]:
        """The target and its uncontested containers that some sovereignty view is about."""
        return [t for t in self.f.ancestors(self.target, SG.partOf) if self.views_on(t)]

    def sovereign(self, up: dict[Node, list[Node]]) -> list[Node]:
        states = []
        for territory in up:
            states += sorted(self.f.objects(territory, SG.territoryOf), key=str)
        return states

    # -- describing paths -------------------------------------------------------------------------

    def lab(self, node: Node | None) -> str:
        return self.f.label(node)

    def weapon_path(self, scope: Node) -> str:
        path = self.weapon_up[scope]
        if len(path) == 1:
            return f"the weapon is {self.lab(scope)} itself"
        return " is in ".join(self.lab(n) for n in path)

    def place_path(self, up: dict[Node, list[Node]], scope: Node) -> str:
        path = up[scope]
        if len(path) == 1:
            return f"the target is {self.lab(scope)} itself"
        parts = []
        for a, b in zip(path, path[1:], strict=False):
            if b in self.f.objects(a, SG.partOf):
                parts.append(f"{self.lab(a)} lies in {self.lab(b)}")
            else:
                views = [
                    v
                    for v in self.f.subjects(SG.viewedTerritory, a)
                    if b in {t for s in self.f.objects(v, SG.sovereign) for t in self.land_of(s)}
                ]
                by = f" (per {self.lab(views[0])})" if views else ""
                parts.append(f"{self.lab(a)} is part of {self.lab(b)}{by}")
        return "; ".join(parts)

    def borders(self, scope: Node) -> str:
        if self.f.objects(scope, SG.territoryOf):
            return ""  # a whole country's land: its borders explain nothing here
        adjacent = sorted(
            self.f.objects(scope, SG.adjacentTo) | self.f.subjects(SG.adjacentTo, scope), key=str
        )
        if not adjacent:
            return ""
        return f"{self.lab(scope)} borders " + ", ".join(self.lab(a) for a in adjacent)

    # -- one rule ---------------------------------------------------------------------------------

    def rules(self) -> list[Node]:
        found = []
        for rule in self.f.subjects(SG.grantee, self.grantee):
            types = self.f.types(rule)
            if SG.Authorization in types or SG.Prohibition in types:
                found.append(rule)
        return sorted(found, key=str)

    def covers_weapon(self, rule: Node) -> tuple[str, Node | None]:
        """("full", scope) | ("part", scope) | ("no", None)."""
        scopes = sorted(self.f.objects(rule, SG.weaponScope), key=str)
        for scope in scopes:
            if scope in self.weapon_up:
                return "full", scope
        for scope in scopes:
            if scope in self.weapon_down:
                return "part", scope
        return "no", None

    def time_status(
        self, rule: Node
    ) -> tuple[str, bool, list[str], Interval | None, Interval | None]:
        validity = self.f.interval(self.f.value(rule, SG.validDuring))
        decided = self.f.interval(self.f.value(rule, SG.decidedDuring))
        if self.date is None:
            return "not checked", True, [], validity, decided
        d = self.date
        steps = []
        start = validity.not_before if validity else None
        end = validity.not_after if validity else None
        if decided and decided.not_before and (start is None or decided.not_before > start):
            start = decided.not_before
        certain_from = decided.not_after if decided and decided.not_after else start
        if validity:
            steps.append(f"validity {validity.describe()}")
        if decided:
            steps.append(f"decided {decided.describe()}")
        if end and d > end:
            return "no longer in force", True, steps, validity, decided
        if start and d < start:
            return "not yet in force", True, steps, validity, decided
        if certain_from and d < certain_from:
            return "possibly in force", False, steps, validity, decided
        if start is None and certain_from is None:
            if end is None:
                steps.append("no dates are known: taken as standing")
            return "in force", True, steps, validity, decided
        return "in force", True, steps, validity, decided

    def justification(self, rule: Node, holder: Node | None) -> tuple[bool, str]:
        views = sorted(self.f.objects(rule, SG.justifiedBy), key=str)
        if not views:
            return True, ""
        for view in views:
            territory = self.f.value(view, SG.viewedTerritory)
            says = self.reading_of(view)
            if territory is None or holder is None or holder == self.f.value(view, SG.viewHolder):
                continue
            mine = [
                v
                for v in self.views_on(territory)
                if self.f.value(v, SG.viewHolder) == holder and self.view_in_force(v)
            ]
            for other in mine:
                if self.contradicts(view, other):
                    return False, (
                        f"it rests on “{self.lab(view)}”, which {self.lab(holder)} rejects "
                        f"(“{self.lab(other)}”)"
                    )
            _ = says
        return True, "it rests on " + ", ".join(f"“{self.lab(v)}”" for v in views)

    def reading_of(self, view: Node) -> tuple[Node | None, Node | None, bool]:
        rec = self.f.value(view, SG.recognises)
        return (
            self.f.value(view, SG.viewedTerritory),
            self.f.value(view, SG.sovereign),
            isinstance(rec, Literal) and rec.toPython() is True,
        )

    def contradicts(self, a: Node, b: Node) -> bool:
        ta, sa, ra = self.reading_of(a)
        tb, sb, rb = self.reading_of(b)
        if ta != tb:
            return False
        if sa == sb:
            return ra != rb
        return ra and rb  # two different sovereigns both recognised

    def evaluate(
        self, rule: Node, holder: Node | None, up: dict[Node, list[Node]]
    ) -> RuleFinding | None:
        f = self.f
        kind = "authorization" if f.is_a(rule, SG.Authorization) else "prohibition"
        coverage, wscope = self.covers_weapon(rule)
        if coverage == "no":
            return None
        finding = RuleFinding(
            rule=rule,
            label=self.lab(rule),
            kind=kind,
            grantor=f.value(rule, SG.grantor),
            status="",
            certain=True,
        )
        finding.evidence = f.evidence(rule)
        steps = finding.steps
        if coverage == "part":
            steps.append(
                f"its weapon scope {self.lab(wscope)} is only part of {self.lab(self.weapon)} "
                f"({self.lab(wscope)} is in {self.lab(self.weapon)})"
            )
        elif wscope is not None:
            steps.append(f"weapon: {self.weapon_path(wscope)}, the rule's weapon scope")
        # target
        tscopes = sorted(f.objects(rule, SG.targetScope), key=str)
        tcover = "no"
        if not tscopes:
            tcover = "full"
            unrestricted = f.value(rule, SG.isUnrestricted)
            steps.append(
                "target: the rule has no target scope"
                + (
                    " (unrestricted: “as it sees fit”)"
                    if isinstance(unrestricted, Literal) and unrestricted.toPython()
                    else ""
                )
                + ", so it covers any target"
            )
        else:
            for ts in tscopes:
                if ts in up:
                    tcover = "full"
                    text = f"target: {self.place_path(up, ts)}, the rule's target scope"
                    border = self.borders(ts)
                    steps.append(text + (f" ({border})" if border else ""))
                    break
            else:
                down = f.descendants(self.target, SG.partOf)
                for ts in tscopes:
                    shared = (f.descendants(ts, SG.partOf) & down) - {ts, self.target}
                    if ts in down or shared:
                        tcover = "part"
                        steps.append(
                            f"target: the rule's target scope {self.lab(ts)} covers only part of "
                            f"{self.lab(self.target)}"
                        )
                        break
                else:
                    names = ", ".join(self.lab(t) for t in tscopes)
                    finding.status = "target outside scope"
                    steps.append(f"target: {self.lab(self.target)} does not lie in {names}")
                    return finding
        # exclusions
        for excluded in sorted(f.objects(rule, SG.excludesWeapon), key=str):
            if excluded in self.weapon_up:
                finding.status = "excluded"
                steps.append(
                    f"the rule excludes {self.lab(excluded)}"
                    + ("" if excluded == self.weapon else f" ({self.weapon_path(excluded)})")
                    + ": the weapon is carved out"
                )
                return finding
            if excluded in self.weapon_down:
                steps.append(
                    f"caveat: the rule excludes {self.lab(excluded)}, which is part of "
                    f"{self.lab(self.weapon)}"
                )
        for excluded in sorted(f.objects(rule, SG.excludesTarget), key=str):
            if excluded in up:
                finding.status = "excluded"
                steps.append(f"the rule excludes the target area {self.lab(excluded)}")
                return finding
        # purpose
        purposes = sorted(f.objects(rule, SG.purpose), key=str)
        purpose_known = True
        if purposes:
            names = ", ".join(self.lab(p) for p in purposes)
            if self.purpose is None:
                purpose_known = False
                steps.append(f"purpose: the rule is limited to {names}; no purpose was given")
            elif self.purpose in purposes:
                steps.append(f"purpose: {self.lab(self.purpose)} matches the rule's purpose")
            else:
                finding.status = "purpose mismatch"
                steps.append(
                    f"purpose: the rule is limited to {names}, not {self.lab(self.purpose)}"
                )
                return finding
        # justification
        holds, why = self.justification(rule, holder)
        if not holds:
            finding.status = "justification rejected"
            steps.append(f"the rule is implicit and {why}")
            return finding
        if why:
            steps.append(f"the rule is implicit: {why}")
        # time
        status, certain, tsteps, validity, decided = self.time_status(rule)
        finding.validity, finding.decided = validity, decided
        if self.date is not None:
            steps.append(
                f"date {self.date.isoformat()}: {status} "
                f"({'; '.join(tsteps) or 'no dates recorded'})"
            )
        if status in ("no longer in force", "not yet in force"):
            finding.status = status
            return finding
        if tcover == "part" or coverage == "part":
            finding.status = "covers part"
            finding.certain = False
            return finding
        finding.certain = certain and purpose_known
        finding.status = "applies" if finding.certain else "possibly applies"
        if not certain:
            steps.append("the rule may or may not have been in force on that date")
        return finding

    # -- precedence -----------------------------------------------------------------------------

    def amends_closure(self, rule: Node) -> set[Node]:
        return set(self.f.ancestors(rule, SG.amends)) - {rule}

    def more_specific(self, a: Node, b: Node) -> bool:
        """a's weapon scope is inside b's and a's target scope inside (or equal to) b's."""
        aw = self.f.objects(a, SG.weaponScope)
        bw = self.f.objects(b, SG.weaponScope)
        w_inside = all(any(x in self.f.ancestors(y, SG.inCategory) for x in bw) for y in aw)
        at = self.f.objects(a, SG.targetScope)
        bt = self.f.objects(b, SG.targetScope)
        t_inside = not bt or (
            bool(at) and all(any(x in self.f.ancestors(y, SG.partOf) for x in bt) for y in at)
        )
        strictly = (aw != bw) or (at != bt)
        return w_inside and t_inside and strictly

    # -- one grantor, one perspective -------------------------------------------------------------

    def answer(self, grantor: Node, holder: Node | None) -> GrantorAnswer:
        up = self.target_up(holder)
        findings = []
        for rule in self.rules():
            if self.f.value(rule, SG.grantor) != grantor:
                continue
            finding = self.evaluate(rule, holder, up)
            if finding is not None:
                findings.append(finding)
        steps: list[str] = []
        applicable = [x for x in findings if x.status in ("applies", "possibly applies")]
        # lex posterior: an amending rule decides over the rules it amends
        for x in applicable:
            for y in applicable:
                if x is not y and y.rule in self.amends_closure(x.rule) and x.effect != y.effect:
                    y.role = "overridden"
                    steps.append(
                        f"{short(x.rule)} amends {short(y.rule)} and decides over it where both "
                        "apply"
                    )
        # carve-outs lifted by an amending rule
        carve_outs = [x for x in findings if x.status == "excluded"]
        for x in applicable:
            for y in carve_outs:
                if y.rule in self.amends_closure(x.rule):
                    y.role = "lifted"
                    steps.append(
                        f"{short(x.rule)} amends {short(y.rule)}: the later rule now covers "
                        f"what the earlier one carved out"
                    )
        live = [x for x in applicable if x.role != "overridden"]
        perms = [x for x in live if x.kind == "authorization"]
        prohibs = [x for x in live if x.kind == "prohibition"]
        # lex specialis between an authorization and a prohibition of the same grantor
        if perms and prohibs:
            for p in list(perms):
                for q in list(prohibs):
                    if self.more_specific(p.rule, q.rule):
                        q.role = "overridden"
                        steps.append(
                            f"{short(p.rule)} is more specific than {short(q.rule)} and decides"
                        )
                    elif self.more_specific(q.rule, p.rule):
                        p.role = "overridden"
                        steps.append(
                            f"{short(q.rule)} is more specific than {short(p.rule)} and decides"
                        )
            perms = [x for x in perms if x.role != "overridden"]
            prohibs = [x for x in prohibs if x.role != "overridden"]
        glabel = self.lab(grantor)
        assumption = None
        if perms and prohibs:
            verdict, reason = (
                UNKNOWN,
                (
                    f"{_poss(glabel)} rules conflict: "
                    + ", ".join(short(x.rule) for x in perms)
                    + " permits and "
                    + ", ".join(short(x.rule) for x in prohibs)
                    + " forbids"
                ),
            )
            deciding = perms + prohibs
        elif prohibs:
            verdict, reason, deciding = self.one_sided(prohibs, FORBIDDEN, "forbidden")
        elif perms:
            verdict, reason, deciding = self.one_sided(perms, PERMITTED, "permitted")
        else:
            deciding = []
            verdict, reason, assumption, default_steps, deciding = self.default(
                grantor, holder, up, findings
            )
            steps += default_steps
        for x in deciding:
            if not x.role:
                x.role = "decides"
        for x in findings:
            if not x.role:
                x.role = "not applicable"
        partial = [x for x in findings if x.status == "covers part" and x.effect != verdict]
        if partial and verdict != UNKNOWN:
            steps.append(
                "but " + ", ".join(short(x.rule) for x in partial) + " covers part of the use with "
                "the opposite effect"
            )
        return GrantorAnswer(
            grantor, glabel, verdict, reason, deciding, findings, steps, assumption
        )

    def one_sided(
        self, rules: list[RuleFinding], verdict: str, word: str
    ) -> tuple[str, str, list[RuleFinding]]:
        """The answer when only permissions, or only prohibitions, apply: decided by the
        certain ones; unknown ("only possibly …") when every one of them is uncertain."""
        certain = [x for x in rules if x.certain]
        names = ", ".join(short(x.rule) for x in (certain or rules))
        if certain:
            return verdict, f"{word} by {names}", certain
        return (
            UNKNOWN,
            f"only possibly {word}: {names} may not apply ({self.why_uncertain(rules)})",
            rules,
        )

    def why_uncertain(self, rules: list[RuleFinding]) -> str:
        bits = []
        for x in rules:
            if (
                x.decided
                and self.date is not None
                and x.decided.not_after
                and self.date < x.decided.not_after
            ):
                bits.append(
                    f"{short(x.rule)} was decided {x.decided.describe()}, so on "
                    f"{self.date.isoformat()} it was possibly not yet in force"
                )
            elif any(s.startswith("purpose:") and "no purpose was given" in s for s in x.steps):
                bits.append(f"{short(x.rule)} is limited to a purpose and none was given")
            else:
                bits.append(f"{short(x.rule)} is uncertain")
        return "; ".join(bits)

    def default(
        self,
        grantor: Node,
        holder: Node | None,
        up: dict[Node, list[Node]],
        findings: list[RuleFinding],
    ) -> tuple[str, str, str | None, list[str], list[RuleFinding]]:
        glabel = self.lab(grantor)
        steps: list[str] = []
        states = self.sovereign(up)
        grantee_land = set(self.land_of(self.grantee))
        if not findings and not self.grantor_rules_for_weapon(grantor):
            return (
                UNKNOWN,
                f"no rule of {glabel} for {self.lab(self.grantee)} covers {self.lab(self.weapon)}",
                None,
                steps,
                [],
            )
        if not states:
            return (
                UNKNOWN,
                (
                    f"no rule of {glabel} applies, and {self.lab(self.target)} lies in no state's "
                    "territory in this perspective"
                ),
                None,
                steps,
                [],
            )
        foreign = [s for s in states if not (self.land_of(s) & grantee_land) and s != self.grantee]
        if not foreign:
            return (
                UNKNOWN,
                (
                    f"no rule of {glabel} applies to this use on {_poss(self.lab(states[0]))} "
                    "own territory "
                    "(no rule is recorded for it)"
                ),
                None,
                steps,
                [],
            )
        state = foreign[0]
        land = sorted(self.land_of(state), key=str)
        where = self.place_path(up, land[0]) if land and land[0] in up else ""
        steps.append(
            f"{self.lab(self.target)} is territory of {self.lab(state)}"
            + (f" ({where})" if where else "")
        )
        carve = [x for x in findings if x.status == "excluded"]
        live_auths = [
            x
            for x in findings
            if x.kind == "authorization"
            and x.status in ("excluded", "applies", "possibly applies", "covers part")
        ]
        if carve:
            names = ", ".join(short(x.rule) for x in carve)
            only = (
                "the only authorization"
                if len({x.rule for x in live_auths}) == 1
                else "the authorizations"
            )
            steps.append(
                f"closed-world default: {_poss(glabel)} weapons may be used on "
                f"{_poss(self.lab(state))} territory only "
                f"where an authorization permits it; {self.lab(self.weapon)} is carved out of "
                f"{names}, "
                f"{only} covering {self.lab(self.target)}"
            )
            for x in carve:
                x.role = "carve-out"
            return (
                FORBIDDEN,
                f"forbidden by exclusion: {self.lab(self.weapon)} is excluded from {names} "
                f"({only} covering the target), and no other rule permits it",
                CLOSED_WORLD_ASSUMPTION,
                steps,
                carve,
            )
        steps.append(
            f"closed-world default: {_poss(glabel)} weapons may be used on "
            f"{_poss(self.lab(state))} territory only "
            f"where an authorization permits it; none of {_poss(glabel)} authorizations applies "
            "here"
        )
        rejected = [x for x in findings if x.status == "justification rejected"]
        extra = ""
        if rejected:
            extra = (
                " ("
                + ", ".join(short(x.rule) for x in rejected)
                + " rests on a sovereignty view this perspective rejects)"
            )
        return (
            FORBIDDEN,
            f"forbidden by default: no authorization of {glabel} covers this use on "
            f"{_poss(self.lab(state))} territory{extra}",
            CLOSED_WORLD_ASSUMPTION,
            steps,
            [],
        )

    def grantor_rules_for_weapon(self, grantor: Node) -> list[Node]:
        return [
            r
            for r in self.rules()
            if self.f.value(r, SG.grantor) == grantor and self.covers_weapon(r)[0] != "no"
        ]

    # -- grantors -------------------------------------------------------------------------

    def grantors(self) -> list[Node]:
        found: set[Node] = set()
        for node in self.weapon_up:
            found |= self.f.objects(node, SG.suppliedBy)
        for rule in self.rules():
            if self.covers_weapon(rule)[0] != "no":
                grantor = self.f.value(rule, SG.grantor)
                if grantor is not None:
                    found.add(grantor)
        return sorted(found, key=str)


def check(
    store_or_dataset: Store | Dataset | Facts,
    grantee: str | URIRef,
    weapon: str | URIRef,
    target: str | URIRef,
    purpose: str | URIRef | None = None,
    date: str | dt.date | None = None,
    *,
    data_root: str | os.PathLike[str] | None = None,
) -> CheckResult:
    """Is the use permitted? See the module documentation for how the answer is reached."""
    facts = load_facts(store_or_dataset, data_root, lazy=True)
    grantee_iri = facts.resolve(grantee, "grantee")
    weapon_iri = facts.resolve(weapon, "weapon")
    target_iri = facts.resolve(target, "target")
    if not (facts.is_a(weapon_iri, SG.WeaponSystem) or facts.is_a(weapon_iri, SG.WeaponCategory)):
        raise ParameterError(
            f"weapon <{weapon_iri}> ({short(weapon_iri)}) is not a weapon system or category"
        )
    territory_classes = {SG.Territory, SG.Region, SG.Settlement, SG.Area}
    if not (facts.types(target_iri) & territory_classes):
        raise ParameterError(f"target <{target_iri}> ({short(target_iri)}) is not a territory")
    purpose_iri = _resolve_purpose(facts, purpose)
    day = _parse_date(date)
    c = _Checker(facts, grantee_iri, weapon_iri, target_iri, purpose_iri, day)

    grantors = c.grantors()
    contested = c.contested_territories()
    holders: list[Node] = []
    for territory_node in contested:
        for view in c.views_on(territory_node):
            holder = facts.value(view, SG.viewHolder)
            if holder is not None and holder not in holders and c.view_in_force(view):
                holders.append(holder)

    answers: list[GrantorAnswer] = []
    perspectives: list[Perspective] = []
    notes: list[str] = []
    for grantor in grantors:
        own = grantor if (not contested or grantor in holders) else None
        answers.append(c.answer(grantor, own))
    # Per-perspective answers (only where sovereignty over the target is contested).
    if contested:
        groups: dict[tuple[str, ...], dict[str, Any]] = {}
        for holder in holders:
            up = c.target_up(holder)
            reading = _reading(c, holder, up, contested)
            verdicts = []
            reasons = []
            for grantor in grantors:
                ans = c.answer(grantor, holder)
                verdicts.append(ans.verdict)
                reasons.append(f"{ans.grantor_label}: {ans.reason}")
            verdict = verdicts[0] if len(set(verdicts)) == 1 else UNKNOWN
            key = (reading, verdict)
            group = groups.setdefault(
                key, {"holders": [], "reasons": reasons, "views": [], "grantor": False}
            )
            group["holders"].append(holder)
            group["grantor"] = group["grantor"] or holder in grantors
            for t in contested:
                for view in c.views_on(t):
                    if facts.value(view, SG.viewHolder) == holder:
                        group["views"].append(
                            {
                                "view": short(view),
                                "label": facts.label(view),
                                "holder": facts.label(holder),
                                "sources": facts.sources(view),
                                "evidence": [e.to_json() for e in facts.evidence(view)],
                            }
                        )
        for (reading, verdict), group in groups.items():
            perspectives.append(
                Perspective(
                    holders=[facts.label(h) for h in group["holders"]],
                    reading=reading,
                    verdict=verdict,
                    reason="; ".join(group["reasons"]),
                    is_grantor_view=bool(group["grantor"]),
                    views=group["views"],
                )
            )
        perspectives.sort(key=lambda p: (not p.is_grantor_view, p.reading))

    # Overall verdict.
    steps: list[str] = []
    deciding: list[RuleFinding] = []
    findings: list[RuleFinding] = []
    for ans in answers:
        prefix = f"[{ans.grantor_label}] " if len(answers) > 1 else ""
        for x in ans.findings:
            steps += [f"{prefix}{short(x.rule)} ({x.kind}): {s}" for s in x.steps]
            steps.append(
                f"{prefix}{short(x.rule)} → {x.status}" + (f" ({x.role})" if x.role else "")
            )
        steps += [prefix + s for s in ans.steps]
        deciding += ans.deciding
        findings += ans.findings
    if not answers:
        verdict, summary = (
            UNKNOWN,
            (f"no supplier of {facts.label(weapon_iri)} and no rule covering it is recorded"),
        )
    elif len({a.verdict for a in answers}) == 1:
        verdict = answers[0].verdict
        summary = "; ".join(
            f"{a.grantor_label}: {a.reason}" if len(answers) > 1 else a.reason for a in answers
        )
    else:
        verdict = UNKNOWN
        summary = (
            "the supplying states' rules differ, so the answer depends on which state supplied "
            "the weapon: "
            + "; ".join(f"{a.grantor_label} — {a.verdict} ({a.reason})" for a in answers)
        )
    if contested and perspectives:
        grantor_views = [p for p in perspectives if p.is_grantor_view]
        if not grantor_views and len({p.verdict for p in perspectives}) > 1:
            verdict = UNKNOWN
            summary += (
                "; the grantor records no view on the contested sovereignty and the answer differs "
                "by perspective"
            )
        differing = [p for p in perspectives if p.verdict != verdict]
        if differing:
            summary += "; " + "; ".join(
                f"under the view of {', '.join(p.holders)} ({p.reading}) it would be {p.verdict}"
                for p in differing
            )
            notes.append(
                "Sovereignty over "
                + ", ".join(facts.label(t) for t in contested)
                + " is contested; the overall answer follows the grantor's own view."
            )
    if day is None:
        notes.append("No date was given: the rules' validity was not checked.")
    assumptions = sorted({a.assumption for a in answers if a.assumption})
    labels = {
        "grantee": facts.label(grantee_iri),
        "weapon": facts.label(weapon_iri),
        "target": facts.label(target_iri),
        "purpose": facts.label(purpose_iri) if purpose_iri else "",
    }
    # de-duplicate deciding rules, keep order
    seen: set[Node] = set()
    unique = []
    for x in deciding:
        if x.rule not in seen:
            seen.add(x.rule)
            unique.append(x)
    return CheckResult(
        grantee=grantee_iri,
        weapon=weapon_iri,
        target=target_iri,
        purpose=purpose_iri,
        date=day,
        verdict=verdict,
        summary=summary,
        deciding=unique,
        steps=steps,
        findings=findings,
        grantors=answers,
        perspectives=perspectives,
        assumptions=assumptions,
        notes=notes,
        labels=labels,
    )


def _poss(name: str) -> str:
    """English possessive: "Russia's", "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _reading(c: _Checker, holder: Node, up: dict[Node, list[Node]], contested: list[Node]) -> str:
    """What the holder's views say about the contested territory, in words."""
    parts = []
    for territory in contested:
        states = [s for t in up for s in c.f.objects(t, SG.territoryOf)]
        denied = []
        for view in c.views_on(territory):
            if c.f.value(view, SG.viewHolder) != holder:
                continue
            _, sovereign, recognises = c.reading_of(view)
            if not recognises and sovereign is not None:
                denied.append(c.lab(sovereign))
        if states:
            text = f"{c.lab(territory)} is part of {c.lab(states[0])}"
        else:
            text = f"{c.lab(territory)} is of no recorded state"
        if denied:
            text += f", not of {', '.join(denied)}"
        parts.append(text)
    return "; ".join(parts)
