"""T.1 bundled data: deterministic, balanced, and true when checked against the pixels."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from pixel_readers import blob_shapes, rgb_array

from pytest_mmtrust.datasets.draw import COLOURS, OBJECT_COLOURS, luminance, render_scene
from pytest_mmtrust.truthfulness.basic import (
    CHOICE_INSTRUCTION,
    LETTERS,
    QUESTION_KINDS,
    YES_NO_INSTRUCTION,
    load_t1_upstream,
    perception_items,
    t1_dataset,
    t1_items,
)


def by_kind(cases, kind):
    return [c for c in cases if c.metadata["question_kind"] == kind]


def perception(cases):
    """The perception questions (every kind but grounding, whose tests are in tests/truthfulness)."""
    return [c for c in cases if c.metadata["answer_type"] != "box"]


def test_cases_are_json_and_sized(bundled) -> None:
    cases = bundled("T.1")
    assert 60 <= len(cases) <= 200
    assert len({c.id for c in cases}) == len(cases)
    assert {c.metadata["question_kind"] for c in cases} == set(QUESTION_KINDS) | {"grounding"}
    for case in cases:
        json.dumps(case.metadata)
        assert Path(case.images[0]).is_file() and Path(case.images[0]).is_absolute()
        assert case.condition is None


def test_answers_are_balanced(bundled) -> None:
    cases = bundled("T.1")
    for kind in QUESTION_KINDS:
        targets = Counter(c.target for c in by_kind(cases, kind))
        if kind in ("existence", "scene"):
            assert set(targets) == {"yes", "no"} and targets["yes"] == targets["no"]
        else:
            assert set(targets) == set(LETTERS) and len(set(targets.values())) == 1


def test_prompts_state_the_answer_format(bundled) -> None:
    for case in perception(bundled("T.1")):
        if case.metadata["answer_type"] == "yes_no":
            assert case.prompt.endswith(YES_NO_INSTRUCTION) and case.target in ("yes", "no")
        else:
            texts = case.metadata["option_texts"]
            assert case.metadata["options"] == list(LETTERS)
            assert len(set(texts.values())) == 4
            for letter in LETTERS:
                assert f"\n{letter}. {texts[letter]}\n" in case.prompt
            assert case.prompt.endswith(CHOICE_INSTRUCTION)


def test_count_answers_match_connected_components(bundled) -> None:
    for case in by_kind(bundled("T.1"), "count"):
        subject = case.metadata["subject"]
        pixels = rgb_array(Path(case.images[0]))
        mask = np.all(pixels == np.array(COLOURS[subject["colour"]], dtype=np.uint8), axis=-1)
        shapes = blob_shapes(mask)
        expected = int(case.metadata["option_texts"][case.target])
        assert len(shapes) == expected, case.id
        assert set(shapes) == {subject["shape"]}, case.id


def test_existence_answers_match_the_pixels(bundled) -> None:
    for case in by_kind(bundled("T.1"), "existence"):
        subject = case.metadata["subject"]
        pixels = rgb_array(Path(case.images[0]))
        mask = np.all(pixels == np.array(COLOURS[subject["colour"]], dtype=np.uint8), axis=-1)
        found = subject["shape"] in blob_shapes(mask)
        assert found == (case.target == "yes"), case.id
        assert f"{subject['colour']} {subject['shape']}" in case.prompt


def test_colour_answers_match_the_centre_pixel(bundled) -> None:
    for case in by_kind(bundled("T.1"), "colour"):
        subject = case.metadata["subject"]
        pixel = tuple(int(v) for v in rgb_array(Path(case.images[0]))[subject["y"], subject["x"]])
        answer = case.metadata["option_texts"][case.target]
        assert pixel == COLOURS[answer], case.id
        assert [name for name in OBJECT_COLOURS if COLOURS[name] == pixel] == [answer]


def test_position_answers_match_where_the_shape_is(bundled) -> None:
    for case in by_kind(bundled("T.1"), "position"):
        subject = case.metadata["subject"]
        pixels = rgb_array(Path(case.images[0]))
        height, width = pixels.shape[:2]
        mask = np.all(pixels == np.array(COLOURS[subject["colour"]], dtype=np.uint8), axis=-1)
        rows, cols = np.nonzero(mask)
        # the subject's blob is the one containing its centre; its centroid decides the side
        from scipy import ndimage

        labels, _ = ndimage.label(mask)
        blob = labels == labels[subject["y"], subject["x"]]
        assert labels[subject["y"], subject["x"]] != 0
        cy, cx = ndimage.center_of_mass(blob)
        answer = case.metadata["option_texts"][case.target]
        expected = {
            "on the left": cx < width / 3 and height / 3 < cy < 2 * height / 3,
            "on the right": cx > 2 * width / 3 and height / 3 < cy < 2 * height / 3,
            "at the top": cy < height / 3 and width / 3 < cx < 2 * width / 3,
            "at the bottom": cy > 2 * height / 3 and width / 3 < cx < 2 * width / 3,
        }
        assert expected[answer], (case.id, answer, cx, cy)
        assert len(rows) > 0 and len(cols) > 0


def test_scene_answers_match_the_background(bundled) -> None:
    for case in by_kind(bundled("T.1"), "scene"):
        corner = rgb_array(Path(case.images[0]))[0, 0]
        dark = luminance(tuple(int(v) for v in corner)) < 96
        asked_dark = "background of the image dark" in case.prompt
        assert (dark == asked_dark) == (case.target == "yes"), case.id


def test_ocr_words_are_drawn_whole(bundled) -> None:
    for case in by_kind(bundled("T.1"), "ocr"):
        pixels = rgb_array(Path(case.images[0])).astype(int)
        background = pixels[0, 0]
        changed = np.any(np.abs(pixels - background) > 0, axis=-1)
        assert changed.any()
        assert not changed[0, :].any() and not changed[-1, :].any(), "text touches the border"
        assert not changed[:, 0].any() and not changed[:, -1].any(), "text touches the border"
        assert case.metadata["subject"]["word"] == case.metadata["option_texts"][case.target]


def test_items_without_colour_words_never_name_a_colour() -> None:
    per_kind = {"existence": 8, "count": 8, "position": 8, "scene": 4}
    items = perception_items(77, per_kind, colour_words=False)
    for item in items:
        words = item.question.lower().replace("?", "").split()
        assert not set(words) & set(OBJECT_COLOURS), item.question
        if item.kind == "count":
            pixels = np.asarray(render_scene(item.scene))
            background = np.array(COLOURS[item.scene.background], dtype=np.uint8)
            shapes = blob_shapes(np.any(pixels != background, axis=-1))
            assert shapes.count(item.subject["shape"]) == item.subject["count"]
        if item.kind in ("existence", "position"):
            pixels = np.asarray(render_scene(item.scene))
            background = np.array(COLOURS[item.scene.background], dtype=np.uint8)
            shapes = blob_shapes(np.any(pixels != background, axis=-1))
            expected = 0 if item.kind == "existence" and item.target == "no" else 1
            assert shapes.count(item.subject["shape"]) == expected, item.question
        if item.kind == "position":
            third = item.scene.width / 3
            x, y = item.subject["x"], item.subject["y"]
            side = {"left": x < third, "right": x > 2 * third, "top": y < third, "bottom": y > 2 * third}
            assert [name for name, hit in side.items() if hit] == [item.subject["region"]]


def test_colour_kind_needs_colour_words() -> None:
    with pytest.raises(ValueError):
        perception_items(1, {"colour": 4}, colour_words=False)


def test_item_list_matches_the_cases(bundled) -> None:
    assert [item.prompt() for item in t1_items()] == [c.prompt for c in perception(bundled("T.1"))]
    assert t1_dataset.name == "T.1" and t1_dataset.upstream is load_t1_upstream
