"""The lean client's own HTTP/1.1: one write per request, answers read by length, chunks or close.

Answers are parsed from bytes (``read_response`` on a buffer) and, for what only a socket can
show (kept-alive connections, a call cancelled from another thread), through a raw TCP server
on 127.0.0.1 that answers with scripted bytes.
"""

from __future__ import annotations

import io
import socket
import threading
from typing import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.models.openai_http import (
    ChatHTTPClient,
    HTTPFailure,
    ProtocolError,
    Target,
    direct_target,
    read_response,
    request_bytes,
)


def parse(raw: bytes, limit: int = 1 << 20) -> tuple[int, dict[str, str], bytes, bool]:
    return read_response(io.BufferedReader(io.BytesIO(raw)), limit)  # type: ignore[arg-type]


OK_BODY = b'{"choices": [{"message": {"content": "ok"}}]}'


# ----- reading answers ---------------------------------------------------------------------------
def test_a_body_by_content_length_keeps_the_connection() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(OK_BODY), OK_BODY)
    assert parse(raw + b"HTTP/1.1 200 OK\r\n") == (200, {"content-type": "application/json",
                                                         "content-length": str(len(OK_BODY))}, OK_BODY, True)


def test_a_chunked_body_with_extensions_and_a_trailer() -> None:
    raw = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n")
    status, headers, body, keep = parse(raw)
    assert (status, body, keep) == (200, b"hello world", True)


@pytest.mark.parametrize("head, keep", [
    (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n", False),
    (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n", True),
    (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n", False),
    (b"HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\nContent-Length: 2\r\n", False),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", True),
])
def test_whether_the_connection_is_kept(head: bytes, keep: bool) -> None:
    assert parse(head + b"\r\nok")[2:] == (b"ok", keep)


def test_without_a_length_the_body_ends_with_the_connection() -> None:
    assert parse(b"HTTP/1.0 200 OK\r\n\r\nall of it")[2:] == (b"all of it", False)


def test_interim_answers_are_skipped_and_folded_or_repeated_headers_joined() -> None:
    raw = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
           b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nX-Note: first\r\n  folded\r\nx-note: second\r\n"
           b"Content-Length: 0\r\n\r\n")
    status, headers, body, _ = parse(raw)
    assert (status, body) == (429, b"")
    assert headers["retry-after"] == "7" and headers["x-note"] == "first folded, second"


def test_no_content_answers_have_no_body() -> None:
    assert parse(b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n")[2] == b""


@pytest.mark.parametrize("raw, words", [
    (b"", "closed the connection without answering"),
    (b"SSH-2.0-OpenSSH_9.6\r\n", "not an HTTP answer"),
    (b"HTTP/1.1 2OO OK\r\n\r\n", "not an HTTP answer"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "broke after 5 of 10 bytes"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "is not a number"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "is negative"),
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "without a colon"),
    (b"HTTP/1.1 200 OK\r\nContent-Le", "in the middle of the headers"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size that is not a number"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort", "in the middle of a chunk"),
    (b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 101 + b"\r\n", "more than 100 header lines"),
])
def test_what_is_not_an_http_answer_is_named(raw: bytes, words: str) -> None:
    with pytest.raises(ProtocolError, match=words) as caught:
        parse(raw)
    assert caught.value.closed == (raw == b"")


@pytest.mark.parametrize("raw", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + b"x" * 1024 + b"\r\n400\r\n",
    b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 1025,
])
def test_a_body_beyond_the_limit_is_not_read(raw: bytes) -> None:
    with pytest.raises(HTTPFailure) as caught:
        parse(raw, limit=1024)
    assert caught.value.kind == "too_large"


@given(body=st.binary(max_size=3000), cuts=st.lists(st.integers(min_value=1, max_value=700), max_size=8))
def test_any_chunking_of_a_body_reads_back_as_the_body(body: bytes, cuts: list[int]) -> None:
    chunks, rest = [], body
    for cut in cuts:
        if rest:
            chunks.append(rest[:cut])
            rest = rest[cut:]
    if rest:
        chunks.append(rest)
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + encoded + b"HTTP/1.1"
    assert parse(raw)[2:] == (body, True)


_TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=12)
_VALUE = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=30)


@given(headers=st.dictionaries(_TOKEN, _VALUE, max_size=10), body=st.binary(max_size=200))
def test_header_names_come_back_lower_cased_with_their_values(headers: dict[str, str], body: bytes) -> None:
    headers = {name: value for name, value in headers.items()
               if name.lower() not in ("content-length", "transfer-encoding", "connection")}
    unique = {name.lower(): value for name, value in headers.items()}
    if len(unique) != len(headers):  # two spellings of one name are joined: not this property
        return
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode("latin-1")
    raw = b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: %d\r\n\r\n" % len(body) + body
    status, found, read, keep = parse(raw)
    assert (status, read, keep) == (200, body, True)
    assert {name: found[name] for name in unique} == unique


# ----- writing requests --------------------------------------------------------------------------
def test_a_request_is_one_buffer_with_its_length_and_host() -> None:
    target = Target(False, "models.internal", 8000, "/v1/chat/completions")
    data = request_bytes(target, {"Authorization": "Bearer k", "Content-Type": "application/json"}, b'{"a": 1}')
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /v1/chat/completions HTTP/1.1"
    assert {"Host: models.internal:8000", "Authorization: Bearer k", "Content-Length: 8"} <= set(lines)
    assert body == b'{"a": 1}'
    assert b"Host: h\r\n" in request_bytes(Target(True, "h", 443, "/x"), {}, b"")
    assert b"Host: [::1]:8000\r\n" in request_bytes(Target(False, "::1", 8000, "/x"), {}, b"")


def test_a_key_with_a_line_break_is_refused_without_showing_it() -> None:
    with pytest.raises(ValueError) as caught:
        request_bytes(Target(False, "h", 80, "/x"), {"Authorization": "Bearer sk-secret\r\nX-Evil: 1"}, b"")
    assert "sk-secret" not in str(caught.value) and "Authorization" in str(caught.value)


def test_a_path_with_spaces_is_left_to_litellm() -> None:
    assert direct_target("http://h:1/my models/v1") is None
    assert direct_target("http://h:1/v1?x=1") == Target(False, "h", 1, "/v1/chat/completions?x=1")


# ----- through a socket --------------------------------------------------------------------------
class RawServer:
    """A TCP server on 127.0.0.1 that reads each request whole and answers ``reply(number)``
    (bytes, or None to hold the connection open without answering)."""

    def __init__(self, reply: Callable[[int], bytes | None]):
        self.reply = reply
        self.requests: list[bytes] = []
        self.connections = 0
        self.received = threading.Event()
        self.release = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        with conn, reader:
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = reader.readline()
                    if not line:
                        return
                    head += line
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
                self.requests.append(head + reader.read(length))
                self.received.set()
                answer = self.reply(len(self.requests) - 1)
                if answer is None:
                    self.release.wait(10)
                    return
                conn.sendall(answer)

    def close(self) -> None:
        self.release.set()
        self._listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[int], bytes | None]], RawServer]]:
    started: list[RawServer] = []

    def start(reply: Callable[[int], bytes | None]) -> RawServer:
        started.append(RawServer(reply))
        return started[-1]

    yield start
    for server in started:
        server.close()


def answer_bytes(body: bytes = OK_BODY) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


def test_answers_come_over_one_kept_alive_connection(raw_server: Callable[..., RawServer]) -> None:
    server = raw_server(lambda number: answer_bytes())
    client = ChatHTTPClient(timeout=5)
    target = Target(False, "127.0.0.1", server.port, "/v1/chat/completions")
    for number in range(3):
        assert client.post(target, {"Content-Type": "application/json"}, b'{"n": %d}' % number) == (
            200, {"content-type": "application/json", "content-length": str(len(OK_BODY))}, OK_BODY)
    assert server.connections == 1 and len(server.requests) == 3
    assert server.requests[2].endswith(b'\r\n\r\n{"n": 2}')
    client.close()


def test_a_chunked_answer_through_a_socket(raw_server: Callable[..., RawServer]) -> None:
    server = raw_server(lambda number: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
    client = ChatHTTPClient(timeout=5)
    assert client.post(Target(False, "127.0.0.1", server.port, "/x"), {}, b"{}")[2] == b"ok"
    assert client.post(Target(False, "127.0.0.1", server.port, "/x"), {}, b"{}")[2] == b"ok"
    assert server.connections == 1


def test_a_call_cancelled_from_another_thread_fails_at_once_as_cancelled(raw_server: Callable[..., RawServer]) -> None:
    server = raw_server(lambda number: None)  # never answers
    client = ChatHTTPClient(timeout=30)
    outcome: list[BaseException] = []
    caller_id: list[int] = []

    def call() -> None:
        caller_id.append(threading.get_ident())
        try:
            client.post(Target(False, "127.0.0.1", server.port, "/x"), {}, b"{}")
        except HTTPFailure as failure:
            outcome.append(failure)

    caller = threading.Thread(target=call)
    caller.start()
    assert server.received.wait(10)
    assert client.cancel(caller_id[0])
    caller.join(10)
    assert not caller.is_alive()
    assert [(failure.kind, str(failure)) for failure in outcome] == [  # type: ignore[attr-defined]
        ("cancelled", "cancelled: another copy of this request answered first")]
    assert not client.cancel(caller_id[0])  # nothing in flight any more
