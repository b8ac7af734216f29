"""Model versions and reused answers: a changed model never passes on its predecessor's answers.

Through pytester on the toy suite: the store key carries ``--mmtrust-model-version`` and the
source of a ``py:`` model's module; answers reused from the store are counted and dated; a
baseline comparison that only re-reads the baseline's own answers says so loudly.
"""

from __future__ import annotations

import json
import os
import re

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# Imported before any in-process pytester run: pytester forgets the modules a run imports first,
# and a forgotten litellm or plugin module breaks the next run in the same process.
import litellm  # noqa: E402,F401

import pytest_mmtrust.models.api  # noqa: E402,F401
import pytest_mmtrust.plugin  # noqa: E402,F401
from pytest_mmtrust.testing import ScriptedOpenAIServer  # noqa: E402


def calls(pytester: pytest.Pytester) -> list[str]:
    path = pytester.path / "calls.log"
    return path.read_text().split() if path.exists() else []


YES = "--mmtrust-model=py:toymodels:always_yes"
RIGHT = "--mmtrust-model=py:toymodels:right_answers"


def test_the_model_version_is_part_of_every_store_key(toy: pytest.Pytester) -> None:
    toy.runpytest(YES, "--mmtrust-model-version", "v1").assert_outcomes(passed=20)
    assert len(calls(toy)) == 10
    toy.runpytest(YES, "--mmtrust-model-version", "v1").assert_outcomes(passed=20)
    assert len(calls(toy)) == 10  # same version: every answer reused
    toy.runpytest(YES, "--mmtrust-model-version", "v2").assert_outcomes(passed=20)
    assert len(calls(toy)) == 20  # a new version asks everything again
    toy.runpytest(YES).assert_outcomes(passed=20)
    assert len(calls(toy)) == 30  # and so does no version at all


def test_the_model_version_can_live_in_pyproject(toy: pytest.Pytester) -> None:
    toy.makefile(".toml", pyproject='[tool.mmtrust]\nmodel = "py:toymodels:always_yes"\nmodel_version = "2024-06-01"\n')
    result = toy.runpytest("--mmtrust-json", "r.json")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(["mmtrust: py:toymodels:always_yes (version 2024-06-01) · 1 task*"])
    report = json.loads((toy.path / "r.json").read_text())
    assert report["model_version"] == "2024-06-01"
    assert "version=2024-06-01" in report["model_identity"]
    toy.runpytest("--mmtrust-model-version", "2024-07-01").assert_outcomes(passed=20)
    assert len(calls(toy)) == 20  # the command line wins, and it is a new version


def test_editing_a_constant_of_a_py_model_module_asks_again(toy: pytest.Pytester) -> None:
    toy.makepyfile(wrapper="ANSWER = 'yes'\n\ndef answer(request):\n    return ANSWER\n")
    model = "--mmtrust-model=py:wrapper:answer"
    toy.runpytest(model, "--mmtrust-json", "first.json").assert_outcomes(passed=20)
    toy.makepyfile(wrapper="ANSWER = 'maybe'\n\ndef answer(request):\n    return ANSWER\n")
    second = toy.runpytest(model, "--mmtrust-json", "second.json")
    second.assert_outcomes(passed=20)
    first_task = json.loads((toy.path / "first.json").read_text())["tasks"][0]
    second_task = json.loads((toy.path / "second.json").read_text())["tasks"][0]
    assert second_task["cached"] == 0  # the function's own source did not change; its module did
    assert (first_task["value"], second_task["value"]) == (0.5, 0.0)


def test_reused_answers_are_counted_and_dated(toy: pytest.Pytester) -> None:
    first = toy.runpytest(YES, "--mmtrust-json", "first.json")
    first.assert_outcomes(passed=20)
    run = json.loads((toy.path / "first.json").read_text())["timing"]["run_id"]
    second = toy.runpytest(YES, "--mmtrust-json", "second.json")
    second.assert_outcomes(passed=20)
    second.stdout.fnmatch_lines([f"reused: 20 of 20 answers from the store, stored * UTC by run {run}"])
    reused = json.loads((toy.path / "second.json").read_text())["reused"]
    assert reused["answers"] == 20 and reused["runs"] == [run]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", reused["first_stored"])
    assert reused["first_stored"] <= reused["last_stored"]


def test_comparing_the_baseline_with_its_own_answers_says_so_loudly(toy: pytest.Pytester) -> None:
    toy.runpytest(RIGHT, "--mmtrust-save-baseline", "base.json").assert_outcomes(passed=20)
    again = toy.runpytest(RIGHT, "--mmtrust-baseline", "base.json", "--mmtrust-json", "r.json", "--mmtrust-md", "r.md")
    assert again.ret == 0
    again.stdout.fnmatch_lines(["WARNING: every answer was reused from the run that made the baseline*"
                                "compares the model with itself*"])
    report = json.loads((toy.path / "r.json").read_text())
    assert any("compares the model with itself" in w for w in report["warnings"])
    assert "compares the model with itself" in (toy.path / "r.md").read_text().split("\n")[1]
    toy.runpytest(RIGHT, "--mmtrust-baseline", "base.json", "--mmtrust-model-version", "next",
                  "--mmtrust-json", "r2.json").assert_outcomes(passed=20)
    assert not any("itself" in w for w in json.loads((toy.path / "r2.json").read_text())["warnings"])


@pytest.fixture
def vllm(toy: pytest.Pytester):
    """A scripted OpenAI-compatible server listing a vLLM-style card for ``my-model``."""
    server = ScriptedOpenAIServer(lambda call: "yes", models=[{"id": "my-model", "root": "/ckpt/step-1", "max_model_len": 4096}])
    yield server
    server.close()


def api(server) -> list[str]:
    return ["--mmtrust-model=hosted_vllm/my-model", f"--mmtrust-api-base={server.base_url}", "-p", "no:cacheprovider"]


def test_a_new_checkpoint_served_under_the_same_name_is_asked_again(toy: pytest.Pytester, vllm) -> None:
    toy.runpytest(*api(vllm)).assert_outcomes(passed=20)
    toy.runpytest(*api(vllm)).assert_outcomes(passed=20)
    assert vllm.call_count == 10  # same card: every answer reused
    vllm.models = ({"id": "my-model", "root": "/ckpt/step-2", "max_model_len": 4096},)
    toy.runpytest(*api(vllm)).assert_outcomes(passed=20)
    assert vllm.call_count == 20


def test_reused_answers_of_another_server_fingerprint_are_named(toy: pytest.Pytester, vllm) -> None:
    vllm.system_fingerprint = "fp_old"
    toy.runpytest(*api(vllm), "-k", "0001 or 0002").assert_outcomes(passed=4)
    vllm.system_fingerprint = "fp_new"
    result = toy.runpytest(*api(vllm), "--mmtrust-json", "r.json")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(["WARNING: the server's model fingerprint changed: 4 reused answer(s) came from fp_old, "
                                 "this run's from fp_new*"])
    assert any("fp_old" in w for w in json.loads((toy.path / "r.json").read_text())["warnings"])
