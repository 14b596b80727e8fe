/* strikegraph interactive view page: draws the embedded view with Cytoscape.js and shows the
   evidence of the clicked node or edge. No network access: everything is in this file. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("view-data").textContent);
  var elements = data.elements.elements;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "className") { node.className = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function list(value) {
    if (!value) { return []; }
    try { var parsed = JSON.parse(value); return Array.isArray(parsed) ? parsed : []; }
    catch (e) { return []; }
  }

  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 50 },
    wheelSensitivity: 0.25,
    minZoom: 0.15,
    maxZoom: 5,
    style: [
      { selector: "node", style: {
          "background-color": "data(colour)", "label": "data(label)", "width": "data(size)",
          "height": "data(size)", "border-width": 1.5, "border-color": "#333",
          "font-size": 13, "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap",
          "text-max-width": 150, "text-background-color": "#ffffff",
          "text-background-opacity": 0.85, "text-background-padding": 2 } },
      { selector: "edge", style: {
          "curve-style": "bezier", "control-point-step-size": 36, "line-color": "data(colour)",
          "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle",
          "arrow-scale": 1.1, "width": "mapData(weight, 1, 6, 1.6, 7)", "label": "data(label)",
          "font-size": 10.5, "color": "data(colour)", "text-rotation": "autorotate",
          "text-background-color": "#ffffff", "text-background-opacity": 0.9,
          "text-background-padding": 1, "opacity": 0.9 } },
      { selector: "edge.negative", style: { "line-style": "dashed" } },
      { selector: "edge[!directed]", style: { "target-arrow-shape": "none" } },
      { selector: "edge.no-label", style: { "label": "" } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#000" } },
      { selector: "edge:selected", style: { "width": 8, "opacity": 1 } },
      { selector: "node.found", style: { "border-width": 4, "border-color": "#DDAA33" } }
    ]
  });
  window.cy = cy;

  var details = document.getElementById("details");
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function fade(keep) {
    cy.elements().removeClass("faded");
    if (keep) { cy.elements().not(keep).addClass("faded"); }
  }
  function nodeLabel(id) { var n = cy.getElementById(id); return n.nonempty() ? n.data("label") : id; }
  function signPill(sign) {
    return el("span", { className: "pill " + (sign >= 0 ? "pos" : "neg"), text: sign >= 0 ? "+ positive" : "− negative" });
  }

  function relationItem(edge) {
    var d = edge.data();
    var link = el("a", { text: d.label + ": " + nodeLabel(d.source) + (d.directed ? " → " : " — ") + nodeLabel(d.target) });
    link.addEventListener("click", function () { cy.elements().unselect(); edge.select(); showEdge(edge); });
    return el("li", {}, [link, " (" + d.weight + ")"]);
  }

  function showNode(node) {
    var d = node.data();
    fade(node.closedNeighborhood());
    clear(details);
    details.appendChild(el("h2", { text: d.label }));
    details.appendChild(el("p", {}, [el("strong", { text: d.type }), d.camp ? " · camp " + d.camp : ""]));
    details.appendChild(el("p", { className: "iri", text: d.iri }));
    if (d.wikidata) { details.appendChild(el("p", { className: "meta", text: "Wikidata: " + d.wikidata })); }
    var edges = node.connectedEdges().filter(function (e) { return !e.hasClass("hidden"); });
    details.appendChild(el("h3", { text: edges.length + " relation" + (edges.length === 1 ? "" : "s") }));
    var ul = el("ul", { className: "rels" });
    edges.sort(function (a, b) { return a.data("sign") - b.data("sign") || (a.data("label") < b.data("label") ? -1 : 1); })
      .forEach(function (e) { ul.appendChild(relationItem(e)); });
    details.appendChild(ul);
  }

  function showEdge(edge) {
    var d = edge.data();
    fade(edge.union(edge.connectedNodes()));
    clear(details);
    details.appendChild(el("h2", { text: d.label }));
    details.appendChild(el("p", {}, [nodeLabel(d.source) + (d.directed ? " → " : " — ") + nodeLabel(d.target)]));
    details.appendChild(el("p", {}, [signPill(d.sign), " · support " + d.weight + " independent source" + (d.weight === 1 ? "" : "s")]));
    if (d.issue_label) { details.appendChild(el("p", { className: "meta", text: "Issue: " + d.issue_label })); }
    if (d.scope) { details.appendChild(el("p", { text: "Scope: " + d.scope })); }
    var when = [];
    if (d.valid_from) { when.push("from " + d.valid_from); }
    if (d.valid_until) { when.push("until " + d.valid_until); }
    if (d.reported) { when.push("first reported " + d.reported); }
    if (when.length) { details.appendChild(el("p", { className: "meta", text: "Dates: " + when.join(", ") })); }
    var premises = list(d.premise_labels);
    if (premises.length) { details.appendChild(el("p", { className: "meta", text: "Stands for: " + premises.join("; ") })); }
    details.appendChild(el("h3", { text: "Sources" }));
    details.appendChild(el("p", { text: list(d.sources).join(", ") || "none" }));
    var evidence = list(d.evidence);
    details.appendChild(el("h3", { text: "Evidence (" + evidence.length + " claim" + (evidence.length === 1 ? "" : "s") + ")" }));
    evidence.forEach(function (claim) {
      var box = el("div", { className: "claim" });
      if (claim.summary) { box.appendChild(el("p", { text: claim.summary })); }
      (claim.quotes || []).forEach(function (q) { box.appendChild(el("blockquote", { text: q })); });
      if (claim.chain_text) { box.appendChild(el("p", { className: "chain", text: "Attribution: " + claim.chain_text })); }
      var meta = [];
      if (claim.claimant_label) { meta.push("claimant " + claim.claimant_label); }
      if (claim.document_title) { meta.push("in “" + claim.document_title + "”"); }
      if (claim.publisher_label) { meta.push(claim.publisher_label); }
      if (claim.published) { meta.push(claim.published); }
      if (claim.hedge) { meta.push("hedged: “" + claim.hedge + "”"); }
      box.appendChild(el("p", { className: "meta", text: meta.join(" · ") }));
      details.appendChild(box);
    });
  }

  cy.on("tap", "node", function (evt) { showNode(evt.target); });
  cy.on("tap", "edge", function (evt) { showEdge(evt.target); });
  cy.on("tap", function (evt) {
    if (evt.target === cy) {
      fade(null);
      clear(details);
      details.appendChild(el("p", { className: "hint", text: "Click a node or an edge to see its relations, sources and evidence quotes." }));
    }
  });

  document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 50); });
  var toggle = document.getElementById("toggle-labels");
  toggle.addEventListener("click", function () {
    var on = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) { cy.edges().removeClass("no-label"); } else { cy.edges().addClass("no-label"); }
  });
  document.getElementById("min-support").addEventListener("input", function (evt) {
    var min = parseInt(evt.target.value, 10) || 1;
    cy.batch(function () {
      cy.edges().forEach(function (e) { e.toggleClass("hidden", e.data("weight") < min); });
      cy.nodes().forEach(function (n) {
        n.toggleClass("hidden", n.connectedEdges().filter(function (e) { return !e.hasClass("hidden"); }).empty());
      });
    });
  });
  document.getElementById("search").addEventListener("input", function (evt) {
    var text = evt.target.value.trim().toLowerCase();
    cy.nodes().removeClass("found");
    if (!text) { return; }
    var found = cy.nodes().filter(function (n) { return n.data("label").toLowerCase().indexOf(text) >= 0; });
    found.addClass("found");
    if (found.nonempty()) { cy.animate({ fit: { eles: found.closedNeighborhood(), padding: 80 } }, { duration: 300 }); }
  });

  var summary = document.getElementById("summary");
  (data.summary || []).forEach(function (line, i) {
    summary.appendChild(el(i === 0 ? "h2" : "p", { text: line }));
  });
  var legend = document.getElementById("legend");
  (data.legend.types || []).forEach(function (t) {
    var sw = el("span", { className: "swatch" }); sw.style.background = t.colour;
    legend.appendChild(el("div", { className: "legend-row" }, [sw, t.label]));
  });
  (data.legend.signs || []).forEach(function (s) {
    legend.appendChild(el("div", { className: "legend-row" }, [el("span", { className: "line " + (s.sign >= 0 ? "pos" : "neg") }), s.label]));
  });
  legend.appendChild(el("p", { className: "meta", text: data.legend.note || "" }));

  cy.ready(function () {
    window.strikegraphReady = true;
    document.body.setAttribute("data-ready", "true");
  });
})();
