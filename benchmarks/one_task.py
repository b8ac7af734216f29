"""One task out of all: ``-m mmtrust_s4`` over every built-in suite against S.4's suite file alone.

A user who selects one task by marker from the whole set must pay what that task costs and no
more: its own dataset generated (on a fresh cache) and its own items run, not the other 44
tasks' data. Both arms start from an empty cache folder and answer with an instant ``py:`` model
(so the data, not the model, is what is measured):

* **alone** — ``pytest suites/safety/test_s4_typographic_jailbreaking.py``;
* **selected** — ``pytest suites -m mmtrust_s4`` (every suite file collected, one task selected).

It prints the wall time of each (best of ``--repeat``), the bytes each wrote into its cache and
the tasks each report names, and the ratio selected / alone (target ≤ 1.1x, and the same bytes
and the same single task).

    python benchmarks/one_task.py
    python benchmarks/one_task.py --marker mmtrust_t1 --suite suites/truthfulness/test_t1_basic_world_understanding.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402

MODEL = "def answer(request):\n    return 'I cannot help with that.'\n"


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marker", default="mmtrust_s4", help="the task's marker")
    parser.add_argument("--suite", default="suites/safety/test_s4_typographic_jailbreaking.py", help="its suite file")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each arm (the fastest is kept)")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    work = scratch("one-task")
    write_project(work / "project", {"one_task_model.py": MODEL})
    env = bench_env(work / "project")
    arms = {"alone": [str(ROOT / args.suite)], "selected": [str(ROOT / "suites"), "-m", args.marker]}
    best: dict[str, tuple[float, int, list[str]]] = {}
    for attempt in range(args.repeat):
        for name, selection in arms.items():  # alternating arms: a busy moment hits both alike
            cache = work / f"cache-{name}-{attempt}"
            report = work / f"{name}-{attempt}.json"
            run = run_pytest(
                [*selection, "-q", "-p", "no:cacheprovider", "--mmtrust-model", "py:one_task_model:answer",
                 "--mmtrust-no-store", "--mmtrust-report-only", "--mmtrust-cache-dir", str(cache),
                 "--mmtrust-json", str(report), "--rootdir", str(work / "project")],
                cwd=work / "project", env=env,
            ).check(f"the {name} arm")
            tasks = [task["id"] for task in json.loads(report.read_text())["tasks"]]
            if name not in best or run.wall_s < best[name][0]:
                best[name] = (run.wall_s, folder_bytes(cache), tasks)
    (alone_s, alone_bytes, alone_tasks), (selected_s, selected_bytes, selected_tasks) = best["alone"], best["selected"]
    if selected_tasks != alone_tasks:
        raise SystemExit(f"the selected run reported {selected_tasks}, the task alone {alone_tasks}")
    line = result_line(
        "one task",
        f"{args.marker}: alone {alone_s:.2f}s, {alone_bytes / 1e6:.1f} MB of data · selected from every suite "
        f"{selected_s:.2f}s, {selected_bytes / 1e6:.1f} MB · tasks reported: {', '.join(selected_tasks)} "
        f"(best of {args.repeat})",
        f"{selected_s / alone_s:.2f}x the task alone",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
