/* incident-mapper: draws incidents from a compact, pre-escaped payload on a Leaflet canvas.
   Every string in the payload was HTML-escaped (and stripped of template syntax) in Python; this file only
   concatenates those strings and never inserts raw data. */
(function (root) {
  "use strict";

  var STEPS = 200;
  var MAX_ZOOM = 19;   /* for a map without a basemap: the deepest zoom of our basemaps */
  var STACK_LIMIT = 100;   /* incidents listed under one click; zooming in narrows a longer list */
  var MARKER_RADIUS = 12;  /* 24 px markers: glyph and status readable at city zoom */

  /* A canvas circle marker with the event type's glyph: filled for confirmed, hollow and dashed for unconfirmed. */
  var GlyphMarker = L.CircleMarker.extend({
    _updatePath: function () { this._renderer._updateGlyph(this); }
  });
  /* Each (glyph, fill, colour, radius) is drawn once into a small canvas and then stamped: with 100k markers,
     setting fonts and dashes and calling fillText per marker dominated the time to first paint. */
  var sprites = {};
  function sprite(o, r) {
    var key = o.glyph + "|" + (o.solid ? 1 : 0) + "|" + o.color + "|" + r;
    var found = sprites[key];
    if (found) { return found; }
    var dpr = Math.max(1, Math.ceil(root.devicePixelRatio || 1));
    var size = 2 * r + 4, c = document.createElement("canvas");
    c.width = size * dpr;
    c.height = size * dpr;
    var ctx = c.getContext("2d"), x = size / 2, y = size / 2;
    ctx.scale(dpr, dpr);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2, false);
    ctx.fillStyle = o.solid ? o.color : "#ffffff";
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = o.color;
    ctx.setLineDash(o.solid ? [] : [3, 2]);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = o.solid ? "#ffffff" : o.color;
    ctx.font = "bold " + Math.round(r * 1.15) + "px 'DejaVu Sans', 'Segoe UI Symbol', sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(o.glyph, x, y + 1);
    sprites[key] = c;
    return c;
  }
  /* The count of incidents at one point, drawn on the top marker of a stack. */
  var badges = {};
  function badge(n) {
    var found = badges[n];
    if (found) { return found; }
    var dpr = Math.max(1, Math.ceil(root.devicePixelRatio || 1)), text = n > 99 ? "99+" : String(n);
    var w = Math.max(16, 7 * text.length + 8), h = 16, c = document.createElement("canvas");
    c.width = w * dpr;
    c.height = h * dpr;
    var ctx = c.getContext("2d");
    ctx.scale(dpr, dpr);
    ctx.beginPath();
    ctx.arc(h / 2, h / 2, h / 2 - 1, Math.PI / 2, Math.PI * 1.5, false);
    ctx.arc(w - h / 2, h / 2, h / 2 - 1, Math.PI * 1.5, Math.PI / 2, false);
    ctx.closePath();
    ctx.fillStyle = "#222";
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#fff";
    ctx.stroke();
    ctx.fillStyle = "#fff";
    ctx.font = "bold 11px 'DejaVu Sans', sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, w / 2, h / 2 + 0.5);
    badges[n] = { canvas: c, w: w, h: h };
    return badges[n];
  }
  L.Canvas.include({
    _updateGlyph: function (layer) {
      if (!this._drawing || layer._empty()) { return; }
      var p = layer._point, r = Math.max(Math.round(layer._radius), 1), size = 2 * r + 4;
      this._ctx.globalAlpha = 1;
      this._ctx.drawImage(sprite(layer.options, r), p.x - size / 2, p.y - size / 2, size, size);
      if (layer.stack > 1) {
        var b = badge(layer.stack);
        this._ctx.drawImage(b.canvas, p.x + r * 0.45, p.y - r - b.h / 2 + 2, b.w, b.h);
      }
    }
  });

  function div(cls, html) {
    var d = L.DomUtil.create("div", cls);
    if (html) { d.innerHTML = html; }
    return d;
  }

  function swatch(s) {
    var dash = s.dash ? ' stroke-dasharray="' + s.dash.replace(/[^0-9 ]/g, "") + '"' : "";
    return '<svg width="26" height="18" aria-hidden="true"><circle cx="13" cy="9" r="7" stroke="' + s.color +
      '" stroke-width="2"' + dash + ' fill="' + s.color + '" fill-opacity="' + (s.solid ? 0.35 : 0) + '"/></svg>';
  }

  function IncidentLayers(map, data, opts) {
    this.map = map;
    this.data = data;
    this.opts = opts || {};
    this.renderer = L.canvas({ padding: 0.5, tolerance: 3 });
    this.hiddenTypes = {};
    this.timeLimit = null;   /* null: show every time; else [start, end] in epoch seconds */
    this.groups = [];
    this.items = [];
    this.info = L.popup({ maxWidth: 360 });
    this.infoStatuses = {};   /* the statuses of the incidents the open popup is about */
    this.build();
  }

  /* Statuses in drawing order: hollow (unconfirmed) first, so a filled, confirmed marker is never under one. */
  IncidentLayers.prototype.drawOrder = function () {
    var order = this.data.statuses.map(function (s, si) { return si; });
    var statuses = this.data.statuses;
    return order.sort(function (a, b) { return (statuses[a].solid ? 1 : 0) - (statuses[b].solid ? 1 : 0) || a - b; });
  };

  IncidentLayers.prototype.build = function () {
    var self = this, data = this.data, map = this.map;
    data.statuses.forEach(function (s, si) {
      var cols = s.incidents, n = cols.id.length, items = [];
      var group = L.featureGroup();
      for (var i = 0; i < n; i++) {
        var type = data.types[cols.type[i]];
        var circle = L.circle([cols.lat[i], cols.lon[i]], {
          radius: cols.r[i], renderer: self.renderer, color: s.color, weight: s.weight, dashArray: s.dash || null,
          fill: true, fillColor: s.color, fillOpacity: s.fillOpacity, opacity: 0.9, si: si, idx: i
        });
        var marker = new GlyphMarker([cols.lat[i], cols.lon[i]], {
          radius: MARKER_RADIUS, renderer: self.renderer, color: s.color, solid: s.solid, glyph: type.glyph, si: si,
          idx: i
        });
        items.push([circle, marker]);
      }
      group.on("click", function (ev) { self.onClick(ev); });
      group.on("remove", function (ev) {  /* a status layer switched off takes its incidents' popup with it */
        if (ev.propagatedFrom) { return; }
        if (self.infoStatuses[si]) { map.closePopup(self.info); }
        if (self.built) { self.refilter(); }  /* the stack counts lose its incidents */
      });
      group.on("add", function (ev) {  /* switched on again: back into the drawing order, not on top of it */
        if (!ev.propagatedFrom && self.built) { self.refilter(); }
      });
      group.addTo(map);
      self.groups.push(group);
      self.items.push(items);
    });
    this.fill();
    this.built = true;
  };

  /* Adds every shown incident to its status layer: all circles first, then all markers, each in drawing order, so
     markers are never under a circle and confirmed markers are on top; a marker at the point of other shown
     incidents carries their count. */
  IncidentLayers.prototype.fill = function () {
    var self = this, order = this.drawOrder(), counts = {}, shown = [];
    order.forEach(function (si) {
      var c = self.data.statuses[si].incidents, on = self.map.hasLayer(self.groups[si]);
      self.items[si].forEach(function (pair, i) {
        if (!self.visible(si, i)) { return; }
        var key = c.lat[i] + "," + c.lon[i];
        if (on) { counts[key] = (counts[key] || 0) + 1; }
        shown.push([si, pair, key]);
      });
    });
    [0, 1].forEach(function (part) {
      shown.forEach(function (e) {
        if (part === 1) { e[1][1].stack = counts[e[2]] || 0; }
        self.groups[e[0]].addLayer(e[1][part]);
      });
    });
  };

  function links(list) {
    /* [escaped text, 1 when Python found it an http(s) URL]: only those become links */
    return list.map(function (l, n) {
      return l[1] ? '<a href="' + l[0] + '" target="_blank" rel="noopener noreferrer nofollow">' +
        (n === 0 ? "link" : "media " + n) + "</a>" : '<span class="im-muted">' + l[0] + "</span>";
    }).join(" ");
  }

  /* Text that may be in any script (an Arabic name, a Hebrew place) isolated from what surrounds it, so the dates,
     handles and dots around it stay in their order. `html` is a payload string (escaped in Python). */
  function iso(html, cls) {
    return '<span dir="auto" class="im-iso' + (cls ? " " + cls : "") + '">' + html + "</span>";
  }

  /* The rows of an incident's <dl>: [term, definition html]. Add a row here to show something more. */
  IncidentLayers.prototype.popupRows = function (si, i) {
    var S = this.data.strings, s = this.data.statuses[si], c = s.incidents, n = c.reports[i].length, rows = [];
    if (c.span[i] >= 0) {
      rows.push(["When", S[c.time[i]] + '<br><span class="im-muted">the time all ' + n + " reports allow</span>"]);
      rows.push(["Reports span", S[c.span[i]]]);
    } else {
      rows.push(["When", S[c.time[i]]]);
    }
    rows.push(["Where", iso(S[c.place[i]]) + ' <span class="im-muted">(' + S[c.precision[i]] + ")</span>" +
      (c.unmatched[i] >= 0 ? '<br><span class="im-unmatched">' + S[c.unmatched[i]] + "</span>" : "")]);
    rows.push(["Why " + s.label.toLowerCase(), S[c.reason[i]]]);
    return rows;
  };

  /* One report: who (isolated), when, hedges, the post's own words (quoted, when we have them), our summary, links. */
  IncidentLayers.prototype.reportItem = function (si, i, r) {
    var S = this.data.strings, c = this.data.statuses[si].incidents, src = this.data.sources[r[0]];
    return "<li><b>" + iso(src.label) + "</b>" + (src.name ? " " + iso(src.name, "im-muted") : "") +
      " · " + S[r[1] < 0 ? c.time[i] : r[1]] +
      (r[2] >= 0 ? ' <span class="im-hedge">hedged: ' + iso(S[r[2]]) + "</span>" : "") +
      (r[5] ? '<div class="im-quote" dir="auto">“' + r[5] + "”</div>" : "<br>") +
      (r[5] ? '<span class="im-muted">Summary: </span>' : "") + iso(r[3]) +
      (r[4].length ? '<br><span class="im-links">' + links(r[4]) + "</span>" : "") +
      (r[6] && r[6].length ? '<br><span class="im-attrs">' + r[6].map(function (kv) {
        return iso(kv[0], "im-muted") + ": " + iso(kv[1]);  /* the table's own columns, escaped in Python */
      }).join(" · ") + "</span>" : "") + "</li>";
  };

  IncidentLayers.prototype.popup = function (si, i) {
    var self = this, data = this.data, s = data.statuses[si], c = s.incidents, type = data.types[c.type[i]];
    var html = '<div class="im-popup"><div class="im-badge im-' + s.key + '">' + swatch(s) + s.label +
      (c.override[i] ? " · analyst override" : "") + "</div>" +
      "<h4>" + type.glyph + " " + iso(c.title[i]) + "</h4><dl>";
    this.popupRows(si, i).forEach(function (row) { html += "<dt>" + row[0] + "</dt><dd>" + row[1] + "</dd>"; });
    html += "</dl><h5>" + c.reports[i].length + (c.reports[i].length === 1 ? " report" : " reports") + "</h5><ol>";
    c.reports[i].forEach(function (r) { html += self.reportItem(si, i, r); });
    return html + "</ol></div>";
  };

  /* A click opens the incident under it; when several incidents' markers (or, off every marker, circles) are under
     it, a list of them, each opening its own popup. A click without a pointer event (a script's) opens its layer's. */
  IncidentLayers.prototype.onClick = function (ev) {
    L.DomEvent.stop(ev);
    var layer = ev.propagatedFrom || ev.layer;
    var hits = ev.originalEvent ? this.hitsAt(this.map.mouseEventToLayerPoint(ev.originalEvent)) : [];
    if (!hits.length) { hits = [[layer.options.si, layer.options.idx]]; }
    if (hits.length === 1) { this.openIncident(hits[0][0], hits[0][1], ev.latlng); }
    else { this.openStack(hits, ev.latlng); }
  };

  /* [status index, incident index] of every shown incident whose marker is under `point` (a layer point), else
     whose circle is; in status then payload order. */
  IncidentLayers.prototype.hitsAt = function (point) {
    var markers = [], circles = [];
    this.items.forEach(function (pairs, si) {
      for (var i = 0; i < pairs.length; i++) {
        var pair = pairs[i];
        if (!pair[1]._map) { continue; }  /* filtered out, or its status layer is off */
        if (pair[1]._containsPoint(point)) { markers.push([si, i]); }
        else if (!markers.length && pair[0]._containsPoint(point)) { circles.push([si, i]); }
      }
    });
    return markers.length ? markers : circles;
  };

  /* Popup content as an element: markup from `html` (payload strings only), buttons wired to `actions`. */
  function content(html, actions) {
    var el = div("im-content", html);
    L.DomEvent.on(el, "click", function (ev) {
      var button = ev.target.closest ? ev.target.closest("button[data-act]") : null;
      if (!button || !el.contains(button)) { return; }
      L.DomEvent.stop(ev);
      actions[button.getAttribute("data-act")](button);
    });
    return el;
  }

  IncidentLayers.prototype.show = function (el, latlng, hits) {
    var about = this.infoStatuses = {};
    hits.forEach(function (h) { about[h[0]] = true; });
    this.info.setLatLng(latlng).setContent(el);
    if (!this.map.hasLayer(this.info)) { this.info.openOn(this.map); }
  };

  IncidentLayers.prototype.openIncident = function (si, i, latlng) {
    this.show(content(this.popup(si, i), {}), latlng, [[si, i]]);
  };

  IncidentLayers.prototype.openStack = function (hits, latlng) {
    var self = this, data = this.data, S = data.strings;
    var html = '<div class="im-popup im-stack"><h4>' + hits.length + " incidents here</h4><ul>";
    hits.slice(0, STACK_LIMIT).forEach(function (h, n) {
      var s = data.statuses[h[0]], c = s.incidents, i = h[1], type = data.types[c.type[i]];
      html += '<li><button type="button" class="im-stack-open" data-act="open" data-n="' + n + '">' +
        '<span class="im-glyph">' + type.glyph + "</span> " + iso(c.title[i]) + "</button>" +
        '<span class="im-stack-meta"><span class="im-badge im-' + s.key + '">' + swatch(s) + s.label + "</span> " +
        '<span class="im-muted">' + S[c.time[i]] + "</span></span></li>";
    });
    if (hits.length > STACK_LIMIT) {
      html += '<li class="im-muted">and ' + (hits.length - STACK_LIMIT) + " more: zoom in to tell them apart</li>";
    }
    this.show(content(html + "</ul></div>", {
      open: function (button) {
        var h = hits[Number(button.getAttribute("data-n"))];
        var back = '<button type="button" class="im-stack-back" data-act="back">← ' + hits.length +
          " incidents here</button>";
        self.show(content(back + self.popup(h[0], h[1]), {
          back: function () { self.openStack(hits, latlng); }
        }), latlng, [h]);
      }
    }), latlng, hits);
  };

  /* Calls fn(si, i) for every incident the status layers show now (status layer on, type and time filters). */
  IncidentLayers.prototype.eachShown = function (fn) {
    var self = this;
    this.data.statuses.forEach(function (s, si) {
      if (!self.map.hasLayer(self.groups[si])) { return; }
      for (var i = 0; i < s.incidents.id.length; i++) { if (self.visible(si, i)) { fn(si, i); } }
    });
  };

  /* Calls fn whenever what the status layers show changes: a filter, or a status layer on or off. */
  IncidentLayers.prototype.onShownChange = function (fn) {
    this.map.on("incidentfilter", fn);
    this.groups.forEach(function (group) {
      group.on("add remove", function (ev) { if (!ev.propagatedFrom) { fn(); } });  /* not its circles' events */
    });
  };

  IncidentLayers.prototype.visible = function (si, i) {
    var c = this.data.statuses[si].incidents;
    if (this.hiddenTypes[c.type[i]]) { return false; }
    if (this.timeLimit && (c.t0[i] > this.timeLimit[1] || c.t1[i] < this.timeLimit[0])) { return false; }
    return true;
  };

  /* Re-apply the type and time filters; layer visibility (the layer control) is untouched. */
  IncidentLayers.prototype.refilter = function () {
    this.groups.forEach(function (group) { group.clearLayers(); });
    this.fill();
    this.map.fire("incidentfilter");
  };

  IncidentLayers.prototype.countVisible = function () {
    var n = 0, self = this;
    this.groups.forEach(function (g, si) { if (self.map.hasLayer(g)) { n += g.getLayers().length / 2; } });
    return n;
  };

  /* Class and inline style of a status's pin or count: filled for a solid status, hollow (dashed in CSS) otherwise. */
  function statusLook(s) {
    return 'im-' + (s.solid ? "solid" : "hollow") + '" style="' + (s.solid ? "background:" : "color:") + s.color +
      ";border-color:" + s.color;
  }

  /* The pin of one incident in the cluster overlay: its glyph, filled for confirmed, hollow and dashed otherwise. */
  function pinIcon(s, type) {
    return L.divIcon({
      className: "im-pin", iconSize: [22, 22],
      html: '<span class="im-pin-dot ' + statusLook(s) + '">' + type.glyph + "</span>"
    });
  }

  /* A cluster's icon: one count per status, styled as that status (filled / hollow and dashed). */
  function clusterIcon(data, cluster) {
    var counts = data.statuses.map(function () { return 0; }), html = "", parts = 0, title = [];
    cluster.getAllChildMarkers().forEach(function (m) { counts[m.options.si] += 1; });
    data.statuses.forEach(function (s, si) {
      if (!counts[si]) { return; }
      parts += 1;
      title.push(counts[si] + " " + s.label);
      html += '<span class="im-cc ' + statusLook(s) + '">' + counts[si] + "</span>";
    });
    return L.divIcon({
      className: "im-cluster", iconSize: L.point(8 + 34 * parts, 30),
      html: '<div class="im-cluster-in" title="' + title.join(", ") + '">' + html + "</div>"
    });
  }

  /* Clusters of the incidents the status layers show, kept in step with them. Markers are made when first shown;
     a change that comes while a large batch is still being added (in chunks) is applied when it is done. */
  function clusterOverlay(map, layers, data) {
    var overlay = L.layerGroup(), cluster = null, pins = [], shown = [], icons = {}, busy = false, again = false;
    data.statuses.forEach(function () { pins.push([]); shown.push([]); });
    function open(ev) {
      L.DomEvent.stop(ev);
      layers.openIncident(this.options.si, this.options.idx, this.getLatLng());
    }
    function pin(si, i) {
      if (!pins[si][i]) {
        var s = data.statuses[si], c = s.incidents, key = si + ":" + c.type[i];
        var icon = icons[key] || (icons[key] = pinIcon(s, data.types[c.type[i]]));
        pins[si][i] = L.marker([c.lat[i], c.lon[i]], { icon: icon, si: si, idx: i }).on("click", open);
      }
      return pins[si][i];
    }
    function sync() {
      if (!cluster || !map.hasLayer(overlay)) { return; }
      if (busy) { again = true; return; }
      var wanted = data.statuses.map(function () { return {}; }), add = [], drop = [];
      layers.eachShown(function (si, i) { wanted[si][i] = true; });
      data.statuses.forEach(function (s, si) {
        for (var i = 0; i < s.incidents.id.length; i++) {
          var want = wanted[si][i] === true;
          if (want !== (shown[si][i] === true)) { shown[si][i] = want; (want ? add : drop).push(pin(si, i)); }
        }
      });
      if (drop.length) { cluster.removeLayers(drop); }
      if (add.length) { busy = true; cluster.addLayers(add); }
    }
    overlay.on("add", function () {
      if (!cluster) {
        cluster = L.markerClusterGroup({
          chunkedLoading: true,
          iconCreateFunction: function (c) { return clusterIcon(data, c); },
          chunkProgress: function (done, total) {
            if (done < total) { return; }
            busy = false;
            if (again) { again = false; sync(); }
          }
        });
        overlay.addLayer(cluster);
      }
      sync();
    });
    layers.onShownChange(sync);
    return overlay;
  }

  /* A heat map of the incidents the status layers show (confirmed weigh double), kept in step with them. */
  function heatOverlay(map, layers, data) {
    var overlay = L.layerGroup(), heat = null;
    function points() {
      var pts = [];
      layers.eachShown(function (si, i) {
        var s = data.statuses[si];
        pts.push([s.incidents.lat[i], s.incidents.lon[i], s.solid ? 1 : 0.5]);
      });
      return pts;
    }
    function sync() { if (heat && map.hasLayer(overlay)) { heat.setLatLngs(points()); } }
    overlay.on("add", function () {
      if (heat) { sync(); return; }
      heat = L.heatLayer(points(), { radius: 22, blur: 18 });
      overlay.addLayer(heat);
    });
    layers.onShownChange(sync);
    return overlay;
  }

  function layerControl(map, layers, data, opts, tiles) {
    var overlays = {};
    data.statuses.forEach(function (s, si) {
      overlays[swatch(s) + s.label + " (" + s.incidents.id.length + ")"] = layers.groups[si];
    });
    if (opts.cluster && L.markerClusterGroup) {
      overlays["Clusters"] = clusterOverlay(layers.map, layers, data);
    }
    if (opts.heat && L.heatLayer) {
      overlays["Heat"] = heatOverlay(layers.map, layers, data);
    }
    var ctl = L.control.layers(tiles, overlays, { collapsed: false, position: "topright" }).addTo(map);
    typeSection(ctl, layers, data);
    return ctl;
  }

  /* The layer control groups what can be hidden: status layers (Leaflet's overlays) and, below them, event types.
     Both sit outside the lists Leaflet rebuilds, so they survive its updates. */
  function typeSection(ctl, layers, data) {
    var form = ctl.getContainer().querySelector(".leaflet-control-layers-list");
    var overlays = ctl.getContainer().querySelector(".leaflet-control-layers-overlays");
    form.insertBefore(div("im-layer-head", "Status"), overlays);
    form.appendChild(div("leaflet-control-layers-separator"));
    var html = '<div class="im-layer-head">Event type</div>';
    data.types.forEach(function (t, ti) {
      if (!t.present) { return; }
      html += '<label class="im-row"><input type="checkbox" checked data-type="' + ti + '"> <span class="im-glyph">' +
        t.glyph + "</span> " + t.label + "</label>";
    });
    var box = div("im-types", html);
    box.addEventListener("change", function (ev) {
      var ti = ev.target.getAttribute("data-type");
      if (ti === null) { return; }
      layers.hiddenTypes[ti] = !ev.target.checked;
      layers.refilter();
    });
    form.appendChild(box);
  }

  function legend(map, layers, data) {
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var box = div("im-legend leaflet-bar");
      var html = "<b>Status</b>";
      data.statuses.forEach(function (s) {
        html += '<div class="im-row">' + swatch(s) + "<span><b>" + s.label + "</b> — " + s.legend + "</span></div>";
      });
      html += "<b>Event type</b> <span class=\"im-muted\">(hide types in the layer control)</span>";
      data.types.forEach(function (t) {
        if (!t.present) { return; }
        html += '<div class="im-row"><span class="im-glyph">' + t.glyph + "</span> " + t.label + "</div>";
      });
      html += '<div class="im-note"><b>Circles</b>Each incident happened somewhere inside its circle: the radius is the ' +
        "named place's size, widened by the report's wording (\"near\", \"around\", \"heading to\").</div>";
      box.appendChild(div("im-body", html));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return ctl.addTo(map);
  }

  /* Moments written as the popups write them (layers/timelabels.py): "5 Jan 2026 21:00", and the zone once, as
     "UTC−4, America/Caracas". */
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function moment(seconds, tz) {
    var date = new Date(seconds * 1000), got = {};
    try {
      new Intl.DateTimeFormat("en-GB", {
        timeZone: tz, day: "numeric", month: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit",
        hourCycle: "h23", timeZoneName: "longOffset"
      }).formatToParts(date).forEach(function (p) { got[p.type] = p.value; });
    } catch (e) {
      var iso = date.toISOString();
      got = { day: String(Number(iso.slice(8, 10))), month: iso.slice(5, 7), year: iso.slice(0, 4),
              hour: iso.slice(11, 13), minute: iso.slice(14, 16), timeZoneName: "GMT" };
      tz = "UTC";
    }
    var off = /GMT([+-])(\d\d):(\d\d)/.exec(got.timeZoneName || "");
    var offset = off ? "UTC" + (off[1] === "-" ? "\u2212" : "+") + Number(off[2]) + (off[3] !== "00" ? ":" + off[3] : "")
      : "UTC+0";
    return { text: Number(got.day) + " " + MONTHS[Number(got.month) - 1] + " " + got.year + " " + got.hour + ":" + got.minute,
             zone: tz === "UTC" || tz === "Etc/UTC" ? "UTC" : offset + ", " + tz, offset: offset };
  }

  function fmtTime(seconds, tz) {
    var m = moment(seconds, tz);
    return m.text + " (" + m.zone + ")";
  }

  function fmtRange(t0, t1, tz) {
    var a = moment(t0, tz), b = moment(t1, tz);
    if (a.zone !== b.zone) { return a.text + " " + a.offset + " – " + b.text + " " + b.offset + " (" + tz + ")"; }
    return a.text + " – " + b.text + " (" + a.zone + ")";
  }

  function timeControl(map, layers, data) {
    var t0 = Infinity, t1 = -Infinity;
    data.statuses.forEach(function (s) {
      s.incidents.t0.forEach(function (v) { t0 = Math.min(t0, v); });
      s.incidents.t1.forEach(function (v) { t1 = Math.max(t1, v); });
    });
    if (!(t1 > t0)) { return null; }
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () {
      var box = div("im-time leaflet-bar");
      box.innerHTML = '<b>Time</b> <label><input type="checkbox" class="im-all" checked> all</label> ' +
        '<label><input type="checkbox" class="im-cumulative"> up to</label> ' +
        '<button type="button" class="im-play" title="Play">▶</button><br>' +
        '<input type="range" class="im-slider" min="0" max="' + STEPS + '" value="' + STEPS + '">' +
        '<div class="im-when"></div>';
      var all = box.querySelector(".im-all"), cum = box.querySelector(".im-cumulative");
      var slider = box.querySelector(".im-slider"), label = box.querySelector(".im-when");
      var play = box.querySelector(".im-play"), timer = null, step = (t1 - t0) / STEPS;
      function apply() {
        if (all.checked) {
          layers.timeLimit = null;
          label.textContent = fmtRange(t0, t1, data.timezone);
        } else {
          var at = t0 + step * Number(slider.value);
          layers.timeLimit = cum.checked ? [t0, at] : [at - step / 2, at + step / 2];
          label.textContent = (cum.checked ? "up to " : "around ") + fmtTime(at, data.timezone);
        }
        layers.refilter();
      }
      slider.addEventListener("input", function () { all.checked = false; apply(); });
      all.addEventListener("change", apply);
      cum.addEventListener("change", function () { all.checked = false; apply(); });
      play.addEventListener("click", function () {
        if (timer) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
        all.checked = false;
        if (Number(slider.value) >= STEPS) { slider.value = 0; }
        play.textContent = "❚❚";
        timer = setInterval(function () {
          slider.value = Number(slider.value) + 1;
          apply();
          if (Number(slider.value) >= STEPS) { clearInterval(timer); timer = null; play.textContent = "▶"; }
        }, 120);
      });
      L.DomEvent.disableClickPropagation(box);
      label.textContent = fmtRange(t0, t1, data.timezone);
      return box;
    };
    return ctl.addTo(map);
  }

  function measureControl(map) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var box = div("im-measure leaflet-bar"), btn = L.DomUtil.create("a", "", box), out = div("im-measure-out");
      btn.href = "#";
      btn.title = "Measure a distance (click points, click the ruler again to stop)";
      btn.textContent = "↔";
      box.appendChild(out);
      var active = false, points = [], line = null;
      function onClick(ev) {
        points.push(ev.latlng);
        if (!line) { line = L.polyline(points, { color: "#333", weight: 2, dashArray: "4 4" }).addTo(map); }
        line.setLatLngs(points);
        var d = 0;
        for (var i = 1; i < points.length; i++) { d += points[i - 1].distanceTo(points[i]); }
        out.textContent = d >= 1000 ? (d / 1000).toFixed(2) + " km" : Math.round(d) + " m";
      }
      L.DomEvent.on(btn, "click", function (ev) {
        L.DomEvent.preventDefault(ev);
        L.DomEvent.stopPropagation(ev);
        active = !active;
        L.DomUtil[active ? "addClass" : "removeClass"](box, "im-active");
        if (active) {
          points = []; out.textContent = "click the map";
          map.on("click", onClick);
          map.getContainer().style.cursor = "crosshair";
        } else {
          map.off("click", onClick);
          map.getContainer().style.cursor = "";
          if (line) { map.removeLayer(line); line = null; }
          out.textContent = "";
        }
      });
      return box;
    };
    return ctl.addTo(map);
  }

  function notice(map, text, layout) {
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () { return div("im-notice", text); };
    ctl.addTo(map);
    if (layout) { layout.update(); }
    return ctl;
  }

  /* Context notes (claims with no place, so not on the map) in a panel that opens from the title box. */
  function notesPanel(data) {
    var notes = data.notes || [];
    if (!notes.length) { return ""; }
    var html = '<details class="im-notes"><summary>Read the ' + notes.length +
      (notes.length === 1 ? " context note" : " context notes") + "</summary>" +
      '<div class="im-muted">Claims with no place: not on the map.</div><ol>';
    notes.forEach(function (n) {
      var meta = [n.source ? iso(n.source) : "", n.time].filter(function (t) { return t; }).join(" · ");
      html += "<li>" + iso(n.text) + (meta ? '<br><span class="im-muted">' + meta + "</span>" : "") +
        (n.hedges ? ' <span class="im-hedge">hedged: ' + n.hedges + "</span>" : "") + "</li>";
    });
    return html + "</ol></details>";
  }

  function titleBox(map, data) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var c = data.counts;
      var box = div("im-title", "<b>" + iso(data.title) + "</b><br><span class=\"im-muted\">" + c.incidents +
        " incidents from " + c.mapped + " reports · " + c.unresolved + " unresolved · " + c.notes +
        " context notes</span>" + notesPanel(data));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return ctl.addTo(map);
  }

  root.IncidentMapper = {
    init: function (map, data, opts) {
      opts = opts || {};
      var tiles = opts.tiles || {};
      /* without a basemap nothing sets a deepest zoom, and clusters need one */
      if (!isFinite(map.getMaxZoom())) { map.setMaxZoom(MAX_ZOOM); }
      /* the view first: layers added to a map without one are projected and drawn twice */
      if (data.bounds) { map.fitBounds(data.bounds, { padding: [20, 20], maxZoom: 16 }); }
      else { map.setView([0, 0], 2); }
      var layers = new IncidentLayers(map, data, opts);
      var title = titleBox(map, data);
      var layerCtl = layerControl(map, layers, data, opts, tiles);
      var legendCtl = legend(map, layers, data);
      var time = timeControl(map, layers, data);
      L.control.scale({ metric: true, imperial: false }).addTo(map);
      if (L.control.fullscreen) { L.control.fullscreen({ position: "topleft" }).addTo(map); }
      measureControl(map);
      var mini = null;
      if (opts.minimapTiles && L.Control.MiniMap) {
        mini = new L.Control.MiniMap(L.tileLayer(opts.minimapTiles, { attribution: "" }), { toggleDisplay: true });
        mini.addTo(map);
      }
      if (data.attribution) { map.attributionControl.addAttribution("Reports: " + data.attribution); }
      var layout = new root.IncidentLayout(map, {
        title: title.getContainer(), layers: layerCtl.getContainer(), legend: legendCtl.getContainer(),
        time: time ? time.getContainer() : null, minimap: mini ? mini.getContainer() : null, minimapControl: mini
      });
      var notes = title.getContainer().querySelector(".im-notes");
      if (notes) { notes.addEventListener("toggle", function () { layout.update(); }); }
      var warned = false;
      function offline() {
        if (warned) { return; }
        warned = true;
        notice(map, "Basemap tiles could not load (offline?). Incidents, legend and controls still work.", layout);
      }
      Object.keys(tiles).forEach(function (k) { tiles[k].on("tileerror", offline); });
      if (opts.selfContained) {
        notice(map, "Offline, self-contained map: no basemap (tiles need a network). Incidents, legend and controls work.");
      }
      layout.update();
      root.incidentMap = { map: map, layers: layers, layout: layout };
      document.documentElement.setAttribute("data-incident-map", "ready");
      return layers;
    }
  };
})(window);
