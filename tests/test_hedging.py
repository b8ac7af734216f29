"""Hedged requests: when a straggler gets a second copy, which answer stands, and what it costs.

The policy (:class:`Hedger`) is driven with a fake clock. The stream is driven with a scripted
model whose straggler blocks until its call is cancelled, and a fake clock the test moves past
the straggler threshold: nothing here sleeps or depends on how fast the machine is.
"""

from __future__ import annotations

import threading
import time
from typing import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.errors import ModelCallError
from pytest_mmtrust.hedging import HedgeSettings, Hedger, hedge_note, hedge_settings_for, parse_hedge
from pytest_mmtrust.runner import CANCELLED, ResponseRunner
from pytest_mmtrust.store import MemoryStore
from pytest_mmtrust.stream import RequestStream
from pytest_mmtrust.values import GenerationParams, Request, Response


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ----- the policy --------------------------------------------------------------------------------
def test_no_straggler_before_enough_answers_were_seen() -> None:
    clock = Clock()
    hedger = Hedger(HedgeSettings(min_samples=16), clock)
    for _ in range(15):
        hedger.record(0.1)
    clock.now += 1e6
    assert hedger.threshold() is None
    assert hedger.pick({"a": 0.0}, requests=1000) == (None, None)
    hedger.record(0.1)
    assert hedger.threshold() == pytest.approx(0.2)  # 2 x the 90th percentile


def test_the_threshold_is_a_multiple_of_a_recent_quantile() -> None:
    hedger = Hedger(HedgeSettings(after=2.0, quantile=0.9, min_samples=1, window=100))
    for value in range(1, 101):  # 0.01 … 1.00 s
        hedger.record(value / 100)
    assert hedger.threshold() == pytest.approx(2 * 0.90)
    for _ in range(100):  # the window forgets the old answers
        hedger.record(5.0)
    assert hedger.threshold() == pytest.approx(10.0)


def test_the_oldest_straggler_goes_first_and_the_next_one_is_due_later() -> None:
    clock = Clock()
    hedger = Hedger(HedgeSettings(min_samples=1), clock)
    hedger.record(1.0)  # threshold 2 s
    started = {"young": clock.now - 0.5, "old": clock.now - 3.0}
    assert hedger.pick(started, requests=100) == ("old", None)
    del started["old"]
    key, due = hedger.pick(started, requests=100)
    assert key is None and due == pytest.approx(1.5)


def test_the_budget_caps_the_copies() -> None:
    clock = Clock()
    hedger = Hedger(HedgeSettings(budget=0.02, min_samples=1), clock)
    hedger.record(0.1)
    started = {"a": clock.now - 10}
    assert hedger.allowed(99) == 1 and hedger.allowed(100) == 2 and hedger.allowed(10) == 1  # at least one
    hedger.copied()
    assert hedger.pick(started, requests=99) == (None, None)
    assert hedger.pick(started, requests=100) == ("a", None)


@given(latencies=st.lists(st.floats(min_value=0, max_value=1e4), min_size=16, max_size=300),
       quantile=st.floats(min_value=0.01, max_value=1.0))
def test_the_threshold_lies_within_the_latencies_seen(latencies: list[float], quantile: float) -> None:
    hedger = Hedger(HedgeSettings(after=1.0, quantile=quantile, window=1000))
    for latency in latencies:
        hedger.record(latency)
    threshold = hedger.threshold()
    assert threshold is not None and min(latencies) <= threshold <= max(latencies)


@pytest.mark.parametrize("value, parsed", [("auto", "auto"), ("ON", "on"), ("off", "off"), ("true", "on"),
                                           ("0", "off"), ("0.05", "0.05"), ("1", "on"), (" 0.5 ", "0.5")])
def test_the_option_reads(value: str, parsed: str) -> None:
    assert parse_hedge(value) == parsed


@pytest.mark.parametrize("value", ["sometimes", "-0.1", "1.5", "nan"])
def test_a_bad_option_value_says_what_is_expected(value: str) -> None:
    with pytest.raises(ValueError, match="auto, on, off|above 0 and at most 1"):
        parse_hedge(value)


class Priced:
    batch_size, max_concurrency = 1, 64

    def __init__(self, free: bool):
        self.free = free

    def hedging_is_free(self) -> bool:
        return self.free


def test_auto_hedges_only_where_a_copy_costs_nothing() -> None:
    assert hedge_settings_for("auto", Priced(free=True)) == HedgeSettings()
    assert hedge_settings_for("auto", Priced(free=False)) is None
    assert hedge_settings_for("on", Priced(free=False)) == HedgeSettings()
    assert hedge_settings_for("0.1", Priced(free=False)) == HedgeSettings(budget=0.1)
    assert hedge_settings_for("off", Priced(free=True)) is None
    batched = Priced(free=True)
    batched.batch_size = 8  # type: ignore[misc]
    assert hedge_settings_for("on", batched) is None  # local batches are not hedged
    local = Priced(free=True)
    local.max_concurrency = 1  # type: ignore[misc]
    assert hedge_settings_for("on", local) is None


def test_the_api_model_says_which_servers_are_free() -> None:
    from pytest_mmtrust.models.api import APIModel

    assert APIModel("hosted_vllm/my-model", api_base="http://127.0.0.1:9/v1").hedging_is_free()
    assert APIModel("openai/bench", api_base="http://127.0.0.1:9/v1").hedging_is_free()
    assert not APIModel("openai/gpt-4o", api_base="http://127.0.0.1:9/v1").hedging_is_free()  # priced
    assert not APIModel("openai/gpt-4o").hedging_is_free()  # OpenAI itself


def test_the_report_line() -> None:
    assert hedge_note({"sent": 0, "won": 0, "requests": 10}) is None
    assert hedge_note({"sent": 14, "won": 12, "requests": 1400}) == (
        "hedged requests: 14 second copies of straggling calls sent on idle slots (1.0% of 1,400 requests), "
        "12 answered first (--mmtrust-hedge)")


# ----- the stream --------------------------------------------------------------------------------
class Straggler:
    """Answers at once (moving the fake clock 0.1 s), except the first call for each text in
    ``slow``: it blocks until cancelled (``cancel_call``) or released."""

    name = "straggler"
    batch_size = 1
    max_concurrency = 64

    def __init__(self, clock: Clock, slow: Sequence[str] = (), fail_copies: bool = False):
        self.clock = clock
        self.slow = set(slow)
        self.fail_copies = fail_copies
        self.lock = threading.Lock()
        self.asked: list[str] = []
        self.blocked: dict[int, tuple[threading.Event, str]] = {}
        self.cancelled: list[str] = []
        self.arrived = threading.Event()  # a straggler's first call is in
        self.stragglers_in = 0  # how many stragglers' first calls are in
        self.copy_asked = threading.Event()  # a second call for some text is in
        self.release = threading.Event()

    def identity(self) -> str:
        return "straggler-v1"

    def wait_for_stragglers(self, count: int, timeout: float = 10.0) -> bool:
        """Whether ``count`` stragglers' first calls reached the model within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.stragglers_in >= count:
                    return True
            time.sleep(0.005)
        return False

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        (request,) = requests
        with self.lock:
            first = request.text not in self.asked
            self.asked.append(request.text)
            if not first or request.text not in self.slow:
                self.clock.now += 0.1
            if not first:
                self.copy_asked.set()
        if first and request.text in self.slow:
            wake = threading.Event()
            with self.lock:
                self.blocked[threading.get_ident()] = (wake, request.text)
                self.stragglers_in += 1
            self.arrived.set()
            while not wake.wait(0.05) and not self.release.is_set():
                pass
            with self.lock:
                del self.blocked[threading.get_ident()]
            if wake.is_set():
                raise ModelCallError("straggler: cancelled", kind="cancelled")
            return [Response(text=f"slow:{request.text}")]
        if not first and self.fail_copies:
            raise ModelCallError("straggler: server error (HTTP 500)", retryable=True, kind="server")
        return [Response(text=f"{'copy' if not first else 'fast'}:{request.text}")]

    def cancel_call(self, thread_id: int) -> bool:
        with self.lock:
            blocked = self.blocked.get(thread_id)
            if blocked is None:
                return False
            wake, text = blocked
            self.cancelled.append(text)
            wake.set()
        return True

    def close(self) -> None:
        self.release.set()


def requests(texts: Sequence[str], temperature: float = 0.0) -> dict[str, Request]:
    return {text: Request(text=text, params=GenerationParams(temperature=temperature)) for text in texts}


def stream_for(model: Straggler, clock: Clock, store: MemoryStore | None = None,
               settings: HedgeSettings | None = HedgeSettings()) -> RequestStream:
    runner = ResponseRunner(model, store or MemoryStore(), concurrency=4)
    return RequestStream(runner, hedge=settings, clock=clock)


def fast_ones(n: int) -> list[str]:
    return [f"b{i}" for i in range(n)]


def add_stragglers_then_fast_ones(stream: RequestStream, model: Straggler, slow: dict[str, Request], fast: int) -> None:
    """The stragglers' first calls reach the model before any fast call is queued.

    Queued together, a straggler's thread could lose the CPU between leaving the stream's lock
    and reaching the model while enough fast calls were answered to make it look overdue; its
    copy then reached the model first, and the fake model took the copy for the first call.
    """
    stream.add("slow", slow)
    assert model.wait_for_stragglers(len(slow))
    stream.add("A", requests(fast_ones(fast)))


def test_a_straggler_at_the_end_gets_a_copy_whose_answer_stands_and_the_first_call_is_cancelled() -> None:
    clock = Clock()
    model = Straggler(clock, slow=["a0"])
    store = MemoryStore()
    stream = stream_for(model, clock, store)
    add_stragglers_then_fast_ones(stream, model, requests(["a0"]), 30)
    try:
        assert all(stream.answer(key).text == f"fast:{key}" for key in fast_ones(30))
        assert model.arrived.wait(10)
        clock.now += 100.0  # the straggler is now far past the threshold
        answer = stream.answer("a0")
    finally:
        model.release.set()
        stream.close()
    assert answer.text == "copy:a0"
    assert model.asked.count("a0") == 2 and model.cancelled == ["a0"]
    assert stream.hedges() == {"sent": 1, "won": 1, "requests": 31}
    assert store.get_many(["a0"])["a0"].text == "copy:a0"
    assert stream.runner.stats.sent == 31 and stream.runner.stats.failed == 0


def test_a_copy_that_fails_leaves_the_first_call_to_answer() -> None:
    clock = Clock()
    model = Straggler(clock, slow=["a0"], fail_copies=True)
    stream = stream_for(model, clock)
    add_stragglers_then_fast_ones(stream, model, requests(["a0"]), 30)
    assert all(stream.answer(key).ok for key in fast_ones(30))
    assert model.arrived.wait(10)
    clock.now += 100.0
    done = threading.Event()
    result: list[Response] = []

    def wait_for_it() -> None:
        result.append(stream.answer("a0"))
        done.set()

    waiter = threading.Thread(target=wait_for_it, daemon=True)
    waiter.start()
    assert model.copy_asked.wait(10)  # the copy went out (and failed: it is tried once)
    assert not done.wait(0.2)  # the first call is still out: its answer may yet come
    model.release.set()
    assert done.wait(10)
    stream.close()
    assert result[0].text == "slow:a0"
    assert stream.hedges() == {"sent": 1, "won": 0, "requests": 31}
    assert model.asked.count("a0") == 2  # the copy was not retried


def test_the_budget_and_sampling_are_respected() -> None:
    clock = Clock()
    model = Straggler(clock, slow=["a0", "a1", "t0"])
    stream = stream_for(model, clock, settings=HedgeSettings(budget=0.01))  # one copy for these 33 requests
    add_stragglers_then_fast_ones(stream, model, {**requests(["a0", "a1"]), **requests(["t0"], temperature=0.7)}, 30)
    try:
        assert all(stream.answer(key).ok for key in fast_ones(30))
        clock.now += 100.0
        first = stream.answer("a0")  # the oldest straggler gets the one copy
    finally:
        model.release.set()
    later = [stream.answer("a1"), stream.answer("t0")]
    stream.close()
    assert first.text == "copy:a0"
    assert [answer.text for answer in later] == ["slow:a1", "slow:t0"]
    assert model.asked.count("a1") == 1 and model.asked.count("t0") == 1  # no budget left; sampled: never copied
    assert stream.hedges()["sent"] == 1


def test_without_hedging_nothing_is_sent_twice() -> None:
    clock = Clock()
    model = Straggler(clock, slow=["a0"])
    stream = stream_for(model, clock, settings=None)
    stream.add("A", requests(["a0", *fast_ones(30)]))
    assert all(stream.answer(key).ok for key in fast_ones(30))
    clock.now += 100.0
    model.release.set()
    assert stream.answer("a0").text == "slow:a0"
    stream.close()
    assert model.asked.count("a0") == 1 and stream.hedges()["sent"] == 0


def test_a_call_not_wanted_any_more_is_not_made() -> None:
    runner = ResponseRunner(Straggler(Clock()), MemoryStore(), concurrency=1)
    assert runner._call_with_retries([Request("x")], wanted=lambda: False) == [Response(text=None, error=CANCELLED)]
    assert runner.model.asked == []  # type: ignore[attr-defined]
