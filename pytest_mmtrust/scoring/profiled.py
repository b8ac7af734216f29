"""The evaluator a MultiTrust suite declares, and the one the upstream profile swaps in.

A suite wraps its default evaluator::

    evaluator=profiled("T.1", AnswerEvaluator())

Unbound, the wrapper *is* the default evaluator (same name, same scores). The run context binds
it once per run (``bind(context)``; ``context.scoring`` is ``"default"`` or ``"upstream"``): the
default profile gets the default evaluator (itself bound, when it binds); the upstream profile
gets an :class:`UpstreamEvaluator`, which scores the task as MultiTrust does
(:mod:`.upstream_evaluators`) and asks ``--mmtrust-judge`` upstream's own prompts
(:mod:`.upstream_prompts`) where upstream asked GPT-4 or HarmBench's classifier. Every score it
gives carries ``details["scoring"] = "upstream"`` and ``details["upstream"]`` (how it was
reached; ``details["upstream_reason"]`` when it is an approximation).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..evaluators.base import Evaluator
from ..evaluators.judge import JudgeError
from ..store import cache_key
from ..values import Case, GenerationParams, Request, Score
from . import UPSTREAM, profile_of
from .upstream_evaluators import APPROXIMATION, JUDGED, SCORERS, UPSTREAM_TASKS
from .upstream_prompts import UpstreamPrompt


class UpstreamJudge:
    """Asks a judge one upstream prompt and returns its reply: one user message, greedy, no system
    prompt, upstream's length; through a runner over the run's store, so replies are cached."""

    def __init__(self, runner: Any):
        self.runner = runner
        self.name = f"judge:{getattr(getattr(runner, 'model', None), 'name', 'judge')}"

    def ask(self, upstream: UpstreamPrompt, **values: Any) -> str:
        request = Request(text=upstream.render(**values),
                          params=GenerationParams(max_tokens=upstream.max_tokens, temperature=0.0, seed=0))
        key = cache_key(self.runner.identity, request)
        response = self.runner.fetch({key: request}, label=f"{self.name} ({upstream.key})")[key]
        if not response.ok:
            raise JudgeError(f"judge {self.name} failed on upstream prompt {upstream.key}: {response.error}")
        return response.text or ""


def judge_of(context: Any) -> UpstreamJudge | None:
    """The run's ``--mmtrust-judge`` as an :class:`UpstreamJudge` (None when the run has none)."""
    runner_of = getattr(context, "judge_runner", None)
    runner = runner_of() if callable(runner_of) else None
    return UpstreamJudge(runner) if runner is not None else None


# ---------------------------------------------------------------- the wrapper


class ProfiledEvaluator:
    """A task's default evaluator that the run context can swap for the upstream profile's."""

    def __init__(self, task_id: str, default: Evaluator):
        if task_id not in UPSTREAM_TASKS:
            raise ValueError(f"no upstream scoring for task {task_id!r} (known: {', '.join(sorted(UPSTREAM_TASKS))})")
        self.task_id = task_id
        self.default = default

    @property
    def name(self) -> str:
        return self.default.name

    def __call__(self, case: Case, text: str) -> Score:
        return self.default(case, text)

    def bind(self, context: Any) -> Evaluator:
        """The evaluator for this run: the upstream one under ``scoring="upstream"``, else the default."""
        bind = getattr(self.default, "bind", None)
        default = bind(context) if callable(bind) else self.default
        if profile_of(context) != UPSTREAM:
            return default
        return UpstreamEvaluator(self.task_id, default, judge_of(context))

    def __repr__(self) -> str:
        return f"profiled({self.task_id!r}, {self.default!r})"


def profiled(task_id: str, default: Evaluator) -> ProfiledEvaluator:
    """``default`` in the default profile, MultiTrust's own scoring of ``task_id`` in the upstream one."""
    return ProfiledEvaluator(task_id, default)


class UpstreamEvaluator:
    """One task scored as MultiTrust scores it (see the module docstring)."""

    def __init__(self, task_id: str, default: Evaluator, judge: UpstreamJudge | None = None):
        self.task_id = task_id
        self.default = default
        self.judge = judge
        self._score = SCORERS[task_id]
        judged = judge is not None and task_id in JUDGED
        self.name = f"upstream:{judge.name}" if judged and judge is not None else "upstream:rules"

    def __call__(self, case: Case, text: str) -> Score:
        score, how, reason = self._score(self, case, text or "")
        details = {**dict(score.details), "scoring": UPSTREAM, "upstream": how}
        if reason:
            details["upstream_reason"] = reason
        return replace(score, details=details)

    def fallback(self, case: Case, text: str, reason: str) -> tuple[Score, str, str]:
        return self.default(case, text), APPROXIMATION, reason

    def __repr__(self) -> str:
        return f"UpstreamEvaluator({self.task_id!r}, judge={self.judge.name if self.judge else None!r})"
