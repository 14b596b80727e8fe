"""``strikegraph eval``: precision, recall and F1 of the extractor against gold annotations.

What counts as a match, per kind (items are matched one-to-one, greedily in gold order):

* ``entities`` — the set of reference entities (states, persons, groups, organisations,
  weapons, weapon categories, territories of ``graph/reference``) that the graph refers to
  anywhere (subject or object). The extracted graph lists every entity the gazetteer linked
  (``dcterms:references`` on the graph node). Compared as sets of IRIs.
* ``authorizations`` / ``prohibitions`` — grantor and grantee equal; weapon scopes, target
  scopes and excluded weapons agree *up to the hierarchy*: every gold value is equal to, or
  an sg:inCategory/sg:partOf ancestor or descendant of, some extracted value, and vice versa
  (both empty also agrees). Purpose, dates, deciding official and disclosures are not
  compared.
* ``stances`` — same holder and same sg:stanceKind (addressee and issue not compared).
* ``rifts`` — the two sides, as an unordered pair, each gold side sharing an actor with the
  matched extracted side.
* ``claims`` — same claimant and the same attribution chain (the sequence of step agents);
  anonymous sources match any anonymous source acting for the same state.
* ``events`` — strikes, deliveries, offensives and control periods: same class and, for a
  strike, a shared weapon or target (up to the hierarchy); for a delivery, same supplier and
  recipient; for an offensive, same attacker; for control, same controller and a related
  territory.
* ``dates`` — the (notBefore, notAfter) pairs of the graph's date intervals that have a
  bound, compared as sets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Identifier, Node

from strikegraph.errors import DataError
from strikegraph.extract.gazetteer import Gazetteer, load_gazetteer
from strikegraph.load import parse_file
from strikegraph.namespaces import SG

__all__ = ["KINDS", "Score", "evaluate_graphs", "evaluate_files", "render_table"]

KINDS = [
    "entities",
    "authorizations",
    "prohibitions",
    "stances",
    "rifts",
    "claims",
    "events",
    "dates",
]
_EVENT_TYPES = (SG.Strike, SG.Delivery, SG.Offensive, SG.ControlPeriod)


@dataclass
class Score:
    tp: int
    n_gold: int
    n_extracted: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_extracted if self.n_extracted else (1.0 if not self.n_gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else (1.0 if not self.n_extracted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "gold": self.n_gold,
            "extracted": self.n_extracted,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


def _greedy(gold: list[Any], extracted: list[Any], match: Callable[[Any, Any], bool]) -> Score:
    used: set[int] = set()
    tp = 0
    for g in gold:
        for i, e in enumerate(extracted):
            if i not in used and match(g, e):
                used.add(i)
                tp += 1
                break
    return Score(tp, len(gold), len(extracted))


def _int(node: Node | None) -> int:
    """``int(node)`` for a literal; a missing value fails as ``int(None)`` does."""
    if node is None:
        raise TypeError(
            "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
        )
    return int(cast(Identifier, node))


class _Items:
    def __init__(self, graph: Graph, gaz: Gazetteer) -> None:
        self.g = graph
        self.gaz = gaz

    def objs(self, s: Any, p: URIRef) -> frozenset:
        return frozenset(self.g.objects(s, p))

    def _sorted_subjects(self, cls: URIRef) -> list[Identifier]:
        # subjects of a parsed graph are URIRefs or BNodes, which order as Identifiers
        return sorted(cast("Iterator[Identifier]", self.g.subjects(RDF.type, cls)))

    def entities(self) -> set[URIRef]:
        out = set()
        for s, _p, o in self.g:
            for term in (s, o):
                if isinstance(term, URIRef) and term in self.gaz.entities:
                    out.add(term)
        return out

    def rules(self, cls: URIRef) -> list[tuple]:
        return [
            (
                self.g.value(s, SG.grantor),
                self.g.value(s, SG.grantee),
                self.objs(s, SG.weaponScope),
                self.objs(s, SG.targetScope),
                self.objs(s, SG.excludesWeapon),
            )
            for s in self._sorted_subjects(cls)
        ]

    def stances(self) -> list[tuple]:
        return [
            (self.g.value(s, SG.stanceHolder), self.g.value(s, SG.stanceKind))
            for s in self._sorted_subjects(SG.Stance)
        ]

    def rifts(self) -> list[tuple]:
        return [
            (self.objs(s, SG.sideA), self.objs(s, SG.sideB)) for s in self._sorted_subjects(SG.Rift)
        ]

    def agent(self, a: Any) -> Any:
        if (a, RDF.type, SG.AnonymousSource) in self.g:
            return ("anonymous", self.g.value(a, SG.actsFor))
        return a

    def claims(self) -> list[tuple]:
        out = []
        for c in self._sorted_subjects(SG.Claim):
            steps = sorted(
                (_int(self.g.value(st, SG.stepOrder)), self.agent(self.g.value(st, SG.stepAgent)))
                for st in self.g.objects(c, SG.attributionStep)
            )
            out.append((self.agent(self.g.value(c, SG.claimant)), tuple(a for _, a in steps)))
        return out

    def events(self) -> list[tuple]:
        out = []
        for cls in _EVENT_TYPES:
            for s in self._sorted_subjects(cls):
                args = {
                    p: frozenset(self.g.objects(s, p))
                    for p in (
                        SG.attacker,
                        SG.weaponUsed,
                        SG.targetTerritory,
                        SG.supplier,
                        SG.recipient,
                        SG.controller,
                        SG.controlledTerritory,
                    )
                }
                out.append((cls, args))
        return out

    def dates(self) -> set[tuple]:
        out = set()
        for s in self.g.subjects(RDF.type, SG.DateInterval):
            nb, na = self.g.value(s, SG.notBefore), self.g.value(s, SG.notAfter)
            if nb is not None or na is not None:
                out.add((str(nb) if nb is not None else None, str(na) if na is not None else None))
        return out


def _set_score(gold: set, extracted: set) -> Score:
    return Score(len(gold & extracted), len(gold), len(extracted))


def evaluate_graphs(
    gold: Graph, extracted: Graph, gazetteer: Gazetteer | None = None
) -> dict[str, Score]:
    """Scores per kind of one extracted graph against one gold graph."""
    gaz = gazetteer or load_gazetteer()
    G, E = _Items(gold, gaz), _Items(extracted, gaz)

    def related(a: Any, b: Any) -> bool:
        return a == b or a in gaz.ancestors(b) or b in gaz.ancestors(a)

    def sets_agree(xs: frozenset, ys: frozenset) -> bool:
        return all(any(related(x, y) for y in ys) for x in xs) and all(
            any(related(x, y) for x in xs) for y in ys
        )

    def rule_match(g: tuple, e: tuple) -> bool:
        return (
            g[0] == e[0]
            and g[1] == e[1]
            and sets_agree(g[2], e[2])
            and sets_agree(g[3], e[3])
            and sets_agree(g[4], e[4])
        )

    def rift_match(g: tuple, e: tuple) -> bool:
        return (bool(g[0] & e[0]) and bool(g[1] & e[1])) or (
            bool(g[0] & e[1]) and bool(g[1] & e[0])
        )

    def any_related(xs: frozenset, ys: frozenset) -> bool:
        return any(related(x, y) for x in xs for y in ys)

    def event_match(g: tuple, e: tuple) -> bool:
        if g[0] != e[0]:
            return False
        ga, ea = g[1], e[1]
        if g[0] == SG.Strike:
            return any_related(ga[SG.weaponUsed], ea[SG.weaponUsed]) or any_related(
                ga[SG.targetTerritory], ea[SG.targetTerritory]
            )
        if g[0] == SG.Delivery:
            return bool(ga[SG.supplier] & ea[SG.supplier]) and bool(
                ga[SG.recipient] & ea[SG.recipient]
            )
        if g[0] == SG.Offensive:
            return bool(ga[SG.attacker] & ea[SG.attacker])
        return bool(ga[SG.controller] & ea[SG.controller]) and any_related(
            ga[SG.controlledTerritory], ea[SG.controlledTerritory]
        )

    return {
        "entities": _set_score(G.entities(), E.entities()),
        "authorizations": _greedy(G.rules(SG.Authorization), E.rules(SG.Authorization), rule_match),
        "prohibitions": _greedy(G.rules(SG.Prohibition), E.rules(SG.Prohibition), rule_match),
        "stances": _greedy(G.stances(), E.stances(), lambda g, e: g == e),
        "rifts": _greedy(G.rifts(), E.rifts(), rift_match),
        "claims": _greedy(G.claims(), E.claims(), lambda g, e: g == e),
        "events": _greedy(G.events(), E.events(), event_match),
        "dates": _set_score(G.dates(), E.dates()),
    }


def _graph_of(quads: Sequence[tuple]) -> Graph:
    g = Graph()
    for s, p, o, _ in quads:
        g.add((s, p, o))
    return g


def evaluate_files(
    gold_paths: Sequence[Path],
    *,
    extracted_from_store: Callable[[str], Graph] | None = None,
) -> dict[str, dict[str, Score]]:
    """Scores per gold document (file stem) and per kind; ``TOTAL`` sums the counts."""
    from strikegraph.ingest import IngestOptions, prepare

    gaz = load_gazetteer()
    results: dict[str, dict[str, Score]] = {}
    for gold_path in gold_paths:
        gold_path = Path(gold_path)
        if not gold_path.is_file():
            raise DataError(f"{gold_path}: no such gold file")
        gold = _graph_of(parse_file(gold_path))
        stem = gold_path.name.split(".")[0]
        if extracted_from_store is not None:
            extracted = extracted_from_store(stem)
        else:
            text = gold_path.with_name(f"{stem}.txt")
            if not text.is_file():
                raise DataError(f"{gold_path}: no document text {text.name} beside it")
            prepared = prepare(text, IngestOptions(), gazetteer=gaz)
            extracted = Graph()
            for t in prepared.extracted:
                extracted.add(t)
        results[stem] = evaluate_graphs(gold, extracted, gaz)
    total: dict[str, Score] = {}
    for kind in KINDS:
        total[kind] = Score(
            sum(r[kind].tp for r in results.values()),
            sum(r[kind].n_gold for r in results.values()),
            sum(r[kind].n_extracted for r in results.values()),
        )
    if len(results) > 1:
        results["TOTAL"] = total
    return results


def render_table(results: dict[str, dict[str, Score]]) -> str:
    lines = [
        f"{'document':<22} {'kind':<15} {'gold':>5} {'extr':>5} {'tp':>4} "
        f"{'P':>6} {'R':>6} {'F1':>6}"
    ]
    for doc, scores in results.items():
        for kind in KINDS:
            s = scores[kind]
            lines.append(
                f"{doc:<22} {kind:<15} {s.n_gold:>5} {s.n_extracted:>5} {s.tp:>4} "
                f"{s.precision:>6.2f} {s.recall:>6.2f} {s.f1:>6.2f}"
            )
    return "\n".join(lines)


def render_json(results: dict[str, dict[str, Score]]) -> str:
    return json.dumps(
        {d: {k: s.to_dict() for k, s in sc.items()} for d, sc in results.items()}, indent=2
    )
