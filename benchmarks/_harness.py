"""What every benchmark here shares: throw-away pytest projects, timed subprocess runs, one result line.

Why subprocesses: each arm of a comparison (the plugin against plain pytest, the plugin against
a serial loop, a first run against a rerun) is a whole ``pytest`` process, started the same way
a user starts it, measured side by side in one benchmark run. Ratios between arms measured
seconds apart survive a busy machine far better than absolute seconds do.

The environment of every run: no network (``HF_HUB_OFFLINE``), litellm's bundled price table,
and bytecode caching *on* (``PYTHONDONTWRITEBYTECODE`` removed, the cache redirected with
``PYTHONPYCACHEPREFIX`` into the benchmark's scratch folder so nothing is written into the
checkout). A user's pytest keeps its rewritten modules in ``__pycache__``; recompiling every
module on every run would charge both arms for something no user pays.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

#: A conftest every benchmark project gets: it times each item's set-up and call phases and
#: writes them to ``$BENCH_TIMES`` as JSON at the end, with the set-up time of every
#: ``mmtrust_*`` fixture. The first ``mmtrust_result`` set-up of a task is the plugin's
#: response phase (it fetches the whole task's answers there).
TIMING_CONFTEST = textwrap.dedent(
    '''
    import json, os, time
    import pytest

    _TIMES = {"setup": [], "call": [], "fixtures": {}, "first_start": None, "last_end": None}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(fixturedef, request):
        start = time.perf_counter()
        yield
        if fixturedef.argname.startswith("mmtrust_"):
            _TIMES["fixtures"].setdefault(fixturedef.argname, []).append(time.perf_counter() - start)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(item):
        start = time.perf_counter()
        if _TIMES["first_start"] is None:
            _TIMES["first_start"] = start
        yield
        _TIMES["setup"].append(time.perf_counter() - start)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(item):
        start = time.perf_counter()
        yield
        end = time.perf_counter()
        _TIMES["call"].append(end - start)
        _TIMES["last_end"] = end

    def pytest_sessionfinish(session):
        target = os.environ.get("BENCH_TIMES")
        if target and not hasattr(session.config, "workerinput"):
            with open(target, "w") as fh:
                json.dump(_TIMES, fh)
    '''
)


#: Added to a benchmark project's conftest: asks for ``mmtrust_model`` before the first item, so
#: one-off costs (a local model's weights, an API client's import) are paid before the response
#: phase, as a user's suite does by asking for the model in a session fixture.
LOAD_MODEL_FIRST = textwrap.dedent(
    '''

    @pytest.fixture(scope="session", autouse=True)
    def _load_the_model_first(request):
        """Load the model (weights, client library) before the first item, when the plugin is on."""
        if request.config.pluginmanager.has_plugin("mmtrust"):
            request.getfixturevalue("mmtrust_model")
    '''
)


@dataclass(frozen=True)
class Run:
    """One finished pytest process."""

    wall_s: float
    peak_rss_mb: float
    returncode: int
    output: str
    times: Mapping[str, list[float]]
    cpu_s: float = float("nan")

    @property
    def items_s(self) -> float:
        """From the first item's set-up to the last item's call: where answers are awaited and scored."""
        first, last = self.times.get("first_start"), self.times.get("last_end")
        return float("nan") if first is None or last is None else float(last) - float(first)  # type: ignore[arg-type]

    @property
    def response_phase_s(self) -> float:
        """The first ``mmtrust_result`` set-up: where the plugin fetched every answer of the task."""
        return self.fixture_s("mmtrust_result")

    def fixture_s(self, name: str) -> float:
        """The first set-up time of fixture ``name`` (NaN when it never ran)."""
        found = self.times.get("fixtures", {}).get(name)
        return found[0] if found else float("nan")

    def check(self, what: str, expected_returncode: int = 0) -> "Run":
        if self.returncode != expected_returncode:
            tail = "\n".join(self.output.splitlines()[-30:])
            raise SystemExit(f"{what}: pytest exited {self.returncode} (expected {expected_returncode})\n{tail}")
        return self


def scratch(prefix: str) -> Path:
    """A fresh folder under the system temp dir (left for inspection; the OS cleans /tmp)."""
    return Path(tempfile.mkdtemp(prefix=f"mmtrust-bench-{prefix}-"))


def bench_env(workdir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CI", None)
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    env["HF_HUB_OFFLINE"] = "1"
    env["TRANSFORMERS_OFFLINE"] = "1"
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    env["PYTHONPATH"] = os.pathsep.join([str(workdir), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.update(extra or {})
    return env


def write_project(folder: Path, files: Mapping[str, str]) -> Path:
    """A pytest project: the timing conftest, an empty ini (so the checkout's ini is not used), files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conftest.py").write_text(TIMING_CONFTEST)
    (folder / "pytest.ini").write_text("[pytest]\n")
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return folder


def run_pytest(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout_s: float = 1800, module: str = "pytest"
) -> Run:
    """Run ``python -m pytest ARGS`` in ``cwd``; wall time and the child's own peak RSS."""
    times_file = Path(cwd) / f".times-{time.monotonic_ns()}.json"
    env = {**env, "BENCH_TIMES": str(times_file)}
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen([PYTHON, "-m", module, *args], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        # Block in wait4 (no polling loop competing for the CPU being measured); a timer kills
        # a run that hangs.
        timer = threading.Timer(timeout_s, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    times = json.loads(times_file.read_text()) if times_file.exists() else {}
    times_file.unlink(missing_ok=True)
    return Run(wall, usage.ru_maxrss / 1024.0, process.returncode, output, times, usage.ru_utime + usage.ru_stime)


def machine() -> str:
    """A short description of where the figures were taken."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load {os.getloadavg()[0]:.1f}"
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}{load}"


def result_line(name: str, details: str, ratios: str) -> str:
    """``name: details · ratios`` — every benchmark prints exactly one such line, ratios last."""
    return f"{name}: {details} · {ratios}"


def emit(line: str, results_file: str | None = None) -> None:
    """Print the result line (flushed) and, when asked, append it to a JSON-lines file."""
    print(line, flush=True)
    if results_file:
        with open(results_file, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"line": line, "at": time.strftime("%Y-%m-%d %H:%M"), "machine": machine()}) + "\n")
