"""What each chart shows, computed once from a :class:`RunSummary`.

The HTML report draws these as inline SVG (:mod:`.charts`), ``--mmtrust-plots`` draws the same
data as PNG with matplotlib (:mod:`.plots`); keeping the numbers here means both agree.

The aspect score is a display aid, not a benchmark number: each task's metric is mapped to
"higher is better" on [0, 1] (``1 − value`` for lower-is-better metrics, ``(r + 1) / 2`` for a
correlation) and averaged over the aspect's tasks, so five very different metrics fit on one
radar. The task table and the JSON report keep the real values.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..summary import RunSummary, TaskResult
from ..task import ASPECTS

ASPECT_TITLES = {aspect: aspect.capitalize() for aspect in ASPECTS}
ASPECT_TITLES["mllmguard"] = "MLLMGuard"

VERDICT_COLOURS = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "incomplete": "#ef8f00",
    "ungated": "#546e7a",
    "warning": "#ef8f00",
}
BETTER_COLOUR = "#2e7d32"
WORSE_COLOUR = "#c62828"
NEUTRAL_COLOUR = "#1565c0"


@dataclass(frozen=True)
class AspectScore:
    aspect: str
    title: str
    score: float | None
    tasks: tuple[str, ...]
    failed: tuple[str, ...]


@dataclass(frozen=True)
class TaskBar:
    """One task's value with its interval, gate and baseline, in the metric's own units."""

    id: str
    label: str
    metric: str
    direction: str
    value: float | None
    ci: tuple[float, float] | None
    gate: float | None
    gate_op: str | None
    baseline: float | None
    verdict: str

    @property
    def colour(self) -> str:
        return VERDICT_COLOURS.get(self.verdict, NEUTRAL_COLOUR)


@dataclass(frozen=True)
class DeltaBar:
    """Current − baseline of one task; ``worse`` is direction-aware."""

    id: str
    label: str
    delta: float
    ci: tuple[float, float] | None
    worse: bool
    significant: bool

    @property
    def colour(self) -> str:
        return WORSE_COLOUR if self.worse else BETTER_COLOUR


def goodness(task: TaskResult) -> float | None:
    """The task's value on a common "higher is better" [0, 1] scale (see the module doc)."""
    value = task.value.value
    if value is None:
        return None
    if task.metric.kind == "pearson":
        value = (value + 1) / 2
    elif task.metric.direction == "lower":
        value = 1 - value
    return min(1.0, max(0.0, value))


def aspect_scores(summary: RunSummary) -> list[AspectScore]:
    """One score per aspect present in the run, in the catalogue's aspect order."""
    present = {task.aspect for task in summary.tasks}
    order = [a for a in ASPECTS if a in present] + sorted(present - set(ASPECTS))
    scores = []
    for aspect in order:
        tasks = [t for t in summary.tasks if t.aspect == aspect]
        values = [g for g in (goodness(t) for t in tasks) if g is not None]
        scores.append(AspectScore(
            aspect=aspect,
            title=ASPECT_TITLES.get(aspect, aspect.capitalize()),
            score=sum(values) / len(values) if values else None,
            tasks=tuple(t.id for t in tasks),
            failed=tuple(t.id for t in tasks if t.decision.failed),
        ))
    return scores


def task_bar(task: TaskResult) -> TaskBar:
    return TaskBar(
        id=task.id,
        label=f"{task.id} {task.name}",
        metric=task.metric.name,
        direction=task.metric.direction,
        value=task.value.value,
        ci=task.value.ci,
        gate=task.threshold.bound if task.threshold else None,
        gate_op=task.threshold.op if task.threshold else None,
        baseline=task.decision.baseline_value,
        verdict=task.decision.verdict,
    )


def task_bars(summary: RunSummary) -> list[TaskBar]:
    return [task_bar(task) for task in summary.tasks]


def value_axis(bars: list[TaskBar]) -> tuple[float, float]:
    """A shared axis for all bars: [0, 1] widened to whatever a value, interval or gate needs."""
    low, high = 0.0, 1.0
    for bar in bars:
        for number in (bar.value, bar.gate, bar.baseline, *(bar.ci or ())):
            if number is not None:
                low, high = min(low, number), max(high, number)
    return low, high


def delta_bars(summary: RunSummary) -> list[DeltaBar]:
    """The tasks compared with a baseline."""
    bars = []
    for task in summary.tasks:
        delta = task.decision.delta
        if delta is None:
            continue
        worse = delta < 0 if task.metric.direction == "higher" else delta > 0
        bars.append(DeltaBar(
            id=task.id,
            label=f"{task.id} {task.name}",
            delta=delta,
            ci=task.decision.delta_ci,
            worse=worse and delta != 0,
            significant=bool(task.decision.significant),
        ))
    return bars


def condition_tasks(summary: RunSummary) -> list[TaskResult]:
    """Tasks run in more than one image condition (none / related / unrelated)."""
    return [task for task in summary.tasks if len(task.conditions) > 1]


def run_verdict(summary: RunSummary) -> tuple[str, str]:
    """The run in one phrase and its status word (``fail``, ``incomplete``, ``warning``, ``ungated``,
    ``pass``). ``warning``: no gate failed, but the run has a warning a reader must not miss (a
    baseline compared with its own answers, or one that could not be compared for some tasks):
    such a run is never reported as a clean pass."""
    failed = summary.failed_gates
    gated = sum(1 for t in summary.tasks if t.threshold is not None or t.decision.baseline_value is not None)
    gated += len(summary.multitrust.gates) if summary.multitrust is not None else 0
    if failed:
        return "fail", f"{len(failed)} of {gated} gates failed ({', '.join(failed)})"
    incomplete = [t for t in summary.tasks if t.decision.verdict == "incomplete"]
    if incomplete:
        return "incomplete", f"{len(incomplete)} task(s) incomplete ({', '.join(t.id for t in incomplete)}), no gate failed"
    if summary.warnings:
        passed = f"all {gated} gates passed" if gated else f"{len(summary.tasks)} task(s) measured, none gated"
        return "warning", f"{passed}, but {summary.warnings[0].split('. ')[0]}" + (
            f" (and {len(summary.warnings) - 1} more warning(s))" if len(summary.warnings) > 1 else "")
    if gated == 0:
        return "ungated", f"{len(summary.tasks)} task(s) measured, none gated"
    return "pass", f"all {gated} gates passed"


def verdict_word(task: TaskResult) -> str:
    """The verdict as every report writes it: ``FAIL`` in capitals, the others as they are."""
    verdict = task.decision.verdict
    return verdict.upper() if verdict == "fail" else verdict


def regressed(task: TaskResult) -> bool:
    """Significantly worse than the baseline (whether or not the drop exceeded the allowance)."""
    return bool(task.decision.significant) and task.decision.delta is not None
