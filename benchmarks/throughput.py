"""Throughput against an instant server: the plugin against a raw async HTTP client, and CPU per request.

The server (a process of its own, kept-alive connections) answers at once, so what limits a run
is the client's CPU and the server's own. The physical limit on this machine is a raw client —
asyncio and aiohttp, no framework — sending the same requests with the same concurrency to the
same server (:mod:`_raw_client`). The plugin's figure is the time from the first item's set-up
to the last item's call, for four tasks of N/4 cases. Its CPU per request is the run's CPU time
less that of a fully cached rerun of the same items (everything but the requests), over N.
Items run one after another in pytest's main thread, each waiting for its own answer, so the
plugin cannot go faster than pytest runs the items when every answer is already there: the
cached rerun's item rate is printed beside it, and so is the plugin's request machinery alone
(:mod:`_stream_client`: the run-wide stream and the lean client, without pytest), and so is
the rate at which plain pytest runs as many trivial tests (``pass``, the plugin left out): no
run of N items in one pytest process can be faster than that, whatever its requests cost.
Beside it, the plugin's requests as the server saw them: N over the time from the first to
the last arrival of the pytest run's calls (the stream sends ahead of the items, on the same
interpreter as them).

    python benchmarks/throughput.py                  # N=4000, C=32
    python benchmarks/throughput.py --n 1000

Prints one line: ``throughput: … · 0.62x the raw client, 0.41 ms CPU/request``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import PYTHON, bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import MULTI_TASK_SUITE, TRIVIAL_SUITE  # noqa: E402
from _server import BenchServer  # noqa: E402

TASKS = 4


def client(script: str, base: str, prompts: list[str], concurrency: int, env: dict[str, str]) -> dict[str, float]:
    """Run one of the bare clients (a process of its own) and read its figures."""
    done = subprocess.run(
        [PYTHON, str(Path(__file__).resolve().parent / script), "--base", base, "--prompts", ",".join(prompts),
         "--concurrency", str(concurrency)],
        capture_output=True, text=True, env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"{script} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="requests in all")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    per_task = max(1, args.n // TASKS)
    n = per_task * TASKS
    work = scratch("throughput")
    project = write_project(work / "project", {"test_tasks.py": MULTI_TASK_SUITE, "test_plain.py": TRIVIAL_SUITE})
    env = bench_env(project, {"BENCH_N": str(per_task), "BENCH_TASKS": str(TASKS)})
    prompts = [f"t{t}q{i}" for t in range(1, TASKS + 1) for i in range(per_task)]
    with BenchServer() as server:
        common = ["test_tasks.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "openai/bench",
                  "--mmtrust-api-base", server.base_url, "--mmtrust-concurrency", str(args.concurrency),
                  "--mmtrust-cache-dir", str(work / "cache"), "--mmtrust-store", str(work / "plugin.sqlite")]
        run_pytest([*common, "--collect-only"], cwd=project, env=env).check("collecting the benchmark tasks")
        raw = client("_raw_client.py", server.base_url, prompts, args.concurrency, env)
        stream = client("_stream_client.py", server.base_url, [f"s{p}" for p in prompts], args.concurrency, env)
        plugin = run_pytest(common, cwd=project, env=env).check("the plugin's run")
        cached = run_pytest(common, cwd=project, env=env).check("the cached rerun")
        bare = run_pytest(["test_plain.py", "-q", "-p", "no:cacheprovider", "-p", "no:mmtrust"], cwd=project,
                          env={**env, "BENCH_N": str(n)}).check("plain pytest")
    if server.received() != 3 * n:
        raise SystemExit(f"the server received {server.received()} requests, expected {3 * n} (raw, stream, plugin)")
    raw_figures = raw
    raw_rate = n / raw_figures["wall_s"]
    stream_rate = n / stream["wall_s"]
    plugin_rate = n / plugin.items_s
    # each t… prompt was asked first by the raw client, then by the plugin's run (the stream
    # client's prompts start with "s"): the second arrival is the plugin's call
    plugin_calls = [times[1] for prompt, times in server.arrivals.items() if not prompt.startswith("s") and len(times) > 1]
    sending_rate = n / (max(plugin_calls) - min(plugin_calls)) if len(plugin_calls) > 1 else float("nan")
    cpu_ms = (plugin.cpu_s - cached.cpu_s) / n * 1000
    line = result_line(
        "throughput",
        f"N={n} C={args.concurrency}, an instant server · raw aiohttp client {raw_rate:.0f} req/s "
        f"({raw_figures['cpu_s'] / n * 1000:.2f} ms CPU/request) · the plugin's stream alone {stream_rate:.0f} req/s "
        f"({stream['cpu_s'] / n * 1000:.2f} ms CPU/request, {stream_rate / raw_rate:.2f}x) · plugin {plugin_rate:.0f} req/s "
        f"(its calls reached the server at {sending_rate:.0f}/s, {sending_rate / raw_rate:.2f}x the raw client) "
        f"(run {plugin.cpu_s:.1f}s CPU, cached rerun {cached.cpu_s:.1f}s; pytest runs the same items from the "
        f"store at {n / cached.items_s:.0f}/s, {n} trivial tests at {n / bare.items_s:.0f}/s = "
        f"{n / bare.items_s / raw_rate:.2f}x the raw client; the plugin's CPU per cached item beyond pytest's "
        f"{(cached.cpu_s - bare.cpu_s) / n * 1000:.2f} ms)",
        f"{plugin_rate / raw_rate:.2f}x the raw client, {cpu_ms:.2f} ms CPU/request",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
