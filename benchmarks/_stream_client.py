"""The plugin's request machinery alone: its run-wide stream and lean client, no pytest around it.

Run as a process of its own, like :mod:`_raw_client` and with the same arguments: sends one
request per prompt through :class:`~pytest_mmtrust.stream.RequestStream` (an ``openai/bench``
:class:`~pytest_mmtrust.models.api.APIModel`, a response store in a scratch file, C in flight),
waits for every answer in order as the items would, and prints ``{"wall_s": …, "cpu_s": …}``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--prompts", required=True, help="comma-separated prompts")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    from pytest_mmtrust.models.api import APIModel
    from pytest_mmtrust.runner import ResponseRunner
    from pytest_mmtrust.store import ResponseStore, cache_key
    from pytest_mmtrust.stream import RequestStream
    from pytest_mmtrust.values import GenerationParams, Request

    model = APIModel("openai/bench", api_base=args.base)
    store = ResponseStore(Path(tempfile.mkdtemp(prefix="mmtrust-bench-stream-")) / "store.sqlite")
    runner = ResponseRunner(model, store, concurrency=args.concurrency)
    cpu, wall = time.process_time(), time.perf_counter()
    requests = [Request(prompt, params=GenerationParams(max_tokens=16)) for prompt in args.prompts.split(",")]
    keyed = {cache_key(runner.identity, request): request for request in requests}
    stream = RequestStream(runner)
    stream.add("bench", keyed)
    for key in keyed:
        answer = stream.answer(key)
        assert answer.ok and answer.text == "ok", answer
    figures = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
    stream.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
