"""Run contexts for tests: a judge (or any auxiliary model) given as a ready runner.

In a run, :class:`~pytest_mmtrust.context.EvaluatorModels` builds judge models from their
strings. A test usually has a scripted model object instead; :func:`context_with_judge` puts its
runner behind the same interface, so the evaluator under test is bound exactly as the session
binds it.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..context import RunContext
from ..runner import ResponseRunner


class FixedModels:
    """Stands in for :class:`~pytest_mmtrust.context.EvaluatorModels`: model string → a ready runner."""

    def __init__(self, runners: Mapping[str, ResponseRunner]):
        self.runners = dict(runners)
        self._made: dict[Any, Any] = {}

    def runner(self, spec: str, api_base: str | None = None, *, option: str = "--mmtrust-judge") -> ResponseRunner:
        return self.runners[spec]

    def once(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def close(self) -> None:
        self._made.clear()


def context_with_judge(runner: ResponseRunner, spec: str = "judge", **fields: Any) -> RunContext:
    """A run context whose ``--mmtrust-judge`` is ``spec``, answering through ``runner``."""
    return RunContext(judge=spec, models=FixedModels({spec: runner}), **fields)  # type: ignore[arg-type]
