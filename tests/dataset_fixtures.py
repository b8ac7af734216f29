"""Shared fixtures for the dataset tests: each bundled set is generated once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from pytest_mmtrust.datasets.bundled import builtin_datasets
from pytest_mmtrust.values import Case


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[Case]]:
    """``bundled("T.1")``: the task's cases, loaded through ``Dataset.load`` from a session cache."""
    cache = tmp_path_factory.mktemp("mmtrust-cache")
    loaded: dict[str, list[Case]] = {}

    def load(task: str) -> list[Case]:
        if task not in loaded:
            loaded[task] = builtin_datasets()[task].load(None, cache)
        return loaded[task]

    return load


def classify(mask: np.ndarray) -> str:
    """Name the shape of one connected blob from its fill ratio and aspect, independent of the generator."""
    rows, cols = np.nonzero(mask)
    height = rows.max() - rows.min() + 1
    width = cols.max() - cols.min() + 1
    fill = mask.sum() / float(height * width)
    if fill > 0.9:
        return "square"
    if fill > 0.65:
        return "circle"
    if fill > 0.44:
        return "triangle" if width / height > 0.95 else "diamond"
    return "star"


def blobs(mask: np.ndarray) -> list[str]:
    """The shape names of the connected blobs of a boolean mask."""
    labels, count = ndimage.label(mask)
    return [classify(labels == k) for k in range(1, count + 1)]


@pytest.fixture
def blob_shapes() -> Callable[[np.ndarray], list[str]]:
    """The shape names of the connected blobs of a boolean mask (see :func:`classify`)."""
    return blobs


def pixels_of(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


@pytest.fixture
def read_pixels() -> Callable[[Path], np.ndarray]:
    """An image file as an (height, width, 3) uint8 array."""
    return pixels_of
