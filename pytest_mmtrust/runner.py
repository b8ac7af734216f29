"""The response phase: send a task's requests together, bounded, retried, and stored.

Why threads and not asyncio: every adapter is synchronous (litellm's sync client, a
transformers ``generate``, a user's plain function), the plugin's own work per request is a few
microseconds, and a pool of ``concurrency`` threads keeps exactly that many calls in flight —
the same wall time as an event loop, with no second code path per adapter.

Retries: a retryable :class:`~pytest_mmtrust.errors.ModelCallError` (rate limit, server error,
time-out, broken connection) is tried again up to ``retries`` times, waiting the server's
Retry-After when it gives one and otherwise ``base · 2^attempt`` seconds with jitter, capped.
A Retry-After pauses every new call of the runner, not only the one that met it. A 200 whose
body is not a chat completion is tried once more only. A call that still fails becomes an
error response for its items: never a pass, never a refusal.

Stopping early (:class:`~pytest_mmtrust.errors.RunStopped`). Some failures would meet every
request alike, so sending the rest only wastes minutes and money: a rejected key, a refused
permission or an unknown model (``stops_run``); a server asking to wait longer than
``RetryPolicy.max_retry_wait_s`` (``--mmtrust-max-retry-wait``); and the first
:data:`FIRST_FAILURES` calls of a runner all failing with the same message. The runner then
stops: nothing more is sent, calls not yet made answer "not sent", and :meth:`fetch` raises.

Every answer passes :func:`checked`: the text is cut at :data:`MAX_ANSWER_CHARS` (a note on the
response says so), lone surrogates become U+FFFD, and a token count the rate limiter gets is
always a possible one.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Protocol, Sequence

from .concurrency import ConcurrencyController, controller_for
from .errors import ModelCallError, RunStopped
from .heap import frozen
from .models.base import Model
from .ratelimit import RateLimiter, estimate_tokens
from .redaction import redact, scrub_secrets
from .safe_text import valid_unicode
from .store import StoreLike
from .values import Request, Response

#: A runner whose first this-many calls all fail with the same message stops (see the module docstring).
FIRST_FAILURES = 5
#: The longest answer kept, in characters (256 Ki, some 64,000 tokens): far beyond any task's max tokens.
MAX_ANSWER_CHARS = 256 * 1024
#: Retry-After waits of at least this many seconds are announced on the progress line.
ANNOUNCE_WAIT_S = 5.0
#: The error of a call given up because another copy of its request answered first.
CANCELLED = "cancelled: another copy of this request answered first"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry.

    The server's Retry-After is waited in full up to ``max_retry_wait_s``; a longer one stops
    the run (the server will not answer for that long: hammering it helps nobody). Without
    one, ``backoff_base_s · 2^attempt`` with jitter, at most ``backoff_cap_s``.
    """

    retries: int = 4
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 30.0
    max_retry_wait_s: float = 300.0

    def delay(self, attempt: int, error: ModelCallError, rng: random.Random) -> float:
        if error.retry_after is not None:
            return max(error.retry_after, 0.0)
        return min(self.backoff_cap_s, self.backoff_base_s * (2**attempt)) * rng.uniform(0.5, 1.0)


class FailureWatch:
    """Stops a runner whose first ``first`` calls all failed with one and the same message."""

    def __init__(self, first: int = FIRST_FAILURES):
        self.first = first
        self.armed = first > 0
        self.messages: list[str] = []
        self._lock = threading.Lock()

    def record(self, error: str | None) -> str | None:
        """A call's final outcome (None: it succeeded); the reason to stop, if it is time."""
        with self._lock:
            if not self.armed:
                return None
            if error is None:
                self.armed = False
                return None
            self.messages.append(error)
            if len(self.messages) < self.first:
                return None
            self.armed = False
            if len(set(self.messages)) == 1:
                return f"the first {self.first} calls all failed the same way: {error}"
            return None


class ProgressSink(Protocol):
    """Where the runner reports progress (see :mod:`pytest_mmtrust.report.progress`)."""

    def start(self, task_id: str, total: int) -> None: ...

    def advance(self, cached: int = 0, sent: int = 0, errors: int = 0) -> None: ...

    def finish(self) -> None: ...


@dataclass
class FetchStats:
    """Counts of one session's response phase (per process)."""

    requested: int = 0
    cached: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    waited_for_others: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


class ResponseRunner:
    """Fetches answers for many requests from one model through one store."""

    def __init__(
        self,
        model: Model,
        store: StoreLike,
        *,
        concurrency: int | str = 8,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] | None = None,
        poll_interval_s: float = 0.2,
        seed: int = 0,
        limiter: RateLimiter | None = None,
        progress: ProgressSink | None = None,
        identity: str | None = None,
        first_failures: int = FIRST_FAILURES,
    ):
        """``identity`` is what the store files answers under (default: the model's own
        ``identity()``); the session passes the model's identity with its version."""
        self.model = model
        self.store = store
        self.controller: ConcurrencyController = controller_for(concurrency, getattr(model, "max_concurrency", None))
        #: The most calls ever in flight (an adaptive controller moves below it).
        self.concurrency = self.controller.maximum
        self.policy = policy
        self._stop_event = threading.Event()
        self.sleep = sleep if sleep is not None else self._stop_event.wait  # a stop ends any wait at once
        self.poll_interval_s = poll_interval_s
        self.stats = FetchStats()
        self.limiter = limiter or RateLimiter()
        self.progress = progress
        self.failures = FailureWatch(first_failures)
        #: Why the runner stopped (see the module docstring), or None while it runs.
        self.stop_reason: str | None = None
        #: The latest thing worth telling the user while waiting ("the server asked to wait 60 s").
        self.notice: str | None = None
        #: True when whoever waits for the answers shows :attr:`notice` (the run-wide stream's
        #: items run beside the calls, so only the main thread may write).
        self.notices_by_caller = False
        self._pause_until = 0.0
        self._pause_owner: int | None = None
        self._pause_lock = threading.Lock()
        self._rng = random.Random(seed)
        self._identity: str | None = identity

    @property
    def identity(self) -> str:
        if self._identity is None:
            self._identity = self.model.identity()
        return self._identity

    def stop(self, reason: str) -> None:
        """Send nothing more: every later call answers "not sent", :meth:`fetch` raises."""
        if self.stop_reason is None:
            self.stop_reason = reason
        self._stop_event.set()

    def check_stopped(self) -> None:
        """Raise :class:`RunStopped` when the runner has stopped."""
        if self.stop_reason is not None:
            raise RunStopped(self.stop_reason)

    def fetch(self, requests: Mapping[str, Request], label: str = "") -> dict[str, Response]:
        """Answers for every key: stored ones first, then the missing ones sent together.

        Raises :class:`RunStopped` when the runner stopped (before or during the fetch).

        Under xdist several processes fetch the same task at once; the store's claims make sure
        each request is sent by one of them only. Two reads close the races: an answer another
        process stores removes its claim in the same transaction, so a key that looks unclaimed
        may have just been answered — the store is read again before such a key is taken over,
        and again right after claiming, before anything is sent.
        """
        results: dict[str, Response] = dict(self.store.get_many(requests.keys()))
        if len(results) < len(requests):
            self.check_stopped()
        self.stats.add(requested=len(requests), cached=len(results))
        progress = self.progress if label else None  # a one-off lookup is not a response phase
        if progress is not None:
            progress.start(label, len(requests))
            progress.advance(cached=len(results))
        try:
            pending = [key for key in requests if key not in results]
            while pending:
                mine = self.store.claim(pending)
                before = len(results)
                if mine:
                    landed = self.store.get_many([key for key in pending if key in mine])
                    if landed:  # answered by another process between our read and our claim
                        results.update(landed)
                        self.store.release(landed)
                        self.stats.add(cached=len(landed))
                    ask = {key: requests[key] for key in pending if key in mine and key not in landed}
                    if progress is not None and landed:
                        progress.advance(cached=len(landed))
                    if ask:
                        results.update(self._send(ask))
                    before = len(results)
                others = [key for key in pending if key not in mine]
                pending = self._wait_for_others(others, results)
                if progress is not None and len(results) > before:
                    progress.advance(cached=len(results) - before)
        finally:
            if progress is not None:
                progress.finish()
        if any(not answer.ok for answer in results.values()):
            self.check_stopped()
        return results

    def _wait_for_others(self, keys: Sequence[str], results: dict[str, Response]) -> list[str]:
        """Wait for answers other processes are fetching.

        Returns the keys still unanswered as soon as any of them is claimed by nobody (its
        owner failed, released it or died): the caller claims the free ones and waits on for
        the rest. Returns an empty list when every answer has arrived.
        """
        remaining = list(keys)
        if remaining:
            self.stats.add(waited_for_others=len(remaining))
        while remaining:
            found = self.store.get_many(remaining)
            results.update(found)
            remaining = [key for key in remaining if key not in found]
            if not remaining:
                break
            still_claimed = self.store.claimed_by_others(remaining)
            if any(key not in still_claimed for key in remaining):
                found = self.store.get_many(remaining)  # the claim may be gone because the answer arrived
                results.update(found)
                return [key for key in remaining if key not in found]
            self.sleep(self.poll_interval_s)
        return []

    def _send(self, requests: Mapping[str, Request]) -> dict[str, Response]:
        warm_up = getattr(self.model, "warm_up", None)
        if callable(warm_up):  # see models.base: one-off costs, in this thread, before any request
            try:
                warm_up()
            except Exception:  # the model's own calls report what is wrong, item by item
                pass
        keys = list(requests)
        size = max(1, int(getattr(self.model, "batch_size", 1) or 1))
        batches = [keys[i : i + size] for i in range(0, len(keys), size)]
        results: dict[str, Response] = {}
        prepare = getattr(self.model, "prepare", None)
        if self.concurrency == 1 and callable(prepare) and len(batches) > 1:
            return self._send_pipelined(batches, requests, prepare)
        if self.concurrency == 1 or len(batches) == 1:
            for batch in batches:
                results.update(self._answer_batch(batch, requests))
            return results
        # frozen: full collections would walk the whole session holding the lock every thread
        # waiting for a reply needs (see pytest_mmtrust.heap)
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(batches)), thread_name_prefix="mmtrust") as pool, \
                frozen():
            for answered in pool.map(lambda batch: self._answer_batch(batch, requests), batches):
                results.update(answered)
        return results

    def _send_pipelined(
        self, batches: list[list[str]], requests: Mapping[str, Request], prepare: Callable[[Sequence[Request]], Any]
    ) -> dict[str, Response]:
        """One batch at a time through the model, the next one prepared beside it.

        A local model (``max_concurrency`` 1) with a ``prepare`` method splits a batch into its
        CPU side (decoding images, rendering prompts) and its model side. One helper thread
        prepares batch k+1 while the model generates batch k, so the accelerator (or, on a CPU,
        the other core) never waits for image decoding. At most two batches of decoded images
        are alive at once. A preparation that fails is left to ``generate``, which prepares
        again and reports the problem the usual way.
        """
        results: dict[str, Response] = {}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mmtrust-prepare") as pool:
            ahead = pool.submit(prepare, [requests[key] for key in batches[0]])
            for number, keys in enumerate(batches):
                try:
                    prepared = ahead.result()  # the previous batch's preparation is let go here
                except Exception:
                    prepared = None
                if number + 1 < len(batches):
                    ahead = pool.submit(prepare, [requests[key] for key in batches[number + 1]])
                results.update(self._answer_batch(keys, requests, prepared))
        return results

    def _answer_batch(self, keys: list[str], requests: Mapping[str, Request], prepared: Any = None) -> dict[str, Response]:
        batch = [requests[key] for key in keys]
        responses = self._call_with_retries(batch, prepared)
        answered = dict(zip(keys, responses))
        self.store.put_many(list(answered.items()), self.identity)  # one transaction; failures are not stored
        failed = [key for key, response in answered.items() if not response.ok]
        if failed:
            self.store.release(failed)
        self.stats.add(sent=len(keys), failed=len(failed))
        if self.progress is not None:
            self.progress.advance(sent=len(keys) - len(failed), errors=len(failed))
        return answered

    # ------------------------------------------------------------ one call, retried

    def paused(self) -> bool:
        """Whether a server's Retry-After holds new calls back now."""
        return self._pause_until > time.monotonic()

    def _wait_for_pause(self) -> None:
        """Wait while a server's Retry-After holds every new call back."""
        with self._pause_lock:
            wait = self._pause_until - time.monotonic()
            own = self._pause_owner == threading.get_ident()  # it waited the pause out itself already
        if wait > 0 and not own and self.stop_reason is None:
            self.sleep(wait)

    def _pause(self, seconds: float, error: ModelCallError) -> None:
        with self._pause_lock:
            until = time.monotonic() + seconds
            if until > self._pause_until:
                self._pause_until, self._pause_owner = until, threading.get_ident()
        if seconds >= ANNOUNCE_WAIT_S:
            self.notice = f"{_first_clause(str(error))}: the server asked to wait {seconds:.0f} s (Retry-After); waiting"
            note = getattr(self.progress, "note", None)
            if callable(note) and not self.notices_by_caller:
                note(self.notice)  # during fetch() the calling thread waits: the line is ours to write

    def _call_with_retries(
        self, batch: list[Request], prepared: Any = None, *, once: bool = False, wanted: Callable[[], bool] | None = None,
        on_retry: Callable[[], None] | None = None,
    ) -> list[Response]:
        """The answers of one call, tried again as the policy allows; never raises.

        ``once``: a single attempt, no retries (a hedged copy, see :mod:`pytest_mmtrust.hedging`).
        ``wanted`` is asked before each attempt; when it says no (another copy of the request
        answered), nothing more is sent and the call answers "cancelled". A cancelled call is
        neither a failure (the first-failures watch) nor a sign of overload (the concurrency
        controller). ``on_retry`` is told before the call is tried again (a failed attempt:
        such a call is never hedged).
        """
        attempt = 0
        broken_bodies = 0
        while True:
            if self.stop_reason is not None:
                return [Response(text=None, error=f"not sent: the run stopped ({self.stop_reason})") for _ in batch]
            if wanted is not None and not wanted():
                return [Response(text=None, error=CANCELLED) for _ in batch]
            self._wait_for_pause()
            event = self.limiter.acquire(len(batch), estimate_tokens(batch))
            started = time.monotonic()
            try:
                if prepared is None:
                    responses = list(self.model.generate(batch))
                else:
                    responses = list(self.model.generate(batch, prepared=prepared))  # type: ignore[call-arg]
                if len(responses) != len(batch):
                    raise ModelCallError(f"model returned {len(responses)} answers for {len(batch)} requests")
                answers = [checked(r) for r in responses]
                self.limiter.settle(event, _total_tokens(answers))
                self.controller.record(time.monotonic() - started)
                self._final(None)
                return answers
            except ModelCallError as error:
                self.limiter.settle(event, None)  # a refused call still counted at the provider
                if error.kind == "cancelled":
                    return [Response(text=None, error=CANCELLED) for _ in batch]
                self.controller.record(None, overloaded=error.kind in ("rate_limit", "timeout"))
                tries = attempt + 1
                message = scrub_secrets(f"{error} (after {tries} {'try' if tries == 1 else 'tries'})")
                if error.stops_run:
                    self.stop(str(error))
                    return [Response(text=None, error=message) for _ in batch]
                bound = self.policy.max_retry_wait_s
                if error.retryable and error.retry_after is not None and error.retry_after > bound:
                    self.stop(f"{error}; the server asked to wait {error.retry_after:.0f} s (Retry-After), more than "
                              f"--mmtrust-max-retry-wait {bound:g} s: run again later, or raise the bound")
                    return [Response(text=None, error=message) for _ in batch]
                broken_bodies += error.kind == "broken_body"
                if once and not error.stops_run:  # a hedged copy: the call it copies goes on
                    return [Response(text=None, error=message) for _ in batch]
                if not error.retryable or attempt >= self.policy.retries or broken_bodies > 1:
                    self._final(str(error))
                    return [Response(text=None, error=message) for _ in batch]
                delay = self.policy.delay(attempt, error, self._rng)
                if on_retry is not None:
                    on_retry()
                if error.retry_after is not None:
                    self._pause(delay, error)
                attempt += 1
                self.stats.add(retried=1)
                self.sleep(delay)
            except Exception as error:  # a bug in a user's model must not kill the whole run
                message = scrub_secrets(f"model raised {type(error).__name__}: {error}")
                self._final(message)
                return [Response(text=None, error=message) for _ in batch]

    def _final(self, error: str | None) -> None:
        """A call's final outcome, for the first-failures watch."""
        reason = self.failures.record(error)
        if reason is not None:
            self.stop(reason)


def _first_clause(message: str) -> str:
    """``"m at URL: rate limited (HTTP 429): …"`` → ``"m at URL: rate limited (HTTP 429)"``."""
    parts = message.split(": ")
    return ": ".join(parts[:2]) if len(parts) > 2 else message


def _total_tokens(responses: Sequence[Response]) -> float | None:
    """Tokens the server counted for a batch, if every answer says (and says something possible)."""
    from .models.completions import checked_usage

    total = 0.0
    for response in responses:
        usage = response.usage if isinstance(response, Response) else None
        if not usage:
            return None
        counts, problem = checked_usage(usage)
        if problem is not None or not counts:
            return None
        tokens = counts.get("total_tokens")
        if tokens is None:
            tokens = counts.get("prompt_tokens", 0.0) + counts.get("completion_tokens", 0.0)
        total += tokens
    return total


def checked(response: object) -> Response:
    """Accept what a model returned only if it is a Response with text or an error.

    Lone surrogates (which no UTF-8 file can hold: the store, the reports, JUnit XML) become
    U+FFFD here, whatever adapter or user-written Model produced them, and the run's known
    secrets are blanked (:func:`pytest_mmtrust.redaction.redact`) — before the evaluator sees
    the answer, so a first run and a cached rerun score the same text. Text beyond
    :data:`MAX_ANSWER_CHARS` is cut there, with a note saying how long the answer was.
    """
    if not isinstance(response, Response):
        return Response(text=None, error=f"model returned {type(response).__name__}, expected Response")
    if response.text is None and response.error is None:
        return Response(text=None, error="model returned no text")
    if response.text is not None and not isinstance(response.text, str):
        return Response(text=None, error=f"model returned text of type {type(response.text).__name__}")
    if response.text is not None and len(response.text) > MAX_ANSWER_CHARS:
        note = (f"an answer of {len(response.text):,} characters was cut to the first {MAX_ANSWER_CHARS:,} "
                f"(answers are stored up to {MAX_ANSWER_CHARS // 1024} Ki characters)")
        response = replace(response, text=response.text[:MAX_ANSWER_CHARS], notes=(*response.notes, note))
    if response.text is not None and valid_unicode(response.text) != response.text:
        response = replace(response, text=valid_unicode(response.text))
    if response.text:
        redacted = redact(response.text)
        if redacted != response.text:
            response = replace(response, text=redacted)
    return response


_checked = checked  # the old private name, for code that imported it
