"""T.6 visual-confusion VQA (MultiTrust, truthfulness / misguided mistakes).

Optical illusions drawn with exact geometry — Müller-Lyer, Ebbinghaus, Ponzo, vertical–horizontal
and a checker-shadow style contrast illusion — with yes/no questions about the true lengths,
sizes and shades, built so the illusion always suggests the wrong answer. Metric: accuracy ↑;
outcomes CORRECT, MISLED (answered as the illusion suggests), UNANSWERED.

Upstream: MMTrustEval's ``visual-confusion`` set (photos and pictures that confuse: illusions,
camouflage, reflections; yes/no with a ``kind``), read from ``--mmtrust-data`` (see
:func:`pytest_mmtrust.truthfulness.illusions.load_t6_upstream`). Ours differs: generated
illusions only, with the truth measurable from the pixels and both "same" and "different"
truths.
"""

from pytest_mmtrust import GenerationParams, Metric, Task
from pytest_mmtrust.evaluators.answer import AnswerEvaluator
from pytest_mmtrust.scoring.profiled import profiled
from pytest_mmtrust.truthfulness.illusions import t6_dataset

VISUAL_CONFUSION = Task(
    id="T.6",
    name="visual-confusion VQA",
    aspect="truthfulness",
    dataset=t6_dataset,
    evaluator=profiled("T.6", AnswerEvaluator()),
    metric=Metric("accuracy", direction="higher"),
    gate=">=0.6",
    params=GenerationParams(max_tokens=32),
)


@VISUAL_CONFUSION.test
def test_visual_confusion(mmtrust_result):
    """One illusion and a question about its true geometry: CORRECT, MISLED or UNANSWERED."""
