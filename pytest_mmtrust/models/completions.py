"""What a chat completion must look like, shared by both API paths (litellm and the lean client).

Both paths read an answer the same way and fail the same way, so a run gives the same
:class:`~pytest_mmtrust.values.Response` and the same error line whichever path it took:

* the content is a string, null (empty text) or a list of typed text parts, joined
  (:func:`content_text`); anything else is not a chat completion;
* token counts are believed only when possible (:func:`checked_usage`): finite, not negative,
  at most :data:`MAX_PLAUSIBLE_TOKENS` — a server reporting 3e18 tokens would otherwise make
  ``--mmtrust-tpm`` wait a minute per request;
* an HTTP error status means one thing everywhere (:func:`describe_status`), with the server's
  own message (:func:`server_message`) after it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "MAX_PLAUSIBLE_TOKENS", "NotACompletion", "checked_usage", "content_text", "describe_status",
    "not_a_completion_message", "server_message",
]

#: More tokens than any model reads or writes in one call (ten million): a count above is a server bug.
MAX_PLAUSIBLE_TOKENS = 10_000_000
#: How much of a broken body an error line shows.
EXCERPT_CHARS = 80
_MESSAGE_LIMIT = 300
_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens")


class NotACompletion(ValueError):
    """A 200 answer whose body is not a chat completion (not JSON, no choices, odd content)."""


def content_text(content: Any) -> str:
    """The text of a message's ``content``: a string, null (empty), or typed text parts joined."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, Mapping) and isinstance(part.get("text"), str) and part.get("type", "text") in ("text", "output_text"):
                texts.append(part["text"])
            elif isinstance(part, Mapping) and part.get("type") not in (None, "text", "output_text"):
                continue  # a part of another kind (a refusal marker, an image): no text to take
            else:
                raise NotACompletion(f"a content part without text: {str(part)[:EXCERPT_CHARS]}")
        return "".join(texts)
    raise NotACompletion(f"the message content is a {type(content).__name__}")


def parse_completion(body: bytes) -> tuple[str, Mapping[str, Any] | None, str | None]:
    """(text, raw usage, ``system_fingerprint``) of a chat-completion body; :class:`NotACompletion`
    for anything else."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        raise NotACompletion("not JSON") from None
    if not isinstance(data, dict):
        raise NotACompletion("not a JSON object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise NotACompletion("no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise NotACompletion("no choices[0].message")
    usage = data.get("usage")
    return content_text(message.get("content")), usage if isinstance(usage, Mapping) else None, server_fingerprint(data)


def server_fingerprint(data: Any) -> str | None:
    """The ``system_fingerprint`` a server sent with an answer (an object or a dict), if it is a non-empty string."""
    found = data.get("system_fingerprint") if isinstance(data, Mapping) else getattr(data, "system_fingerprint", None)
    return found if isinstance(found, str) and found else None


def not_a_completion_message(where: str, body: bytes | str) -> str:
    """The one line for a 200 answer that is not a chat completion, with its first characters."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    flat = " ".join(text.split())
    excerpt = flat[:EXCERPT_CHARS] + ("…" if len(flat) > EXCERPT_CHARS else "")
    return f"the server at {where} answered 200 with a body that is not a chat completion: {excerpt!r}"


def checked_usage(raw: Any) -> tuple[dict[str, float] | None, str | None]:
    """(token counts, None) when they are possible; (None, what was wrong) when any is not."""
    if raw is None:
        return None, None
    counts: dict[str, float] = {}
    for key in _USAGE_KEYS:
        value = raw.get(key) if isinstance(raw, Mapping) else getattr(raw, key, None)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, f"{key}={value!r:.40} is not a number"
        if not math.isfinite(value) or value < 0 or value > MAX_PLAUSIBLE_TOKENS:
            return None, f"{key}={value:g} is impossible"
        counts[key] = float(value)
    return counts or None, None


def describe_status(status: int) -> tuple[bool, str, str, bool]:
    """(retryable, what happened in a few words, kind, stops the run) for an HTTP error status.

    Time-outs, conflicts, rate limits and server errors pass; a bad key, a refused permission
    and a missing model fail every request the same way, so they stop the run; any other
    client error fails its own request.
    """
    if status == 429:
        return True, "rate limited (HTTP 429)", "rate_limit", False
    if status >= 500 or status in (408, 409, 425):
        return True, f"server error (HTTP {status})", "server", False
    if status in (401, 403):
        return False, f"not authorised (HTTP {status}); check the API key", "auth", True
    if status == 404:
        return False, "not found (HTTP 404); check the model name and API base", "not_found", True
    return False, f"request rejected (HTTP {status})", "rejected", False


def server_message(body: bytes | str) -> str:
    """The server's own words from an error body (OpenAI, vLLM and FastAPI shapes), on one short line."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    found: Any = None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            found = error.get("message")
        elif isinstance(error, str):
            found = error
        if found is None:
            found = data.get("message", data.get("detail"))
    if not isinstance(found, str):
        found = text if data is None else json.dumps(found if found is not None else data)
    flat = " ".join(found.split())
    return flat if len(flat) <= _MESSAGE_LIMIT else flat[: _MESSAGE_LIMIT - 1] + "…"
