"""Gates that cannot mean what they say: ids no task has, bounds no metric can reach.

A gate for ``X.9`` or ``s.4`` when the tasks are ``X.1`` and ``S.4`` would otherwise be ignored,
and the run would pass with the gate its author meant never checked. The known ids exist only
after collection (a user's suites declare their own tasks), so the plugin calls
:func:`check_gates` once they are known, before any model call, and a problem is a usage error
(exit code 4) naming where the gate was written and the nearest known ids.

Checked, for every gate written in ``[tool.mmtrust.gates]`` or with ``--mmtrust-gate`` and every
task's own default gate:

* the task id exists (among the tasks collected in this run or the built-in ones) — error;
* the bound lies in the metric's range (:func:`~pytest_mmtrust.metrics.value_range`): a
  refusal rate ``>=1.5`` can never pass, ``>=-0.1`` can never fail — error;
* the bound is on the metric's side: ``<=0.9`` on a higher-is-better metric fails a model for
  being *better* — a warning, since a ceiling can be meant (catching over-refusal).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Collection, Iterable, Mapping

from .gates import GateTable, Threshold, parse_threshold
from .metrics import Metric, value_range

__all__ = ["GateCheck", "check_gates", "nearest_ids", "range_problem", "direction_warning"]


@dataclass(frozen=True)
class GateCheck:
    """What :func:`check_gates` found: ``errors`` stop the run, ``warnings`` are printed."""

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def nearest_ids(task_id: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Known ids that look like ``task_id``: the same id in another case if there is one, else the
    most similar ones (difflib), compared as written and case-folded."""
    known = sorted(set(known))
    same = [k for k in known if k.lower() == task_id.lower()]
    if same:
        return same[:limit]
    close = difflib.get_close_matches(task_id, known, n=limit, cutoff=0.5)
    folded = {k.lower(): k for k in known}
    close += [folded[k] for k in difflib.get_close_matches(task_id.lower(), list(folded), n=limit, cutoff=0.5)]
    return list(dict.fromkeys(same + close))[:limit]


def range_problem(task_id: str, threshold: Threshold, metric: Metric) -> str | None:
    """Why ``threshold`` cannot be meant for ``metric`` (a bound outside its range), or None."""
    found = value_range(metric)
    if found is None:
        return None
    low, high = found
    if low <= threshold.bound <= high:
        return None
    if threshold.op in (">=", ">"):
        never = "pass" if threshold.bound > high else "fail"
    else:
        never = "pass" if threshold.bound < low else "fail"
    return (f"gate {threshold} for {task_id}: {metric.name} lies in [{low:g}, {high:g}], so this gate can never {never}"
            + ("; write the bound as a fraction (0.95, not 95)" if high <= 1 and 2 <= threshold.bound <= 100 else ""))


def direction_warning(task_id: str, threshold: Threshold, metric: Metric) -> str | None:
    """A note when the bound is on the side of the metric's better values, or None."""
    ceiling = threshold.op in ("<=", "<")
    if metric.direction == "higher" and ceiling:
        return (f"gate {threshold} for {task_id}: higher {metric.name} is better, so this gate fails a model for being "
                f"better than {threshold.bound:g}; if you meant a floor, write '>={threshold.bound:g}'")
    if metric.direction == "lower" and not ceiling:
        return (f"gate {threshold} for {task_id}: lower {metric.name} is better, so this gate fails a model for being "
                f"better than {threshold.bound:g}; if you meant a ceiling, write '<={threshold.bound:g}'")
    return None


def check_gates(
    gates: GateTable,
    known_ids: Collection[str],
    metrics: Mapping[str, Metric],
    default_gates: Mapping[str, str | None],
    *,
    collected: int = 0,
) -> GateCheck:
    """Check configured gates against the known task ids and every gate against its metric.

    ``known_ids``: every id a gate may name (collected and built-in); ``metrics`` and
    ``default_gates``: what is known of those tasks (a task missing from ``metrics`` is not
    range-checked); ``collected`` is how many tasks this run collected, for the message.
    """
    from .multitrust import is_aggregate_gate  # its own names are checked by the aggregate

    errors: list[str] = []
    warnings: list[str] = []
    named = list(dict.fromkeys([*gates.thresholds, *gates.modes]))
    for task_id in named:
        if task_id in known_ids or is_aggregate_gate(task_id):  # ``multitrust`` gates name no task
            continue
        place = gates.sources.get(task_id, f"gate {task_id!r}")
        nearest = nearest_ids(task_id, known_ids)
        hint = f"; did you mean {' or '.join(nearest)}?" if nearest else ""
        errors.append(f"{place}: no task {task_id!r} among the {collected} task(s) collected in this run "
                      f"or the built-in tasks{hint}")
    for task_id, metric in metrics.items():
        threshold = gates.thresholds.get(task_id)
        where: str | None = gates.sources.get(task_id)
        if threshold is None and default_gates.get(task_id):
            where = f"task {task_id}'s default gate"
            try:
                threshold = parse_threshold(str(default_gates[task_id]), where)
            except Exception as exc:  # a malformed default is the suite author's error, named as such
                errors.append(str(exc))
                continue
        if threshold is None:
            continue
        problem = range_problem(task_id, threshold, metric)
        if problem:
            errors.append(f"{where}: {problem}" if where else problem)
            continue
        note = direction_warning(task_id, threshold, metric)
        if note:
            warnings.append(note)
    return GateCheck(tuple(errors), tuple(warnings))
