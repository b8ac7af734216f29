"""The one protocol every model under test speaks.

A model takes a *batch* of :class:`~pytest_mmtrust.values.Request` and returns one
:class:`~pytest_mmtrust.values.Response` per request, in order. API models take batches of one
and are run many at a time by the runner (``max_concurrency``); local models take real batches
(``batch_size``) and run one batch at a time, because the accelerator is the bottleneck.

A call that fails raises :class:`~pytest_mmtrust.errors.ModelCallError` (retryable or not); the
runner owns retries, back-off and turning a final failure into an item error. Adapters stay
small and stateless beyond their client/weights.

A model may also have ``warm_up()`` (not part of the protocol, so a user's model need not):
one-off costs, such as importing a client library, paid once and before any request. The
``mmtrust_model`` fixture calls it, and so does the runner before its first requests go out —
in one thread, so that sixteen request threads do not all queue on Python's import lock.
Calling it again must cost nothing.
"""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

from ..values import Request, Response


@runtime_checkable
class Model(Protocol):
    """What the runner needs from a model under test.

    The built-in adapters (``tiny``, ``hf:``, litellm strings) implement it, and so may your own:
    ``--mmtrust-model py:module:name`` takes an object with this protocol (or a class or factory
    that makes one with no arguments), or simply a function ``f(request) -> str`` (with
    ``f.batched = True``: ``f(requests) -> list of str``), which the plugin wraps. ``generate`` answers a batch of at
    most ``batch_size`` :class:`~pytest_mmtrust.values.Request` with one
    :class:`~pytest_mmtrust.values.Response` each, in order, and raises
    :class:`~pytest_mmtrust.errors.ModelCallError` when the whole call failed (the runner
    retries it when ``retryable``).
    """

    #: The user's model string, e.g. ``openai/gpt-4o``, ``hf:/models/llava``, ``tiny``.
    name: str
    #: How many requests one ``generate`` call takes at most.
    batch_size: int
    #: How many ``generate`` calls may be in flight at once (1 for local models).
    max_concurrency: int

    def identity(self) -> str:
        """Everything that makes two answers comparable: name, settings, a weights fingerprint.

        Part of every cache key, so changing weights or the API base never reuses old answers.
        """
        ...

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        """Answer a batch, one response per request in order; raise
        :class:`~pytest_mmtrust.errors.ModelCallError` when the whole call failed."""
        ...

    def close(self) -> None:
        """Release clients, threads or memory. Called once at session end."""
        ...
