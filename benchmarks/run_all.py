"""Run every performance benchmark, one after another, and print their result lines together.

    python benchmarks/run_all.py                       # the figures in benchmarks/README.md
    python benchmarks/run_all.py --quick               # smaller sizes: a smoke run of a few minutes
    python benchmarks/run_all.py --only latency xdist  # a subset

Each benchmark prints one line ending in its ratio; ``--results FILE`` appends each line (with
the date and a description of the machine) to a JSON-lines file. The full set takes about
10-20 minutes on two cores, most of it in the cached-rerun benchmark's first run (every task
answered by the tiny model) and the 30,000-case runs of the overhead benchmark.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cached_rerun  # noqa: E402
import latency_bound  # noqa: E402
import local_batching  # noqa: E402
import one_task  # noqa: E402
import overhead  # noqa: E402
import startup  # noqa: E402
import tail_latency  # noqa: E402
import throughput  # noqa: E402
import two_servers  # noqa: E402
import xdist_dedup  # noqa: E402
from _harness import machine  # noqa: E402

#: name → (entry point, arguments for the full run, arguments for --quick)
BENCHMARKS: dict[str, tuple[Callable[[list[str]], str], list[str], list[str]]] = {
    "tail": (tail_latency.main, [], ["--per-task", "60"]),
    "throughput": (throughput.main, [], ["--n", "800"]),
    "startup": (startup.main, [], ["--repeat", "1"]),
    "latency": (latency_bound.main, [], ["--n", "400", "--serial-n", "20"]),
    "overhead": (overhead.main, [], ["--n", "2000", "--collect-n", "5000", "--repeat", "2"]),
    "rerun": (cached_rerun.main, [], ["--repeat", "1", "--", "-m", "mmtrust_safety"]),
    "one-task": (one_task.main, [], ["--repeat", "1"]),
    "batching": (local_batching.main, [], ["--n", "64", "--repeat", "1"]),
    "xdist": (xdist_dedup.main, [], ["--n", "200"]),
    "servers": (two_servers.main, [], ["--n", "200"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these")
    parser.add_argument("--results", help="append every result line to this JSON-lines file")
    args = parser.parse_args()

    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {machine()}", flush=True)
    lines = []
    for name, (entry, full, quick) in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        extra = ["--results", args.results] if args.results else []
        chosen = quick if args.quick else full
        if "--" in chosen:  # pytest arguments go last, after the benchmark's own options
            cut = chosen.index("--")
            argv = [*chosen[:cut], *extra, *chosen[cut:]]
        else:
            argv = [*chosen, *extra]
        lines.append(entry(argv))
    print("\n".join(["", "summary:", *lines]))


if __name__ == "__main__":
    main()
