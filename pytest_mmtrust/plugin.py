"""pytest hooks and options — thin glue over the plain library below.

Where things happen (the same split as pytest-xdist):

* every process (controller, each worker) reads the options into one
  :class:`~pytest_mmtrust.config.Settings`, builds the run context the evaluators are bound to
  (:mod:`pytest_mmtrust.context`: judge, toxicity scorer, MLLMGuard scorer, scoring profile) and
  collects: a test function tagged with ``@task.test`` is parametrized over its task's cases,
  ``test_x[S.4/0001]``;
* the process that runs items hands every task and case it will run to its
  :class:`~pytest_mmtrust.session.EvaluationSession` at its first item
  (:meth:`~pytest_mmtrust.session.EvaluationSession.plan`). A model that takes many calls at once
  gets one run-wide request stream (:mod:`pytest_mmtrust.stream`): the next tasks' requests go out
  while this task's last ones are answered, and each item waits for its own answer only; a local
  model is asked task by task, in batches, at each task's first item. Each item is scored and
  leaves a :class:`~pytest_mmtrust.records.ScoreRecord` in its report's ``user_properties``;
* only the controller (or the single process without xdist) turns the records into metrics,
  gates and reports: :class:`~pytest_mmtrust.controller.RunController`, at
  ``pytest_sessionfinish``; a failed gate sets the exit status.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .config import OPTIONS, Settings
from .context import context_for
from .controller import RunController
from .errors import MMTrustError, ModelError, RunStopped
from .gate_checks import GateCheck, check_gates
from .gates import read_baseline
from .heap import freeze_at_exit
from .hedging import hedge_note
from .markers import item_markers, run_markers, task_markers
from .metrics import Metric
from .models import Model, parse_model_spec
from .records import records_from_properties
from .redaction import add_url_secrets, install_log_redaction, refresh
from .report.case_errors import case_error_repr
from .report.junit import send_gate_reports
from .report.progress import Progress
from .reuse import new_run_id
from .safe_text import for_terminal
from .session import EvaluationSession, ItemError, ItemResult
from .task import Task, task_of
from .task_selection import could_select
from .values import Case

PLUGIN_NAME = "mmtrust-session"
CASE_ARG = "mmtrust_case"
#: Set on an item (and copied to its report) when it fails with a case error: see report.case_errors.
CASE_ERROR_ATTRIBUTE = "mmtrust_case_error"


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
    for name, description in run_markers():
        config.addinivalue_line("markers", f"{name}: {description}")
    cli = {o.name: config.getoption("mmtrust_" + o.name.replace("-", "_")) for o in OPTIONS}
    pyproject = config.rootpath / "pyproject.toml"
    refresh()  # the secrets this run knows (pytest_mmtrust.redaction), blanked from all it writes
    try:
        settings = Settings.resolve(config.rootpath, cli, config.getoption("mmtrust_gate"), pyproject)
        add_url_secrets(settings.api_base)
        add_url_secrets(settings.judge_api_base)
        spec = parse_model_spec(settings.model)
        prepare_python_specs(config, settings, spec)
        if settings.plots is not None:
            from .report.plots import check_available

            check_available()
        if not hasattr(config, "workerinput"):
            mmtrust_run = any(value is not None for value in cli.values()) or bool(config.getoption("mmtrust_gate"))
            check_inputs(settings, new_store=mmtrust_run)
    except MMTrustError as exc:
        raise pytest.UsageError(for_terminal(exc)) from None
    try:
        plugin = MMTrustPlugin(config, settings)
    except MMTrustError as exc:
        raise pytest.UsageError(for_terminal(exc)) from None
    if plugin.is_controller and spec.kind == "api":
        plugin.check_api_model(spec)
    if plugin.is_controller:
        plugin.check_judge_server()
    plugin.undo_log_redaction = install_log_redaction()
    config.pluginmanager.register(plugin, PLUGIN_NAME)


def prepare_python_specs(config: pytest.Config, settings: Settings, spec: Any) -> None:
    """``py:`` specs import from the rootdir too; the model's module must be found (controller).

    Without this a model file next to pyproject.toml imported under ``python -m pytest`` (which
    puts the current folder on the path) but not under ``pytest``, and every item failed alone.
    """
    specs = [settings.model, settings.judge or "", settings.toxicity or ""]
    if not any(text.strip().startswith("py:") for text in specs):
        return
    from .models.python import add_rootdir_to_path, check_importable

    add_rootdir_to_path(config.rootpath)
    if spec.kind == "py" and not hasattr(config, "workerinput"):
        check_importable(spec.target, config.rootpath)


def check_inputs(settings: Settings, *, new_store: bool = True) -> None:
    """Fail before the first model call on inputs that would otherwise fail only at the end.

    A baseline file is read at session end, a store file when the first task fetches: a broken
    one would then cost the whole run (or one error per item). An existing store is opened
    once here — its integrity check runs and nothing is written (a read-only one is opened for
    reading). For a missing one, that its folder can be created is checked without creating it;
    ``new_store=False`` skips that for the default store of a run given no ``--mmtrust-*`` option
    (a project's own tests with the plugin installed, in a checkout that may be read-only).
    """
    if settings.baseline is not None:
        read_baseline(settings.baseline)
    if settings.store is not None:
        from .store import check_store_location

        default = settings.store == settings.rootdir / ".mmtrust" / "responses.sqlite"
        if settings.store.exists() or new_store or not default:
            check_store_location(settings.store)


class MMTrustPlugin:
    """The per-run state the hooks share; all real work is delegated to the library."""

    def __init__(self, config: pytest.Config, settings: Settings):
        self.config = config
        self.settings = settings
        self.is_worker = hasattr(config, "workerinput")
        self.is_controller = not self.is_worker
        self.declared: dict[str, Task] = {}  # every task collected here, selected or not
        self.tasks: dict[str, Task] = {}  # the tasks whose data was read (or found unreadable)
        self.expected: dict[str, int] = {}
        self.descriptions: dict[str, dict[str, Any]] = {}
        self.unreadable: dict[str, str] = {}  # task id -> why its data could not be read
        self.selected_tasks: set[str] = set()
        #: the controller's side of the run (metrics, gates, reports); None on xdist workers
        self.controller: RunController | None = RunController(settings) if self.is_controller else None
        self.error_message: str | None = None
        self._scratch: Path | None = None
        self.undo_log_redaction: Any = None
        self.identity: str | None = None
        self.gate_warnings: list[str] = []
        self.hedges: dict[str, int] = {}  # hedged copies sent and won, summed over this process and workers
        self._gates_checked = False
        self._shown_details: set[str] = set()
        store = settings.store
        owner = "main"
        #: This pytest session's id, recorded with every answer it stores (workers get the controller's).
        self.run_id = new_run_id()
        if self.is_worker:
            workerinput = config.workerinput  # type: ignore[attr-defined]
            owner = str(workerinput.get("workerid", "worker"))
            self.run_id = str(workerinput.get("mmtrust_run_id") or self.run_id)
            if store is None and workerinput.get("mmtrust_shared_store"):
                store = Path(workerinput["mmtrust_shared_store"])
        # the run context: how the judge, the toxicity scorer and the MLLMGuard scorer reach the
        # evaluators (bound per task by the session); its judge answers through this run's store
        context = context_for(settings, store=lambda: self.session.store)
        self.session = EvaluationSession(
            progress=self._progress(config, owner),
            model_spec=settings.model,
            model_version=settings.model_version,
            run_id=self.run_id,
            cache_dir=settings.cache_dir,
            store_path=store,
            data_dir=settings.data,
            batch_size=settings.batch_size,
            concurrency=settings.concurrency,
            hedge=settings.hedge,
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
            context=context,
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
            raise pytest.UsageError(for_terminal(exc)) from None

    def check_judge_server(self) -> None:
        """Fail at start-up, in one line, when the judge's server does not answer.

        Without this, each judged item would learn it after its own retries (18 minutes for S.5
        with the defaults). Only an OpenAI-compatible server named by ``--mmtrust-judge-api-base``
        is probed; the judge's key is not sent.
        """
        base = self.settings.judge_api_base
        guard = self.settings.guard_evaluator or ""
        judges = [self.settings.judge] if self.settings.judge else []
        if guard.startswith("judge:"):
            judges.append(guard.split(":", 1)[1])
        try:
            served = any(parse_model_spec(judge).kind == "api" for judge in judges)
        except MMTrustError:
            return  # a bad judge string is reported by configure_evaluators, naming its option
        if not base or not served:
            return
        from .models.api import check_reachable

        try:
            check_reachable(base)
        except MMTrustError as exc:
            raise pytest.UsageError(for_terminal(str(exc).replace("--mmtrust-api-base", "--mmtrust-judge-api-base"))) from None

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        store = self.settings.store or "memory (--mmtrust-no-store)"
        data = self.settings.data or "bundled (generated)"
        judge = self.settings.judge or "rules"
        version = f" (version {self.settings.model_version})" if self.settings.model_version else ""
        return [f"mmtrust: model {self.settings.model}{version} · judge {judge} · scoring {self.settings.scoring} "
                f"· store {store} · data {data}"]

    # ------------------------------------------------------------ xdist

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Workers share the run's id; without a store file they also need one place to share
        answers: a temp file."""
        node.workerinput["mmtrust_run_id"] = self.run_id
        if self.settings.store is None:
            if self._scratch is None:
                self._scratch = Path(tempfile.mkdtemp(prefix="mmtrust-"))
            node.workerinput["mmtrust_shared_store"] = str(self._scratch / "responses.sqlite")

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """Under xdist the controller sees only item ids: the task id opens each case's id
        (``test_x[S.4/0001]``). Gates are checked against those (and the built-in tasks) before
        any worker runs an item; a custom task's metric is known here only at the end."""
        if self._gates_checked:
            return
        self._gates_checked = True
        named = [*self.settings.gates.thresholds, *self.settings.gates.modes]
        found = _task_ids_in(ids)
        if not found:
            return  # no benchmark items: a project's own tests with the plugin installed
        found |= {task_id for task_id in named if any(f"[{task_id}/" in i or f"-{task_id}/" in i for i in ids)}
        self._raise_gate_errors(self._check_gates(found, {}, {}, len(found)))

    def _check_gates(self, ids: set[str], metrics: dict[str, Metric], defaults: dict[str, Any], count: int) -> GateCheck:
        """Check the gates against the collected ``ids`` and, when a gate names another id, the
        built-in tasks (imported only then: a third of a second)."""
        gates = self.settings.gates
        named = [*gates.thresholds, *gates.modes]
        known, metrics, defaults = set(ids), dict(metrics), dict(defaults)
        if any(task_id not in known for task_id in named):
            from .catalogue import builtin_tasks

            builtin = builtin_tasks()
            known |= set(builtin)
            for task_id in named:
                if task_id in builtin and task_id not in ids:
                    metrics[task_id], defaults[task_id] = builtin[task_id].metric, builtin[task_id].gate
        return check_gates(gates, known, metrics, defaults, collected=count)

    def _raise_gate_errors(self, found: GateCheck) -> None:
        for warning in found.warnings:
            if warning not in self.gate_warnings:
                self.gate_warnings.append(warning)
        if found.errors:
            raise pytest.UsageError(*found.errors)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        data = getattr(node, "workeroutput", {}).get("mmtrust_tasks")
        if data and self.controller is not None:
            payload = json.loads(data)
            self.controller.add_tasks(payload["meta"], payload["expected"])
            self.identity = self.identity or payload.get("identity")
            for name, count in (payload.get("hedges") or {}).items():
                self.hedges[name] = self.hedges.get(name, 0) + int(count)

    # ------------------------------------------------------------ collection

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        task = task_of(metafunc.function)
        if task is None:
            return
        if CASE_ARG not in metafunc.fixturenames:
            raise pytest.Collector.CollectError(
                f"{metafunc.function.__name__}: a @{task.id} task test must take the mmtrust_result (or mmtrust_case) fixture"
            )
        known = self.declared.get(task.id)
        if known is not None and known is not task:
            raise pytest.Collector.CollectError(f"task id {task.id!r} is declared twice ({known.name!r} and {task.name!r})")
        self.declared[task.id] = task
        marks = self._task_marks(task)
        if not self._could_be_selected(metafunc, task, marks):
            # -m/-k leave out every item of this task: read none of its data (one placeholder
            # item stands in for it, and pytest deselects it like the items it stands for)
            metafunc.parametrize(CASE_ARG, [pytest.param(Unselected(task.id), id=f"{task.id}/unselected", marks=marks)])
            return
        self.tasks[task.id] = task
        try:
            cases = self.session.cases(task)
            description = self.session.describe(task)
        except MMTrustError as exc:
            # this task's own failure, not the session's: the other tasks still run and report
            self.expected[task.id] = 1
            self.unreadable[task.id] = str(exc)
            message = for_terminal(f"mmtrust: task {task.id}: data could not be read: {exc}")
            metafunc.parametrize(CASE_ARG, [pytest.param(UnreadableData(task.id, message), id=f"{task.id}/data",
                                                         marks=marks)])
            return
        self.expected[task.id] = len(cases)
        self.descriptions[task.id] = description
        if self.settings.limit is not None:
            cases = first_cases(cases, self.settings.limit)
        metafunc.parametrize(
            CASE_ARG, [pytest.param(case, id=f"{task.id}/{case.key}", marks=marks) for case in cases]
        )

    def _task_marks(self, task: Task) -> list[Any]:
        """The markers every item of ``task`` carries (registered, so ``--strict-markers`` accepts them)."""
        for name, description in task_markers(task):
            self.config.addinivalue_line("markers", f"{name}: {description}")
        return [getattr(pytest.mark, name) for name in item_markers(task)]

    def _could_be_selected(self, metafunc: pytest.Metafunc, task: Task, marks: list[Any]) -> bool:
        """Whether ``-m``/``-k`` can select any item of the task (see :mod:`pytest_mmtrust.task_selection`)."""
        option = self.config.option
        mark_expression, keyword_expression = option.markexpr or "", option.keyword or ""
        if not mark_expression and not keyword_expression:
            return True
        definition = metafunc.definition
        markers = list(definition.iter_markers()) + [mark.mark for mark in marks]
        names = {  # as pytest's keyword matcher: no session, no root folder
            node.name for node in definition.listchain()
            if not isinstance(node, pytest.Session)
            and not (isinstance(node, pytest.Directory) and isinstance(node.parent, pytest.Session))
        }
        names.add(f"{definition.name}[{task.id}/")  # the known start of every item's name
        names.update(definition.listextrakeywords())
        names.update(name for name in vars(metafunc.function) if not name.startswith("_"))
        return could_select(mark_expression, keyword_expression, markers, names)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Report only the tasks with items left after selection (-m, -k, node ids …); then check
        the gates: one naming no task, or a bound no metric can reach, stops the run here —
        after collection (custom suites declare their tasks), before the first model call."""
        selected = {task.id for item in session.items if (task := task_of(getattr(item, "function", None)))}
        self.selected_tasks = selected
        if self.controller is not None:
            self.controller.add_tasks(
                {task_id: self._description(task_id) for task_id in self.tasks if task_id in selected},
                {task_id: self.expected[task_id] for task_id in self.tasks if task_id in selected},
            )
        if self.is_worker or self.config.pluginmanager.hasplugin("dsession") or not self.declared:
            return
        self._gates_checked = True
        # every declared task is known, selected or not: -m mmtrust_s4 with a gate for S.6 in
        # pyproject.toml is a narrower run, not a misspelt gate
        metrics = {task_id: task.metric for task_id, task in self.declared.items()}
        defaults = {task_id: task.gate for task_id, task in self.declared.items()}
        self._raise_gate_errors(self._check_gates(set(self.declared), metrics, defaults, len(self.declared)))

    def _description(self, task_id: str) -> dict[str, Any]:
        """What the controller needs of a collected task (a task whose data was unreadable says so)."""
        if task_id in self.unreadable:
            return unreadable_description(self.tasks[task_id], self.unreadable[task_id])
        return self.descriptions[task_id]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item: pytest.Item) -> None:
        """A task's stand-in item fails with its reason, whichever fixture the test asked for."""
        params = getattr(getattr(item, "callspec", None), "params", {})
        stand_in = params.get(CASE_ARG)
        if isinstance(stand_in, UnreadableData):
            pytest.fail(stand_in.message, pytrace=False)
        if isinstance(stand_in, Unselected):
            pytest.fail(f"mmtrust: task {stand_in.task_id} was left out by -m/-k before its data was read, "
                        "but this item was selected: please report this with the command line", pytrace=False)

    # ------------------------------------------------------------ running

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Any:
        """The item being run, for the ``mmtrust_result`` fixture (see :data:`_RUNNING`)."""
        _RUNNING.append((self, item))
        try:
            return (yield)
        finally:
            _RUNNING.pop()

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
            case = other.callspec.params.get(CASE_ARG) if hasattr(other, "callspec") else None  # type: ignore[attr-defined]
            if other_task is not None and isinstance(case, Case):  # not a stand-in (unreadable data)
                grouped.setdefault(other_task.id, (other_task, []))[1].append(case)
        return list(grouped.values())

    def item_failure(self, error: ItemError) -> str:
        """An item's failure text: the one line, and the first time in this process a user's model
        raised a given exception, its traceback (later items point back to it)."""
        if not error.details:
            return str(error)
        if error.details in self._shown_details:
            return f"{error} (its traceback is shown with the first case that failed this way)"
        self._shown_details.add(error.details)
        return f"{error}\n\n{error.details}"

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        """Mark the report of an item that failed with a case error (the mark travels with xdist)."""
        report = yield
        message = getattr(item, CASE_ERROR_ATTRIBUTE, None)
        if message is not None and report.failed:
            setattr(report, CASE_ERROR_ATTRIBUTE, message)
        return report

    @pytest.hookimpl(tryfirst=True)  # before the terminal and junitxml read the report
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        message = getattr(report, CASE_ERROR_ATTRIBUTE, None)
        if self.controller is not None and message is not None and report.failed:
            report.longrepr = case_error_repr(message, self.config.option.tbstyle)  # type: ignore[assignment]
        if self.controller is not None and report.when == "call":
            self.controller.add_records(records_from_properties(report.user_properties))

    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        if report.when == "call" and report.passed:
            for name, value in report.user_properties:
                if name == "mmtrust_outcome":
                    return "passed", ".", (for_terminal(value), {"green": True})
        return None

    # ------------------------------------------------------------ the end

    @pytest.hookimpl(tryfirst=True)  # before junitxml writes its file: gate testcases must be in it
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.controller is None:  # an xdist worker: describe its tasks for the controller
            selected = [task_id for task_id in self.tasks if task_id in self.selected_tasks]
            payload = {"meta": {task_id: self._description(task_id) for task_id in selected},
                       "expected": {task_id: self.expected[task_id] for task_id in selected},
                       "identity": self.session.identity, "hedges": self.session.hedges}
            self.config.workeroutput["mmtrust_tasks"] = json.dumps(payload)  # type: ignore[attr-defined]
            self.session.close()
            if selected:
                freeze_at_exit()
            return
        self.session.close()
        if not self.controller.has_tasks:
            return
        freeze_at_exit()  # the store is closed; see pytest_mmtrust.heap for why this is safe
        if self.config.option.collectonly or exitstatus == pytest.ExitCode.USAGE_ERROR:
            return
        if self.config.pluginmanager.hasplugin("dsession"):  # under xdist custom tasks' metrics are known only now
            task_meta = self.controller.task_meta
            metrics = {task_id: Metric.from_json(meta["metric"]) for task_id, meta in task_meta.items()}
            defaults = {task_id: meta.get("gate") for task_id, meta in task_meta.items()}
            try:
                self._raise_gate_errors(self._check_gates(set(task_meta), metrics, defaults, len(task_meta)))
            except pytest.UsageError as exc:
                self._fail_session(session, "mmtrust: " + "\n".join(str(arg) for arg in exc.args))
                return
        for name, count in self.session.hedges.items():
            self.hedges[name] = self.hedges.get(name, 0) + count
        hedged = hedge_note(self.hedges)
        try:
            summary = self.controller.finish(
                identity=self.identity or self.session.identity, run_id=self.run_id,
                notes=[*self.gate_warnings, *([hedged] if hedged else [])],
            )
            send_gate_reports(self.config, summary, report_only=self.settings.report_only)
            self.controller.save_baseline()
        except MMTrustError as exc:
            self._fail_session(session, f"mmtrust: {exc}")
            return
        if self.controller.failed and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _fail_session(self, session: pytest.Session, message: str) -> None:
        self.error_message = message
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.error_message:
            terminalreporter.write_sep("=", "mmtrust", red=True)
            terminalreporter.write_line(for_terminal(self.error_message), red=True)
        lines = self.controller.terminal_lines() if self.controller is not None else []
        if not lines:
            return
        terminalreporter.write_sep("=", "mmtrust summary")
        for line, loud in lines:
            terminalreporter.write_line(line, red=loud)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        models = self.session.context.models
        if models is not None:
            models.close()
        if self.undo_log_redaction is not None:
            self.undo_log_redaction()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


_PARAM_TASK = re.compile(r"\[([A-Za-z][A-Za-z0-9_.\-]*?)/")


def _task_ids_in(ids: list[str]) -> set[str]:
    """Task ids read off benchmark item ids (``test_x[S.4/0001]`` → ``S.4``)."""
    return {match.group(1) for i in ids if (match := _PARAM_TASK.search(i))}


@dataclass(frozen=True)
class Unselected:
    """Stands in for the cases of a task that -m/-k leave out, so its data is never read."""

    task_id: str


@dataclass(frozen=True)
class UnreadableData:
    """Stands in for the cases of a task whose data could not be read; its item fails with ``message``."""

    task_id: str
    message: str


def unreadable_description(task: Task, message: str) -> dict[str, Any]:
    """The controller's description of a task whose data could not be read: a failure with the reason."""
    description = task.describe()
    description["data_error"] = message
    return description


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


#: The plugin and item of each ``pytest_runtest_protocol`` in progress, innermost last (a
#: pytester run inside a test nests a second one): what ``mmtrust_result`` scores and records on.
_RUNNING: list[tuple[MMTrustPlugin, pytest.Item]] = []


def _plugin(config: pytest.Config) -> MMTrustPlugin:
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    assert isinstance(plugin, MMTrustPlugin)
    return plugin


@pytest.fixture
def mmtrust_case() -> Case:
    """The :class:`~pytest_mmtrust.values.Case` of this item, provided by ``@task.test``'s
    parametrization (in any other test, asking for it is a usage error). A task's test that takes
    only this fixture sees its case but is neither answered nor scored: take ``mmtrust_result``."""
    raise pytest.UsageError("mmtrust_case is provided only to tests tagged with @task.test")


@pytest.fixture
def mmtrust_result(mmtrust_case: Any) -> ItemResult:
    """This item's task, case, request, answer and score (an :class:`~pytest_mmtrust.session.ItemResult`).

    Before the test body runs, the answer is fetched (from the response store when it is there),
    scored by the task's evaluator and recorded on the item's report for the task's metric. An
    item fails here only when the pipeline broke — the model call failed after its retries, the
    case is malformed, the evaluator raised — never for a bad answer; assertions in the body
    fail just that item and leave the metric as it is.

    The item comes from the plugin's record of the item now running rather than from a
    ``request`` argument: pytest builds a new definition of the ``request`` fixture each time a
    fixture asks for it, three times per item here — as much as the rest of this fixture's work
    on a cached rerun."""
    if not _RUNNING:
        raise pytest.UsageError("mmtrust_result is provided only to test items run by pytest-mmtrust")
    plugin, node = _RUNNING[-1]
    if isinstance(mmtrust_case, (UnreadableData, Unselected)):
        return None  # type: ignore[return-value]  # the item fails in its call phase (pytest_runtest_call)
    failure = None
    try:
        result = plugin.result_for(node, mmtrust_case)
    except RunStopped as exc:  # every further request would fail alike: end the session, one line
        message = f"mmtrust: stopped: {exc}"
        if plugin.is_worker:  # an xdist worker that exits looks crashed: stop the session
            node.session.shouldstop = message
            pytest.fail(message, pytrace=False)
        pytest.exit(message, returncode=pytest.ExitCode.INTERRUPTED)
    except ItemError as exc:
        failure = plugin.item_failure(exc)
    except ModelError as exc:  # the model cannot be built: every item would fail the same way, stop once
        failure = f"mmtrust: {exc}"
        node.session.shouldstop = for_terminal(failure)
    except MMTrustError as exc:  # DataError, ConfigError: one line, no traceback
        failure = f"mmtrust: {exc}"
    if failure is not None:  # raised outside the except blocks: pytest would print the cause again
        setattr(node, CASE_ERROR_ATTRIBUTE, failure)
        pytest.fail(for_terminal(failure), pytrace=False)
    for record in result.records:
        node.user_properties.extend(record.user_properties())
    return result


@pytest.fixture(scope="session")
def mmtrust_model(request: pytest.FixtureRequest) -> Model:
    """The model under test (``--mmtrust-model``), a :class:`~pytest_mmtrust.models.Model`,
    built on first use and shared by the whole session."""
    return _plugin(request.config).session.model


@pytest.fixture(scope="session")
def mmtrust_settings(request: pytest.FixtureRequest) -> Settings:
    """The run's :class:`~pytest_mmtrust.config.Settings`: every ``--mmtrust-*`` option and
    ``[tool.mmtrust]`` setting, resolved and checked."""
    return _plugin(request.config).settings
