/* strikegraph SPARQL editor: plain JavaScript, no dependencies. */
(function () {
  "use strict";
  var queries = JSON.parse(document.getElementById("named-queries").textContent);
  var prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  var byName = {};
  queries.forEach(function (q) { byName[q.name] = q; });
  var named = document.getElementById("named");
  var textarea = document.getElementById("query");
  var paramsForm = document.getElementById("params");
  var summary = document.getElementById("summary");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var formatSelect = document.getElementById("format");
  var runButton = document.getElementById("run");
  var loadedText = null;

  var prefixList = Object.keys(prefixes).map(function (k) { return [k, prefixes[k]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

  function shorten(iri) {
    for (var i = 0; i < prefixList.length; i++) {
      var ns = prefixList[i][1];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) {
        return prefixList[i][0] + ":" + iri.slice(ns.length);
      }
    }
    return iri;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function selectQuery(name) {
    paramsForm.innerHTML = "";
    summary.textContent = "";
    var q = byName[name];
    if (!q) { loadedText = null; return; }
    textarea.value = q.text;
    loadedText = q.text;
    summary.textContent = q.summary;
    q.params.forEach(function (p) {
      var id = "param-" + p.name;
      var wrap = el("div", {"class": "param"});
      var label = el("label", {"for": id}, p.name + (p.required ? " *" : "") + " (" + p.type + ")");
      var input = el("input", {"id": id, "name": p.name, "type": p.type === "date" ? "date" : "text",
                               "placeholder": p.description || p.type});
      if (p.default !== null && p.default !== undefined) { input.value = p.default; }
      if (p.required) { input.required = true; }
      if (p.description) { input.title = p.description; }
      wrap.appendChild(label);
      wrap.appendChild(input);
      paramsForm.appendChild(wrap);
    });
    var url = new URL(window.location.href);
    url.searchParams.set("query", name);
    window.history.replaceState(null, "", url.toString());
  }

  function acceptFor(fmt) {
    return {
      table: "application/sparql-results+json, text/turtle;q=0.9",
      json: "application/sparql-results+json, application/ld+json;q=0.9",
      xml: "application/sparql-results+xml, text/turtle;q=0.9",
      csv: "text/csv, text/turtle;q=0.9",
      tsv: "text/tab-separated-values, text/turtle;q=0.9"
    }[fmt];
  }

  function cell(term) {
    var td = el("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = el("a", {"href": "/resource?iri=" + encodeURIComponent(term.value), "title": term.value},
                 shorten(term.value));
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.appendChild(el("span", {"class": "lang"}, "@" + term["xml:lang"])); }
    }
    return td;
  }

  function showTable(doc) {
    results.innerHTML = "";
    if (doc.boolean !== undefined) {
      results.appendChild(el("p", {"class": "boolean"}, doc.boolean ? "true" : "false"));
      return 1;
    }
    var vars = doc.head.vars;
    var table = el("table", {"class": "results", "id": "results-table"});
    var thead = el("thead"); var tr = el("tr");
    vars.forEach(function (v) { tr.appendChild(el("th", {}, v)); });
    thead.appendChild(tr); table.appendChild(thead);
    var tbody = el("tbody");
    doc.results.bindings.forEach(function (b) {
      var row = el("tr");
      vars.forEach(function (v) { row.appendChild(cell(b[v])); });
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    results.appendChild(table);
    return doc.results.bindings.length;
  }

  function run() {
    var fmt = formatSelect.value;
    var name = named.value;
    var request;
    if (name && textarea.value === loadedText) {
      var params = new URLSearchParams();
      Array.prototype.forEach.call(paramsForm.querySelectorAll("input"), function (input) {
        if (input.value !== "") { params.append(input.name, input.value); }
      });
      request = fetch("/api/queries/" + encodeURIComponent(name) + "?" + params.toString(),
                      {headers: {"Accept": acceptFor(fmt)}});
    } else {
      var body = new URLSearchParams();
      body.set("query", textarea.value);
      request = fetch("/sparql", {method: "POST", body: body,
                                 headers: {"Accept": acceptFor(fmt)}});
    }
    status.textContent = "running…";
    status.className = "status";
    runButton.disabled = true;
    var started = performance.now();
    request.then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var truncated = response.headers.get("X-Strikegraph-Truncated") === "true";
      var limit = response.headers.get("X-Strikegraph-Row-Limit");
      return response.text().then(function (text) {
        var ms = Math.round(performance.now() - started);
        if (!response.ok) {
          results.innerHTML = "";
          results.appendChild(el("pre", {"class": "error"}, text));
          status.textContent = "error " + response.status;
          status.className = "status error";
          return;
        }
        var count;
        if (fmt === "table" && type.indexOf("application/sparql-results+json") === 0) {
          count = showTable(JSON.parse(text));
          status.textContent = count + " row" + (count === 1 ? "" : "s") + " in " + ms + " ms";
        } else {
          results.innerHTML = "";
          results.appendChild(el("pre", {"class": "raw"}, text));
          status.textContent = (response.headers.get("X-Strikegraph-Rows") || "?") +
            " results in " + ms + " ms";
        }
        if (truncated) {
          status.textContent += " — truncated to the first " + limit;
          status.className = "status warning";
        }
      });
    }).catch(function (err) {
      status.textContent = "request failed: " + err;
      status.className = "status error";
    }).then(function () { runButton.disabled = false; });
  }

  named.addEventListener("change", function () { selectQuery(named.value); });
  runButton.addEventListener("click", run);
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  var initial = new URL(window.location.href).searchParams.get("query");
  if (initial && byName[initial]) { named.value = initial; selectQuery(initial); }
})();
