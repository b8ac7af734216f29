"""The response phase: batching, concurrency bound, retries, back-off, resume."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

from pytest_mmtrust.errors import ModelCallError
from pytest_mmtrust.runner import ResponseRunner, RetryPolicy
from pytest_mmtrust.store import MemoryStore, ResponseStore, cache_key
from pytest_mmtrust.values import Request, Response


class CountingModel:
    """Answers ``echo:<text>``; can fail the first calls of chosen texts."""

    name = "counting"

    def __init__(self, batch_size: int = 1, failures: dict[str, list[ModelCallError]] | None = None):
        self.batch_size = batch_size
        self.max_concurrency = 64
        self.calls: list[list[str]] = []
        self.failures = failures or {}
        self.in_flight = 0
        self.peak = 0
        self.lock = threading.Lock()
        self.gate = threading.Event()

    def identity(self) -> str:
        return "counting-v1"

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.calls.append([r.text for r in requests])
            queue = self.failures.get(requests[0].text)
            error = queue.pop(0) if queue else None
        try:
            self.gate.wait(0.05)  # let the pool fill up so the bound is observable
            if error is not None:
                raise error
            return [Response(text=f"echo:{r.text}") for r in requests]
        finally:
            with self.lock:
                self.in_flight -= 1

    def close(self) -> None:
        pass


def _requests(n: int) -> dict[str, Request]:
    reqs = [Request(f"q{i}") for i in range(n)]
    return {cache_key("counting-v1", r): r for r in reqs}


def test_batches_respect_batch_size_and_answers_keep_their_keys() -> None:
    model = CountingModel(batch_size=4)
    reqs = _requests(10)
    answers = ResponseRunner(model, MemoryStore(), concurrency=2, sleep=lambda s: None).fetch(reqs)
    assert sorted(len(c) for c in model.calls) == [2, 4, 4]
    assert all(answers[k].text == f"echo:{r.text}" for k, r in reqs.items())


def test_concurrency_is_bounded() -> None:
    model = CountingModel()
    ResponseRunner(model, MemoryStore(), concurrency=3, sleep=lambda s: None).fetch(_requests(30))
    assert 1 < model.peak <= 3


def test_retryable_errors_are_retried_with_server_hint_then_backoff() -> None:
    waits: list[float] = []
    model = CountingModel(failures={"q0": [ModelCallError("429", retryable=True, retry_after=7.0),
                                           ModelCallError("503", retryable=True)]})
    runner = ResponseRunner(model, MemoryStore(), concurrency=1, sleep=waits.append,
                            policy=RetryPolicy(retries=3, backoff_base_s=1.0, backoff_cap_s=60))
    answers = runner.fetch(_requests(1))
    assert list(answers.values())[0].text == "echo:q0"
    assert waits[0] == 7.0
    assert 1.0 <= waits[1] <= 2.0  # base · 2^1 with jitter in [0.5, 1]
    assert runner.stats.retried == 2


def test_a_call_that_keeps_failing_becomes_an_error_and_is_not_stored(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path / "s.sqlite")
    model = CountingModel(failures={"q0": [ModelCallError("500", retryable=True)] * 5})
    runner = ResponseRunner(model, store, concurrency=1, sleep=lambda s: None, policy=RetryPolicy(retries=2))
    answer = list(runner.fetch(_requests(1)).values())[0]
    assert not answer.ok and "after 3 tries" in (answer.error or "")
    assert store.count() == 0 and len(model.calls) == 3


def test_non_retryable_errors_fail_at_once() -> None:
    model = CountingModel(failures={"q0": [ModelCallError("400 bad request", retryable=False)]})
    answer = list(ResponseRunner(model, MemoryStore(), sleep=lambda s: None).fetch(_requests(1)).values())[0]
    assert answer.error and "400" in answer.error and len(model.calls) == 1


def test_a_model_that_raises_anything_else_gives_item_errors() -> None:
    class Broken(CountingModel):
        def generate(self, requests: Sequence[Request]) -> list[Response]:
            raise ZeroDivisionError("oops")

    answers = ResponseRunner(Broken(), MemoryStore(), sleep=lambda s: None).fetch(_requests(2))
    assert all("ZeroDivisionError" in (a.error or "") for a in answers.values())


def test_resume_asks_only_for_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    reqs = _requests(20)
    first_half = dict(list(reqs.items())[:8])
    ResponseRunner(CountingModel(), ResponseStore(path), sleep=lambda s: None).fetch(first_half)  # "crashed" after 8
    model = CountingModel()
    runner = ResponseRunner(model, ResponseStore(path), sleep=lambda s: None)
    answers = runner.fetch(reqs)
    assert len(answers) == 20 and runner.stats.cached == 8 and runner.stats.sent == 12
    assert sorted(t for call in model.calls for t in call) == sorted(r.text for r in list(reqs.values())[8:])


def test_answers_claimed_by_another_worker_are_waited_for_not_asked(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    reqs = _requests(4)
    other = ResponseStore(path, owner="gw1")
    other.claim(list(reqs))
    model = CountingModel()
    mine = ResponseStore(path, owner="gw0")

    def other_worker_answers(_: float) -> None:
        for key, request in reqs.items():
            other.put(key, "counting-v1", Response(text=f"echo:{request.text}"))

    answers = ResponseRunner(model, mine, sleep=other_worker_answers).fetch(reqs)
    assert model.calls == [] and all(a.text and a.text.startswith("echo:") for a in answers.values())


class PreparingModel:
    """A local model (one call at a time) that splits each batch into ``prepare`` and ``generate``.

    ``generate`` of batch k waits until ``prepare`` of batch k+1 has started: a runner that did
    not prepare ahead would leave it waiting, and the test would see the time-out.
    """

    name = "preparing"
    batch_size = 2
    max_concurrency = 1

    def __init__(self, batches: int, fail_prepare_of: str | None = None) -> None:
        self.batches = batches
        self.started: list[str] = []  # first text of each batch whose preparation started
        self.generated: list[tuple[str, bool]] = []  # (first text, came with its preparation)
        self.overlapped: list[bool] = []
        self.fail_prepare_of = fail_prepare_of
        self._started_event: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def _event(self, text: str) -> threading.Event:
        with self._lock:
            return self._started_event.setdefault(text, threading.Event())

    def identity(self) -> str:
        return "counting-v1"

    def prepare(self, requests: Sequence[Request]) -> tuple[str, ...]:
        first = requests[0].text
        self.started.append(first)
        self._event(first).set()
        if first == self.fail_prepare_of:
            raise ValueError("cannot decode an image")
        return tuple(f"prepared:{r.text}" for r in requests)

    def generate(self, requests: Sequence[Request], prepared: tuple[str, ...] | None = None) -> list[Response]:
        first = requests[0].text
        number = int(first[1:]) // self.batch_size
        following = f"q{(number + 1) * self.batch_size}"
        if number + 1 < self.batches:
            self.overlapped.append(self._event(following).wait(5.0))
        self.generated.append((first, prepared is not None))
        if prepared is not None:
            assert prepared == tuple(f"prepared:{r.text}" for r in requests)
        return [Response(text=f"echo:{r.text}") for r in requests]

    def close(self) -> None:
        pass


def test_a_local_model_prepares_the_next_batch_while_generating() -> None:
    model = PreparingModel(batches=4)
    reqs = _requests(8)  # four batches of two
    answers = ResponseRunner(model, MemoryStore(), concurrency=8, sleep=lambda s: None).fetch(reqs)
    assert all(answers[k].text == f"echo:{r.text}" for k, r in reqs.items())
    assert model.started == ["q0", "q2", "q4", "q6"]
    assert model.generated == [("q0", True), ("q2", True), ("q4", True), ("q6", True)]
    assert model.overlapped == [True, True, True]  # the last batch has no next one


def test_a_failed_preparation_leaves_the_batch_to_generate() -> None:
    model = PreparingModel(batches=3, fail_prepare_of="q2")
    reqs = _requests(6)
    answers = ResponseRunner(model, MemoryStore(), concurrency=1, sleep=lambda s: None).fetch(reqs)
    assert all(answers[k].text == f"echo:{r.text}" for k, r in reqs.items())
    assert model.generated == [("q0", True), ("q2", False), ("q4", True)]


class WarmingModel(CountingModel):
    """Records when ``warm_up`` ran relative to the calls, and whether the heap was frozen."""

    def __init__(self, fail_warm_up: bool = False):
        super().__init__()
        self.events: list[str] = []
        self.frozen_during_calls: list[int] = []
        self.fail_warm_up = fail_warm_up

    def warm_up(self) -> None:
        self.events.append(f"warm_up in {threading.current_thread().name}")
        if self.fail_warm_up:
            raise RuntimeError("no client library")

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        import gc

        self.frozen_during_calls.append(gc.get_freeze_count())
        self.events.append("generate")
        return super().generate(requests)


def test_the_model_is_warmed_up_in_the_calling_thread_before_any_request() -> None:
    model = WarmingModel()
    store = MemoryStore()
    ResponseRunner(model, store, concurrency=4, sleep=lambda s: None).fetch(_requests(8))
    assert model.events[0] == f"warm_up in {threading.current_thread().name}"
    assert model.events.count("generate") == 8 and all(e == "generate" for e in model.events[1:])
    again = WarmingModel()
    ResponseRunner(again, store, concurrency=4).fetch(_requests(8))
    assert again.events == []  # everything stored: nothing to send, nothing to warm up


def test_a_failing_warm_up_leaves_the_calls_to_report() -> None:
    model = WarmingModel(fail_warm_up=True)
    answers = ResponseRunner(model, MemoryStore(), concurrency=2, sleep=lambda s: None).fetch(_requests(3))
    assert all(a.ok for a in answers.values())


def test_the_heap_is_frozen_during_a_concurrent_response_phase_only() -> None:
    import gc

    keep = [[i] for i in range(1000)]  # long-lived objects, like a pytest session's
    model = WarmingModel()
    ResponseRunner(model, MemoryStore(), concurrency=4, sleep=lambda s: None).fetch(_requests(8))
    assert min(model.frozen_during_calls) >= len(keep)
    assert gc.get_freeze_count() == 0
