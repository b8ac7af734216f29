"""The bundled MLLMGuard data: sized, bilingual, deterministic, and true to its pictures."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from pytest_mmtrust.mllmguard import DATASETS, SUBTASKS
from pytest_mmtrust.mllmguard.data import noise_items, position_items
from pytest_mmtrust.mllmguard.prompts import REQUESTS, techniques_of
from pytest_mmtrust.mllmguard.taxonomy import TECHNIQUES, subtask
from pytest_mmtrust.values import Case

CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def bundled(mmtrust_cache_dir: Path) -> dict[str, list[Case]]:
    return {task_id: dataset.load(None, mmtrust_cache_dir / "datasets") for task_id, dataset in DATASETS.items()}


def pixels(path: str) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def test_every_subtask_has_a_dataset_and_every_language_its_share(bundled: dict[str, list[Case]]) -> None:
    assert set(bundled) == {s.task_id for s in SUBTASKS} and len(bundled) == 13
    for task_id, cases in bundled.items():
        per_language = Counter(c.condition for c in cases)
        assert set(per_language) == {"en", "zh"} and per_language["en"] == per_language["zh"]
        assert 40 <= per_language["en"] <= 80, task_id
        assert len({c.key for c in cases}) == len(cases)
        assert {c.id for c in cases if c.condition == "en"} == {c.id for c in cases if c.condition == "zh"}
        for c in cases:
            assert c.metadata["language"] == c.condition
            assert (c.metadata["dimension"], c.metadata["subtask"]) == tuple(task_id.split(".")[1:])
            assert all(Path(p).is_file() and Path(p).is_absolute() for p in c.images) and len(c.images) == 1
            json.dumps(c.metadata)
            # Chinese prompts are Chinese, English ones are not
            assert bool(CJK.search(c.prompt)) is (c.condition == "zh"), c.prompt


def test_the_red_teaming_techniques_are_all_covered(bundled: dict[str, list[Case]]) -> None:
    used = {c.metadata["technique"] for cases in bundled.values() for c in cases}
    assert used == set(TECHNIQUES)
    for task_id, cases in bundled.items():
        sub = subtask(task_id)
        if sub.kind == "graded":
            counts = Counter(c.metadata["technique"] for c in cases if c.condition == "en")
            assert set(counts) == set(techniques_of(sub.key))
            assert set(counts.values()) == {len(REQUESTS[sub.key])}


def test_both_languages_share_the_picture_and_the_item(bundled: dict[str, list[Case]]) -> None:
    for cases in bundled.values():
        by_key = {(c.id, c.condition): c for c in cases}
        for (case_id, language), c in by_key.items():
            if language == "en":
                other = by_key[(case_id, "zh")]
                assert other.images == c.images and other.target == c.target
                assert other.metadata["technique"] == c.metadata["technique"]


def test_pictures_are_small(bundled: dict[str, list[Case]]) -> None:
    sizes = {Image.open(p).size for cases in bundled.values() for c in cases for p in c.images}
    assert max(w * h for w, h in sizes) <= 320 * 200


def test_facial_stereotype_pictures_show_four_labelled_people(bundled: dict[str, list[Case]]) -> None:
    faces = [c for c in bundled["G.bias.prejudice"] if c.metadata["technique"] == "facial stereotype"]
    assert faces and all(c.metadata["options"] == ["A", "B", "C", "D"] for c in faces)
    image = pixels(faces[0].images[0])
    h, w, _ = image.shape
    quadrants = [image[:h // 2, :w // 2], image[:h // 2, w // 2:], image[h // 2:, :w // 2], image[h // 2:, w // 2:]]
    for quadrant in quadrants:  # a person (skin, shirt) in every quadrant, not just background grey
        assert (np.abs(quadrant - 240).sum(axis=2) > 120).mean() > 0.05


def _fill_ratio(mask: np.ndarray) -> float:
    rows, cols = np.nonzero(mask)
    return mask.sum() / float((rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1))


def _shape_from_pixels(image: np.ndarray) -> str:
    """Circle ≈ 0.785 of its box, square 1.0, triangle 0.5, star ≈ 0.35: told apart from the pixels."""
    mask = np.abs(image - 255).sum(axis=2) > 60
    labels, count = ndimage.label(mask)
    assert count == 1
    ratio = _fill_ratio(mask)
    return min({"circle": 0.785, "square": 1.0, "triangle": 0.5, "star": 0.36}.items(), key=lambda kv: abs(kv[1] - ratio))[0]


def test_noise_pairs_show_the_answer_and_the_noisy_copy_is_noisy(bundled: dict[str, list[Case]]) -> None:
    cases = [c for c in bundled["G.truthfulness.noise"] if c.condition == "en"]
    assert Counter(c.target for c in cases if c.metadata["role"] == "clean") == {"A": 12, "B": 12}
    for clean, noisy in zip(cases[0::2], cases[1::2]):
        assert (clean.metadata["role"], noisy.metadata["role"]) == ("clean", "noisy")
        assert Path(noisy.images[0]).name == Path(clean.images[0]).stem + "_noise.png"
        shown = _shape_from_pixels(pixels(clean.images[0]))
        letter = "A" if shown == clean.metadata["option_texts"]["A"] else "B"
        assert shown in clean.metadata["option_texts"].values() and letter == clean.target
        a, b = pixels(clean.images[0]), pixels(noisy.images[0])
        difference = np.abs(a - b)
        assert 20 < difference.mean() < 70  # visibly noisy, not destroyed
        inside = np.abs(a - 255).sum(axis=2) > 60  # the shape, from the clean picture
        contrast = np.abs(b[inside].mean(axis=0) - b[~inside].mean(axis=0)).sum()
        assert contrast > 100  # the shape still stands out from the ground in the noisy copy


def test_noise_items_are_balanced_over_shapes() -> None:
    items = noise_items()
    assert len(items) == 24 and all(i["shown"] in (i["a"], i["b"]) and i["a"] != i["b"] for i in items)


def _dots(panel: np.ndarray) -> int:
    return ndimage.label(panel.sum(axis=2) < 200)[1]


def test_position_pairs_are_the_same_panels_swapped_and_the_target_is_true(bundled: dict[str, list[Case]]) -> None:
    cases = [c for c in bundled["G.truthfulness.position"] if c.condition == "en"]
    for original, reversed_ in zip(cases[0::2], cases[1::2]):
        a, b = pixels(original.images[0]), pixels(reversed_.images[0])
        half = (a.shape[1] - 4) // 2
        assert np.array_equal(a[:, :half], b[:, half + 4:]) and np.array_equal(a[:, half + 4:], b[:, :half])
        assert {original.target, reversed_.target} == {"A", "B"}
        left, right = a[:, :half], a[:, half + 4:]
        kind = original.metadata["question_kind"]
        if kind == "dots":
            truth = "A" if _dots(left) > _dots(right) else "B"
        elif kind == "size":
            truth = "A" if (left.sum(axis=2) < 600).sum() > (right.sum(axis=2) < 600).sum() else "B"
        else:
            continue
        assert truth == original.target


def test_position_items_are_balanced() -> None:
    assert Counter(i["answer"] for i in position_items()) == {"A": 12, "B": 12}


def test_hallucination_asks_about_what_is_not_drawn(bundled: dict[str, list[Case]]) -> None:
    cases = bundled["G.truthfulness.hallucination"]
    options = [c for c in cases if c.metadata["role"] == "options"]
    assert Counter(c.target for c in options if c.condition == "en") == {"A": 6, "B": 6, "C": 6, "D": 6}
    for c in options:
        absent = c.metadata["option_texts"][c.target]
        assert c.metadata["object"] in absent and ("no" in absent or "没有" in absent)
        image = pixels(c.images[0])
        from pytest_mmtrust.datasets.draw import COLOURS

        for colour, _shape in c.metadata["present"]:  # the drawn things really are in the picture
            assert (np.abs(image - np.array(COLOURS[colour])).sum(axis=2) < 6).sum() > 100
    assert {c.metadata["role"] for c in cases} == {"free", "options"}
