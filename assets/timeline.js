/* Browser-side parts of the timeline app: theme, image downloads, copy link, decade zoom, focus.
 * Each function is a Dash client-side callback (namespace "timeline"); they act on the page only.
 */
(function () {
  "use strict";
  var KEY = "timeline-theme";
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function chosenTheme() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function currentTheme() {
    return chosenTheme() || (dark && dark.matches ? "dark" : "light");
  }
  function showTheme(theme) {
    document.documentElement.setAttribute("data-theme", theme);
    return [theme, theme === "dark" ? "Light theme" : "Dark theme"];
  }
  /* What the server needs to draw a chart for this browser: theme and the chart's width, in steps
   * of 20 px, from the window's width (a scrollbar coming or going does not change it). Kept in
   * cookies too, with the page's URL query, so that the page's own request (its layout) brings the
   * chart already drawn; the server draws it only when the request's referrer says the same URL. */
  var lookWidth = null;  // the width the charts on the page were last asked for
  function look(theme) {
    var shown = showTheme(theme);
    var page = window.innerWidth;
    var width = Math.max(280, Math.floor((page < 760 ? page - 30 : page - 355) / 20) * 20);  // timeline.css's phone and desktop layouts
    lookWidth = width;
    document.cookie = "timeline-look=" + shown[0] + "." + width + "; path=/; SameSite=Strict";
    document.cookie = "timeline-page=" + encodeURIComponent(window.location.search) + "; path=/; SameSite=Strict";
    return [{theme: shown[0], width: width}, shown[1]];
  }
  function chartDiv() {  /* the chart on screen: the race's or the claims' own, or the main one */
    var race = document.getElementById("race-area");
    var claims = document.getElementById("claims-area");
    var id = race && !race.hidden ? "race" : claims && !claims.hidden ? "claims" : "timeline";
    var graph = document.getElementById(id);
    return graph && graph.querySelector(".js-plotly-plot");
  }
  function noUpdate() { return window.dash_clientside.no_update; }
  function clicked() {
    var triggered = window.dash_clientside.callback_context.triggered;
    return triggered && triggered.length && triggered[0].value ? window.dash_clientside.callback_context.triggered_id : null;
  }

  /* A zoom or pan of the timeline's time axis, to the chart-zoom store (the server redraws the
   * window and the URL records it). */
  function sendZoom(event) {
    var keys = Object.keys(event || {});
    if (keys.some(function (k) { return k.indexOf("xaxis.range") === 0 || k === "xaxis.autorange"; })) {
      var data = Object.assign({at: Date.now()}, event);
      /* once the zoom is on screen: the page's work for it waits for the next frame */
      window.requestAnimationFrame(function () {
        window.setTimeout(function () { window.dash_clientside.set_props("chart-zoom", {data: data}); }, 0);
      });
    }
  }
  sendZoom.fromTimeline = true;

  /* dcc.Graph's own zoom handler copies every zoom into the graph's figure property, and a new
   * figure makes the graph draw itself again from scratch: about 0.2 s before a zoom shows on the
   * curated file, more with more marks. The timeline needs none of it (its zoom goes to the server,
   * which sends the window's figure), so that handler is taken off the timeline's plot. Returns
   * whether it was found: it is bound only once the graph has drawn. */
  function detachGraphZoomSync(gd) {
    var events = gd._ev;
    if (!events || !events.listeners) { return false; }
    var others = events.listeners("plotly_relayout").filter(function (f) { return !f.fromTimeline; });
    others.forEach(function (f) { gd.removeListener("plotly_relayout", f); });
    return others.length > 0;
  }

  /* Hook the timeline's plot: our zoom handler on, dcc.Graph's off. True once both are done. */
  function hookZoom() {
    var graph = document.getElementById("timeline");
    var gd = graph && graph.querySelector(".js-plotly-plot");
    if (!gd || !gd.on || !gd._fullLayout) { return false; }
    if (!gd.__timelineZoom) {
      gd.__timelineZoom = true;
      gd.on("plotly_relayout", sendZoom);
    }
    gd.__timelineOwnZoom = gd.__timelineOwnZoom || detachGraphZoomSync(gd);
    return gd.__timelineOwnZoom;
  }

  look(currentTheme());  // before the first paint (no flash of the wrong theme) and the layout's request

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.timeline = {
    /* Follow the system until the toggle is used; remember the choice in this browser. */
    look: function (clicks) {
      var theme = currentTheme();
      if (clicks) {
        theme = theme === "dark" ? "light" : "dark";
        try { window.localStorage.setItem(KEY, theme); } catch (e) { /* private mode: not remembered */ }
      }
      return look(theme);
    },

    /* PNG or SVG of exactly what is on screen (zoom included), named after the view and filters. */
    downloadImage: function (png, svg, config) {
      var gd = chartDiv();
      var id = clicked();
      if (!gd || !id || !window.Plotly) { return noUpdate(); }
      var format = id === "download-svg" ? "svg" : "png";
      var options = (gd._context && gd._context.toImageButtonOptions) || (config && config.toImageButtonOptions) || {};
      var name = options.filename || "timeline";
      window.Plotly.downloadImage(gd, {
        format: format, filename: name, scale: options.scale || 2,
        width: gd._fullLayout.width, height: gd._fullLayout.height
      });
      return "Saved " + name + "." + format;
    },

    copyLink: function () {
      var url = window.location.href;
      function fallback() {
        var box = document.createElement("textarea");
        box.value = url;
        box.setAttribute("readonly", "");
        box.style.position = "fixed";
        box.style.opacity = "0";
        document.body.appendChild(box);
        box.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        document.body.removeChild(box);
        return ok ? "Link copied" : "Copy this link: " + url;
      }
      if (navigator.clipboard && window.isSecureContext) {
        return navigator.clipboard.writeText(url).then(function () { return "Link copied"; }, fallback);
      }
      return fallback();
    },

    /* Quick ranges: zoom the chart's x axis to a decade, or back to the figure's full range. */
    zoomDecade: function (clicks, figure) {
      var id = clicked();
      var gd = chartDiv();
      if (!id || !gd || !figure || !window.Plotly) { return noUpdate(); }
      var layout = figure.layout || {};
      var axis = layout.xaxis || {};
      var range;
      if (!id.start) {
        range = null;  /* "All": autorange, which also clears the window from the URL */
      } else if (axis.type === "date") {
        range = [id.start + "-01-01", id.start + (id.years || 10) + "-01-01"];
      } else {
        range = [id.start - 0.5, id.start + (id.years || 10) - 0.5];  /* the activity bars of those years, whole */
      }
      window.Plotly.relayout(gd, range ? {"xaxis.range": range} : {"xaxis.autorange": true});
      return noUpdate();
    },

    /* A zoom or pan of the timeline's time axis (drag, wheel, the quick-range buttons, "All")
     * goes to the server through the chart-zoom store: the URL records the window and the chart
     * is redrawn for it. Plotly's other relayouts (a resize, a first draw) are left out; they
     * would otherwise overtake a zoom before the server hears of it. */
    watchZoom: function (figure) {
      if (!hookZoom()) {  /* the figure arrives before plotly has drawn it: wait for the plot */
        var tries = 0;
        var timer = window.setInterval(function () {
          if (hookZoom() || ++tries > 200) { window.clearInterval(timer); }
        }, 50);
      }
      return noUpdate();
    },

    /* Move keyboard focus into the details panel when it opens. */
    focusDetails: function (hidden) {
      if (!hidden) {
        window.setTimeout(function () {
          var title = document.getElementById("details-title");
          if (title) { title.focus(); }
        }, 50);
      }
      return noUpdate();
    },

    /* On narrow screens the filter panel folds away behind a button. */
    togglePanel: function (clicks) {
      var open = (clicks || 0) % 2 === 1;
      return [open ? "panel open" : "panel", open ? "true" : "false"];
    }
  };

  if (dark && dark.addEventListener) {
    dark.addEventListener("change", function () {
      if (!chosenTheme() && window.dash_clientside.set_props) {
        var shown = look(currentTheme());
        window.dash_clientside.set_props("look", {data: shown[0]});
        window.dash_clientside.set_props("theme-toggle", {children: shown[1]});
      }
    });
  }

  /* A chart is drawn for the width it gets (its margins and legend rows, how many lanes show
   * counts, codes for country names on a phone): once a resize settles on another width, the
   * server draws it again for that width. */
  var settling = null;
  window.addEventListener("resize", function () {
    clearTimeout(settling);
    settling = setTimeout(function () {
      var before = lookWidth;
      var shown = look(currentTheme());
      if (shown[0].width !== before && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("look", {data: shown[0]});
      }
    }, 300);
  });

  /* The download menu closes once an item is chosen, or on a click anywhere else. */
  document.addEventListener("click", function (event) {
    var menu = document.getElementById("download-menu");
    if (menu && menu.open && (!menu.contains(event.target) || event.target.closest(".menu-item"))) {
      menu.open = false;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = document.getElementById("download-menu");
    if (menu && menu.open) { menu.open = false; menu.querySelector("summary").focus(); return; }
    var panel = document.getElementById("details");
    var close = document.getElementById("details-close");
    if (panel && !panel.hidden && close) { close.click(); }
  });
})();
