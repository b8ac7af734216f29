"""The MultiTrust fairness readers (F.1–F.5, F.7) on small folders laid out as MMTrustEval's ``data``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from task_support import write_image

from pytest_mmtrust.errors import DataError
from pytest_mmtrust.fairness.stereotypes import f2_dataset
from pytest_mmtrust.fairness.upstream import (
    load_f1_upstream,
    load_f2_upstream,
    load_f3_upstream,
    load_f4_upstream,
    load_f5_upstream,
    load_f7_upstream,
)


def unrelated(root: Path) -> None:
    for name in ("color_1.png", "color_2.png", "nature_1.png", "noise_1.png"):
        write_image(root / "unrelated_images" / name)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def conditions(cases) -> list[tuple[str, str | None]]:
    return [(c.id, c.condition) for c in cases]


def test_f1_reads_every_image_in_natural_order(tmp_path: Path) -> None:
    folder = tmp_path / "fairness" / "stereo_generation_images"
    for name in ("img10.jpg", "img2.png", ".hidden.png"):
        write_image(folder / name)
    write(folder / "notes.txt", "not an image")
    cases = load_f1_upstream(tmp_path)
    assert [c.id for c in cases] == ["img2", "img10"]
    assert all(len(c.images) == 1 and Path(c.images[0]).is_absolute() and c.target is None for c in cases)
    assert "what characteristics" in cases[0].prompt and cases[0].metadata["source"] == "multitrust"
    write_image(folder / "img2.jpg")
    with pytest.raises(DataError, match="share the case id 'img2'"):
        load_f1_upstream(tmp_path)


def test_f1_without_the_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="stereo_generation_images: missing image folder"):
        load_f1_upstream(tmp_path)


def f2_layout(root: Path, rows: str) -> Path:
    unrelated(root)
    for kind, number in (("gender", 1), ("age", 2), ("gender", 3)):
        write_image(root / "fairness" / "stereo_images" / kind / f"{number}.png")
    return write(root / "fairness" / "stereo_statement.csv", rows)


def test_f2_rows_become_three_paired_conditions(tmp_path: Path) -> None:
    f2_layout(tmp_path, "Number,Type,Stereo Statement\n1,Gender,Women are bad at X.\n2,Age,\n3,Gender,Men are bad at Y.\n")
    cases = load_f2_upstream(tmp_path)
    assert conditions(cases) == [("00002", "none"), ("00002", "related"), ("00002", "unrelated"),
                                 ("00004", "none"), ("00004", "related"), ("00004", "unrelated")]
    none, related, unrel = cases[:3]
    assert "Women are bad at X." in none.prompt and "[Yes] or [No]" in none.prompt and none.images == ()
    assert related.images[0].endswith("stereo_images/gender/1.png")
    assert "color_1" in unrel.images[0] and unrel.metadata["image_kind"] == "colour"
    assert "noise_1" in cases[5].images[0] and cases[5].metadata["image_kind"] == "noise"  # kinds cycle by item
    assert none.metadata["category"] == "Gender" and none.metadata["label"] == "stereotype"
    # the Dataset object uses this reader when --mmtrust-data is given
    assert conditions(f2_dataset.load(tmp_path, tmp_path / "cache")) == conditions(cases)


@pytest.mark.parametrize(
    "rows, message",
    [
        ("Number,Stereo Statement\n1,x\n", r"stereo_statement.csv:1: missing column\(s\) Type"),
        ("Number,Type,Stereo Statement\n9,Gender,Women are bad at X.\n", r"stereo_statement.csv:2: image not found"),
        ("Number,Type,Stereo Statement\n,Gender,Women are bad at X.\n", r"stereo_statement.csv:2: missing field 'Number'"),
        ("Number,Type,Stereo Statement\n1,Gender\n", r"stereo_statement.csv:2: expected 3 fields, found 2"),
        ("Number,Type,Stereo Statement\n../../x,Gender,Women.\n", r"stereo_statement.csv:2: image path .* leaves the data folder"),
    ],
)
def test_f2_bad_rows_name_file_and_line(tmp_path: Path, rows: str, message: str) -> None:
    f2_layout(tmp_path, rows)
    with pytest.raises(DataError, match=message):
        load_f2_upstream(tmp_path)


def test_f2_needs_unrelated_images_of_every_kind(tmp_path: Path) -> None:
    f2_layout(tmp_path, "Number,Type,Stereo Statement\n1,Gender,Women are bad at X.\n")
    (tmp_path / "unrelated_images" / "noise_1.png").unlink()
    with pytest.raises(DataError, match="no unrelated image whose name contains 'noise'"):
        load_f2_upstream(tmp_path)


def f3_layout(root: Path, rows: str) -> None:
    unrelated(root)
    for number in (1, 2, 3):
        write_image(root / "fairness" / "stereo_classification_images" / f"{number}.png")
    write(root / "fairness" / "stereo_classification.csv", rows)


def test_f3_targets_are_the_labels(tmp_path: Path) -> None:
    f3_layout(tmp_path, "Number,Sentence,Label\n1,Women are X.,stereotype\n2,Men are Y., Anti-Stereotype\n3,,unrelated\n")
    cases = load_f3_upstream(tmp_path)
    assert [(c.id, c.condition, c.target) for c in cases if c.condition == "none"] == [
        ("00002", "none", "stereotype"), ("00003", "none", "anti-stereotype")]
    assert "Men are Y." in cases[3].prompt and "2. No, it's an anti-stereotype." in cases[3].prompt
    assert cases[1].images[0].endswith("stereo_classification_images/1.png")


def test_f3_an_unknown_label_names_the_line(tmp_path: Path) -> None:
    f3_layout(tmp_path, "Number,Sentence,Label\n1,Women are X.,stereotype\n2,Men are Y.,neutral\n")
    with pytest.raises(DataError, match=r"stereo_classification.csv:3: Label 'neutral' is not one of"):
        load_f3_upstream(tmp_path)


def test_f4_pairs_questions_with_images_in_name_order(tmp_path: Path) -> None:
    unrelated(tmp_path)
    for name in ("q10.png", "q2.png"):
        write_image(tmp_path / "fairness" / "stereo_query_images" / name)
    write(tmp_path / "fairness" / "stereo_query.csv", "question\nWhy are X so Y?\nWhy do Z always W?\n")
    cases = load_f4_upstream(tmp_path)
    assert [c.prompt for c in cases if c.condition == "none"] == ["Why are X so Y?", "Why do Z always W?"]
    related = [c for c in cases if c.condition == "related"]
    assert related[0].images[0].endswith("q2.png") and related[1].images[0].endswith("q10.png")
    write(tmp_path / "fairness" / "stereo_query.csv", "question\nWhy are X so Y?\n")
    with pytest.raises(DataError, match="2 images for 1 questions"):
        load_f4_upstream(tmp_path)
    write(tmp_path / "fairness" / "stereo_query.csv", "question,topic\nWhy?,a\n,b\n")
    with pytest.raises(DataError, match=r"stereo_query.csv:3: missing field 'question'"):
        load_f4_upstream(tmp_path)


def preference_json(root: Path, items: object) -> None:
    write(root / "fairness" / "preference.json", json.dumps(items))


def test_f5_topic_n_is_image_n(tmp_path: Path) -> None:
    preference_json(tmp_path, [{"topic": "cuisine", "prompt": "p1"}, {"topic": "music", "prompt": "p2"}])
    folder = tmp_path / "fairness" / "vision_subjective_choice_images"
    write_image(folder / "1.png")
    write_image(folder / "2.png")
    cases = load_f5_upstream(tmp_path)
    assert [(c.id, Path(c.images[0]).name) for c in cases] == [("0001", "1.png"), ("0002", "2.png")]
    assert "about music" in cases[1].prompt and cases[1].metadata["options"] == ["A", "B"]
    (folder / "2.png").unlink()
    with pytest.raises(DataError, match=r"preference.json: item 2: image not found"):
        load_f5_upstream(tmp_path)


def test_f5_reads_only_the_first_120_topics(tmp_path: Path) -> None:
    preference_json(tmp_path, [{"topic": f"t{i}", "prompt": "p"} for i in range(1, 123)])
    for i in range(1, 121):
        write_image(tmp_path / "fairness" / "vision_subjective_choice_images" / f"{i}.png")
    assert len(load_f5_upstream(tmp_path)) == 120


@pytest.mark.parametrize(
    "items, message",
    [
        ({"topic": "x"}, "expected a JSON array of objects"),
        (["not an object"], r"item 1: expected an object"),
        ([{"prompt": "p"}], r"item 1: missing field 'topic'"),
    ],
)
def test_f5_bad_json_names_the_item(tmp_path: Path, items: object, message: str) -> None:
    preference_json(tmp_path, items)
    with pytest.raises(DataError, match=message):
        load_f5_upstream(tmp_path)


def test_f7_styles_and_related_images(tmp_path: Path) -> None:
    unrelated(tmp_path)
    items = [{"topic": "ideology", "prompt": f"Which do you prefer? A. x{i} B. y{i}"} for i in range(1, 123)]
    preference_json(tmp_path, items)
    base = tmp_path / "fairness" / "subjective_choice_images"
    for n in range(1, 121):
        write_image(base / ("choice_a_images" if n % 2 else "choice_b_images") / f"{n}.png")
    cases = load_f7_upstream(tmp_path)
    assert len(cases) == 122 * 3
    none = [c for c in cases if c.condition == "none"]
    assert [c.metadata["style"] for c in none].count("plain") == 120 and none[120].metadata["style"] == "forced"
    assert none[0].prompt == items[0]["prompt"]
    related = {c.id: c.images[0] for c in cases if c.condition == "related"}
    assert related["0001"].endswith("choice_a_images/1.png") and related["0002"].endswith("choice_b_images/2.png")
    assert related["0121"].endswith("choice_a_images/1.png") and related["0122"].endswith("choice_b_images/2.png")
    (base / "choice_b_images" / "2.png").unlink()
    with pytest.raises(DataError, match=r"item 2: image not found"):
        load_f7_upstream(tmp_path)


def test_a_missing_annotation_file_names_it(tmp_path: Path) -> None:
    unrelated(tmp_path)
    for loader, name in ((load_f2_upstream, "stereo_statement.csv"), (load_f3_upstream, "stereo_classification.csv"),
                         (load_f4_upstream, "stereo_query.csv"), (load_f5_upstream, "preference.json"),
                         (load_f7_upstream, "preference.json")):
        with pytest.raises(DataError, match=f"{name}: missing"):
            loader(tmp_path)
