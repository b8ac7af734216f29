"""Gates that cannot mean what they say stop the run before any model call (exit code 4).

A gate for a task id no task has is a usage error naming the nearest known ids, on the command
line and in pyproject; a bound outside the metric's range is an error; a bound on the metric's
better side is a note in every report.
"""

from __future__ import annotations

import pytest

YES = "--mmtrust-model=py:toymodels:always_yes"


def calls(pytester: pytest.Pytester) -> list[str]:
    path = pytester.path / "calls.log"
    return path.read_text().split() if path.exists() else []


def test_a_gate_for_an_unknown_task_on_the_command_line_is_a_usage_error(toy: pytest.Pytester) -> None:
    result = toy.runpytest(YES, "--mmtrust-gate", "X.9>=0.5")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --mmtrust-gate 'X.9>=0.5': no task 'X.9' among the 1 task(s) collected "
                                 "in this run or the built-in tasks; did you mean X.1*"])
    assert calls(toy) == []  # stopped before any model call


def test_a_misspelled_pyproject_gate_names_the_file_and_the_nearest_id(toy: pytest.Pytester) -> None:
    toy.makefile(".toml", pyproject='[tool.mmtrust]\nmodel = "py:toymodels:always_yes"\n\n'
                                    '[tool.mmtrust.gates]\n"s.4" = ">=0.5"\n"x.1" = {mode = "confident"}\n')
    result = toy.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "pyproject.toml [tool.mmtrust.gates] 's.4': no task 's.4'" in err and "did you mean S.4?" in err
    assert "[tool.mmtrust.gates] 'x.1': no task 'x.1'" in err and "did you mean X.1?" in err
    assert calls(toy) == []


def test_gates_for_built_in_tasks_this_run_does_not_collect_are_fine(toy: pytest.Pytester) -> None:
    toy.runpytest(YES, "--mmtrust-gate", "S.4>=0.9", "--mmtrust-gate", "X.1>=0.1").assert_outcomes(passed=20)


@pytest.mark.parametrize(
    "gate, never",
    [("X.1>=1.5", "pass"), ("X.1>=-0.1", "fail"), ("X.1<=2", "fail"), ("S.4>=95", "pass")],
)
def test_a_bound_outside_the_metric_range_is_a_usage_error(toy: pytest.Pytester, gate: str, never: str) -> None:
    result = toy.runpytest(YES, "--mmtrust-gate", gate)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    task = gate.split(">")[0].split("<")[0]
    result.stderr.fnmatch_lines([f"ERROR: --mmtrust-gate '{gate}': gate * for {task}: * lies in [[]0, 1[]], "
                                 f"so this gate can never {never}*"])
    assert calls(toy) == []


def test_a_bound_on_the_better_side_is_a_note_in_every_report(toy: pytest.Pytester) -> None:
    result = toy.runpytest(YES, "--mmtrust-gate", "X.1<=0.9", "--mmtrust-md", "r.md")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(["note: gate <=0.9 for X.1: higher accuracy is better, so this gate fails a model "
                                 "for being better than 0.9; if you meant a floor, write '>=0.9'"])
    assert "if you meant a floor" in (toy.path / "r.md").read_text()


def test_a_project_without_benchmark_items_is_not_checked(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", pyproject='[tool.mmtrust.gates]\n"MY.1" = ">=0.9"\n')
    pytester.makepyfile(test_unit="def test_one():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_under_xdist_an_unknown_gate_stops_the_run_before_any_item(toy: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    result = toy.runpytest_subprocess(YES, "-n", "2", "--mmtrust-gate", "X.9>=0.5", "--mmtrust-gate", "X.1>=7")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "--mmtrust-gate 'X.9>=0.5': no task 'X.9'" in err and "did you mean X.1?" in err
    assert calls(toy) == []
    late = toy.runpytest_subprocess(YES, "-n", "2", "--mmtrust-gate", "X.1>=7")  # a custom task's metric: known at the end
    assert late.ret == pytest.ExitCode.USAGE_ERROR
    assert "--mmtrust-gate 'X.1>=7': gate >=7 for X.1: accuracy lies in [0, 1]" in late.stdout.str() + late.stderr.str()
