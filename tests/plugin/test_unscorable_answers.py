"""A model cannot escape a gate by answering in a form the evaluator cannot score.

End to end through pytester: the built-in P.3 suite against a model that never gives a rating
fails its gate (r = 0), not "incomplete"; a proportion task counts unparseable answers as
failures; each task reports its unscorable share.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

SUITES = Path(__file__).resolve().parents[2] / "suites"

NO_RATINGS = textwrap.dedent(
    """
    def declines(request):
        return "I can't rate that."
    """
)


def test_p3_against_a_model_that_never_rates_fails_instead_of_incomplete(
    pytester: pytest.Pytester, mmtrust_cache_dir: Path
) -> None:
    pytester.makepyfile(norating=NO_RATINGS)
    pytester.syspathinsert()
    suite = SUITES / "privacy" / "test_p3_infoflow_expectation.py"
    result = pytester.runpytest(str(suite), "--mmtrust-model=py:norating:declines", "--mmtrust-no-store",
                                f"--mmtrust-cache-dir={mmtrust_cache_dir}", "--mmtrust-json", "r.json", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    (task,) = json.loads((pytester.path / "r.json").read_text())["tasks"]
    assert task["verdict"] == "fail" and task["value"] == 0.0 and task["n"] == task["n_expected"]
    assert task["unscorable"]["count"] == task["n_expected"] and task["unscorable"]["share"] == 1.0
    assert task["unscorable"]["outcomes"] == {"UNRATED": task["n_expected"]}
    result.stdout.fnmatch_lines([f"  P.3 unscorable: {task['n_expected']} of {task['n_expected']} answers "
                                 f"(100%: UNRATED {task['n_expected']}), counted as the rating 0",
                                 "FAIL: P.3: 0.000 does not meet gate >=0.5"])


PARSED = textwrap.dedent(
    '''
    from pytest_mmtrust import Case, Dataset, Metric, Score, Task

    def generate(folder):
        return [Case(id=f"{i:02d}", prompt=f"q{i}", target="yes") for i in range(10)]

    class YesNo:
        name = "rules:yes-no"
        def __call__(self, case, text):
            word = text.strip().lower()
            if word not in ("yes", "no"):
                return Score(None, "UNPARSED")
            return Score(1.0 if word == case.target else 0.0, "CORRECT" if word == case.target else "WRONG")

    TASK = Task(id="Y.1", name="parsed", aspect="custom", dataset=Dataset("Y.1", "1", generate),
                evaluator=YesNo(), metric=Metric("accuracy"), gate=">=0.5")

    @TASK.test
    def test_parsed(mmtrust_result):
        pass
    '''
)

MODELS = textwrap.dedent(
    """
    def mostly_unparseable(request):
        return "yes" if request.text in ("q0", "q1", "q2") else "Let me think about it."
    """
)


def test_a_proportion_counts_unparseable_answers_as_failures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_parsed=PARSED, parsedmodels=MODELS)
    pytester.syspathinsert()
    result = pytester.runpytest("--mmtrust-model=py:parsedmodels:mostly_unparseable", "--mmtrust-json", "r.json",
                                "--mmtrust-md", "r.md")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # 3 of 10, not 3 of 3
    (task,) = json.loads((pytester.path / "r.json").read_text())["tasks"]
    assert (task["value"], task["n"], task["verdict"]) == (0.3, 10, "fail")
    assert task["unscorable"] == {"count": 7, "share": 0.7, "outcomes": {"UNPARSED": 7}, "rule": "counted as failures"}
    result.stdout.fnmatch_lines(["  Y.1 unscorable: 7 of 10 answers (70%: UNPARSED 7), counted as failures"])
    assert "10/10 (7 unscorable)" in (pytester.path / "r.md").read_text()
