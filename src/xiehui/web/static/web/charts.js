// Renders <div data-chart="bar" data-labels="a|b" data-values="1|2"> with ECharts (no inline scripts: CSP).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) { return; }
  document.querySelectorAll("[data-chart=bar]").forEach(function (el) {
    var labels = (el.dataset.labels || "").split("|");
    var values = (el.dataset.values || "").split("|").map(Number);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      color: ["#9b1c1c"],
      grid: { left: 48, right: 16, top: 16, bottom: 64 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, axisLabel: { rotate: 45 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: values }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
