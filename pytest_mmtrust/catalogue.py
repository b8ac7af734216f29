"""The built-in tasks, found in the installed suites; and their tables for the README.

``python -m pytest_mmtrust.catalogue`` prints the Markdown table that the README carries
between its ``catalogue`` markers; ``python -m pytest_mmtrust.catalogue files`` prints where each
task lives (its suite file and the modules of its data, evaluator and metric), the table between
the ``task-files`` markers. Tests check both agree with the README, so it cannot drift from the
suites. The file table is derived from the objects a task is made of, not written by hand: a
task whose generator or evaluator moves is listed in its new home at once.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from .metrics import load_callable
from .task import Task, default_request

ARROW = {"higher": "↑", "lower": "↓"}


@lru_cache(maxsize=1)
def builtin_tasks() -> dict[str, Task]:
    """Task id → Task for every task declared in ``pytest_mmtrust.suites``, in report order."""
    from . import suites  # type: ignore[attr-defined]
    from .summary import _task_order

    found: dict[str, Task] = {}
    for module_info in pkgutil.walk_packages(suites.__path__, prefix=f"{suites.__name__}."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, Task):
                found[value.id] = value
    return {task_id: found[task_id] for task_id in sorted(found, key=_task_order)}


def catalogue_markdown() -> str:
    """One row per built-in task: id, name, aspect, metric with direction, default gate, conditions."""
    rows = ["| task | name | aspect | metric | default gate | conditions |", "|---|---|---|---|---|---|"]
    for task in builtin_tasks().values():
        conditions = ", ".join(task.conditions) or "—"
        metric = f"{task.metric.name} {ARROW[task.metric.direction]}"
        rows.append(f"| {task.id} | {task.name} | {task.aspect} | {metric} | `{task.gate or '—'}` | {conditions} |")
    return "\n".join(rows)


def task_modules(task: Task) -> list[str]:
    """The plugin's own modules a task is built from, in reading order: its data (generator,
    upstream reader), its request builder, its evaluator (and what that delegates to), its metric.
    Shared modules count only when a task-specific piece lives there."""
    found: list[str] = []
    for part in _parts(task):
        module = _module_of(part)
        if module and module.startswith(__package__ + ".") and module not in found and ".suites." not in module:
            found.append(module)
    return found


def _module_of(part: Any) -> str | None:
    """Where a callable was written: a function's module, a partial's function's, a method's
    class's, an object's class's."""
    while isinstance(part, functools.partial):
        part = part.func
    if inspect.ismethod(part):
        part = part.__func__
    if inspect.isfunction(part):
        return part.__module__
    return type(part).__module__


def _parts(task: Task) -> Iterator[Any]:
    yield task.dataset.generate
    if task.dataset.upstream is not None:
        yield task.dataset.upstream
    if task.build_request is not default_request:
        yield task.build_request
    yield from _evaluator_parts(task.evaluator)
    if task.metric.kind == "callable":
        yield task.metric.function or load_callable(str(task.metric.params.get("function", "")), "metric function")


def _evaluator_parts(evaluator: Any) -> Iterator[Any]:
    """The evaluator, the evaluators it delegates to and its rubric's reference function."""
    wrapped = getattr(evaluator, "default", None)
    if wrapped is not None:  # a scoring-profile wrapper (scoring.profiled): the task is what it wraps
        yield from _evaluator_parts(wrapped)
        return
    yield evaluator
    for attribute in ("rules", "evaluators"):
        inner = getattr(evaluator, attribute, None)
        if isinstance(inner, dict):
            for delegate in inner.values():
                yield from _evaluator_parts(delegate)
        elif inner is not None:
            yield from _evaluator_parts(inner)
    rubric = getattr(evaluator, "rubric", None)
    reference = getattr(rubric, "reference", None)
    if inspect.isfunction(reference):
        yield reference


def module_path(module_name: str) -> str:
    """A module's file relative to the checkout (suites as ``suites/…``)."""
    file = Path(sys.modules[module_name].__file__ or "")
    parts = file.with_suffix("").parts
    package = __package__ or "pytest_mmtrust"
    if package in parts:
        relative = Path(*parts[parts.index(package):])
        if relative.parts[1:2] == ("suites",):
            relative = Path("suites", *relative.parts[2:])
        return f"{relative.as_posix()}.py"
    return file.as_posix()


def suite_file(task: Task) -> str:
    """The suite file that declares ``task`` (found by scanning the suite modules)."""
    from . import suites  # type: ignore[attr-defined]

    for module_info in pkgutil.walk_packages(suites.__path__, prefix=f"{suites.__name__}."):
        module = importlib.import_module(module_info.name)
        if any(value is task for value in vars(module).values()):
            file = Path(module.__file__ or "")
            return f"suites/{file.parent.name}/{file.name}"
    return "—"


def files_markdown() -> str:
    """One row per built-in task: its suite file and the modules it is made of."""
    rows = ["| task | suite | data, evaluator, metric |", "|---|---|---|"]
    for task in builtin_tasks().values():
        modules = ", ".join(f"`{module_path(name)}`" for name in task_modules(task))
        rows.append(f"| {task.id} | `{suite_file(task)}` | {modules} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(files_markdown() if sys.argv[1:] == ["files"] else catalogue_markdown())
