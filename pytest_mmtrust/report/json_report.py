"""The JSON report (``--mmtrust-json``): a documented schema, stable keys.

Schema 1, top level: ``schema``, ``model``, ``model_version``, ``model_identity`` (what the
response store keyed the answers by), ``scoring`` (the scoring profile), ``tasks`` (list), ``totals``, ``reused`` (answers reused
from the store: ``answers``, ``of``, ``first_stored``, ``last_stored`` (UTC), ``runs``,
``unknown_run``), ``baseline`` (the baseline file compared with, or null), ``notes`` (how the run
differs from its baseline), ``warnings`` (what a reader must not miss), ``timing`` (the only
part that changes between identical runs: ``started``, ``duration_s``, ``run_id``). Per task: ``id``, ``name``, ``aspect``, ``metric``,
``direction``, ``value``, ``ci``, ``n``, ``n_expected``, ``gate``, ``baseline``, ``delta``,
``delta_ci``, ``verdict``, ``reasons``, ``baseline_problem`` (why the baseline could not be
compared with this task, or null), the baseline test (``significant``, ``test``,
``p_value``, ``p_adjusted`` (Holm), ``alpha``, ``alpha_adjusted``, ``n_paired``), ``epochs``,
``interval`` (how the CI was computed), ``evaluator``, ``unscorable`` (answers the evaluator
could not score: ``count``, ``share``, ``outcomes``, ``rule`` — how the metric counted them), ``conditions`` (per image condition:
value, ci, n, delta, delta_ci, method, p_value, n_paired), ``outcomes`` (counts per outcome word), ``cached``, ``usage``.
``scoring`` is the profile (``default`` or ``upstream``; per task too, with ``parts``: each
sub-dataset's value where the task has several). ``multitrust`` (when MultiTrust tasks ran or the
aggregate is gated): ``overall`` and ``subaspects`` (0–100, 95% interval), ``tasks``, ``partial``,
``missing``, ``incomplete``, ``gates`` and ``not_comparable`` (see :mod:`pytest_mmtrust.multitrust`).
``mllmguard`` (when MLLMGuard tasks ran): ASD and PAR with intervals per dimension, per
language and overall (see :func:`pytest_mmtrust.mllmguard.aggregate.aggregate`). Top-level ``usage`` has the run's tokens and cost: ``total`` (spent on this run's calls and
reused from the store) and per task.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..redaction import redact
from ..summary import RunSummary, TaskResult
from .usage import usage_json

SCHEMA = 1


def task_json(task: TaskResult) -> dict[str, Any]:
    return {
        "id": task.id,
        "name": task.name,
        "aspect": task.aspect,
        "metric": task.metric.name,
        "direction": task.metric.direction,
        "value": task.value.value,
        "ci": list(task.value.ci) if task.value.ci else None,
        "n": task.value.n,
        "n_expected": task.n_expected,
        "gate": str(task.threshold) if task.threshold else None,
        "baseline": task.decision.baseline_value,
        "delta": task.decision.delta,
        "delta_ci": list(task.decision.delta_ci) if task.decision.delta_ci else None,
        "verdict": task.decision.verdict,
        "reasons": list(task.decision.reasons),
        "baseline_problem": task.decision.baseline_problem,
        "significant": task.decision.significant,
        "test": task.decision.test,
        "p_value": task.decision.p_value,
        "p_adjusted": task.decision.p_adjusted,
        "alpha": task.decision.alpha,
        "alpha_adjusted": task.decision.alpha_adjusted,
        "n_paired": task.decision.n_paired,
        "epochs": task.epochs,
        "interval": task.value.extra.get("interval"),
        "evaluator": task.evaluator,
        "unscorable": {
            "count": task.unscorable,
            "share": task.unscorable / len(task.records) if task.records else None,
            "outcomes": dict(task.unscorable_outcomes),
            "rule": task.unscorable_rule,
        },
        "conditions": [
            {
                "condition": c.condition,
                "value": c.metric.value,
                "ci": list(c.metric.ci) if c.metric.ci else None,
                "n": c.metric.n,
                "delta": c.delta,
                "delta_ci": list(c.delta_ci) if c.delta_ci else None,
                "method": c.method,
                "p_value": c.p_value,
                "n_paired": c.n_paired,
            }
            for c in task.conditions
        ],
        "details": {k: v for k, v in task.value.extra.items()},
        "scoring": task.scoring,
        "parts": dict(task.parts) if task.parts else None,
        "outcomes": dict(task.outcomes),
        "cached": task.cached,
        "usage": dict(task.usage),
    }


def report_json(summary: RunSummary, timing: dict[str, Any] | None = None) -> dict[str, Any]:
    tasks = [task_json(t) for t in summary.tasks]
    out = {
        "schema": SCHEMA,
        "model": summary.model,
        "model_version": summary.model_version,
        "model_identity": summary.identity,
        "scoring": summary.scoring,
        "tasks": tasks,
        "totals": {
            "tasks": len(summary.tasks),
            "items": summary.n_items,
            "cached": summary.n_cached,
            "failed_gates": summary.failed_gates,
        },
        "usage": usage_json(summary),
        "reused": summary.reuse.to_json(),
        "baseline": summary.baseline_path,
        "notes": list(summary.notes),
        "warnings": list(summary.warnings),
        "timing": timing or {},
    }
    if summary.multitrust is not None:
        from .multitrust_view import not_comparable

        out["multitrust"] = {**summary.multitrust.to_json(), "not_comparable": not_comparable(summary)}
    if any(t["id"].startswith("G.") for t in tasks):
        from ..mllmguard.aggregate import aggregate

        out["mllmguard"] = aggregate(tasks)
    return out


def write_json(path: Path, summary: RunSummary, timing: dict[str, Any] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(report_json(summary, timing), indent=2, sort_keys=False, ensure_ascii=False, default=str)
    tmp.write_text(redact(text) + "\n", encoding="utf-8")  # secrets blanked (pytest_mmtrust.redaction)
    tmp.replace(path)
