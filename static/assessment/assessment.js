/* Charts of the attainment dashboards, drawn with the vendored ECharts from the JSON the page embeds. */
(function () {
  "use strict";
  var COLORS = { attained: "#2e7d32", not_attained: "#c62828", no_data: "#f0a500", not_applicable: "#8a939c" };
  var charts = [];

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  // The words come translated in the page's JSON (apps/assessment/dashboards.py): "{year}" → values.year
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) { return key in values ? values[key] : m; });
  }
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function init(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function cockpit(data) {
    var focus = init("chart-focus");
    if (focus) {
      focus.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: data.text.pie_tooltip },
        legend: { orient: "vertical", right: 0, top: "middle" },
        series: [{
          type: "pie", radius: ["45%", "75%"], center: ["38%", "50%"], label: { show: false },
          data: data.statuses.map(function (s) {
            return { name: s.label, value: data.focus[s.key], itemStyle: { color: COLORS[s.key] } };
          })
        }]
      });
    }
    var regions = init("chart-regions");
    if (regions) {
      var many = data.regions.length > 20;
      regions.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 40, right: 10, top: 30, bottom: many ? 60 : 30 },
        dataZoom: many ? [{ type: "slider", bottom: 5, startValue: 0, endValue: 39 }] : [],
        xAxis: { type: "category", data: data.regions, axisLabel: { interval: 0, rotate: many ? 45 : 0 } },
        yAxis: { type: "value", name: data.text.count_axis },
        series: data.statuses.map(function (s) {
          return { name: s.label, type: "bar", stack: "n", data: data.counts[s.key], itemStyle: { color: COLORS[s.key] } };
        })
      });
    }
    data.sparklines.forEach(function (s) {
      var chart = init(s.id);
      if (!chart) return;
      chart.setOption({
        animation: false,
        grid: { left: 4, right: 4, top: 8, bottom: 16 },
        tooltip: { trigger: "axis", formatter: function (p) { return fill(data.text.spark_tooltip, { year: p[0].name, value: p[0].value, unit: s.unit }); } },
        xAxis: { type: "category", data: s.years.map(String), axisLabel: { fontSize: 10 }, axisTick: { show: false } },
        yAxis: { type: "value", scale: true, show: false },
        series: [{ type: "line", data: s.values.map(num), symbolSize: 5, lineStyle: { color: COLORS[s.status] || "#1f4e79" },
                   itemStyle: { color: COLORS[s.status] || "#1f4e79" }, areaStyle: { opacity: 0.08 } }]
      });
    });
  }

  function indicator(data) {
    var chart = init("chart-indicator");
    if (!chart) return;
    var series = [
      { name: data.text.observed, type: "line", data: data.observed.map(num), symbolSize: 7, connectNulls: true,
        itemStyle: { color: "#1f4e79" } },
      { name: data.text.projection, type: "line", data: data.projection.map(num), symbol: "emptyCircle", connectNulls: true,
        lineStyle: { type: "dashed", color: "#7a7a7a" }, itemStyle: { color: "#7a7a7a" } }
    ];
    if (data.bound !== null) {
      series.push({ name: data.text.target, type: "line", data: data.years.map(function () { return num(data.bound); }),
                    symbol: "none", lineStyle: { color: "#c62828", type: "solid", width: 1.5 }, itemStyle: { color: "#c62828" } });
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.years },
      yAxis: { type: "value", scale: true, name: data.unit },
      series: series
    });
  }

  function draw() {
    if (typeof echarts === "undefined") return;
    var c = json("cockpit-data");
    if (c) cockpit(c);
    var i = json("indicator-data");
    if (i) indicator(i);
    window.addEventListener("resize", function () { charts.forEach(function (ch) { ch.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
