"""One process's evaluation session: the model, the store, the tasks and their answers.

Plain Python, no pytest: the plugin creates one per process (controller or xdist worker) and
calls :meth:`EvaluationSession.result` from the ``mmtrust_result`` fixture. At the first item the
plugin hands over every task and case this process will run, in run order (:meth:`plan`).

An API model (any model taking many calls at once) gets one request stream for the whole run
(:mod:`pytest_mmtrust.stream`): the next tasks' requests go out while this task's last ones are
answered, and each item waits for its own answer only. A task's first item shows the task's
progress until all its requests are sent. A local model takes one call at a time, so there is
nothing to keep in flight across tasks: the first item of each of its tasks fetches the task's
cases in batches, the next batch prepared beside the current one (:meth:`prefetch`).

A local model (``tiny``, ``hf:PATH``) is loaded only when a request must really be sent. Its
store keys need only its identity, which :func:`local_model_identity` reads from the files on
disk; a rerun whose answers are all stored never imports torch or loads weights. That matters
beyond the seconds a load takes: once torch is imported, pytest's logging plugin visits each of
its few dozen non-propagating loggers around every phase of every test, which alone costs more
per item than everything this plugin does for it.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from .context import RunContext, bind_evaluator
from .errors import InvalidAnswerError, MMTrustError, MMTrustWarning, ModelError, RunStopped, StoreError
from .evaluators.base import Evaluator, evaluator_name
from .hedging import hedge_settings_for
from .invalid_answers import not_kept
from .models import ModelSpec, build_model, parse_model_spec
from .models.base import Model
from .models.identity import versioned_identity
from .ratelimit import RateLimiter
from .records import ScoreRecord, jsonable
from .runner import ProgressSink, ResponseRunner, RetryPolicy
from .store import MemoryStore, ResponseStore, StoreLike, cache_key
from .stream import GroupCounts, RequestStream
from .task import Task
from .values import Case, Request, Response, Score

RESPONSE_EXCERPT = 2000


class ItemError(MMTrustError):
    """The pipeline broke for one item (the model call failed for good, or the evaluator raised).

    ``details`` is a longer explanation worth showing once, not with every item: the traceback
    of the exception a user's ``py:`` model raised.
    """

    def __init__(self, message: str, details: str | None = None):
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class ItemResult:
    """What a test item sees through the ``mmtrust_result`` fixture.

    ``task`` and ``case`` are the item's; ``request`` is what the model was asked (with the
    run's overrides), ``response`` what it answered (``response.text``; ``response.cached`` when
    the answer came from the response store), ``score`` the evaluator's verdict and ``record``
    what the item reports to the controller for the task's metric. With ``--mmtrust-epochs K``
    the case is asked K times: ``records`` holds all K records, and ``request``, ``response``,
    ``score`` and ``record`` are the first asking's.
    """

    task: Task
    case: Case
    request: Request
    response: Response
    score: Score
    record: ScoreRecord
    records: tuple[ScoreRecord, ...] = ()


class EvaluationSession:
    """Lazily builds the model and store; fetches answers per task; scores items."""

    def __init__(
        self,
        *,
        model_spec: str,
        cache_dir: Path,
        store_path: Path | None,
        data_dir: Path | None = None,
        batch_size: int = 8,
        concurrency: int | str = 8,
        hedge: str = "off",
        retries: int = 4,
        max_retry_wait: float = 300.0,
        timeout: float = 60.0,
        api_base: str | None = None,
        max_tokens: int | None = None,
        seed: int = 0,
        epochs: int = 1,
        rpm: float | None = None,
        tpm: float | None = None,
        owner: str | None = None,
        model: Model | None = None,
        progress: ProgressSink | None = None,
        context: RunContext | None = None,
        model_version: str | None = None,
        run_id: str | None = None,
    ):
        self.spec: ModelSpec = parse_model_spec(model_spec)
        self.model_version = model_version
        self.run_id = run_id
        self.cache_dir = cache_dir
        self.store_path = store_path
        self.data_dir = data_dir
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.hedge = hedge
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self.timeout = timeout
        self.api_base = api_base
        self.max_tokens = max_tokens
        self.seed = seed
        self.epochs = max(1, epochs)
        self.limiter = RateLimiter(rpm=rpm, tpm=tpm)
        self.progress = progress
        self.owner = owner
        self._model = model
        self.context = context if context is not None else RunContext()
        self._evaluators: dict[str, Evaluator] = {}
        self._store: StoreLike | None = None
        self._runner: ResponseRunner | None = None
        self._cases: dict[str, list[Case]] = {}
        self._answers: dict[tuple[str, str, int], Response] = {}
        self._unbuilt: set[tuple[str, str, int]] = set()  # slots whose request could not be built
        self._prefetched: set[str] = set()
        self._planned: dict[str, Sequence[Case]] = {}
        self._keys: dict[tuple[str, str, int], str] = {}
        self._stream: RequestStream | None = None
        self._warned: set[str] = set()
        self.planned = False
        self._lock = threading.Lock()
        self._build_failure: MMTrustError | None = None

    # ------------------------------------------------------------ parts

    @property
    def model(self) -> Model:
        """The model under test, ready to answer: a local model's weights are loaded and an API
        model's client library imported (its optional ``warm_up()``), so the first request pays
        neither."""
        model = self._runner_model()
        if isinstance(model, DeferredModel):
            return model.loaded
        warm_up = getattr(model, "warm_up", None)
        if callable(warm_up):
            warm_up()
        return model

    def _build_model(self) -> Model:
        return build_model(
            self.spec, cache_dir=self.cache_dir / "models", batch_size=self.batch_size,
            api_base=self.api_base, timeout=self.timeout,
        )

    def _runner_model(self) -> Model:
        """What the runner talks to: a local model whose identity is known without loading it
        stays deferred until a request has to be sent; any other model is built at once."""
        if self._build_failure is not None:
            raise self._build_failure  # a model that could not be built fails the same way, at once
        if self._model is None:
            identity = None
            if self.spec.kind in ("tiny", "hf"):
                identity = local_model_identity(self.spec, self.cache_dir / "models")
            if identity is None:
                try:
                    self._model = self._build_model()
                except MMTrustError as exc:
                    self._build_failure = exc
                    raise
            else:
                name = "tiny" if self.spec.kind == "tiny" else f"hf:{self.spec.target}"
                self._model = DeferredModel(self._build_model, identity, name, self.batch_size, max_concurrency=1)
        return self._model

    @property
    def store(self) -> StoreLike:
        if self._store is None:
            self._store = (ResponseStore(self.store_path, owner=self.owner, run=self.run_id) if self.store_path
                           else MemoryStore(run=self.run_id))
        return self._store

    @property
    def runner(self) -> ResponseRunner:
        if self._runner is None:
            model = self._runner_model()
            self._runner = ResponseRunner(
                model, self.store, concurrency=self.concurrency,
                policy=RetryPolicy(retries=self.retries, max_retry_wait_s=self.max_retry_wait), seed=self.seed,
                limiter=self.limiter, progress=self.progress,
                identity=versioned_identity(model.identity(), self.model_version),
            )
        return self._runner

    def evaluator(self, task: Task) -> Evaluator:
        """The task's evaluator bound to this run's context (once per task; see
        :mod:`pytest_mmtrust.context`)."""
        evaluator = self._evaluators.get(task.id)
        if evaluator is None:
            with self._lock:
                evaluator = self._evaluators.get(task.id)
                if evaluator is None:
                    evaluator = bind_evaluator(task.evaluator, self.context)
                    self._evaluators[task.id] = evaluator
        return evaluator

    def describe(self, task: Task) -> dict[str, Any]:
        """The task's metadata for the controller, naming the evaluator this run uses."""
        return task.describe(self.evaluator(task))

    @property
    def hedges(self) -> dict[str, int]:
        """Hedged copies this process sent and how many answered first (see :mod:`pytest_mmtrust.hedging`)."""
        return self._stream.hedges() if self._stream is not None else {"sent": 0, "won": 0, "requests": 0}

    @property
    def identity(self) -> str | None:
        """The identity this process filed answers under (None before any was fetched)."""
        return None if self._runner is None else self._runner.identity

    def cases(self, task: Task) -> list[Case]:
        """The task's cases (loaded once per process)."""
        if task.id not in self._cases:
            self._cases[task.id] = task.dataset.load(self.data_dir, self.cache_dir / "datasets")
        return self._cases[task.id]

    # ------------------------------------------------------------ answers

    def request_for(self, task: Task, case: Case, epoch: int = 0) -> Request:
        """The case's request with run-wide overrides; epoch k asks with seed + k."""
        request = task.request_for(case)
        params = request.params
        if self.max_tokens is not None:
            params = replace(params, max_tokens=self.max_tokens)
        if self.seed or epoch:
            params = replace(params, seed=self.seed + epoch)
        return replace(request, params=params) if params != request.params else request

    @property
    def streaming(self) -> bool:
        """True when requests go out as one run-wide stream (a model taking many calls at once)."""
        return self.runner.concurrency > 1

    def plan(self, groups: Sequence[tuple[Task, Sequence[Case]]]) -> None:
        """Every task (with its cases) this process will run, in the order its items will run.

        Called once, at the first item. With a stream, every request is queued now and sending
        starts at once; otherwise each task is fetched at its first item (:meth:`prefetch`).
        """
        with self._lock:
            self.planned = True
            for task, cases in groups:
                self._planned.setdefault(task.id, list(cases))
                if self.streaming:
                    self._queue_task(task, cases)

    def _requests_of(self, task: Task, cases: Sequence[Case]) -> dict[str, Request]:
        """The task's requests by store key; a case whose request cannot be built gets its error now."""
        identity = self.runner.identity
        requests: dict[str, Request] = {}
        for case in cases:
            for epoch in range(self.epochs):
                slot = (task.id, case.key, epoch)
                if slot in self._keys or slot in self._answers:
                    continue
                try:
                    request = self.request_for(task, case, epoch)
                    key = cache_key(identity, request)
                except Exception as exc:  # this case only (an unreadable image …); the others go on
                    error = str(exc) if isinstance(exc, MMTrustError) else f"building the request raised {type(exc).__name__}: {exc}"
                    self._answers[slot] = Response(text=None, error=error)
                    self._unbuilt.add(slot)
                    continue
                self._keys[slot] = key
                requests[key] = request
        return requests

    def _stored_only(self, task: Task, requests: dict[str, Request]) -> dict[str, Request]:
        """On a read-only store, the answers it holds are used and nothing is sent: each request
        it lacks errors its own item with the store's reason (a fully cached rerun still runs)."""
        read_only = getattr(self.store, "read_only", None)
        if not requests or read_only is None:
            return requests
        stored = self.store.get_many(requests)
        try:
            self.store.claim([key for key in requests if key not in stored])
        except StoreError as exc:
            reason = str(exc)
        else:  # nothing was missing
            reason = ""
        for slot, key in list(self._keys.items()):
            if slot[0] == task.id and key in requests:
                self._answers[slot] = stored.get(key) or Response(text=None, error=reason)
                del self._keys[slot]
        return {}

    def _queue_task(self, task: Task, cases: Sequence[Case]) -> None:
        if self._stream is None:
            self._stream = RequestStream(self.runner, hedge=hedge_settings_for(self.hedge, self.runner.model))
        requests = self._stored_only(task, self._requests_of(task, cases))
        group = self._stream.group(task.id)
        if group is None:
            self._stream.add(task.id, requests)
        elif requests:  # cases asked for beyond the plan: a group of their own
            self._stream.add(f"{task.id}+{len(self._keys)}", requests)

    def prefetch(self, task: Task, cases: Sequence[Case]) -> None:
        """Get the answers of ``cases`` of ``task`` under way (once per task and process).

        With a stream: queue them if the plan did not, send them next, and show the task's
        progress until every request is sent. Without: fetch them all now, in batches.
        """
        with self._lock:
            if task.id in self._prefetched:
                return
            self._prefetched.add(task.id)
            if self.streaming:
                self._queue_task(task, cases)
                self._follow(task.id)
                return
            requests = self._stored_only(task, self._requests_of(task, cases))
            answers = self.runner.fetch(requests, label=task.id)
            for slot, key in list(self._keys.items()):
                if slot[0] == task.id and key in answers:
                    self._answers[slot] = answers[key]
                    del self._keys[slot]

    def _follow(self, label: str) -> None:
        """Show a task's progress (from the stream) until every one of its requests is sent."""
        stream = self._stream
        assert stream is not None
        stream.prioritise(label)
        group = stream.group(label)
        if group is None:
            return
        progress = self.progress
        shown = GroupCounts(label)
        notice = [self.runner.notice]

        def update(current: GroupCounts) -> None:
            if progress is None:
                return
            if self.runner.notice is not None and self.runner.notice != notice[0]:
                notice[0] = self.runner.notice
                self._warned.add(self.runner.notice)
                note = getattr(progress, "note", None)
                if callable(note):
                    note(self.runner.notice)
            cached, sent, errors = current.cached, current.sent, current.errors
            if (cached, sent, errors) != (shown.cached, shown.sent, shown.errors):
                progress.advance(cached=cached - shown.cached, sent=sent - shown.sent, errors=errors - shown.errors)
                shown.cached, shown.sent, shown.errors = cached, sent, errors

        if progress is not None:
            progress.start(label, group.total)
        update(group)
        stream.wait_sent(label, update)
        update(group)
        if progress is not None:
            progress.finish()

    def response(self, task: Task, case: Case, epoch: int = 0) -> Response:
        slot = (task.id, case.key, epoch)
        answer = self._answers.pop(slot, None)
        if answer is not None:
            return answer
        key = self._keys.get(slot)
        if key is not None and self._stream is not None:
            return self._stream.answer(key, self._note_while_waiting)
        # not planned (e.g. a case outside the collected set): ask now
        request = self.request_for(task, case, epoch)
        key = cache_key(self.runner.identity, request)
        return self.runner.fetch({key: request})[key]

    def _note_while_waiting(self) -> None:
        """While an item waits for its answer, pass on what the server asked (a long Retry-After)."""
        notice = self.runner.notice
        if notice is not None and notice not in self._warned and self.progress is not None:
            self._warned.add(notice)
            note = getattr(self.progress, "note", None)
            if callable(note):
                note(notice)

    def result(self, task: Task, case: Case) -> ItemResult:
        """Answer and score one case (each epoch); raise :class:`ItemError` if the pipeline broke,
        :class:`RunStopped` when the run must stop (for the model under test or a judge)."""
        if task.id not in self._prefetched:
            self.prefetch(task, self._planned.get(task.id, [case]))
        scored = []
        for epoch in range(self.epochs):
            request = self.request_for(task, case, epoch)
            response = self.response(task, case, epoch)
            if not response.ok:
                if (task.id, case.key, epoch) in self._unbuilt:  # no call was made: say what was wrong
                    raise ItemError(f"{task.id}/{case.key}: {response.error}")
                explain = getattr(self._model, "traceback_for", None)
                details = explain(response.error) if callable(explain) else None
                try:
                    self.runner.check_stopped()
                except RunStopped as stop:  # the run ends here: with the user's own traceback, once
                    if details:
                        raise RunStopped(f"{stop}\n\n{details}") from None
                    raise
                raise ItemError(f"{task.id}/{case.key}: model call failed: {response.error}", details)
            self._warn(task, case, response)
            evaluator = self.evaluator(task)
            try:
                response, score = self._evaluate(evaluator, task, case, request, response)
            except (ItemError, RunStopped):
                raise
            except InvalidAnswerError as exc:
                raise ItemError(f"{task.id}/{case.key}: {not_kept(exc)}") from None
            except Exception as exc:
                raise ItemError(f"{task.id}/{case.key}: evaluator {evaluator_name(evaluator)} raised "
                                f"{type(exc).__name__}: {exc}") from exc
            if self.epochs > 1:
                score = replace(score, details={**dict(score.details), "epoch": epoch})
            scored.append((request, response, score, self._record(task, case, response, score)))
        request, response, score, record = scored[0]
        return ItemResult(task, case, request, response, score, record, tuple(s[3] for s in scored))

    def _evaluate(
        self, evaluator: Evaluator, task: Task, case: Case, request: Request, response: Response
    ) -> tuple[Response, Score]:
        """The answer scored and its score; an answer the evaluator finds invalid is not kept.

        (See :mod:`pytest_mmtrust.invalid_answers`.) One read back from the store is asked again
        at once (an older run, or a model fixed since, may have written it); one just asked
        raises :class:`InvalidAnswerError`, and the next run asks again.
        """
        key = ""
        try:
            return response, evaluator(case, response.text or "")
        except InvalidAnswerError as exc:
            key = cache_key(self.runner.identity, request)
            self._discard(task, case, key, exc)
            if not response.cached:
                raise
        fresh = self.runner.fetch({key: request})[key]
        if not fresh.ok:
            raise ItemError(f"{task.id}/{case.key}: model call failed: {fresh.error}")
        try:
            return fresh, evaluator(case, fresh.text or "")
        except InvalidAnswerError as exc:
            self._discard(task, case, key, exc)
            raise

    def _discard(self, task: Task, case: Case, key: str, problem: InvalidAnswerError) -> None:
        try:
            self.runner.store.discard([key])
        except StoreError as exc:
            raise ItemError(f"{task.id}/{case.key}: {problem}; and the answer cannot be removed: {exc}") from None

    def _warn(self, task: Task, case: Case, response: Response) -> None:
        """Each note on an answer as a warning: once per answer for a cut answer, once per run for
        what a server keeps doing (impossible token usage)."""
        for note in response.notes:
            message = f"{task.id}/{case.key}: {note}"
            once = note if "token usage" in note else message
            if once in self._warned:
                continue
            self._warned.add(once)
            warnings.warn(MMTrustWarning(message), stacklevel=2)

    def _record(self, task: Task, case: Case, response: Response, score: Score) -> ScoreRecord:
        return ScoreRecord(
            task=task.id,
            case=case.key,
            case_id=case.id,
            condition=case.condition,
            value=score.value,
            outcome=score.outcome,
            target=jsonable(case.target),
            metadata=dict(case.metadata),
            details=dict(score.details),
            cached=response.cached,
            usage=dict(response.usage) if response.usage else None,
            evaluator=evaluator_name(self.evaluator(task)),
            prompt=case.prompt[:RESPONSE_EXCERPT],
            images=tuple(str(p) for p in case.images),
            response=(response.text or "")[:RESPONSE_EXCERPT],
            answer_run=response.stored_run if response.cached else self.run_id,
            stored_at=response.stored_at if response.cached else None,
            fingerprint=response.fingerprint,
        )

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        if self._model is not None:
            self._model.close()
        if self._store is not None:
            self._store.close()


class DeferredModel:
    """A local model that loads its weights on the first ``generate``, not before.

    It speaks the :class:`~pytest_mmtrust.models.base.Model` protocol with the identity,
    batch size and concurrency the loaded model will have. When the model is loaded its own
    identity is compared with the one the store keys were made with: if the files changed in
    between (weights replaced during the run) the call fails rather than filing answers of one
    model under the name of another.
    """

    def __init__(self, build: Callable[[], Model], identity: str, name: str, batch_size: int, max_concurrency: int = 1):
        self._build = build
        self._identity = identity
        self.name = name
        self.batch_size = max(1, int(batch_size))
        self.max_concurrency = max_concurrency
        self._loaded: Model | None = None
        self._failure: MMTrustError | None = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._loaded is not None

    @property
    def loaded(self) -> Model:
        """The real model, loaded once (thread-safe)."""
        with self._lock:
            if self._failure is not None:
                raise self._failure  # a load that failed once fails the same way: do not retry per batch
            if self._loaded is None:
                try:
                    model = self._build()
                except MMTrustError as exc:
                    self._failure = exc
                    raise
                actual = model.identity()
                if actual != self._identity:
                    model.close()
                    self._failure = ModelError(
                        f"{self.name}: the model's files changed while the run was starting "
                        f"(identity {self._identity!r} became {actual!r}); run again"
                    )
                    raise self._failure
                self._loaded = model
            return self._loaded

    def identity(self) -> str:
        return self._identity

    def generate(self, requests: Sequence[Request], prepared: Any = None) -> list[Response]:
        if prepared is None:
            return self.loaded.generate(requests)
        return self.loaded.generate(requests, prepared=prepared)  # type: ignore[call-arg]

    def prepare(self, requests: Sequence[Request]) -> Any:
        """The loaded model's ``prepare`` (loading it first); None when it has none."""
        prepare = getattr(self.loaded, "prepare", None)
        return prepare(requests) if callable(prepare) else None

    def close(self) -> None:
        if self._loaded is not None:
            self._loaded.close()


_TORCH_BUILD_FIELD = re.compile(r"^(cuda|hip)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def local_model_identity(spec: ModelSpec, models_dir: Path) -> str | None:
    """The identity :class:`~pytest_mmtrust.models.hf.HFModel` will report, without loading it.

    ``None`` when it cannot be known cheaply and exactly: the tiny model is not built yet, the
    folder is not a model folder (the real load gives the error), or torch might choose a GPU
    (a CUDA or ROCm build: only a loaded torch can say whether a device is there, and the GPU
    runs in bfloat16, which changes the identity). The format mirrors ``HFModel.identity``;
    :class:`DeferredModel` checks the two agree when the model loads.
    """
    from .models.hf import weights_fingerprint

    if spec.kind == "tiny":
        from .models.tiny import TINY_MAX_NEW_TOKENS, TINY_VERSION, is_built

        folder, name, cap = Path(models_dir) / TINY_VERSION, "tiny", TINY_MAX_NEW_TOKENS
        if not is_built(folder):
            return None
    elif spec.kind == "hf":
        folder, name, cap = Path(spec.target).expanduser(), f"hf:{spec.target}", None
        if not (folder / "config.json").is_file():
            return None
    else:
        return None
    if torch_may_use_gpu():
        return None
    try:
        fingerprint = weights_fingerprint(folder)
    except OSError:
        return None
    return f"{name}#{fingerprint[:16]}|float32|cap={cap}"


def torch_may_use_gpu() -> bool:
    """False only when the installed torch is a CPU-only build, read without importing torch.

    ``torch/version.py`` is a generated file naming the CUDA and ROCm versions a build was
    made for (``None`` for neither). Anything unexpected counts as "may use a GPU".
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        return bool(torch.cuda.is_available())
    try:
        found = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return True
    if found is None or not found.origin:
        return True
    try:
        text = (Path(found.origin).parent / "version.py").read_text(encoding="utf-8")
    except OSError:
        return True
    return not cpu_only_torch_build(text)


def cpu_only_torch_build(version_py: str) -> bool:
    """True when the text of a ``torch/version.py`` says the build has neither CUDA nor ROCm."""
    fields = dict(_TORCH_BUILD_FIELD.findall(version_py))
    return fields.get("cuda") == "None" and fields.get("hip") == "None"
