"""The response phase: send a task's requests together, bounded, retried, and stored.

Why threads and not asyncio: every adapter is synchronous (litellm's sync client, a
transformers ``generate``, a user's plain function), the plugin's own work per request is a few
microseconds, and a pool of ``concurrency`` threads keeps exactly that many calls in flight —
the same wall time as an event loop, with no second code path per adapter.

Retries: a retryable :class:`~pytest_mmtrust.errors.ModelCallError` (rate limit, server error,
time-out, broken connection) is tried again up to ``retries`` times, waiting the server's
Retry-After when it gives one and otherwise ``base · 2^attempt`` seconds with jitter, capped.
A call that still fails becomes an error response for its items: never a pass, never a refusal.
"""

from __future__ import annotations

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Protocol, Sequence

from .errors import ModelCallError
from .heap import frozen
from .models.base import Model
from .ratelimit import RateLimiter, estimate_tokens
from .redaction import redact, scrub_secrets
from .store import StoreLike
from .values import Request, Response


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 4
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 30.0

    def delay(self, attempt: int, error: ModelCallError, rng: random.Random) -> float:
        if error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.backoff_cap_s)
        return min(self.backoff_cap_s, self.backoff_base_s * (2**attempt)) * rng.uniform(0.5, 1.0)


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
        concurrency: int = 8,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        poll_interval_s: float = 0.2,
        seed: int = 0,
        limiter: RateLimiter | None = None,
        progress: ProgressSink | None = None,
        identity: str | None = None,
    ):
        """``identity`` is what the store files answers under (default: the model's own
        ``identity()``); the session passes the model's identity with its version."""
        self.model = model
        self.store = store
        self.concurrency = max(1, min(concurrency, getattr(model, "max_concurrency", concurrency) or concurrency))
        self.policy = policy
        self.sleep = sleep
        self.poll_interval_s = poll_interval_s
        self.stats = FetchStats()
        self.limiter = limiter or RateLimiter()
        self.progress = progress
        self._rng = random.Random(seed)
        self._identity: str | None = identity

    @property
    def identity(self) -> str:
        if self._identity is None:
            self._identity = self.model.identity()
        return self._identity

    def fetch(self, requests: Mapping[str, Request], label: str = "") -> dict[str, Response]:
        """Answers for every key: stored ones first, then the missing ones sent together.

        Under xdist several processes fetch the same task at once; the store's claims make sure
        each request is sent by one of them only. Two reads close the races: an answer another
        process stores removes its claim in the same transaction, so a key that looks unclaimed
        may have just been answered — the store is read again before such a key is taken over,
        and again right after claiming, before anything is sent.
        """
        results: dict[str, Response] = dict(self.store.get_many(requests.keys()))
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
        answered: dict[str, Response] = {}
        failed = []
        for key, response in zip(keys, responses):
            answered[key] = response
            if response.ok:
                self.store.put(key, self.identity, response)
            else:
                failed.append(key)
        if failed:
            self.store.release(failed)
        self.stats.add(sent=len(keys), failed=len(failed))
        if self.progress is not None:
            self.progress.advance(sent=len(keys) - len(failed), errors=len(failed))
        return answered

    def _call_with_retries(self, batch: list[Request], prepared: Any = None) -> list[Response]:
        attempt = 0
        while True:
            event = self.limiter.acquire(len(batch), estimate_tokens(batch))
            try:
                if prepared is None:
                    responses = list(self.model.generate(batch))
                else:
                    responses = list(self.model.generate(batch, prepared=prepared))  # type: ignore[call-arg]
                if len(responses) != len(batch):
                    raise ModelCallError(f"model returned {len(responses)} answers for {len(batch)} requests")
                self.limiter.settle(event, _total_tokens(responses))
                return [_checked(r) for r in responses]
            except ModelCallError as error:
                self.limiter.settle(event, None)  # a refused call still counted at the provider
                if not error.retryable or attempt >= self.policy.retries:
                    tries = attempt + 1
                    message = scrub_secrets(f"{error} (after {tries} {'try' if tries == 1 else 'tries'})")
                    return [Response(text=None, error=message) for _ in batch]
                delay = self.policy.delay(attempt, error, self._rng)
                attempt += 1
                self.stats.add(retried=1)
                self.sleep(delay)
            except Exception as error:  # a bug in a user's model must not kill the whole run
                message = scrub_secrets(f"model raised {type(error).__name__}: {error}")
                return [Response(text=None, error=message) for _ in batch]


def _total_tokens(responses: Sequence[Response]) -> float | None:
    """Tokens the server counted for a batch, if every answer says."""
    total = 0.0
    for response in responses:
        usage = response.usage if isinstance(response, Response) else None
        if not usage:
            return None
        tokens = usage.get("total_tokens")
        if tokens is None:
            tokens = float(usage.get("prompt_tokens", 0)) + float(usage.get("completion_tokens", 0))
        total += float(tokens)
    return total


_LONE_SURROGATE = re.compile("[\\ud800-\\udfff]")


def _checked(response: object) -> Response:
    """Accept what a model returned only if it is a Response with text or an error.

    Lone surrogates (which no UTF-8 file can hold: the store, the reports, JUnit XML) become
    U+FFFD here, whatever adapter or user-written Model produced them, and the run's known
    secrets are blanked (:func:`pytest_mmtrust.redaction.redact`) — before the evaluator sees
    the answer, so a first run and a cached rerun score the same text.
    """
    if not isinstance(response, Response):
        return Response(text=None, error=f"model returned {type(response).__name__}, expected Response")
    if response.text is None and response.error is None:
        return Response(text=None, error="model returned no text")
    if response.text is not None and not isinstance(response.text, str):
        return Response(text=None, error=f"model returned text of type {type(response.text).__name__}")
    if response.text is not None and _LONE_SURROGATE.search(response.text):
        response = replace(response, text=_LONE_SURROGATE.sub("\ufffd", response.text))
    if response.text:
        redacted = redact(response.text)
        if redacted != response.text:
            response = replace(response, text=redacted)
    return response
