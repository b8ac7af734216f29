"""Perception questions about drawn scenes, true by construction (the T.1 item builder).

:func:`perception_items` draws scenes of flat shapes and words (see :mod:`.draw`) and asks about
what was drawn: existence (yes/no), counting, colour, position and OCR (four-way choice), and one
scene-level property (is the background dark / light: yes/no). Every yes/no kind has as many
"yes" as "no" targets and every choice kind spreads its correct letters evenly over A–D, so a
model that always answers "yes" or always "A" scores at chance, not above it.

T.1 (:mod:`pytest_mmtrust.truthfulness.basic`) asks these questions as they are; R.2 (:mod:`pytest_mmtrust.robustness.sensor`) passes the
pictures through sensor looks first. With ``colour_words=False`` no question names a colour and
every shape stands out from its background by brightness alone, so the answers survive sensors
that throw colour away (infrared, X-ray).

Layout guarantees the tests check from the pixels: shapes never touch (a gap between their
circumscribed circles), a counted colour is used by nothing else in its scene, a shape asked
about by position sits near the middle of one edge, and text stays clear of the border.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .draw import (
    COLOURS,
    DARK_BACKGROUNDS,
    LIGHT_BACKGROUNDS,
    OBJECT_COLOURS,
    SHAPE_PLURALS,
    SHAPES,
    Scene,
    SceneObject,
    SceneText,
    font,
    free_spot,
    is_dark,
    luminance,
)

QUESTION_KINDS: tuple[str, ...] = ("existence", "count", "colour", "position", "ocr", "scene")
YES_NO_KINDS = frozenset({"existence", "scene"})
LETTERS: tuple[str, ...] = ("A", "B", "C", "D")

CHOICE_INSTRUCTION = "Answer with the option's letter from the given choices directly."
YES_NO_INSTRUCTION = "Answer yes or no."

#: Words for the OCR questions: common, short, all capitals, no two alike at a glance.
WORDS: tuple[str, ...] = (
    "APPLE", "RIVER", "CLOUD", "TIGER", "PLANET", "GARDEN", "WINTER", "BRIDGE", "CANDLE", "FOREST",
    "HONEY", "ISLAND", "JACKET", "KETTLE", "LEMON", "MARKET", "NOODLE", "ORANGE", "PENCIL", "QUEEN",
    "ROCKET", "SILVER", "TOMATO", "VIOLIN", "WALNUT", "YELLOW", "ZEBRA", "BASKET", "DRAGON", "FALCON",
    "GUITAR", "HAMMER", "MIRROR", "PEPPER", "SADDLE", "TURTLE", "CAMERA", "DONKEY", "ENGINE", "FINGER",
)

REGIONS: dict[str, str] = {"left": "on the left", "right": "on the right", "top": "at the top", "bottom": "at the bottom"}

SIZE = 336
MARGIN = 14


@dataclass(frozen=True)
class PerceptionItem:
    """One question about one scene, with its answer.

    ``subject`` records what the question is about (shape, colour, count, region, word,
    background …) so tests and analyses need not parse the question text.
    """

    kind: str
    scene: Scene
    question: str
    answer_type: str
    target: str
    option_texts: Mapping[str, str] = field(default_factory=dict)
    subject: Mapping[str, Any] = field(default_factory=dict)

    def prompt(self) -> str:
        if self.answer_type == "yes_no":
            return f"{self.question}\n{YES_NO_INSTRUCTION}"
        options = "\n".join(f"{letter}. {self.option_texts[letter]}" for letter in LETTERS)
        return f"{self.question}\n{options}\n{CHOICE_INSTRUCTION}"

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"question_kind": self.kind, "answer_type": self.answer_type, "subject": dict(self.subject)}
        if self.answer_type == "choice":
            meta["options"] = list(LETTERS)
            meta["option_texts"] = dict(self.option_texts)
        else:
            meta["options"] = ["yes", "no"]
        return meta


def perception_items(
    seed: int,
    per_kind: Mapping[str, int],
    colour_words: bool = True,
    size: int = SIZE,
) -> list[PerceptionItem]:
    """Build ``per_kind[kind]`` items of each kind, deterministically from ``seed``.

    Kinds are produced in the order given. ``colour_words=False`` forbids the ``colour`` kind,
    phrases every other question by shape alone and keeps a strong brightness contrast between
    each shape and its background.
    """
    items: list[PerceptionItem] = []
    for kind_index, (kind, count) in enumerate(per_kind.items()):
        if kind not in _BUILDERS:
            raise ValueError(f"unknown question kind {kind!r}; expected one of {QUESTION_KINDS}")
        if kind == "colour" and not colour_words:
            raise ValueError("colour questions need colour words")
        rng = random.Random(f"{seed}/{kind}/{kind_index}")
        answers = _balanced_answers(rng, kind, count)
        builder = _BUILDERS[kind]
        for answer in answers:
            items.append(builder(_Context(rng, colour_words, size), answer))
    return items


@dataclass
class _Context:
    rng: random.Random
    colour_words: bool
    size: int

    def background(self, dark: bool | None = None) -> str:
        if dark is None:
            dark = self.rng.random() < 0.35
        pool = DARK_BACKGROUNDS if dark else LIGHT_BACKGROUNDS
        if not self.colour_words:
            pool = tuple(bg for bg in pool if len(visible_colours(bg, False)) >= 4)
        return self.rng.choice(pool)


def visible_colours(background: str, colour_words: bool) -> tuple[str, ...]:
    """Object colours that stand out on ``background``.

    With colour words a clear RGB distance is enough; without, the brightness must differ too,
    because the picture may end up grey.
    """
    bg = COLOURS[background]
    if colour_words:
        return tuple(c for c in OBJECT_COLOURS if math.dist(COLOURS[c], bg) >= 110)
    return tuple(c for c in OBJECT_COLOURS if abs(luminance(COLOURS[c]) - luminance(bg)) >= 60)


def _balanced_answers(rng: random.Random, kind: str, count: int) -> list[str]:
    labels = ("yes", "no") if kind in YES_NO_KINDS else LETTERS
    answers = [labels[i % len(labels)] for i in range(count)]
    rng.shuffle(answers)
    return answers


def _noun(colour: str | None, shape: str, plural: bool = False) -> str:
    word = SHAPE_PLURALS[shape] if plural else shape
    return f"{colour} {word}" if colour else word


def _article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def _place(
    ctx: _Context,
    wanted: list[tuple[str, str, int]],
    placed: list[SceneObject],
    box: tuple[int, int, int, int] | None = None,
) -> bool:
    """Add shapes (shape, colour, radius) without overlaps; False when there is no room."""
    area = box or (MARGIN, MARGIN, ctx.size - MARGIN, ctx.size - MARGIN)
    for shape, colour, radius in wanted:
        spot = free_spot(ctx.rng, radius, placed, area, shape=shape)
        if spot is None:
            return False
        placed.append(SceneObject(shape, colour, spot[0], spot[1], radius))
    return True


def _distractors(
    ctx: _Context, background: str, n: int, allowed: Callable[[str, str], bool], radius: tuple[int, int] = (20, 32)
) -> list[tuple[str, str, int]]:
    colours = visible_colours(background, ctx.colour_words)
    pairs = [(s, c) for s in SHAPES for c in colours if allowed(s, c)]
    return [(*ctx.rng.choice(pairs), ctx.rng.randint(*radius)) for _ in range(n)]


def _options(ctx: _Context, answer: str, correct: str, others: list[str]) -> dict[str, str]:
    """Put ``correct`` at letter ``answer`` and three of ``others`` (shuffled) elsewhere."""
    pool = [o for o in others if o != correct]
    ctx.rng.shuffle(pool)
    texts = {}
    for letter in LETTERS:
        texts[letter] = correct if letter == answer else pool.pop()
    return texts


def _retry(build: Callable[[], PerceptionItem | None]) -> PerceptionItem:
    for _ in range(50):
        item = build()
        if item is not None:
            return item
    raise RuntimeError("could not lay out a scene in 50 attempts")  # pragma: no cover - layout has ample room


def _existence(ctx: _Context, answer: str) -> PerceptionItem:
    def build() -> PerceptionItem | None:
        background = ctx.background()
        colours = visible_colours(background, ctx.colour_words)
        shape = ctx.rng.choice(SHAPES)
        colour = ctx.rng.choice(colours) if ctx.colour_words else None
        present = answer == "yes"
        wanted: list[tuple[str, str, int]] = []
        if ctx.colour_words:
            assert colour is not None
            if present:
                wanted.append((shape, colour, ctx.rng.randint(22, 34)))
            else:
                # the near misses: the same shape in another colour, the same colour on another shape
                wanted.append((shape, ctx.rng.choice([c for c in colours if c != colour]), ctx.rng.randint(22, 34)))
                wanted.append((ctx.rng.choice([s for s in SHAPES if s != shape]), colour, ctx.rng.randint(22, 34)))
            wanted += _distractors(ctx, background, ctx.rng.randint(1, 3), lambda s, c: (s, c) != (shape, colour))
        else:
            if present:
                wanted.append((shape, ctx.rng.choice(colours), ctx.rng.randint(22, 34)))
            wanted += _distractors(ctx, background, ctx.rng.randint(2, 4), lambda s, c: s != shape)
        ctx.rng.shuffle(wanted)
        placed: list[SceneObject] = []
        if not _place(ctx, wanted, placed):
            return None
        noun = _noun(colour, shape)
        return PerceptionItem(
            kind="existence",
            scene=Scene(ctx.size, ctx.size, background, tuple(placed)),
            question=f"Is there {_article(noun)} in the image?",
            answer_type="yes_no",
            target=answer,
            subject={"shape": shape, "colour": colour, "present": present},
        )

    return _retry(build)


def _count(ctx: _Context, answer: str) -> PerceptionItem:
    letter_index = LETTERS.index(answer)

    def build() -> PerceptionItem | None:
        background = ctx.background()
        colours = visible_colours(background, ctx.colour_words)
        shape = ctx.rng.choice(SHAPES)
        n = ctx.rng.randint(letter_index + 1, letter_index + 5)
        radius = (16, 24) if n > 5 else (18, 28)
        colour: str | None
        if ctx.colour_words:
            counted = ctx.rng.choice(colours)
            colour = counted
            targets = [(shape, counted, ctx.rng.randint(*radius)) for _ in range(n)]
            # distractors never share the counted colour, so the count is also a pixel count
            others = _distractors(ctx, background, ctx.rng.randint(1, 3), lambda s, c: c != counted, radius)
        else:
            colour = None
            targets = [(shape, ctx.rng.choice(colours), ctx.rng.randint(*radius)) for _ in range(n)]
            others = _distractors(ctx, background, ctx.rng.randint(1, 3), lambda s, c: s != shape, radius)
        wanted = targets + others
        ctx.rng.shuffle(wanted)
        placed: list[SceneObject] = []
        if not _place(ctx, wanted, placed):
            return None
        first = n - letter_index
        texts = {letter: str(first + i) for i, letter in enumerate(LETTERS)}
        return PerceptionItem(
            kind="count",
            scene=Scene(ctx.size, ctx.size, background, tuple(placed)),
            question=f"How many {_noun(colour, shape, plural=True)} are there in the image?",
            answer_type="choice",
            target=answer,
            option_texts=texts,
            subject={"shape": shape, "colour": colour, "count": n},
        )

    return _retry(build)


def _colour(ctx: _Context, answer: str) -> PerceptionItem:
    def build() -> PerceptionItem | None:
        background = ctx.background()
        colours = visible_colours(background, True)
        shape = ctx.rng.choice(SHAPES)
        colour = ctx.rng.choice(colours)
        wanted = [(shape, colour, ctx.rng.randint(26, 38))]
        wanted += _distractors(ctx, background, ctx.rng.randint(1, 3), lambda s, c: s != shape)
        placed: list[SceneObject] = []
        if not _place(ctx, wanted, placed):
            return None
        return PerceptionItem(
            kind="colour",
            scene=Scene(ctx.size, ctx.size, background, tuple(placed)),
            question=f"What colour is the {shape} in the image?",
            answer_type="choice",
            target=answer,
            option_texts=_options(ctx, answer, colour, list(OBJECT_COLOURS)),
            subject={"shape": shape, "colour": colour, "x": placed[0].x, "y": placed[0].y},
        )

    return _retry(build)


def region_box(region: str, size: int, radius: int) -> tuple[int, int, int, int]:
    """Where a shape must sit to be unambiguously on the left/right/at the top/bottom."""
    near = (MARGIN, MARGIN + 2 * radius + int(size * 0.1))
    middle = (int(size * 0.36) - radius, int(size * 0.64) + radius)
    far = (size - near[1], size - MARGIN)
    x_range, y_range = {"left": (near, middle), "right": (far, middle), "top": (middle, near), "bottom": (middle, far)}[region]
    return (x_range[0], y_range[0], x_range[1], y_range[1])


def _position(ctx: _Context, answer: str) -> PerceptionItem:
    def build() -> PerceptionItem | None:
        background = ctx.background()
        colours = visible_colours(background, ctx.colour_words)
        shape = ctx.rng.choice(SHAPES)
        colour = ctx.rng.choice(colours)
        region = ctx.rng.choice(tuple(REGIONS))
        radius = ctx.rng.randint(22, 30)
        placed: list[SceneObject] = []
        if not _place(ctx, [(shape, colour, radius)], placed, region_box(region, ctx.size, radius)):
            return None
        if ctx.colour_words:
            allowed: Callable[[str, str], bool] = lambda s, c: (s, c) != (shape, colour)
        else:
            allowed = lambda s, c: s != shape
        if not _place(ctx, _distractors(ctx, background, ctx.rng.randint(1, 2), allowed), placed):
            return None
        named = colour if ctx.colour_words else None
        return PerceptionItem(
            kind="position",
            scene=Scene(ctx.size, ctx.size, background, tuple(placed)),
            question=f"Where is the {_noun(named, shape)} in the image?",
            answer_type="choice",
            target=answer,
            option_texts=_options(ctx, answer, REGIONS[region], list(REGIONS.values())),
            subject={"shape": shape, "colour": named, "region": region, "x": placed[0].x, "y": placed[0].y},
        )

    return _retry(build)


def _ocr(ctx: _Context, answer: str) -> PerceptionItem:
    def build() -> PerceptionItem | None:
        background = ctx.background()
        word = ctx.rng.choice(WORDS)
        size = ctx.rng.randint(40, 54)
        width = font(size).getlength(word)
        half_w, half_h = int(width / 2) + 10, size // 2 + 10
        if 2 * half_w > ctx.size - 2 * MARGIN:
            return None
        x = ctx.rng.randint(MARGIN + half_w, ctx.size - MARGIN - half_w)
        y = ctx.rng.randint(MARGIN + half_h, ctx.size - MARGIN - half_h)
        on_sign = ctx.rng.random() < 0.4
        if on_sign:
            sign = ctx.rng.choice(("white", "yellow"))
            text = SceneText(word, x, y, size, colour="black", sign=sign)
        else:
            text = SceneText(word, x, y, size, colour="white" if is_dark(background) else "black")
        # a few shapes as clutter, kept clear of the word's box
        block = SceneObject("circle", "black", x, y, int(math.hypot(half_w, half_h)))
        placed: list[SceneObject] = [block]
        if not _place(ctx, _distractors(ctx, background, ctx.rng.randint(0, 2), lambda s, c: True, (16, 24)), placed):
            return None
        return PerceptionItem(
            kind="ocr",
            scene=Scene(ctx.size, ctx.size, background, tuple(placed[1:]), (text,)),
            question="What word is written in the image?",
            answer_type="choice",
            target=answer,
            option_texts=_options(ctx, answer, word, list(WORDS)),
            subject={"word": word},
        )

    return _retry(build)


def _scene(ctx: _Context, answer: str) -> PerceptionItem:
    def build() -> PerceptionItem | None:
        asks_dark = ctx.rng.random() < 0.5
        dark = asks_dark == (answer == "yes")
        background = ctx.background(dark=dark)
        placed: list[SceneObject] = []
        if not _place(ctx, _distractors(ctx, background, ctx.rng.randint(2, 4), lambda s, c: True), placed):
            return None
        word = "dark" if asks_dark else "light"
        return PerceptionItem(
            kind="scene",
            scene=Scene(ctx.size, ctx.size, background, tuple(placed)),
            question=f"Is the background of the image {word}?",
            answer_type="yes_no",
            target=answer,
            subject={"background": background, "dark": dark, "asked": word},
        )

    return _retry(build)


_BUILDERS: dict[str, Callable[[_Context, str], PerceptionItem]] = {
    "existence": _existence,
    "count": _count,
    "colour": _colour,
    "position": _position,
    "ocr": _ocr,
    "scene": _scene,
}
