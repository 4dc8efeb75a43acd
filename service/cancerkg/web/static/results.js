// Result views of the SPARQL editor, each drawn from a SPARQL JSON result: a table that shows
// labels instead of bare IRIs, a bar chart (inline SVG, no chart library), and the tile map of
// Europe the entity pages draw (the server renders it: /editor/map.svg). They serve YASGUI as
// YASR plugins and the plain form when YASGUI is not installed. Nothing here talks to any host
// but this one.
(function () {
  "use strict";
  const RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
  const OURS = "https://w3id.org/cancerkg/";
  const COUNTRY = "http://publications.europa.eu/resource/authority/country/";
  const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
  const SAFE_IRI = /^[^<>"{}|^`\\\s]+$/;
  const MAX_ROWS = 500;
  const MAX_BARS = 40;
  const LABEL_BATCH = 200;
  const labels = new Map(); // IRI -> label, shared by every view and every query

  function prefixed(iri, prefixes) {
    let best = null;
    for (const [prefix, ns] of Object.entries(prefixes || {})) {
      if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) { best = [prefix, ns]; }
    }
    return best ? best[0] + ":" + iri.slice(best[1].length) : iri;
  }

  function href(iri) {
    if (iri.startsWith(OURS)) { return "/" + iri.slice(OURS.length); }
    if (iri.startsWith(COUNTRY)) { return "/resource?iri=" + encodeURIComponent(iri); }
    return iri;
  }

  function isNumber(term) {
    return !!term && (term.type === "literal" || term.type === "typed-literal") &&
      !!term.datatype && NUMERIC.test(term.datatype) && isFinite(Number(term.value));
  }

  // The rdfs:label (English, else plain) of every IRI not yet known, asked of our own endpoint.
  async function fetchLabels(iris) {
    const wanted = [...new Set(iris)].filter((iri) => !labels.has(iri) && SAFE_IRI.test(iri));
    for (let start = 0; start < wanted.length; start += LABEL_BATCH) {
      const batch = wanted.slice(start, start + LABEL_BATCH);
      const query = "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { " +
        batch.map((iri) => "<" + iri + ">").join(" ") + " } ?s <" + RDFS_LABEL + "> ?l " +
        'FILTER(lang(?l) = "en" || lang(?l) = "") } GROUP BY ?s';
      batch.forEach((iri) => labels.set(iri, null)); // asked once, even when it has none
      try {
        const response = await fetch("/sparql", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json" },
          body: new URLSearchParams({ query: query }).toString(),
        });
        if (!response.ok) { continue; }
        const data = await response.json();
        for (const row of data.results.bindings) {
          if (row.label) { labels.set(row.s.value, row.label.value); }
        }
      } catch (failure) {
        console.warn("labels not fetched", failure);
      }
    }
  }

  function iriTerms(data) {
    const found = [];
    for (const row of data.results.bindings) {
      for (const term of Object.values(row)) {
        if (term.type === "uri") { found.push(term.value); }
      }
    }
    return found;
  }

  function note(parent, text) {
    const p = document.createElement("p");
    p.className = "result-note";
    p.textContent = text;
    parent.appendChild(p);
    return p;
  }

  function cell(term, prefixes) {
    const td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = href(term.value);
      a.title = term.value;
      a.className = "iri";
      a.dataset.iri = term.value;
      a.textContent = labels.get(term.value) || prefixed(term.value, prefixes);
      td.appendChild(a);
      if (labels.get(term.value)) {
        const code = document.createElement("span");
        code.className = "compact";
        code.textContent = prefixed(term.value, prefixes);
        td.appendChild(code);
      }
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (isNumber(term)) { td.className = "number"; }
      if (term["xml:lang"]) { td.title = "@" + term["xml:lang"]; }
    }
    return td;
  }

  // A table of the rows, IRIs shown by their label (the compact IRI beneath, the IRI on hover).
  async function drawTable(parent, data, prefixes) {
    const vars = data.head.vars;
    const rows = data.results.bindings;
    await fetchLabels(iriTerms({ results: { bindings: rows.slice(0, MAX_ROWS) } }));
    const wrap = document.createElement("div");
    wrap.className = "result-table";
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of vars) {
      const th = document.createElement("th");
      th.textContent = "?" + name;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of rows.slice(0, MAX_ROWS)) {
      const tr = body.insertRow();
      for (const name of vars) { tr.appendChild(cell(row[name], prefixes)); }
    }
    wrap.appendChild(table);
    parent.appendChild(wrap);
    note(parent, rows.length > MAX_ROWS
      ? `Showing the first ${MAX_ROWS} of ${rows.length} rows; the Response view has them all.`
      : `${rows.length} row${rows.length === 1 ? "" : "s"}.`);
  }

  // Which column names the bars and which holds their lengths: the first non-numeric and the
  // first numeric column of the first row.
  function chartColumns(data) {
    const first = data.results.bindings[0] || {};
    const vars = data.head.vars.filter((name) => first[name]);
    const value = vars.find((name) => isNumber(first[name]));
    const label = vars.find((name) => !isNumber(first[name]));
    return value ? { label: label, value: value } : null;
  }

  function svgNode(name, attributes, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", name);
    for (const [key, value] of Object.entries(attributes)) { node.setAttribute(key, String(value)); }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // A horizontal bar chart, one bar per row, drawn as inline SVG.
  async function drawChart(parent, data, prefixes) {
    const columns = chartColumns(data);
    const rows = data.results.bindings.slice(0, MAX_BARS);
    if (columns.label) {
      await fetchLabels(rows.map((r) => r[columns.label]).filter((t) => t && t.type === "uri").map((t) => t.value));
    }
    const name = (row) => {
      const term = columns.label ? row[columns.label] : null;
      if (!term) { return ""; }
      return term.type === "uri" ? (labels.get(term.value) || prefixed(term.value, prefixes)) : term.value;
    };
    const values = rows.map((row) => Number(row[columns.value] ? row[columns.value].value : 0));
    const top = Math.max(0, ...values) || 1;
    const bar = 22, gap = 6, left = 320, width = 1100, right = 60;
    const height = rows.length * (bar + gap) + 30;
    const svg = svgNode("svg", { viewBox: `0 0 ${width} ${height}`, class: "result-chart", role: "img",
                                  "aria-label": `?${columns.value} by ?${columns.label || "row"}` });
    rows.forEach((row, index) => {
      const y = index * (bar + gap);
      const length = Math.max(1, (values[index] / top) * (width - left - right));
      const group = svgNode("g", { class: "bar" });
      let text = name(row);
      if (text.length > 46) { text = text.slice(0, 45) + "…"; }
      group.appendChild(svgNode("title", {}, `${name(row)}: ${values[index]}`));
      group.appendChild(svgNode("text", { x: left - 8, y: y + 16, "text-anchor": "end", "font-size": 13 }, text));
      group.appendChild(svgNode("rect", { x: left, y: y, width: length, height: bar, rx: 3, fill: "#3182bd" }));
      group.appendChild(svgNode("text", { x: left + length + 6, y: y + 16, "font-size": 13 }, String(values[index])));
      svg.appendChild(group);
    });
    svg.appendChild(svgNode("text", { x: left, y: height - 6, "font-size": 12, fill: "#555" },
                            `?${columns.value}`));
    parent.appendChild(svg);
    if (data.results.bindings.length > MAX_BARS) {
      note(parent, `The first ${MAX_BARS} of ${data.results.bindings.length} rows.`);
    }
  }

  function countryColumn(data) {
    const rows = data.results.bindings;
    return data.head.vars.find((name) =>
      rows.some((row) => row[name] && row[name].type === "uri" && row[name].value.startsWith(COUNTRY)));
  }

  // The entity pages' tile map: the sum of the first numeric column per country, or the
  // number of rows per country when there is none.
  async function drawMap(parent, data) {
    const column = countryColumn(data);
    const first = data.results.bindings[0] || {};
    const value = data.head.vars.find((name) => name !== column && isNumber(first[name]));
    const counts = new Map();
    for (const row of data.results.bindings) {
      const term = row[column];
      if (!term || !term.value.startsWith(COUNTRY)) { continue; }
      const code = term.value.slice(COUNTRY.length);
      const add = value ? Number(row[value] ? row[value].value : 0) : 1;
      counts.set(code, (counts.get(code) || 0) + Math.round(add));
    }
    const query = new URLSearchParams({
      counts: [...counts].map(([code, n]) => `${code}:${n}`).join(","),
      unit: value || "rows",
    });
    const box = document.createElement("div");
    box.className = "result-map coverage";
    parent.appendChild(box);
    const response = await fetch("/editor/map.svg?" + query.toString());
    if (!response.ok) {
      note(box, "The map could not be drawn: " + (await response.text()));
      return;
    }
    box.innerHTML = await response.text(); // our own server's SVG, every text escaped there
    const drawn = new Set([...box.querySelectorAll("g.tile")].map((g) => g.dataset.country));
    const outside = [...counts.keys()].filter((code) => !drawn.has(code));
    note(box, `?${column}` + (value ? `, summing ?${value}` : ", counting rows") +
      (outside.length ? `; not on the EU/EEA map: ${outside.join(", ")}` : "") + ".");
  }

  function canTable(data) { return !!(data && data.head && data.results); }
  function canChart(data) { return canTable(data) && data.results.bindings.length > 0 && !!chartColumns(data); }
  function canMap(data) { return canTable(data) && !!countryColumn(data); }

  // YASR's plugin interface around a view: its label, whether it can draw this result, draw().
  function yasrPlugin(label, priority, can, draw) {
    return class {
      constructor(yasr) { this.yasr = yasr; this.label = label; this.priority = priority; }
      result() { return this.yasr.results && this.yasr.results.getAsJson ? this.yasr.results.getAsJson() : null; }
      canHandleResults() { return can(this.result()); }
      draw() { return draw(this.yasr.resultsEl, this.result(), window.cancerkgPrefixes || {}); }
      getIcon() {
        const icon = document.createElement("span");
        icon.className = "view-icon";
        return icon;
      }
    };
  }

  window.cancerkgResults = {
    views: { table: [drawTable, canTable], chart: [drawChart, canChart], map: [drawMap, canMap] },
    register(Yasr) {
      Yasr.registerPlugin("table", yasrPlugin("Table", 10, canTable, drawTable));
      Yasr.registerPlugin("chart", yasrPlugin("Chart", 5, canChart, drawChart));
      Yasr.registerPlugin("map", yasrPlugin("Map", 4, canMap, drawMap));
      Yasr.defaults.pluginOrder = ["table", "chart", "map", "response"];
      Yasr.defaults.defaultPlugin = "table";
    },
  };
})();
