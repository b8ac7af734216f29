"""pytest-xdist: no request is sent twice, and the results equal the serial run's.

A server on 127.0.0.1 counts every request it receives (a fresh one per run). The same task runs twice, each time
with an empty store: once in one process, once with ``-n 2`` (``--dist load``, the default:
items of the one task are dealt to both workers, so both reach the task's response phase and
must share it through the store's claims instead of both asking). The server must see every
request exactly once in each run, and the two JSON reports must agree on everything but timing
and the count of answers one worker read back from the store after the other fetched them.

    python benchmarks/xdist_dedup.py               # N=1000, 20 ms latency, -n 2

Prints one line ending in requests received per distinct request (1.00x = none twice).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import BENCH_SUITE  # noqa: E402
from _server import BenchServer  # noqa: E402


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without timing, without who-read-what-back-from-the-store counts, and without
    the model's identity (it names the API base, and each run has a server, a port, of its own)."""
    report = json.loads(json.dumps(report))
    report.pop("timing", None)
    report.pop("model_identity", None)
    report.pop("usage", None)
    report.get("totals", {}).pop("cached", None)
    for task in report.get("tasks", []):
        task.pop("cached", None)
        task.pop("usage", None)
    return report


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="cases (requests)")
    parser.add_argument("--delay-ms", type=float, default=20.0, help="the server's latency")
    parser.add_argument("--workers", type=int, default=2, help="-n")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    work = scratch("xdist")
    project = write_project(work / "project", {"test_bench.py": BENCH_SUITE})
    counts, runs, reports = [], [], []
    for name, extra in (("serial", []), ("xdist", ["-n", str(args.workers)])):
        # A fresh server per run: its counts are that run's requests. Two cases in three are
        # answered right, so the metric is not trivially 1.0.
        with BenchServer(delay_ms=args.delay_ms, two_in_three=True) as server:
            env = bench_env(project, {"BENCH_N": str(args.n)})
            common = ["test_bench.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "openai/bench",
                      "--mmtrust-api-base", server.base_url, "--mmtrust-cache-dir", str(work / "cache")]
            if not runs:
                run_pytest([*common, "--collect-only"], cwd=project, env=env).check("generating the data")
            run = run_pytest([*common, *extra, "--mmtrust-store", str(work / f"{name}.sqlite"),
                              "--mmtrust-json", str(work / f"{name}.json")], cwd=project, env=env)
            runs.append(run.check(f"the {name} run"))
        counts.append(server.counts)
        reports.append(comparable(json.loads((work / f"{name}.json").read_text())))

    serial_counts, xdist_counts = counts
    expected = {f"q{i}" for i in range(args.n)}
    for name, seen in zip(("serial", "xdist"), counts):
        if set(seen) != expected:
            raise SystemExit(f"the {name} run asked {len(set(seen))} distinct requests, expected {args.n}")
    twice = sum(count - 1 for count in xdist_counts.values() if count > 1)
    same = reports[0] == reports[1]
    if not same:
        raise SystemExit("the -n run's report differs from the serial run's")
    received = sum(xdist_counts.values())
    line = result_line(
        "xdist",
        f"N={args.n} · -n {args.workers} · server received {sum(serial_counts.values())} requests serially, "
        f"{received} with xdist ({twice} sent twice) · reports identical · serial run {runs[0].wall_s:.1f}s, "
        f"-n {args.workers} {runs[1].wall_s:.1f}s",
        f"{received / args.n:.2f}x requests per case",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
