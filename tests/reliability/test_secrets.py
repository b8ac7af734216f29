"""Secrets: a planted API key never shows in any output of a run, even when the server echoes it.

The key is planted where users put theirs (``OPENAI_API_KEY``) and the server proves it was
sent. Some answers fail with error bodies that quote the key (as real providers do for a bad
key); one fails for good, so its error message reaches the terminal, the JUnit XML and the
logs. Then every file the run left behind — store, reports, baseline, JUnit, cache — and
everything it printed, with litellm's debug logging on, is searched for the key and for its
distinctive middle part (masked forms like ``sk-m…cdef`` keep the ends, never the middle).
Credentials written into an API base URL are covered in ``test_bad_inputs.py``.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Callable

import pytest
from reliability_helpers import api_args, case_number, suite_source

from pytest_mmtrust.testing.openai_server import ChatCall, Fault, ScriptedOpenAIServer

KEY = "sk-mmtrust-PLANTED-7f3a9c1e5b2d4680-ab12"
MIDDLE = "PLANTED-7f3a9c1e5b2d4680"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def echoing_faults() -> Callable[[int, ChatCall], Fault | None]:
    """First attempts of q1–q4 fail with bodies quoting the key; q5 is refused for good (400)."""
    bodies = {
        1: Fault(status=500, body={"error": {"message": f"upstream rejected Authorization: Bearer {KEY}"}}),
        2: Fault(status=429, body={"error": {"message": f"key {KEY} is over its quota"}}),
        3: Fault(status=503, body=f'{{"error": {{"message": "api_key={KEY} unavailable"}}}}'),
        4: Fault(status=502, body={"error": {"message": f"bad gateway for {KEY}"}}),
    }
    attempts: Counter[int] = Counter()
    lock = threading.Lock()

    def fault(index: int, call: ChatCall) -> Fault | None:
        i = case_number(call)
        with lock:
            attempts[i] += 1
            first = attempts[i] == 1
        if i == 5:  # refused for good, quoting the key (a 401 would stop the whole run: test_hostile_servers)
            return Fault(status=400, body={"error": {"message": f"Incorrect API key provided: {KEY}."}})
        return bodies.get(i) if first else None

    return fault


def test_a_planted_key_appears_in_no_output(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server = servers(fault=echoing_faults())
    pytester.makepyfile(test_toy=suite_source(8))
    out = pytester.path / "out"
    args = api_args(server, out, "--mmtrust-retries", "2") + [
        "--mmtrust-json", str(out / "report.json"), "--mmtrust-md", str(out / "report.md"),
        "--mmtrust-html", str(out / "report.html"), "--mmtrust-save-baseline", str(out / "baseline.json"),
        "--junitxml", str(out / "junit.xml"), "-rA", "-v",
        "-o", "log_cli=true", "--log-cli-level=DEBUG", "--log-level=DEBUG",
    ]
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=7, errors=1)
    assert {call.headers.get("authorization") for call in server.calls} == {f"Bearer {KEY}"}  # it was used
    result.stdout.fnmatch_lines(["*R.1/0005: model call failed: *request rejected (HTTP 400)*"])

    printed = "\n".join(result.outlines + result.errlines)
    files = [path for path in pytester.path.rglob("*") if path.is_file()]
    written = {path.name for path in files}
    assert {"report.json", "report.md", "report.html", "baseline.json", "junit.xml", "store.sqlite"} <= written
    for secret in (KEY, MIDDLE):
        assert secret not in printed, secret
        for path in files:
            data = path.read_bytes()
            assert secret.encode() not in data and secret.encode("utf-16-le") not in data, (secret, path)
    assert "***" in printed  # the server's words are kept, the secret blanked


HF_TOKEN = "hf_mmtrustPLANTEDtoken0123456789"
PASSWORD = "correct-horse-PLANTED-battery"

ECHO_SUITE = '''
from pytest_mmtrust import Case, Dataset, Metric, Score, Task
from pytest_mmtrust.evaluators.judge import Rubric, judged_or_rules

def generate(folder):
    return [Case(id=f"{i:04d}", prompt=f"q{i}", target="yes") for i in range(4)]

class Rules:
    name = "rules:always"
    def __call__(self, case, text):
        return Score(0.0, "WRONG")

RUBRIC = Rubric(name="toy", instructions="Is the answer yes?", labels={"CORRECT": 1.0, "WRONG": 0.0})
TASK = Task(id="R.1", name="toy judged", aspect="custom", dataset=Dataset("R.1", "echo-1", generate),
            evaluator=judged_or_rules(Rules(), RUBRIC), metric=Metric("accuracy"), gate=">=0.9")

@TASK.test
def test_case(mmtrust_result):
    pass
'''


def test_keys_echoed_in_normal_answers_and_verdicts_appear_nowhere(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18: a server that echoes the key (and other secrets of the environment) in a normal
    answer, and a judge that quotes them in its reason: nothing the run writes or prints holds them."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    monkeypatch.setenv("MY_SERVICE_PASSWORD", PASSWORD)

    def echo(call: ChatCall) -> str:
        return f"yes. Your key is {call.headers.get('authorization', '')[7:]}; also {HF_TOKEN} and {PASSWORD}."

    def judge(call: ChatCall) -> str:
        import json

        return json.dumps({"verdict": "WRONG", "reason": f"it leaks {KEY} and {HF_TOKEN}"})

    model = servers(echo)
    judging = servers(judge)
    pytester.makepyfile(test_toy=ECHO_SUITE)
    out = pytester.path / "out"
    args = api_args(model, out) + [
        "--mmtrust-judge=openai/judge", f"--mmtrust-judge-api-base={judging.base_url}",
        "--mmtrust-json", str(out / "report.json"), "--mmtrust-md", str(out / "report.md"),
        "--mmtrust-html", str(out / "report.html"), "--mmtrust-save-baseline", str(out / "baseline.json"),
        "--mmtrust-plots", str(out / "plots"), "--junitxml", str(out / "junit.xml"), "-rA", "-v",
        "-o", "log_cli=true", "--log-cli-level=DEBUG", "--log-level=DEBUG",
    ]
    first = pytester.runpytest(*args)
    first.assert_outcomes(passed=4)
    assert {call.headers.get("authorization") for call in model.calls} == {f"Bearer {KEY}"}
    again = pytester.runpytest(*args)  # a cached rerun reads the store back into every report
    again.assert_outcomes(passed=4)
    assert model.call_count == 4 and judging.call_count == 4

    printed = "\n".join(first.outlines + first.errlines + again.outlines + again.errlines)
    files = [path for path in pytester.path.rglob("*") if path.is_file()]
    written = {path.name for path in files}
    assert {"report.json", "report.md", "report.html", "baseline.json", "junit.xml", "store.sqlite", "tasks.png"} <= written
    for secret in (KEY, MIDDLE, HF_TOKEN, PASSWORD):
        assert secret not in printed, secret
        for path in files:
            data = path.read_bytes()
            assert secret.encode() not in data and secret.encode("utf-16-le") not in data, (secret, path)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Your key is ***;" in report  # the answer is kept, the key blanked
