"""Several API bases: the least loaded server gets the next request; a dead one is avoided."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

from pytest_mmtrust.models.api import APIModel
from pytest_mmtrust.models.balance import FIRST_COOLDOWN_S, MAX_COOLDOWN_S, ServerPool
from pytest_mmtrust.runner import ResponseRunner, RetryPolicy
from pytest_mmtrust.store import MemoryStore
from pytest_mmtrust.testing import ScriptedOpenAIServer
from pytest_mmtrust.values import Request


def test_the_server_with_fewest_requests_in_flight_is_chosen() -> None:
    pool = ServerPool(["a", "b", "c"])
    taken = [pool.acquire() for _ in range(3)]
    assert sorted(taken) == ["a", "b", "c"]  # one each
    pool.release("b")
    assert pool.acquire() == "b"  # the only one with nothing in flight
    pool.release("a")
    pool.release("c")
    assert pool.outstanding == {"a": 0, "b": 1, "c": 0}
    assert pool.acquire() in ("a", "c")


def test_an_unreachable_server_cools_down_doubling_and_comes_back() -> None:
    now = [0.0]
    pool = ServerPool(["a", "b"], clock=lambda: now[0])
    for expected in (FIRST_COOLDOWN_S, 2 * FIRST_COOLDOWN_S, 4 * FIRST_COOLDOWN_S):
        base = "a"
        pool.outstanding["a"] = 1
        pool.release(base, unreachable=True)
        assert all(pool.acquire() == "b" for _ in range(5))  # "a" is left alone …
        now[0] += expected + 0.01
        assert pool.acquire() == "a"  # … until its cool-down is over
    for _ in range(20):
        pool.release("a", unreachable=True)
    assert pool._cooldown["a"] == MAX_COOLDOWN_S


def test_when_every_server_is_down_the_first_to_recover_is_used() -> None:
    now = [0.0]
    pool = ServerPool(["a", "b"], clock=lambda: now[0])
    pool.outstanding = {"a": 1, "b": 1}
    pool.release("a", unreachable=True)
    pool.release("a", unreachable=True)
    pool.release("b", unreachable=True)
    assert pool.acquire() == "b"


def test_a_slow_server_gets_a_small_share() -> None:
    fast = ScriptedOpenAIServer(lambda call: "ok", keep_alive=True)
    slow = ScriptedOpenAIServer(lambda call: "ok", delay_s=0.3, keep_alive=True)
    with fast, slow:
        model = APIModel("openai/scripted", api_base=f"{slow.base_url},{fast.base_url}")
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(lambda number: model.generate([Request(f"q{number}")])[0], range(60)))
        assert all(answer.ok for answer in answers)
        assert slow.call_count < fast.call_count / 2, (slow.call_count, fast.call_count)  # round-robin: 30/30


def test_a_dead_server_is_noticed_and_avoided() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    with ScriptedOpenAIServer(lambda call: "ok", keep_alive=True) as alive:
        model = APIModel("openai/scripted", api_base=f"{dead},{alive.base_url}", timeout=2.0)
        runner = ResponseRunner(model, MemoryStore(), concurrency=1, sleep=lambda seconds: None,
                                policy=RetryPolicy(retries=2))
        answers = runner.fetch({f"k{i}": Request(f"q{i}") for i in range(30)})
        assert all(answer.ok for answer in answers.values())
        assert alive.call_count == 30
        assert runner.stats.retried <= 2  # the dead one cost a retry or so, not one per request
