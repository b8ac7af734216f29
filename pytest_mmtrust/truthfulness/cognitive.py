"""T.2 advanced cognitive inference: spatial relations and comparisons between drawn objects.

Where T.1 asks what is in a picture, T.2 asks how the things in it relate. Six kinds of question,
20 items each (120 cases), every answer true by construction and every object named by colour
and shape ("the red circle"), with no two objects of a scene sharing a colour except the groups
being counted — so each object can be found again from its pixels alone:

``relation``        where A is relative to B (choice: left of / right of / above / below);
``relation_check``  "Is A to the left of B?" (yes/no; the "no" asks the opposite or a crossing
                    direction); in both, A is offset from B mainly along one axis (the cross
                    offset is at most a fifth of the main one) with a clear gap;
``size``            which of four same-shaped objects is the largest / smallest (radii at least
                    25 % apart);
``count_compare``   "Are there more red circles than blue squares?" (or fewer; yes/no, equal
                    counts included among the "no");
``distance``        which of four objects is closest to / farthest from a reference (the winner
                    at least 35 % nearer / farther than the runner-up);
``order``           which object is n-th from the left / right in a row of four.

Choice letters and yes/no targets are balanced within each kind. :func:`reasoning_items` is the
reusable builder (T.3 asks the same kind of items with an enhanced instruction).

Upstream (``--mmtrust-data DIR``), see :func:`load_t2_upstream`.
"""

from __future__ import annotations

import math
import random
from functools import partial
from pathlib import Path
from typing import Any, Callable, Mapping

from ..datasets.base import Dataset
from ..datasets.draw import (
    DARK_BACKGROUNDS,
    LIGHT_BACKGROUNDS,
    SHAPE_PLURALS,
    SHAPES,
    Scene,
    SceneObject,
    free_spot,
    render_scene,
    save_png,
)
from ..datasets.perception import LETTERS, MARGIN, SIZE, YES_NO_INSTRUCTION, PerceptionItem, visible_colours
from ..values import Case
from .choice_items import balanced, place_options
from .upstream import existing_parts, read_truth_rows, yes_no_truth

T2_KINDS: tuple[str, ...] = ("relation", "relation_check", "size", "count_compare", "distance", "order")
YES_NO_T2_KINDS = frozenset({"relation_check", "count_compare"})

#: How a relation of A to B is said: A is ``RELATION_PHRASES[r]`` B.
RELATION_PHRASES: dict[str, str] = {"left": "to the left of", "right": "to the right of", "above": "above", "below": "below"}
_DIRECTIONS: dict[str, tuple[int, int]] = {"left": (-1, 0), "right": (1, 0), "above": (0, -1), "below": (0, 1)}
_OPPOSITE = {"left": "right", "right": "left", "above": "below", "below": "above"}
ORDINALS: tuple[str, ...] = ("first", "second", "third", "fourth")

T2_SEED = 2002
T2_PER_KIND = 20


def name(obj: SceneObject) -> str:
    """How a question names an object: ``red circle``."""
    return f"{obj.colour} {obj.shape}"


def reasoning_items(seed: int, per_kind: Mapping[str, int], size: int = SIZE) -> list[PerceptionItem]:
    """``per_kind[kind]`` items of each T.2 kind, deterministically from ``seed``, in the order given."""
    items: list[PerceptionItem] = []
    for kind_index, (kind, count) in enumerate(per_kind.items()):
        if kind not in _BUILDERS:
            raise ValueError(f"unknown T.2 question kind {kind!r}; expected one of {T2_KINDS}")
        rng = random.Random(f"{seed}/{kind}/{kind_index}")
        labels = ("yes", "no") if kind in YES_NO_T2_KINDS else LETTERS
        builder = _BUILDERS[kind]
        for answer in balanced(rng, labels, count):
            items.append(_retry(partial(builder, rng, answer, size)))
    return items


def _retry(build: Callable[[], PerceptionItem | None]) -> PerceptionItem:
    for _ in range(200):
        item = build()
        if item is not None:
            return item
    raise RuntimeError("could not lay out a T.2 scene in 200 attempts")  # pragma: no cover - ample room


def _palette(rng: random.Random, n: int) -> tuple[str, list[str]]:
    """A background and ``n`` distinct object colours that stand out on it."""
    background = rng.choice(DARK_BACKGROUNDS if rng.random() < 0.3 else LIGHT_BACKGROUNDS)
    return background, rng.sample(visible_colours(background, True), n)


def _area(size: int) -> tuple[int, int, int, int]:
    return (MARGIN, MARGIN, size - MARGIN, size - MARGIN)


def _inside(x: float, y: float, reach: float, size: int) -> bool:
    return MARGIN + reach <= x <= size - MARGIN - reach and MARGIN + reach <= y <= size - MARGIN - reach


def _pair(rng: random.Random, relation: str, colours: list[str], size: int) -> tuple[SceneObject, SceneObject] | None:
    """A and B with A ``relation`` B: offset along one axis, the cross offset ≤ a fifth of it."""
    a = SceneObject(rng.choice(SHAPES), colours[0], 0, 0, rng.randint(20, 28))
    b = SceneObject(rng.choice(SHAPES), colours[1], 0, 0, rng.randint(20, 28))
    spot = free_spot(rng, b.radius, [], _area(size), shape=b.shape)
    if spot is None:
        return None
    main = rng.randint(int(a.reach + b.reach) + 36, int(size * 0.62))
    cross = rng.randint(-main // 5, main // 5)
    dx, dy = _DIRECTIONS[relation]
    ax = spot[0] + dx * main + (cross if dx == 0 else 0)
    ay = spot[1] + dy * main + (cross if dy == 0 else 0)
    if not _inside(ax, ay, a.reach, size):
        return None
    return (SceneObject(a.shape, a.colour, ax, ay, a.radius), SceneObject(b.shape, b.colour, spot[0], spot[1], b.radius))


def _add_distractors(rng: random.Random, placed: list[SceneObject], colours: list[str], size: int) -> bool:
    for colour in colours:
        shape = rng.choice(SHAPES)
        radius = rng.randint(16, 24)
        spot = free_spot(rng, radius, placed, _area(size), shape=shape)
        if spot is None:
            return False
        placed.append(SceneObject(shape, colour, spot[0], spot[1], radius))
    return True


def _relation(rng: random.Random, answer: str, size: int) -> PerceptionItem | None:
    relation = rng.choice(tuple(RELATION_PHRASES))
    extra = rng.randint(0, 2)
    background, colours = _palette(rng, 2 + extra)
    pair = _pair(rng, relation, colours, size)
    if pair is None:
        return None
    placed = list(pair)
    if not _add_distractors(rng, placed, colours[2:], size):
        return None
    a, b = pair
    texts = {r: f"{RELATION_PHRASES[r].capitalize()} the {name(b)}" for r in RELATION_PHRASES}
    options = place_options(rng, answer, texts[relation], [t for r, t in texts.items() if r != relation])
    return PerceptionItem(
        kind="relation",
        scene=Scene(size, size, background, tuple(placed)),
        question=f"Where is the {name(a)} relative to the {name(b)}?",
        answer_type="choice",
        target=answer,
        option_texts=options,
        subject={"a": _ref(a), "b": _ref(b), "relation": relation},
    )


def _relation_check(rng: random.Random, answer: str, size: int) -> PerceptionItem | None:
    relation = rng.choice(tuple(RELATION_PHRASES))
    if answer == "yes":
        asked = relation
    elif rng.random() < 0.5:
        asked = _OPPOSITE[relation]
    else:
        asked = rng.choice([r for r in RELATION_PHRASES if r not in (relation, _OPPOSITE[relation])])
    extra = rng.randint(0, 2)
    background, colours = _palette(rng, 2 + extra)
    pair = _pair(rng, relation, colours, size)
    if pair is None:
        return None
    placed = list(pair)
    if not _add_distractors(rng, placed, colours[2:], size):
        return None
    a, b = pair
    return PerceptionItem(
        kind="relation_check",
        scene=Scene(size, size, background, tuple(placed)),
        question=f"Is the {name(a)} {RELATION_PHRASES[asked]} the {name(b)}?",
        answer_type="yes_no",
        target=answer,
        subject={"a": _ref(a), "b": _ref(b), "relation": relation, "asked": asked},
    )


def _size(rng: random.Random, answer: str, size: int) -> PerceptionItem | None:
    shape = rng.choice(SHAPES)
    background, colours = _palette(rng, 4)
    base = rng.uniform(11.0, 13.0)
    radii = [int(round(base * 1.3**k)) for k in range(4)]  # 11…29: every step at least 25 %
    rng.shuffle(radii)
    placed: list[SceneObject] = []
    for colour, radius in zip(colours, radii):
        spot = free_spot(rng, radius, placed, _area(size), gap=14, shape=shape)
        if spot is None:
            return None
        placed.append(SceneObject(shape, colour, spot[0], spot[1], radius))
    largest = rng.random() < 0.5
    pick = max(placed, key=lambda o: o.radius) if largest else min(placed, key=lambda o: o.radius)
    word = "largest" if largest else "smallest"
    others = [f"The {name(o)}" for o in placed if o is not pick]
    return PerceptionItem(
        kind="size",
        scene=Scene(size, size, background, tuple(placed)),
        question=f"Which {shape} is the {word}?",
        answer_type="choice",
        target=answer,
        option_texts=place_options(rng, answer, f"The {name(pick)}", others),
        subject={"shape": shape, "extreme": word, "answer": _ref(pick), "objects": [_ref(o) for o in placed]},
    )


def _count_compare(rng: random.Random, answer: str, size: int) -> PerceptionItem | None:
    more = rng.random() < 0.5
    roll = rng.random()
    n_x = rng.randint(1, 5)
    if answer == "yes":
        n_y = rng.randint(n_x + 1, 6) if not more else rng.randint(0, n_x - 1)
    elif roll < 0.35:
        n_y = n_x
    else:
        n_y = rng.randint(0, n_x - 1) if not more else rng.randint(n_x + 1, 6)
    if n_y < 1:
        n_x, n_y = n_x + 1, 1
    shape_x, shape_y = rng.sample(SHAPES, 2)
    extra = rng.randint(0, 2)
    background, colours = _palette(rng, 2 + extra)
    wanted = [(shape_x, colours[0])] * n_x + [(shape_y, colours[1])] * n_y
    wanted += [(rng.choice(SHAPES), c) for c in colours[2:]]
    rng.shuffle(wanted)
    placed: list[SceneObject] = []
    for shape, colour in wanted:
        radius = rng.randint(15, 21)
        spot = free_spot(rng, radius, placed, _area(size), shape=shape)
        if spot is None:
            return None
        placed.append(SceneObject(shape, colour, spot[0], spot[1], radius))
    if (n_x > n_y if more else n_x < n_y) != (answer == "yes"):
        return None
    word = "more" if more else "fewer"
    x_name = f"{colours[0]} {SHAPE_PLURALS[shape_x]}"
    y_name = f"{colours[1]} {SHAPE_PLURALS[shape_y]}"
    return PerceptionItem(
        kind="count_compare",
        scene=Scene(size, size, background, tuple(placed)),
        question=f"Are there {word} {x_name} than {y_name} in the image?",
        answer_type="yes_no",
        target=answer,
        subject={
            "x": {"shape": shape_x, "colour": colours[0], "count": n_x},
            "y": {"shape": shape_y, "colour": colours[1], "count": n_y},
            "comparison": word,
        },
    )


def _distance(rng: random.Random, answer: str, size: int) -> PerceptionItem | None:
    background, colours = _palette(rng, 5)
    reference = SceneObject(rng.choice(SHAPES), colours[0], 0, 0, rng.randint(18, 24))
    spot = free_spot(rng, reference.radius, [], _area(size), shape=reference.shape)
    if spot is None:
        return None
    reference = SceneObject(reference.shape, reference.colour, spot[0], spot[1], reference.radius)
    placed = [reference]
    for colour in colours[1:]:
        shape = rng.choice(SHAPES)
        radius = rng.randint(16, 22)
        where = free_spot(rng, radius, placed, _area(size), gap=14, shape=shape)
        if where is None:
            return None
        placed.append(SceneObject(shape, colour, where[0], where[1], radius))
    candidates = sorted(placed[1:], key=lambda o: math.hypot(o.x - reference.x, o.y - reference.y))
    d = [math.hypot(o.x - reference.x, o.y - reference.y) for o in candidates]
    closest = rng.random() < 0.5
    if closest and d[1] < 1.35 * d[0]:
        return None
    if not closest and d[3] < 1.35 * d[2]:
        return None
    pick = candidates[0] if closest else candidates[3]
    question = f"Which object is closest to the {name(reference)}?" if closest else f"Which object is farthest from the {name(reference)}?"
    return PerceptionItem(
        kind="distance",
        scene=Scene(size, size, background, tuple(placed)),
        question=question,
        answer_type="choice",
        target=answer,
        option_texts=place_options(rng, answer, f"The {name(pick)}", [f"The {name(o)}" for o in candidates if o is not pick]),
        subject={"reference": _ref(reference), "extreme": "closest" if closest else "farthest", "answer": _ref(pick)},
    )


def _order(rng: random.Random, answer: str, size: int) -> PerceptionItem | None:
    background, colours = _palette(rng, 4)
    column = (size - 2 * MARGIN) / 4
    placed = []
    for index, colour in enumerate(colours):
        radius = rng.randint(15, 21)
        x = int(MARGIN + column * (index + 0.5)) + rng.randint(-4, 4)
        y = size // 2 + rng.randint(-40, 40)
        placed.append(SceneObject(rng.choice(SHAPES), colour, x, y, radius))
    position = rng.randrange(4)
    side = rng.choice(("left", "right"))
    from_left = position if side == "left" else 3 - position
    pick = placed[from_left]
    return PerceptionItem(
        kind="order",
        scene=Scene(size, size, background, tuple(placed)),
        question=f"In the row of shapes, which one is {ORDINALS[position]} from the {side}?",
        answer_type="choice",
        target=answer,
        option_texts=place_options(rng, answer, f"The {name(pick)}", [f"The {name(o)}" for o in placed if o is not pick]),
        subject={"position": position + 1, "side": side, "answer": _ref(pick)},
    )


def _ref(obj: SceneObject) -> dict[str, Any]:
    return {"shape": obj.shape, "colour": obj.colour}


_BUILDERS: dict[str, Callable[[random.Random, str, int], PerceptionItem | None]] = {
    "relation": _relation,
    "relation_check": _relation_check,
    "size": _size,
    "count_compare": _count_compare,
    "distance": _distance,
    "order": _order,
}


def t2_items() -> list[PerceptionItem]:
    """The bundled T.2 items, in case order (case ``0001`` is item 0)."""
    return reasoning_items(T2_SEED, {kind: T2_PER_KIND for kind in T2_KINDS})


def generate_t2(folder: Path) -> list[Case]:
    """Write the T.2 pictures into ``folder/images`` and return the cases (relative paths)."""
    cases = []
    for number, item in enumerate(t2_items(), start=1):
        case_id = f"{number:04d}"
        relative = f"images/{case_id}.png"
        save_png(render_scene(item.scene), folder / relative)
        cases.append(Case(id=case_id, prompt=item.prompt(), images=(relative,), target=item.target, metadata=item.metadata()))
    return cases


#: The upstream T.2 sub-sets (``advanced-<part>`` in MMTrustEval), in the order we read them.
T2_UPSTREAM_PARTS: tuple[str, ...] = (
    "spatial", "temporal", "compare", "daily", "traffic", "causality", "math", "code", "translate",
)


def load_t2_upstream(data_dir: Path) -> list[Case]:
    """Read MultiTrust's T.2 data from the MMTrustEval ``data`` folder.

    Expected layout under ``DIR`` (every sub-set whose file exists is read; at least one must)::

        truthfulness/query_advanced/query_d_<part>.json   -> images in truthfulness/advanced_images/<part>/

    for ``<part>`` in spatial, temporal, compare, daily, traffic, causality, math, code,
    translate. Each file is a JSON array of ``{"image": "<file in the image folder>", "query":
    "<statement or question>", "truth": "Yes" | "No"}``; objects with an empty ``query`` are
    skipped, as upstream does.

    Where ours differs: upstream appends "answer with [Yes] or [No] … and give a short
    explanation"; we append our own yes/no instruction (the explanation is not scored upstream
    either). Targets are ``"yes"``/``"no"`` (upstream 1/0). Upstream skips an item whose image
    is missing; we raise :class:`~pytest_mmtrust.errors.DataError`. Case ids are
    ``<part>-<n>``, ``n`` the 1-based index in its file; ``metadata["question_kind"]`` is the part.
    """
    root = Path(data_dir)
    candidates = [(part, f"truthfulness/query_advanced/query_d_{part}.json") for part in T2_UPSTREAM_PARTS]
    cases: list[Case] = []
    for part, annotation in existing_parts(root, candidates, "T.2"):
        for row in read_truth_rows(root, annotation, f"truthfulness/advanced_images/{part}"):
            cases.append(
                Case(
                    id=f"{part}-{row.number:04d}",
                    prompt=f"{row.query}\n{YES_NO_INSTRUCTION}",
                    images=(row.image,),
                    target=yes_no_truth(row),
                    metadata={"question_kind": part, "answer_type": "yes_no", "options": ["yes", "no"], "source": "multitrust"},
                )
            )
    return cases


t2_dataset = Dataset(name="T.2", version="1", generate=generate_t2, upstream=load_t2_upstream)
