"""HTML pages (no templates engine, no CDN: everything escaped here, assets in static/)."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.requests import Request
from starlette.responses import Response

from strikegraph.namespaces import shorten
from strikegraph.serve.protocol import ProtocolError, parse_accept

if TYPE_CHECKING:
    from strikegraph.queries import NamedQuery
    from strikegraph.serve.app import ServeConfig

__all__ = ["index_page", "query_info", "resource_page", "service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VIEW_LINKS = (("rifts", "Rifts"), ("alliances", "Alliances"), ("authorizations", "Authorizations"))


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def query_info(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "form": query.form,
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "description": p.description,
            }
            for p in query.params
        ],
        "text": query.text,
    }


def _nav() -> str:
    views = " ".join(
        f'<a href="/view/{name}" class="nav-view">{label}</a>' for name, label in VIEW_LINKS
    )
    return (
        '<nav class="top"><a href="/" class="brand">strikegraph</a> '
        '<a href="/">SPARQL editor</a> '
        f'<span class="views">Views: {views}</span> '
        '<a href="/sparql?format=turtle">service description</a></nav>'
    )


def _page(title: str, body: str, scripts: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/style.css"></head>'
        f"<body>{_nav()}<main>{body}</main>{scripts}</body></html>\n"
    )


def message_page(title: str, message: str) -> str:
    return _page(title, f'<h1>{_e(title)}</h1><p class="message">{_e(message)}</p>')


def with_nav(page: str) -> str:
    """Put the site navigation on top of a standalone page (the views' HTML)."""
    nav = (
        '<div style="font:14px sans-serif;padding:4px 8px;background:#f3f3f3;'
        'border-bottom:1px solid #ddd"><a href="/">← strikegraph SPARQL editor</a></div>'
    )
    marker = "<body>"
    index = page.find(marker)
    if index < 0:
        return nav + page
    return page[: index + len(marker)] + nav + page[index + len(marker) :]


def index_page(queries: list[NamedQuery], config: ServeConfig) -> str:
    data = json.dumps([query_info(q) for q in queries], ensure_ascii=False)
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")
    from strikegraph.namespaces import PREFIXES

    prefixes = json.dumps(PREFIXES).replace("</", "<\\/")
    options = "".join(
        f'<option value="{_e(q.name)}">{_e(q.name)} — {_e(q.summary)}</option>' for q in queries
    )
    limits = config.limits
    body = f"""
<h1>SPARQL editor</h1>
<p class="hint">Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, read-only{
        ", update with a token" if config.enable_update else ""
    }). Queries stop after
{limits.timeout:g} s; results are capped at {limits.max_rows} rows.</p>
<section class="editor">
  <label for="named">Named query</label>
  <select id="named"><option value="">(write your own)</option>{options}</select>
  <p id="summary" class="summary"></p>
  <form id="params" class="params"></form>
  <textarea id="query" spellcheck="false" rows="16"
    >SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT 25</textarea>
  <div class="actions">
    <button id="run" type="button">Run</button>
    <label>Format <select id="format">
      <option value="table">table</option><option value="json">JSON</option>
      <option value="xml">XML</option><option value="csv">CSV</option>
      <option value="tsv">TSV</option>
    </select></label>
    <span id="status" class="status" role="status"></span>
  </div>
</section>
<section id="results" class="results"></section>
<script id="named-queries" type="application/json">{data}</script>
<script id="prefixes" type="application/json">{prefixes}</script>
"""
    return _page("strikegraph — SPARQL editor", body, '<script src="/static/app.js"></script>')


def _cell(value: str) -> str:
    """Render a resource-page cell: IRIs link to their own page, literals show as text."""
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
        href = f"/resource?iri={quote(iri, safe='')}"
        return f'<a href="{href}" title="{_e(iri)}">{_e(shorten(iri))}</a>'
    return _e(value)


def _label_of(row: dict[str, str], key: str) -> str:
    label = row.get(key + "Label")
    value = row.get(key, "")
    if label and value.startswith("<"):
        iri = value[1:-1]
        text = label.rsplit("@", 1)[0] if "@" in label else label
        return (
            f'<a href="/resource?iri={quote(iri, safe="")}" title="{_e(iri)}">{_e(text)}</a>'
            f' <span class="curie">{_e(shorten(iri))}</span>'
        )
    return _cell(value)


def resource_page(data: dict[str, Any]) -> str:
    iri = data["iri"]
    order = ["rdf-schema#label", "core#prefLabel", "schema.org/name", "terms/title"]

    def rank(row: dict[str, str]) -> tuple[int, str]:
        p = row.get("p", "")
        hits = [i for i, suffix in enumerate(order) if p.rstrip(">").endswith(suffix)]
        return (hits[0] if hits else len(order), row.get("label", ""))

    labels = [
        row["label"].rsplit("@", 1)[0] if "@" in row["label"] else row["label"]
        for row in sorted(data["labels"], key=rank)
        if "label" in row
    ]
    labels = list(dict.fromkeys(labels))
    title = labels[0] if labels else shorten(iri)
    parts = [
        f'<h1 id="resource-title">{_e(title)}</h1>',
        f'<p class="iri"><code>{_e(iri)}</code></p>',
    ]
    if len(labels) > 1:
        parts.append("<p>Also: " + ", ".join(_e(x) for x in labels[1:]) + "</p>")
    if data["types"]:
        types = ", ".join(_label_of(row, "type") for row in data["types"])
        parts.append(f'<p class="types">Types: {types}</p>')
    nothing = not (data["properties"] or data["incoming"] or data["types"])
    if nothing:
        parts.append('<p class="message">Nothing is known about this IRI in the store.</p>')
    if data["evidence"]:
        parts.append('<h2>Evidence</h2><ul class="evidence">')
        for row in data["evidence"]:
            quote_text = _e(row.get("exact", ""))
            summary = _e(row.get("summary", "").rsplit("@", 1)[0]) if row.get("summary") else ""
            claim = _cell(row.get("claim", ""))
            document = _cell(row["document"]) if row.get("document") else ""
            parts.append(
                f'<li><blockquote>“{quote_text}”</blockquote><div class="claim">{summary} '
                f"({claim}{', in ' + document if document else ''})</div></li>"
            )
        parts.append("</ul>")
    if data["properties"]:
        parts.append(
            '<h2>Properties</h2><table class="props"><thead><tr><th>property</th>'
            "<th>value</th><th>graph</th></tr></thead><tbody>"
        )
        for row in data["properties"]:
            parts.append(
                f"<tr><td>{_cell(row.get('p', ''))}</td><td>{_label_of(row, 'o')}</td>"
                f"<td>{_cell(row.get('g', ''))}</td></tr>"
            )
        parts.append("</tbody></table>")
    if data["incoming"]:
        parts.append(
            '<h2>Incoming links</h2><table class="incoming"><thead><tr><th>subject</th>'
            "<th>property</th><th>graph</th></tr></thead><tbody>"
        )
        for row in data["incoming"]:
            parts.append(
                f"<tr><td>{_label_of(row, 's')}</td><td>{_cell(row.get('p', ''))}</td>"
                f"<td>{_cell(row.get('g', ''))}</td></tr>"
            )
        parts.append("</tbody></table>")
    return _page(f"strikegraph — {title}", "".join(parts))


def service_description(
    request: Request, config: ServeConfig, accept: str | None, fmt: str | None
) -> Response:
    """The SPARQL 1.1 Service Description of the endpoint."""
    url = config.public_url or str(request.url.replace(query=""))
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = URIRef(url + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if config.enable_update:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
    ):
        graph.add((service, SD.resultFormat, FORMATS[name]))
    dataset = URIRef(url + "#dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add(
        (
            service,
            URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
            Literal(
                f"strikegraph endpoint; queries stop after {config.limits.timeout:g} s, "
                "results are "
                f"capped at {config.limits.max_rows} rows; SERVICE "
                f"{'allowed for listed endpoints' if config.limits.allow_service else 'refused'}."
            ),
        )
    )
    chosen = "turtle"
    media = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }
    if fmt:
        chosen = {
            "turtle": "turtle",
            "ttl": "turtle",
            "ntriples": "nt",
            "nt": "nt",
            "jsonld": "json-ld",
            "json-ld": "json-ld",
            "xml": "xml",
        }.get(fmt.lower(), "")
        if not chosen:
            raise ProtocolError(400, f"unknown format {fmt!r} for the service description")
    else:
        for candidate, _q in parse_accept(accept):
            if candidate in media:
                chosen = media[candidate]
                break
            if candidate in ("*/*", "text/*", "application/*"):
                break
    content_type = {
        "turtle": "text/turtle; charset=utf-8",
        "nt": "application/n-triples",
        "json-ld": "application/ld+json",
        "xml": "application/rdf+xml",
    }[chosen]
    return Response(graph.serialize(format=chosen), media_type=content_type)
