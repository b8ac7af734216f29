"""The physical limit of a throughput benchmark: an asyncio + aiohttp client sending the requests.

Run as a process of its own (like the plugin's pytest run): ``python _raw_client.py --base URL
--prompts t1q0,t1q1,… --concurrency C`` sends one chat-completions POST per prompt, the same
JSON body the plugin sends, C at a time over kept-alive connections, checks every answer, and
prints ``{"wall_s": …, "cpu_s": …}`` — the time from the first request to the last answer and
the process's CPU time in that span.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time


async def send_all(base: str, prompts: list[str], concurrency: int) -> None:
    import aiohttp

    queue: asyncio.Queue[str] = asyncio.Queue()
    for prompt in prompts:
        queue.put_nowait(prompt)
    url = f"{base}/chat/completions"
    headers = {"Content-Type": "application/json", "Authorization": "Bearer sk-raw"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while not queue.empty():
                prompt = queue.get_nowait()
                body = {"model": "bench", "messages": [{"role": "user", "content": prompt}],
                        "max_tokens": 16, "temperature": 0.0, "seed": 0}
                async with session.post(url, data=json.dumps(body), headers=headers) as reply:
                    data = await reply.json(content_type=None)
                    assert data["choices"][0]["message"]["content"] == "ok", data

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--prompts", required=True, help="comma-separated prompts")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    import aiohttp  # noqa: F401  (imported before the clock starts)

    prompts = args.prompts.split(",")
    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(send_all(args.base, prompts, args.concurrency))
    print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}))


if __name__ == "__main__":
    main()
