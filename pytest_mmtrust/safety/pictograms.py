"""Category pictograms: the "related image" of the safety tasks, drawn from primitives.

Upstream pairs harmful prompts with Stable-Diffusion pictures of their topic. We cannot ship or
generate those offline, so a related image here is a flat pictogram of the prompt's category
(a bomb for weapons, a capsule for drugs, a laptop for hacking …) on a tile of that category's
colour, optionally captioned with the category's name. It is *related* (it names and shows the
topic) without carrying the request itself, which is what the cross-modal tasks (S.3, S.6) and
MM-SafetyBench-style composites (S.5) need.

Every category has its own tile colour (:data:`TILE_COLOURS`), so a test can tell from the
pixels which category a picture shows. Drawing is deterministic and anti-alias free.
"""

from __future__ import annotations

import math
from typing import Callable

from PIL import Image, ImageDraw

from ..datasets.draw import font

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]

WHITE: RGB = (250, 250, 250)
INK: RGB = (20, 20, 24)
YELLOW: RGB = (250, 200, 40)
RED: RGB = (215, 35, 35)

#: category -> tile colour. Distinct hues, all dark enough for white glyphs and captions.
TILE_COLOURS: dict[str, RGB] = {
    "weapons": (70, 70, 78),
    "drugs": (40, 120, 110),
    "hacking": (20, 60, 40),
    "fraud": (150, 110, 20),
    "self_harm": (120, 40, 90),
    "hate": (150, 30, 30),
    "privacy": (40, 70, 140),
    "violence": (110, 20, 20),
    "harassment": (160, 70, 20),
    "terrorism": (60, 30, 10),
    "theft": (30, 30, 90),
    "misinformation": (90, 90, 20),
    "insult": (170, 50, 90),
    "identity_attack": (100, 40, 150),
    "threat": (130, 10, 50),
    "profanity": (20, 90, 150),
}

#: category -> caption word.
CAPTIONS: dict[str, str] = {
    "weapons": "WEAPONS", "drugs": "DRUGS", "hacking": "HACKING", "fraud": "FRAUD", "self_harm": "SELF-HARM",
    "hate": "HATE", "privacy": "PRIVACY", "violence": "VIOLENCE", "harassment": "HARASSMENT",
    "terrorism": "TERRORISM", "theft": "THEFT", "misinformation": "FAKE NEWS", "insult": "INSULTS",
    "identity_attack": "HATRED", "threat": "THREATS", "profanity": "PROFANITY",
}


def _scaled(box: Box, fx0: float, fy0: float, fx1: float, fy1: float) -> Box:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    return (x0 + fx0 * w, y0 + fy0 * h, x0 + fx1 * w, y0 + fy1 * h)


def _bomb(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.ellipse(_scaled(b, 0.15, 0.3, 0.75, 0.9), fill=INK)
    d.rectangle(_scaled(b, 0.55, 0.22, 0.7, 0.38), fill=INK)
    x0, y0, x1, y1 = _scaled(b, 0.62, 0.08, 0.85, 0.25)
    d.line((x0, y1, x1, y0), fill=WHITE, width=max(2, int((b[2] - b[0]) * 0.02)))
    _star(d, _scaled(b, 0.78, 0.0, 0.98, 0.2), YELLOW)


def _star(d: ImageDraw.ImageDraw, b: Box, colour: RGB) -> None:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    r = (b[2] - b[0]) / 2
    points = []
    for k in range(16):
        radius = r if k % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + k * math.pi / 8
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    d.polygon(points, fill=colour)


def _pill(d: ImageDraw.ImageDraw, b: Box) -> None:
    x0, y0, x1, y1 = _scaled(b, 0.1, 0.35, 0.9, 0.65)
    r = (y1 - y0) / 2
    mid = (x0 + x1) / 2
    d.ellipse((x0, y0, x0 + 2 * r, y1), fill=WHITE)
    d.rectangle((x0 + r, y0, mid, y1), fill=WHITE)
    d.ellipse((x1 - 2 * r, y0, x1, y1), fill=RED)
    d.rectangle((mid, y0, x1 - r, y1), fill=RED)


def _laptop(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.rectangle(_scaled(b, 0.2, 0.2, 0.8, 0.62), fill=WHITE)
    d.rectangle(_scaled(b, 0.25, 0.25, 0.75, 0.57), fill=INK)
    x0, y0, x1, y1 = _scaled(b, 0.1, 0.66, 0.9, 0.76)
    d.polygon([(x0 + (x1 - x0) * 0.08, y0), (x1 - (x1 - x0) * 0.08, y0), (x1, y1), (x0, y1)], fill=WHITE)
    tx0, ty0, _, ty1 = _scaled(b, 0.3, 0.3, 0.7, 0.52)
    d.text((tx0, ty0), "</>", font=font(max(8, int(ty1 - ty0))), fill=(80, 230, 120))


def _card(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.rounded_rectangle(_scaled(b, 0.12, 0.25, 0.88, 0.75), radius=int((b[2] - b[0]) * 0.05), fill=WHITE)
    d.rectangle(_scaled(b, 0.12, 0.35, 0.88, 0.45), fill=INK)
    d.rectangle(_scaled(b, 0.2, 0.52, 0.35, 0.65), fill=YELLOW)


def _knife(d: ImageDraw.ImageDraw, b: Box) -> None:
    x0, y0, x1, y1 = _scaled(b, 0.08, 0.3, 0.62, 0.62)
    d.polygon([(x0, y1), (x0 + (x1 - x0) * 0.3, y0 + (y1 - y0) * 0.25), (x1, y0), (x1, y1)], fill=WHITE)
    d.rectangle(_scaled(b, 0.62, 0.46, 0.94, 0.62), fill=INK)


def _megaphone(d: ImageDraw.ImageDraw, b: Box) -> None:
    x0, y0, x1, y1 = _scaled(b, 0.15, 0.25, 0.75, 0.75)
    h = y1 - y0
    d.polygon([(x0, y0 + h * 0.35), (x1, y0), (x1, y1), (x0, y0 + h * 0.65)], fill=WHITE)
    d.rectangle(_scaled(b, 0.08, 0.4, 0.16, 0.6), fill=WHITE)
    for k, width in enumerate((0.08, 0.14, 0.2)):
        cx, cy = x1 + (b[2] - b[0]) * 0.03, (y0 + y1) / 2
        r = (b[2] - b[0]) * width
        d.arc((cx - r, cy - r, cx + r, cy + r), -40, 40, fill=YELLOW, width=max(2, int((b[2] - b[0]) * 0.02)))


def _eye(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.ellipse(_scaled(b, 0.08, 0.3, 0.92, 0.7), fill=WHITE)
    d.ellipse(_scaled(b, 0.38, 0.32, 0.62, 0.68), fill=(60, 120, 200))
    d.ellipse(_scaled(b, 0.45, 0.42, 0.55, 0.58), fill=INK)


def _phone(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.rounded_rectangle(_scaled(b, 0.15, 0.15, 0.5, 0.85), radius=int((b[2] - b[0]) * 0.04), fill=INK)
    d.rectangle(_scaled(b, 0.18, 0.22, 0.47, 0.75), fill=WHITE)
    _bubble(d, _scaled(b, 0.45, 0.1, 0.95, 0.45), "!!", RED)


def _bubble(d: ImageDraw.ImageDraw, b: Box, text: str, colour: RGB) -> None:
    x0, y0, x1, y1 = b
    d.rounded_rectangle(b, radius=int((x1 - x0) * 0.15), fill=WHITE)
    d.polygon([(x0 + (x1 - x0) * 0.2, y1 - 1), (x0 + (x1 - x0) * 0.35, y1 - 1), (x0 + (x1 - x0) * 0.12, y1 + (y1 - y0) * 0.3)], fill=WHITE)
    face = font(max(8, int((y1 - y0) * 0.55)))
    left, top, right, bottom = d.textbbox((0, 0), text, font=face)
    d.text(((x0 + x1 - (right - left)) / 2 - left, (y0 + y1 - (bottom - top)) / 2 - top), text, font=face, fill=colour)


def _symbols(d: ImageDraw.ImageDraw, b: Box) -> None:
    _bubble(d, _scaled(b, 0.1, 0.2, 0.9, 0.7), "#@!%", INK)


def _flame(d: ImageDraw.ImageDraw, b: Box) -> None:
    _star(d, _scaled(b, 0.1, 0.1, 0.9, 0.9), (245, 130, 15))
    _star(d, _scaled(b, 0.3, 0.3, 0.7, 0.7), YELLOW)


def _lock(d: ImageDraw.ImageDraw, b: Box) -> None:
    width = max(3, int((b[2] - b[0]) * 0.05))
    d.arc(_scaled(b, 0.3, 0.1, 0.7, 0.55), 180, 300, fill=WHITE, width=width)
    d.rectangle(_scaled(b, 0.25, 0.42, 0.75, 0.85), fill=WHITE)
    d.ellipse(_scaled(b, 0.46, 0.55, 0.54, 0.65), fill=INK)


def _newspaper(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.rectangle(_scaled(b, 0.15, 0.15, 0.85, 0.85), fill=WHITE)
    for k in range(5):
        d.rectangle(_scaled(b, 0.22, 0.25 + k * 0.11, 0.78, 0.29 + k * 0.11), fill=(150, 150, 150))
    x0, y0, x1, y1 = _scaled(b, 0.25, 0.4, 0.75, 0.62)
    d.rectangle((x0, y0, x1, y1), outline=RED, width=max(2, int((b[2] - b[0]) * 0.02)))
    face = font(max(8, int((y1 - y0) * 0.6)))
    left, top, right, bottom = d.textbbox((0, 0), "FAKE", font=face)
    d.text(((x0 + x1 - (right - left)) / 2 - left, (y0 + y1 - (bottom - top)) / 2 - top), "FAKE", font=face, fill=RED)


def _angry_face(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.ellipse(_scaled(b, 0.15, 0.15, 0.85, 0.85), fill=YELLOW)
    d.ellipse(_scaled(b, 0.33, 0.4, 0.43, 0.5), fill=INK)
    d.ellipse(_scaled(b, 0.57, 0.4, 0.67, 0.5), fill=INK)
    w = max(2, int((b[2] - b[0]) * 0.03))
    x0, y0, x1, y1 = _scaled(b, 0.3, 0.3, 0.45, 0.38)
    d.line((x0, y0, x1, y1), fill=INK, width=w)
    x0, y0, x1, y1 = _scaled(b, 0.55, 0.3, 0.7, 0.38)
    d.line((x0, y1, x1, y0), fill=INK, width=w)
    d.arc(_scaled(b, 0.35, 0.6, 0.65, 0.8), 200, 340, fill=INK, width=w)


def _warning(d: ImageDraw.ImageDraw, b: Box) -> None:
    x0, y0, x1, y1 = _scaled(b, 0.12, 0.15, 0.88, 0.85)
    d.polygon([((x0 + x1) / 2, y0), (x1, y1), (x0, y1)], fill=YELLOW)
    d.rectangle(_scaled(b, 0.47, 0.4, 0.53, 0.65), fill=INK)
    d.rectangle(_scaled(b, 0.47, 0.7, 0.53, 0.76), fill=INK)


def _people(d: ImageDraw.ImageDraw, b: Box) -> None:
    for k, fx in enumerate((0.2, 0.5, 0.8)):
        cx = b[0] + (b[2] - b[0]) * fx
        r = (b[2] - b[0]) * 0.08
        cy = b[1] + (b[3] - b[1]) * 0.4
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
        d.rectangle((cx - r * 1.2, cy + r * 1.3, cx + r * 1.2, cy + r * 4), fill=WHITE)
    w = max(3, int((b[2] - b[0]) * 0.04))
    x0, y0, x1, y1 = _scaled(b, 0.62, 0.25, 0.98, 0.8)
    d.line((x0, y0, x1, y1), fill=RED, width=w)
    d.line((x0, y1, x1, y0), fill=RED, width=w)


def _broken_heart(d: ImageDraw.ImageDraw, b: Box) -> None:
    d.ellipse(_scaled(b, 0.15, 0.2, 0.52, 0.55), fill=RED)
    d.ellipse(_scaled(b, 0.48, 0.2, 0.85, 0.55), fill=RED)
    x0, y0, x1, y1 = _scaled(b, 0.16, 0.4, 0.84, 0.85)
    d.polygon([(x0, y0), (x1, y0), ((x0 + x1) / 2, y1)], fill=RED)
    zig = [_scaled(b, fx, fy, fx, fy)[:2] for fx, fy in ((0.5, 0.25), (0.44, 0.4), (0.55, 0.52), (0.46, 0.66), (0.5, 0.82))]
    d.line(zig, fill=WHITE, width=max(2, int((b[2] - b[0]) * 0.025)))


GLYPHS: dict[str, Callable[[ImageDraw.ImageDraw, Box], None]] = {
    "weapons": _bomb, "drugs": _pill, "hacking": _laptop, "fraud": _card, "self_harm": _broken_heart,
    "hate": _megaphone, "privacy": _eye, "violence": _knife, "harassment": _phone, "terrorism": _flame,
    "theft": _lock, "misinformation": _newspaper, "insult": _angry_face, "identity_attack": _people,
    "threat": _warning, "profanity": _symbols,
}


def pictogram(category: str, size: tuple[int, int] = (336, 336), caption: bool = True) -> Image.Image:
    """The category's glyph on its tile colour; with ``caption``, its name along the bottom."""
    if category not in GLYPHS:
        raise ValueError(f"no pictogram for category {category!r}; known: {', '.join(sorted(GLYPHS))}")
    width, height = size
    image = Image.new("RGB", size, TILE_COLOURS[category])
    draw = ImageDraw.Draw(image)
    glyph_bottom = height * (0.8 if caption else 0.95)
    side = min(width * 0.8, glyph_bottom - height * 0.05)
    left = (width - side) / 2
    top = height * 0.05 + (glyph_bottom - height * 0.05 - side) / 2
    GLYPHS[category](draw, (left, top, left + side, top + side))
    if caption:
        face = font(max(10, int(height * 0.1)))
        text = CAPTIONS[category]
        l, t, r, b = draw.textbbox((0, 0), text, font=face)
        draw.text(((width - (r - l)) / 2 - l, height * 0.9 - (b - t) / 2 - t), text, font=face, fill=WHITE)
    return image
