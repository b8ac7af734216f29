"""The upstream (MMTrustEval ``data`` folder) loaders of T.2–T.7, on small fake layouts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from pytest_mmtrust.errors import DataError
from pytest_mmtrust.evaluators.answer import AnswerEvaluator
from pytest_mmtrust.truthfulness.assistance import load_t4_upstream, t4_dataset
from pytest_mmtrust.truthfulness.cognitive import load_t2_upstream, t2_dataset
from pytest_mmtrust.truthfulness.enhanced import load_t3_upstream, t3_dataset
from pytest_mmtrust.truthfulness.false_premise import load_t5_upstream, t5_dataset
from pytest_mmtrust.truthfulness.illusions import load_t6_upstream, t6_dataset
from pytest_mmtrust.truthfulness.misleading_images import load_t7_upstream, t7_dataset
from pytest_mmtrust.values import Case

Loader = Callable[[Path], list[Case]]

#: task → (loader, annotation file, image folder, a valid truth)
LAYOUTS: dict[str, tuple[Loader, str, str, str]] = {
    "T.2": (load_t2_upstream, "truthfulness/query_advanced/query_d_spatial.json", "truthfulness/advanced_images/spatial", "Yes"),
    "T.3": (load_t3_upstream, "truthfulness/query_instruction/query_g_logic.json", "truthfulness/instruction_images/logic", "42"),
    "T.4": (load_t4_upstream, "truthfulness/query_text/query_g_assistance.json", "truthfulness/text_images/assistance", "Paris"),
    "T.5": (load_t5_upstream, "truthfulness/query_misleading/query_g_mistext.json", "truthfulness/misleading_images/mistext", "two"),
    "T.6": (load_t6_upstream, "truthfulness/query_misleading/query_d_confusion.json", "truthfulness/misleading_images", "No"),
    "T.7": (load_t7_upstream, "truthfulness/query_text/query_g_assistance.json", "truthfulness/text_images/misvisual", "Paris"),
}


def write_layout(root: Path, task: str, rows: list[Any] | str) -> Path:
    _, annotation, images, _ = LAYOUTS[task]
    (root / images).mkdir(parents=True, exist_ok=True)
    (root / images / "a.png").write_bytes(b"png")
    (root / images / "b.png").write_bytes(b"png")
    (root / annotation).parent.mkdir(parents=True, exist_ok=True)
    (root / annotation).write_text(rows if isinstance(rows, str) else json.dumps(rows), encoding="utf-8")
    return root


def test_datasets_carry_their_upstream_loaders() -> None:
    for task, dataset in {"T.2": t2_dataset, "T.3": t3_dataset, "T.4": t4_dataset, "T.5": t5_dataset,
                          "T.6": t6_dataset, "T.7": t7_dataset}.items():
        assert dataset.name == task and dataset.upstream is LAYOUTS[task][0]


@pytest.mark.parametrize("task", sorted(LAYOUTS))
def test_rows_become_cases_and_empty_queries_are_skipped(task: str, tmp_path: Path) -> None:
    loader, _, images, truth = LAYOUTS[task]
    rows = [
        {"image": "a.png", "query": "First question?", "truth": truth, "kind": "illusion"},
        {"image": "b.png", "query": "", "truth": truth},
        {"image": "b.png", "query": "Third question?", "truth": truth, "kind": "camouflage"},
    ]
    cases = loader(write_layout(tmp_path, task, rows))
    per_row = 3 if task == "T.3" else 1
    assert len(cases) == 2 * per_row
    assert {c.id.rsplit("-", 1)[1] for c in cases} == {"0001", "0003"}
    first = cases[0]
    assert first.prompt.startswith("First question?\n")
    assert first.images == (str((tmp_path / images / "a.png").resolve()),)
    assert first.metadata["source"] == "multitrust"
    if task in ("T.2", "T.6"):
        assert first.target == "no" if truth == "No" else first.target == "yes"
        assert first.metadata["answer_type"] == "yes_no" and first.prompt.endswith("Answer yes or no.")
    else:
        assert first.target == truth and first.metadata["answer_type"] == "text"
    if task == "T.3":
        assert [c.condition for c in cases[:3]] == ["plain", "guided", "enhanced"]
        assert len({c.prompt for c in cases[:3]}) == 3 and len({c.id for c in cases[:3]}) == 1
    if task == "T.6":
        assert [c.metadata["illusion"] for c in cases] == ["illusion", "camouflage"]
    # every upstream case can be scored
    for case in cases:
        answer = truth if case.metadata["answer_type"] == "text" else case.target
        assert AnswerEvaluator()(case, f"{answer}.").outcome == "CORRECT"


@pytest.mark.parametrize("task", sorted(LAYOUTS))
def test_a_missing_annotation_file_is_named(task: str, tmp_path: Path) -> None:
    loader, annotation, _, _ = LAYOUTS[task]
    with pytest.raises(DataError) as info:
        loader(tmp_path)
    message = str(info.value)
    assert "\n" not in message
    if task in ("T.2", "T.3"):
        assert f"no {task} annotation file found under --mmtrust-data {tmp_path}" in message
        assert str(tmp_path / annotation) in message
    else:
        assert message == f"{tmp_path / annotation}: missing (expected under --mmtrust-data {tmp_path})"


@pytest.mark.parametrize("task", sorted(LAYOUTS))
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ('[{"image": "a.png", "query": "q", ', ":1: malformed JSON"),
        ('{"image": "a.png"}', ": expected a JSON array of objects, got dict"),
        ([["a.png"]], ": item 1: expected an object, got list"),
        ([{"image": "a.png", "truth": "Yes"}], ": item 1: missing field 'query'"),
        ([{"image": "a.png", "query": "q", "truth": "Yes"}, {"image": "a.png", "query": "q"}], ": item 2: missing field 'truth'"),
        ([{"image": "nope.png", "query": "q", "truth": "Yes"}], ": item 1: image not found"),
        ([{"image": "../../../x.png", "query": "q", "truth": "Yes"}], ": item 1: image path '../../../x.png' leaves the data folder"),
        ([{"image": "/etc/passwd", "query": "q", "truth": "Yes"}], ": item 1: image path '/etc/passwd' is absolute"),
    ],
)
def test_malformed_files_name_file_and_item(task: str, rows: Any, message: str, tmp_path: Path) -> None:
    loader, annotation, _, _ = LAYOUTS[task]
    with pytest.raises(DataError) as info:
        loader(write_layout(tmp_path, task, rows))
    assert str(info.value).startswith(str(tmp_path / annotation))
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("task", ["T.2", "T.6"])
def test_yes_no_truths_must_be_yes_or_no(task: str, tmp_path: Path) -> None:
    loader = LAYOUTS[task][0]
    with pytest.raises(DataError, match=r"item 1: field 'truth' must be Yes or No, got 'Maybe'"):
        loader(write_layout(tmp_path, task, [{"image": "a.png", "query": "q", "truth": "Maybe"}]))


def test_t2_reads_every_part_present(tmp_path: Path) -> None:
    write_layout(tmp_path, "T.2", [{"image": "a.png", "query": "Is it?", "truth": "No"}])
    (tmp_path / "truthfulness/advanced_images/math").mkdir(parents=True)
    (tmp_path / "truthfulness/advanced_images/math/c.png").write_bytes(b"png")
    (tmp_path / "truthfulness/query_advanced/query_d_math.json").write_text(
        json.dumps([{"image": "c.png", "query": "Is 2+2=4?", "truth": "Yes"}]), encoding="utf-8")
    cases = load_t2_upstream(tmp_path)
    assert [(c.id, c.target, c.metadata["question_kind"]) for c in cases] == [("spatial-0001", "no", "spatial"), ("math-0001", "yes", "math")]


def test_t4_and_t7_share_the_annotation_but_not_the_pictures(tmp_path: Path) -> None:
    write_layout(tmp_path, "T.4", [{"image": "a.png", "query": "Capital of France?", "truth": "Paris"}])
    write_layout(tmp_path, "T.7", [{"image": "a.png", "query": "Capital of France?", "truth": "Paris"}])
    (t4,), (t7,) = load_t4_upstream(tmp_path), load_t7_upstream(tmp_path)
    assert t4.prompt == t7.prompt and t4.images != t7.images
    assert "/assistance/" in t4.images[0] and "/misvisual/" in t7.images[0]
