"""Just enough lexing of SPARQL text to find variables, the query form and the WHERE group.

Parameters are bound by inserting a ``VALUES`` block at the start of the outermost WHERE
group (see :func:`inject_values`). This gives the same "pre-bound" semantics on rdflib and
on Oxigraph. Oxigraph's own ``substitutions`` (what oxrdflib uses for ``initBindings``) do
not fit grlc-style queries: ``BOUND(?v)`` stays false and ``BIND(?v AS ?w)`` leaves ``?w``
unbound for a substituted ``?v``, so ``FILTER(!BOUND(?__asof_date) || ...)`` ignores the
value, and a substituted variable must appear in the SELECT projection.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rdflib.term import Node, Variable

from strikegraph.errors import QueryError
from strikegraph.rdfterms import sparql_term

__all__ = [
    "Token",
    "inject_values",
    "keywords",
    "one_line",
    "prepend_to_where",
    "query_form",
    "split_order_by",
    "tokens",
    "unescape_codepoints",
    "variables",
]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '''(?:[^'\\]|\\.|'(?!''))*'''
             | "(?:[^"\\\n\r]|\\.)*"
             | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+)
  | (?P<punct>[{}()])
  | (?P<word>[^\s{}()<>"'\#?$,;.]+(?:\.[^\s{}()<>"'\#?$,;.]+)*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """A significant token: kind is string, iri, var, punct, word or other."""

    kind: str
    text: str
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """Yield the significant tokens of a SPARQL text (whitespace and comments dropped)."""
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # pragma: no cover - the 'other' alternative matches any character
            break
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start(), match.end())
        position = match.end()


def unescape_codepoints(text: str) -> str:
    """Replace ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes, as SPARQL allows anywhere in a query.

    rdflib expands them before parsing, so ``\\u0053ERVICE`` *is* the keyword SERVICE for
    rdflib: a check that looks for keywords must look at the unescaped text.
    """
    if "\\" not in text:
        return text

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT.sub(expand, text)


def keywords(text: str) -> set[str]:
    """The upper-cased bare words of a query (keywords, not strings, IRIs or comments)."""
    return {t.text.upper() for t in tokens(unescape_codepoints(text)) if t.kind == "word"}


def variables(text: str) -> list[str]:
    """Names of the variables mentioned in a query, in order of first appearance."""
    return list(dict.fromkeys(t.text[1:] for t in tokens(text) if t.kind == "var"))


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK (``QueryError`` if none is found)."""
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() in _FORMS:
            return token.text.upper()
    raise QueryError("not a SPARQL query: no SELECT, CONSTRUCT, DESCRIBE or ASK found")


def split_order_by(text: str) -> tuple[str, list[str]]:
    """The query without a final ``ORDER BY ?a ?b ...`` of plain variables, and those names.

    On a store on disk, Oxigraph sorts by fetching each term's text for every comparison,
    which doubles the time of a large listing; the caller sorts the rows itself instead
    (:func:`strikegraph.results.sort_rows`). Any other ending (an expression, ``DESC``,
    ``LIMIT``, ``OFFSET``) leaves the text unchanged and the list empty.
    """
    toks = list(tokens(text))
    for index in range(len(toks) - 1, 0, -1):
        if toks[index].kind == "word" and toks[index].text.upper() == "BY":
            previous = toks[index - 1]
            if previous.kind != "word" or previous.text.upper() != "ORDER":
                break
            order = toks[index + 1 :]
            if not order or any(token.kind != "var" for token in order):
                break
            return text[: previous.start].rstrip() + "\n", [token.text[1:] for token in order]
        if toks[index].kind != "var":
            break
    return text, []


def prepend_to_where(text: str, patterns: str) -> str:
    """Return ``text`` with ``patterns`` (SPARQL group content) opening its outermost WHERE
    group, so that they restrict every row of the query."""
    position = _where_brace(text)
    return f"{text[:position]} {patterns}{text[position:]}"


def _where_brace(text: str) -> int:
    """Offset just after the ``{`` that opens the outermost WHERE group."""
    toks = list(tokens(text))
    form_index = next(
        (i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() in _FORMS), None
    )
    if form_index is None:
        raise QueryError("not a SPARQL query: no SELECT, CONSTRUCT, DESCRIBE or ASK found")
    index = form_index + 1
    if toks[form_index].text.upper() == "CONSTRUCT":
        if index < len(toks) and toks[index].text.upper() == "WHERE":
            raise QueryError(
                "parameters cannot be bound in the short form CONSTRUCT WHERE { ... }; "
                "write CONSTRUCT { ... } WHERE { ... }"
            )
        depth = 0
        while index < len(toks):  # skip the template
            if toks[index].text == "{":
                depth += 1
            elif toks[index].text == "}":
                depth -= 1
                if depth == 0:
                    index += 1
                    break
            index += 1
    parens = 0
    for token in toks[index:]:
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{" and parens == 0:
            return token.end
    raise QueryError("cannot bind parameters: the query has no WHERE { ... } group")


def inject_values(text: str, bindings: Mapping[Variable, Node]) -> str:
    """Return ``text`` with ``VALUES (?v ...) { (...) }`` opening its WHERE group, and opening
    the WHERE group of every subquery that mentions one of the variables.

    A parameter stands for one constant throughout the query. SPARQL scopes a subquery's
    variables to it, so without its own VALUES block a subquery that names a parameter (to
    aggregate only the rows about that grantee, say) would match every value; with it, the
    engine aggregates only what the outer query can join, instead of the whole store.
    """
    if not bindings:
        return text
    try:
        terms = {str(name): sparql_term(term) for name, term in bindings.items()}
    except ValueError as exc:
        raise QueryError(str(exc)) from exc

    def block(names: list[str]) -> str:
        heads = " ".join(f"?{name}" for name in names)
        values = " ".join(terms[name] for name in names)
        return f" VALUES ({heads}) {{ ({values}) }}"

    where, groups = _injection_points(text)
    inserts = [(where, list(terms))]
    for start, bindable in groups:
        names = [name for name in terms if name in bindable]
        if names:
            inserts.append((start, names))
    for position, names in sorted(inserts, reverse=True):
        text = f"{text[:position]}{block(names)}{text[position:]}"
    return text


@functools.lru_cache(maxsize=512)
def _injection_points(text: str) -> tuple[int, tuple[tuple[int, frozenset[str]], ...]]:
    """Where :func:`inject_values` puts VALUES blocks in ``text``: just inside the outermost
    WHERE group, and inside each sub-SELECT's WHERE group with the variables a block there
    may bind. Remembered per text: lexing a long named query took 10 ms, as long as running
    it on a store of 10^6 triples."""
    groups = _subquery_groups(text)
    points = []
    for projected, start, end in groups:
        # Only the variables the group names itself, not those of a subquery inside it: a
        # VALUES join in front of an ordered sub-select would lose its order on some engines.
        # A projected variable is joined with the outer binding already (and Virtuoso 7.2
        # answers wrongly with a VALUES block on it).
        inner = [(a, b) for _, a, b in groups if start < a and b <= end]
        mentioned = {
            t.text[1:]
            for t in tokens(text[start:end])
            if t.kind == "var" and not any(a <= start + t.start < b for a, b in inner)
        }
        points.append((start, frozenset(mentioned - projected)))
    return _where_brace(text), tuple(points)


def _subquery_groups(text: str) -> list[tuple[set[str], int, int]]:
    """(projected variables, just after the ``{``, at the ``}``) of the WHERE group of every
    sub-SELECT."""
    toks = list(tokens(text))
    selects = [i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "SELECT"]
    groups = []
    for index in selects[1:]:
        parens = 0
        opening = None
        projected: set[str] = set()
        for j in range(index + 1, len(toks)):
            if toks[j].text == "(":
                parens += 1
            elif toks[j].text == ")":
                parens -= 1
            elif toks[j].text == "{" and parens == 0:
                opening = j
                break
            elif toks[j].kind == "var" and (parens == 0 or toks[j - 1].text.upper() == "AS"):
                projected.add(toks[j].text[1:])
        if opening is None:
            continue
        depth = 0
        for j in range(opening, len(toks)):
            if toks[j].text == "{":
                depth += 1
            elif toks[j].text == "}":
                depth -= 1
                if depth == 0:
                    groups.append((projected, toks[opening].end, toks[j].start))
                    break
    return groups


def one_line(message: object) -> str:
    """Collapse a (multi-line) parser message into one line."""
    return " ".join(str(message).split())
