/* Charts of the public portal, drawn with the vendored ECharts from the JSON the page embeds.
   Each chart repeats a table that sits right below it on the page (the accessible form of the data). */
(function () {
  "use strict";
  var COLORS = { attained: "#2e7d32", not_attained: "#c62828", no_data: "#f0a500", not_applicable: "#8a939c" };
  var charts = [];
  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function init(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }
  var regions = json("portal-chart");
  var chart = regions && init("chart-regions");
  if (chart) {
    var narrow = document.getElementById("chart-regions").clientWidth < 600;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 36, right: 10, top: 40, bottom: narrow ? 70 : 30 },
      xAxis: { type: "category", data: regions.categories, axisLabel: { interval: 0, rotate: narrow ? 45 : 0 } },
      yAxis: { type: "value", minInterval: 1, name: "项" },
      series: regions.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "n", data: s.data, itemStyle: { color: COLORS[s.key] } };
      })
    });
  }
  var county = json("portal-county-chart");
  var small = county && init("chart-county");
  if (small) {
    small.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      grid: { left: 70, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: county.categories, inverse: true },
      series: [{ type: "bar", barMaxWidth: 28, data: county.data.map(function (v, i) {
        return { value: v, itemStyle: { color: COLORS[county.keys[i]] } };
      }) }]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
