/* Stacks: sites at one spot, or too close to tell apart at the current zoom, drawn as one mark.
 *
 * For each integer zoom, the sites shown are gathered greedily: a site not yet taken takes every
 * site not yet taken within reachAt(zoom) pixels of it (found through a grid of cells that size,
 * so the whole pass is linear in the number of sites). A group of one is drawn as a single site
 * (by heritage-map.js); a larger one as a disc sized by the log of its count, a ring of its
 * conditions in proportion, the count in its middle and an allegation ring if any member has one.
 * Groups are made for the zoom on screen when first needed (and for the zooms either side while
 * the page is idle), kept for the last few zooms used, and dropped when the filters, the search or
 * the date change (app.version); each zoom's groups are indexed in blocks of the screen so that a
 * pan reads only the groups in view. A click on a stack lists its sites, each a button that opens
 * its popup.
 */
(function () {
  "use strict";

  const app = window.heritageApp;
  const NONE = -1;
  const BLOCK = 256;     // pixels per block of the index of groups in view
  const MOST = 100;      // sites listed in one stack's popup; more and the popup says zoom in
  const KEEP = 6;        // zooms whose groups are kept

  // Sites closer than this (in pixels) are one stack. Two dots touch at two radii; the reach is
  // wider so that the stacks, which are larger than a dot, do not cover each other too.
  function reachAt(zoom) { return 3 * app.radiusAt(zoom) + 10; }

  function markRadius(r, count) { return r + 2 + 2 * Math.log(count); }

  // Items in the cells of a grid: a hash table of the cells in use (open addressing on integer
  // keys, so that 100,000 items take milliseconds where a Map of number keys took 200 ms), each
  // cell holding a linked list of its items. `first(x, y)` is a cell's first item (or NONE),
  // `next[i]` the item after i.
  function cells(count, cellX, cellY, keep) {
    let size = 2;
    while (size < 2 * count) size *= 2;
    const mask = size - 1, keyX = new Int32Array(size), keyY = new Int32Array(size);
    const head = new Int32Array(size).fill(NONE), next = new Int32Array(count).fill(NONE);
    const slot = (x, y) => {
      let h = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663)) & mask;
      while (head[h] !== NONE && (keyX[h] !== x || keyY[h] !== y)) h = (h + 1) & mask;
      return h;
    };
    for (let i = count - 1; i >= 0; i--) {
      if (!keep[i]) continue;
      const h = slot(cellX[i], cellY[i]);
      keyX[h] = cellX[i]; keyY[h] = cellY[i]; next[i] = head[h]; head[h] = i;
    }
    return { first: (x, y) => head[slot(x, y)], next };
  }

  // The sites shown, in groups at `zoom`: members listed group by group (`members` from
  // `start[g]` to `start[g + 1]`), each group's centre in world pixels at zoom 0, and the index.
  function group(zoom) {
    const n = app.n, px = app.px, py = app.py;
    const reach = reachAt(zoom), scale = Math.pow(2, zoom), perCell = scale / reach;
    const within = Math.pow(reach / scale, 2);
    const gx = new Int32Array(n), gy = new Int32Array(n), shown = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!app.visible[i] || Number.isNaN(px[i])) continue;
      shown[i] = 1; gx[i] = Math.floor(px[i] * perCell); gy[i] = Math.floor(py[i] * perCell);
    }
    const grid = cells(n, gx, gy, shown), next = grid.next;
    const taken = new Uint8Array(n), members = new Int32Array(n), start = new Int32Array(n + 1);
    const cx = new Float64Array(n), cy = new Float64Array(n);
    let filled = 0, groups = 0;
    for (let i = 0; i < n; i++) {
      if (!shown[i] || taken[i]) continue;
      start[groups] = filled;  // i is the group's first member: every other lies within reach of it
      taken[i] = 1; members[filled++] = i;
      let sx = px[i], sy = py[i];
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (let j = grid.first(gx[i] + dx, gy[i] + dy); j !== NONE; j = next[j]) {
            if (taken[j]) continue;
            const ex = px[j] - px[i], ey = py[j] - py[i];
            if (ex * ex + ey * ey > within) continue;
            taken[j] = 1; members[filled++] = j; sx += px[j]; sy += py[j];
          }
        }
      }
      const count = filled - start[groups];
      cx[groups] = sx / count; cy[groups] = sy / count; groups++;
    }
    start[groups] = filled;
    const bx = new Int32Array(groups), by = new Int32Array(groups);
    for (let g = 0; g < groups; g++) {
      bx[g] = Math.floor(cx[g] * scale / BLOCK); by[g] = Math.floor(cy[g] * scale / BLOCK);
    }
    return { zoom, members, start: start.subarray(0, groups + 1), cx, cy,
      blocks: cells(groups, bx, by, new Uint8Array(groups).fill(1)) };
  }

  let cache = new Map(), cachedVersion = NONE;

  function groupsAt(zoom) {
    if (cachedVersion !== app.version) { cache = new Map(); cachedVersion = app.version; }
    let groups = cache.get(zoom);
    if (groups) { cache.delete(zoom); cache.set(zoom, groups); return groups; }  // now the newest
    groups = group(zoom);
    cache.set(zoom, groups);
    // A zoom's groups take about 50 bytes a site: keep the few zooms used last, not all twenty.
    if (cache.size > KEEP) cache.delete(cache.keys().next().value);
    return groups;
  }

  // Once a view is drawn, the zooms either side are grouped while the page is idle, so that the
  // next zoom in or out finds its groups made (at 100,000 sites grouping takes tens of ms).
  function prepareAround(zoom) {
    if (!window.requestIdleCallback) return;
    for (const z of [zoom + 1, zoom - 1]) {
      if (z < 0 || z > lastZoom() || (cachedVersion === app.version && cache.has(z))) continue;
      const version = app.version;
      requestIdleCallback(() => { if (version === app.version) groupsAt(z); }, { timeout: 1000 });
    }
  }

  // The groups in view: single sites (as site numbers) and stacks (as group numbers), each with the
  // shift in pixels of the world's copy it is seen in: a view across the 180th meridian shows the
  // sites east of it on the next copy of the world, as Leaflet's tiles do.
  function inView(t, size) {
    const zoom = Math.round(t.zoom), groups = groupsAt(zoom), pad = 48;
    const ratio = t.scale / Math.pow(2, zoom);  // a fractional zoom draws the nearest whole one's groups
    const world = 256 * t.scale, seen = new Set();
    const singles = [], singleShift = [], marks = [], markShift = [];
    let clustered = 0;
    for (let copy = Math.floor((t.ox - pad) / world); copy * world <= t.ox + size.x + pad; copy++) {
      const shift = copy * world, ox = t.ox - shift;
      const x0 = Math.floor((ox - pad) / ratio / BLOCK), x1 = Math.floor((ox + size.x + pad) / ratio / BLOCK);
      const y0 = Math.floor((t.oy - pad) / ratio / BLOCK), y1 = Math.floor((t.oy + size.y + pad) / ratio / BLOCK);
      for (let bx = x0; bx <= x1; bx++) {
        for (let by = y0; by <= y1; by++) {
          for (let g = groups.blocks.first(bx, by); g !== NONE; g = groups.blocks.next[g]) {
            const x = groups.cx[g] * t.scale - ox, y = groups.cy[g] * t.scale - t.oy;
            if (x < -pad || y < -pad || x > size.x + pad || y > size.y + pad || seen.has(g)) continue;
            seen.add(g);  // a view wider than the world shows each site once, on the first copy
            const count = groups.start[g + 1] - groups.start[g];
            if (count === 1) { singles.push(groups.members[groups.start[g]]); singleShift.push(shift); }
            else { marks.push(g); markShift.push(shift); clustered += count; }
          }
        }
      }
    }
    prepareAround(zoom);
    return { groups, singles, singleShift, marks, markShift, clustered };
  }

  let drawn = { groups: null, marks: [], x: [], y: [], radius: [] };

  function draw(ctx, view, t, r) {
    const groups = view.groups, v = app.data.vocab;
    const colours = v.condition.map(c => c[2]), statusColours = v.status.map(c => c[2]);
    const mix = new Int32Array(colours.length);
    drawn = { groups, marks: view.marks, x: [], y: [], radius: [] };
    view.marks.forEach((g, k) => {
      const from = groups.start[g], to = groups.start[g + 1], count = to - from;
      const x = groups.cx[g] * t.scale - t.ox + view.markShift[k], y = groups.cy[g] * t.scale - t.oy;
      const radius = markRadius(r, count);
      mix.fill(0);
      let best = NONE;
      for (let k = from; k < to; k++) {
        const i = groups.members[k], status = app.status[i];
        mix[app.cond[i]]++;
        if (status !== NONE && (best === NONE || app.rank[status] < app.rank[best])) best = status;
      }
      if (best !== NONE) {
        ctx.beginPath(); ctx.arc(x, y, radius + 3, 0, 2 * Math.PI);
        ctx.lineWidth = 2.5; ctx.strokeStyle = statusColours[best]; ctx.stroke();
      }
      let angle = -Math.PI / 2;
      for (let c = 0; c < mix.length; c++) {
        if (!mix[c]) continue;
        const end = angle + 2 * Math.PI * mix[c] / count;
        ctx.beginPath(); ctx.moveTo(x, y); ctx.arc(x, y, radius, angle, end); ctx.closePath();
        ctx.fillStyle = colours[c]; ctx.fill();
        angle = end;
      }
      ctx.beginPath(); ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.lineWidth = 1; ctx.strokeStyle = "rgba(31, 42, 54, 0.8)"; ctx.stroke();
      ctx.beginPath(); ctx.arc(x, y, radius * 0.62, 0, 2 * Math.PI);
      ctx.fillStyle = "#fff"; ctx.fill();
      ctx.fillStyle = "#1f2a36"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.font = "600 " + Math.max(9, Math.round(radius * 0.62)) + "px sans-serif";
      ctx.fillText(countText(count), x, y + 0.5);
      drawn.x.push(x); drawn.y.push(y); drawn.radius.push(radius);
    });
    ctx.textAlign = "start"; ctx.textBaseline = "alphabetic";
  }

  function countText(count) {
    if (count < 1000) return String(count);
    return count < 10000 ? (count / 1000).toFixed(1).replace(/\.0$/, "") + "k" : Math.round(count / 1000) + "k";
  }

  // The stack drawn under a point of the map (its position in the last drawing), or NONE.
  function markAt(point) {
    for (let k = drawn.marks.length - 1; k >= 0; k--) {
      const dx = drawn.x[k] - point.x, dy = drawn.y[k] - point.y;
      if (dx * dx + dy * dy <= Math.pow(drawn.radius[k] + 2, 2)) return k;
    }
    return NONE;
  }

  function openAt(point) {
    const k = markAt(point);
    if (k === NONE) return false;
    const groups = drawn.groups, g = drawn.marks[k];
    const sites = Array.from(groups.members.subarray(groups.start[g], groups.start[g + 1]));
    const centre = app.map.layerPointToLatLng(app.map.containerPointToLayerPoint([drawn.x[k], drawn.y[k]]));
    listed = L.popup({ maxWidth: 320, className: "heritage-popup heritage-stack-popup", autoPanPaddingTopLeft: [20, 60] })
      .setLatLng(centre).setContent(stackList(sites)).openOn(app.map);
    return true;
  }

  // A stack's list is of the sites shown when it opened: once the filters, the search or the date
  // change, the stacks are made again and the list may name sites no longer shown, so it closes.
  let listed = null;
  app.onChange(() => { if (listed && app.map.hasLayer(listed)) app.map.closePopup(listed); listed = null; });

  function nameOf(i) {
    const names = app.data.sites.names[i];
    return names.length ? names[1] : app.data.sites.id[i];
  }

  // What a click on a stack opens: its sites, each a button to its own popup; and "Zoom in" when
  // a closer view would draw them apart. Sites at the very same spot stay one stack at every zoom
  // (as do sites still too close at the last zoom): this list is how each of them is reached.
  function stackList(sites) {
    const el = app.el, v = app.data.vocab, s = app.data.sites;
    if (sites.length <= MOST) sites.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
    const box = el("div", { class: "heritage-stack" });
    box.appendChild(el("h3", { text: sites.length + " sites here" }));
    const bounds = boundsOf(sites), map = app.map;
    if (bounds && map.getZoom() < lastZoom()) {
      const zoom = el("button", { type: "button", class: "heritage-stack-zoom", text: "Zoom in" });
      zoom.addEventListener("click", () => {
        const target = Math.max(map.getZoom() + 1, map.getBoundsZoom(bounds.pad(0.5)));
        map.closePopup();
        map.setView(bounds.getCenter(), Math.min(lastZoom(), target));
      });
      box.appendChild(el("p", {}, [zoom]));  // above the list, which can be long
    } else {
      box.appendChild(el("p", { class: "heritage-stack-aside",
        text: bounds ? "Too close to draw apart at any zoom." : "All at the same spot." }));
    }
    const list = el("ul", { class: "heritage-stack-list" });
    for (const i of sites.slice(0, MOST)) {
      const condition = v.condition[app.cond[i]];
      const sure = app.cert[i] !== NONE ? ", " + v.certainty[app.cert[i]] : "";
      const name = el("span", { class: "heritage-stack-name", dir: "auto", text: nameOf(i) });
      if (s.names[i].length) name.lang = v.lang[s.names[i][0]];
      const button = el("button", { type: "button", "data-site": s.id[i] }, [
        el("span", { class: "heritage-swatch", style: "background:" + condition[2] }), name,
        el("span", { class: "heritage-stack-condition", text: condition[1] + sure })]);
      button.addEventListener("click", () => app.openSite(i));
      list.appendChild(el("li", {}, [button]));
    }
    box.appendChild(list);
    if (sites.length > MOST) {
      box.appendChild(el("p", { class: "heritage-stack-aside", text: "and " + (sites.length - MOST) +
        " more: zoom in to list them" }));
    }
    return box;
  }

  // The deepest zoom offered. A map with no tile layer has no maxZoom of its own (Leaflet then
  // says Infinity); past 19 a pixel is well under a metre, closer than any site is located.
  function lastZoom() {
    const most = app.map.getMaxZoom();
    return Number.isFinite(most) ? most : 19;
  }

  // The sites' extent, or null when they share one point (no zoom would draw them apart).
  function boundsOf(sites) {
    const s = app.data.sites, SCALE = app.SCALE;
    let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
    for (const i of sites) {
      west = Math.min(west, s.x[i]); east = Math.max(east, s.x[i]);
      south = Math.min(south, s.y[i]); north = Math.max(north, s.y[i]);
    }
    if (west === east && south === north) return null;
    return L.latLngBounds([south / SCALE, west / SCALE], [north / SCALE, east / SCALE]);
  }

  app.stacks = { inView, draw, markAt, openAt, groupsAt };
})();
