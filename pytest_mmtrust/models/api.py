"""Models behind an API, reached through litellm: ``openai/gpt-4o``, ``anthropic/…``, ``hosted_vllm/…``.

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

Several servers of one model can share the load: ``api_base="http://a/v1,http://b/v1"`` (or a
list) sends requests round-robin across them. The answers are taken to be interchangeable, so
the model's identity names the set of bases, not which one answered a request. A base may carry
credentials (``https://user:KEY@host/v1``, ``?api-key=KEY``): they are used for the calls but
blanked (:func:`redact_url`) wherever a base is shown or stored — identity, messages.
"""

from __future__ import annotations

import base64
import email.utils
import io
import itertools
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
from ..values import ImageInput, Request, Response

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

__all__ = ["APIModel", "check_reachable", "redact_url", "split_api_bases", "valid_unicode"]

#: Sent as the key to a local OpenAI-compatible server that needs none (the client insists on one).
PLACEHOLDER_API_KEY = "sk-mmtrust-no-key"

#: HTTP statuses worth another try: time-out, conflict, too early, rate limit, and any server error.
_RETRYABLE_STATUSES = {408, 409, 425, 429}

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
    ) -> None:
        self.name = name
        self.api_bases = split_api_bases(api_base)
        self.timeout = timeout
        self.extra_params = dict(extra_params or {})
        self._api_key = api_key if api_key else self._default_key()
        if self._api_key != PLACEHOLDER_API_KEY:
            add_secret(self._api_key)  # blanked from answers, the store and reports (pytest_mmtrust.redaction)
        add_url_secrets(self.api_base)
        self._next_base = itertools.count()
        self._lock = threading.Lock()
        self._warm = False
        self._identity: str | None = None

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

    def _pick_base(self) -> str | None:
        if not self.api_bases:
            return None
        with self._lock:
            number = next(self._next_base)
        return self.api_bases[number % len(self.api_bases)]

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
            if self._warm:
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
        messages = build_messages(request)
        api_base = self._pick_base()
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
        try:
            raw = litellm.completion(**kwargs)
        except Exception as exc:
            raise self._call_error(exc, api_base) from None
        latency = time.perf_counter() - start
        return self._response(raw, latency, api_base)

    def _response(self, raw: Any, latency: float, api_base: str | None) -> Response:
        try:
            message = raw.choices[0].message
            content = message.content
        except (AttributeError, IndexError, TypeError) as exc:
            raise ModelCallError(
                f"{self._where(api_base)}: malformed response (no choices[0].message: {exc})", retryable=True
            ) from None
        if isinstance(content, list):  # some providers return typed parts
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        text = "" if content is None else valid_unicode(str(content))
        fingerprint = getattr(raw, "system_fingerprint", None)
        return Response(text=text, usage=_usage(raw), latency_s=latency,
                        fingerprint=fingerprint if isinstance(fingerprint, str) and fingerprint else None)

    def _where(self, api_base: str | None) -> str:
        return f"{self.name} at {redact_url(api_base)}" if api_base else self.name

    def _call_error(self, exc: BaseException, api_base: str | None) -> ModelCallError:
        """One scrubbed line, retryable or not, with the server's Retry-After when it sent one."""
        retryable, what = classify(exc)
        detail = self._scrub(_short_detail(exc))
        message = f"{self._where(api_base)}: {what}" + (f": {detail}" if detail else "")
        retry_after = parse_retry_after(_response_headers(exc)) if retryable else None
        return ModelCallError(message, retryable=retryable, retry_after=retry_after)

    def _scrub(self, text: str) -> str:
        secrets = [self._api_key] if self._api_key else []
        for base in self.api_bases:
            secrets += url_secrets(base)
        return scrub_secrets(text, secrets)

    def close(self) -> None:
        return None

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


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD: what UTF-8 (the store, the reports) can hold."""
    return _LONE_SURROGATE.sub("\ufffd", text)


# ----- responses -------------------------------------------------------------------------------
def _usage(raw: Any) -> dict[str, float] | None:
    usage = getattr(raw, "usage", None)
    if usage is None:
        return None
    counts: dict[str, float] = {}
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = getattr(usage, key, None)
        if value is None and isinstance(usage, Mapping):
            value = usage.get(key)
        if isinstance(value, (int, float)):
            counts[key] = float(value)
    cost = _cost(raw)
    if cost is not None:
        counts["cost"] = cost
    return counts or None


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
    if "Invalid response object" in str(exc):  # litellm could not read a 200 body: not a server error
        return True, "malformed response"
    if isinstance(exc, openai.APITimeoutError):
        return True, "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return True, "connection failed"
    if isinstance(exc, openai.APIResponseValidationError):
        return True, "malformed response"
    if isinstance(status, int):
        if status == 429:
            return True, "rate limited (HTTP 429)"
        if status >= 500 or status in _RETRYABLE_STATUSES:
            return True, f"server error (HTTP {status})"
        if status in (401, 403):
            return False, f"not authorised (HTTP {status}); check the API key"
        if status == 404:
            return False, "not found (HTTP 404); check the model name and API base"
        if 400 <= status < 500:
            return False, f"request rejected (HTTP {status})"
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return True, "connection failed"
    if isinstance(exc, openai.APIError):
        return True, "API error"
    return False, f"litellm raised {type(exc).__name__}"


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
