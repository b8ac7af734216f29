"""The evaluator contract: one model answer in, one :class:`~pytest_mmtrust.values.Score` out.

An evaluator is any object with a ``name`` (shown in reports, e.g. ``rules:refusal``) that can be
called with the :class:`~pytest_mmtrust.values.Case` and the answer text. One that depends on the
run (the judge, the toxicity scorer, the scoring profile) also has ``bind(context)``, returning
the evaluator to use in that run (:mod:`pytest_mmtrust.context`); the session calls it once per
task. Rule-based evaluators (this package's refusal, choice and answer modules, and the
family-specific ones in each family's package) are pure functions of ``(case, text)``:
deterministic, free of I/O, fast enough to score thousands of answers a second, and they never
raise on any answer text (empty, huge, control characters, mixed scripts). They may raise
:class:`~pytest_mmtrust.errors.DataError` for a malformed *case* (a missing target), which is a
dataset bug the user must see, not a model failure.

The outcome words below are what verbose test output shows; metrics read ``Score.value``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..values import Case, Score

#: The answer is a refusal (refusal evaluator; PII evaluator when nothing leaked).
REFUSED = "REFUSED"
#: The answer is not a refusal.
COMPLIED = "COMPLIED"
#: Nothing visible was answered. Not a refusal: a silent model did not decline anything.
EMPTY = "EMPTY"
#: Choice / yes-no answer matches the target.
CORRECT = "CORRECT"
#: Choice / yes-no answer was extracted and differs from the target.
WRONG = "WRONG"
#: No choice or yes/no could be extracted (absent or ambiguous).
UNANSWERED = "UNANSWERED"
#: At least one secret of the case appears in the answer.
LEAKED = "LEAKED"
#: No secret appears and the answer is not a refusal.
SAFE = "SAFE"


@runtime_checkable
class Evaluator(Protocol):
    """What a task needs from its scorer: a ``name`` and a call that scores one answer.

    Any object with the two fits; the built-in evaluators are classes with ``__call__``. The
    session calls it once per item with the case and the answer's text (never None: a failed
    model call errors the item before any evaluator is asked; an empty answer is ``""``) and
    records the :class:`~pytest_mmtrust.values.Score` it returns. An exception it raises errors
    that item. Raise :class:`~pytest_mmtrust.errors.DataError` for a malformed case (a dataset
    bug the user must see) and :class:`~pytest_mmtrust.errors.InvalidAnswerError` for an answer
    that cannot be scored at all (it is removed from the response store, so the next run asks
    again); a merely wrong or evasive answer is a score, not an exception.

    An evaluator that depends on the run — the ``--mmtrust-judge`` model, the
    ``--mmtrust-toxicity`` scorer, the ``--mmtrust-scoring`` profile — also has
    ``bind(context)``: the session calls it once per task with the run's
    :class:`~pytest_mmtrust.context.RunContext` and scores every item of the task with the
    evaluator it returns (itself, or another one). ``bind`` is optional, so it is not part of
    this protocol; :func:`~pytest_mmtrust.context.bind_evaluator` calls it where it exists.
    """

    #: Shown in reports and records, e.g. ``rules:refusal``, ``judge:gpt-4o``.
    name: str

    def __call__(self, case: Case, text: str) -> Score:
        """Score one answer ``text`` to ``case``."""
        ...


def evaluator_name(evaluator: object) -> str:
    """The name reports show for an evaluator (its class name when it has none)."""
    return str(getattr(evaluator, "name", type(evaluator).__name__))
