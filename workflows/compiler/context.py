"""The state one compilation shares between its checks, and the report they write to."""

from __future__ import annotations

from collections.abc import Sequence

from schemas.agents import ValidationIssue
from schemas.orchestration import AgentInfo, OrchestrationSpec, SpecStep
from workflows.compiler.parse import Salvage
from workflows.compiler.source import Path, SourceMap


class Report:
    """Errors and warnings, each located in the source."""

    def __init__(self, smap: SourceMap) -> None:
        self.smap = smap
        self.errors: list[ValidationIssue] = []
        self.warnings: list[ValidationIssue] = []

    def error(self, path: Path, message: str, column_offset: int | None = None) -> None:
        self.errors.append(self._issue(path, message, column_offset))

    def warning(self, path: Path, message: str) -> None:
        self.warnings.append(self._issue(path, message, None))

    def _issue(self, path: Path, message: str, column_offset: int | None) -> ValidationIssue:
        issue = self.smap.issue(path, message)
        if column_offset is not None and issue.column is not None and path in self.smap.scalars:
            style, one_line = self.smap.scalars[path]
            if one_line:
                quote = 1 if style in ("'", '"') else 0
                issue = issue.model_copy(update={"column": issue.column + quote + column_offset})
        return issue


def listing(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "nothing"


class CompileState:
    """What every check of one compilation shares: the spec, the app's agents, the step
    ids and the dependencies found so far, and the report of problems."""

    def __init__(
        self,
        spec: OrchestrationSpec,
        agents: Sequence[AgentInfo],
        smap: SourceMap,
        salvage: Salvage | None = None,
    ):
        self.spec = spec
        # steps dropped because their shape is invalid: references to them are not judged
        self.salvage = salvage or Salvage(positions=list(range(len(spec.workflow))))
        self.report = Report(smap)
        self.agents: dict[str, AgentInfo] = {}
        for a in agents:
            self.agents.setdefault(a.id, a)
        self.ids = [str(s.step) for s in spec.workflow]
        self.index: dict[str, int] = {}
        self.steps_by_agent: dict[str, list[int]] = {}
        for i, s in enumerate(spec.workflow):
            if s.agent_id is not None:
                self.steps_by_agent.setdefault(s.agent_id, []).append(i)
        self.deps: list[list[int]] = [[] for _ in spec.workflow]
        self.self_dependent: set[int] = set()

    # ---- helpers

    def wp(self, i: int) -> Path:
        """The path of step ``i`` in the source (salvaging may have dropped steps)."""
        return ("workflow", self.salvage.positions[i])

    def add_dep(self, i: int, j: int) -> None:
        if i == j:
            self.self_dependent.add(i)
        elif j not in self.deps[i]:
            self.deps[i].append(j)

    @staticmethod
    def item_name(s: SpecStep) -> str | None:
        """The name a ``foreach`` item reaches the agent under (``None``: its ``field``).

        ``foreach.as`` when given; else the name of the step's input that reads the same
        list (so ``{source: trigger, field: documents, as: document}`` names the items);
        else the foreach's field.
        """
        fe = s.foreach
        assert fe is not None
        if fe.as_:
            return fe.as_
        same = next(
            (inp for inp in s.inputs if (inp.source, inp.field) == (fe.source, fe.field)), None
        )
        return same.as_ if same is not None else None
