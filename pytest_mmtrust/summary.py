"""The controller's view of a run: records + task metadata → per-task results and verdicts.

Runs only where gates are decided (the controller, or the single process without xdist).
Knows nothing of pytest; the reports render a :class:`RunSummary`.

Order of work: count unscorable answers against the model by the metric's rule
(:mod:`.unscorable`), fold the epochs of each case into one record (the case is the statistical
unit), compute each task's metric, check which tasks the baseline can be compared with (another metric,
evaluator or scoring profile, a missing task, impossible values: :mod:`.baselines`), run every
comparable task's baseline regression test, Holm-correct those p-values together (one family per
run), then decide each gate.

Besides the verdicts a summary says where its answers came from (:class:`~.reuse.Reuse`: how
many were reused from the store, stored when and by which runs) and carries the run's
warnings: a baseline compared with its own answers, a server fingerprint that changed under the
same model string. Reports show both; neither changes a verdict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .baselines import DEFAULT_SCORING, Baseline, baseline_notes, comparability, params_json
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
from .metrics import (
    ConditionDelta,
    Metric,
    MetricValue,
    aggregate_epochs,
    condition_deltas,
    epochs_aggregated,
    has_epochs,
)
from .records import ScoreRecord
from .reuse import Reuse, answer_runs, fingerprints, self_comparison
from .scoring import DEFAULT, UPSTREAM
from .unscorable import count_unscorable, unscorable_count, unscorable_outcomes, unscorable_rule

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
    #: The baseline's entry for this task when it was compared (per-case values and outcomes).
    baseline: BaselineEntry | None = None
    #: Answers the evaluator could not score, how the metric counted them, and their outcome words.
    unscorable: int = 0
    unscorable_rule: str = ""
    unscorable_outcomes: Mapping[str, int] = field(default_factory=dict)
    scoring: str = DEFAULT
    note: str = ""
    parts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunSummary:
    """The whole run: per-task results plus what the header of every report says.

    ``scoring`` is the profile the tasks were scored in; ``multitrust`` the MultiTrust aggregate
    (None when no MultiTrust task ran).

    ``notes`` describe the run (another model or version than the baseline's, a gate written
    on the metric's better side …);
    ``warnings`` are what a reader must not miss (a self-comparison, a baseline that could not
    be compared for some tasks, a server fingerprint that changed).
    """

    model: str
    tasks: tuple[TaskResult, ...]
    model_version: str | None = None
    identity: str | None = None
    run_id: str | None = None
    reuse: Reuse = field(default_factory=Reuse)
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    baseline_path: str | None = None
    #: The scoring profile the run used (what a baseline records and is checked against).
    scoring: str = DEFAULT_SCORING
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

    @property
    def model_label(self) -> str:
        """``openai/gpt-4o`` or ``openai/gpt-4o (version 2024-06-01)``."""
        return self.model if not self.model_version else f"{self.model} (version {self.model_version})"


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
    model_version: str | None = None,
    identity: str | None = None,
    run_id: str | None = None,
    scoring: str = DEFAULT_SCORING,
    limited: bool = False,
    notes: Sequence[str] = (),
    resamples: int | None = None,
) -> RunSummary:
    """Compute every task's metric, decide its gate, and the MultiTrust aggregate and its gates.

    ``gates`` may be a :class:`~pytest_mmtrust.gates.GateTable` (from Settings), which also
    carries ``alpha`` and the default mode; ``alpha`` here overrides it. ``expected`` counts
    *cases* per task: with epochs, a case asked K times still counts once. ``baseline`` may be
    a :class:`~.baselines.Baseline` (from a file: its model, version, runs and scoring are
    checked too) or a plain mapping of entries. ``limited``: a ``--mmtrust-limit`` smoke run.
    ``notes``: lines for the report header from elsewhere (gates written on the metric's better side).
    ``scoring`` is the profile (``default`` or ``upstream``): it picks each MultiTrust task's
    upstream headline where the profiles differ (:mod:`pytest_mmtrust.scoring.upstream_metrics`)
    and the aggregate's arithmetic; ``resamples`` overrides the aggregate's bootstrap size.
    """
    from .multitrust import RESAMPLES, decide_gates, empty_score, is_aggregate_gate, multitrust_score
    from .scoring.parts import part_breakdown
    from .scoring.upstream_metrics import headline


    table_alpha, mode_for = gate_settings(gates)
    alpha = table_alpha if alpha is None else alpha
    by_task: dict[str, list[ScoreRecord]] = defaultdict(list)
    for record in records:
        by_task[record.task].append(record)
    header_notes: list[str] = list(notes)
    warnings: list[str] = []
    blocking = None
    seen_fingerprints = fingerprints(records)
    if isinstance(baseline, Baseline):
        found_notes, blocking = baseline_notes(baseline, model, model_version, identity, seen_fingerprints, scoring)
        header_notes += found_notes
        itself = self_comparison(records, run_id, baseline.answer_runs)
        if itself:
            warnings.append(itself)
    warnings += _fingerprint_changes(records, run_id)
    prepared = []
    for task_id in sorted(task_meta, key=_task_order):
        meta = task_meta[task_id]
        raw = sorted(by_task.get(task_id, []), key=lambda r: r.case)
        head = headline(task_id, Metric.from_json(meta["metric"]), scoring, raw)
        metric = head.metric
        # the upstream profile follows upstream's own arithmetic for answers it cannot read
        counted = raw if head.scoring == UPSTREAM else count_unscorable(metric, raw)
        cases = aggregate_epochs(counted, "share" if metric.kind == "proportion" else "mean") if has_epochs(counted) else counted
        value = metric.compute(cases)
        prepared.append((task_id, {**meta, "gate": head.gate or meta.get("gate"), "scoring": head.scoring,
                                   "note": head.note}, metric, raw, cases, value))

    problems: dict[str, str] = {}
    comparable: dict[str, BaselineEntry] = {}
    if baseline is not None:
        for task_id, meta, metric, _raw, _cases, _value in prepared:
            problem = blocking or comparability(task_id, metric, meta.get("evaluator", ""), baseline.get(task_id))
            if problem:
                problems[task_id] = problem
            else:
                comparable[task_id] = baseline[task_id]
    if problems:
        listed = "; ".join(f"{task_id} ({problem})" for task_id, problem in problems.items())
        warnings.append(f"the baseline could not be compared for {len(problems)} of {len(prepared)} task(s): {listed}")

    tests: dict[str, RegressionTest] = {}
    for task_id, _meta, metric, _raw, cases, value in prepared:
        entry = comparable.get(task_id)
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
        if meta.get("data_error"):  # nothing was measured: a failure with the reason, never a pass
            decision = GateDecision("fail", (f"{task_id}: data could not be read: {meta['data_error']}",))
        else:
            decision = decide(
                task_id, metric.direction, metric.kind, value, n_expected, threshold, comparable.get(task_id),
                max_drop, metric_params=metric.params, alpha=alpha, regression=tests.get(task_id),
                p_adjusted=p_adjusted, alpha_adjusted=alpha_adjusted,
                n_scored=len({r.case for r in cases if r.error is None}), limited=limited,
            )
        if task_id in problems:
            decision = replace(decision, baseline_problem=problems[task_id])
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
                baseline=comparable.get(task_id),
                unscorable=unscorable_count(metric, raw, value),
                unscorable_rule=unscorable_rule(metric, raw),
                unscorable_outcomes=unscorable_outcomes(raw) if metric.kind != "callable" else {},
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
    return RunSummary(
        model=model, tasks=tuple(results), model_version=model_version, identity=identity, run_id=run_id,
        reuse=Reuse.from_records(records, run_id), notes=tuple(header_notes), warnings=tuple(warnings),
        baseline_path=str(baseline.path) if isinstance(baseline, Baseline) and baseline.path else None,
        scoring=scoring, multitrust=aggregate,
    )


def _fingerprint_changes(records: Sequence[ScoreRecord], run_id: str | None) -> list[str]:
    """A warning when reused answers carry another server fingerprint than this run's answers.

    A fingerprint seen only in answers cannot key a request before it is sent, but it can mark
    the answers: reused answers made by another build of the model are then named.
    """
    fresh = {r.fingerprint for r in records if r.fingerprint and not r.cached}
    old = {r.fingerprint for r in records if r.fingerprint and r.cached and r.answer_run != run_id}
    if fresh and old - fresh:
        return [f"the server's model fingerprint changed: {len([r for r in records if r.cached and r.fingerprint in old - fresh])} "
                f"reused answer(s) came from {', '.join(sorted(old - fresh))}, this run's from {', '.join(sorted(fresh))}; "
                "give the model a new --mmtrust-model-version to ask everything again"]
    return []


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
            "params": params_json(task.metric.params),
            "evaluator": task.evaluator,
            "epochs": task.epochs,
            "outcomes": _case_outcomes(task.records),
        }
    return out


def baseline_facts(summary: RunSummary) -> dict[str, Any]:
    """What a baseline file says about the run that wrote it (see :func:`~.baselines.write_baseline`)."""
    records = [r for task in summary.tasks for r in task.records]
    return {
        "model_version": summary.model_version,
        "model_identity": summary.identity,
        "run": summary.run_id,
        "answer_runs": answer_runs(records),
        "fingerprints": fingerprints(records),
        "scoring": summary.scoring,
    }


def _case_outcomes(records: Sequence[ScoreRecord]) -> dict[str, str]:
    """Each case's outcome word (the first epoch's, with epochs); errors as ``ERROR``."""
    out: dict[str, str] = {}
    for record in records:
        out.setdefault(record.case, "ERROR" if record.error is not None else record.outcome)
    return out
