// What used to be inline event handlers, so the Content-Security-Policy can forbid inline script:
//   <select data-autosubmit>        submits its form when changed (language switcher, year picker);
//   <select data-navigate>          goes to the URL of the chosen option;
//   <input type=checkbox data-check-all="NAME">  checks or clears every checkbox named NAME.
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
    if (el.matches("select[data-navigate]")) { window.location.href = el.value; }
    if (el.matches("input[type=checkbox][data-check-all]")) {
      var name = el.getAttribute("data-check-all");
      document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (c) {
        c.checked = el.checked;
      });
    }
  });
})();
