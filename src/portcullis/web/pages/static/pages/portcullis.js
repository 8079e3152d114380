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
    if (spec.log) {
      // Small channels beside a large one: each step of the axis ten times the last.
      scales.y = { type: "logarithmic", min: 1 };
    }
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

// Every table a page shows downloads as CSV. A table whose rows run over several pages names
// the server's export of every row (data-export-url); any other is written from its cells as
// shown. A cell a spreadsheet would run as a formula gets a leading apostrophe.
function csvCell(text) {
  let value = text.replace(/\s+/g, " ").trim();
  if (/^[=+\-@]/.test(value) && Number.isNaN(Number(value.replace(/[ ,%]/g, "")))) {
    value = "'" + value;
  }
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function tableCsv(table) {
  return Array.from(table.rows)
    .map((row) =>
      Array.from(row.cells)
        .flatMap((cell) => [csvCell(cell.innerText), ...Array(cell.colSpan - 1).fill("")])
        .join(","),
    )
    .join("\r\n");
}

function fileName(table, index) {
  const name = table.dataset.export || `${document.title}-${index + 1}`;
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "table";
}

function addExports(root) {
  root.querySelectorAll("main table").forEach((table, index) => {
    if (table.dataset.exportReady) return;
    table.dataset.exportReady = "1";
    const link = document.createElement("a");
    link.className = "export";
    const name = fileName(table, index);
    if (table.dataset.exportUrl) {
      link.href = table.dataset.exportUrl;
      link.textContent = document.body.dataset.csvAllLabel || "CSV";
    } else {
      link.href = "#";
      link.download = `${name}.csv`;
      link.textContent = document.body.dataset.csvLabel || "CSV";
      link.addEventListener("click", () => {
        const blob = new Blob(["\ufeff" + tableCsv(table)], { type: "text/csv;charset=utf-8" });
        link.href = URL.createObjectURL(blob);
      });
    }
    const holder = document.createElement("p");
    holder.className = "export-link";
    holder.appendChild(link);
    (table.closest(".table-scroll") || table).after(holder);
  });
}

onReady(() => {
  addExports(document);
  document.querySelectorAll("[data-submit-on-change]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  drawCharts(document);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    drawCharts(event.target);
    addExports(event.target);
  });
});
