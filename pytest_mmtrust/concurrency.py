"""How many model calls to keep in flight: a fixed number, or found as the run goes (``auto``).

``--mmtrust-concurrency 16`` keeps 16 calls in flight. ``--mmtrust-concurrency auto`` (at most
:data:`AUTO_MAXIMUM`, 64) or ``auto:N`` (at most N) lets :class:`AdaptiveConcurrency` find the
number: what Inspect's adaptive connections, promptfoo's AIMD and lmms-eval do, in the classic
additive-increase / multiplicative-decrease shape of TCP congestion control.

The controller works in rounds; a round ends when as many calls have finished as the limit
allowed in flight (at least four). At the end of a round:

* **slow start** (the first rounds): the limit doubles while the round's throughput grew by a
  quarter or more over the previous round's — a server with room to spare nearly doubles its
  throughput when twice as many calls are in flight;
* then **additive increase**: the limit grows by one per round while the round's median
  latency stays within ``tolerance`` (1.5x) of the lowest median seen — by Little's law, more
  calls at the same latency is more throughput;
* **multiplicative decrease**: a median latency beyond the tolerance (the server queues calls)
  multiplies the limit by 0.8; a rate limit (429) or a time-out halves it at once (once per
  round) and ends slow start.

The lowest median creeps up by 2% a round, so a server that became slower for good is taken as
it is after a while instead of holding the limit down forever. The median, not the mean, so
that a few very slow answers (a long generation) do not read as queueing. Everything is plain
Python with an injectable clock; ``tests/test_concurrency.py`` drives it with a simulated
server and no sleeps.
"""

from __future__ import annotations

import statistics
import threading
import time
from typing import Any, Callable, Protocol

__all__ = [
    "AUTO_MAXIMUM", "AdaptiveConcurrency", "ConcurrencyController", "FixedConcurrency",
    "controller_for", "parse_concurrency",
]

#: The most calls ``auto`` keeps in flight when no maximum is given.
AUTO_MAXIMUM = 64
INITIAL_LIMIT = 4
MIN_ROUND = 4


class ConcurrencyController(Protocol):
    """What the request stream asks (``limit``) and tells (``record``)."""

    limit: int
    maximum: int

    def record(self, latency_s: float | None, overloaded: bool = False) -> None: ...


def parse_concurrency(value: Any) -> int | str:
    """``8`` → 8; ``"auto"`` → ``"auto:64"``; ``"auto:32"`` → ``"auto:32"``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("must be a number of calls, auto or auto:MAX")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().lower()
        if text == "auto":
            return f"auto:{AUTO_MAXIMUM}"
        if text.startswith("auto:"):
            try:
                maximum = int(text[5:])
            except ValueError:
                raise ValueError("auto:MAX needs a whole number, e.g. auto:64") from None
            if maximum < 1:
                raise ValueError("auto:MAX must be at least 1")
            return f"auto:{maximum}"
        try:
            number = int(text)
        except ValueError:
            raise ValueError("must be a number of calls, auto or auto:MAX (e.g. 16, auto, auto:64)") from None
    if number < 1:
        raise ValueError("must be at least 1")
    return number


def controller_for(setting: int | str, model_maximum: int | None = None) -> ConcurrencyController:
    """The controller a ``--mmtrust-concurrency`` value asks for, within what the model allows."""
    parsed = parse_concurrency(setting)
    cap = max(1, int(model_maximum)) if model_maximum else None
    if isinstance(parsed, int):
        return FixedConcurrency(min(parsed, cap) if cap else parsed)
    maximum = int(parsed.split(":", 1)[1])
    maximum = min(maximum, cap) if cap else maximum
    return FixedConcurrency(1) if maximum == 1 else AdaptiveConcurrency(maximum)


class FixedConcurrency:
    """Always ``limit`` calls in flight."""

    def __init__(self, limit: int):
        self.limit = max(1, int(limit))
        self.maximum = self.limit

    def record(self, latency_s: float | None, overloaded: bool = False) -> None:
        return None

    def __repr__(self) -> str:
        return f"FixedConcurrency({self.limit})"


class AdaptiveConcurrency:
    """AIMD with slow start on latency and throughput (see the module docstring); thread-safe."""

    def __init__(
        self,
        maximum: int = AUTO_MAXIMUM,
        *,
        minimum: int = 1,
        initial: int = INITIAL_LIMIT,
        tolerance: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.maximum = max(1, int(maximum))
        self.minimum = max(1, min(int(minimum), self.maximum))
        self.tolerance = tolerance
        self.clock = clock
        self._limit = float(max(self.minimum, min(int(initial), self.maximum)))
        self.slow_start = True
        self.base_latency: float | None = None
        self.history: list[int] = [self.limit]  # the limit after each change, for tests and reports
        self._previous_throughput: float | None = None
        self._lock = threading.Lock()
        self._new_round()

    @property
    def limit(self) -> int:
        return int(self._limit)

    def _new_round(self) -> None:
        self._round_start = self.clock()
        self._round_latencies: list[float] = []
        self._round_done = 0
        self._round_backed_off = False

    def _set(self, value: float) -> None:
        self._limit = float(max(self.minimum, min(self.maximum, value)))
        if self.limit != self.history[-1]:
            self.history.append(self.limit)

    def record(self, latency_s: float | None, overloaded: bool = False) -> None:
        """One call finished: its latency (None when it failed without one), and whether it was
        refused for load (429) or timed out."""
        with self._lock:
            if overloaded:
                if not self._round_backed_off:
                    self.slow_start = False
                    self._set(self._limit / 2)
                    self._previous_throughput = None
                    self._new_round()
                    self._round_backed_off = True
                return
            self._round_done += 1
            if latency_s is not None:
                self._round_latencies.append(latency_s)
            if self._round_done >= max(MIN_ROUND, self.limit):
                self._end_round()

    def _end_round(self) -> None:
        elapsed = max(self.clock() - self._round_start, 1e-9)
        throughput = self._round_done / elapsed
        latency = statistics.median(self._round_latencies) if self._round_latencies else None
        if latency is not None:
            base = self.base_latency
            self.base_latency = latency if base is None else min(latency, base * 1.02)
        queueing = latency is not None and self.base_latency is not None and latency > self.tolerance * self.base_latency
        if queueing:
            self.slow_start = False
            self._set(self._limit * 0.8)
        elif self.slow_start:
            grew = self._previous_throughput is None or throughput >= 1.25 * self._previous_throughput
            if grew:
                self._set(self._limit * 2)
            else:
                self.slow_start = False
        else:
            self._set(self._limit + 1)
        self._previous_throughput = throughput
        self._new_round()

    def __repr__(self) -> str:
        return f"AdaptiveConcurrency(limit={self.limit}, maximum={self.maximum})"
