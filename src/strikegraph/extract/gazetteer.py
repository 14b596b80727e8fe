"""The gazetteer: surface forms of known entities, from the reference graph and the lexicon.

Forms come from every ``rdfs:label`` / ``skos:altLabel`` of the reference entities and from
``graph/lexicon.yaml`` (variants, transliterations, metonyms, demonyms, titles, ...). All
forms are compiled into one case-insensitive regular expression, longest alternative first,
so a scan of the text finds leftmost-longest whole-token matches in one pass. Straight and
typographic apostrophes are equivalent (the text is matched through a same-length copy in
which ’ is replaced by ', so offsets are unchanged).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from strikegraph.errors import DataError
from strikegraph.load import parse_file
from strikegraph.namespaces import SG
from strikegraph.resources import data_dir, data_root

__all__ = ["Entity", "Form", "Gazetteer", "load_gazetteer", "normalise"]

_KIND_BY_CLASS = {
    SG.State: "state",
    SG.Person: "person",
    SG.Group: "group",
    SG.AnonymousSource: "person",
    SG.Organisation: "organisation",
    SG.GovernmentBody: "organisation",
    SG.ArmedForces: "organisation",
    SG.Alliance: "organisation",
    SG.MediaOutlet: "organisation",
    SG.WeaponSystem: "weapon",
    SG.WeaponCategory: "weapon",
    SG.Territory: "territory",
    SG.Region: "territory",
    SG.Settlement: "territory",
    SG.Area: "territory",
}
_KIND_ORDER = ["state", "person", "group", "weapon", "territory", "organisation"]


def normalise(text: str) -> str:
    """Case-fold and unify apostrophes/quotes/hyphens (same length as the input)."""
    return text.replace("’", "'").replace("‘", "'").replace("–", "-").lower()


@dataclass
class Entity:
    iri: URIRef
    kind: str
    label: str
    classes: set[URIRef] = field(default_factory=set)
    parents: set[URIRef] = field(default_factory=set)  # sg:inCategory / sg:partOf
    acts_for: set[URIRef] = field(default_factory=set)
    supplied_by: set[URIRef] = field(default_factory=set)
    # (office label, held from, held until, sg:office (None when the holding has none), holding)
    offices: list[tuple[str, dt.date | None, dt.date | None, URIRef | None, URIRef]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class Form:
    text: str
    iri: URIRef
    type: str = "label"
    case_sensitive: bool = False
    context: tuple[tuple[str, Any], ...] = ()
    priority: int = 0  # disambiguation candidates > context forms > plain forms


@dataclass
class Gazetteer:
    entities: dict[URIRef, Entity]
    forms: dict[str, list[Form]]  # normalised text -> forms
    defaults: dict[str, URIRef]  # disambiguation defaults by normalised text
    pattern: re.Pattern[str]

    def ancestors(self, iri: URIRef) -> set[URIRef]:
        """The thing and everything above it through sg:inCategory / sg:partOf (cached)."""
        cache = self.__dict__.setdefault("_ancestor_cache", {})
        if iri not in cache:
            cache[iri] = frozenset(self._ancestors(iri))
        return cache[iri]

    def _ancestors(self, iri: URIRef) -> set[URIRef]:
        seen: set[URIRef] = set()
        todo = [iri]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            entity = self.entities.get(node)
            if entity is not None:
                todo.extend(entity.parents)
        return seen

    def kind(self, iri: URIRef) -> str | None:
        entity = self.entities.get(iri)
        return entity.kind if entity else None

    def label(self, iri: URIRef) -> str:
        entity = self.entities.get(iri)
        return entity.label if entity else str(iri).rsplit("/", 1)[-1]


_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]+$')


def _expand(curie: str, prefixes: dict[str, str], where: str) -> URIRef:
    """A lexicon CURIE as an IRI; a bad one stops the load (rdflib would only log it)."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in prefixes:
        raise DataError(f"{where}: unknown prefix in {curie!r}")
    iri = prefixes[prefix] + local
    if not _IRI.match(iri):
        raise DataError(f"{where}: {curie!r} does not expand to a valid IRI: {iri!r}")
    return URIRef(iri)


def _context_items(context: Any) -> tuple[tuple[str, Any], ...]:
    if not context:
        return ()
    items = []
    for key, value in context.items():
        items.append((key, tuple(value) if isinstance(value, list) else value))
    return tuple(sorted(items))


def _read_reference(
    root: Path,
) -> tuple[dict[URIRef, Entity], dict[Node, list[tuple[Any, Any]]]]:
    quads = []
    for path in sorted(data_dir("graph", root).joinpath("reference").glob("*.trig")):
        quads.extend(parse_file(path))
    by_subject: dict[Node, list[tuple[Any, Any]]] = defaultdict(list)
    for s, p, o, _ in quads:
        by_subject[s].append((p, o))
    entities: dict[URIRef, Entity] = {}
    holdings: dict[Any, dict[Any, Any]] = {}
    office_labels: dict[Any, str] = {}
    for s, pos in by_subject.items():
        classes = {o for p, o in pos if p == RDF.type}
        if SG.OfficeHolding in classes:
            holdings[s] = {p: o for p, o in pos}
            continue
        if SG.Office in classes:
            office_labels[s] = next((str(o) for p, o in pos if p == RDFS.label), "")
            continue
        kinds = [_KIND_BY_CLASS[c] for c in classes if c in _KIND_BY_CLASS]
        if not kinds or not isinstance(s, URIRef):
            continue
        kind = min(kinds, key=_KIND_ORDER.index)
        label = next((str(o) for p, o in pos if p == RDFS.label), str(s).rsplit("/", 1)[-1])
        entities[s] = Entity(
            iri=s,
            kind=kind,
            label=label,
            classes=classes,
            parents={o for p, o in pos if p in (SG.inCategory, SG.partOf)},
            acts_for={o for p, o in pos if p == SG.actsFor},
            supplied_by={o for p, o in pos if p == SG.suppliedBy},
        )
    for hiri, holding in holdings.items():
        holder = holding.get(SG.holder)
        if holder in entities:
            start = holding.get(SG.heldFrom)
            end = holding.get(SG.heldUntil)
            entities[holder].offices.append(
                (
                    office_labels.get(holding.get(SG.office), ""),
                    start.toPython() if start is not None else None,
                    end.toPython() if end is not None else None,
                    holding.get(SG.office),
                    hiri,
                )
            )
    return entities, by_subject


def _trie_regex(texts: list[str]) -> str:
    """One regular expression for a set of strings, as a character trie, longest first.

    ``(?:a(?:b|c)|d)`` instead of ``ab|ac|d``: the regex engine then tests each character
    once per position instead of once per alternative, which for ~900 forms is many times
    faster. At every trie node the longer continuations come before the end of a shorter
    form, so with backtracking the matches tried at one position are the same as with the
    longest-first flat alternation (all forms matching at one position lie on one trie
    path, so "longer continuation first" is "longest first").
    """
    trie: dict[str, dict] = {}
    for t in texts:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and not ends:
            return branches[0]
        body = "|".join(branches)
        return f"(?:{body}|)" if ends else f"(?:{body})"

    return build(trie)


def _compile(forms: dict[str, list[Form]]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){_trie_regex(sorted(forms))}(?![\w])")


@functools.lru_cache(maxsize=4)
def _load(root: str) -> Gazetteer:
    root_path = Path(root)
    entities, by_subject = _read_reference(root_path)
    forms: dict[str, list[Form]] = defaultdict(list)

    def add(form: Form) -> None:
        if len(form.text.strip()) < 2:
            return
        key = normalise(form.text)
        if form not in forms[key]:
            forms[key].append(form)

    for iri, _entity in entities.items():
        for p, o in by_subject[iri]:
            if p in (RDFS.label, SKOS.altLabel):
                text = str(o)
                add(Form(text, iri, "label", case_sensitive=text.isupper() and len(text) <= 4))

    lexicon_path = data_dir("graph", root_path) / "lexicon.yaml"
    try:
        lexicon = yaml.safe_load(lexicon_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{lexicon_path}: cannot read the lexicon: {exc}") from exc
    prefixes = lexicon.get("prefixes", {})
    for curie, entry in (lexicon.get("entities") or {}).items():
        iri = _expand(curie, prefixes, str(lexicon_path))
        for raw in entry.get("forms", []):
            spec = {"text": raw} if isinstance(raw, str) else raw
            context = _context_items(spec.get("context"))
            add(
                Form(
                    spec["text"],
                    iri,
                    spec.get("type", "variant"),
                    bool(spec.get("case_sensitive", False)),
                    context,
                    1 if context else 0,
                )
            )
    defaults: dict[str, URIRef] = {}
    for rule in lexicon.get("disambiguation") or []:
        key = normalise(rule["text"])
        if "default" in rule:
            defaults[key] = _expand(rule["default"], prefixes, str(lexicon_path))
        for candidate in rule.get("candidates", []):
            iri = _expand(candidate["iri"], prefixes, str(lexicon_path))
            add(
                Form(
                    rule["text"],
                    iri,
                    "disambiguation",
                    False,
                    _context_items(candidate.get("when")),
                    2,
                )
            )
        if key not in forms and key in defaults:
            add(Form(rule["text"], defaults[key], "label"))
    _intern(entities, forms, defaults)
    return Gazetteer(
        entities=entities, forms=dict(forms), defaults=defaults, pattern=_compile(forms)
    )


def _intern(
    entities: dict[URIRef, Entity], forms: dict[str, list[Form]], defaults: dict[str, URIRef]
) -> None:
    """Make every IRI the gazetteer hands out the same object as its ``entities`` key.

    Equal IRIs parsed or expanded separately are distinct objects; a dict lookup with the
    very key object skips rdflib's Python-level ``__eq__``, and the extractor looks
    entities up by mention IRI thousands of times per document.
    """
    canon = {iri: iri for iri in entities}

    def c(iri: URIRef) -> URIRef:
        return canon.get(iri, iri)

    for entity in entities.values():
        entity.parents = {c(x) for x in entity.parents}
        entity.acts_for = {c(x) for x in entity.acts_for}
        entity.supplied_by = {c(x) for x in entity.supplied_by}
    for key, items in forms.items():
        forms[key] = [
            f if c(f.iri) is f.iri else dataclasses.replace(f, iri=c(f.iri)) for f in items
        ]
    for key, iri in defaults.items():
        defaults[key] = c(iri)


def load_gazetteer(root: str | os.PathLike[str] | None = None) -> Gazetteer:
    """The gazetteer for a data root (cached per root)."""
    return _load(str(data_root(root)))
