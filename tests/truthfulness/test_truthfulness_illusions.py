"""T.6 illusions measured from their pixels: lengths, diameters and greys are read back, the
answer recomputed, and the illusion's context checked to push toward the wrong answer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from pytest_mmtrust.truthfulness.illusions import (
    CENTRE_DISC,
    DARK_GROUND,
    DECOR,
    LIGHT_GROUND,
    RAIL,
    RING_DISC,
    STROKE,
    t6_dataset,
)
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def cases(mmtrust_cache_dir: Path) -> list[Case]:
    return t6_dataset.load(None, mmtrust_cache_dir / "datasets")


def pixels(case: Case) -> np.ndarray:
    with Image.open(case.images[0]) as image:
        return np.asarray(image.convert("RGB")).astype(np.int32)


def mask(rgb: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    return np.all(rgb == np.array(colour), axis=-1)


def regions(m: np.ndarray) -> list[tuple[slice, slice]]:
    labels, _ = ndimage.label(m)
    return ndimage.find_objects(labels)


def extent(box: tuple[slice, slice]) -> tuple[int, int, float, float]:
    """(width, height, centre x, centre y) of a bounding box."""
    rows, cols = box
    return cols.stop - cols.start, rows.stop - rows.start, (cols.start + cols.stop - 1) / 2, (rows.start + rows.stop - 1) / 2


def measure(case: Case, rgb: np.ndarray) -> dict[str, tuple[float, bool]]:
    """Each compared element by name → (its size from the pixels, whether its context enlarges it).

    "Size" is a length, a diameter or a darkness (255 − grey); "enlarges" means the illusion
    makes it look longer / larger / darker than it is.
    """
    kind = case.metadata["illusion"]
    if kind == "muller_lyer":
        lines = sorted((extent(b) for b in regions(mask(rgb, STROKE))), key=lambda e: e[3])
        assert len(lines) == 2
        fins = mask(rgb, DECOR)
        out = {}
        for name, (width, _h, cx, cy) in zip(("top", "bottom"), lines):
            left_end = int(cx - (width - 1) / 2)
            band = fins[int(cy) - 30:int(cy) + 31, max(0, left_end - 40):left_end + 41]
            xs = np.nonzero(band)[1] + max(0, left_end - 40)
            tails = xs.mean() < left_end  # fins reaching outward beyond the end: the line looks longer
            out[name] = (float(width), bool(tails))
        return out
    if kind == "ebbinghaus":
        discs = sorted((extent(b) for b in regions(mask(rgb, CENTRE_DISC))), key=lambda e: e[2])
        assert len(discs) == 2
        ring = [extent(b) for b in regions(mask(rgb, RING_DISC))]
        neighbours = [float(np.mean([w for w, _h, x, _y in ring if abs(x - cx) < 100])) for _w, _h, cx, _cy in discs]
        out = {}
        for index, (name, (width, height, _cx, _cy)) in enumerate(zip(("left", "right"), discs)):
            assert width == height
            small_ring = neighbours[index] < neighbours[1 - index]  # small neighbours make a circle look larger
            out[name] = (float(width), small_ring)
        return out
    if kind == "ponzo":
        bars = sorted((extent(b) for b in regions(mask(rgb, STROKE))), key=lambda e: e[3])
        assert len(bars) == 2
        rails = mask(rgb, RAIL)
        rows = [y for y in range(rails.shape[0]) if rails[y].any()]
        spread = {y: np.ptp(np.nonzero(rails[y])[0]) for y in rows}
        apex_y = min(spread, key=spread.get)
        nearer = min(range(2), key=lambda i: abs(bars[i][3] - apex_y))
        return {name: (float(bars[i][0]), i == nearer) for i, name in enumerate(("upper", "lower"))}
    if kind == "vertical_horizontal":
        (vertical,) = [extent(b) for b in regions(mask(rgb, STROKE))]
        (horizontal,) = [extent(b) for b in regions(mask(rgb, DECOR))]
        assert vertical[0] == horizontal[1]  # equal strokes
        return {"vertical": (float(vertical[1]), True), "horizontal": (float(horizontal[0]), False)}
    if kind == "contrast":
        ground = mask(rgb, DARK_GROUND) | mask(rgb, LIGHT_GROUND)
        squares = sorted(regions(~ground), key=lambda b: b[1].start)
        assert len(squares) == 2
        out = {}
        for name, box in zip(("left", "right"), squares):
            values = rgb[box].reshape(-1, 3)
            assert (values == values[0]).all() and values[0][0] == values[0][1] == values[0][2]
            corner = rgb[box[0].start - 5, box[1].start - 5]
            on_light = bool((corner == np.array(LIGHT_GROUND)).all())  # a light ground makes a grey look darker
            out[name] = (255.0 - values[0][0], on_light)
        return out
    raise AssertionError(kind)


def compared(case: Case, sizes: dict[str, tuple[float, bool]]) -> tuple[str, str]:
    """The (first, second) element names the question compares, read from its words."""
    question = case.prompt.split("\n")[0]
    names = list(sizes)
    positions = {name: question.find(name) for name in names}
    if case.metadata["form"] == "same" or min(positions.values()) < 0:
        return names[0], names[1]
    first, second = sorted(names, key=positions.get)
    return first, second


def test_every_answer_matches_the_measured_geometry_and_the_illusion_points_the_other_way(cases) -> None:
    seen = Counter()
    for case in cases:
        sizes = measure(case, pixels(case))
        first, second = compared(case, sizes)
        (a, a_enlarged), (b, b_enlarged) = sizes[first], sizes[second]
        kind, form = case.metadata["illusion"], case.metadata["form"]
        if kind == "contrast":
            unequal_enough = abs(a - b) >= 28
        else:
            unequal_enough = max(a, b) >= 1.15 * min(a, b)
        if form == "same":
            truth = a == b
            if truth:
                assert a_enlarged != b_enlarged, case.id  # equal things, made to look different
            else:
                bigger_enlarged = a_enlarged if a > b else b_enlarged
                assert not bigger_enlarged, case.id  # the bigger one is made to look smaller
        else:
            truth = a > b
            assert a_enlarged == (not truth), case.id  # the illusion says the opposite
        assert a == b or unequal_enough, case.id
        assert ("yes" if truth else "no") == case.target, case.id
        assert case.metadata["misleading"] != case.target
        seen[(kind, form, case.target)] += 1
    assert len(seen) == 4 * 4 + 2 and set(seen.values()) == {6, 12}


def test_the_measurement_is_not_vacuous(cases) -> None:
    """Flipping any answer makes the geometry disagree."""
    for case in cases[:10]:
        sizes = measure(case, pixels(case))
        first, second = compared(case, sizes)
        a, b = sizes[first][0], sizes[second][0]
        truth = a == b if case.metadata["form"] == "same" else a > b
        flipped = "no" if case.target == "yes" else "yes"
        assert ("yes" if truth else "no") != flipped


def test_equal_means_pixel_identical_sizes(cases) -> None:
    for case in cases:
        geometry = case.metadata["geometry"]
        if case.metadata["illusion"] == "muller_lyer" and case.target == "yes" and case.metadata["form"] == "same":
            top, bottom = sorted((extent(b) for b in regions(mask(pixels(case), STROKE))), key=lambda e: e[3])
            assert top[0] == bottom[0] == geometry["lines"][0]["length"]
