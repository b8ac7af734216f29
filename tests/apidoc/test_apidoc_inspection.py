"""What the page reads from the code is rendered the same everywhere, and found where it lives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest_mmtrust.evaluators
from pytest_mmtrust import Case, GenerationParams, Metric, Task
from pytest_mmtrust.apidoc import inspection
from pytest_mmtrust.evaluators import base as evaluator_base
from pytest_mmtrust.models import Model
from pytest_mmtrust.records import ScoreRecord
from pytest_mmtrust.values import Request


def test_dataclass_defaults_are_shown_as_source_writes_them() -> None:
    signature = inspection.dataclass_signature(Task)
    assert "build_request: Callable[[Case, GenerationParams], Request] = default_request" in signature
    assert "params: GenerationParams = GenerationParams()" in signature
    assert "tags: tuple[str, ...] = ()" in signature
    assert " at 0x" not in signature
    assert inspection.dataclass_signature(Case).startswith("(id: str, prompt: str, images: tuple[str, ...] = (),")
    assert "metadata: Mapping[str, Any] = {}" in inspection.dataclass_signature(Case)


def test_values_never_show_a_platform_or_an_address() -> None:
    assert inspection.value(Path(".mmtrust")) == "Path('.mmtrust')"
    assert inspection.value(("one",)) == "('one',)"
    assert inspection.value(GenerationParams) == "GenerationParams"
    try:
        inspection.value(object())
    except ValueError as exc:
        assert "give its type a repr" in str(exc)
    else:
        raise AssertionError("an object with an address in its repr must not reach the page")


def test_signatures_drop_self_and_wrap_long_ones_one_parameter_a_line() -> None:
    assert inspection.signature(Task.request_for, skip_first=True) == "(case: Case) -> Request"
    assert inspection.wrap("f", "(a: int) -> None") == "f(a: int) -> None"
    long = "(first: Mapping[str, tuple[int, int]] = {'a, b': (1, 2)}, second: str = 'x, y', *, third: bool = False) -> None"
    assert inspection.wrap("function", long) == (
        "function(\n"
        "    first: Mapping[str, tuple[int, int]] = {'a, b': (1, 2)},\n"
        "    second: str = 'x, y',\n"
        "    *,\n"
        "    third: bool = False,\n"
        ") -> None"
    )


def test_hash_colon_comments_are_read_from_classes_and_modules() -> None:
    assert inspection.attribute_comments(Model)["batch_size"] == "How many requests one ``generate`` call takes at most."
    assert "(this run's id for a fresh answer)" in inspection.attribute_comments(ScoreRecord)["answer_run"]
    assert inspection.attribute_comments(evaluator_base)["EMPTY"].startswith("Nothing visible was answered.")


def test_a_re_exported_constant_is_documented_where_it_is_defined() -> None:
    assert inspection.defining_module(pytest_mmtrust.evaluators, "REFUSED") is evaluator_base
    assert inspection.defining_module(pytest_mmtrust.evaluators, "MISLED").__name__ == "pytest_mmtrust.evaluators.answer"
    assert inspection.defining_module(evaluator_base, "REFUSED") is evaluator_base


def test_references_resolve_absolutely_relatively_and_within_a_class() -> None:
    resolve = inspection.resolve
    assert resolve("pytest_mmtrust.values.Case", "pytest_mmtrust.task") is Case
    assert resolve("~.text.normalise", "pytest_mmtrust.evaluators.refusal") is pytest_mmtrust.evaluators.normalise
    assert resolve("Metric.from_json", "pytest_mmtrust.metrics") == Metric.from_json
    assert resolve("to_json", "pytest_mmtrust.metrics", Metric) is Metric.to_json
    assert resolve("Request.params", "pytest_mmtrust.values") is Request  # a field: its class's entry
    assert resolve("pytest_mmtrust.values.Gone", "pytest_mmtrust.task") is inspection.MISSING
    assert resolve(".nowhere", "pytest_mmtrust.evaluators.answer") is inspection.MISSING


def test_members_are_the_methods_not_the_fields_holding_functions() -> None:
    names = [name for name, _ in inspection.public_members(Task)]
    assert "build_request" not in names  # a field whose default is a function
    assert names[:2] == ["marker", "request_for"]
    assert "__call__" in [name for name, _ in inspection.public_members(evaluator_base.Evaluator)]
    assert "__call__" not in [name for name, _ in inspection.public_members(pytest_mmtrust.evaluators.RefusalEvaluator)]


def test_the_fixtures_are_read_from_the_plugin_source() -> None:
    fixtures = {f.name: f for f in inspection.plugin_fixtures()}
    assert set(fixtures) == {"mmtrust_case", "mmtrust_result", "mmtrust_model", "mmtrust_settings"}
    assert fixtures["mmtrust_result"].scope == "function" and fixtures["mmtrust_result"].returns == "ItemResult"
    assert fixtures["mmtrust_model"].scope == "session" and fixtures["mmtrust_model"].returns == "Model"
    assert all(f.doc for f in fixtures.values())


def test_kinds() -> None:
    assert [inspection.kind(o) for o in (Task, Model, Metric.compute, ValueError)] == [
        "dataclass", "protocol", "function", "exception"]
    assert inspection.kind(pytest_mmtrust.evaluators.RefusalEvaluator) == "class"
    assert dataclasses.is_dataclass(Task) and inspection.own_doc(Task).startswith("One benchmark task")
