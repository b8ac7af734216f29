"""Cached rerun: every built-in task on bundled data, first run against a rerun with every answer stored.

The first run starts from nothing: it generates every bundled dataset, builds the tiny model,
asks it every question and stores the answers. The rerun (``--repeat`` times; the fastest is
kept) must ask nothing: the benchmark fails if any rerun sends a request. Both are
``pytest suites --mmtrust-model tiny`` in the checkout, with the cache folder and the store in
a scratch folder; ``--mmtrust-report-only`` because the tiny model (random weights) fails most
gates, which is beside the point here.

    python benchmarks/cached_rerun.py
    python benchmarks/cached_rerun.py -- -m mmtrust_safety     # pytest arguments after --

Two more arms say where the rerun's time goes. The *floor*: plain pytest running as many
trivial parametrized tests (``pass``) as the rerun has items, with the plugin left out
(``-p no:mmtrust``) — what pytest itself costs before the plugin does anything. And ``-n 2``:
the same rerun on two xdist workers (the target says "on two cores"), which on two cores pays
xdist's per-item traffic to the controller and both workers' collection.

Prints one line: ``cached rerun: … · 18.0x faster, 1.9x the floor``.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, Run, bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import TRIVIAL_SUITE  # noqa: E402

_PROGRESS = re.compile(r"^mmtrust (\S+): (\d+)/(\d+) · (\d+) cached · (\d+) sent · (\d+) errors", re.MULTILINE)
_OUTCOME = re.compile(r"(\d+) passed")


def sent_and_total(run: Run) -> tuple[int, int, int]:
    """(requests sent, requests in all, tasks) from the response phase's progress lines."""
    found = _PROGRESS.findall(run.output)
    return sum(int(m[4]) for m in found), sum(int(m[2]) for m in found), len(found)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="reruns (the fastest is kept)")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)

    work = scratch("rerun")
    env = bench_env(work)
    command = [
        "suites", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "tiny", "--mmtrust-report-only",
        "--mmtrust-cache-dir", str(work / "cache"), "--mmtrust-store", str(work / "responses.sqlite"),
        *args.pytest_args,
    ]
    first = run_pytest(command, cwd=ROOT, env=env).check("the first run")
    sent_first, total, tasks = sent_and_total(first)
    reruns = [run_pytest(command, cwd=ROOT, env=env).check("a rerun") for _ in range(args.repeat)]
    for rerun in reruns:
        sent, _, _ = sent_and_total(rerun)
        if sent:
            raise SystemExit(f"a rerun sent {sent} requests: it should have found every answer in the store")
    best = min(reruns, key=lambda r: r.wall_s)
    items = _OUTCOME.search(best.output)
    count = int(items.group(1)) if items else 0
    floor_project = write_project(work / "floor", {"test_plain.py": TRIVIAL_SUITE})
    floor_env = bench_env(floor_project, {"BENCH_N": str(count)})
    floors = [run_pytest(["test_plain.py", "-q", "-p", "no:cacheprovider", "-p", "no:mmtrust"], cwd=floor_project,
                         env=floor_env).check("plain pytest") for _ in range(args.repeat)]
    floor = min(floors, key=lambda r: r.wall_s)
    extra = ""
    if importlib.util.find_spec("xdist") is not None:
        two = run_pytest([*command, "-n", "2"], cwd=ROOT, env=env).check("the rerun on two xdist workers")
        extra = f" · -n 2 {two.wall_s:.1f}s"
    line = result_line(
        "cached rerun",
        f"{tasks} tasks, {count} items, {total} requests ({sent_first} sent the first time) · "
        f"first run {first.wall_s:.1f}s · rerun {best.wall_s:.1f}s (best of {args.repeat}, {best.cpu_s:.1f}s CPU, peak RSS "
        f"{best.peak_rss_mb:.0f} MB){extra} · floor: plain pytest, {count} trivial tests {floor.wall_s:.1f}s "
        f"({floor.cpu_s:.1f}s CPU)",
        f"{first.wall_s / best.wall_s:.1f}x faster, {best.wall_s / floor.wall_s:.2f}x the floor",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
