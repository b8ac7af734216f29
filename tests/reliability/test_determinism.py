"""Determinism: the same model, data and seed give byte-identical JSON reports.

Only ``timing`` (a timestamp, a duration and the run id, a field of its own) may differ. The runs answer
concurrently and in a different order each time (the server delays answers at random), over a
suite with two image conditions so that per-condition values, deltas and their intervals are in
the report too.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from pathlib import Path
from typing import Callable

import pytest
from reliability_helpers import api_args, right_or_wrong, suite_source

from pytest_mmtrust.testing.openai_server import ChatCall, ScriptedOpenAIServer

TIMING = re.compile(r',?\n  "timing": \{[^{}]*\}')


def without_timing(path: Path) -> bytes:
    text = path.read_text(encoding="utf-8")
    assert len(TIMING.findall(text)) == 1
    return TIMING.sub("", text).encode("utf-8")


def shuffled_answers() -> Callable[[ChatCall], str]:
    """Right or wrong by the toy rule, after a random pause: answers arrive in a new order each run."""
    rng = random.Random()
    lock = threading.Lock()

    def answer(call: ChatCall) -> str:
        with lock:
            pause = rng.uniform(0, 0.01)
        time.sleep(pause)
        return right_or_wrong(call)

    return answer


def test_two_api_runs_with_the_same_seed_write_the_same_json_report(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers(shuffled_answers())
    pytester.makepyfile(test_toy=suite_source(30, conditions=("none", "unrelated")))
    reports = []
    for run in (1, 2):
        report = tmp_path / f"report{run}.json"
        result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-concurrency", "8", "--mmtrust-seed", "7",
                                              "--mmtrust-json", str(report), store=f"store{run}.sqlite"))
        result.assert_outcomes(passed=60)
        reports.append(report)
    assert {call.params.get("seed") for call in server.calls} == {7}
    first, second = (without_timing(path) for path in reports)
    assert first == second
    data = json.loads(first)
    (task,) = data["tasks"]
    assert [c["condition"] for c in task["conditions"]] == ["none", "unrelated"] and task["ci"] is not None
    assert set(json.loads(reports[0].read_text())["timing"]) == {"started", "duration_s", "run_id"}


MODEL = '''
def answer(request):
    i = int(request.text[1:])
    return ("yes" if i % 2 else "no") if i % 4 else "maybe"
'''


def test_two_python_model_runs_write_the_same_json_report(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(test_toy=suite_source(25, conditions=("none", "unrelated")), detmodel=MODEL)
    pytester.syspathinsert()
    reports = []
    for run in (1, 2):
        report = tmp_path / f"report{run}.json"
        pytester.runpytest("--mmtrust-model=py:detmodel:answer", "--mmtrust-no-store", "--mmtrust-json", str(report),
                           "-p", "no:cacheprovider").assert_outcomes(passed=50)
        reports.append(report)
    assert without_timing(reports[0]) == without_timing(reports[1])
