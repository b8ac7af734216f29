"""The MultiTrust aggregate, per-part results and comparability, as each report shows them.

One module so the terminal, Markdown and HTML reports say the same thing: the overall score and
ten sub-aspects on 0–100 with their 95% intervals (partial, and what is missing, when tasks did
not run), the aggregate's gates, each task's parts (T.1 per part, T.6 per kind …), and — in the
upstream scoring profile — which tasks are not comparable with the papers and why.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..multitrust import MultiTrustScore
from ..scoring import UPSTREAM
from ..summary import RunSummary, TaskResult
from .format import gate_text, number

PROFILE_TITLES = {"default": "default scoring", "upstream": "upstream scoring"}
DATA_NOTE = ("comparable with the MultiTrust paper only on upstream data (--mmtrust-data) and with the tasks' "
             "judges; see docs/scoring.md")


def score_text(value: float | None, ci: tuple[float, float] | None) -> str:
    if value is None:
        return "—"
    shown = f"{value:.2f}"
    return shown if ci is None else f"{shown} [{ci[0]:.1f}, {ci[1]:.1f}]"


def headline(score: MultiTrustScore) -> str:
    """``MultiTrust overall 23.41 [21.0, 25.9] (default scoring, 0–100) · partial: missing T.4``."""
    text = f"MultiTrust overall {score_text(score.overall.value, score.overall.ci)} ({PROFILE_TITLES.get(score.profile, score.profile)}, 0–100)"
    return text + partial_note(score)


def partial_note(score: MultiTrustScore) -> str:
    parts = []
    if score.missing:
        parts.append(f"missing {', '.join(score.missing)}")
    if score.incomplete:
        parts.append(f"incomplete {', '.join(score.incomplete)}")
    return f" · partial: {'; '.join(parts)}" if parts else ""


def gate_rows(score: MultiTrustScore) -> list[tuple[str, str, str, str]]:
    """(gate name, gate, verdict, reason) of each aggregate gate."""
    rows = []
    for name, (threshold, decision) in dict(score.gates).items():
        rows.append((name, gate_text(threshold), decision.verdict, "; ".join(decision.reasons)))
    return rows


def not_comparable(summary: RunSummary) -> dict[str, str]:
    """Upstream profile only: task id → why its numbers are not upstream's (empty in the default profile)."""
    if summary.scoring != UPSTREAM:
        return {}
    out: dict[str, str] = {}
    for task in summary.tasks:
        if task.note:
            out[task.id] = task.note.split(": ", 1)[-1]
            continue
        reasons = sorted({str((r.details or {}).get("upstream_reason") or "") for r in task.records
                          if (r.details or {}).get("upstream") == "approximation"} - {""})
        if reasons:
            out[task.id] = "; ".join(reasons)
    return out


def terminal_lines(summary: RunSummary) -> list[str]:
    lines: list[str] = []
    for task in summary.tasks:
        lines += part_lines(task)
    score = summary.multitrust
    if score is not None and score.tasks:
        lines.append(headline(score) + ":")
        for sub in score.subaspects:
            missing = f"  (missing {', '.join(sub.missing)})" if sub.missing and sub.tasks else ""
            lines.append(f"  {sub.subaspect.aspect:<13} {sub.subaspect.name:<20} {score_text(sub.score.value, sub.score.ci):<22}"
                         f" {' '.join(sub.tasks) or '—'}{missing}")
    if score is not None:
        for name, gate, verdict, reason in gate_rows(score):
            lines.append(f"  gate {name} {gate}: {verdict.upper() if verdict == 'fail' else verdict}"
                         + (f" — {reason}" if reason and verdict != "fail" else ""))
    apart = not_comparable(summary)
    if apart:
        by_reason: dict[str, list[str]] = {}
        for task, why in apart.items():
            by_reason.setdefault(why, []).append(task)
        lines.append("not comparable with the papers (upstream scoring): "
                     + "; ".join(f"{', '.join(tasks)} ({why})" for why, tasks in by_reason.items()))
    if summary.scoring == UPSTREAM:
        lines.append(f"upstream scoring: {DATA_NOTE}")
    return lines


def part_lines(task: TaskResult) -> list[str]:
    parts = (task.parts or {}).get("parts") or {}
    lines = []
    for part, entry in parts.items():
        extras = "".join(f" {k} {number(entry[k])}" for k in ("precision", "recall", "f1") if k in entry)
        ci = entry.get("ci")
        shown = "—" if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"
        lines.append(f"  {task.id} ({task.parts.get('key')} {part}) {task.metric.name} {number(entry.get('value'))} {shown} "
                     f"n={entry.get('n')}{extras}")
    return lines


def markdown_lines(summary: RunSummary, cell: Any) -> list[str]:
    """The Markdown section: the aggregate table, its gates, comparability. ``cell`` escapes a table cell."""
    score = summary.multitrust
    lines: list[str] = []
    if score is not None and score.tasks:
        lines += [f"### {headline(score)}", "", "| aspect | sub-aspect | score | 95% CI | tasks | missing |", "|---|---|---|---|---|---|"]
        for sub in score.subaspects:
            ci = sub.score.ci
            lines.append("| " + " | ".join(cell(c) for c in (
                sub.subaspect.aspect, sub.subaspect.name, number(sub.score.value, 2),
                "—" if ci is None else f"[{ci[0]:.1f}, {ci[1]:.1f}]", " ".join(sub.tasks) or "—",
                " ".join(sub.missing) or "—")) + " |")
        lines.append("")
    if score is not None and score.gates:
        lines += ["| gate | threshold | verdict | why |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in gate_rows(score)]
        lines.append("")
    apart = not_comparable(summary)
    if apart:
        lines += ["<details><summary>Not comparable with the papers (upstream scoring)</summary>", ""]
        lines += ["| task | why |", "|---|---|"] + [f"| {cell(t)} | {cell(why)} |" for t, why in apart.items()]
        lines += ["", "</details>", ""]
    if summary.scoring == UPSTREAM:
        lines += [f"<sub>Upstream scoring: {escape(DATA_NOTE)}.</sub>", ""]
    return lines


def html_section(summary: RunSummary) -> str:
    """The HTML section (empty when there is nothing to show)."""
    score = summary.multitrust
    parts: list[str] = []
    if score is not None and score.tasks:
        rows = "".join(
            f"<tr><td>{escape(s.subaspect.aspect)}</td><td>{escape(s.subaspect.name)}</td>"
            f"<td>{number(s.score.value, 2)}</td><td>{'—' if s.score.ci is None else f'[{s.score.ci[0]:.1f}, {s.score.ci[1]:.1f}]'}</td>"
            f"<td>{escape(' '.join(s.tasks) or '—')}</td><td>{escape(' '.join(s.missing) or '—')}</td></tr>"
            for s in score.subaspects
        )
        parts.append(f"<p class='verdict' id='multitrust-overall'>{escape(headline(score))}</p>")
        parts.append("<table class='tasks' id='multitrust-table'><thead><tr><th>aspect</th><th>sub-aspect</th>"
                     f"<th>score</th><th>95% CI</th><th>tasks</th><th>missing</th></tr></thead><tbody>{rows}</tbody></table>")
        parts.append("<p class='note'>Each task on 0–100 as the MultiTrust leaderboard folds it; a sub-aspect is the "
                     "mean of its tasks (Privacy Awareness 0.4·P.1 + 0.3·P.2 + 0.3·P.3), the overall score the mean "
                     "of the ten. Intervals: bias-corrected bootstrap over cases, stratified by task.</p>")
    if score is not None and score.gates:
        rows = "".join(f"<tr><td>{escape(n)}</td><td>{escape(g)}</td><td>{escape(v)}</td><td>{escape(r)}</td></tr>"
                       for n, g, v, r in gate_rows(score))
        parts.append("<table class='tasks' id='multitrust-gates'><thead><tr><th>gate</th><th>threshold</th>"
                     f"<th>verdict</th><th>why</th></tr></thead><tbody>{rows}</tbody></table>")
    apart = not_comparable(summary)
    if apart:
        items = "".join(f"<li><b>{escape(t)}</b>: {escape(why)}</li>" for t, why in apart.items())
        parts.append(f"<p class='note'>Not comparable with the papers (upstream scoring):</p><ul id='not-comparable'>{items}</ul>")
    if summary.scoring == UPSTREAM:
        parts.append(f"<p class='note'>Upstream scoring: {escape(DATA_NOTE)}.</p>")
    return "".join(parts)
