"""The markers pytest-mmtrust puts on benchmark items, so ``-m`` can select them.

One home for their names and descriptions: the plugin registers them (so ``--strict-markers``
accepts them, and ``pytest --markers`` lists them) and the API reference (``docs/api.md``)
lists them from here, so the two cannot disagree. Nothing here knows pytest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .task import ASPECTS

if TYPE_CHECKING:
    from .task import Task

#: The marker every benchmark item carries: ``-m mmtrust`` selects them all, ``-m "not mmtrust"`` none.
ITEM_MARKER = "mmtrust"


def aspect_marker(aspect: str) -> str:
    """The marker of every item of an aspect: ``safety`` → ``mmtrust_safety``."""
    return f"{ITEM_MARKER}_{aspect}"


def tag_marker(tag: str) -> str:
    """The marker of every item of the tasks tagged ``tag``: ``judge`` → ``mmtrust_judge``."""
    return f"{ITEM_MARKER}_{tag}"


def run_markers() -> list[tuple[str, str]]:
    """``(name, description)`` of the markers registered when pytest starts: ``mmtrust`` and one
    per aspect in :data:`~pytest_mmtrust.task.ASPECTS`."""
    markers = [(ITEM_MARKER, "a pytest-mmtrust benchmark item")]
    markers += [(aspect_marker(aspect), f"pytest-mmtrust items of the {aspect} aspect") for aspect in ASPECTS]
    return markers


def task_markers(task: Task) -> list[tuple[str, str]]:
    """``(name, description)`` of the markers a task adds when it is collected: its own
    (:attr:`Task.marker <pytest_mmtrust.Task.marker>`: ``S.4`` → ``mmtrust_s4``,
    ``G.privacy.personal`` → ``mmtrust_g_privacy_personal``) and one per entry of ``Task.tags``
    (``tags=("judge",)`` → ``mmtrust_judge``, shared by every task with that tag)."""
    markers = [(task.marker, f"pytest-mmtrust task {task.id}: {task.name}")]
    markers += [(tag_marker(tag), f"pytest-mmtrust items tagged {tag}") for tag in task.tags]
    return markers


def item_markers(task: Task) -> list[str]:
    """Every marker an item of ``task`` carries, in order: ``mmtrust``, its aspect's, its task's
    and one per tag — ``-m "mmtrust_safety and not mmtrust_judge"`` combines them."""
    return [ITEM_MARKER, aspect_marker(task.aspect)] + [name for name, _ in task_markers(task)]
