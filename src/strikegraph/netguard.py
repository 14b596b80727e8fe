"""Network policy: strikegraph never reaches the network unless the user allows it.

A knowledge graph that loads files and runs queries from anyone must not become a way to make
requests to other machines (server-side request forgery, data exfiltration, slow or hostile
remote documents). Every way in which the libraries underneath would open a connection is
refused here, with one clear line (:class:`~strikegraph.errors.NetworkAccessError`):

==================================  ==========================================================
vector                              what happens
==================================  ==========================================================
SPARQL ``SERVICE`` (both engines)   refused before the query runs (:func:`guard_query`);
                                    pyoxigraph and rdflib would both make the HTTP request
SPARQL Update ``LOAD <url>``        refused before the update runs (:func:`guard_update`)
rdflib ``FROM <url>``               rdflib would download the graph: switched off before
                                    every rdflib query (``SPARQL_LOAD_GRAPHS = False``), so
                                    ``FROM`` names a graph of the dataset, as on Oxigraph
a URL given as a file               refused by :mod:`strikegraph.load` (:func:`refuse_url`)
JSON-LD remote ``@context``         refused by :mod:`strikegraph.load` (:func:`check_jsonld`)
RDF/XML external entities (XXE)     refused by :mod:`strikegraph.load` (:func:`check_xml`)
``owl:imports``                     resolved through the local catalog only
                                    (:mod:`strikegraph.ontology.files`); pyshacl runs
                                    without ``do_owl_imports``
==================================  ==========================================================

The one opt-in is the environment variable ``STRIKEGRAPH_ALLOW_NETWORK=1`` (also ``true`` or
``yes``): it lets SPARQL ``SERVICE`` and ``LOAD`` through, for a user who wants federated
queries. Files, contexts and entities are never fetched, allowed or not: download the
document and give its local path instead.

Keyword detection is deliberately conservative: ``\\u0053ERVICE`` (rdflib expands escapes
everywhere) and ``1SERVICE`` or ``]SERVICE`` (Oxigraph splits them into two tokens) are all
SERVICE; a prefixed name such as ``ex:service`` is not.
"""

from __future__ import annotations

import json
import os
import re

from strikegraph.errors import NetworkAccessError
from strikegraph.sparqltext import tokens, unescape_codepoints

__all__ = [
    "disable_rdflib_graph_loading",
    "ALLOW_NETWORK_ENV",
    "check_jsonld",
    "check_xml",
    "guard_query",
    "guard_update",
    "is_url",
    "mentions_keyword",
    "network_allowed",
    "refuse_url",
]

ALLOW_NETWORK_ENV = "STRIKEGRAPH_ALLOW_NETWORK"
_HOW_TO_ALLOW = f"set {ALLOW_NETWORK_ENV}=1 to allow it"


# "scheme://", and the "scheme:/" that pathlib leaves of it (Path("http://h") is "http:/h").
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")
_MANGLED = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)/(?!/)")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
# A prefixed name (or blank node label) with no character that could end it early.
_PREFIXED_NAME = re.compile(r"^[A-Za-z_][\w.-]*:[\w.:%-]*$|^:[\w.:%-]*$", re.UNICODE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_EXTERNAL = re.compile(rb"\b(SYSTEM|PUBLIC)\b")


def network_allowed() -> bool:
    """Whether the user opted in to network access (``STRIKEGRAPH_ALLOW_NETWORK``)."""
    return os.environ.get(ALLOW_NETWORK_ENV, "").strip().lower() in ("1", "true", "yes")


def mentions_keyword(sparql: str, keyword: str) -> bool:
    """Whether ``keyword`` may be a keyword of the query (outside strings, IRIs, comments).

    Errs on the side of "yes": any bare word that contains the keyword counts, unless the
    word is a plain prefixed name (``ex:service``), because the SPARQL engines split words
    such as ``1SERVICE`` or ``]SERVICE`` into a literal followed by the keyword.
    """
    text = unescape_codepoints(sparql)
    wanted = keyword.upper()
    if wanted not in text.upper():
        return False
    for token in tokens(text):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if wanted in word and (word == wanted or not _PREFIXED_NAME.match(token.text)):
            return True
    return False


def guard_query(sparql: str) -> None:
    """Refuse a query with ``SERVICE`` unless network access is allowed."""
    if mentions_keyword(sparql, "SERVICE") and not network_allowed():
        raise NetworkAccessError(
            "SERVICE (federated query) is refused: strikegraph does not reach the network "
            f"({_HOW_TO_ALLOW})"
        )


def disable_rdflib_graph_loading() -> None:
    """Stop rdflib from downloading every FROM / FROM NAMED IRI of a query (and LOAD targets).

    Called before strikegraph runs a query on rdflib's engine, not at import: importing
    rdflib's SPARQL package costs a fifth of a second that an Oxigraph query never needs.
    """
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def guard_update(sparql: str) -> None:
    """Refuse an update with ``LOAD`` or ``SERVICE`` unless network access is allowed."""
    if network_allowed():
        return
    if mentions_keyword(sparql, "LOAD"):
        raise NetworkAccessError(
            f"LOAD is refused: strikegraph does not reach the network ({_HOW_TO_ALLOW})"
        )
    guard_query(sparql)


def is_url(location: object) -> bool:
    """Whether a file argument is really a URL (``http://...``, also as mangled by pathlib)."""
    text = os.fspath(location) if isinstance(location, (str, os.PathLike)) else str(location)
    text = str(text)
    return bool(_URL.match(text)) and not _WINDOWS_DRIVE.match(text)


def refuse_url(location: object) -> None:
    """Raise :class:`NetworkAccessError` when a file argument is a URL (never fetched)."""
    if is_url(location):
        text = _MANGLED.sub(r"\1//", str(location))  # undo pathlib's "http:/host"
        raise NetworkAccessError(
            f"{text}: URLs are never fetched (no network access); "
            "download the file and give its local path"
        )


def _remote_contexts(value: object) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                contexts = item if isinstance(item, list) else [item]
                found += [c for c in contexts if isinstance(c, str)]
                found += [u for c in contexts if isinstance(c, dict) for u in _imports(c)]
            found += _remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            found += _remote_contexts(item)
    return found


def _imports(context: dict[str, object]) -> list[str]:
    value = context.get("@import")
    return [value] if isinstance(value, str) else []


def check_jsonld(data: bytes, where: object) -> None:
    """Refuse a JSON-LD document that names a remote (non-inline) ``@context``.

    Unreadable JSON is left to the parser, which reports it with its position.
    """
    if b"@context" not in data and b"@import" not in data:
        return
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return
    remote = _remote_contexts(document)
    if remote:
        raise NetworkAccessError(
            f"{where}: the JSON-LD @context {remote[0]!r} is remote and is never fetched "
            "(no network access); put the context inline in the document"
        )


def check_xml(data: bytes, where: object) -> None:
    """Refuse an XML document whose DOCTYPE declares external (SYSTEM/PUBLIC) entities."""
    match = _DOCTYPE.search(data)
    if match is None:
        return
    end = data.find(b"]>", match.end())
    declaration = data[match.start() : end if end >= 0 else len(data)]
    if _EXTERNAL.search(declaration):
        raise NetworkAccessError(
            f"{where}: the XML declares an external entity or DTD (SYSTEM/PUBLIC), which is "
            "never fetched (no network access); remove the DOCTYPE"
        )
