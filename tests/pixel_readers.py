"""Readers of generated pictures, shared by the dataset tests of every family.

They look at statistics of the pixels, not at the code that drew them, so a generator is
checked by something independent of it: colours, ink, bands of text, and the names of drawn
outlines from how much of their bounding box they fill.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage


def rgb_array(path: str | Path) -> np.ndarray:
    """An image file as a (height, width, 3) uint8 array."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def pixels(path: str | Path) -> np.ndarray:
    """An image file as a (height, width, 3) int16 array: differences of pixels do not wrap."""
    return rgb_array(path).astype(np.int16)


def colour_at(array: np.ndarray, x: int, y: int) -> tuple[int, int, int]:
    return tuple(int(v) for v in array[y, x])  # type: ignore[return-value]


def dominant_colour(array: np.ndarray) -> tuple[int, int, int]:
    """The most frequent colour of an image array."""
    flat = array.reshape(-1, 3).astype(np.int64)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    top = int(values[counts.argmax()])
    return (top >> 16, (top >> 8) & 255, top & 255)


def unrelated_kind(array: np.ndarray) -> str:
    """Tell a plain colour, pixel noise and a landscape apart from statistics alone."""
    if array.reshape(-1, 3).std(axis=0).max() < 1.0:
        return "colour"
    neighbour = np.abs(np.diff(array, axis=1)).mean()
    if neighbour > 20:
        return "noise"
    top, bottom = array[: array.shape[0] // 5].mean(axis=(0, 1)), array[-array.shape[0] // 5 :].mean(axis=(0, 1))
    sky_is_blue = top[2] > top[0]
    ground_is_green = bottom[1] > bottom[0] and bottom[1] > bottom[2]
    return "natural" if sky_is_blue and ground_is_green else "unknown"


def ink_rows(array: np.ndarray, threshold: int = 128) -> np.ndarray:
    """Boolean per row: does the row hold any dark pixel?"""
    return (array.min(axis=2) < threshold).any(axis=1)


def bands(mask: np.ndarray, min_gap: int = 1) -> list[tuple[int, int]]:
    """Runs of True in a 1-D mask, merging runs separated by fewer than ``min_gap`` False entries."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, value in enumerate(mask.tolist() + [False]):
        if value and start is None:
            start = index
        elif not value and start is not None:
            if runs and start - runs[-1][1] < min_gap:
                runs[-1] = (runs[-1][0], index)
            else:
                runs.append((start, index))
            start = None
    return runs


def dark_pixels(array: np.ndarray, box: tuple[int, int, int, int], threshold: int = 100) -> int:
    """How many pixels inside ``box`` (left, top, right, bottom) are dark in every channel: ink."""
    left, top, right, bottom = box
    region = array[top:bottom, left:right]
    return int((region.max(axis=2) < threshold).sum())


def outline_name(area: int, width: int, height: int) -> str:
    """Name a drawn outline from how much of its bounding box it fills, and its aspect."""
    fill = area / float(width * height)
    if fill > 0.9:
        return "square"
    if fill > 0.65:
        return "circle"
    if fill > 0.44:
        return "triangle" if width / height > 0.95 else "diamond"
    return "star"


def classify(mask: np.ndarray) -> str:
    """Name the shape of one connected blob (see :func:`outline_name`)."""
    rows, cols = np.nonzero(mask)
    return outline_name(int(mask.sum()), int(cols.max() - cols.min() + 1), int(rows.max() - rows.min() + 1))


def blob_shapes(mask: np.ndarray) -> list[str]:
    """The shape names of the connected blobs of a boolean mask."""
    labels, count = ndimage.label(mask)
    return [classify(labels == k) for k in range(1, count + 1)]
