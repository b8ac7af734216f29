"""Keeping a long-lived heap out of Python's garbage collector while answers arrive.

A benchmark session holds hundreds of thousands of objects that live until its end (items,
cases, fixtures, reports), and an API client allocates many short-lived ones per call. The
cyclic collector runs after every few hundred allocations, and a pass over the oldest
generation walks every tracked object while holding the interpreter lock — so every thread
waiting on a reply waits for it too. In the latency benchmark (2,000 requests, 16 in flight)
that was about 4% of the ideal time.

:func:`gc.freeze` moves every object alive now to a permanent generation the collector skips;
:func:`gc.unfreeze` moves them back to the oldest generation, to be collected as usual.
Reference counting still frees everything that is not in a cycle at once (images, answers),
so memory stays flat, and a cycle that became garbage meanwhile is freed after the exit.
Response phases can overlap (a judge's runner inside an evaluation, two runners in threads),
so :func:`frozen` counts its users and only the last one out unfreezes.

At the interpreter's exit the same holds once more. After pytest's own last collection (the
one that reports unraisable exceptions), CPython's finalization walks every object the session
still holds — items, reports, records, datasets — through one more full collection: about 1 s
of a 7 s cached rerun of every built-in task, and 0.6 s of plain pytest running as many trivial
tests. :func:`freeze_at_exit` skips that pass. By then the plugin has closed the store, written
its reports and closed the model, so nothing of its own waits on a collector. What is skipped
is finalizers of objects still in reference cycles when the interpreter stops, which Python
does not promise to run (the data model's ``__del__`` note); objects outside cycles are still
freed as their modules are cleared, and ``atexit`` handlers registered after it (anything
imported during the session) run before it, with the collector as usual.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import threading
from typing import Iterator

__all__ = ["freeze_at_exit", "frozen"]

_depth = 0
_lock = threading.Lock()
_exit_freeze_registered = False


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Everything alive on entry (and on any overlapping entry) is left alone by the collector."""
    global _depth
    with _lock:
        _depth += 1
        gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


def freeze_at_exit() -> None:
    """Leave everything alive at the interpreter's exit to the operating system, not the collector.

    Registers (once per process) an ``atexit`` handler that freezes the heap. The plugin calls
    it only at the end of a session that had benchmark tasks, so installing pytest-mmtrust
    changes nothing for a project's other test runs.
    """
    global _exit_freeze_registered
    with _lock:
        if _exit_freeze_registered:
            return
        _exit_freeze_registered = True
    atexit.register(gc.freeze)
