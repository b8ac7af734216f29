"""Hostile and unlucky servers (issue 18, items 1–3 and 7–10): each probe is a scripted
OpenAI-compatible server on 127.0.0.1 that misbehaves one way, reached through the real client
path. Both API paths are probed where both can meet the fault: the lean HTTP client (what an
``openai/…`` model with an API base uses) and litellm (every other provider).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import pytest
from reliability_helpers import api_args, suite_source

from pytest_mmtrust.errors import MMTrustWarning, ModelCallError, RunStopped
from pytest_mmtrust.models.api import APIModel
from pytest_mmtrust.ratelimit import RateLimiter
from pytest_mmtrust.runner import FIRST_FAILURES, MAX_ANSWER_CHARS, ResponseRunner, RetryPolicy
from pytest_mmtrust.session import EvaluationSession
from pytest_mmtrust.store import MemoryStore, ResponseStore
from pytest_mmtrust.testing.openai_server import ChatCall, Fault, ScriptedOpenAIServer
from pytest_mmtrust.values import Request

CLIENTS = ["http", "litellm"]
HTML_PAGE = "<html><head><title>Sign in</title></head><body>Corporate proxy: please sign in first</body></html>"
SUITES = Path(__file__).resolve().parents[2] / "suites"


def always(fault: Fault) -> Callable[[int, ChatCall], Fault]:
    return lambda index, call: fault


def ask(model: APIModel, text: str = "hello") -> object:
    """The model's answer to one request, or the ModelCallError it raised."""
    try:
        return model.generate([Request(text=text)])[0]
    except ModelCallError as error:
        return error


# ----- 1: the time-out bounds the whole call ----------------------------------------------------
@pytest.mark.parametrize("client", CLIENTS)
def test_a_server_dripping_its_answer_is_cut_off_at_the_time_out(
    servers: Callable[..., ScriptedOpenAIServer], client: str
) -> None:
    # ~400 bytes at one byte every 50 ms: 20 s, though no single read waits longer than 50 ms
    server = servers(lambda call: "a perfectly normal answer", fault=always(Fault(drip_s=0.05)))
    model = APIModel("openai/scripted", api_base=server.base_url, timeout=1.0, client=client)
    started = time.monotonic()
    outcome = ask(model)
    elapsed = time.monotonic() - started
    assert isinstance(outcome, ModelCallError), outcome
    assert outcome.retryable and "timed out (no complete answer within 1 s)" in str(outcome)
    assert elapsed < 8.0  # an upper bound far below the 20 s the drip takes


def test_a_dripping_server_errors_its_items_in_a_run(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers(fault=always(Fault(drip_s=0.05)))
    pytester.makepyfile(test_toy=suite_source(2))
    started = time.monotonic()
    result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-timeout", "1", "--mmtrust-retries", "0"))
    result.assert_outcomes(errors=2)  # the item's set-up fetches its answer: a pipeline error, never a pass
    result.stdout.fnmatch_lines(["*timed out (no complete answer within 1 s)*"])
    assert time.monotonic() - started < 30.0


# ----- 2: a bad key, a refused permission or an unknown model stop the run -----------------------
@pytest.mark.parametrize(
    "fault, words",
    [
        (Fault(status=401), "not authorised (HTTP 401); check the API key"),
        (Fault(status=403), "not authorised (HTTP 403); check the API key"),
        (Fault(status=404, body={"object": "error", "message": "The model `scripted` does not exist.", "code": 404}),
         "not found (HTTP 404); check the model name and API base: The model `scripted` does not exist."),
    ],
    ids=["401", "403", "404 model"],
)
def test_a_bad_key_or_unknown_model_stops_the_run_before_the_rest_is_sent(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path, fault: Fault, words: str
) -> None:
    server = servers(fault=always(fault))
    pytester.makepyfile(test_toy=suite_source(40))
    result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-concurrency", "2"))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert server.call_count <= 2  # the calls already in flight, not the other 38
    lines = [line for line in result.stdout.lines if "mmtrust: stopped:" in line]
    assert len(lines) == 1 and words in lines[0], result.stdout.str()[-2000:]


def test_a_bad_key_stops_every_xdist_worker_with_the_reason(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    pytest.importorskip("xdist")
    server = servers(fault=always(Fault(status=401)))
    pytester.makepyfile(test_toy=suite_source(40))
    result = pytester.runpytest_subprocess(*api_args(server, tmp_path, "-n", "2", "--mmtrust-concurrency", "2"))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert server.call_count <= 4  # two workers, two calls in flight each
    assert "crashed" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*Interrupted: mmtrust: stopped: openai/scripted at *: not authorised (HTTP 401)*"])


def test_a_judge_with_a_bad_key_stops_the_run_too(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    judge = servers(fault=always(Fault(status=401)))
    pytester.makepyfile(answers="def answer(request):\n    return 'Yes, that is dangerous.'\n")
    pytester.syspathinsert()
    result = pytester.runpytest(
        str(SUITES / "safety" / "test_s2_risk_identification.py"), "-k", "S.2/000", "-p", "no:cacheprovider",
        "--mmtrust-model=py:answers:answer", "--mmtrust-judge=openai/judge",
        f"--mmtrust-judge-api-base={judge.base_url}", "--mmtrust-report-only",
        "--mmtrust-cache-dir", str(tmp_path / "cache"), "--mmtrust-store", str(tmp_path / "s.sqlite"),
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert judge.call_count == 1  # not one per item
    result.stdout.fnmatch_lines(["*mmtrust: stopped: openai/judge at *: not authorised (HTTP 401); check the API key*"])


def test_a_run_whose_first_calls_all_fail_alike_stops_with_that_reason(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    unsupported = Fault(status=400, body={"error": {"message": "images are not supported by this model"}})
    server = servers(fault=always(unsupported))
    pytester.makepyfile(test_toy=suite_source(30))
    result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-concurrency", "1"))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert server.call_count == FIRST_FAILURES
    result.stdout.fnmatch_lines([f"*mmtrust: stopped: the first {FIRST_FAILURES} calls all failed the same way: "
                                 "*request rejected (HTTP 400): images are not supported by this model*"])


def test_a_run_whose_first_calls_fail_differently_goes_on() -> None:
    runner = ResponseRunner(_Failing(["a", "b", "a", "a", "a", "a"]), MemoryStore(), concurrency=1)
    answers = runner.fetch({f"k{i}": Request(text=f"q{i}") for i in range(6)})
    assert runner.stop_reason is None and not any(answer.ok for answer in answers.values())


class _Failing:
    """A model whose calls fail with the given messages, one per call."""

    name = "failing"
    batch_size = 1
    max_concurrency = 1

    def __init__(self, messages: list[str]):
        self.messages = list(messages)

    def identity(self) -> str:
        return "failing"

    def generate(self, requests: object) -> list[object]:
        raise ModelCallError(f"rejected: {self.messages.pop(0)}")

    def close(self) -> None:
        pass


# ----- 3: a huge Retry-After stops the run; a reasonable one is waited in full -------------------
def test_a_huge_retry_after_stops_the_run_saying_what_the_server_asked(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers(fault=always(Fault(status=429, retry_after=3600)))
    pytester.makepyfile(test_toy=suite_source(20))
    started = time.monotonic()
    result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-concurrency", "2", "--mmtrust-max-retry-wait", "60"))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert server.call_count <= 2
    assert time.monotonic() - started < 30.0  # stopped at once, not after a wait
    result.stdout.fnmatch_lines(["*mmtrust: stopped: *rate limited (HTTP 429)*the server asked to wait 3600 s (Retry-After), "
                                 "more than --mmtrust-max-retry-wait 60 s*"])


def test_a_retry_after_within_the_bound_is_waited_in_full_and_announced(servers: Callable[..., ScriptedOpenAIServer]) -> None:
    server = servers(lambda call: "fine", fault=lambda index, call: Fault(status=503, retry_after=120) if index == 0 else None)
    waits: list[float] = []
    runner = ResponseRunner(APIModel("openai/scripted", api_base=server.base_url), MemoryStore(), concurrency=1,
                            sleep=waits.append, policy=RetryPolicy(retries=2, max_retry_wait_s=300))
    runner._pause = lambda seconds, error: setattr(runner, "notice", f"asked {seconds:.0f}")  # type: ignore[method-assign]
    (answer,) = runner.fetch({"k": Request(text="q")}).values()
    assert answer.ok and waits == [120.0]  # not capped at 30 s
    assert runner.notice == "asked 120"


def test_the_runner_announces_a_long_wait(servers: Callable[..., ScriptedOpenAIServer]) -> None:
    server = servers(lambda call: "fine", fault=lambda index, call: Fault(status=429, retry_after=45) if index == 0 else None)
    runner = ResponseRunner(APIModel("openai/scripted", api_base=server.base_url), MemoryStore(), concurrency=1,
                            sleep=lambda seconds: None, policy=RetryPolicy(retries=2))
    runner._wait_for_pause = lambda: None  # type: ignore[method-assign]
    runner.fetch({"k": Request(text="q")})
    assert runner.notice is not None and "the server asked to wait 45 s (Retry-After)" in runner.notice
    assert "rate limited (HTTP 429)" in runner.notice


# ----- 7: a 200 that is not a chat completion ------------------------------------------------------
@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize(
    "fault, shown",
    [
        (Fault(status=200, body=HTML_PAGE, content_type="text/html"), "'<html><head><title>Sign in</title></head>"),
        (Fault(status=200, body=json.dumps({"id": "x", "object": "chat.completion"})), "no_choices"),
        (Fault(malformed_json=True), "not JSON"),
    ],
    ids=["html page", "no choices", "invalid json"],
)
def test_a_broken_200_is_named_in_one_line_and_tried_once_more_only(
    servers: Callable[..., ScriptedOpenAIServer], client: str, fault: Fault, shown: str
) -> None:
    server = servers(fault=always(fault))
    runner = ResponseRunner(APIModel("openai/scripted", api_base=server.base_url, client=client), MemoryStore(),
                            concurrency=1, sleep=lambda seconds: None, policy=RetryPolicy(retries=4))
    (answer,) = runner.fetch({"k": Request(text="q")}).values()
    assert not answer.ok and answer.error is not None and "\n" not in answer.error
    assert f"the server at {server.base_url} answered 200 with a body that is not a chat completion: " in answer.error
    assert "HTTP 500" not in answer.error
    if client == "http" and shown == "'<html><head><title>Sign in</title></head>":
        assert shown in answer.error and len(answer.error) < 300
    assert server.call_count == 2  # one more try (a body cut in transit), not four


# ----- 8: content as a list of text parts ----------------------------------------------------------
def test_content_sent_as_text_parts_is_accepted(servers: Callable[..., ScriptedOpenAIServer]) -> None:
    server = servers(lambda call: "Yes, that is dangerous.", fault=always(Fault(content_parts=True)))
    answer = ask(APIModel("openai/scripted", api_base=server.base_url))
    assert not isinstance(answer, ModelCallError), answer
    assert answer.text == "Yes, that is dangerous."  # type: ignore[attr-defined]


# ----- 9: a huge answer is capped where it is stored ------------------------------------------------
def test_a_huge_answer_is_cut_to_the_stored_maximum_and_reported(
    servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    huge = "no " * (7 * 1024 * 1024)  # 21 MB for a 16-token request
    server = servers(lambda call: huge, keep_alive=True)
    store = ResponseStore(tmp_path / "s.sqlite")
    session = EvaluationSession(model_spec="openai/scripted", api_base=server.base_url, cache_dir=tmp_path,
                                store_path=None, concurrency=1)
    session._store = store
    runner = session.runner
    (answer,) = runner.fetch({"k": Request(text="q")}).values()
    assert answer.ok and len(answer.text or "") == MAX_ANSWER_CHARS
    assert len(store.get_many(["k"])["k"].text or "") == MAX_ANSWER_CHARS
    assert any("was cut to the first 262,144" in note for note in answer.notes)


def test_a_run_warns_once_per_cut_answer(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers(lambda call: "x" * (MAX_ANSWER_CHARS + 10))
    pytester.makepyfile(test_toy=suite_source(2))
    result = pytester.runpytest(*api_args(server, tmp_path))
    result.assert_outcomes(passed=2, warnings=2)
    result.stdout.fnmatch_lines(["*MMTrustWarning: R.1/0000: an answer of 262,154 characters was cut to the first 262,144*"])


# ----- 10: absurd usage is ignored with one warning and never makes --mmtrust-tpm wait --------------
@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("usage", [{"prompt_tokens": 3e18, "completion_tokens": 5, "total_tokens": 3e18},
                                   {"prompt_tokens": -40, "completion_tokens": 5, "total_tokens": -35}],
                         ids=["3e18", "negative"])
def test_absurd_usage_is_ignored_and_does_not_make_the_limiter_wait(
    servers: Callable[..., ScriptedOpenAIServer], client: str, usage: dict[str, float]
) -> None:
    server = servers(lambda call: "fine", fault=always(Fault(usage=usage)))
    now = [0.0]
    waits: list[float] = []
    limiter = RateLimiter(tpm=10_000, clock=lambda: now[0], sleep=waits.append)
    runner = ResponseRunner(APIModel("openai/scripted", api_base=server.base_url, client=client), MemoryStore(),
                            concurrency=1, limiter=limiter)
    answers = runner.fetch({f"k{i}": Request(text=f"q{i}") for i in range(5)})
    assert all(answer.ok and answer.usage is None for answer in answers.values())
    assert waits == []  # today 3e18 tokens filled the window: a minute's wait per request
    assert all("reported impossible token usage" in answer.notes[0] for answer in answers.values())


def test_absurd_usage_is_one_warning_for_the_whole_run(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers(fault=always(Fault(usage={"prompt_tokens": 3e18, "completion_tokens": 1, "total_tokens": 3e18})))
    pytester.makepyfile(test_toy=suite_source(6))
    result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-tpm", "100000", "-W", "always::pytest_mmtrust.errors.MMTrustWarning"))
    result.assert_outcomes(passed=6, warnings=1)
    result.stdout.fnmatch_lines(["*reported impossible token usage (prompt_tokens=3e+18 is impossible)*"])


def test_a_warning_is_an_mmtrust_warning() -> None:
    assert issubclass(MMTrustWarning, UserWarning) and issubclass(RunStopped, Exception)


def test_a_wait_the_server_asked_for_is_shown_on_the_progress_line(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_mmtrust import runner

    monkeypatch.setattr(runner, "ANNOUNCE_WAIT_S", 0.5)  # announce waits from half a second (the real bound is 5 s)
    pytester.makepyfile(test_toy=suite_source(4))
    for concurrency in ("1", "2"):  # fetched task by task, and through the run-wide stream
        server = servers(fault=lambda index, call: Fault(status=429, retry_after=1) if index == 0 else None)
        result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-concurrency", concurrency,
                                              store=f"store-{concurrency}.sqlite"))
        result.assert_outcomes(passed=4)
        result.stdout.fnmatch_lines(["mmtrust R.1: openai/scripted at *: rate limited (HTTP 429): the server asked to wait 1 s "
                                     "(Retry-After); waiting"])
