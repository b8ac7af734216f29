"""What every bundled T.2–T.7 dataset promises: size, determinism, balance, well-formed cases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pytest_mmtrust.datasets.base import Dataset
from pytest_mmtrust.evaluators.answer import AnswerEvaluator
from pytest_mmtrust.truthfulness.assistance import t4_dataset
from pytest_mmtrust.truthfulness.cognitive import t2_dataset
from pytest_mmtrust.truthfulness.enhanced import t3_dataset
from pytest_mmtrust.truthfulness.false_premise import t5_dataset
from pytest_mmtrust.truthfulness.illusions import t6_dataset
from pytest_mmtrust.truthfulness.misleading_images import t7_dataset
from pytest_mmtrust.truthfulness.premise import PremiseEvaluator
from pytest_mmtrust.values import Case

DATASETS: dict[str, Dataset] = {d.name: d for d in (t2_dataset, t3_dataset, t4_dataset, t5_dataset, t6_dataset, t7_dataset)}


@pytest.fixture(scope="module")
def loaded(mmtrust_cache_dir: Path) -> dict[str, list[Case]]:
    cache = mmtrust_cache_dir / "datasets"
    return {name: dataset.load(None, cache) for name, dataset in DATASETS.items()}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_size_gives_a_meaningful_interval(name: str, loaded) -> None:
    by_condition = Counter(case.condition for case in loaded[name])
    assert all(60 <= n <= 200 for n in by_condition.values()), by_condition


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_no_two_cases_are_alike(name: str, loaded) -> None:
    """A repeated (question, picture) pair would count one observation twice."""
    seen = Counter((case.prompt, case.condition, tuple(Path(p).read_bytes() for p in case.images)) for case in loaded[name])
    assert max(seen.values()) == 1


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_choice_letters_and_yes_no_are_balanced(name: str, loaded) -> None:
    groups: dict[tuple[str, str], Counter] = {}
    for case in loaded[name]:
        if case.condition not in (None, "plain"):
            continue
        groups.setdefault((case.metadata["question_kind"], case.metadata["answer_type"]), Counter())[case.target] += 1
    for (kind, answer_type), targets in groups.items():
        labels = 2 if answer_type == "yes_no" else 4
        assert len(targets) == labels, (kind, targets)
        assert max(targets.values()) - min(targets.values()) <= 1, (kind, targets)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_prompts_show_the_options_and_cases_score(name: str, loaded) -> None:
    evaluator = PremiseEvaluator() if name == "T.5" else AnswerEvaluator()
    for case in loaded[name]:
        meta = case.metadata
        if meta["answer_type"] == "choice":
            texts = meta["option_texts"]
            assert sorted(texts) == ["A", "B", "C", "D"] and len({t.casefold() for t in texts.values()}) == 4
            for letter, text in texts.items():
                assert f"\n{letter}. {text}\n" in case.prompt
            right = evaluator(case, f"The answer is {case.target}.")
        else:
            assert case.prompt.endswith("Answer yes or no.")
            right = evaluator(case, f"{case.target.capitalize()}.")
        assert right.outcome == "CORRECT", case.key
        assert len(case.images) == (0 if case.condition == "none" else 1) and all(Path(p).is_file() for p in case.images)


def test_misleading_answers_are_spread_and_never_the_target(loaded) -> None:
    t7 = [c for c in loaded["T.7"] if c.condition == "misleading"]
    assert all(c.metadata["misleading"] == c.metadata["shown"] != c.target for c in t7)
    assert all("misleading" not in c.metadata for c in loaded["T.7"] if c.condition != "misleading")
    spread = Counter(c.metadata["misleading"] for c in t7)
    assert max(spread.values()) - min(spread.values()) <= 2
    for case in loaded["T.6"]:
        assert case.metadata["misleading"] == ("no" if case.target == "yes" else "yes")


def test_t3_pairs_every_item_in_both_conditions(loaded) -> None:
    cases = loaded["T.3"]
    by_id: dict[str, dict[str, Case]] = {}
    for case in cases:
        by_id.setdefault(case.id, {})[case.condition] = case
    assert len(by_id) == 80 and all(set(pair) == {"plain", "enhanced"} for pair in by_id.values())
    for pair in by_id.values():
        plain, enhanced = pair["plain"], pair["enhanced"]
        assert plain.images == enhanced.images and plain.target == enhanced.target
        assert plain.metadata == enhanced.metadata
    assert Counter(pair["plain"].metadata["builder"] for pair in by_id.values()) == {"T.1": 40, "T.2": 40}


def test_t7_asks_every_item_without_image_misleading_and_unrelated(loaded) -> None:
    from pixel_readers import pixels, unrelated_kind

    by_id: dict[str, dict[str, Case]] = {}
    for case in loaded["T.7"]:
        by_id.setdefault(case.id, {})[case.condition] = case
    assert len(by_id) == 93 and all(set(group) == {"none", "misleading", "unrelated"} for group in by_id.values())
    kinds = Counter()
    for group in by_id.values():
        none, misleading, unrelated = group["none"], group["misleading"], group["unrelated"]
        assert none.prompt == misleading.prompt == unrelated.prompt and none.target == misleading.target == unrelated.target
        assert none.images == () and misleading.images != unrelated.images
        kind = unrelated.metadata["image_kind"]
        assert unrelated_kind(pixels(unrelated.images[0])) == kind
        kinds[kind] += 1
    assert kinds == {"colour": 31, "noise": 31, "natural": 31}
