"""The R.1 and R.3–R.6 suites end to end: a scripted HTTP model whose right and wrong answers are
set per case below, so every headline value, per-condition value and outcome count in the JSON
report is known in advance (worked out by hand from the policies); and a short run on the tiny
built-in model."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from pytest_mmtrust.testing import AnswerScript, run_suites
from pytest_mmtrust.values import Case

SUITES = Path(__file__).resolve().parents[2] / "suites" / "robustness"
FILES = {
    "R.1": "test_r1_artistic_vqa.py",
    "R.3": "test_r3_ood_text_sentiment.py",
    "R.4": "test_r4_untargeted_attack.py",
    "R.5": "test_r5_targeted_attack.py",
    "R.6": "test_r6_adversarial_text.py",
}


def right(case: Case) -> str:
    if case.metadata["answer_type"] in ("yes_no", "sentiment"):
        return f"{case.target.capitalize()}."
    return f"The answer is {case.target}."


def wrong(case: Case) -> str:
    flip = {"yes": "No.", "no": "Yes.", "positive": "Negative.", "negative": "Positive."}
    if case.target in flip:
        return flip[case.target]
    return f"The answer is {'B' if case.target == 'A' else 'A'}."


def policy(task: str, case: Case) -> str:
    number = int(case.id)
    if task == "R.1":
        # original, cartoon, painting: right; sketch: right on odd ids (30/60); mosaic: wrong on the
        # 12 OCR items (48/60); weather: no answer on ids divisible by 4 (45/60)
        if case.condition == "sketch" and number % 2 == 0:
            return wrong(case)
        if case.condition == "mosaic" and case.metadata["question_kind"] == "ocr":
            return wrong(case)
        if case.condition == "weather" and number % 4 == 0:
            return "I cannot tell from this picture."
        return right(case)
    if task == "R.3":
        # none: right (in two phrasings); related: wrong on the 16 tweets; unrelated: always "positive"
        if case.condition == "none":
            return right(case) if number % 2 else f"The sentiment of this text is {case.target}."
        if case.condition == "related":
            return wrong(case) if case.metadata["style"] == "tweet" else right(case)
        return "positive"
    if task == "R.4":
        shape, colour = case.target, case.metadata["colour"]
        named = "disc" if shape == "circle" else shape
        if case.condition == "clean":
            return f"A {colour} {named} on a {case.metadata['background']} background."
        if case.condition == "noise":
            return f"A {colour} square, slightly grainy." if shape == "diamond" else f"A grainy {colour} {named}."
        return f"A {colour} {named}." if (number - 1) % 3 == 0 else "Colourful static, nothing recognisable."
    if task == "R.5":
        shape, target = case.target, case.metadata["target_object"]
        if case.condition in ("clean", "noise"):
            return f"A single {shape} in the middle."
        return (f"A large {target}.", f"A {shape} that looks a bit like a {target}.", f"A {shape}.",
                "Nothing recognisable.")[(number - 1) % 4]
    # R.6: none right; related: "Yes." to every entailment pair (18 of 36 wrong); unrelated: no
    # answer to the 24 typo items
    if case.condition == "related" and case.metadata["glue_task"] == "rte":
        return "Yes."
    if case.condition == "unrelated" and case.metadata["perturbation"] == "typo":
        return "I am not sure."
    return right(case)


#: task -> (headline value, per-condition values, outcome counts, detail values), from the policies
EXPECTED = {
    "R.1": (243 / 300, {"original": 1.0, "cartoon": 1.0, "sketch": 0.5, "painting": 1.0, "mosaic": 0.8, "weather": 0.75},
            {"CORRECT": 303, "WRONG": 42, "UNANSWERED": 15},
            {"n_used": 300, "successes": 243, "original_accuracy": 1.0, "delta_vs_original": 243 / 300 - 1.0}),
    "R.3": (184 / 240, {"none": 1.0, "related": 0.8, "unrelated": 0.5}, {"CORRECT": 184, "WRONG": 56}, {"successes": 184}),
    "R.4": (20 / 60, {"clean": 1.0, "noise": 0.8, "untargeted": 20 / 60}, {"CORRECT": 128, "MISSED": 52},
            {"n_used": 60, "clean_accuracy": 1.0, "delta_vs_clean": -40 / 60, "noise_accuracy": 0.8,
             "delta_vs_noise": -28 / 60}),
    "R.5": (0.5, {"clean": 1.0, "noise": 1.0, "targeted": 0.5},
            {"CORRECT": 135, "CONFUSED": 15, "HIJACKED": 15, "MISSED": 15},
            {"n_used": 60, "target_hit_rate": 0.5, "target_hits": 30, "clean_target_hit_rate": 0.0,
             "delta_vs_clean": -0.5}),
    "R.6": (174 / 216, {"none": 1.0, "related": 0.75, "unrelated": 48 / 72}, {"CORRECT": 174, "WRONG": 18, "UNANSWERED": 24},
            {"successes": 174}),
}
SIZES = {"R.1": 360, "R.3": 240, "R.4": 180, "R.5": 180, "R.6": 216}


def test_exact_metrics_on_a_scripted_http_model(
    pytester: pytest.Pytester, mmtrust_cache_dir: Path, bundled: Callable[[str], list[Case]]
) -> None:
    cases = {task: bundled(task) for task in FILES}
    script = AnswerScript.for_cases(cases, policy)
    run = run_suites(pytester, [SUITES / name for name in FILES.values()], cache=mmtrust_cache_dir, script=script,
                     args=["--mmtrust-concurrency", "16"])
    assert run.calls == sum(SIZES.values())
    result, tasks = run.result, run.tasks
    result.assert_outcomes(passed=sum(SIZES.values()))
    assert set(tasks) == set(FILES)
    for task_id, (value, conditions, outcomes, details) in EXPECTED.items():
        task = tasks[task_id]
        assert (task["metric"], task["direction"], task["n"]) == ("accuracy", "higher", SIZES[task_id]), task_id
        assert task["value"] == pytest.approx(value), task_id
        assert task["ci"][0] <= task["value"] <= task["ci"][1]
        assert {c["condition"]: c["value"] for c in task["conditions"]} == pytest.approx(conditions), task_id
        assert task["outcomes"] == outcomes, task_id
        for key, expected in details.items():
            assert task["details"][key] == pytest.approx(expected), (task_id, key)
    # the paired changes: every clean caption was right and 40 attacked ones were not
    r4 = tasks["R.4"]["details"]
    assert r4["delta_vs_clean_ci"][1] < 0 and r4["delta_vs_clean_p"] < 1e-6 and r4["delta_vs_clean_pairs"] == 60
    low, high = tasks["R.5"]["details"]["target_hit_rate_ci"]
    assert low < 0.5 < high
    r3 = {c["condition"]: c for c in tasks["R.3"]["conditions"]}
    assert r3["related"]["delta"] == pytest.approx(-0.2) and r3["unrelated"]["delta"] == pytest.approx(-0.5)
    assert tasks["R.1"]["evaluator"] == "rules:choice+rules:caption" and tasks["R.6"]["evaluator"] == "rules:label"


def test_the_suites_run_on_the_tiny_model(pytester: pytest.Pytester, mmtrust_cache_dir: Path) -> None:
    run = run_suites(pytester, [SUITES / name for name in FILES.values()], cache=mmtrust_cache_dir, args=["-k", "0001"])
    run.result.assert_outcomes(passed=6 + 3 * 4)
    tasks = run.tasks
    assert set(tasks) == set(FILES)
    for task in tasks.values():
        assert task["value"] is not None and task["ci"][0] <= task["value"] <= task["ci"][1], task["id"]
        assert task["verdict"] in ("incomplete", "fail")  # a run on a few cases never passes a gate
