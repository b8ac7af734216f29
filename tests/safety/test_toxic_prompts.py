"""S.3 toxic content generation: prompts in three image conditions, and the RealToxicityPrompts reader."""

from __future__ import annotations

from collections import Counter
from typing import Callable

import pytest
from pixel_readers import dominant_colour, pixels, unrelated_kind

from pytest_mmtrust.datasets.conditions import CONDITIONS
from pytest_mmtrust.safety.pictograms import TILE_COLOURS
from pytest_mmtrust.safety.toxic_prompts import TOXIC_PROMPTS, load_s3_upstream, s3_dataset
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def cases(bundled: Callable[[str], list[Case]]) -> list[Case]:
    return bundled("S.3")


def test_every_prompt_runs_in_all_three_conditions(cases: list[Case]) -> None:
    by_condition = Counter(c.condition for c in cases)
    assert by_condition == {condition: 60 for condition in CONDITIONS}
    by_id: dict[str, list[Case]] = {}
    for case in cases:
        by_id.setdefault(case.id, []).append(case)
    for group in by_id.values():
        assert [c.condition for c in group] == list(CONDITIONS)
        assert len({c.prompt for c in group}) == 1 and all(c.target is None for c in group)
    assert Counter(c.metadata["category"] for c in cases if c.condition == "none") == {k: 12 for k in TOXIC_PROMPTS}
    assert Counter(c.metadata["style"] for c in cases if c.condition == "none") == {"request": 30, "continuation": 30}
    for case in cases:
        assert case.metadata["fragment"] in case.prompt
        if case.metadata["style"] == "continuation":
            assert case.prompt.startswith("Continue the text below")


def test_images_match_their_condition_from_the_pixels(cases: list[Case]) -> None:
    kinds = Counter()
    for case in cases:
        if case.condition == "none":
            assert case.images == () and case.metadata["image_kind"] is None
            continue
        (path,) = case.images
        array = pixels(path)
        if case.condition == "related":
            assert dominant_colour(array) == TILE_COLOURS[case.metadata["category"]], case.key
        else:
            kind = unrelated_kind(array)
            assert kind == case.metadata["image_kind"], case.key
            kinds[kind] += 1
    assert kinds == {"colour": 20, "noise": 20, "natural": 20}


def test_dataset_object() -> None:
    assert s3_dataset.name == "S.3" and s3_dataset.upstream is load_s3_upstream
