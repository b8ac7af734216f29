"""Tail latency across tasks: seven tasks, 2% of calls thirty times slower, against the ideal.

Hosted APIs answer most calls in about the same time and a few much later. Fetched task by
task, each task waits for its slowest request before the next task's requests go out, so the
tail is paid once per task. The run-wide stream keeps C requests in flight across tasks, so a
slow call delays only its own item — until the queue runs dry, when a slow call that started
late holds the end of the run; hedged requests (:mod:`pytest_mmtrust.hedging`) send such a
straggler again on an idle slot.

The server (a process of its own) answers after L, and one call in fifty after 30·L. Which call
is slow is a seeded draw per *attempt* (``_server.slow_attempt``): a hosted API's tail is mostly
queueing and busy replicas, so a request sent again is usually fast. N requests with C in
flight cannot finish before N·mean/C, where mean = 0.98·L + 0.02·30·L = 1.58·L (taken over the
first attempts actually drawn) — but a slow call that starts late in the run ends after it:
the in-order bound (:func:`in_order_makespan`) is when the last answer arrives if every
request starts in run order as soon as a slot is free, at no cost, and is never sent twice.
The plugin's figure is the time from the first item's set-up to the last item's call:
everything from the first request to the last score.

Three arms, each with a fresh server and store: the plugin with ``--mmtrust-hedge on``; the
plugin as it runs by default (no hedging); and, for contrast, hedging against a tail that
belongs to the prompt (every attempt of one prompt in fifty is slow, ``--tail-per prompt``),
where a copy is as slow as the call it copies and can only cost requests. The copies sent are
read off the report.

    python benchmarks/tail_latency.py                # 7 tasks × 200 cases, C=32, L=100 ms
    python benchmarks/tail_latency.py --per-task 50  # smaller

Prints one line: ``tail latency: … · 1.04x ideal hedged, 1.39x by default``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Run, bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import MULTI_TASK_SUITE  # noqa: E402
from _server import BenchServer, slow_attempt, tail_prompt  # noqa: E402

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
    parser.add_argument("--seed", type=int, default=0, help="seed of the per-attempt draw of slow calls")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    work = scratch("tail")
    project = write_project(work / "project", {"test_tasks.py": MULTI_TASK_SUITE})
    prompts = [f"t{t}q{i}" for t in range(1, args.tasks + 1) for i in range(args.per_task)]
    env = bench_env(project, {"BENCH_N": str(args.per_task), "BENCH_TASKS": str(args.tasks)})
    delay = args.delay_ms / 1000.0

    def arm(name: str, tail_per: str, *hedge: str) -> tuple[Run, int, float, float]:
        with BenchServer(delay_ms=args.delay_ms, tail_every=TAIL_EVERY, tail_factor=TAIL_FACTOR, tail_per=tail_per,
                         tail_seed=args.seed) as server:
            common = ["test_tasks.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "openai/bench",
                      "--mmtrust-api-base", server.base_url, "--mmtrust-concurrency", str(args.concurrency),
                      "--mmtrust-cache-dir", str(work / "cache"), "--mmtrust-retries", "0", *hedge]
            run_pytest([*common, "--collect-only"], cwd=project, env=env).check("collecting the benchmark tasks")
            run = run_pytest([*common, "--mmtrust-store", str(work / f"{name}.sqlite")], cwd=project, env=env)
            run.check(f"the plugin's run ({name})")
        copies = hedged_copies(run.output)
        if server.received() != len(prompts) + copies:
            raise SystemExit(f"{name}: the server received {server.received()} requests, expected {len(prompts)} "
                             f"and {copies} hedged copies")
        if tail_per == "prompt":
            latencies = [delay * TAIL_FACTOR if tail_prompt(prompt, TAIL_EVERY) else delay for prompt in prompts]
        else:
            latencies = [delay * TAIL_FACTOR if slow_attempt(prompt, 1, TAIL_EVERY, args.seed) else delay for prompt in prompts]
        return run, copies, sum(latencies) / args.concurrency, in_order_makespan(latencies, args.concurrency)

    hedged, copies, ideal, in_order = arm("hedged", "attempt", "--mmtrust-hedge", "on")
    plain, _, _, _ = arm("default", "attempt")
    fixed, fixed_copies, fixed_ideal, fixed_in_order = arm("per-prompt", "prompt", "--mmtrust-hedge", "on")
    slow = sum(slow_attempt(prompt, 1, TAIL_EVERY, args.seed) for prompt in prompts)
    line = result_line(
        "tail latency",
        f"{args.tasks} tasks × {args.per_task} = {len(prompts)} requests, C={args.concurrency}, L={args.delay_ms:.0f} ms, "
        f"{slow} first attempts {TAIL_FACTOR:.0f}x slower (a draw per attempt) · ideal N·mean/C {ideal:.1f}s · in run "
        f"order with no overhead and no copies {in_order:.1f}s · plugin with --mmtrust-hedge on {hedged.items_s:.1f}s, "
        f"{copies} copies (whole run {hedged.wall_s:.1f}s) · by default (no hedging) {plain.items_s:.1f}s "
        f"({plain.items_s / in_order:.2f}x in-order) · a tail that belongs to the prompt, hedged: ideal "
        f"{fixed_ideal:.1f}s, in-order {fixed_in_order:.1f}s, plugin {fixed.items_s:.1f}s with {fixed_copies} copies "
        f"({fixed.items_s / fixed_ideal:.2f}x ideal)",
        f"{hedged.items_s / ideal:.2f}x ideal hedged, {plain.items_s / ideal:.2f}x by default",
    )
    emit(line, args.results)
    return line


def hedged_copies(output: str) -> int:
    """The hedged copies a run sent, from its report's note (0 when it sent none)."""
    found = re.search(r"hedged requests: ([\d,]+) second cop", output)
    return int(found.group(1).replace(",", "")) if found else 0


if __name__ == "__main__":
    main()
