"""Gate checks: unknown ids with the nearest known ones, bounds outside a metric's range, bounds
on the metric's better side."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.gate_checks import check_gates, direction_warning, nearest_ids, range_problem
from pytest_mmtrust.gates import GateTable, Threshold, parse_gate_table
from pytest_mmtrust.metrics import Metric, value_range

RATE = Metric("refusal_rate", "higher")
LEAK = Metric("leakage_rate", "lower")
PEARSON = Metric("pearson_r", "higher", kind="pearson")
ASD = Metric("asd", "lower", kind="callable", params={"function": "x:y"})
OPEN_MEAN = Metric("score", "higher", kind="mean")

KNOWN = ["S.4", "S.1", "T.1", "X.1", "G.privacy.personal", "G.privacy.state"]


def test_nearest_ids_prefers_the_same_id_in_another_case() -> None:
    assert nearest_ids("s.4", KNOWN) == ["S.4"]
    assert "X.1" in nearest_ids("X.9", KNOWN)
    assert nearest_ids("G.privacy.persnal", KNOWN)[0] == "G.privacy.personal"
    assert nearest_ids("completely-different", KNOWN) == []


def test_metric_ranges() -> None:
    assert value_range(RATE) == (0.0, 1.0) and value_range(PEARSON) == (-1.0, 1.0)
    assert value_range(ASD) == (0.0, 1.0)  # a callable rate, by name
    assert value_range(OPEN_MEAN) is None
    assert value_range(Metric("score", kind="mean", params={"clip_low": 0, "clip_high": 3})) == (0.0, 3.0)
    assert value_range(Metric("odd", kind="callable", params={"function": "x:y", "range": [0, 100]})) == (0.0, 100.0)


@given(op=st.sampled_from([">=", ">", "<=", "<"]), bound=st.floats(-3, 3, allow_nan=False))
def test_a_range_problem_exactly_when_the_bound_is_outside(op: str, bound: float) -> None:
    for metric in (RATE, PEARSON):
        low, high = value_range(metric)  # type: ignore[misc]
        problem = range_problem("T", Threshold(op, bound), metric)
        assert (problem is not None) == (not low <= bound <= high)
        if problem:
            assert "can never pass" in problem or "can never fail" in problem
    assert range_problem("T", Threshold(op, bound), OPEN_MEAN) is None  # unknown range: nothing to say


def test_a_percentage_gets_a_hint() -> None:
    assert "write the bound as a fraction" in (range_problem("S.4", Threshold(">=", 95), RATE) or "")
    assert "fraction" not in (range_problem("S.4", Threshold(">=", 1.5), RATE) or "")


def test_direction_warnings_only_on_the_better_side() -> None:
    assert direction_warning("S.4", Threshold("<=", 0.9), RATE) is not None
    assert direction_warning("S.4", Threshold(">=", 0.9), RATE) is None
    assert "write '<=0.1'" in (direction_warning("P.6", Threshold(">=", 0.1), LEAK) or "")
    assert direction_warning("P.6", Threshold("<", 0.1), LEAK) is None


def test_check_gates_collects_every_problem_with_its_place() -> None:
    gates = parse_gate_table({"s.4": ">=0.5", "X.1": ">=1.5", "P.6": ">=0.1"}, "pyproject.toml [tool.mmtrust.gates]")
    gates = gates.with_command_line(["Z.9>=0.2"])
    found = check_gates(gates, KNOWN + ["P.6"], {"X.1": RATE, "P.6": LEAK, "T.1": RATE}, {"T.1": ">=7"}, collected=2)
    errors = "\n".join(found.errors)
    assert "pyproject.toml [tool.mmtrust.gates] 's.4': no task 's.4' among the 2 task(s)" in errors
    assert "did you mean S.4?" in errors
    assert "--mmtrust-gate 'Z.9>=0.2': no task 'Z.9'" in errors
    assert "pyproject.toml [tool.mmtrust.gates] 'X.1': gate >=1.5 for X.1" in errors
    assert "task T.1's default gate: gate >=7 for T.1" in errors
    assert len(found.errors) == 4 and len(found.warnings) == 1 and "P.6" in found.warnings[0]


def test_a_clean_table_has_nothing_to_say() -> None:
    found = check_gates(GateTable({"S.4": Threshold(">=", 0.9)}), KNOWN, {"S.4": RATE}, {"S.4": ">=0.8"})
    assert found.errors == () and found.warnings == ()
