"""The API's contract says what it enforces: schemathesis against a started stack.

``hub api`` runs against real PostgreSQL and a real Temporal dev server (with the
orchestrator worker), auth on (an admin token) and rate limits raised for the test.
Schemathesis runs its examples, coverage and stateful phases with every check. The test
fails on any server error and on any rejection that is not explained below: each
explanation names the operation, the check and the words of the refusal, and says why a
schema cannot predict it (a rule across fields, a reference to data that does not exist,
an opaque cursor). Everything a schema *can* say is declared in the OpenAPI instead:
cursor formats, lengths, patterns, 422 on every operation with input, ``Allow`` on
``OPTIONS`` and on every 405.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.stack import hub_command
from tests.auth_support import admin_headers
from tests.e2e.processes import (
    Processes,
    TemporalDevServer,
    api_part,
    hub_environment,
    wait_ready,
)
from tests.e2e.split_stack import create_database, database_url, drop_database

pytestmark = pytest.mark.timeout(420)

#: Few examples per operation keep the run near a minute; the coverage phase still tries
#: every parameter's boundaries, and the stateful phase chains creates into reads.
MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Explained:
    """A failure schemathesis reports that the API means: ``needle`` is in the refusal."""

    operation: str
    check: str
    needle: str
    why: str


CURSOR = "a cursor is opaque: base64url (declared as a pattern) the API did not issue is refused"
EXPLAINED = [
    Explained("GET /apps", "ST202", "not a cursor this API returned", CURSOR),
    Explained("GET /observability/runs", "ST202", "not a cursor this API returned", CURSOR),
    Explained("GET /observability/violations", "ST202", "not a cursor this API returned", CURSOR),
    Explained("GET /prompts", "ST202", "invalid page token", CURSOR + " (MLflow's page token)"),
    Explained("GET /artifacts", "ST202", "pass X-Next-Cursor as it came", CURSOR),
    Explained("GET /apps/{app_id}/releases", "ST202", "pass X-Next-Cursor as it came", CURSOR),
    Explained(
        "PUT /settings/prices",
        "ST202",
        "is listed twice",
        "a provider/model pair may appear once (a rule across the table's rows)",
    ),
    Explained(
        "PUT /orchestration/{app_id}",
        "ST202",
        "does not match the app in the URL",
        "the body's app_id must name the app in the path (a rule across path and body)",
    ),
    Explained(
        "*",
        "ST202",
        "steps that ran:",
        "a re-run starts from a step that ran in that run (the body refers to the run's history)",
    ),
    Explained(
        "*", "ST202", "must be before until", "a date range's order is a rule across two fields"
    ),
    Explained(
        "POST /schedules/{schedule_id}/backfill",
        "ST202",
        "end_time must be after start_time",
        "a date range's order is a rule across two fields",
    ),
    Explained(
        "*",
        "ST202",
        'give exactly one of \\"cron\\"',
        "cron and interval_seconds exclude each other (a rule across two fields)",
    ),
    Explained(
        "*",
        "ST202",
        "takes no API key",
        "whether a provider takes an API key depends on the provider (a rule across fields)",
    ),
    Explained(
        "*",
        "ST202",
        "must be '<output>.<field path>'",
        "an expected key names an output field of the app (checked against the app)",
    ),
    Explained(
        "*", "ST202", "map at least one run input", "an update may not leave a webhook empty"
    ),
    Explained(
        "POST /apps/{app_id}/evaluations",
        "ST202",
        "The LLM judge is not available",
        "the judge is opt-in; without it configured `judge: true` is refused",
    ),
    Explained(
        "PUT /apps/{app_id}/gate",
        "ST202",
        "not found; list them with GET /apps/{app_id}/datasets",
        "the body refers to a dataset that does not exist",
    ),
    Explained(
        "PUT /prompts/{name}/aliases",
        "ST202",
        "has no version",
        "the body refers to a prompt version that does not exist",
    ),
    Explained("POST /artifacts", "ST202", "uploaded file is empty", "an empty upload is refused"),
    Explained(
        "*",
        "ST202",
        "the spec must be a mapping",
        "YAML text: its structure is checked after parsing (line and column in the 422)",
    ),
    Explained(
        "POST /orchestration/{app_id}/validate",
        "ST201",
        '"valid":false',
        "validate answers 200 with the problems of any text: that is its job",
    ),
    # Pydantic reads a number as a Unix time and `false` as 0 (lenient input): accepted,
    # never a server error.
    Explained("GET /audit", "ST201", "Incorrect type", "a number is read as a Unix time"),
    Explained("*", "ST201", "start_time: Incorrect type", "a number is read as a Unix time"),
    Explained("*", "ST201", "end_time: Incorrect type", "a number is read as a Unix time"),
    Explained("*", "ST201", "overlap_seconds: Incorrect type", "`false` is read as 0"),
    # Timing is not the contract: the suite shares two cores with everything else.
    Explained("*", "ST112", "Response time limit exceeded", "timing is not part of the contract"),
]


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("contract-home")
    processes = Processes(home / "logs")
    database = create_database()
    try:
        temporal = TemporalDevServer(processes, home / "temporal.db")
        temporal.start()
        env = hub_environment(
            {
                "HUB_HOME": str(home),
                "HUB_DATABASE_URL": database_url(database),
                "HUB_TEMPORAL_ADDRESS": temporal.address,
                "HUB_TEMPORAL_UI_URL": "",
                "HUB_LOG_LEVEL": "WARNING",
                "HUB_RATE_LIMIT_PER_MINUTE": "1000000",
                "HUB_RATE_LIMIT_BURST": "1000000",
            }
        )
        api, url = api_part(processes, env)
        processes.start("orchestrator-worker", [*hub_command(), "worker", "orchestrator"], env)
        wait_ready(api)
        yield url
    finally:
        processes.stop_all()
        drop_database(database)


def _cases(report: Path) -> Iterator[tuple[str, str]]:
    """(operation, text of one failing case) for every failure in the JUnit report."""
    for testcase in ET.parse(report).getroot().iter("testcase"):
        for failure in testcase.iter("failure"):
            for case in re.split(r"\n(?=\d+\. Test Case ID)", failure.text or ""):
                if case.strip():
                    yield testcase.get("name", ""), case


def _unexplained(operation: str, case: str) -> list[str]:
    codes = sorted(set(re.findall(r"^- (ST\d{3}) ", case, flags=re.MULTILINE)))
    left = []
    for code in codes:
        if not any(
            e.check == code and e.operation in ("*", operation) and e.needle in case
            for e in EXPLAINED
        ):
            left.append(code)
    return left


def test_schemathesis_finds_no_server_error_and_no_unexplained_rejection(
    api_url: str, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    argv = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{api_url}/openapi.json",
        "--header",
        f"Authorization: {admin_headers()['Authorization']}",
        "--phases",
        "examples,coverage,stateful",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        "1",
        "--continue-on-failure",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    finished = subprocess.run(
        argv, capture_output=True, text=True, timeout=400, cwd=tmp_path, check=False
    )
    assert report.exists(), finished.stdout[-4000:] + finished.stderr[-2000:]
    summary = finished.stdout[finished.stdout.rfind("SUMMARY") :]
    assert "Tested: " in summary, finished.stdout[-4000:]
    problems = []
    for operation, case in _cases(report):
        codes = _unexplained(operation, case)
        if codes:
            problems.append(f"{operation}: {', '.join(codes)}\n{case[:1500]}")
    assert "ST101" not in "".join(problems), "server errors:\n\n" + "\n\n".join(problems)
    assert not problems, "unexplained:\n\n" + "\n\n".join(problems)
