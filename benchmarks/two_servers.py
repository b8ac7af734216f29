"""Scale-out: two OpenAI-compatible servers take the load together.

Each server stands in for one GPU host running vLLM or TGI: it works on at most ``--slots``
requests at a time, each for ``--work-ms`` (more wait in its queue), so one server caps the
throughput at slots / work. The same task runs twice with ``--mmtrust-concurrency`` = twice the
slots: against one server, then with ``--mmtrust-api-base A,B`` against both, which the API
adapter serves by fewest requests outstanding. Two servers should take about half the time,
each answering about half the requests.

    python benchmarks/two_servers.py               # N=800, 8 slots per server, 100 ms of work

Prints one line ending in the speed-up of two servers over one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import BENCH_SUITE  # noqa: E402
from _server import BenchServer  # noqa: E402


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=800, help="cases (requests)")
    parser.add_argument("--slots", type=int, default=8, help="requests one server works on at once")
    parser.add_argument("--work-ms", type=float, default=100.0, help="time one request takes a server")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    work = scratch("servers")
    project = write_project(work / "project", {"test_bench.py": BENCH_SUITE})
    env = bench_env(project, {"BENCH_N": str(args.n)})
    common = ["test_bench.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "openai/bench",
              "--mmtrust-concurrency", str(2 * args.slots), "--mmtrust-cache-dir", str(work / "cache")]
    with BenchServer(delay_ms=args.work_ms, slots=args.slots) as alone:
        run_pytest([*common, "--mmtrust-api-base", alone.base_url, "--collect-only"], cwd=project, env=env).check("generating")
        one = run_pytest([*common, "--mmtrust-api-base", alone.base_url, "--mmtrust-store", str(work / "one.sqlite")],
                         cwd=project, env=env).check("one server")
    with BenchServer(delay_ms=args.work_ms, slots=args.slots) as a, BenchServer(delay_ms=args.work_ms, slots=args.slots) as b:
        two = run_pytest([*common, "--mmtrust-api-base", f"{a.base_url},{b.base_url}",
                          "--mmtrust-store", str(work / "two.sqlite")], cwd=project, env=env).check("two servers")
    split = (a.received(), b.received())
    if sum(split) != args.n:
        raise SystemExit(f"two servers received {sum(split)} requests for {args.n} cases")
    ideal_one = args.n * args.work_ms / 1000 / args.slots
    line = result_line(
        "two servers",
        f"N={args.n} · {args.slots} slots × {args.work_ms:.0f} ms per server · one server {one.items_s:.1f}s "
        f"(ideal {ideal_one:.1f}s) · two servers {two.items_s:.1f}s (ideal {ideal_one / 2:.1f}s), "
        f"split {split[0]}/{split[1]}",
        f"{one.items_s / two.items_s:.2f}x faster with two",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
