"""The pictures of the text tasks' image conditions (R.3, R.6): related cards and unrelated ones.

MultiTrust's *related* image is a Stable Diffusion picture of the sentence; ours is drawn, and
says what the sentence is *about* without saying how anyone felt about it:

* :func:`topic_card` — a pictogram of the topic (a cinema screen, a plate with cutlery, a hotel,
  music notes …) under its name; the sentiment is in the text alone, so a model that reads the
  picture for the answer gains nothing;
* :func:`purchase_card` — an entailment premise drawn: the shop's name and exactly ``count``
  icons of the item bought (true by construction: the icons are the count).

*Unrelated* images come from :func:`~pytest_mmtrust.datasets.draw.unrelated_image` (a plain
colour, noise, a procedural landscape), a small pool shared across cases as upstream shares its
folder (:func:`write_unrelated_pool`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw

from ..datasets.draw import COLOURS, UNRELATED_KINDS, font, save_png, unrelated_image
from ..values import Case

CARD_SIZE = (336, 336)
RGB = tuple[int, int, int]
INK: RGB = (40, 40, 48)
PAPER: RGB = (246, 244, 238)


def _screen(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    draw.rectangle((cx - 90, cy - 60, cx + 90, cy + 50), fill=INK)
    draw.rectangle((cx - 80, cy - 50, cx + 80, cy + 40), fill=(90, 130, 200))
    draw.polygon([(cx - 18, cy - 28), (cx - 18, cy + 18), (cx + 24, cy - 5)], fill=(250, 250, 250))
    draw.rectangle((cx - 30, cy + 50, cx + 30, cy + 60), fill=INK)


def _plate(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    draw.ellipse((cx - 60, cy - 60, cx + 60, cy + 60), fill=(255, 255, 255), outline=INK, width=4)
    draw.ellipse((cx - 38, cy - 38, cx + 38, cy + 38), outline=(200, 200, 200), width=3)
    draw.rectangle((cx - 90, cy - 55, cx - 82, cy + 60), fill=INK)  # fork handle
    for k in range(3):
        draw.rectangle((cx - 96 + 7 * k, cy - 70, cx - 93 + 7 * k, cy - 50), fill=INK)
    draw.rectangle((cx + 82, cy - 70, cx + 90, cy + 60), fill=INK)  # knife


def _building(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    draw.rectangle((cx - 60, cy - 80, cx + 60, cy + 70), fill=(150, 110, 90), outline=INK, width=3)
    for row in range(4):
        for col in range(3):
            x, y = cx - 45 + 35 * col, cy - 65 + 30 * row
            draw.rectangle((x, y, x + 20, y + 18), fill=(250, 220, 120))
    draw.rectangle((cx - 12, cy + 40, cx + 12, cy + 70), fill=INK)


def _notes(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    for dx, dy in ((-40, 20), (30, 0)):
        draw.ellipse((cx + dx - 16, cy + dy + 30, cx + dx + 16, cy + dy + 54), fill=INK)
        draw.rectangle((cx + dx + 10, cy + dy - 50, cx + dx + 16, cy + dy + 42), fill=INK)
    draw.polygon([(cx - 24, cy - 30), (cx + 46, cy - 50), (cx + 46, cy - 36), (cx - 24, cy - 16)], fill=INK)


def _book(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    draw.polygon([(cx, cy - 40), (cx - 90, cy - 60), (cx - 90, cy + 50), (cx, cy + 70)], fill=(255, 255, 255), outline=INK)
    draw.polygon([(cx, cy - 40), (cx + 90, cy - 60), (cx + 90, cy + 50), (cx, cy + 70)], fill=(255, 255, 255), outline=INK)
    for k in range(4):
        y = cy - 30 + 20 * k
        draw.line((cx - 75, y - 15, cx - 15, y), fill=(150, 150, 150), width=3)
        draw.line((cx + 15, y, cx + 75, y - 15), fill=(150, 150, 150), width=3)


def _phone(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    draw.rounded_rectangle((cx - 45, cy - 85, cx + 45, cy + 85), radius=14, fill=INK)
    draw.rectangle((cx - 36, cy - 68, cx + 36, cy + 60), fill=(120, 190, 230))
    draw.ellipse((cx - 7, cy + 66, cx + 7, cy + 80), fill=(200, 200, 200))


def _museum(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    draw.polygon([(cx - 95, cy - 40), (cx, cy - 90), (cx + 95, cy - 40)], fill=(210, 200, 180), outline=INK)
    for k in range(5):
        x = cx - 80 + 38 * k
        draw.rectangle((x, cy - 35, x + 14, cy + 55), fill=(230, 222, 205), outline=INK)
    draw.rectangle((cx - 100, cy + 55, cx + 100, cy + 70), fill=(210, 200, 180), outline=INK)


def _cup(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    draw.rectangle((cx - 50, cy - 30, cx + 40, cy + 60), fill=(255, 255, 255), outline=INK, width=4)
    draw.arc((cx + 20, cy - 10, cx + 75, cy + 40), start=-90, end=90, fill=INK, width=6)
    draw.rectangle((cx - 44, cy - 24, cx + 34, cy - 8), fill=(110, 70, 40))
    for k in range(3):
        x = cx - 30 + 25 * k
        draw.arc((x - 8, cy - 90, x + 8, cy - 40), start=100, end=260, fill=(150, 150, 150), width=3)


#: topic -> (the phrase a sentence uses, the card's title, its pictogram)
TOPICS: dict[str, tuple[str, str, Callable[[ImageDraw.ImageDraw, int, int], None]]] = {
    "film": ("the film", "FILM", _screen),
    "restaurant": ("the restaurant", "RESTAURANT", _plate),
    "hotel": ("the hotel", "HOTEL", _building),
    "concert": ("the concert", "CONCERT", _notes),
    "novel": ("the novel", "NOVEL", _book),
    "phone": ("the new phone", "PHONE", _phone),
    "museum": ("the museum tour", "MUSEUM", _museum),
    "coffee": ("the coffee shop", "COFFEE SHOP", _cup),
}


def topic_card(topic: str, size: tuple[int, int] = CARD_SIZE) -> Image.Image:
    """The topic's pictogram above its name, ink on paper."""
    _, title, pictogram = TOPICS[topic]
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image)
    width, height = size
    pictogram(draw, width // 2, int(height * 0.42))
    _title(draw, title, width, int(height * 0.86))
    return image


def _title(draw: ImageDraw.ImageDraw, text: str, width: int, y: int) -> None:
    face = font(30)
    draw.text(((width - face.getlength(text)) / 2, y - 15), text, font=face, fill=INK)


#: item (plural, as sentences say it) -> (icon shape, colour name)
ITEM_ICONS: dict[str, tuple[str, str]] = {
    "apples": ("round", "red"),
    "oranges": ("round", "orange"),
    "lemons": ("oval", "yellow"),
    "tomatoes": ("round", "red"),
    "notebooks": ("block", "blue"),
    "candles": ("tall", "white"),
    "pencils": ("tall", "yellow"),
    "loaves of bread": ("oval", "brown"),
}


def purchase_card(place: str, item: str, count: int, size: tuple[int, int] = CARD_SIZE) -> Image.Image:
    """The shop's name over exactly ``count`` icons of ``item``, in rows of up to four."""
    shape, colour = ITEM_ICONS[item]
    fill = COLOURS[colour]
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image)
    width, height = size
    _title(draw, place.upper(), width, 36)
    rows = math.ceil(count / 4)
    for index in range(count):
        row, col = divmod(index, 4)
        in_row = min(4, count - 4 * row)
        cx = int(width / 2 + (col - (in_row - 1) / 2) * 72)
        cy = int(height * 0.58 + (row - (rows - 1) / 2) * 84)
        if shape == "round":
            draw.ellipse((cx - 26, cy - 26, cx + 26, cy + 26), fill=fill, outline=INK, width=2)
            draw.rectangle((cx - 2, cy - 36, cx + 2, cy - 24), fill=INK)
        elif shape == "oval":
            draw.ellipse((cx - 30, cy - 20, cx + 30, cy + 20), fill=fill, outline=INK, width=2)
        elif shape == "block":
            draw.rectangle((cx - 22, cy - 30, cx + 22, cy + 30), fill=fill, outline=INK, width=2)
        else:  # tall
            draw.rectangle((cx - 9, cy - 32, cx + 9, cy + 32), fill=fill, outline=INK, width=2)
    return image


def write_unrelated_pool(folder: Path, seed: int, per_kind: int = 3) -> dict[str, list[str]]:
    """``per_kind`` unrelated pictures of each kind under ``folder/images/unrelated``; relative paths by kind."""
    pool: dict[str, list[str]] = {}
    for k, kind in enumerate(UNRELATED_KINDS):
        for j in range(per_kind):
            relative = f"images/unrelated/{kind}-{j + 1}.png"
            size = (224, 224) if kind == "noise" else CARD_SIZE  # noise does not compress: keep it small
            save_png(unrelated_image(kind, seed + 10 * k + j, size), folder / relative)
            pool.setdefault(kind, []).append(relative)
    return pool


def unrelated_for(pool: dict[str, list[str]], number: int) -> tuple[str, str]:
    """(kind, picture) for the ``number``-th case (1-based): kinds in turn, pictures in turn within a kind."""
    kind = UNRELATED_KINDS[(number - 1) % len(UNRELATED_KINDS)]
    pictures = pool[kind]
    return kind, pictures[((number - 1) // len(UNRELATED_KINDS)) % len(pictures)]


def condition_cases(item: Case, related: str, pool: dict[str, list[str]], number: int) -> list[Case]:
    """The ``none``, ``related`` and ``unrelated`` cases of the ``number``-th text item (1-based).

    R.3 and R.6 ask every item three times under one case id, bundled or read from upstream
    alike: without a picture, with ``related`` and with the unrelated picture
    :func:`unrelated_for` picks from ``pool``, whose kind goes in ``metadata["unrelated_kind"]``.
    """
    kind, unrelated = unrelated_for(pool, number)
    return [
        replace(item, condition="none", images=(), metadata=dict(item.metadata)),
        replace(item, condition="related", images=(related,), metadata=dict(item.metadata)),
        replace(item, condition="unrelated", images=(unrelated,), metadata={**item.metadata, "unrelated_kind": kind}),
    ]
