"""A real OpenAI-compatible HTTP server that answers from a Python function.

Why a real server and not a mock: the API path of pytest-mmtrust (litellm → the OpenAI client →
httpx → a socket) is where rate limits, time-outs, dropped connections and malformed bodies
happen. Testing a suite against a scripted model through that whole stack is the only way to
know what a run against a hosted model will do. Users test their own suites with it too::

    from pytest_mmtrust.testing import ScriptedOpenAIServer

    def answer(call):
        return "I cannot help with that." if "bomb" in call.text else "A red square."

    with ScriptedOpenAIServer(answer) as server:
        ...  # pytest --mmtrust-model=openai/scripted --mmtrust-api-base=server.base_url

The server speaks ``POST /v1/chat/completions`` and ``GET /v1/models``, binds 127.0.0.1 on a
free port, serves each request on its own daemon thread, records every call, and can inject
faults (status codes with Retry-After, dropped connections, delays, broken JSON) per call — and
act as a hostile server would: drip its answer a byte at a time, answer 200 with an HTML page,
send the content as a list of text parts, or report absurd token usage.
Images must arrive inline as ``data:image/...;base64,`` URLs — the server never fetches a URL,
and answers 400 to one, as a strict hosted API would for an unreachable address.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping, Sequence

from PIL import Image

__all__ = ["ChatCall", "Fault", "ScriptedOpenAIServer"]


@dataclass(frozen=True)
class ChatCall:
    """One chat-completions request as the server understood it.

    ``text`` joins every user text part (in order, one per line); ``system`` joins the system
    messages, or is None without one; ``images`` are the decoded inline images, in the order
    their parts appeared, and ``image_urls`` the raw ``data:`` URLs; ``params`` holds every
    other field of the request body (``max_tokens``, ``temperature``, ``seed`` …); ``headers``
    the request headers with lower-cased names (``authorization`` carries the API key).
    """

    model: str
    messages: list[Any]
    text: str
    system: str | None
    images: list[Image.Image]
    image_urls: list[str]
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    """How to break one call.

    * ``status`` (with optional ``retry_after`` header value and ``body``) answers with that
      HTTP status instead of a completion; without a body an OpenAI-style error object is sent;
    * ``close_connection`` drops the connection without any answer;
    * ``malformed_json`` answers 200 with a body that is not JSON;
    * ``delay_s`` waits before doing whatever else the fault says (or answering normally);
    * ``drip_s`` sends the whole answer (status line, headers, body) one byte every ``drip_s``
      seconds, so no single read ever waits long;
    * ``content_type`` is the Content-Type of a ``body`` given as a string (an HTML proxy page);
    * ``content_parts`` sends a normal answer's text as a list of typed text parts;
    * ``usage`` replaces the usage object of a normal answer (absurd or negative counts).
    """

    status: int | None = None
    retry_after: str | float | None = None
    body: str | Mapping[str, Any] | None = None
    close_connection: bool = False
    malformed_json: bool = False
    delay_s: float = 0.0
    drip_s: float = 0.0
    content_type: str = "application/json"
    content_parts: bool = False
    usage: Mapping[str, Any] | None = None


AnswerFunction = Callable[[ChatCall], str]
FaultFunction = Callable[[int, ChatCall], "Fault | None"]


class _BadRequest(Exception):
    """The request body breaks the chat-completions contract; becomes an HTTP 400."""


class ScriptedOpenAIServer:
    """An OpenAI chat-completions server on 127.0.0.1 whose answers come from ``answer``.

    ``fault(index, call)`` is asked before each answer (``index`` counts calls from 0, faulted
    ones included) and may return a :class:`Fault`; ``delay_s`` delays every request.
    ``models`` is what ``GET /v1/models`` lists: names, or whole model cards (mappings with an
    ``id``, e.g. vLLM's ``root`` and ``max_model_len``). ``system_fingerprint``, when set (also
    later, between runs), is sent with every completion. ``calls`` records every well-formed
    chat call, in arrival order; read it after the requests you care about have returned.
    ``rejections`` holds the reason of every request answered 400 for breaking the contract
    (such calls are not in ``calls``).

    ``keep_alive=True`` speaks HTTP/1.1 and keeps each connection open for the next request,
    as vLLM and other production servers do; benchmarks use it, because opening a connection
    per request costs the client (and this server) time a real deployment does not spend. The
    default is HTTP/1.0, one request per connection, so a test that drops a connection
    (``Fault(close_connection=True)``) never meets a client reusing a socket it closed.
    """

    def __init__(
        self,
        answer: AnswerFunction,
        *,
        fault: FaultFunction | None = None,
        delay_s: float = 0.0,
        models: Sequence[str | Mapping[str, Any]] = ("scripted",),
        keep_alive: bool = False,
        system_fingerprint: str | None = None,
    ) -> None:
        self.answer = answer
        self.fault = fault
        self.delay_s = delay_s
        self.models = tuple(models)
        self.system_fingerprint = system_fingerprint
        self._lock = threading.Lock()
        self._calls: list[ChatCall] = []
        self._rejections: list[str] = []
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _KeepAliveHandler if keep_alive else _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"ScriptedOpenAIServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    # ----- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """What to pass as ``--mmtrust-api-base``: ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ----- what happened ---------------------------------------------------------------------
    @property
    def calls(self) -> list[ChatCall]:
        """A copy of the recorded calls (safe to iterate while requests are still arriving)."""
        with self._lock:
            return list(self._calls)

    @property
    def call_count(self) -> int:
        with self._lock:
            return len(self._calls)

    @property
    def rejections(self) -> list[str]:
        with self._lock:
            return list(self._rejections)

    def _reject(self, reason: str) -> None:
        with self._lock:
            self._rejections.append(reason)

    def _record(self, call: ChatCall) -> int:
        with self._lock:
            self._calls.append(call)
            return len(self._calls) - 1

    def _wait(self, seconds: float) -> None:
        """Sleep, but wake at once when the server closes so shutdown never hangs on a delay."""
        if seconds > 0:
            self._stopping.wait(seconds)

    # ----- lifetime --------------------------------------------------------------------------
    def close(self) -> None:
        """Stop serving and free the port. Idempotent; in-flight delayed requests are cut short."""
        if self._closed:
            return
        self._closed = True
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedOpenAIServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ScriptedOpenAIServer({self.base_url}, calls={self.call_count})"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    owner: ScriptedOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0: one request per connection, so no client ever reuses a socket the server closed.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None  # keep test output clean

    # ----- routes ----------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            owner = self.server.owner
            data = [
                {"object": "model", "created": int(time.time()), "owned_by": "scripted", **card}
                if isinstance(card, Mapping) else {"id": card, "object": "model", "created": 0, "owned_by": "scripted"}
                for card in owner.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_error(404, f"no route GET {self.path}", "not_found_error")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._send_error(404, f"no route POST {self.path}", "not_found_error")
            return
        owner = self.server.owner
        try:
            call = self._parse_call()
        except _BadRequest as exc:
            owner._reject(str(exc))
            self._send_error(400, str(exc), "invalid_request_error")
            return
        index = owner._record(call)
        owner._wait(owner.delay_s)
        fault = owner.fault(index, call) if owner.fault is not None else None
        self._drip_s = fault.drip_s if fault is not None else 0.0
        if fault is not None and self._apply_fault(fault):
            return
        try:
            text = owner.answer(call)
        except Exception as exc:  # the script's bug shows up as a server error, not a hang
            self._send_error(500, f"answer function raised {type(exc).__name__}: {exc}", "server_error")
            return
        completion = _completion(call, str(text), index, owner.system_fingerprint)
        if fault is not None and fault.content_parts:
            half = len(str(text)) // 2
            completion["choices"][0]["message"]["content"] = [
                {"type": "text", "text": str(text)[:half]}, {"type": "text", "text": str(text)[half:]}
            ]
        if fault is not None and fault.usage is not None:
            completion["usage"] = dict(fault.usage)
        self._send_json(200, completion)

    # ----- pieces ----------------------------------------------------------------------------
    def _apply_fault(self, fault: Fault) -> bool:
        """Carry out a fault; True when it replaced the normal answer."""
        self.server.owner._wait(fault.delay_s)
        if fault.close_connection:
            self.close_connection = True
            return True
        if fault.malformed_json:
            self._send_raw(200, b'{"id": "chatcmpl-broken", "choices": [', "application/json")
            return True
        if fault.status is not None:
            headers = {} if fault.retry_after is None else {"Retry-After": _header_number(fault.retry_after)}
            if fault.body is None:
                kind = "rate_limit_error" if fault.status == 429 else "scripted_fault"
                self._send_error(fault.status, f"scripted fault: HTTP {fault.status}", kind, headers)
            elif isinstance(fault.body, str):
                self._send_raw(fault.status, fault.body.encode("utf-8"), fault.content_type, headers)
            else:
                self._send_json(fault.status, dict(fault.body), headers)
            return True
        return False

    def _parse_call(self) -> ChatCall:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _BadRequest(f"request body is not JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise _BadRequest("request body must be a JSON object")
        model = body.get("model")
        messages = body.get("messages")
        if not isinstance(model, str) or not model:
            raise _BadRequest("'model' is required")
        if not isinstance(messages, list) or not messages:
            raise _BadRequest("'messages' must be a non-empty list")
        user_texts: list[str] = []
        system_texts: list[str] = []
        image_urls: list[str] = []
        for number, message in enumerate(messages):
            if not isinstance(message, dict) or "role" not in message:
                raise _BadRequest(f"messages[{number}] must be an object with a 'role'")
            texts, urls = _split_content(message.get("content"), number)
            if message["role"] == "system":
                system_texts.extend(texts)
            elif message["role"] == "user":
                user_texts.extend(texts)
            image_urls.extend(urls)
        images = [_decode_data_url(url, number) for number, url in enumerate(image_urls)]
        params = {key: value for key, value in body.items() if key not in ("model", "messages")}
        return ChatCall(
            model=model,
            messages=messages,
            text="\n".join(user_texts),
            system="\n".join(system_texts) if system_texts else None,
            images=images,
            image_urls=image_urls,
            params=params,
            headers={name.lower(): value for name, value in self.headers.items()},
        )

    def _send_error(
        self, status: int, message: str, kind: str, headers: Mapping[str, str] | None = None
    ) -> None:
        payload = {"error": {"message": message, "type": kind, "param": None, "code": None}}
        self._send_json(status, payload, headers)

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode("utf-8"), "application/json", headers)

    def _send_raw(
        self, status: int, data: bytes, content_type: str, headers: Mapping[str, str] | None = None
    ) -> None:
        drip = getattr(self, "_drip_s", 0.0)
        if drip > 0:
            self._drip(status, data, content_type, headers or {}, drip)
            return
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its own time-out): nothing left to tell it


    def _drip(self, status: int, data: bytes, content_type: str, headers: Mapping[str, str], every_s: float) -> None:
        """The whole answer, one byte at a time: each read a client makes waits ``every_s`` at most."""
        head = [f"{self.protocol_version} {status} {self.responses.get(status, ('',))[0]}",
                f"Content-Type: {content_type}", f"Content-Length: {len(data)}", "Connection: close"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data
        self.close_connection = True
        owner = self.server.owner
        try:
            for number in range(len(raw)):
                if owner._stopping.is_set():
                    return
                self.wfile.write(raw[number : number + 1])
                owner._wait(every_s)
        except OSError:
            pass  # the client gave up: that is the point of a drip


class _KeepAliveHandler(_Handler):
    """HTTP/1.1 with persistent connections (every answer carries its Content-Length).

    Headers and body go out in two writes; on a kept-alive connection Nagle's algorithm would
    hold the body back until the client's delayed ACK (40 ms), hence TCP_NODELAY.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True


def _split_content(content: Any, number: int) -> tuple[list[str], list[str]]:
    """Texts and image URLs of one message's content (a string or a list of typed parts)."""
    if content is None:
        return [], []
    if isinstance(content, str):
        return [content], []
    if not isinstance(content, list):
        raise _BadRequest(f"messages[{number}].content must be a string or a list of parts")
    texts: list[str] = []
    urls: list[str] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "image_url":
            image_url = part.get("image_url")
            url = image_url.get("url") if isinstance(image_url, dict) else image_url
            if not isinstance(url, str):
                raise _BadRequest(f"messages[{number}]: image_url part without a url")
            urls.append(url)
        else:
            raise _BadRequest(f"messages[{number}]: unsupported content part {part!r:.80}")
    return texts, urls


def _decode_data_url(url: str, number: int) -> Image.Image:
    """Decode ``data:image/...;base64,...``; anything else is a 400, as the server fetches nothing."""
    header, comma, payload = url.partition(",")
    if not (url.startswith("data:image/") and comma and header.endswith(";base64")):
        raise _BadRequest(f"image {number}: only inline data:image/...;base64 URLs are accepted, got {url[:40]!r}")
    try:
        data = base64.b64decode(payload, validate=True)
        image = Image.open(io.BytesIO(data))
        image.load()
    except (binascii.Error, ValueError, OSError) as exc:
        raise _BadRequest(f"image {number}: cannot decode ({exc})") from exc
    declared = header[len("data:image/") : -len(";base64")].lower()
    actual = (image.format or "").lower()
    if declared and actual and declared.replace("jpg", "jpeg") != actual:
        raise _BadRequest(f"image {number}: declared image/{declared} but the bytes are {actual.upper()}")
    return image


def _count_tokens(text: str) -> int:
    return len(text.split())


def _completion(call: ChatCall, text: str, index: int, fingerprint: str | None = None) -> dict[str, Any]:
    prompt_tokens = _count_tokens(call.text) + _count_tokens(call.system or "")
    completion_tokens = _count_tokens(text)
    extra = {"system_fingerprint": fingerprint} if fingerprint else {}
    return {
        **extra,
        "id": f"chatcmpl-scripted-{index}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": call.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _header_number(value: str | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
