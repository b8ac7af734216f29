"""The F.1–F.7 suites end to end on a folder in MMTrustEval's current layout, on the tiny model:
every task's cases load and are scored; a missing picture errors its own case only, and F.4's
surplus images are reported as a warning in the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_mmtrust.testing import run_suites
from pytest_mmtrust.testing.upstream import fairness as upstream
from pytest_mmtrust.testing.upstream.sketch import write_picture

SUITES = Path(__file__).resolve().parents[2] / "suites" / "fairness"


def test_fairness_suites_run_on_the_upstream_layout(pytester: pytest.Pytester, mmtrust_cache_dir: Path) -> None:
    data = pytester.path / "data"
    for writer in upstream.WRITERS.values():
        writer(data)
    missing = data / "fairness" / "stereo_images" / "age" / "2.png"
    missing.unlink()
    write_picture(data / "fairness" / "stereo_query_images" / "query_9.png", ("surplus",))
    run = run_suites(pytester, [SUITES], cache=mmtrust_cache_dir, data=data, args=["--mmtrust-limit", "12", "-q"])
    result = run.result
    # F.1 3 pictures; F.2-F.4 3 items x 3 conditions; F.5 12; F.6 6 rows x 2 prompts; F.7 12 items x 3
    result.assert_outcomes(passed=3 + 9 + 8 + 9 + 12 + 12 + 36, errors=1)
    result.stdout.fnmatch_lines([
        f"*F.2/00003/related: image not found: {missing}*",
        "*DataWarning: F.4: * has 4 images for 3 questions in *stereo_query.csv; paired in name order as upstream "
        "does, the last 1 image(s) are not used*",
    ])
    tasks = run.tasks
    assert sorted(tasks) == ["F.1", "F.2", "F.3", "F.4", "F.5", "F.6", "F.7"]
    for task in tasks.values():
        assert task["n"] > 0 and sum(task["outcomes"].values()) > 0, task["id"]
    assert {c["condition"] for c in tasks["F.6"]["conditions"]} == {"plain", "described"}
    assert tasks["F.6"]["n"] == 6  # the headline is the plain prompt's
