"""Rule-based coding of rules, stances, rifts, events and claims over linked sentences.

Patterns are written over one sentence (split into clauses) with its linked mentions:
a trigger word picks the relation, and the arguments are the mentions in the trigger's
clause, by position (before the trigger: grantor / stance holder / attacker; after it:
grantee, weapons, targets). See ``docs`` in the module functions for each relation.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from rdflib import URIRef

from strikegraph.extract.dates import DateMention
from strikegraph.extract.gazetteer import Gazetteer
from strikegraph.extract.mentions import Mention
from strikegraph.extract.sentences import Sentence
from strikegraph.extract.terms import SG, SGID

__all__ = [
    "DisclosureX",
    "HoldingX",
    "Extraction",
    "Rule",
    "StanceX",
    "RiftX",
    "EventX",
    "ClaimX",
    "code_relations",
]

ACTOR_KINDS = {"state", "person", "group", "organisation"}
_OUTLET = SG.MediaOutlet
UKRAINE = SGID["state/ukraine"]


@dataclass
class Rule:
    kind: str  # authorization | prohibition
    grantor: URIRef
    grantee: URIRef
    sentence: int
    weapons: set[URIRef] = field(default_factory=set)
    targets: set[URIRef] = field(default_factory=set)
    excluded: set[URIRef] = field(default_factory=set)
    action: URIRef = SG.UseWeapons
    purpose: URIRef | None = None
    unrestricted: bool = False
    implicit: bool = False
    decided_by: URIRef | None = None
    dates: list[DateMention] = field(default_factory=list)
    confidence: float = 0.7
    key: str = ""


@dataclass
class StanceX:
    holder: URIRef
    kind: URIRef
    sentence: int
    addressees: set[URIRef] = field(default_factory=set)
    public: bool = False
    confidence: float = 0.7
    key: str = ""
    # for a threat or warning ("X warned that Ukraine and its NATO allies would ..."): the
    # states and organisations it is aimed at (a rift between them and the holder)
    threatened: set[URIRef] = field(default_factory=set)


@dataclass
class RiftX:
    side_a: set[URIRef]
    side_b: set[URIRef]
    sentence: int
    scope: str = ""
    confidence: float = 0.6
    key: str = ""


@dataclass
class EventX:
    type: URIRef  # sg:Strike | sg:Delivery | sg:Offensive | sg:ControlPeriod
    sentence: int
    args: dict[URIRef, set] = field(default_factory=dict)
    dates: list[DateMention] = field(default_factory=list)
    confidence: float = 0.6
    key: str = ""


@dataclass(frozen=True)
class HoldingX:
    """An office holding from the reference graph that a title mention asserts."""

    iri: URIRef
    sentence: int


@dataclass
class DisclosureX:
    kind: URIRef  # sg:PublicConfirmation | sg:SecretCommunication
    rule: Rule
    by: URIRef | None
    sentence: int
    dates: list[DateMention] = field(default_factory=list)
    confidence: float = 0.6


@dataclass
class ClaimX:
    sentence: int
    claimant: URIRef
    chain: list[tuple[URIRef, str | None]]
    asserts: list[object] = field(default_factory=list)
    direct_quote: bool = False
    hedge: str | None = None
    date: DateMention | None = None


@dataclass
class Extraction:
    rules: list[Rule] = field(default_factory=list)
    stances: list[StanceX] = field(default_factory=list)
    rifts: list[RiftX] = field(default_factory=list)
    events: list[EventX] = field(default_factory=list)
    claims: list[ClaimX] = field(default_factory=list)
    anonymous: dict[URIRef, tuple[str, URIRef | None]] = field(default_factory=dict)


# ----------------------------------------------------------------------------- helpers


def _norm(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").replace("–", "-").lower()


_LETTERS = re.compile(r"[a-z]+")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _gate(ctx: _Ctx, sent: Sentence, exact: frozenset[str], parts: tuple[str, ...] = ()) -> bool:
    """Whether the sentence may match a pattern triggered by ``exact`` words or by words
    holding one of ``parts`` (a word starting with "refus" holds "refus")."""
    if not ctx.words(sent).isdisjoint(exact):
        return True
    if parts:
        norm = ctx.n(sent.start, sent.end)
        return any(part in norm for part in parts)
    return False


class MentionList(list[Mention]):
    """Mentions sorted by start, with their starts for bisection (see :func:`_in`)."""

    def __init__(self, mentions: list[Mention]) -> None:
        super().__init__(sorted(mentions, key=lambda m: m.start))
        self.starts = [m.start for m in self]


class _Ctx:
    def __init__(self, gazetteer: Gazetteer, text: str) -> None:
        self.gaz = gazetteer
        self.text = text
        norm = _norm(text)
        # slicing the normalised text equals normalising the slice when lower-casing maps
        # each character on its own (not for a final capital sigma or length-changing ones)
        self.norm = norm if len(norm) == len(text) and "Σ" not in text else None
        self._words: dict[int, frozenset[str]] = {}
        self._in_sentence: dict[int, list[Mention]] = {}
        self.outlets: frozenset[URIRef] = gazetteer.__dict__.get("_outlets") or frozenset()
        if "_outlets" not in gazetteer.__dict__:
            self.outlets = frozenset(
                iri for iri, e in gazetteer.entities.items() if _OUTLET in e.classes
            )
            gazetteer.__dict__["_outlets"] = self.outlets

    def words(self, sent: Sentence) -> frozenset[str]:
        """The sentence's lower-case letter runs, for cheap trigger-word gates.

        A ``\\b``-delimited word a pattern matches is always one of these (its neighbours
        are not word characters, so the letter run around it is the word itself), so a
        sentence whose words hold none of a pattern's trigger words cannot match it.
        """
        found = self._words.get(sent.index)
        if found is None:
            found = self._words[sent.index] = frozenset(
                _LETTERS.findall(self.n(sent.start, sent.end))
            )
        return found

    def in_sentence(self, ms: list[Mention], sent: Sentence) -> list[Mention]:
        """``_in(ms, sent.start, sent.end)`` for the document's mentions, cached per sentence
        (callers must not change the list)."""
        found = self._in_sentence.get(sent.index)
        if found is None:
            found = self._in_sentence[sent.index] = _in(ms, sent.start, sent.end)
        return found

    def n(self, start: int, end: int) -> str:
        """``_norm(text[start:end])``, sliced from the document's normalised text."""
        if self.norm is not None:
            return self.norm[start:end]
        return _norm(self.text[start:end])

    def state_of(self, iri: URIRef | None) -> URIRef | None:
        """The state an entity is or acts for (a territory: the state it lies in), cached."""
        if iri is None:
            return None
        cache: dict[URIRef, URIRef | None] = self.gaz.__dict__.setdefault("_state_of", {})
        if iri not in cache:
            cache[iri] = self._state_of(iri)
        return cache[iri]

    def _state_of(self, iri: URIRef) -> URIRef | None:
        entity = self.gaz.entities.get(iri)
        if entity is None:
            return None
        if entity.kind == "state":
            return iri
        if entity.kind == "territory":
            for anc in self.gaz.ancestors(iri):
                candidate = URIRef(str(anc).replace("/territory/", "/state/"))
                if candidate in self.gaz.entities and candidate != iri:
                    return candidate
            return None
        for acts in sorted(entity.acts_for):
            if self.gaz.kind(acts) == "state":
                return acts
        return None

    def is_outlet(self, iri: URIRef) -> bool:
        return iri in self.outlets

    def default_weapons(self, state: URIRef) -> URIRef | None:
        cache = self.gaz.__dict__.setdefault("_default_weapons", {})
        if state not in cache:
            cache[state] = self._default_weapons(state)
        return cache[state]

    def _default_weapons(self, state: URIRef) -> URIRef | None:
        best = None
        for iri, entity in self.gaz.entities.items():
            if (
                entity.kind == "weapon"
                and state in entity.supplied_by
                and SG.WeaponCategory in entity.classes
                and (best is None or len(self.gaz.ancestors(iri)) < len(self.gaz.ancestors(best)))
            ):
                best = iri
        return best

    def related(self, a: URIRef, b: URIRef) -> bool:
        return a in self.gaz.ancestors(b) or b in self.gaz.ancestors(a)

    def most_specific(self, items: set[URIRef]) -> set[URIRef]:
        return {i for i in items if not any(j != i and i in self.gaz.ancestors(j) for j in items)}


_CLAUSE_SPLIT = re.compile(
    r",\s*while\s+|;\s+|,\s+but\s+(?=[a-z]+\s+(?:has|have|had|is|was)\b)|:\s+(?=[A-Z])"
)


def _clauses(sent: Sentence) -> list[tuple[int, int]]:
    spans = []
    begin = sent.start
    for m in _CLAUSE_SPLIT.finditer(sent.text):
        spans.append((begin, sent.start + m.start()))
        begin = sent.start + m.end()
    spans.append((begin, sent.end))
    return spans


def _in(ms: list[Mention], start: int, end: int, kinds: set[str] | None = None) -> list[Mention]:
    """The mentions inside [start, end) (of the given kinds), in order."""
    starts = getattr(ms, "starts", None)
    if starts is None:
        return [
            m
            for m in ms
            if start <= m.start and m.end <= end and (kinds is None or m.kind in kinds)
        ]
    out = []
    for i in range(bisect.bisect_left(starts, start), len(ms)):
        m = ms[i]
        if m.start >= end:
            break
        if m.end <= end and (kinds is None or m.kind in kinds):
            out.append(m)
    return out


@functools.lru_cache(maxsize=256)
def _at_end(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern + r"\W*$")


def _preceded(ctx: _Ctx, m: Mention, pattern: str, window: int = 25) -> bool:
    return _at_end(pattern).search(ctx.n(max(0, m.start - window), m.start)) is not None


# ----------------------------------------------------------------------------- rules

_AUTH = re.compile(
    r"\b(?:permission\s+to|allow(?:s|ed|ing)?|authori[sz](?:e|es|ed|ing)|lets?|may\s+use|"
    r"(?:does|do|did)\s+not\s+forbid)\b"
)
_AUTH_BLOCK = re.compile(
    r"(?:pressure\s+to|wants?\s+\S+\s+to|urg\w*\s+\S+\s+to|refus\w*\s+to|should(?:\s+not)?\s+be|"
    r"not\s+be\s+allowed|if\s+they\s+had|press\w*\s+\S+\s+to|to\s+approve|call\w*\s+on)[^.]{0,40}$"
)
_PROHIB = re.compile(
    r"\b(?:prohibition\s+on|bans?\s+on|barred\s+from|refus\w*\s+to\s+(?:let|allow)|does\s+not\s+cover)\b"
)
# the words _AUTH and _PROHIB need (gate, see _Ctx.words)
_RULE_WORDS = _wordset(
    "permission allow allows allowed allowing let lets may forbid prohibition ban bans barred cover"
)
_RULE_PARTS = ("authori", "refus")
_EXCLUDE_CUE = r"(?:but\s+not(?:\s+the)?|not\s+the|except(?:\s+the)?|excluding(?:\s+the)?)"
_STRIKE_WORDS = re.compile(r"\b(?:strikes?|hit|attack|struck|strike)\b")


def _rule_in_clause(
    ctx: _Ctx,
    ms: list[Mention],
    sent: Sentence,
    cstart: int,
    cend: int,
    dates: list[DateMention],
    out: list[Rule],
) -> None:
    clause = ctx.n(cstart, cend)
    for match in list(_AUTH.finditer(clause)) + list(_PROHIB.finditer(clause)):
        trig_s, trig_e = cstart + match.start(), cstart + match.end()
        word = match.group(0)
        prohibition = _PROHIB.fullmatch(word) is not None or bool(re.match(r"refus", word))
        implicit = "forbid" in word
        if not prohibition and _AUTH_BLOCK.search(clause[: match.start()]):
            continue
        before = [m for m in _in(ms, cstart, trig_s, ACTOR_KINDS) if not ctx.is_outlet(m.iri)]
        after = _in(ms, trig_e, cend)
        # grantor(s): a list of states before the trigger, else the last actor before it
        states_before = [m for m in before if m.kind == "state" and ctx.state_of(m.iri) != UKRAINE]
        grantors: list[URIRef] = []
        if len(states_before) > 1 and re.search(
            r"\b(?:and|including)\b", ctx.n(states_before[0].start, trig_s)
        ):
            # state mentions are gazetteer states, so state_of gives their IRI (never None)
            grantors = list(
                dict.fromkeys(st for m in states_before if (st := ctx.state_of(m.iri)) is not None)
            )
        else:
            for m in reversed(before):
                st = ctx.state_of(m.iri)
                if st is not None and st != UKRAINE:
                    grantors = [st]
                    break
        weapons = [m for m in after if m.kind == "weapon"]
        excluded = {m.iri for m in weapons if _preceded(ctx, m, _EXCLUDE_CUE)}
        scope = ctx.most_specific({m.iri for m in weapons if m.iri not in excluded})
        if not grantors and scope:
            sup = (
                {s for w in scope for s in ctx.gaz.entities[w].supplied_by}
                if all(w in ctx.gaz.entities for w in scope)
                else set()
            )
            grantors = sorted(sup)[:1]
        if not grantors:
            continue
        # grantee: the first state-like actor after the first grantor mention
        first_grantor_pos = min(
            (m.start for m in before if ctx.state_of(m.iri) in grantors), default=cstart
        )
        grantee = None
        for m in _in(ms, first_grantor_pos, cend):
            if m.kind in ("weapon",):
                continue
            st = ctx.state_of(m.iri) if m.kind != "territory" else None
            if m.kind == "territory" and m.text.lower() in ("kiev", "kyiv"):
                st = UKRAINE
            if st is not None and st not in grantors and m.start < cend:
                grantee = st
                break
        if grantee is None:
            grantee = UKRAINE
        targets = {
            m.iri
            for m in after
            if m.kind == "territory"
            and not _preceded(ctx, m, r"\b(?:from|to\s+be|to|visit\s+to)")
            and m.text.lower() not in ("kiev", "kyiv")
        }
        if implicit and not targets:
            targets = {
                m.iri
                for m in _in(ms, sent.start, trig_s, {"territory"})
                if not _preceded(ctx, m, r"\bto\s+be")
            }
        if not targets and not prohibition:
            targets = {
                m.iri
                for m in _in(ms, sent.start, sent.end, {"territory"})
                if not _preceded(ctx, m, r"\b(?:from|to\s+be|to|visit\s+to)")
                and m.text.lower() not in ("kiev", "kyiv")
            }
        targets = ctx.most_specific(targets)
        after_text = ctx.n(trig_e, cend)
        first_weapon = min((m.start for m in weapons), default=cend)
        action = (
            SG.UseWeapons
            if re.search(r"\buse\b", ctx.n(trig_s, first_weapon))
            else SG.StrikeTargets
        )
        if not weapons and _STRIKE_WORDS.search(after_text):
            action = SG.StrikeTargets
        purpose = None
        if re.search(r"counter-?fire", ctx.n(sent.start, sent.end)):
            purpose = SG.CounterFire
        elif re.search(r"\bdefend\s+itself|self-defen[cs]e", ctx.n(sent.start, sent.end)):
            purpose = SG.SelfDefence
        unrestricted = bool(
            re.search(r"as\s+it\s+sees\s+fit|without\s+restrictions?|unrestricted", after_text)
        )
        rule_dates = [d for d in dates if sent.start <= d.start < sent.end]
        for grantor in grantors:
            w = set(scope)
            if not w:
                default = ctx.default_weapons(grantor)
                if default is not None:
                    w = {default}
            conf = 0.55 + 0.1 * bool(scope) + 0.1 * bool(targets) + 0.1 * (grantee is not None)
            if prohibition and re.match(r"refus", word) and not (scope or targets):
                continue  # "refuses to grant this permission": a stance, not a rule
            if not prohibition and not targets and not unrestricted:
                continue  # where the weapons may be used is unknown: not a codable rule
            out.append(
                Rule(
                    kind="prohibition" if prohibition else "authorization",
                    grantor=grantor,
                    grantee=grantee,
                    sentence=sent.index,
                    weapons=w,
                    targets=set() if unrestricted and not prohibition else targets,
                    excluded={e for e in excluded if any(ctx.related(e, s) for s in w)},
                    action=action,
                    purpose=purpose if not prohibition else None,
                    unrestricted=unrestricted and not prohibition,
                    implicit=implicit,
                    decided_by=None if prohibition else _decider(ctx, before, grantor, trig_s),
                    dates=rule_dates,
                    confidence=round(min(conf, 0.9), 2),
                )
            )


def _decider(ctx: _Ctx, before: list[Mention], grantor: URIRef, trigger: int) -> URIRef | None:
    """The official who made the decision: a person acting for the grantor who is the
    subject of the permission ("President Biden has given Kiev permission", "Biden's
    directive will allow") — the nearest such person before the trigger, close to it
    (no comma or speech verb in between, so not "..., X said")."""
    for m in reversed(before):
        if m.kind != "person":
            continue
        entity = ctx.gaz.entities.get(m.iri)
        if entity is None or SG.Person not in entity.classes or grantor not in entity.acts_for:
            continue
        gap = ctx.n(m.end, trigger)
        if len(gap) <= 40 and "," not in gap and not _SAY.search(gap):
            return m.iri
        return None
    return None


def _merge_rules(ctx: _Ctx, rules: list[Rule]) -> list[Rule]:
    merged: list[Rule] = []
    for rule in rules:
        for other in merged:
            if (other.kind, other.grantor, other.grantee, other.implicit) != (
                rule.kind,
                rule.grantor,
                rule.grantee,
                rule.implicit,
            ):
                continue
            t_ok = (
                not rule.targets
                or not other.targets
                or any(ctx.related(a, b) for a in rule.targets for b in other.targets)
            )
            w_ok = (
                any(ctx.related(a, b) for a in rule.weapons for b in other.weapons)
                or not rule.weapons
                or not other.weapons
            )
            if other.unrestricted != rule.unrestricted and (rule.targets or other.targets):
                continue
            if t_ok and w_ok:
                other.targets = ctx.most_specific(other.targets | rule.targets)
                general = {w for w in other.weapons | rule.weapons}
                other.weapons = general - {
                    w for w in general if any(w != g and g in ctx.gaz.ancestors(w) for g in general)
                }
                other.excluded |= rule.excluded
                other.excluded = {
                    e for e in other.excluded if any(ctx.related(e, s) for s in other.weapons)
                }
                other.purpose = other.purpose or rule.purpose
                other.decided_by = other.decided_by or rule.decided_by
                other.dates += rule.dates
                other.confidence = max(other.confidence, rule.confidence)
                rule.key = "merged"
                rule.__dict__["into"] = other
                break
        else:
            merged.append(rule)
    return merged


# ----------------------------------------------------------------------------- stances

_STANCES = [
    (re.compile(r"\bwants?\b|\bwanted\b"), SG.Wants, "before"),
    (
        re.compile(
            r"\b(?:urg(?:e|es|ed|ing)|press(?:es|ed|ing)?|call(?:s|ed)?\s+on|calls?\s+for|called\s+for)\b"
        ),
        SG.Wants,
        "before",
    ),
    (re.compile(r"\brefus(?:e|es|ed|ing)\b"), SG.Refuses, "before"),
    (re.compile(r"\b(?:angered|angers|infuriated|frustrated|outraged)\b"), SG.AngeredBy, "after"),
    (re.compile(r"\bdismiss(?:ed|es)?\b"), SG.Dismisses, "before"),
    (
        re.compile(
            r"\b(?:welcom(?:ed|es)|supports?|supported|backs|backed|should\s+be\s+allowed|has\s+the\s+right|has\s+every\s+(?:right|possibility))\b"
        ),
        SG.Supports,
        "before",
    ),
    (
        re.compile(
            r"\b(?:warn(?:ed|s)?|condemn(?:ed|s)?|criticis(?:ed|es)|threaten(?:ed|s)?|voiced\s+similar\s+warnings)\b"
        ),
        SG.Opposes,
        "before",
    ),
    # "X said Kyiv should not be allowed to ...": the speaker opposes it
    (re.compile(r"\bshould\s+not\s+be\s+(?:allowed|permitted)\b"), SG.Opposes, "before"),
    # diplomatic protest: "the Foreign Ministry summoned the British ambassador"
    (
        re.compile(r"\bsummon(?:ed|s)?\s+(?:the\s+)?(?:\S+\s+){0,2}?(?:ambassador|envoy)\b"),
        SG.Opposes,
        "before",
    ),
    # "Peskov called them a direct escalation", "... would add fuel to the fire" (not the
    # participle "..., calling it dangerous": its subject is the main clause's)
    (
        re.compile(
            r"\b(?:called|described)\s+(?:\S+\s+){1,4}?"
            r"(?:escalation|provocation|irresponsible|reckless|dangerous)\b"
            r"|\b(?:add|adding|adds|pour|pouring|pours)\s+fuel\s+to\s+the\s+(?:fire|flames)\b"
        ),
        SG.Opposes,
        "before",
    ),
    # "Zakharova called Cameron's statement absolutely crazy"
    (
        re.compile(
            r"\b(?:called|described)\s+(?:\S+\s+){1,4}?"
            r"(?:crazy|absurd|nonsense|ridiculous|laughable)\b"
        ),
        SG.Dismisses,
        "before",
    ),
    # a counterfactual "(could have ...) if they had permission": the speaker wants it
    (
        re.compile(
            r"\bif\s+(?:only\s+)?(?:they|we|he|she|it|kyiv|kiev|ukraine)\s+(?:had|got|"
            r"had\s+been\s+given|were\s+given|was\s+given)\s+(?:the\s+)?permission\b"
            r"|\bif\s+(?:only\s+)?(?:they|we|he|she|it|kyiv|kiev|ukraine)\s+"
            r"(?:had\s+been|were|was)\s+(?:allowed|permitted)\b"
        ),
        SG.Wants,
        "speaker",
    ),
]


# the words each _STANCES pattern needs (gates, see _Ctx.words); "refus..." by substring
_STANCE_GATES: list[tuple[frozenset[str], tuple[str, ...]]] = [
    (_wordset("want wants wanted"), ()),
    (_wordset("urge urges urged urging press presses pressed pressing call calls called"), ()),
    (frozenset(), ("refus",)),
    (_wordset("angered angers infuriated frustrated outraged"), ()),
    (_wordset("dismiss dismissed dismisses"), ()),
    (
        _wordset(
            "welcomed welcomes support supports supported backs backed should right possibility"
        ),
        (),
    ),
    (
        _wordset(
            "warn warned warns condemn condemned condemns criticised criticises threaten"
            " threatened threatens voiced"
        ),
        (),
    ),
    (_wordset("should"), ()),
    (_wordset("summon summoned summons"), ()),
    (_wordset("called described add adding adds pour pouring pours"), ()),
    (_wordset("called described"), ()),
    (_wordset("permission allowed permitted"), ()),
]
_STANCE_WORDS = frozenset().union(*(words for words, _ in _STANCE_GATES))
_STANCE_PARTS = ("refus",)
_THREAT = re.compile(r"warn|threaten")
_WANTS_NOT = re.compile(r"\s+\S+(?:\s+\S+){0,3}\s+to\s+(?:reject|stop|halt|block|not)\b")
_AND_GAP = re.compile(r"\s*(?:,|and|,\s*and)\s*")
_AUX_GAP = re.compile(r"\b(?:has|have|had|still|both|also|is|was)\b")
_SPEECH = re.compile(r"\b(?:said|says|argued|added|told\s+\w+)\b")
_HEADER = re.compile(r"\s*([^:]{2,60}):\s*")
# any stance trigger at all: most clauses have none, and one search rules them out
_ANY_STANCE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _, _ in _STANCES))


def _stances_in_clause(
    ctx: _Ctx, ms: list[Mention], sent: Sentence, cstart: int, cend: int, out: list[StanceX]
) -> None:
    text = ctx.text
    clause = ctx.n(cstart, cend)
    if _ANY_STANCE.search(clause) is None:
        return
    words = ctx.words(sent)
    for (pattern, kind, side), (gate_words, parts) in zip(_STANCES, _STANCE_GATES, strict=True):
        if words.isdisjoint(gate_words) and not any(part in clause for part in parts):
            continue
        for match in pattern.finditer(clause):
            ts, te = cstart + match.start(), cstart + match.end()
            after_clause = clause[match.end() :]
            k = kind
            if kind == SG.Wants and _WANTS_NOT.match(after_clause):
                k = SG.Opposes
            if side == "before":
                cands = [m for m in _in(ms, cstart, ts, ACTOR_KINDS) if not ctx.is_outlet(m.iri)]
                # the subject: the actors of the last noun group before the verb
                holders: list[Mention] = []
                for m in reversed(cands):
                    gap = ctx.n(m.end, holders[0].start if holders else ts)
                    if holders and not _AND_GAP.fullmatch(gap):
                        break
                    if not holders and len(gap) > 40 and not _AUX_GAP.search(gap):
                        break
                    holders.insert(0, m)
                speech = list(_SPEECH.finditer(clause[: match.start()]))
                header = _HEADER.fullmatch(text[sent.start : cstart])
                reported = kind == SG.Supports or match.group(0).startswith("should")
                if reported and header and holders:
                    # headline style "Macron: Ukraine should be allowed ...": the speaker's stance
                    speaker = _in(ms, sent.start, cstart, {"person", "organisation", "state"})
                    if speaker:
                        holders = [speaker[-1]]
                if (
                    reported
                    and speech
                    and holders
                    and holders[0].start >= cstart + speech[-1].end()
                ):
                    # "X said (that) Ukraine has the right ...": the stance is the speaker's
                    speaker = [m for m in cands if m.end <= cstart + speech[-1].start()]
                    holders = [speaker[-1]] if speaker else []
                if holders and holders[-1].kind == "organisation":
                    person = [m for m in cands if m.kind == "person" and m.end <= holders[-1].start]
                    if person and re.fullmatch(r",[^,]*,\s*", text[person[-1].end : ts]):
                        holders = [person[-1]]  # "Medvedev, the deputy head of ..., warned"
                if holders and re.search(r"\bbut\b", ctx.n(holders[-1].end, ts)):
                    first = cands[0] if cands else None
                    holders = [first] if first is not None else []
                if not holders:
                    continue
                addressee = next(
                    (
                        m.iri
                        for m in _in(ms, te, cend, {"person", "state", "organisation"})
                        if m.kind == "person"
                    ),
                    None,
                )
                threatened: set[URIRef] = set()
                if k == SG.Opposes and _THREAT.match(match.group(0)):
                    threatened = {
                        ctx.state_of(m.iri) or m.iri
                        for m in _in(ms, te, cend, {"state", "organisation"})
                        if not ctx.is_outlet(m.iri)
                    }
                for h in holders:
                    if h.kind == "state" and h.form_type == "adjective":
                        continue
                    out.append(
                        StanceX(
                            h.iri,
                            k,
                            sent.index,
                            {addressee} if addressee else set(),
                            public="publicly" in clause,
                            threatened=threatened,
                        )
                    )
            elif side == "speaker":
                # "X told/said ... they could have ... if they had permission": X wants it
                speech = list(_SPEECH.finditer(clause[: match.start()]))
                if not speech:
                    continue
                verb = cstart + speech[-1].start()
                speakers = [
                    m
                    for m in _in(ms, cstart, verb, ACTOR_KINDS)
                    if not ctx.is_outlet(m.iri) and m.form_type != "adjective"
                ]
                if speakers:
                    out.append(StanceX(speakers[-1].iri, k, sent.index, set()))
            else:
                holders = [m for m in _in(ms, te, cend, {"person", "group"})]
                cause = [m for m in _in(ms, cstart, ts, {"person", "state"})]
                for h in holders:
                    out.append(StanceX(h.iri, k, sent.index, {cause[-1].iri} if cause else set()))


# ----------------------------------------------------------------------------- rifts

_RIFT = re.compile(r"\b(?:rifts?|divided|at\s+odds|split|drew\s+criticism|infighting)\b")


def _threat_rifts(ctx: _Ctx, ex: Extraction) -> None:
    """A threat or warning by one side against states or alliances is a rift between them
    ("Medvedev warned that Ukraine and its NATO allies would receive a devastating
    response", "Moscow threatens UK targets"); a side is a state where the actor has one."""
    for st in ex.__dict__.get("_all_stances", ex.stances):
        if not st.threatened:
            continue
        side_a = ctx.state_of(st.holder) or st.holder
        side_b = st.threatened - {side_a}
        if side_b:
            ex.rifts.append(RiftX({side_a}, side_b, st.sentence, "threat"))


_RIFT_WORDS = _wordset("rift rifts divided odds split criticism infighting")


def _rifts(ctx: _Ctx, ms: list[Mention], sentences: list[Sentence], ex: Extraction) -> None:
    _threat_rifts(ctx, ex)
    for sent in sentences:
        if not _gate(ctx, sent, _RIFT_WORDS):
            continue
        norm = ctx.n(sent.start, sent.end)
        for match in _RIFT.finditer(norm):
            rest = norm[match.end() :]
            parts = re.split(r",\s*and\s+|\s+and\s+(?=between|within)", rest)
            offset = sent.start + match.end()
            for part in parts:
                pstart = offset + rest.find(part)
                pend = pstart + len(part)
                offset_part = part.strip()
                if offset_part.startswith("within"):
                    # inside one government: refusers against those who want it
                    refusers = {s.holder for s in ex.stances if s.kind == SG.Refuses}
                    wanters = {s.holder for s in ex.stances if s.kind == SG.Wants}
                    states = {ctx.state_of(r) for r in refusers}
                    side_b = {w for w in wanters if ctx.state_of(w) in states}
                    if refusers and side_b:
                        ex.rifts.append(
                            RiftX(
                                refusers,
                                side_b,
                                sent.index,
                                sent.text[pstart - sent.start : pend - sent.start].strip(" ."),
                            )
                        )
                elif offset_part.startswith("between"):
                    inside = [
                        m
                        for m in _in(ms, pstart, pend, {"state", "person", "organisation", "group"})
                    ]
                    if not inside:
                        continue
                    a = ctx.state_of(inside[0].iri) or inside[0].iri
                    if len(inside) > 1:
                        b = {ctx.state_of(m.iri) or m.iri for m in inside[1:]} - {a}
                    else:
                        b = {
                            r.grantor
                            for r in ex.rules
                            if r.grantor != a and r.kind == "authorization"
                        }
                    if b:
                        ex.rifts.append(
                            RiftX(
                                {a},
                                b,
                                sent.index,
                                sent.text[pstart - sent.start : pend - sent.start].strip(" ."),
                            )
                        )
                elif "criticism" in match.group(0):
                    critics = {
                        st.holder
                        for st in ex.stances
                        if st.sentence == sent.index and st.kind == SG.Opposes
                    }
                    critics |= {
                        st.holder
                        for st in ex.__dict__.get("_all_stances", [])
                        if st.sentence == sent.index and st.kind == SG.Opposes
                    }
                    critics = critics or {
                        m.iri for m in _in(ms, sent.start + match.end(), sent.end, {"person"})
                    }
                    criticised = [r.grantor for r in ex.rules if r.kind == "authorization"]
                    if critics and criticised:
                        gov = next(
                            (
                                m.iri
                                for m in ms
                                if ctx.gaz.entities.get(m.iri)
                                and SG.GovernmentBody in ctx.gaz.entities[m.iri].classes
                                and criticised[0] in ctx.gaz.entities[m.iri].acts_for
                            ),
                            criticised[0],
                        )
                        ex.rifts.append(RiftX({gov}, critics - {gov}, sent.index, "at home"))
            break


# ----------------------------------------------------------------------------- events

_KILL = re.compile(r"\bkill(?:ed|ing|s)?\s+(\w+)\s+civilians\b")
_NUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_DELIVERY = re.compile(
    # not the adjective "US-supplied"
    r"(?<!-)\b(?:ship(?:ped|ping)?|deliver(?:ed|ing|s)?|supplied|sent|handed\s+over|has\s+sent)\b"
)
_OFFENSIVE = re.compile(r"\b(?:offensive|push\s+into|incursion)\b")
_SEIZE = re.compile(r"\b(?:seized|captured|took\s+control\s+of|occupied)\b")
_ATTACK = re.compile(
    r"\bused\b.*\bto\s+(?:kill|strike|attack)|\bstrikes?\s+targets\b|\bcarried\s+out\s+attacks\b"
)
# the words each event pattern needs (gates, see _Ctx.words)
_ATTACK_WORDS = frozenset({"used", "targets", "attacks"})
_DELIVERY_WORDS = _wordset(
    "ship shipped shipping deliver delivered delivering delivers supplied sent handed"
)
_OFFENSIVE_WORDS = frozenset({"offensive", "push", "incursion"})
_SEIZE_WORDS = frozenset({"seized", "captured", "took", "occupied"})
_EVENT_WORDS = (
    _ATTACK_WORDS | _DELIVERY_WORDS | _OFFENSIVE_WORDS | _SEIZE_WORDS | frozenset({"civilians"})
)


_PERFECT = re.compile(r"\b(?:has|have)\s+(?:already\s+|also\s+)?$")


def _perfect_tense(
    sent: Sentence, verb: re.Match[str], published: dt.date | None
) -> list[DateMention]:
    """An undated delivery told in the present perfect ("Britain has supplied ...") happened
    before publication: the interval (open, publication date), inferred."""
    if published is None:
        return []
    start = verb.start()
    if not verb.group(0).startswith("has "):
        aux = _PERFECT.search(sent.text[:start].lower())
        if aux is None:
            return []
        start = aux.start()
    return [
        DateMention(
            sent.start + start,
            sent.start + verb.end(),
            sent.text[start : verb.end()],
            None,
            published,
            "InferredDate",
        )
    ]


def _events(
    ctx: _Ctx,
    ms: list[Mention],
    sentences: list[Sentence],
    dates: list[DateMention],
    ex: Extraction,
    rule_sentences: set[int],
    published: dt.date | None = None,
) -> None:
    for sent in sentences:
        words = ctx.words(sent)
        if words.isdisjoint(_EVENT_WORDS):
            continue
        norm = ctx.n(sent.start, sent.end)
        sm = ctx.in_sentence(ms, sent)
        sdates = [d for d in dates if sent.start <= d.start < sent.end]
        kill = _KILL.search(norm) if "civilians" in words else None
        if sent.index not in rule_sentences and (
            kill or (not words.isdisjoint(_ATTACK_WORDS) and _ATTACK.search(norm))
        ):
            verb = kill.start() if kill else 0
            attackers = [
                m
                for m in sm
                if m.kind in ("state", "organisation")
                and not ctx.is_outlet(m.iri)
                and m.start - sent.start < max(verb, 1) + 60
            ]
            weapons = {m.iri for m in sm if m.kind == "weapon"}
            targets = {
                m.iri
                for m in sm
                if m.kind == "territory"
                and _preceded(ctx, m, r"\b(?:on|in|against|into)(?:\s+the)?")
            }
            if attackers or weapons:
                # values are IRIs, and the civilian death count an int (see graph_writer)
                args: dict[URIRef, set[URIRef | int]] = {
                    SG.weaponUsed: set(weapons),
                    SG.targetTerritory: set(ctx.most_specific(targets)),
                }
                if attackers:
                    args[SG.attacker] = {attackers[0].iri}
                if kill:
                    n = kill.group(1)
                    count = int(n) if n.isdigit() else _NUM.get(n)
                    if count is not None:
                        args[SG.civilianDeaths] = {count}
                ex.events.append(EventX(SG.Strike, sent.index, args, sdates))
        dm = _DELIVERY.search(norm) if not words.isdisjoint(_DELIVERY_WORDS) else None
        if dm and not re.search(
            r"refus\w*\s+to\s+deliver|weapons\s+delivered\s+by|weapons\s+supplied\s+by", norm
        ):
            weapons = {
                m.iri
                for m in sm
                if m.kind == "weapon"
                and m.start >= sent.start + dm.start() - 60
                and not re.search(r"weapons", m.text.lower())
            }
            if weapons:
                # state_of is Optional: the set holds what it returns
                suppliers: set[URIRef | None] = {
                    s
                    for w in weapons
                    for s in (ctx.gaz.entities[w].supplied_by if w in ctx.gaz.entities else ())
                }
                subj = [
                    m
                    for m in sm
                    if m.kind == "state"
                    and m.start < sent.start + dm.start()
                    and ctx.state_of(m.iri) != UKRAINE
                ]
                if subj:
                    suppliers = {ctx.state_of(subj[0].iri)}
                recipients = {UKRAINE}
                ex.events.append(
                    EventX(
                        SG.Delivery,
                        sent.index,
                        {
                            SG.deliveredWeapon: weapons,
                            SG.supplier: suppliers,
                            SG.recipient: recipients,
                        },
                        sdates or _perfect_tense(sent, dm, published),
                    )
                )
        om = _OFFENSIVE.search(norm) if not words.isdisjoint(_OFFENSIVE_WORDS) else None
        if om:
            before = [m for m in sm if m.kind == "state" and m.start < sent.start + om.start()]
            after = [
                m for m in sm if m.kind == "territory" and m.start >= sent.start + om.start() - 30
            ]
            if before and after:
                ex.events.append(
                    EventX(
                        SG.Offensive,
                        sent.index,
                        {
                            SG.attacker: {ctx.state_of(before[-1].iri)},
                            SG.targetTerritory: {after[0].iri},
                        },
                        sdates,
                    )
                )
        cm = _SEIZE.search(norm) if not words.isdisjoint(_SEIZE_WORDS) else None
        if cm:
            before = [m for m in sm if m.kind == "state" and m.start < sent.start + cm.start()]
            terr = [m for m in sm if m.kind == "territory"]
            if before and terr:
                ex.events.append(
                    EventX(
                        SG.ControlPeriod,
                        sent.index,
                        {
                            SG.controller: {ctx.state_of(before[-1].iri)},
                            SG.controlledTerritory: {terr[-1].iri},
                        },
                        sdates,
                    )
                )


# ----------------------------------------------------------------------------- disclosures

_CONFIRM = re.compile(r"\b(?:confirmed|announced)\s+(?:the|its|this)\s+decision\b")
_DISCLOSURE_WORDS = frozenset({"decision", "communicated"})
_SECRET = re.compile(
    r"\b(?:secretly|quietly|privately)[”\"’]?\s+communicated\b|\bcommunicated\s+(?:secretly|quietly|privately)\b"
)


def _disclosures(
    ctx: _Ctx,
    ms: list[Mention],
    sentences: list[Sentence],
    dates: list[DateMention],
    ex: Extraction,
    by_sentence: dict[int, list[object]],
) -> None:
    """'X confirmed the decision' / 'the decision was secretly communicated': disclosures of
    the document's first authorization (the decision the article is about)."""
    rules = [r for r in ex.rules if r.kind == "authorization" and not r.implicit]
    if not rules:
        return
    rule = rules[0]
    for sent in sentences:
        if not _gate(ctx, sent, _DISCLOSURE_WORDS):
            continue
        norm = ctx.n(sent.start, sent.end)
        kind = (
            SG.PublicConfirmation
            if _CONFIRM.search(norm)
            else SG.SecretCommunication
            if _SECRET.search(norm)
            else None
        )
        if kind is None:
            continue
        by = None
        if kind == SG.PublicConfirmation:
            verb = sent.start + (_CONFIRM.search(norm).start())  # type: ignore[union-attr]
            subj = [m for m in _in(ms, sent.start, verb, ACTOR_KINDS) if not ctx.is_outlet(m.iri)]
            if not subj or ctx.state_of(subj[-1].iri) != rule.grantor:
                continue  # a public confirmation is on the record by the grantor's government
            by = subj[-1].iri
        else:
            by = rule.grantor
        sdates = [d for d in dates if sent.start <= d.start < sent.end]
        disclosure = DisclosureX(kind, rule, by, sent.index, sdates)
        by_sentence.setdefault(sent.index, []).append(disclosure)


# ----------------------------------------------------------------------------- claims

_SAY = re.compile(r"\b(?:said|says|told|warned|added|claimed|argued|stated|announced|called)\b")
_SAY_WORDS = _wordset("said says told warned added claimed argued stated announced called")
_ACCORDING = re.compile(r"according\s+to\s+(.*?)(?:,|$)")
_OFFICIAL = re.compile(
    r"\b(?:an?|the)\s+(?:senior\s+)?(us|american|german|british|ukrainian|russian)?\s*official\b"
)
_TOLD = re.compile(r"\btold\s+(?:the\s+)?")
_SPOKE = re.compile(r"\bspoke\s+to\b|\btold\b")
_APPOSITION = re.compile(r",[^,]*,\s*")
_CLOSE_QUOTE = re.compile(r"[”\"]")
_TAIL = re.compile(r"\s[-–]\s+(\S.*)$")


def _anonymous(
    ctx: _Ctx,
    ex: Extraction,
    sent: Sentence,
    nationality: str | None,
    outlet: URIRef | None,
    doc: str,
) -> URIRef:
    for iri in ex.anonymous:
        return iri
    state = {
        "us": "united-states",
        "american": "united-states",
        "german": "germany",
        "british": "united-kingdom",
        "ukrainian": "ukraine",
        "russian": "russia",
    }.get(nationality or "")
    slug = f"{doc}-{nationality or 'unnamed'}-official"
    iri = SGID[f"person/{slug}"]
    shown = nationality.upper() if nationality == "us" else (nationality or "").title()
    ex.anonymous[iri] = (
        f"unnamed {shown} official ({doc})".replace("  ", " "),
        SGID[f"state/{state}"] if state else None,
    )
    return iri


def _attribution(
    ctx: _Ctx,
    ms: list[Mention],
    sent: Sentence,
    publisher: URIRef | None,
    ex: Extraction,
    doc: str,
    prev_speaker: URIRef | None,
) -> list[tuple[URIRef, list[tuple[URIRef, str | None]], bool]]:
    """Claimants and chains for a sentence: [(claimant, chain, direct_quote)]."""
    norm = ctx.n(sent.start, sent.end)
    words = ctx.words(sent)
    base: list[tuple[URIRef, str | None]] = [(publisher, None)] if publisher is not None else []
    quote = "“" in sent.text or '"' in sent.text
    sm = ctx.in_sentence(ms, sent)
    outlets = [m for m in sm if ctx.is_outlet(m.iri)]
    results = []
    acc = _ACCORDING.search(norm) if "according" in words else None
    if acc:
        span_s = sent.start + acc.start()
        span_e = sent.start + acc.end()
        cited = [m for m in outlets if span_s <= m.start < span_e + 1]
        speakers = [
            m
            for m in sm
            if span_s <= m.start < span_e and not ctx.is_outlet(m.iri) and m.kind in ACTOR_KINDS
        ]
        for o in cited:
            results.append(
                (o.iri, base + [(o.iri, sent.text[acc.start() : acc.end()].rstrip(","))], False)
            )
        for s in speakers:
            results.append(
                (s.iri, base + [(s.iri, sent.text[acc.start() : acc.end()].rstrip(","))], False)
            )
        if results:
            return results
    official = _OFFICIAL.search(norm) if "official" in words else None
    told = _TOLD.search(norm) if "told" in words else None
    spoke = _SPOKE.search(norm) if "spoke" in words or "told" in words else None
    said_word = not words.isdisjoint(_SAY_WORDS)
    if official and ((said_word and _SAY.search(norm)) or spoke):
        nat = official.group(1)
        speaker = _anonymous(ctx, ex, sent, nat, None, doc)
        chain = list(base)
        outlet = (
            next((m for m in outlets if m.start > sent.start + official.start() - 5 or True), None)
            if outlets
            else None
        )
        if outlet is None and quote and prev_speaker is not None:
            pass
        if outlet is not None:
            chain.append((outlet.iri, None))
        elif ex.anonymous and len(ex.claims) and any(c.claimant == speaker for c in ex.claims):
            prior = next(c for c in ex.claims if c.claimant == speaker)
            chain = [step for step in prior.chain if step[0] != speaker]
        chain.append((speaker, sent.text[official.start() : official.end()]))
        return [(speaker, chain, quote)]
    said = told or (_SAY.search(norm) if said_word else None)
    if said:
        verb = said.start()
        subj = [
            m
            for m in sm
            if m.kind in ("person", "group", "organisation", "state")
            and not ctx.is_outlet(m.iri)
            # a demonym ("welcomed the American decision and said") is nobody's voice
            and m.form_type != "adjective"
        ]
        # the speaker: the nearest actor before the verb, else (in "“...,” X said") after it
        before = [m for m in subj if m.start < sent.start + verb]
        said_by: Mention | None = None
        if before and (
            not quote or not _CLOSE_QUOTE.search(sent.text[before[-1].end - sent.start : verb])
        ):
            said_by = before[-1]
        elif quote:
            close = max(sent.text.rfind("”"), sent.text.rfind('"'))
            cands = [m for m in subj if m.start > sent.start + close]
            said_by = cands[0] if cands else None
        if said_by is not None and said_by.kind == "organisation":
            # "Medvedev, the deputy head of Russia's Security Council, warned": the person
            person = [m for m in before if m.kind == "person" and m.end <= said_by.start]
            if person and _APPOSITION.fullmatch(ctx.text[person[-1].end : sent.start + verb]):
                said_by = person[-1]
        if said_by is not None:
            chain = list(base)
            if told:
                outlet = next((m for m in outlets if m.start > sent.start + told.start()), None)
                if outlet is not None:
                    chain.append((outlet.iri, sent.text[told.start() : outlet.end - sent.start]))
            chain.append((said_by.iri, None))
            return [(said_by.iri, chain, quote)]
    if quote and prev_speaker is not None and sent.text.lstrip().startswith(("“", '"')):
        return [(prev_speaker, base + [(prev_speaker, None)], True)]
    # headline-style "– Politico" at the end of the first line
    tail = _TAIL.search(sent.text) if sent.index == 0 else None
    if tail:
        tail_outlet = next((m for m in outlets if m.start >= sent.start + tail.start()), None)
        if tail_outlet is not None:
            return [(tail_outlet.iri, base + [(tail_outlet.iri, tail.group(0).strip())], False)]
    if publisher is None:
        return []
    return [(publisher, list(base), False)]


# ----------------------------------------------------------------------------- driver


_DAY_OR_WEEK = re.compile(r"day|week", re.IGNORECASE)


def code_relations(
    text: str,
    sentences: list[Sentence],
    mentions: list[Mention],
    dates: list[DateMention],
    gazetteer: Gazetteer,
    publisher: URIRef | None,
    doc: str,
    published: dt.date | None = None,
) -> Extraction:
    ctx = _Ctx(gazetteer, text)
    ms = MentionList(mentions)
    ex = Extraction()
    raw_rules: list[Rule] = []
    for sent in sentences:
        rules = _gate(ctx, sent, _RULE_WORDS, _RULE_PARTS)
        stances = _gate(ctx, sent, _STANCE_WORDS, _STANCE_PARTS)
        if not (rules or stances):
            continue
        for cs, ce in _clauses(sent):
            if rules:
                _rule_in_clause(ctx, ms, sent, cs, ce, dates, raw_rules)
            if stances:
                _stances_in_clause(ctx, ms, sent, cs, ce, ex.stances)
    ex.rules = _merge_rules(ctx, raw_rules)
    # stances: one per holder and kind
    seen: dict[tuple, StanceX] = {}
    for st in ex.stances:
        key = (st.holder, st.kind)
        if key in seen:
            seen[key].addressees |= st.addressees
            st.key = "merged"
            st.__dict__["into"] = seen[key]
        else:
            seen[key] = st
    all_stances = ex.stances
    ex.stances = list(seen.values())
    ex.__dict__["_all_stances"] = all_stances
    _rifts(ctx, ms, sentences, ex)
    unique: dict[tuple, RiftX] = {}
    for rift in ex.rifts:
        unique.setdefault((frozenset(rift.side_a), frozenset(rift.side_b)), rift)
    ex.rifts = list(unique.values())
    rule_sentences = {r.sentence for r in raw_rules}
    _events(ctx, ms, sentences, dates, ex, rule_sentences, published)
    # claims: one per sentence (and per cited source) that asserts something
    by_sentence: dict[int, list[object]] = {}
    for r in raw_rules:
        by_sentence.setdefault(r.sentence, []).append(r.__dict__.get("into", r))
    for st in all_stances:
        by_sentence.setdefault(st.sentence, []).append(st.__dict__.get("into", st))
    for thing in ex.rifts + ex.events:
        by_sentence.setdefault(thing.sentence, []).append(thing)
    _disclosures(ctx, ms, sentences, dates, ex, by_sentence)
    for m in ms:
        if m.form_type != "title" or m.kind != "person":
            continue
        entity = gazetteer.entities.get(m.iri)
        for office in entity.offices if entity else []:
            start, end, holding = office[1], office[2], office[4]
            if published is None or (
                (start is None or start <= published) and (end is None or published <= end)
            ):
                by_sentence.setdefault(m.sentence, []).append(HoldingX(holding, m.sentence))
                break
    prev_speaker = None
    for sent in sentences:
        sources = _attribution(ctx, ms, sent, publisher, ex, doc, prev_speaker)
        things = list(dict.fromkeys(id(t) for t in by_sentence.get(sent.index, [])))
        objs = {id(t): t for t in by_sentence.get(sent.index, [])}
        if sources:
            prev_speaker = sources[-1][0] if sources[-1][0] != publisher else prev_speaker
        if not things:
            continue
        claim_date = next(
            (d for d in dates if sent.start <= d.start < sent.end and _DAY_OR_WEEK.search(d.text)),
            None,
        )
        hedge = next(
            (
                h
                for h in ("reportedly", "publicly at least", "if confirmed")
                if h in ctx.n(sent.start, sent.end)
            ),
            None,
        )
        for claimant, chain, quote in sources:
            ex.claims.append(
                ClaimX(
                    sent.index, claimant, chain, [objs[i] for i in things], quote, hedge, claim_date
                )
            )
    return ex
