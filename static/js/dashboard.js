/* Charts of the leaders' dashboard, drawn with the locally served Chart.js.
   Every chart has a table with the same numbers next to it. */
(function () {
  "use strict";
  const dataNode = document.getElementById("dashboard-data");
  if (!dataNode || typeof Chart === "undefined") return;
  const data = JSON.parse(dataNode.textContent);
  const percentFormat = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false; // prints and screenshots show the final state
  Chart.defaults.maintainAspectRatio = false;

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }
  const percentAxis = { min: 0, max: 100, ticks: { callback: (v) => v + "%" } };
  const percentTooltip = { callbacks: { label: (ctx) => percentFormat.format(ctx.parsed.y ?? ctx.parsed.x) + "%" } };

  draw("trend-chart", {
    type: "line",
    data: { labels: data.trend.labels, datasets: [{ label: data.labels.completion, data: data.trend.values,
      borderColor: "#0d6efd", backgroundColor: "rgba(13,110,253,.1)", fill: true, tension: 0.2, pointRadius: 2 }] },
    options: { scales: { y: percentAxis }, plugins: { legend: { display: false }, tooltip: percentTooltip } },
  });
  draw("status-chart", {
    type: "doughnut",
    data: { labels: data.status.labels, datasets: [{ data: data.status.values, backgroundColor: data.status.colours }] },
    options: { plugins: { legend: { display: false } } },
  });
  draw("agency-chart", {
    type: "bar",
    data: { labels: data.agencies.labels, datasets: [{ label: data.labels.completion, data: data.agencies.values,
      backgroundColor: "#0d6efd" }] },
    options: { indexAxis: "y", scales: { x: percentAxis }, plugins: { legend: { display: false }, tooltip: percentTooltip } },
  });
  draw("criteria-chart", {
    type: "bar",
    data: { labels: data.criteria.labels, datasets: [{ label: data.labels.passRate, data: data.criteria.values,
      backgroundColor: "#dc3545" }] },
    options: { scales: { y: percentAxis }, plugins: { legend: { display: false }, tooltip: {
      callbacks: { title: (items) => data.criteria.titles[items[0].dataIndex], label: percentTooltip.callbacks.label } } } },
  });
})();
