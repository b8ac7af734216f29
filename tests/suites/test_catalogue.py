"""The README's task catalogue is the one the suites declare."""

from __future__ import annotations

from pathlib import Path

from pytest_mmtrust.catalogue import builtin_tasks, catalogue_markdown, files_markdown, task_modules

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_catalogue_matches_the_suites() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- catalogue:start -->\n", "\n<!-- catalogue:end -->"
    assert start in text and end in text, "README lacks the catalogue markers"
    shown = text.split(start, 1)[1].split(end, 1)[0]
    assert shown == catalogue_markdown(), "run: python -m pytest_mmtrust.catalogue, and paste it into README.md"


def test_readme_task_files_match_the_suites() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- task-files:start -->\n", "\n<!-- task-files:end -->"
    assert start in text and end in text, "README lacks the task-files markers"
    shown = text.split(start, 1)[1].split(end, 1)[0]
    assert shown == files_markdown(), "run: python -m pytest_mmtrust.catalogue files, and paste it into README.md"


def test_every_task_lists_existing_files_in_its_family() -> None:
    root = README.parent
    for task in builtin_tasks().values():
        modules = task_modules(task)
        assert modules, task.id
        for name in modules:
            assert (root / (name.replace(".", "/") + ".py")).is_file(), (task.id, name)
        family = "mllmguard" if task.aspect == "mllmguard" else task.aspect
        # the generator of every built-in task lives in its own family's package
        assert modules[0].startswith(f"pytest_mmtrust.{family}."), (task.id, modules[0])


def test_task_ids_are_unique_and_every_task_has_a_gate() -> None:
    tasks = builtin_tasks()
    assert len(tasks) >= 18
    assert all(task.gate for task in tasks.values())
