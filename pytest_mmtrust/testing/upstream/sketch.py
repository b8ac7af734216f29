"""Small real pictures for the upstream-layout test folders: a coloured card with a few words.

Real image files (PNG or JPEG by the file's extension), decodable by every image library, small
enough that a folder of every task stays a few hundred kilobytes, and different from one another
(the colour and words vary), so a request hash tells two cases apart. Deterministic: the same
call writes the same bytes on one installation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw

from ...datasets.draw import font, unrelated_image

#: distinct card colours, cycled by callers
PALETTE: tuple[tuple[int, int, int], ...] = (
    (230, 90, 80), (90, 170, 220), (120, 200, 110), (240, 200, 70), (170, 120, 210), (240, 150, 60),
    (90, 200, 190), (200, 200, 200),
)
SIZE = (96, 72)


def write_picture(path: Path, words: Sequence[str], index: int = 0, size: tuple[int, int] = SIZE) -> Path:
    """A card in ``PALETTE[index]`` with ``words`` written on it, one per line."""
    image = Image.new("RGB", size, PALETTE[index % len(PALETTE)])
    draw = ImageDraw.Draw(image)
    face = font(11)
    for line, text in enumerate(words):
        draw.text((4, 4 + 14 * line), text, font=face, fill=(10, 10, 10))
    return save(image, path)


def write_unrelated(root: Path) -> None:
    """Upstream's shared ``unrelated_images/`` folder: files named after their kind (``color``,
    ``nature``, ``noise``), as ``mmte/datasets/unrelatedimg.py`` globs them, two of each."""
    for seed, (kind, word) in enumerate((("colour", "color"), ("natural", "nature"), ("noise", "noise"))):
        for number in (1, 2):
            suffix = ".jpg" if kind == "natural" else ".png"
            save(unrelated_image(kind, 100 + 10 * seed + number, (64, 64)), root / "unrelated_images" / f"{word}_{number}{suffix}")


def save(image: Image.Image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        image.convert("RGB").save(path, format="JPEG", quality=90)
    else:
        image.save(path, format="PNG")
    return path
