/* The browser's own string trims, parseFloat and parseInt, kept: Dash's polyfill (core-js 2) swaps
 * them for slower copies in every current browser, because its feature tests count U+180E as a
 * space (Unicode stopped doing so in 6.3). plotly trims every colour it parses and reads numbers
 * with parseFloat, so the slow copies cost the first drawing and each zoom.
 *
 * This file runs twice: first from its own tag before Dash's scripts (it notes the browser's
 * functions), then from Dash's list of the site's scripts, after the polyfill (it puts them back).
 */
(function () {
  "use strict";
  var kept = window.__timelineBuiltins;
  var places = [[String.prototype, ["trim", "trimStart", "trimEnd", "trimLeft", "trimRight"]],
                [Number, ["parseFloat", "parseInt"]], [window, ["parseFloat", "parseInt"]]];
  if (!kept) {
    window.__timelineBuiltins = places.map(function (place) {
      return place[1].map(function (name) { return place[0][name]; });
    });
    return;
  }
  places.forEach(function (place, i) {
    place[1].forEach(function (name, j) {
      if (kept[i][j] && place[0][name] !== kept[i][j]) {
        Object.defineProperty(place[0], name, {value: kept[i][j], writable: true, configurable: true, enumerable: false});
      }
    });
  });
})();
