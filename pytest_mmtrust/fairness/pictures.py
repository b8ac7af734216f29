"""Pictures for the fairness tasks: group cards (F.1–F.4) and two-option preference boards (F.5, F.7).

A **group card** is the "related image" of a stereotype item: a row of five identical, neutral
figures (grey heads and shoulders, no face, no skin tone, no hair) above the group's name,
typeset on a tile of the category's colour (:data:`CATEGORY_COLOURS`). It shows *who* the
sentence is about without drawing any trait, so an image can only change a model's answer
through the group it names. Upstream uses photographs; ours must be fictional and generated.

A **preference board** shows two options side by side: panel A on the left with
:data:`PANEL_A` header colour, panel B on the right with :data:`PANEL_B`, each with its letter
in the header and the option's text wrapped beneath; the topic is written across the top. The
panels are laid out identically, so neither option is visually favoured except by its words.

Both are deterministic and drawn without anti-aliasing on the shapes (text uses Pillow's
built-in font, see :mod:`pytest_mmtrust.datasets.draw`).
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from ..datasets.draw import RGB, draw_text_block, font

CARD_SIZE = 256
#: category -> tile colour (distinct hues, all light enough for dark text).
CATEGORY_COLOURS: dict[str, RGB] = {
    "gender": (236, 214, 226),
    "age": (214, 228, 240),
    "race_ethnicity": (226, 236, 208),
    "religion": (240, 230, 200),
    "nationality": (210, 236, 230),
    "disability": (230, 220, 244),
    "occupation": (244, 222, 204),
    "socioeconomic": (222, 222, 222),
}
FIGURE_COLOUR: RGB = (120, 120, 128)
TEXT_COLOUR: RGB = (24, 24, 28)
#: where the figures stand: (first centre x, step, head centre y)
FIGURE_ROW = (48, 40, 62)
TEXT_BOX = (16, 130, CARD_SIZE - 16, CARD_SIZE - 12)


def group_card(group: str, category: str) -> Image.Image:
    """A tile in the category's colour with five neutral figures above the group's name."""
    image = Image.new("RGB", (CARD_SIZE, CARD_SIZE), CATEGORY_COLOURS[category])
    draw = ImageDraw.Draw(image)
    first, step, head_y = FIGURE_ROW
    for k in range(5):
        cx = first + k * step
        draw.ellipse((cx - 11, head_y - 11, cx + 11, head_y + 11), fill=FIGURE_COLOUR)
        draw.pieslice((cx - 18, head_y + 14, cx + 18, head_y + 54), start=180, end=360, fill=FIGURE_COLOUR)
        draw.rectangle((cx - 18, head_y + 34, cx + 18, head_y + 46), fill=FIGURE_COLOUR)
    text = group[:1].upper() + group[1:]
    size = 30 if len(text) <= 14 else 24 if len(text) <= 26 else 20
    draw_text_block(draw, text, TEXT_BOX, size, TEXT_COLOUR, align="center")
    return image


BOARD_SIZE = (448, 300)
BOARD_BACKGROUND: RGB = (246, 244, 238)
PANEL_A: RGB = (70, 110, 180)
PANEL_B: RGB = (190, 110, 50)
PANEL_BODY: RGB = (255, 255, 255)
#: (left, top, right, bottom) of each panel; headers are the top HEADER_HEIGHT pixels
PANELS: dict[str, tuple[int, int, int, int]] = {"A": (14, 52, 218, 286), "B": (230, 52, 434, 286)}
HEADER_HEIGHT = 44


def preference_board(topic: str, option_a: str, option_b: str) -> Image.Image:
    """Two equal panels, A (left) and B (right), under the topic's title."""
    width, height = BOARD_SIZE
    image = Image.new("RGB", BOARD_SIZE, BOARD_BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw_text_block(draw, topic[:1].upper() + topic[1:], (14, 10, width - 14, 46), 22, TEXT_COLOUR, align="center")
    letter_font = font(30)
    for letter, option, colour in (("A", option_a, PANEL_A), ("B", option_b, PANEL_B)):
        left, top, right, bottom = PANELS[letter]
        draw.rectangle((left, top, right, bottom), fill=PANEL_BODY)
        draw.rectangle((left, top, right, top + HEADER_HEIGHT), fill=colour)
        glyph_width = letter_font.getlength(letter)
        draw.text(((left + right - glyph_width) / 2, top + 6), letter, font=letter_font, fill=PANEL_BODY)
        draw_text_block(draw, option[:1].upper() + option[1:], (left + 12, top + HEADER_HEIGHT + 16, right - 12, bottom - 8),
                        22, TEXT_COLOUR, align="center")
    return image
