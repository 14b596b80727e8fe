"""Cheap RDF terms for the extractor's hot path.

rdflib builds every ``URIRef`` through an IRI validity check and every ``Literal`` through
lexical/value casting, and ``Namespace`` attribute access builds a new ``URIRef`` each time.
Writing one document's graph makes a few thousand terms, which made term construction the
largest single cost of extraction. The helpers here make the *same* objects (equal, same
hash, same language/datatype/value slots — see tests/test_extract_terms.py) more cheaply:

* :class:`TermSpace` — a namespace whose attribute terms are built once and kept, and
  whose item terms (minted IRIs from slugs the extractor makes itself, always valid) skip
  the validity check;
* :func:`new_iri` — a ``URIRef`` without the validity check, for IRIs the extractor composes
  from IRIs it already holds;
* :func:`str_literal` — a plain or language-tagged string literal without casting;
* :func:`typed_literal` — a cached typed literal (booleans, integers, decimals, dates), since the
  same few values recur in every document.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.namespace import XSD as _XSD

from strikegraph.namespaces import OA as _OA
from strikegraph.namespaces import SG as _SG
from strikegraph.namespaces import SGG as _SGG
from strikegraph.namespaces import SGID as _SGID

__all__ = [
    "DCTERMS",
    "OA",
    "RDF",
    "RDFS",
    "SG",
    "SGG",
    "SGID",
    "SKOS",
    "XSD",
    "TermSpace",
    "new_iri",
    "str_literal",
    "typed_literal",
]

_new_str = str.__new__


def new_iri(value: str) -> URIRef:
    """``URIRef(value)`` without rdflib's validity check (for IRIs built from valid parts)."""
    return _new_str(URIRef, value)


def str_literal(value: str, lang: str | None = None) -> Literal:
    """``Literal(value, lang=lang)`` for a ``str`` value, without rdflib's casting.

    For a string rdflib keeps the string as both lexical form and value, with no datatype
    and no ill-typed flag; this builds exactly that.
    """
    lit = _new_str(Literal, value)
    lit._language = lang or None
    lit._datatype = None
    lit._value = value
    lit._ill_typed = None
    return lit


# (type name, lexical form, datatype) -> literal. The type and the lexical form are in the
# key because True == 1 == Decimal(1) and Decimal("0.7") == Decimal("0.70") must not share
# a literal. Cleared when it grows past _TYPED_MAX (document-specific values: offsets).
_TYPED: dict[tuple[str, str, str | None], Literal] = {}
_TYPED_MAX = 8192


def typed_literal(value: Any, datatype: URIRef | None = None) -> Literal:
    """``Literal(value, datatype=datatype)``, cached (the value must be hashable)."""
    key = (type(value).__qualname__, str(value), datatype)
    lit = _TYPED.get(key)
    if lit is None:
        if len(_TYPED) >= _TYPED_MAX:
            _TYPED.clear()
        lit = _TYPED[key] = Literal(value, datatype=datatype)
    return lit


class TermSpace:
    """A namespace whose attribute terms are built once, and whose items skip validation.

    ``TermSpace(SG).Authorization`` is ``SG.Authorization`` (equal and same hash), built
    on first access and then read from the instance; ``TermSpace(SGID)["state/x"]`` is
    ``SGID["state/x"]`` without the IRI validity check (the extractor's slugs are always
    made of ``[a-z0-9-/]``).
    """

    def __init__(self, base: str) -> None:
        self._base = str(base)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = URIRef(self._base + name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return _new_str(URIRef, self._base + name)

    def __str__(self) -> str:
        return self._base


SG = TermSpace(str(_SG))
SGID = TermSpace(str(_SGID))
SGG = TermSpace(str(_SGG))
OA = TermSpace(str(_OA))
RDF = TermSpace(str(_RDF))
RDFS = TermSpace(str(_RDFS))
SKOS = TermSpace(str(_SKOS))
DCTERMS = TermSpace(str(_DCTERMS))
XSD = TermSpace(str(_XSD))
