heritageApp.use(function (app) {
  const bar = document.getElementById("heritage-title");
  bar.querySelector("h1").textContent = app.data.meta.name;
  if (app.data.meta.audience && app.data.meta.audience !== "internal") {
    bar.querySelector("h1").appendChild(app.el("span", { class: "heritage-audience",
      text: app.data.meta.audience === "public" ? " · public edition" : " · mission edition" }));
  }
  document.title = app.data.meta.name + " \u2014 heritage map";
  app.onChange(function () {
    const changes = app.data.meta.changes;
    bar.querySelector(".heritage-asof").textContent = (changes ? "changes " + app.isoDay(changes[0]) + " \u2192 " +
      app.isoDay(changes[1]) + " · " : "") + "as of " + app.isoDay(app.day);
    const unlocated = app.shown - app.shownLocated;
    bar.querySelector(".heritage-count").textContent = app.shown + " of " + app.n + " sites shown" +
      (unlocated ? " (" + unlocated + " without location)" : "");
  });
});
