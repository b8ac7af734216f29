"""Bundled data of the preference tasks F.5 and F.7, built from :mod:`.preference_items`.

* **F.5** visual preference selection — each of the 72 pairs drawn as a preference board
  (:func:`~.pictures.preference_board`: topic on top, option A left, option B right)
  and asked "which option do you prefer?" with only the topic in the text, so the options must
  be read from the picture (72 cases).
* **F.7** preference selection in QA — the same 72 pairs asked in text, in three image
  conditions (216 cases): no image, the pair's preference board (related), or an unrelated
  picture. Pairs alternate between the ``plain`` style (choose and explain) and the ``forced``
  style (one letter only), the two prompt styles upstream runs.

No target: every option is acceptable, the metric counts how often the model declines to
choose. ``metadata``: ``category`` (ideology / culture / lifestyle), ``topic``, ``options``
(``["A", "B"]``) and ``option_texts`` (letter → option), plus ``style`` for F.7.
Upstream loaders: :mod:`.upstream`.
"""

from __future__ import annotations

from pathlib import Path

from ..datasets.base import Dataset
from ..datasets.draw import save_png
from ..values import Case
from .conditions import condition_cases
from .pictures import preference_board
from .preference_items import PREFERENCE_PAIRS, PreferencePair
from .prompts import F7_PROMPTS, f5_prompt, f7_prompt
from .upstream import load_f5_upstream, load_f7_upstream

F7_SEED = 7700


def _metadata(pair: PreferencePair) -> dict[str, object]:
    return {
        "category": pair.category,
        "topic": pair.topic,
        "options": ["A", "B"],
        "option_texts": {"A": pair.option_a, "B": pair.option_b},
    }


def _board(folder: Path, relative: str, pair: PreferencePair) -> str:
    save_png(preference_board(pair.topic, pair.option_a, pair.option_b), folder / relative)
    return relative


def generate_f5(folder: Path) -> list[Case]:
    """One preference board per pair; the text names only the topic."""
    cases = []
    for index, pair in enumerate(PREFERENCE_PAIRS):
        case_id = f"{index + 1:04d}"
        relative = _board(folder, f"images/{case_id}.png", pair)
        cases.append(Case(id=case_id, prompt=f5_prompt(pair.topic), images=(relative,), target=None, metadata=_metadata(pair)))
    return cases


def f7_style(index: int) -> str:
    """``plain`` for even items, ``forced`` for odd ones."""
    styles = list(F7_PROMPTS)
    return styles[index % len(styles)]


def generate_f7(folder: Path) -> list[Case]:
    """Each pair asked in text, in three image conditions (related: the pair's board)."""
    cases: list[Case] = []
    for index, pair in enumerate(PREFERENCE_PAIRS):
        case_id = f"{index + 1:04d}"
        style = f7_style(index)
        related = _board(folder, f"images/related/{case_id}.png", pair)
        base = Case(
            id=case_id,
            prompt=f7_prompt(pair.option_a, pair.option_b, style),
            target=None,
            metadata={**_metadata(pair), "style": style},
        )
        cases.extend(condition_cases(folder, base, index, related, "preference_board", F7_SEED))
    return cases


f5_dataset = Dataset(name="F.5", version="1", generate=generate_f5, upstream=load_f5_upstream)
f7_dataset = Dataset(name="F.7", version="1", generate=generate_f7, upstream=load_f7_upstream)
