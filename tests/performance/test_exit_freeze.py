"""The heap is frozen at the interpreter's exit after a benchmark session, and only then.

Each run is a real ``pytest`` subprocess: what happens at exit cannot be seen in-process. A
conftest registers its own ``atexit`` handler when it is imported, before the plugin registers
the freeze, so it runs after it (``atexit`` runs last-registered first) and writes what it sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from perf_helpers import suite_source

CONFTEST = '''
import atexit, gc, json, os

def _write():
    with open(os.environ["EXIT_LOG"], "a") as fh:
        fh.write(json.dumps(gc.get_freeze_count() > 0) + "\\n")

atexit.register(_write)
'''

PLAIN = '''
def test_plain():
    pass
'''


@pytest.fixture
def exit_log(pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(instantmodel="def ok(request):\n    return 'ok'\n")
    pytester.syspathinsert()
    log = tmp_path / "exit.jsonl"
    monkeypatch.setenv("EXIT_LOG", str(log))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    return log


def test_a_benchmark_run_leaves_its_heap_to_the_operating_system_at_exit(
    pytester: pytest.Pytester, tmp_path: Path, exit_log: Path
) -> None:
    pytester.makepyfile(test_toy=suite_source(5))
    args = ["-p", "pytest_mmtrust.plugin", "--mmtrust-model=py:instantmodel:ok", f"--mmtrust-cache-dir={tmp_path / 'cache'}",
            f"--mmtrust-store={tmp_path / 'store.sqlite'}", "-p", "no:cacheprovider"]
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=5)
    assert json.loads(exit_log.read_text()) is True
    # everything the run stored was committed before the exit: a rerun finds all five answers
    rerun = pytester.runpytest_subprocess(*args)
    rerun.assert_outcomes(passed=5)
    rerun.stdout.fnmatch_lines(["*5 cached*0 sent*"])


@pytest.mark.parametrize("args", [[], ["--mmtrust-model=py:instantmodel:ok"]], ids=["no-model", "model"])
def test_a_run_without_benchmark_tasks_exits_as_pytest_does(
    pytester: pytest.Pytester, exit_log: Path, args: list[str]
) -> None:
    pytester.makepyfile(test_plain=PLAIN)
    result = pytester.runpytest_subprocess("-p", "pytest_mmtrust.plugin", "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    assert json.loads(exit_log.read_text()) is False


def test_under_xdist_the_controller_and_every_worker_freeze_at_exit(
    pytester: pytest.Pytester, tmp_path: Path, exit_log: Path
) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_toy=suite_source(6))
    result = pytester.runpytest_subprocess(
        "-p", "pytest_mmtrust.plugin", "-p", "xdist.plugin", "-n", "2", "--mmtrust-model=py:instantmodel:ok",
        f"--mmtrust-cache-dir={tmp_path / 'cache'}", f"--mmtrust-store={tmp_path / 'store.sqlite'}",
        "-p", "no:cacheprovider",
    )
    result.assert_outcomes(passed=6)
    assert [json.loads(line) for line in exit_log.read_text().splitlines()] == [True, True, True]
