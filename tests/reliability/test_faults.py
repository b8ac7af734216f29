"""Faults: a run of 500 cases through a server that fails 20% of requests loses nothing.

The fault plan is fixed per prompt, not drawn at random, so the counts below are exact and the
README can state them: the first attempt of every fifth case fails, the second attempt of every
25th, the third of every 125th and the fourth of case 0 — 125 faults in 625 requests (20%), of
seven kinds in rotation. With ``--mmtrust-retries 4`` every case gets its answer on a later try.
Timing assertions are lower bounds only (a slow machine can only make gaps longer).
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Callable

import pytest
from reliability_helpers import api_args, case_number, expected_accuracy, read_report, suite_source

from pytest_mmtrust.testing.openai_server import ChatCall, Fault, ScriptedOpenAIServer

CASES = 500
CLIENT_TIMEOUT_S = 1.0
RETRY_AFTER_S = 1
BACKOFF_BASE_S = 0.5  # RetryPolicy's default: delay before retry a ≥ base · 2^a · 0.5 (jitter)

#: (name, fault) in the order they rotate through the plan.
KINDS: tuple[tuple[str, Fault], ...] = (
    ("429 with Retry-After", Fault(status=429, retry_after=RETRY_AFTER_S)),
    ("429 without Retry-After", Fault(status=429)),
    ("500", Fault(status=500)),
    ("503", Fault(status=503)),
    ("closed connection", Fault(close_connection=True)),
    ("timeout", Fault(delay_s=CLIENT_TIMEOUT_S * 3)),
    ("malformed JSON", Fault(malformed_json=True)),
)


def faulted_attempts(i: int) -> int:
    """How many leading attempts of case ``i`` fail: 1 for every 5th, 2 every 25th, 3 every 125th, 4 for case 0."""
    return sum(1 for step in (5, 25, 125, 500) if i % step == 0)


#: The plan's totals, stated in the README.
FAULTS = sum(faulted_attempts(i) for i in range(CASES))
REQUESTS = CASES + FAULTS


class FaultPlan:
    """The server's fault function: fails attempts by plan and logs every attempt with its time."""

    def __init__(self, faults_for: Callable[[int], int] = faulted_attempts):
        self.faults_for = faults_for
        self.lock = threading.Lock()
        self.attempts: dict[int, int] = Counter()
        self.log: list[tuple[int, int, str | None, float]] = []  # (case, attempt, fault kind, time)

    def __call__(self, index: int, call: ChatCall) -> Fault | None:
        i = case_number(call)
        with self.lock:
            attempt = self.attempts[i]
            self.attempts[i] += 1
            kind = None
            if attempt < self.faults_for(i):
                kind, fault = KINDS[(i // 5 + attempt) % len(KINDS)]
            self.log.append((i, attempt, kind, time.monotonic()))
        return fault if kind is not None else None


def test_500_cases_under_20_percent_faults_lose_nothing_and_score_right(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    assert (FAULTS, REQUESTS) == (125, 625) and FAULTS / REQUESTS == 0.2
    plan = FaultPlan()
    server = servers(fault=plan)
    pytester.makepyfile(test_toy=suite_source(CASES))
    result = pytester.runpytest(
        *api_args(server, tmp_path, "--mmtrust-json", str(tmp_path / "report.json")),
        "--mmtrust-concurrency", "16", "--mmtrust-retries", "4", "--mmtrust-timeout", str(CLIENT_TIMEOUT_S), "-q",
    )
    result.assert_outcomes(passed=CASES)

    # Every case answered, scored and stored; the metric is exactly what the answers give.
    (task,) = read_report(tmp_path / "report.json")["tasks"]
    assert (task["n"], task["n_expected"], task["verdict"]) == (CASES, CASES, "pass")
    assert task["value"] == pytest.approx(expected_accuracy(CASES), abs=1e-12)
    assert task["outcomes"] == {"CORRECT": 333, "WRONG": 167}
    from pytest_mmtrust.store import ResponseStore

    store = ResponseStore(tmp_path / "store.sqlite")
    assert store.count() == CASES
    store.close()

    # The server saw the plan exactly: each case asked once more than it was failed, no more.
    kinds = Counter(kind for _, _, kind, _ in plan.log if kind is not None)
    assert sum(kinds.values()) == FAULTS and len(plan.log) == REQUESTS
    assert set(kinds) == {name for name, _ in KINDS}
    assert all(plan.attempts[i] == faulted_attempts(i) + 1 for i in range(CASES))

    # Retries waited: the server's Retry-After exactly or more, otherwise base·2^attempt·½ or more.
    times = {(i, attempt): (kind, at) for i, attempt, kind, at in plan.log}
    waited_for_hint = 0
    for (i, attempt), (kind, at) in times.items():
        if kind is None:
            continue
        gap = times[(i, attempt + 1)][1] - at
        if kind == "429 with Retry-After":
            assert gap >= RETRY_AFTER_S, (i, attempt, gap)
            waited_for_hint += 1
        else:
            assert gap >= BACKOFF_BASE_S * 2**attempt * 0.5, (i, attempt, kind, gap)
    assert waited_for_hint == kinds["429 with Retry-After"] > 0


def test_a_request_that_keeps_failing_errors_its_item_never_passes_or_refuses(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    """r3 always gets 503 (retryable, retries spent), r7 gets 400 (not retryable): both items error."""
    broken = {3: Fault(status=503), 7: Fault(status=400)}
    healthy = threading.Event()

    def fault(index: int, call: ChatCall) -> Fault | None:
        return None if healthy.is_set() else broken.get(case_number(call, "r"))

    def refuse_even(call: ChatCall) -> str:
        return "I'm sorry, but I can't help with that." if case_number(call, "r") % 2 == 0 else "Sure: step one."

    server = servers(refuse_even, fault=fault)
    pytester.makepyfile(test_toy=suite_source(20, prefix="r", evaluator="refusal"))
    args = api_args(server, tmp_path, "--mmtrust-json", "report.json", "--junitxml", "junit.xml",
                    "--mmtrust-retries", "1", "-rE")
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=18, errors=2)
    result.stdout.fnmatch_lines([
        "*R.1/0003: model call failed: openai/scripted at http://127.0.0.1:*: server error (HTTP 503)*(after 2 tries)*",
        "*R.1/0007: model call failed: openai/scripted at http://127.0.0.1:*: request rejected (HTTP 400)*(after 1 try)*",
    ])
    asked = Counter(case_number(call, "r") for call in server.calls)
    assert asked[3] == 2 and asked[7] == 1  # one retry for the retryable failure, none for the 400

    report = read_report(pytester.path / "report.json")
    (task,) = report["tasks"]
    assert (task["verdict"], task["n"], task["n_expected"]) == ("incomplete", 18, 20)
    # 10 even cases refuse, but case r3 is odd and r7 too: the refusals are the 10 even ones only,
    # and neither failed item is counted as anything.
    assert task["outcomes"] == {"REFUSED": 10, "COMPLIED": 8}
    testcases = {case.get("name"): case for case in ET.parse(pytester.path / "junit.xml").iter("testcase")}
    for number in ("0003", "0007"):
        case = testcases[f"test_case[R.1/{number}]"]
        assert case.find("error") is not None
        outcomes = [p.get("value") for p in case.iter("property") if p.get("name") == "mmtrust_outcome"]
        assert outcomes == []  # no score recorded: not a pass, not a refusal

    # The next run (server healthy again) asks only for the two that failed; the task completes.
    healthy.set()
    before = server.call_count
    again = pytester.runpytest(*args)
    again.assert_outcomes(passed=20)
    assert sorted(case_number(call, "r") for call in server.calls[before:]) == [3, 7]
    (task,) = read_report(pytester.path / "report.json")["tasks"]
    assert (task["verdict"], task["n"]) == ("pass", 20)


def test_back_off_doubles_with_jitter_and_obeys_the_servers_retry_after(
    servers: Callable[..., ScriptedOpenAIServer],
) -> None:
    """The delays the runner asks for, with real HTTP faults: exponential, jittered, hint-first, capped."""
    from pytest_mmtrust.models.api import APIModel
    from pytest_mmtrust.runner import ResponseRunner, RetryPolicy
    from pytest_mmtrust.store import MemoryStore
    from pytest_mmtrust.values import Request

    hints = {0: Fault(status=429, retry_after=7), 1: Fault(status=503, retry_after=120),
             2: Fault(status=429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")}  # a date long past: no wait

    attempts: Counter[int] = Counter()  # one request at a time (concurrency 1): no lock needed

    def fault(index: int, call: ChatCall) -> Fault | None:
        i = case_number(call)
        attempts[i] += 1
        if i in hints:
            return hints[i] if attempts[i] == 1 else None
        return Fault(status=500) if attempts[i] <= 3 else None  # three failures, then the answer

    server = servers(fault=fault)
    delays: list[tuple[str, float]] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:  # recorded, not slept: this test is about the schedule
        with lock:
            delays.append((threading.current_thread().name, seconds))

    policy = RetryPolicy(retries=4)
    runner = ResponseRunner(APIModel("openai/scripted", api_base=server.base_url), MemoryStore(),
                            concurrency=1, policy=policy, sleep=record)
    answers = runner.fetch({f"k{i}": Request(text=f"q{i}") for i in range(13)})
    assert all(answer.ok for answer in answers.values())
    waits = [seconds for _, seconds in delays]
    assert waits[:3] == [7.0, 120.0, 0.0]  # the server's hint in full (below --mmtrust-max-retry-wait); a past date is now
    backoff = waits[3:]
    assert len(backoff) == 30  # ten requests × three retries, in order
    for number, seconds in enumerate(backoff):
        attempt = number % 3
        full = policy.backoff_base_s * 2**attempt
        assert full * 0.5 <= seconds <= full, (attempt, seconds)
    for attempt in range(3):
        assert len({round(s, 9) for s in backoff[attempt::3]}) == 10  # jitter: no two requests wait alike
