"""One task's unreadable data fails that task only; -m/-k read and report only the selected tasks."""

from __future__ import annotations

import json
import textwrap

import pytest

TWO_TASKS = textwrap.dedent(
    '''
    import os
    from pathlib import Path
    from pytest_mmtrust import Case, Dataset, Metric, Score, Task
    from pytest_mmtrust.errors import DataError

    def generator(task_id):
        def generate(folder):
            with open(os.environ["GENERATED_LOG"], "a") as log:  # which datasets were made
                log.write(task_id + "\\n")
            return [Case(id=f"{i:04d}", prompt=f"{task_id} q{i}", target="yes") for i in range(4)]
        return generate

    def upstream_a(data_dir):
        return [Case(id=f"{i:04d}", prompt=f"A q{i}", target="yes") for i in range(3)]

    def upstream_b(data_dir):
        raise DataError(f"{data_dir}/b/annotations.json: missing (expected layout: b/annotations.json)")

    class Exact:
        name = "rules:exact"
        def __call__(self, case, text):
            ok = text.strip() == case.target
            return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")

    A = Task(id="A.1", name="task a", aspect="custom", evaluator=Exact(), metric=Metric("accuracy"),
             dataset=Dataset("A.1", "1", generator("A.1"), upstream_a), gate=">=0.5")
    B = Task(id="B.1", name="task b", aspect="custom", evaluator=Exact(), metric=Metric("accuracy"),
             dataset=Dataset("B.1", "1", generator("B.1"), upstream_b), gate=">=0.5")

    @A.test
    def test_a(mmtrust_result):
        pass

    @B.test
    def test_b(mmtrust_case):
        pass
    '''
)


@pytest.fixture
def two(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(test_two=TWO_TASKS, answers="def yes(request):\n    return 'yes'\n")
    monkeypatch.setenv("GENERATED_LOG", str(pytester.path / "generated.log"))
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "--mmtrust-model=py:answers:yes", "--mmtrust-no-store", "-p", "no:cacheprovider",
        f"--mmtrust-cache-dir={pytester.path / 'cache'}", "--rootdir", str(pytester.path), *args,
    )


def generated(pytester: pytest.Pytester) -> list[str]:
    log = pytester.path / "generated.log"
    return sorted(log.read_text().split()) if log.exists() else []


def test_a_task_whose_data_cannot_be_read_fails_alone_and_the_others_run(two: pytest.Pytester) -> None:
    (two.path / "data").mkdir()
    report = two.path / "report.json"
    result = run(two, "--mmtrust-data", str(two.path / "data"), f"--mmtrust-json={report}")
    result.assert_outcomes(passed=3, failed=1)  # A.1's three cases ran; B.1 is one failing item
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "Interrupted" not in output and "error" not in result.parseoutcomes()
    result.stdout.fnmatch_lines(["*test_b[[]B.1/data[]]*", "*B.1: data could not be read: *b/annotations.json: missing*"])
    tasks = {t["id"]: t for t in json.loads(report.read_text())["tasks"]}
    assert tasks["A.1"]["verdict"] == "pass" and tasks["A.1"]["n"] == 3
    assert tasks["B.1"]["verdict"] == "fail" and tasks["B.1"]["value"] is None
    assert any("b/annotations.json: missing" in reason for reason in tasks["B.1"]["reasons"])


def test_a_marker_selection_generates_reads_and_reports_only_the_selected_task(two: pytest.Pytester) -> None:
    report = two.path / "report.json"
    result = run(two, "-m", "mmtrust_a1", f"--mmtrust-json={report}")
    result.assert_outcomes(passed=4)
    assert generated(two) == ["A.1"]  # B.1's data was never made
    assert [t["id"] for t in json.loads(report.read_text())["tasks"]] == ["A.1"]
    assert "1 task" in result.stdout.str() and "B.1" not in result.stdout.str().split("mmtrust summary")[1]


def test_a_keyword_that_rules_a_task_out_by_its_names_skips_its_data(two: pytest.Pytester) -> None:
    result = run(two, "-k", "not test_a", "--collect-only", "-q")
    assert "4/5 tests collected (1 deselected)" in result.stdout.str()  # A.1 is one placeholder
    assert generated(two) == ["B.1"]


def test_a_keyword_that_may_be_in_a_case_id_reads_the_data_to_decide(two: pytest.Pytester) -> None:
    """``-k B.1`` could match an A.1 case whose id contains "b.1": A.1's data is read to know."""
    report = two.path / "report.json"
    run(two, "-k", "B.1", f"--mmtrust-json={report}").assert_outcomes(passed=4)
    assert generated(two) == ["A.1", "B.1"]
    assert [t["id"] for t in json.loads(report.read_text())["tasks"]] == ["B.1"]


def test_a_keyword_on_a_case_id_reads_every_task_but_reports_only_those_with_items(two: pytest.Pytester) -> None:
    """``-k 0001`` can only be decided by case ids: both datasets are read, both tasks have an item."""
    report = two.path / "report.json"
    run(two, "-k", "0001", f"--mmtrust-json={report}").assert_outcomes(passed=2)
    assert generated(two) == ["A.1", "B.1"]
    assert sorted(t["id"] for t in json.loads(report.read_text())["tasks"]) == ["A.1", "B.1"]
    report.unlink()
    run(two, "-k", "test_a and 0001", f"--mmtrust-json={report}").assert_outcomes(passed=1)
    assert [t["id"] for t in json.loads(report.read_text())["tasks"]] == ["A.1"]  # B.1 has no selected item
