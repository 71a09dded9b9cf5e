/* Search that answers: under the search box, the sites shown that match what is typed, best first.
 *
 * Each entry gives the name that matched, in the script typed (an Armenian query shows the
 * Armenian name), the site's other names, its type and its condition as of the slider's date.
 * A click, or Enter, opens the site; the arrow keys move through the list. The matching itself is
 * done by applyFilters in its one pass (app.found); this ranks only what it found.
 */
heritageApp.use(function (app) {
  const el = app.el, s = app.data.sites, v = app.data.vocab, input = document.getElementById("heritage-search");
  if (!input) return;
  const LIMIT = 50, SEP = "\u0001";
  const list = el("ul", { class: "heritage-results", id: "heritage-results", "aria-label": "Sites found" });
  const more = el("p", { class: "heritage-results-more", id: "heritage-results-more" });
  const box = el("div", { class: "heritage-found", id: "heritage-found" }, [list, more]);
  box.hidden = true;
  input.setAttribute("aria-controls", "heritage-results");
  input.insertAdjacentElement("afterend", box);

  // Where a word starts in a folded name: after a space, a hyphen, a bracket or a quotation mark.
  const BEFORE_WORD = [" ", "-", "(", "/", "\"", "\u00ab", "\u201c"];
  function wordStart(text, query) { return BEFORE_WORD.some(c => text.includes(c + query)); }

  // How well one folded name answers the folded query: 0 it is the query, 1 it starts with it,
  // 2 a word in it does, 3 it holds it somewhere, 4 not at all.
  function fit(name, query) {
    const at = name.indexOf(query);
    if (at < 0) return 4;
    if (at === 0) return name.length === query.length ? 0 : 1;
    return wordStart(name, query) ? 2 : 3;
  }

  // The same for a site, by its best name (the id counts as one), read from the search index,
  // where a site's id and names are folded and joined by SEP: a few string searches, no split.
  // 0 or 1 if a name starts with the query, else null: the finer tiers are asked only if needed.
  function startTier(text, query) {
    if (!text.startsWith(query) && !text.includes(SEP + query)) return null;
    const exact = text === query || text.startsWith(query + SEP) || text.endsWith(SEP + query) ||
      text.includes(SEP + query + SEP);
    return exact ? 0 : 1;
  }

  // The name to show for site i: the best-matching of its names, and the index of it in names.
  function bestName(i, query) {
    const parts = app.search[i].split(SEP);
    let best = -1, bestFit = 4;
    for (let k = 1; k < parts.length; k++) {
      const f = fit(parts[k], query);
      if (f < bestFit) { best = k; bestFit = f; }
    }
    return best < 0 ? (s.names[i].length ? 1 : -1) : 2 * best - 1;
  }

  function entry(i, query) {
    const names = s.names[i], shown = bestName(i, query);
    const others = el("span", { class: "heritage-result-other" });
    for (let j = 1; j < names.length; j += 2) {
      if (j === shown) continue;
      if (others.childNodes.length) others.appendChild(document.createTextNode(" · "));
      others.appendChild(el("span", { dir: "auto", lang: v.lang[names[j - 1]], text: names[j] }));
    }
    const condition = v.condition[app.cond[i]];
    const said = condition[1] + (app.cert[i] >= 0 ? ", " + v.certainty[app.cert[i]] : "");
    const facts = el("span", { class: "heritage-result-facts" }, [
      el("span", { class: "heritage-swatch", style: "background:" + condition[2] }),
      el("span", { text: said + " · " + v.type[s.type[i]][1] + (Number.isNaN(app.px[i]) ? " · no location" : "") })]);
    const name = shown < 0 ? el("span", { dir: "auto", text: s.id[i] }) :
      el("span", { dir: "auto", lang: v.lang[names[shown - 1]], text: names[shown] });
    name.classList.add("heritage-result-name");
    const button = el("button", { type: "button", class: "heritage-result", "data-site": s.id[i] },
      [name, others.childNodes.length ? others : null, facts]);
    button.addEventListener("click", function () { open(i); });
    return el("li", {}, [button]);
  }

  function open(i) {
    app.showSite(i);
    const detail = document.getElementById("heritage-detail");
    if (Number.isNaN(app.px[i]) && detail) detail.scrollIntoView({ block: "nearest" });
  }

  // Best first: by tier, then in catalogue order. When names that start with the query fill the
  // list, the rest are only counted (a one-letter query at 100,000 sites finds them all).
  function ranked(query) {
    const tiers = [[], [], [], []], rest = [];
    for (const i of app.found) {
      const tier = startTier(app.search[i], query);
      if (tier === null) rest.push(i); else tiers[tier].push(i);
    }
    if (tiers[0].length + tiers[1].length >= LIMIT) return tiers[0].concat(tiers[1], rest);
    for (const i of rest) tiers[wordStart(app.search[i], query) ? 2 : 3].push(i);
    return tiers[0].concat(tiers[1], tiers[2], tiers[3]);
  }

  function render() {
    const query = app.foundQuery;
    box.hidden = !query;
    if (!query) { list.replaceChildren(); return; }
    const order = ranked(query), shown = order.slice(0, LIMIT);
    list.replaceChildren(...shown.map(i => entry(i, query)));
    const said = [];
    if (!order.length) said.push("No site shown has this name.");
    if (order.length > shown.length) said.push("and " + (order.length - shown.length) + " more: type more of the name");
    if (app.foundHidden) said.push(app.foundHidden + " more match but are hidden by the filters");
    more.textContent = said.join("; ");
    more.hidden = !said.length;
  }

  function buttons() { return Array.from(list.querySelectorAll("button")); }

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && buttons().length) { event.preventDefault(); buttons()[0].focus(); }
    if (event.key !== "Enter") return;
    if (app.filters.query !== input.value) { app.filters.query = input.value; app.applyFilters(); }
    if (buttons().length) buttons()[0].click();
  });
  list.addEventListener("keydown", function (event) {
    const all = buttons(), at = all.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1, Escape: -1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    if (to < 0) input.focus(); else all[Math.min(to, all.length - 1)].focus();
  });
  app.onChange(render);
});
