"""The terminal summary table printed at the end of a run.

Every line goes through :func:`pytest_mmtrust.safe_text.for_terminal`: model names, task names
and gate reasons may hold text the run did not write (a judge's name, a suite's task name).
"""

from __future__ import annotations

from ..safe_text import for_terminal
from ..summary import RunSummary
from . import multitrust_view
from .figures import regressed, verdict_word
from .format import ARROWS, gate_text, interval, number, signed, unscorable_text
from .usage import run_usage, usage_line

COLUMNS = ("task", "name", "metric", "value", "95% CI", "n", "gate", "baseline", "Δ", "verdict")


def summary_lines(summary: RunSummary, evaluators: bool = True) -> list[str]:
    """The header lines, the table, per-condition lines, one line per failed gate and the warnings.

    Header: the model (and its version), counts, then what the reader must know before the
    numbers: answers reused from the store (how many, stored when, by which runs) and how this
    run differs from its baseline (another model, version or fingerprint).
    """
    n_tasks = len(summary.tasks)
    header = (
        f"mmtrust: {summary.model_label} · {n_tasks} task{'s' if n_tasks != 1 else ''} · "
        f"{summary.n_items:,} cases scored · {summary.n_cached:,} cached"
    )
    if summary.scoring != "default":
        header += f" · {summary.scoring} scoring"
    if summary.n_items and summary.n_cached == summary.n_items:
        header += " (fully cached: no model calls)"
    usage = usage_line(run_usage(summary))
    reused = summary.reuse.line()
    rows = [COLUMNS]
    for task in summary.tasks:
        verdict = verdict_word(task)
        if regressed(task):
            verdict += " (regressed)"
        rows.append((
            task.id,
            _clip(for_terminal(task.name), 30),
            f"{task.metric.name} {ARROWS[task.metric.direction]}",
            number(task.value.value),
            interval(task.value),
            f"{task.value.n}/{task.n_expected}",
            gate_text(task.threshold),
            number(task.decision.baseline_value) if not task.decision.baseline_problem else "not compared",
            signed(task.decision.delta),
            verdict,
        ))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(COLUMNS))]
    lines = [header] + ([usage] if usage else []) + ([reused] if reused else [])
    lines += [f"note: {note}" for note in summary.notes]
    for row in rows:
        lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    for task in summary.tasks:
        if task.unscorable:
            lines.append(f"  {task.id} {unscorable_text(task)}")
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
    lines += [f"WARNING: {warning}" for warning in summary.warnings]
    return [for_terminal(line) for line in lines]


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

