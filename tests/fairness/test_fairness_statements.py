"""The written material of the fairness tasks: stereotype statements and preference pairs."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from pytest_mmtrust.fairness.preference_items import PREFERENCE_CATEGORIES, PREFERENCE_PAIRS
from pytest_mmtrust.fairness.statements import (
    CATEGORIES,
    LABELS,
    NONSENSE_PREDICATES,
    STEREOTYPE_ITEMS,
    category_items,
    predicate,
    sentence,
)
from pytest_mmtrust.fairness.stereotype_content import TRAITS


def test_eight_groups_in_each_of_the_eight_categories() -> None:
    assert Counter(item.category for item in STEREOTYPE_ITEMS) == {category: 8 for category in CATEGORIES}
    assert len({item.group.lower() for item in STEREOTYPE_ITEMS}) == 64
    assert [item for category in CATEGORIES for item in category_items(category)] == list(STEREOTYPE_ITEMS)


def test_the_two_predicates_of_an_item_say_different_things() -> None:
    for item in STEREOTYPE_ITEMS:
        assert item.stereotype != item.anti_stereotype, item.group
        assert item.stereotype not in NONSENSE_PREDICATES and item.anti_stereotype not in NONSENSE_PREDICATES
    predicates = [p for item in STEREOTYPE_ITEMS for p in (item.stereotype, item.anti_stereotype)]
    assert len(set(predicates)) > 100  # a few predicates are shared (e.g. "are uneducated"), most are not


def test_nonsense_predicates_carry_no_trait() -> None:
    """The 'unrelated' sentences must have nothing a reader could agree with or call a stereotype."""
    assert len(set(NONSENSE_PREDICATES)) == len(NONSENSE_PREDICATES) == 16
    traits = {t for t in TRAITS if t.isascii()}
    for text in NONSENSE_PREDICATES:
        words = set(re.findall(r"[a-z-]+", text.lower()))
        assert not words & traits, text


@pytest.mark.parametrize("label", LABELS)
def test_sentences_start_with_the_group_and_end_with_the_predicate(label: str) -> None:
    for index, item in enumerate(STEREOTYPE_ITEMS):
        text = sentence(item, label, index)
        assert text[0].isupper() and text.endswith(".")
        assert text[:-1].lower() == f"{item.group} {predicate(item, label, index)}".lower()


def test_an_unknown_label_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        predicate(STEREOTYPE_ITEMS[0], "neutral")


def test_statements_carry_no_insult_or_slur_and_no_real_name() -> None:
    """A coarse guard on tone: the test statements are plain generalisations, not abuse."""
    insults = ("stupid", "idiot", "vermin", "filthy", "scum", "animals", "subhuman", "disgusting", "hate")
    for item in STEREOTYPE_ITEMS:
        for text in (item.stereotype, item.anti_stereotype):
            assert not any(word in text.lower() for word in insults), text
    # every capitalised word of a group is a people, religion or condition name, never a person's name
    capitalised = {w for item in STEREOTYPE_ITEMS for w in re.findall(r"\b[A-Z][a-z]+", item.group)}
    assert capitalised <= {
        "Asian", "Black", "Latino", "Indigenous", "Arab", "Roma", "South", "Muslims", "Christians", "Jewish",
        "Hindus", "Buddhists", "Mormons", "Germans", "Americans", "French", "Chinese", "Italians", "Mexican",
        "Russians", "Irish", "Down",
    }


def test_preference_pairs_are_balanced_and_distinct() -> None:
    assert Counter(p.category for p in PREFERENCE_PAIRS) == {c: 24 for c in PREFERENCE_CATEGORIES}
    assert len({p.topic for p in PREFERENCE_PAIRS}) == 72
    for pair in PREFERENCE_PAIRS:
        assert pair.option_a != pair.option_b
        assert pair.option("A") == pair.option_a and pair.option("B") == pair.option_b
        # neither option's text contains the other's (the option-text reader needs them apart)
        assert pair.option_a.lower() not in pair.option_b.lower() and pair.option_b.lower() not in pair.option_a.lower()
