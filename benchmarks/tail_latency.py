"""Tail latency across tasks: seven tasks, 2% of answers thirty times slower, against the ideal.

Hosted APIs answer most requests in about the same time and a few much later (a long
generation, a busy replica). Fetched task by task, each task waits for its slowest request
before the next task's requests go out, so the tail is paid once per task. The run-wide stream
keeps C requests in flight across tasks, so a slow request delays only its own item.

The server (a process of its own) answers after L, except one prompt in fifty (a fixed hash of
its text) after 30·L. N requests with C in flight cannot finish before N·mean/C, where
mean = 0.98·L + 0.02·30·L = 1.58·L — but a slow answer that starts late in the run ends after
it: the in-order bound (:func:`in_order_makespan`) is when the last answer arrives if every
request starts in run order as soon as a slot is free, at no cost. The plugin's figure is the
time from the first item's set-up to the last item's call: everything from the first request
to the last score.

    python benchmarks/tail_latency.py                # 7 tasks × 200 cases, C=32, L=100 ms
    python benchmarks/tail_latency.py --per-task 50  # smaller

Prints one line: ``tail latency: … · 1.08x ideal``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import MULTI_TASK_SUITE  # noqa: E402
from _server import BenchServer, tail_prompt  # noqa: E402

TAIL_EVERY = 50
TAIL_FACTOR = 30.0


def in_order_makespan(latencies: list[float], slots: int) -> float:
    """When the last answer arrives if the requests start in order, each as soon as one of
    ``slots`` is free, at no cost of any kind: the best a client can do without knowing in
    advance which answers will be slow. Below it lies N·mean/C, reachable only when no slow
    answer starts late in the run."""
    import heapq

    free = [0.0] * slots
    end = 0.0
    for latency in latencies:
        start = heapq.heappop(free)
        heapq.heappush(free, start + latency)
        end = max(end, start + latency)
    return end


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=7)
    parser.add_argument("--per-task", type=int, default=200, help="cases per task")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--delay-ms", type=float, default=100.0, help="the usual latency L")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    work = scratch("tail")
    project = write_project(work / "project", {"test_tasks.py": MULTI_TASK_SUITE})
    prompts = [f"t{t}q{i}" for t in range(1, args.tasks + 1) for i in range(args.per_task)]
    slow = sum(tail_prompt(prompt, TAIL_EVERY) for prompt in prompts)
    with BenchServer(delay_ms=args.delay_ms, tail_every=TAIL_EVERY, tail_factor=TAIL_FACTOR) as server:
        env = bench_env(project, {"BENCH_N": str(args.per_task), "BENCH_TASKS": str(args.tasks)})
        common = ["test_tasks.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "openai/bench",
                  "--mmtrust-api-base", server.base_url, "--mmtrust-concurrency", str(args.concurrency),
                  "--mmtrust-cache-dir", str(work / "cache"), "--mmtrust-retries", "0"]
        run_pytest([*common, "--collect-only"], cwd=project, env=env).check("collecting the benchmark tasks")
        plugin = run_pytest([*common, "--mmtrust-store", str(work / "plugin.sqlite")], cwd=project, env=env)
        plugin.check("the plugin's run")
    if server.received() != len(prompts):
        raise SystemExit(f"the server received {server.received()} requests, expected {len(prompts)}")
    delay = args.delay_ms / 1000.0
    latencies = [delay * TAIL_FACTOR if tail_prompt(prompt, TAIL_EVERY) else delay for prompt in prompts]
    ideal = sum(latencies) / args.concurrency
    in_order = in_order_makespan(latencies, args.concurrency)
    line = result_line(
        "tail latency",
        f"{args.tasks} tasks × {args.per_task} = {len(prompts)} requests, C={args.concurrency}, L={args.delay_ms:.0f} ms, "
        f"{slow} answers {TAIL_FACTOR:.0f}x slower · ideal N·mean/C {ideal:.1f}s · in run order with no overhead "
        f"{in_order:.1f}s · plugin {plugin.items_s:.1f}s (whole run {plugin.wall_s:.1f}s)",
        f"{plugin.items_s / ideal:.2f}x ideal, {plugin.items_s / in_order:.2f}x in-order bound",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
