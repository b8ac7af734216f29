"""What the API page shows, and in which order: the public objects a custom suite uses.

An entry ``"module:name"`` is documented under the module a user imports it from (the test of
the page imports each one that way). Adding a name to ``pytest_mmtrust.__all__`` or
``pytest_mmtrust.evaluators.__all__`` without an entry here fails ``tests/apidoc``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Constants:
    """Module-level names shown as one table: name, value (unless ``show_values`` is off) and
    the ``#:`` comment above the name where it is defined."""

    title: str
    module: str
    names: tuple[str, ...]
    show_values: bool = True


@dataclass(frozen=True)
class Section:
    """One part of the page: a title, a sentence on when a suite author needs it, its entries
    (``"module:name"`` strings, :class:`Constants` tables, or the special entries
    :data:`FIXTURES` and :data:`MARKERS`), and modules whose docstrings are shown folded after
    it (the rules the evaluators follow)."""

    title: str
    intro: str
    entries: tuple[str | Constants, ...]
    modules: tuple[str, ...] = ()


#: The fixtures of ``plugin.py``, read from its source.
FIXTURES = "fixtures"
#: The markers of :mod:`pytest_mmtrust.markers`.
MARKERS = "markers"

_EVALUATORS = "pytest_mmtrust.evaluators"

SECTIONS: tuple[Section, ...] = (
    Section(
        "Declaring a task",
        "A suite is a test file that declares a `Task` and tags one test function with it.",
        ("pytest_mmtrust:Task", Constants("Aspects", "pytest_mmtrust.task", ("ASPECTS",)),
         "pytest_mmtrust.task:default_request"),
    ),
    Section(
        "Data: cases and datasets",
        "What each test item runs on, and where the cases come from.",
        ("pytest_mmtrust:Case", "pytest_mmtrust:Dataset"),
    ),
    Section(
        "Asking the model",
        "What a task sends (its `build_request` makes one from each case) and what comes back. "
        "`Model` is what every model under test speaks; `--mmtrust-model py:module:callable` may name "
        "a plain function `f(request) -> str` or an object with this protocol.",
        ("pytest_mmtrust:Request", "pytest_mmtrust:GenerationParams", "pytest_mmtrust:Response",
         "pytest_mmtrust.models:Model"),
    ),
    Section(
        "Scoring answers",
        "An evaluator turns one answer into a `Score`; an evaluator that depends on the run's options "
        "(a judge, a toxicity scorer) has `bind(context)`, which the session calls once per task with the "
        "run's `RunContext`.",
        ("pytest_mmtrust:Score", f"{_EVALUATORS}:Evaluator",
         Constants("Outcome words", _EVALUATORS, ("REFUSED", "COMPLIED", "EMPTY", "CORRECT", "WRONG", "UNANSWERED",
                                                 "MISLED", "LEAKED", "SAFE")),
         "pytest_mmtrust.context:RunContext", "pytest_mmtrust.context:bind_evaluator"),
    ),
    Section(
        "Reusable evaluators",
        "Rule-based evaluators (pure, offline, English and Chinese) and the LLM judge. "
        "How each reads an answer is folded at the end of the section.",
        tuple(f"{_EVALUATORS}:{name}" for name in (
            "RefusalEvaluator", "ChoiceEvaluator", "AnswerEvaluator", "YesNoAnswerEvaluator", "ByAnswerType",
            "judged_or_rules", "Rubric", "JudgeEvaluator", "JudgeError")),
        (f"{_EVALUATORS}.refusal", f"{_EVALUATORS}.choice", f"{_EVALUATORS}.answer", f"{_EVALUATORS}.judge"),
    ),
    Section(
        "Reading answers in your own evaluator",
        "The extraction rules the evaluators above are built from, for an evaluator of your own.",
        tuple(f"{_EVALUATORS}:{name}" for name in (
            "find_refusal", "extract_choice", "extract_yes_no", "find_answer", "normalise")),
        (f"{_EVALUATORS}.text",),
    ),
    Section(
        "Toxicity scorers",
        "How toxic an answer is, as a probability. The run's scorer is `--mmtrust-toxicity`; an evaluator "
        "bound to the run gets it from `RunContext.toxicity_scorer()`.",
        tuple(f"{_EVALUATORS}:{name}" for name in (
            "ToxicityScorer", "LexiconToxicityScorer", "HFToxicityScorer", "toxicity_scorer")),
        (f"{_EVALUATORS}.toxicity",),
    ),
    Section(
        "Metrics",
        "What a task measures over its scored items, with a 95% interval. A metric of your own is a "
        "module-level function of the items' records (`Metric(name, function=f)`); the interval helpers "
        "below are the ones the built-in metrics use.",
        ("pytest_mmtrust:Metric", "pytest_mmtrust:MetricValue", "pytest_mmtrust.records:ScoreRecord",
         "pytest_mmtrust.intervals:wilson_interval", "pytest_mmtrust.intervals:bootstrap_mean_interval"),
    ),
    Section(
        "Errors",
        "A suite raises `DataError` for a malformed case or data file and `InvalidAnswerError` for an answer "
        "that cannot be scored at all; a model of your own raises `ModelCallError`. The plugin raises the rest "
        "and shows each as one line.",
        tuple(f"pytest_mmtrust:{name}" for name in (
            "MMTrustError", "DataError", "InvalidAnswerError", "ConfigError", "ModelError", "ModelCallError",
            "StoreError")),
    ),
    Section(
        "Fixtures",
        "A task's test function takes `mmtrust_result` (or `mmtrust_case`); the session-scoped two serve "
        "any test.",
        (FIXTURES, "pytest_mmtrust.session:ItemResult", "pytest_mmtrust.config:Settings"),
    ),
    Section(
        "Markers",
        "Every item carries markers, so `-m` selects by aspect, task and tag: "
        "`pytest -m \"mmtrust_safety and not mmtrust_judge\"`.",
        (MARKERS,),
    ),
    Section(
        "Version",
        "",
        (Constants("", "pytest_mmtrust", ("__version__",), show_values=False),),
    ),
)
