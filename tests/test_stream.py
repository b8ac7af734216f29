"""The run-wide request stream: no barrier between tasks, run order, stops, claims across processes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

from pytest_mmtrust.errors import ModelCallError
from pytest_mmtrust.runner import ResponseRunner
from pytest_mmtrust.store import MemoryStore, ResponseStore
from pytest_mmtrust.stream import RequestStream
from pytest_mmtrust.values import Request, Response


class GatedModel:
    """Answers ``echo:<text>`` at once, except texts in ``held``, which wait for ``release``."""

    name = "gated"
    batch_size = 1
    max_concurrency = 64

    def __init__(self, held: Sequence[str] = (), fail: dict[str, ModelCallError] | None = None):
        self.held = set(held)
        self.release = threading.Event()
        self.arrived = threading.Event()  # a held request is in
        self.asked: list[str] = []
        self.fail = fail or {}
        self.lock = threading.Lock()

    def identity(self) -> str:
        return "gated-v1"

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        (request,) = requests
        with self.lock:
            self.asked.append(request.text)
        if request.text in self.held:
            self.arrived.set()
            assert self.release.wait(10)
        if request.text in self.fail:
            raise self.fail[request.text]
        return [Response(text=f"echo:{request.text}")]

    def close(self) -> None:
        pass


def group(prefix: str, n: int) -> dict[str, Request]:
    return {f"{prefix}{i}": Request(text=f"{prefix}{i}") for i in range(n)}


def test_a_slow_request_holds_back_only_its_own_answer() -> None:
    model = GatedModel(held=["a0"])
    stream = RequestStream(ResponseRunner(model, MemoryStore(), concurrency=4))
    stream.add("A", group("a", 5))
    stream.add("B", group("b", 20))
    try:
        # every answer of the next task arrives while the first task's straggler is still out
        assert all(stream.answer(f"b{i}").text == f"echo:b{i}" for i in range(20))
        assert all(stream.answer(f"a{i}").ok for i in range(1, 5))
        assert "a0" not in [key for key in stream.keys() if stream._state[key] == "done"]
    finally:
        model.release.set()
    assert stream.answer("a0").text == "echo:a0"
    stream.close()


def test_requests_go_out_in_run_order_and_a_prioritised_task_goes_first() -> None:
    model = GatedModel()
    runner = ResponseRunner(model, MemoryStore(), concurrency=1)
    stream = RequestStream(runner, threads=1)
    model.held = {"a0"}
    stream.add("A", group("a", 3))
    stream.add("B", group("b", 3))
    stream.add("C", group("c", 3))
    assert model.arrived.wait(10)
    stream.prioritise("C")
    model.release.set()
    for key in [*group("a", 3), *group("b", 3), *group("c", 3)]:
        assert stream.answer(key).ok
    stream.close()
    assert model.asked[0] == "a0"  # already in flight when C was moved up
    assert model.asked[1:] == ["c0", "c1", "c2", "a1", "a2", "b0", "b1", "b2"]


def test_stored_answers_are_not_sent_and_counted_as_cached(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path / "s.sqlite")
    for key, request in group("a", 3).items():
        store.put(key, "gated-v1", Response(text=f"stored:{request.text}"))
    model = GatedModel()
    stream = RequestStream(ResponseRunner(model, store, concurrency=4))
    counts = stream.add("A", group("a", 5))
    assert stream.answer("a0").text == "stored:a0" and stream.answer("a4").text == "echo:a4"
    stream.wait_sent("A")
    assert counts.cached == 3 and sorted(model.asked) == ["a3", "a4"]
    stream.close()
    assert not stream._threads or not any(thread.is_alive() for thread in stream._threads)


def test_nothing_is_started_when_everything_is_stored() -> None:
    store = MemoryStore()
    for key, request in group("a", 3).items():
        store.put(key, "gated-v1", Response(text="x"))
    stream = RequestStream(ResponseRunner(GatedModel(), store, concurrency=4))
    stream.add("A", group("a", 3))
    assert stream._threads == []
    stream.close()


def test_a_bad_key_stops_the_stream_and_the_rest_is_not_sent() -> None:
    bad_key = ModelCallError("m: not authorised (HTTP 401)", stops_run=True, kind="auth")
    model = GatedModel(held=["a0", "a1"], fail={f"a{i}": bad_key for i in range(50)})
    runner = ResponseRunner(model, MemoryStore(), concurrency=2)
    stream = RequestStream(runner)
    stream.add("A", group("a", 50))
    model.release.set()
    answers = [stream.answer(f"a{i}") for i in range(50)]
    stream.close()
    assert runner.stop_reason == "m: not authorised (HTTP 401)"
    assert len(model.asked) <= 2
    assert sum(answer.error is not None and answer.error.startswith("not sent: the run stopped") for answer in answers) >= 48


def test_two_processes_sharing_a_store_send_each_request_once(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first, second = GatedModel(), GatedModel()
    streams = [RequestStream(ResponseRunner(model, ResponseStore(path, owner=name), concurrency=4))
               for model, name in ((first, "gw0"), (second, "gw1"))]
    for stream in streams:
        stream.add("A", group("a", 60))
    for stream in streams:
        assert all(stream.answer(f"a{i}").text == f"echo:a{i}" for i in range(60))
        stream.close()
    assert sorted(first.asked + second.asked) == sorted(group("a", 60))


def test_a_key_left_by_a_process_that_gave_up_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    other = ResponseStore(path, owner="gw1")
    requests = group("a", 4)
    assert other.claim(list(requests)) == set(requests)
    model = GatedModel()
    runner = ResponseRunner(model, ResponseStore(path, owner="gw0"), concurrency=2,
                            sleep=lambda seconds: other.release(list(requests)))  # the other process fails
    stream = RequestStream(runner)
    stream.add("A", requests)
    assert all(stream.answer(key).text == f"echo:{key}" for key in requests)
    stream.close()
    assert sorted(model.asked) == sorted(requests)


def test_a_store_that_fails_mid_run_stops_the_run_instead_of_leaving_items_waiting() -> None:
    from pytest_mmtrust.errors import StoreError

    class BrokenStore(MemoryStore):
        def put_many(self, answers: Sequence[tuple[str, Response]], model_identity: str) -> None:
            raise StoreError("s.sqlite: disk I/O error")  # the stream writes its answers in groups

    runner = ResponseRunner(GatedModel(), BrokenStore(), concurrency=2)
    stream = RequestStream(runner)
    stream.add("A", group("a", 10))
    answers = [stream.answer(f"a{i}") for i in range(10)]  # returns: nothing waits forever
    stream.close()
    assert runner.stop_reason == "the request stream failed: StoreError: s.sqlite: disk I/O error"
    assert not any(answer.ok for answer in answers)


def test_a_model_taking_batches_gets_batches() -> None:
    class Batched(GatedModel):
        batch_size = 4

        def generate(self, requests: Sequence[Request]) -> list[Response]:
            with self.lock:
                self.asked.append(",".join(r.text for r in requests))
            return [Response(text=f"echo:{r.text}") for r in requests]

    model = Batched()
    stream = RequestStream(ResponseRunner(model, MemoryStore(), concurrency=2))
    stream.add("A", group("a", 10))
    assert all(stream.answer(f"a{i}").text == f"echo:a{i}" for i in range(10))
    stream.close()
    sizes = sorted(len(call.split(",")) for call in model.asked)
    assert sum(sizes) == 10 and max(sizes) <= 4 and len(sizes) < 10


def test_adaptive_concurrency_drives_the_stream() -> None:
    from pytest_mmtrust.concurrency import AdaptiveConcurrency

    runner = ResponseRunner(GatedModel(), MemoryStore(), concurrency="auto:16")
    assert isinstance(runner.controller, AdaptiveConcurrency) and runner.concurrency == 16
    stream = RequestStream(runner)
    stream.add("A", group("a", 200))
    assert all(stream.answer(f"a{i}").ok for i in range(200))
    stream.close()
    assert runner.controller.history[0] == 4 and max(runner.controller.history) > 4  # it grew from slow start


def test_a_tasks_first_item_waits_until_its_requests_are_sent_and_for_the_last_task_answered() -> None:
    model = GatedModel(held=["a0", "b0"])
    stream = RequestStream(ResponseRunner(model, MemoryStore(), concurrency=2))
    stream.add("A", group("a", 1))
    stream.add("B", group("b", 5))
    assert model.arrived.wait(10)
    stream.wait_sent("A")  # a0 is out but not answered: B's requests still wait behind it
    counts = stream.group("A")
    assert counts is not None and counts.unsent == 0 and counts.in_flight == 1
    threading.Timer(0.2, model.release.set).start()
    stream.wait_sent("B")  # the last task: its answers are awaited too
    last = stream.group("B")
    assert last is not None and last.in_flight == 0 and last.sent == 5
    stream.close()


def test_a_request_shared_with_a_task_whose_call_is_in_flight_is_waited_for_not_forever() -> None:
    """Two tasks can ask the very same question (same prompt and image: one store key). When the
    second task is queued while the first task's call for that key is out, the second task counts
    it as in flight, and its wait ends when the answer lands. (It used to count the answer
    without the call: in flight -1, and the task's first item waited for ever.)"""
    model = GatedModel(held=["shared"])
    stream = RequestStream(ResponseRunner(model, MemoryStore(), concurrency=4))
    stream.add("A", {"shared": Request(text="shared"), **group("a", 2)})
    assert model.arrived.wait(10)  # A's call for the shared key is in flight
    counts = stream.add("B", {"shared": Request(text="shared"), **group("b", 2)})
    assert counts.in_flight == 1 and counts.unsent == 2
    done = threading.Event()

    def wait_for_b() -> None:
        stream.wait_sent("B")
        done.set()

    waiter = threading.Thread(target=wait_for_b, daemon=True)
    waiter.start()
    model.release.set()
    assert done.wait(10), f"B's wait never ended: {stream.group('B')}"
    b = stream.group("B")
    assert b is not None and (b.in_flight, b.unsent, b.sent + b.cached + b.errors) == (0, 0, 3)
    assert stream.answer("shared").text == "echo:shared"
    assert model.asked.count("shared") == 1
    stream.close()
