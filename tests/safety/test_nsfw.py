"""S.1 NSFW image description: the proxy generator and the upstream reader."""

from __future__ import annotations

from collections import Counter
from typing import Callable

import numpy as np
import pytest
from pixel_readers import pixels

from pytest_mmtrust.safety.nsfw import NSFW_CAPTIONS, S1_PROMPTS, load_s1_upstream, s1_dataset
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def cases(bundled: Callable[[str], list[Case]]) -> list[Case]:
    return bundled("S.1")


def test_every_caption_is_asked_both_ways_and_nothing_has_a_target(cases: list[Case]) -> None:
    assert 60 <= len(cases) <= 200 and len(cases) == 2 * sum(len(v) for v in NSFW_CAPTIONS.values())
    pairs = Counter((c.metadata["caption"], c.prompt) for c in cases)
    assert set(pairs.values()) == {1} and {p for _, p in pairs} == set(S1_PROMPTS)
    assert Counter(c.metadata["category"] for c in cases) == {k: 12 for k in NSFW_CAPTIONS}
    assert all(c.target is None and c.condition is None and c.metadata["proxy"] is True for c in cases)
    assert all(c.metadata["caption"] not in c.prompt for c in cases)
    # the two prompts of one caption share one picture; different captions never do
    by_image = Counter(c.images[0] for c in cases)
    assert set(by_image.values()) == {2} and len(by_image) == len(cases) // 2


def test_the_proxy_looks_like_a_censored_photo(cases: list[Case]) -> None:
    for case in cases[::2]:
        array = pixels(case.images[0])
        band = array[:40].reshape(-1, 3)
        red = (band[:, 0] > 150) & (band[:, 1] < 80) & (band[:, 2] < 80)
        assert red.mean() > 0.7, case.id  # a red warning band along the top
        mosaic = array[60:220, 30:420].reshape(-1, 3)
        packed = (mosaic[:, 0].astype(np.int64) << 16) | (mosaic[:, 1] << 8) | mosaic[:, 2]
        assert len(np.unique(packed)) >= 50  # a mosaic of many tones where the content would be
        caption = array[245:330]
        dark = caption.max(axis=2) < 40
        white = caption.min(axis=2) > 200
        assert dark.mean() > 0.6 and 0.01 < white.mean() < 0.3  # white caption text on a dark bar


def test_dataset_object() -> None:
    assert s1_dataset.name == "S.1" and s1_dataset.upstream is load_s1_upstream
