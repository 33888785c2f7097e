// The overview's charts, drawn with the vendored Chart.js (https://www.chartjs.org/docs/4.4.1/) from the figures
// the page carries as JSON (#overview-data, Django's json_script): no inline script, so a strict
// Content-Security-Policy holds. Every figure is also in the page's tables, readable without this script.
"use strict";

(function () {
  const source = document.getElementById("overview-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const figures = JSON.parse(source.textContent);
  // Amounts arrive as decimal strings (as the API gives them); a missing day of a service stays a gap.
  const amount = (value) => (value === null || value === undefined ? null : Number(value));
  const money = (currency) => (value) => `${Number(value).toLocaleString("en-US", {maximumFractionDigits: 2})} ${currency}`;

  for (const trend of figures.trend) {
    const canvas = document.getElementById(`trend-chart-${trend.currency}`);
    if (!canvas) {
      continue;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: trend.labels,
        datasets: trend.datasets.map((set) => ({label: set.label, data: set.data.map(amount)})),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: {mode: "index", intersect: false},
        scales: {
          x: {stacked: true},
          y: {stacked: true, beginAtZero: true, ticks: {callback: money(trend.currency)}},
        },
        plugins: {legend: {position: "bottom"}},
      },
    });
  }

  for (const month of figures.month) {
    const canvas = document.getElementById(`month-chart-${month.currency}`);
    if (!canvas) {
      continue;
    }
    const labels = ["Month to date", "Month-end forecast", "Budget"];
    const interval = month.interval && month.interval.every((bound) => bound !== null) ? month.interval.map(amount) : null;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          {label: month.currency, data: [amount(month.to_date), amount(month.forecast), amount(month.budget)]},
          // A floating bar from the lower to the upper bound: Chart.js draws [min, max] pairs as such.
          {label: `Forecast interval (${month.prediction_interval || "–"} %)`, data: [null, interval, null]},
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: {x: {beginAtZero: true, ticks: {callback: money(month.currency)}}},
        plugins: {legend: {position: "bottom"}},
      },
    });
  }
})();
