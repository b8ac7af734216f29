"""The nodes that fold a task's records: resample weights behave like repeated cases."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pytest_mmtrust.multitrust_nodes import Frame, Pearson, Rate, Split, chi_square_pvalues, value_of
from pytest_mmtrust.multitrust_rules import condition_class
from pytest_mmtrust.records import ScoreRecord


def rec(case: str, value: float | None, condition: str | None = None, target: float | None = None, **meta: object) -> ScoreRecord:
    return ScoreRecord(task="X", case=case if condition is None else f"{case}/{condition}", case_id=case,
                       condition=condition, value=value, outcome="X", target=target, metadata=meta)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("xyz"), st.integers(0, 3)), min_size=2, max_size=25),
       st.booleans())
def test_weighted_chi_square_equals_scipy_on_the_repeated_table(rows: list[tuple[str, str, int]], yates: bool) -> None:
    """A resample's weights are repeat counts: the p-value is scipy's on the table of repeated records."""
    groups = [g for g, _a, _w in rows]
    answers = [a for _g, a, _w in rows]
    weights = np.array([[float(w) for *_rest, w in rows]])
    got = chi_square_pvalues(groups, answers, np.ones(len(rows), dtype=bool), weights, yates)[0]
    table = np.zeros((3, 3))
    for g, a, w in rows:
        table["abc".index(g), "xyz".index(a)] += w
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        expected = 1.0
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = float(stats.chi2_contingency(table, correction=yates).pvalue)
    assert got == pytest.approx(expected, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([-100.0, -50.0, 0.0, 50.0, 100.0, None]), st.floats(-100, 100),
                          st.integers(0, 3)), min_size=1, max_size=20))
def test_weighted_pearson_equals_the_repeated_data(rows: list[tuple[float | None, float, int]]) -> None:
    records = [rec(str(i), value, target=target) for i, (value, target, _w) in enumerate(rows)]
    weights = np.array([[float(w) for *_rest, w in rows]])
    got = Pearson().evaluate(Frame.of(records), weights, np.ones(len(rows), dtype=bool))[0]
    xs = [v for v, _t, w in rows for _ in range(w) if v is not None]
    ys = [t for v, t, w in rows for _ in range(w) if v is not None]
    if len(xs) < 2 or np.std(xs) < 1e-9 or np.std(ys) < 1e-6:
        assert got == 0.0 or abs(got) <= 1
        return
    assert got == pytest.approx(float(np.corrcoef(xs, ys)[0, 1]), abs=1e-6)


def test_split_means_groups_and_max_picks_the_best() -> None:
    records = [rec(str(i), float(i < 3), "p1", part="a") for i in range(4)]
    records += [rec(str(i), float(i < 1), "p2", part="a") for i in range(4)]
    records += [rec(f"b{i}", 1.0, "p1", part="b") for i in range(2)]
    frame = Frame.of(records)
    ones = np.ones((1, len(records)))
    everything = np.ones(len(records), dtype=bool)
    by_part = Split(lambda r: r.metadata["part"], Split(lambda r: r.condition, Rate(value_of), "max"))
    assert by_part.evaluate(frame, ones, everything)[0] == pytest.approx((0.75 + 1.0) / 2)
    weighted = Split(lambda r: r.metadata["part"], Rate(value_of), {"a": 0.7, "b": 0.3})
    assert weighted.evaluate(frame, ones, everything)[0] == pytest.approx(0.7 * 0.5 + 0.3 * 1.0)
    only_b = Split(lambda r: r.metadata["part"], Rate(value_of), {"b": 1.0})
    assert only_b.evaluate(frame, ones, everything)[0] == 1.0


@pytest.mark.parametrize("condition, expected", [
    (None, "none"), ("none", "none"), ("text", "none"), ("related", "related"), ("unrelated", "unrelated"),
    ("unrelated-color", "unrelated"), ("neg", "neg"),
])
def test_condition_classes(condition: str | None, expected: str) -> None:
    assert condition_class(rec("1", 1.0, condition)) == expected
