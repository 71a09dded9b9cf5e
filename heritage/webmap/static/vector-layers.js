/* The vector layers beneath the sites: the Natural Earth basemap and the user's own layers.
 *
 * Reads the document in #heritage-layers (its format: heritage/context/__init__.py), projects every
 * coordinate once, and draws the features of the current zoom that lie in view on one canvas in
 * its own pane beneath the sites. Labels from the files are drawn with fillText only. The panel
 * gets a "Map layers" section; window.heritageMap.layers says, per layer id, how many features the
 * last redraw drew in view, and window.heritageMap.basemap how many of them were the basemap's.
 */
heritageApp.use(function (app) {
  "use strict";
  const holder = document.getElementById("heritage-layers");
  if (!holder) return;

  const LINE = {
    coast: { stroke: "#4f6679", width: 1.2 },
    border: { stroke: "#3b3a44", width: 1.4 },
    admin1: { stroke: "#76757c", width: 0.8, dash: [4, 3] },
    river: { stroke: "#6b9dc8", width: 1 },
    lake: { stroke: "#8fb1cc", width: 0.7, fill: "#cfe0ec" },
  };
  // Each user layer in its own muted colour, in the order they were given.
  const USER = ["#8a6a3a", "#5b7d57", "#7b5d87", "#4d7885", "#8a5c58", "#6a6a3c"];
  const MAX_LABELS = 400;
  const MAJOR = 11;  // from this zoom on, a user's line layer sets apart the lines drawn from afar

  async function readDocument() {
    if (holder.dataset.encoding === "gzip-base64") {
      const binary = atob(holder.textContent.trim());
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return JSON.parse(await new Response(stream).text());
    }
    return JSON.parse(holder.textContent);
  }

  // Web Mercator at zoom 0 (256 pixels for the world), as Leaflet projects: x and y grow by
  // 2^zoom at each zoom, so one projection serves them all.
  function projectX(lon) { return (lon + 180) / 360 * 256; }
  function projectY(lat) {
    const sin = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
    return (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * 256;
  }

  // A layer's features as flat typed arrays: zooms, a box per feature, and for lines and areas
  // the projected vertices of each part.
  function prepare(layer, index) {
    const features = layer.features, n = features.length, unit = layer.unit;
    const out = { layer, n, minz: new Uint8Array(n), maxz: new Uint8Array(n), box: new Float64Array(4 * n) };
    out.colour = layer.group === "user" ? USER[index % USER.length] : null;
    if (layer.kind === "point") {
      out.x = new Float64Array(n); out.y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const f = features[i];
        out.minz[i] = f[0]; out.maxz[i] = f[1];
        out.x[i] = projectX(f[2] * unit); out.y[i] = projectY(f[3] * unit);
        out.box.set([out.x[i], out.y[i], out.x[i], out.y[i]], 4 * i);
      }
      // Labels are placed in rank order: the important ones win a collision.
      out.order = Array.from({ length: n }, (_, i) => i).sort((a, b) => features[a][6] - features[b][6]);
      out.width = new Float32Array(n).fill(-1);  // each label's width, measured once when first drawn
      return out;
    }
    let vertices = 0, parts = 0;
    for (const f of features) for (let p = 2; p < f.length; p++) { vertices += f[p].length / 2; parts++; }
    const xy = new Float64Array(2 * vertices), start = new Int32Array(parts + 1), first = new Int32Array(n + 1);
    let v = 0, part = 0;
    for (let i = 0; i < n; i++) {
      const f = features[i];
      out.minz[i] = f[0]; out.maxz[i] = f[1]; first[i] = part;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let p = 2; p < f.length; p++) {
        const coords = f[p];
        start[part++] = v;
        let qx = 0, qy = 0;
        for (let k = 0; k < coords.length; k += 2) {
          qx += coords[k]; qy += coords[k + 1];
          const x = projectX(qx * unit), y = projectY(qy * unit);
          xy[2 * v] = x; xy[2 * v + 1] = y; v++;
          if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
        }
      }
      out.box.set([x0, y0, x1, y1], 4 * i);
    }
    start[part] = v; first[n] = part;
    Object.assign(out, { xy, start, first });
    // A user's layer whose features start at different zooms (an OpenStreetMap extract's roads)
    // draws those seen from afar, its main lines, wider.
    out.major = layer.group === "user" && out.minz.some(z => z < MAJOR) && out.minz.some(z => z >= MAJOR);
    layer.features = null;  // projected: the decoded JSON can go
    return out;
  }

  function inView(p, i, zoom, view) {
    if (zoom < p.minz[i] || zoom > p.maxz[i]) return false;
    const b = p.box;
    return !(b[4 * i] > view[2] || b[4 * i + 2] < view[0] || b[4 * i + 1] > view[3] || b[4 * i + 3] < view[1]);
  }

  // One path for the whole layer; a vertex less than half a pixel from the last one drawn adds
  // nothing visible and is skipped.
  function tracePaths(ctx, p, zoom, view, t, closed, majorOnly) {
    let drawn = 0;
    ctx.beginPath();
    for (let i = 0; i < p.n; i++) {
      if (!inView(p, i, zoom, view) || (majorOnly && p.minz[i] >= MAJOR)) continue;
      drawn++;
      for (let part = p.first[i]; part < p.first[i + 1]; part++) {
        const end = p.start[part + 1];
        let k = p.start[part], lastX = p.xy[2 * k] * t.scale - t.ox, lastY = p.xy[2 * k + 1] * t.scale - t.oy;
        ctx.moveTo(lastX, lastY);
        for (k++; k < end; k++) {
          const x = p.xy[2 * k] * t.scale - t.ox, y = p.xy[2 * k + 1] * t.scale - t.oy;
          if (k < end - 1 && Math.abs(x - lastX) < 0.5 && Math.abs(y - lastY) < 0.5) continue;
          ctx.lineTo(x, y); lastX = x; lastY = y;
        }
        if (closed) ctx.closePath();
      }
    }
    return drawn;
  }

  function drawShapes(ctx, p, zoom, view, t) {
    const layer = p.layer, area = layer.kind === "area";
    const style = p.colour ? { stroke: p.colour, width: area ? 0.9 : 1.3, fill: area ? p.colour : null }
      : LINE[layer.style] || LINE.coast;
    const drawn = tracePaths(ctx, p, zoom, view, t, area);
    if (!drawn) return 0;
    if (style.fill) {
      ctx.globalAlpha = p.colour ? 0.16 : 1;
      ctx.fillStyle = style.fill; ctx.fill("evenodd"); ctx.globalAlpha = 1;
    }
    ctx.setLineDash(style.dash || []);
    ctx.lineWidth = style.width; ctx.strokeStyle = style.stroke; ctx.lineJoin = "round"; ctx.stroke();
    ctx.setLineDash([]);
    if (p.major && zoom >= MAJOR && tracePaths(ctx, p, zoom, view, t, area, true)) {
      ctx.lineWidth = 2.4; ctx.stroke();
    }
    return drawn;
  }

  // Points: a dot (towns) or a small square (a user's points); their labels come later, all
  // together, so that no line is drawn over a name.
  function drawPoints(ctx, p, zoom, view, t, labels) {
    const square = !!p.colour;
    let drawn = 0;
    ctx.beginPath();
    for (const i of p.order) {
      if (!inView(p, i, zoom, view)) continue;
      drawn++;
      const x = p.x[i] * t.scale - t.ox, y = p.y[i] * t.scale - t.oy;
      if (square) ctx.rect(x - 2.5, y - 2.5, 5, 5);
      else { ctx.moveTo(x + 2.5, y); ctx.arc(x, y, 2.5, 0, 2 * Math.PI); }
      const f = p.layer.features[i];
      if (f[4] || f[5]) labels.push({ p, i, x, y, label: f[4] || f[5], local: f[4] && f[5] !== f[4] ? f[5] : "", rank: f[6] });
    }
    ctx.fillStyle = p.colour || "#353a42"; ctx.fill();
    if (!square) { ctx.lineWidth = 1; ctx.strokeStyle = "rgba(255, 255, 255, 0.9)"; ctx.stroke(); }
    return drawn;
  }

  // Simple collision avoidance: in rank order, a label is drawn only where it overlaps none
  // already drawn (found through a grid of cells, so that thousands of towns stay quick). A halo
  // keeps it legible over lines.
  const CELL = 128;

  function drawLabels(ctx, labels, size) {
    labels.sort((a, b) => a.rank - b.rank);
    const grid = new Map();
    let placed = 0;
    ctx.lineJoin = "round"; ctx.textBaseline = "alphabetic";
    for (const item of labels) {
      if (placed >= MAX_LABELS) break;
      const font = item.rank <= 1 ? "600 12px sans-serif" : "11px sans-serif";
      const width = labelWidth(ctx, item, font);
      const box = [item.x + 5, item.y - 11, item.x + 5 + width, item.y - 11 + (item.local ? 26 : 13)];
      if (box[2] < 0 || box[0] > size.x || box[3] < 0 || box[1] > size.y) continue;
      const cells = [];
      for (let cx = Math.floor(box[0] / CELL); cx <= Math.floor(box[2] / CELL); cx++) {
        for (let cy = Math.floor(box[1] / CELL); cy <= Math.floor(box[3] / CELL); cy++) cells.push(cx + ":" + cy);
      }
      const overlaps = b => box[0] < b[2] + 6 && box[2] + 6 > b[0] && box[1] < b[3] + 1 && box[3] + 1 > b[1];
      if (cells.some(cell => (grid.get(cell) || []).some(overlaps))) continue;
      for (const cell of cells) grid.has(cell) ? grid.get(cell).push(box) : grid.set(cell, [box]);
      placed++;
      ctx.font = font;
      halo(ctx, item.label, box[0], item.y + 1, "#262a31");
      if (item.local) {
        ctx.font = "11px sans-serif";
        halo(ctx, item.local, box[0], item.y + 14, "#3e444d");
      }
    }
    return placed;
  }

  function labelWidth(ctx, item, font) {
    const widths = item.p.width;
    if (widths[item.i] < 0) {
      ctx.font = font;
      let width = ctx.measureText(item.label).width;
      if (item.local) { ctx.font = "11px sans-serif"; width = Math.max(width, ctx.measureText(item.local).width); }
      widths[item.i] = width;
    }
    return widths[item.i];
  }

  function halo(ctx, text, x, y, colour) {
    ctx.lineWidth = 3; ctx.strokeStyle = "rgba(248, 247, 243, 0.92)"; ctx.strokeText(text, x, y);
    ctx.fillStyle = colour; ctx.fillText(text, x, y);
  }

  const ContextCanvas = L.Layer.extend({
    initialize: function (prepared) { this._prepared = prepared; },
    onAdd: function (map) {
      this._map = map;
      const pane = map.getPane("heritage-context") || map.createPane("heritage-context");
      pane.style.zIndex = 350;  // above tiles (200), beneath the sites' overlay pane (400)
      pane.style.pointerEvents = "none";
      this._canvas = L.DomUtil.create("canvas", "heritage-context-canvas leaflet-zoom-hide", pane);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend resize viewreset", this.redraw, this);
    },
    redraw: function () {
      const map = this._map;
      if (!map) return;
      const started = performance.now();
      const size = map.getSize(), ratio = window.devicePixelRatio || 1, canvas = this._canvas;
      const zoom = map.getZoom(), scale = Math.pow(2, zoom), origin = map.getPixelOrigin();
      const topLeft = map.containerPointToLayerPoint([0, 0]);
      const t = { scale, ox: origin.x + topLeft.x, oy: origin.y + topLeft.y };
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      const ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      const margin = 8, world = 256 * scale, z = Math.round(zoom), counts = {}, labels = [];
      // Each copy of the world the view reaches, as Leaflet's tiles repeat across the 180th meridian.
      for (let copy = Math.floor(t.ox / world); copy * world < t.ox + size.x; copy++) {
        const tc = { scale, ox: t.ox - copy * world, oy: t.oy };
        const view = [(tc.ox - margin) / scale, (tc.oy - margin) / scale,
          (tc.ox + size.x + margin) / scale, (tc.oy + size.y + margin) / scale];
        // Areas first, then lines, then points: a lake never hides a river or a town.
        for (const kind of ["area", "line", "point"]) {
          for (const p of this._prepared) {
            if (p.layer.kind !== kind) continue;
            const id = p.layer.id;
            if (!p.layer.on) { counts[id] = 0; continue; }
            const drawn = kind === "point" ? drawPoints(ctx, p, z, view, tc, labels) : drawShapes(ctx, p, z, view, tc);
            counts[id] = (counts[id] || 0) + drawn;
          }
        }
      }
      const drawnLabels = drawLabels(ctx, labels, size);
      const state = window.heritageMap = window.heritageMap || {};
      state.layers = counts;
      state.basemap = this._prepared.reduce((sum, p) => sum + (p.layer.group === "basemap" ? counts[p.layer.id] : 0), 0);
      state.layerLabels = drawnLabels;
      state.layersDrawnMs = performance.now() - started;
    },
  });

  function attributionOf(doc) {
    // Leaflet's control takes HTML: the link is built with DOM methods and serialised, so the
    // browser escapes its text and address.
    return doc.attribution.map(function ([text, url]) {
      const safe = /^https?:\/\//i.test(url) ? url : "";
      return app.el(safe ? "a" : "span", safe ? { href: safe, target: "_blank", rel: "noopener noreferrer", text }
        : { text }).outerHTML;
    });
  }

  function panelSection(prepared, doc, canvas) {
    const panel = document.getElementById("heritage-panel");
    if (!panel || !prepared.length) return;
    const el = app.el, box = el("div", { class: "heritage-options heritage-layers", id: "heritage-layers-panel" });
    for (const p of prepared) {
      const input = el("input", { type: "checkbox", "data-layer": p.layer.id });
      input.checked = p.layer.on;
      input.addEventListener("change", function () {
        p.layer.on = input.checked;
        canvas.redraw();
        updateAttribution();
      });
      const swatch = el("span", { class: "heritage-layer-swatch" });
      swatch.style.background = p.colour || (LINE[p.layer.style] || { stroke: "#353a42" }).stroke;
      box.appendChild(el("label", { "data-layer": p.layer.id }, [input, swatch, el("span", { text: p.layer.title }),
        el("span", { class: "heritage-n", text: String(p.n) })]));
    }
    const section = [el("h2", { text: "Map layers" }), box];
    if (doc.note && prepared.some(p => p.layer.group === "basemap")) {
      section.push(el("p", { class: "heritage-border-note", id: "heritage-border-note", text: doc.note }));
    }
    const detail = document.getElementById("heritage-detail");
    for (const node of section) panel.insertBefore(node, detail && detail.parentNode === panel ? detail : null);

    const credits = attributionOf(doc), control = app.map.attributionControl || L.control.attribution().addTo(app.map);
    let shown = false;
    function updateAttribution() {
      const wanted = prepared.some(p => p.layer.on);
      if (wanted === shown) return;
      for (const credit of credits) wanted ? control.addAttribution(credit) : control.removeAttribution(credit);
      shown = wanted;
    }
    updateAttribution();
  }

  readDocument().then(function (doc) {
    const prepared = doc.layers.map((layer, k) => prepare(layer, doc.layers.slice(0, k).filter(l => l.group === "user").length));
    if (prepared.some(p => p.layer.group === "basemap")) app.map.getContainer().classList.add("heritage-basemap");
    const canvas = new ContextCanvas(prepared);
    app.map.addLayer(canvas);
    panelSection(prepared, doc, canvas);
    app.layersCanvas = canvas;
  }).catch(function (error) {
    document.body.appendChild(app.el("div", { class: "heritage-error", text: "The map's layers could not be read (" + error + ")." }));
    throw error;
  });
});
