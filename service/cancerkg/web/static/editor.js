// The SPARQL editor page: YASGUI against this service's /sparql when it is installed, the named
// queries as a list of examples, and ?query=... to open a query from a link.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("example-queries").textContent);
  var select = document.getElementById("examples");
  examples.forEach(function (example, index) {
    var option = document.createElement("option");
    option.value = String(index);
    option.textContent = example.title;
    select.appendChild(option);
  });
  var initial = new URLSearchParams(window.location.search).get("query");
  var setQuery;
  if (window.Yasgui) {
    localStorage.removeItem("yagui__config");
    var yasgui = new window.Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: new URL("/sparql", window.location.href).href, method: "POST" },
      copyEndpointOnNewTab: false,
      persistenceId: null,
    });
    window.cancerkgYasgui = yasgui;
    setQuery = function (text) { yasgui.getTab().setQuery(text); };
  } else {
    var area = document.getElementById("query");
    setQuery = function (text) { area.value = text; };
  }
  if (initial) { setQuery(initial); }
  select.addEventListener("change", function () {
    if (select.value !== "") { setQuery(examples[Number(select.value)].query); }
  });
})();
