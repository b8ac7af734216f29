"""could_select never drops a task pytest would select (soundness), and drops the obvious ones."""

from __future__ import annotations

import warnings

import pytest
from _pytest.mark import KeywordMatcher
from _pytest.mark.expression import Expression
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_mmtrust.task_selection import could_select

with warnings.catch_warnings():  # unregistered here; the plugin registers them in a real run
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    MARKS = [getattr(pytest.mark, name).mark for name in ("mmtrust", "mmtrust_safety", "mmtrust_s4")]
NAMES = ["test_s4.py", "test_typographic", "test_typographic[S.4/"]


def test_markers_decide_exactly() -> None:
    assert could_select("mmtrust_s4", "", MARKS, NAMES)
    assert could_select("mmtrust_safety and not mmtrust_s6", "", MARKS, NAMES)
    assert not could_select("mmtrust_s6", "", MARKS, NAMES)
    assert not could_select("not mmtrust", "", MARKS, NAMES)


def test_keywords_on_known_names_decide_and_unknown_ones_keep_the_task() -> None:
    assert could_select("", "S.4", MARKS, NAMES)
    assert could_select("", "typographic and not S.6", MARKS, NAMES)
    assert could_select("", "figstep", MARKS, NAMES)  # not a known name, but it may be in a case id: kept
    assert could_select("", "0001", MARKS, NAMES)  # a case id: cannot be decided without the data
    assert not could_select("", "not typographic", MARKS, NAMES)
    assert not could_select("", "S.4 and not mmtrust_safety", MARKS, NAMES)


def test_bad_expressions_are_left_to_pytest() -> None:
    assert could_select("mmtrust and (", "", MARKS, NAMES)
    assert could_select("", "S.4 or", MARKS, NAMES)


WORDS = ["S.4", "s4", "0001", "typo", "none", "test_", "mmtrust_s4", "zzz", "S.6/0001", "related"]
expressions = st.recursive(
    st.sampled_from(WORDS),
    lambda inner: st.one_of(
        st.builds(lambda a: f"not {a}", inner),
        st.builds(lambda a, b: f"({a} and {b})", inner, inner),
        st.builds(lambda a, b: f"({a} or {b})", inner, inner),
    ),
    max_leaves=6,
)
case_keys = st.lists(st.text(alphabet="abcdefnorstuvwyz0123456789._-/", min_size=1, max_size=12), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(expressions, case_keys)
def test_a_task_with_an_item_pytest_selects_is_never_left_out(expression: str, keys: list[str]) -> None:
    compiled = Expression.compile(expression)
    selected = any(
        compiled.evaluate(KeywordMatcher(set(NAMES[:2]) | {f"test_typographic[S.4/{key}]"} | {m.name for m in MARKS}))
        for key in keys
    )
    if selected:
        assert could_select("", expression, MARKS, NAMES), (expression, keys)
