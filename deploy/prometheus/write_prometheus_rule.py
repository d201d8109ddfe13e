"""Writes k8s/base/monitoring/prometheus-rule.yaml from deploy/prometheus/alerts.yml.

    python deploy/prometheus/write_prometheus_rule.py

The rule file is the one to edit; tests/deploy/test_monitoring.py fails when the
PrometheusRule is not what this script writes from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "deploy" / "prometheus" / "alerts.yml"
PROMETHEUS_RULE = REPO / "k8s" / "base" / "monitoring" / "prometheus-rule.yaml"
HEADER = """\
# The alert rules of deploy/prometheus/alerts.yml as a PrometheusRule (Prometheus Operator,
# e.g. kube-prometheus-stack: its ruleSelector matches the `release` label by default).
# Written by deploy/prometheus/write_prometheus_rule.py: edit the rule file, not this one.
# Each alert's runbook_url names a section of docs/runbooks.md.
"""


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the expressions) as literal blocks, as in the rule file."""


def _string(dumper: yaml.SafeDumper, data: str) -> Any:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _string)


def rendered() -> str:
    document = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "agentic-hub",
            "labels": {
                "app.kubernetes.io/name": "agentic-hub-alerts",
                "release": "kube-prometheus-stack",
            },
        },
        "spec": {"groups": yaml.safe_load(RULES.read_text())["groups"]},
    }
    return HEADER + yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=200)


if __name__ == "__main__":
    PROMETHEUS_RULE.write_text(rendered())
    print(f"wrote {PROMETHEUS_RULE.relative_to(REPO)}")
