"""A metric function written in a suite file works under pytest-xdist too.

The xdist controller computes every metric but collects no suite file, so it cannot import
``test_parity:worst_class_accuracy`` by name; the workers tell it the file, and it loads it.
"""

from __future__ import annotations

import json
import textwrap

import pytest

SUITE = textwrap.dedent(
    '''
    from pytest_mmtrust import Case, Dataset, Metric, MetricValue, Score, Task

    def generate(folder):
        return [Case(id=f"{i:03d}", prompt=f"Is {i} even?", target="yes" if i % 2 == 0 else "no") for i in range(20)]

    class YesNo:
        name = "rules:yes-no"
        def __call__(self, case, text):
            right = text.strip().lower().startswith(case.target)
            return Score(1.0 if right else 0.0, "CORRECT" if right else "WRONG")

    def worst_class_accuracy(records):
        by_class = {}
        for record in records:
            by_class.setdefault(record.target, []).append(record.value or 0.0)
        value = min(sum(v) / len(v) for v in by_class.values())
        return MetricValue(value, (value, value), len(records))

    PARITY = Task(id="X.1", name="parity", aspect="custom", dataset=Dataset("X.1", "1", generate),
                  evaluator=YesNo(), metric=Metric("worst_class_accuracy", function=worst_class_accuracy))

    @PARITY.test
    def test_parity(mmtrust_result):
        pass
    '''
)


@pytest.mark.parametrize("xdist", [False, True], ids=["serial", "xdist"])
def test_a_metric_function_in_a_suite_file_in_a_subfolder(pytester: pytest.Pytester, xdist: bool) -> None:
    if xdist:
        pytest.importorskip("xdist")
    pytester.mkdir("sub")
    (pytester.path / "sub" / "test_parity.py").write_text(SUITE)
    pytester.makepyfile(answers="def yes(request):\n    return 'yes'\n")
    pytester.makeini("[pytest]\n")
    args = ["sub", "--mmtrust-model=py:answers:yes", "--mmtrust-no-store", "--mmtrust-json", "r.json",
            "-p", "no:cacheprovider", "--rootdir", str(pytester.path)]
    result = pytester.runpytest_subprocess(*args, *(["-n", "2"] if xdist else []))
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-2000:]
    (task,) = json.loads((pytester.path / "r.json").read_text())["tasks"]
    assert task["value"] == 0.0  # "yes" to every odd number: the "no" class is always wrong
