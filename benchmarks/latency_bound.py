"""Latency-bound API model: the response phase against the ideal N·L/C and against a serial loop.

A server on 127.0.0.1 (a process of its own) answers OpenAI-style chat requests after a fixed delay L, the way a
remote model behind an API does (the client waits; nobody's CPU is busy). N cases sent with C
calls in flight cannot finish faster than N·L/C; the plugin should come close. The serial
arm is what a suite written without the plugin does: each test asks its one question and waits.

Both arms are whole ``pytest`` processes started by this script, one after the other, against
the same server. The plugin's response phase is timed from the first item's set-up (where the
requests start going out) to the last item's call (the last answer scored); a session fixture asks for ``mmtrust_model`` first,
which imports litellm (seconds, once), as a suite that uses the model does. The serial loop's
time is its median call, so its one-off import of litellm in the first call is left out too.
The whole run, imports and collection and reporting included, is printed beside it. Running the serial loop on all N cases would take N·L (400 s for the defaults), so it
runs on ``--serial-n`` cases and its time per request is scaled to N (the loop is linear by
construction: one request per test, one test after another); ``--serial-n N`` runs it in full.

    python benchmarks/latency_bound.py            # N=2000, C=16, L=200 ms
    python benchmarks/latency_bound.py --n 500 --delay-ms 100

Prints one line: ``latency-bound: … · 1.07x ideal, 14.2x serial``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import LOAD_MODEL_FIRST, TIMING_CONFTEST, bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import BENCH_SUITE, SERIAL_LOOP_SUITE  # noqa: E402
from _server import BenchServer  # noqa: E402


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="cases (requests) in the task")
    parser.add_argument("--concurrency", type=int, default=16, help="--mmtrust-concurrency")
    parser.add_argument("--delay-ms", type=float, default=200.0, help="the server's fixed latency L")
    parser.add_argument("--serial-n", type=int, default=100, help="cases the serial loop runs (scaled to N)")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    delay = args.delay_ms / 1000.0
    work = scratch("latency")
    project = write_project(
        work / "project",
        {"test_bench.py": BENCH_SUITE, "test_serial.py": SERIAL_LOOP_SUITE, "conftest.py": TIMING_CONFTEST + LOAD_MODEL_FIRST},
    )
    with BenchServer(delay_ms=args.delay_ms) as server:
        env = bench_env(project, {"BENCH_N": str(args.n), "BENCH_API_BASE": server.base_url})
        plugin_args = [
            "test_bench.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "openai/bench",
            "--mmtrust-api-base", server.base_url, "--mmtrust-concurrency", str(args.concurrency),
            "--mmtrust-cache-dir", str(work / "cache"), "--mmtrust-retries", "0",
        ]
        # The dataset is generated once, outside the measurement (as on any run but the first).
        run_pytest([*plugin_args, "--collect-only"], cwd=project, env=env).check("collecting the benchmark task")

        plugin = run_pytest([*plugin_args, "--mmtrust-store", str(work / "plugin.sqlite")], cwd=project, env=env)
        plugin.check("the plugin's run")

        serial_env = {**env, "BENCH_N": str(args.serial_n)}
        serial = run_pytest(["test_serial.py", "-q", "-p", "no:cacheprovider", "-p", "no:mmtrust"], cwd=project, env=serial_env)
        serial.check("the serial loop")

    if server.received() != args.n + args.serial_n:
        raise SystemExit(f"the server received {server.received()} requests, expected {args.n} + {args.serial_n}")
    ideal = args.n * delay / args.concurrency
    response = plugin.items_s  # the first item's set-up to the last call: every request and every score
    # The median call: the first one also pays for importing litellm and opening a client.
    per_request = statistics.median(serial.times["call"])
    serial_total = per_request * args.n
    scaled = "" if args.serial_n == args.n else f", measured on {args.serial_n} and scaled"
    line = result_line(
        "latency-bound",
        f"N={args.n} C={args.concurrency} L={args.delay_ms:.0f}ms · ideal {ideal:.1f}s · plugin response phase "
        f"{response:.1f}s (whole run {plugin.wall_s:.1f}s) · serial loop {serial_total:.0f}s "
        f"({per_request * 1000:.0f} ms/request{scaled})",
        f"{response / ideal:.2f}x ideal, {serial_total / response:.1f}x serial",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
