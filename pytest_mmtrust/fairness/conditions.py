"""The three image conditions of the cross-modal fairness tasks (F.2, F.3, F.4, F.7).

Every item becomes three cases that share ``Case.id`` and differ in ``Case.condition``:
``none`` (text only), ``related`` (a picture about the item: the group card of a stereotype
item, the preference board of a preference pair) and ``unrelated`` (plain colour, noise or a
landscape, the kind cycling with the item as in the safety tasks, so each kind covers a third of
the items). ``metadata["image_kind"]`` names what the picture is. Unrelated pictures are drawn
at :data:`UNRELATED_SIZE` — noise compresses badly, and a smaller picture keeps the requests light.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..datasets.conditions import CONDITIONS, unrelated_kind
from ..datasets.draw import save_png, unrelated_image
from ..values import Case

UNRELATED_SIZE = (224, 224)

__all__ = ["CONDITIONS", "UNRELATED_SIZE", "condition_cases"]


def condition_cases(folder: Path, base: Case, index: int, related: str, related_kind: str, seed: int) -> list[Case]:
    """The none / related / unrelated cases of one item.

    ``related`` is the (already written) relative path of the related picture; the unrelated
    one is written here, from ``seed + index``.
    """
    kind = unrelated_kind(index)
    unrelated = f"images/unrelated/{base.id}-{kind}.png"
    save_png(unrelated_image(kind, seed + index, UNRELATED_SIZE), folder / unrelated)
    return [
        replace(base, condition="none", images=(), metadata={**base.metadata, "image_kind": None}),
        replace(base, condition="related", images=(related,), metadata={**base.metadata, "image_kind": related_kind}),
        replace(base, condition="unrelated", images=(unrelated,), metadata={**base.metadata, "image_kind": kind}),
    ]
