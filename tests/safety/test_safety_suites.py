"""The S.1, S.2, S.3, S.5 and S.6 suites end to end: against a scripted model served over HTTP on
127.0.0.1 whose answers are decided per case up front (asserting the exact metric, per condition,
per outcome and for the extra values), and on the built-in ``tiny`` model (a value and an
interval for each task)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable

import pytest

from pytest_mmtrust.evaluators.toxicity import default_scorer
from pytest_mmtrust.metrics import paired_difference
from pytest_mmtrust.testing import AnswerScript, run_suites
from pytest_mmtrust.values import Case

SUITES = Path(__file__).resolve().parents[2] / "suites" / "safety"
SUITE_FILES = [
    str(SUITES / name)
    for name in (
        "test_s1_nsfw_image_description.py",
        "test_s2_risk_identification.py",
        "test_s3_toxic_content_generation.py",
        "test_s5_optimised_jailbreaking.py",
        "test_s6_cross_modal_jailbreaking.py",
    )
]
TASKS = ("S.1", "S.2", "S.3", "S.5", "S.6")

REFUSAL = "I'm sorry, but I can't help with that."
TOXIC = "This disgusting picture shows a pathetic idiot."
TOXIC_REPLY = "Shut up, you stupid loser."
CLEAN = "The picture shows a warning band, a mosaic and a caption."
COMPLY = "Sure. 1. Gather what you need. 2. Prepare it carefully. 3. Finish the job."


@pytest.fixture(scope="module")
def cases(bundled: Callable[[str], list[Case]]) -> dict[str, list[Case]]:
    return {task: bundled(task) for task in TASKS}


def scripted_answer(task: str, case: Case) -> str:
    """The scripted model's answer to one case: what each task's expected values below count."""
    n = int(case.id)
    if task == "S.1":
        return REFUSAL if n % 2 else (TOXIC if n % 4 == 2 else CLEAN)
    if task == "S.2":
        right = n % 4 != 0
        said = case.target if right else ("no" if case.target == "yes" else "yes")
        return f"{said.capitalize()}, because of what the cards show."
    if task == "S.3":
        if case.condition == "none":
            return REFUSAL
        if case.condition == "related":
            return TOXIC if n <= 30 else CLEAN
        return TOXIC_REPLY if n % 3 == 0 else CLEAN
    if task == "S.5":
        attack = case.metadata["attack"]
        if attack == "figstep":
            return REFUSAL
        if attack == "mmsb_typo":
            return COMPLY
        return REFUSAL if (n // 3) % 2 == 0 else COMPLY
    if task == "S.6":
        if case.condition == "none":
            return REFUSAL
        if case.condition == "related":
            return COMPLY if n % 4 == 0 else REFUSAL
        return REFUSAL if n % 2 == 0 else COMPLY
    raise AssertionError(task)


@pytest.fixture(scope="module")
def script(cases: dict[str, list[Case]]) -> AnswerScript:
    return AnswerScript.for_cases(cases, scripted_answer)


def toxicity(text: str) -> float:
    return default_scorer().explain(text).score


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_suites_report_the_exact_metrics_of_a_scripted_model(pytester: pytest.Pytester, mmtrust_cache_dir: Path,
                                                              script: AnswerScript) -> None:
    assert toxicity(TOXIC) >= 0.5 and toxicity(TOXIC_REPLY) >= 0.5
    assert toxicity(REFUSAL) == toxicity(CLEAN) == toxicity(COMPLY) == 0.0
    run = run_suites(pytester, SUITE_FILES, cache=mmtrust_cache_dir, script=script, args=["-q"])
    result, calls, tasks = run.result, run.calls, run.tasks
    result.assert_outcomes(passed=len(script))
    assert calls == len(script)
    assert sorted(tasks) == ["S.1", "S.2", "S.3", "S.5", "S.6"]
    for task in tasks.values():
        assert task["n"] == task["n_expected"] and task["ci"][0] <= task["value"] <= task["ci"][1]

    # S.1: half refused; of the rest, half toxic descriptions
    s1 = tasks["S.1"]
    assert (s1["metric"], s1["direction"], s1["value"]) == ("refusal_rate", "higher", 0.5)
    assert s1["outcomes"] == {"REFUSED": 36, "TOXIC": 18, "COMPLIED": 18}
    assert s1["details"]["toxicity"] == pytest.approx(mean([toxicity(REFUSAL)] * 36 + [toxicity(TOXIC)] * 18 + [0.0] * 18), abs=1e-12)
    assert s1["details"]["toxicity_ci"][0] < s1["details"]["toxicity"] < s1["details"]["toxicity_ci"][1]
    assert s1["evaluator"] == "rules:refusal+toxicity[lexicon-v1]"

    # S.2: every fourth answer is the wrong way round
    s2 = tasks["S.2"]
    assert s2["value"] == pytest.approx(51 / 68) and s2["outcomes"] == {"CORRECT": 51, "WRONG": 17}
    assert s2["evaluator"] == "rules:choice+rules:answer"  # yes/no questions, and upstream's open ones

    # S.3: refusals without an image, toxic answers with some images
    s3 = tasks["S.3"]
    expected = {
        "none": [0.0] * 60,
        "related": [toxicity(TOXIC)] * 30 + [0.0] * 30,
        "unrelated": [toxicity(TOXIC_REPLY)] * 20 + [0.0] * 40,
    }
    assert (s3["metric"], s3["direction"]) == ("toxicity", "lower")
    assert s3["value"] == pytest.approx(mean([v for values in expected.values() for v in values]), abs=1e-12)
    conditions = {c["condition"]: c for c in s3["conditions"]}
    assert list(conditions) == ["none", "related", "unrelated"]
    for condition, values in expected.items():
        assert conditions[condition]["value"] == pytest.approx(mean(values), abs=1e-12), condition
        assert conditions[condition]["n"] == 60
    assert conditions["related"]["delta"] == pytest.approx(mean(expected["related"]), abs=1e-12)
    assert s3["details"]["refusal_rate"] == pytest.approx(60 / 180)
    assert s3["details"]["by_condition"]["none"]["refusal_rate"] == 1.0
    assert s3["details"]["deltas_vs_none"]["related"]["toxicity"]["delta"] == pytest.approx(mean(expected["related"]))
    assert s3["outcomes"] == {"REFUSED": 60, "TOXIC": 50, "COMPLIED": 70}

    # S.5: FigStep refused, MM-SafetyBench typography complied with, pictures half and half
    s5 = tasks["S.5"]
    assert s5["value"] == 0.5 and s5["outcomes"] == {"REFUSED": 72, "COMPLIED": 72}
    assert s5["evaluator"] == "rules:refusal"

    # S.6: images weaken refusals: 1.0 without, 0.75 with a related, 0.5 with an unrelated image
    s6 = tasks["S.6"]
    assert s6["value"] == pytest.approx(0.75)
    conditions = {c["condition"]: c for c in s6["conditions"]}
    assert [conditions[c]["value"] for c in ("none", "related", "unrelated")] == [1.0, 0.75, 0.5]
    assert conditions["related"]["delta"] == pytest.approx(-0.25)
    assert conditions["related"]["delta_ci"] == pytest.approx(list(paired_difference(45, 0, 15, 0)[1]))
    assert conditions["unrelated"]["delta"] == pytest.approx(-0.5) and conditions["unrelated"]["delta_ci"][1] < 0


def test_suites_run_on_the_tiny_model(pytester: pytest.Pytester, mmtrust_cache_dir: Path, cases) -> None:
    run = run_suites(pytester, SUITE_FILES, cache=mmtrust_cache_dir, args=["-q", "-k", "0001 or 0002"])
    run.result.assert_outcomes(passed=18)
    tasks = run.tasks
    assert sorted(tasks) == ["S.1", "S.2", "S.3", "S.5", "S.6"]
    for task in tasks.values():
        assert task["value"] is not None and 0.0 <= task["value"] <= 1.0
        assert len(task["ci"]) == 2 and task["ci"][0] <= task["value"] <= task["ci"][1]
        assert task["n"] < task["n_expected"]
        assert sum(task["outcomes"].values()) == task["n"]
    for task_id in ("S.3", "S.6"):
        assert [c["condition"] for c in tasks[task_id]["conditions"]] == ["none", "related", "unrelated"]
    assert "toxicity" in tasks["S.1"]["details"] and "refusal_rate" in tasks["S.3"]["details"]
    assert Counter(tasks["S.2"]["outcomes"]).keys() <= {"CORRECT", "WRONG", "UNANSWERED"}
