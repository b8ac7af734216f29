"""The Markdown summary (``--mmtrust-md``), written to be posted as a pull-request comment.

Order follows what a reviewer needs: the verdict in one line; the gates that failed or
regressed; then every task grouped by aspect; then, folded away, example failing cases per task
so a reviewer can see *what* the model answered without opening the HTML report.

GitHub renders Markdown comments with inline HTML, so every text that came from a model, a
server or a dataset goes through :func:`pytest_mmtrust.safe_text.for_markdown`: one line, HTML
and Markdown punctuation escaped (a ``|`` or ``</details>`` cannot break the table or the folds),
control characters shown as escapes, no ``@`` mention, secrets blanked. A comment is limited to 65,536 characters: when the full text is longer,
examples are dropped first (fewer per task, then none) and a note says so. The first line is
a hidden marker (:data:`MARKER`) a CI job can use to find and update its previous comment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..metrics import ConditionDelta
from ..redaction import redact
from ..safe_text import for_html, for_markdown, for_markdown_code
from ..summary import RunSummary, TaskResult
from . import multitrust_view
from .cases import baseline_outcome, excerpt, failing_records, image_names, newly_failing
from .figures import ASPECT_TITLES, regressed, run_verdict
from .format import ARROWS, gate_text, interval, number, signed
from .usage import run_usage, usage_line

MARKER = "<!-- pytest-mmtrust report -->"
COMMENT_LIMIT = 65_000
HEADLINE_ICONS = {"fail": "❌", "incomplete": "⚠️", "warning": "⚠️", "ungated": "➖", "pass": "✅"}
VERDICT_ICONS = {"pass": "✅ pass", "fail": "❌ FAIL", "incomplete": "⚠️ incomplete", "ungated": "➖ ungated"}
PROMPT_CHARS = 160
RESPONSE_CHARS = 240


def write_markdown(path: Path, summary: RunSummary, *, max_examples: int = 5) -> None:
    """Write the summary to ``path`` (parent folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(redact(render_markdown(summary, max_examples=max_examples)), encoding="utf-8")
    tmp.replace(path)


def render_markdown(summary: RunSummary, *, max_examples: int = 5, limit: int = COMMENT_LIMIT) -> str:
    """The Markdown text, at most ``limit`` characters when examples can be dropped to get there."""
    text = _render(summary, max_examples, dropped=False)
    examples = max_examples
    while len(text) > limit and examples > 0:
        examples = examples // 2
        text = _render(summary, examples, dropped=True)
    return text


def _render(summary: RunSummary, max_examples: int, dropped: bool) -> str:
    lines = [MARKER, headline(summary), ""]
    lines.append(_totals(summary))
    lines.append("")
    for warning in summary.warnings:
        lines += [f"> ⚠️ **Warning:** {_inline(warning)}", ""]
    for note in summary.notes:
        lines += [f"> Note: {_inline(note)}", ""]
    attention = attention_tasks(summary)
    if attention:
        lines += ["### Failed and regressed gates", ""]
        lines += _table(
            ("task", "name", "metric", "value", "95% CI", "gate", "baseline", "Δ", "verdict", "why"),
            [_attention_row(task) for task in attention],
        )
        lines.append("")
    lines += multitrust_view.markdown_lines(summary, _cell)
    lines += ["### All tasks", ""]
    for aspect, tasks in _by_aspect(summary):
        lines += [f"#### {ASPECT_TITLES.get(aspect, aspect.capitalize())}", ""]
        lines += _table(
            ("task", "name", "metric", "value", "95% CI", "n", "gate", "baseline", "Δ", "verdict"),
            [_task_row(task) for task in tasks],
        )
        lines.append("")
        conditions = [task for task in tasks if len(task.conditions) > 1]
        if conditions:
            lines += _table(
                ("task", "image condition", "value", "95% CI", "n", "Δ vs reference", "Δ 95% CI"),
                [_condition_row(task, c) for task in conditions for c in task.conditions],
            )
            lines.append("")
    if max_examples > 0:
        example_lines = _examples(summary, max_examples)
        if example_lines:
            lines += ["### Example failing cases", ""] + example_lines
    if dropped:
        lines += ["", f"<sub>Examples shortened to {max_examples} per task to fit a comment; "
                      "the HTML report has them all.</sub>"]
    return "\n".join(lines).rstrip() + "\n"


def headline(summary: RunSummary) -> str:
    """One line: ❌/⚠️/➖/✅, how many gates failed and which, and the model."""
    status, text = run_verdict(summary)
    return f"## {HEADLINE_ICONS[status]} mmtrust: {_inline(text)} — `{_code(summary.model_label)}`"


def attention_tasks(summary: RunSummary) -> list[TaskResult]:
    """Failed gates first, then significant regressions that stayed within the allowance, then
    incomplete tasks."""
    failed = [t for t in summary.tasks if t.decision.failed]
    regressions = [t for t in summary.tasks if not t.decision.failed and regressed(t)]
    incomplete = [t for t in summary.tasks if t.decision.verdict == "incomplete" and t not in regressions]
    return failed + regressions + incomplete


def _totals(summary: RunSummary) -> str:
    n = len(summary.tasks)
    parts = [f"{n} task{'s' if n != 1 else ''}", f"{summary.n_items:,} cases scored", f"{summary.n_cached:,} cached"]
    if summary.scoring != "default":
        parts.append(f"{summary.scoring} scoring")
    usage = usage_line(run_usage(summary))
    if usage:
        parts.append(usage)
    reused = summary.reuse.line()
    if reused:
        parts.append(reused)
    return "<sub>" + " · ".join(for_html(p) for p in parts) + "</sub>"


def _by_aspect(summary: RunSummary) -> list[tuple[str, list[TaskResult]]]:
    groups: dict[str, list[TaskResult]] = {}
    for task in summary.tasks:
        groups.setdefault(task.aspect, []).append(task)
    return list(groups.items())


def _metric(task: TaskResult) -> str:
    return f"{task.metric.name} {ARROWS[task.metric.direction]}"


def _verdict(task: TaskResult) -> str:
    text = VERDICT_ICONS.get(task.decision.verdict, task.decision.verdict)
    if regressed(task):
        text += " (regressed)"
    return text


def _baseline_cell(task: TaskResult) -> str:
    problem = task.decision.baseline_problem
    return f"not compared: {problem}" if problem else number(task.decision.baseline_value)


def _n_cell(task: TaskResult) -> str:
    cell = f"{task.value.n}/{task.n_expected}"
    return f"{cell} ({task.unscorable} unscorable)" if task.unscorable else cell


def _task_row(task: TaskResult) -> tuple[str, ...]:
    return (
        task.id, task.name, _metric(task), number(task.value.value), interval(task.value),
        _n_cell(task), gate_text(task.threshold),
        _baseline_cell(task), signed(task.decision.delta), _verdict(task),
    )


def _attention_row(task: TaskResult) -> tuple[str, ...]:
    if task.decision.reasons:
        why = "; ".join(task.decision.reasons)
    elif regressed(task):
        why = (f"significantly worse than the baseline: Δ {signed(task.decision.delta)} "
               f"{interval(ci=task.decision.delta_ci, digits=3)}, within the allowed drop")
    else:
        why = ""
    return (
        task.id, task.name, _metric(task), number(task.value.value), interval(task.value),
        gate_text(task.threshold), number(task.decision.baseline_value), signed(task.decision.delta),
        _verdict(task), why,
    )


def _condition_row(task: TaskResult, condition: ConditionDelta) -> tuple[str, ...]:
    return (
        task.id, condition.condition, number(condition.metric.value), interval(condition.metric),
        str(condition.metric.n), signed(condition.delta), interval(ci=condition.delta_ci, digits=3),
    )


def _examples(summary: RunSummary, max_examples: int) -> list[str]:
    lines: list[str] = []
    for task in summary.tasks:
        failing = failing_records(task)
        if not failing:
            continue
        shown = failing[:max_examples]
        compared = task.baseline is not None
        since = f"{sum(1 for r in failing if newly_failing(task, r))} newly failing since the baseline, " if compared else ""
        lines.append(
            f"<details><summary><b>{for_html(task.id)}</b> {for_html(task.name)} — "
            f"{len(failing)} failing of {len(task.records)} ({since}showing {len(shown)})</summary>"
        )
        lines.append("")
        rows = []
        for record in shown:
            answer = f"error: {record.error}" if record.error else record.response
            before = (_baseline_case(task, record),) if compared else ()
            rows.append((
                record.case, record.outcome, *before, excerpt(record.prompt, PROMPT_CHARS),
                image_names(record.images), excerpt(answer, RESPONSE_CHARS),
            ))
        header = ("case", "outcome", *(("baseline",) if compared else ()), "prompt", "image", "response")
        lines += _table(header, rows)
        lines += ["", "</details>", ""]
    return lines


def _baseline_case(task: TaskResult, record: object) -> str:
    """The case's baseline outcome; ``CORRECT → WRONG (new)`` when it started failing."""
    word = baseline_outcome(task, record)  # type: ignore[arg-type]
    if newly_failing(task, record):  # type: ignore[arg-type]
        return f"{word} → {record.outcome} (new)"  # type: ignore[attr-defined]
    return word or "—"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        out.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return out


def _cell(text: object) -> str:
    """Table-safe (see :func:`pytest_mmtrust.safe_text.for_markdown`): one line, nothing that breaks the table."""
    return for_markdown(text) or " "


def _code(text: str) -> str:
    return for_markdown_code(text)


def _inline(text: str) -> str:
    """Plain text on one Markdown line: escaped for Markdown (no line breaks, no markup)."""
    return for_markdown(text)
