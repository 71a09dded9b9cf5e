/* One site's details, as its popup (or the side panel, for a site with no location) shows them.
 *
 * Names with their languages, type, tradition, period, how well the place is known; the condition
 * as of the slider's date with its certainty, date, method, visit and sources; the change between
 * two dates on a --changes map; the allegations made by then; the link to the dossier. Catalogue
 * text reaches the page only through textContent and checked attributes (app.el, app.link).
 */
(function () {
  "use strict";

  const app = window.heritageApp;
  const NONE = -1;

  // What a field visit adds to a history entry (heritage.mapformat.visit_members): [7] access (a
  // position in vocab.access, or null), [8] the time on site in minutes since 1970 on the phone's
  // own clock, [9] that clock's offset from UTC in minutes, [10] how many warnings were recorded.
  function visitTime(minutes, offset) {
    const wall = new Date(minutes * 60000).toISOString().slice(0, 16).replace("T", " ");
    if (!offset) return wall + " (UTC)";
    const size = Math.abs(offset), pad = n => String(n).padStart(2, "0");
    return wall + " (UTC" + (offset < 0 ? "-" : "+") + pad(Math.floor(size / 60)) + ":" + pad(size % 60) + ")";
  }

  function visitOf(h) {
    if (h.length <= 7) return null;
    const el = app.el, v = app.data.vocab, said = [];
    if (h[8] !== null) said.push("visited " + visitTime(h[8], h[9]));
    if (h[7] !== null) said.push("access " + v.access[h[7]]);
    const box = el("p", { class: "heritage-visit", text: said.join(" · ") });
    if (h[10]) {
      box.appendChild(el("span", { class: "heritage-warning", title: "see the dossier or heritage show",
        text: "\u26a0 " + h[10] + " warning(s) recorded when the report came in" }));
    }
    return box;
  }

  function identity(box, i) {
    const el = app.el, s = app.data.sites, v = app.data.vocab, names = s.names[i];
    box.appendChild(el("h3", { text: names.length ? names[1] : s.id[i] }));
    const nameList = el("ul", { class: "heritage-names" });
    for (let j = 0; j < names.length; j += 2) {
      nameList.appendChild(el("li", {}, [el("span", { class: "heritage-lang", text: v.lang[names[j]] }),
        el("span", { text: " " + names[j + 1], lang: v.lang[names[j]] })]));
    }
    box.appendChild(nameList);
    const facts = [v.type[s.type[i]][1]];
    if (s.trad[i] !== NONE) facts.push(v.tradition[s.trad[i]][1]);
    if (s.period[i]) facts.push(s.period[i]);
    box.appendChild(el("p", { class: "heritage-facts", text: facts.join(" · ") }));
    const precision = v.precision[s.prec[i]];
    if (precision !== "exact") {
      const where = precision === "unknown" ? "Location unknown" :
        "Location " + (precision === "settlement" ? "settlement-level" : precision) +
        (s.unc[i] ? " (±" + s.unc[i] + " m)" : "");
      box.appendChild(el("p", { class: "heritage-precision", text: where }));
    }
  }

  // The days a history entry covers. marks (heritage.mapformat.date_marks): 1 approximate,
  // 2 uncertain, 4 written open at its end, whose last day is only the day it was recorded.
  function observedOn(h) {
    const isoDay = app.isoDay, marks = h.length > 6 ? h[6] : 0;
    const said = [marks & 1 ? "approximate" : "", marks & 2 ? "uncertain" : ""].filter(Boolean).join(", ");
    return (marks & 4 ? "on or after " + isoDay(h[1]) :
      h[1] !== null && h[1] !== h[0] ? isoDay(h[1]) + " – " + isoDay(h[0]) :
      h[1] === null ? "on or before " + isoDay(h[0]) : isoDay(h[0])) + (said ? " (" + said + ")" : "");
  }

  function condition(box, i) {
    const el = app.el, d = app.data, v = d.vocab, k = app.current[i];
    const shown = v.condition[app.cond[i]];
    const line = el("p", { class: "heritage-condition" }, [
      el("span", { class: "heritage-swatch", style: "background:" + shown[2] }),
      el("strong", { text: k !== NONE && app.cond[i] === app.unknown ? "Unknown (not assessable)" : shown[1] })]);
    if (app.cert[i] !== NONE) line.appendChild(el("span", { class: "heritage-certainty", text: ", " + v.certainty[app.cert[i]] }));
    if (k === NONE) {
      line.appendChild(el("span", { text: " · no report on or before " + app.isoDay(app.day) }));
      box.appendChild(line);
      return;
    }
    const h = d.sites.hist[i][k];
    line.appendChild(el("span", { text: " · observed " + observedOn(h) + " · " + v.method[h[3]] }));
    box.appendChild(line);
    const visit = visitOf(h);
    if (visit) box.appendChild(visit);
    const sources = el("ul", { class: "heritage-sources" });
    for (const ref of d.cites[h[4]]) {  // a citation's number -> its rows in d.sources
      const src = d.sources[ref];
      const label = src[0] + (src[1] ? " — " + src[1] : "");
      sources.appendChild(el("li", {}, [app.link(src[3], label), el("span", { class: "heritage-grade",
        text: " reliability " + src[2] + (src[4] !== NONE ? " · speaks for " + v.party[src[4]][1] : "") })]));
    }
    box.appendChild(sources);
  }

  // Each side with its certainty, as the popup's condition line and `heritage changes` say it.
  function change(box, i) {
    const el = app.el, v = app.data.vocab, changes = app.data.meta.changes;
    if (!changes) return;
    const said = function (day) {
      const k = app.reportOn(i, day), sure = app.certaintyOf(i, k);
      return v.condition[app.conditionOf(i, k)][1] + (sure !== NONE ? ", " + v.certainty[sure] : "");
    };
    box.appendChild(el("p", { class: "heritage-change" }, [
      el("span", { text: "Between " + app.isoDay(changes[0]) + " and " + app.isoDay(changes[1]) + ": " }),
      el("strong", { text: said(changes[0]) + " \u2192 " + said(changes[1]) })]));
  }

  function allegations(box, i) {
    const el = app.el, d = app.data, s = d.sites, v = d.vocab, day = app.day;
    const made = s.alg[i].filter(c => c[3] === null || c[3] <= day);
    const seen = app.current[i] + 1;  // the reports in force by then: those up to the current one
    box.appendChild(el("p", { class: "heritage-counts",
      text: seen + " condition report(s) in force by " + app.isoDay(day) + " (" + s.nrep[i] + " recorded in all) · " +
        made.length + " allegation(s) made by then" }));
    if (!made.length) return;
    const list = el("ul", { class: "heritage-allegations" });
    for (const c of made) {
      const party = c[1] !== NONE ? " (" + v.party[c[1]][1] + ")" : "";
      const status = v.status[app.allegationStatus(c, day, 0)], attribution = app.allegationStatus(c, day, 1);
      list.appendChild(el("li", {}, [
        el("span", { class: "heritage-status", style: "border-color:" + status[2], text: status[1] }),
        el("span", { text: " " + c[4] + " · " + d.claimants[c[0]] + party + ": " + c[5].map(a => v.act[a]).join(", ") +
          (attribution ? " · attribution " + v.status[attribution][1] : "") }),
      ]));
    }
    box.appendChild(list);
  }

  app.siteDetails = function (i) {
    const el = app.el, d = app.data, s = d.sites;
    const box = el("div", { class: "heritage-site", "data-site": s.id[i] });
    identity(box, i);
    condition(box, i);
    change(box, i);
    const rivals = d.disputed && d.disputed[i];  // see heritage.history.competing_corrections
    if (rivals) {
      box.appendChild(el("p", { class: "heritage-dispute",
        text: rivals + " competing corrections of one report, not yet settled: the condition shown is one of them" }));
    }
    allegations(box, i);
    if (s.dossier[i]) {
      box.appendChild(el("p", {}, [el("a", { href: "dossiers/" + encodeURIComponent(s.id[i]) + ".html",
        class: "heritage-dossier", text: "Open the site dossier" })]));
    }
    return box;
  };
})();
