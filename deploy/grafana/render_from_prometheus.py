"""Draws a dashboard of deploy/grafana/dashboards as a PNG from a live Prometheus, without
Grafana (not a Debian package): every panel's queries run as Grafana would run them, laid
out on the dashboard's own grid. A developer's preview, e.g. next to `hub up --observability`:

    python deploy/grafana/render_from_prometheus.py deploy/grafana/dashboards/hub-overview.json \\
        --prometheus http://127.0.0.1:9090 --out overview.png [--var app_id=app-…] [--minutes 15]

Needs matplotlib (installed with the dev extras through MLflow).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROW_HEIGHT_INCHES = 0.55
COLUMN_WIDTH_INCHES = 0.8


def fill(expr: str, variables: dict[str, str]) -> str:
    for name, value in sorted(variables.items(), key=lambda item: -len(item[0])):
        expr = expr.replace(name, value)
    return expr


def legend(template: str, labels: dict[str, str]) -> str:
    text = template
    for key, value in labels.items():
        text = text.replace("{{" + key + "}}", value)
    return text or ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "value"


def number(value: str, unit: str) -> str:
    parsed = float(value)
    if parsed != parsed:  # NaN
        return "–"
    if unit == "percentunit":
        return f"{parsed * 100:.1f} %"
    if unit == "currencyUSD":
        return f"${parsed:,.2f}"
    if unit == "s":
        return f"{parsed:.3g} s"
    return f"{parsed:,.4g}"


def render(
    dashboard: dict[str, Any],
    prometheus: str,
    variables: dict[str, str],
    out: Path,
    minutes: int = 15,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in dashboard["panels"])
    figure = plt.figure(figsize=(24 * COLUMN_WIDTH_INCHES, (rows + 2) * ROW_HEIGHT_INCHES))
    figure.suptitle(
        f"{dashboard['title']} — rendered from Prometheus "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, last {minutes} min",
        fontsize=14,
        x=0.01,
        ha="left",
    )
    end = time.time()
    variables = {"$__rate_interval": "1m", "$__range": f"{minutes}m", **variables}
    with httpx.Client(base_url=prometheus, timeout=30) as http:
        for panel in dashboard["panels"]:
            grid = panel["gridPos"]
            axes = figure.add_axes(
                (
                    grid["x"] / 24 + 0.006,
                    1 - (grid["y"] + grid["h"] + 1.2) / (rows + 2),
                    grid["w"] / 24 - 0.012,
                    grid["h"] / (rows + 2) - 0.035,
                )
            )
            axes.set_title(panel["title"], fontsize=10, loc="left")
            unit = panel["fieldConfig"]["defaults"].get("unit", "short")
            if panel["type"] == "timeseries":
                drawn = False
                for target in panel["targets"]:
                    answer = http.get(
                        "/api/v1/query_range",
                        params={
                            "query": fill(target["expr"], variables),
                            "start": end - minutes * 60,
                            "end": end,
                            "step": max(minutes * 60 // 120, 1),
                        },
                    ).json()
                    for series in answer.get("data", {}).get("result", []):
                        times = [datetime.fromtimestamp(float(t), UTC) for t, _ in series["values"]]
                        values = [float(v) for _, v in series["values"]]
                        axes.plot(
                            times, values, label=legend(target["legendFormat"], series["metric"])
                        )
                        drawn = True
                if drawn:
                    axes.legend(fontsize=7, loc="upper left")
                    axes.tick_params(labelsize=7)
                else:
                    axes.text(
                        0.5, 0.5, "no data", ha="center", va="center", transform=axes.transAxes
                    )
                continue
            lines = []
            for target in panel["targets"]:
                answer = http.get(
                    "/api/v1/query", params={"query": fill(target["expr"], variables), "time": end}
                ).json()
                for series in answer.get("data", {}).get("result", []):
                    lines.append(
                        (
                            legend(target["legendFormat"], series["metric"]),
                            number(series["value"][1], unit),
                        )
                    )
            axes.set_axis_off()
            if not lines:
                axes.text(0.5, 0.5, "no data", ha="center", va="center", transform=axes.transAxes)
            elif panel["type"] == "stat" and len(lines) == 1:
                axes.text(
                    0.5,
                    0.4,
                    lines[0][1],
                    ha="center",
                    va="center",
                    fontsize=22,
                    transform=axes.transAxes,
                )
            else:
                text = "\n".join(f"{name}:  {value}" for name, value in lines[:12])
                axes.text(
                    0.02,
                    0.95,
                    text,
                    ha="left",
                    va="top",
                    fontsize=8,
                    family="monospace",
                    transform=axes.transAxes,
                )
    figure.savefig(out, dpi=80)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dashboard", type=Path)
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--var", action="append", default=[], help="NAME=VALUE, e.g. app_id=app-1")
    parser.add_argument("--minutes", type=int, default=15)
    args = parser.parse_args()
    variables = {f"${name}": value for name, _, value in (v.partition("=") for v in args.var)}
    render(
        json.loads(args.dashboard.read_text()), args.prometheus, variables, args.out, args.minutes
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
