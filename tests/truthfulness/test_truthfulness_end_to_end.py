"""The T.1–T.7 suites end to end on a folder in MMTrustEval's layout, with the built-in tiny model.

``--mmtrust-data DIR`` on a folder written by :mod:`pytest_mmtrust.testing.upstream.truthfulness`:
every case is collected from the upstream files, answered by ``tiny`` and scored (a value with
an interval for every task, every condition reported). A second run with one picture removed
shows the missing-image rule: that one item errors naming the path, the rest of the task runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_mmtrust.testing import run_suites
from pytest_mmtrust.testing.upstream.truthfulness import WRITERS
from pytest_mmtrust.truthfulness.assistance import t4_dataset
from pytest_mmtrust.truthfulness.basic import t1_dataset
from pytest_mmtrust.truthfulness.cognitive import t2_dataset
from pytest_mmtrust.truthfulness.enhanced import t3_dataset
from pytest_mmtrust.truthfulness.false_premise import t5_dataset
from pytest_mmtrust.truthfulness.illusions import t6_dataset
from pytest_mmtrust.truthfulness.misleading_images import t7_dataset

SUITES = Path(__file__).resolve().parents[2] / "suites" / "truthfulness"
SUITE_FILES = sorted(str(p) for p in SUITES.glob("test_t[1-7]_*.py"))
DATASETS = (t1_dataset, t2_dataset, t3_dataset, t4_dataset, t5_dataset, t6_dataset, t7_dataset)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("multitrust-truthfulness")
    for write in WRITERS.values():
        write(root)
    return root


def test_every_suite_runs_on_the_upstream_folder(pytester: pytest.Pytester, upstream: Path, mmtrust_cache_dir: Path) -> None:
    cache = mmtrust_cache_dir
    expected = {d.name: len(d.load(upstream, cache / "datasets")) for d in DATASETS}
    run = run_suites(pytester, SUITE_FILES, cache=cache, data=upstream, args=["-q"])
    run.result.assert_outcomes(passed=sum(expected.values()))
    tasks = run.tasks
    assert sorted(tasks) == sorted(expected)
    for task_id, count in expected.items():
        task = tasks[task_id]
        assert task["n_expected"] == count and sum(task["outcomes"].values()) == count, task_id
        assert task["value"] is not None and task["ci"][0] <= task["value"] <= task["ci"][1], task_id
    assert tasks["T.1"]["evaluator"] == "rules:answer+rules:box-iou"
    assert [c["condition"] for c in tasks["T.3"]["conditions"]] == ["plain", "enhanced", "guided"]
    assert {c["condition"] for c in tasks["T.4"]["conditions"]} == {"none", "related", "unrelated"}
    assert {c["condition"] for c in tasks["T.7"]["conditions"]} == {"none", "related", "misleading", "unrelated"}
    # the headline of T.4 is the assisted condition alone, of T.7 the misleading one
    for task_id, condition in (("T.4", "related"), ("T.7", "misleading")):
        (entry,) = [c for c in tasks[task_id]["conditions"] if c["condition"] == condition]
        assert tasks[task_id]["value"] == pytest.approx(entry["value"])


def test_a_missing_picture_errors_only_its_item(pytester: pytest.Pytester, upstream: Path, tmp_path: Path,
                                                mmtrust_cache_dir: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(upstream, root)
    missing = root / "truthfulness/misleading_images/confusion/camouflage_1.png"
    missing.unlink()
    result = run_suites(pytester, [SUITES / "test_t6_visual_confusion.py"], cache=mmtrust_cache_dir, data=root,
                        args=["-rE"]).result
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([f"*T.6/confusion-0002: *image not found: {missing.resolve()}*"])
