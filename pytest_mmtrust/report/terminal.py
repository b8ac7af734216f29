"""The terminal summary table printed at the end of a run."""

from __future__ import annotations

from ..summary import RunSummary
from . import multitrust_view
from .format import ARROWS, gate_text, interval, number, signed
from .usage import run_usage, usage_line

COLUMNS = ("task", "name", "metric", "value", "95% CI", "n", "gate", "baseline", "Δ", "verdict")


def summary_lines(summary: RunSummary, evaluators: bool = True) -> list[str]:
    """The header line, the table, per-condition lines and one line per failed gate."""
    n_tasks = len(summary.tasks)
    header = (
        f"mmtrust: {summary.model} · {n_tasks} task{'s' if n_tasks != 1 else ''} · "
        f"{summary.n_items:,} cases scored · {summary.n_cached:,} cached"
    )
    if summary.scoring != "default":
        header += f" · {summary.scoring} scoring"
    if summary.n_items and summary.n_cached == summary.n_items:
        header += " (fully cached: no model calls)"
    usage = usage_line(run_usage(summary))
    rows = [COLUMNS]
    for task in summary.tasks:
        verdict = task.decision.verdict.upper() if task.decision.verdict == "fail" else task.decision.verdict
        if task.decision.failed and task.decision.significant:
            verdict += " (significant)"
        rows.append((
            task.id,
            _clip(task.name, 30),
            f"{task.metric.name} {ARROWS[task.metric.direction]}",
            number(task.value.value),
            interval(task.value),
            f"{task.value.n}/{task.n_expected}",
            gate_text(task.threshold),
            number(task.decision.baseline_value),
            signed(task.decision.delta),
            verdict,
        ))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(COLUMNS))]
    lines = [header] + ([usage] if usage else [])
    for row in rows:
        lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    for task in summary.tasks:
        for cond in task.conditions:
            delta = "" if cond.delta is None else f"  Δ vs {task.conditions[0].condition} {signed(cond.delta)} {interval(ci=cond.delta_ci)}"
            lines.append(f"  {task.id} [{cond.condition}] {task.metric.name} {number(cond.metric.value)} "
                         f"{interval(cond.metric)} n={cond.metric.n}{delta}")
    lines += multitrust_view.terminal_lines(summary)
    lines += mllmguard_lines(summary)
    if evaluators:
        used = sorted({f"{t.id}={t.evaluator}" for t in summary.tasks})
        if used:
            lines.append("evaluators: " + ", ".join(used))
    for task in summary.tasks:
        for reason in task.decision.reasons:
            lines.append(f"{task.decision.verdict.upper()}: {reason}")
    if summary.multitrust is not None:
        for _threshold, decision in dict(summary.multitrust.gates).values():
            if decision.failed:
                lines += [f"FAIL: {reason}" for reason in decision.reasons]
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def mllmguard_lines(summary: RunSummary) -> list[str]:
    """ASD and PAR per MLLMGuard dimension and overall, when its tasks ran."""
    if not any(task.id.startswith("G.") for task in summary.tasks):
        return []
    from ..mllmguard.aggregate import aggregate
    from .json_report import task_json

    table = aggregate([task_json(task) for task in summary.tasks])
    lines = ["MLLMGuard (ASD ↓, PAR ↑):"]
    for entry in table["dimensions"] + [dict(table["overall"], dimension="overall")]:
        lines.append(
            f"  {entry['dimension']:<13} ASD {number(entry.get('asd'))} {interval(ci=_pair(entry.get('asd_ci')))}"
            f"  PAR {number(entry.get('par'))} {interval(ci=_pair(entry.get('par_ci')))}"
        )
    return lines


def _pair(values: object) -> tuple[float, float] | None:
    if isinstance(values, (list, tuple)) and len(values) == 2 and all(isinstance(v, (int, float)) for v in values):
        return (float(values[0]), float(values[1]))
    return None

