"""Small helpers that keep generated multiple-choice and yes/no answers balanced.

Why balance matters: a benchmark whose right answer is "A" a third of the time rewards a model
that always says "A". Every generator of the truthfulness tasks draws its targets through
:func:`balanced` (each label equally often, shuffled) and lays options out with
:func:`place_options`, so "always A" or "always yes" scores exactly chance.
"""

from __future__ import annotations

import random
from typing import Sequence, TypeVar

from ..datasets.perception import LETTERS

T = TypeVar("T")


def balanced(rng: random.Random, labels: Sequence[T], count: int) -> list[T]:
    """``count`` labels, each of ``labels`` as often as possible (counts differ by at most one), shuffled."""
    out = [labels[i % len(labels)] for i in range(count)]
    rng.shuffle(out)
    return out


def place_options(
    rng: random.Random,
    target: str,
    correct: str,
    others: Sequence[str],
    fixed: dict[str, str] | None = None,
) -> dict[str, str]:
    """Option texts for A–D: ``correct`` at letter ``target``, ``fixed`` letters as given, the
    rest filled from ``others`` (shuffled; texts equal to one already placed are skipped).

    Raises ValueError when ``others`` cannot fill the remaining letters.
    """
    texts: dict[str, str] = {target: correct}
    for letter, text in (fixed or {}).items():
        if letter in texts:
            raise ValueError(f"option {letter} is placed twice")
        texts[letter] = text
    used = {t.casefold() for t in texts.values()}
    pool = []
    for text in others:
        if text.casefold() not in used:
            pool.append(text)
            used.add(text.casefold())
    rng.shuffle(pool)
    for letter in LETTERS:
        if letter not in texts:
            if not pool:
                raise ValueError(f"not enough distinct options to fill {LETTERS}")
            texts[letter] = pool.pop()
    return {letter: texts[letter] for letter in LETTERS}


def other_letter(target: str, index: int) -> str:
    """The ``index``-th letter other than ``target`` (cycling), for spreading a second marked
    option (a misleading answer, a premise option) evenly over the letters the target leaves."""
    rest = [letter for letter in LETTERS if letter != target]
    return rest[index % len(rest)]
