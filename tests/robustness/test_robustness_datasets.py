"""The bundled picture sets of R.1 (styles) and R.4/R.5 (attacks): sizes, pairing across conditions,
ground truth read back from the pixels, the attack budget in the files, and byte-identical builds."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pytest_mmtrust.datasets.draw import COLOURS, render_scene, save_png
from pytest_mmtrust.evaluators.choice import ChoiceEvaluator
from pytest_mmtrust.robustness.adversarial import (
    R5_SEED,
    generate_r4,
    r4_dataset,
    r5_dataset,
    shape_items,
)
from pytest_mmtrust.robustness.artistic import R1_CONDITIONS, R1_SEED, r1_dataset, r1_items
from pytest_mmtrust.robustness.attack import load_surrogate, similarities
from pytest_mmtrust.robustness.caption import CaptionEvaluator
from pytest_mmtrust.robustness.styles import STYLES
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def dataset_cache(mmtrust_cache_dir: Path) -> Path:
    """The datasets cache every test module shares in this session (built once)."""
    return mmtrust_cache_dir / "datasets"


@pytest.fixture(scope="module")
def r1(dataset_cache: Path) -> list[Case]:
    return r1_dataset.load(None, dataset_cache)


@pytest.fixture(scope="module")
def adversarial(dataset_cache: Path) -> dict[str, list[Case]]:
    return {"R.4": r4_dataset.load(None, dataset_cache), "R.5": r5_dataset.load(None, dataset_cache)}


def pixels(path: str, mode: str = "RGB") -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert(mode))


def by_condition(cases: list[Case]) -> dict[str, dict[str, Case]]:
    out: dict[str, dict[str, Case]] = {}
    for case in cases:
        out.setdefault(case.condition, {})[case.id] = case
    return out


# --- R.1 --------------------------------------------------------------------------------------------


def test_r1_asks_every_item_in_every_style(r1: list[Case]) -> None:
    conditions = by_condition(r1)
    assert tuple(conditions) == R1_CONDITIONS
    ids = set(conditions["original"])
    assert len(ids) == 60 and all(set(c) == ids for c in conditions.values())
    for case_id in ids:
        versions = [conditions[c][case_id] for c in R1_CONDITIONS]
        assert len({(v.prompt, v.target) for v in versions}) == 1
        assert len({pixels(v.images[0]).tobytes() for v in versions}) == 6  # six different pictures
        assert [v.metadata["style"] for v in versions] == list(R1_CONDITIONS)


def test_r1_questions_never_name_a_colour_and_answers_are_balanced(r1: list[Case]) -> None:
    original = [c for c in r1 if c.condition == "original"]
    assert Counter(c.metadata["question_kind"] for c in original) == {"existence": 16, "count": 16, "position": 16, "ocr": 12}
    for kind in ("existence", "count", "position", "ocr"):
        targets = Counter(c.target for c in original if c.metadata["question_kind"] == kind)
        assert max(targets.values()) - min(targets.values()) == 0, (kind, targets)
    colour_words = {name for name in COLOURS if " " not in name}
    questions = [c.prompt.splitlines()[0].lower().rstrip("?").split() for c in original]  # OCR options may be YELLOW
    assert not any(word in question for question in questions for word in colour_words)


def test_r1_cases_score_with_their_own_answer(r1: list[Case]) -> None:
    evaluator = ChoiceEvaluator()
    for case in r1:
        answer = f"{case.target.capitalize()}." if case.metadata["answer_type"] == "yes_no" else f"The answer is {case.target}."
        assert evaluator(case, answer).outcome == "CORRECT", case.key


def test_every_shape_stays_visible_in_every_style(r1: list[Case]) -> None:
    """Each shape's inside differs in brightness from the background ring around it."""
    items = r1_items()
    for case in r1:
        item = items[int(case.id) - 1]
        if item.kind == "ocr":
            continue
        lum = pixels(case.images[0], "L").astype(float)
        ys, xs = np.mgrid[0 : lum.shape[0], 0 : lum.shape[1]]
        for obj in item.scene.objects:
            distance = np.hypot(xs - obj.x, ys - obj.y)
            inside = np.median(lum[distance <= 0.35 * obj.radius])
            around = np.median(lum[(distance >= obj.reach + 4) & (distance <= obj.reach + 8)])
            assert abs(inside - around) >= 25, (case.key, obj)


def test_r1_pictures_are_the_documented_construction(r1: list[Case], tmp_path: Path) -> None:
    """Rebuilt by hand (render, then style with the documented seed), a few files match byte for byte."""
    items = r1_items()
    for case in r1[::37]:
        number = int(case.id)
        picture = render_scene(items[number - 1].scene)
        index = R1_CONDITIONS.index(case.condition)
        if case.condition != "original":
            picture = STYLES[case.condition](picture, np.random.default_rng([R1_SEED, number, index]))
        save_png(picture, tmp_path / "again.png")
        assert (tmp_path / "again.png").read_bytes() == Path(case.images[0]).read_bytes(), case.key


# --- R.4 / R.5 --------------------------------------------------------------------------------------


def shape_from_pixels(picture: np.ndarray, colour: str) -> str:
    """Which shape a single-colour blob is, from how much of its bounding box it fills."""
    mask = np.all(picture == np.array(COLOURS[colour]), axis=-1)
    rows, cols = np.nonzero(mask)
    box = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    fill = box.mean()
    if fill > 0.95:
        return "square"
    if 0.7 < fill < 0.85:
        return "circle"
    if fill < 0.45:
        return "star"
    widest = int(np.argmax(box.sum(axis=1))) / (box.shape[0] - 1)
    return "triangle" if widest > 0.75 else "diamond"


@pytest.mark.parametrize("task", ["R.4", "R.5"])
def test_each_picture_shows_the_shape_it_is_labelled_with(adversarial, task: str) -> None:
    clean = by_condition(adversarial[task])["clean"]
    assert len(clean) == 60 and Counter(c.target for c in clean.values()) == {s: 12 for s in ("circle", "square", "triangle", "star", "diamond")}
    for case in clean.values():
        picture = pixels(case.images[0])
        assert picture.shape == (128, 128, 3)
        assert shape_from_pixels(picture, case.metadata["colour"]) == case.target, case.key
        assert tuple(picture[0, 0]) == COLOURS[case.metadata["background"]]
        assert case.prompt == "Please provide a detailed description of the image."


def test_targets_are_other_shapes_in_equal_numbers(adversarial) -> None:
    clean = by_condition(adversarial["R.5"])["clean"]
    pairs = Counter((c.target, c.metadata["target_object"]) for c in clean.values())
    assert len(pairs) == 20 and set(pairs.values()) == {3} and all(a != b for a, b in pairs)
    for item in shape_items(R5_SEED, targeted=True)[:10]:
        assert shape_from_pixels(item.target_picture(), item.colour) == item.target_shape


@pytest.mark.parametrize(("task", "attacked"), [("R.4", "untargeted"), ("R.5", "targeted")])
def test_the_files_respect_the_budget_and_noise_uses_all_of_it(adversarial, task: str, attacked: str) -> None:
    conditions = by_condition(adversarial[task])
    assert set(conditions) == {"clean", "noise", attacked}
    for case_id, clean_case in conditions["clean"].items():
        clean = pixels(clean_case.images[0]).astype(int)
        attack = pixels(conditions[attacked][case_id].images[0]).astype(int)
        noise = pixels(conditions["noise"][case_id].images[0]).astype(int)
        assert np.abs(attack - clean).max() / 255 <= 16 / 255 + 1e-6
        assert np.abs(attack - clean).max() > 0
        unclipped = (clean >= 16) & (clean <= 239)
        assert np.all(np.abs(noise - clean)[unclipped] == 16)
        assert conditions[attacked][case_id].metadata["attack"]["epsilon_levels"] == 16


def test_the_bundled_attacks_beat_noise_on_their_surrogate(adversarial) -> None:
    encoder = load_surrogate("tiny")
    for task, attacked in (("R.4", "untargeted"), ("R.5", "targeted")):
        conditions = by_condition(adversarial[task])
        ids = sorted(conditions["clean"])
        clean, noise, attack = ([pixels(conditions[c][i].images[0]) for i in ids] for c in ("clean", "noise", attacked))
        if attacked == "untargeted":
            assert np.all(similarities(encoder, attack, clean) < similarities(encoder, noise, clean))
        else:
            targets = [item.target_picture() for item in shape_items(R5_SEED, targeted=True)]
            assert np.all(similarities(encoder, attack, targets) > similarities(encoder, noise, targets))


def test_the_r4_build_is_byte_identical(adversarial, tmp_path: Path) -> None:
    again = generate_r4(tmp_path)
    first = adversarial["R.4"]
    assert [(c.key, json.dumps(dict(c.metadata), sort_keys=True)) for c in again] == [
        (c.key, json.dumps(dict(c.metadata), sort_keys=True)) for c in first
    ]
    for case, fresh in zip(first, again):
        assert Path(case.images[0]).read_bytes() == (tmp_path / fresh.images[0]).read_bytes(), case.key


@pytest.mark.parametrize("task", ["R.4", "R.5"])
def test_clean_cases_score_by_naming_the_shape(adversarial, task: str) -> None:
    for case in adversarial[task]:
        assert CaptionEvaluator()(case, f"A {case.target} on a plain background.").outcome == "CORRECT"
