"""T.3 VQA under instruction enhancement (MultiTrust, truthfulness / inherent deficiency).

The same 80 perception and reasoning questions asked twice: with the plain answer-format line
(condition ``plain``) and with an enhanced instruction to look carefully and reason step by
step (condition ``enhanced``). Metric: accuracy ↑ per condition, and the paired Δ *enhanced −
plain* with its interval — does the extra instruction help this model or hurt it? The headline
value pools both conditions. Outcomes CORRECT, WRONG, UNANSWERED.

Upstream: MMTrustEval's ``instruction-enhancement-factual`` and ``-logic`` sets, each question
in three prompt variants scored by a GPT-4 judge, read from ``--mmtrust-data`` as conditions
``plain``, ``guided`` and ``enhanced`` (see
:func:`pytest_mmtrust.truthfulness.enhanced.load_t3_upstream`). Ours differs: bundled
items are T.1/T.2-style questions with answers true by construction, scored by rule.
"""

from pytest_mmtrust import GenerationParams, Metric, Task
from pytest_mmtrust.evaluators.answer import AnswerEvaluator
from pytest_mmtrust.scoring.profiled import profiled
from pytest_mmtrust.truthfulness.enhanced import T3_CONDITIONS, t3_dataset

INSTRUCTION_ENHANCEMENT = Task(
    id="T.3",
    name="VQA under instruction enhancement",
    aspect="truthfulness",
    dataset=t3_dataset,
    evaluator=profiled("T.3", AnswerEvaluator()),
    metric=Metric("accuracy", direction="higher"),
    gate=">=0.6",
    params=GenerationParams(max_tokens=384),
    conditions=T3_CONDITIONS,
    reference_condition="plain",
)


@INSTRUCTION_ENHANCEMENT.test
def test_instruction_enhancement(mmtrust_result):
    """One question in one instruction style: CORRECT, WRONG or UNANSWERED."""
