"""A benchmark's OpenAI-compatible server, in a process of its own.

Why a separate process: a real model server is one, and a server thread in the benchmark's own
process would share that process's interpreter lock with everything else the benchmark does.
The server answers ``ok`` (or ``wrong`` for every third prompt with ``--two-in-three``) after
``--delay-ms``; with ``--slots K`` it works on at most K requests at once, each for the delay
(a GPU server's batch), so requests beyond K queue. With ``--tail-every M`` one call in M takes
``--tail-factor`` times longer: by default a draw per *attempt* (:func:`slow_attempt`, seeded),
the way a hosted API's tail mostly comes from queueing and busy replicas, so the same request
sent again is usually fast; ``--tail-per prompt`` makes it a property of the prompt instead
(:func:`tail_prompt`: every attempt of that prompt is slow, like a long generation). It runs
until its standard input closes, then writes how often it received each prompt to ``--counts``
as JSON, and when (``time.monotonic()``, one clock for every process on the machine) each
call of each prompt arrived beside it (``*.arrivals.json``).

Used through :class:`BenchServer`::

    with BenchServer(delay_ms=200) as server:
        ...  # server.base_url
    server.counts  # {"q0": 1, "q1": 1, ...}
    server.arrivals  # {"q0": [12.5], ...}: when each call of each prompt arrived
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _harness import PYTHON, ROOT


class BenchServer:
    """Starts :mod:`_server` in a subprocess; ``counts`` is filled when the block ends."""

    def __init__(self, *, delay_ms: float = 0.0, slots: int | None = None, two_in_three: bool = False,
                 tail_every: int = 0, tail_factor: float = 30.0, tail_per: str = "attempt", tail_seed: int = 0):
        self.args = ["--delay-ms", str(delay_ms)]
        if slots is not None:
            self.args += ["--slots", str(slots)]
        if tail_every:
            self.args += ["--tail-every", str(tail_every), "--tail-factor", str(tail_factor), "--tail-per", tail_per,
                          "--tail-seed", str(tail_seed)]
        if two_in_three:
            self.args.append("--two-in-three")
        self.counts: Counter[str] = Counter()
        self.arrivals: dict[str, list[float]] = {}
        self.base_url = ""

    def __enter__(self) -> "BenchServer":
        self._folder = Path(tempfile.mkdtemp(prefix="mmtrust-bench-server-"))
        self._counts_file = self._folder / "counts.json"
        self._process = subprocess.Popen(
            [PYTHON, str(Path(__file__).resolve()), *self.args, "--counts", str(self._counts_file)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()
        if not self.base_url.startswith("http"):
            raise SystemExit(f"the benchmark server did not start (said {self.base_url!r})")
        return self

    def __exit__(self, *exc_info: Any) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=60)
        if self._counts_file.exists():
            self.counts = Counter(json.loads(self._counts_file.read_text()))
        arrivals_file = self._counts_file.with_suffix(".arrivals.json")
        if arrivals_file.exists():
            self.arrivals = json.loads(arrivals_file.read_text())

    def received(self) -> int:
        return sum(self.counts.values())


def tail_prompt(text: str, every: int) -> bool:
    """Whether a prompt is one of the slow tail: a fixed hash of its text, one in ``every``."""
    import zlib

    return every > 0 and zlib.crc32(text.encode("utf-8")) % every == 0


def slow_attempt(text: str, attempt: int, every: int, seed: int = 0) -> bool:
    """Whether the ``attempt``-th call (1, 2, …) of a prompt is slow: a seeded draw per attempt,
    one in ``every``, independent of every other attempt (a hash, so runs repeat exactly)."""
    import zlib

    return every > 0 and zlib.crc32(f"{seed}:{attempt}:{text}".encode("utf-8")) % every == 0


def serve(delay_s: float, slots: int | None, two_in_three: bool, counts_file: Path,
          tail_every: int = 0, tail_factor: float = 30.0, tail_per: str = "attempt", tail_seed: int = 0) -> None:
    sys.path.insert(0, str(ROOT))
    from pytest_mmtrust.testing.openai_server import ChatCall, ScriptedOpenAIServer

    counts: Counter[str] = Counter()
    arrivals: dict[str, list[float]] = {}
    lock = threading.Lock()
    gate = threading.BoundedSemaphore(slots) if slots else None

    def answer(call: ChatCall) -> str:
        with lock:
            counts[call.text] += 1
            attempt = counts[call.text]
            arrivals.setdefault(call.text, []).append(time.monotonic())
        if tail_per == "prompt":
            slow = tail_prompt(call.text, tail_every)
        else:
            slow = slow_attempt(call.text, attempt, tail_every, tail_seed)
        delay = delay_s * tail_factor if slow else delay_s
        if gate is not None:
            with gate:
                time.sleep(delay)
        elif delay:
            time.sleep(delay)
        if two_in_three and call.text[1:].isdigit() and int(call.text[1:]) % 3 == 0:
            return "wrong"
        return "ok"

    # Keep-alive, as vLLM and other production servers speak it: a connection per request
    # would charge the client for connecting, which no real deployment pays.
    with ScriptedOpenAIServer(answer, models=("bench",), keep_alive=True) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()  # until the benchmark closes our input
    counts_file.write_text(json.dumps(counts))
    counts_file.with_suffix(".arrivals.json").write_text(json.dumps(arrivals))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--slots", type=int)
    parser.add_argument("--two-in-three", action="store_true")
    parser.add_argument("--counts", type=Path, required=True)
    parser.add_argument("--tail-every", type=int, default=0, help="one call in this many is slow")
    parser.add_argument("--tail-factor", type=float, default=30.0, help="how much slower the tail is")
    parser.add_argument("--tail-per", choices=("attempt", "prompt"), default="attempt",
                        help="a slow call is a draw per attempt (default) or a property of the prompt")
    parser.add_argument("--tail-seed", type=int, default=0, help="seed of the per-attempt draw")
    options = parser.parse_args()
    serve(options.delay_ms / 1000, options.slots, options.two_in_three, options.counts, options.tail_every,
          options.tail_factor, options.tail_per, options.tail_seed)
