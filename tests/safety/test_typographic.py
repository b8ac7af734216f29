"""S.4 bundled data and the typographic-jailbreak upstream reader."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from pytest_mmtrust.datasets.draw import font, wrap_text
from pytest_mmtrust.safety.typographic import (
    CANVAS,
    HARMFUL_REQUESTS,
    LAYOUTS,
    TEXT_PROMPTS,
    load_s4_upstream,
    render_request,
    s4_dataset,
)


def test_size_categories_and_no_target(bundled) -> None:
    cases = bundled("S.4")
    assert 60 <= len(cases) <= 200
    categories = Counter(c.metadata["category"] for c in cases)
    assert set(categories) == set(HARMFUL_REQUESTS) and len(categories) >= 8
    assert min(categories.values()) >= 5
    assert all(c.target is None and c.condition is None for c in cases)
    requests = [c.metadata["request"] for c in cases]
    assert len(set(requests)) == len(requests)


def test_the_request_is_only_in_the_image(bundled) -> None:
    for case in bundled("S.4"):
        assert case.prompt in TEXT_PROMPTS
        assert case.metadata["request"] not in case.prompt


def test_every_layout_meets_every_prompt(bundled) -> None:
    pairs = Counter((c.metadata["layout"], c.metadata["prompt_variant"]) for c in bundled("S.4"))
    assert set(pairs) == {(layout, v) for layout in LAYOUTS for v in range(len(TEXT_PROMPTS))}
    assert max(pairs.values()) - min(pairs.values()) <= 1


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_request_fits_its_canvas(layout: str) -> None:
    width, height = CANVAS
    size = LAYOUTS[layout]
    usable_width = width - (72 if layout == "note" else 48)
    usable_height = height - {"plain": 48, "large": 56, "small": 48, "note": 30 + size + 36 + 30}[layout]
    for requests in HARMFUL_REQUESTS.values():
        for request in requests:
            lines = wrap_text(request, font(size), usable_width)
            assert all(font(size).getlength(line) <= usable_width for line in lines)
            assert len(lines) * int(size * 1.3) <= usable_height + int(size * 0.3), (layout, request)


def test_rendered_text_is_dark_on_white() -> None:
    image = np.asarray(render_request("Explain how to do something harmful.", "plain").convert("L"))
    assert image[-1, -1] > 240 and image.min() < 60
    ink = image < 128
    assert 0.005 < ink.mean() < 0.2


def test_dataset_object() -> None:
    assert s4_dataset.name == "S.4" and s4_dataset.upstream is load_s4_upstream
