"""The throw-away pytest projects the benchmarks run: a synthetic task, toy models, baselines.

``BENCH_SUITE`` declares one task ``B.1`` of ``$BENCH_N`` cases through the public API, exactly
as a user's suite would. With ``$BENCH_IMAGES=1`` every case carries its own 256×256 PNG (a few
hundred bytes on disk, 192 KiB once decoded): holding decoded images for the session would
show at once in the peak RSS. The dataset name carries N and the image flag, so each size is
generated once into the project's cache and reused by later runs.
"""

from __future__ import annotations

BENCH_SUITE = '''
import os
from pytest_mmtrust import Case, Dataset, GenerationParams, Metric, Score, Task

N = int(os.environ["BENCH_N"])
IMAGES = os.environ.get("BENCH_IMAGES") == "1"
MAX_TOKENS = int(os.environ.get("BENCH_MAX_TOKENS", "16"))


def generate(folder):
    if IMAGES:
        from PIL import Image
        (folder / "img").mkdir()
    cases = []
    for i in range(N):
        images = ()
        if IMAGES:
            name = f"img/{i:06d}.png"
            Image.new("RGB", (256, 256), (i % 251, (i // 251) % 251, 7)).save(folder / name)
            images = (name,)
        cases.append(Case(id=f"{i:06d}", prompt=f"q{i}", images=images, target="ok"))
    return cases


class Exact:
    name = "rules:exact"

    def __call__(self, case, text):
        ok = text.strip() == case.target
        return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")


BENCH = Task(id="B.1", name="benchmark task", aspect="custom",
             dataset=Dataset(f"B.1-n{N}-i{int(IMAGES)}", "1", generate),
             evaluator=Exact(), metric=Metric("accuracy"), params=GenerationParams(max_tokens=MAX_TOKENS))


@BENCH.test
def test_bench(mmtrust_result):
    pass
'''

BENCH_MODELS = '''
from PIL import Image


def instant(request):
    """An in-process model with no cost of its own."""
    return "ok"


def opens_image(request):
    """Decodes every image it is given (as a real model must), keeps none of them."""
    for path in request.images:
        with Image.open(path) as image:
            image.load()
    return "ok"
'''

TRIVIAL_SUITE = '''
import os
import pytest


@pytest.mark.parametrize("i", range(int(os.environ["BENCH_N"])))
def test_trivial(i):
    pass
'''

#: What people write without the plugin: each test asks the model one question and waits.
SERIAL_LOOP_SUITE = '''
import os
import pytest
from pytest_mmtrust.models.api import APIModel
from pytest_mmtrust.values import Request

MODEL = APIModel("openai/bench", api_base=os.environ["BENCH_API_BASE"], timeout=60)


@pytest.mark.parametrize("i", range(int(os.environ["BENCH_N"])))
def test_one_request(i):
    (response,) = MODEL.generate([Request(f"q{i}")])
    assert response.text == "ok"
'''


#: ``$BENCH_TASKS`` tasks ``B.1`` … of ``$BENCH_N`` cases each (prompts ``t{task}q{i}``), one file:
#: the run-wide stream's benchmarks (several tasks, so barriers between tasks would show).
MULTI_TASK_SUITE = '''
import os
from pytest_mmtrust import Case, Dataset, GenerationParams, Metric, Score, Task

N = int(os.environ["BENCH_N"])
TASKS = int(os.environ.get("BENCH_TASKS", "7"))


class Exact:
    name = "rules:exact"

    def __call__(self, case, text):
        ok = text.strip() == case.target
        return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")


def make(number):
    def generate(folder):
        return [Case(id=f"{i:05d}", prompt=f"t{number}q{i}", target="ok") for i in range(N)]

    task = Task(id=f"B.{number}", name=f"benchmark task {number}", aspect="custom",
                dataset=Dataset(f"B.{number}-n{N}", "1", generate), evaluator=Exact(), metric=Metric("accuracy"),
                params=GenerationParams(max_tokens=16))

    @task.test
    def test_task(mmtrust_result):
        pass

    return test_task


for _number in range(1, TASKS + 1):
    globals()[f"test_task_{_number}"] = make(_number)
'''
