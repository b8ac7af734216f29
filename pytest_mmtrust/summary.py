"""The controller's view of a run: records + task metadata → per-task results and verdicts.

Runs only where gates are decided (the controller, or the single process without xdist).
Knows nothing of pytest; the reports render a :class:`RunSummary`.

Order of work: fold the epochs of each case into one record (the case is the statistical unit),
compute each task's metric, run every task's baseline regression test, Holm-correct those
p-values together (one family per run), then decide each gate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .gates import (
    BaselineEntry,
    GateDecision,
    RegressionTest,
    Threshold,
    decide,
    gate_settings,
    holm,
    parse_threshold,
    regression_test,
)
from .metrics import ConditionDelta, Metric, MetricValue, aggregate_epochs, condition_deltas, epochs_aggregated, has_epochs
from .records import ScoreRecord
from .scoring import DEFAULT

if TYPE_CHECKING:
    from .multitrust import MultiTrustScore


@dataclass(frozen=True)
class TaskResult:
    """One task's outcome: metric, interval, per-condition values, gate and verdict."""

    id: str
    name: str
    aspect: str
    metric: Metric
    evaluator: str
    value: MetricValue
    n_expected: int
    threshold: Threshold | None
    decision: GateDecision
    conditions: tuple[ConditionDelta, ...] = ()
    records: tuple[ScoreRecord, ...] = ()
    cached: int = 0
    outcomes: Mapping[str, int] = field(default_factory=dict)
    usage: Mapping[str, float] = field(default_factory=dict)
    epochs: int = 1
    case_values: Mapping[str, float | None] = field(default_factory=dict)
    scoring: str = DEFAULT
    note: str = ""
    parts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunSummary:
    """Every task's result; ``scoring`` is the profile they were scored in and ``multitrust`` the
    MultiTrust aggregate (None when no MultiTrust task ran)."""

    model: str
    tasks: tuple[TaskResult, ...]
    scoring: str = DEFAULT
    multitrust: "MultiTrustScore | None" = None

    @property
    def failed(self) -> list[TaskResult]:
        return [t for t in self.tasks if t.decision.failed]

    @property
    def failed_gates(self) -> list[str]:
        """The names of every failed gate: task ids, then aggregate gates (``multitrust`` …)."""
        return [t.id for t in self.failed] + (self.multitrust.failed if self.multitrust else [])

    @property
    def n_items(self) -> int:
        return sum(t.value.n for t in self.tasks)

    @property
    def n_cached(self) -> int:
        return sum(t.cached for t in self.tasks)


def summarise(
    model: str,
    task_meta: Mapping[str, Mapping[str, Any]],
    expected: Mapping[str, int],
    records: Sequence[ScoreRecord],
    gates: Mapping[str, Threshold],
    baseline: Mapping[str, BaselineEntry] | None,
    max_drop: float,
    *,
    alpha: float | None = None,
    scoring: str = DEFAULT,
    resamples: int | None = None,
) -> RunSummary:
    """Compute every task's metric, decide its gate, and the MultiTrust aggregate and its gates.

    ``gates`` may be a :class:`~pytest_mmtrust.gates.GateTable` (from Settings), which also
    carries ``alpha`` and the default mode; ``alpha`` here overrides it. ``expected`` counts
    *cases* per task: with epochs, a case asked K times still counts once. ``scoring`` is the
    profile (``default`` or ``upstream``): it picks each MultiTrust task's upstream headline
    where the profiles differ (:mod:`pytest_mmtrust.scoring.upstream_metrics`) and the
    aggregate's arithmetic; ``resamples`` overrides the aggregate's bootstrap size.
    """
    from .multitrust import RESAMPLES, decide_gates, empty_score, is_aggregate_gate, multitrust_score
    from .scoring.parts import part_breakdown
    from .scoring.upstream_metrics import headline


    table_alpha, mode_for = gate_settings(gates)
    alpha = table_alpha if alpha is None else alpha
    by_task: dict[str, list[ScoreRecord]] = defaultdict(list)
    for record in records:
        by_task[record.task].append(record)
    prepared = []
    for task_id in sorted(task_meta, key=_task_order):
        meta = task_meta[task_id]
        raw = sorted(by_task.get(task_id, []), key=lambda r: r.case)
        head = headline(task_id, Metric.from_json(meta["metric"]), scoring, raw)
        metric = head.metric
        cases = aggregate_epochs(raw, "share" if metric.kind == "proportion" else "mean") if has_epochs(raw) else raw
        value = metric.compute(cases)
        prepared.append((task_id, {**meta, "gate": head.gate or meta.get("gate"), "scoring": head.scoring,
                                   "note": head.note}, metric, raw, cases, value))

    tests: dict[str, RegressionTest] = {}
    for task_id, _meta, metric, _raw, cases, value in prepared:
        entry = (baseline or {}).get(task_id)
        if entry is not None and entry.value is not None and value.value is not None and value.n:
            tests[task_id] = regression_test(
                metric.kind, metric.direction, value, entry, _case_values(cases), metric.params, epochs_aggregated(cases)
            )
    adjusted = holm({t: test.p_value for t, test in tests.items() if test.p_value is not None}, alpha)

    results = []
    for task_id, meta, metric, raw, cases, value in prepared:
        threshold = gates.get(task_id)
        if threshold is None and meta.get("gate"):
            threshold = parse_threshold(meta["gate"], f"task {task_id} default gate", mode_for(task_id))
        n_expected = expected.get(task_id, len(cases))
        p_adjusted, alpha_adjusted = adjusted.get(task_id, (None, None))
        decision = decide(
            task_id, metric.direction, metric.kind, value, n_expected, threshold, (baseline or {}).get(task_id),
            max_drop, metric_params=metric.params, alpha=alpha, regression=tests.get(task_id),
            p_adjusted=p_adjusted, alpha_adjusted=alpha_adjusted,
            n_scored=len({r.case for r in cases if r.error is None}),
        )
        outcomes: dict[str, int] = defaultdict(int)
        usage: dict[str, float] = defaultdict(float)
        for record in raw:
            outcomes[record.outcome] += 1
            for k, v in (record.usage or {}).items():
                if isinstance(v, (int, float)):
                    usage[k] += v
        results.append(
            TaskResult(
                id=task_id,
                name=meta["name"],
                aspect=meta["aspect"],
                metric=metric,
                evaluator=_evaluator_name(meta, raw),
                value=value,
                n_expected=n_expected,
                threshold=threshold,
                decision=decision,
                conditions=tuple(condition_deltas(metric, cases, meta.get("reference_condition", "none"))),
                records=tuple(raw),
                cached=sum(1 for r in raw if r.cached),
                outcomes=dict(sorted(outcomes.items())),
                usage=dict(usage),
                epochs=epochs_aggregated(cases),
                case_values=_case_values(cases),
                scoring=meta["scoring"],
                note=meta["note"],
                parts=part_breakdown(task_id, metric, cases),
            )
        )
    aggregate = multitrust_score(
        {task_id: cases for task_id, _meta, _metric, _raw, cases, _value in prepared}, scoring,
        {task_id: expected.get(task_id, 0) for task_id in task_meta}, RESAMPLES if resamples is None else resamples,
    )
    if aggregate is None and any(is_aggregate_gate(name) for name in gates):
        aggregate = empty_score(scoring)
    if aggregate is not None:
        aggregate = decide_gates(aggregate, gates)
    return RunSummary(model=model, tasks=tuple(results), scoring=scoring, multitrust=aggregate)


def _evaluator_name(meta: Mapping[str, Any], records: Sequence[ScoreRecord]) -> str:
    """The evaluator the task declared, or the one that scored its records when the run bound
    another (the upstream profile's): the report must name what produced the numbers."""
    declared = str(meta.get("evaluator", ""))
    used = sorted({r.evaluator for r in records if r.evaluator and r.error is None})
    if used and declared not in used:
        return ", ".join(used)
    return declared


def _case_values(records: Sequence[ScoreRecord]) -> dict[str, float | None]:
    """Per-case outcomes as a baseline stores them: errors count as no outcome."""
    return {r.case: (None if r.error is not None else r.value) for r in records}


ASPECT_ORDER = {"T": 0, "S": 1, "R": 2, "F": 3, "P": 4, "G": 5}


def _task_order(task_id: str) -> tuple[int, list[Any]]:
    """T.1 < T.2 < … < T.10 < S.1 …: aspect letter order, then numeric parts."""
    parts = task_id.split(".")
    return ASPECT_ORDER.get(parts[0], 9), [(0, int(p)) if p.isdigit() else (1, p) for p in parts]


def baseline_entries(summary: RunSummary) -> dict[str, dict[str, Any]]:
    """What ``--mmtrust-save-baseline`` stores per task, per-case outcomes included: the paired
    regression test of a later run compares case by case (with epochs, each case's share)."""
    out = {}
    for task in summary.tasks:
        out[task.id] = {
            "metric": task.metric.name,
            "direction": task.metric.direction,
            "value": task.value.value,
            "ci": list(task.value.ci) if task.value.ci else None,
            "n": task.value.n,
            "extra": {k: v for k, v in task.value.extra.items() if isinstance(v, (int, float))},
            "cases": dict(task.case_values) if task.case_values else _case_values(task.records),
            "kind": task.metric.kind,
            "epochs": task.epochs,
        }
    return out
