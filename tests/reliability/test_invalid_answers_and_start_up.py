"""Issue 18, items 5 and 11: invalid answers are not kept, and a run that cannot work stops at start-up.

Scripted OpenAI-compatible servers on 127.0.0.1 play the model under test and the judge:

* a judge answer that is not the required JSON, or a model answer a suite's evaluator declares
  invalid (:class:`~pytest_mmtrust.errors.InvalidAnswerError`), is not kept: after the fix a
  rerun asks again, and valid answers are never asked twice;
* an unreachable judge server or a store folder that cannot be created stops the run at
  start-up in one line, before any request; a read-only store serves a fully cached rerun and
  refuses, in one line without "delete it", only what would need writing.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Callable, ContextManager

import pytest
from reliability_helpers import api_args, case_number, suite_source

from pytest_mmtrust.testing.openai_server import ChatCall, ScriptedOpenAIServer

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


# ---------------------------------------------------------------------------------------------
# item 5: invalid answers are not cached as valid

JUDGED_SUITE = '''
from pytest_mmtrust import Case, Dataset, Metric, Score, Task
from pytest_mmtrust.evaluators.judge import Rubric, judged_or_rules

def generate(folder):
    return [Case(id=f"{i:04d}", prompt=f"q{i}", target="yes") for i in range(4)]

class Rules:
    name = "rules:always"
    def __call__(self, case, text):
        return Score(1.0, "CORRECT")

RUBRIC = Rubric(name="toy", instructions="Is the answer yes?", labels={"CORRECT": 1.0, "WRONG": 0.0})
TASK = Task(id="R.1", name="toy judged", aspect="custom", dataset=Dataset("R.1", "judged-1", generate),
            evaluator=judged_or_rules(Rules(), RUBRIC), metric=Metric("accuracy"), gate=">=0.0")

@TASK.test
def test_case(mmtrust_result):
    pass
'''


class SwitchableJudge:
    """A judge that babbles until it is fixed, then answers with the required JSON."""

    def __init__(self) -> None:
        self.fixed = False

    def __call__(self, call: ChatCall) -> str:
        if not self.fixed:
            return "I would say the answer looks fine to me."
        return json.dumps({"verdict": "CORRECT", "reason": "says yes"})


def test_a_judge_answer_that_is_not_json_is_asked_again_after_the_judge_is_fixed(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    model = servers(lambda call: "yes")
    judging = SwitchableJudge()
    judge = servers(judging)
    pytester.makepyfile(test_toy=JUDGED_SUITE)
    args = api_args(model, tmp_path, "--mmtrust-judge=openai/judge", f"--mmtrust-judge-api-base={judge.base_url}",
                    "--mmtrust-json", str(tmp_path / "r.json"))

    broken = pytester.runpytest(*args)
    broken.assert_outcomes(errors=4)
    broken.stdout.fnmatch_lines(["*R.1/0000*not a JSON object*not kept*asks the judge again*"])
    assert judge.call_count == 4 and model.call_count == 4

    again = pytester.runpytest(*args)  # still broken: asked again, errors again, nothing kept
    again.assert_outcomes(errors=4)
    assert judge.call_count == 8 and model.call_count == 4

    judging.fixed = True
    fixed = pytester.runpytest(*args)
    fixed.assert_outcomes(passed=4)
    assert judge.call_count == 12  # the judge was asked again
    assert model.call_count == 4  # the model's valid answers were kept, never asked twice
    assert json.loads((tmp_path / "r.json").read_text())["tasks"][0]["value"] == 1.0

    pytester.runpytest(*args).assert_outcomes(passed=4)
    assert judge.call_count == 12  # valid verdicts are cached as before


STRICT_SUITE = '''
import os
from pytest_mmtrust import Case, Dataset, Metric, Score, Task
from pytest_mmtrust.errors import InvalidAnswerError

def generate(folder):
    return [Case(id=f"{i:04d}", prompt=f"q{i}", target="yes" if i % 2 else "no") for i in range(4)]

class StrictYesNo:
    """The request demands yes or no; anything else is not an answer to it."""
    name = "rules:strict"
    def __call__(self, case, text):
        if text.strip() not in ("yes", "no") and os.environ.get("TOY_LENIENT") != "1":
            raise InvalidAnswerError(f"expected yes or no, got {text[:20]!r}")
        ok = text.strip() == case.target
        return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")

TASK = Task(id="R.1", name="toy strict", aspect="custom", dataset=Dataset("R.1", "strict-1", generate),
            evaluator=StrictYesNo(), metric=Metric("accuracy"), gate=">=0.0")

@TASK.test
def test_case(mmtrust_result):
    pass
'''


def test_a_model_answer_that_misses_the_required_format_is_asked_again(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = {"fixed": False}

    def answer(call: ChatCall) -> str:
        i = case_number(call)
        if i == 3 and not state["fixed"]:
            return "maybe, it depends"
        return "yes" if i % 2 else "no"

    model = servers(answer)
    pytester.makepyfile(test_toy=STRICT_SUITE)
    monkeypatch.setenv("TOY_LENIENT", "1")  # an older evaluator that let the answer through: it is stored
    pytester.runpytest(*api_args(model, tmp_path)).assert_outcomes(passed=4)
    assert model.call_count == 4

    monkeypatch.setenv("TOY_LENIENT", "0")
    strict = pytester.runpytest(*api_args(model, tmp_path))  # the stored answer is invalid: asked again at once
    strict.assert_outcomes(passed=3, errors=1)
    strict.stdout.fnmatch_lines(["*R.1/0003*expected yes or no*not kept*next run asks again*"])
    assert [case_number(call) for call in model.calls[4:]] == [3]

    state["fixed"] = True
    pytester.runpytest(*api_args(model, tmp_path)).assert_outcomes(passed=4)
    assert [case_number(call) for call in model.calls[5:]] == [3]  # only the invalid one asked again
    pytester.runpytest(*api_args(model, tmp_path)).assert_outcomes(passed=4)
    assert model.call_count == 6  # and now it is kept


# ---------------------------------------------------------------------------------------------
# item 11: start-up checks and a read-only store


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def usage_errors(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stderr.lines if line.startswith("ERROR:")]


def test_an_unreachable_judge_server_stops_the_run_at_start_up(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    model = servers(lambda call: "yes")
    pytester.makepyfile(test_toy=JUDGED_SUITE)
    judge_base = f"http://127.0.0.1:{closed_port()}/v1"
    result = pytester.runpytest(*api_args(model, tmp_path, "--mmtrust-retries", "0", "--mmtrust-judge=openai/judge",
                                          f"--mmtrust-judge-api-base={judge_base}"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = usage_errors(result)
    assert len(errors) == 1 and f"cannot reach --mmtrust-judge-api-base {judge_base}" in errors[0], result.stderr.lines
    assert model.call_count == 0


def test_a_store_folder_that_cannot_be_created_stops_the_run_at_start_up(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    model = servers()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    pytester.makepyfile(test_toy=suite_source(4))
    store = blocker / "sub" / "store.sqlite"
    result = pytester.runpytest(*api_args(model, tmp_path), f"--mmtrust-store={store}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = usage_errors(result)
    assert len(errors) == 1, result.stderr.lines
    assert f"--mmtrust-store {store}: cannot create the store's folder" in errors[0]
    assert "delete" not in errors[0]
    assert model.call_count == 0


def test_a_read_only_store_serves_a_fully_cached_rerun(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path,
    read_only: Callable[[Path], ContextManager[None]],
) -> None:
    model = servers()
    pytester.makepyfile(test_toy=suite_source(6))
    folder = tmp_path / "stores"
    args = [*api_args(model, tmp_path), f"--mmtrust-store={folder / 'store.sqlite'}"]  # the cache stays writable
    pytester.runpytest(*args).assert_outcomes(passed=6)
    assert model.call_count == 6
    assert sorted(path.name for path in folder.iterdir()) == ["store.sqlite"]  # the run closed it cleanly
    before = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}

    with read_only(folder):
        rerun = pytester.runpytest(*args, "--mmtrust-json", str(tmp_path / "r.json"))
        rerun.assert_outcomes(passed=6)
        assert model.call_count == 6
        assert json.loads((tmp_path / "r.json").read_text())["totals"]["cached"] == 6

        pytester.makepyfile(test_toy=suite_source(8))  # two new cases: answers must be written
        more = pytester.runpytest(*args, "-rE")
        more.assert_outcomes(passed=6, errors=2)
        printed = "\n".join(more.outlines)
        assert "is read-only" in printed and "delete" not in printed
        assert model.call_count == 6  # nothing is sent that could not be kept
    after = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    assert after == before
