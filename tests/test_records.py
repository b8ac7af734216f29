"""ScoreRecord's JSON: the bridge from a worker's item to the controller's metrics."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.records import RECORD_PROPERTY, ScoreRecord, jsonable, records_from_properties

json_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=12)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
records = st.builds(
    ScoreRecord,
    task=st.text(min_size=1, max_size=8),
    case=st.text(min_size=1, max_size=8),
    case_id=st.text(min_size=1, max_size=8),
    condition=st.none() | st.sampled_from(["none", "related", "unrelated", "en", "zh"]),
    value=st.none() | st.floats(0, 1),
    outcome=st.sampled_from(["CORRECT", "WRONG", "REFUSED", "ERROR"]),
    target=json_values,
    metadata=st.dictionaries(st.text(max_size=6), json_values, max_size=4),
    details=st.dictionaries(st.text(max_size=6), json_values, max_size=4),
    cached=st.booleans(),
    error=st.none() | st.text(max_size=20),
    usage=st.none() | st.dictionaries(st.sampled_from(["prompt_tokens", "completion_tokens", "cost"]), st.floats(0, 1e6)),
    evaluator=st.text(max_size=10),
    prompt=st.text(max_size=30),
    images=st.lists(st.text(min_size=1, max_size=10), max_size=3).map(tuple),
    response=st.none() | st.text(max_size=30),
)


def reference_json(record: ScoreRecord) -> str:
    """The original rule: a deep copy through ``dataclasses.asdict``, then JSON."""
    data = asdict(record)
    data["images"] = list(record.images)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


@given(records)
def test_the_json_is_the_reference_rules_and_reads_back_equal(record: ScoreRecord) -> None:
    text = record.to_json()
    assert text == reference_json(record)
    assert ScoreRecord.from_json(text) == ScoreRecord.from_json(reference_json(record))
    (back,) = records_from_properties([("mmtrust_task", record.task), (RECORD_PROPERTY, text)])
    assert back.to_json() == text


@dataclass(frozen=True)
class Box:
    side: int


def test_nested_mappings_and_dataclasses_are_written_as_objects() -> None:
    record = ScoreRecord(task="T.1", case="0001", case_id="0001", condition=None, value=1.0, outcome="CORRECT",
                         metadata=MappingProxyType({"box": Box(3), "tags": {"a", }}), details={"when": object})
    data = json.loads(record.to_json())
    assert data["metadata"]["box"] == {"side": 3}
    assert data["metadata"]["tags"] == "{'a'}"  # what cannot be JSON is written as its str
    assert data["details"]["when"] == "<class 'object'>"


def test_jsonable_makes_plain_json_data_of_a_target() -> None:
    target = MappingProxyType({1: (Box(2), "x"), "set": {"a"}, "none": None, "nested": {"f": 0.5, "b": True}})
    assert jsonable(target) == {"1": [{"side": 2}, "x"], "set": "{'a'}", "none": None, "nested": {"f": 0.5, "b": True}}
    assert jsonable(["a", ("b", 3)]) == ["a", ["b", 3]] and jsonable("yes") == "yes" and jsonable(None) is None


@given(json_values)
def test_jsonable_leaves_json_data_as_it_is(value: object) -> None:
    assert jsonable(value) == value
