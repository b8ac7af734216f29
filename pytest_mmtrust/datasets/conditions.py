"""The three image conditions of the cross-modal tasks (safety, fairness, privacy), shared parts.

MultiTrust asks the same text prompt with no image, with a *related* image and with an
*unrelated* one, and reports how the image changes the model's behaviour. Every item here
becomes three cases that share ``Case.id`` (so the plugin can pair them) and differ in
``Case.condition``:

``none``       the text prompt alone;
``related``    a picture about the item (each family draws its own: safety's category pictograms
               in :mod:`pytest_mmtrust.safety.conditions`, fairness's group cards …);
``unrelated``  an image about nothing: a plain colour, Gaussian noise or a procedural landscape
               (:func:`.draw.unrelated_image`), the kind cycling with the item so each kind
               covers a third of the items. ``metadata["image_kind"]`` names it.

Upstream reads its unrelated images from ``unrelated_images/`` (files whose names contain
``color``, ``nature`` or ``noise``, in natural sort order): :func:`upstream_unrelated_images`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..errors import DataError
from ..values import Case
from .draw import UNRELATED_KINDS
from .upstream_files import image_path

CONDITIONS: tuple[str, ...] = ("none", "related", "unrelated")
#: our unrelated kind -> the word upstream file names carry
UPSTREAM_KIND_WORDS: dict[str, str] = {"colour": "color", "noise": "noise", "natural": "nature"}
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"})


def unrelated_kind(index: int) -> str:
    """The unrelated image kind of the item at ``index`` (0-based): colour, noise, natural, …"""
    return UNRELATED_KINDS[index % len(UNRELATED_KINDS)]


def id_part(text: str) -> str:
    """``text`` made safe for a case id (letters, digits, ``.``, ``_``, ``-``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "x"


def natural_key(name: str) -> list[object]:
    """Sort key that orders ``img2`` before ``img10``."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def image_files(root: Path, folder: Path) -> list[str]:
    """Absolute paths of the image files directly in ``folder`` (natural order, hidden files skipped).

    Each must stay inside ``root`` (no symlink out of the data folder); an empty or missing
    folder is a :class:`DataError` naming it.
    """
    if not folder.is_dir():
        raise DataError(f"{folder}: missing image folder (expected under --mmtrust-data {root})")
    names = sorted(
        (p.name for p in folder.iterdir() if not p.name.startswith(".") and p.suffix.lower() in IMAGE_SUFFIXES),
        key=natural_key,
    )
    if not names:
        raise DataError(f"{folder}: no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    return [image_path(root, folder, name, f"{folder}") for name in names]


def upstream_unrelated_images(root: Path) -> dict[str, list[str]]:
    """Upstream's unrelated images by our kind name, from ``DIR/unrelated_images/``."""
    folder = Path(root) / "unrelated_images"
    files = image_files(root, folder)
    by_kind: dict[str, list[str]] = {}
    for kind, word in UPSTREAM_KIND_WORDS.items():
        by_kind[kind] = [f for f in files if word in Path(f).name.lower()]
        if not by_kind[kind]:
            raise DataError(f"{folder}: no unrelated image whose name contains {word!r}")
    return by_kind


def upstream_condition_cases(base: Case, index: int, related_image: str, unrelated: dict[str, list[str]]) -> list[Case]:
    """The three cases of one upstream item: its related image and a cycled unrelated one."""
    kind = unrelated_kind(index)
    pool = unrelated[kind]
    chosen = pool[(index // len(UNRELATED_KINDS)) % len(pool)]
    return [
        replace(base, condition="none", images=(), metadata={**base.metadata, "image_kind": None}),
        replace(base, condition="related", images=(related_image,), metadata={**base.metadata, "image_kind": "related"}),
        replace(base, condition="unrelated", images=(chosen,), metadata={**base.metadata, "image_kind": kind}),
    ]
