"""Every built-in suite runs on the default tiny model, end to end, offline.

One smoke run over all suites with ``--mmtrust-limit`` (the first cases of each task) keeps
this under a minute; each task family's own tests run its suite in full on a scripted model.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_mmtrust.testing import run_suites

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"


def suite_task_ids() -> set[str]:
    """Task ids declared in the suite files (read from the source, not imported)."""
    ids = set()
    for path in SUITES.rglob("test_*.py"):
        ids.update(re.findall(r'\bid="([A-Za-z][\w.\-]*)"', path.read_text(encoding="utf-8")))
    return ids


def test_all_suites_run_on_tiny_and_report_every_task(
    pytester: pytest.Pytester, tmp_path: Path, mmtrust_cache_dir: Path
) -> None:
    run = run_suites(pytester, [SUITES], cache=mmtrust_cache_dir, store=tmp_path / "s.sqlite",
                     args=["--mmtrust-limit", "2", "-q"])
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()[-3000:]
    assert run.report["model"] == "tiny"
    tasks = run.tasks
    assert set(tasks) >= suite_task_ids()
    for task in tasks.values():
        assert task["verdict"] in ("incomplete", "fail"), task["id"]  # a limited run never passes a gate
        assert task["n"] < task["n_expected"], task["id"]
    # pair-scored tasks (MLLMGuard noise/position) may have no whole pair in two cases: no value then
    valued = [t for t in tasks.values() if t["value"] is not None]
    assert all(t["ci"] is not None for t in valued) and len(valued) >= len(tasks) - 4


def test_installed_suites_are_collected_with_pyargs(pytester: pytest.Pytester, mmtrust_cache_dir: Path) -> None:
    result = pytester.runpytest_subprocess("--pyargs", "pytest_mmtrust.suites.safety", "--collect-only", "-q",
                                           "-m", "mmtrust_s4", "-p", "no:cacheprovider",
                                           "--mmtrust-cache-dir", str(mmtrust_cache_dir))
    assert result.ret == pytest.ExitCode.OK
    assert re.search(r"\d+/\d+ tests collected", result.stdout.str())
    assert "test_typographic_jailbreaking[S.4/" in result.stdout.str()


def test_every_suite_folder_is_a_package_so_it_is_installed() -> None:
    """setup.py installs suites/ as pytest_mmtrust.suites: a folder without __init__.py is left out."""
    folders = {path.parent for path in SUITES.rglob("test_*.py")}
    assert folders and all((folder / "__init__.py").is_file() for folder in folders)
