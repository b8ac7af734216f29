"""Several servers of one model: each request goes to the one with the fewest in flight.

Round-robin gives a slow or dead host its full share of the work: every Nth request waits on
it. Counting the requests each server has outstanding and picking the least loaded sends new
work to whoever is keeping up, so a host twice as fast answers about twice as many requests.
A server that cannot be reached (connection refused, timed out) is left alone for a cool-down —
one second, doubling on each new failure up to :data:`MAX_COOLDOWN_S` — and tried again after
it; an answer from it ends its cool-down. When every server is cooling down, the one that
recovers first is used rather than none.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Callable, Sequence

__all__ = ["ServerPool"]

FIRST_COOLDOWN_S = 1.0
MAX_COOLDOWN_S = 30.0


class ServerPool:
    """Least-outstanding-requests choice among ``bases``; thread-safe."""

    def __init__(self, bases: Sequence[str], clock: Callable[[], float] = time.monotonic):
        self.bases = list(bases)
        self.clock = clock
        self.outstanding = {base: 0 for base in self.bases}
        self._down_until = {base: 0.0 for base in self.bases}
        self._cooldown = {base: 0.0 for base in self.bases}
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def acquire(self) -> str:
        """The base for the next request (counted as outstanding until :meth:`release`)."""
        with self._lock:
            now = self.clock()
            healthy = [base for base in self.bases if self._down_until[base] <= now]
            if healthy:
                start = next(self._turn) % len(self.bases)  # ties go round, not always to the first
                order = self.bases[start:] + self.bases[:start]
                base = min((b for b in order if b in healthy), key=lambda b: self.outstanding[b])
            else:
                base = min(self.bases, key=lambda b: self._down_until[b])
            self.outstanding[base] += 1
            return base

    def release(self, base: str, unreachable: bool = False) -> None:
        """The request to ``base`` is over; ``unreachable``: no connection or no answer in time."""
        with self._lock:
            self.outstanding[base] = max(0, self.outstanding[base] - 1)
            if unreachable:
                cooldown = min(MAX_COOLDOWN_S, max(FIRST_COOLDOWN_S, 2 * self._cooldown[base]))
                self._cooldown[base] = cooldown
                self._down_until[base] = self.clock() + cooldown
            else:
                self._cooldown[base] = 0.0
                self._down_until[base] = 0.0
