// 大字版 (large-text mode): enlarges text and line spacing for older readers; the choice is
// remembered in localStorage. The script loads in <head> without defer, so the class on <html>
// is set before the first paint and the page does not flash at the small size.
(function () {
  "use strict";
  var KEY = "gazette-large-text";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function apply(on) {
    root.classList.toggle("large-text", on);
    var buttons = document.querySelectorAll("[data-large-text-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[i].textContent = on ? "标准版" : "大字版";
    }
  }

  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-large-text-toggle]");
      if (!button) { return; }
      var on = !root.classList.contains("large-text");
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
      apply(on);
    });
  });
})();
