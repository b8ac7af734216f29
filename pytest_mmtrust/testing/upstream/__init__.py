"""Small data folders in the upstream benchmarks' own layouts, for tests (one module per family).

Each family module has one writer per task (``write_t1(root)`` …) and a ``WRITERS`` dict keyed by
our task ids; each writer lays out a handful of items in the files MMTrustEval's or MLLMGuard's
current loaders read (see the readers' docstrings for the formats and the upstream files they
follow). :data:`WRITERS` joins them, and :func:`write_folder` writes one ``--mmtrust-data`` folder
holding any subset of the tasks — all 45 for a whole-benchmark run, half of them to check that a
run goes on without the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from . import fairness, mllmguard, privacy, robustness, safety, truthfulness

#: Task id → the writer of its upstream files, for every built-in task.
WRITERS: dict[str, Callable[[Path], None]] = {
    **truthfulness.WRITERS, **safety.WRITERS, **robustness.WRITERS,
    **fairness.WRITERS, **privacy.WRITERS, **mllmguard.WRITERS,
}


def write_folder(root: Path, tasks: Iterable[str] | None = None) -> list[str]:
    """Write the upstream files of ``tasks`` (default: every task) under ``root``; the task ids written.

    Several MLLMGuard subtasks share one released folder, and several MultiTrust tasks share
    ``unrelated_images/``: writing one of them twice writes the same files again.
    """
    chosen = list(WRITERS) if tasks is None else list(tasks)
    unknown = [task for task in chosen if task not in WRITERS]
    if unknown:
        raise KeyError(f"no upstream writer for {', '.join(unknown)} (known: {', '.join(WRITERS)})")
    Path(root).mkdir(parents=True, exist_ok=True)
    for task in chosen:
        WRITERS[task](Path(root))
    return chosen
