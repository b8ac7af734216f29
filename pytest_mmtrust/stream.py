"""One request stream for the whole run: the next tasks' requests go out while this one's finish.

Fetching task by task puts a barrier at every task's end: its slowest request holds back every
request of the next task. With a 2% tail of answers thirty times slower than the rest (what
hosted APIs do), seven tasks took six times the ideal N·latency/C that way. Here the session
hands the stream every request of every task this process will run, in the order the items will
run (:meth:`RequestStream.add`, one group per task), and ``limit`` worker threads keep that many
calls in flight across tasks, in that order. An item waits only for its own answer
(:meth:`answer`); a slow request delays nobody else's.

The stream runs beside the items, so a task's first item does not wait for the task's
stragglers: :meth:`wait_sent` returns once every request of the task has been *sent* (showing
progress while it waits; for the last task, once every answer is in, since nothing else is left
to send), and each item then waits for its own answer. The limit comes from the
runner's concurrency controller (a fixed number, or adaptive for ``--mmtrust-concurrency auto``)
and is read before each call.

Several processes (pytest-xdist workers) share one store. The stream claims keys a chunk at a
time as it reaches them, then reads the store again for the claimed ones before sending (another
process may have answered between the two). Keys another process holds are not sent here; an
item that needs one polls the store for it and takes it over when its claim goes without an
answer — the protocol of :meth:`~pytest_mmtrust.runner.ResponseRunner.fetch`, per key. A
runner that stops (a bad key, see :mod:`pytest_mmtrust.runner`) ends the stream: nothing queued
is sent, and those requests answer "not sent".

Answers reach the store in group commits: one thread at a time writes every answer that has
arrived since its last transaction (:meth:`_write_answers`), and an answer is handed to its
item once stored. With hedging on (``hedge``, see :mod:`pytest_mmtrust.hedging`) one idle thread
watches the calls in flight once the queue is empty; a straggler gets a second copy on an idle
slot, the first good answer of a key stands, and the other copy's call is cancelled through the
model's ``cancel_call`` (when it has one).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from .hedging import HedgeSettings, Hedger
from .heap import frozen
from .runner import ResponseRunner
from .values import Request, Response

__all__ = ["GroupCounts", "RequestStream"]

#: Keys claimed in the store per claim (one transaction), a little ahead of what is being sent:
#: few enough that another process never waits long on keys claimed here but not yet sent.
CLAIM_CHUNK = 8
#: How often a waiting thread redraws progress (seconds).
PROGRESS_EVERY_S = 0.1
#: How often the idle thread watching for stragglers looks again, at most (seconds).
HEDGE_CHECK_S = 0.05


@dataclass
class GroupCounts:
    """One group's (task's) requests: how many there are and how far they got."""

    label: str
    total: int = 0
    cached: int = 0
    sent: int = 0
    errors: int = 0
    unsent: int = 0  # queued here, or claimed but not sent yet
    in_flight: int = 0  # sent by this process, not answered yet
    keys: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.cached + self.sent + self.errors


class RequestStream:
    """Sends the requests of many groups, in order, ``runner.controller.limit`` at a time."""

    def __init__(self, runner: ResponseRunner, *, threads: int | None = None, hedge: HedgeSettings | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.runner = runner
        runner.notices_by_caller = True  # items run beside the calls: the session shows notices
        self.store = runner.store
        self.identity = runner.identity
        self._threads_wanted = max(1, threads or runner.concurrency)
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # workers wait here for a key and a free slot
        self._answered = threading.Condition(self._lock)  # items wait here for their answer
        self._queue: deque[str] = deque()
        self._requests: dict[str, Request] = {}
        self._answers: dict[str, Response] = {}
        self._state: dict[str, str] = {}  # queued | claimed | flight | foreign | done
        self._groups: dict[str, GroupCounts] = {}
        self._groups_of: dict[str, list[GroupCounts]] = {}
        self._active = 0
        self._threads: list[threading.Thread] = []
        self._closing = False
        self._freeze: contextlib.AbstractContextManager[None] | None = None  # the heap, frozen while threads run
        self._unwritten: list[tuple[str, Response]] = []  # answered, waiting for the next group commit
        self._writing = False  # a thread is writing answers to the store now
        # hedged requests (see pytest_mmtrust.hedging)
        self._hedger = Hedger(hedge, clock) if hedge is not None else None
        self._clock = clock
        self._started: dict[str, float] = {}  # calls in flight that may still get a copy -> when they started
        self._callers: dict[str, set[int]] = {}  # key -> the threads making a call for it now
        self._chosen: set[str] = set()  # keys whose answer is decided, not yet published
        self._first_calls = 0  # first calls sent (the budget's base)
        self._watching: int | None = None  # the idle thread watching for stragglers
        self._hedge_key = ""

    # ------------------------------------------------------------ planning

    def add(self, label: str, requests: Mapping[str, Request]) -> GroupCounts:
        """Queue a group's requests behind those already queued; stored answers are taken at once."""
        group = GroupCounts(label)
        keys = list(dict.fromkeys(requests))
        fresh = [key for key in keys if key not in self._state]
        found = self.store.get_many(fresh) if fresh else {}
        self.runner.stats.add(requested=len(keys), cached=len(found))
        with self._lock:
            self._groups[label] = group
            group.keys = keys
            group.total = len(keys)
            for key in keys:
                self._groups_of.setdefault(key, []).append(group)
                state = self._state.get(key)
                if state is None and key in found:
                    self._state[key] = "done"
                    self._answers[key] = found[key]
                    group.cached += 1
                elif state is None:
                    self._state[key] = "queued"
                    self._requests[key] = requests[key]
                    self._queue.append(key)
                    group.unsent += 1
                elif state == "done":
                    answer = self._answers[key]
                    group.cached += answer.ok and answer.cached
                    group.sent += answer.ok and not answer.cached
                    group.errors += not answer.ok
                elif state in ("queued", "claimed"):
                    group.unsent += 1
                elif state == "flight":  # another group's call for the same question is out: it
                    group.in_flight += 1  # counts here too, as its answer will (_publish_locked)
            if self.runner.stop_reason is not None:
                self._drain_locked()
            if self._queue:
                self._start_locked()
                self._work.notify(len(self._queue))
        return group

    def prioritise(self, label: str) -> None:
        """Send the group's queued requests next (its items are about to run)."""
        with self._lock:
            group = self._groups.get(label)
            if group is None or not group.unsent:
                return
            mine = set(group.keys)
            front = [key for key in self._queue if key in mine]
            if self._queue and front and self._queue[0] == front[0] and len(front) == group.unsent:
                return
            rest = [key for key in self._queue if key not in mine]
            self._queue = deque(front + rest)

    def group(self, label: str) -> GroupCounts | None:
        return self._groups.get(label)

    # ------------------------------------------------------------ waiting

    def wait_sent(self, label: str, on_progress: Callable[[GroupCounts], None] | None = None) -> None:
        """Block until every request of the group has been sent (or the stream stopped).

        When nothing else is queued (the group is the last), its answers in flight are awaited
        too: the items would wait for them one by one anyway, and the progress line then ends
        with the whole task.
        """
        group = self._groups.get(label)
        if group is None:
            return
        with self._lock:
            while (group.unsent > 0 or (group.in_flight > 0 and not self._queue)) and self.runner.stop_reason is None \
                    and not self._closing:
                self._answered.wait(PROGRESS_EVERY_S)
                if on_progress is not None:
                    self._lock.release()
                    try:
                        on_progress(group)
                    finally:
                        self._lock.acquire()

    def answer(self, key: str, on_wait: Callable[[], None] | None = None) -> Response:
        """The answer for ``key``, waiting for it (and taking it over from a dead claim)."""
        while True:
            with self._lock:
                while True:
                    if key in self._answers:
                        return self._answers[key]
                    state = self._state.get(key)
                    if state is None:
                        raise KeyError(key)
                    if state == "foreign":
                        break
                    if self.runner.stop_reason is not None and state in ("queued", "claimed"):
                        self._drain_locked()
                        continue
                    self._answered.wait(PROGRESS_EVERY_S)
                    if on_wait is not None and key not in self._answers:
                        self._lock.release()
                        try:
                            on_wait()
                        finally:
                            self._lock.acquire()
            self._poll_foreign(key)

    def _poll_foreign(self, key: str) -> None:
        """Look for answers other processes were asked for; take over keys nobody holds any more."""
        with self._lock:
            foreign = [other for group in self._groups_of.get(key, []) for other in group.keys
                       if self._state.get(other) == "foreign"]
            foreign = list(dict.fromkeys([key, *foreign]))
        found = self.store.get_many(foreign)
        self._publish(found)
        remaining = [other for other in foreign if other not in found]
        if key not in remaining:
            return
        held = self.store.claimed_by_others(remaining)
        free = [other for other in remaining if other not in held]
        if free:
            landed = self.store.get_many(free)  # a claim may be gone because its answer arrived
            self._publish(landed)
            orphans = [other for other in free if other not in landed]
            with self._lock:
                for other in reversed(orphans):
                    if self._state.get(other) == "foreign":
                        self._state[other] = "queued"
                        self._queue.appendleft(other)
                        for group in self._groups_of.get(other, []):
                            group.unsent += 1
                if orphans:
                    self._start_locked()
                    self._work.notify(len(orphans))
            if key in free:
                return
        self.runner.sleep(self.runner.poll_interval_s)

    def _publish(self, found: Mapping[str, Response]) -> None:
        if not found:
            return
        with self._lock:
            for key, response in found.items():
                if self._state.get(key) == "done":
                    continue
                self._state[key] = "done"
                self._answers[key] = response
                self._requests.pop(key, None)
                for group in self._groups_of.get(key, []):
                    group.cached += 1
            self._answered.notify_all()
        self.runner.stats.add(cached=len(found))

    # ------------------------------------------------------------ sending

    def _start_locked(self) -> None:
        if self._threads or self._closing:
            return
        warm_up = getattr(self.runner.model, "warm_up", None)
        if callable(warm_up):  # one-off costs in this thread, not in sixty-four at once (see models.base)
            self._lock.release()
            try:
                warm_up()
            except Exception:  # the calls themselves will say what is wrong
                pass
            finally:
                self._lock.acquire()
        self._freeze = frozen()
        self._freeze.__enter__()  # see pytest_mmtrust.heap: no full collections while answers arrive
        for number in range(self._threads_wanted):
            thread = threading.Thread(target=self._work_loop, name=f"mmtrust-stream-{number}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next_locked(self) -> str | None:
        """The next key this process should send (claiming a chunk when needed), or None to wait."""
        while self._queue:
            key = self._queue[0]
            state = self._state.get(key)
            if state == "claimed":
                self._queue.popleft()
                return key
            if state != "queued":  # answered meanwhile, or taken by another process
                self._queue.popleft()
                continue
            chunk = [other for other in list(self._queue)[: CLAIM_CHUNK * 2] if self._state.get(other) == "queued"][:CLAIM_CHUNK]
            mine = self.store.claim(chunk)
            ours = [other for other in chunk if other in mine]
            landed = self.store.get_many(ours) if ours else {}
            if landed:
                self.store.release(list(landed))
            for other in chunk:
                if other in landed:
                    self._state[other] = "done"
                    self._answers[other] = landed[other]
                    self._requests.pop(other, None)
                    for group in self._groups_of.get(other, []):
                        group.unsent -= 1
                        group.cached += 1
                elif other in mine:
                    self._state[other] = "claimed"
                else:
                    self._state[other] = "foreign"
                    for group in self._groups_of.get(other, []):
                        group.unsent -= 1
            if landed:
                self.runner.stats.add(cached=len(landed))
                self._answered.notify_all()
            if not mine:
                self.runner.stats.add(waited_for_others=len(chunk))
        return None

    def _work_loop(self) -> None:
        """One worker thread; an unexpected failure (the store, a bug) stops the run, not one thread."""
        try:
            self._send_until_done()
        except Exception as exc:  # the items would wait for answers no thread will ever give
            self.runner.stop(f"the request stream failed: {type(exc).__name__}: {exc}")
            with self._lock:
                self._drain_locked()
                for key, state in self._state.items():
                    if state == "flight" and key not in self._answers:
                        self._answers[key] = Response(text=None, error=f"not answered: {self.runner.stop_reason}")

    def _send_until_done(self) -> None:
        controller = self.runner.controller
        batch_size = max(1, int(getattr(self.runner.model, "batch_size", 1) or 1))  # a batched py: function
        me = threading.get_ident()
        while True:
            copy = False  # a hedged second copy of a call in flight (see pytest_mmtrust.hedging)
            with self._lock:
                while True:
                    if self._closing or self.runner.stop_reason is not None:
                        if self.runner.stop_reason is not None:
                            self._drain_locked()
                        self._stop_watching_locked(me)
                        return
                    if self._queue and self._active < controller.limit:
                        self._stop_watching_locked(me)
                        key = self._next_locked()
                        if key is not None:
                            break
                        continue
                    wait = self._hedge_wait_locked(me)
                    if wait is None:
                        self._work.wait()
                        continue
                    if wait > 0:
                        self._work.wait(min(wait, HEDGE_CHECK_S))
                        continue
                    key, copy = self._hedge_key, True  # a straggler is due and a slot is idle
                    break
                if copy:
                    keys = [key]
                    self._hedger.copied()  # type: ignore[union-attr]
                    self._started.pop(key, None)
                else:
                    keys = [key]
                    while len(keys) < batch_size and self._queue:
                        more = self._next_locked()
                        if more is None:
                            break
                        keys.append(more)
                    now = self._clock()
                    for key in keys:
                        self._state[key] = "flight"
                        for group in self._groups_of.get(key, []):
                            group.unsent -= 1
                            group.in_flight += 1
                        if self._hedger is not None and self._requests[key].params.temperature == 0:
                            self._started[key] = now
                    self._first_calls += len(keys)
                self._active += 1
                for key in keys:
                    self._callers.setdefault(key, set()).add(me)
                batch = [self._requests[key] for key in keys]
            started = self._clock()
            responses = self.runner._call_with_retries(batch, once=copy, wanted=lambda: self._wanted(keys),
                                                       on_retry=lambda: self._not_to_copy(keys))
            latency = self._clock() - started
            with self._lock:
                self._active -= 1
                free = controller.limit - self._active
                if free > 0 and self._queue:
                    self._work.notify(free)  # the next calls go out while this thread stores the answers
                chosen = self._choose_locked(keys, responses, me, copy, latency)
            failed = [key for key, response in chosen if not response.ok]
            if failed:
                self.store.release(failed)
            if chosen:
                self.runner.stats.add(sent=len(chosen), failed=len(failed))
            with self._lock:
                self._unwritten.extend(chosen)
                if self._writing or not self._unwritten:
                    continue  # the thread writing now takes these too
                self._writing = True
            self._write_answers()

    def _not_to_copy(self, keys: list[str]) -> None:
        """A call failed an attempt and will be tried again: a server in trouble gets no copies of it."""
        with self._lock:
            for key in keys:
                self._started.pop(key, None)

    def _wanted(self, keys: list[str]) -> bool:
        """Whether a call for ``keys`` is still worth making (no other copy has answered them)."""
        with self._lock:
            return any(key not in self._chosen and self._state.get(key) == "flight" for key in keys)

    def _choose_locked(
        self, keys: list[str], responses: list[Response], me: int, copy: bool, latency: float
    ) -> list[tuple[str, Response]]:
        """Which of a call's answers stand: the first good answer of each key, or its last failure.

        A copy that lost (the other answered first) is dropped, and the calls of the other
        copies of a key that just got its answer are cancelled.
        """
        chosen: list[tuple[str, Response]] = []
        cancel = getattr(self.runner.model, "cancel_call", None)
        for key, response in zip(keys, responses):
            callers = self._callers.get(key, set())
            callers.discard(me)
            if key in self._chosen or self._state.get(key) != "flight":
                continue  # another copy answered first: this one is not needed
            if not response.ok and callers:
                continue  # another copy is still out: its answer may yet come
            if self._hedger is not None and response.ok:
                self._hedger.record(latency)
                if copy:
                    self._hedger.copy_won()
            self._chosen.add(key)
            self._started.pop(key, None)
            chosen.append((key, response))
            if callers and callable(cancel):
                for thread in callers:  # under the lock: none of them can move on to another call meanwhile
                    cancel(thread)
        for key in keys:
            if not self._callers.get(key):
                self._callers.pop(key, None)
        return chosen

    def _hedge_wait_locked(self, me: int) -> float | None:
        """Seconds until a straggler is due for a copy (0: now, in ``_hedge_key``); None: nothing to watch.

        One idle thread watches the calls in flight (the others wait to be woken); a copy is
        sent only on a slot nothing queued needs.
        """
        if self._hedger is None or not self._started or self._active >= self.runner.controller.limit:
            self._stop_watching_locked(me)
            return None
        if self._watching not in (None, me):
            return None
        self._watching = me
        if self.runner.paused():  # the server asked everyone to wait (Retry-After): no copies either
            return HEDGE_CHECK_S
        key, due = self._hedger.pick(self._started, self._first_calls)
        if key is not None:
            self._hedge_key = key
            self._stop_watching_locked(me)
            return 0.0
        return HEDGE_CHECK_S if due is None else max(due, 0.001)

    def _stop_watching_locked(self, me: int) -> None:
        if self._watching == me:
            self._watching = None
            self._work.notify()  # another idle thread takes the watch over

    def _write_answers(self) -> None:
        """Store and publish every answer waiting to be written, a group commit at a time.

        One thread writes at a time; the answers that arrive meanwhile wait for its next
        transaction. An answer is published to the items only once stored: an item that finds
        it invalid removes it from the store, which must not race with its writing.
        """
        try:
            while True:
                with self._lock:
                    batch, self._unwritten = self._unwritten, []
                    if not batch:
                        self._writing = False
                        return
                self.store.put_many(batch, self.identity)  # failed answers are never stored
                with self._lock:
                    self._publish_locked(batch)
        except BaseException:  # the store failed: _work_loop stops the run and answers what is in flight
            with self._lock:
                self._writing = False
            raise

    def _publish_locked(self, batch: list[tuple[str, Response]]) -> None:
        for key, response in batch:
            self._chosen.discard(key)
            self._state[key] = "done"
            self._answers[key] = response
            self._requests.pop(key, None)
            for group in self._groups_of.get(key, []):
                group.in_flight -= 1
                if response.ok:
                    group.sent += 1
                else:
                    group.errors += 1
        if self.runner.stop_reason is not None:
            self._drain_locked()
        self._answered.notify_all()

    def _drain_locked(self) -> None:
        """The runner stopped: every request not sent yet answers "not sent"; claims are let go."""
        reason = self.runner.stop_reason or "the session ended"
        unsent = [key for key in self._queue if self._state.get(key) in ("queued", "claimed")]
        claimed = [key for key in unsent if self._state[key] == "claimed"]
        self._queue.clear()
        for key in unsent:
            self._state[key] = "done"
            self._answers[key] = Response(text=None, error=f"not sent: the run stopped ({reason})")
            self._requests.pop(key, None)
            for group in self._groups_of.get(key, []):
                group.unsent -= 1
                group.errors += 1
        if claimed:
            try:
                self.store.release(claimed)
            except Exception:  # the store's own errors were reported where they happened
                pass
        self._answered.notify_all()
        self._work.notify_all()

    def hedges(self) -> dict[str, int]:
        """``sent``: hedged copies sent; ``won``: copies that answered first; ``requests``: first calls sent."""
        with self._lock:
            hedger = self._hedger
            return {"sent": hedger.sent if hedger else 0, "won": hedger.won if hedger else 0, "requests": self._first_calls}

    def in_flight(self) -> int:
        with self._lock:
            return self._active

    # ------------------------------------------------------------ the end

    def close(self, patience_s: float = 5.0) -> None:
        """Send nothing more; let calls in flight finish (storing their answers) for a while."""
        with self._lock:
            self._closing = True
            queued = [key for key in self._queue if self._state.get(key) == "claimed"]
            self._queue.clear()
            self._work.notify_all()
            self._answered.notify_all()
            threads = list(self._threads)
        if queued:
            try:
                self.store.release(queued)
            except Exception:
                pass
        deadline = time.monotonic() + patience_s
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        freeze, self._freeze = self._freeze, None
        if freeze is not None:
            freeze.__exit__(None, None, None)

    def keys(self) -> Iterable[str]:
        return list(self._state)
