"""The bundled text sets of R.3 (styled reviews) and R.6 (perturbed reviews and entailment pairs):
sizes, balance, image conditions, and every label re-derived by a reader independent of the
generator (a polarity word list, a premise parser, icons counted in the related picture)."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from scipy import ndimage

from pytest_mmtrust.datasets.draw import COLOURS
from pytest_mmtrust.robustness.adversarial_text import r6_dataset
from pytest_mmtrust.robustness.label import LabelEvaluator
from pytest_mmtrust.robustness.ood_text import STYLE_TEMPLATES, r3_dataset
from pytest_mmtrust.robustness.perturb import DISTRACTORS, LOOKALIKES, SYNONYMS, distract, render, typo
from pytest_mmtrust.robustness.pictures import ITEM_ICONS
from pytest_mmtrust.values import Case

#: Words a reader takes as praise or complaint, written for this test (not read from the generator).
POSITIVE_WORDS = {
    "delight", "praise", "pleased", "gladden", "well", "jewel", "rejoiced", "good", "blessed", "gladness", "comfort",
    "thanksgiving", "pleasing", "gift", "joy", "golden", "rapture", "sweetly", "charm", "bliss", "wonder", "loved",
    "slapped", "best", "obsessed", "shoutout", "satisfactory", "exceeded", "commendation", "excellent",
    "enjoyable", "satisfaction", "wonderful", "marvellous", "superb", "splendid", "enjoyed", "relished", "savoured",
    "adored", "cherished", "delightful", "charming", "lovely", "outstanding", "first-rate", "gladly", "happily",
    "readily", "fantastic", "terrific", "fabulous", "great",
}
NEGATIVE_WORDS = {
    "alas", "wretched", "rue", "fie", "tedious", "rotten", "torment", "foul", "plague", "ill", "grievous", "lamented",
    "woe", "sorrow", "vexation", "murmured", "abomination", "vanity", "bitter", "disappointment", "cold", "barren",
    "joyless", "regret", "drearily", "gloom", "withered", "tears", "ugh", "waste", "trash", "worst", "disappointed",
    "hated", "ruined", "deficient", "condemnation", "defective", "unpleasant", "dissatisfaction", "terrible", "awful",
    "horrendous", "loathed", "detested", "disliked", "horrible", "dreadful", "ghastly", "atrocious", "abysmal",
    "miserable", "dismal", "bad", "poor", "never",
}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'\-]*", text.lower())


def polarity_words(text: str) -> tuple[set[str], set[str]]:
    found = set(words(text))
    return found & POSITIVE_WORDS, found & NEGATIVE_WORDS


@pytest.fixture(scope="module")
def loaded(mmtrust_cache_dir: Path) -> dict[str, list[Case]]:
    cache = mmtrust_cache_dir / "datasets"  # shared with the suite tests
    return {"R.3": r3_dataset.load(None, cache), "R.6": r6_dataset.load(None, cache)}


def sentence_of(case: Case) -> str:
    match = re.search(r"(?:The sentence is|sentence): (.*) The answer should", case.prompt)
    assert match, case.prompt
    return match.group(1)


@pytest.mark.parametrize(("task", "items"), [("R.3", 80), ("R.6", 72)])
def test_every_item_comes_in_three_image_conditions(loaded, task: str, items: int) -> None:
    cases = loaded[task]
    assert Counter(c.condition for c in cases) == {"none": items, "related": items, "unrelated": items}
    by_id: dict[str, dict[str, Case]] = {}
    for case in cases:
        by_id.setdefault(case.id, {})[case.condition] = case
    for versions in by_id.values():
        assert len({(v.prompt, v.target) for v in versions.values()}) == 1
        assert versions["none"].images == () and len(versions["related"].images) == 1
        assert Path(versions["unrelated"].images[0]).is_file()
    kinds = Counter(v["unrelated"].metadata["unrelated_kind"] for v in by_id.values())
    assert set(kinds) == {"colour", "noise", "natural"} and max(kinds.values()) - min(kinds.values()) <= 1


def test_r3_labels_match_an_independent_polarity_reading(loaded) -> None:
    none = [c for c in loaded["R.3"] if c.condition == "none"]
    assert len({sentence_of(c) for c in none}) == 80
    assert Counter((c.metadata["style"], c.target) for c in none) == {(s, t): 8 for s in STYLE_TEMPLATES for t in ("positive", "negative")}
    for case in none:
        positive, negative = polarity_words(sentence_of(case))
        if case.target == "positive":
            assert positive and not negative, (sentence_of(case), negative)
        else:
            assert negative and not positive, (sentence_of(case), positive)


def test_related_pictures_are_the_topic_cards(loaded) -> None:
    for task in ("R.3", "R.6"):
        for case in loaded[task]:
            if case.condition == "related" and case.metadata.get("topic"):
                assert Path(case.images[0]).name == f"{case.metadata['topic']}.png"


def test_labels_score_with_their_own_answer(loaded) -> None:
    for task in ("R.3", "R.6"):
        for case in loaded[task]:
            assert LabelEvaluator()(case, f"{case.target.capitalize()}.").outcome == "CORRECT", case.key


# --- R.6 --------------------------------------------------------------------------------------------


def test_r6_is_balanced_across_tasks_perturbations_and_labels(loaded) -> None:
    none = [c for c in loaded["R.6"] if c.condition == "none"]
    cells = Counter((c.metadata["glue_task"], c.metadata["perturbation"], c.target) for c in none)
    assert len(cells) == 12 and set(cells.values()) == {6}


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_r6_perturbations_keep_the_label(loaded) -> None:
    for case in (c for c in loaded["R.6"] if c.condition == "none"):
        original = case.metadata["original"]
        perturbed = sentence_of(case) if case.metadata["glue_task"] == "sst2" else rte_text(case)
        kind = case.metadata["perturbation"]
        before, after = original.split(), perturbed.split()
        if kind == "distraction":
            assert perturbed != original and any(d in perturbed for d in DISTRACTORS)
            assert perturbed.replace(" ||", "").startswith(original.split(" || ")[0].rstrip("."))
            continue
        assert len(before) == len(after) and before != after, (original, perturbed)
        for old, new in zip(before, after):
            if old == new:
                continue
            if kind == "typo":
                assert old[0] == new[0] and old[-1] == new[-1] and edit_distance(old, new) <= 2, (old, new)
            else:  # a synonym keeps the polarity of the word it replaces
                stripped_old, stripped_new = old.strip(".,;:!"), new.strip(".,;:!")
                for polar in (POSITIVE_WORDS, NEGATIVE_WORDS):
                    assert (stripped_old.lower() in polar) == (stripped_new.lower() in polar), (old, new)
        if case.metadata["glue_task"] == "sst2":
            positive, negative = polarity_words(original)
            assert (bool(positive), bool(negative)) == ((True, False) if case.target == "positive" else (False, True))


def rte_text(case: Case) -> str:
    match = re.search(r"premise: (.*) hypothesis: (.*) The answer should", case.prompt)
    assert match
    return f"{match.group(1)} || {match.group(2)}"


PREMISE = re.compile(r"^(\w+) bought (\w+) (.+) at the (.+) on (\w+)\.$")


def test_r6_entailment_labels_follow_from_the_premise(loaded) -> None:
    """Parse the unperturbed pair and decide entailment by hand."""
    numbers = {w: n for n, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"))}
    for case in (c for c in loaded["R.6"] if c.condition == "none" and c.metadata["glue_task"] == "rte"):
        premise, hypothesis = case.metadata["original"].split(" || ")
        name, count, item, shop, day = PREMISE.match(premise).groups()
        if m := re.fullmatch(rf"{name} bought some {item}\.", hypothesis):
            entailed = True
        elif m := re.fullmatch(rf"{name} was at the (.+) on (\w+)\.", hypothesis):
            entailed = m.groups() == (shop, day)
        elif m := re.fullmatch(rf"{name} bought (\w+) {item} on (\w+)\.", hypothesis):
            entailed = m.group(1) == count and m.group(2) == day
        elif m := re.fullmatch(rf"{name} bought (\w+) {item}\.", hypothesis):
            assert numbers[m.group(1)] >= numbers[count]  # never fewer: "bought n" would arguably entail that
            entailed = m.group(1) == count
        else:
            assert hypothesis == f"{name} did not buy any {item}.", hypothesis
            entailed = False
        assert case.target == ("yes" if entailed else "no"), (premise, hypothesis)


def test_r6_related_pictures_show_the_premise_count(loaded) -> None:
    for case in (c for c in loaded["R.6"] if c.condition == "related" and c.metadata["glue_task"] == "rte"):
        _, colour = ITEM_ICONS[case.metadata["item"]]
        with Image.open(case.images[0]) as image:
            mask = np.all(np.asarray(image.convert("RGB")) == np.array(COLOURS[colour]), axis=-1)
        labels, found = ndimage.label(mask)
        sizes = ndimage.sum(mask, labels, range(1, found + 1))
        assert int(np.sum(np.asarray(sizes) > 100)) == case.metadata["count"], case.key


# --- perturbation primitives ------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), st.integers(0, 2**16))
def test_a_typo_keeps_the_ends_and_stays_close(word: str, seed: int) -> None:
    changed = typo(word, random.Random(seed))
    if len(word) < 3:
        assert changed == word
        return
    assert changed != word and changed[0] == word[0] and changed[-1] == word[-1]
    assert edit_distance(word, changed) <= 2
    assert all(ch.isalpha() or ch in LOOKALIKES.values() for ch in changed)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(SYNONYMS)), st.integers(0, 2**16))
def test_synonyms_are_listed_words(word: str, seed: int) -> None:
    rendered = render(f"It was [{word}].", "synonym", random.Random(seed))
    assert rendered[len("It was "):-1] in SYNONYMS[word]


def test_distractions_keep_the_sentence_and_its_end() -> None:
    rng = random.Random(0)
    assert distract("Great film!", rng).startswith("Great film ") and distract("Great film!", rng).endswith("!")
    assert distract("No full stop", rng).endswith(".")
    with pytest.raises(ValueError, match="unknown perturbation"):
        render("x", "paraphrase", rng)
