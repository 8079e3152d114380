// Portcullis pages: small behaviours, no inline scripts (the Content-Security-Policy forbids
// them). Data for charts comes from <script type="application/json"> elements.
"use strict";

function onReady(callback) {
  if (document.readyState !== "loading") callback();
  else document.addEventListener("DOMContentLoaded", callback);
}

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

const CHANNEL_COLOURS = { green: "#2e7d32", yellow: "#b58900", red: "#c62828", blue: "#1565c0" };

function drawCharts(root) {
  if (typeof Chart === "undefined") return;
  root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    if (canvas.dataset.drawn) return;
    const spec = readJson(canvas.dataset.chart);
    if (!spec) return;
    canvas.dataset.drawn = "1";
    const datasets = spec.series.map((series) => ({
      label: series.label,
      data: series.values,
      borderColor: CHANNEL_COLOURS[series.key] || "#37474f",
      backgroundColor: CHANNEL_COLOURS[series.key] || "#607d8b",
      yAxisID: series.axis || "y",
      tension: 0.2,
    }));
    const scales = { y: { beginAtZero: true, stacked: !!spec.stacked }, x: { stacked: !!spec.stacked } };
    if (spec.series.some((s) => s.axis === "rate")) {
      scales.rate = { position: "right", beginAtZero: true, ticks: { callback: (v) => `${v} %` } };
    }
    new Chart(canvas, {
      type: spec.type || "line",
      data: { labels: spec.labels, datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales },
    });
  });
}

onReady(() => {
  document.querySelectorAll("[data-submit-on-change]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  drawCharts(document);
  document.body.addEventListener("htmx:afterSwap", (event) => drawCharts(event.target));
});
