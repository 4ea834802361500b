// Header menu (templates/base.html): the groups are <details>, which open and close without this script.
// This only makes them behave like a menu: one open at a time, closed by Escape, a click outside or tabbing away.
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll(".mainnav details"));
  function closeAll(except) {
    groups.forEach(function (d) { if (d !== except) { d.open = false; } });
  }
  groups.forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) { closeAll(d); } });
    d.addEventListener("focusout", function (e) {
      if (e.relatedTarget && !d.contains(e.relatedTarget)) { d.open = false; }
    });
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest(".mainnav details")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var open = groups.filter(function (d) { return d.open; })[0];
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();

// Narrow windows (app.css, max-width 760px): the menu and the user box fold behind one "菜单" button.
(function () {
  "use strict";
  var toggle = document.querySelector(".topbar .navtoggle");
  if (!toggle) { return; }
  toggle.addEventListener("click", function () {
    var open = toggle.closest(".topbar").classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
