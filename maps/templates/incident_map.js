/* incident-mapper: draws incidents from a compact, pre-escaped payload on a Leaflet canvas.
   Every string in the payload was HTML-escaped (and stripped of template syntax) in Python; this file only
   concatenates those strings and never inserts raw data. */
(function (root) {
  "use strict";

  var STEPS = 200;

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
  L.Canvas.include({
    _updateGlyph: function (layer) {
      if (!this._drawing || layer._empty()) { return; }
      var p = layer._point, r = Math.max(Math.round(layer._radius), 1), size = 2 * r + 4;
      this._ctx.globalAlpha = 1;
      this._ctx.drawImage(sprite(layer.options, r), p.x - size / 2, p.y - size / 2, size, size);
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
    this.build();
  }

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
          radius: 9, renderer: self.renderer, color: s.color, solid: s.solid, glyph: type.glyph, si: si, idx: i
        });
        items.push([circle, marker]);
        group.addLayer(circle);
        group.addLayer(marker);
      }
      group.bindPopup(function (layer) { return self.popup(layer.options.si, layer.options.idx); }, { maxWidth: 360 });
      group.addTo(map);
      self.groups.push(group);
      self.items.push(items);
    });
  };

  function links(list) {
    /* [escaped text, 1 when Python found it an http(s) URL]: only those become links */
    return list.map(function (l, n) {
      return l[1] ? '<a href="' + l[0] + '" target="_blank" rel="noopener noreferrer nofollow">' +
        (n === 0 ? "link" : "media " + n) + "</a>" : '<span class="im-muted">' + l[0] + "</span>";
    }).join(" ");
  }

  IncidentLayers.prototype.popup = function (si, i) {
    var data = this.data, S = data.strings, s = data.statuses[si], c = s.incidents, type = data.types[c.type[i]];
    var html = '<div class="im-popup"><div class="im-badge im-' + s.key + '">' + swatch(s) + s.label +
      (c.override[i] ? " · analyst override" : "") + "</div>" +
      "<h4>" + type.glyph + " " + c.title[i] + "</h4><dl>" +
      "<dt>When</dt><dd>" + S[c.time[i]] + "</dd>" +
      "<dt>Where</dt><dd>" + S[c.place[i]] + " <span class=\"im-muted\">(" + S[c.precision[i]] + ")</span></dd>" +
      "<dt>Why " + s.label.toLowerCase() + "</dt><dd>" + S[c.reason[i]] + "</dd></dl>" +
      "<h5>" + c.reports[i].length + (c.reports[i].length === 1 ? " report" : " reports") + "</h5><ol>";
    c.reports[i].forEach(function (r) {
      var src = data.sources[r[0]];
      html += "<li><b>" + src.label + "</b>" + (src.name ? " <span class=\"im-muted\">" + src.name + "</span>" : "") +
        " · " + S[r[1] < 0 ? c.time[i] : r[1]] +
        (r[2] >= 0 ? ' <span class="im-hedge">hedged: ' + S[r[2]] + "</span>" : "") +
        "<br>" + r[3] + (r[4].length ? '<br><span class="im-links">' + links(r[4]) + "</span>" : "") + "</li>";
    });
    return html + "</ol></div>";
  };

  IncidentLayers.prototype.visible = function (si, i) {
    var c = this.data.statuses[si].incidents;
    if (this.hiddenTypes[c.type[i]]) { return false; }
    if (this.timeLimit && (c.t0[i] > this.timeLimit[1] || c.t1[i] < this.timeLimit[0])) { return false; }
    return true;
  };

  /* Re-apply the type and time filters; layer visibility (the layer control) is untouched. */
  IncidentLayers.prototype.refilter = function () {
    var self = this;
    this.groups.forEach(function (group, si) {
      group.clearLayers();
      self.items[si].forEach(function (pair, i) {
        if (self.visible(si, i)) { group.addLayer(pair[0]); group.addLayer(pair[1]); }
      });
    });
    this.map.fire("incidentfilter");
  };

  IncidentLayers.prototype.countVisible = function () {
    var n = 0, self = this;
    this.groups.forEach(function (g, si) { if (self.map.hasLayer(g)) { n += g.getLayers().length / 2; } });
    return n;
  };

  function lazyOverlay(factory) {
    var layer = L.layerGroup(), built = false;
    layer.on("add", function () {
      if (!built) { built = true; layer.addLayer(factory()); }
    });
    return layer;
  }

  function allPoints(data) {
    var pts = [];
    data.statuses.forEach(function (s) {
      for (var i = 0; i < s.incidents.id.length; i++) { pts.push([s.incidents.lat[i], s.incidents.lon[i], si(s)]); }
    });
    function si(s) { return s.solid ? 1 : 0.5; }
    return pts;
  }

  function layerControl(map, layers, data, opts, tiles) {
    var overlays = {};
    data.statuses.forEach(function (s, si) {
      overlays[swatch(s) + s.label + " (" + s.incidents.id.length + ")"] = layers.groups[si];
    });
    if (opts.cluster && L.markerClusterGroup) {
      overlays["Clusters"] = lazyOverlay(function () {
        var cluster = L.markerClusterGroup({ chunkedLoading: true });
        allPoints(data).forEach(function (p) { cluster.addLayer(L.marker([p[0], p[1]])); });
        return cluster;
      });
    }
    if (opts.heat && L.heatLayer) {
      overlays["Heat"] = lazyOverlay(function () { return L.heatLayer(allPoints(data), { radius: 22, blur: 18 }); });
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
      box.innerHTML = html;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return ctl.addTo(map);
  }

  function fmtTime(seconds, tz) {
    try {
      return new Intl.DateTimeFormat("en-GB", {
        timeZone: tz, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
        timeZoneName: "short"
      }).format(new Date(seconds * 1000));
    } catch (e) {
      return new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
    }
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
          label.textContent = fmtTime(t0, data.timezone) + " – " + fmtTime(t1, data.timezone);
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
      label.textContent = fmtTime(t0, data.timezone) + " – " + fmtTime(t1, data.timezone);
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

  function notice(map, text) {
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () { return div("im-notice", text); };
    return ctl.addTo(map);
  }

  function titleBox(map, data) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var c = data.counts;
      return div("im-title", "<b>" + data.title + "</b><br><span class=\"im-muted\">" + c.incidents + " incidents from " +
        c.mapped + " reports · " + c.unresolved + " unresolved · " + c.notes + " context notes</span>");
    };
    return ctl.addTo(map);
  }

  root.IncidentMapper = {
    init: function (map, data, opts) {
      opts = opts || {};
      var tiles = opts.tiles || {};
      /* the view first: layers added to a map without one are projected and drawn twice */
      if (data.bounds) { map.fitBounds(data.bounds, { padding: [20, 20], maxZoom: 16 }); }
      else { map.setView([0, 0], 2); }
      var layers = new IncidentLayers(map, data, opts);
      titleBox(map, data);
      layerControl(map, layers, data, opts, tiles);
      legend(map, layers, data);
      timeControl(map, layers, data);
      L.control.scale({ metric: true, imperial: false }).addTo(map);
      if (L.control.fullscreen) { L.control.fullscreen({ position: "topleft" }).addTo(map); }
      measureControl(map);
      if (opts.minimapTiles && L.Control.MiniMap) {
        new L.Control.MiniMap(L.tileLayer(opts.minimapTiles, { attribution: "" }), { toggleDisplay: true }).addTo(map);
      }
      if (data.attribution) { map.attributionControl.addAttribution("Reports: " + data.attribution); }
      var warned = false;
      function offline() {
        if (warned) { return; }
        warned = true;
        notice(map, "Basemap tiles could not load (offline?). Incidents, legend and controls still work.");
      }
      Object.keys(tiles).forEach(function (k) { tiles[k].on("tileerror", offline); });
      if (opts.selfContained) {
        notice(map, "Offline, self-contained map: no basemap (tiles need a network). Incidents, legend and controls work.");
      }
      root.incidentMap = { map: map, layers: layers };
      document.documentElement.setAttribute("data-incident-map", "ready");
      return layers;
    }
  };
})(window);
