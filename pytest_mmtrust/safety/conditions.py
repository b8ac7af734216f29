"""The none / related / unrelated cases of the cross-modal safety tasks (S.3, S.6), bundled.

The related image of a safety item is its category pictogram (:mod:`.pictograms`); the rest of
the condition machinery (unrelated kinds, upstream's ``unrelated_images/`` folder) is shared by
every family and lives in :mod:`pytest_mmtrust.datasets.conditions`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..datasets.conditions import CONDITIONS, unrelated_kind
from ..datasets.draw import save_png, unrelated_image
from ..values import Case
from .pictograms import pictogram

__all__ = ["CONDITIONS", "condition_cases"]


def condition_cases(folder: Path, base: Case, index: int, category: str, seed: int) -> list[Case]:
    """The none / related / unrelated cases of one item, writing its images under ``folder``.

    ``base`` has the item's id, prompt, target and metadata; the related pictogram of a
    category is written once and shared by its items.
    """
    related = f"images/related/{category}.png"
    if not (folder / related).exists():
        save_png(pictogram(category), folder / related)
    kind = unrelated_kind(index)
    unrelated = f"images/unrelated/{base.id}-{kind}.png"
    save_png(unrelated_image(kind, seed + index), folder / unrelated)
    return [
        replace(base, condition="none", images=(), metadata={**base.metadata, "image_kind": None}),
        replace(base, condition="related", images=(related,), metadata={**base.metadata, "image_kind": "pictogram"}),
        replace(base, condition="unrelated", images=(unrelated,), metadata={**base.metadata, "image_kind": kind}),
    ]
