"""Start-up: a one-task run that sends a few requests, the plugin against Inspect AI on one server.

What a developer waits for when they rerun one task after a change: start the process, read the
task's data (already generated: a warm dataset cache), send its requests, score, report. Both
arms send the same N requests (prompts ``t1q0`` …) to the same OpenAI-compatible server (a
process of its own, answering at once) and score them by exact match; each run starts from an
empty response store, so every request is sent. The plugin runs
``pytest test_tasks.py --mmtrust-model openai/bench --mmtrust-api-base URL``; Inspect runs
``inspect eval inspect_task.py --model openai/bench --model-base-url URL -M responses_api=False``
(Inspect needs an ``OPENAI_API_KEY`` and the chat-completions API to talk to such a server).
Each arm runs ``--repeat`` times, alternating; the best wall time of each is kept.

Inspect AI is not a dependency of the project: ``pip install inspect-ai`` to run this arm; without
it the benchmark prints a line saying so and measures the plugin alone.

    python benchmarks/startup.py            # N=20, best of 3

Prints one line: ``start-up: … · 0.45x Inspect's wall time``.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import MULTI_TASK_SUITE  # noqa: E402
from _server import BenchServer  # noqa: E402

INSPECT_TASK = textwrap.dedent(
    '''
    import os
    from inspect_ai import Task, task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import exact
    from inspect_ai.solver import generate


    @task
    def bench():
        n = int(os.environ["BENCH_N"])
        return Task(dataset=[Sample(input=f"t1q{i}", target="ok") for i in range(n)], solver=generate(), scorer=exact())
    '''
)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="requests (cases of the one task)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each arm (the best is kept)")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    args = parser.parse_args(argv)

    work = scratch("startup")
    project = write_project(work / "project", {"test_tasks.py": MULTI_TASK_SUITE, "inspect_task.py": INSPECT_TASK})
    env = bench_env(project, {"BENCH_N": str(args.n), "BENCH_TASKS": "1", "OPENAI_API_KEY": "sk-bench-local"})
    have_inspect = importlib.util.find_spec("inspect_ai") is not None
    inspect_cli = shutil.which("inspect", path=str(Path(sys.executable).parent)) if have_inspect else None
    plugin_runs, inspect_runs = [], []
    with BenchServer() as server:
        plugin_args = ["test_tasks.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", "openai/bench",
                       "--mmtrust-api-base", server.base_url, "--mmtrust-cache-dir", str(work / "cache")]
        run_pytest([*plugin_args, "--collect-only"], cwd=project, env=env).check("generating the dataset")
        # one unmeasured run of each arm first: it compiles their modules into the bytecode cache,
        # as any run but a user's very first finds them
        for number in range(-1, args.repeat):
            store = ["--mmtrust-store", str(work / f"store-{number}.sqlite")]
            plugin_run = run_pytest([*plugin_args, *store], cwd=project, env=env).check("the plugin's run")
            plugin_runs += [plugin_run] if number >= 0 else []
            if inspect_cli:
                inspect_run = run_pytest(
                    ["eval", "inspect_task.py", "--model", "openai/bench", "--model-base-url", server.base_url,
                     "-M", "responses_api=False", "--display", "none", "--log-dir", str(work / f"logs-{number}")],
                    cwd=project, env=env, module="inspect_ai",
                ).check("Inspect's run")
                inspect_runs += [inspect_run] if number >= 0 else []
    expected = args.n * (args.repeat + 1) * (2 if inspect_cli else 1)
    if server.received() != expected:
        raise SystemExit(f"the server received {server.received()} requests, expected {expected}")
    plugin = min(run.wall_s for run in plugin_runs)
    if not inspect_runs:
        line = result_line("start-up", f"one task, N={args.n} · plugin {plugin:.2f}s (best of {args.repeat}) · "
                           "Inspect AI is not installed (pip install inspect-ai to compare)", "no ratio")
    else:
        inspect = min(run.wall_s for run in inspect_runs)
        line = result_line(
            "start-up",
            f"one task, N={args.n}, warm dataset cache, best of {args.repeat} · plugin {plugin:.2f}s · Inspect AI {inspect:.2f}s",
            f"{plugin / inspect:.2f}x Inspect's wall time",
        )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
