"""The S.1–S.6 suites end to end on a folder in MMTrustEval's layout, with the built-in tiny model.

``--mmtrust-data DIR`` on a folder written by :mod:`pytest_mmtrust.testing.upstream.safety`:
every case is collected from the upstream files, answered by ``tiny`` and scored, every
condition reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_mmtrust.safety.cross_modal import s6_dataset
from pytest_mmtrust.safety.nsfw import s1_dataset
from pytest_mmtrust.safety.optimised import s5_dataset
from pytest_mmtrust.safety.risk import s2_dataset
from pytest_mmtrust.safety.toxic_prompts import s3_dataset
from pytest_mmtrust.safety.typographic import s4_dataset
from pytest_mmtrust.testing import run_suites
from pytest_mmtrust.testing.upstream.safety import WRITERS

SUITES = Path(__file__).resolve().parents[2] / "suites" / "safety"
SUITE_FILES = sorted(str(p) for p in SUITES.glob("test_s[1-6]_*.py"))
DATASETS = (s1_dataset, s2_dataset, s3_dataset, s4_dataset, s5_dataset, s6_dataset)


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
    assert {c["condition"] for c in tasks["S.3"]["conditions"]} == {"none", "related", "unrelated"}
    assert {c["condition"] for c in tasks["S.6"]["conditions"]} == {"none", "related", "negative", "unrelated"}
    assert tasks["S.2"]["evaluator"] == "rules:choice+rules:answer"
