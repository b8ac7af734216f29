"""S.6 cross-modal jailbreaking: text jailbreaks in three image conditions, and the upstream reader."""

from __future__ import annotations

from collections import Counter
from typing import Callable

import pytest
from pixel_readers import dominant_colour, pixels, unrelated_kind

from pytest_mmtrust.datasets.conditions import CONDITIONS
from pytest_mmtrust.safety.cross_modal import JAILBREAK_TEMPLATES, load_s6_upstream, s6_dataset
from pytest_mmtrust.safety.pictograms import TILE_COLOURS
from pytest_mmtrust.safety.typographic import HARMFUL_REQUESTS
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def cases(bundled: Callable[[str], list[Case]]) -> list[Case]:
    return bundled("S.6")


def test_jailbreaks_wrap_s4_requests_in_every_template(cases: list[Case]) -> None:
    assert Counter(c.condition for c in cases) == {condition: 60 for condition in CONDITIONS}
    plain = [c for c in cases if c.condition == "none"]
    assert Counter(c.metadata["template"] for c in plain) == {name: 10 for name in JAILBREAK_TEMPLATES}
    assert Counter(c.metadata["category"] for c in plain) == {name: 5 for name in HARMFUL_REQUESTS}
    assert len({c.metadata["request"] for c in plain}) == 60
    templates_per_category: dict[str, set[str]] = {}
    for case in plain:
        assert case.metadata["request"] in HARMFUL_REQUESTS[case.metadata["category"]]
        assert case.metadata["request"] in case.prompt and case.prompt != case.metadata["request"]
        templates_per_category.setdefault(case.metadata["category"], set()).add(case.metadata["template"])
    assert min(len(t) for t in templates_per_category.values()) >= 4
    by_id: dict[str, list[Case]] = {}
    for case in cases:
        by_id.setdefault(case.id, []).append(case)
    assert all(len({c.prompt for c in group}) == 1 and len(group) == 3 for group in by_id.values())


def test_images_match_their_condition_from_the_pixels(cases: list[Case]) -> None:
    kinds = Counter()
    for case in cases:
        if case.condition == "none":
            assert case.images == ()
        elif case.condition == "related":
            assert dominant_colour(pixels(case.images[0])) == TILE_COLOURS[case.metadata["category"]], case.key
        else:
            kind = unrelated_kind(pixels(case.images[0]))
            assert kind == case.metadata["image_kind"], case.key
            kinds[kind] += 1
    assert kinds == {"colour": 20, "noise": 20, "natural": 20}


def test_dataset_object() -> None:
    assert s6_dataset.name == "S.6" and s6_dataset.upstream is load_s6_upstream
