/* Charts of the public portal, drawn with the vendored ECharts from the JSON the page embeds (helpers in
   static/core/charts.js). Each chart repeats a table that sits right below it on the page (the accessible form of
   the data). */
(function () {
  "use strict";
  var COLORS = EcoCharts.COLORS, json = EcoCharts.json, init = EcoCharts.init;
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
  // The county map (一张图): each county coloured by its attainment share; a click opens the county's page.
  var map = json("portal-map");
  var mapChart = map && init("chart-map");
  if (mapChart) {
    echarts.registerMap("portal-counties", map.geojson);
    var pages = {};
    map.counties.forEach(function (c) { if (c.url) pages[c.code] = c.url; });
    mapChart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        var c = map.counties[p.dataIndex];
        return c.name + "：" + (c.share === null ? "无数据" : "达标率 " + c.share.toFixed(1) + "%");
      } },
      visualMap: { min: 0, max: 100, text: ["达标率 100%", "0%"], calculable: false, orient: "horizontal",
                   left: "center", bottom: 0, itemWidth: 12, itemHeight: 120,
                   inRange: { color: ["#fdecea", "#f6c343", "#2e7d32"] } },
      series: [{
        type: "map", map: "portal-counties", nameProperty: "code", roam: false, selectedMode: false,
        top: 10, bottom: 48, left: 10, right: 10,
        label: { show: true, formatter: function (p) { return map.counties[p.dataIndex].name; }, fontSize: 12 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#9ccaa9" } },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1.5, areaColor: "#d9dee2" },
        data: map.counties.map(function (c) { return { name: c.code, value: c.share }; })
      }]
    });
    mapChart.on("click", function (p) { var url = pages[p.name]; if (url) window.location.href = url; });
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
})();
