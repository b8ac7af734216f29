"""Gate decisions as test reports, so ``--junitxml`` shows one testcase per task.

CI dashboards (GitHub test reporters, GitLab, Jenkins) read JUnit XML, not our JSON. Each item
already carries its score as properties (``mmtrust_task``, ``mmtrust_score`` …, see
:mod:`pytest_mmtrust.records`). What a dashboard still misses is the verdict that actually fails
the run: the gate. :func:`gate_reports` builds, per task, the setup/call/teardown reports of a
synthetic test ``mmtrust::gate[S.4]``; the plugin's controller hands them to
``pytest_runtest_logreport`` at session end, and junitxml writes a testcase with
``classname="mmtrust"``, ``name="gate[S.4]"`` and these properties:

``mmtrust_task``, ``mmtrust_metric``, ``mmtrust_direction``, ``mmtrust_value``, ``mmtrust_ci``
(``"0.87,0.94"``), ``mmtrust_n``, ``mmtrust_gate``, ``mmtrust_baseline``, ``mmtrust_delta``,
``mmtrust_verdict``, ``mmtrust_baseline_problem`` (why a given baseline could not be compared
with the task) (empty string where a number or reason does not apply).

Outcome: ``fail`` → a failing testcase whose message is the gate's reasons (skipped instead,
with the reasons, under ``--mmtrust-report-only``: reported, not failing); ``incomplete`` →
skipped with the reason (not every item was scored, so no verdict); ``pass`` and ``ungated`` →
passed.

The controller sends them with :func:`send_gate_reports` from its ``pytest_sessionfinish``
marked ``tryfirst`` — before junitxml writes its file in its own ``pytest_sessionfinish``. They
go to every ``pytest_runtest_logreport`` implementation except the terminal's: at session end
the progress line is finished (a late "F" would print "[200%]"), the plugin's own summary
already prints each failed gate, and the counts in the last line stay those of the items.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from ..safe_text import for_xml
from ..summary import RunSummary, TaskResult

LOCATION_FILE = "mmtrust"


def gate_nodeid(task_id: str) -> str:
    return f"{LOCATION_FILE}::gate[{task_id}]"


def gate_properties(task: TaskResult) -> list[tuple[str, object]]:
    """The properties of a task's gate testcase (strings and numbers only; strings XML-safe)."""
    value = task.value
    properties: list[tuple[str, object]] = [
        ("mmtrust_task", task.id),
        ("mmtrust_metric", task.metric.name),
        ("mmtrust_direction", task.metric.direction),
        ("mmtrust_value", "" if value.value is None else round(value.value, 6)),
        ("mmtrust_ci", "" if value.ci is None else f"{value.ci[0]:.6g},{value.ci[1]:.6g}"),
        ("mmtrust_n", value.n),
        ("mmtrust_gate", "" if task.threshold is None else str(task.threshold)),
        ("mmtrust_baseline", "" if task.decision.baseline_value is None else round(task.decision.baseline_value, 6)),
        ("mmtrust_delta", "" if task.decision.delta is None else round(task.decision.delta, 6)),
        ("mmtrust_verdict", task.decision.verdict),
        ("mmtrust_baseline_problem", task.decision.baseline_problem or ""),
    ]
    return [(name, for_xml(item) if isinstance(item, str) else item) for name, item in properties]


def aggregate_gate_properties(summary: RunSummary) -> list[tuple[str, str, tuple[str, ...], list[tuple[str, object]]]]:
    """(name, verdict, reasons, properties) of each MultiTrust aggregate gate (``gate[multitrust]`` …)."""
    score = summary.multitrust
    if score is None:
        return []
    from ..multitrust import gate_target

    out = []
    for name, (threshold, decision) in dict(score.gates).items():
        target = gate_target(score, name)
        value, ci = (target[0].value, target[0].ci) if target else (None, None)
        properties: list[tuple[str, object]] = [
            ("mmtrust_task", name), ("mmtrust_metric", f"multitrust_score ({score.profile} scoring, 0-100)"),
            ("mmtrust_direction", "higher"), ("mmtrust_value", "" if value is None else round(value, 6)),
            ("mmtrust_ci", "" if ci is None else f"{ci[0]:.6g},{ci[1]:.6g}"), ("mmtrust_n", len(score.tasks)),
            ("mmtrust_gate", str(threshold)), ("mmtrust_baseline", ""), ("mmtrust_delta", ""),
            ("mmtrust_verdict", decision.verdict),
        ]
        out.append((name, decision.verdict, tuple(decision.reasons), properties))
    return out


def gate_reports(summary: RunSummary, *, report_only: bool = False) -> list[pytest.TestReport]:
    """Setup, call and teardown reports of one synthetic gate test per task (in task order), then
    one per MultiTrust aggregate gate."""
    gates = [(task.id, task.decision.verdict, tuple(task.decision.reasons), gate_properties(task)) for task in summary.tasks]
    gates += aggregate_gate_properties(summary)
    reports: list[pytest.TestReport] = []
    now = time.time()
    for gate_id, verdict, reasons, properties in gates:
        nodeid = gate_nodeid(gate_id)
        location = (LOCATION_FILE, None, f"gate[{gate_id}]")
        why = for_xml("\n".join(reasons) or f"{gate_id}: {verdict}")

        def report(when: str, outcome: str, longrepr: object = None) -> pytest.TestReport:
            return pytest.TestReport(
                nodeid=nodeid, location=location, keywords={"mmtrust": 1}, outcome=outcome,  # type: ignore[arg-type]
                longrepr=longrepr, when=when, duration=0.0, start=now, stop=now,  # type: ignore[arg-type]
                user_properties=properties,
            )

        if verdict == "incomplete":
            reports.append(report("setup", "skipped", (LOCATION_FILE, 0, f"Skipped: {why}")))
        elif verdict == "fail" and report_only:
            reason = f"Skipped: {why} (reported only: --mmtrust-report-only)"
            reports.append(report("setup", "skipped", (LOCATION_FILE, 0, reason)))
        else:
            reports.append(report("setup", "passed"))
            if verdict == "fail":
                reports.append(report("call", "failed", why))
            else:
                reports.append(report("call", "passed"))
        reports.append(report("teardown", "passed"))
    return reports


#: Plugins that draw the terminal's progress; they must not see reports after the last item.
TERMINAL_PLUGINS = ("terminalreporter", "terminalprogress-plugin")


def send_gate_reports(config: pytest.Config, summary: RunSummary, *, report_only: bool = False) -> None:
    """Hand :func:`gate_reports` to every ``pytest_runtest_logreport`` but the terminal's."""
    terminal: list[Any] = [p for p in (config.pluginmanager.get_plugin(n) for n in TERMINAL_PLUGINS) if p is not None]
    logreport = config.pluginmanager.subset_hook_caller("pytest_runtest_logreport", remove_plugins=terminal)
    for report in gate_reports(summary, report_only=report_only):
        logreport(report=report)
