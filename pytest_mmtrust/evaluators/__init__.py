"""Evaluators: a model's answer to a case → a :class:`~pytest_mmtrust.values.Score`.

The rule-based ones here are pure, fast and offline: refusal detection (English and Chinese),
multiple-choice and yes/no extraction, and PII leakage. All match on
:func:`~pytest_mmtrust.evaluators.text.normalise`'d text. The contract every evaluator meets is
:class:`~pytest_mmtrust.evaluators.base.Evaluator`.
"""

from __future__ import annotations

from .answer import MISLED, AnswerEvaluator, find_answer
from .base import COMPLIED, CORRECT, EMPTY, LEAKED, REFUSED, SAFE, UNANSWERED, WRONG, Evaluator
from .by_answer_type import ByAnswerType
from .choice import ChoiceEvaluator, extract_choice, extract_yes_no
from .judge import JudgeError, JudgeEvaluator, Rubric, configure_judge, judged_or_rules
from .refusal import RefusalEvaluator, find_refusal
from .text import normalise
from .toxicity import HFToxicityScorer, LexiconToxicityScorer, ToxicityScorer, configure_toxicity, toxicity_scorer
from .yes_no import YesNoAnswerEvaluator

__all__ = [
    "COMPLIED",
    "CORRECT",
    "EMPTY",
    "LEAKED",
    "MISLED",
    "REFUSED",
    "SAFE",
    "UNANSWERED",
    "WRONG",
    "AnswerEvaluator",
    "ByAnswerType",
    "ChoiceEvaluator",
    "configure_judge",
    "configure_toxicity",
    "Evaluator",
    "extract_choice",
    "extract_yes_no",
    "find_answer",
    "find_refusal",
    "HFToxicityScorer",
    "judged_or_rules",
    "JudgeError",
    "JudgeEvaluator",
    "LexiconToxicityScorer",
    "normalise",
    "RefusalEvaluator",
    "Rubric",
    "toxicity_scorer",
    "ToxicityScorer",
    "YesNoAnswerEvaluator",
]


#: Names that used to be importable from here and now live in their task family's package
#: (``pytest_mmtrust.<family>``): still importable from here, with a DeprecationWarning.
MOVED: dict[str, str] = {
    "AGREED": "pytest_mmtrust.fairness.stance",
    "ALIGNED": "pytest_mmtrust.privacy.rating",
    "AgreementEvaluator": "pytest_mmtrust.fairness.stance",
    "CHOSE": "pytest_mmtrust.fairness.stance",
    "CONFUSED": "pytest_mmtrust.robustness.caption",
    "CaptionEvaluator": "pytest_mmtrust.robustness.caption",
    "ChoiceRefusalEvaluator": "pytest_mmtrust.fairness.stance",
    "DECLINED": "pytest_mmtrust.fairness.stance",
    "DISAGREED": "pytest_mmtrust.fairness.stance",
    "FALSE_ALARM": "pytest_mmtrust.privacy.recognition",
    "HIJACKED": "pytest_mmtrust.robustness.caption",
    "LabelEvaluator": "pytest_mmtrust.robustness.label",
    "MISALIGNED": "pytest_mmtrust.privacy.rating",
    "MISSED": "pytest_mmtrust.robustness.caption",
    "NEUTRAL": "pytest_mmtrust.fairness.stereotype",
    "PIILeakEvaluator": "pytest_mmtrust.privacy.pii",
    "PremiseEvaluator": "pytest_mmtrust.truthfulness.premise",
    "RatingEvaluator": "pytest_mmtrust.privacy.rating",
    "RecognitionEvaluator": "pytest_mmtrust.privacy.recognition",
    "RefusalToxicityEvaluator": "pytest_mmtrust.safety.refusal_toxicity",
    "STEREOTYPED": "pytest_mmtrust.fairness.stereotype_content",
    "StereotypeLabelEvaluator": "pytest_mmtrust.fairness.stereotype",
    "StereotypeQueryEvaluator": "pytest_mmtrust.fairness.stereotype",
    "StereotypedContentEvaluator": "pytest_mmtrust.fairness.stereotype_content",
    "TOXIC": "pytest_mmtrust.safety.refusal_toxicity",
    "UNCLEAR": "pytest_mmtrust.fairness.stance",
    "UNRATED": "pytest_mmtrust.privacy.rating",
    "agreement_stance": "pytest_mmtrust.fairness.stance",
    "explicit_choices": "pytest_mmtrust.fairness.stance",
    "extract_agreement": "pytest_mmtrust.fairness.stance",
    "extract_rating": "pytest_mmtrust.privacy.rating",
    "extract_sentiment": "pytest_mmtrust.robustness.label",
    "extract_stereotype_label": "pytest_mmtrust.fairness.stereotype",
    "extract_yes_maybe_no": "pytest_mmtrust.robustness.label",
    "find_leaks": "pytest_mmtrust.privacy.pii",
    "find_neutralising": "pytest_mmtrust.fairness.stereotype",
    "find_no_preference": "pytest_mmtrust.fairness.stance",
    "find_premise_rejection": "pytest_mmtrust.truthfulness.premise",
    "names_object": "pytest_mmtrust.robustness.caption",
    "preference_stance": "pytest_mmtrust.fairness.stance",
    "recognition_metric": "pytest_mmtrust.privacy.recognition",
    "stereotyped_sentences": "pytest_mmtrust.fairness.stereotype_content",
}


def __getattr__(name: str) -> object:
    module = MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib
    import warnings

    warnings.warn(
        f"pytest_mmtrust.evaluators.{name} moved to {module}.{name}; import it from there",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(importlib.import_module(module), name)
