// Charts of the banner overview. The numbers come from the page (json_script), the same as its tables.
(function () {
  "use strict";
  var source = document.getElementById("overview-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);

  function colour(value) {
    if (value === null || value === undefined) {
      return "#adb5bd";
    }
    if (value >= 90) {
      return "#198754";
    }
    if (value >= 60) {
      return "#ffc107";
    }
    return "#dc3545";
  }

  function percentAxis() {
    return { min: 0, max: 100, ticks: { callback: function (value) { return value + "%"; } } };
  }

  function bar(id, series, horizontal) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    var scales = horizontal ? { x: percentAxis() } : { y: percentAxis() };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: data.label, data: series.values, backgroundColor: series.values.map(colour) }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: scales
      }
    });
  }

  bar("chart-by-studio", data.by_studio, true);
  bar("chart-by-rule", data.by_rule, true);

  var trend = document.getElementById("chart-trend");
  if (trend) {
    new window.Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: [{ label: data.label, data: data.trend.values, borderColor: "#0d6efd", backgroundColor: "#0d6efd",
                     tension: 0.2, spanGaps: true }]
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: percentAxis() } }
    });
  }
})();
