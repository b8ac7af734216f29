"""Baselines that cannot be compared are named in every report and never pass for "no regression".

Through pytester on the toy suite: a baseline of another model is compared (the header says so);
one of another metric, with the task missing, or with values no metric can take is not compared
for that task, and the terminal, JSON, Markdown and HTML reports say why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable
from xml.etree import ElementTree

import pytest

YES = "--mmtrust-model=py:toymodels:always_yes"
RIGHT = "--mmtrust-model=py:toymodels:right_answers"
REPORTS = ("--mmtrust-json", "r.json", "--mmtrust-md", "r.md", "--mmtrust-html", "r.html", "--junitxml", "j.xml")


def saved(toy: pytest.Pytester, *args: str) -> dict[str, Any]:
    toy.runpytest(*args, "--mmtrust-save-baseline", "base.json").assert_outcomes(passed=20)
    return json.loads((toy.path / "base.json").read_text())


def edit(toy: pytest.Pytester, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads((toy.path / "base.json").read_text())
    change(data)
    (toy.path / "base.json").write_text(json.dumps(data))


def reports(toy: pytest.Pytester) -> tuple[dict[str, Any], str, str, str]:
    def read(name: str) -> str:
        return Path(toy.path / name).read_text(encoding="utf-8")
    return json.loads(read("r.json")), read("r.md"), read("r.html"), read("j.xml")


def test_the_baseline_file_records_its_run_model_and_scoring(toy: pytest.Pytester) -> None:
    data = saved(toy, YES, "--mmtrust-model-version", "v1")
    assert data["schema"] == 2 and data["model"] == "py:toymodels:always_yes" and data["model_version"] == "v1"
    assert data["model_identity"].endswith("|version=v1") and data["answer_runs"] == [data["run"]]
    assert data["scoring"] == "default"
    task = data["tasks"]["X.1"]
    assert (task["metric"], task["kind"], task["direction"], task["evaluator"]) == ("accuracy", "proportion", "higher", "rules:exact")
    assert task["outcomes"]["0000/none"] == "WRONG" and task["outcomes"]["0001/none"] == "CORRECT"


def test_a_baseline_of_another_model_is_compared_and_the_change_is_named(toy: pytest.Pytester) -> None:
    saved(toy, RIGHT)
    result = toy.runpytest(YES, "--mmtrust-baseline", "base.json", "--mmtrust-gate", "X.1>=0", *REPORTS)
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the comparison happened: a real regression
    change = "model changed since the baseline: py:toymodels:right_answers → py:toymodels:always_yes"
    result.stdout.fnmatch_lines([f"note: {change}"])
    report, markdown, html, _ = reports(toy)
    assert change in report["notes"] and report["tasks"][0]["baseline_problem"] is None
    assert change in markdown and change in html


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda d: d["tasks"]["X.1"].update(metric="refusal_rate"), "the baseline measured refusal_rate, this run accuracy"),
        (lambda d: d["tasks"]["X.1"].update(direction="lower"), "was lower-is-better"),
        (lambda d: d["tasks"]["X.1"].update(evaluator="judge:openai/gpt-4o"), "scored by another evaluator"),
        (lambda d: d["tasks"]["X.1"].update(value=5.0), "the baseline's value 5 is outside accuracy's range [0, 1]"),
        (lambda d: d["tasks"]["X.1"]["cases"].update({"0000/none": 3.0}), "case 0000/none has the value 3"),
        (lambda d: d["tasks"].update({"X.2": d["tasks"].pop("X.1")}), "not in the baseline"),
        (lambda d: d.update(scoring="upstream"), "scored with the 'upstream' profile, this run with 'default'"),
    ],
    ids=["metric", "direction", "evaluator", "impossible value", "impossible case", "task missing", "scoring"],
)
def test_a_baseline_that_cannot_be_compared_is_named_and_never_a_clean_pass(
    toy: pytest.Pytester, change: Callable[[dict[str, Any]], None], why: str
) -> None:
    saved(toy, RIGHT)
    edit(toy, change)
    result = toy.runpytest(YES, "--mmtrust-baseline", "base.json", "--mmtrust-gate", "X.1>=0", *REPORTS)
    assert result.ret == pytest.ExitCode.OK  # nothing to compare with is not a regression either
    literal = "".join("[[]" if c == "[" else "[]]" if c == "]" else c for c in why)
    result.stdout.fnmatch_lines([f"WARNING: the baseline could not be compared for 1 of 1 task(s): X.1 (*{literal}*)"])
    result.stdout.fnmatch_lines(["X.1 *not compared*pass"])
    report, markdown, html, junit = reports(toy)
    (task,) = report["tasks"]
    assert why in task["baseline_problem"] and task["baseline"] is None and task["delta"] is None
    assert any(why in warning for warning in report["warnings"])
    headline = markdown.splitlines()[1]
    assert headline.startswith("## ⚠️") and "could not be compared" in headline and "✅" not in headline
    assert "class='verdict warning'" in html and why.replace("'", "&#x27;") in html
    problems = [p.get("value") for p in ElementTree.fromstring(junit).iter("property")
                if p.get("name") == "mmtrust_baseline_problem"]
    assert len(problems) == 1 and why in (problems[0] or "")


def test_a_schema_1_baseline_is_still_compared_with_a_note(toy: pytest.Pytester) -> None:
    saved(toy, RIGHT)
    edit(toy, lambda d: [d.pop(k) for k in ("model_version", "model_identity", "run", "answer_runs", "fingerprints",
                                           "scoring", "created")] and d.update(schema=1))
    result = toy.runpytest(YES, "--mmtrust-baseline", "base.json", "--mmtrust-gate", "X.1>=0")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["note: baseline base.json is of schema 1*", "FAIL: X.1: regressed 1.000 → 0.500*"])
