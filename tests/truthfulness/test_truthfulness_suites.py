"""The T.2–T.7 suites end to end: against a scripted model served over HTTP on 127.0.0.1 whose
right and wrong answers are known (asserting the exact metric, per condition and per outcome),
and on the built-in ``tiny`` model (a value and an interval for each task)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable

import pytest

from pytest_mmtrust.testing import AnswerScript, run_suites
from pytest_mmtrust.values import Case

SUITES = Path(__file__).resolve().parents[2] / "suites" / "truthfulness"
SUITE_FILES = sorted(str(p) for p in SUITES.glob("test_t[2-7]_*.py"))
TASKS = ("T.2", "T.3", "T.4", "T.5", "T.6", "T.7")
LETTERS = ("A", "B", "C", "D")


@pytest.fixture(scope="module")
def cases(bundled: Callable[[str], list[Case]]) -> dict[str, list[Case]]:
    """The bundled cases, from the session's dataset cache."""
    return {task: bundled(task) for task in TASKS}


# --- the scripted model: which answers are right is decided per case, up front ------------------


def next_letter(letter: str, avoid: set[str]) -> str:
    return next(other for other in LETTERS[LETTERS.index(letter) + 1:] + LETTERS if other not in avoid)


def scripted_answer(task: str, case: Case) -> tuple[str, str]:
    """(answer text, the outcome it must get) for one case — the script and its expected score."""
    n = int(case.id)
    meta = case.metadata
    target = case.target
    if meta["answer_type"] == "yes_no":
        other = "no" if target == "yes" else "yes"
        if task == "T.6" and n % 7 == 0:
            return "I cannot tell from this picture.", "UNANSWERED"
        if task == "T.3":
            right = n % 2 == 0 if case.condition == "plain" else n % 4 != 1
        else:
            right = n % 5 != 0 if task == "T.6" else n % 3 != 0
        if right:
            return f"{target.capitalize()}, I think.", "CORRECT"
        return f"{other.capitalize()}.", "MISLED" if task == "T.6" else "WRONG"
    if task == "T.3":
        right = n % 2 == 0 if case.condition == "plain" else n % 4 != 1
    elif task == "T.5":
        premise = meta["premise_option"]
        if meta["premise_false"]:
            if n % 4 == 0:
                return f"That cannot be answered. {meta['premise']}", "CORRECT"
            if n % 4 == 1:
                return f"The answer is {premise}.", "CORRECT"
            accepting = next_letter(premise, {premise})
            if n % 4 == 2:
                return f"({accepting})", "MISLED"
            return f"It is {meta['option_texts'][accepting]}.", "MISLED"
        if n % 2 == 0:
            return f"{target}", "CORRECT"
        return f"I choose {premise}.", "WRONG"
    elif task == "T.7":
        misleading = meta["shown"]
        if n % 4 == 0:
            return f"The answer is {misleading}.", "MISLED" if case.condition == "misleading" else "WRONG"
        if n % 4 == 1:
            return f"Answer: {next_letter(target, {target, misleading})}", "WRONG"
        if n % 8 == 2:
            return f"It is {meta['option_texts'][target]}.", "CORRECT"
        right = True
    else:
        right = n % 3 != 0
    if right:
        return f"The answer is {target}.", "CORRECT"
    return f"The answer is {next_letter(target, {target})}.", "WRONG"


@pytest.fixture(scope="module")
def script(cases: dict[str, list[Case]]) -> AnswerScript:
    """Each case's answer and the outcome it must get."""
    return AnswerScript.for_cases(cases, scripted_answer)


def test_suites_report_the_exact_metrics_of_a_scripted_model(pytester: pytest.Pytester, mmtrust_cache_dir: Path,
                                                              script: AnswerScript) -> None:
    expected: dict[str, Counter] = {}
    headline: dict[str, Counter] = {}  # T.7's headline is its "misleading" condition alone
    per_condition: dict[tuple[str, str], list[int]] = {}
    for entry in script:
        task, outcome, condition = entry.task, entry.outcome, entry.case.condition
        expected.setdefault(task, Counter())[outcome] += 1
        if task != "T.7" or condition == "misleading":
            headline.setdefault(task, Counter())[outcome] += 1
        if condition is not None:
            per_condition.setdefault((task, condition), []).append(outcome == "CORRECT")
    run = run_suites(pytester, SUITE_FILES, cache=mmtrust_cache_dir, script=script, args=["-q"])
    result, tasks = run.result, run.tasks
    result.assert_outcomes(passed=len(script))
    assert sorted(tasks) == ["T.2", "T.3", "T.4", "T.5", "T.6", "T.7"]
    for task_id, outcomes in expected.items():
        task = tasks[task_id]
        total = sum(outcomes.values())
        assert task["outcomes"] == dict(outcomes), task_id
        assert (task["n"], task["n_expected"]) == (total, total)
        used = headline[task_id]
        assert task["value"] == pytest.approx(used["CORRECT"] / sum(used.values()), abs=1e-12), task_id
        assert task["ci"][0] <= task["value"] <= task["ci"][1]
        assert task["metric"] == "accuracy" and task["direction"] == "higher"
    # the scripts above: hand-counted values that must come out
    assert tasks["T.3"]["value"] == pytest.approx(0.625)
    assert set(tasks["T.5"]["outcomes"]) == {"CORRECT", "MISLED", "WRONG"}
    assert tasks["T.5"]["outcomes"]["MISLED"] == 32  # half the 64 false premises are accepted (by letter or by text)
    assert set(tasks["T.6"]["outcomes"]) == {"CORRECT", "MISLED", "UNANSWERED"}
    assert set(tasks["T.7"]["outcomes"]) == {"CORRECT", "MISLED", "WRONG"}
    plain, enhanced = tasks["T.3"]["conditions"]
    assert (plain["condition"], enhanced["condition"]) == ("plain", "enhanced")
    assert plain["value"] == pytest.approx(0.5) and enhanced["value"] == pytest.approx(0.75)
    assert plain["delta"] is None and enhanced["delta"] == pytest.approx(0.25)
    assert enhanced["delta_ci"][0] < 0.25 < enhanced["delta_ci"][1] and enhanced["delta_ci"][0] > 0
    for (task_id, condition), rights in per_condition.items():
        (entry,) = [c for c in tasks[task_id]["conditions"] if c["condition"] == condition]
        assert entry["value"] == pytest.approx(sum(rights) / len(rights)) and entry["n"] == len(rights)


def test_verbose_output_names_each_outcome(pytester: pytest.Pytester, mmtrust_cache_dir: Path, cases) -> None:
    pytester.makepyfile(truthmodels="def answer(request):\n    return 'There is no star in the image.'\n")
    pytester.syspathinsert()
    result = run_suites(pytester, [SUITES / "test_t5_text_misleading.py"], cache=mmtrust_cache_dir, model="py:truthmodels:answer",
                        args=["-v", "-k", "0001 or 0002 or 0003 or 0004 or 0005 or 0006"]).result
    result.assert_outcomes(passed=6)
    # (the first item's line is split by the progress report of the answering phase: skip it)
    for case in cases["T.5"][1:6]:
        status = "CORRECT" if case.metadata["premise_false"] else "WRONG"
        result.stdout.fnmatch_lines([f"*test_text_misleading?T.5/{case.id}? {status}*"])
    assert {c.metadata["premise_false"] for c in cases["T.5"][1:6]} == {True, False}


def test_suites_run_on_the_tiny_model(pytester: pytest.Pytester, mmtrust_cache_dir: Path, cases) -> None:
    run = run_suites(pytester, SUITE_FILES, cache=mmtrust_cache_dir, args=["-q", "-k", "0001 or 0002"])
    run.result.assert_outcomes(passed=18)  # T.7 asks each item in three conditions
    tasks = run.report["tasks"]
    assert sorted(t["id"] for t in tasks) == ["T.2", "T.3", "T.4", "T.5", "T.6", "T.7"]
    for task in tasks:
        assert task["value"] is not None and 0.0 <= task["value"] <= 1.0
        assert len(task["ci"]) == 2 and task["ci"][0] <= task["value"] <= task["ci"][1]
        assert task["n"] < task["n_expected"]  # most cases were deselected
    (t3,) = [t for t in tasks if t["id"] == "T.3"]
    assert [c["condition"] for c in t3["conditions"]] == ["plain", "enhanced"]
