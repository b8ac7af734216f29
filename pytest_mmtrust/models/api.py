"""Models behind an API: ``openai/gpt-4o``, ``anthropic/…``, ``hosted_vllm/…``.

Two paths, one behaviour. An OpenAI-compatible server (``openai/…`` with an API base,
``hosted_vllm/…``) is reached by the lean client of :mod:`.openai_http` — a JSON POST through the
standard library, about a tenth of a millisecond of CPU per call and nothing to import — and
every other provider through litellm. Both read answers with :mod:`.completions` and fail with
the same lines; ``APIModel(..., client="litellm")`` forces litellm for a server the lean client
should not talk to.

Contract with the runner: one request per call (``batch_size = 1``), many calls in flight
(``max_concurrency`` is large; the runner's own ``concurrency`` setting bounds it), no retries
here (litellm's and the OpenAI client's are switched off; the runner retries with back-off and
the server's Retry-After). Every failure becomes a :class:`~pytest_mmtrust.errors.ModelCallError`
that says whether trying again can help, in one line, never showing the API key.

Images travel inline as ``data:`` URLs, the one form every vision API accepts. Files are read
and checked by :mod:`pytest_mmtrust.images` first (empty, truncated, corrupt or oversized files
fail as a non-retryable call error naming the file, before anything is sent): RGB and grey PNG
and JPEG files go as their own bytes, anything else is converted to RGB the way every adapter
converts it and sent as PNG. In-memory PIL images (built by a suite) are sent as PNG as they are.

An answer's text is kept as the server sent it, except that lone UTF-16 surrogates (which a
JSON body can carry as ``\\udXXX`` escapes but no UTF-8 file can hold) become U+FFFD, so the
store and the reports can always write it.

The time-out bounds the whole call, not each read: a server that drips its answer a byte at a
time is cut off when ``timeout`` seconds have passed (on the lean path the socket is shut down;
on litellm's, the call is left behind and reported as timed out). A 200 answer whose body is not
a chat completion (an HTML proxy page, invalid JSON, no ``choices``) is named as such, with its
first 80 characters, and tried once more only. Content sent back as a list of text parts is
joined. Token counts that cannot be true (negative, not numbers, above ten million) are dropped
with a note on the response, so ``--mmtrust-tpm`` never waits on them.

Several servers of one model can share the load: ``api_base="http://a/v1,http://b/v1"`` (or a
list) sends each request to the server with the fewest requests in flight, avoiding for a while
one that cannot be reached (:mod:`.balance`). The answers are taken to be interchangeable, so
the model's identity names the set of bases, not which one answered a request. A base may carry
credentials (``https://user:KEY@host/v1``, ``?api-key=KEY``): they are used for the calls but
blanked (:func:`redact_url`) wherever a base is shown or stored — identity, messages.
"""

from __future__ import annotations

import base64
import email.utils
import io
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from PIL import Image

from ..errors import DataError, ModelCallError, ModelError
from ..images import decode_image, read_image_bytes, to_rgb
from ..redaction import add_secret, add_url_secrets, redact_url, scrub_secrets, url_secrets
from ..safe_text import valid_unicode
from ..values import ImageInput, Request, Response
from .balance import ServerPool
from .completions import (
    NotACompletion,
    checked_usage,
    content_text,
    describe_status,
    not_a_completion_message,
    parse_completion,
    server_fingerprint,
    server_message,
)
from .openai_http import ChatHTTPClient, HTTPFailure, Target, direct_target

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

__all__ = ["APIModel", "check_reachable", "redact_url", "split_api_bases", "valid_unicode"]

#: Sent as the key to a local OpenAI-compatible server that needs none (the client insists on one).
PLACEHOLDER_API_KEY = "sk-mmtrust-no-key"

#: Providers whose API is OpenAI's chat completions at the API base: the lean client serves them.
LEAN_PROVIDERS = ("openai", "hosted_vllm")
#: Keys of ``extra_params`` that are litellm's own settings, not fields of the request body.
_LITELLM_ONLY = {"drop_params", "num_retries", "max_retries", "timeout", "api_base", "api_key", "custom_llm_provider", "metadata"}

_MESSAGE_LIMIT = 300


def _litellm() -> Any:
    """Import litellm on first use (it takes seconds) with its feedback banner switched off."""
    import litellm

    litellm.suppress_debug_info = True
    return litellm


def split_api_bases(api_base: str | Sequence[str] | None) -> list[str]:
    """``"http://a/v1, http://b/v1"`` or a list → ``["http://a/v1", "http://b/v1"]`` (trailing / dropped)."""
    if api_base is None:
        return []
    parts = api_base.split(",") if isinstance(api_base, str) else list(api_base)
    return [part.strip().rstrip("/") for part in parts if part and part.strip()]


class APIModel:
    """A chat model behind an API, one request per call, through ``litellm.completion``.

    ``name`` is litellm's model string (``provider/model``). ``api_base`` points at an
    OpenAI-compatible server (or several, comma-separated or a list). ``api_key`` defaults to
    litellm's own lookup in the environment (``OPENAI_API_KEY`` …); with an ``api_base`` and no
    key anywhere, a placeholder is sent because local servers take any. ``extra_params`` are
    passed to every call (``top_p``, ``drop_params``, provider options) and win over ours.
    Unsupported parameters (``seed`` on some providers) are dropped by litellm rather than
    failing every call.
    """

    batch_size = 1
    #: The runner's concurrency setting is the real bound; this only says "many is fine".
    max_concurrency = 1024

    def __init__(
        self,
        name: str,
        *,
        api_base: str | Sequence[str] | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        extra_params: Mapping[str, Any] | None = None,
        client: str = "auto",
    ) -> None:
        if client not in ("auto", "http", "litellm"):
            raise ModelError(f"APIModel client {client!r}: expected auto, http or litellm")
        self.name = name
        self.provider, _, self.served_name = name.partition("/")
        self.api_bases = split_api_bases(api_base)
        self.timeout = timeout
        self.extra_params = dict(extra_params or {})
        self._api_key = api_key if api_key else self._default_key()
        if self._api_key != PLACEHOLDER_API_KEY:
            add_secret(self._api_key)  # blanked from answers, the store and reports (pytest_mmtrust.redaction)
        add_url_secrets(self.api_base)
        self._identity: str | None = None
        self._servers = ServerPool(self.api_bases) if self.api_bases else None
        self._lock = threading.Lock()
        self._litellm_calls: dict[int, tuple[threading.Event, dict[str, Any]]] = {}  # thread -> its litellm call
        self._warm = False
        self._targets = self._lean_targets(client)
        self._http = ChatHTTPClient(timeout) if self._targets is not None else None

    def _lean_targets(self, client: str) -> dict[str, Target] | None:
        """Each base's chat-completions target when the lean client serves this model, else None."""
        if client == "litellm" or self.provider not in LEAN_PROVIDERS or not self.api_bases:
            if client == "http":
                raise ModelError(f"{self.name}: the lean HTTP client needs an openai/ or hosted_vllm/ model and an API base")
            return None
        targets = {base: direct_target(base) for base in self.api_bases}
        if any(target is None for target in targets.values()):
            if client == "http":
                raise ModelError(f"{self.name}: the lean HTTP client cannot reach an API base with credentials or through a proxy")
            return None
        return targets  # type: ignore[return-value]

    @property
    def client(self) -> str:
        """Which path the calls take: ``"http"`` (the lean client) or ``"litellm"``."""
        return "http" if self._targets is not None else "litellm"

    def _default_key(self) -> str | None:
        """None lets litellm read the provider's environment variable; a placeholder otherwise."""
        if not self.api_bases:
            return None
        provider = self.name.split("/", 1)[0]
        env_name = f"{provider.upper().replace('-', '_')}_API_KEY"
        return None if os.environ.get(env_name) else PLACEHOLDER_API_KEY

    @property
    def api_base(self) -> str | None:
        """The bases as given, comma-joined (None when litellm's default endpoint is used)."""
        return ",".join(self.api_bases) if self.api_bases else None

    def identity(self) -> str:
        """Name and API base(s), never the key, and the server's model card when it lists one.

        Bases are sorted: adding order does not matter. The card (``root``, ``parent``,
        ``max_model_len`` of the served model, see :mod:`.server_card`) is read once, on the
        first call, so a new checkpoint served under the same name gets new store keys.
        """
        if self._identity is None:
            card = self._server_card()
            self._identity = self._plain_identity() + (f"#server={card}" if card else "")
        return self._identity

    def _plain_identity(self) -> str:
        if not self.api_bases:
            return self.name
        return f"{self.name}@{','.join(sorted(redact_url(base) for base in self.api_bases))}"

    def _server_card(self) -> str | None:
        """The fingerprint of the served model's card at every base (None without bases or cards)."""
        if not self.api_bases:
            return None
        from .server_card import card_fingerprint, read_model_card, served_name

        provider = self.name.split("/", 1)[0]
        key = self._api_key or os.environ.get(f"{provider.upper().replace('-', '_')}_API_KEY")
        name = served_name(self.name)
        return card_fingerprint([read_model_card(base, name, key, timeout=min(5.0, self.timeout)) for base in self.api_bases])

    def warm_up(self) -> None:
        """Import litellm and what its first call imports now, not inside the first call.

        Importing litellm takes about three seconds, and its first real call imports some five
        hundred more modules (the OpenAI client's resources, the HTTP stack, provider
        transformations: another 0.7 s here) — with every thread of the response phase waiting
        on the import lock. The ``mmtrust_model`` fixture calls this, as it loads a local
        model's weights, so a suite (or a benchmark) that asks for the model first pays the
        one-off cost before its first item. Nothing is sent: the client is only constructed,
        and the one call made is litellm's offline ``mock_response``. A failure here is left
        for the first real call to report.
        """
        with self._lock:
            if self._warm or self._targets is not None:  # the lean client has nothing to import
                return
            self._warm = True
        litellm = _litellm()
        try:
            import openai

            openai.OpenAI(api_key=PLACEHOLDER_API_KEY, base_url="http://127.0.0.1:9/v1").chat.completions  # noqa: B018
            litellm.completion(model=self.name, messages=[{"role": "user", "content": "warm-up"}],
                               mock_response="ok", api_key=self._api_key or PLACEHOLDER_API_KEY)
        except Exception:  # the real calls will say what is wrong, one line per item
            pass

    # ----- calls -----------------------------------------------------------------------------
    def generate(self, requests: Sequence[Request]) -> list[Response]:
        return [self._generate_one(request) for request in requests]

    def _generate_one(self, request: Request) -> Response:
        api_base = self._servers.acquire() if self._servers is not None else None
        unreachable = False
        try:
            if self._targets is not None and api_base is not None:
                return self._generate_http(request, api_base)
            return self._generate_litellm(request, api_base)
        except ModelCallError as exc:
            unreachable = exc.kind in ("connection", "timeout")
            raise
        finally:
            if api_base is not None and self._servers is not None:
                self._servers.release(api_base, unreachable)

    # ----- the lean path ---------------------------------------------------------------------
    def _generate_http(self, request: Request, api_base: str) -> Response:
        body: dict[str, Any] = {
            "model": self.served_name,
            "messages": build_messages(request),
            "max_tokens": request.params.max_tokens,
            "temperature": request.params.temperature,
            "seed": request.params.seed,
        }
        body.update((key, value) for key, value in self.extra_params.items() if key not in _LITELLM_ONLY)
        body = {key: value for key, value in body.items() if value is not None}
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "pytest-mmtrust"}
        key = self._api_key or os.environ.get(f"{self.provider.upper()}_API_KEY") or PLACEHOLDER_API_KEY
        headers["Authorization"] = f"Bearer {key}"
        assert self._http is not None and self._targets is not None
        start = time.perf_counter()
        try:
            status, reply_headers, data = self._http.post(self._targets[api_base], headers, json.dumps(body).encode("utf-8"))
        except HTTPFailure as exc:
            raise self._transport_error(exc.kind, api_base) from None
        latency = time.perf_counter() - start
        if status >= 300:
            retryable, what, kind, stops = describe_status(status)
            detail = self._scrub(server_message(data))
            message = f"{self._where(api_base)}: {what}" + (f": {detail}" if detail else "")
            retry_after = parse_retry_after(reply_headers) if retryable else None
            raise ModelCallError(message, retryable=retryable, retry_after=retry_after, stops_run=stops, kind=kind)
        try:
            text, raw_usage, fingerprint = parse_completion(data)
        except NotACompletion:
            raise self._broken_body(api_base, data) from None
        usage, note = checked_usage(raw_usage)
        if usage is not None:
            from .pricing import price

            cost = price(self.provider, self.served_name, usage)
            if cost is not None:
                usage["cost"] = cost
        return self._answer(text, usage, note, latency, api_base, fingerprint)

    def _transport_error(self, kind: str, api_base: str | None) -> ModelCallError:
        """No answer: the same line on both paths (the library's own wording is not kept)."""
        if kind == "timeout":
            return ModelCallError(f"{self._where(api_base)}: timed out (no complete answer within {self.timeout:g} s)",
                                  retryable=True, kind="timeout")
        if kind == "too_large":
            return ModelCallError(f"{self._where(api_base)}: answered with a body larger than 64 MiB", kind="rejected")
        if kind == "cancelled":
            return ModelCallError(f"{self._where(api_base)}: cancelled (another copy of this request answered first)",
                                  kind="cancelled")
        return ModelCallError(f"{self._where(api_base)}: connection failed", retryable=True, kind="connection")

    def _broken_body(self, api_base: str | None, body: bytes | str) -> ModelCallError:
        where = redact_url(api_base) if api_base else self.provider
        message = f"{self.name}: " + not_a_completion_message(where, self._scrub(body.decode("utf-8", "replace") if isinstance(body, bytes) else body))
        return ModelCallError(message, retryable=True, kind="broken_body")

    def _answer(
        self, text: str, usage: dict[str, float] | None, note: str | None, latency: float, api_base: str | None,
        fingerprint: str | None = None,
    ) -> Response:
        notes = ()
        if note is not None:
            notes = (f"{self._where(api_base)} reported impossible token usage ({note}); the usage of this answer is ignored",)
        return Response(text=valid_unicode(text), usage=usage, latency_s=latency, notes=notes, fingerprint=fingerprint)

    # ----- the litellm path ------------------------------------------------------------------
    def _generate_litellm(self, request: Request, api_base: str | None) -> Response:
        messages = build_messages(request)
        kwargs: dict[str, Any] = {
            "max_tokens": request.params.max_tokens,
            "temperature": request.params.temperature,
            "seed": request.params.seed,
            "drop_params": True,
        }
        kwargs.update(self.extra_params)
        kwargs.update(
            model=self.name,
            messages=messages,
            timeout=self.timeout,
            num_retries=0,
            max_retries=0,
        )
        if api_base is not None:
            kwargs["api_base"] = api_base
        if self._api_key is not None:
            kwargs["api_key"] = self._api_key
        litellm = _litellm()
        start = time.perf_counter()
        raw = self._bounded(lambda: litellm.completion(**kwargs), api_base)
        latency = time.perf_counter() - start
        return self._response(raw, latency, api_base)

    def _bounded(self, call: Any, api_base: str | None) -> Any:
        """Run ``call`` (litellm) with the time-out bounding the whole of it.

        litellm's HTTP client bounds each read, not the call. The call runs in a helper thread;
        when ``timeout`` has passed it is left to finish on its own (its answer is dropped) and
        this call fails as timed out, so a dripping server holds no request for minutes. A call
        cancelled by :meth:`cancel_call` is left behind the same way, at once.
        """
        outcome: dict[str, Any] = {}
        finished = threading.Event()

        def run() -> None:
            try:
                outcome["raw"] = call()
            except BaseException as exc:  # handed to the waiting thread
                outcome["error"] = exc
            finally:
                finished.set()

        me = threading.get_ident()
        self._litellm_calls[me] = (finished, outcome)
        try:
            helper = threading.Thread(target=run, name="mmtrust-litellm-call", daemon=True)
            helper.start()
            finished.wait(self.timeout + 0.5)
        finally:
            self._litellm_calls.pop(me, None)
        if outcome.get("cancelled"):
            raise self._transport_error("cancelled", api_base)
        if not finished.is_set():
            raise self._transport_error("timeout", api_base)
        if "error" in outcome:
            raise self._call_error(outcome["error"], api_base) from None
        return outcome["raw"]

    def _response(self, raw: Any, latency: float, api_base: str | None) -> Response:
        try:
            message = raw.choices[0].message
            text = content_text(message.content)
        except (AttributeError, IndexError, TypeError, NotACompletion) as exc:
            raise self._broken_body(api_base, f"({type(exc).__name__}: {exc})") from None
        usage, note = checked_usage(getattr(raw, "usage", None))
        if usage is not None:
            cost = _cost(raw)
            if cost is not None:
                usage["cost"] = cost
        return self._answer(text, usage, note, latency, api_base, server_fingerprint(raw))

    def _where(self, api_base: str | None) -> str:
        return f"{self.name} at {redact_url(api_base)}" if api_base else self.name

    def _call_error(self, exc: BaseException, api_base: str | None) -> ModelCallError:
        """One scrubbed line, retryable or not, with the server's Retry-After when it sent one."""
        if isinstance(exc, ModelCallError):
            return exc
        retryable, what = classify(exc)
        kind, stops = _kind_of(exc, what)
        if kind in ("timeout", "connection"):
            return self._transport_error(kind, api_base)
        if kind == "broken_body":
            quoted = _QUOTED_BODY.search(str(exc))
            return self._broken_body(api_base, quoted.group("body") if quoted else f"({_short_detail(exc)})")
        detail = self._scrub(_short_detail(exc))
        message = f"{self._where(api_base)}: {what}" + (f": {detail}" if detail else "")
        retry_after = parse_retry_after(_response_headers(exc)) if retryable else None
        return ModelCallError(message, retryable=retryable, retry_after=retry_after, stops_run=stops, kind=kind)

    def _scrub(self, text: str) -> str:
        secrets = [self._api_key] if self._api_key else []
        for base in self.api_bases:
            secrets += url_secrets(base)
        return scrub_secrets(text, secrets)

    def cancel_call(self, thread_id: int) -> bool:
        """Give up the call thread ``thread_id`` is making now (another copy of its request answered).

        On the lean path its socket is shut down, so the server sees the connection close (vLLM
        then stops generating); litellm's call is left to finish on its own. The call fails at
        once as "cancelled". False when the thread makes no call now.
        """
        if self._http is not None and self._http.cancel(thread_id):
            return True
        waiting = self._litellm_calls.get(thread_id)
        if waiting is None:
            return False
        finished, outcome = waiting
        outcome["cancelled"] = True
        finished.set()
        return True

    def hedging_is_free(self) -> bool:
        """Whether a duplicate call costs nothing but a slot: a server of your own (an API base)
        whose model litellm's price table does not price (see :mod:`pytest_mmtrust.hedging`)."""
        if not self.api_bases:
            return False
        from .pricing import price

        return price(self.provider, self.served_name, {"prompt_tokens": 1000.0, "completion_tokens": 1000.0}) is None

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __repr__(self) -> str:
        return f"APIModel({self._plain_identity()!r})"


# ----- requests --------------------------------------------------------------------------------
def build_messages(request: Request) -> list[dict[str, Any]]:
    """OpenAI chat messages: optional system message, then images first and the text last."""
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    if not request.images:
        messages.append({"role": "user", "content": request.text})
        return messages
    parts: list[dict[str, Any]] = [
        {"type": "image_url", "image_url": {"url": image_data_url(image)}} for image in request.images
    ]
    parts.append({"type": "text", "text": request.text})
    messages.append({"role": "user", "content": parts})
    return messages


_PNG_MODES = {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}
#: Files in these formats and modes are sent as their own bytes; every other file is converted.
_AS_IS = {("PNG", "RGB"), ("PNG", "L"), ("JPEG", "RGB"), ("JPEG", "L")}


def image_data_url(image: ImageInput) -> str:
    """A ``data:image/...;base64,`` URL: checked RGB/grey PNG and JPEG files as they are, else RGB PNG."""
    if isinstance(image, Image.Image):
        return _png_data_url(image)
    where = os.fspath(image)
    try:
        data = read_image_bytes(where)
        decoded = decode_image(data, where)
        if decoded.format is not None and (decoded.format, decoded.mode) in _AS_IS and "transparency" not in decoded.info:
            return _data_url(f"image/{decoded.format.lower()}", data)
        return _png_data_url(to_rgb(decoded, where))
    except DataError as exc:
        raise ModelCallError(str(exc), retryable=False) from None


def _png_data_url(image: Image.Image) -> str:
    if image.mode not in _PNG_MODES:
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return _data_url("image/png", buffer.getvalue())


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# ----- responses -------------------------------------------------------------------------------
def _cost(raw: Any) -> float | None:
    """USD cost when litellm's price table knows the model; None for local or unknown models.

    litellm prices every response as it builds it (``_hidden_params["response_cost"]``); that
    figure is used when present, because pricing again costs about a millisecond of CPU per
    call, which at high concurrency shows up as queueing for the interpreter lock.
    """
    hidden = getattr(raw, "_hidden_params", None)
    if isinstance(hidden, Mapping) and "response_cost" in hidden:
        value = hidden["response_cost"]  # None: litellm tried and does not know the model's price
    else:
        try:
            value = _litellm().completion_cost(completion_response=raw)
        except Exception:
            return None
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


# ----- errors ----------------------------------------------------------------------------------
def classify(exc: BaseException) -> tuple[bool, str]:
    """(retryable, what happened in a few words) for an exception out of ``litellm.completion``.

    Time-outs, dropped connections, rate limits and server errors pass; a bad request, a bad
    key, a missing model or a refused permission will fail the same way every time.
    """
    import openai

    status = getattr(exc, "status_code", None)
    if _BROKEN_BODY.search(str(exc)):  # litellm could not read a 200 body: not a server error
        return True, "malformed response"
    if isinstance(exc, openai.APITimeoutError):
        return True, "timed out"
    if isinstance(exc, openai.APIConnectionError) or _short_detail(exc) == "Connection error.":
        return True, "connection failed"  # litellm reports some dropped connections as HTTP 500
    if isinstance(exc, openai.APIResponseValidationError):
        return True, "malformed response"
    if isinstance(status, int) and status >= 400:
        retryable, what, _, _ = describe_status(status)
        return retryable, what
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return True, "connection failed"
    if isinstance(exc, openai.APIError):
        return True, "API error"
    return False, f"litellm raised {type(exc).__name__}"


#: What litellm says when a 200 body was not a chat completion (it reports them as HTTP 500).
_BROKEN_BODY = re.compile(
    r"Invalid response object|Expecting value|no 'choices'|JSONDecodeError|Unterminated string|"
    r"Empty or invalid response from LLM endpoint"
)
#: litellm quotes the body it could not read in some of those messages.
_QUOTED_BODY = re.compile(r"Received: '(?P<body>.*)'\. Check the", re.DOTALL)


def _kind_of(exc: BaseException, what: str) -> tuple[str, bool]:
    """(kind, stops the run) of a litellm failure, for the runner and the server pool."""
    if what == "malformed response":
        return "broken_body", False
    if what == "timed out":
        return "timeout", False
    if what == "connection failed":
        return "connection", False
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and status >= 400:
        _, _, kind, stops = describe_status(status)
        return kind, stops
    return "", False


_LITELLM_PREFIX = re.compile(r"^(?:litellm\.\w+:\s*)?(?:\w+Error:\s*)?(?:\w+Exception\s*-\s*)?")


def _short_detail(exc: BaseException) -> str:
    """The server's own words without litellm's class-name prefixes, on one short line."""
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    text = text.split(" Traceback (most recent call last)", 1)[0]  # litellm pastes whole tracebacks in
    text = _LITELLM_PREFIX.sub("", text, count=1)
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    return text


def _response_headers(exc: BaseException) -> Mapping[str, str] | None:
    """litellm copies the HTTP headers to ``litellm_response_headers``; older paths keep them elsewhere."""
    for candidate in (
        getattr(exc, "litellm_response_headers", None),
        getattr(exc, "headers", None),
        getattr(getattr(exc, "response", None), "headers", None),
    ):
        if candidate:
            return candidate
    return None


def parse_retry_after(headers: Mapping[str, str] | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    if not headers:
        return None
    lowered = {str(name).lower(): str(value) for name, value in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


# ----- before a run ----------------------------------------------------------------------------
def check_reachable(api_base: str | Sequence[str], timeout: float = 5.0) -> None:
    """Fail fast, in one line, when nothing answers at an API base (each of several).

    Any HTTP answer counts — even 401 or 404 means a server is there; only a refused or timed
    out connection, an unknown host or a TLS failure raises :class:`ModelError`. No key is sent.
    """
    bases = split_api_bases(api_base)
    if not bases:
        raise ModelError("--mmtrust-api-base is empty")
    for base in bases:
        shown = redact_url(base)
        try:
            parsed = urllib.parse.urlsplit(base)
        except ValueError:
            raise ModelError(f"--mmtrust-api-base {shown}: not an http(s) URL (e.g. http://localhost:8000/v1)") from None
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ModelError(f"--mmtrust-api-base {shown}: not an http(s) URL (e.g. http://localhost:8000/v1)")
        probe = urllib.request.Request(f"{base}/models", method="GET")
        try:
            with urllib.request.urlopen(probe, timeout=timeout):
                pass
        except urllib.error.HTTPError:
            continue  # something answered
        except urllib.error.URLError as exc:
            reason = exc.reason
            raise ModelError(f"cannot reach --mmtrust-api-base {shown}: {scrub_secrets(_reason(reason))}") from None
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot reach --mmtrust-api-base {shown}: {scrub_secrets(_reason(exc))}") from None


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return " ".join(str(reason).split()) or type(reason).__name__
