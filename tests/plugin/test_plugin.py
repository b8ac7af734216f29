"""Plugin behaviour, end to end through pytester, on a toy suite and plain-function models."""

from __future__ import annotations

import json

import pytest


def calls(pytester: pytest.Pytester) -> list[str]:
    """Every request text the toy models were asked, in order, across processes."""
    path = pytester.path / "calls.log"
    return path.read_text().split() if path.exists() else []


YES = "--mmtrust-model=py:toymodels:always_yes"
RIGHT = "--mmtrust-model=py:toymodels:right_answers"


def test_items_are_named_by_task_and_case_and_carry_markers(toy: pytest.Pytester) -> None:
    result = toy.runpytest(YES, "--collect-only", "-q")
    assert "test_toy.py::test_toy[X.1/0000/none]" in result.stdout.str()
    assert "test_toy.py::test_toy[X.1/0009/unrelated]" in result.stdout.str()
    assert "20 tests collected" in result.stdout.str()
    selected = toy.runpytest(YES, "--collect-only", "-q", "-k", "0001 or 0002").stdout.str()
    assert "4/20 tests collected (16 deselected)" in selected
    assert "mmtrust summary" not in selected  # nothing ran: nothing to report
    for marker in ("mmtrust", "mmtrust_custom", "mmtrust_x1"):
        assert "20 tests collected" in toy.runpytest(YES, "--collect-only", "-q", "-m", marker).stdout.str()
    assert "deselected" in toy.runpytest(YES, "--collect-only", "-q", "-m", "mmtrust_safety").stdout.str()


def test_verbose_status_names_the_outcome_and_summary_table_is_printed(toy: pytest.Pytester) -> None:
    result = toy.runpytest(YES, "-v")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines([
        "mmtrust X.1: 10 requests to answer",  # the response phase runs before the first item
        "mmtrust X.1: 10/10 · 0 cached · 10 sent · 0 errors*",
        "*test_toy[[]X.1/0000/unrelated[]] WRONG*",
        "*test_toy[[]X.1/0001/none[]] CORRECT*",
        "*mmtrust summary*",
        "mmtrust: py:toymodels:always_yes · 1 task · 20 cases scored · 0 cached",
        "X.1*toy yes/no*accuracy ↑*0.500*[[]0.30, 0.70[]]*20/20*≥ 0.4*pass",
        "*X.1 [[]unrelated[]] accuracy 0.500*Δ vs none +0.000*",
    ])


def test_json_report_has_the_documented_keys(toy: pytest.Pytester) -> None:
    toy.runpytest(YES, "--mmtrust-json", "out/report.json").assert_outcomes(passed=20)
    report = json.loads((toy.path / "out" / "report.json").read_text())
    assert report["schema"] == 1 and report["model"] == "py:toymodels:always_yes"
    (task,) = report["tasks"]
    for key, value in {"id": "X.1", "aspect": "custom", "metric": "accuracy", "direction": "higher",
                       "value": 0.5, "n": 20, "n_expected": 20, "gate": ">=0.4", "baseline": None,
                       "verdict": "pass"}.items():
        assert task[key] == value, key
    assert task["name"] == "toy yes/no" and len(task["ci"]) == 2
    assert [c["condition"] for c in task["conditions"]] == ["none", "unrelated"]


def test_a_second_identical_run_asks_the_model_nothing(toy: pytest.Pytester) -> None:
    toy.runpytest(YES).assert_outcomes(passed=20)
    assert len(calls(toy)) == 10  # the two image conditions share a text-only request
    second = toy.runpytest(YES)
    second.assert_outcomes(passed=20)
    assert len(calls(toy)) == 10
    second.stdout.fnmatch_lines(["*20 cases scored · 20 cached (fully cached: no model calls)*"])


def test_no_store_asks_again_each_run(toy: pytest.Pytester) -> None:
    toy.runpytest(YES, "--mmtrust-no-store").assert_outcomes(passed=20)
    toy.runpytest(YES, "--mmtrust-no-store").assert_outcomes(passed=20)
    assert len(calls(toy)) == 20


def test_a_failed_gate_fails_the_session_with_one_line_why(toy: pytest.Pytester) -> None:
    result = toy.runpytest(YES, "--mmtrust-gate", "X.1>=0.9")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL: X.1: 0.500 does not meet gate >=0.9", "mmtrust: 1 gate(s) failed"])
    assert toy.runpytest(YES, "--mmtrust-gate", "X.1>=0.9", "--mmtrust-report-only").ret == 0


def test_gates_from_pyproject_and_command_line_wins(toy: pytest.Pytester) -> None:
    toy.makefile(".toml", pyproject='[tool.mmtrust]\nmodel = "py:toymodels:always_yes"\n\n[tool.mmtrust.gates]\n"X.1" = ">=0.9"\n')
    assert toy.runpytest().ret == pytest.ExitCode.TESTS_FAILED
    assert toy.runpytest("--mmtrust-gate", "X.1>=0.1").ret == 0


def test_baseline_regression_fails_only_when_significant(toy: pytest.Pytester) -> None:
    toy.runpytest(RIGHT, "--mmtrust-save-baseline", "base.json").assert_outcomes(passed=20)
    saved = json.loads((toy.path / "base.json").read_text())
    assert saved["tasks"]["X.1"]["value"] == 1.0 and len(saved["tasks"]["X.1"]["cases"]) == 20
    worse = toy.runpytest(YES, "--mmtrust-baseline", "base.json", "--mmtrust-gate", "X.1>=0")
    assert worse.ret == pytest.ExitCode.TESTS_FAILED
    worse.stdout.fnmatch_lines(["FAIL: X.1: regressed 1.000 → 0.500*significant"])
    same = toy.runpytest(RIGHT, "--mmtrust-baseline", "base.json")
    assert same.ret == 0
    tolerant = toy.runpytest(YES, "--mmtrust-baseline", "base.json", "--mmtrust-max-drop", "0.6", "--mmtrust-gate", "X.1>=0")
    assert tolerant.ret == 0


def test_a_model_error_errors_the_item_and_leaves_the_task_incomplete(toy: pytest.Pytester) -> None:
    result = toy.runpytest("--mmtrust-model=py:toymodels:fails_on_q3", "--mmtrust-json", "r.json")
    result.assert_outcomes(passed=18, errors=2)
    result.stdout.fnmatch_lines(["*X.1/0003/none: model call failed: server said 400*"])
    task = json.loads((toy.path / "r.json").read_text())["tasks"][0]
    assert task["verdict"] == "incomplete" and task["n"] == 18 and task["n_expected"] == 20


def test_deselected_items_make_the_task_incomplete_not_passed(toy: pytest.Pytester) -> None:
    toy.runpytest(YES, "-k", "0001", "--mmtrust-json", "r.json").assert_outcomes(passed=2)
    task = json.loads((toy.path / "r.json").read_text())["tasks"][0]
    assert task["verdict"] == "incomplete"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--mmtrust-model=nonsense"], "--mmtrust-model 'nonsense': unknown model string"),
        (["--mmtrust-model=py:nomodule:fn"], "cannot import 'nomodule'"),
        ([YES, "--mmtrust-gate", "X.1=>0.9"], "--mmtrust-gate: cannot parse 'X.1=>0.9'"),
        ([YES, "--mmtrust-concurrency", "0"], "--mmtrust-concurrency: '0' must be at least 1"),
        ([YES, "--mmtrust-data", "missing-folder"], "--mmtrust-data missing-folder: no such folder"),
        ([YES, "--mmtrust-baseline", "nope.json"], "--mmtrust-baseline"),
    ],
)
def test_bad_input_gets_one_clear_line(toy: pytest.Pytester, args: list[str], message: str) -> None:
    result = toy.runpytest(*args)
    assert result.ret != 0
    assert message in result.stderr.str() + result.stdout.str()


def test_unknown_pyproject_key_is_named(toy: pytest.Pytester) -> None:
    toy.makefile(".toml", pyproject='[tool.mmtrust]\nmodle = "tiny"\n')
    result = toy.runpytest()
    assert "[tool.mmtrust] 'modle'" in result.stderr.str()


def test_malformed_dataset_line_fails_its_task_naming_file_and_line(toy: pytest.Pytester) -> None:
    data = toy.mkdir("data")
    (data / "toy.jsonl").write_text('{"id": "1", "prompt": "q1", "target": "yes"}\n{"id": "2", "prompt": \n')
    result = toy.runpytest(YES, "--mmtrust-data", "data")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*task X.1: *toy.jsonl:2: malformed case*"])


def test_xdist_gives_the_same_results_and_asks_nothing_twice(toy: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    serial = toy.runpytest_subprocess(YES, "--mmtrust-no-store", "--mmtrust-json", "serial.json")
    serial.assert_outcomes(passed=20)
    calls_serial = len(calls(toy))
    parallel = toy.runpytest_subprocess(YES, "-n", "2", "--mmtrust-no-store", "--mmtrust-json", "parallel.json")
    parallel.assert_outcomes(passed=20)
    assert len(calls(toy)) - calls_serial == calls_serial  # every request exactly once across both workers
    a = json.loads((toy.path / "serial.json").read_text())
    b = json.loads((toy.path / "parallel.json").read_text())
    for report in (a, b):  # which worker found an answer already stored differs; the results do not
        report.pop("timing"), report["totals"].pop("cached")
        for task in report["tasks"]:
            task.pop("cached")
    assert a == b


def test_epochs_ask_each_case_k_times_and_aggregate_per_case(toy: pytest.Pytester) -> None:
    toy.runpytest(YES, "--mmtrust-epochs", "3", "--mmtrust-json", "r.json").assert_outcomes(passed=20)
    assert len(calls(toy)) == 30  # 10 distinct requests x 3 seeds
    task = json.loads((toy.path / "r.json").read_text())["tasks"][0]
    assert (task["epochs"], task["n"], task["n_expected"], task["value"]) == (3, 20, 20, 0.5)


def test_the_result_can_be_asked_for_from_the_test_body_too(toy: pytest.Pytester) -> None:
    """``mmtrust_result`` finds its item without a ``request`` argument (a costly one in pytest 9):
    asked for late, from inside a test, it still scores and records that test's own case."""
    toy.makepyfile(test_toy=TOY_SUITE_LATE)
    result = toy.runpytest(RIGHT, "-v")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(["*test_toy[[]X.1/0001/none[]] CORRECT*", "X.1*toy yes/no*accuracy ↑*1.000*20/20*"])


TOY_SUITE_LATE = '''
from pytest_mmtrust import Task, Dataset, Metric, Case, Score


def generate(folder):
    return [Case(id=f"{i:04d}", prompt=f"q{i}", target="yes" if i % 2 else "no", condition=c)
            for i in range(10) for c in ("none", "unrelated")]


class Exact:
    name = "rules:exact"

    def __call__(self, case, text):
        ok = text.strip() == case.target
        return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")


TOY = Task(id="X.1", name="toy yes/no", aspect="custom", dataset=Dataset("X.1", "1", generate),
           evaluator=Exact(), metric=Metric("accuracy"))


@TOY.test
def test_toy(mmtrust_case, request):
    result = request.getfixturevalue("mmtrust_result")
    assert result.case is mmtrust_case and result.score.outcome == "CORRECT"
'''
