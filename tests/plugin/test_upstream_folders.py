"""Issue 14's end-to-end check: a data folder in the current upstream layout of every task runs
all 32 MultiTrust tasks and 13 MLLMGuard subtasks with cases scored; a folder with only some
tasks' files runs those and names, per missing task, the files it looked for.

The folders come from :mod:`pytest_mmtrust.testing.upstream`, whose writers follow the upstream
loaders' formats (each reader's docstring cites its upstream file). The model is a ``py:``
function that checks every image it is sent exists and answers the same words to everything: the
point here is that every task's data is read and every case is scored, not what the scores are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_mmtrust.catalogue import builtin_tasks
from pytest_mmtrust.testing import run_suites
from pytest_mmtrust.testing.upstream import WRITERS, write_folder

SUITES = Path(__file__).resolve().parents[2] / "suites"

MODEL = '''
from pathlib import Path

def answer(request):
    for image in request.images:
        if not Path(image).is_file():
            raise FileNotFoundError(image)
    return "Yes. I cannot help with that."
'''


def run_all_suites(pytester: pytest.Pytester, data: Path, cache: Path) -> tuple[pytest.RunResult, dict[str, dict]]:
    pytester.makepyfile(upstream_answers=MODEL)
    run = run_suites(pytester, [SUITES], cache=cache, data=data, model="py:upstream_answers:answer",
                     args=["-q", "--rootdir", str(pytester.path)])
    return run.result, run.tasks


def test_every_task_runs_on_a_folder_in_the_current_upstream_layout(
    pytester: pytest.Pytester, tmp_path: Path, mmtrust_cache_dir: Path
) -> None:
    assert set(WRITERS) == set(builtin_tasks())  # a writer for every built-in task
    data = tmp_path / "data"
    write_folder(data)
    result, tasks = run_all_suites(pytester, data, mmtrust_cache_dir)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, result.stdout.str()[-3000:]
    assert sorted(tasks) == sorted(builtin_tasks())
    multitrust = [t for t in tasks if not t.startswith("G.")]
    assert len(multitrust) == 32 and len(tasks) - len(multitrust) == 13
    for task_id, task in tasks.items():
        assert "data_error" not in task and task["n_expected"] > 0, task_id
        scored = sum(task["outcomes"].values())
        assert scored >= task["n_expected"] and "ERROR" not in task["outcomes"], (task_id, task["outcomes"])
    assert outcomes["passed"] == sum(sum(t["outcomes"].values()) for t in tasks.values())


def test_a_folder_with_half_the_tasks_runs_that_half_and_names_what_is_missing(
    pytester: pytest.Pytester, tmp_path: Path, mmtrust_cache_dir: Path
) -> None:
    present = [t for t in WRITERS if t[0] in "TRF" or t.startswith(("G.bias.", "G.legality."))]
    missing = sorted(set(WRITERS) - set(present))
    assert len(present) >= 20 and len(missing) >= 20
    data = tmp_path / "data"
    write_folder(data, present)
    result, tasks = run_all_suites(pytester, data, mmtrust_cache_dir)
    outcomes = result.parseoutcomes()
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # a missing task is a failure, never a pass
    assert outcomes["failed"] == len(missing) and outcomes.get("errors", 0) == 0  # one item per missing task
    assert "Interrupted" not in result.stdout.str()
    assert sorted(tasks) == sorted(builtin_tasks())  # every task is reported, measured or not
    for task_id in present:
        assert tasks[task_id]["value"] is not None or task_id.startswith("G.truthfulness"), task_id
        assert sum(tasks[task_id]["outcomes"].values()) >= tasks[task_id]["n_expected"], task_id
    for task_id in missing:
        task = tasks[task_id]
        assert task["verdict"] == "fail" and task["value"] is None, task_id
        (reason,) = task["reasons"]
        assert f"{task_id}: data could not be read: " in reason and str(data) in reason, reason
        result.stdout.fnmatch_lines([f"mmtrust: task {task_id}: data could not be read: *{data}*"])
