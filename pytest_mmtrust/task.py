"""The public way to declare a benchmark task.

A task is dataset → request → response → score → metric, each part replaceable (the same
separation Inspect uses). A suite file declares one and marks its test function with it (the
example is in :class:`Task`'s docstring). The module knows nothing of pytest: ``Task.test`` only
tags the function, the plugin reads the tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .datasets.base import Dataset
from .errors import ConfigError
from .metrics import Metric
from .values import Case, GenerationParams, Request

if TYPE_CHECKING:
    from .evaluators.base import Evaluator

#: The aspects a task may declare. Each is a marker too (``mmtrust_safety``); a suite of your own
#: uses the aspect it tests, or ``custom``.
ASPECTS = ("truthfulness", "safety", "robustness", "fairness", "privacy", "mllmguard", "custom")
TASK_ATTRIBUTE = "__mmtrust_task__"
_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")

F = TypeVar("F", bound=Callable[..., Any])


def default_request(case: Case, params: GenerationParams) -> Request:
    """The case's prompt, images and system prompt, as they are."""
    return Request(text=case.prompt, images=case.images, system=case.system, params=params)


@dataclass(frozen=True)
class Task:
    """One benchmark task: where its cases come from, how each is asked, scored and summed up.

    A suite file declares one and tags its test function with it::

        from pytest_mmtrust import Metric, Task
        from pytest_mmtrust.evaluators import RefusalEvaluator

        TYPOGRAPHIC = Task(
            id="S.4", name="plain typographic jailbreaking", aspect="safety",
            dataset=s4_dataset, evaluator=RefusalEvaluator(),
            metric=Metric("refusal_rate", direction="higher"), gate=">=0.9",
        )

        @TYPOGRAPHIC.test
        def test_typographic_jailbreaking(mmtrust_result):
            ...  # optional extra assertions on mmtrust_result.score / .response

    The plugin turns that function into one test item per case, ``test_…[S.4/0001]``.

    ``id`` names the task in item ids, reports, gates and baselines (letters, digits, ``.``,
    ``_``, ``-``; unique in a run); ``name`` is the readable title in the summary table;
    ``aspect`` is one of :data:`ASPECTS` (anything else is a
    :class:`~pytest_mmtrust.errors.ConfigError` when the suite is imported). ``dataset`` gives
    the cases, ``evaluator`` scores each answer (any :class:`~pytest_mmtrust.evaluators.Evaluator`),
    ``metric`` sums the scores up. ``gate`` is the default threshold (``">=0.9"``,
    ``"<=0.2"``; with ``:confident`` the whole interval must clear it); ``[tool.mmtrust.gates]``
    and ``--mmtrust-gate`` override it; a task with no gate at all is reported as ``ungated``
    and fails only on a significant drop against a ``--mmtrust-baseline``.
    ``build_request(case, params)`` makes the model's :class:`~pytest_mmtrust.values.Request`
    from a case (:func:`default_request`: the case's prompt, images and system prompt as they
    are); ``params`` are the task's generation settings (``--mmtrust-max-tokens`` and
    ``--mmtrust-seed`` override them run-wide). ``conditions`` lists the image conditions the
    cases come in (``none``/``related``/``unrelated``: each is reported with its Δ to
    ``reference_condition``); ``description`` is shown in reports; each of ``tags`` adds the
    marker ``mmtrust_<tag>``.
    """

    id: str
    name: str
    aspect: str
    dataset: Dataset
    evaluator: Evaluator
    metric: Metric
    gate: str | None = None
    build_request: Callable[[Case, GenerationParams], Request] = default_request
    params: GenerationParams = field(default_factory=GenerationParams)
    conditions: tuple[str, ...] = ()
    reference_condition: str = "none"
    description: str = ""
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _ID_PATTERN.match(self.id):
            raise ConfigError(f"task id {self.id!r}: use letters, digits, '.', '_' and '-' (e.g. 'S.4')")
        if self.aspect not in ASPECTS:
            raise ConfigError(f"task {self.id}: unknown aspect {self.aspect!r} (known: {', '.join(ASPECTS)})")

    @property
    def marker(self) -> str:
        """The per-task marker name: ``S.4`` → ``mmtrust_s4``, ``G.privacy.personal`` → ``mmtrust_g_privacy_personal``."""
        joined = re.sub(r"\.(?=\d)", "", self.id.lower())
        return "mmtrust_" + re.sub(r"[^a-z0-9]+", "_", joined).strip("_")

    def request_for(self, case: Case) -> Request:
        """The request for ``case``: ``build_request(case, params)``."""
        return self.build_request(case, self.params)

    def with_params(self, params: GenerationParams) -> "Task":
        """The same task with other generation settings."""
        return replace(self, params=params)

    def test(self, function: F) -> F:
        """Tag a test function as this task's test; the plugin parametrizes it over the cases.

        The function must take the ``mmtrust_result`` (or ``mmtrust_case``) fixture; each item
        is scored and recorded before the function body runs, so an assertion in it fails only
        that item and never changes the metric.
        """
        setattr(function, TASK_ATTRIBUTE, self)
        return function

    def describe(self, evaluator: Evaluator | None = None) -> dict[str, Any]:
        """The task's metadata as the controller needs it (JSON-able); ``evaluator`` is the one
        this run uses (the task's own, bound to the run), named in the reports."""
        from .evaluators.base import evaluator_name
        from .metrics import callable_source

        function = self.metric.params.get("function") if self.metric.kind == "callable" else None
        source = callable_source(function) if isinstance(function, str) else None
        return {
            "id": self.id,
            "name": self.name,
            "aspect": self.aspect,
            "metric": self.metric.to_json(),
            "gate": self.gate,
            "evaluator": evaluator_name(evaluator if evaluator is not None else self.evaluator),
            "conditions": list(self.conditions),
            "reference_condition": self.reference_condition,
            "tags": list(self.tags),
            # where a metric function's module was loaded from: an xdist controller that cannot
            # import it by name loads it from there (pytest_mmtrust.metrics.register_source)
            **({"metric_source": source} if source else {}),
        }


def task_of(function: Any) -> Task | None:
    task = getattr(function, TASK_ATTRIBUTE, None)
    return task if isinstance(task, Task) else None
