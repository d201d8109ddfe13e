"""Release gates: a deploy evaluates the candidate on the gate's dataset first.

The candidate is the app's current config compiled as the next release would be. It is
refused when its score is under ``min_score``, or when any field's score drops by more
than ``max_field_drop`` against the deployed release (whose newest completed evaluation
on the same dataset version is reused, else evaluated alongside the candidate). A first
deploy has nothing to compare with: only ``min_score`` applies.
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.orm import Session
from temporalio.service import RPCError

from api.auth.principals import Principal
from api.config import PromptResolver
from api.evaluations.service import (
    Candidate,
    EvaluationRunner,
    JudgeConfig,
    compare,
    gate_public,
    require_dataset,
    resolve_release,
)
from api.releases.service import build_plan, bump_minor
from api.temporal import TemporalUnavailable
from schemas.evaluations import EvaluationPublic, GatePublic, GateReport
from storage.evaluations import EvaluationRepository
from storage.models import App, AppGate
from storage.repositories import ReleaseRepository


class GateRefused(Exception):
    """409: the candidate did not pass the gate; ``report`` says why."""

    def __init__(self, report: GateReport) -> None:
        super().__init__("; ".join(report.reasons))
        self.report = report


def _judge(gate: AppGate) -> JudgeConfig | None:
    return JudgeConfig.model_validate(gate.judge) if gate.judge else None


async def evaluate_gate(
    session: Session,
    runner: EvaluationRunner,
    app: App,
    gate: AppGate,
    prompt_resolver: PromptResolver | None,
    principal: Principal,
) -> GateReport:
    """Evaluate the candidate (and, if needed, the deployed release) and judge them."""
    dataset = require_dataset(session, gate.dataset_id, app)
    releases = ReleaseRepository(session)
    first_release = releases.latest(app.id) is None
    version = app.version if first_release else bump_minor(app.version)
    plan = build_plan(session, app, prompt_resolver, version)
    candidate = Candidate("candidate", plan, None, version)
    baseline_id: str | None = None
    baseline_candidate: Candidate | None = None
    if app.status == "deployed" and not first_release:
        deployed = resolve_release(session, app, "deployed", prompt_resolver)
        previous = EvaluationRepository(session).latest_completed(
            dataset.id, deployed.release_id or ""
        )
        if previous is not None:
            baseline_id = previous.id
        else:
            baseline_candidate = deployed
    gate_view = gate_public(gate)
    # The runner writes in its own transactions: this request's holds nothing meanwhile.
    session.commit()
    judge_config = _judge(gate)
    candidate_id = runner.create(
        app, dataset, candidate, principal, purpose="gate", judge=judge_config
    )
    await runner.start(candidate_id, candidate, judge=judge_config)
    if baseline_candidate is not None:
        baseline_id = runner.create(
            app, dataset, baseline_candidate, principal, purpose="gate", judge=judge_config
        )
        await runner.start(baseline_id, baseline_candidate, judge=judge_config)
    # The evaluations' workflows run on the workers; this request only awaits them (an
    # API that dies meanwhile loses the deploy, not the evaluations).
    reports = await asyncio.gather(
        runner.wait(candidate_id), *([runner.wait(baseline_id)] if baseline_id else [])
    )
    return judge(gate_view, reports[0], reports[1] if len(reports) > 1 else None)


async def record_forced(
    session: Session,
    runner: EvaluationRunner,
    app: App,
    gate: AppGate,
    prompt_resolver: PromptResolver | None,
    principal: Principal,
) -> dict[str, str | None]:
    """After a forced deploy: start (not await) an evaluation of the release just
    deployed on the gate's dataset, so the release has a report all the same.

    Returns what the audit entry links: ``evaluation_id`` (also when Temporal could not
    take it: the evaluation is then recorded ``failed`` with the reason) and
    ``baseline_evaluation_id``, the newest completed evaluation of the release it
    replaced on the same dataset version (``None`` when there is none).
    """
    dataset = require_dataset(session, gate.dataset_id, app)
    releases = ReleaseRepository(session).list_for_app(app.id)
    deployed = resolve_release(session, app, "deployed", prompt_resolver)
    previous = next((r for r in releases if r.id != deployed.release_id), None)
    baseline = (
        EvaluationRepository(session).latest_completed(dataset.id, previous.id)
        if previous is not None
        else None
    )
    session.commit()
    judge_config = _judge(gate)
    evaluation_id = runner.create(
        app, dataset, deployed, principal, purpose="gate", judge=judge_config
    )
    # Temporal down: the runner records the evaluation failed, with the reason.
    with contextlib.suppress(RPCError, TemporalUnavailable):
        await runner.start(evaluation_id, deployed, judge=judge_config)
    return {
        "evaluation_id": evaluation_id,
        "baseline_evaluation_id": baseline.id if baseline is not None else None,
    }


def judge(
    gate: GatePublic, candidate: EvaluationPublic, baseline: EvaluationPublic | None
) -> GateReport:
    """Whether ``candidate`` passes ``gate`` against ``baseline`` (reasons when not)."""
    reasons: list[str] = []
    if candidate.status != "completed" or candidate.score is None:
        reasons.append(
            f"the candidate's evaluation {candidate.id} did not complete "
            f"({candidate.error or candidate.status})"
        )
    elif candidate.score < gate.min_score - 1e-12:
        reasons.append(
            f"score {candidate.score:.3f} is under the gate's min_score {gate.min_score:.3f}"
        )
    comparison = None
    if baseline is not None and baseline.status == "completed" and candidate.status == "completed":
        comparison = compare(baseline, candidate)
        for change in comparison.fields:
            if change.change == "regressed" and change.delta is not None:
                drop = -change.delta
                if drop > gate.max_field_drop + 1e-12:
                    reasons.append(
                        f"field {change.field} drops by {drop:.3f} "
                        f"({change.baseline:.3f} → {change.candidate:.3f}), more than the gate's "
                        f"max_field_drop {gate.max_field_drop:.3f}"
                    )
            elif change.change == "removed" and (change.baseline or 0.0) > gate.max_field_drop:
                reasons.append(f"field {change.field} is no longer scored by the candidate")
    return GateReport(
        passed=not reasons,
        reasons=reasons,
        gate=gate,
        candidate=candidate,
        baseline=baseline,
        comparison=comparison,
    )
