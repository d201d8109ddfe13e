"""The example Alertmanager webhook receiver of docker-compose.yml (service alert-webhook).

Prints one line per alert of every notification Alertmanager POSTs (status, name,
labels, summary, runbook), the shape a chat or ticketing bridge would consume. Standard
library only, so it runs on a bare Python image.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def describe(notification: dict) -> list[str]:  # type: ignore[type-arg]
    """One line per alert of an Alertmanager webhook notification (version 4)."""
    lines = []
    for alert in notification.get("alerts", []):
        labels = alert.get("labels", {})
        annotations = alert.get("annotations", {})
        scope = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
        lines.append(
            f"[{alert.get('status', '?').upper()}] {labels.get('alertname', '?')} ({scope}): "
            f"{annotations.get('summary', '')} — runbook: {annotations.get('runbook_url', '-')}"
        )
    return lines


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            lines = describe(json.loads(body))
        except (ValueError, AttributeError):
            self.send_response(400)
            self.end_headers()
            return
        for line in lines:
            print(line, flush=True)
        self.send_response(200)
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the health check
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: only the alerts are printed."""


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    HTTPServer(("0.0.0.0", port), Receiver).serve_forever()  # noqa: S104 - a container
