"""The simulation's chart: one HTML file with the vendored Chart.js inlined, so it opens
anywhere, offline (an air-gapped data centre has no CDN)."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.html import escape

from portcullis.engine.simulate import Simulation

CHART_JS = "pages/vendor/chart-4.5.1.umd.min.js"
COLOURS = {"exploit": "#c62828", "random": "#1565c0", "uncertainty": "#2e7d32"}


def write_chart(result: Simulation, path: Path) -> None:
    script = Path(str(finders.find(CHART_JS))).read_text(encoding="utf-8")
    weeks = sorted({w.start.date().isoformat() for w in result.weeks})
    strategies = list(dict.fromkeys(w.strategy for w in result.weeks))

    def series(field: str) -> list[dict[str, object]]:
        return [
            {
                "label": strategy,
                "data": [getattr(w, field) for w in result.of(strategy)],
                "borderColor": COLOURS.get(strategy, "#555"),
                "fill": False,
            }
            for strategy in strategies
        ]

    data = {
        "weeks": weeks,
        "precision": series("precision"),
        "revenue": series("revenue"),
    }
    # json_script's escaping: the data cannot close the script element.
    payload = json.dumps(data).replace("<", "\\u003C").replace(">", "\\u003E")
    title = escape(f"Human-in-the-loop simulation at {result.rate:g} % inspection")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto}}</style>
<script>{script}</script></head><body><h1>{title}</h1>
<p>Weekly precision (findings among the items inspected) and duty at stake found (customs
value × tax rate of the findings: a proxy, the data has no recovered duties), per strategy.</p>
<canvas id="precision"></canvas><canvas id="revenue"></canvas>
<script id="data" type="application/json">{payload}</script>
<script>
const d = JSON.parse(document.getElementById("data").textContent);
for (const key of ["precision", "revenue"]) {{
  new Chart(document.getElementById(key), {{type: "line",
    data: {{labels: d.weeks, datasets: d[key]}},
    options: {{animation: false, plugins: {{title: {{display: true, text: key === "precision"
      ? "Precision by week" : "Duty at stake found by week"}}}}}}}});
}}
</script></body></html>
""",
        encoding="utf-8",
    )
