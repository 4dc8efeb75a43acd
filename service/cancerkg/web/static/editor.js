// The SPARQL editor page: YASGUI against this service's /sparql, completing from our own
// prefixes, classes and properties (never prefix.cc or Linked Open Vocabularies), opening on
// an example query; the named queries as a list of examples; ?query=... opens a query from a
// link. Without YASGUI, the plain form runs queries and shows the same result views.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  window.cancerkgPrefixes = config.prefixes;
  const select = document.getElementById("examples");
  config.examples.forEach((example, index) => {
    const option = document.createElement("option");
    option.value = String(index);
    option.textContent = example.title;
    select.appendChild(option);
  });
  const initial = new URLSearchParams(window.location.search).get("query") || config.example;
  const setQuery = window.Yasgui ? startYasgui() : startPlainForm();
  setQuery(initial);
  select.addEventListener("change", () => {
    if (select.value !== "") { setQuery(config.examples[Number(select.value)].query); }
  });

  // A completer that offers a fixed list (bulk: YASQE filters it as the user types).
  function fixed(base, list) {
    return Object.assign({}, base, { bulk: true, get: () => Promise.resolve(list) });
  }

  function startYasgui() {
    const Yasgui = window.Yasgui;
    const completers = Yasgui.Yasqe.Autocompleters;
    completers.prefixes = fixed(completers.prefixes,
      Object.entries(config.prefixes).map(([prefix, ns]) => `${prefix}: <${ns}>`).sort());
    completers.class = fixed(completers.class, config.classes);
    completers.property = fixed(completers.property, config.properties);
    window.cancerkgResults.register(Yasgui.Yasr);
    localStorage.removeItem("yagui__config");
    const endpoint = new URL("/sparql", window.location.href).href;
    const yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      persistenceId: null,
      endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
      yasqe: { autocompleters: ["prefixes", "variables", "class", "property"] },
      yasr: { prefixes: config.prefixes },
    });
    window.cancerkgYasgui = yasgui;
    return (text) => yasgui.getTab().setQuery(text);
  }

  function startPlainForm() {
    const form = document.getElementById("plain-editor");
    const area = document.getElementById("query");
    const output = document.getElementById("plain-results");
    form.addEventListener("submit", async (event) => {
      if (form.elements.format.value !== "json") { return; } // CSV, TSV, XML: the raw answer
      event.preventDefault();
      output.textContent = "Running…";
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json" },
        body: new URLSearchParams({ query: area.value }).toString(),
      });
      output.textContent = "";
      if (!response.ok) {
        const pre = document.createElement("pre");
        pre.className = "error";
        pre.textContent = await response.text();
        output.appendChild(pre);
        return;
      }
      showViews(output, await response.json());
    });
    return (text) => { area.value = text; };
  }

  // The result views as tabs over the plain form's answer.
  function showViews(output, data) {
    if ("boolean" in data) { output.textContent = data.boolean ? "true" : "false"; return; }
    const bar = document.createElement("div");
    bar.className = "views";
    const pane = document.createElement("div");
    output.append(bar, pane);
    for (const [name, [draw, can]] of Object.entries(window.cancerkgResults.views)) {
      if (!can(data)) { continue; }
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = name[0].toUpperCase() + name.slice(1);
      button.addEventListener("click", () => {
        pane.textContent = "";
        draw(pane, data, config.prefixes);
      });
      bar.appendChild(button);
    }
    bar.firstChild.click();
  }
})();
