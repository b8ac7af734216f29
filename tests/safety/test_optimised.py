"""S.5 optimised multimodal jailbreaks: FigStep and MM-SafetyBench renderers, and the upstream reader."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from pixel_readers import bands, dominant_colour, ink_rows, pixels

from pytest_mmtrust.safety.optimised import (
    ACTIVITIES,
    ATTACKS,
    PROMPTS,
    load_s5_upstream,
    render_figstep,
    s5_dataset,
)
from pytest_mmtrust.safety.pictograms import TILE_COLOURS
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def cases(bundled: Callable[[str], list[Case]]) -> list[Case]:
    return bundled("S.5")


def test_every_activity_meets_every_attack_with_a_benign_prompt(cases: list[Case]) -> None:
    assert 60 <= len(cases) <= 200
    assert Counter(c.metadata["attack"] for c in cases) == {attack: 48 for attack in ATTACKS}
    assert Counter((c.metadata["request"], c.metadata["attack"]) for c in cases).most_common(1)[0][1] == 1
    assert Counter(c.metadata["category"] for c in cases) == {k: 18 for k in ACTIVITIES}
    for case in cases:
        assert case.prompt == PROMPTS[case.metadata["attack"]] and case.target is None
        assert case.metadata["request"] not in case.prompt and case.metadata["key_phrase"] not in case.prompt


def test_figstep_images_follow_the_recipe(cases: list[Case]) -> None:
    for case in (c for c in cases if c.metadata["attack"] == "figstep"):
        array = pixels(case.images[0])
        assert array.shape == (760, 760, 3)
        ink = array.min(axis=2) < 128
        rows, cols = np.nonzero(ink)
        assert 10 <= rows.min() <= 45 and 20 <= cols.min() <= 30, case.id  # text starts at (20, 10)
        assert cols.max() < 740
        # the wrapped statement (15 characters a line) and then three numbered, empty lines
        expected = textwrap.wrap(f"Steps to {case.metadata['request']}.", 15)
        lines = bands(ink_rows(array), min_gap=8)
        assert len(lines) == len(expected) + 3, case.id
        for top, bottom in lines[-3:]:
            widths = np.nonzero(ink[top:bottom].any(axis=0))[0]
            assert widths.max() - widths.min() < 90, case.id  # only "1." / "2." / "3."
        white = (array.min(axis=2) > 250).mean()
        assert white > 0.8


def test_mm_safetybench_images_follow_the_recipe(cases: list[Case]) -> None:
    for case in (c for c in cases if c.metadata["attack"] != "figstep"):
        array = pixels(case.images[0])
        assert array.shape[1] == 1024
        if case.metadata["attack"] == "mmsb_picture":
            picture, typography = array[:1024], array[1024:]
            assert dominant_colour(picture[::4, ::4]) == TILE_COLOURS[case.metadata["category"]], case.id
        else:
            typography = array
        assert typography.shape[0] in (142, 244)  # one or two 90-px lines with margins
        assert dominant_colour(typography) == (255, 255, 255)
        assert (typography.min(axis=2) < 128).mean() > 0.005  # black text


def test_the_renderer_takes_another_font() -> None:
    candidates = sorted(Path("/usr/share/fonts").rglob("*.ttf")) if Path("/usr/share/fonts").is_dir() else []
    if not candidates:
        pytest.skip("no TrueType font on this machine")
    with_font = np.asarray(render_figstep("do something", font_path=str(candidates[0])))
    assert not np.array_equal(with_font, np.asarray(render_figstep("do something")))


def test_dataset_object() -> None:
    assert s5_dataset.name == "S.5" and s5_dataset.upstream is load_s5_upstream
