/* The "Add event" form's browser side (timeline/form.py; the form exists only with
 * `timeline serve --allow-edits`): keyboard focus follows the form, and Esc closes it.
 */
(function () {
  "use strict";
  var PANEL = "add-panel", OPEN = "add-open", FIRST = "new-title", CLOSE = "add-close";  // form.py's ids

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.timelineForm = {
    /* Into the first field when the form opens; back to "Add event" when it closes. */
    focus: function (hidden) {
      window.setTimeout(function () {
        var panel = document.getElementById(PANEL);
        var active = document.activeElement;
        if (!hidden) {
          var first = document.getElementById(FIRST);
          if (first) { first.focus(); }
        } else if (!active || active === document.body || (panel && panel.contains(active))) {
          var open = document.getElementById(OPEN);
          if (open) { open.focus(); }
        }
      }, 50);
      return window.dash_clientside.no_update;
    }
  };

  /* Esc in the form closes it (what was typed stays), unless a dropdown in it is open: that one first. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) { return; }
    var panel = document.getElementById(PANEL);
    if (!panel || panel.hidden || !panel.contains(document.activeElement)) { return; }
    if (document.activeElement.closest(".dash-dropdown") && document.querySelector(".dash-dropdown-content")) { return; }
    event.stopImmediatePropagation();  // the details panel behind stays open
    document.getElementById(CLOSE).click();
  });
})();
