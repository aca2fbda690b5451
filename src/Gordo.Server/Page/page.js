// The charts of the project page (IndexPage.fs), served as /gordo/v0/{project}/_page/page.js
// after plotly.js. Each machine's data is a JSON block (<script type="application/json">, not
// executed) next to its chart; no inline script, so the page's policy is script-src 'self'.
"use strict";
(function () {
  var blocks = document.querySelectorAll("script.chart-data");
  for (var i = 0; i < blocks.length; i++) {
    var block = blocks[i];
    var d = JSON.parse(block.textContent);
    var target = document.getElementById(block.getAttribute("data-chart"));
    if (!target || typeof Plotly === "undefined") continue;
    var traces = [{
      x: d.times, y: d.scores, type: "scatter", mode: "lines", name: "total anomaly (scaled)",
      line: { color: "#1f5fa8", width: 1.5 }
    }];
    if (d.threshold !== null) {
      traces.push({
        x: [d.times[0], d.times[d.times.length - 1]], y: [d.threshold, d.threshold],
        type: "scatter", mode: "lines", name: "threshold", line: { color: "#b3261e", dash: "dash", width: 1.5 }
      });
    }
    var shapes = d.events.map(function (e) {
      return {
        type: "rect", xref: "x", yref: "paper", x0: e[0], x1: e[1], y0: 0, y1: 1,
        fillcolor: "rgba(179, 38, 30, 0.12)", line: { width: 0 }, layer: "below"
      };
    });
    Plotly.newPlot(target, traces, {
      margin: { l: 52, r: 12, t: 8, b: 36 }, height: 240, shapes: shapes,
      showlegend: true, legend: { orientation: "h", x: 0, y: 1.12 },
      xaxis: { type: "date", title: { text: "" } },
      yaxis: { title: { text: "score" }, rangemode: "tozero" },
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff"
    }, { displayModeBar: false, responsive: true });
  }
})();
