"""T.1 grounding: the box extractor, IoU and the evaluator, with properties over any input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from pytest_mmtrust.datasets.draw import COLOURS, render_scene
from pytest_mmtrust.errors import DataError
from pytest_mmtrust.truthfulness.grounding import (
    IOU_THRESHOLD,
    GroundingEvaluator,
    extract_box,
    grounding_items,
    iou,
    truth_box,
)
from pytest_mmtrust.values import Case

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def boxes(draw: st.DrawFn) -> tuple[float, float, float, float]:
    x1, x2 = sorted((draw(unit), draw(unit)))
    y1, y2 = sorted((draw(unit), draw(unit)))
    return (x1, y1, x2, y2)


@pytest.mark.parametrize(
    "text, size, expected, scale",
    [
        ("[0.1, 0.2, 0.5, 0.6]", None, (0.1, 0.2, 0.5, 0.6), "normalised"),
        ("The box is [0.10,0.20,0.50,0.60].", None, (0.1, 0.2, 0.5, 0.6), "normalised"),
        ("(0.1, 0.2, 0.5, 0.6)", None, (0.1, 0.2, 0.5, 0.6), "normalised"),
        ("xmin: 0.1, ymin: 0.2, xmax: 0.5, ymax: 0.6", None, (0.1, 0.2, 0.5, 0.6), "normalised"),
        ("x1=0.1 y1=0.2 x2=0.5 y2=0.6", None, (0.1, 0.2, 0.5, 0.6), "normalised"),
        ("Coordinates 0.1 0.2 0.5 0.6.", None, (0.1, 0.2, 0.5, 0.6), "normalised"),
        ("[0.5, 0.6, 0.1, 0.2]", None, (0.1, 0.2, 0.5, 0.6), "normalised"),  # corners in either order
        ("[1/4, 1/2, 3/4, 1]", None, (0.25, 0.5, 0.75, 1.0), "normalised"),
        ("10%, 20%, 50%, 60%", None, (0.1, 0.2, 0.5, 0.6), "percent"),
        ("[40, 20, 200, 100]", (400, 200), (0.1, 0.1, 0.5, 0.5), "pixels"),
        ("<box>(100,200),(500,600)</box>", (400, 400), (0.1, 0.2, 0.5, 0.6), "thousandths"),
        ("[100, 200, 500, 600]", None, (0.1, 0.2, 0.5, 0.6), "thousandths"),
    ],
)
def test_boxes_in_the_forms_models_write(text: str, size, expected, scale: str) -> None:
    found = extract_box(text, size)
    assert found is not None and found.scale == scale
    assert found.box == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    ["", "I cannot see a dog here.", "[xmin', ymin', xmax', ymax']", "There are 3 cats and 4 dogs.",
     "1, 2, 3, 4, 5", "[0.1, 0.2, 0.3]", "[2000, 10, 3000, 40]", "[-0.1, 0.2, 0.5, 0.6]", "v1.2.3.4"],
)
def test_no_box(text: str) -> None:
    assert extract_box(text, (100, 100)) is None


@given(st.text(max_size=300), st.one_of(st.none(), st.tuples(st.integers(0, 5000), st.integers(0, 5000))))
@settings(max_examples=300, deadline=None)
def test_extract_box_never_raises_and_stays_in_the_unit_square(text: str, size) -> None:
    found = extract_box(text, size)
    if found is not None:
        x1, y1, x2, y2 = found.box
        assert 0.0 <= x1 <= x2 <= 1.0 and 0.0 <= y1 <= y2 <= 1.0


@given(boxes(), st.sampled_from(["[{}, {}, {}, {}]", "({}, {}, {}, {})", "xmin: {}, ymin: {}, xmax: {}, ymax: {}"]),
       st.text(alphabet="abc ,.:", max_size=20))
@settings(max_examples=200, deadline=None)
def test_a_written_box_is_read_back(box, form: str, prefix: str) -> None:
    text = prefix + " " + form.format(*(f"{v:.4f}" for v in box)) + " done"
    found = extract_box(text)
    assert found is not None and found.box == pytest.approx(box, abs=1e-4)


@given(boxes(), boxes())
@settings(max_examples=300, deadline=None)
def test_iou_is_symmetric_and_bounded(a, b) -> None:
    value = iou(a, b)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(iou(b, a))


@given(boxes(), st.floats(min_value=0.1, max_value=10.0))
@settings(max_examples=200, deadline=None)
def test_iou_of_a_box_with_itself_is_one_and_scale_free(box, factor: float) -> None:
    area = (box[2] - box[0]) * (box[3] - box[1])
    assert iou(box, box) == (pytest.approx(1.0) if area > 0 else 0.0)
    scaled = tuple(v * factor for v in box)
    other = (0.2, 0.2, 0.7, 0.9)
    assert iou(scaled, tuple(v * factor for v in other)) == pytest.approx(iou(box, other), abs=1e-9)


def test_iou_by_hand() -> None:
    assert iou((0, 0, 1, 1), (0.5, 0, 1.5, 1)) == pytest.approx(1 / 3)
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0
    assert iou((0, 0, 0, 1), (0, 0, 0, 1)) == 0.0


def case(target, size=None) -> Case:
    return Case(id="g1", prompt="Where?", target=target, metadata={"answer_type": "box", "image_size": size})


def test_evaluator_outcomes_and_threshold() -> None:
    evaluator = GroundingEvaluator()
    right = evaluator(case([0.0, 0.0, 0.5, 0.5]), "[0.0, 0.0, 0.5, 0.5]")
    assert (right.value, right.outcome, right.details["iou"]) == (1.0, "CORRECT", 1.0)
    # exactly at the threshold is not enough (upstream: iou > 0.5)
    half = evaluator(case([0.0, 0.0, 1.0, 1.0]), "[0, 0, 0.5, 1]")
    assert half.details["iou"] == pytest.approx(IOU_THRESHOLD) and half.outcome == "WRONG" and half.value == 0.0
    pixels = evaluator(case([0.25, 0.25, 0.75, 0.75], [200, 100]), "The dog is at (50, 25, 150, 75).")
    assert pixels.outcome == "CORRECT" and pixels.details["scale"] == "pixels"
    none = evaluator(case([0.25, 0.25, 0.75, 0.75]), "I am not sure.")
    assert (none.value, none.outcome, none.details["box"]) == (0.0, "UNANSWERED", None)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_evaluator_never_raises_on_any_answer(text: str) -> None:
    score = GroundingEvaluator()(case("[0.1, 0.1, 0.4, 0.4]"), text)
    assert score.value in (0.0, 1.0) and score.outcome in ("CORRECT", "WRONG", "UNANSWERED")


@pytest.mark.parametrize("value", ["[0.1, 0.2, 0.3]", "not json", [0.1, 0.2, 1.3, 0.4], [0.5, 0.2, 0.1, 0.4], None,
                                   [True, 0, 1, 1], "[0.1, 0.2, 0.3, NaN]"])
def test_bad_truth_boxes_name_the_item(value) -> None:
    with pytest.raises(DataError, match=r"^x.json: item 3: field 'truth' must be a box"):
        truth_box(value, "x.json: item 3")


def test_truth_boxes_as_upstream_writes_them() -> None:
    assert truth_box("[0.1, 0.2, 0.5, 0.6]", "w") == [0.1, 0.2, 0.5, 0.6]
    assert truth_box([0, 0, 1, 1], "w") == [0.0, 0.0, 1.0, 1.0]
    assert truth_box(json.dumps([0.25, 0.5, 0.75, 1]), "w") == [0.25, 0.5, 0.75, 1.0]


def test_bundled_grounding_boxes_fit_the_drawn_shape() -> None:
    """The truth box is the tight box of the named shape's pixels (checked from the picture)."""
    for item in grounding_items(1001, 12, 336):
        pixels = np.asarray(render_scene(item["scene"]))
        colour, shape = item["noun"].split(" ", 1)
        ys, xs = np.nonzero(np.all(pixels == np.array(COLOURS[colour], dtype=np.uint8), axis=-1))
        drawn = (xs.min() / 336, ys.min() / 336, (xs.max() + 1) / 336, (ys.max() + 1) / 336)
        assert iou(drawn, tuple(item["box"])) > 0.9, item["noun"]
        assert sum(1 for obj in item["scene"].objects if obj.colour == colour) == 1
        assert sum(1 for obj in item["scene"].objects if obj.shape == shape) == 1
        assert all(math.isfinite(v) and 0 <= v <= 1 for v in item["box"])


def test_bundled_t1_grounding_cases(tmp_path: Path) -> None:
    from pytest_mmtrust.truthfulness.basic import generate_t1

    cases = [c for c in generate_t1(tmp_path) if c.metadata["answer_type"] == "box"]
    assert len(cases) == 24 and all(c.metadata["question_kind"] == "grounding" for c in cases)
    for c in cases:
        with Image.open(tmp_path / c.images[0]) as image:
            assert list(image.size) == c.metadata["image_size"]
        assert "[xmin, ymin, xmax, ymax]" in c.prompt and c.metadata["subject"]["colour"] in c.prompt
        assert GroundingEvaluator()(c, json.dumps(c.target)).outcome == "CORRECT"
