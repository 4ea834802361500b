/* What the pages' ECharts scripts share: the status colours, reading a page's embedded JSON, and charts that
   follow the window's size. Loaded (deferred) before the page's own script. */
(function () {
  "use strict";
  var charts = [];
  window.EcoCharts = {
    COLORS: { attained: "#2e7d32", not_attained: "#c62828", no_data: "#f0a500", not_applicable: "#8a939c" },
    json: function (id) {
      var el = document.getElementById(id);
      return el ? JSON.parse(el.textContent) : null;
    },
    init: function (id) {
      var el = document.getElementById(id);
      if (!el || typeof echarts === "undefined") return null;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      if (!charts.length) window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
      charts.push(chart);
      return chart;
    }
  };
})();
