"""Local model batching: the plugin's response phase against calling ``generate`` directly.

The model is the built-in tiny VLM loaded as ``hf:FOLDER`` (the path any local transformers
model takes), on the CPU here; every case carries an image. Two arms, each a separate
process, alternating ``--repeat`` times (the fastest of each is kept):

* **plugin** — ``pytest --mmtrust-model hf:FOLDER`` on N cases with an empty store. A
  session fixture loads the model before the first item, so the response phase (the first
  ``mmtrust_result`` set-up) holds only what the plugin does around the model: store keys,
  batching, storing every answer, progress, and preparing the next batch (decoding its images)
  in a helper thread while the model generates the current one;
* **direct** — the same requests (built by the same task from the same cases), cut into the
  same batches of ``--batch-size``, passed to ``HFModel.generate`` one batch after another.

The ratio is the plugin's throughput over the direct loop's (1.00x = no cost at all).

    python benchmarks/local_batching.py            # N=256, batch size 8, 16 new tokens

On a GPU the same code runs unchanged (the model goes to ``cuda`` in bfloat16 by itself).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import LOAD_MODEL_FIRST, PYTHON, TIMING_CONFTEST, bench_env, emit, result_line, run_pytest, scratch, write_project  # noqa: E402
from _projects import BENCH_SUITE  # noqa: E402

def direct_arm(project: Path, cache: Path, folder: Path, batch_size: int) -> dict[str, object]:
    """Runs in its own process: the task's requests through ``HFModel.generate``, batch by batch."""
    sys.path.insert(0, str(project))
    import test_bench  # the benchmark project's suite: the same task, cases and requests

    from pytest_mmtrust.models.hf import HFModel

    cases = test_bench.BENCH.dataset.load(None, cache / "datasets")
    requests = [test_bench.BENCH.request_for(case) for case in cases]
    start = time.perf_counter()
    model = HFModel(folder, batch_size=batch_size)
    loaded = time.perf_counter()
    for offset in range(0, len(requests), batch_size):
        answers = model.generate(requests[offset : offset + batch_size])
        if not all(answer.ok for answer in answers):
            raise SystemExit(f"generate failed: {[a.error for a in answers if not a.ok][:1]}")
    done = time.perf_counter()
    return {"load_s": loaded - start, "generate_s": done - loaded, "device": model.device}


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=256, help="cases (requests)")
    parser.add_argument("--batch-size", type=int, default=8, help="--mmtrust-batch-size")
    parser.add_argument("--max-tokens", type=int, default=16, help="new tokens asked per request")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each arm, alternating (the fastest is kept)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads in both arms (OMP_NUM_THREADS)")
    parser.add_argument("--results", help="append the result line to this JSON-lines file")
    parser.add_argument("--direct-arm", nargs=3, metavar=("PROJECT", "CACHE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.direct_arm:
        project, cache, folder = (Path(p) for p in args.direct_arm)
        print(json.dumps(direct_arm(project, cache, folder, args.batch_size)))
        return ""

    work = scratch("batching")
    project = write_project(work / "project", {"test_bench.py": BENCH_SUITE, "conftest.py": TIMING_CONFTEST + LOAD_MODEL_FIRST})
    cache = work / "cache"
    # One intra-op thread in both arms: two threads on a two-core machine that is doing anything
    # else make a batch of this small model anywhere from 2x to 50x slower, at random.
    env = bench_env(project, {"BENCH_N": str(args.n), "BENCH_IMAGES": "1", "BENCH_MAX_TOKENS": str(args.max_tokens),
                              "OMP_NUM_THREADS": str(args.threads)})
    # The tiny model's folder (built here once) is what a user's downloaded checkpoint would be.
    folder = subprocess.run(
        [PYTHON, "-c", "import sys; from pathlib import Path; from pytest_mmtrust.models.tiny import build_tiny_model; "
         "print(build_tiny_model(Path(sys.argv[1])))", str(cache / "models")],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()
    model = f"hf:{folder}"
    common = ["test_bench.py", "-q", "-p", "no:cacheprovider", "--mmtrust-model", model,
              "--mmtrust-batch-size", str(args.batch_size), "--mmtrust-cache-dir", str(cache)]
    run_pytest([*common, "--collect-only"], cwd=project, env=env).check("generating the data")

    plugin_s, direct_s, device = [], [], "?"
    for attempt in range(args.repeat):
        run = run_pytest([*common, "--mmtrust-store", str(work / f"store-{attempt}.sqlite")], cwd=project, env=env)
        plugin_s.append(run.check("the plugin").response_phase_s)
        out = subprocess.run(
            [PYTHON, os.path.abspath(__file__), "--batch-size", str(args.batch_size), "--direct-arm",
             str(project), str(cache), folder],
            env=env, cwd=project, check=True, capture_output=True, text=True,
        ).stdout
        measured = json.loads(out.strip().splitlines()[-1])
        direct_s.append(float(measured["generate_s"]))
        device = str(measured["device"])
    plugin, direct = min(plugin_s), min(direct_s)
    line = result_line(
        "local batching",
        f"hf: tiny VLM on {device} ({args.threads} thread{'s' if args.threads > 1 else ''}) · N={args.n} "
        f"batch {args.batch_size} · {args.max_tokens} new tokens · direct generate {direct:.2f}s "
        f"({args.n / direct:.0f} req/s) · plugin response phase {plugin:.2f}s ({args.n / plugin:.0f} req/s, best of {args.repeat})",
        f"{direct / plugin:.2f}x direct throughput",
    )
    emit(line, args.results)
    return line


if __name__ == "__main__":
    main()
