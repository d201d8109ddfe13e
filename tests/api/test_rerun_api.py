"""``POST /runs/{id}/rerun`` from any step that ran, approval steps included, on a real
Temporal dev server with the real workers and a real HTTP agent service.

"Kept upstream" is proved by the agent service's own call records: a step whose agent is
not called again was replayed from history.
"""

from __future__ import annotations

import string
import uuid
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType

from tests.api.test_runs_api import (  # the runs API suite's stack: API, workers, agents
    CHAIN_YAML,
    ECHO,
    RunsHub,
    hub,  # noqa: F401 (fixture)
    new_app,
    waiting_for_approval,
)
from tests.e2e.hub_api import (
    custom_agent_config,
    expect,
    start_run,
    step_in_state,
    step_of,
    wait_for_run,
)
from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401

UPDATE_ADMITTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED

#: A foreach step, an approval that runs only for large amounts, and a report after it.
SKIPPING_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: extract
    agent_id: "$a1"
    foreach: {source: trigger, field: memos}
    inputs: [{source: trigger, field: memos}]
    outputs: [{name: extracted}]
  - step: sign-off
    when: "inputs.amount > 1000"
    inputs: [{source: extract, field: extracted}]
    outputs: [{name: decision}]
    approval: {}
  - step: report
    agent_id: "$a2"
    inputs: [{source: sign-off, field: decision}]
    outputs: [{name: report}]
"""

#: Two approvals in a row: the second starts in the task that took the first decision.
TWO_APPROVALS_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: extract
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: extracted}]
  - step: desk
    inputs: [{source: extract, field: extracted}]
    outputs: [{name: desk_decision}]
    approval: {}
  - step: committee
    inputs: [{source: desk, field: desk_decision}]
    outputs: [{name: committee_decision}]
    approval: {}
  - step: report
    agent_id: "$a2"
    inputs: [{source: committee, field: committee_decision}]
    outputs: [{name: report}]
"""


async def approve(http: httpx.AsyncClient, run_id: str, step_id: str, **decision: Any) -> None:
    answer = await http.post(f"/runs/{run_id}/approvals", json={"step_id": step_id, **decision})
    expect(answer, 200)


async def rerun(http: httpx.AsyncClient, run_id: str, from_step: str) -> httpx.Response:
    return await http.post(f"/runs/{run_id}/rerun", json={"from_step": from_step})


def refusal(answer: httpx.Response) -> str:
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail[0]["loc"][-1] == "from_step"
    return str(detail[0]["msg"])


async def test_rerun_from_an_answered_approval_waits_for_a_new_decision(hub: RunsHub) -> None:  # noqa: F811
    run_id = await waiting_for_approval(hub)
    await approve(hub.http, run_id, "sign_off", payload={"limit": 5000}, approver="ana")
    first = await wait_for_run(hub.http, run_id)
    assert first["status"] == "completed", first
    assert first["outputs"]["3"]["report"]["decision"]["limit"] == 5000

    started = expect(await rerun(hub.http, run_id, "sign_off"), 202)
    assert started["run_id"] == run_id and started["status"] == "running"
    waiting = await wait_for_run(
        hub.http, run_id, until=step_in_state("sign_off", "waiting_approval"), what="a new wait"
    )
    # The old decision was not applied again (not even offered to the workflow): the run
    # waits, step 1 kept its result.
    history = await hub.temporal.get_workflow_handle(run_id).fetch_history()
    reapplied = [e for e in history.events if e.event_type == UPDATE_ADMITTED]
    assert reapplied == []
    assert waiting["status"] == "running"
    assert step_of(waiting, "1")["state"] == "completed"
    assert step_of(waiting, "3")["state"] == "pending"

    await approve(hub.http, run_id, "sign_off", payload={"limit": 7000}, approver="bo")
    again = await wait_for_run(hub.http, run_id)
    assert again["status"] == "completed", again
    decision = again["outputs"]["3"]["report"]["decision"]
    assert decision["limit"] == 7000 and decision["approver"] == "bo"
    assert again["outputs"]["1"] == first["outputs"]["1"]
    # Step 1's agent was called once in all; step 3's once per decision.
    assert hub.calls_per_step(run_id) == {"1": 1, "3": 2}

    # The re-run's own history (reset events included) is a starting point again.
    expect(await rerun(hub.http, run_id, "sign_off"), 202)
    await wait_for_run(hub.http, run_id, until=step_in_state("sign_off", "waiting_approval"))
    await approve(hub.http, run_id, "sign_off", payload={"limit": 9000}, approver="cy")
    third = await wait_for_run(hub.http, run_id)
    assert third["outputs"]["3"]["report"]["decision"]["limit"] == 9000
    assert hub.calls_per_step(run_id) == {"1": 1, "3": 3}


async def test_rerun_from_a_rejected_approval_lets_it_be_decided_again(hub: RunsHub) -> None:  # noqa: F811
    run_id = await waiting_for_approval(hub)
    await approve(hub.http, run_id, "sign_off", approved=False, comment="DSCR too thin")
    failed = await wait_for_run(hub.http, run_id)
    assert failed["status"] == "failed" and "DSCR too thin" in failed["error"]

    expect(await rerun(hub.http, run_id, "sign_off"), 202)
    await wait_for_run(
        hub.http, run_id, until=step_in_state("sign_off", "waiting_approval"), what="a new wait"
    )
    await approve(hub.http, run_id, "sign_off", payload={"limit": 100}, approver="cy")
    run = await wait_for_run(hub.http, run_id)
    assert run["status"] == "completed", run
    assert run["error"] is None
    assert run["outputs"]["3"]["report"]["decision"]["limit"] == 100
    assert hub.calls_per_step(run_id) == {"1": 1, "3": 1}


async def test_rerun_from_an_agent_step_after_an_approval_keeps_the_approval(
    hub: RunsHub,  # noqa: F811
) -> None:
    run_id = await waiting_for_approval(hub)
    await approve(hub.http, run_id, "sign_off", payload={"limit": 5000}, approver="ana")
    first = await wait_for_run(hub.http, run_id)
    assert first["status"] == "completed", first

    expect(await rerun(hub.http, run_id, "3"), 202)
    again = await wait_for_run(hub.http, run_id)
    assert again["status"] == "completed", again
    assert again["outputs"] == first["outputs"]
    decision = again["outputs"]["3"]["report"]["decision"]
    assert decision["limit"] == 5000 and decision["approver"] == "ana"
    assert hub.calls_per_step(run_id) == {"1": 1, "3": 2}


async def test_rerun_from_an_approval_keeps_the_approval_before_it(hub: RunsHub) -> None:  # noqa: F811
    app = await new_app(hub, TWO_APPROVALS_YAML, {"a1": ECHO, "a2": ECHO})
    run_id = (await start_run(hub.http, app.app_id, {"memo": "two gates"}))["run_id"]
    await wait_for_run(hub.http, run_id, until=step_in_state("desk", "waiting_approval"))
    await approve(hub.http, run_id, "desk", payload={"ok": 1}, approver="desk-officer")
    await wait_for_run(hub.http, run_id, until=step_in_state("committee", "waiting_approval"))
    await approve(hub.http, run_id, "committee", payload={"limit": 1}, approver="chair")
    assert (await wait_for_run(hub.http, run_id))["status"] == "completed"

    expect(await rerun(hub.http, run_id, "committee"), 202)
    waiting = await wait_for_run(
        hub.http, run_id, until=step_in_state("committee", "waiting_approval"), what="a new wait"
    )
    assert step_of(waiting, "desk")["state"] == "completed"
    await approve(hub.http, run_id, "committee", payload={"limit": 2}, approver="deputy")
    run = await wait_for_run(hub.http, run_id)
    assert run["status"] == "completed", run
    assert run["outputs"]["desk"]["desk_decision"]["approver"] == "desk-officer"
    report = run["outputs"]["report"]["report"]["committee_decision"]
    assert report["limit"] == 2 and report["approver"] == "deputy"
    assert hub.calls_per_step(run_id) == {"extract": 1, "report": 2}


async def test_steps_that_cannot_be_starting_points_say_why(hub: RunsHub) -> None:  # noqa: F811
    app = await new_app(hub, SKIPPING_YAML, {"a1": ECHO, "a2": ECHO})
    started = await start_run(hub.http, app.app_id, {"memos": ["m1", "m2", "m3"], "amount": 10})
    run_id = started["run_id"]
    first = await wait_for_run(hub.http, run_id)
    assert first["status"] == "completed", first
    ran = "steps that ran: extract"

    item = refusal(await rerun(hub.http, run_id, "extract[2]"))
    assert "'extract[2]' is item 2 of the foreach step 'extract'" in item
    assert "re-run from 'extract'" in item and item.endswith(ran)

    skipped = refusal(await rerun(hub.http, run_id, "sign-off"))
    assert skipped == (
        f"step 'sign-off' was skipped (condition 'inputs.amount > 1000' is false) in {run_id}; "
        f"it cannot be a starting point; {ran}"
    )
    downstream = refusal(await rerun(hub.http, run_id, "report"))
    assert downstream.startswith("step 'report' was skipped (upstream step(s) ['sign-off']")
    assert downstream.endswith(ran)

    unknown = refusal(await rerun(hub.http, run_id, "nope"))
    assert unknown.startswith(f"{run_id} has no step 'nope' (its steps: extract, sign-off, report)")

    # The foreach step itself is a starting point: every item runs again.
    expect(await rerun(hub.http, run_id, "extract"), 202)
    again = await wait_for_run(hub.http, run_id)
    assert again["status"] == "completed", again
    assert again["outputs"]["extract"] == first["outputs"]["extract"]
    assert hub.calls_per_step(run_id) == {"extract": 6}


async def test_a_step_that_never_started_is_not_a_starting_point(hub: RunsHub) -> None:  # noqa: F811
    run_id = await waiting_for_approval(hub)
    never = refusal(await rerun(hub.http, run_id, "3"))
    assert never.startswith(f"step '3' never started in {run_id}")
    assert never.endswith("steps that ran: 1, sign_off")
    expect(await hub.http.post(f"/runs/{run_id}/cancel"), 202)
    await wait_for_run(hub.http, run_id)


async def test_local_steps_run_in_one_task_so_a_rerun_names_the_step_to_start_from(
    hub: RunsHub,  # noqa: F811
) -> None:
    http = hub.http
    created = expect(await http.post("/apps", json={"name": f"local {uuid.uuid4().hex[:6]}"}), 201)
    app_id = created["id"]
    agents = {}
    for placeholder in ("a1", "a2", "a3"):
        body = {
            "name": placeholder,
            "type": ECHO,
            "config": {**custom_agent_config(), "dispatch": "local"},
        }
        agent = expect(await http.post(f"/apps/{app_id}/agents", json=body), 201)
        agents[placeholder] = agent["id"]
    text = string.Template(CHAIN_YAML).substitute(app_id=app_id, echo=ECHO, **agents)
    headers = {"Content-Type": "application/yaml"}
    expect(await http.put(f"/orchestration/{app_id}", content=text.encode(), headers=headers), 200)
    expect(await http.post(f"/apps/{app_id}/deploy"), 200)
    run_id = (await start_run(http, app_id, {"memo": "local"}))["run_id"]
    first = await wait_for_run(http, run_id)
    assert first["status"] == "completed", first

    # The three local activities ran within one workflow task: a reset cannot keep 1 and 2.
    refused = refusal(await rerun(http, run_id, "3"))
    assert refused.startswith("step '3' ran in the same workflow task as the upstream step(s) 1, 2")
    assert refused.endswith("re-run from '1' instead")
    assert hub.calls_per_step(run_id) == {"1": 1, "2": 1, "3": 1}

    expect(await rerun(http, run_id, "1"), 202)
    again = await wait_for_run(http, run_id)
    assert again["status"] == "completed" and again["outputs"] == first["outputs"]
    assert hub.calls_per_step(run_id) == {"1": 2, "2": 2, "3": 2}


#: An approval that approves itself when nobody answers in time.
SELF_APPROVING_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: 1
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: analysis}]
  - step: sign_off
    inputs: [{source: "$a1", field: analysis}]
    outputs: [{name: decision}]
    approval: {timeout: 3s, on_timeout: approve}
  - step: 3
    agent_id: "$a2"
    inputs: [{source: sign_off, field: decision}]
    outputs: [{name: report}]
"""


async def test_rerun_from_an_approval_given_by_its_timeout_waits_its_full_time_again(
    hub: RunsHub,  # noqa: F811
) -> None:
    app = await new_app(hub, SELF_APPROVING_YAML, {"a1": ECHO, "a2": ECHO})
    run_id = (await start_run(hub.http, app.app_id, {"memo": "quiet desk"}))["run_id"]
    first = await wait_for_run(hub.http, run_id)
    assert first["status"] == "completed", first
    assert first["outputs"]["3"]["report"]["decision"]["approver"] == "timeout"

    expect(await rerun(hub.http, run_id, "sign_off"), 202)
    # The reset went back to the task that started the wait, so the timer starts afresh
    # (the old one, long fired, would have approved at once): the step is seen waiting.
    await wait_for_run(
        hub.http, run_id, until=step_in_state("sign_off", "waiting_approval"), what="a new wait"
    )
    again = await wait_for_run(hub.http, run_id)
    assert again["status"] == "completed", again
    assert again["outputs"]["3"]["report"]["decision"]["approver"] == "timeout"
    assert hub.calls_per_step(run_id) == {"1": 1, "3": 2}


#: A step that fails (the echo agent returns none of the two outputs it declares) and is
#: tolerated, and a step after it that is skipped for that.
FAILING_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: check
    agent_id: "$a1"
    on_error: continue
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: verdict}, {name: score}]
  - step: report
    agent_id: "$a2"
    inputs: [{source: check, field: verdict}]
    outputs: [{name: report}]
"""


async def test_a_step_skipped_because_upstream_failed_is_not_a_starting_point(
    hub: RunsHub,  # noqa: F811
) -> None:
    app = await new_app(hub, FAILING_YAML, {"a1": ECHO, "a2": ECHO})
    run_id = (await start_run(hub.http, app.app_id, {"memo": "m"}))["run_id"]
    run = await wait_for_run(hub.http, run_id)
    assert step_of(run, "check")["state"] == "failed", run
    assert step_of(run, "report")["state"] == "skipped", run

    skipped = refusal(await rerun(hub.http, run_id, "report"))
    assert skipped.startswith(
        "step 'report' was skipped (upstream step(s) ['check'] did not complete) in "
    )
    assert skipped.endswith("it cannot be a starting point; steps that ran: check")
    # The failed step itself ran, so it is a starting point.
    expect(await rerun(hub.http, run_id, "check"), 202)
    again = await wait_for_run(hub.http, run_id)
    assert step_of(again, "check")["state"] == "failed"
    assert hub.calls_per_step(run_id) == {"check": 2}


async def test_rerun_from_a_step_before_an_approval_asks_for_the_decision_again(
    hub: RunsHub,  # noqa: F811
) -> None:
    run_id = await waiting_for_approval(hub)
    await approve(hub.http, run_id, "sign_off", payload={"limit": 5000}, approver="ana")
    assert (await wait_for_run(hub.http, run_id))["status"] == "completed"

    # Step 1 runs again, so its result may differ: the decision taken on the old one is
    # offered to the workflow again, refused (the step is not waiting yet), and asked anew.
    expect(await rerun(hub.http, run_id, "1"), 202)
    waiting = await wait_for_run(
        hub.http, run_id, until=step_in_state("sign_off", "waiting_approval"), what="a new wait"
    )
    assert step_of(waiting, "1")["state"] == "completed"
    await approve(hub.http, run_id, "sign_off", payload={"limit": 10}, approver="bo")
    run = await wait_for_run(hub.http, run_id)
    assert run["outputs"]["3"]["report"]["decision"]["limit"] == 10
    assert hub.calls_per_step(run_id) == {"1": 2, "3": 2}
