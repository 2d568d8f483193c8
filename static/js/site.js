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

// Tables and long notices (issue 14): a <details data-open-from="72em"> (the notice's contents)
// is opened where the screen is at least that wide; a table's box (.table-scroll) that must
// scroll sideways says so above it, and becomes a named, focusable region so that the keyboard
// can scroll it too. Without this script the contents stay folded and the edge shadows of
// site.css still show that a table scrolls.
(function () {
  "use strict";
  function markOverflowing() {
    var boxes = document.querySelectorAll(".table-scroll");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var overflowing = box.scrollWidth > box.clientWidth + 1;
      var hint = box.previousElementSibling;
      if (!hint || !hint.classList.contains("scroll-hint")) {
        if (!overflowing) { continue; }
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = "表格较宽，可左右滑动查看 →";
        box.parentNode.insertBefore(hint, box);
      }
      hint.hidden = !overflowing;
      box.classList.toggle("is-overflowing", overflowing);
      if (overflowing) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var table = box.querySelector("table");
        var name = table && (table.getAttribute("aria-labelledby") || "");
        if (name) { box.setAttribute("aria-labelledby", name); } else { box.setAttribute("aria-label", "表格（可左右滑动）"); }
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var folded = document.querySelectorAll("details[data-open-from]");
    for (var i = 0; i < folded.length; i++) {
      var query = "(min-width: " + folded[i].getAttribute("data-open-from") + ")";
      if (window.matchMedia && window.matchMedia(query).matches) { folded[i].open = true; }
    }
    markOverflowing();
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(markOverflowing, 150);
    });
    // 大字版 changes every table's width.
    document.addEventListener("click", function (event) {
      if (event.target.closest("[data-large-text-toggle]")) { window.setTimeout(markOverflowing, 0); }
    });
  });
})();

// Print (issue 14): a page prints whole. Every folded <details> (a project's 建设内容, a
// chart's table) is opened before printing and folded again after, so the paper has what the
// screen keeps behind a click (print.css also shows their content, for a browser that prints
// without these events). Print buttons (.print-button) are hidden in the markup, as they can
// do nothing without this script, and shown here.
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var folded = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < folded.length; i++) {
      folded[i].open = true;
      opened.push(folded[i]);
    }
  });
  window.addEventListener("afterprint", function () {
    while (opened.length) { opened.pop().open = false; }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll(".print-button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].hidden = false; }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest(".print-button")) { window.print(); }
  });
})();
