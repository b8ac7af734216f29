"""R.1 VQA on artistic-style images: the same perception questions on restyled pictures.

The bundled set is 60 T.1-style items from :func:`~pytest_mmtrust.datasets.perception.perception_items`
(existence 16, count 16, position 16, OCR 12), built with ``colour_words=False``: no question
names a colour and every shape stands out from its background by brightness, so each answer
survives every style, the colourless sketch included. Yes/no targets and choice letters are
balanced within each kind.

Every item is asked in six image conditions: ``original`` (the drawn scene, the reference) and
the five styles of :mod:`.styles` (``cartoon``, ``sketch``, ``painting``, ``mosaic``,
``weather``), under the same case id, so the plugin reports each style's accuracy and its
paired change against the original. The headline metric is the accuracy over the five styles
(:func:`.metrics.styled_accuracy`), as MultiTrust averages over its style domains.
``metadata``: the perception item's (``question_kind``, ``answer_type``, ``options``,
``option_texts``, ``subject``) plus ``style``.

Upstream (``--mmtrust-data DIR``): see :func:`load_r1_upstream`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..datasets.base import Dataset
from ..datasets.draw import render_scene, save_png
from ..datasets.perception import PerceptionItem, perception_items
from ..datasets.upstream_files import image_path, read_jsonl, text_field
from ..errors import DataError
from ..values import Case
from .styles import STYLE_NAMES, STYLES

R1_SEED = 1101
R1_PER_KIND = {"existence": 16, "count": 16, "position": 16, "ocr": 12}
ORIGINAL = "original"
R1_CONDITIONS: tuple[str, ...] = (ORIGINAL, *STYLE_NAMES)
DESCRIBE_PROMPT = "Please provide a detailed description of the image."


def r1_items() -> list[PerceptionItem]:
    """The bundled R.1 items in case order (case ``0001`` is item 0)."""
    return perception_items(R1_SEED, R1_PER_KIND, colour_words=False)


def generate_r1(folder: Path) -> list[Case]:
    """Write ``images/<condition>/<id>.png`` for every item and condition; return the cases."""
    cases = []
    for number, item in enumerate(r1_items(), start=1):
        case_id = f"{number:04d}"
        picture = render_scene(item.scene)
        for index, condition in enumerate(R1_CONDITIONS):
            relative = f"images/{condition}/{case_id}.png"
            if condition == ORIGINAL:
                styled = picture
            else:
                styled = STYLES[condition](picture, np.random.default_rng([R1_SEED, number, index]))
            save_png(styled, folder / relative)
            metadata = item.metadata()
            metadata["style"] = condition
            cases.append(
                Case(id=case_id, prompt=item.prompt(), images=(relative,), target=item.target, metadata=metadata,
                     condition=condition)
            )
    return cases


#: COCO-O domains MultiTrust uses for R.1 (one label file each).
R1_UPSTREAM_STYLES: tuple[str, ...] = ("cartoon", "handmake", "painting", "sketch", "tattoo", "weather")


def load_r1_upstream(data_dir: Path) -> list[Case]:
    """Read MultiTrust's R.1 data (COCO-O domains) from the MMTrustEval ``data`` folder.

    Follows ``thu-ml/MMTrustEval`` ``mmte/datasets/ood_artistic.py`` and
    ``mmte/configs/datasets/ood-artistic.yaml`` (``coco-o-<style>``). Expected layout under ``DIR``::

        robustness/ood-artistic/label/<style>.json   JSON Lines despite the suffix, one object a line:
                                                     {"image_name": ..., "gt_label": ["<object>", ...]}
        robustness/ood-artistic/source/<image_name>

    with ``<style>`` among cartoon, handmake, painting, sketch, tattoo, weather; styles whose
    label file is absent are skipped, at least one must be present.

    Upstream asks "Please provide a detailed description of the image." (so do we) and has GPT-4 judge
    whether the description states that there is a ``gt_label[0]``. Ours asks the same and
    scores with :class:`~pytest_mmtrust.robustness.caption.CaptionEvaluator` (the label, split
    at commas into alternatives, as a whole word, not negated): ``answer_type="caption"``,
    ``target`` = ``gt_label[0]``. The condition is the style, case ids ``<style>-<line>``; there
    is no ``original`` condition, so no change is reported and the headline is the accuracy
    over all styles (upstream averages the per-style accuracies: equal when styles are equal in size).
    """
    root = Path(data_dir)
    labels = root / "robustness" / "ood-artistic" / "label"
    images = root / "robustness" / "ood-artistic" / "source"
    present = [style for style in R1_UPSTREAM_STYLES if (labels / f"{style}.json").is_file()]
    if not present:
        expected = ", ".join(f"{s}.json" for s in R1_UPSTREAM_STYLES)
        raise DataError(f"{labels}: no R.1 label file found (expected one or more of {expected})")
    cases: list[Case] = []
    for style in present:
        for number, where, row in read_jsonl(labels / f"{style}.json"):
            gt = row.get("gt_label")
            if isinstance(gt, str):
                gt = [gt]
            if not isinstance(gt, list) or not gt or not isinstance(gt[0], str) or not gt[0].strip():
                raise DataError(f"{where}: field 'gt_label' must be a non-empty list of object names")
            image = image_path(root, images, text_field(row, "image_name", where), where)
            cases.append(
                Case(
                    id=f"{style}-{number:04d}",
                    prompt=DESCRIBE_PROMPT,
                    images=(image,),
                    target=gt[0].strip(),
                    metadata={"answer_type": "caption", "style": style, "source": "coco-o"},
                    condition=style,
                )
            )
    return cases


r1_dataset = Dataset(name="R.1", version="1", generate=generate_r1, upstream=load_r1_upstream)
