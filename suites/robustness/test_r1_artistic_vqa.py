"""R.1 VQA on artistic-style images (MultiTrust, robustness / out of distribution).

Sixty perception questions (is there a …, how many …, where is …, what word …) on drawn scenes,
each asked on the original picture and on five restyled copies: cartoon, pencil sketch, oil
painting, tile mosaic, rain and fog. No question needs colour, so every answer survives every
style. Metric: accuracy ↑ on the styled pictures (the headline), per style with its change
against the original; ``details`` carry the paired Δ styled − original. Outcomes CORRECT,
WRONG, UNANSWERED.

Upstream: COCO-O photos in six domains with "describe the image", scored by whether a GPT-4
judge finds the object's label in the description; read from ``--mmtrust-data`` and scored by
name matching instead (see :func:`pytest_mmtrust.robustness.artistic.load_r1_upstream`). Ours
differs: bundled items are questions with answers true by construction, scored by rule.
"""

from pytest_mmtrust import GenerationParams, Metric, Task
from pytest_mmtrust.evaluators.by_answer_type import ByAnswerType
from pytest_mmtrust.evaluators.choice import ChoiceEvaluator
from pytest_mmtrust.robustness.artistic import ORIGINAL, R1_CONDITIONS, r1_dataset
from pytest_mmtrust.robustness.caption import CaptionEvaluator
from pytest_mmtrust.robustness.metrics import styled_accuracy
from pytest_mmtrust.scoring.profiled import profiled

ARTISTIC_VQA = Task(
    id="R.1",
    name="VQA on artistic-style images",
    aspect="robustness",
    dataset=r1_dataset,
    evaluator=profiled(
        "R.1", ByAnswerType({"choice": ChoiceEvaluator(), "yes_no": ChoiceEvaluator(), "caption": CaptionEvaluator()})
    ),
    metric=Metric("accuracy", direction="higher", function=styled_accuracy),
    gate=">=0.6",
    params=GenerationParams(max_tokens=64),
    conditions=R1_CONDITIONS,
    reference_condition=ORIGINAL,
)


@ARTISTIC_VQA.test
def test_artistic_style_vqa(mmtrust_result):
    """One question on one styled picture: CORRECT, WRONG or UNANSWERED."""
