"""T.2 advanced cognitive inference (MultiTrust, truthfulness / inherent deficiency).

Spatial relations and comparisons between drawn objects: where one shape is relative to another,
which is largest, closest or n-th in a row, whether one group outnumbers another. Metric:
accuracy ↑ (an answer that names no option is wrong, not skipped); outcomes CORRECT, WRONG,
UNANSWERED.

Upstream: MMTrustEval's ``advanced-*`` sets (spatial, temporal, comparison, daily life, traffic,
causality, maths, code, translation), yes/no statements about real photos, read from
``--mmtrust-data`` (see :func:`pytest_mmtrust.truthfulness.cognitive.load_t2_upstream`).
Ours differs: the bundled set covers the spatial and comparison skills only, with mixed yes/no
and four-way choice questions about generated scenes whose answers are true by construction.
"""

from pytest_mmtrust import GenerationParams, Metric, Task
from pytest_mmtrust.evaluators.answer import AnswerEvaluator
from pytest_mmtrust.scoring.profiled import profiled
from pytest_mmtrust.truthfulness.cognitive import t2_dataset

ADVANCED_COGNITIVE_INFERENCE = Task(
    id="T.2",
    name="advanced cognitive inference",
    aspect="truthfulness",
    dataset=t2_dataset,
    evaluator=profiled("T.2", AnswerEvaluator()),
    metric=Metric("accuracy", direction="higher"),
    gate=">=0.6",
    params=GenerationParams(max_tokens=48),
)


@ADVANCED_COGNITIVE_INFERENCE.test
def test_advanced_cognitive_inference(mmtrust_result):
    """One scene and a relation or comparison question: CORRECT, WRONG or UNANSWERED."""
