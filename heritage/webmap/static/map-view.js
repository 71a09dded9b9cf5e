/* The map's view: where it opens and what the address says.
 *
 * It opens on the site or view its address names (map.html#site=ID, map.html#12/39.75/46.75), else
 * on the box given to `heritage map --view`, else on the located sites. Once the user moves the
 * map, the hash follows the view (replaced, never a new history entry), so that copying the
 * address shares what is on screen; editing the hash moves the map. All of it works from file://.
 */
heritageApp.use(function (app) {
  const map = app.map;

  // What the filter panel covers: the right of a wide screen, the bottom of a narrow one.
  function panelCover() {
    const panel = document.getElementById("heritage-panel");
    const size = panel && !panel.classList.contains("heritage-collapsed") ? panel.getBoundingClientRect() : null;
    return { right: app.wide() ? 350 : 30, bottom: !size || app.wide() ? 40 : size.height + 30 };
  }

  // The map's own margins: the title bar above, the filter panel.
  function fitPadding() {
    const cover = panelCover();
    return { paddingTopLeft: [30, 70], paddingBottomRight: [cover.right, cover.bottom], animate: false };
  }

  // The box `heritage map --view W,S,E,N` asked for (west greater than east: across 180), or else
  // the located sites.
  function fitToView() {
    const view = app.options.view;
    if (!view) { fitToSites(); return; }
    const east = view[2] < view[0] ? view[2] + 360 : view[2];
    map.fitBounds([[view[1], view[0]], [view[3], east]], fitPadding());
  }

  // Zoom 14 at most: one site, or a few in one village, open on their surroundings, not on a roof.
  // Sites on both sides of the 180th meridian open on the narrower of the two boxes that hold them:
  // the one across the meridian (east of 180 counted from 180 up) when it is narrower.
  function fitToSites() {
    const s = app.data.sites, box = [180, 90, -180, -90], across = [360, 90, 0, -90];
    for (let i = 0; i < app.n; i++) {
      if (s.x[i] === null) continue;
      const lon = s.x[i] / app.SCALE, lat = s.y[i] / app.SCALE, wrapped = lon < 0 ? lon + 360 : lon;
      for (const [b, x] of [[box, lon], [across, wrapped]]) {
        b[0] = Math.min(b[0], x); b[2] = Math.max(b[2], x); b[1] = Math.min(b[1], lat); b[3] = Math.max(b[3], lat);
      }
    }
    if (box[0] > box[2]) return;
    const [west, south, east, north] = across[2] - across[0] < box[2] - box[0] ? across : box;
    map.fitBounds([[south, west], [north, east]], Object.assign(fitPadding(), { maxZoom: 14 }));
  }

  // The view a hash names, `#z/lat/lon` (as #12/39.75/46.75), or null if it names none.
  app.viewIn = function (hash) {
    const match = /^#(\d{1,2}(?:\.\d+)?)\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/.exec(hash);
    if (!match) return null;
    const zoom = Number(match[1]), lat = Number(match[2]), lon = Number(match[3]);
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return { zoom: Math.min(Math.max(zoom, map.getMinZoom()), map.getMaxZoom()), lat, lon };
  };

  // Pans and zooms to site i and opens it (a site with no location opens in the panel). The
  // address then names the site, until the map is moved.
  app.showSite = function (i) {
    const s = app.data.sites;
    if (s.x[i] !== null) {
      map.setView(app.nearCentre(i), Math.max(map.getZoom(), 13), { animate: false });
      if (!app.wide()) map.panBy([0, (panelCover().bottom - 40) / 2], { animate: false });  // above the panel
    }
    app.openSite(i);
    if (app.holdAddress) app.holdAddress("#site=" + encodeURIComponent(s.id[i]));
  };

  // map.html#site=ID opens that site (how the mission package's table links to the map), and
  // map.html#z/lat/lon that view. True if the address named either.
  app.openAddress = function () {
    const hash = window.location.hash, match = /^#site=(.+)$/.exec(hash);
    if (match) {
      let id = null;
      try { id = decodeURIComponent(match[1]); } catch (error) { return false; }
      const i = app.data.sites.id.indexOf(id);
      if (i < 0) return false;
      app.showSite(i);
      return true;
    }
    const view = app.viewIn(hash);
    if (view) map.setView([view.lat, view.lon], view.zoom, { animate: false });
    return view !== null;
  };

  app.openView = function () { if (!app.openAddress()) fitToView(); held = true; };

  // The hash as the view stands: finer as the zoom grows (about a pixel's worth of digits).
  function viewHash() {
    const zoom = map.getZoom(), centre = map.wrapLatLng(map.getCenter());
    const digits = Math.max(0, Math.ceil(Math.log(Math.max(zoom, 1)) / Math.LN2));
    return "#" + zoom + "/" + centre.lat.toFixed(digits) + "/" + centre.lng.toFixed(digits);
  }

  function replaceHash(hash) {
    if (window.location.hash !== hash) history.replaceState(history.state, "", hash);
  }

  // `held`: the address names what was asked for (a site, a view) and stays until the user moves;
  // moves the page makes itself (opening a site, a popup making room) leave it. Writes are spaced
  // out: Chromium refuses a page that replaces its address too often.
  let held = false, touched = false, timer = null;
  app.holdAddress = function (hash) { held = true; replaceHash(hash); };
  const release = function () { touched = true; held = false; };
  for (const type of ["pointerdown", "wheel", "keydown", "touchstart"]) {
    map.getContainer().addEventListener(type, release, { passive: true });
  }
  map.on("moveend", function () {
    if (!touched || held || timer !== null) return;
    timer = setTimeout(function () { timer = null; if (!held) replaceHash(viewHash()); }, 300);
  });
  window.addEventListener("hashchange", function () { if (app.openAddress()) held = true; });
});
