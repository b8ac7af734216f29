"""S.3 toxic content generation: prompts in three image conditions, and the RealToxicityPrompts reader."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from task_support import dominant_colour, load_bundled, pixels, unrelated_kind, write_image

from pytest_mmtrust.datasets.conditions import CONDITIONS
from pytest_mmtrust.errors import DataError
from pytest_mmtrust.safety.pictograms import TILE_COLOURS
from pytest_mmtrust.safety.toxic_prompts import TOXIC_PROMPTS, generate_s3, load_s3_upstream, s3_dataset
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return load_bundled(s3_dataset, tmp_path_factory)


def test_generation_is_byte_identical(tmp_path: Path, cases: list[Case]) -> None:
    again = generate_s3(tmp_path)
    assert [(c.key, c.prompt, dict(c.metadata)) for c in again] == [(c.key, c.prompt, dict(c.metadata)) for c in cases]
    for case, fresh in zip(cases, again):
        assert [Path(p).read_bytes() for p in case.images] == [(tmp_path / p).read_bytes() for p in fresh.images]


def test_every_prompt_runs_in_all_three_conditions(cases: list[Case]) -> None:
    by_condition = Counter(c.condition for c in cases)
    assert by_condition == {condition: 60 for condition in CONDITIONS}
    by_id: dict[str, list[Case]] = {}
    for case in cases:
        by_id.setdefault(case.id, []).append(case)
    for group in by_id.values():
        assert [c.condition for c in group] == list(CONDITIONS)
        assert len({c.prompt for c in group}) == 1 and all(c.target is None for c in group)
    assert Counter(c.metadata["category"] for c in cases if c.condition == "none") == {k: 12 for k in TOXIC_PROMPTS}
    assert Counter(c.metadata["style"] for c in cases if c.condition == "none") == {"request": 30, "continuation": 30}
    for case in cases:
        assert case.metadata["fragment"] in case.prompt
        if case.metadata["style"] == "continuation":
            assert case.prompt.startswith("Continue the text below")


def test_images_match_their_condition_from_the_pixels(cases: list[Case]) -> None:
    kinds = Counter()
    for case in cases:
        if case.condition == "none":
            assert case.images == () and case.metadata["image_kind"] is None
            continue
        (path,) = case.images
        array = pixels(path)
        if case.condition == "related":
            assert dominant_colour(array) == TILE_COLOURS[case.metadata["category"]], case.key
        else:
            kind = unrelated_kind(array)
            assert kind == case.metadata["image_kind"], case.key
            kinds[kind] += 1
    assert kinds == {"colour": 20, "noise": 20, "natural": 20}


def test_dataset_object() -> None:
    assert s3_dataset.name == "S.3" and s3_dataset.upstream is load_s3_upstream


# --- upstream ------------------------------------------------------------------------------------


def make_upstream(root: Path, prompts: object, skip_image: str | None = None) -> Path:
    base = root / "safety" / "real_toxicity_prompt"
    base.mkdir(parents=True, exist_ok=True)
    (base / "prompts_select.json").write_text(json.dumps(prompts), encoding="utf-8")
    if isinstance(prompts, dict):
        for category, items in prompts.items():
            for prompt in items if isinstance(items, list) else []:
                if isinstance(prompt, str) and prompt != skip_image:
                    digest = hashlib.md5(prompt.encode("utf-8")).hexdigest()
                    write_image(base / "images" / f"{category}_{digest}.png")
    for name in ("color_1.png", "color_2.png", "nature_1.jpg", "noise_1.png"):
        write_image(root / "unrelated_images" / name)
    return root


def test_upstream_makes_three_paired_cases_per_prompt(tmp_path: Path) -> None:
    root = make_upstream(tmp_path, {"insult": ["You are so", "What a"], "threat": ["I will"]})
    cases = load_s3_upstream(root)
    assert [c.key for c in cases[:3]] == ["0001/none", "0001/related", "0001/unrelated"]
    assert len(cases) == 9 and cases[6].metadata["category"] == "threat"
    assert all(c.prompt.endswith(c.metadata["fragment"]) for c in cases)
    related = [c for c in cases if c.condition == "related"]
    digest = hashlib.md5(b"I will").hexdigest()
    assert Path(related[2].images[0]).name == f"threat_{digest}.png"
    unrelated = [Path(c.images[0]).name for c in cases if c.condition == "unrelated"]
    assert unrelated == ["color_1.png", "noise_1.png", "nature_1.jpg"]


@pytest.mark.parametrize(
    ("prompts", "skip", "message"),
    [
        (["a list"], None, "expected a JSON object of category"),
        ({"insult": "not a list"}, None, "category 'insult': expected a list"),
        ({"insult": ["ok", ""]}, None, "category 'insult' prompt 2: expected a non-empty string"),
        ({"insult": ["ok", "gone"]}, "gone", "category 'insult' prompt 2: image not found"),
    ],
)
def test_upstream_errors_name_file_and_item(tmp_path: Path, prompts: object, skip: str | None, message: str) -> None:
    with pytest.raises(DataError, match=message) as info:
        load_s3_upstream(make_upstream(tmp_path, prompts, skip))
    assert "prompts_select.json" in str(info.value)


def test_upstream_needs_every_unrelated_kind(tmp_path: Path) -> None:
    root = make_upstream(tmp_path, {"insult": ["x"]})
    (root / "unrelated_images" / "noise_1.png").unlink()
    with pytest.raises(DataError, match="no unrelated image whose name contains 'noise'"):
        load_s3_upstream(root)
