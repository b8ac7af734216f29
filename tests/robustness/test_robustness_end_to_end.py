"""The R.1–R.6 suites end to end on a folder in MMTrustEval's layout, with the built-in tiny model.

``--mmtrust-data DIR`` on a folder written by :mod:`pytest_mmtrust.testing.upstream.robustness`:
every case is collected from the upstream files, answered by ``tiny`` and scored, every
condition reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_mmtrust.robustness.adversarial import r4_dataset, r5_dataset
from pytest_mmtrust.robustness.adversarial_text import r6_dataset
from pytest_mmtrust.robustness.artistic import r1_dataset
from pytest_mmtrust.robustness.ood_text import r3_dataset
from pytest_mmtrust.robustness.sensor import r2_dataset
from pytest_mmtrust.testing import run_suites
from pytest_mmtrust.testing.upstream.robustness import WRITERS

SUITES = Path(__file__).resolve().parents[2] / "suites" / "robustness"
SUITE_FILES = sorted(str(p) for p in SUITES.glob("test_r[1-6]_*.py"))
DATASETS = (r1_dataset, r2_dataset, r3_dataset, r4_dataset, r5_dataset, r6_dataset)


def test_every_suite_runs_on_the_upstream_folder(pytester: pytest.Pytester, tmp_path: Path, mmtrust_cache_dir: Path) -> None:
    root = tmp_path / "data"
    for write in WRITERS.values():
        write(root)
    cache = mmtrust_cache_dir
    expected = {d.name: len(d.load(root, cache / "datasets")) for d in DATASETS}
    run = run_suites(pytester, SUITE_FILES, cache=cache, data=root, args=["-q"])
    run.result.assert_outcomes(passed=sum(expected.values()))
    tasks = run.tasks
    assert sorted(tasks) == sorted(expected)
    for task_id, count in expected.items():
        task = tasks[task_id]
        assert task["n_expected"] == count and sum(task["outcomes"].values()) == count, task_id
        assert task["value"] is not None and task["ci"][0] <= task["value"] <= task["ci"][1], task_id
    assert [c["condition"] for c in tasks["R.1"]["conditions"]] == ["cartoon", "handmake", "painting", "sketch", "tattoo", "weather"]
    for task_id in ("R.3", "R.6"):
        assert {c["condition"] for c in tasks[task_id]["conditions"]} == {"none", "related", "unrelated"}
    assert {c["condition"] for c in tasks["R.4"]["conditions"]} == {"clean", "untargeted"}
    assert {c["condition"] for c in tasks["R.5"]["conditions"]} == {"clean", "targeted"}
