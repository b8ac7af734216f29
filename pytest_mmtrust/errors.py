"""The exceptions of pytest-mmtrust.

Every error a user can cause is one of these, with a message that fits on one line and names
the option, file or line at fault. The plugin turns them into ``pytest.UsageError`` (options)
or a collection error (data); the library never prints.
"""

from __future__ import annotations


class MMTrustError(Exception):
    """Base class: something the user can fix, described in one line."""


class ConfigError(MMTrustError):
    """A bad option, ini/pyproject setting or gate expression."""


class DataError(MMTrustError):
    """A missing or malformed dataset file, line or image.

    Raise it, naming the file and line (``cases.jsonl:12: missing field 'id'``), from a dataset's
    ``generate`` or ``upstream`` reader — the plugin then fails that task's collection with the
    one line and runs the other tasks — or from an evaluator for a case it cannot score (a
    missing target), which errors that item.
    """


class ModelError(MMTrustError):
    """The model under test cannot be built or reached."""


class StoreError(MMTrustError):
    """The response store is unreadable, corrupt or of another schema."""


class InvalidAnswerError(MMTrustError):
    """An answer that does not meet the format its request demanded (raised by an evaluator).

    Not a score: the answer is removed from the response store, so the next run asks again,
    and the item errors with this message. Raise it from a suite's evaluator only where the
    request made the format a condition (a JSON object, one of a fixed set of words) and an
    answer without it cannot be scored at all; where the benchmark counts an off-format answer
    against the model (a refusal, an unclear choice), score it instead — re-asking a model at
    temperature 0 gives the same answer.
    """


class MMTrustWarning(UserWarning):
    """Something the run did that the user should know, though nothing failed (an answer cut to
    the stored maximum, impossible token counts ignored)."""


class RunStopped(MMTrustError):
    """The run must stop now: every further request would fail the same way.

    A rejected API key, a refused permission or an unknown model (for the model under test or
    the judge), a server asking to wait longer than ``--mmtrust-max-retry-wait``, or the first
    calls of a run all failing alike. The plugin ends the session with this one line; answers
    already stored stay stored.
    """


class ModelCallError(Exception):
    """One model call failed.

    ``retryable`` says whether the runner should try again (rate limits, server errors,
    time-outs, broken connections); ``retry_after`` is the server's own hint in seconds.
    ``stops_run`` marks a failure every other request would meet too (a bad key, a refused
    permission, an unknown model): the runner stops the run instead of sending the rest.
    ``kind`` names the failure for the parts that react to it (``"rate_limit"``,
    ``"timeout"``, ``"connection"``, ``"server"``, ``"broken_body"``, ``"auth"``,
    ``"not_found"``, ``"rejected"``; empty when unknown): adaptive concurrency backs off on
    rate limits and time-outs, the API adapter avoids a server it cannot reach, and a broken
    200 body is tried once more only.
    Not an :class:`MMTrustError`: it is expected, counted and retried, and becomes an
    item error only when the retries are spent.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        stops_run: bool = False,
        kind: str = "",
    ):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.stops_run = stops_run
        self.kind = kind


class DataWarning(UserWarning):
    """Upstream data that can be read, with something the user should know (surplus images in a
    folder, an optional part of a task that is missing): the run goes on, the warning says what
    was left out. pytest shows it in the warnings summary."""


def one_line(exc: BaseException, limit: int = 200) -> str:
    """``exc`` as one short line for the message of an error of ours: ``Type: text``.

    A third-party exception (Pillow, transformers, SQLite …) may span lines or run long; its
    whitespace runs become single spaces and its text is cut to ``limit`` characters, so the
    error that wraps it still fits on one line.
    """
    text = " ".join(str(exc).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
