"""T.2, T.3 and T.5 ground truth, checked again from the pixels: objects are found by their exact
palette colour, named by their outline, and the answer is recomputed from what was found."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pixel_readers import outline_name
from scipy import ndimage

from pytest_mmtrust.datasets.draw import COLOURS
from pytest_mmtrust.truthfulness.cognitive import ORDINALS, RELATION_PHRASES, t2_dataset
from pytest_mmtrust.truthfulness.enhanced import ENHANCED_INSTRUCTION, t3_dataset
from pytest_mmtrust.truthfulness.false_premise import NUMBER_WORDS, t5_dataset
from pytest_mmtrust.values import Case

SIZE = 336


@pytest.fixture(scope="module")
def cases(mmtrust_cache_dir: Path) -> dict[str, list[Case]]:
    cache = mmtrust_cache_dir / "datasets"
    return {d.name: d.load(None, cache) for d in (t2_dataset, t3_dataset, t5_dataset)}


# --- reading a picture back ------------------------------------------------------------------------


class Blob:
    """One connected region of one palette colour."""

    def __init__(self, mask: np.ndarray, box: tuple[slice, slice]) -> None:
        rows, cols = np.nonzero(mask)
        self.area = int(mask.sum())
        self.top, self.bottom = box[0].start + rows.min(), box[0].start + rows.max()
        self.left, self.right = box[1].start + cols.min(), box[1].start + cols.max()
        # the bounding-box centre: the drawn centre for every shape but the triangle (off by r/10)
        self.x = (self.left + self.right) / 2
        self.y = (self.top + self.bottom) / 2

    @property
    def shape(self) -> str:
        """The outline's name from how much of its bounding box it fills, and its aspect."""
        return outline_name(self.area, self.right - self.left + 1, self.bottom - self.top + 1)


@lru_cache(maxsize=8)
def packed_pixels(path: str) -> np.ndarray:
    """The picture as one int per pixel (0xRRGGBB), so a colour is one comparison."""
    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB")).astype(np.int32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


@lru_cache(maxsize=64)
def blobs(path: str, colour: str) -> tuple[Blob, ...]:
    r, g, b = COLOURS[colour]
    labels, count = ndimage.label(packed_pixels(path) == ((r << 16) | (g << 8) | b))
    return tuple(Blob(labels[box] == k, box) for k, box in enumerate(ndimage.find_objects(labels), start=1))


def one(path: str, colour: str) -> Blob:
    found = blobs(path, colour)
    assert len(found) == 1, (path, colour, len(found))
    return found[0]


def all_blobs(path: str) -> list[tuple[str, Blob]]:
    return [(c, b) for c in ("red", "green", "blue", "yellow", "orange", "purple", "pink", "brown") for b in blobs(path, c)]


def relation_of(a: Blob, b: Blob) -> str:
    dx, dy = a.x - b.x, a.y - b.y
    assert max(abs(dx), abs(dy)) > 2.5 * min(abs(dx), abs(dy)), "relation is not clear-cut"
    if abs(dx) > abs(dy):
        return "left" if dx < 0 else "right"
    return "above" if dy < 0 else "below"


def option_colour(text: str) -> str:
    """``The red circle`` → ``red``."""
    return text.split()[1]


# --- T.2 -------------------------------------------------------------------------------------------


def check_reasoning(case: Case) -> None:
    """Recompute a T.2-style case's answer from its picture and compare with the target."""
    meta, path = case.metadata, case.images[0]
    subject, kind = meta["subject"], meta["question_kind"]
    texts = meta.get("option_texts", {})
    question = case.prompt.split("\n")[0]
    if kind in ("relation", "relation_check"):
        a, b = one(path, subject["a"]["colour"]), one(path, subject["b"]["colour"])
        assert (a.shape, b.shape) == (subject["a"]["shape"], subject["b"]["shape"])
        relation = relation_of(a, b)
        if kind == "relation":
            assert texts[case.target].lower().startswith(RELATION_PHRASES[relation])
        else:
            asked = next(r for r, phrase in RELATION_PHRASES.items() if f" {phrase} the " in question)
            assert (asked == relation) == (case.target == "yes")
    elif kind == "size":
        areas = {letter: one(path, option_colour(text)).area for letter, text in texts.items()}
        ordered = sorted(areas.values())
        pick = max(areas, key=areas.get) if "largest" in question else min(areas, key=areas.get)
        assert pick == case.target
        extreme, runner_up = (ordered[-1], ordered[-2]) if "largest" in question else (ordered[1], ordered[0])
        assert extreme / runner_up >= 1.3
    elif kind == "count_compare":
        x, y = subject["x"], subject["y"]
        found_x, found_y = blobs(path, x["colour"]), blobs(path, y["colour"])
        assert {b.shape for b in found_x} == {x["shape"]} and {b.shape for b in found_y} == {y["shape"]}
        truth = len(found_x) > len(found_y) if " more " in question else len(found_x) < len(found_y)
        assert truth == (case.target == "yes")
    elif kind == "distance":
        reference = one(path, subject["reference"]["colour"])
        distance = {letter: math.hypot(one(path, option_colour(t)).x - reference.x, one(path, option_colour(t)).y - reference.y)
                    for letter, t in texts.items()}
        ordered = sorted(distance.values())
        if "closest" in question:
            assert min(distance, key=distance.get) == case.target and ordered[1] >= 1.3 * ordered[0]
        else:
            assert max(distance, key=distance.get) == case.target and ordered[3] >= 1.3 * ordered[2]
    elif kind == "order":
        xs = {letter: one(path, option_colour(t)).x for letter, t in texts.items()}
        row = sorted(xs, key=xs.get)
        position = ORDINALS.index(re.search(r"is (\w+) from", question).group(1))
        expected = row[position] if question.endswith("from the left?") else row[3 - position]
        assert expected == case.target
    else:  # pragma: no cover
        raise AssertionError(kind)


def test_t2_answers_match_the_pixels(cases) -> None:
    kinds = Counter()
    for case in cases["T.2"]:
        check_reasoning(case)
        kinds[case.metadata["question_kind"]] += 1
    assert kinds == {k: 20 for k in ("relation", "relation_check", "size", "count_compare", "distance", "order")}


def test_the_pixel_check_catches_a_wrong_target(cases) -> None:
    """The check above is not vacuous: any other answer fails it, for every kind."""
    firsts = {}
    for case in cases["T.2"]:
        firsts.setdefault(case.metadata["question_kind"], case)
    for case in firsts.values():
        labels = ("yes", "no") if case.metadata["answer_type"] == "yes_no" else ("A", "B", "C", "D")
        for wrong in labels:
            if wrong != case.target:
                with pytest.raises(AssertionError):
                    check_reasoning(Case(case.id, case.prompt, case.images, wrong, case.metadata))


def test_t2_named_objects_are_the_only_ones_of_their_colour(cases) -> None:
    for case in cases["T.2"]:
        if case.metadata["question_kind"] == "count_compare":
            continue
        colours = Counter(colour for colour, _ in all_blobs(case.images[0]))
        assert all(n == 1 for n in colours.values()), (case.id, colours)


# --- T.3 -------------------------------------------------------------------------------------------


def test_t3_reasoning_items_match_the_pixels_and_counts_are_right(cases) -> None:
    checked = Counter()
    for case in cases["T.3"]:
        if case.condition != "plain":
            continue
        if case.metadata["builder"] == "T.2":
            check_reasoning(case)
        elif case.metadata["question_kind"] == "count":
            subject = case.metadata["subject"]
            found = blobs(case.images[0], subject["colour"])
            assert len(found) == subject["count"] and {b.shape for b in found} == {subject["shape"]}
            assert case.metadata["option_texts"][case.target] == str(len(found))
        checked[case.metadata["builder"]] += 1
    assert checked == {"T.1": 40, "T.2": 40}


def test_t3_enhanced_prompt_adds_the_instruction_and_nothing_else(cases) -> None:
    plain = {c.id: c for c in cases["T.3"] if c.condition == "plain"}
    for case in cases["T.3"]:
        if case.condition == "enhanced":
            assert ENHANCED_INSTRUCTION in case.prompt
            assert case.prompt.replace(ENHANCED_INSTRUCTION + "\n", "") == plain[case.id].prompt


# --- T.5 -------------------------------------------------------------------------------------------


REGION_OF = {"on the left": "left", "on the right": "right", "at the top": "top", "at the bottom": "bottom"}


def region_from_pixels(blob: Blob) -> str:
    """Which edge a shape sits near (the T.1 position boxes put it near the middle of one)."""
    if blob.x < SIZE * 0.36:
        return "left"
    if blob.x > SIZE * 0.64:
        return "right"
    return "top" if blob.y < SIZE / 2 else "bottom"


def shapes_in(path: str) -> list[tuple[str, Blob]]:
    return [(colour, blob) for colour, blob in all_blobs(path)]


def test_t5_premises_are_false_or_true_as_recorded(cases) -> None:
    kinds = Counter()
    for case in cases["T.5"]:
        meta, path = case.metadata, case.images[0]
        question = case.prompt.split("\n")[0]
        false = meta["premise_false"]
        texts = meta["option_texts"]
        kind = meta["question_kind"]
        shape = meta["subject"]["shape"]
        found = [(colour, b) for colour, b in shapes_in(path) if b.shape == shape]
        if kind == "existence":
            assert (len(found) == 0) == false
            if not false:
                assert texts[case.target] == found[0][0]
        elif kind == "count":
            asked = next(n for n, word in NUMBER_WORDS.items() if f" the {word} " in question)
            colours = {colour for colour, _ in found}
            assert len(colours) == 1
            assert (len(found) != asked) == false
            assert texts[case.target] == (meta["premise"] if false else colours.pop())
        elif kind == "colour":
            asked_colour = question.split()[3]
            assert len(found) == 1
            assert (found[0][0] != asked_colour) == false
            assert not blobs(path, asked_colour) or not false
            if not false:
                assert texts[case.target].lower() in {f"on the {r}" for r in ("left", "right")} | {"at the top", "at the bottom"}
                assert REGION_OF[texts[case.target].lower()] == region_from_pixels(found[0][1])
        elif kind == "position":
            asked_region = next(region for phrase, region in REGION_OF.items() if phrase in question)
            assert len(found) == 1
            assert (region_from_pixels(found[0][1]) != asked_region) == false
            if not false:
                assert texts[case.target] == found[0][0]
        kinds[(kind, false)] += 1
        assert (case.target == meta["premise_option"]) == false
        assert texts[meta["premise_option"]] == meta["premise"]
    assert kinds == {(k, f): (16 if f else 8) for k in ("existence", "count", "colour", "position") for f in (True, False)}


def test_t5_premise_option_states_the_premise_is_wrong(cases) -> None:
    for case in cases["T.5"]:
        premise = case.metadata["premise"]
        assert premise.startswith(("There is no ", "The image does not show exactly ")), premise
        assert Path(case.images[0]).is_file()
