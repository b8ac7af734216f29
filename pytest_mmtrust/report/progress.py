"""Progress of the response phase: answers done of total, from the store, sent, failed, rate.

Two modes, chosen once from where the output goes:

* **live** — the stream is a terminal and ``CI`` is not set: one line redrawn in place with a
  carriage return, at most every ``min_interval_s`` (10 redraws a second by default), ending
  with a newline when the task is done;
* **plain** — CI logs, files, pipes, xdist workers: a line when a task starts, a line when it
  ends (counts, rate, time), and in between at most one line per quarter of the way and only
  when ``plain_interval_s`` have passed since the last line — so a long task still shows it is
  alive, and a short one writes two lines.

The runner's threads call :meth:`Progress.advance` concurrently; a lock keeps counts and lines
whole. A live line is cut to the terminal's width (a wrapped line cannot be redrawn with a
carriage return). With ``newline_first`` each task's output starts on a fresh line, for streams
that other writers share mid-line (pytest's progress dots, other xdist workers). Output under pytest's capture needs a way around it: pass ``guard``, a context-manager
factory the plugin takes from the capture manager (``capman.global_and_fixture_disabled``), and
every write happens inside it. Time comes from ``clock`` so tests need not sleep.

Every text on the line that is not our own (the label, a task id, anything a status shows) goes
through :func:`pytest_mmtrust.safe_text.for_terminal`: a control sequence is shown, not obeyed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from dataclasses import dataclass
from typing import Callable, ContextManager, Mapping, TextIO

from ..safe_text import for_terminal


def ci_environment(environ: Mapping[str, str]) -> bool:
    """True when the ``CI`` variable says we run in CI (any value but empty, 0, false, no)."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def is_live(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Redraw in place only on a real terminal, outside CI, on a terminal that can."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty and not ci_environment(environ) and environ.get("TERM", "") != "dumb"


@dataclass
class _TaskCounts:
    task_id: str
    total: int
    started: float
    cached: int = 0
    sent: int = 0
    errors: int = 0
    quarter: int = 0
    last_line: float = 0.0

    @property
    def done(self) -> int:
        return self.cached + self.sent + self.errors


class Progress:
    """Reports one task's response phase at a time; see the module docstring."""

    def __init__(
        self,
        stream: TextIO,
        *,
        live: bool | None = None,
        label: str = "mmtrust",
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        min_interval_s: float = 0.1,
        plain_interval_s: float = 30.0,
        guard: Callable[[], ContextManager[object]] | None = None,
        newline_first: bool = False,
        width: int | None = None,
    ):
        self.stream = stream
        self.live = is_live(stream, os.environ if environ is None else environ) if live is None else live
        self.label = for_terminal(label)
        self.clock = clock
        self.min_interval_s = min_interval_s
        self.plain_interval_s = plain_interval_s
        self.guard = guard or contextlib.nullcontext
        self.newline_first = newline_first
        self.width = width if width is not None else shutil.get_terminal_size(fallback=(100, 24)).columns
        self._lock = threading.Lock()
        self._task: _TaskCounts | None = None
        self._last_draw = -float("inf")
        self._drawn_width = 0

    def start(self, task_id: str, total: int) -> None:
        """A task's response phase begins with ``total`` distinct requests."""
        with self._lock:
            if self._task is not None:
                self._finish_locked()
            now = self.clock()
            task_id = for_terminal(task_id)
            self._task = _TaskCounts(task_id, max(0, int(total)), now, last_line=now)
            lead = "\n" if self.newline_first else ""
            if self.live:
                self._draw(force=True, lead=lead)
            else:
                self._write(f"{lead}{self.label} {task_id}: {total:,} requests to answer\n")

    def advance(self, cached: int = 0, sent: int = 0, errors: int = 0) -> None:
        """Count answers: read from the store (``cached``), answered by the model (``sent``), or
        failed for good (``errors``)."""
        with self._lock:
            task = self._task
            if task is None:
                return
            task.cached += cached
            task.sent += sent
            task.errors += errors
            if self.live:
                self._draw(force=False)
            else:
                self._maybe_plain_line(task)

    def finish(self) -> None:
        """The task's response phase is over: write its final line."""
        with self._lock:
            self._finish_locked()

    def note(self, text: str) -> None:
        """One line of news while answers are awaited (what a server asked for), on its own line."""
        with self._lock:
            task = self._task
            prefix = f"{self.label} {task.task_id}: " if task is not None else f"{self.label}: "
            if self.live and task is not None:
                line = self._fit(prefix + text)
                padding = " " * max(0, self._drawn_width - len(line))
                self._write("\r" + line + padding + "\n")
                self._drawn_width = 0
                self._draw(force=True)
            else:
                self._write(("\n" if self.newline_first and task is None else "") + prefix + text + "\n")

    # ------------------------------------------------------------ lines

    def status(self) -> str:
        """The current task's status text (no label, no line ending)."""
        task = self._task
        return "" if task is None else self._status(task, final=False)

    def _status(self, task: _TaskCounts, final: bool) -> str:
        done = min(task.done, task.total) if task.total else task.done
        parts = [f"{done:,}/{task.total:,}"]
        if task.total and not final:
            parts[0] += f" ({100 * done // task.total}%)"
        parts.append(f"{task.cached:,} cached")
        parts.append(f"{task.sent:,} sent")
        parts.append(f"{task.errors:,} error{'s' if task.errors != 1 else ''}")
        elapsed = max(self.clock() - task.started, 0.0)
        asked = task.sent + task.errors
        if asked and elapsed > 0:
            rate = asked / elapsed
            parts.append(f"{rate:.1f} answers/s")
            remaining = task.total - task.done
            if not final and remaining > 0:
                parts.append(f"ETA {_duration(remaining / rate)}")
        if final and task.total and task.done < task.total:
            parts.append(f"{task.total - task.done:,} in flight")
        if final:
            parts.append(f"in {_duration(elapsed)}")
        return for_terminal(" · ".join(parts))

    def _draw(self, force: bool, lead: str = "") -> None:
        now = self.clock()
        if not force and now - self._last_draw < self.min_interval_s:
            return
        self._last_draw = now
        assert self._task is not None
        line = self._fit(f"{self.label} {self._task.task_id}: {self._status(self._task, final=False)}")
        padding = " " * max(0, self._drawn_width - len(line))
        self._drawn_width = len(line)
        self._write(lead + "\r" + line + padding)

    def _fit(self, line: str) -> str:
        limit = max(20, self.width - 1)
        return line if len(line) <= limit else line[: limit - 1] + "…"

    def _maybe_plain_line(self, task: _TaskCounts) -> None:
        if not task.total:
            return
        quarter = min(3, 4 * task.done // task.total)
        now = self.clock()
        if quarter > task.quarter and now - task.last_line >= self.plain_interval_s:
            task.quarter = quarter
            task.last_line = now
            self._write(f"{self.label} {task.task_id}: {self._status(task, final=False)}\n")

    def _finish_locked(self) -> None:
        task = self._task
        if task is None:
            return
        self._task = None
        line = f"{self.label} {task.task_id}: {self._status(task, final=True)}"
        if self.live:
            line = self._fit(line)
            padding = " " * max(0, self._drawn_width - len(line))
            self._drawn_width = 0
            self._last_draw = -float("inf")
            self._write("\r" + line + padding + "\n")
        else:
            self._write(line + "\n")

    def _write(self, text: str) -> None:
        with self.guard():
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):
                pass  # a closed or broken stream must never break the run


class NullProgress:
    """The same calls, no output: the default when nobody watches."""

    def start(self, task_id: str, total: int) -> None:
        return None

    def advance(self, cached: int = 0, sent: int = 0, errors: int = 0) -> None:
        return None

    def finish(self) -> None:
        return None

    def note(self, text: str) -> None:
        return None


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
