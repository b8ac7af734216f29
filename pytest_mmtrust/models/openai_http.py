"""A lean HTTP client for OpenAI-compatible chat-completions servers: one POST per call.

Why not litellm for these: importing litellm takes seconds, and each call through it (and the
OpenAI client and httpx beneath) costs about 5 ms of CPU — on two cores that, not the server,
caps a run at 100–150 answers a second. A vLLM or TGI server only needs a JSON body POSTed to
``{api_base}/chat/completions``. :class:`~pytest_mmtrust.models.api.APIModel` uses this client
for ``openai/…`` with an API base and for ``hosted_vllm/…``, and litellm for every other
provider; both paths give the same :class:`~pytest_mmtrust.values.Response` (text, usage, cost)
and the same error lines, which ``tests/models/test_api_parity.py`` checks against one scripted
server.

**One write, one buffered read.** The standard library's :mod:`http.client` sends a request's
head and body as two writes (two TCP segments, two wake-ups of the server) and parses every
answer's headers with the :mod:`email` package: about 0.2 ms of CPU per call, more than the
rest of the plugin's work for a request together. Here a request is one ``sendall`` and the
answer is read from the connection's buffered reader (:func:`read_response`): the status line,
the headers as lower-cased names, and the body by ``Content-Length``, chunked transfer coding,
or (HTTP/1.0 without keep-alive) to the end of the stream; ``1xx`` interim answers are skipped.
That is the whole of HTTP/1.1 a chat-completions answer uses, at about a quarter of the cost.

**The time-out bounds the whole call.** A socket time-out bounds each read, so a server that
drips its answer a byte a second never trips it. Here every call registers its connection with
one watchdog thread (:class:`_Watchdog`); when the call's deadline passes, the watchdog shuts
the socket down, the blocked read returns at once, and the call fails as "timed out". Connect
gets the remaining time as its own time-out. :meth:`ChatHTTPClient.cancel` shuts a call's
socket down the same way from another thread (a hedged request whose twin answered first,
see :mod:`pytest_mmtrust.hedging`): the call fails as "cancelled" and the server, seeing the
connection close, can stop generating.

Connections are kept alive, one per thread and server (the runner's threads are long-lived), and
a request that meets a connection the server closed while it was idle is sent again once on a
fresh one — the server never saw it. A body larger than :data:`MAX_BODY_BYTES` is not read to
the end. Requests through an HTTP proxy (``HTTPS_PROXY`` …) are left to litellm's client, which
knows proxies; so are API bases with a user name and password in them.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import BinaryIO, Mapping

__all__ = [
    "ChatHTTPClient", "HTTPFailure", "MAX_BODY_BYTES", "ProtocolError", "Target", "direct_target", "read_response",
]

#: The largest answer body read (64 MiB): far beyond any chat completion; a bigger one is refused.
MAX_BODY_BYTES = 64 * 1024 * 1024
#: The longest status or header line read, and the most header lines (http.client's limits).
MAX_LINE = 65536
MAX_HEADERS = 100


class HTTPFailure(Exception):
    """No HTTP answer came: ``kind`` is ``"timeout"``, ``"connection"``, ``"too_large"`` or ``"cancelled"``."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail


class ProtocolError(Exception):
    """The bytes that came back are not an HTTP answer (or it broke off): ``closed`` when the
    server closed the connection before sending anything."""

    def __init__(self, detail: str, closed: bool = False):
        super().__init__(detail)
        self.closed = closed


@dataclass(frozen=True)
class Target:
    """Where one API base's chat completions go: scheme, host, port and the request path."""

    https: bool
    host: str
    port: int
    path: str

    @property
    def host_header(self) -> str:
        """The ``Host`` header: the port only when it is not the scheme's default (as http.client)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.https else 80
        return host if self.port == default else f"{host}:{self.port}"


def direct_target(api_base: str) -> Target | None:
    """The chat-completions target of ``api_base`` when this client can reach it directly.

    None (use litellm) for anything but plain http(s) URLs, for URLs with credentials in them,
    for paths with spaces or control characters (litellm's client quotes them), and when a
    proxy from the environment applies to the host.
    """
    try:
        parts = urllib.parse.urlsplit(api_base)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    proxies = urllib.request.getproxies()
    if proxies.get(parts.scheme) and not urllib.request.proxy_bypass(parts.hostname):
        return None
    path = parts.path.rstrip("/") + "/chat/completions"
    if parts.query:
        path += "?" + parts.query
    if any(ord(char) <= 32 or ord(char) == 127 for char in path) or not path.isascii():
        return None
    https = parts.scheme == "https"
    return Target(https, parts.hostname, port or (443 if https else 80), path)


def request_bytes(target: Target, headers: Mapping[str, str], body: bytes) -> bytes:
    """The whole POST (head and body) as one buffer, written with one ``sendall``.

    A header name or value with a line break in it (a key pasted with its newline) would
    split the head: refused with a ValueError that does not show the value.
    """
    lines = [f"POST {target.path} HTTP/1.1", f"Host: {target.host_header}", "Accept-Encoding: identity"]
    for name, value in headers.items():
        if "\r" in name or "\n" in name or ":" in name or "\r" in value or "\n" in value:
            raise ValueError(f"the {name.strip()!r} header has a line break in it (or a colon in its name); not sent")
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict") + body


def read_response(reader: BinaryIO, max_body_bytes: int = MAX_BODY_BYTES) -> tuple[int, dict[str, str], bytes, bool]:
    """(status, headers with lower-cased names, body, keep the connection) of one HTTP answer.

    Raises :class:`ProtocolError` for bytes that are not an HTTP answer or an answer that
    broke off, :class:`HTTPFailure` ``too_large`` for a body beyond ``max_body_bytes``, and
    whatever the reader raises (:class:`OSError`).
    """
    while True:
        line = reader.readline(MAX_LINE + 1)
        if not line:
            raise ProtocolError("the server closed the connection without answering", closed=True)
        if len(line) > MAX_LINE:
            raise ProtocolError("the status line is too long")
        version, _, rest = line.rstrip(b"\r\n").partition(b" ")
        code = rest[:3]
        if not version.startswith(b"HTTP/") or len(code) != 3 or not code.isdigit() or rest[3:4] not in (b"", b" "):
            raise ProtocolError(f"not an HTTP answer: {line[:40]!r}")
        status = int(code)
        headers = _read_headers(reader)
        if 100 <= status < 200 and status != 101:
            continue  # an interim answer (100 Continue, 103 Early Hints): the real one follows
        break
    tokens = {token.strip().lower() for token in headers.get("connection", "").split(",")}
    keep = "close" not in tokens and (version != b"HTTP/1.0" or "keep-alive" in tokens)
    if status in (204, 304) or status < 200:
        return status, headers, b"", keep
    coding = headers.get("transfer-encoding", "").lower()
    if coding and coding.rsplit(",", 1)[-1].strip() == "chunked":
        return status, headers, _read_chunked(reader, max_body_bytes), keep
    length_text = headers.get("content-length")
    if length_text is None:  # the body ends where the connection does
        data = reader.read(max_body_bytes + 1)
        if len(data) > max_body_bytes:
            raise _too_large(max_body_bytes)
        return status, headers, data, False
    try:
        length = int(length_text.split(",")[0].strip())
    except ValueError:
        raise ProtocolError(f"Content-Length {length_text[:20]!r} is not a number") from None
    if length < 0:
        raise ProtocolError(f"Content-Length {length} is negative")
    if length > max_body_bytes:
        raise _too_large(max_body_bytes)
    data = reader.read(length)
    if len(data) < length:
        raise ProtocolError(f"the connection broke after {len(data)} of {length} bytes")
    return status, headers, data, keep


def _read_headers(reader: BinaryIO) -> dict[str, str]:
    headers: dict[str, str] = {}
    last = ""
    for _ in range(MAX_HEADERS + 1):
        line = reader.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise ProtocolError("a header line is too long")
        if line in (b"\r\n", b"\n"):
            return headers
        if not line.endswith(b"\n"):
            raise ProtocolError("the connection broke in the middle of the headers")
        text = line.decode("latin-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and last:  # an obsolete folded continuation line
            headers[last] += " " + text.strip()
            continue
        name, colon, value = text.partition(":")
        if not colon:
            raise ProtocolError(f"a header line without a colon: {line[:40]!r}")
        last = name.strip().lower()
        value = value.strip()
        headers[last] = f"{headers[last]}, {value}" if last in headers else value
    raise ProtocolError(f"more than {MAX_HEADERS} header lines")


def _read_chunked(reader: BinaryIO, max_body_bytes: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        line = reader.readline(MAX_LINE + 1)
        if not line:
            raise ProtocolError("the connection broke in the middle of a chunked body")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise ProtocolError(f"a chunk size that is not a number: {line[:20]!r}") from None
        if size < 0:
            raise ProtocolError("a negative chunk size")
        if size == 0:
            _read_headers(reader)  # the trailer, up to the blank line
            return b"".join(parts)
        total += size
        if total > max_body_bytes:
            raise _too_large(max_body_bytes)
        chunk = reader.read(size)
        if len(chunk) < size or len(reader.read(2)) < 2:  # the chunk and its line end
            raise ProtocolError("the connection broke in the middle of a chunk")
        parts.append(chunk)


def _too_large(limit: int) -> HTTPFailure:
    return HTTPFailure("too_large", f"answered with a body larger than {limit // (1024 * 1024)} MiB")


class _Watchdog:
    """One thread that shuts down the sockets of calls past their deadline.

    ``watch`` costs a heap push (and a wake-up only when the new deadline is the earliest);
    finished calls are dropped when their deadline comes round.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Watch]] = []
        self._counter = itertools.count()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> "_Watch":
        entry = _Watch(sock)
        with self._condition:
            earliest = not self._heap or deadline < self._heap[0][0]
            heapq.heappush(self._heap, (deadline, next(self._counter), entry))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mmtrust-deadlines", daemon=True)
                self._thread.start()
            elif earliest:
                self._condition.notify()
        return entry

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._heap:
                    self._condition.wait()
                deadline, _, entry = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                heapq.heappop(self._heap)
            entry.expire()


class _Watch:
    """A call's registration with the watchdog: ``done()`` when the call is over.

    ``expire()`` (the deadline passed) and ``cancel()`` (another thread gave up on the call)
    both shut the socket down, which wakes a blocked read at once; which one did it decides
    how the call fails.
    """

    __slots__ = ("sock", "finished", "expired", "cancelled", "lock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.finished = False
        self.expired = False
        self.cancelled = False
        self.lock = threading.Lock()

    def done(self) -> None:
        with self.lock:
            self.finished = True

    def expire(self) -> None:
        self._shut("expired")

    def cancel(self) -> None:
        self._shut("cancelled")

    def _shut(self, why: str) -> None:
        with self.lock:
            if self.finished:
                return
            setattr(self, why, True)
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv at once; close() would not
        except OSError:
            pass


_WATCHDOG = _Watchdog()


class _Connection:
    """One kept-alive socket to a target and the buffered reader its answers are read from."""

    __slots__ = ("sock", "reader")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")

    def close(self) -> None:
        try:
            self.reader.close()
        finally:
            self.sock.close()


class ChatHTTPClient:
    """POSTs JSON bodies to chat-completions targets, each call bounded by ``timeout`` in all."""

    def __init__(self, timeout: float, max_body_bytes: int = MAX_BODY_BYTES):
        self.timeout = float(timeout)
        self.max_body_bytes = max_body_bytes
        self._local = threading.local()
        self._tls: ssl.SSLContext | None = None
        self._calls: dict[int, _Watch] = {}  # thread id -> the call it is making now

    def post(self, target: Target, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        """(status, headers with lower-cased names, body) of one POST; :class:`HTTPFailure` when no answer came."""
        deadline = time.monotonic() + self.timeout
        data = request_bytes(target, headers, body)
        me = threading.get_ident()
        for attempt in (0, 1):
            connection, reused = self._connection(target, deadline)
            watch = _WATCHDOG.watch(connection.sock, deadline)
            self._calls[me] = watch
            try:
                connection.sock.sendall(data)
                status, reply_headers, reply, keep = read_response(connection.reader, self.max_body_bytes)
                if watch.expired or watch.cancelled:  # the socket was shut down under the read
                    raise OSError("shut down")
                if not keep:
                    self._drop(target)
                return status, reply_headers, reply
            except HTTPFailure:
                self._drop(target)
                raise
            except (OSError, ProtocolError, ValueError) as exc:
                self._drop(target)
                if watch.cancelled:
                    raise HTTPFailure("cancelled", "cancelled: another copy of this request answered first") from None
                if watch.expired or time.monotonic() >= deadline:
                    raise HTTPFailure("timeout", f"no complete answer within {self.timeout:g} s") from None
                stale = (isinstance(exc, ProtocolError) and exc.closed) or isinstance(exc, (BrokenPipeError, ConnectionResetError))
                if reused and stale and attempt == 0:
                    continue  # the server closed an idle kept-alive connection: it never saw this request
                raise HTTPFailure("connection", _reason(exc)) from None
            finally:
                watch.done()
                self._calls.pop(me, None)
        raise HTTPFailure("connection", "the server closed the connection")  # pragma: no cover - loop returns

    def cancel(self, thread_id: int) -> bool:
        """Shut down the socket of the call thread ``thread_id`` is making now; False when it makes none.

        The call fails at once as :class:`HTTPFailure` ``"cancelled"``; the server sees the
        connection close (vLLM then stops generating that answer).
        """
        watch = self._calls.get(thread_id)
        if watch is None:
            return False
        watch.cancel()
        return True

    # ----- connections -----------------------------------------------------------------------
    def _connections(self) -> dict[Target, _Connection]:
        found = getattr(self._local, "connections", None)
        if found is None:
            found = self._local.connections = {}
        return found

    def _connection(self, target: Target, deadline: float) -> tuple[_Connection, bool]:
        """This thread's open connection to ``target`` (True: reused), or a new one, connected."""
        connections = self._connections()
        connection = connections.get(target)
        if connection is not None:
            return connection, True
        remaining = max(0.001, deadline - time.monotonic())
        sock: socket.socket | None = None
        try:
            sock = socket.create_connection((target.host, target.port), timeout=remaining)
            if target.https:
                if self._tls is None:
                    self._tls = ssl.create_default_context()
                sock = self._tls.wrap_socket(sock, server_hostname=target.host)
        except (OSError, ValueError) as exc:
            if sock is not None:
                sock.close()
            if isinstance(exc, TimeoutError) or time.monotonic() >= deadline:
                raise HTTPFailure("timeout", f"no connection within {self.timeout:g} s") from None
            raise HTTPFailure("connection", _reason(exc)) from None
        sock.settimeout(self.timeout)  # a backstop: the watchdog bounds the whole call
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = connections[target] = _Connection(sock)
        return connection, False

    def _drop(self, target: Target) -> None:
        connection = self._connections().pop(target, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        """Close this thread's connections (others close with their threads)."""
        for connection in self._connections().values():
            connection.close()
        self._connections().clear()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__
