"""pytest hooks and options — thin glue over the plain library below.

Where things happen (the same split as pytest-xdist):

* every process (controller, each worker) collects: a test function tagged with ``@task.test``
  is parametrized over its task's cases, ``test_x[S.4/0001]``;
* the process that runs an item hands every task and case it will run to the session at its
  first item (:meth:`EvaluationSession.plan`: requests start going out), scores the item and records a
  :class:`~pytest_mmtrust.records.ScoreRecord` in the report's ``user_properties``;
* only the controller (or the single process without xdist) turns records into metrics,
  gates and reports, in ``pytest_sessionfinish``; a failed gate sets the exit status.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from .config import OPTIONS, Settings
from .errors import ConfigError, MMTrustError, RunStopped
from .gates import read_baseline, write_baseline
from .models import parse_model_spec
from .records import ScoreRecord, records_from_properties
from .runner import ResponseRunner, RetryPolicy
from .report.html import write_html
from .report.json_report import write_json
from .report.junit import send_gate_reports
from .report.markdown import write_markdown
from .report.progress import Progress
from .report.terminal import summary_lines
from .session import EvaluationSession, ItemError, ItemResult
from .summary import RunSummary, baseline_entries, summarise
from .task import ASPECTS, Task, describe_all, task_of

PLUGIN_NAME = "mmtrust-session"
CASE_ARG = "mmtrust_case"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mmtrust", "trustworthiness benchmarks for multimodal models")
    for option in OPTIONS:
        dest = "mmtrust_" + option.name.replace("-", "_")
        if isinstance(option.default, bool):
            group.addoption(f"--mmtrust-{option.name}", action="store_const", const=True, default=None,
                            dest=dest, help=option.help)
        else:
            group.addoption(f"--mmtrust-{option.name}", action="store", default=None, dest=dest,
                            metavar=option.name.upper().replace("-", "_"), help=f"{option.help} (default: {option.default})")
    group.addoption("--mmtrust-gate", action="append", default=[], dest="mmtrust_gate", metavar="TASK>=X",
                    help="gate a task on its metric, e.g. 'S.4>=0.95' or 'S.4>=0.95:confident' "
                         "(the whole interval must clear it); repeatable; overrides [tool.mmtrust.gates]")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mmtrust: a pytest-mmtrust benchmark item")
    for aspect in ASPECTS:
        config.addinivalue_line("markers", f"mmtrust_{aspect}: pytest-mmtrust items of the {aspect} aspect")
    cli = {o.name: config.getoption("mmtrust_" + o.name.replace("-", "_")) for o in OPTIONS}
    pyproject = config.rootpath / "pyproject.toml"
    try:
        settings = Settings.resolve(config.rootpath, cli, config.getoption("mmtrust_gate"), pyproject)
        spec = parse_model_spec(settings.model)
        if settings.plots is not None:
            from .report.plots import check_available

            check_available()
        if not hasattr(config, "workerinput"):
            check_inputs(settings)
    except MMTrustError as exc:
        raise pytest.UsageError(str(exc)) from None
    share_with_suites(settings)
    plugin = MMTrustPlugin(config, settings)
    if plugin.is_controller and spec.kind == "api":
        plugin.check_api_model(spec)
    try:
        plugin.configure_evaluators()
    except MMTrustError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.pluginmanager.register(plugin, PLUGIN_NAME)


def check_inputs(settings: Settings) -> None:
    """Fail before the first model call on inputs that would otherwise fail only at the end.

    A baseline file is read at session end, a store file when the first task fetches: a broken
    one would then cost the whole run (or one traceback per item). An existing store is opened
    once here — its integrity check runs and nothing is written; a missing one is left for the
    run to create.
    """
    if settings.baseline is not None:
        read_baseline(settings.baseline)
    if settings.store is not None and settings.store.exists():
        from .store import ResponseStore

        ResponseStore(settings.store).close()


def share_with_suites(settings: Settings) -> None:
    """Hand run-wide evaluator choices to suite modules through the environment.

    Suite modules build their Task at import (collection) time, on every xdist worker; the
    environment is what workers inherit from the controller, so it is the one channel that
    reaches all of them before collection.
    """
    if settings.guard_evaluator:
        os.environ["MMTRUST_GUARD_EVALUATOR"] = settings.guard_evaluator
    if settings.judge:
        os.environ["MMTRUST_GUARD_JUDGE"] = settings.judge
    if settings.judge_api_base:
        # without it, `--mmtrust-guard-evaluator judge` would send the judge's requests to the
        # provider's default endpoint instead of the server --mmtrust-judge-api-base names
        os.environ["MMTRUST_GUARD_JUDGE_API_BASE"] = settings.judge_api_base


class MMTrustPlugin:
    """The per-run state the hooks share; all real work is delegated to the library."""

    def __init__(self, config: pytest.Config, settings: Settings):
        self.config = config
        self.settings = settings
        self.is_worker = hasattr(config, "workerinput")
        self.is_controller = not self.is_worker
        self.tasks: dict[str, Task] = {}
        self.task_meta: dict[str, dict[str, Any]] = {}
        self.expected: dict[str, int] = {}
        self.records: list[ScoreRecord] = []
        self.summary: RunSummary | None = None
        self.started = time.time()
        self._scratch: Path | None = None
        store = settings.store
        owner = "main"
        if self.is_worker:
            workerinput = config.workerinput  # type: ignore[attr-defined]
            owner = str(workerinput.get("workerid", "worker"))
            if store is None and workerinput.get("mmtrust_shared_store"):
                store = Path(workerinput["mmtrust_shared_store"])
        self.session = EvaluationSession(
            progress=self._progress(config, owner),
            model_spec=settings.model,
            cache_dir=settings.cache_dir,
            store_path=store,
            data_dir=settings.data,
            batch_size=settings.batch_size,
            concurrency=settings.concurrency,
            retries=settings.retries,
            max_retry_wait=settings.max_retry_wait,
            timeout=settings.timeout,
            api_base=settings.api_base,
            max_tokens=settings.max_tokens,
            seed=settings.seed,
            epochs=settings.epochs,
            rpm=settings.rpm,
            tpm=settings.tpm,
            owner=owner,
        )

    def _progress(self, config: pytest.Config, owner: str) -> Progress:
        """Progress of the response phase: a live line in a terminal, a few plain lines in CI.

        On xdist workers only stderr reaches the user's terminal; the capture manager's guard
        lets the line past pytest's output capturing during item set-up.
        """
        capman = config.pluginmanager.getplugin("capturemanager")
        guard = capman.global_and_fixture_disabled if capman else None
        if self.is_worker:
            return Progress(sys.stderr, live=False, label=f"mmtrust [{owner}]", newline_first=True, guard=guard)
        return Progress(sys.stdout, newline_first=True, guard=guard)

    def configure_evaluators(self) -> None:
        """Set the process-wide toxicity scorer and LLM judge (every process, before collection).

        Suites build their evaluators at import; ``judged_or_rules`` evaluators look the judge up
        here. The judge's answers go through a runner over the same response store as the model's,
        so they are cached and resumable like any other answer.
        """
        from .evaluators.judge import configure_judge
        from .evaluators.toxicity import configure_toxicity

        if self.settings.toxicity:
            configure_toxicity(self.settings.toxicity)
        if self.settings.judge:
            from .models import build_model

            try:
                spec = parse_model_spec(self.settings.judge)
            except MMTrustError as exc:
                raise ConfigError(str(exc).replace("--mmtrust-model", "--mmtrust-judge")) from None
            judge = build_model(
                spec, cache_dir=self.settings.cache_dir / "models", batch_size=self.settings.batch_size,
                api_base=self.settings.judge_api_base, timeout=self.settings.timeout,
            )
            self._judge_model = judge
            configure_judge(ResponseRunner(judge, self.session.store, concurrency=self.settings.concurrency,
                                           policy=RetryPolicy(retries=self.settings.retries,
                                                              max_retry_wait_s=self.settings.max_retry_wait)))

    # ------------------------------------------------------------ start-up checks

    def check_api_model(self, spec: Any) -> None:
        from .models import check_api_provider

        try:
            check_api_provider(spec)
            if self.settings.api_base:
                from .models.api import check_reachable

                for base in self.settings.api_base.split(","):
                    check_reachable(base.strip())
        except MMTrustError as exc:
            raise pytest.UsageError(str(exc)) from None

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        store = self.settings.store or "memory (--mmtrust-no-store)"
        data = self.settings.data or "bundled (generated)"
        judge = self.settings.judge or "rules"
        return [f"mmtrust: model {self.settings.model} · judge {judge} · store {store} · data {data}"]

    # ------------------------------------------------------------ xdist

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Without a store file, workers still need one place to share answers: a temp file."""
        if self.settings.store is None:
            if self._scratch is None:
                self._scratch = Path(tempfile.mkdtemp(prefix="mmtrust-"))
            node.workerinput["mmtrust_shared_store"] = str(self._scratch / "responses.sqlite")

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        data = getattr(node, "workeroutput", {}).get("mmtrust_tasks")
        if data:
            payload = json.loads(data)
            self.task_meta.update(payload["meta"])
            self.expected.update(payload["expected"])

    # ------------------------------------------------------------ collection

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        task = task_of(metafunc.function)
        if task is None:
            return
        if CASE_ARG not in metafunc.fixturenames:
            raise pytest.Collector.CollectError(
                f"{metafunc.function.__name__}: a @{task.id} task test must take the mmtrust_result (or mmtrust_case) fixture"
            )
        known = self.tasks.get(task.id)
        if known is not None and known is not task:
            raise pytest.Collector.CollectError(f"task id {task.id!r} is declared twice ({known.name!r} and {task.name!r})")
        try:
            cases = self.session.cases(task)
        except MMTrustError as exc:
            raise pytest.Collector.CollectError(f"task {task.id}: {exc}") from None
        if not self.tasks:
            self.share_store_with_judges()
        self.tasks[task.id] = task
        self.task_meta[task.id] = task.describe()
        self.expected[task.id] = len(cases)
        if self.settings.limit is not None:
            cases = first_cases(cases, self.settings.limit)
        self.config.addinivalue_line("markers", f"{task.marker}: pytest-mmtrust task {task.id}: {task.name}")
        for tag in task.tags:
            self.config.addinivalue_line("markers", f"mmtrust_{tag}: pytest-mmtrust items tagged {tag}")
        marks = [pytest.mark.mmtrust, getattr(pytest.mark, f"mmtrust_{task.aspect}"), getattr(pytest.mark, task.marker)]
        marks += [getattr(pytest.mark, f"mmtrust_{tag}") for tag in task.tags]
        metafunc.parametrize(
            CASE_ARG, [pytest.param(case, id=f"{task.id}/{case.key}", marks=marks) for case in cases]
        )

    def share_store_with_judges(self) -> None:
        """Let judges that evaluators build for themselves keep verdicts in the run's store.

        Done when the first task is collected, not at configure time: a run with no benchmark
        items (a project's own unit tests, with the plugin installed) must not route a judge
        that a test builds into its session's store. The store is opened only if a judge asks.
        """
        from .evaluators.judge import configure_judge_store

        configure_judge_store(lambda: self.session.store)

    # ------------------------------------------------------------ running

    def result_for(self, item: pytest.Item, case: Any) -> ItemResult:
        task = task_of(getattr(item, "function", None))
        if task is None:
            raise pytest.UsageError(f"{item.nodeid}: mmtrust_result needs a test tagged with @task.test")
        if not self.session.planned:
            self.session.plan(self._run_order(item.session))
        return self.session.result(task, case)

    def _run_order(self, session: pytest.Session) -> list[tuple[Task, list[Any]]]:
        """Each task with its cases among the session's items, tasks in the order they first run.

        The items are final once collection is over (selection and deselection done), so this
        is made once, at the first item: one scan of the items (6,000 in the built-in suites).
        """
        grouped: dict[str, tuple[Task, list[Any]]] = {}
        for other in session.items:
            other_task = task_of(getattr(other, "function", None))
            if other_task is not None and hasattr(other, "callspec"):
                grouped.setdefault(other_task.id, (other_task, []))[1].append(other.callspec.params[CASE_ARG])  # type: ignore[attr-defined]
        return list(grouped.values())

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_controller and report.when == "call":
            self.records.extend(records_from_properties(report.user_properties))

    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        if report.when == "call" and report.passed:
            for name, value in report.user_properties:
                if name == "mmtrust_outcome":
                    return "passed", ".", (str(value), {"green": True})
        return None

    # ------------------------------------------------------------ the end

    @pytest.hookimpl(tryfirst=True)  # before junitxml writes its file: gate testcases must be in it
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.is_worker:
            payload = {"meta": describe_all(self.tasks), "expected": self.expected}
            self.config.workeroutput["mmtrust_tasks"] = json.dumps(payload)  # type: ignore[attr-defined]
            self.session.close()
            return
        self.session.close()
        if not self.task_meta or self.config.option.collectonly:
            return
        try:
            baseline = read_baseline(self.settings.baseline) if self.settings.baseline else None
            self.summary = summarise(
                self.settings.model, self.task_meta, self.expected, self.records,
                self.settings.gates, baseline, self.settings.max_drop,
            )
            timing = {"started": self.started, "duration_s": round(time.time() - self.started, 3)}
            if self.settings.json:
                write_json(self.settings.json, self.summary, timing)
            if self.settings.md:
                write_markdown(self.settings.md, self.summary)
            if self.settings.html:
                write_html(self.settings.html, self.summary)
            if self.settings.plots:
                from .report.plots import write_plots

                write_plots(self.settings.plots, self.summary)
            send_gate_reports(self.config, self.summary, report_only=self.settings.report_only)
            if self.settings.save_baseline:
                write_baseline(self.settings.save_baseline, self.settings.model, baseline_entries(self.summary))
        except MMTrustError as exc:
            self._fail_session(session, f"mmtrust: {exc}")
            return
        if self.summary.failed and not self.settings.report_only and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _fail_session(self, session: pytest.Session, message: str) -> None:
        self.error_message = message
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        message = getattr(self, "error_message", None)
        if message:
            terminalreporter.write_sep("=", "mmtrust", red=True)
            terminalreporter.write_line(message, red=True)
        if self.summary is None:
            return
        terminalreporter.write_sep("=", "mmtrust summary")
        for line in summary_lines(self.summary):
            failing = line.startswith("FAIL")
            terminalreporter.write_line(line, red=failing)
        if self.summary.failed:
            note = " (reported only: --mmtrust-report-only)" if self.settings.report_only else ""
            terminalreporter.write_line(
                f"mmtrust: {len(self.summary.failed)} gate(s) failed{note}", red=not self.settings.report_only
            )

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        from .evaluators.judge import configure_judge, configure_judge_store
        from .evaluators.toxicity import configure_toxicity

        configure_judge(None)
        configure_judge_store(None)
        configure_toxicity(None)
        judge = getattr(self, "_judge_model", None)
        if judge is not None:
            judge.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def first_cases(cases: list[Any], limit: int) -> list[Any]:
    """The first ``limit`` case ids in dataset order, with every condition of each (pairs stay whole)."""
    keep: list[str] = []
    for case in cases:
        if case.id not in keep:
            if len(keep) == limit:
                continue
            keep.append(case.id)
    chosen = set(keep)
    return [case for case in cases if case.id in chosen]


def _plugin(config: pytest.Config) -> MMTrustPlugin:
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    assert isinstance(plugin, MMTrustPlugin)
    return plugin


@pytest.fixture
def mmtrust_case() -> Any:
    """The dataset case of this item; provided by ``@task.test`` parametrization."""
    raise pytest.UsageError("mmtrust_case is provided only to tests tagged with @task.test")


@pytest.fixture
def mmtrust_result(request: pytest.FixtureRequest, mmtrust_case: Any) -> ItemResult:
    """This item's case, request, response and score; the score is recorded on the report."""
    plugin = _plugin(request.config)
    try:
        result = plugin.result_for(request.node, mmtrust_case)
    except RunStopped as exc:  # every further request would fail alike: end the session, one line
        message = f"mmtrust: stopped: {exc}"
        if hasattr(request.config, "workerinput"):  # an xdist worker that exits looks crashed: stop the session
            request.session.shouldstop = message
            pytest.fail(message, pytrace=False)
        pytest.exit(message, returncode=pytest.ExitCode.INTERRUPTED)
    except ItemError as exc:
        pytest.fail(str(exc), pytrace=False)
    except MMTrustError as exc:  # DataError, ModelError, ConfigError, StoreError: one line, no traceback
        pytest.fail(f"mmtrust: {exc}", pytrace=False)
    for record in result.records:
        request.node.user_properties.extend(record.user_properties())
    return result


@pytest.fixture(scope="session")
def mmtrust_model(request: pytest.FixtureRequest) -> Any:
    """The model under test (built on first use)."""
    return _plugin(request.config).session.model


@pytest.fixture(scope="session")
def mmtrust_settings(request: pytest.FixtureRequest) -> Settings:
    return _plugin(request.config).settings
