/* incident-mapper: keeps the map's controls from covering each other or leaving the screen, at any size.
   On small maps the legend and the layer control start collapsed behind buttons and the time control is compact;
   whenever controls still meet (a long title, the notes panel opened, a notice), more of them give way, in order:
   the minimap, then the layer control, the legend, the time control and the notices. What the reader opens last
   stays open; what the reader closed stays closed. */
(function (root) {
  "use strict";

  var SMALL_WIDTH = 600, SMALL_HEIGHT = 520, GAP = 2;

  function boxes(container) {
    var out = [];
    container.querySelectorAll(".leaflet-control").forEach(function (el) {
      if (el.offsetParent === null) { return; }  /* display: none */
      var r = el.getBoundingClientRect();
      if (r.width && r.height) { out.push({ el: el, r: r }); }
    });
    return out;
  }

  /* Whether two controls meet, or one leaves the map. */
  function clash(container) {
    var frame = container.getBoundingClientRect(), list = boxes(container);
    for (var i = 0; i < list.length; i++) {
      var a = list[i].r;
      if (a.left < frame.left - 0.5 || a.top < frame.top - 0.5 || a.right > frame.right + 0.5 ||
          a.bottom > frame.bottom + 0.5) { return true; }
      for (var j = i + 1; j < list.length; j++) {
        var b = list[j].r;
        if (a.left < b.right + GAP && b.left < a.right + GAP && a.top < b.bottom + GAP && b.top < a.bottom + GAP) {
          return true;
        }
      }
    }
    return false;
  }

  /* A control that folds behind a button: `box` gets the button first; `body` is what folds away. */
  function foldable(box, label, onToggle) {
    var button = L.DomUtil.create("button", "im-toggle");
    button.type = "button";
    button.textContent = label;
    box.insertBefore(button, box.firstChild);
    L.DomEvent.on(button, "click", function (ev) {
      L.DomEvent.stop(ev);
      onToggle(!L.DomUtil.hasClass(box, "im-collapsed"));
    });
    return {
      box: box,
      set: function (collapsed) {
        L.DomUtil[collapsed ? "addClass" : "removeClass"](box, "im-collapsed");
        button.setAttribute("aria-expanded", collapsed ? "false" : "true");
        button.title = (collapsed ? "Show the " : "Hide the ") + label.toLowerCase();
      }
    };
  }

  function Layout(map, parts) {
    var self = this;
    this.map = map;
    this.parts = parts;
    this.pinned = null;   /* the part the reader opened last: it stays open */
    this.closed = {};     /* parts the reader closed: they stay closed */
    this.folds = {};
    ["layers", "legend"].forEach(function (name) {
      if (!parts[name]) { return; }
      self.folds[name] = foldable(parts[name], name === "layers" ? "Layers" : "Legend", function (collapse) {
        self.closed[name] = collapse;
        self.pinned = collapse ? (self.pinned === name ? null : self.pinned) : name;
        self.update();
      });
    });
    map.on("resize", function () { self.update(); });
  }

  Layout.prototype.fitAttribution = function (width) {
    var attribution = this.map.attributionControl && this.map.attributionControl.getContainer();
    if (!attribution) { return; }
    var left = 0, frame = this.map.getContainer().getBoundingClientRect();
    this.map.getContainer().querySelectorAll(".leaflet-bottom.leaflet-left .leaflet-control").forEach(function (el) {
      if (el.offsetParent !== null) { left = Math.max(left, el.getBoundingClientRect().right - frame.left); }
    });
    attribution.style.maxWidth = Math.max(110, width - left - 16) + "px";
  };

  /* Lay the controls out again: the start state for this size, then more folding until nothing meets. */
  Layout.prototype.update = function () {
    var self = this, parts = this.parts, map = this.map, size = map.getSize();
    var small = size.x < SMALL_WIDTH || size.y < SMALL_HEIGHT;
    if (parts.title) { parts.title.style.maxWidth = Math.max(150, Math.min(320, size.x - 96)) + "px"; }
    Object.keys(this.folds).forEach(function (name) {
      self.folds[name].set(self.closed[name] || (small && self.pinned !== name));
    });
    if (parts.time) { L.DomUtil[small ? "addClass" : "removeClass"](parts.time, "im-compact"); }
    if (parts.minimap) { parts.minimap.style.display = small ? "none" : ""; }
    map.getContainer().querySelectorAll(".im-notice").forEach(function (n) {
      L.DomUtil[small ? "addClass" : "removeClass"](n, "im-compact");
    });
    this.fitAttribution(size.x);
    var steps = [
      function () { if (parts.minimap) { parts.minimap.style.display = "none"; } },
      function () { if (self.folds.layers && self.pinned !== "layers") { self.folds.layers.set(true); } },
      function () { if (self.folds.legend && self.pinned !== "legend") { self.folds.legend.set(true); } },
      function () { if (parts.time) { L.DomUtil.addClass(parts.time, "im-compact"); } },
      function () {
        map.getContainer().querySelectorAll(".im-notice").forEach(function (n) { L.DomUtil.addClass(n, "im-compact"); });
      }
    ];
    for (var i = 0; i < steps.length && clash(map.getContainer()); i++) {
      steps[i]();
      this.fitAttribution(size.x);
    }
    if (parts.minimap && parts.minimap.style.display !== "none" && parts.minimapControl &&
        parts.minimapControl._miniMap) {
      parts.minimapControl._miniMap.invalidateSize();
    }
  };

  root.IncidentLayout = Layout;
})(window);
