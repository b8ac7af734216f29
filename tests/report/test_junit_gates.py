"""Gate decisions as JUnit testcases ``mmtrust.gate[TASK]`` with the metric as properties."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_mmtrust.report.junit import gate_properties, gate_reports
from pytest_mmtrust.summary import RunSummary


def junit_cases(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {f"{case.get('classname')}.{case.get('name')}": case for case in root.iter("testcase")}


def properties(case: ET.Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in case.iter("property")}


def test_one_gate_test_per_task_with_the_right_outcome(summary: RunSummary) -> None:
    reports = gate_reports(summary)
    by_task: dict[str, list[tuple[str, str]]] = {}
    for report in reports:
        assert report.nodeid.startswith("mmtrust::gate[")
        by_task.setdefault(report.nodeid[len("mmtrust::gate["):-1], []).append((report.when, report.outcome))
    assert list(by_task) == [t.id for t in summary.tasks]
    assert by_task["T.1"] == [("setup", "passed"), ("call", "passed"), ("teardown", "passed")]
    assert by_task["S.4"] == [("setup", "passed"), ("call", "failed"), ("teardown", "passed")]
    assert by_task["R.1"][1] == ("call", "failed")
    assert by_task["S.6"][1] == ("call", "passed")  # ungated: nothing to fail
    assert by_task["G.privacy"] == [("setup", "skipped"), ("teardown", "passed")]  # incomplete: no verdict
    failed = next(r for r in reports if r.nodeid == "mmtrust::gate[S.4]" and r.when == "call")
    assert str(failed.longrepr) == "S.4: 0.600 does not meet gate >=0.9"


def test_report_only_turns_failures_into_skips(summary: RunSummary) -> None:
    reports = gate_reports(summary, report_only=True)
    assert not [r for r in reports if r.failed]
    s4 = next(r for r in reports if r.nodeid == "mmtrust::gate[S.4]" and r.when == "setup")
    assert s4.skipped and "reported only" in s4.longrepr[2]  # type: ignore[index]


def test_properties_name_metric_value_interval_and_verdict(summary: RunSummary) -> None:
    r1 = dict(gate_properties(next(t for t in summary.tasks if t.id == "R.1")))
    assert r1 == {
        "mmtrust_task": "R.1", "mmtrust_metric": "accuracy", "mmtrust_direction": "higher", "mmtrust_value": 0.5,
        "mmtrust_ci": r1["mmtrust_ci"], "mmtrust_n": 20, "mmtrust_gate": "", "mmtrust_baseline": 0.95,
        "mmtrust_delta": -0.45, "mmtrust_verdict": "fail", "mmtrust_baseline_problem": "",
    }
    low, high = (float(x) for x in str(r1["mmtrust_ci"]).split(","))
    assert low < 0.5 < high


GATE_CONFTEST = textwrap.dedent(
    """
    import pytest
    from pytest_mmtrust.metrics import Metric
    from pytest_mmtrust.records import ScoreRecord
    from pytest_mmtrust.report.junit import send_gate_reports
    from pytest_mmtrust.summary import summarise

    def meta(task_id, gate):
        return {"id": task_id, "name": "toy " + task_id, "aspect": "custom",
                "metric": Metric("accuracy").to_json(), "gate": gate, "evaluator": "rules:toy"}

    def summary():
        records = [ScoreRecord(task=t, case=f"{i:04d}", case_id=f"{i:04d}", condition=None,
                               value=1.0 if i < right else 0.0, outcome="X")
                   for t, right in (("A.1", 6), ("A.2", 9), ("A.3", 4)) for i in range(10)]
        return summarise("toy", {"A.1": meta("A.1", ">=0.9"), "A.2": meta("A.2", ">=0.5"), "A.3": meta("A.3", None)},
                         {"A.1": 10, "A.2": 10, "A.3": 12}, records, {}, None, 0.02)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(session):
        send_gate_reports(session.config, summary())
    """
)


def test_junitxml_writes_a_testcase_per_gate(pytester: pytest.Pytester) -> None:
    """The reports as junitxml sees them, sent the way the plugin's controller sends them."""
    pytester.makeconftest(GATE_CONFTEST)
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = pytester.runpytest("-p", "no:mmtrust", "--junitxml=out.xml")
    # The terminal is left alone: its progress line is finished and its counts are the items'.
    result.stdout.fnmatch_lines(["test_plain.py . *[[]100%[]]", "*= 1 passed in *"])
    assert "gate[" not in result.stdout.str()
    cases = junit_cases(pytester.path / "out.xml")
    assert set(cases) == {"test_plain.test_plain", "mmtrust.gate[A.1]", "mmtrust.gate[A.2]", "mmtrust.gate[A.3]"}
    failure = cases["mmtrust.gate[A.1]"].find("failure")
    assert failure is not None and failure.get("message") == "A.1: 0.600 does not meet gate >=0.9"
    assert properties(cases["mmtrust.gate[A.1]"])["mmtrust_verdict"] == "fail"
    assert properties(cases["mmtrust.gate[A.1]"])["mmtrust_value"] == "0.6"
    passed = cases["mmtrust.gate[A.2]"]
    assert passed.find("failure") is None and passed.find("skipped") is None
    assert properties(passed)["mmtrust_gate"] == ">=0.5"
    skipped = cases["mmtrust.gate[A.3]"].find("skipped")
    assert skipped is not None and "10 of 12 items scored" in (skipped.get("message") or "")


# The toy suite and model of the plugin's smoke run, embedded so the test needs no outside file.
TOY_SUITE = textwrap.dedent(
    """
    from pytest_mmtrust import Task, Dataset, Metric, Case, Score

    def generate(folder):
        return [Case(id=f"{i:04d}", prompt=f"q{i}", target="yes" if i % 2 else "no", condition=c)
                for i in range(10) for c in ("none", "unrelated")]

    class Exact:
        name = "exact"
        def __call__(self, case, text):
            ok = text.strip() == case.target
            return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")

    TASK = Task(id="X.1", name="toy", aspect="custom", dataset=Dataset("X.1", "1", generate),
                evaluator=Exact(), metric=Metric("accuracy"), gate=">=0.4")

    @TASK.test
    def test_toy(mmtrust_result):
        pass
    """
)
TOY_MODEL = "def answer(request):\n    return 'yes'\n"


def test_plugin_reports_gates_to_junitxml(pytester: pytest.Pytester) -> None:
    """End to end through the plugin: needs the controller to send :func:`gate_reports`."""
    pytester.makepyfile(test_toy=TOY_SUITE, toymodel=TOY_MODEL)
    pytester.syspathinsert()
    result = pytester.runpytest("--mmtrust-model=py:toymodel:answer", "--mmtrust-no-store",
                                "--mmtrust-gate", "X.1>=0.9", "--junitxml=out.xml")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    cases = junit_cases(pytester.path / "out.xml")
    items = [name for name in cases if name.startswith("test_toy.test_toy[")]
    assert len(items) == 20
    assert properties(cases["test_toy.test_toy[X.1/0001/none]"])["mmtrust_score"] == "1.0"
    gate = cases["mmtrust.gate[X.1]"]
    failure = gate.find("failure")
    assert failure is not None and "X.1: 0.500 does not meet gate >=0.9" in (failure.get("message") or "")
    props = properties(gate)
    assert props["mmtrust_metric"] == "accuracy" and props["mmtrust_value"] == "0.5"
    assert props["mmtrust_verdict"] == "fail" and props["mmtrust_gate"] == ">=0.9"
    low, high = (float(x) for x in props["mmtrust_ci"].split(","))
    assert low < 0.5 < high
