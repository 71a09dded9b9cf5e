heritageApp.use(function (app) {
  const el = app.el, d = app.data, v = d.vocab, panel = document.getElementById("heritage-panel");
  L.DomEvent.disableClickPropagation(panel);
  L.DomEvent.disableScrollPropagation(panel);
  const toggle = el("button", { class: "heritage-toggle", type: "button", text: "Hide" });
  toggle.addEventListener("click", function () {
    const collapsed = panel.classList.toggle("heritage-collapsed");
    toggle.textContent = collapsed ? "Filters" : "Hide";
  });
  panel.appendChild(toggle);
  panel.appendChild(el("h2", { text: "Search names" }));
  const search = el("input", { type: "search", id: "heritage-search", placeholder: "Any name, any script",
    "aria-label": "Search site names", dir: "auto", autocomplete: "off" });
  let timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { app.filters.query = search.value; app.applyFilters(); }, app.n > 20000 ? 200 : 60);
  });
  panel.appendChild(search);
  panel.appendChild(el("div", { id: "heritage-time" }));

  const counters = [];
  function group(title, key, options, open) {
    const box = el("div", { class: "heritage-options", "data-filter": key });
    for (const option of options) {
      const input = el("input", { type: "checkbox", value: String(option.value) });
      input.checked = true;
      const count = el("span", { class: "heritage-n" });
      counters.push([count, key, option.value]);
      box.appendChild(el("label", {}, [input, option.symbol, el("span", { text: option.label }), count]));
    }
    box.addEventListener("change", function () {
      const boxes = Array.from(box.querySelectorAll("input"));
      app.filters[key] = boxes.every(b => b.checked) ? null :
        new Set(boxes.filter(b => b.checked).map(b => Number(b.value)));
      app.applyFilters();
    });
    if (open) { panel.appendChild(el("h2", { text: title })); panel.appendChild(box); return; }
    panel.appendChild(el("details", {}, [el("summary", { text: title }), box]));
  }
  const n = app.n, s = d.sites;
  group("Condition", "condition", v.condition.map((c, k) => ({ value: k, label: c[1],
    symbol: el("span", { class: "heritage-swatch", style: "background:" + c[2] }) })), true);
  // Certainty of the report giving each site's condition; "not stated" for a report that does not say.
  const sure = v.certainty.map((c, k) => ({ value: k, label: c.charAt(0).toUpperCase() + c.slice(1), symbol: null }));
  sure.push({ value: -1, label: "Not stated, or no report", symbol: null });
  group("Certainty", "certainty", sure, true);
  // The rings' legend lists the statuses that occur in this catalogue, and "no allegation".
  const present = new Set();
  for (const allegations of s.alg) for (const allegation of allegations) {
    present.add(0);
    for (const review of allegation[7] || []) if (review[2] === 0) present.add(review[1]);
  }
  const ring = colour => el("span", { class: "heritage-ring", style: "border-color:" + colour });
  const statuses = [{ value: -1, label: "no allegation", symbol: ring("transparent") }];
  v.status.forEach((st, k) => {
    if (present.has(k)) statuses.push({ value: k, label: st[1], symbol: ring(st[2]) });
  });
  group("Allegations (ring colour: status)", "status", statuses, true);
  // The stack's symbol: a rim split among three conditions, as stacks.js draws one.
  const rim = [0, 4, v.condition.length - 1].map(k => v.condition[k][2]);
  const stack = el("span", { class: "heritage-stack-symbol", text: "3",
    style: "background:radial-gradient(circle, #fff 0 52%, transparent 56%), conic-gradient(" +
      rim[0] + " 0 33%, " + rim[1] + " 0 67%, " + rim[2] + " 0)" });
  panel.appendChild(el("ul", { class: "heritage-symbols" }, [
    el("li", { class: "heritage-legend-stack" }, [stack,
      el("span", { text: "a disc with a number: sites too close to draw apart; its rim shows their conditions" })]),
    el("li", {}, [el("span", { class: "heritage-uncertain" }),
      el("span", { text: "approximate location: the site is within the dashed circle" })]),
    el("li", { class: "heritage-legend-possible" }, [el("span", { class: "heritage-tentative" }),
      el("span", { text: "pale dot in a dashed ring: the condition is only possible (as UNOSAT's \"possible damage\")" })]),
  ]));
  group("Site type", "type", v.type.map((t, k) => ({ value: k, label: t[1], symbol: null })), false);
  if (v.tradition.length) {
    const traditions = v.tradition.map((t, k) => ({ value: k, label: t[1], symbol: null }));
    traditions.push({ value: -1, label: "not recorded", symbol: null });
    group("Tradition", "tradition", traditions, false);
  }
  // The sites without location that pass the filters and the search, as the map shows the others.
  const unlocated = [];
  for (let i = 0; i < n; i++) if (Number.isNaN(app.px[i])) unlocated.push(i);
  const list = el("ul", { class: "heritage-unlocated", id: "heritage-unlocated" });
  const heading = el("summary", { id: "heritage-unlocated-heading" });
  let listed = null;
  function listUnlocated() {
    const passing = unlocated.filter(i => app.visible[i]);
    heading.textContent = "Sites without location (" + passing.length +
      (passing.length < unlocated.length ? " of " + unlocated.length : "") + ")";
    if (listed && listed.length === passing.length && listed.every((i, k) => i === passing[k])) return;
    listed = passing;
    const shown = passing.slice(0, 500);
    list.replaceChildren(...shown.map(function (i) {
      const names = s.names[i];
      const button = el("button", { type: "button", "data-site": s.id[i], dir: "auto", text: names.length ? names[1] : s.id[i] });
      button.addEventListener("click", function () { app.showInPanel(i); });
      return el("li", {}, [button]);
    }));
    if (passing.length > shown.length) list.appendChild(el("li", { text: "... and " + (passing.length - shown.length) + " more" }));
    if (!passing.length) list.appendChild(el("li", { class: "heritage-none", text: "none that pass the filters and the search" }));
  }
  if (unlocated.length) {
    const details = el("details", {}, [heading, list]);
    details.open = unlocated.length <= 20;
    panel.appendChild(details);
  }
  const detail = el("div", { class: "heritage-detail", id: "heritage-detail" });
  detail.hidden = true;
  panel.appendChild(detail);
  app.onChange(function () {
    for (const [node, key, value] of counters) node.textContent = app.countOf(key, value);
    if (unlocated.length) listUnlocated();
  });
});
