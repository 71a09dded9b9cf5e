heritageApp.use(function (app) {
  const el = app.el, meta = app.data.meta, slot = document.getElementById("heritage-time");
  if (!slot) return;
  const label = el("strong", { id: "heritage-date" });
  const latest = el("button", { type: "button", text: "latest" });
  const range = el("input", { type: "range", id: "heritage-slider", min: String(meta.firstDay),
    max: String(meta.asOfDay), step: "1", value: String(meta.asOfDay), "aria-label": "Show the catalogue as of" });
  let pending = false;
  range.addEventListener("input", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; app.setDate(Number(range.value)); });
  });
  latest.addEventListener("click", function () { range.value = String(meta.asOfDay); app.setDate(meta.asOfDay); });
  slot.appendChild(el("h2", { text: "Catalogue as of" }));
  slot.appendChild(el("div", { class: "heritage-time-row" }, [label, latest]));
  slot.appendChild(range);
  slot.appendChild(el("div", { class: "heritage-time-row" }, [el("span", { text: app.isoDay(meta.firstDay) }),
    el("span", { text: app.isoDay(meta.asOfDay) })]));
  app.onChange(function () { label.textContent = app.isoDay(app.day); });
});
