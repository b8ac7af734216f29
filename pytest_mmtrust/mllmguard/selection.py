"""Choosing the MLLMGuard evaluator for a run: ``rules``, ``judge[:MODEL]`` or ``classifier:PATH``.

The setting is ``--mmtrust-guard-evaluator`` (``guard_evaluator`` in ``[tool.mmtrust]``):

``rules`` (default)
    :class:`~pytest_mmtrust.mllmguard.rules.GuardRuleEvaluator`, offline, an approximation;
``judge`` / ``judge:MODEL``
    :class:`~pytest_mmtrust.mllmguard.judge.GuardJudgeEvaluator` with the judge model ``MODEL``
    (any ``--mmtrust-model`` string: ``openai/gpt-4o``, ``py:module:function`` …, served from
    ``--mmtrust-judge-api-base`` when given); plain ``judge`` uses the run's ``--mmtrust-judge``;
``classifier:PATH`` / ``classifier:PATH,HALLUCINATION_PATH``
    :class:`~pytest_mmtrust.mllmguard.classifier.GuardClassifierEvaluator` with local model folders.

The suites declare :func:`suite_evaluator`, a placeholder the session binds to the run
(:mod:`pytest_mmtrust.context`): bound, it becomes the evaluator the setting names, built once
per run and shared by the thirteen suites; the judge model is built by the run context (under
``--mmtrust-cache-dir``, answering through the run's response store). Noise injection and
position swapping are always scored by rules, whatever the setting. :func:`check_setting` lets
the plugin refuse a malformed setting before collection.
"""

from __future__ import annotations

from ..context import RunContext
from ..errors import ConfigError
from ..evaluators.base import Evaluator
from ..values import Case, Score
from .classifier import GuardClassifierEvaluator
from .judge import GuardJudgeEvaluator
from .rules import GuardRuleEvaluator

OPTION = "--mmtrust-guard-evaluator"
SYNTAX = "rules, judge[:MODEL] or classifier:PATH[,HALLUCINATION_PATH]"


def parse_setting(value: str | None, source: str = OPTION) -> tuple[str, tuple[str, ...]]:
    """``(kind, arguments)`` of a setting: ``("rules", ())``, ``("judge", ())``,
    ``("judge", (MODEL,))`` or ``("classifier", (PATH[, HALLUCINATION_PATH]))``; a malformed
    setting is a :class:`ConfigError` naming ``source``."""
    setting = (value or "rules").strip()
    if setting == "rules":
        return "rules", ()
    if setting == "judge":
        return "judge", ()
    if setting.startswith("judge:"):
        spec = setting[len("judge:"):].strip()
        if not spec:
            raise ConfigError(f"{source}={value!r}: judge: needs a model, e.g. judge:openai/gpt-4o")
        return "judge", (spec,)
    if setting.startswith("classifier:"):
        paths = [p.strip() for p in setting[len("classifier:"):].split(",")]
        if not paths[0] or len(paths) > 2 or any(not p for p in paths):
            raise ConfigError(f"{source}={value!r}: expected classifier:PATH or classifier:PATH,HALLUCINATION_PATH")
        return "classifier", tuple(paths)
    raise ConfigError(f"{source}={value!r}: unknown MLLMGuard evaluator; use {SYNTAX}")


def check_setting(value: str | None, judge: str | None) -> None:
    """Refuse, before collection, a setting that cannot work in this run."""
    kind, arguments = parse_setting(value)
    if kind == "judge" and not arguments and not judge:
        raise ConfigError(f"{OPTION}=judge uses the run's judge: add --mmtrust-judge MODEL, or name one: judge:MODEL")


def guard_evaluator_from_setting(value: str | None, context: RunContext, source: str = OPTION) -> Evaluator:
    """The evaluator a setting names, built for ``context``'s run (see the module docstring)."""
    kind, arguments = parse_setting(value, source)
    if kind == "rules":
        return GuardRuleEvaluator()
    if kind == "judge":
        if arguments:
            runner = context.runner_for(arguments[0], context.judge_api_base, option=source)
        else:
            runner = context.judge_runner()
            if runner is None:
                raise ConfigError(f"{source}=judge uses the run's judge: add --mmtrust-judge MODEL, or name one: judge:MODEL")
        return GuardJudgeEvaluator(runner)
    return GuardClassifierEvaluator(arguments[0], arguments[1] if len(arguments) == 2 else None)


class GuardEvaluatorChoice:
    """The MLLMGuard suites' evaluator: the run's choice once bound, the rules until then."""

    def __init__(self) -> None:
        self.rules = GuardRuleEvaluator()
        self.name = self.rules.name

    def bind(self, context: RunContext) -> Evaluator:
        setting = (context.guard_evaluator or "rules").strip()
        return context.once(("mllmguard-evaluator", setting), lambda: guard_evaluator_from_setting(setting, context))

    def __call__(self, case: Case, text: str) -> Score:
        return self.rules(case, text)

    def __repr__(self) -> str:
        return "GuardEvaluatorChoice()"


def suite_evaluator() -> GuardEvaluatorChoice:
    """What an MLLMGuard suite declares as its evaluator (the run's choice; see the module docstring)."""
    return GuardEvaluatorChoice()


__all__ = [
    "GuardEvaluatorChoice", "OPTION", "SYNTAX", "check_setting", "guard_evaluator_from_setting",
    "parse_setting", "suite_evaluator",
]
