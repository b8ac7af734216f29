"""A regression's report shows first the cases that started failing, with the baseline's outcome."""

from __future__ import annotations

import re

import pytest
from report_factory import meta, record

from pytest_mmtrust.gates import BaselineEntry
from pytest_mmtrust.metrics import Metric
from pytest_mmtrust.report.cases import baseline_outcome, failing_records, newly_failing
from pytest_mmtrust.report.html import render_html
from pytest_mmtrust.report.markdown import render_markdown
from pytest_mmtrust.summary import RunSummary, summarise

# Now: cases 0000-0009 right except 0002, 0005, 0007, 0008. Baseline: 0000-0007 right, 0008-0009 wrong.
NOW_WRONG = {2, 5, 7, 8}
BASE_WRONG = {8, 9}


@pytest.fixture(scope="module")
def regression() -> RunSummary:
    records = [record("T.1", f"{i:04d}", 0.0 if i in NOW_WRONG else 1.0, "WRONG" if i in NOW_WRONG else "CORRECT",
                      prompt=f"question {i}", response=f"answer {i}") for i in range(10)]
    cases = {f"{i:04d}": 0.0 if i in BASE_WRONG else 1.0 for i in range(10)}
    outcomes = {key: "WRONG" if value == 0 else "CORRECT" for key, value in cases.items()}
    outcomes["0009"] = "UNANSWERED"
    entry = BaselineEntry(0.8, (0.49, 0.94), 10, "accuracy", {"successes": 8}, cases, outcomes=outcomes)
    task_meta = {"T.1": meta("T.1", "basic world understanding", "truthfulness", Metric("accuracy"), ">=0.5")}
    return summarise("m", task_meta, {"T.1": 10}, records, {}, {"T.1": entry}, 0.02)


def test_newly_failing_cases_come_first_then_the_ones_that_already_failed(regression: RunSummary) -> None:
    (task,) = regression.tasks
    order = [r.case for r in failing_records(task)]
    assert order == ["0002", "0005", "0007", "0008"]
    assert [newly_failing(task, r) for r in failing_records(task)] == [True, True, True, False]
    assert [baseline_outcome(task, r) for r in failing_records(task)] == ["CORRECT", "CORRECT", "CORRECT", "WRONG"]


def test_markdown_examples_carry_the_baseline_outcome(regression: RunSummary) -> None:
    text = render_markdown(regression)
    assert "4 failing of 10 (3 newly failing since the baseline, showing 4)" in text
    rows = [line for line in text.splitlines() if line.startswith("| 000")]
    assert [row.split(" | ")[0] for row in rows] == ["| 0002", "| 0005", "| 0007", "| 0008"]
    header = next(line for line in text.splitlines() if line.startswith("| case |"))
    assert header == "| case | outcome | baseline | prompt | image | response |"
    assert rows[0].startswith("| 0002 | WRONG | CORRECT → WRONG (new) |") and rows[-1].startswith("| 0008 | WRONG | WRONG |")


def test_html_case_table_lists_newly_failing_cases_first_with_the_baseline_column(regression: RunSummary) -> None:
    page = render_html(regression)
    table = page[page.index("id='case-table'"):]
    head = re.findall(r"<th>([^<]+)</th>", table[: table.index("</thead>")])
    assert head == ["task", "case", "condition", "outcome", "baseline", "score", "image", "prompt", "response"]
    rows = re.findall(r"<tr data-task='T.1'[^>]*>(.*?)</tr>", table)
    cases = [re.findall(r"<td>(.*?)</td>", row)[1] for row in rows]
    assert cases[:4] == ["0002", "0005", "0007", "0008"] and len(cases) == 10
    assert "newly-failing" in re.findall(r"<tr data-task='T.1'([^>]*)>", table)[0]
    assert "CORRECT" in re.findall(r"<td>(.*?)</td>", rows[0])[4]


def test_without_a_baseline_nothing_changes(passing_summary: RunSummary) -> None:
    (task,) = passing_summary.tasks
    assert all(baseline_outcome(task, r) is None for r in task.records)
    page = render_html(passing_summary)
    assert "<th>baseline</th>" not in page[page.index("id='case-table'"):]
