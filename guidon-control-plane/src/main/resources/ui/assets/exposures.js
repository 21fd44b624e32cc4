// The exposures page's chart: Chart.js (from its WebJar) draws <canvas data-chart="{labels, variants}"> as
// evaluations per day stacked by variant (bars, left axis) and exposures per variant (dashed lines, right axis).
// The page's table holds the same numbers for whoever does not see the chart.
(function () {
  "use strict";

  var PALETTE = ["#0b5cad", "#d4760a", "#1a7f37", "#8250df", "#bf3989", "#0a7ea4", "#9a6700", "#57606a"];

  function draw(canvas) {
    if (typeof Chart === "undefined" || Chart.getChart(canvas)) { return; }
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    var datasets = [];
    data.variants.forEach(function (v, i) {
      var color = PALETTE[i % PALETTE.length];
      datasets.push({
        type: "bar", label: v.name + " \u00b7 evaluations", data: v.evaluations, stack: "evaluations",
        backgroundColor: color + "cc", borderColor: color, borderWidth: 1, yAxisID: "y", order: 2
      });
    });
    data.variants.forEach(function (v, i) {
      var color = PALETTE[i % PALETTE.length];
      datasets.push({
        type: "line", label: v.name + " \u00b7 exposures", data: v.exposures, borderColor: color,
        backgroundColor: color, borderDash: [6, 4], borderWidth: 2, pointRadius: 2, tension: 0,
        yAxisID: "y1", order: 1
      });
    });
    new Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: { duration: 250 },
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", reverse: true, labels: { boxWidth: 14 } } },
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, position: "left", ticks: { precision: 0 },
               title: { display: true, text: "Evaluations" } },
          y1: { beginAtZero: true, position: "right", ticks: { precision: 0 }, grid: { drawOnChartArea: false },
                title: { display: true, text: "Exposures" } }
        }
      }
    });
  }

  window.Guidon.onLoad(function (root) {
    var scope = root && root.querySelectorAll ? root : document;
    var canvases = scope.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) { draw(canvases[i]); }
  });
})();
