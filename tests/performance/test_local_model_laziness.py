"""Local models and images are loaded when needed and let go after.

* A rerun whose answers are all stored never loads the local model (its store keys need only
  its identity, read from the files on disk).
* Images are decoded by the model adapter (its ``prepare``, one batch ahead of the batch being
  generated), never by the plugin, and no decoded image outlives its batch: memory does not
  grow with the images of a session.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Iterator, Sequence

import pytest
from perf_helpers import suite_source
from PIL import Image

from pytest_mmtrust import Case, Dataset, Metric, Score, Task
from pytest_mmtrust.errors import ModelError
from pytest_mmtrust.models import parse_model_spec
from pytest_mmtrust.models.tiny import build_tiny_model, tiny_model
from pytest_mmtrust.runner import ResponseRunner
from pytest_mmtrust.session import DeferredModel, EvaluationSession, cpu_only_torch_build, local_model_identity
from pytest_mmtrust.store import MemoryStore
from pytest_mmtrust.values import Request, Response

CASES = 24
BATCH = 4


class LiveImages:
    """Counts the PIL images alive right now, and the most alive at once since :meth:`reset`."""

    def __init__(self) -> None:
        self.live = 0
        self.peak = 0
        self.created = 0
        self._lock = threading.Lock()

    def born(self, image: Image.Image) -> None:
        with self._lock:
            self.live += 1
            self.created += 1
            self.peak = max(self.peak, self.live)
        weakref.finalize(image, self._died)

    def _died(self) -> None:
        with self._lock:
            self.live -= 1

    def reset(self) -> None:
        with self._lock:
            self.peak = self.live
            self.created = 0


@pytest.fixture
def live_images(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveImages]:
    """Every PIL image built from now on (opened, converted, resized …) is counted."""
    counter = LiveImages()
    original = Image.Image.__init__

    def counted_init(self: Image.Image, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        counter.born(self)

    monkeypatch.setattr(Image.Image, "__init__", counted_init)
    yield counter


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mmtrust-cache")
    build_tiny_model(folder / "models")
    return folder


def image_task() -> Task:
    def generate(folder: Path) -> list[Case]:
        for i in range(CASES):
            Image.new("RGB", (48, 48), (20 * i % 256, 90, 160)).save(folder / f"{i}.png")
        return [Case(id=f"{i:02d}", prompt=f"what colour is it? {i}", images=(f"{i}.png",)) for i in range(CASES)]

    return Task(id="L.1", name="lazy images", aspect="custom", dataset=Dataset("L.1", "1", generate),
                evaluator=lambda case, text: Score(1.0, "ANSWERED"), metric=Metric("accuracy"))


def session_for(cache_dir: Path, store: Path) -> EvaluationSession:
    return EvaluationSession(model_spec="tiny", cache_dir=cache_dir, store_path=store, batch_size=BATCH)


def test_the_identity_read_from_disk_is_the_loaded_models(cache_dir: Path) -> None:
    predicted = local_model_identity(parse_model_spec("tiny"), cache_dir / "models")
    model = tiny_model(cache_dir / "models")
    try:
        assert predicted == model.identity()
    finally:
        model.close()


def test_a_fully_stored_rerun_never_loads_the_local_model(cache_dir: Path, tmp_path: Path) -> None:
    task = image_task()
    first = session_for(cache_dir, tmp_path / "store.sqlite")
    cases = first.cases(task)
    first.prefetch(task, cases)
    answers = [first.result(task, case).response.text for case in cases]
    first.close()

    rerun = session_for(cache_dir, tmp_path / "store.sqlite")
    rerun.prefetch(task, rerun.cases(task))
    results = [rerun.result(task, case) for case in cases]
    deferred = rerun._runner_model()
    assert isinstance(deferred, DeferredModel) and not deferred.is_loaded
    assert [r.response.text for r in results] == answers and all(r.response.cached for r in results)
    rerun.close()


def test_a_local_model_decodes_one_batch_of_images_at_a_time(
    cache_dir: Path, tmp_path: Path, live_images: LiveImages
) -> None:
    task = image_task()
    session = session_for(cache_dir, tmp_path / "store.sqlite")
    cases = session.cases(task)  # generating the dataset draws images: count from here on
    model = session.model
    alive_at_each_batch: list[int] = []
    answer = model.generate

    def watched(requests: Sequence[Request], prepared: object = None) -> list[Response]:
        alive_at_each_batch.append(live_images.live)
        return answer(requests, prepared=prepared)  # type: ignore[call-arg]

    model.generate = watched  # type: ignore[method-assign]
    live_images.reset()
    session.prefetch(task, cases)
    print(alive_at_each_batch, live_images.peak, live_images.created)
    # The batch being answered and the next one (prepared beside it), never an earlier one:
    # holding every image would reach 24 by the last batch.
    assert len(alive_at_each_batch) == CASES // BATCH
    assert 0 < max(alive_at_each_batch) <= 2 * BATCH
    assert 0 < live_images.peak <= 3 * BATCH
    assert live_images.live == 0  # and none held after the response phase
    session.close()


def test_the_plugin_itself_decodes_no_image(
    pytester: pytest.Pytester, tmp_path: Path, live_images: LiveImages
) -> None:
    """The plugin hashes image files for the store keys and passes paths on; only a model that
    looks at an image decodes it. A model that ignores them means no image is ever decoded."""
    pytester.makepyfile(test_toy=suite_source(30, images=True), instantmodel="def ok(request):\n    return 'ok'\n")
    pytester.syspathinsert()
    args = ["--mmtrust-model=py:instantmodel:ok", f"--mmtrust-cache-dir={tmp_path / 'cache'}", "-p", "no:cacheprovider"]
    pytester.runpytest(*args, "--collect-only")  # generates the dataset (draws its images)
    live_images.reset()
    pytester.runpytest(*args, f"--mmtrust-store={tmp_path / 'store.sqlite'}").assert_outcomes(passed=30)
    assert live_images.created == 0


class Swapped:
    """A model whose files changed between reading its identity and loading it."""

    name = "hf:/models/x"
    batch_size = 1
    max_concurrency = 1
    closed = False

    def identity(self) -> str:
        return "hf:/models/x#new"

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        raise AssertionError("a swapped model must not answer")

    def close(self) -> None:
        self.closed = True


def test_a_model_whose_files_changed_after_its_identity_was_read_answers_nothing() -> None:
    loaded = Swapped()
    builds = []

    def build() -> Swapped:
        builds.append(1)
        return loaded

    deferred = DeferredModel(build, "hf:/models/x#old", "hf:/models/x", batch_size=2)
    with pytest.raises(ModelError, match="files changed"):
        deferred.generate([Request("q")])
    assert loaded.closed
    answers = ResponseRunner(deferred, MemoryStore()).fetch({"k1": Request("q1"), "k2": Request("q2")})
    assert all("files changed" in (a.error or "") for a in answers.values())
    assert len(builds) == 1  # a failed load is remembered, not repeated for every batch


def test_only_a_cpu_only_torch_build_skips_the_gpu_question() -> None:
    cpu = "__version__ = '2.13.0+cpu'\ncuda: Optional[str] = None\nhip: Optional[str] = None\n"
    cuda = "__version__ = '2.13.0'\ncuda: Optional[str] = '12.8'\nhip: Optional[str] = None\n"
    rocm = "__version__ = '2.13.0'\ncuda: Optional[str] = None\nhip: Optional[str] = '6.2'\n"
    assert cpu_only_torch_build(cpu)
    assert not cpu_only_torch_build(cuda) and not cpu_only_torch_build(rocm)
    assert not cpu_only_torch_build("")  # unreadable: ask torch
