"""The bundled fairness datasets F.1–F.5, F.7: counts, conditions, ground truth and pixels.

Ground truth is checked against the pixels (skin tone, hair, tile and panel colours, the kind of
unrelated picture) and, for F.3, by reading each prompt's sentence back and finding which slot of
the statement bank it came from.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from pixel_readers import colour_at, dark_pixels, dominant_colour, pixels, unrelated_kind

from pytest_mmtrust.datasets.base import Dataset
from pytest_mmtrust.datasets.portraits import (
    BESIDE_JAW,
    CROWN,
    FACE_CENTRE,
    HAIR_COLOURS,
    PROFESSIONS,
    SKIN_TONES,
)
from pytest_mmtrust.fairness.conditions import CONDITIONS
from pytest_mmtrust.fairness.pictures import (
    CATEGORY_COLOURS,
    FIGURE_COLOUR,
    HEADER_HEIGHT,
    PANEL_A,
    PANEL_B,
    PANELS,
    TEXT_BOX,
)
from pytest_mmtrust.fairness.preference_items import PREFERENCE_PAIRS
from pytest_mmtrust.fairness.preferences import f5_dataset, f7_dataset
from pytest_mmtrust.fairness.statements import NONSENSE_PREDICATES, STEREOTYPE_ITEMS
from pytest_mmtrust.fairness.stereotypes import f1_dataset, f2_dataset, f3_dataset, f4_dataset
from pytest_mmtrust.fairness.upstream import (
    load_f1_upstream,
    load_f2_upstream,
    load_f3_upstream,
    load_f4_upstream,
    load_f5_upstream,
    load_f7_upstream,
)
from pytest_mmtrust.values import Case

DATASETS = {d.name: d for d in (f1_dataset, f2_dataset, f3_dataset, f4_dataset, f5_dataset, f7_dataset)}


@pytest.fixture(scope="module")
def bundled(mmtrust_cache_dir: Path) -> dict[str, list[Case]]:
    return {name: dataset.load(None, mmtrust_cache_dir / "datasets") for name, dataset in DATASETS.items()}


def by_id(cases: list[Case]) -> dict[str, list[Case]]:
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.id, []).append(case)
    return groups


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_sizes_and_upstream_loaders(bundled: dict[str, list[Case]]) -> None:
    assert {name: len(cases) for name, cases in bundled.items()} == {
        "F.1": 100, "F.2": 192, "F.3": 192, "F.4": 192, "F.5": 72, "F.7": 216,
    }
    loaders = (load_f1_upstream, load_f2_upstream, load_f3_upstream, load_f4_upstream, load_f5_upstream, load_f7_upstream)
    assert [d.upstream for d in DATASETS.values()] == list(loaders)


# --- F.1 ------------------------------------------------------------------------------------------


def test_f1_avatars_show_their_attributes(bundled: dict[str, list[Case]]) -> None:
    avatars = [c for c in bundled["F.1"] if c.metadata["kind"] == "avatar"]
    assert len(avatars) == 36
    combos = Counter((c.metadata["gender"], c.metadata["age"], c.metadata["skin_tone"]) for c in avatars)
    assert len(combos) == 18 and set(combos.values()) == {2}
    assert len({(c.metadata["gender"], c.metadata["age"], c.metadata["skin_tone"], c.metadata["profession"]) for c in avatars}) == 36
    assert set(Counter(c.metadata["profession"] for c in avatars).values()) <= {4, 5}
    for case in avatars:
        meta = case.metadata
        array = pixels(case.images[0])
        assert colour_at(array, *FACE_CENTRE) == SKIN_TONES[meta["skin_tone"]], case.id
        assert colour_at(array, *CROWN) == HAIR_COLOURS[meta["age"]], case.id
        background = PROFESSIONS[meta["profession"]][0]
        assert colour_at(array, 3, 3) == background, case.id
        beside = HAIR_COLOURS[meta["age"]] if meta["gender"] == "female" else background
        assert colour_at(array, *BESIDE_JAW) == beside, case.id
        assert case.target is None and case.condition is None


def test_f1_cards_name_every_group_on_its_category_tile(bundled: dict[str, list[Case]]) -> None:
    cards = [c for c in bundled["F.1"] if c.metadata["kind"] == "card"]
    assert [(c.metadata["category"], c.metadata["group"]) for c in cards] == [(i.category, i.group) for i in STEREOTYPE_ITEMS]
    assert len({digest(c.images[0]) for c in cards}) == 64
    for case in cards:
        array = pixels(case.images[0])
        assert dominant_colour(array) == CATEGORY_COLOURS[case.metadata["category"]], case.id
        figures = int((array.reshape(-1, 3) == FIGURE_COLOUR).all(axis=1).sum())
        assert figures > 3000, case.id  # five heads and shoulders
        assert dark_pixels(array, TEXT_BOX) > 50, case.id  # the group's name
        assert dark_pixels(array, (0, 0, 256, TEXT_BOX[1])) == 0, case.id  # nothing else is written
    assert {c.prompt for c in bundled["F.1"]} == {bundled["F.1"][0].prompt, cards[0].prompt} and len({c.prompt for c in bundled["F.1"]}) == 2


# --- the three conditions -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["F.2", "F.3", "F.4", "F.7"])
def test_every_item_runs_in_three_paired_conditions(name: str, bundled: dict[str, list[Case]]) -> None:
    cases = bundled[name]
    items = len(cases) // 3
    assert Counter(c.condition for c in cases) == {condition: items for condition in CONDITIONS}
    kinds: Counter[str] = Counter()
    for case_id, group in by_id(cases).items():
        assert [c.condition for c in group] == list(CONDITIONS), case_id
        assert len({c.prompt for c in group}) == 1 and len({str(c.target) for c in group}) == 1
        none, related, unrelated = group
        assert none.images == () and none.metadata["image_kind"] is None
        (related_path,) = related.images
        (unrelated_path,) = unrelated.images
        array = pixels(related_path)
        if name == "F.7":
            assert related.metadata["image_kind"] == "preference_board"
            for letter, colour in (("A", PANEL_A), ("B", PANEL_B)):
                left, top, _right, _bottom = PANELS[letter]
                assert colour_at(array, left + 6, top + 6) == colour, case_id
        else:
            assert related.metadata["image_kind"] == "group_card"
            assert dominant_colour(array) == CATEGORY_COLOURS[related.metadata["category"]], case_id
        kind = unrelated_kind(pixels(unrelated_path))
        assert kind == unrelated.metadata["image_kind"], case_id
        kinds[kind] += 1
    expected = Counter({k: items // 3 for k in ("colour", "noise", "natural")})
    for k in ("colour", "noise", "natural")[: items % 3]:
        expected[k] += 1
    assert kinds == expected


def test_f2_asks_about_every_stereotype_statement(bundled: dict[str, list[Case]]) -> None:
    none = [c for c in bundled["F.2"] if c.condition == "none"]
    assert [c.metadata["group"] for c in none] == [i.group for i in STEREOTYPE_ITEMS]
    for case, item in zip(none, STEREOTYPE_ITEMS):
        assert case.metadata["label"] == "stereotype" and case.target is None
        assert case.prompt.splitlines()[1] == case.metadata["statement"]
        assert case.metadata["statement"].lower().startswith(item.group.lower())
        assert item.stereotype in case.metadata["statement"] and "[Yes] or [No]" in case.prompt


def slot_of(text: str) -> str:
    """Which slot of the statement bank a sentence's predicate comes from, found by search."""
    body = text.rstrip(".")
    for item in STEREOTYPE_ITEMS:
        if body.lower().startswith(item.group.lower() + " "):
            rest = body[len(item.group) + 1:]
            if rest == item.stereotype:
                return "stereotype"
            if rest == item.anti_stereotype:
                return "anti-stereotype"
            if rest in NONSENSE_PREDICATES:
                return "unrelated"
    raise AssertionError(f"sentence not from the bank: {text!r}")


def test_f3_targets_are_the_slot_each_sentence_came_from(bundled: dict[str, list[Case]]) -> None:
    none = [c for c in bundled["F.3"] if c.condition == "none"]
    assert Counter(c.target for c in none) == {"stereotype": 22, "anti-stereotype": 21, "unrelated": 21}
    for case in none:
        sentence = case.prompt.splitlines()[1]
        assert sentence == case.metadata["sentence"]
        assert slot_of(sentence) == case.target == case.metadata["label"], case.id
        assert case.metadata["options"] == {"1": "stereotype", "2": "anti-stereotype", "3": "unrelated"}
        assert "1. Yes, it's a stereotype." in case.prompt and "3. It's unrelated and meaningless." in case.prompt
    # every category has all three labels
    for category in {c.metadata["category"] for c in none}:
        assert {c.target for c in none if c.metadata["category"] == category} == {"stereotype", "anti-stereotype", "unrelated"}


def test_f4_questions_presuppose_the_stereotype(bundled: dict[str, list[Case]]) -> None:
    none = [c for c in bundled["F.4"] if c.condition == "none"]
    assert Counter(c.metadata["template"] for c in none) == {"why_is_it": 16, "explain": 16, "three_reasons": 16, "main_reason": 16}
    for case, item in zip(none, STEREOTYPE_ITEMS):
        assert item.group in case.prompt.lower() or item.group in case.prompt
        assert case.prompt.rstrip("?.").endswith(item.stereotype)
        assert case.metadata["stereotype"].rstrip(".").endswith(item.stereotype)
        assert case.prompt[0].isupper() and case.target is None


# --- F.5 and F.7 ----------------------------------------------------------------------------------


def test_f5_options_are_only_in_the_picture(bundled: dict[str, list[Case]]) -> None:
    cases = bundled["F.5"]
    assert len({digest(c.images[0]) for c in cases}) == 72
    for case, pair in zip(cases, PREFERENCE_PAIRS):
        assert pair.topic in case.prompt
        assert pair.option_a.lower() not in case.prompt.lower() and pair.option_b.lower() not in case.prompt.lower()
        assert case.metadata["option_texts"] == {"A": pair.option_a, "B": pair.option_b}
        array = pixels(case.images[0])
        for letter, colour in (("A", PANEL_A), ("B", PANEL_B)):
            left, top, right, bottom = PANELS[letter]
            assert colour_at(array, left + 6, top + 6) == colour and colour_at(array, right - 6, top + 6) == colour
            assert colour_at(array, left + 4, bottom - 4) == (255, 255, 255)
            assert dark_pixels(array, (left, top + HEADER_HEIGHT, right, bottom)) > 40, (case.id, letter)  # the option's words
        assert dark_pixels(array, (0, 0, array.shape[1], PANELS["A"][1])) > 20  # the topic


def test_f7_asks_each_pair_in_text_and_alternates_styles(bundled: dict[str, list[Case]]) -> None:
    none = [c for c in bundled["F.7"] if c.condition == "none"]
    assert Counter(c.metadata["style"] for c in none) == {"plain": 36, "forced": 36}
    for index, (case, pair) in enumerate(zip(none, PREFERENCE_PAIRS)):
        assert case.metadata["style"] == ("plain" if index % 2 == 0 else "forced")
        lines = case.prompt.splitlines()
        assert lines[1].lower() == f"a. {pair.option_a}".lower() and lines[2].lower() == f"b. {pair.option_b}".lower()
        assert ("single letter" in case.prompt) == (case.metadata["style"] == "forced")
        assert case.metadata["category"] == pair.category


def test_datasets_are_named_after_their_tasks() -> None:
    assert all(isinstance(d, Dataset) and d.version == "1" for d in DATASETS.values())
