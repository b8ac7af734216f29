"""A lean HTTP client for OpenAI-compatible chat-completions servers: one POST per call.

Why not litellm for these: importing litellm takes seconds, and each call through it (and the
OpenAI client and httpx beneath) costs about 5 ms of CPU — on two cores that, not the server,
caps a run at 100–150 answers a second. A vLLM or TGI server only needs a JSON body POSTed to
``{api_base}/chat/completions``; the standard library's :mod:`http.client` does that for about
a tenth of a millisecond and imports in no time. :class:`~pytest_mmtrust.models.api.APIModel`
uses this client for ``openai/…`` with an API base and for ``hosted_vllm/…``, and litellm for
every other provider; both paths give the same :class:`~pytest_mmtrust.values.Response` (text,
usage, cost) and the same error lines, which ``tests/models/test_api_parity.py`` checks
against one scripted server.

**The time-out bounds the whole call.** A socket time-out bounds each read, so a server that
drips its answer a byte a second never trips it. Here every call registers its connection with
one watchdog thread (:class:`_Watchdog`); when the call's deadline passes, the watchdog shuts
the socket down, the blocked read returns at once, and the call fails as "timed out". Connect
gets the remaining time as its own time-out.

Connections are kept alive, one per thread and server (the runner's threads are long-lived), and
a request that meets a connection the server closed while it was idle is sent again once on a
fresh one — the server never saw it. A body larger than :data:`MAX_BODY_BYTES` is not read to
the end. Requests through an HTTP proxy (``HTTPS_PROXY`` …) are left to litellm's client, which
knows proxies; so are API bases with a user name and password in them.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Mapping

__all__ = ["ChatHTTPClient", "HTTPFailure", "MAX_BODY_BYTES", "Target", "direct_target"]

#: The largest answer body read (64 MiB): far beyond any chat completion; a bigger one is refused.
MAX_BODY_BYTES = 64 * 1024 * 1024


class HTTPFailure(Exception):
    """No HTTP answer came: ``kind`` is ``"timeout"``, ``"connection"`` or ``"too_large"``."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """Where one API base's chat completions go: scheme, host, port and the request path."""

    https: bool
    host: str
    port: int
    path: str


def direct_target(api_base: str) -> Target | None:
    """The chat-completions target of ``api_base`` when this client can reach it directly.

    None (use litellm) for anything but plain http(s) URLs, for URLs with credentials in them,
    and when a proxy from the environment applies to the host.
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
    https = parts.scheme == "https"
    return Target(https, parts.hostname, port or (443 if https else 80), path)


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
    """A call's registration with the watchdog: ``done()`` when the call is over."""

    __slots__ = ("sock", "finished", "expired", "lock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.finished = False
        self.expired = False
        self.lock = threading.Lock()

    def done(self) -> None:
        with self.lock:
            self.finished = True

    def expire(self) -> None:
        with self.lock:
            if self.finished:
                return
            self.expired = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv at once; close() would not
        except OSError:
            pass


_WATCHDOG = _Watchdog()


class ChatHTTPClient:
    """POSTs JSON bodies to chat-completions targets, each call bounded by ``timeout`` in all."""

    def __init__(self, timeout: float, max_body_bytes: int = MAX_BODY_BYTES):
        self.timeout = float(timeout)
        self.max_body_bytes = max_body_bytes
        self._local = threading.local()
        self._tls: ssl.SSLContext | None = None

    def post(self, target: Target, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        """(status, headers with lower-cased names, body) of one POST; :class:`HTTPFailure` when no answer came."""
        deadline = time.monotonic() + self.timeout
        for attempt in (0, 1):
            connection, reused = self._connection(target, deadline)
            watch = _WATCHDOG.watch(connection.sock, deadline) if connection.sock is not None else None
            try:
                connection.request("POST", target.path, body=body, headers=dict(headers))
                reply = connection.getresponse()
                status = reply.status
                reply_headers = {name.lower(): value for name, value in reply.getheaders()}
                data = reply.read(self.max_body_bytes + 1)
                if watch is not None and watch.expired:  # the watchdog cut the read short
                    raise OSError("deadline passed")
                if reply.length:  # fewer bytes than Content-Length: the connection broke mid-answer
                    raise http.client.IncompleteRead(data, reply.length)
                if len(data) > self.max_body_bytes:
                    self._drop(target)
                    raise HTTPFailure("too_large", f"answered with a body larger than {self.max_body_bytes // (1024 * 1024)} MiB")
                if reply.will_close:
                    self._drop(target)
                return status, reply_headers, data
            except HTTPFailure:
                raise
            except (OSError, http.client.HTTPException) as exc:
                self._drop(target)
                expired = watch is not None and watch.expired
                if expired or time.monotonic() >= deadline:
                    raise HTTPFailure("timeout", f"no complete answer within {self.timeout:g} s") from None
                stale = isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError))
                if reused and stale and attempt == 0:
                    continue  # the server closed an idle kept-alive connection: it never saw this request
                raise HTTPFailure("connection", _reason(exc)) from None
            finally:
                if watch is not None:
                    watch.done()
        raise HTTPFailure("connection", "the server closed the connection")  # pragma: no cover - loop returns

    # ----- connections -----------------------------------------------------------------------
    def _connections(self) -> dict[Target, http.client.HTTPConnection]:
        found = getattr(self._local, "connections", None)
        if found is None:
            found = self._local.connections = {}
        return found

    def _connection(self, target: Target, deadline: float) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's open connection to ``target`` (True: reused), or a new one, connected."""
        connections = self._connections()
        connection = connections.get(target)
        if connection is not None and connection.sock is not None:
            return connection, True
        remaining = max(0.001, deadline - time.monotonic())
        if target.https:
            if self._tls is None:
                self._tls = ssl.create_default_context()
            connection = http.client.HTTPSConnection(target.host, target.port, timeout=remaining, context=self._tls)
        else:
            connection = http.client.HTTPConnection(target.host, target.port, timeout=remaining)
        try:
            connection.connect()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            if isinstance(exc, TimeoutError) or time.monotonic() >= deadline:
                raise HTTPFailure("timeout", f"no connection within {self.timeout:g} s") from None
            raise HTTPFailure("connection", _reason(exc)) from None
        assert connection.sock is not None
        connection.sock.settimeout(self.timeout)  # a backstop: the watchdog bounds the whole call
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connections[target] = connection
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
