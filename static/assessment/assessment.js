/* Charts of the attainment dashboards, drawn with the vendored ECharts from the JSON the page embeds. */
(function () {
  "use strict";
  var COLORS = EcoCharts.COLORS, json = EcoCharts.json, init = EcoCharts.init;  // static/core/charts.js
  // The words come translated in the page's JSON (apps/assessment/dashboards.py): "{year}" → values.year
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) { return key in values ? values[key] : m; });
  }
  function num(v) { return v === null || v === undefined ? null : Number(v); }

  // The value axis comes from the server (apps/assessment/charts.py): bars from 0, lines by its stated rule.
  function valueAxis(axis, extra) {
    var y = { type: "value", min: num(axis.min), scale: false };
    if (axis.max !== null) y.max = num(axis.max);
    for (var k in extra) y[k] = extra[k];
    return y;
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
            return { name: s.label, value: s.focus, itemStyle: { color: COLORS[s.key] } };
          })
        }]
      });
    }
    var regions = init("chart-regions");
    if (regions) {
      var many = data.regions.length > 20;
      var narrow = document.getElementById("chart-regions").clientWidth < 600;  // a phone: slant the names
      regions.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 40, right: 10, top: 44, bottom: many || narrow ? 60 : 30 },  // the axis name below the legend
        dataZoom: many ? [{ type: "slider", bottom: 5, startValue: 0, endValue: 39 }] : [],
        xAxis: { type: "category", data: data.regions, axisLabel: { interval: 0, rotate: many || narrow ? 45 : 0 } },
        yAxis: valueAxis(data.bar_axis, { name: data.text.count_axis, minInterval: 1 }),
        series: data.statuses.map(function (s) {
          return { name: s.label, type: "bar", stack: "n", data: s.per_region, itemStyle: { color: COLORS[s.key] } };
        })
      });
    }
    data.sparklines.forEach(function (s) {
      var chart = init(s.id);
      if (!chart) return;
      var color = COLORS[s.status] || "#1f4e79";
      var line = { type: "line", data: s.values.map(num), symbolSize: 5, lineStyle: { color: color },
                   itemStyle: { color: color } };
      if (s.target !== null) {
        line.markLine = { silent: true, symbol: "none", label: { show: false },
                          lineStyle: { color: "#c62828", type: "dashed", width: 1 }, data: [{ yAxis: num(s.target) }] };
      }
      chart.setOption({
        animation: false,
        grid: { left: 30, right: 6, top: 8, bottom: 16 },
        tooltip: { trigger: "axis", formatter: function (p) { return fill(data.text.spark_tooltip, { year: p[0].name, value: p[0].value, unit: s.unit }); } },
        xAxis: { type: "category", data: s.years.map(String), axisLabel: { fontSize: 10 }, axisTick: { show: false } },
        // the two bounds are printed, so a line that does not start at 0 says where it starts
        yAxis: valueAxis(s.axis, { splitNumber: 1, interval: num(s.axis.max) - num(s.axis.min), splitLine: { show: false },
                                   axisLabel: { fontSize: 9, color: "#6b7280" } }),
        series: [line]
      });
    });
  }

  var STYLES = {
    observed: { symbolSize: 7, connectNulls: true, itemStyle: { color: "#1f4e79" } },
    projection: { symbol: "emptyCircle", connectNulls: true, lineStyle: { type: "dashed", color: "#7a7a7a" },
                  itemStyle: { color: "#7a7a7a" } },
    // a target that changes per year is drawn per year: a step at each year's value
    // (a dash marks each year's value, so a year whose neighbours have none is still drawn)
    target: { step: "middle", symbol: "rect", symbolSize: [14, 2], connectNulls: false,
              lineStyle: { color: "#c62828", width: 1.5 }, itemStyle: { color: "#c62828" } }
  };

  function indicator(data) {
    var chart = init("chart-indicator");
    if (!chart) return;
    var series = data.series.map(function (s) {
      var line = { name: s.name, type: "line", data: s.values.map(num) };
      var style = STYLES[s.kind];
      for (var k in style) line[k] = style[k];
      return line;
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 52, bottom: 30 },  // the unit sits below the legend, even on a phone
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: valueAxis(data.axis, { name: data.unit, nameGap: 12 }),
      series: series
    });
  }

  // The matrix as a heat map: one cell per region × indicator, drawn and explained from the page's JSON
  // (apps/assessment/dashboards.py matrix_heat); many regions scroll inside the chart (a slider on the rows).
  var HEAT = { a: 0, n: 1, d: 2, x: 3 };
  var HEAT_COLORS = [COLORS.attained, COLORS.not_attained, COLORS.no_data, COLORS.not_applicable];
  function slots(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, key) { return key in values ? values[key] : m; });
  }
  function matrix(data) {
    var chart = init("chart-matrix");
    if (!chart) return;
    var cells = [];
    data.statuses.forEach(function (row, r) {
      for (var i = 0; i < row.length; i++) cells.push([i, r, HEAT[row.charAt(i)]]);
    });
    function tooltip(p) {
      var i = p.value[0], r = p.value[1], code = data.statuses[r].charAt(i), t = data.text;
      var text = slots(t.cell, { region: data.regions[r], number: "", name: data.names[i], status: data.labels[code] });
      var target = data.target_texts[data.targets[r][i]];
      text = text.replace(/ {2,}/g, " ");  // the number is part of the name here
      if (code === "x") return echarts.format.encodeHTML(target ? text + slots(t.reason, { reason: target }) : text);
      text += slots(t.target, { target: target });
      var value = data.values[r][i], gap = data.gaps[r][i], mark = data.marks[r].charAt(i);
      if (value !== null) text += slots(t.value, { year: data.year, value: value, unit: data.units[i] });
      if (gap !== null) text += slots(t.gap, { gap: gap });
      if (mark !== " ") text += slots(t.reach, { reach: data.reach_labels[mark] });
      return echarts.format.encodeHTML(text);
    }
    var many = data.regions.length > 30;
    var visible = many ? 30 : data.regions.length;  // rows tall enough for every region's name (22 px a row)
    chart.getDom().style.height = (visible * 22 + 100) + "px";
    chart.resize();
    chart.setOption({
      animation: false,
      tooltip: { formatter: tooltip, confine: true },
      grid: { left: 90, right: many ? 40 : 10, top: 10, bottom: 90 },
      // every indicator's name where a column is wide enough for it; on a phone ECharts leaves some out
      // (the tooltip names each cell's indicator) rather than printing them over each other
      xAxis: { type: "category", data: data.indicators,
               axisLabel: { interval: chart.getWidth() / data.indicators.length >= 12 ? 0 : "auto", rotate: 60,
                            fontSize: 10 } },
      yAxis: { type: "category", data: data.regions, inverse: true, axisLabel: { interval: 0, fontSize: 11 } },
      dataZoom: many ? [{ type: "slider", yAxisIndex: 0, right: 5, width: 16, startValue: 0, endValue: 29 },
                        { type: "inside", yAxisIndex: 0 }] : [],
      visualMap: { type: "piecewise", show: false, dimension: 2,
                   pieces: HEAT_COLORS.map(function (c, k) { return { value: k, color: c }; }) },
      series: [{ type: "heatmap", data: cells, itemStyle: { borderColor: "#fff", borderWidth: 1 },
                 label: { show: true, fontSize: 10, color: "#fff",
                          formatter: function (p) { var m = data.marks[p.value[1]].charAt(p.value[0]); return m === " " ? "" : m; } } }]
    });
    chart.on("click", function (p) {
      window.location.href = data.detail_url.replace("{indicator}", data.indicator_ids[p.value[0]])
        .replace("{region}", data.region_ids[p.value[1]]);
    });
  }

  function draw() {
    if (typeof echarts === "undefined") return;
    var m = json("matrix-data");
    if (m) matrix(m);
    var c = json("cockpit-data");
    if (c) cockpit(c);
    var i = json("indicator-data");
    if (i) indicator(i);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
