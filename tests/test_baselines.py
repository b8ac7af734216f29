"""Baseline files (schema 2, schema 1 still read) and what makes a baseline comparable with a run."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.baselines import (
    Baseline,
    BaselineEntry,
    baseline_notes,
    comparability,
    impossible_values,
    read_baseline,
    write_baseline,
)
from pytest_mmtrust.metrics import Metric

ACCURACY = Metric("accuracy", "higher")
PEARSON = Metric("pearson_r", "higher", kind="pearson")


def entry(**changes: object) -> BaselineEntry:
    base = dict(value=0.8, ci=(0.7, 0.9), n=100, metric="accuracy", direction="higher", kind="proportion",
                params={}, evaluator="rules:exact", cases={"a": 1.0, "b": 0.0})
    base.update(changes)
    return BaselineEntry(**base)  # type: ignore[arg-type]


def test_a_matching_entry_is_comparable() -> None:
    assert comparability("T.1", ACCURACY, "rules:exact", entry()) is None
    assert comparability("T.1", ACCURACY, "rules:exact", entry(direction=None, kind=None, params=None, evaluator=None)) is None


def test_each_reason_a_baseline_cannot_be_compared() -> None:
    assert comparability("T.1", ACCURACY, "e", None) == "not in the baseline"
    assert "nothing was scored" in (comparability("T.1", ACCURACY, "rules:exact", entry(value=None)) or "")
    assert "measured leakage_rate" in (comparability("T.1", ACCURACY, "rules:exact", entry(metric="leakage_rate")) or "")
    assert "as chi_square" in (comparability("T.1", ACCURACY, "rules:exact", entry(kind="chi_square")) or "")
    assert "other parameters" in (comparability("T.1", ACCURACY, "rules:exact", entry(params={"scale": 3})) or "")
    assert "another evaluator" in (comparability("T.1", ACCURACY, "judge:x", entry()) or "")
    assert "upside down" in (comparability("T.1", ACCURACY, "rules:exact", entry(ci=(0.9, 0.7))) or "")
    assert "n=-1" in (comparability("T.1", ACCURACY, "rules:exact", entry(n=-1)) or "")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_impossible_values_are_exactly_those_outside_the_range(value: float) -> None:
    found = impossible_values(PEARSON, entry(metric="pearson_r", kind="pearson", value=value, ci=None, cases={}))
    possible = value == value and -1.0 <= value <= 1.0
    assert (found is None) == possible


def test_notes_name_model_version_identity_and_fingerprint_changes(tmp_path: Path) -> None:
    base = Baseline({}, path=tmp_path / "b.json", model="m", model_version="v1", model_identity="m#a|version=v1",
                    fingerprints=("fp_1",), scoring="default")
    assert baseline_notes(base, "m", "v1", "m#a|version=v1", ["fp_1"]) == ([], None)
    assert baseline_notes(base, "other", "v1", None, [])[0] == ["model changed since the baseline: m → other"]
    assert baseline_notes(base, "m", "v2", None, [])[0] == ["model version changed since the baseline: v1 → v2"]
    assert "its source, weights or server changed" in baseline_notes(base, "m", "v1", "m#b|version=v1", [])[0][0]
    assert "fp_1 → fp_2" in baseline_notes(base, "m", "v1", None, ["fp_2"])[0][0]
    assert baseline_notes(base, "m", "v1", None, [], scoring="upstream")[1] == (
        "the baseline was scored with the 'default' profile, this run with 'upstream'")


def test_round_trip_of_the_run_facts_and_schema_1_files(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_baseline(path, "m", {"T.1": {"metric": "accuracy", "value": 0.5, "n": 2, "outcomes": {"a": "CORRECT"},
                                       "params": {"scale": 3}, "evaluator": "e", "kind": "mean"}},
                   model_version="v1", model_identity="m#x", run="r1", answer_runs=["r0", "r1"], fingerprints=["fp"])
    read = read_baseline(path)
    assert (read.schema, read.model_version, read.run, read.answer_runs, read.fingerprints) == (2, "v1", "r1", ("r0", "r1"), ("fp",))
    assert read["T.1"].outcomes == {"a": "CORRECT"} and read["T.1"].params == {"scale": 3} and read["T.1"].kind == "mean"
    path.write_text(json.dumps({"schema": 1, "kind": "pytest-mmtrust-baseline", "model": "m", "tasks": {"T.1": {"value": 0.5}}}))
    old = read_baseline(path)
    assert old.schema == 1 and old.run is None and old.answer_runs == () and old["T.1"].outcomes == {}
    assert "schema 1" in baseline_notes(old, "m", None, None, [])[0][0]
