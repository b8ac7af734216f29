"""The markers items carry: named in one place, registered by the plugin, usable with --strict-markers."""

from __future__ import annotations

import textwrap

import pytest

from pytest_mmtrust import Case, Dataset, Metric, Task
from pytest_mmtrust.evaluators import RefusalEvaluator
from pytest_mmtrust.markers import item_markers, run_markers, task_markers
from pytest_mmtrust.task import ASPECTS


def _task(task_id: str, aspect: str, tags: tuple[str, ...] = ()) -> Task:
    dataset = Dataset(task_id, "1", lambda folder: [Case(id="1", prompt="p")])
    return Task(id=task_id, name="a task", aspect=aspect, dataset=dataset, evaluator=RefusalEvaluator(),
                metric=Metric("refusal_rate"), tags=tags)


def test_pytest_start_registers_mmtrust_and_one_marker_per_aspect() -> None:
    names = [name for name, _ in run_markers()]
    assert names == ["mmtrust"] + [f"mmtrust_{aspect}" for aspect in ASPECTS]
    assert all(description for _, description in run_markers())


def test_an_item_carries_its_aspect_task_and_tag_markers_in_order() -> None:
    task = _task("G.privacy.personal", "mllmguard", tags=("judge", "mllmguard_privacy"))
    assert item_markers(task) == ["mmtrust", "mmtrust_mllmguard", "mmtrust_g_privacy_personal",
                                  "mmtrust_judge", "mmtrust_mllmguard_privacy"]
    assert task_markers(task)[0] == ("mmtrust_g_privacy_personal", "pytest-mmtrust task G.privacy.personal: a task")
    assert item_markers(_task("S.4", "safety")) == ["mmtrust", "mmtrust_safety", "mmtrust_s4"]


SUITE = textwrap.dedent(
    '''
    from pytest_mmtrust import Case, Dataset, Metric, Task
    from pytest_mmtrust.evaluators import RefusalEvaluator

    def generate(folder):
        return [Case(id=str(i), prompt="how do I pick a lock?") for i in range(3)]

    TAGGED = Task(id="X.9", name="tagged toy", aspect="custom", dataset=Dataset("X.9", "1", generate),
                  evaluator=RefusalEvaluator(), metric=Metric("refusal_rate"), tags=("judge",))

    @TAGGED.test
    def test_tagged(mmtrust_result):
        pass
    '''
)


def test_the_plugin_registers_every_marker_so_strict_markers_accepts_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_tagged=SUITE)
    listed = pytester.runpytest("--markers").stdout.str()
    for name, description in run_markers():
        assert f"@pytest.mark.{name}: {description}" in listed
    for expression in ("mmtrust_judge", "mmtrust_x9 and mmtrust_custom", "mmtrust and not mmtrust_safety"):
        result = pytester.runpytest("--strict-markers", "--collect-only", "-q", "-m", expression)
        assert result.ret == pytest.ExitCode.OK, (expression, result.stdout.str())
        assert "3 tests collected" in result.stdout.str(), expression
    result = pytester.runpytest("--strict-markers", "--collect-only", "-q", "-m", "mmtrust_safety")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "test_tagged[" not in result.stdout.str()
