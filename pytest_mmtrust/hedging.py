"""Hedged requests: a second copy of a straggler, sent on a slot the end of a run leaves idle.

Hosted APIs answer most calls in about the same time and a few much later, and for most of
those few the slowness belongs to the attempt (a busy replica, a queue), not to the prompt: the
same request sent again is usually answered at the usual speed. The run-wide stream
(:mod:`pytest_mmtrust.stream`) keeps every slot busy while requests are left to send, so a slow
call costs only its own item — until the queue runs dry. Then the run waits for its last
stragglers, and a straggler that started late holds the whole run up to thirty times the usual
latency. "The Tail at Scale" (Dean and Barroso, CACM 2013) gives the remedy used here: once a
call has been outstanding much longer than calls usually take, send a duplicate, take whichever
answer comes first, and cancel the other (the lean client shuts its connection down, and a vLLM
server stops generating for a closed connection).

What keeps it cheap and honest:

* **Only idle slots.** A copy is sent only when nothing else is queued and fewer calls are in
  flight than the concurrency allows: it never delays a first request.
* **Only stragglers.** A call is hedged once it has been outstanding :attr:`HedgeSettings.after`
  times the recent :attr:`~HedgeSettings.quantile` latency (2 x the 90th percentile of the last
  256 answers; none before 16 answers have been seen), once per request.
* **A strict budget.** At most :attr:`HedgeSettings.budget` of the requests sent (2% by
  default, at least one) get a copy. The copy is tried once, never retried.
* **Greedy requests only.** With sampling (temperature above 0) the copy that answers first is
  more often the shorter answer — a refusal, say — which would bias the metric; such requests
  are never hedged. At temperature 0 both copies ask for the same answer.
* **Counted.** The report's header says how many copies were sent and how many answered first.

Whether a run hedges is ``--mmtrust-hedge`` (:func:`parse_hedge`), **off by default**: a copy
is a request the server sees and, on a priced API, tokens paid for; a run that sends exactly
one request per case is what users and their server logs expect unless they ask otherwise.
``on`` (or a budget such as ``0.05``) hedges any API model; ``auto`` hedges only calls to a
server of your own — an API base whose model litellm's price table does not price, where a copy
costs an idle GPU slot and nothing else — so one ``pyproject.toml`` setting serves both a local
vLLM and a paid API. A call that failed an attempt (a server in trouble) is never copied, nor is
one while the server's Retry-After holds calls back.

Plain Python with an injectable clock; ``tests/test_hedging.py`` drives it without sleeping.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Mapping

__all__ = ["DEFAULT_BUDGET", "HedgeSettings", "Hedger", "hedge_settings_for", "parse_hedge"]

#: The share of requests that may get a second copy when hedging is on and no budget is given.
DEFAULT_BUDGET = 0.02


@dataclass(frozen=True)
class HedgeSettings:
    """When a call is a straggler worth a second copy, and how many copies a run may send."""

    budget: float = DEFAULT_BUDGET
    after: float = 2.0
    quantile: float = 0.9
    min_samples: int = 16
    window: int = 256


def parse_hedge(value: Any) -> str:
    """``auto``, ``on``, ``off`` or a budget in (0, 1] (``"0.05"`` → ``"0.05"``); ValueError otherwise."""
    text = str(value).strip().lower()
    if text in ("auto", "on", "off"):
        return text
    if text in ("true", "yes", "1"):
        return "on"
    if text in ("false", "no", "0"):
        return "off"
    try:
        budget = float(text)
    except ValueError:
        raise ValueError("must be auto, on, off or a budget between 0 and 1 (e.g. 0.05)") from None
    if not 0 < budget <= 1:
        raise ValueError("a budget must be above 0 and at most 1 (the share of requests that may get a copy)")
    return repr(budget)


def hedge_settings_for(setting: str, model: Any) -> HedgeSettings | None:
    """The settings a run hedges with (None: it does not) for ``--mmtrust-hedge`` and its model.

    A model can be hedged when it takes one request per call and can be asked many at once.
    ``auto`` asks the model whether a duplicate is free (``hedging_is_free``: an API model at a
    base of your own whose price is unknown).
    """
    if setting == "off" or int(getattr(model, "batch_size", 1) or 1) != 1:
        return None
    if int(getattr(model, "max_concurrency", 1) or 1) < 2:
        return None
    if setting == "auto":
        free = getattr(model, "hedging_is_free", None)
        return HedgeSettings() if callable(free) and free() else None
    return HedgeSettings() if setting == "on" else HedgeSettings(budget=float(setting))


class Hedger:
    """Decides which call in flight gets a second copy, and counts the copies.

    The stream tells it every answered call's latency (:meth:`record`) and asks, when a slot is
    idle and nothing is queued, which call to copy (:meth:`pick`). Not thread-safe: the stream
    calls it under its own lock.
    """

    def __init__(self, settings: HedgeSettings, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.clock = clock
        self._latencies: deque[float] = deque(maxlen=settings.window)
        self.sent = 0  # copies sent
        self.won = 0  # copies whose answer came first

    def record(self, latency_s: float) -> None:
        """One answered call's latency (seconds)."""
        if latency_s >= 0 and math.isfinite(latency_s):
            self._latencies.append(latency_s)

    def threshold(self) -> float | None:
        """How long a call may be outstanding before it is a straggler; None until enough answers were seen."""
        if len(self._latencies) < self.settings.min_samples:
            return None
        ordered = sorted(self._latencies)
        index = min(len(ordered) - 1, max(0, math.ceil(self.settings.quantile * len(ordered)) - 1))
        return self.settings.after * ordered[index]

    def allowed(self, requests: int) -> int:
        """How many copies a run of ``requests`` first calls may send in all."""
        return max(1, math.floor(self.settings.budget * requests))

    def pick(self, started: Mapping[str, float], requests: int) -> tuple[str | None, float | None]:
        """(the call to copy now, or None; seconds until the next call becomes a straggler, or None).

        ``started`` maps each call that may be copied (in flight, not copied yet) to when it
        started; ``requests`` is how many first calls were sent so far. The oldest straggler
        goes first.
        """
        if not started or self.sent >= self.allowed(requests):
            return None, None
        threshold = self.threshold()
        if threshold is None:
            return None, None
        now = self.clock()
        key, since = min(started.items(), key=lambda item: item[1])
        due = since + threshold - now
        if due <= 0:
            return key, None
        return None, due

    def copied(self) -> None:
        self.sent += 1

    def copy_won(self) -> None:
        self.won += 1


def hedge_note(counts: Mapping[str, int]) -> str | None:
    """The report's line on hedging (None when no copy was sent): ``counts`` has ``sent``,
    ``won`` and ``requests`` (summed over xdist workers)."""
    sent, won, requests = int(counts.get("sent", 0)), int(counts.get("won", 0)), int(counts.get("requests", 0))
    if not sent:
        return None
    share = f" ({100.0 * sent / requests:.1f}% of {requests:,} requests)" if requests else ""
    copies = "copy" if sent == 1 else "copies"
    return (f"hedged requests: {sent:,} second {copies} of straggling calls sent on idle slots{share}, "
            f"{won:,} answered first (--mmtrust-hedge)")
