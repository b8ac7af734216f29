"""Per-part results beside a task's pooled headline: T.1 per part, T.6 per kind, P.1 per source.

MultiTrust reports several tasks per sub-dataset (upstream's results file: ``d-basic-object``,
``advanced-spatial``, ``vizwiz-recognition``…) or per category (T.6's ``kind``), and its
leaderboard averages those parts rather than pooling their items. The reports show both: the
pooled headline and, here, each part's value with its interval and size. A part is
``metadata["part"]`` (what the upstream readers set), else the task's own key
(:data:`pytest_mmtrust.multitrust_rules.PART_KEYS`: T.1/T.2 ``question_kind``, T.6 ``kind`` or
``illusion``, R.2 ``sensor``). R.1's styles are its image conditions, reported as such.

Computed for tasks whose headline is a proportion over answers (accuracy, a rate); a task with
one part (or none) gets no breakdown. P.1/P.2 parts carry precision, recall and F1 too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

from ..metrics import Metric, delta_kind
from ..records import ScoreRecord


def part_breakdown(task_id: str, metric: Metric, records: Sequence[ScoreRecord]) -> dict[str, Any]:
    """``{"key": KEY, "parts": {part: {"value", "ci", "n", …}}}``, or ``{}`` with fewer than two parts."""
    from ..multitrust_nodes import first_value
    from ..multitrust_rules import PART_KEYS

    if delta_kind(metric) != "proportion" and metric.kind != "proportion":
        return {}
    keys = PART_KEYS.get(task_id, ("part",))
    groups: dict[str, list[ScoreRecord]] = defaultdict(list)
    used_key = None
    for record in records:
        for key in keys:
            value = (record.metadata or {}).get(key)
            if value is not None and value != "":
                used_key = used_key or key
                break
        part = first_value(record, keys)
        if part is not None:
            groups[part].append(record)
    if len(groups) < 2:
        return {}
    parts = {}
    for part in sorted(groups):
        value = metric.compute(groups[part])
        entry: dict[str, Any] = {"value": value.value, "ci": list(value.ci) if value.ci else None, "n": value.n}
        for extra in ("precision", "recall", "f1"):
            if extra in value.extra:
                entry[extra] = value.extra[extra]
        parts[part] = entry
    return {"key": used_key, "parts": parts}
