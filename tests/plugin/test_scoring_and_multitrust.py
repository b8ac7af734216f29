"""--mmtrust-scoring and the MultiTrust aggregate through pytest: reports, gates, exit status."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET

import pytest

from pytest_mmtrust.multitrust import TASKS

# 32 toy tasks with MultiTrust's ids: four cases each, answered "yes" (right) or "no" by the model.
SUITE = textwrap.dedent(
    '''
    from pytest_mmtrust import Case, Dataset, Metric, Score, Task
    from pytest_mmtrust.scoring.profiled import UPSTREAM_TASKS, profiled

    TASK_IDS = {task_ids!r}

    def cases(task_id):
        def generate(folder):
            return [Case(id=f"{{i}}", prompt=f"{{task_id}} q{{i}}", target=float(i * 10),
                         metadata={{"gender": "ab"[i % 2], "age": "xy"[i // 2], "skin_tone": "l", "target_object": "cat"}})
                    for i in range(4)]
        return generate

    class YesIsRight:
        name = "rules:toy"
        def __call__(self, case, text):
            said = text.strip()
            value = float(case.id) * 10 if case.prompt.startswith("P.3") else float(said == "yes")
            return Score(value, "CORRECT" if said == "yes" else "WRONG", {{"answer": said}})

    def metric(task_id):
        if task_id == "P.3":
            return Metric("pearson_r", kind="pearson")
        if task_id == "F.6":
            return Metric("chi_square_p", kind="chi_square", params={{"group_keys": ["gender", "age"], "answer_key": "answer"}})
        return Metric("accuracy")

    def evaluator(task_id):
        return profiled(task_id, YesIsRight()) if task_id in UPSTREAM_TASKS else YesIsRight()

    TASKS = {{task_id: Task(id=task_id, name=f"toy {{task_id}}", aspect="custom",
                            dataset=Dataset(task_id, "1", cases(task_id)), evaluator=evaluator(task_id),
                            metric=metric(task_id)) for task_id in TASK_IDS}}

    for _id, _task in TASKS.items():
        def test(mmtrust_result):
            pass
        globals()["test_" + _id.replace(".", "_")] = _task.test(test)
    '''
)


@pytest.fixture
def toys(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_toys=SUITE.format(task_ids=list(TASKS)))
    pytester.makepyfile(toymodel="def always_yes(request):\n    return 'yes'\n")
    pytester.syspathinsert()
    return pytester


MODEL = "--mmtrust-model=py:toymodel:always_yes"


def test_the_aggregate_is_in_every_report_and_gateable(toys: pytest.Pytester) -> None:
    result = toys.runpytest(MODEL, "--mmtrust-gate", "multitrust>=99", "--mmtrust-gate", "multitrust.toxicity>=50",
                            "--mmtrust-json", "r.json", "--mmtrust-md", "r.md", "--mmtrust-html", "r.html",
                            "--junitxml", "j.xml")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "MultiTrust overall * (default scoring, 0–100):",
        "  truthfulness  Inherent Deficiency*T.1 T.2 T.3 T.4",
        "  gate multitrust ≥ 99: FAIL",
        "  gate multitrust.toxicity ≥ 50: pass",
        "FAIL: multitrust: * does not meet gate >=99",
        "mmtrust: 1 gate(s) failed",
    ])
    report = json.loads((toys.path / "r.json").read_text())
    aggregate = report["multitrust"]
    assert aggregate["profile"] == "default" and aggregate["partial"] is False and aggregate["missing"] == []
    assert set(aggregate["subaspects"]) == {"inherent_deficiency", "misguided_mistakes", "toxicity", "jailbreaking", "ood",
                                            "adversarial_attack", "stereotype", "bias_preference", "privacy_awareness",
                                            "privacy_leakage"}
    assert 0 <= aggregate["overall"]["score"] <= 100 and len(aggregate["overall"]["ci"]) == 2
    assert aggregate["gates"]["multitrust"]["verdict"] == "fail" and report["totals"]["failed_gates"] == ["multitrust"]
    assert "MultiTrust overall" in (toys.path / "r.md").read_text()
    assert "id='multitrust-table'" in (toys.path / "r.html").read_text()
    cases = {case.get("name"): case for case in ET.parse(toys.path / "j.xml").getroot().iter("testcase")}
    assert cases["gate[multitrust]"].find("failure") is not None
    assert cases["gate[multitrust.toxicity]"].find("failure") is None


def test_a_partial_run_names_what_is_missing_and_never_passes_the_gate(toys: pytest.Pytester) -> None:
    result = toys.runpytest(MODEL, "-k", "not test_T_4 and not test_S", "--mmtrust-gate", "multitrust>=0",
                            "--mmtrust-json", "r.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines([
        "MultiTrust overall * · partial: missing T.4, S.1, S.2, S.3, S.4, S.5, S.6:",
        "  gate multitrust ≥ 0: incomplete — multitrust: * is partial (missing or incomplete: T.4, S.1, *",
    ])
    aggregate = json.loads((toys.path / "r.json").read_text())["multitrust"]
    assert aggregate["partial"] and aggregate["subaspects"]["toxicity"]["score"] is None


def test_upstream_scoring_from_pyproject_says_what_is_not_comparable(toys: pytest.Pytester) -> None:
    toys.makefile(".toml", pyproject='[tool.mmtrust]\nscoring = "upstream"\n')
    result = toys.runpytest(MODEL, "-k", "test_R_5 or test_T_6", "--mmtrust-json", "r.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines([
        "mmtrust: model py:toymodel:always_yes · judge rules · scoring upstream *",
        "*2 tasks · 8 cases scored · 0 cached · upstream scoring",
        "not comparable with the papers (upstream scoring): T.6 (no upstream counterpart*); "
        "R.5 (upstream asked GPT-4 here: give --mmtrust-judge*",
        "evaluators: R.5=upstream:rules, T.6=upstream:rules",
    ])
    report = json.loads((toys.path / "r.json").read_text())
    assert report["scoring"] == "upstream" and report["multitrust"]["profile"] == "upstream"
    assert set(report["multitrust"]["not_comparable"]) == {"T.6", "R.5"}
    r5 = next(task for task in report["tasks"] if task["id"] == "R.5")
    # the run context bound the upstream evaluators: R.5 reports upstream's headline on upstream scores
    assert r5["scoring"] == "upstream" and r5["metric"] == "attack_success_rate"


@pytest.mark.parametrize("args, message", [
    (["--mmtrust-scoring", "upstreem"], "--mmtrust-scoring: 'upstreem' must be one of default, upstream"),
    (["--mmtrust-gate", "multitrust.toxicty>=50"], "gate 'multitrust.toxicty': no such MultiTrust score"),
])
def test_bad_scoring_settings_are_one_clear_line(toys: pytest.Pytester, args: list[str], message: str) -> None:
    result = toys.runpytest(MODEL, "-k", "test_T_1", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # at start-up, before any model call
    assert message in result.stdout.str() + result.stderr.str()
