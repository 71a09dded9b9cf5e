/* heritage offline map.
 *
 * Draws every located site on one canvas (a folium element per site cannot scale past a few
 * thousand), and filters, searches and replays the catalogue's history in the page, with no
 * network. Catalogue text reaches the page only through textContent and checked attributes:
 * never as HTML. The page sets window.heritageReady once the sites are drawn.
 */
(function () {
  "use strict";

  const SCALE = 1e5;
  const NONE = -1;
  // Which allegation status a ring shows when a site has several: the most advanced finding.
  const STATUS_RANK = ["verified", "corroborated", "disputed", "under_review", "reported", "not_corroborated",
    "refuted"];

  const app = { components: [], filters: {}, day: 0, version: 0 };
  window.heritageApp = app;
  // What the map drew last, for tests and benchmarks (docs/architecture.md lists the fields). Made
  // once here and filled by whoever draws: several parts of the page add their own counts to it.
  app.stats = window.heritageMap = window.heritageMap || {};
  app.use = function (component) { app.components.push(component); };

  // -- small helpers ---------------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  function isWebLink(url) {
    if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return false;
    try { return ["http:", "https:"].includes(new URL(url).protocol); } catch (e) { return false; }
  }

  function link(url, text) {
    if (!isWebLink(url)) return el("span", { text: text });
    return el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: text });
  }

  function isoDay(day) {
    return new Date(day * 86400000).toISOString().slice(0, 10);
  }

  // Letters that Unicode does not decompose into a base letter and a mark (Azerbaijani ə and ı...).
  const PLAIN = { "ə": "e", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe" };

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[əıłøđßæœ]/g, letter => PLAIN[letter]);
  }

  async function loadData() {
    const holder = document.getElementById("heritage-data");
    if (holder.dataset.encoding === "gzip-base64") {
      const binary = atob(holder.textContent.trim());
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return JSON.parse(await new Response(stream).text());
    }
    return JSON.parse(holder.textContent);
  }

  // -- the data, as typed arrays -----------------------------------------------------------------

  function prepare(data) {
    const s = data.sites;
    const n = s.id.length;
    const px = new Float64Array(n), py = new Float64Array(n);
    let located = 0;
    for (let i = 0; i < n; i++) {
      if (s.x[i] === null) { px[i] = NaN; py[i] = NaN; continue; }
      const lon = s.x[i] / SCALE, lat = s.y[i] / SCALE;
      const sin = Math.sin(lat * Math.PI / 180);
      px[i] = (lon + 180) / 360 * 256;
      py[i] = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * 256;
      located++;
    }
    const statusKeys = data.vocab.status.map(s => s[0]);
    const rank = statusKeys.map(k => STATUS_RANK.indexOf(k));
    const search = new Array(n);
    for (let i = 0; i < n; i++) {
      const parts = [s.id[i]];
      for (let j = 1; j < s.names[i].length; j += 2) parts.push(s.names[i][j]);
      search[i] = fold(parts.join("\u0001"));
    }
    Object.assign(app, {
      data, n, px, py, located, search, rank,
      cond: new Uint8Array(n), cert: new Int8Array(n), current: new Int32Array(n), status: new Int8Array(n),
      visible: new Uint8Array(n), unknown: data.vocab.condition.length - 1,
      xs: new Float32Array(n), ys: new Float32Array(n),  // screen positions of the dots drawn last
    });
  }

  // The report that gives site i's condition as of `day`, as its position in the site's history
  // (NONE if there is none): a copy of heritage.history.latest_by. The history holds the reports
  // in force in report order, which sorts by the last day observed first, so the answer is the
  // last entry whose window ends on or before `day`. tests/test_asof.py compares the two.
  app.reportOn = function (i, day) {
    const hist = app.data.sites.hist[i];
    for (let k = hist.length - 1; k >= 0; k--) if (hist[k][0] <= day) return k;
    return NONE;
  };

  // The condition that entry k of site i's history gives, as its position in the vocabulary.
  function conditionOf(i, k) { return k === NONE ? app.unknown : app.data.sites.hist[i][k][2]; }

  app.conditionOn = function (i, day) { return conditionOf(i, app.reportOn(i, day)); };

  // How sure entry k of site i's history is, as its position in the vocabulary (NONE: not stated,
  // or no report). Shown beside the condition; it never chooses which report gives it.
  function certaintyOf(i, k) {
    const entry = k === NONE ? null : app.data.sites.hist[i][k];
    return entry && entry.length > 5 && entry[5] !== null ? entry[5] : NONE;
  }

  app.setDate = function (day) {
    app.day = day;
    const s = app.data.sites;
    for (let i = 0; i < app.n; i++) {
      const k = app.reportOn(i, day);
      app.current[i] = k;
      app.cond[i] = conditionOf(i, k);
      app.cert[i] = certaintyOf(i, k);
      let best = NONE;
      for (const allegation of s.alg[i]) {
        if (allegation[3] !== null && allegation[3] > day) continue;
        const status = app.allegationStatus(allegation, day, 0);
        if (best === NONE || app.rank[status] < app.rank[best]) best = status;
      }
      app.status[i] = best;
    }
    app.applyFilters();
  };

  // An allegation's status as it stood on `day`: its last review of that aspect by then, or "reported".
  app.allegationStatus = function (allegation, day, aspect) {
    let status = 0;
    for (const review of allegation[7] || []) if (review[2] === aspect && review[0] <= day) status = review[1];
    return status;
  };

  // The filters with options in the panel, and each site's value for each (NONE counts as -1).
  function facets() {
    const s = app.data.sites, v = app.data.vocab;
    return [["condition", app.cond, v.condition.length], ["certainty", app.cert, v.certainty.length],
      ["type", s.type, v.type.length], ["tradition", s.trad, v.tradition.length], ["status", app.status, v.status.length]];
  }

  // One pass over the sites sets what is shown and counts, for every option, the sites that pass
  // every OTHER filter and the search: how many would show if that option were ticked. A site that
  // fails nothing counts under each of its values; one that fails a single filter, under its value
  // for that filter. The sites the search finds among those shown are kept for the search list.
  app.applyFilters = function () {
    const f = app.filters, dims = facets(), sets = dims.map(d => f[d[0]]);
    const counts = dims.map(d => new Int32Array(d[2] + 1));
    const query = f.query ? fold(f.query.trim()) : "";
    const found = [];
    let shown = 0, shownLocated = 0, hidden = 0;
    for (let i = 0; i < app.n; i++) {
      const matches = !query || app.search[i].includes(query);
      let failures = matches ? 0 : 1, failed = NONE;
      for (let d = 0; d < dims.length && failures < 2; d++) {
        if (sets[d] && !sets[d].has(dims[d][1][i])) { failures++; failed = d; }
      }
      app.visible[i] = failures === 0 ? 1 : 0;
      if (failures === 0) {
        for (let d = 0; d < dims.length; d++) counts[d][dims[d][1][i] + 1]++;
        shown++;
        if (!Number.isNaN(app.px[i])) shownLocated++;
        if (query) found.push(i);
      } else if (failures === 1 && matches) {
        counts[failed][dims[failed][1][i] + 1]++;
      }
      if (query && matches && failures > 0) hidden++;
    }
    app.counts = {};
    dims.forEach((d, k) => { app.counts[d[0]] = counts[k]; });
    app.shown = shown; app.shownLocated = shownLocated;
    app.found = found; app.foundHidden = hidden; app.foundQuery = query;
    app.version++;  // the stacks of every zoom are made again from the sites shown now
    if (app.canvas) app.canvas.redraw();
    for (const listener of app.listeners || []) listener();
  };

  // How many sites the option `value` of filter `key` would show, the other filters as they are.
  app.countOf = function (key, value) { return app.counts[key][value + 1]; };

  app.onChange = function (listener) { (app.listeners = app.listeners || []).push(listener); };

  // -- drawing ------------------------------------------------------------------------------------

  function radiusAt(zoom) { return zoom < 6 ? 3 : zoom < 9 ? 4.5 : zoom < 12 ? 6 : 7.5; }
  app.radiusAt = radiusAt;

  const SiteCanvas = L.Layer.extend({
    onAdd: function (map) {
      this._map = map;
      const pane = map.getPane("overlayPane");
      this._canvas = L.DomUtil.create("canvas", "heritage-canvas leaflet-zoom-hide", pane);
      // Not zoomend: a zoom ends with moveend too, and one redraw is enough.
      map.on("moveend resize viewreset", this.redraw, this);
      map.on("click", this._click, this);
      map.on("mousemove", this._hover, this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize viewreset", this.redraw, this);
      map.off("click", this._click, this);
      map.off("mousemove", this._hover, this);
    },
    _transform: function () {
      const map = this._map, zoom = map.getZoom();
      const scale = Math.pow(2, zoom);
      const origin = map.getPixelOrigin();
      const topLeft = map.containerPointToLayerPoint([0, 0]);
      return { zoom, scale, ox: origin.x + topLeft.x, oy: origin.y + topLeft.y, topLeft };
    },
    // Only what is in view is drawn: single sites as dots, sites too close to tell apart as one
    // stack (static/stacks.js), both taken from the current zoom's stacks indexed by place.
    redraw: function () {
      if (!this._map) return;
      const started = performance.now();
      const size = this._map.getSize(), ratio = window.devicePixelRatio || 1;
      const t = this._transform(), canvas = this._canvas;
      L.DomUtil.setPosition(canvas, t.topLeft);
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      const ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      drawGraticule(ctx, this._map, size);
      const r = radiusAt(t.zoom), view = app.stacks.inView(t, size);
      const onScreen = view.singles, xs = app.xs, ys = app.ys;
      onScreen.forEach((i, k) => {
        xs[i] = app.px[i] * t.scale - t.ox + view.singleShift[k]; ys[i] = app.py[i] * t.scale - t.oy;
      });
      drawSites(ctx, onScreen, r, t.scale);
      app.stacks.draw(ctx, view, t, r);
      this._onScreen = onScreen; this._r = r;
      const stats = app.stats;
      Object.assign(stats, { sites: app.shownLocated, drawn: onScreen.length, clusters: view.marks.length,
        clustered: view.clustered, zoom: t.zoom, redraws: (stats.redraws || 0) + 1,
        lastRedrawMs: performance.now() - started });
    },
    nearest: function (point) {
      let best = NONE, bestDistance = Math.pow(this._r + 5, 2);
      for (const i of this._onScreen || []) {
        const dx = app.xs[i] - point.x, dy = app.ys[i] - point.y, d = dx * dx + dy * dy;
        if (d <= bestDistance) { best = i; bestDistance = d; }
      }
      return best;
    },
    _click: function (event) {
      if (app.stacks.openAt(event.containerPoint)) return;
      const i = this.nearest(event.containerPoint);
      if (i !== NONE) app.openSite(i);
    },
    _hover: function (event) {
      if (this._pending) return;
      this._pending = true;
      requestAnimationFrame(() => {
        this._pending = false;
        const point = event.containerPoint;
        const over = app.stacks.markAt(point) !== NONE || this.nearest(point) !== NONE;
        this._map.getContainer().style.cursor = over ? "pointer" : "";
      });
    },
  });

  // Single sites, as they always were: uncertainty, allegation ring, condition dot (pale and
  // dashed when only possible).
  function drawSites(ctx, onScreen, r, scale) {
    const xs = app.xs, ys = app.ys, s = app.data.sites;
    const colours = app.data.vocab.condition.map(c => c[2]);
    const statusColours = app.data.vocab.status.map(c => c[2]);
    // Uncertainty first, under everything: the area the site may be in.
    const metresPerPixel = 40075016.686 / (256 * scale);
    ctx.lineWidth = 1;
    for (const i of onScreen) {
      if (!s.unc[i]) continue;
      const lat = s.y[i] / SCALE;
      const radius = s.unc[i] / (metresPerPixel * Math.cos(lat * Math.PI / 180));
      if (radius < r + 2) continue;
      ctx.beginPath(); ctx.arc(xs[i], ys[i], radius, 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(60, 70, 80, 0.08)"; ctx.fill();
      ctx.setLineDash([4, 3]); ctx.strokeStyle = "rgba(60, 70, 80, 0.55)"; ctx.stroke(); ctx.setLineDash([]);
    }
    // Allegation rings, then the dots, one path per colour.
    ctx.lineWidth = 2.5;
    for (let c = 0; c < statusColours.length; c++) {
      ctx.beginPath();
      let any = false;
      for (const i of onScreen) {
        if (app.status[i] !== c) continue;
        ctx.moveTo(xs[i] + r + 3, ys[i]); ctx.arc(xs[i], ys[i], r + 3, 0, 2 * Math.PI); any = true;
      }
      if (any) { ctx.strokeStyle = statusColours[c]; ctx.stroke(); }
    }
    // A report that says the condition is only possible is drawn tentative: a pale fill inside a
    // dashed ring of its colour, so that "possibly damaged" does not read as damage seen.
    const possible = app.data.vocab.certainty.indexOf("possible");
    ctx.lineWidth = 1;
    for (let c = 0; c < colours.length; c++) {
      for (const tentative of [false, true]) {
        ctx.beginPath();
        let any = false;
        for (const i of onScreen) {
          if (app.cond[i] !== c || (app.cert[i] === possible) !== tentative) continue;
          ctx.moveTo(xs[i] + r, ys[i]); ctx.arc(xs[i], ys[i], r, 0, 2 * Math.PI); any = true;
        }
        if (!any) continue;
        ctx.fillStyle = colours[c];
        if (!tentative) {
          ctx.fill();
          if (r > 3) { ctx.strokeStyle = "rgba(255, 255, 255, 0.9)"; ctx.stroke(); }
          continue;
        }
        ctx.globalAlpha = 0.4; ctx.fill(); ctx.globalAlpha = 1;
        ctx.lineWidth = 1.5; ctx.setLineDash([2, 2]); ctx.strokeStyle = colours[c]; ctx.stroke();
        ctx.setLineDash([]); ctx.lineWidth = 1;
      }
    }
  }


  // Only on an empty background: a basemap or tiles say where the map is better than degrees do.
  function drawGraticule(ctx, map, size) {
    if (app.options.tiles || app.options.basemap) return;
    const bounds = map.getBounds(), span = bounds.getEast() - bounds.getWest();
    const steps = [30, 10, 5, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01];
    const step = steps.find(v => span / v >= 3) || 0.01;
    ctx.strokeStyle = "rgba(80, 100, 120, 0.18)"; ctx.fillStyle = "rgba(60, 75, 90, 0.75)";
    ctx.lineWidth = 1; ctx.font = "11px sans-serif";
    const digits = step < 0.1 ? 2 : step < 1 ? 1 : 0;
    for (let lon = Math.ceil(bounds.getWest() / step) * step; lon <= bounds.getEast(); lon += step) {
      const x = map.latLngToContainerPoint([bounds.getCenter().lat, lon]).x;
      ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, size.y); ctx.stroke();
      ctx.fillText(lon.toFixed(digits) + "°", x + 3, size.y - 26);
    }
    for (let lat = Math.ceil(bounds.getSouth() / step) * step; lat <= bounds.getNorth(); lat += step) {
      const y = map.latLngToContainerPoint([lat, bounds.getCenter().lng]).y;
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(size.x, y); ctx.stroke();
      ctx.fillText(lat.toFixed(digits) + "°", 4, y - 3);
    }
  }

  // -- one site's details -------------------------------------------------------------------------

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
    const v = app.data.vocab, said = [];
    if (h[8] !== null) said.push("visited " + visitTime(h[8], h[9]));
    if (h[7] !== null) said.push("access " + v.access[h[7]]);
    const box = el("p", { class: "heritage-visit", text: said.join(" · ") });
    if (h[10]) {
      box.appendChild(el("span", { class: "heritage-warning", title: "see the dossier or heritage show",
        text: "\u26a0 " + h[10] + " warning(s) recorded when the report came in" }));
    }
    return box;
  }

  app.siteDetails = function (i) {
    const d = app.data, s = d.sites, v = d.vocab;
    const box = el("div", { class: "heritage-site", "data-site": s.id[i] });
    const names = s.names[i];
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
    const k = app.current[i], hist = s.hist[i];
    const condition = v.condition[app.cond[i]];
    const line = el("p", { class: "heritage-condition" }, [
      el("span", { class: "heritage-swatch", style: "background:" + condition[2] }),
      el("strong", { text: k !== NONE && app.cond[i] === app.unknown ? "Unknown (not assessable)" : condition[1] })]);
    if (app.cert[i] !== NONE) line.appendChild(el("span", { class: "heritage-certainty", text: ", " + v.certainty[app.cert[i]] }));
    if (k !== NONE) {
      const h = hist[k];
      // marks (heritage.mapformat.date_marks): 1 approximate, 2 uncertain, 4 written open at its end,
      // whose last day is only the day it was recorded.
      const marks = h.length > 6 ? h[6] : 0;
      const said = [marks & 1 ? "approximate" : "", marks & 2 ? "uncertain" : ""].filter(Boolean).join(", ");
      const observed = (marks & 4 ? "on or after " + isoDay(h[1]) :
        h[1] !== null && h[1] !== h[0] ? isoDay(h[1]) + " – " + isoDay(h[0]) :
        h[1] === null ? "on or before " + isoDay(h[0]) : isoDay(h[0])) + (said ? " (" + said + ")" : "");
      line.appendChild(el("span", { text: " · observed " + observed + " · " + v.method[h[3]] }));
      box.appendChild(line);
      const visit = visitOf(h);
      if (visit) box.appendChild(visit);
      const sources = el("ul", { class: "heritage-sources" });
      for (const ref of d.cites[h[4]]) {  // a citation's number -> its rows in d.sources
        const src = d.sources[ref];
        const label = src[0] + (src[1] ? " — " + src[1] : "");
        sources.appendChild(el("li", {}, [link(src[3], label), el("span", { class: "heritage-grade",
          text: " reliability " + src[2] + (src[4] !== NONE ? " · speaks for " + v.party[src[4]][1] : "") })]));
      }
      box.appendChild(sources);
    } else {
      line.appendChild(el("span", { text: " · no report on or before " + isoDay(app.day) }));
      box.appendChild(line);
    }
    const changes = d.meta.changes;
    if (changes) {
      // Each side with its certainty, as the popup's condition line and `heritage changes` say it.
      const said = function (day) {
        const k = app.reportOn(i, day), sure = certaintyOf(i, k);
        return v.condition[conditionOf(i, k)][1] + (sure !== NONE ? ", " + v.certainty[sure] : "");
      };
      box.appendChild(el("p", { class: "heritage-change" }, [
        el("span", { text: "Between " + isoDay(changes[0]) + " and " + isoDay(changes[1]) + ": " }),
        el("strong", { text: said(changes[0]) + " \u2192 " + said(changes[1]) })]));
    }
    const rivals = d.disputed && d.disputed[i];  // see heritage.history.competing_corrections
    if (rivals) {
      box.appendChild(el("p", { class: "heritage-dispute",
        text: rivals + " competing corrections of one report, not yet settled: the condition shown is one of them" }));
    }
    const allegations = s.alg[i].filter(c => c[3] === null || c[3] <= app.day);
    const seen = k + 1;  // the reports in force by then: those up to the current one
    box.appendChild(el("p", { class: "heritage-counts",
      text: seen + " condition report(s) in force by " + isoDay(app.day) + " (" + s.nrep[i] + " recorded in all) · " +
        allegations.length + " allegation(s) made by then" }));
    if (allegations.length) {
      const list = el("ul", { class: "heritage-allegations" });
      for (const c of allegations) {
        const party = c[1] !== NONE ? " (" + v.party[c[1]][1] + ")" : "";
        list.appendChild(el("li", {}, [
          el("span", { class: "heritage-status", style: "border-color:" + v.status[app.allegationStatus(c, app.day, 0)][2],
            text: v.status[app.allegationStatus(c, app.day, 0)][1] }),
          el("span", { text: " " + c[4] + " · " + d.claimants[c[0]] + party + ": " + c[5].map(a => v.act[a]).join(", ") +
            (app.allegationStatus(c, app.day, 1) ? " · attribution " + v.status[app.allegationStatus(c, app.day, 1)][1] : "") }),
        ]));
      }
      box.appendChild(list);
    }
    if (s.dossier[i]) {
      box.appendChild(el("p", {}, [el("a", { href: "dossiers/" + encodeURIComponent(s.id[i]) + ".html",
        class: "heritage-dossier", text: "Open the site dossier" })]));
    }
    return box;
  };

  app.openSite = function (i) {
    if (Number.isNaN(app.px[i])) { app.showInPanel(i); return; }
    L.popup({ maxWidth: 360, className: "heritage-popup", autoPanPaddingTopLeft: [20, 60],
      autoPanPaddingBottomRight: [wide() ? 340 : 20, 30] })
      .setLatLng(app.nearCentre(i))
      .setContent(app.siteDetails(i))
      .openOn(app.map);
  };

  // Site i's place on the copy of the world nearest the map's centre: across the 180th meridian a
  // popup or a pan goes to the site seen on screen, not to its twin a world away.
  app.nearCentre = function (i) {
    const s = app.data.sites, centre = app.map.getCenter().lng;
    let lon = s.x[i] / SCALE;
    while (lon - centre > 180) lon -= 360;
    while (centre - lon > 180) lon += 360;
    return L.latLng(s.y[i] / SCALE, lon);
  };

  app.showInPanel = function (i) {
    const holder = document.getElementById("heritage-detail");
    if (!holder) return;
    holder.replaceChildren(app.siteDetails(i));
    holder.hidden = false;
  };

  // -- start --------------------------------------------------------------------------------------

  app.start = async function (map, options) {
    app.map = map; app.options = options || {};
    performance.mark("heritage-start");
    try {
      const loaded = await loadData();
      performance.mark("heritage-loaded");
      prepare(loaded);
      performance.mark("heritage-prepared");
    } catch (error) {
      document.body.appendChild(el("div", { class: "heritage-error",
        text: "This map's data could not be read in this browser (" + error + ")." }));
      throw error;
    }
    app.day = app.data.meta.asOfDay;
    app.canvas = new SiteCanvas();
    for (const component of app.components) component(app);
    performance.mark("heritage-components");
    app.setDate(app.day);
    map.addLayer(app.canvas);
    app.openView(map);  // map-view.js
    performance.mark("heritage-drawn");
    window.heritageReadyAt = performance.now();  // for benchmarks: milliseconds since navigation
    window.heritageReady = true;
    document.documentElement.dataset.heritageReady = "true";
  };

  // On a wide screen the filter panel covers the map's right-hand side.
  function wide() { return window.innerWidth > 640; }

  app.el = el;
  app.isoDay = isoDay;
  app.fold = fold;
  app.wide = wide;
  app.SCALE = SCALE;
})();
