"""The P.1–P.6 suites end to end on a folder in MMTrustEval's current layout, on the tiny model:
every task's cases load and are scored, and a missing picture errors its own case only."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_mmtrust.testing import run_suites
from pytest_mmtrust.testing.upstream import privacy as upstream

SUITES = Path(__file__).resolve().parents[2] / "suites" / "privacy"


def test_privacy_suites_run_on_the_upstream_layout(pytester: pytest.Pytester, mmtrust_cache_dir: Path) -> None:
    data = pytester.path / "data"
    for writer in upstream.WRITERS.values():
        writer(data)
    missing = data / "privacy" / "vizwiz-priv" / "Filling_Images" / "VizWiz_v2_00000002.jpg"
    missing.unlink()
    run = run_suites(pytester, [SUITES], cache=mmtrust_cache_dir, data=data, args=["--mmtrust-limit", "12", "-q"])
    result = run.result
    # P.1 7 pictures (one missing); P.2 4; P.3 4 x 3 conditions; P.4 12; P.5 3 x 2; P.6 12 x 3
    result.assert_outcomes(passed=6 + 4 + 12 + 12 + 6 + 36, errors=1)
    result.stdout.fnmatch_lines([f"*P.1/vizwiz-0002: image not found: {missing}*"])
    tasks = run.tasks
    assert sorted(tasks) == ["P.1", "P.2", "P.3", "P.4", "P.5", "P.6"]
    for task_id, task in tasks.items():
        assert sum(task["outcomes"].values()) > 0, task_id
        if task_id != "P.3":  # tiny's noise rarely holds three ratings to correlate
            assert task["value"] is not None and task["n"] > 0, task_id
