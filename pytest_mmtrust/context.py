"""The run context: the run-wide choices evaluators depend on, handed to them by the session.

A few evaluators cannot be fixed when a suite is imported: S.2's grader is the ``--mmtrust-judge``
model when there is one and documented rules otherwise, S.1/S.3 score toxicity with the
``--mmtrust-toxicity`` scorer, the MLLMGuard suites use the ``--mmtrust-guard-evaluator`` scorer,
and the scoring profile (``--mmtrust-scoring``) changes how some answers are read. Those choices
used to reach evaluators through process globals and environment variables that the plugin set
and never restored — invisible to a reader, leaking from one pytester run into the next, and
impossible to vary within one process.

Now the session holds one :class:`RunContext` and hands it to each task's evaluator once, when
the task is first collected: an evaluator that depends on the run implements ``bind(context)``
and returns the evaluator to use for this run (see :func:`bind_evaluator`); every other evaluator
is used as it is. An evaluator that is never bound (a unit test calling it directly) behaves as
with the defaults: rules instead of a judge, the lexicon toxicity scorer, the default profile.

Models that evaluators need (judges) are built by the context's :class:`EvaluatorModels`, once
per model string, under the run's cache folder, answering through a
:class:`~pytest_mmtrust.runner.ResponseRunner` over the run's response store — so a judge's
verdicts are cached and resumed like every other answer. Nothing is built or opened until an
evaluator asks for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import ConfigError, MMTrustError
from .scoring import PROFILES

if TYPE_CHECKING:
    from .config import Settings
    from .evaluators.base import Evaluator
    from .evaluators.toxicity import ToxicityScorer
    from .models.base import Model
    from .runner import ResponseRunner
    from .store import StoreLike

#: The scoring profiles (``--mmtrust-scoring``; see :mod:`pytest_mmtrust.scoring`).
SCORING_PROFILES = PROFILES


class EvaluatorModels:
    """Builds the models evaluators ask for (judges), each once, for one run.

    ``store`` returns the run's response store (called only when a judge first answers);
    ``cache_dir`` is the run's ``--mmtrust-cache-dir``; ``concurrency``, ``retries``, ``timeout``
    and ``batch_size`` are the run's settings for every call.
    """

    def __init__(
        self,
        *,
        store: Callable[[], "StoreLike"],
        cache_dir: Path,
        concurrency: int | str = 8,
        retries: int = 4,
        timeout: float = 60.0,
        batch_size: int = 8,
        max_retry_wait: float | None = None,
    ):
        self._store = store
        self.cache_dir = Path(cache_dir)
        self.concurrency = concurrency
        self.retries = retries
        self.timeout = timeout
        self.batch_size = batch_size
        self.max_retry_wait = max_retry_wait
        self._runners: dict[tuple[str, str | None], "ResponseRunner"] = {}
        self._models: list["Model"] = []
        self._made: dict[Any, Any] = {}
        # re-entrant: what once() makes may ask for a runner (an MLLMGuard judge:MODEL evaluator)
        self._lock = threading.RLock()

    def runner(self, spec: str, api_base: str | None = None, *, option: str = "--mmtrust-judge") -> "ResponseRunner":
        """The runner of the model ``spec`` (built on the first call for that spec and API base).

        A bad spec is a :class:`ConfigError` naming ``option``.
        """
        with self._lock:
            key = (spec, api_base)
            runner = self._runners.get(key)
            if runner is None:
                from .models import build_model, parse_model_spec
                from .runner import ResponseRunner, RetryPolicy

                try:
                    model = build_model(parse_model_spec(spec), cache_dir=self.cache_dir / "models",
                                        batch_size=self.batch_size, api_base=api_base, timeout=self.timeout)
                except MMTrustError as exc:  # the message names the option the user wrote, not --mmtrust-model
                    raise type(exc)(str(exc).replace("--mmtrust-model", option)) from None
                self._models.append(model)
                policy = RetryPolicy(retries=self.retries)
                if self.max_retry_wait is not None:
                    policy = RetryPolicy(retries=self.retries, max_retry_wait_s=self.max_retry_wait)
                runner = ResponseRunner(model, DeferredStore(self._store), concurrency=self.concurrency, policy=policy)
                self._runners[key] = runner
            return runner

    def once(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` the first time ``key`` is asked for in this run; the same object after that
        (evaluators shared by several tasks, such as one MLLMGuard classifier for 13 suites)."""
        with self._lock:
            if key not in self._made:
                self._made[key] = make()
            return self._made[key]

    def close(self) -> None:
        with self._lock:
            models, self._models = self._models, []
            self._runners.clear()
            self._made.clear()
        for model in models:
            model.close()


class DeferredStore:
    """A store opened on first use: a judge bound at collection opens nothing until it answers."""

    def __init__(self, provider: Callable[[], "StoreLike"]):
        self._provider = provider

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider(), name)


@dataclass(frozen=True)
class RunContext:
    """The run-wide choices an evaluator may depend on, handed to its ``bind(context)``.

    The session builds one per run from the options and calls ``bind(context)`` on each task's
    evaluator once, when the task is first collected; the evaluator returns the evaluator to use
    in this run. An evaluator of your own that needs the run's judge does::

        from pytest_mmtrust.evaluators import JudgeEvaluator

        class MyJudgedEvaluator:
            name = "rules:mine"

            def bind(self, context):
                runner = context.judge_runner()
                return self if runner is None else JudgeEvaluator(runner, MY_RUBRIC)

            def __call__(self, case, text): ...

    (:func:`~pytest_mmtrust.evaluators.judged_or_rules` is exactly that, ready made.) ``scoring`` is the scoring profile (:data:`SCORING_PROFILES`); ``judge`` and
    ``judge_api_base`` the ``--mmtrust-judge`` model string and its server; ``toxicity`` the
    ``--mmtrust-toxicity`` scorer (None: the offline lexicon); ``guard_evaluator`` the
    ``--mmtrust-guard-evaluator`` setting; ``models`` builds the judge models (None outside a run:
    asking for a judge is then a :class:`ConfigError`).
    """

    scoring: str = "default"
    judge: str | None = None
    judge_api_base: str | None = None
    toxicity: "ToxicityScorer | None" = None
    guard_evaluator: str = "rules"
    models: EvaluatorModels | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.scoring not in SCORING_PROFILES:
            raise ConfigError(f"unknown scoring profile {self.scoring!r} (known: {', '.join(SCORING_PROFILES)})")

    def judge_runner(self) -> "ResponseRunner | None":
        """The runner of the run's ``--mmtrust-judge``, or None when the run has no judge."""
        if not self.judge:
            return None
        return self.runner_for(self.judge, self.judge_api_base)

    def runner_for(self, spec: str, api_base: str | None = None, *, option: str = "--mmtrust-judge") -> "ResponseRunner":
        """The runner of any auxiliary model (a judge named in a setting, e.g. ``judge:MODEL``)."""
        if self.models is None:
            raise ConfigError(f"{option} {spec}: no models can be built outside a run (RunContext.models is None)")
        return self.models.runner(spec, api_base, option=option)

    def toxicity_scorer(self) -> "ToxicityScorer":
        """The run's toxicity scorer (``--mmtrust-toxicity``), the offline lexicon by default."""
        if self.toxicity is not None:
            return self.toxicity
        from .evaluators.toxicity import default_scorer

        return default_scorer()

    def once(self, key: Any, make: Callable[[], Any]) -> Any:
        """One object per ``key`` for the whole run (see :meth:`EvaluatorModels.once`)."""
        return self.models.once(key, make) if self.models is not None else make()


def bind_evaluator(evaluator: "Evaluator", context: RunContext) -> "Evaluator":
    """The evaluator to use in a run with ``context``: ``evaluator.bind(context)`` when it has
    one, else ``evaluator`` itself. Evaluators that delegate (judge-or-rules, by answer type)
    bind their delegates with this too."""
    bind = getattr(evaluator, "bind", None)
    return bind(context) if callable(bind) else evaluator


def context_for(settings: "Settings", store: Callable[[], "StoreLike"]) -> RunContext:
    """The run context of ``settings``; a bad toxicity or MLLMGuard setting, or a judge string
    that names no model, is a :class:`ConfigError` now, before anything is collected."""
    from .evaluators.toxicity import toxicity_scorer
    from .mllmguard.selection import check_setting
    from .models import parse_model_spec

    if settings.judge:
        try:
            parse_model_spec(settings.judge)
        except MMTrustError as exc:
            raise ConfigError(str(exc).replace("--mmtrust-model", "--mmtrust-judge")) from None
    check_setting(settings.guard_evaluator, settings.judge)
    scorer = toxicity_scorer(settings.toxicity) if settings.toxicity else None
    models = EvaluatorModels(
        store=store, cache_dir=settings.cache_dir, concurrency=settings.concurrency, retries=settings.retries,
        timeout=settings.timeout, batch_size=settings.batch_size, max_retry_wait=settings.max_retry_wait,
    )
    return RunContext(
        scoring=settings.scoring, judge=settings.judge, judge_api_base=settings.judge_api_base, toxicity=scorer,
        guard_evaluator=settings.guard_evaluator or "rules", models=models,
    )
