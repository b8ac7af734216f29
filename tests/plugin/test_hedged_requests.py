"""Hedged requests end to end: a straggler at the end of a run against a real server on 127.0.0.1."""

from __future__ import annotations

import textwrap
import threading
from pathlib import Path

import pytest

from pytest_mmtrust.testing.openai_server import ChatCall, Fault, ScriptedOpenAIServer

SUITE = textwrap.dedent(
    '''
    from pytest_mmtrust import Case, Dataset, Metric, Score, Task

    def generate(folder):
        return [Case(id=f"{i:04d}", prompt=f"q{i}", target="ok") for i in range(30)]

    class Exact:
        name = "rules:exact"
        def __call__(self, case, text):
            ok = text == case.target
            return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")

    TASK = Task(id="H.1", name="hedged", aspect="custom", dataset=Dataset("H.1", "1", generate),
                evaluator=Exact(), metric=Metric("accuracy"))

    @TASK.test
    def test_hedged(mmtrust_result):
        pass
    '''
)


def first_call_of_q5_straggles() -> tuple[ScriptedOpenAIServer, list[str]]:
    """A server whose first call for q5 takes a minute; every other call (q5's copy too) is instant."""
    seen: list[str] = []
    lock = threading.Lock()

    def fault(index: int, call: ChatCall) -> Fault | None:
        with lock:
            first = call.text not in seen
            seen.append(call.text)
        return Fault(delay_s=60.0) if first and call.text == "q5" else None

    return ScriptedOpenAIServer(lambda call: "ok", fault=fault), seen


def test_a_straggler_gets_a_copy_and_the_report_counts_it(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(test_hedged=SUITE)
    server, seen = first_call_of_q5_straggles()
    with server:
        result = pytester.runpytest(
            "-p", "no:cacheprovider", "--mmtrust-model=openai/scripted", f"--mmtrust-api-base={server.base_url}",
            "--mmtrust-concurrency", "4", "--mmtrust-hedge", "auto", "--mmtrust-store", str(tmp_path / "s.sqlite"),
            "--mmtrust-cache-dir", str(tmp_path / "cache"),
        )
    result.assert_outcomes(passed=30)  # within seconds, not the straggler's minute (auto: a free server)
    assert sorted(seen) == sorted([f"q{i}" for i in range(30)] + ["q5"])
    # "[01] answered first": the server calls whichever q5 call reaches it first the straggler; on a
    # busy machine the copy can overtake a first call whose thread lost the CPU before sending it
    result.stdout.fnmatch_lines(["note: hedged requests: 1 second copy of straggling calls sent on idle slots "
                                 "(3.3% of 30 requests), [01] answered first (--mmtrust-hedge)"])


def test_a_bad_hedge_value_is_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_hedged=SUITE)
    result = pytester.runpytest("--mmtrust-hedge", "sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--mmtrust-hedge: 'sometimes' must be auto, on, off or a budget" in result.stderr.str()


def test_by_default_nothing_is_sent_twice(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(test_hedged=SUITE)
    seen: list[str] = []

    def fault(index: int, call: ChatCall) -> Fault | None:
        seen.append(call.text)
        return Fault(delay_s=0.5) if call.text == "q5" else None  # a straggler; the run waits for it

    with ScriptedOpenAIServer(lambda call: "ok", fault=fault) as server:
        result = pytester.runpytest(
            "-p", "no:cacheprovider", "--mmtrust-model=openai/scripted", f"--mmtrust-api-base={server.base_url}",
            "--mmtrust-concurrency", "4", "--mmtrust-store", str(tmp_path / "s.sqlite"),
            "--mmtrust-cache-dir", str(tmp_path / "cache"),
        )
    result.assert_outcomes(passed=30)
    assert sorted(seen) == sorted(f"q{i}" for i in range(30))
    assert "hedged requests" not in result.stdout.str()
