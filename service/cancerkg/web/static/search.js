// The search box of every page: suggestions from /api/entities as the user types (the release's
// full-text index answers in milliseconds), Enter or a click opens the entity page.
(function () {
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-search-suggestions");
  if (!input || !list) return;
  let timer = null;
  let asked = "";

  function localPath(iri) {
    const base = "https://w3id.org/cancerkg/";
    return iri.startsWith(base) ? "/" + iri.slice(base.length) : "/resource?iri=" + encodeURIComponent(iri);
  }

  function show(results) {
    list.replaceChildren();
    for (const r of results.slice(0, 8)) {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      const link = document.createElement("a");
      link.href = localPath(r.iri);
      link.textContent = r.label || r.matched || r.iri;
      item.append(link);
      if (r.matched && r.matched !== r.label) {
        const matched = document.createElement("small");
        matched.textContent = " " + r.matched;
        item.append(matched);
      }
      list.append(item);
    }
    list.hidden = results.length === 0;
  }

  async function suggest() {
    const text = input.value.trim();
    if (text.length < 2) { show([]); return; }
    asked = text;
    const answer = await fetch("/api/entities?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } });
    if (!answer.ok || asked !== text) return;
    show((await answer.json()).results);
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") show([]);
  });
  document.addEventListener("click", (event) => { if (!list.contains(event.target) && event.target !== input) show([]); });
})();
