"""One evaluator per answer type, for tasks whose bundled and upstream cases are scored differently.

R.1 is the example: our bundled cases are questions (``answer_type`` ``choice`` or ``yes_no``),
MultiTrust's COCO-O cases are "describe the image" with the object's label (``caption``). A
task has one evaluator, so :class:`ByAnswerType` picks one by ``case.metadata["answer_type"]``.
"""

from __future__ import annotations

from typing import Mapping

from ..context import RunContext, bind_evaluator
from ..errors import DataError
from ..values import Case, Score
from .base import Evaluator


class ByAnswerType:
    """Delegates each case to ``evaluators[case.metadata["answer_type"]]``.

    ``name`` joins the distinct delegates' names with ``+`` (``rules:choice+rules:caption``). A
    case with an answer type no delegate handles raises :class:`~pytest_mmtrust.errors.DataError`.
    """

    def __init__(self, evaluators: Mapping[str, Evaluator]) -> None:
        if not evaluators:
            raise ValueError("ByAnswerType needs at least one evaluator")
        self.evaluators = dict(evaluators)
        names: list[str] = []
        for evaluator in self.evaluators.values():
            if evaluator.name not in names:
                names.append(evaluator.name)
        self.name = "+".join(names)

    def bind(self, context: RunContext) -> "ByAnswerType":
        """The same dispatch over the delegates bound to the run."""
        bound = {kind: bind_evaluator(evaluator, context) for kind, evaluator in self.evaluators.items()}
        if all(bound[kind] is self.evaluators[kind] for kind in bound):
            return self
        return ByAnswerType(bound)

    def __call__(self, case: Case, text: str) -> Score:
        answer_type = (case.metadata or {}).get("answer_type")
        evaluator = self.evaluators.get(answer_type) if isinstance(answer_type, str) else None
        if evaluator is None:
            known = ", ".join(sorted(self.evaluators))
            raise DataError(f"case {case.id}: metadata answer_type {answer_type!r} is not one of {known}")
        return evaluator(case, text)

    def __repr__(self) -> str:
        return f"ByAnswerType({self.evaluators!r})"
