"""Release gates: a deploy evaluates the candidate on the gate's dataset first.

The candidate is the app's current config compiled as the next release would be. It is
refused when its score is under ``min_score``, or when any field's score drops by more
than ``max_field_drop`` against the deployed release (whose newest completed evaluation
on the same dataset version is reused, else evaluated alongside the candidate). A first
deploy has nothing to compare with: only ``min_score`` applies.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session

from api.auth.principals import Principal
from api.config import PromptResolver
from api.evaluations.service import (
    Candidate,
    EvaluationRunner,
    compare,
    evaluation_public,
    gate_public,
    require_dataset,
    resolve_release,
)
from api.releases.service import build_plan, bump_minor
from schemas.evaluations import EvaluationPublic, GatePublic, GateReport
from storage.evaluations import DatasetRepository, EvaluationRepository
from storage.models import App, AppGate
from storage.repositories import ReleaseRepository


class GateRefused(Exception):
    """409: the candidate did not pass the gate; ``report`` says why."""

    def __init__(self, report: GateReport) -> None:
        super().__init__("; ".join(report.reasons))
        self.report = report


def _load(runner: EvaluationRunner, evaluation_id: str) -> EvaluationPublic:
    with runner.session_factory() as session:
        row = EvaluationRepository(session).get(evaluation_id)
        assert row is not None
        return evaluation_public(row, DatasetRepository(session).get(row.dataset_id))


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
    candidate_id = runner.create(app, dataset, candidate, principal, purpose="gate")
    jobs = [runner.execute(candidate_id, candidate, principal)]
    if baseline_candidate is not None:
        baseline_id = runner.create(app, dataset, baseline_candidate, principal, purpose="gate")
        jobs.append(runner.execute(baseline_id, baseline_candidate, principal))
    await asyncio.gather(*jobs)
    candidate_report = _load(runner, candidate_id)
    baseline_report = _load(runner, baseline_id) if baseline_id else None
    return judge(gate_view, candidate_report, baseline_report)


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
