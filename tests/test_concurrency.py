"""Adaptive concurrency: the controller against simulated servers, on a fake clock (no sleeps)."""

from __future__ import annotations

import heapq

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_mmtrust.concurrency import (
    AUTO_MAXIMUM,
    AdaptiveConcurrency,
    FixedConcurrency,
    controller_for,
    parse_concurrency,
)


class SimulatedServer:
    """A server that works on ``slots`` calls at a time, ``work_s`` each; more calls queue.

    ``rate_limit_above``: calls arriving while more than that many are in flight get a 429.
    The simulation keeps ``controller.limit`` calls in flight and feeds every outcome back.
    """

    def __init__(self, slots: int, work_s: float = 0.1, rate_limit_above: int | None = None):
        self.slots = slots
        self.work_s = work_s
        self.rate_limit_above = rate_limit_above
        self.now = 0.0

    def run(self, controller: AdaptiveConcurrency, calls: int) -> list[int]:
        """Send ``calls`` calls; the limit seen at each start."""
        finishing: list[tuple[float, float, bool]] = []  # (end time, start time, overloaded)
        free_at = [0.0] * self.slots  # when each server slot is free next
        limits: list[int] = []
        sent = 0
        while sent < calls or finishing:
            while sent < calls and len(finishing) < controller.limit:
                limits.append(controller.limit)
                if self.rate_limit_above is not None and len(finishing) >= self.rate_limit_above:
                    heapq.heappush(finishing, (self.now + 0.001, self.now, True))
                else:
                    slot = min(range(self.slots), key=lambda s: free_at[s])
                    begin = max(self.now, free_at[slot])
                    free_at[slot] = begin + self.work_s
                    heapq.heappush(finishing, (free_at[slot], self.now, False))
                sent += 1
            end, start, overloaded = heapq.heappop(finishing)
            self.now = end
            controller.record(None if overloaded else end - start, overloaded=overloaded)
        return limits


def controller(maximum: int = 64, server: SimulatedServer | None = None) -> AdaptiveConcurrency:
    return AdaptiveConcurrency(maximum, clock=lambda: server.now if server else 0.0)


def test_a_server_with_room_to_spare_gets_the_maximum() -> None:
    server = SimulatedServer(slots=1000)
    adaptive = controller(64, server)
    server.run(adaptive, 3000)
    assert adaptive.limit == 64
    assert adaptive.history[:5] == [4, 8, 16, 32, 64]  # slow start doubles


def test_a_server_with_sixteen_slots_settles_near_sixteen() -> None:
    server = SimulatedServer(slots=16)
    adaptive = controller(64, server)
    limits = server.run(adaptive, 6000)
    late = limits[-2000:]
    assert 10 <= min(late) and max(late) <= 32, (min(late), max(late))
    assert 12 <= sum(late) / len(late) <= 26


def test_rate_limits_halve_the_limit() -> None:
    server = SimulatedServer(slots=1000, rate_limit_above=12)
    adaptive = controller(64, server)
    limits = server.run(adaptive, 4000)
    assert max(limits[-1000:]) <= 24  # pushed back below twice the provider's limit
    assert any(later < earlier / 1.5 for earlier, later in zip(adaptive.history, adaptive.history[1:]))


def test_one_rate_limit_halves_once_per_round() -> None:
    adaptive = AdaptiveConcurrency(64, initial=32)
    for _ in range(5):
        adaptive.record(None, overloaded=True)
    assert adaptive.limit == 16 and not adaptive.slow_start


def test_a_few_very_slow_answers_do_not_read_as_queueing() -> None:
    now = [0.0]
    adaptive = AdaptiveConcurrency(64, initial=32, clock=lambda: now[0])
    adaptive.slow_start = False
    for round_number in range(10):
        for number in range(adaptive.limit):
            now[0] += 0.1 / adaptive.limit
            adaptive.record(3.0 if number % 50 == 49 else 0.1)  # 2% thirty times slower
    assert adaptive.limit >= 32


@given(st.lists(st.tuples(st.floats(0.0, 10.0), st.booleans()), max_size=300), st.integers(1, 128))
@settings(max_examples=60, deadline=None)
def test_the_limit_stays_between_one_and_the_maximum(outcomes: list[tuple[float, bool]], maximum: int) -> None:
    now = [0.0]
    adaptive = AdaptiveConcurrency(maximum, clock=lambda: now[0])
    for latency, overloaded in outcomes:
        now[0] += latency / 10
        adaptive.record(latency, overloaded=overloaded)
        assert 1 <= adaptive.limit <= maximum


@pytest.mark.parametrize(
    "value, parsed",
    [(8, 8), ("16", 16), ("auto", f"auto:{AUTO_MAXIMUM}"), ("AUTO:32", "auto:32"), (" auto:1 ", "auto:1")],
)
def test_parse_concurrency(value: object, parsed: object) -> None:
    assert parse_concurrency(value) == parsed


@pytest.mark.parametrize("value", [0, "-3", "many", "auto:", "auto:x", "auto:0", True])
def test_parse_concurrency_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        parse_concurrency(value)


def test_controller_for_respects_the_models_own_maximum() -> None:
    assert isinstance(controller_for(16), FixedConcurrency) and controller_for(16).limit == 16
    assert controller_for(16, model_maximum=1).limit == 1  # a local model: one call at a time
    adaptive = controller_for("auto:32", model_maximum=1024)
    assert isinstance(adaptive, AdaptiveConcurrency) and adaptive.maximum == 32
    assert controller_for("auto", model_maximum=1).limit == 1


def test_the_option_takes_auto(tmp_path) -> None:
    from pytest_mmtrust.config import Settings
    from pytest_mmtrust.errors import ConfigError

    assert Settings.resolve(tmp_path, {"concurrency": "auto:48"}).concurrency == "auto:48"
    assert Settings.resolve(tmp_path, {"max-retry-wait": "30"}).max_retry_wait == 30.0
    with pytest.raises(ConfigError, match="--mmtrust-concurrency"):
        Settings.resolve(tmp_path, {"concurrency": "lots"})
