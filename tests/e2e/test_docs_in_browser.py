"""``/docs`` and ``/redoc`` render in a real headless browser whose network ends at
loopback: every script, stylesheet and the OpenAPI document come from the API itself.

Chromium runs with every host name but 127.0.0.1 unresolvable and every request that
is not for 127.0.0.1 sent to a closed proxy port, so a page that needed a CDN would
stay blank. The operations' summaries appear only once the JavaScript has loaded
``/openapi.json`` and rendered it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.api_process import running_hub_api

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOOPBACK_ONLY = [
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
]


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("docs-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_HOME": str(home), "HUB_DATABASE_URL": f"sqlite:///{home}/docs.db"})
    with running_hub_api(env) as url:
        yield url


def rendered_dom(url: str, profile: Path) -> str:
    assert Path(CHROMIUM).exists(), "chromium is missing: `apt-get install -y chromium`"
    answer = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *LOOPBACK_ONLY,
            "--virtual-time-budget=20000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    return answer.stdout


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_render_offline_in_a_browser(api_url: str, page: str, tmp_path: Path) -> None:
    dom = rendered_dom(f"{api_url}{page}", tmp_path / "profile")
    # Summaries of operations: present only once the page's JavaScript ran on the spec.
    assert "Create an app" in dom, dom[:2000]
    assert "Deploy: compile the orchestration and pin a release" in dom


def test_the_loopback_only_browser_cannot_reach_a_cdn(tmp_path: Path) -> None:
    """The control: the same browser, on a page that loads Swagger UI from its CDN, stays
    blank, so the test above would fail for a page that depended on one."""
    page = tmp_path / "cdn.html"
    page.write_text(
        '<html><body><div id="ui">blank</div>'
        '<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js">'
        "</script><script>if (window.SwaggerUIBundle) "
        "document.getElementById('ui').textContent = 'loaded from the CDN';</script>"
        "</body></html>"
    )
    dom = rendered_dom(page.as_uri(), tmp_path / "profile")
    assert '<div id="ui">blank</div>' in dom
