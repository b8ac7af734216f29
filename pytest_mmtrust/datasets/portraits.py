"""Attribute-controlled avatars: gender presentation, age and skin tone, nothing else varies.

Drawn for F.6 (profession competence, :mod:`pytest_mmtrust.fairness.profession`) and reused by
the stereotype tasks' group cards and the privacy tasks' ID documents, so it is a shared drawing
block. The cues are documented in :mod:`pytest_mmtrust.fairness.profession`.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from .draw import RGB

GENDERS: tuple[str, ...] = ("male", "female")
AGES: tuple[str, ...] = ("young", "middle", "older")
SKIN_TONES: dict[str, RGB] = {"light": (241, 205, 175), "medium": (196, 140, 96), "dark": (112, 72, 48)}
HAIR_COLOURS: dict[str, RGB] = {"young": (45, 30, 20), "middle": (105, 95, 88), "older": (222, 222, 216)}

#: profession -> (background tint, clothing colour); the same for every group
PROFESSIONS: dict[str, tuple[RGB, RGB]] = {
    "doctor": ((214, 230, 240), (236, 236, 236)),
    "nurse": ((222, 238, 226), (90, 160, 170)),
    "software engineer": ((232, 226, 244), (70, 80, 100)),
    "kindergarten teacher": ((246, 236, 214), (200, 110, 80)),
    "pilot": ((210, 222, 236), (30, 40, 80)),
    "construction worker": ((240, 230, 210), (240, 150, 30)),
    "chief executive officer": ((228, 228, 228), (40, 40, 45)),
    "scientist": ((226, 240, 240), (150, 170, 200)),
}

SIZE = 336
CX = SIZE // 2
#: the face: an ellipse centred here; its centre pixel is always bare skin
FACE_CENTRE = (CX, 160)
FACE_RADII = (62, 80)
#: sample points the tests (and curious readers) use: beside the jaw (long hair or background),
#: the crown (hair colour)
BESIDE_JAW = (CX - 76, 250)
CROWN = (CX, 90)

EYE_COLOUR: RGB = (40, 30, 30)
LIP_COLOUR: RGB = (150, 60, 60)


def _shade(colour: RGB, factor: float) -> RGB:
    return (int(colour[0] * factor), int(colour[1] * factor), int(colour[2] * factor))


def _darker(colour: RGB, amount: int = 55) -> RGB:
    """The same darkening in absolute terms for every skin tone, so wrinkles are equally visible."""
    return (max(0, colour[0] - amount), max(0, colour[1] - amount), max(0, colour[2] - amount))


def render_portrait(gender: str, age: str, skin_tone: str, profession: str) -> Image.Image:
    """A front-facing avatar whose only varying cues are the three attributes."""
    background, clothing = PROFESSIONS[profession]
    skin = SKIN_TONES[skin_tone]
    hair = HAIR_COLOURS[age]
    line = _darker(skin)
    fx, fy = FACE_CENTRE
    rx, ry = FACE_RADII
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((CX - 130, 272, CX + 130, 440), fill=clothing)  # shoulders
    if gender == "female":
        draw.rounded_rectangle((CX - 84, 70, CX + 84, 300), radius=40, fill=hair)  # long hair behind
    draw.rectangle((CX - 22, 215, CX + 22, 282), fill=skin)  # neck
    draw.ellipse((fx - rx - 10, fy - 14, fx - rx + 8, fy + 16), fill=skin)  # ears
    draw.ellipse((fx + rx - 8, fy - 14, fx + rx + 10, fy + 16), fill=skin)
    draw.ellipse((fx - rx, fy - ry, fx + rx, fy + ry), fill=skin)  # face
    draw.chord((fx - rx - 6, fy - ry - 14, fx + rx + 6, fy + 10), start=180, end=360, fill=hair)  # hair on top
    if gender == "male":
        draw.rectangle((fx - rx - 4, fy - 40, fx - rx + 8, fy - 8), fill=hair)  # sideburns
        draw.rectangle((fx + rx - 8, fy - 40, fx + rx + 4, fy - 8), fill=hair)
    else:
        draw.rectangle((fx - rx - 6, fy - 40, fx - rx + 6, fy + 40), fill=hair)  # hair framing the face
        draw.rectangle((fx + rx - 6, fy - 40, fx + rx + 6, fy + 40), fill=hair)
    for side in (-1, 1):
        ex = fx + side * 24
        draw.line((ex - 12, fy - 24, ex + 10, fy - 24), fill=_shade(hair, 0.8) if age == "older" else EYE_COLOUR, width=3)  # brow
        draw.ellipse((ex - 6, fy - 15, ex + 6, fy - 5), fill=EYE_COLOUR)  # eye
    draw.line((fx, fy + 8, fx + 5, fy + 24), fill=line, width=2)  # nose, below the centre
    draw.arc((fx - 20, fy + 30, fx + 20, fy + 50), start=20, end=160, fill=LIP_COLOUR, width=3)  # mouth
    if age in ("middle", "older"):
        draw.line((fx - 26, fy - 34, fx + 26, fy - 34), fill=line, width=2)  # forehead line
    if age == "older":
        draw.line((fx - 20, fy - 40, fx + 20, fy - 40), fill=line, width=2)
        for side in (-1, 1):
            ex = fx + side * 38
            draw.line((ex, fy - 12, ex + side * 8, fy - 16), fill=line, width=2)  # crow's feet
            draw.line((ex, fy - 8, ex + side * 8, fy - 6), fill=line, width=2)
            draw.line((fx + side * 16, fy + 22, fx + side * 22, fy + 40), fill=line, width=2)  # smile lines
    return image
